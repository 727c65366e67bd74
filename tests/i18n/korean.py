"""Helpers for the Korean tests: the numbers of a text, whether it is written in Hangul, and what a
script of the checkout prints in a language."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

_DECIMAL = re.compile(r"[−-]?\d+\.\d+(?:e[+−-]?\d+)?")
_HANGUL = re.compile("[\uac00-\ud7a3]")


def decimals(text: str) -> Counter[str]:
    """Every decimal number in ``text`` (values, gradients, factors), as written, with its sign."""
    return Counter(m.group(0).replace("−", "-") for m in _DECIMAL.finditer(text))


def hangul(text: str) -> int:
    """How many Hangul syllables ``text`` has."""
    return len(_HANGUL.findall(text))


def python(*args: str, lang: str) -> str:
    """What ``python ARGS`` prints, run in the checkout with ``AUTODIFF_LANG=lang``.

    It must succeed, and matplotlib must not have warned of a glyph missing from its font.
    """
    env = {**os.environ, "AUTODIFF_LANG": lang}
    done = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env, cwd=ROOT, timeout=600)
    assert done.returncode == 0, done.stderr
    assert "Glyph" not in done.stderr and "missing from font" not in done.stderr, done.stderr
    return done.stdout


def run_example(script: str, lang: str, *args: str) -> str:
    """What ``examples/SCRIPT ARGS`` prints in ``lang`` (see ``python``)."""
    return python(str(ROOT / "examples" / script), *args, lang=lang)


# English prose: words that are never a node name, a symbol or code in what the tools print.
_ENGLISH_WORDS = re.compile(
    r"\b(?:the|of|and|with|is|are|was|from|for|to|at|by|not|no|has|have|must|cannot|can|this|that|which|"
    r"values|points|parameters|accuracy|final|epoch|plots|entry|position|character|expression|named|unknown|"
    r"file|type|given|twice|computed|number|leaf|name|questions?|exercise|score|answered|right|wrong|"
    r"neuron|inputs?|hidden|layer|output|units?|bias|found|expected|folder|exist|error|usage|options)\b", re.I)
# What may stay English in Korean output: reprs, quotations, code and commands, paths and URLs.
_NOT_PROSE = re.compile(r"MLP\([^()]*(?:\([^()]*\)[^()]*)*\)|'[^']*'|“[^”]*”|\"[^\"]*\"|`[^`]*`|\w+://\S*|"
                        r"(?:/[\w.\-*]+)+|--[\w-]+(?:\s+[A-Z_=.,]+)?|\b[A-Z][A-Z_=.,]{2,}\b|\w+\(\)")


def english_prose(text: str) -> list[str]:
    """The lines of ``text`` that still hold an English sentence (reprs, quotations, code, paths set aside)."""
    return [line for line in text.splitlines() if _ENGLISH_WORDS.search(_NOT_PROSE.sub(" ", line))]
