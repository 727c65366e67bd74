"""Explanations: d(root)/d(node) derived the way a teacher writes it, and its renderings.

``explain(root, node)`` describes d(root)/d(node) in one of two forms:

* ``form='paths'``: every path from ``root`` down to ``node``, each the product of its local
  derivatives, symbolically (in node names) and numerically, and their sum::

      ∂E/∂w11 = ∂E/∂A3 · ∂A3/∂z3 · ∂z3/∂A1 · ∂A1/∂z1 · ∂z1/∂w11
              = (A3 − y_t)·A3(1 − A3)·w31·A1(1 − A1)·x1
              = 0.190283·0.213792·0.3·0.217504·0.35
              = 0.00092907116080966

* ``form='delta'``: the factored form of the documents' "delta" method. δ(v) = ∂root/∂v is
  computed once for every named node v on the way, from the δ of the nodes just above it,
  so the derivation stays short when paths multiply (``DeltaStep``).

The result, an ``Explanation``, holds the structured derivation (``ChainPath``s of ``Factor``s,
``DeltaStep``s) and renders it as plain text, Markdown or LaTeX. How the graph is read (named
nodes, steps between them) is ``paths``'s job; numbers and names are written by ``formatting``.
No ``.grad`` is changed. The words are in the learner's language (``lang=``, see ``i18n``);
the numbers and formulas are the same in every language.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .display import one_line
from .engine import Value
from .i18n import resolve_language, translate, translate_plural
from .formatting import final_number as _final, format_number, latex_name, number_in_product as _num_in_product
from .paths import Factor, NamedGraph, ChainPath, resolve_node
from .symbolic import Sym
from .terms import is_one as _is_one, latex_with_names as _latex_sym, product_text as _product_text

__all__ = ["explain", "Explanation", "Factor", "ChainPath", "DeltaStep", "TooManyPathsError", "FORMS"]

FORMS = ("paths", "delta")
DISPLAY_BLOCK_LIMIT = 3000
"""The most characters of LaTeX in one display block of ``Explanation._repr_latex_`` (MathJax 2 stops at 5 K)."""


class TooManyPathsError(ValueError):
    """The path form was asked for more paths than ``max_paths``."""


def _num(x: float, digits: int = 6, latex: bool = False) -> str:
    return format_number(x, "derivation", digits, latex)


@dataclass(frozen=True)
class DeltaStep:
    """δ(node) = ∂root/∂node = Σ δ(upper)·∂upper/∂node over the named nodes just above it."""

    node: Value = field(repr=False)
    label: str
    terms: tuple[Factor, ...]  # each ∂upper/∂node
    upper_deltas: tuple[float, ...]  # δ(upper) for each term (1 for the root)
    value: float
    is_target: bool


def _delta_label(label: str, latex: bool = False) -> str:
    return rf"\delta_{{{latex_name(label)}}}" if latex else f"δ({label})"


class Explanation:
    """d(root)/d(node), derived. ``value`` equals ``node.grad`` after ``root.backward()``.

    Structured data: ``paths`` (each a ``ChainPath`` of ``Factor``s; ``None`` when not enumerated),
    ``path_count``, ``path_sum`` (Σ of the path products), ``deltas`` (the ``DeltaStep``s of the
    factored form, root side first). Render with ``text()``, ``markdown()`` or ``latex()``.
    """

    def __init__(self, graph: NamedGraph, form: str, paths: list[ChainPath] | None, path_count: int,
                 deltas: list[DeltaStep], lang: str | None = None, nodes: list[Value] | None = None):
        self.form = form
        self.lang = lang  # the language of text(), markdown() and latex() when they are given none
        self._root = graph.root
        self.root_label, self.node_label = graph.label(graph.root), graph.label(graph.node)
        self.value: float = graph.grads.get(graph.node, 0.0)
        self.paths: tuple[ChainPath, ...] | None = tuple(paths) if paths is not None else None
        self.path_count = path_count
        self.path_sum: float | None = math.fsum(p.value for p in paths) if paths is not None else None
        self.deltas = tuple(deltas)
        self.bound = graph.bounds.get(graph.node, 0.0)  # Σ |path products|: the scale of rounding errors
        self.definitions: tuple[tuple[str, Sym], ...] = tuple(
            (graph.label(n), graph.definition(n)) for n in _defined(graph, nodes or []))

    # --- plain text -----------------------------------------------------------------------
    def lhs(self, latex: bool = False) -> str:
        if latex:
            return rf"\frac{{\partial {latex_name(self.root_label)}}}{{\partial {latex_name(self.node_label)}}}"
        return f"∂{self.root_label}/∂{self.node_label}"

    def _lang(self, lang: str | None) -> str | None:
        return lang if lang is not None else self.lang

    def text(self, lang: str | None = None) -> str:
        """The derivation as plain text, in ``lang`` (default: the language given to ``explain``, else the process's)."""
        lang = self._lang(lang)
        if self.path_count == 0:
            return translate("{lhs} = 0   ({root} does not depend on {node})", lang,
                             lhs=self.lhs(), root=self.root_label, node=self.node_label)
        if self.form == "delta":
            return self._delta_text(lang) + self._where(lang)
        return self._paths_text(lang) + self._where(lang)

    def _where(self, lang: str | None, latex: bool = False) -> str:
        """The line that says what the automatic names stand for ("where q₁ = x + y"), or nothing."""
        if not self.definitions:
            return ""
        if latex:
            shown = ", ".join(f"{latex_name(label)} = {_latex_sym(sym)}" for label, sym in self.definitions)
            return " \\\\\n" + rf"&\text{{{translate('where', lang)}}}\ {shown}"
        shown = ", ".join(f"{label} = {sym.text()}" for label, sym in self.definitions)
        return "\n" + translate("where {definitions}", lang, definitions=shown)

    def __str__(self) -> str:
        return self.text()

    def _paths_text(self, lang: str | None) -> str:
        lhs = self.lhs()
        paths = self.paths or ()
        if len(paths) == 1:
            p = paths[0]
            pad = " " * len(lhs)
            lines = [f"{lhs} = {p.chain()}"]
            for part in (p.symbolic(), p.numeric()):
                if not lines[-1].endswith(f"= {part}"):
                    lines.append(f"{pad} = {part}")
            lines.append(f"{pad} = {_final(self.value)}")
            return "\n".join(lines)
        lines = [translate("{lhs}: {count} paths from {root} to {node}; the gradient is their sum.", lang,
                           lhs=lhs, count=len(paths), root=self.root_label, node=self.node_label)]
        for p in paths:
            lines.append(translate("path {index}: {route}", lang, index=p.index, route=p.route()))
            lines.append(f"    {p.chain()}")
            lines.append(f"    = {p.symbolic()}")
            lines.append(f"    = {p.numeric()} = {_num(p.value)}")
        total = " + ".join(_num_in_product(p.value) if i else _num(p.value) for i, p in enumerate(paths))
        lines.append(f"{lhs} = " + " + ".join(translate("path {index}", lang, index=p.index) for p in paths))
        lines.append(f"{' ' * len(lhs)} = {total}")
        lines.append(f"{' ' * len(lhs)} = {_final(self.value)}")
        return "\n".join(lines)

    def _delta_parts(self, step: DeltaStep, latex: bool) -> tuple[str, str, str, str]:
        """(left side, chain, symbolic, numeric) of one delta line."""
        left = self.lhs(latex) if step.is_target else _delta_label(step.label, latex)
        chains: list[str] = []
        syms: list[str] = []
        nums: list[str] = []
        dot = r" \cdot " if latex else "·"
        for f, d in zip(step.terms, step.upper_deltas):
            is_root = f.upper is self._root
            up = _delta_label(f.upper_label, latex)
            if is_root:
                chains.append(f.chain(latex))
                single = len(step.terms) == 1
                syms.append((_latex_sym(f.symbol) if latex else f.symbol.text()) if single else _product_text([f.symbol], latex))
                nums.append(_num_in_product(f.value, latex) if nums else _num(f.value, latex=latex))
            else:
                chains.append(up if _is_one(f.symbol) else f"{up}{dot}{f.chain(latex)}")
                syms.append(up if _is_one(f.symbol) else f"{up}{dot}{_product_text([f.symbol], latex)}")
                factor = [_num_in_product(d, latex)] + ([] if _is_one(f.symbol) else [_num_in_product(f.value, latex)])
                nums.append(dot.join(factor))
        return left, " + ".join(chains), " + ".join(syms), " + ".join(nums)

    def _delta_text(self, lang: str | None) -> str:
        lines = [translate_plural(
            "{lhs} in the factored (delta) form: δ(v) = ∂{root}/∂v, each computed once from the δ of the nodes "
            "above it ({count} path in all).",
            "{lhs} in the factored (delta) form: δ(v) = ∂{root}/∂v, each computed once from the δ of the nodes "
            "above it ({count} paths in all).", self.path_count, lang, lhs=self.lhs(), root=self.root_label)]
        for step in self.deltas:
            left, chain, sym, nums = self._delta_parts(step, False)
            parts = [chain]
            if sym != chain:
                parts.append(sym)
            parts.append(nums)
            value = _final(step.value) if step.is_target else _num(step.value)
            if parts[-1] != value:
                parts.append(value)
            lines.append(f"{left} = " + " = ".join(parts))
        return "\n".join(lines)

    # --- Markdown -------------------------------------------------------------------------
    def markdown(self, lang: str | None = None) -> str:
        """The derivation as a Markdown table, in ``lang`` (as for ``text``)."""
        lang = self._lang(lang)
        if self.path_count == 0:
            return translate("**{lhs}** = 0 (`{root}` does not depend on `{node}`)", lang,
                             lhs=self.lhs(), root=self.root_label, node=self.node_label)
        if self.form == "delta":
            rows = [translate_plural("**{lhs}** = {value}, factored (delta) form, δ(v) = ∂{root}/∂v ({count} path)",
                                     "**{lhs}** = {value}, factored (delta) form, δ(v) = ∂{root}/∂v ({count} paths)",
                                     self.path_count, lang, lhs=self.lhs(), value=_final(self.value), root=self.root_label),
                    "", translate("| δ | chain rule | symbolic | numeric | value |", lang), "|---|---|---|---|---|"]
            for step in self.deltas:
                left, chain, sym, nums = self._delta_parts(step, False)
                rows.append(f"| {_md(left)} | {_md(chain)} | `{_md(sym)}` | {_md(nums)} | {_md(_num(step.value))} |")
            return "\n".join(rows) + self._where(lang).replace("\n", "\n\n", 1)
        paths = self.paths or ()
        rows = [translate_plural("**{lhs}** = {value} ({count} path)", "**{lhs}** = {value} ({count} paths)", len(paths),
                                 lang, lhs=self.lhs(), value=_final(self.value)), "",
                translate("| path | chain rule | symbolic | numeric | value |", lang), "|---|---|---|---|---|"]
        for p in paths:
            rows.append(f"| {p.index} | {_md(p.chain())} | `{_md(p.symbolic())}` | {_md(p.numeric())} | {_md(_num(p.value))} |")
        if len(paths) > 1:
            rows.append(translate("| **sum** | | | | **{value}** |", lang, value=_md(_final(self.value))))
        return "\n".join(rows) + self._where(lang).replace("\n", "\n\n", 1)

    # --- LaTeX ----------------------------------------------------------------------------
    def latex(self, lang: str | None = None) -> str:
        """The derivation as a LaTeX ``aligned`` block; its few words in ``lang`` (as for ``text``)."""
        lang = self._lang(lang)
        lhs = self.lhs(latex=True)
        if self.path_count == 0:
            return rf"{lhs} = 0"
        lines = []
        if self.form == "delta":
            for step in self.deltas:
                left, chain, sym, nums = self._delta_parts(step, True)
                value = _final(step.value, True) if step.is_target else _num(step.value, latex=True)
                lines.append(rf"{left} &= {chain} \\ &= {sym} = {nums} = {value}")
        else:
            paths = self.paths or ()
            if len(paths) == 1:
                p = paths[0]
                lines.append(rf"{lhs} &= {p.chain(True)} \\ &= {p.symbolic(True)} \\ &= {p.numeric(True)} \\ "
                             rf"&= {_final(self.value, True)}")
            else:
                for p in paths:
                    label = translate("path {index}", lang, index=p.index)
                    lines.append(rf"\text{{{label}}} &: {p.chain(True)} \\ &\phantom{{:}} = {p.symbolic(True)} "
                                 rf"= {_num(p.value, latex=True)}")
                total = " + ".join(_num_in_product(p.value, True) for p in paths)
                lines.append(rf"{lhs} &= {total} = {_final(self.value, True)}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + self._where(lang, latex=True) + "\n\\end{aligned}"

    def _repr_latex_(self) -> str:
        """Jupyter: the derivation as display math (it reads better typeset than as a Markdown table).

        A long derivation is cut between its rows into several blocks of at most ``DISPLAY_BLOCK_LIMIT``
        characters: MathJax 2 (nbconvert's HTML) refuses a formula over 5 K and shows its source instead.
        """
        latex = self.latex()
        begin, end, separator = "\\begin{aligned}\n", "\n\\end{aligned}", " \\\\\n"
        if len(latex) <= DISPLAY_BLOCK_LIMIT or not (latex.startswith(begin) and latex.endswith(end)):
            return f"$$\n{latex}\n$$"
        blocks: list[list[str]] = [[]]
        for row in latex[len(begin):-len(end)].split(separator):
            if blocks[-1] and sum(len(r) + len(separator) for r in blocks[-1]) + len(row) > DISPLAY_BLOCK_LIMIT:
                blocks.append([])
            blocks[-1].append(row)
        return "\n\n".join(f"$$\n{begin}{separator.join(rows)}{end}\n$$" for rows in blocks)

    def __repr__(self) -> str:
        return one_line(f"Explanation({self.lhs()} = {self.value!r}, form={self.form!r}, paths={self.path_count})")


_MAX_DEFINITIONS = 24  # past this many, only the automatic names on the way are defined


def _defined(graph: NamedGraph, nodes: list[Value]) -> list[Value]:
    """The automatically named nodes a derivation mentions (those on the way, and those their definitions use),
    in the order they were made, so that "where q₃ = q₁ + q₂" never leaves q₂ undefined. None past
    ``_MAX_DEFINITIONS`` on the way: a derivation that long is read step by step, not by its definitions."""
    on_the_way = [n for n in nodes if graph.labels.is_automatic(n)]
    if len(on_the_way) > _MAX_DEFINITIONS:
        return []
    found, stack = set(on_the_way), list(on_the_way)
    while stack and len(found) <= _MAX_DEFINITIONS:
        for p in stack.pop().parents:
            if graph.labels.is_automatic(p) and p not in found:
                found.add(p)
                stack.append(p)
    chosen = found if len(found) <= _MAX_DEFINITIONS else set(on_the_way)
    return sorted(chosen, key=graph.index.__getitem__, reverse=True)


def _md(text: str) -> str:
    return text.replace("|", r"\|")


def _too_many(graph: NamedGraph, count: int, max_paths: int) -> TooManyPathsError:
    lhs = f"∂{graph.label(graph.root)}/∂{graph.label(graph.node)}"
    return TooManyPathsError(
        f"explain: {lhs} has {count} paths from {graph.label(graph.root)} to {graph.label(graph.node)}, more than "
        f"max_paths={max_paths}; use form='delta' (the factored form computes each δ once and stays short) "
        f"or pass a larger max_paths"
    )


def explain(root: Value, node: Value | str, *, form: str = "paths", max_paths: int = 64,
            lang: str | None = None) -> Explanation:
    """Derive d(root)/d(node) as a teacher writes it: every path, or the factored (delta) form.

    ``node`` is a Value or the name of a node in root's graph. ``form='paths'`` lists every path
    from root to node (refusing past ``max_paths``, see ``TooManyPathsError``); ``form='delta'``
    computes δ(v) = ∂root/∂v once per named node v on the way. The result's ``value`` equals
    ``node.grad`` after ``root.backward()``; no ``.grad`` is changed. ``lang`` ('en', 'ko'; default:
    ``AUTODIFF_LANG``, else the locale) is the language its renderings write in.
    """
    if lang is not None:
        resolve_language(lang)  # an unknown language is refused here, not at the first text()
    if form not in FORMS:
        raise ValueError(f"explain: form must be one of {', '.join(map(repr, FORMS))}, got {form!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain: max_paths must be a positive int, got {max_paths!r}")
    order, node = resolve_node(root, node, "explain")
    graph = NamedGraph(root, node, order)
    nodes = graph.on_the_way()
    counts = graph.count_paths(nodes)
    count = counts.get(node, 0) if nodes else 0
    if form == "paths" and count > max_paths:
        raise _too_many(graph, count, max_paths)
    paths = graph.paths() if count <= max_paths else None
    return Explanation(graph, form, paths, count, _delta_steps(graph, nodes), lang, nodes)


def _delta_steps(graph: NamedGraph, nodes: list[Value]) -> list[DeltaStep]:
    deltas: dict[Value, float] = {graph.root: 1.0}
    incoming: dict[Value, list[tuple[Factor, float]]] = {}
    for u in nodes:  # root first, each node before the nodes below it
        d = deltas.get(u, 0.0)
        for v, sym, value in graph.segments(u):
            deltas[v] = deltas.get(v, 0.0) + d * value
            incoming.setdefault(v, []).append((graph.factor(u, v, sym, value), d))
    steps = []
    for v in nodes:
        if v is graph.root:
            continue
        terms = incoming.get(v, [])
        steps.append(DeltaStep(v, graph.label(v), tuple(f for f, _ in terms), tuple(d for _, d in terms),
                               deltas[v], v is graph.node))
    return steps
