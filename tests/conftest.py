"""Test-wide settings.

The tests read English output whatever the machine's locale: the learner's language is pinned
to English here (not with setdefault: an AUTODIFF_LANG in the environment must not leak in).
The Korean tests set it back with pytest's ``monkeypatch`` or pass ``lang="ko"``.
"""

import os

os.environ["AUTODIFF_LANG"] = "en"
