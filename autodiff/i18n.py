"""The learner's language: message catalogues (gettext ``.po``) and the choice of language.

Every sentence the project writes for a learner is a whole template with named placeholders,
``"{node} reaches {root} along {count} paths"``, looked up by its English text (the msgid, as
gettext does) and filled in: ``translate(template, lang=None, **placeholders)``, and
``translate_plural(singular, plural, count, ...)`` for sentences that change with a number.
Nothing is glued from fragments, since Korean orders a sentence differently.

The catalogues are standard gettext files that a translator extends without touching code:
``autodiff/locale/autodiff.pot`` (the template: every message, as the code writes it) and
``autodiff/locale/<lang>/LC_MESSAGES/autodiff.po``. English is the source language (the msgids
themselves); ``ko`` is Korean.

**The ``.po`` is read directly**, compiled in memory into the binary ``.mo`` format and handed to the
standard library's ``gettext.GNUTranslations``. Why not commit compiled ``.mo`` files: the
``.po`` is then the one source, so an editable install, a fresh clone and a wheel all read what
the translator wrote, with no build step to forget and no stale binary to test against its
source; compiling a few hundred messages takes milliseconds, once per process and language.
``compile_mo`` writes the same bytes ``msgfmt`` writes (without its optional hash table), so
``python -m autodiff.i18n compile`` can still produce a ``.mo`` for other tools.

**The language**: an explicit ``lang=`` wherever text is produced; else the language of an
enclosing ``with using_language(lang):`` (how a function that writes many sentences passes its
``lang=`` on, per thread and task); else the environment variable ``AUTODIFF_LANG``; else the locale, read in gettext's order (``LANGUAGE``, ``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``LANG=ko_KR.UTF-8`` means Korean); else English. ``ko``, ``ko_KR``,
``ko-KR.UTF-8`` all name Korean. An unknown ``lang=`` or ``AUTODIFF_LANG`` is a ``LanguageError``
naming it and the languages available; a locale in a language we lack just means English.
"""

from __future__ import annotations

import ast
import contextlib
import functools
import contextvars
import gettext
import html.parser
import json
import io
import os
import re
import string
import struct
import sys
import threading
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator, Mapping, Sequence

if TYPE_CHECKING:
    from importlib.abc import Traversable

__all__ = [
    "translate", "translate_plural", "lookup", "autonym", "N_", "using_language", "current_language", "resolve_language", "available_languages",
    "LanguageError", "PoError", "PoEntry", "read_po", "parse_po", "compile_mo", "placeholders",
    "SOURCE_LANGUAGE", "DOMAIN", "CSS_FONT_STACK", "page_messages",
]

SOURCE_LANGUAGE = "en"
"""The language of the msgids: always available, needs no catalogue."""
DOMAIN = "autodiff"
_ENV = "AUTODIFF_LANG"
_LOCALE_ENV = ("LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")  # gettext.find's order


CSS_FONT_STACK = ('system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "Noto Sans CJK KR", "Noto Sans KR", '
                  '"Apple SD Gothic Neo", "Malgun Gothic", sans-serif')
"""The font stack of every page the project writes (the animation, the lab): Hangul falls back to a CJK font."""


class LanguageError(ValueError):
    """A language was asked for that has no catalogue."""


class PoError(ValueError):
    """A ``.po`` file that cannot be read: the message names the file and the line."""


# --- reading .po files ---------------------------------------------------------------------------

@dataclass
class PoEntry:
    """One message of a ``.po`` file: its id(s), translation(s), and the comments around it."""

    msgid: str
    msgstr: str = ""
    msgid_plural: str | None = None
    msgstr_plural: dict[int, str] = field(default_factory=dict)
    msgctxt: str | None = None
    flags: tuple[str, ...] = ()
    comments: tuple[str, ...] = ()  # translator (#) and extracted (#.) comments, without the marker
    references: tuple[str, ...] = ()  # #: file:line
    line: int = 0

    @property
    def fuzzy(self) -> bool:
        return "fuzzy" in self.flags

    def translations(self) -> list[str]:
        """Every msgstr (one per plural form for a plural message)."""
        if self.msgid_plural is not None:
            return [self.msgstr_plural[k] for k in sorted(self.msgstr_plural)]
        return [self.msgstr]


_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\", "a": "\a", "b": "\b", "f": "\f", "v": "\v"}
_KEYWORD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[(\d+)\])?)\s+(".*)$')


def _unquote(text: str, where: str) -> str:
    text = text.strip()
    if len(text) < 2 or not text.startswith('"') or not text.endswith('"'):
        raise PoError(f"{where}: expected a quoted string, got {text[:60]!r}")
    out: list[str] = []
    body = text[1:-1]
    i = 0
    while i < len(body):
        ch = body[i]
        if ch == "\\":
            if i + 1 >= len(body) or body[i + 1] not in _ESCAPES:
                raise PoError(f"{where}: unknown escape {body[i:i + 2]!r}")
            out.append(_ESCAPES[body[i + 1]])
            i += 2
            continue
        if ch == '"':
            raise PoError(f"{where}: unescaped quote inside {text[:60]!r}")
        out.append(ch)
        i += 1
    return "".join(out)


def parse_po(text: str, source: str = "<po>") -> list[PoEntry]:
    """The entries of a ``.po`` file's text (the header entry, msgid "", first). Obsolete ``#~`` entries are skipped."""
    entries: list[PoEntry] = []
    current: dict[str, object] = {}
    flags: list[str] = []
    comments: list[str] = []
    refs: list[str] = []
    last: tuple[str, int | None] | None = None  # the field a continuation line extends
    start = 0

    def finish(lineno: int) -> None:
        nonlocal current, flags, comments, refs, last
        if current:
            where = f"{source}:{start}"
            if "msgid" not in current:
                raise PoError(f"{where}: an entry without msgid")
            plural = current.get("msgid_plural")
            strs = current.get("msgstr[]", {})
            assert isinstance(strs, dict)
            if plural is not None and "msgstr" in current:
                raise PoError(f"{where}: a plural entry needs msgstr[0], msgstr[1], ..., not msgstr")
            if plural is None and strs:
                raise PoError(f"{where}: msgstr[N] without msgid_plural")
            if plural is None and "msgstr" not in current:
                raise PoError(f"{where}: msgid without msgstr")
            if plural is not None and sorted(strs) != list(range(len(strs))):
                raise PoError(f"{where}: plural forms must be numbered 0, 1, ... without gaps, got {sorted(strs)}")
            entries.append(PoEntry(
                msgid=str(current["msgid"]), msgstr=str(current.get("msgstr", "")),
                msgid_plural=None if plural is None else str(plural), msgstr_plural=dict(strs),
                msgctxt=None if current.get("msgctxt") is None else str(current["msgctxt"]),
                flags=tuple(flags), comments=tuple(comments), references=tuple(refs), line=start))
        elif flags or comments or refs:
            pass  # comments with no entry after them (e.g. at the end of the file)
        current, flags, comments, refs, last = {}, [], [], [], None

    for lineno, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        where = f"{source}:{lineno}"
        if not line:
            finish(lineno)
            continue
        if line.startswith("#"):
            if current and "msgstr" not in current and "msgstr[]" not in current:
                raise PoError(f"{where}: a comment inside an entry (before its msgstr)")
            if current:
                finish(lineno)
            if line.startswith("#~"):
                continue  # an obsolete entry, kept for the translator only
            if line.startswith("#,"):
                flags.extend(f.strip() for f in line[2:].split(",") if f.strip())
            elif line.startswith("#:"):
                refs.extend(line[2:].split())
            elif line.startswith("#|"):
                pass  # the previous msgid of a fuzzy entry
            else:
                text = line[2:] if line.startswith("#.") else line[1:]
                comments.append(text[1:] if text.startswith(" ") else text)
            continue
        if line.startswith('"'):
            if last is None:
                raise PoError(f"{where}: a string continues nothing")
            value = _unquote(line, where)
            key, index = last
            if index is None:
                current[key] = str(current[key]) + value
            else:
                table = current["msgstr[]"]
                assert isinstance(table, dict)
                table[index] += value
            continue
        match = _KEYWORD.match(line)
        if match is None:
            raise PoError(f"{where}: cannot read {line[:60]!r}")
        keyword, index_text, rest = match.groups()
        value = _unquote(rest, where)
        if keyword in ("msgctxt", "msgid") and ("msgstr" in current or "msgstr[]" in current):
            finish(lineno)  # a new entry without a blank line between
        if not current:
            start = lineno
        if keyword.startswith("msgstr["):
            table = current.setdefault("msgstr[]", {})
            assert isinstance(table, dict)
            index = int(index_text)
            if index in table:
                raise PoError(f"{where}: msgstr[{index}] given twice")
            table[index] = value
            last = ("msgstr[]", index)
        else:
            if keyword in current:
                raise PoError(f"{where}: {keyword} given twice in one entry")
            current[keyword] = value
            last = (keyword, None)
    finish(len(text.splitlines()) + 1)
    seen: dict[tuple[str | None, str], int] = {}
    for entry in entries:
        entry_key = (entry.msgctxt, entry.msgid)
        if entry_key in seen:
            raise PoError(f"{source}:{entry.line}: msgid {entry.msgid[:60]!r} is also the entry at line {seen[entry_key]}")
        seen[entry_key] = entry.line
    return entries


def read_po(path: str | os.PathLike[str]) -> list[PoEntry]:
    """The entries of a ``.po`` (or ``.pot``) file."""
    p = Path(path)
    return parse_po(p.read_text(encoding="utf-8"), str(p))


def header(entries: Sequence[PoEntry]) -> dict[str, str]:
    """The header entry's fields ("Content-Type", "Plural-Forms", ...)."""
    for entry in entries:
        if entry.msgid == "" and entry.msgctxt is None:
            fields = {}
            for line in entry.msgstr.splitlines():
                name, sep, value = line.partition(":")
                if sep:
                    fields[name.strip()] = value.strip()
            return fields
    return {}


# --- compiling to .mo ----------------------------------------------------------------------------

def compile_mo(entries: Iterable[PoEntry]) -> bytes:
    """The GNU ``.mo`` file of these entries, as ``msgfmt`` writes it (no hash table).

    Fuzzy entries and untranslated ones are left out, as ``msgfmt`` does (the header is kept).
    """
    table: dict[bytes, bytes] = {}
    for entry in entries:
        if entry.fuzzy and entry.msgid != "":
            continue
        strs = entry.translations()
        if entry.msgid != "" and not all(strs):
            continue
        key = entry.msgid if entry.msgid_plural is None else f"{entry.msgid}\0{entry.msgid_plural}"
        if entry.msgctxt is not None:
            key = f"{entry.msgctxt}\x04{key}"
        table[key.encode("utf-8")] = "\0".join(strs).encode("utf-8")
    keys = sorted(table)
    n = len(keys)
    originals_at = 7 * 4
    translations_at = originals_at + n * 8
    data_at = translations_at + n * 8
    head = struct.pack("<7I", 0x950412DE, 0, n, originals_at, translations_at, 0, data_at)
    blob = bytearray()
    orig_index = bytearray()
    trans_index = bytearray()
    for source, target in ((keys, orig_index), ([table[k] for k in keys], trans_index)):
        for text in source:
            target += struct.pack("<2I", len(text), data_at + len(blob))
            blob += text + b"\0"
    return head + bytes(orig_index) + bytes(trans_index) + bytes(blob)


# --- the catalogues --------------------------------------------------------------------------------

def _locale_dir() -> Traversable:
    return resources.files("autodiff") / "locale"


@functools.lru_cache(maxsize=1)
def available_languages() -> tuple[str, ...]:
    """The languages text can be written in: English and every language with a catalogue (read once)."""
    found = {SOURCE_LANGUAGE}
    directory = _locale_dir()
    if directory.is_dir():
        for child in directory.iterdir():
            if (child / "LC_MESSAGES" / f"{DOMAIN}.po").is_file():
                found.add(child.name)
    return tuple(sorted(found))


def _normalize(name: str) -> str:
    """'ko_KR.UTF-8@x' -> 'ko_kr', 'ko-KR' -> 'ko_kr', 'EN' -> 'en'."""
    return name.strip().split(".")[0].split("@")[0].replace("-", "_").lower()


def _match(name: str, available: Sequence[str]) -> str | None:
    code = _normalize(name)
    if code in available:
        return code
    base = code.split("_")[0]
    return base if base in available else None


_context_language: contextvars.ContextVar[str | None] = contextvars.ContextVar("autodiff_language", default=None)


@contextlib.contextmanager
def using_language(lang: str | None) -> Iterator[str]:
    """Within the block, text produced without ``lang=`` is in ``lang`` (None: the usual default).

    Yields the language in force. Per thread and per asyncio task, like ``decimal.localcontext``.
    """
    resolved = resolve_language(lang)
    token = _context_language.set(resolved if lang is not None else _context_language.get())
    try:
        yield resolved
    finally:
        _context_language.reset(token)


def resolve_language(lang: str | None = None) -> str:
    """The language to write in: ``lang``, else ``using_language``'s, else ``AUTODIFF_LANG``, else the locale, else English.

    Returns a code of ``available_languages()`` ('en', 'ko'). An unknown ``lang`` or
    ``AUTODIFF_LANG`` is a ``LanguageError``; a locale in a language without a catalogue
    (or C/POSIX) means English.
    """
    available = available_languages()
    enclosing = _context_language.get()
    if lang is None and enclosing is not None:
        return enclosing
    for given, what in ((lang, "lang"), (os.environ.get(_ENV) if lang is None else None, _ENV)):
        if given is None or (what == _ENV and not given.strip()):
            continue
        if not isinstance(given, str):
            raise TypeError(f"{what} must be a language code such as 'en' or 'ko', got {type(given).__name__}")
        found = _match(given, available)
        if found is None:
            raise LanguageError(f"{what}={given!r} is not a language autodiff speaks; "
                                f"available: {', '.join(available)}")
        return found
    for var in _LOCALE_ENV:
        value = os.environ.get(var)
        if value:
            for name in value.split(":"):
                found = _match(name, available) if name and _normalize(name) not in ("c", "posix") else None
                if found is not None:
                    return found
            break  # gettext reads only the first variable that is set
    return SOURCE_LANGUAGE


def current_language() -> str:
    """The process's language when no ``lang=`` is given (see ``resolve_language``)."""
    return resolve_language(None)


_lock = threading.Lock()
_catalogues: dict[str, gettext.NullTranslations] = {}


def catalogue(lang: str) -> gettext.NullTranslations:
    """The translations of one available language (English: the msgids themselves)."""
    with _lock:
        found = _catalogues.get(lang)
        if found is None:
            if lang == SOURCE_LANGUAGE:
                found = gettext.NullTranslations()
            else:
                po = _locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po"
                entries = parse_po(po.read_text(encoding="utf-8"), f"autodiff/locale/{lang}/LC_MESSAGES/{DOMAIN}.po")
                found = gettext.GNUTranslations(io.BytesIO(compile_mo(entries)))
            _catalogues[lang] = found
        return found


def placeholders(template: str) -> list[tuple[str, str, str]]:
    """The named fields of a brace template, in order: (name, conversion, format spec).

    Raises ``ValueError`` for a malformed template or a positional field (``{}``, ``{0}``).
    """
    fields = []
    for _, name, spec, conversion in string.Formatter().parse(template):
        if name is None:
            continue
        if name == "" or name.isdigit():
            raise ValueError(f"template {template[:60]!r} has a positional field; name every placeholder")
        fields.append((name, conversion or "", spec or ""))
    return fields


def _fill(template: str, values: Mapping[str, object], source: str, optional: frozenset[str] = frozenset()) -> str:
    wanted = {name.split(".")[0].split("[")[0] for name, _, _ in placeholders(template)}
    missing = sorted(wanted - set(values))
    extra = sorted(set(values) - wanted - optional)
    if missing or extra:
        problems = ([f"missing {', '.join('{' + m + '}' for m in missing)}"] if missing else []) + (
            [f"unused {', '.join(extra)}"] if extra else [])
        raise KeyError(f"translate: the message {source[:80]!r} takes the placeholders "
                       f"{sorted(wanted) or 'none'}: {'; '.join(problems)}")
    return template.format(**values)


def lookup(message: str, lang: str | None = None) -> str:
    """The template ``message`` in ``lang``, its placeholders not filled in (for a page's script to fill).

    The empty message is the empty string in every language (gettext alone would give the catalogue's header).
    """
    language = resolve_language(lang)
    return catalogue(language).gettext(message) if message else ""


def autonym(lang: str) -> str:
    """A language's name in itself ("English", "한국어"), for a language switch."""
    if lang == SOURCE_LANGUAGE:
        return "English"
    if lang not in available_languages():
        raise LanguageError(f"{lang!r} is not a language autodiff speaks; available: {', '.join(available_languages())}")
    name = header(parse_po((_locale_dir() / lang / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")))
    return name.get("X-Language-Name", lang)


def N_(message: str) -> str:
    """Mark a template for the catalogue where it is written, to be translated later (gettext's ``N_``)."""
    return message


def translate(message: str, /, lang: str | None = None, **values: object) -> str:
    """The sentence ``message`` (its English template) in ``lang``, with its placeholders filled in.

    Every placeholder of the template must be given, and no other.
    """
    return _fill(lookup(message, lang), values, message)


def translate_plural(singular: str, plural: str, count: int, /, lang: str | None = None,
                     **values: object) -> str:
    """``ngettext``: the form of the sentence for ``count`` in ``lang``; ``{count}`` is filled in too."""
    if isinstance(count, bool) or not isinstance(count, int):
        raise TypeError(f"translate_plural: count must be an int, got {type(count).__name__}")
    language = resolve_language(lang)
    return _fill(catalogue(language).ngettext(singular, plural, count), {"count": count, **values}, singular,
                 frozenset({"count"}))


# --- keeping the template true to the code ---------------------------------------------------------

_CALLS = {"translate": 1, "translate_plural": 2, "N_": 1}
PENDING = "pending: "
"""An extracted comment ``#. pending: <module>`` marks a drafted message its module does not use yet."""
SOURCES = ("autodiff", "nn", "examples")
"""The folders (of the repository) whose ``translate`` calls make the template."""


class _MarkedText(html.parser.HTMLParser):
    """The texts of a page marked for translation: ``data-i18n`` elements and their ``data-i18n-attr`` attributes."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._open: list[bool] = []  # per open element: is it a data-i18n one
        self._text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        given = dict(attrs)
        for name in (given.get("data-i18n-attr") or "").split():
            if given.get(name):
                self.found.append(str(given[name]))
        if tag in ("input", "meta", "link", "br", "img", "option") and "data-i18n" not in given:
            return  # void elements never close
        marked = "data-i18n" in given
        if marked:
            self._text = []
        self._open.append(marked)

    def handle_endtag(self, tag: str) -> None:
        if self._open and self._open.pop():
            text = " ".join("".join(self._text).split())
            if text:
                self.found.append(text)

    def handle_data(self, data: str) -> None:
        if self._open and self._open[-1]:
            self._text.append(data)


_JS_MESSAGE = re.compile(r"""\b(?:tr|N_)\(\s*("(?:[^"\\\n]|\\.)*")""")


def page_messages(text: str, kind: str) -> list[str]:
    """The messages of a page's HTML (``data-i18n``) or script (``tr("...")`` and ``N_("...")`` with literal text)."""
    if kind == "html":
        parser = _MarkedText()
        parser.feed(text)
        parser.close()
        return parser.found
    if kind == "js":
        return [str(json.loads(m.group(1))) for m in _JS_MESSAGE.finditer(text)]
    raise ValueError(f"page_messages: kind must be 'html' or 'js', got {kind!r}")


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


def _quote(text: str) -> str:
    """A .po string: escaped, and split after each newline when there is more than one line."""
    def escape(piece: str) -> str:
        return piece.replace("\\", "\\\\").replace('"', '\\"').replace("\t", "\\t")

    pieces = text.split("\n")
    lines = [escape(piece) + "\\n" for piece in pieces[:-1]] + ([escape(pieces[-1])] if pieces[-1] else [])
    if len(lines) <= 1:
        return f'"{lines[0] if lines else ""}"'
    return '""\n' + "\n".join(f'"{line}"' for line in lines)


def write_po(entries: Iterable[PoEntry], plural_forms: int = 2) -> str:
    """The text of a ``.po`` file holding ``entries`` (comments, references, flags, then the strings)."""
    out = []
    for entry in entries:
        lines = [f"#. {c}" for c in entry.comments]
        lines += [f"#: {r}" for r in entry.references]
        if entry.flags:
            lines.append("#, " + ", ".join(entry.flags))
        if entry.msgctxt is not None:
            lines.append(f"msgctxt {_quote(entry.msgctxt)}")
        lines.append(f"msgid {_quote(entry.msgid)}")
        if entry.msgid_plural is not None:
            lines.append(f"msgid_plural {_quote(entry.msgid_plural)}")
            for k in range(max(plural_forms, len(entry.msgstr_plural))):
                lines.append(f"msgstr[{k}] {_quote(entry.msgstr_plural.get(k, ''))}")
        else:
            lines.append(f"msgstr {_quote(entry.msgstr)}")
        out.append("\n".join(lines))
    return "\n\n".join(out) + "\n"


def repository_root() -> Path:
    """The checkout this package is in (where ``autodiff/``, ``nn/`` and ``examples/`` are)."""
    return Path(__file__).resolve().parents[1]


def template_path() -> Path:
    return repository_root() / "autodiff" / "locale" / f"{DOMAIN}.pot"


def po_path(lang: str) -> Path:
    return repository_root() / "autodiff" / "locale" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def _main(argv: Sequence[str]) -> int:
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


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
