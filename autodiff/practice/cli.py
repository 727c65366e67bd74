"""The command line: ``python -m autodiff.practice --case 000`` or ``--seed 7``.

``main(argv, stdin, stdout)`` runs the terminal session on the chosen exercises, or with
``--worksheet PATH`` writes a worksheet (``.md`` Markdown, ``.tex`` LaTeX) instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO

from ..argparsing import ArgumentParser, help_language
from ..i18n import LanguageError, available_languages, resolve_language, translate, using_language
from .exercises import KINDS, ExerciseSet, from_case, from_seed
from .session import run_session

MAX_COUNT = 1000
"""The most exercises ``--count`` asks for."""


def parser() -> ArgumentParser:
    """The options, with their help in the language in force (``main`` reads ``--lang`` first for it)."""
    p = ArgumentParser(prog="python -m autodiff.practice",
                       description=translate("Practise backpropagation: exercises graded with a diagnosis."))
    source = p.add_mutually_exclusive_group()
    source.add_argument("--case", choices=("000", "001", "002", "003", "004"),
                        help=translate("a reference document's network"))
    source.add_argument("--seed", type=int, help=translate("a random small network made from this seed (default 0)"))
    p.add_argument("--kinds", default=",".join(KINDS),
                   help=translate("comma-separated exercise kinds among {kinds} (default: all)", kinds=", ".join(KINDS)))
    p.add_argument("--count", type=int, default=None, help=translate("how many exercises (default: one per kind)"))
    p.add_argument("--worksheet", type=Path, default=None,
                   help=translate("write a worksheet to this .md or .tex file instead of starting a session"))
    p.add_argument("--lang", default=None, metavar="LANG",
                   help=translate("the language of the exercises and diagnoses ({languages}; default: AUTODIFF_LANG, "
                                  "else the locale)", languages=", ".join(available_languages())))
    return p


def exercise_set(case: str | None, seed: int | None, kinds: Sequence[str], count: int | None) -> ExerciseSet:
    if case is not None:
        return from_case(case, seed=seed or 0, kinds=kinds, count=count)
    return from_seed(0 if seed is None else seed, kinds=kinds, count=count)


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0; 1 when the worksheet cannot be written; 2 for bad arguments)."""
    argv = list(sys.argv[1:] if argv is None else argv)
    with using_language(help_language(argv)):
        p = parser()
    args = p.parse_args(argv)
    out = stdout if stdout is not None else sys.stdout
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        p.error(translate("--kinds: unknown kind(s) {kinds}; choose among {choices}", p.lang,
                          kinds=", ".join(bad) or translate("(none)", p.lang), choices=", ".join(KINDS)))
    if args.count is not None and not 1 <= args.count <= MAX_COUNT:
        p.error(translate("--count must be from 1 to {limit}, got {count}", p.lang, limit=MAX_COUNT, count=args.count))
    if args.worksheet is not None and args.worksheet.suffix not in (".md", ".tex"):
        p.error(translate("--worksheet: the file must end in .md or .tex, got {path}", p.lang,
                          path=repr(str(args.worksheet))))
    try:
        language = resolve_language(args.lang)
    except LanguageError as error:
        p.error(f"--lang: {error}")
    with using_language(language):  # the exercises, the session and the worksheets all in one language
        return _run(args, kinds, stdin, out)


def _run(args: argparse.Namespace, kinds: Sequence[str], stdin: TextIO | None, out: TextIO) -> int:
    es = exercise_set(args.case, args.seed, kinds, args.count)
    if args.worksheet is not None:
        from . import worksheet
        path: Path = args.worksheet
        text = worksheet.latex(es) if path.suffix == ".tex" else worksheet.markdown(es)
        try:
            worksheet.write(path, text)
        except worksheet.WorksheetError as error:
            print(f"python -m autodiff.practice: {error}", file=sys.stderr)
            return 1
        out.write(translate("wrote {path}", path=path) + "\n")
        return 0
    try:
        run_session(es, stdin if stdin is not None else sys.stdin, out)
    except KeyboardInterrupt:
        out.write("\n")
    return 0
