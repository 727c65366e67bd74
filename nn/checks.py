"""The argument checks ``nn`` shares: names, sequences of inputs, seeds, and short reprs for messages.

Models (``module``), losses (``losses``) and model files (``saving``) say what was wrong with an
argument the same way: the operation, what it expected and a short repr of what it got (a file
or a caller can hand over a huge or deeply nested value, so ``brief`` cuts it down).
"""

from __future__ import annotations

import random
import reprlib
from typing import Any, Mapping, Sequence, cast

from autodiff import Value

__all__ = ["brief", "check_name", "check_sequence", "make_rng"]

_short = reprlib.Repr()
_short.maxstring = _short.maxother = 60


def brief(value: object) -> str:
    """A short repr for error messages: a file can hold a huge or deeply nested value."""
    return _short.repr(value)


def check_name(name: object, what: str, where: str) -> str:
    """``name`` if it is a non-empty str; else a ``ValueError`` naming ``what`` and ``where``."""
    if not isinstance(name, str) or not name:
        raise ValueError(f"{where}: {what} must be a non-empty str, got {type(name).__name__} {brief(name)}")
    return name


def check_sequence(x: object, what: str, where: str) -> Sequence[Any]:
    """``x`` if it is a sized iterable such as a list, tuple or NumPy array (not a str or a Value)."""
    if isinstance(x, (str, bytes, Value, Mapping)) or not (hasattr(x, "__len__") and hasattr(x, "__iter__")):
        raise TypeError(
            f"{where}: {what} must be a sequence (a list, tuple or array) of Values or numbers, "
            f"got {type(x).__name__} {brief(x)}"
        )
    return cast(Sequence[Any], x)


def make_rng(seed: int | random.Random | None, where: str) -> random.Random:
    """The generator a model draws its weights from: ``seed``'s own, never the global random state."""
    if isinstance(seed, random.Random):
        return seed
    if seed is None or (isinstance(seed, int) and not isinstance(seed, bool)):
        return random.Random(seed)
    raise TypeError(f"{where}: seed must be an int or a random.Random, got {type(seed).__name__} {seed!r}")
