"""Repairs: a hand formula with one slip undone (a sign, a neighbour's name), tried within a bound.

``repairs(ctx, parsed)`` looks for the first single (else double) repair that makes the formula
right, another node's gradient, or a sum over some of the paths; the grader names the slip it
undoes. ``negated`` flips a whole answer's sign as a learner reads it (never "−−"). The work is
bounded (``Work``, ``MAX_REPAIR_WORK``): each variant evaluated costs the formula's size, and a
formula is written out only for the repair chosen. Nothing here recurses on the formula.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from itertools import combinations
from typing import Iterator, Mapping

from ..formula import FormulaError, parse_formula
from ..symbolic import Sym
from ..terms import rename
from .catalogue import Context, are_neighbours, split_sample, swapped_index

MAX_DOUBLE_REPAIRS = 40  # renames tried in pairs (their number grows as its square)


def close(a: float, b: float) -> bool:
    """The grader's tolerance: equal to 1e-9 (relative) or 1e-15."""
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def values_of(ctx: Context) -> dict[str, float]:
    grads = ctx.grads if ctx.delta_root is None else Context(ctx.delta_root, ctx.delta_root).grads
    values: dict[str, float] = {}
    for name, nodes in ctx.by_name.items():
        if len(nodes) == 1:
            values[name] = nodes[0].data
            values[f"δ({name})"] = grads.get(nodes[0], 0.0)
    return values


def sign_repairs_to(text: str, ctx: Context, target: float, work: Work) -> bool:
    try:
        sym = parse_formula(text, list(ctx.by_name))
    except FormulaError:
        return False
    values = values_of(ctx)
    size = len(sym.nodes())
    for variant in _sign_variants(sym):
        if not work.take(size):
            return False
        try:
            if close(variant.evaluate(values), target):
                return True
        except (ArithmeticError, ValueError, KeyError):
            continue
    return False


# --- repairs: the formula with one slip undone --------------------------------------------------

Positioned = tuple[tuple[int, ...], Sym]


def _walk(sym: Sym) -> Iterator[Positioned]:
    stack: list[Positioned] = [((), sym)]
    while stack:
        where, s = stack.pop()
        yield where, s
        stack.extend((where + (i,), a) for i, a in enumerate(s.args))


def _replace(sym: Sym, where: tuple[int, ...], new: Sym) -> Sym:
    """``sym`` with the operand at ``where`` (argument indices from the top) replaced by ``new``."""
    spine = [sym]
    for i in where[:-1]:
        spine.append(spine[-1].args[i])
    for s, i in zip(reversed(spine), reversed(where)):
        args = list(s.args)
        args[i] = new
        new = Sym(s.kind, tuple(args), s.value)
    return new


def negated(sym: Sym) -> Sym:
    """``sym`` with its sign flipped as a learner reads it: each term of a sum flipped (−y − 1 →
    y + 1), the leading minus of a product dropped (−b·f → b·f), else one put in front; never "−−"."""
    sums: list[Sym] = []
    s = sym
    while s.kind in ("add", "sub"):
        sums.append(s)
        s = s.args[0]
    spine: list[Sym] = []
    while s.kind in ("mul", "div"):
        spine.append(s)
        s = s.args[0]
    if s.kind == "neg":
        new = s.args[0]
    elif s.kind == "num" and s._float() < 0:
        new = Sym.num(-s._float())
    else:
        new = Sym("neg", (s,))
    for outer in reversed(spine):
        new = Sym(outer.kind, (new, *outer.args[1:]), outer.value)
    if not spine and new.kind == "neg" and sums == [] and new.args[0] is sym:
        return -sym
    for outer in reversed(sums):  # a − b → −a + b: every later term changes its sign too
        new = Sym("sub" if outer.kind == "add" else "add", (new, outer.args[1]), outer.value)
    return new


def _sign_variants(sym: Sym) -> Iterator[Sym]:
    yield negated(sym)  # the whole answer's sign
    for where, s in _walk(sym):
        if s.kind == "neg":
            yield _replace(sym, where, s.args[0])
        elif s.kind in ("add", "sub"):
            yield _replace(sym, where, Sym("sub" if s.kind == "add" else "add", s.args, s.value))
        elif s.kind == "num" and isinstance(s.value, float) and s.value < 0:
            yield _replace(sym, where, Sym.num(-s.value))


def _rename(sym: Sym, mapping: Mapping[str, str]) -> Sym:
    return rename(sym, lambda name: mapping.get(name, name))


def _rename_variants(ctx: Context, sym: Sym) -> Iterator[tuple[Sym, str, str]]:
    """(formula with one base name replaced everywhere by a neighbour's, old base, new base)."""
    used = sorted({split_sample(n[2:-1] if n.startswith("δ(") and n.endswith(")") else n)[0] for n in sym.names()})
    bases = sorted({split_sample(n)[0] for n in ctx.by_name})
    for base in used:
        for other in (b for b in bases if are_neighbours(base, b)):
            renamed = _rename_base(ctx, sym, base, other)
            if renamed is not None:
                yield renamed, base, other


@dataclass(frozen=True)
class Repair:
    """A slip undone: the mistakes it names, what was written and what is right, and what the
    repaired formula then equals (another node's gradient, or a sum over only some paths)."""

    mistakes: tuple[str, ...]
    written: str
    right: str
    other: str | None = None
    partial: bool = False


class Work:
    """A bound on the evaluations the repairs make (each costs the formula's size)."""

    def __init__(self, limit: int):
        self.left = limit

    def take(self, amount: int) -> bool:
        """Spend ``amount`` if there is that much left; False (nothing spent) when there is not."""
        if amount > self.left:
            return False
        self.left -= amount
        return True


MAX_REPAIR_WORK = 25_000
"""Formula steps the repairs may evaluate for one answer: a slip is looked for in every place of a
formula of a few hundred steps; in a longer one, in the places nearest its top until this runs out."""


def _single_repairs(ctx: Context, parsed: Sym) -> Iterator[tuple[Sym, str, str | None, str | None]]:
    """(repaired formula, mistake id, written, right) for every single slip undone; a sign's
    written and right are None (the formula before and after, written out only when chosen)."""
    for v in _sign_variants(parsed):
        yield v, "sign_flipped", None, None
    for variant, old, new in _rename_variants(ctx, parsed):
        weights = ctx.is_weight(ctx.named(old)) and ctx.is_weight(ctx.named(new))
        mistake = "swapped_weight_index" if weights and swapped_index(old) == new else "neighbour_factor"
        yield variant, mistake, old, new


def repairs(ctx: Context, parsed: Sym, work: Work | None = None) -> list[Repair]:
    """The first single (else double) repair that makes the formula right, another node's
    gradient, or a sum over some of the paths. ``work`` bounds the evaluations."""
    work = work if work is not None else Work(MAX_REPAIR_WORK)
    size = len(parsed.nodes())
    values = values_of(ctx)
    targets: list[tuple[float, str | None, bool]] = [(ctx.expected, None, False)]
    for name, nodes in ctx.by_name.items():
        if len(nodes) == 1 and nodes[0] is not ctx.node and nodes[0] is not ctx.root:
            g = ctx.grads.get(nodes[0], 0.0)
            if g != 0:
                targets.append((g, name, False))
    paths = ctx.paths()
    if 1 < len(paths) <= 8:
        for size_ in range(1, len(paths)):
            for group in combinations(paths, size_):
                targets.append((math.fsum(p.value for p in group), None, True))

    def hit(sym: Sym) -> tuple[str | None, bool] | None:
        try:
            v = sym.evaluate(values)
        except (ArithmeticError, ValueError, KeyError):
            return None
        if not math.isfinite(v):
            return None
        return next(((other, partial) for t, other, partial in targets if close(v, t)), None)

    if not work.take(size):
        return []
    if hit(parsed) is not None:  # already another node's gradient or some paths: only a full repair counts
        targets = targets[:1]
    renames: list[tuple[Sym, str, str, str]] = []
    best: tuple[int, Repair] | None = None

    def consider(rank_offset: int, variant: Sym, mistakes: tuple[str, ...], written: str | None,
                 right: str | None) -> None:
        nonlocal best
        found = hit(variant)
        if found is None:
            return
        rank = rank_offset + (0 if found == (None, False) else 2)
        if best is None or rank < best[0]:
            best = (rank, Repair(mistakes, parsed.text() if written is None else written,
                                 variant.text() if right is None else right, *found))

    # The best reading first: a repair that makes the formula right, then one that makes it
    # another node's gradient or a sum over some paths; one slip before two.
    for variant, mistake, written, right in _single_repairs(ctx, parsed):
        if not work.take(size):
            break
        if mistake != "sign_flipped" and len(renames) < MAX_DOUBLE_REPAIRS:
            assert written is not None and right is not None
            renames.append((variant, mistake, written, right))
        consider(0, variant, (mistake,), written, right)
    for (v1, m1, w1, r1), (v2, m2, w2, r2) in combinations(renames, 2):
        if w1 != w2:
            if not work.take(2 * size):
                break
            both = _rename_base(ctx, v1, w2, r2)
            if both is not None:
                consider(1, both, tuple(dict.fromkeys((m1, m2))), f"{w1}, {w2}", f"{r1}, {r2}")
    return [best[1]] if best is not None else []


def _rename_base(ctx: Context, sym: Sym, old: str, new: str) -> Sym | None:
    """``sym`` with every name whose base is ``old`` renamed to base ``new`` (None if one is missing)."""
    mapping: dict[str, str] = {}
    for name in sym.names():
        delta = name.startswith("δ(") and name.endswith(")")
        inner = name[2:-1] if delta else name
        base, tag = split_sample(inner)
        if base != old:
            continue
        if new + tag not in ctx.by_name:
            return None
        mapping[name] = f"δ({new}{tag})" if delta else new + tag
    return _rename(sym, mapping) if mapping else None
