"""Exact types: ``mypy --strict`` passes on the packages, on the README's Python code and on examples/."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


def readme_blocks() -> list[str]:
    """The README's ```python blocks (```text blocks are transcripts, not code)."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", text, re.M | re.S)


def mypy(*targets: str, follow_imports: str = "normal") -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, MYPYPATH=str(REPO / "tests" / "practice"))  # examples/practice_documents.py reads its table
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary", "--no-incremental",
                           f"--follow-imports={follow_imports}", *targets],
                          cwd=REPO, capture_output=True, text=True, timeout=900, env=env)


def test_the_packages_pass_mypy_strict() -> None:
    result = mypy("autodiff", "nn")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_readmes_code_and_the_examples_pass_mypy_strict(tmp_path: Path) -> None:
    blocks = readme_blocks()
    assert len(blocks) >= 3
    files = []
    for n, block in enumerate(blocks, start=1):
        path = tmp_path / f"readme_block_{n}.py"
        path.write_text(block, encoding="utf-8")
        files.append(str(path))
    examples = sorted(str(p) for p in (REPO / "examples").glob("*.py"))
    assert len(examples) >= 10
    result = mypy(*files, *examples, follow_imports="silent")  # (the packages are checked on their own above)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("code, error", [
    ("from autodiff import Value\nx: int = Value(1.0) + 2\n", "Incompatible types in assignment"),
    ("from nn import MLP\nMLP(2, [1]).output([1.0, 2.0]).no_such_method()\n", '"Value" has no attribute'),
])
def test_mypy_sees_the_real_types(code: str, error: str, tmp_path: Path) -> None:
    # The checks above could pass on code typed Any; these could not.
    path = tmp_path / "probe.py"
    path.write_text(code, encoding="utf-8")
    result = mypy(str(path))
    assert result.returncode == 1 and error in result.stdout, result.stdout
