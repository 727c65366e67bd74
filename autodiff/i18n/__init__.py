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

The package: this module (the language, ``translate``, the messages a page marks), ``po``
(the ``.po`` format: reading, compiling, writing) and ``pot`` (the template kept true to the
code: ``python -m autodiff.i18n template``).
"""

from __future__ import annotations

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
import threading
from importlib import resources
from typing import TYPE_CHECKING, Iterator, Mapping, Sequence

from .po import PoEntry, PoError, compile_mo, header, parse_po, read_po  # the format, re-exported

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
