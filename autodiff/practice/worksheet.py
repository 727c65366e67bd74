"""Printable worksheets: the exercises, then on a separate page the answers with derivations.

``markdown(exercise_set)`` and ``latex(exercise_set)`` return the whole document as text (a
LaTeX document that ``pdflatex`` compiles: every Unicode symbol of the prompts is written as a
LaTeX command). Derivations come from ``explain(...).markdown()`` / ``.latex()``; a fill-in
exercise shows a table of the graph's nodes with the hidden gradients as "?" (and, in
Markdown, the drawing as Graphviz DOT text; the LaTeX sheet's prompt speaks of the table alone).
``write(path, text)`` writes a sheet, refusing a missing folder with a ``WorksheetError`` whose
message is in the learner's language.
"""

from __future__ import annotations

from pathlib import Path

from ..formatting import latex_escape
from ..traversal import topological_order
from .catalogue import label, num
from .exercises import Exercise, ExerciseSet
from ..i18n import N_, translate, using_language
from .messages import say

PAGE_BREAK_MARKDOWN = '<div style="page-break-before: always"></div>'
_FILL_TABLE = N_("The table lists the nodes of {root}'s graph in the middle of backward(): the gradients computed "
                 "so far are shown, the others are “?”. Fill in the gradients of {nodes}.")


class WorksheetError(OSError):
    """A worksheet that cannot be written (a missing folder, no permission): the message says which and why."""


def write(path: str | Path, text: str) -> Path:
    """Write ``text`` (a sheet from ``markdown`` or ``latex``) to ``path``, creating no folders."""
    path = Path(path)
    if not path.parent.is_dir():
        raise WorksheetError(translate("there is no folder {folder}; create it first or write elsewhere",
                                       folder=repr(str(path.parent))))
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as error:
        raise WorksheetError(translate("cannot write {path}: {reason}", path=repr(str(path)),
                                       reason=error.strerror or str(error))) from None
    return path


def _node_rows(exercise: Exercise) -> list[tuple[str, str, str]]:
    shown = exercise.shown()
    rows = []
    for n in reversed(topological_order(exercise.root)):
        if n.name is None:
            continue
        g = shown.get(n)
        rows.append((n.name, num(n.data), "?" if g is None else num(g)))
    return rows


def markdown(es: ExerciseSet, lang: str | None = None) -> str:
    """The worksheet as Markdown: exercises, a page break, then the answers with derivations (in ``lang``)."""
    with using_language(lang):
        return _markdown(es)


def _markdown(es: ExerciseSet) -> str:
    out = [f"# {say('sheet.title', title=es.title)}", "", say("sheet.intro"), "", f"## {say('sheet.network')}", ""]
    out += [f"- {_md(line)}" for line in es.description[:2]]
    values = es.description[2:]
    if values:
        out += ["", f"{say('sheet.values')}: " + ", ".join(_md(v) for v in values) + "."]
    out += ["", f"## {say('sheet.exercises')}", ""]
    for i, e in enumerate(es.exercises, start=1):
        out.append(f"{i}. {_md(e.prompt())}")
        if e.kind == "fill":
            head = (say("sheet.table_head_node"), say("sheet.table_head_value"), say("sheet.table_head_grad"))
            out += ["", f"   | {head[0]} | {head[1]} | {head[2]} |", "   |---|---|---|"]
            out += [f"   | {_md(a)} | {b} | {c} |" for a, b, c in _node_rows(e)]
            out += ["", f"   {say('sheet.figure')}", "", "   ```dot"]
            out += [f"   {line}" if line else "" for line in e.figure().splitlines()]
            out += ["   ```"]
        out.append("")
    out += [PAGE_BREAK_MARKDOWN, "", f"## {say('sheet.answers')}", ""]
    for i, e in enumerate(es.exercises, start=1):
        solutions = e.solution("markdown")
        for j, (lhs_value, body) in enumerate(solutions):
            out += [f"### {_number(i, j, len(solutions))}. {_md(lhs_value)}", "", body, ""]
    return "\n".join(out).rstrip() + "\n"


def _number(i: int, j: int, count: int) -> str:
    """Exercise 4's second answer is 4b (a one-answer exercise is just 4)."""
    return str(i) if count == 1 else f"{i}{'abcdefghijklmnopqrstuvwxyz'[j % 26]}"


def _md(text: str) -> str:
    return text.replace("|", r"\|").replace("*", r"\*").replace("_", r"\_")


# --- LaTeX ----------------------------------------------------------------------------------------

_LATEX_UNICODE = {"∂": r"$\partial$", "δ": r"$\delta$", "σ": r"$\sigma$", "−": r"$-$", "·": r"$\cdot$",
                  "½": r"$\frac{1}{2}$", "→": r"$\to$", "²": r"$^2$", "“": "``", "”": "''", "′": r"$'$",
                  "Σ": r"$\Sigma$", "×": r"$\times$", "—": "---", "–": "--", "…": r"\ldots{}"}


def _is_hangul(c: str) -> bool:
    return "\uac00" <= c <= "\ud7a3" or "\u1100" <= c <= "\u11ff" or "\u3130" <= c <= "\u318f"


def latex_text(text: str) -> str:
    """Plain text as LaTeX: special characters escaped, Unicode math written as commands."""
    out = []
    for c in text:
        if c in _LATEX_UNICODE:
            out.append(_LATEX_UNICODE[c])
        elif ord(c) < 128:
            out.append(latex_escape(c))
        elif _is_hangul(c):
            out.append(c)  # Korean worksheets: the document loads kotex (see latex())
        else:
            out.append("?")  # nothing else is expected; never emit what pdflatex cannot read
    return "".join(out)


def latex(es: ExerciseSet, lang: str | None = None) -> str:
    """The worksheet as a LaTeX document: exercises, ``\\newpage``, then the answers (in ``lang``)."""
    with using_language(lang):
        return _latex(es)


def _latex(es: ExerciseSet) -> str:
    out = [r"\documentclass[11pt]{article}", r"\usepackage{amsmath,amssymb}", r"\usepackage[margin=2cm]{geometry}",
           r"\begin{document}", rf"\section*{{{latex_text(say('sheet.title', title=es.title))}}}",
           latex_text(say("sheet.intro")), "", rf"\subsection*{{{latex_text(say('sheet.network'))}}}",
           r"\begin{itemize}"]
    out += [rf"\item {latex_text(line)}" for line in es.description[:2]]
    out.append(r"\end{itemize}")
    if es.description[2:]:
        out += [latex_text(f"{say('sheet.values')}: " + ", ".join(es.description[2:]) + "."), ""]
    out += [rf"\subsection*{{{latex_text(say('sheet.exercises'))}}}", r"\begin{enumerate}"]
    for e in es.exercises:
        prompt = e.prompt() if e.kind != "fill" else translate(
            _FILL_TABLE, root=label(e.root), nodes=", ".join(label(n) for n in e.nodes))
        out.append(rf"\item {latex_text(prompt)}")
        if e.kind == "fill":
            head = " & ".join(latex_text(say(k)) for k in ("sheet.table_head_node", "sheet.table_head_value",
                                                          "sheet.table_head_grad"))
            out += [r"\par\smallskip", r"\begin{tabular}{lrr}", rf"{head} \\ \hline"]
            out += [rf"{latex_text(a)} & {latex_text(b)} & {latex_text(c)} \\" for a, b, c in _node_rows(e)]
            out.append(r"\end{tabular}")
    out += [r"\end{enumerate}", r"\newpage", rf"\subsection*{{{latex_text(say('sheet.answers'))}}}"]
    for i, e in enumerate(es.exercises, start=1):
        solutions = e.solution("latex")
        for j, (lhs_value, body) in enumerate(solutions):
            out.append(rf"\paragraph{{{_number(i, j, len(solutions))}. {latex_text(lhs_value)}}}")
            if e.kind == "next_step":
                out.append(latex_text(body))
            else:
                out += [r"\[", body, r"\]"]
    out.append(r"\end{document}")
    if any(_is_hangul(c) for line in out for c in line):  # Hangul needs kotex (pdflatex or xelatex)
        out.insert(2, r"\usepackage{kotex}")
    return "\n".join(out) + "\n"
