"""Matching a hand formula with the paths: which term follows which path, which factors are off.

``diagnose(parsed, values, paths, ...)`` writes the formula as a sum of products (``_formula_terms``,
multiplied out where that exposes products, or kept as the learner grouped it), aligns each product
with the path it follows (``_match_term``: the same text, the same value, several factors for one,
one for a run), and says which paths the formula accounts for and which it misses, and which
factors are off (``OffFactor``, with the edges to mark). A factor that happens to equal ±1 is no
evidence. The work is bounded (``MAX_DIAGNOSIS_WORK``); nothing recurses on the formula.
``check_formula`` (``checking``) is its one user.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Callable, Iterable, Iterator, Mapping, TypeVar

from .formatting import format_number
from .i18n import translate, translate_plural
from .paths import ChainPath, Factor, NamedGraph
from .symbolic import EvaluationError, Sym
from .terms import is_one as _is_one, product_text as _product_text, rename as _rename, wrap_text as _wrap_text

__all__ = ["OffFactor", "diagnose", "close", "num_text", "Diagnosis"]

_T = TypeVar("_T")


def num_text(x: float, digits: int = 6) -> str:
    """A number as a verdict writes it (the derivation style)."""
    return format_number(x, "derivation", digits)


_num = num_text


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
    edges: tuple[tuple[str, str], ...] = ()  # (upper, lower) of each path factor it concerns: the edges to mark

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


def close(a: float, b: float, rel: float, floor: float = 0.0) -> bool:
    """Equal to ``rel`` (relative), or within ``floor``; infinities only when equal."""
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


def _formula_terms(sym: Sym, budget: _Budget, expand: bool = True) -> list[tuple[float, list[Sym]]]:
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
        result = _terms_step(s, top, [done[(id(a), t)] for a, t in operands], expand)
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


def _terms_step(s: Sym, top: bool, parts: list[list[tuple[float, list[Sym]]]],
                expand: bool = True) -> list[tuple[float, list[Sym]]]:
    kind = s.kind
    if kind == "num":
        return [(s._float(), [])]
    if kind in ("add", "sub"):
        left, right = parts
        if kind == "sub":
            right = [(-c, f) for c, f in right]
        expanded = left + right
        if top or expand and any(sum(1 for x in f if x.kind != "num") >= 2 for _, f in expanded):
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
                and close(fac[a].value * fac[b].value, 1.0, rel)):
            used_f |= {a, b}
    # 1. one formula factor = one path factor: the same text first, then the same value
    # (a value of ±1 is no evidence: a factor that happens to equal ±1 does not take a right factor's place)
    def same_text(x: _FFactor, f: Factor) -> bool:
        return x.text == _wrap_text(f.symbol)

    def same_value(x: _FFactor, f: Factor) -> bool:
        return abs(x.value) != 1 and close(x.value, f.value, rel)

    for same in (same_text, same_value):
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
                      if close(math.prod(fac[k].value for k in g), f.value, rel)
                      and not any(abs(fac[k].value) == 1 for k in g)), None)
        if found:
            used_f |= set(found)
            used_p.add(i)
            anchors.append((fac[found[0]].position, i))
    # 3. one formula factor = a run of path factors: (y − t) for ∂Loss/∂y·∂y/∂net o1
    for k, x in enumerate(fac):
        if k in used_f or abs(x.value) == 1:
            continue
        free = [i for i, _ in pf if i not in used_p]
        budget.spend(len(free) ** 2)
        for start in range(len(free)):
            for end in range(start + 2, len(free) + 1):
                run = free[start:end]
                if close(math.prod(path.factors[i].value for i in run), x.value, rel):
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
    if left_f and left_p and close(math.prod(fac[k].value for k in left_f),
                                    math.prod(path.factors[i].value for i in left_p), rel) \
            and not any(abs(fac[k].value) == 1 for k in left_f):
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


Diagnosis = tuple[list[ChainPath], list[ChainPath], list[OffFactor], list[str], bool]


def _describe(p: ChainPath, lang: str | None) -> str:
    return translate("path {index} ({route}) = {value}", lang, index=p.index, route=p.route(), value=_num(p.value))


def diagnose(parsed: Sym, values: Mapping[str, float], paths: list[ChainPath], rel: float, floor: float, graph: NamedGraph,
              back: Mapping[str, str], lang: str | None) -> Diagnosis:
    """(matched, missing, off factors, the lines that say so, whether every term is exactly its own path)."""
    def as_written(name: str) -> str:  # show aliases as the formula wrote them
        if name.startswith("δ(") and name.endswith(")"):
            return f"δ({back.get(name[2:-1], name[2:-1])})"
        return back.get(name, name)

    budget = _Budget(MAX_DIAGNOSIS_WORK)
    try:
        found = _diagnose_within(parsed, values, paths, rel, floor, graph, as_written, budget, lang)
        if found[4]:
            return found
        # A sum inside a product kept whole, as the learner grouped it ((w·x − t)·x for 2q₂·x): read
        # that way when it matches the paths strictly better (fewer paths missed, fewer factors off).
        kept = _diagnose_within(parsed, values, paths, rel, floor, graph, as_written, budget, lang, expand=False)
        if (kept[4], -len(kept[1]) - len(kept[2])) > (found[4], -len(found[1]) - len(found[2])):
            return kept
        return found
    except _TooLarge:
        return [], [], [], [translate("The formula is too large to match term by term against the paths; only its value "
                                      "was compared with the gradient.", lang)], False


def _value_or_nan(sym: Sym, values: Mapping[str, float]) -> float:
    """A factor's value for the diagnosis; nan where it has none (the formula's own value is checked first)."""
    try:
        return sym.evaluate(values)
    except EvaluationError:
        return math.nan


def _diagnose_within(parsed: Sym, values: Mapping[str, float], paths: list[ChainPath], rel: float, floor: float,
                     graph: NamedGraph, as_written: Callable[[str], str],
                     budget: _Budget, lang: str | None, expand: bool = True) -> Diagnosis:
    lines: list[str] = []
    n = len(paths)
    counts = graph.count_paths(graph.on_the_way())
    terms = []
    for coef, syms in _formula_terms(parsed, budget, expand):
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
            # an infinite term equals an infinite path only factor by factor, never by its value alone
            exact = close(value, p.value, rel, floor) and (math.isfinite(value) or not off)
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
            hit = next((c for c in _charged(combinations(paths, size), budget) if close(sum(p.value for p in c), target, rel, floor)), None)
            if hit:
                matched = list(hit)
                missing = [p for p in paths if p not in hit]
                lines.append(translate("{node} reaches {root} along {count} paths; the formula equals the sum over "
                                       "{matched} of them:", lang, node=graph.label(graph.node),
                                       root=graph.label(graph.root), count=n, matched=len(matched)))
                lines.extend("  " + translate("accounts for {path}", lang, path=_describe(p, lang)) for p in matched)
                lines.extend("  " + translate("misses {path}", lang, path=_describe(p, lang)) for p in missing)
                return matched, missing, [], lines, False
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
            if fs and idx and close(fval, -pval, rel):
                notes.append(translate("opposite sign", lang))
            if idx and idx == list(range(idx[-1] + 1)) and idx[-1] + 1 < len(p.factors):
                below = p.factors[idx[-1]].lower
                if counts.get(below, 0) == 1:
                    notes.append(translate("together they are δ({node})", lang, node=p.factors[idx[-1]].lower_label))
            edges = tuple((p.factors[i].upper_label, p.factors[i].lower_label) for i in idx)
            item = OffFactor(p.index, ftext, fval, chain, sym, pval, "; ".join(notes), edges)
            off_all.append(item)
            lines.append("  " + item.text(lang))
    complete = all_exact and not missing and not unassigned and all(not g for _, _, g in term_path.values())
    return matched, missing, off_all, lines, complete


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
