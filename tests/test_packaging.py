"""The distributions: built without a warning, the sdist complete, the wheel the packages and nothing else.

The wheel is built from the sdist (what ``python -m build`` does), so a file the sdist lacks
breaks the wheel too. Installing the wheel into a fresh environment and running its command
line is in ``.ci/run`` (it needs a new virtual environment).
"""

from __future__ import annotations

import email
import os
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, str]:
    out = tmp_path_factory.mktemp("dist")
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}  # its own notice, not ours
    result = subprocess.run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(REPO)],
                            capture_output=True, text=True, timeout=300, env=env)
    assert result.returncode == 0, result.stdout + result.stderr
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return sdist, wheel, result.stdout + result.stderr


def _sdist_files(sdist: Path) -> set[str]:
    with tarfile.open(sdist) as tar:
        return {name.split("/", 1)[1] for name in tar.getnames() if "/" in name}


def _source_files(folder: str, pattern: str) -> set[str]:
    return {p.relative_to(REPO).as_posix() for p in (REPO / folder).rglob(pattern) if "__pycache__" not in p.parts}


def test_build_prints_no_warning(built: tuple[Path, Path, str]) -> None:
    log = built[2]
    assert not [line for line in log.splitlines() if re.search(r"warn", line, re.I)], log


def test_sdist_has_the_license_the_readmes_pictures_and_every_test(built: tuple[Path, Path, str]) -> None:
    files = _sdist_files(built[0])
    assert {"LICENSE", "README.md", "pyproject.toml", "MANIFEST.in"} <= files
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    linked = {m for m in re.findall(r"\]\(([^)#\s]+)\)", readme) if "://" not in m}
    assert "docs/graph_004.svg" in linked
    for path in linked:
        if (REPO / path).is_file():
            assert path in files, path
    for folder, pattern in (("tests", "*"), ("examples", "*.py"), ("examples", "*.ipynb"), ("docs", "*"),
                            ("autodiff", "*.py"), ("nn", "*.py")):
        missing = {f for f in _source_files(folder, pattern) if (REPO / f).is_file()} - files
        assert not missing, missing


def test_wheel_has_the_packages_their_data_and_nothing_else(built: tuple[Path, Path, str]) -> None:
    with zipfile.ZipFile(built[1]) as wheel:
        names = set(wheel.namelist())
        (metadata_name,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        metadata = email.message_from_bytes(wheel.read(metadata_name))
        (entry_points,) = [n for n in names if n.endswith(".dist-info/entry_points.txt")]
        scripts = wheel.read(entry_points).decode()
    package_files = {n for n in names if ".dist-info/" not in n}
    expected = {f for f in _source_files("autodiff", "*") | _source_files("nn", "*") if (REPO / f).is_file()}
    assert {"autodiff/py.typed", "nn/py.typed", "nn/data/golden.json", "autodiff/lab/static/index.html"} <= expected
    assert expected <= package_files, expected - package_files  # every module and data file of the packages
    assert {n.split("/")[0] for n in package_files} == {"autodiff", "nn"}
    assert metadata["Name"] == "autodiff-teach"
    assert metadata["License-Expression"] == "MIT"
    assert metadata["Requires-Python"] == ">=3.10"
    assert metadata["Author"] and metadata["Keywords"] and metadata.get_all("Project-URL")
    assert "Typing :: Typed" in metadata.get_all("Classifier")
    assert re.search(r"^autodiff\s*=\s*autodiff\.cli:main$", scripts, re.M)


def test_license_is_mit_for_the_autodiff_authors() -> None:
    text = (REPO / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert re.search(r"^Copyright \(c\) \d{4} the autodiff authors$", text, re.M)
