"""Checking a hand derivation: ``check_formula``, its ``Verdict`` and the diagnosis.

``check_formula(root, node, formula)`` reads a hand-written formula for d(root)/d(node)
(``formula.parse_formula``, never ``eval``), evaluates it on the graph's values, compares it with
the gradient (computed as ``backward()`` does, by ``paths``), and when they disagree says which
paths the formula accounts for and which it misses (``_diagnose``: each term of the formula is
matched with the path it follows, ``_match_term``), which factors are off (``OffFactor``), which
other node's gradient it equals, and which of its names no path uses. No ``.grad`` is changed.
The verdict's words are in the learner's language (``lang=``, see ``i18n``); its numbers are not.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterable, Iterator, Mapping, Sequence, TypeVar

from .display import markdown_escape, one_line
from .engine import Value
from .formatting import format_number
from .formula import FormulaError, parse_formula
from .i18n import resolve_language, translate, translate_plural
from .paths import NamedGraph, ChainPath, resolve_node
from .symbolic import EvaluationError, Sym, is_one as _is_one, product_text as _product_text, rename as _rename, wrap_text as _wrap_text

__all__ = ["check_formula", "Verdict", "OffFactor"]

_T = TypeVar("_T")


def _num(x: float, digits: int = 6) -> str:
    return format_number(x, "derivation", digits)


@dataclass(frozen=True)
class OffFactor:
    """Where a formula's factors and a path's factors disagree."""

    path: int  # the path's index
    formula_text: str
    formula_value: float
    path_text: str  # the chain, e.g. ∂Out h1/∂net h1
    path_symbolic: str
    path_value: float
    note: str = ""

    def text(self, lang: str | None = None) -> str:
        note = f" ({self.note})" if self.note else ""
        if not self.formula_text:
            return translate("the formula lacks path {path}'s {chain} = {symbolic} = {value}{note}", lang,
                             path=self.path, chain=self.path_text, symbolic=self.path_symbolic,
                             value=_num(self.path_value), note=note)
        if not self.path_text:
            return translate("the formula has an extra factor {factor} = {value}{note}", lang,
                             factor=self.formula_text, value=_num(self.formula_value), note=note)
        return translate("the formula has {factor} = {value} where path {path} has {chain} = {symbolic} = "
                         "{path_value}{note}", lang, factor=self.formula_text, value=_num(self.formula_value),
                         path=self.path, chain=self.path_text, symbolic=self.path_symbolic,
                         path_value=_num(self.path_value), note=note)


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


def _close(a: float, b: float, rel: float, floor: float = 0.0) -> bool:
    if a == b:
        return True
    if not (math.isfinite(a) and math.isfinite(b)):
        return False
    return abs(a - b) <= max(rel * max(abs(a), abs(b)), floor)


@dataclass
class _FFactor:
    text: str
    value: float
    position: int


class _TooLarge(Exception):
    """The formula needs more work than ``_Budget`` allows to be matched term by term."""


class _Budget:
    """A bound on the diagnosis's work: terms made by multiplying out, factor combinations tried."""

    def __init__(self, limit: int):
        self.left = limit

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise _TooLarge


MAX_DIAGNOSIS_WORK = 50_000
"""Steps of term expansion and factor matching the diagnosis may take; past it, only the value is compared."""
MAX_TERM_FACTORS = 40
"""A term with more factors than this is not matched factor by factor."""


def _formula_terms(sym: Sym, budget: _Budget) -> list[tuple[float, list[Sym]]]:
    """The formula as a sum of products: (coefficient, [formula factors as Syms]).

    Sums at the top are split into terms; a sum inside a product is multiplied out only when
    that exposes products (``(a·b + c·d)·e``), else it stays one factor (``(1 − A3)``).
    Walked with an explicit stack; ``budget`` bounds the terms made.
    """
    done: dict[tuple[int, bool], list[tuple[float, list[Sym]]]] = {}
    stack: list[tuple[Sym, bool, bool]] = [(sym, True, False)]  # (node, at the top, operands done)
    while stack:
        s, top, ready = stack.pop()
        if (id(s), top) in done:
            continue
        operands = _term_operands(s, top)
        if operands and not ready:
            stack.append((s, top, True))
            stack.extend((a, t, False) for a, t in operands)
            continue
        result = _terms_step(s, top, [done[(id(a), t)] for a, t in operands])
        budget.spend(len(result) + sum(len(f) for _, f in result))
        done[(id(s), top)] = result
    return done[(id(sym), True)]


def _term_operands(s: Sym, top: bool) -> list[tuple[Sym, bool]]:
    if s.kind in ("add", "sub"):
        return [(s.args[0], top), (s.args[1], top)]
    if s.kind == "neg":
        return [(s.args[0], top)]
    if s.kind == "mul":
        return [(s.args[0], False), (s.args[1], False)]
    if s.kind == "div":
        return [(s.args[0], False)]
    return []


def _terms_step(s: Sym, top: bool, parts: list[list[tuple[float, list[Sym]]]]) -> list[tuple[float, list[Sym]]]:
    kind = s.kind
    if kind == "num":
        return [(s._float(), [])]
    if kind in ("add", "sub"):
        left, right = parts
        if kind == "sub":
            right = [(-c, f) for c, f in right]
        expanded = left + right
        if top or any(sum(1 for x in f if x.kind != "num") >= 2 for _, f in expanded):
            return expanded
        return [(1.0, [s])]
    if kind == "neg":
        return [(-c, f) for c, f in parts[0]]
    if kind == "mul":
        a, b = parts
        if len(a) * len(b) > MAX_DIAGNOSIS_WORK:
            raise _TooLarge
        return [(ca * cb, fa + fb) for ca, fa in a for cb, fb in b]
    if kind == "div":
        den = s.args[1]
        if den.kind == "num" and den._float() != 0:
            return [(c / den._float(), f) for c, f in parts[0]]
        recips = [Sym("div", (Sym.num(1), x)) for x in _product_factors(den)]
        return [(c, f + recips) for c, f in parts[0]]
    return [(1.0, [s])]


def _product_factors(sym: Sym) -> list[Sym]:
    """The factors of a product, left to right (a non-product is its own one factor)."""
    out: list[Sym] = []
    stack = [sym]
    while stack:
        s = stack.pop()
        if s.kind == "mul":
            stack.extend((s.args[1], s.args[0]))
        else:
            out.append(s)
    return out


def _factor_text(sym: Sym) -> str:
    if sym.kind == "div" and _is_one(sym.args[0]):
        return "1/" + _wrap_text(sym.args[1]) if sym.args[1].kind in ("mul", "div", "pow") else f"1/{_wrap_text(sym.args[1])}"
    return _wrap_text(sym)


def _charged(items: Iterable[_T], budget: _Budget) -> Iterator[_T]:
    """``items``, spending one unit of ``budget`` on each."""
    for item in items:
        budget.spend(1)
        yield item


def _match_term(term: list[_FFactor], path: ChainPath, rel: float,
                budget: _Budget) -> tuple[int, list[tuple[list[_FFactor], list[int]]]]:
    """Align a product's factors with a path's factors.

    Returns (score, off): score counts the path factors the formula accounts for; off lists
    (formula factors, path factor indices) groups that disagree.
    """
    fac = list(term)
    if len(fac) > MAX_TERM_FACTORS:
        raise _TooLarge
    pf = [(i, f) for i, f in enumerate(path.factors) if not _is_one(f.symbol)]
    used_f: set[int] = set()
    used_p: set[int] = set()
    anchors: list[tuple[int, int]] = []  # (formula position, path position)
    # 0. reciprocal pairs cancel: y(1 − y)/(y(1 − y))
    for a, b in _charged(combinations(range(len(fac)), 2), budget):
        if (a not in used_f and b not in used_f and (fac[a].text.startswith("1/") or fac[b].text.startswith("1/"))
                and _close(fac[a].value * fac[b].value, 1.0, rel)):
            used_f |= {a, b}
    # 1. one formula factor = one path factor: the same text first, then the same value
    for same in (lambda x, f: x.text == _wrap_text(f.symbol), lambda x, f: _close(x.value, f.value, rel)):
        for i, f in pf:
            if i in used_p:
                continue
            budget.spend(len(fac))
            for k, x in enumerate(fac):
                if k not in used_f and same(x, f):
                    used_f.add(k)
                    used_p.add(i)
                    anchors.append((x.position, i))
                    break
    # 2. several formula factors = one path factor: A3·(1 − A3) for A3(1 − A3)
    for i, f in pf:
        if i in used_p:
            continue
        free = [k for k in range(len(fac)) if k not in used_f]
        found = next((g for size in (2, 3) for g in _charged(combinations(free, size), budget)
                      if _close(math.prod(fac[k].value for k in g), f.value, rel)), None)
        if found:
            used_f |= set(found)
            used_p.add(i)
            anchors.append((fac[found[0]].position, i))
    # 3. one formula factor = a run of path factors: (y − t) for ∂Loss/∂y·∂y/∂net o1
    for k, x in enumerate(fac):
        if k in used_f:
            continue
        free = [i for i, _ in pf if i not in used_p]
        budget.spend(len(free) ** 2)
        for start in range(len(free)):
            for end in range(start + 2, len(free) + 1):
                run = free[start:end]
                if _close(math.prod(path.factors[i].value for i in run), x.value, rel):
                    used_f.add(k)
                    used_p |= set(run)
                    anchors.append((x.position, run[0]))
                    break
            if k in used_f:
                break
    left_f = [k for k in range(len(fac)) if k not in used_f]
    left_p = [i for i, _ in pf if i not in used_p]
    score = len(used_p)
    if not left_f and not left_p:
        return score, []
    if left_f and left_p and _close(math.prod(fac[k].value for k in left_f),
                                    math.prod(path.factors[i].value for i in left_p), rel):
        return score + len(left_p), []  # the same product, grouped differently
    # Pair the leftovers gap by gap between matched factors, when both orders agree.
    anchors.sort()
    groups: list[tuple[list[int], list[int]]] = []
    if all(anchors[j][1] < anchors[j + 1][1] for j in range(len(anchors) - 1)):
        bounds = [(-1, -1)] + anchors + [(10**9, 10**9)]
        for (f0, p0), (f1, p1) in zip(bounds, bounds[1:]):
            gf = [k for k in left_f if f0 < fac[k].position < f1]
            gp = [i for i in left_p if p0 < i < p1]
            if gf or gp:
                groups.append((gf, gp))
        if any(not gf or not gp for gf, gp in groups):
            groups = []
    if not groups:
        groups = [(left_f, left_p)]
    return score, [([fac[k] for k in gf], gp) for gf, gp in groups]


def check_formula(
    root: Value,
    node: Value | str,
    formula: str,
    *,
    aliases: Mapping[str, str] | None = None,
    rel_tol: float = 1e-9,
    max_paths: int = 256,
    lang: str | None = None,
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
    by_name: dict[str, list[Value]] = {}
    for n in order:
        if n.name is not None:
            by_name.setdefault(n.name, []).append(n)
    if "" in by_name:
        raise ValueError(f"check_formula: {len(by_name[''])} node(s) of the graph have the empty name '', which a "
                         f"formula cannot write; name them or leave them unnamed (None), e.g. {by_name[''][0]!r}")
    for alias, target in (aliases or {}).items():
        if target not in by_name:
            raise ValueError(f"check_formula: alias {alias!r} points to {target!r}, which names no node of the graph")
    parsed = parse_formula(formula, by_name, aliases)
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
        values[name] = graph.grads.get(nodes[0], 0.0) if inner is not None else nodes[0].data
    try:
        formula_value = parsed.evaluate(values)
    except EvaluationError as error:
        step = error.node.text()
        step = step if len(step) <= 60 else step[:59] + "…"
        raise FormulaError(f"the formula cannot be evaluated on the graph's values: {step} has no real value "
                           f"({error})", formula, error.node.position) from None

    gradient = graph.grads.get(node, 0.0)
    floor = rel_tol * graph.bounds.get(node, 0.0) if node in graph.grads else 0.0
    ok = _close(formula_value, gradient, rel_tol, floor)
    lhs = f"∂{graph.label(root)}/∂{graph.label(node)}"
    nodes = graph.on_the_way()
    count = graph.count_paths(nodes).get(node, 0) if nodes else 0
    paths = graph.paths() if count <= max_paths else None

    written, value_text, gradient_text = formula.strip(), _num(formula_value, 10), _num(gradient, 10)
    if ok:
        if count:
            text = translate_plural("OK: {formula} = {value} equals {lhs} = {gradient} (from backward; its one path).",
                                    "OK: {formula} = {value} equals {lhs} = {gradient} (from backward; all {count} paths).",
                                    count, lang, formula=written, value=value_text, lhs=lhs, gradient=gradient_text)
        else:
            text = translate("OK: {formula} = {value} equals {lhs} = {gradient} (from backward; no path leads to it).",
                             lang, formula=written, value=value_text, lhs=lhs, gradient=gradient_text)
        all_paths = tuple(paths or ())
        return Verdict(True, formula, parsed, formula_value, gradient, text, tuple(paths) if paths else None,
                       all_paths, ())

    lines = [translate("WRONG: {formula} = {value}, but {lhs} = {gradient} (from backward).", lang,
                       formula=written, value=value_text, lhs=lhs, gradient=gradient_text)]
    same_as = tuple(
        graph.label(n) for n in sorted(graph.grads, key=lambda v: (not v.is_leaf, graph.index[v]))
        if n is not node and n.name is not None and n is not root and formula_value != 0
        and _close(formula_value, graph.grads[n], rel_tol, rel_tol * graph.bounds.get(n, 0.0))
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
        matched, missing, off, analysis = _diagnose(parsed, values, paths, rel_tol, floor, graph, back, lang)
        lines.extend(analysis)
    unrelated = _unrelated_names(parsed, paths or [], graph, by_name, aliases)
    if unrelated:
        lines.append(translate("The formula uses {names}, which no path from {root} to {node} passes through or has "
                               "in its factors.", lang, names=", ".join(unrelated), root=graph.label(root),
                               node=graph.label(node)))
    return Verdict(False, formula, parsed, formula_value, gradient, "\n".join(lines), tuple(paths) if paths else None,
                   tuple(matched), tuple(missing), tuple(off), same_as, tuple(unrelated))


def _describe(p: ChainPath, lang: str | None) -> str:
    return translate("path {index} ({route}) = {value}", lang, index=p.index, route=p.route(), value=_num(p.value))


def _diagnose(parsed: Sym, values: Mapping[str, float], paths: list[ChainPath], rel: float, floor: float, graph: NamedGraph,
              back: Mapping[str, str], lang: str | None) -> tuple[list[ChainPath], list[ChainPath], list[OffFactor], list[str]]:
    def as_written(name: str) -> str:  # show aliases as the formula wrote them
        if name.startswith("δ(") and name.endswith(")"):
            return f"δ({back.get(name[2:-1], name[2:-1])})"
        return back.get(name, name)

    budget = _Budget(MAX_DIAGNOSIS_WORK)
    try:
        return _diagnose_within(parsed, values, paths, rel, floor, graph, as_written, budget, lang)
    except _TooLarge:
        return [], [], [], [translate("The formula is too large to match term by term against the paths; only its value "
                                      "was compared with the gradient.", lang)]


def _value_or_nan(sym: Sym, values: Mapping[str, float]) -> float:
    """A factor's value for the diagnosis; nan where it has none (the formula's own value is checked first)."""
    try:
        return sym.evaluate(values)
    except EvaluationError:
        return math.nan


def _diagnose_within(parsed: Sym, values: Mapping[str, float], paths: list[ChainPath], rel: float, floor: float,
                     graph: NamedGraph, as_written: Callable[[str], str],
                     budget: _Budget, lang: str | None) -> tuple[list[ChainPath], list[ChainPath], list[OffFactor], list[str]]:
    lines: list[str] = []
    n = len(paths)
    counts = graph.count_paths(graph.on_the_way())
    terms = []
    for coef, syms in _formula_terms(parsed, budget):
        factors = [_FFactor(_factor_text(_rename(s, as_written)), _value_or_nan(s, values), pos)
                   for pos, s in enumerate(syms, start=1)]
        if coef != 1:
            factors.insert(0, _FFactor(_num(coef), coef, 0))
        terms.append(factors)
    # Assign each term of the formula to the path it follows (most factors in common).
    scored = []
    for t, term in enumerate(terms):
        value = math.prod(f.value for f in term)
        for p in paths:
            score, off = _match_term(term, p, rel, budget)
            exact = _close(value, p.value, rel, floor)
            if score or exact:
                scored.append((exact, score, -t, -p.index, t, p, off))
    scored.sort(key=lambda s: s[:4], reverse=True)
    term_path: dict[int, tuple[ChainPath, bool, list[tuple[list[_FFactor], list[int]]]]] = {}
    taken: set[int] = set()
    for exact, score, _, _, t, p, off in scored:
        if t not in term_path and p.index not in taken:
            term_path[t] = (p, exact, off)
            taken.add(p.index)
    all_exact = len(term_path) == len(terms) and all(exact for _, exact, _ in term_path.values())
    if not all_exact and n <= 14:
        target = sum(math.prod(f.value for f in term) for term in terms)
        for size in range(1, n):
            hit = next((c for c in _charged(combinations(paths, size), budget) if _close(sum(p.value for p in c), target, rel, floor)), None)
            if hit:
                matched = list(hit)
                missing = [p for p in paths if p not in hit]
                lines.append(translate("{node} reaches {root} along {count} paths; the formula equals the sum over "
                                       "{matched} of them:", lang, node=graph.label(graph.node),
                                       root=graph.label(graph.root), count=n, matched=len(matched)))
                lines.extend("  " + translate("accounts for {path}", lang, path=_describe(p, lang)) for p in matched)
                lines.extend("  " + translate("misses {path}", lang, path=_describe(p, lang)) for p in missing)
                return matched, missing, [], lines
    matched = sorted((p for p, _, _ in term_path.values()), key=lambda p: p.index)
    missing = [p for p in paths if p.index not in taken]
    off_all: list[OffFactor] = []
    if n > 1 or len(terms) > 1:
        lines.append(_follows(len(terms), len(matched), n, lang, node=graph.label(graph.node),
                              root=graph.label(graph.root)))
        lines.extend("  " + translate("accounts for {path}", lang, path=_describe(p, lang)) for p in matched)
        lines.extend("  " + translate("misses {path}", lang, path=_describe(p, lang)) for p in missing)
        if all_exact:
            lines.append(translate_plural("Each term equals its path exactly: add the missing path.",
                                          "Each term equals its path exactly: add the missing paths.", len(missing), lang))
    unassigned = [t for t in range(len(terms)) if t not in term_path]
    for t in unassigned:
        text = "·".join(f.text for f in terms[t]) or "1"
        lines.append("  " + translate("the term {term} = {value} follows none of the paths", lang, term=text,
                                      value=_num(math.prod(f.value for f in terms[t]))))
    for t in sorted(term_path):
        p, exact, groups = term_path[t]
        if exact:
            continue
        if not groups:
            lines.append("  " + translate("the term for path {path} has the right factors but a different value", lang,
                                          path=p.index))
            continue
        lines.append(translate_plural("On path {path}, a factor is off:", "On path {path}, factors are off:", len(groups),
                                      lang, path=p.index))
        for fs, idx in groups:
            ftext = "·".join(f.text for f in fs)
            fval = math.prod(f.value for f in fs)
            chain = " · ".join(p.factors[i].chain() for i in idx)
            sym = _product_text([p.factors[i].symbol for i in idx]) if idx else "1"
            pval = math.prod(p.factors[i].value for i in idx)
            notes = []
            if fs and idx and _close(fval, -pval, rel):
                notes.append(translate("opposite sign", lang))
            if idx and idx == list(range(idx[-1] + 1)) and idx[-1] + 1 < len(p.factors):
                below = p.factors[idx[-1]].lower
                if counts.get(below, 0) == 1:
                    notes.append(translate("together they are δ({node})", lang, node=p.factors[idx[-1]].lower_label))
            item = OffFactor(p.index, ftext, fval, chain, sym, pval, "; ".join(notes))
            off_all.append(item)
            lines.append("  " + item.text(lang))
    return matched, missing, off_all, lines


def _follows(terms: int, matched: int, count: int, lang: str | None, **names: str) -> str:
    """'N reaches R along 3 paths; the formula has 1 term and follows only 1 of the paths:', as one template."""
    values = {"terms": terms, "matched": matched, **names}
    if terms == 1 and matched == 1:
        return translate_plural(
            "{node} reaches {root} along {count} path; the formula has {terms} term and follows only {matched} of the paths:",
            "{node} reaches {root} along {count} paths; the formula has {terms} term and follows only {matched} of the paths:",
            count, lang, **values)
    if terms == 1:
        return translate_plural(
            "{node} reaches {root} along {count} path; the formula has {terms} term and follows {matched} of the paths:",
            "{node} reaches {root} along {count} paths; the formula has {terms} term and follows {matched} of the paths:",
            count, lang, **values)
    if matched == 1:
        return translate_plural(
            "{node} reaches {root} along {count} path; the formula has {terms} terms and follows only {matched} of the paths:",
            "{node} reaches {root} along {count} paths; the formula has {terms} terms and follows only {matched} of the paths:",
            count, lang, **values)
    return translate_plural(
        "{node} reaches {root} along {count} path; the formula has {terms} terms and follows {matched} of the paths:",
        "{node} reaches {root} along {count} paths; the formula has {terms} terms and follows {matched} of the paths:",
        count, lang, **values)


def _unrelated_names(parsed: Sym, paths: Sequence[ChainPath], graph: NamedGraph, by_name: Mapping[str, list[Value]],
                     aliases: Mapping[str, str] | None) -> list[str]:
    if not paths:
        return []
    allowed: set[str] = set()
    for p in paths:
        allowed.update(p.nodes)
        for f in p.factors:
            allowed |= f.symbol.names()
    back = {v: k for k, v in (aliases or {}).items()}
    out = []
    for name in sorted(parsed.names()):
        bare = name[2:-1] if name.startswith("δ(") and name.endswith(")") else name
        if bare not in allowed:
            out.append(back.get(name, name) if name == bare else f"δ({back.get(bare, bare)})")
    return out
