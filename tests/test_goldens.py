"""The recorded outputs stay byte-identical: the demo (English and Korean), every explanation and verdict of
the five documents, the README's command lines and the five drawings' DOT text (tests/goldens/).

A change that alters one of them on purpose records it again (``python -m tests.goldens.outputs``) in the
same commit and says why in its message."""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Callable

import pytest

from tests.conftest import DemoRun
from tests.goldens.outputs import DATA, cli_text, computed, demo_text


def same_as_golden(name: str, text: str) -> None:
    golden = (DATA / name).read_text(encoding="utf-8")
    if text != golden:
        diff = "".join(list(difflib.unified_diff(golden.splitlines(True), text.splitlines(True), f"golden/{name}",
                                                 "now", n=1))[:80])
        pytest.fail(f"{name} differs from its golden (record it again only if the change is meant):\n{diff}")


@pytest.mark.parametrize("name", sorted(computed()))
def test_explanations_verdicts_and_drawings_are_the_recorded_ones(name: str) -> None:
    same_as_golden(name, computed()[name]())


def test_the_readmes_command_lines_print_the_recorded_text(tmp_path: Path) -> None:
    same_as_golden("cli_readme.txt", cli_text(tmp_path))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_demo_prints_the_recorded_text(lang: str, demo_run: Callable[[str], DemoRun]) -> None:
    run = demo_run(lang)
    assert run.returncode == 0, run.stderr
    same_as_golden(f"demo_{lang}.txt", demo_text(run.stdout, run.out))


def test_every_golden_file_is_checked() -> None:
    checked = set(computed()) | {"cli_readme.txt", "demo_en.txt", "demo_ko.txt"}
    assert {p.name for p in DATA.iterdir()} == checked
