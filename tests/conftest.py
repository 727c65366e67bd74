"""Hypothesis profiles, so the suite's time stays predictable.

``dev`` (the default) draws Hypothesis's usual 100 examples with a fresh random seed each run;
``ci`` (loaded when the environment variable ``CI`` is set, or with ``HYPOTHESIS_PROFILE=ci``)
draws a bounded number of examples, derandomized so that every CI run tries the same cases.
Neither has a per-example deadline: on a shared machine a slow example is not a failure
(hang guards in the tests catch real hangs).
"""

from __future__ import annotations

import os

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
