"""Helpers for the Korean tests: the numbers of a text, and whether it is written in Hangul."""

from __future__ import annotations

import re
from collections import Counter

_DECIMAL = re.compile(r"[−-]?\d+\.\d+(?:e[+−-]?\d+)?")
_HANGUL = re.compile("[\uac00-\ud7a3]")


def decimals(text: str) -> Counter[str]:
    """Every decimal number in ``text`` (values, gradients, factors), as written, with its sign."""
    return Counter(m.group(0).replace("−", "-") for m in _DECIMAL.finditer(text))


def hangul(text: str) -> int:
    """How many Hangul syllables ``text`` has."""
    return len(_HANGUL.findall(text))
