"""Checking a hand derivation: ``check_formula``, its ``Verdict`` and the diagnosis.

``check_formula(root, node, formula)`` reads a hand-written formula for d(root)/d(node)
(``formula.parse_formula``, never ``eval``), evaluates it on the graph's values, compares it with
the gradient (computed as ``backward()`` does, by ``paths``), and when they disagree says which
paths the formula accounts for and which it misses (``matching.diagnose``: each term of the formula
is matched with the path it follows), which factors are off (``OffFactor``), which
other node's gradient it equals, and which of its names no path uses. No ``.grad`` is changed.
The verdict's words are in the learner's language (``lang=``, see ``i18n``); its numbers are not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Iterable, Mapping, Sequence

from .display import markdown_escape, one_line
from .engine import Value
from .formula import FormulaError, parse_formula
from .i18n import resolve_language, translate, translate_plural
from .matching import OffFactor, close, diagnose, num_text as _num
from .paths import ChainPath, NamedGraph, resolve_node
from .traversal import topological_order
from .typed import MIN_DIGITS, fits, typed_constant
from .symbolic import EvaluationError, Sym

__all__ = ["check_formula", "Verdict", "OffFactor"]

@dataclass
class Verdict:
    """The checker's answer: ``ok``, both numbers, the paths accounted for and missed, and why."""

    ok: bool
    formula: str
    parsed: Sym
    formula_value: float
    gradient: float
    explanation: str
    paths: tuple[ChainPath, ...] | None
    matched_paths: tuple[ChainPath, ...]
    missing_paths: tuple[ChainPath, ...]
    off_factors: tuple[OffFactor, ...] = ()
    same_as: tuple[str, ...] = ()  # other nodes whose gradient the formula equals
    unrelated_names: tuple[str, ...] = ()  # names in the formula that no path's factors use
    restates: tuple[str, ...] = ()  # δ(v) of the gradient asked for (or of one the exercise hides): no derivation
    constant: bool = False  # a number without names: graded by rounding, never by paths

    @property
    def off_edges(self) -> tuple[tuple[int, tuple[tuple[str, str], ...]], ...]:
        """Per path (its index), the edges (upper, lower) whose factor the formula has wrong or lacks."""
        found: dict[int, list[tuple[str, str]]] = {}
        for f in self.off_factors:
            found.setdefault(f.path, []).extend(e for e in f.edges if e not in found.get(f.path, []))
        return tuple((path, tuple(edges)) for path, edges in sorted(found.items()))

    def text(self) -> str:
        return self.explanation

    __str__ = text

    def __repr__(self) -> str:
        verdict = "OK" if self.ok else "WRONG"
        return one_line(f"Verdict({verdict}: {one_line(self.formula, 60)!r} = {self.formula_value!r}, "
                        f"gradient {self.gradient!r})")

    def _repr_markdown_(self) -> str:
        """Jupyter: **OK** or **WRONG** (in the verdict's language) in bold, then the explanation line by line."""
        first, *rest = self.explanation.splitlines() or [""]
        verdict, _, first = first.partition(": ")  # the text starts with its verdict: "OK: ", "정답: "
        lines = [f"**{markdown_escape(verdict)}**: {markdown_escape(first)}"]
        lines += [("&nbsp;" * 4 if line.startswith("  ") else "") + markdown_escape(line.strip()) for line in rest]
        return "  \n".join(lines)

    def __bool__(self) -> bool:
        return self.ok


def check_formula(
    root: Value,
    node: Value | str,
    formula: str,
    *,
    aliases: Mapping[str, str] | None = None,
    rel_tol: float = 1e-9,
    max_paths: int = 256,
    lang: str | None = None,
    hidden: Iterable[Value] = (),
    delta_root: Value | None = None,
) -> Verdict:
    """Check a hand-derived formula for d(root)/d(node) against the gradient.

    The formula uses node names of root's graph (names with spaces are matched whole, the
    longest known name first), numbers, ``+ - * / ^ **`` (also ``− × · ÷``), parentheses,
    implicit multiplication (``A3(1-A3)``, ``2x``), the functions ``sigma``/``σ``/``sigmoid``,
    ``exp``, ``log``/``ln``, ``tanh``, ``relu``, and ``δ(v)``/``delta(v)`` for the gradient
    ∂root/∂v of a node v. ``aliases`` maps extra names to node names, e.g.
    ``{'neth1': 'net h1'}``. Anything else raises ``FormulaError`` (it is parsed, never
    evaluated as Python). The formula is evaluated on the graph's values and compared with
    the gradient to ``rel_tol``; the verdict says which paths it accounts for and which it
    misses, and which factors are off. No ``.grad`` is changed. ``lang`` ('en', 'ko'; default:
    ``AUTODIFF_LANG``, else the locale) is the language of the verdict's text.

    δ(node) restates the gradient asked for, and so does δ(v) of a node in ``hidden`` (the
    gradients an exercise hides): such a formula is no derivation (``restates``). ``delta_root``:
    the root whose gradients δ(v) means (default ``root``; a local-derivative exercise on the edge
    u → v passes the loss: δ is ∂loss/∂v everywhere). A formula without names is a number: it
    is right when the gradient rounded to its digits is that number, with at least 3 significant
    digits (``typed.fits``), and it gets no path diagnosis (``constant``). When the formula's value
    or the gradient is not finite, the verdict comes from the paths: every path matched, no term extra.
    """
    if not isinstance(rel_tol, (int, float)) or isinstance(rel_tol, bool):
        raise TypeError(f"check_formula: rel_tol must be a number, got {type(rel_tol).__name__} {rel_tol!r}")
    if not (math.isfinite(rel_tol) and rel_tol >= 0):
        raise ValueError(f"check_formula: rel_tol must be a finite number >= 0, got {rel_tol!r}")
    if not isinstance(max_paths, int) or isinstance(max_paths, bool):
        raise TypeError(f"check_formula: max_paths must be an int, got {type(max_paths).__name__} {max_paths!r}")
    if max_paths < 1:
        raise ValueError(f"check_formula: max_paths must be at least 1, got {max_paths!r}")
    if lang is not None:
        lang = resolve_language(lang)  # an unknown language is refused before any work
    order, node = resolve_node(root, node, "check_formula")
    if aliases is not None:
        if not isinstance(aliases, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
            raise TypeError("check_formula: aliases must map names (str) to node names (str)")
        if "" in aliases:
            raise ValueError(f"check_formula: an alias is the empty string (for {aliases['']!r}), which a formula "
                             f"cannot write")
    graph = NamedGraph(root, node, order)
    by_name = graph.labels.by_label()  # names and automatic names (q₁), as the explainer prints them
    if "" in by_name:
        raise ValueError(f"check_formula: {len(by_name[''])} node(s) of the graph have the empty name '', which a "
                         f"formula cannot write; name them or leave them unnamed (None), e.g. {by_name[''][0]!r}")
    for alias, target in (aliases or {}).items():
        if target not in by_name:
            raise ValueError(f"check_formula: alias {alias!r} points to {target!r}, which names no node of the graph")
    readable = {**graph.labels.spellings(), **(aliases or {})}  # q_1, q1 read as q₁
    notes: list[str] = []  # how ambiguous notation was read (e^x)
    parsed = parse_formula(formula, by_name, readable, notes=notes)
    readings = "".join("\n" + translate(note, lang) for note in notes)
    deltas = graph.grads if delta_root is None or delta_root is root else \
        NamedGraph(delta_root, delta_root, topological_order(delta_root)).grads
    values: dict[str, float] = {}
    for var in (s for s in parsed.nodes() if s.kind == "var"):
        name = str(var.value)
        if name in values:
            continue
        inner = name[2:-1] if name.startswith("δ(") and name.endswith(")") and name[2:-1] in by_name else None
        nodes = by_name[inner if inner is not None else name]
        if len(nodes) > 1:
            raise FormulaError(f"the name {name!r} labels {len(nodes)} different nodes of the graph; rename them",
                               formula, var.position, name)
        values[name] = deltas.get(nodes[0], 0.0) if inner is not None else nodes[0].data
    try:
        formula_value = parsed.evaluate(values)
    except EvaluationError as error:
        step = error.node.text()
        step = step if len(step) <= 60 else step[:59] + "…"
        raise FormulaError(f"the formula cannot be evaluated on the graph's values: {step} has no real value "
                           f"({error})", formula, error.node.position) from None

    gradient = graph.grads.get(node, 0.0)
    floor = rel_tol * graph.bounds.get(node, 0.0) if node in graph.grads else 0.0
    ok = close(formula_value, gradient, rel_tol, floor)
    lhs = f"∂{graph.label(root)}/∂{graph.label(node)}"
    written, value_text, gradient_text = formula.strip(), _num(formula_value, 10), _num(gradient, 10)
    asked = (node, *hidden) if delta_root is None or delta_root is root else tuple(hidden)
    special = _restated_or_constant(parsed, formula, asked, graph, by_name, aliases, lhs, gradient, lang)
    restated: tuple[str, ...] = ()
    if special is not None:
        right, text, restated = special
        # A formula that only restates the gradient is no derivation, however right its value; one that
        # is wrong anyway keeps its path diagnosis (the restated δ is in ``restates``).
        if not restated or ok:
            return Verdict(right, formula, parsed, formula_value, gradient, text, None, (), (), restates=restated,
                           constant=not restated)
    nodes = graph.on_the_way()
    count = graph.count_paths(nodes).get(node, 0) if nodes else 0
    paths = graph.paths() if count <= max_paths else None
    finite = math.isfinite(formula_value) and math.isfinite(gradient)
    if not finite and paths:  # inf or nan on either side: the paths decide, not the values
        ok = diagnose(parsed, values, paths, rel_tol, floor, graph, {}, lang)[4]
    if ok:
        if count:
            text = translate_plural("OK: {formula} = {value} equals {lhs} = {gradient} (from backward; its one path).",
                                    "OK: {formula} = {value} equals {lhs} = {gradient} (from backward; all {count} paths).",
                                    count, lang, formula=written, value=value_text, lhs=lhs, gradient=gradient_text)
        else:
            text = translate("OK: {formula} = {value} equals {lhs} = {gradient} (from backward; no path leads to it).",
                             lang, formula=written, value=value_text, lhs=lhs, gradient=gradient_text)
        all_paths = tuple(paths or ())
        text += readings
        return Verdict(True, formula, parsed, formula_value, gradient, text, tuple(paths) if paths else None,
                       all_paths, ())

    lines = [translate("WRONG: {formula} = {value}, but {lhs} = {gradient} (from backward).", lang,
                       formula=written, value=value_text, lhs=lhs, gradient=gradient_text) + readings]
    same_as = tuple(
        graph.label(n) for n in sorted(graph.grads, key=lambda v: (not v.is_leaf, graph.index[v]))
        if n is not node and graph.labels(n) is not None and n is not root and formula_value != 0
        and close(formula_value, graph.grads[n], rel_tol, rel_tol * graph.bounds.get(n, 0.0))
    )
    if same_as:
        alternatives = same_as[0]
        for name in same_as[1:]:
            alternatives = translate("{first} or {second}", lang, first=alternatives, second=name)
        lines.append(translate("It equals the gradient of {names}: a derivation of {alternatives}, labelled as one of "
                               "{node}?", lang, names=", ".join(f"{name} (∂{graph.label(root)}/∂{name})" for name in same_as),
                               alternatives=alternatives, node=graph.label(node)))
    matched: list[ChainPath] = []
    missing: list[ChainPath] = []
    off: list[OffFactor] = []
    if paths is None:
        lines.append(translate("{node} reaches {root} along {count} paths, too many to compare one by one "
                               "(max_paths={max_paths}).", lang, node=graph.label(node), root=graph.label(root),
                               count=count, max_paths=max_paths))
    elif not paths:
        lines.append(translate("{root} does not depend on {node}: the gradient is 0.", lang,
                               root=graph.label(root), node=graph.label(node)))
    else:
        back = {v: k for k, v in (aliases or {}).items()}
        flipped = close(-formula_value, gradient, rel_tol, floor) and formula_value != 0 and \
            diagnose(Sym("neg", (parsed,)), values, paths, rel_tol, floor, graph, back, lang)[4]
        if flipped:  # one sign mistake, not missed paths: with the opposite sign every term is its own path
            matched = list(paths)
            lines.append(translate_plural(
                "The sign is flipped: with the opposite sign, the formula is exactly its one path.",
                "The sign is flipped: with the opposite sign, the formula is exactly the sum over all {count} paths.",
                len(paths), lang, count=len(paths)))
        else:
            matched, missing, off, analysis, _ = diagnose(parsed, values, paths, rel_tol, floor, graph, back, lang)
            lines.extend(analysis)
    unrelated = _unrelated_names(parsed, paths or [], graph, by_name, aliases)
    if unrelated:
        lines.append(translate("The formula uses {names}, which no path from {root} to {node} passes through or has "
                               "in its factors.", lang, names=", ".join(unrelated), root=graph.label(root),
                               node=graph.label(node)))
    return Verdict(False, formula, parsed, formula_value, gradient, "\n".join(lines), tuple(paths) if paths else None,
                   tuple(matched), tuple(missing), tuple(off), same_as, tuple(unrelated), restated)


def _restated_or_constant(parsed: Sym, formula: str, asked_for: Iterable[Value], graph: NamedGraph,
                          by_name: Mapping[str, list[Value]], aliases: Mapping[str, str] | None, lhs: str,
                          gradient: float, lang: str | None) -> tuple[bool, str, tuple[str, ...]] | None:
    """The verdict on a formula that is no derivation: one that restates a gradient it should derive
    (ok False, its text, the δs), or a number (ok, its text by the rounding rule, ()); None otherwise."""
    asked = set(asked_for)
    restated = []
    for name in sorted(parsed.names()):
        if name.startswith("δ(") and name.endswith(")"):
            inner = (aliases or {}).get(name[2:-1], name[2:-1])
            if any(n in asked for n in by_name.get(inner, ())):
                restated.append(name)
    if restated:
        return False, translate("NOT A DERIVATION: {formula} uses {deltas}, the gradient it should derive ({lhs} = "
                                "{gradient}): write it with the factors of the paths instead.", lang,
                                formula=formula.strip(), deltas=", ".join(restated), lhs=lhs,
                                gradient=_num(gradient, 10)), tuple(restated)
    typed = typed_constant(parsed, formula)
    if typed is None:
        return None
    values: dict[str, object] = {"formula": formula.strip(), "lhs": lhs, "gradient": _num(gradient, 10)}
    exact = math.isclose(typed.value, gradient, rel_tol=1e-12, abs_tol=1e-300)
    if fits(typed, gradient) and (exact or typed.digits >= MIN_DIGITS):
        return True, translate("OK: the number {formula} is {lhs} = {gradient} rounded to the digits you typed.", lang,
                               **values), ()
    if fits(typed, gradient):
        return False, translate("NOT PRECISE ENOUGH: the number {formula} agrees with {lhs} = {gradient} to the digits "
                                "you typed; give at least {digits} significant digits.", lang, digits=MIN_DIGITS, **values), ()
    return False, translate("WRONG: the number {formula} is not {lhs} = {gradient} (from backward). A number says "
                            "nothing about the paths: write a formula in the node names to see which ones it "
                            "follows.", lang, **values), ()


def _unrelated_names(parsed: Sym, paths: Sequence[ChainPath], graph: NamedGraph, by_name: Mapping[str, list[Value]],
                     aliases: Mapping[str, str] | None) -> list[str]:
    if not paths:
        return []
    allowed: set[str] = set()
    unnamed: list[Value] = []
    for p in paths:
        allowed.update(p.nodes)
        for f in p.factors:
            allowed |= f.symbol.names()
            unnamed += [n for n in (f.upper, f.lower) if n.name is None]
    # A node written by an automatic label (q₂) stands for its expression (q₁ − t): its names are not unrelated.
    seen = set(unnamed)
    while unnamed:
        for parent in unnamed.pop().parents:
            label = graph.labels(parent)
            if label is not None:
                allowed.add(label)
            if parent.name is None and parent not in seen:
                seen.add(parent)
                unnamed.append(parent)
    back = {v: k for k, v in (aliases or {}).items()}
    out = []
    for name in sorted(parsed.names()):
        bare = name[2:-1] if name.startswith("δ(") and name.endswith(")") else name
        if bare not in allowed:
            out.append(back.get(name, name) if name == bare else f"δ({back.get(bare, bare)})")
    return out
