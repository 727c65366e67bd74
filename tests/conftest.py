"""Hypothesis profiles, so the suite's time stays predictable.

``dev`` (the default) draws Hypothesis's usual 100 examples with a fresh random seed each run;
``ci`` (loaded when the environment variable ``CI`` is set, or with ``HYPOTHESIS_PROFILE=ci``)
draws a bounded number of examples, derandomized so that every CI run tries the same cases.
Neither has a per-example deadline: on a shared machine a slow example is not a failure
(hang guards in the tests catch real hangs).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest
from hypothesis import HealthCheck, settings

# The learner's language is pinned to English, whatever the machine's locale (AUTODIFF_LANG, else LANG...):
# the tests read English text. The Korean tests ask for Korean explicitly (lang="ko", monkeypatch).
os.environ["AUTODIFF_LANG"] = "en"

settings.register_profile("dev", deadline=None)
settings.register_profile(
    "ci", max_examples=50, derandomize=True, deadline=None, print_blob=True,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))


# --- deep graphs: 10^5 nodes always, 10^6 under the `slow` marker ---------------------------------

@pytest.fixture(scope="module", params=[pytest.param(10**5, id="1e5"), pytest.param(10**6, id="1e6", marks=pytest.mark.slow)])
def depth(request: pytest.FixtureRequest) -> int:
    """How deep a "deep graph" test builds: 10^5 nodes, and 10^6 in the `slow` run (CI runs both)."""
    return int(request.param)


# --- markers follow what a test module uses, so that -m "not browser" really leaves Chromium out ----

def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        module = getattr(item, "module", None)
        if module is None:
            continue
        imported = {getattr(v, "__module__", "") or "" for v in vars(module).values()}
        marks = {m.name for m in item.iter_markers()}
        if any(name.startswith("playwright") for name in imported) and "browser" not in marks:
            raise pytest.UsageError(f"{item.nodeid}: its module uses Playwright, so mark it `browser` "
                                    "(pytestmark = pytest.mark.browser; see tests/README.md)")
        if any(name.startswith("nbclient") for name in imported) and "notebook" not in marks:
            raise pytest.UsageError(f"{item.nodeid}: its module runs notebooks, so mark it `notebook` (see tests/README.md)")


# --- the demo: run once per pytest run and language, into a temporary folder ---------------------------

@dataclass(frozen=True)
class DemoRun:
    """One run of ``python -m autodiff --lang L demo --out OUT``: what it printed and where it wrote."""

    returncode: int
    stdout: str
    stderr: str
    out: Path


@pytest.fixture(scope="session")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], DemoRun]:
    """``demo_run("en")``: the demo, run once per session and language (the tests share it; nothing writes
    into the checkout)."""
    from tests.goldens.outputs import run_autodiff

    done: dict[str, DemoRun] = {}

    def run(lang: str = "en") -> DemoRun:
        if lang not in done:
            folder = tmp_path_factory.mktemp(f"demo_{lang}")
            result = run_autodiff("--lang", lang, "demo", "--out", str(folder / "out"), cwd=folder)
            done[lang] = DemoRun(result.returncode, result.stdout, result.stderr, folder / "out")
        return done[lang]

    return run
