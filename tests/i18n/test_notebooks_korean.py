"""The Korean notebooks (examples/notebooks/ko/): one for each English notebook, with the same cells
(by tag), Korean prose, and on a real kernel the same numbers as the English notebook in Korean words.

Both notebooks of a pair are executed (the English one through tests/test_notebooks.py's cache), and
every decimal number of each tagged cell's output is compared: text, Markdown, LaTeX, printed
lines and the text of the drawings (not their coordinates: Korean labels have other widths).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest

from ..test_notebooks import ALL, NOTEBOOKS, cell, displays, executed, player_steps, printed, result
from .korean import decimals, hangul

pytestmark = pytest.mark.notebook

KOREAN = sorted((NOTEBOOKS / "ko").glob("*.ipynb"))
LANGUAGE_CELL = 'os.environ["AUTODIFF_LANG"] = "ko"'


def tags(notebook: Any) -> list[str]:
    return [t for c in notebook.cells if c.cell_type == "code" for t in c.metadata.get("tags", [])]


def svg_texts(svg: str) -> str:
    """The words and numbers an SVG drawing shows (its <text> elements), without its coordinates."""
    return "\n".join(html.unescape(t) for t in re.findall(r"<text\b[^>]*>([^<]*)</text>", svg))


def shown(notebook: Any, tag: str) -> str:
    """Everything a tagged cell shows a reader, as text: printed lines and each output's text forms."""
    parts = [printed(notebook, tag)]
    for output in cell(notebook, tag).outputs:
        data = output.get("data", {})
        for mime in ("text/plain", "text/markdown", "text/latex"):
            if mime in data:
                parts.append(data[mime])
        if "image/svg+xml" in data:
            parts.append(svg_texts(data["image/svg+xml"]))
    return "\n".join(parts)


def rich_kinds(notebook: Any, tag: str) -> list[tuple[str, list[str]]]:
    """The cell's outputs other than printed text: their type and MIME types, in order."""
    return [(o.output_type, sorted(o.get("data", {}))) for o in cell(notebook, tag).outputs if o.output_type != "stream"]


def streams_used(notebook: Any, tag: str) -> set[str]:
    """Which streams (stdout, stderr) the cell printed to, however the kernel split the text."""
    return {o.name for o in cell(notebook, tag).outputs if o.output_type == "stream" and o.text}


def page_of(notebook: Any) -> str:
    player = result(notebook, "animation")["text/html"]
    return html.unescape(re.search(r'srcdoc="([^"]*)"', player).group(1))  # type: ignore[union-attr]


def test_every_english_notebook_has_a_korean_one_with_the_same_cells() -> None:
    assert [p.name for p in KOREAN] == [p.name for p in ALL]
    for english_path, korean_path in zip(ALL, KOREAN):
        english, korean = (nbformat.read(p, as_version=4) for p in (english_path, korean_path))
        nbformat.validate(korean)
        assert tags(korean) == ["language", *tags(english)], korean_path.name
        assert LANGUAGE_CELL in cell(korean, "language").source
        for c in korean.cells:
            if c.cell_type == "code":
                assert c.outputs == [] and c.execution_count is None, (korean_path.name, c.source[:40])
            else:
                assert hangul(c.source) > 0, (korean_path.name, c.source[:60])
        assert sum(c.cell_type == "markdown" for c in korean.cells) == \
            sum(c.cell_type == "markdown" for c in english.cells) + 1  # the note on the language
        markdown = [c.source for c in korean.cells if c.cell_type == "markdown"]
        assert markdown[1].startswith("**이 노트북을 마치면**") and markdown[-1].startswith("**이제 할 수 있는 것:**")
        for tag in tags(english):  # the same code, apart from comments and the words it prints
            if tag.startswith("exercise-"):
                assert cell(korean, tag).source.split("#")[0] == cell(english, tag).source.split("#")[0]


@pytest.mark.parametrize("path", KOREAN, ids=lambda p: p.name)
def test_a_korean_notebook_shows_the_numbers_of_the_english_one(
        path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    english = executed(path.name, tmp_path_factory)
    korean = executed(f"ko/{path.name}", tmp_path_factory)
    for c in korean.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.source[:60]
    for tag in tags(english):
        theirs, ours = shown(english, tag), shown(korean, tag)
        assert decimals(ours) == decimals(theirs), tag
        # The same rich outputs in the same order. Printed text is compared merged, per stream: how a kernel splits
        # it into stream outputs depends on timing (a busy machine flushes more often), not on the notebook.
        assert rich_kinds(korean, tag) == rich_kinds(english, tag), tag
        assert streams_used(korean, tag) == streams_used(english, tag), tag
    if "animation" in tags(english):
        ours, theirs = page_of(korean), page_of(english)
        assert player_steps(ours) == player_steps(theirs)
        assert '<html lang="ko">' in ours and '<html lang="en">' in theirs


@pytest.mark.parametrize("seed", ("000", "001", "002", "003", "004"))
def test_a_document_notebook_in_korean_words(seed: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    name = f"{3 + int(seed):02d}_document_{seed}.ipynb"
    english, korean = executed(name, tmp_path_factory), executed(f"ko/{name}", tmp_path_factory)

    case = result(korean, "case")["text/markdown"]
    count = re.search(r"(\d+) parameters", result(english, "case")["text/markdown"]).group(1)  # type: ignore[union-attr]
    assert f"매개변수 {count}개" in case and "| 매개변수 | 기울기 (backward) | golden.json | 일치 |" in case
    for tag in [t for t in tags(english) if t.startswith("exercise-")]:
        (shown,) = [o.data["text/markdown"] for o in cell(korean, tag).outputs]
        assert re.match(r"\*\*연습 \d: 답을 입력하세요\.\*\* ", shown) and "`None` 자리에" in shown, shown

    ko_latex, en_latex = result(korean, "explanation")["text/latex"], result(english, "explanation")["text/latex"]
    assert ko_latex.count(r"\text{경로 ") == en_latex.count(r"\text{path ")

    # One verdict per readable formula, in the same order, 정답 where English says OK and 오답 for WRONG.
    ko_verdicts = [d["text/markdown"] for d in displays(korean, "checks")]
    en_verdicts = [d["text/markdown"] for d in displays(english, "checks")]
    assert [v.startswith("**정답**") for v in ko_verdicts] == [v.startswith("**OK**") for v in en_verdicts]
    assert all(v.startswith(("**정답**", "**오답**")) for v in ko_verdicts)
    # Every formula's line names the same target; a line without a heading stays without one.
    ko_lines = [ln for ln in printed(korean, "checks").splitlines() if ln]
    en_lines = [ln for ln in printed(english, "checks").splitlines() if ln]
    assert len(ko_lines) == len(en_lines)
    for ko_line, en_line in zip(ko_lines, en_lines):
        if en_line.startswith("REFUSED: "):
            assert ko_line.startswith("읽을 수 없는 식: ")
            continue
        assert ko_line.split(" ")[0] == en_line.split(" ")[0]  # the target
        if " : " in en_line:  # the document gives this formula no heading of its own
            assert ko_line.split(" : ")[1] == en_line.split(" : ")[1]
    assert "Project-Id-Version" not in printed(korean, "checks")


def test_the_training_notebook_in_korean_plots_what_the_english_one_plots(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    name = "08_training_xor_and_moons.ipynb"
    english, korean = executed(name, tmp_path_factory), executed(f"ko/{name}", tmp_path_factory)
    assert result(korean, "accuracy")["text/plain"] == result(english, "accuracy")["text/plain"]
    assert result(korean, "final-losses")["text/plain"] == result(english, "final-losses")["text/plain"]
    for tag in ("loss-plot", "boundary-plot"):
        png = result(korean, tag)["image/png"]
        assert isinstance(png, str) and len(png) > 10_000
