"""How names are spelled: one word folded with NFKC, a "did you mean" for an unknown name, vulgar fractions.

* ``fold(word)``: NFKC on one token (``ｘ`` → ``x``), never on a whole text (that would turn ``x²`` into ``x2``).
* ``closest(word, candidates)``: the candidate ``word`` was probably meant to be: the same up to case,
  spaces, ``_``, braces and ``\\`` first (``neth1`` → ``net h1``, ``W20`` → ``W_20``, ``Sigmoid`` →
  ``sigmoid``), else the closest by spelling.
* ``name_span(text, i, end, names, is_word_char)``: how far an unknown name reaches (``net h_1`` is one
  name, not ``net``), and the known name it matches.
* ``vulgar_fraction(c)``: ``½`` → (1, 2).

Used by the formula reader (``formula``); nothing here knows a graph.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from typing import Callable, Iterable, Sequence

__all__ = ["fold", "plain", "closest", "name_span", "vulgar_fraction"]


def fold(word: str) -> str:
    """One word folded with NFKC (``ｘ`` → ``x``): applied to a token alone, never to the whole text."""
    return unicodedata.normalize("NFKC", word)


def plain(name: str) -> str:
    """A name as a "did you mean" compares it: lowercase, without spaces, ``_``, braces and ``\\``."""
    return re.sub(r"[\s_{}\\]", "", fold(name)).lower()


def closest(word: str, candidates: Iterable[str], preferred: Iterable[str] = ()) -> str | None:
    """The candidate ``word`` was probably meant to be (a ``preferred`` one first among equals), or None."""
    pool = sorted(set(candidates))
    first = set(preferred)
    wanted = plain(word)
    same = [c for c in pool if plain(c) == wanted and c != word]
    if same:
        return min(same, key=lambda c: (c not in first, len(c)))
    close = difflib.get_close_matches(wanted, [plain(c) for c in pool], n=1, cutoff=0.75)
    if close:
        return next(c for c in pool if plain(c) == close[0])
    return None


def name_span(text: str, i: int, word_end: int, names: Sequence[str],
              is_word_char: Callable[[str], bool]) -> tuple[int, str | None]:
    """Where an unknown name starting at ``i`` ends, and the known name it is: ``net h_1`` is ``net h1``.

    Takes the longest run of words from ``i`` (at most as many as the longest name has) that is a
    known name up to case, spaces and ``_``; else the one word ending at ``word_end``, and None.
    """
    by_plain: dict[str, str] = {}
    for name in names:
        by_plain.setdefault(plain(name), name)
    best: tuple[int, str | None] = (word_end, None)
    j = word_end
    for _ in range(max((len(n.split()) for n in names), default=1)):
        if plain(text[i:j]) in by_plain:
            best = (j, by_plain[plain(text[i:j])])
        k = j
        while k < len(text) and text[k] == " ":
            k += 1
        if k == j or k >= len(text) or not is_word_char(text[k]):
            break
        j = k
        while j < len(text) and is_word_char(text[j]):
            j += 1
    return best


def vulgar_fraction(c: str) -> tuple[float, float] | None:
    """(numerator, denominator) of a vulgar fraction character (``½`` → (1, 2)), else None."""
    parts = unicodedata.decomposition(c).split()
    if len(parts) < 3 or parts[0] != "<fraction>" or "2044" not in parts:
        return None
    cut = parts.index("2044")
    try:
        top = "".join(chr(int(h, 16)) for h in parts[1:cut])
        bottom = "".join(chr(int(h, 16)) for h in parts[cut + 1:])
        return float(top), float(bottom)
    except ValueError:
        return None
