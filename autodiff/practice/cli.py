"""The command line: ``python -m autodiff.practice --case 000`` or ``--seed 7``.

``main(argv, stdin, stdout)`` runs the terminal session on the chosen exercises, or with
``--worksheet PATH`` writes a worksheet (``.md`` Markdown, ``.tex`` LaTeX) instead.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Sequence, TextIO

from ..i18n import LanguageError, available_languages, resolve_language, using_language
from .exercises import KINDS, ExerciseSet, from_case, from_seed
from .session import run_session


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m autodiff.practice",
                                description="Practise backpropagation: exercises graded with a diagnosis.")
    source = p.add_mutually_exclusive_group()
    source.add_argument("--case", choices=("000", "001", "002", "003", "004"),
                        help="a reference document's network")
    source.add_argument("--seed", type=int, help="a random small network made from this seed (default 0)")
    p.add_argument("--kinds", default=",".join(KINDS),
                   help=f"comma-separated exercise kinds among {', '.join(KINDS)} (default: all)")
    p.add_argument("--count", type=int, default=None, help="how many exercises (default: one per kind)")
    p.add_argument("--worksheet", type=Path, default=None,
                   help="write a worksheet to this .md or .tex file instead of starting a session")
    p.add_argument("--lang", default=None, metavar="LANG",
                   help=f"the language of the exercises and diagnoses ({', '.join(available_languages())}; "
                        "default: AUTODIFF_LANG, else the locale)")
    return p


def exercise_set(case: str | None, seed: int | None, kinds: Sequence[str], count: int | None) -> ExerciseSet:
    if case is not None:
        return from_case(case, seed=seed or 0, kinds=kinds, count=count)
    return from_seed(0 if seed is None else seed, kinds=kinds, count=count)


def main(argv: Sequence[str] | None = None, stdin: TextIO | None = None, stdout: TextIO | None = None) -> int:
    """Run the command line; returns the exit status (0, or 2 for bad arguments)."""
    args = parser().parse_args(argv)
    out = stdout if stdout is not None else sys.stdout
    kinds = [k.strip() for k in args.kinds.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad or not kinds:
        parser().error(f"--kinds: unknown kind(s) {', '.join(bad) or '(none)'}; choose among {', '.join(KINDS)}")
    if args.count is not None and args.count < 1:
        parser().error(f"--count must be at least 1, got {args.count}")
    try:
        language = resolve_language(args.lang)
    except LanguageError as error:
        parser().error(f"--lang: {error}")
    with using_language(language):  # the exercises, the session and the worksheets all in one language
        return _run(args, kinds, stdin, out)


def _run(args: argparse.Namespace, kinds: Sequence[str], stdin: TextIO | None, out: TextIO) -> int:
    es = exercise_set(args.case, args.seed, kinds, args.count)
    if args.worksheet is not None:
        from . import worksheet
        path: Path = args.worksheet
        if path.suffix not in (".md", ".tex"):
            parser().error(f"--worksheet: the file must end in .md or .tex, got {str(path)!r}")
        text = worksheet.latex(es) if path.suffix == ".tex" else worksheet.markdown(es)
        path.write_text(text, encoding="utf-8")
        out.write(f"wrote {path}\n")
        return 0
    try:
        run_session(es, stdin if stdin is not None else sys.stdin, out)
    except KeyboardInterrupt:
        out.write("\n")
    return 0
