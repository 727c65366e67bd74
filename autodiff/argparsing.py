"""argparse in the learner's language: the words argparse writes itself, from our catalogue.

``ArgumentParser`` is ``argparse.ArgumentParser`` whose own words ("usage:", "positional
arguments", "options", "show this help message and exit", "show program's version number and
exit", "error:" and its error messages) come from the message catalogue, in the language the
parser was made in (``lang=``, else ``autodiff.i18n``'s default at that moment: an enclosing
``using_language``, ``AUTODIFF_LANG``, the locale). Every command line of the project
(``autodiff.cli``, ``autodiff.lab``, ``autodiff.practice``) builds its parser from it. In English
the output is argparse's, character for character. Nothing of argparse or gettext is patched:
the help words are translated by ``HelpFormatter`` as the help is written, and the error
messages by ``translate_error``, which recognises argparse's English templates (``ERROR_TEMPLATES``,
checked by the tests against the argparse the tests run on) and fills the values it finds into
whole Korean templates; a message it does not know (another Python's rewording, a tool's own)
passes through unchanged.

Help text wraps by display width, not by characters: a Hangul syllable (any East Asian wide or
full-width character) takes two columns of a terminal, so Korean help fits the width argparse
chose (``COLUMNS``) as English help does (``display_width``, ``wrap``).

``help_language(argv)`` reads ``--lang`` from a command line before it is parsed, so that a
tool's ``--help`` is already in the language asked for.
"""

from __future__ import annotations

import argparse
import re
import string
import sys
import unicodedata
from typing import Any, Iterable, NoReturn, Sequence

from .i18n import N_, SOURCE_LANGUAGE, LanguageError, resolve_language, translate, using_language

__all__ = ["ArgumentParser", "HelpFormatter", "translate_error", "help_language", "ERROR_TEMPLATES",
           "display_width", "wrap"]

_USAGE = N_("usage: ")
_HEADINGS = frozenset({N_("positional arguments"), N_("options"), N_("subcommands"),
                       N_("optional arguments")})  # (Python 3.10's title for "options")
_HELPS = frozenset({N_("show this help message and exit"), N_("show program's version number and exit")})
_ERROR = N_("{prog}: error: {message}\n")
_ARGUMENT = N_("argument {argument}: {message}")

ERROR_TEMPLATES: tuple[str, ...] = (
    # argparse's messages with their values as named fields, tried in this order (the first match
    # wins, so a template that another one would swallow comes first).
    N_("expected one argument"),
    N_("expected at most one argument"),
    N_("expected at least one argument"),
    N_("expected {count} argument"),
    N_("expected {count} arguments"),
    N_("invalid choice: {value} (choose from {choices})"),
    N_("invalid {type} value: {value}"),
    N_("the following arguments are required: {arguments}"),
    N_("one of the arguments {arguments} is required"),
    N_("unrecognized arguments: {arguments}"),
    N_("not allowed with argument {argument}"),
    N_("ignored explicit argument {value}"),
    N_("ambiguous option: {option} could match {matches}"),
    N_("unexpected option string: {option}"),
    N_("unknown parser {parser} (choices: {choices})"),
    N_("can't open '{filename}': {error}"),
    N_('argument "-" with mode {mode}'),
)
"""argparse's error messages (English, named fields) that ``translate_error`` recognises."""


def _pattern(template: str) -> re.Pattern[str]:
    """A regular expression matching the whole of what ``template`` becomes once filled in."""
    parts = []
    for literal, name, _, _ in string.Formatter().parse(template):
        parts.append(re.escape(literal))
        if name is not None:
            parts.append(f"(?P<{name}>.+?)")
    return re.compile("".join(parts) + r"\Z", re.DOTALL)


_PATTERNS = tuple((template, _pattern(template)) for template in ERROR_TEMPLATES)
_ARGUMENT_PATTERN = _pattern(_ARGUMENT)


def _translate_message(message: str, lang: str) -> str:
    for template, pattern in _PATTERNS:
        found = pattern.match(message)
        if found is not None:
            return translate(template, lang, **found.groupdict())
    return message


def translate_error(message: str, lang: str | None = None) -> str:
    """One of argparse's English error messages in ``lang``, with the same values in it.

    ``argument --form: invalid choice: 'x' (choose from 'paths', 'delta')`` becomes, in Korean,
    ``인자 --form: 잘못된 선택: 'x' (고를 수 있는 값: 'paths', 'delta')``. A message that is not
    argparse's (a tool's own) passes through unchanged, inside the translated "argument ...:"
    when it has one.
    """
    language = resolve_language(lang)
    if language == SOURCE_LANGUAGE:
        return message
    found = _ARGUMENT_PATTERN.match(message)
    if found is not None:
        return translate(_ARGUMENT, language, argument=found["argument"],
                         message=_translate_message(found["message"], language))
    return _translate_message(message, language)


def display_width(text: str) -> int:
    """How many terminal columns ``text`` takes: two for a wide or full-width character (Hangul), else one."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text``'s words (whitespace collapsed) in lines at most ``width`` columns wide, filled greedily.

    A word wider than ``width`` is cut between characters, as ``textwrap`` cuts a long word.
    """
    width = max(width, 2)  # (room for one wide character)
    lines: list[str] = []
    line, used = "", 0
    for word in text.split():
        size = display_width(word)
        if line and used + 1 + size <= width:
            line, used = f"{line} {word}", used + 1 + size
            continue
        if line:
            lines.append(line)
        line, used = "", 0
        while size > width:  # a word longer than a line: cut it
            cut, taken = "", 0
            for c in word:
                if taken + display_width(c) > width:
                    break
                cut, taken = cut + c, taken + display_width(c)
            lines.append(cut)
            word = word[len(cut):]
            size = display_width(word)
        line, used = word, size
    if line:
        lines.append(line)
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's help formatter with its own words (usage prefix, group titles, -h/--version help) translated.

    The words are looked up as the help is written, in the language in force then (``ArgumentParser``
    writes its help inside ``using_language(parser.lang)``). Help and descriptions wrap by display
    width (``wrap``); text all of one column per character wraps exactly as argparse wraps it.
    """

    def _split_lines(self, text: str, width: int) -> list[str]:
        if display_width(text) == len(text):
            return super()._split_lines(text, width)
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        if display_width(text) == len(text):
            return super()._fill_text(text, width, indent)
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))

    def add_usage(self, usage: str | None, actions: Iterable[argparse.Action],
                  groups: Iterable[argparse._MutuallyExclusiveGroup], prefix: str | None = None) -> None:
        super().add_usage(usage, actions, groups, translate(_USAGE) if prefix is None else prefix)

    def start_section(self, heading: str | None) -> None:
        super().start_section(translate(heading) if heading in _HEADINGS else heading)

    def _get_help_string(self, action: argparse.Action) -> str | None:
        text = super()._get_help_string(action)
        if text in _HELPS:  # argparse's own help of -h and --version (the help is %-formatted next)
            return translate(text).replace("%", "%%")
        return text


def _translating(formatter: type[argparse.HelpFormatter]) -> type[argparse.HelpFormatter]:
    """``formatter`` with ``HelpFormatter``'s translations (e.g. for ``RawDescriptionHelpFormatter``)."""
    if issubclass(formatter, HelpFormatter):
        return formatter
    return type(f"Translated{formatter.__name__}", (formatter, HelpFormatter), {})


class ArgumentParser(argparse.ArgumentParser):
    """``argparse.ArgumentParser`` that writes its help, usage and errors in the learner's language.

    ``lang`` (default: ``autodiff.i18n``'s language at the time the parser is made) is checked
    (an unknown one is a ``LanguageError``) and kept in ``.lang``; subparsers made by
    ``add_subparsers().add_parser`` inherit it. Exit codes are argparse's (2 for bad usage).
    """

    def __init__(self, *args: Any, lang: str | None = None, **kwargs: Any) -> None:
        self.lang = resolve_language(lang)
        kwargs["formatter_class"] = _translating(kwargs.get("formatter_class", HelpFormatter))
        super().__init__(*args, **kwargs)

    def add_subparsers(self, **kwargs: Any) -> Any:
        """argparse's ``add_subparsers``; each subparser is made in this parser's language."""
        with using_language(self.lang):
            action = super().add_subparsers(**kwargs)
        make = action._parser_class  # (argparse keeps the subparsers' class there)
        if isinstance(make, type) and issubclass(make, ArgumentParser):
            lang = self.lang

            def in_our_language(**options: Any) -> Any:
                options.setdefault("lang", lang)
                return make(**options)

            setattr(action, "_parser_class", in_our_language)  # add_parser calls it with its options
        return action

    def format_usage(self) -> str:
        with using_language(self.lang):
            return super().format_usage()

    def format_help(self) -> str:
        with using_language(self.lang):
            return super().format_help()

    def error(self, message: str) -> NoReturn:
        """The usage and ``PROG: error: MESSAGE`` on standard error, in the parser's language; exit code 2."""
        if self.lang == SOURCE_LANGUAGE:
            super().error(message)
        self.print_usage(sys.stderr)
        self.exit(2, translate(_ERROR, self.lang, prog=self.prog, message=translate_error(message, self.lang)))


def _requested(argv: Sequence[str], option: str) -> str | None:
    found = None
    for k, arg in enumerate(argv):
        if arg == "--":
            break
        if arg == option and k + 1 < len(argv):
            found = argv[k + 1]
        elif arg.startswith(option + "="):
            found = arg.split("=", 1)[1]
    return found


def help_language(argv: Sequence[str], option: str = "--lang") -> str:
    """The language a command line asks for with ``--lang X`` (or ``--lang=X``; the last one wins).

    Without it, ``autodiff.i18n``'s default. An unknown language here falls back to the default
    (then English), so that the parser can still be made and report the bad ``--lang`` itself.
    """
    for requested in (_requested(argv, option), None):
        try:
            return resolve_language(requested)
        except LanguageError:
            continue
    return SOURCE_LANGUAGE
