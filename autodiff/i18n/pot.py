"""Keeping the catalogue true to the code: the messages of every ``translate``/``translate_plural``/``N_``
call and of the pages (``extract``), the template ``autodiff/locale/autodiff.pot`` made from them
(``template``), where the catalogue files are in a checkout, and ``python -m autodiff.i18n``:

    python -m autodiff.i18n template          rewrite autodiff/locale/autodiff.pot from the code
    python -m autodiff.i18n compile PO MO    write the .mo file of a .po file

A maintainer's tool: the package reads its catalogues without it (``autodiff.i18n``).
"""

from __future__ import annotations

import ast
import os
import sys
from pathlib import Path
from typing import Iterable, Sequence

from . import DOMAIN, SOURCE_LANGUAGE, available_languages, page_messages, placeholders
from .po import PoEntry, compile_mo, read_po, write_po

__all__ = ["PENDING", "SOURCES", "extract", "source_files", "template", "repository_root", "template_path",
           "po_path", "main"]

# --- keeping the template true to the code ---------------------------------------------------------

_CALLS = {"translate": 1, "translate_plural": 2, "N_": 1}
PENDING = "pending: "
"""An extracted comment ``#. pending: <module>`` marks a drafted message its module does not use yet."""
SOURCES = ("autodiff", "nn", "examples")
"""The folders (of the repository) whose ``translate`` calls make the template."""


def extract(paths: Iterable[str | os.PathLike[str]], root: str | os.PathLike[str] = ".") -> list[PoEntry]:
    """The messages of every ``translate``/``translate_plural``/``N_`` call with literal text in ``paths``,
    and of the pages' ``.html`` and ``.js`` files (``page_messages``).

    One entry per message, in order of first use, its references the files (relative to
    ``root``, without line numbers, so that moving code does not change the template).
    """
    found: dict[tuple[str, str | None], PoEntry] = {}
    base = Path(root)
    for path in paths:
        p = Path(path)
        where = p.relative_to(base).as_posix() if p.is_absolute() == base.is_absolute() else p.as_posix()
        if p.suffix in (".html", ".js"):
            for text in page_messages(p.read_text(encoding="utf-8"), p.suffix[1:]):
                entry = found.get((text, None))
                if entry is None:
                    flags = ("python-brace-format",) if placeholders(text) else ()
                    entry = found[(text, None)] = PoEntry(text, flags=flags)
                if where not in entry.references:
                    entry.references += (where,)
            continue
        tree = ast.parse(p.read_text(encoding="utf-8"), str(p))
        calls = sorted((n for n in ast.walk(tree) if isinstance(n, ast.Call)), key=lambda n: (n.lineno, n.col_offset))
        for node in calls:
            func = node.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            if name not in _CALLS:
                continue
            args = node.args[:_CALLS[name]]
            texts = [a.value for a in args if isinstance(a, ast.Constant) and isinstance(a.value, str)]
            if len(texts) != _CALLS[name]:
                continue
            plural = texts[1] if len(texts) > 1 else None
            entry = found.get((texts[0], plural))
            if entry is None:
                flags = ("python-brace-format",) if placeholders(texts[0]) or (plural and placeholders(plural)) else ()
                entry = found[(texts[0], plural)] = PoEntry(texts[0], msgid_plural=plural, flags=flags)
            if where not in entry.references:
                entry.references += (where,)
    return list(found.values())


def source_files(root: str | os.PathLike[str]) -> list[Path]:
    """The files whose messages make the template: Python files under ``SOURCES`` of ``root``, and the pages."""
    base = Path(root)
    return [p for folder in SOURCES for pattern in ("*.py", "*.html", "*.js") for p in sorted((base / folder).rglob(pattern))
            if ".venv" not in p.parts and (p.suffix == ".py" or "static" in p.parts)]


def template(root: str | os.PathLike[str], pending: Iterable[PoEntry] = ()) -> str:
    """The text of ``autodiff.pot``: the code's messages, then the drafted ones marked pending."""
    entries = extract(source_files(root), root)
    used = {(e.msgctxt, e.msgid) for e in entries}
    for entry in pending:
        if (entry.msgctxt, entry.msgid) not in used and any(c.startswith(PENDING) for c in entry.comments):
            entries.append(PoEntry(entry.msgid, msgid_plural=entry.msgid_plural, msgctxt=entry.msgctxt,
                                   flags=tuple(f for f in entry.flags if f != "fuzzy"),
                                   comments=tuple(c for c in entry.comments if c.startswith(PENDING))))
    head = PoEntry("", msgstr=_POT_HEADER, flags=("fuzzy",))
    return _POT_INTRO + write_po([head, *entries])


_POT_INTRO = """\
# The messages autodiff writes for a learner. Made by `python -m autodiff.i18n template` from the
# code's translate() calls (and the drafted messages marked "pending"): do not edit by hand.
# A new language: copy this file to autodiff/locale/<lang>/LC_MESSAGES/autodiff.po and translate.
"""
_POT_HEADER = ("Project-Id-Version: autodiff\n"
               "MIME-Version: 1.0\n"
               "Content-Type: text/plain; charset=UTF-8\n"
               "Content-Transfer-Encoding: 8bit\n"
               "Plural-Forms: nplurals=2; plural=(n != 1);\n")


def repository_root() -> Path:
    """The checkout this package is in (where ``autodiff/``, ``nn/`` and ``examples/`` are)."""
    return Path(__file__).resolve().parents[2]


def template_path() -> Path:
    return repository_root() / "autodiff" / "locale" / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return repository_root() / "autodiff" / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def main(argv: Sequence[str]) -> int:
    """``python -m autodiff.i18n template`` or ``compile PO MO``; returns the exit code."""
    if list(argv) == ["template"]:
        pending = [e for lang in available_languages() if lang != SOURCE_LANGUAGE for e in read_po(po_path(lang))]
        template_path().write_text(template(repository_root(), pending), encoding="utf-8")
        print(f"wrote {template_path()}")
        return 0
    if len(argv) == 3 and argv[0] == "compile":
        Path(argv[2]).write_bytes(compile_mo(read_po(argv[1])))
        return 0
    print("usage: python -m autodiff.i18n template          (rewrite autodiff/locale/autodiff.pot from the code)\n"
          "       python -m autodiff.i18n compile PO MO    (write the .mo file of a .po file)", file=sys.stderr)
    return 2

