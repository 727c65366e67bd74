"""Explain a gradient the way a teacher writes it, and check a hand derivation.

``explain(root, node)`` describes d(root)/d(node) in one of two forms:

* ``form='paths'``: every path from ``root`` down to ``node``, each the product of its local
  derivatives, symbolically (in node names) and numerically, and their sum::

      ∂E/∂w11 = ∂E/∂A3 · ∂A3/∂z3 · ∂z3/∂A1 · ∂A1/∂z1 · ∂z1/∂w11
              = (A3 − y_t)·A3(1 − A3)·w31·A1(1 − A1)·x1
              = 0.190283·0.213792·0.3·0.217504·0.35
              = 0.00092907116080966

* ``form='delta'``: the factored form of the documents' "delta" method. δ(v) = ∂root/∂v is
  computed once for every named node v on the way, from the δ of the nodes just above it,
  so the derivation stays short when paths multiply.

How the graph is read. *Named* nodes (and ``root`` and ``node``) are the variables of the
derivation. Unnamed nodes (the ``+`` and ``×`` inside a neuron, the pieces of a loss) are
folded into the step between two named nodes: the factor ∂u/∂v of such a step is the local
derivative of u with respect to v through the unnamed nodes between them (a sum when there
are several such routes), and an unnamed node appears in a formula as its defining
expression, e.g. ``(A3 − y_t)``. Every symbolic factor comes from calling the operation's
one derivative rule (``Op.derivative``) with ``Sym`` arguments; numbers along the way are
multiplied out (½·2 → 1). Every number comes from the engine's own local derivatives.

``check_formula(root, node, formula)`` reads a hand-written formula (parsed by a small
hand-written parser, never ``eval``), evaluates it on the graph's values, compares it with
the gradient, and when they disagree says which paths the formula accounts for and which it
misses, and which factors are off.

Neither function changes any ``.grad``: they compute the gradient themselves, in the same
order as ``backward()``.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from fractions import Fraction
from itertools import combinations
from typing import Callable, Iterable, Mapping, Sequence

from .engine import Value, backward_order, topological_order
from .symbolic import Sym

__all__ = [
    "explain",
    "check_formula",
    "parse_formula",
    "Explanation",
    "Verdict",
    "Factor",
    "Path",
    "DeltaStep",
    "OffFactor",
    "FormulaError",
    "TooManyPathsError",
]

FORMS = ("paths", "delta")


class TooManyPathsError(ValueError):
    """The path form was asked for more paths than ``max_paths``."""


class FormulaError(ValueError):
    """A formula that cannot be read (or evaluated); ``position`` and ``token`` say where."""

    def __init__(self, message: str, formula: str = "", position: int | None = None, token: str | None = None):
        self.formula, self.position, self.token, self.reason = formula, position, token, message
        if position is not None:
            shown = formula.replace("\n", " ")
            message = f"{message} at position {position}:\n    {shown}\n    {' ' * position}^"
        super().__init__(message)


# --- labels and number formatting -------------------------------------------------------------

def _num(x: float, digits: int = 6, latex: bool = False) -> str:
    text = f"{x:.{digits}g}"
    return text if latex else text.replace("-", "−")


def _num_in_product(x: float, latex: bool = False) -> str:
    text = _num(x, latex=latex)
    if x < 0:
        return rf"\left({text}\right)" if latex else f"({text})"
    return text


def _final(x: float, latex: bool = False) -> str:
    return _num(x, 15, latex)


def _latex_word(word: str) -> str:
    suffix = ""
    if word.endswith("]") and "[" in word:  # per-sample tag, e.g. h1_1[2]
        cut = word.index("[")
        word, suffix = word[:cut], "^{(" + _latex_escape(word[cut + 1:-1]) + ")}"
    if word == "yhat":
        return r"\hat{y}" + suffix
    base, sep, sub = word.partition("_")
    if not sep:  # letters then digits: A3 -> A_{3}
        i = len(word)
        while i > 0 and word[i - 1].isdigit():
            i -= 1
        base, sub = word[:i], word[i:]
    if base.isalpha() and base.isascii():
        head = base if len(base) == 1 else rf"\mathrm{{{base}}}"
    elif base and all(c.isalnum() for c in base) and base.isascii():
        head = rf"\mathrm{{{base}}}"
    else:
        return rf"\mathrm{{{_latex_escape(word + sep + sub)}}}" + suffix
    if sub:
        head += "_{" + _latex_escape(sub.replace("_", ",")) + "}"
    return head + suffix


def _latex_escape(text: str) -> str:
    out = []
    for c in text:
        if c in "#$%&_{}":
            out.append("\\" + c)
        elif c in "\\^~":
            out.append(r"\textbackslash{}" if c == "\\" else rf"\{c}{{}}")
        else:
            out.append(c)
    return "".join(out)


def latex_name(name: str) -> str:
    """A node name as LaTeX: ``w11`` → ``w_{11}``, ``net h1`` → ``\\text{net}\\,h_{1}``."""
    words = name.split()
    if not words:
        return r"\mathrm{?}"
    head = "".join(rf"\text{{{_latex_escape(w)}}}\," for w in words[:-1])
    return head + _latex_word(words[-1])


def _latex_sym(sym: Sym) -> str:
    """``sym.latex()`` with every variable name written as LaTeX."""
    return _rename(sym, _latex_var).latex()


def _latex_var(name: str) -> str:
    if name.startswith("δ(") and name.endswith(")"):
        return r"\delta_{" + latex_name(name[2:-1]) + "}"
    return latex_name(name)


def _rename(sym: Sym, rename: Callable[[str], str]) -> Sym:
    """A copy of ``sym`` with its variable names mapped (no re-simplification)."""
    memo: dict[int, Sym] = {}
    stack = [(sym, False)]
    while stack:
        s, ready = stack.pop()
        if id(s) in memo:
            continue
        if s.kind == "var":
            memo[id(s)] = Sym("var", (), rename(s.value))  # type: ignore[arg-type]
        elif not s.args:
            memo[id(s)] = s
        elif ready:
            memo[id(s)] = Sym(s.kind, tuple(memo[id(a)] for a in s.args), s.value)
        else:
            stack.append((s, True))
            stack.extend((a, False) for a in s.args)
    return memo[id(sym)]


def _wrap_text(sym: Sym) -> str:
    text = sym.text()
    if sym.kind in ("add", "sub", "neg") or (sym.kind == "num" and sym.value < 0):  # type: ignore[operator]
        return f"({text})"
    return text


def _wrap_latex(sym: Sym) -> str:
    text = _latex_sym(sym)
    if sym.kind in ("add", "sub", "neg") or (sym.kind == "num" and sym.value < 0):  # type: ignore[operator]
        return rf"\left({text}\right)"
    return text


def _is_one(sym: Sym) -> bool:
    return sym.kind == "num" and sym.value == 1


def _product_text(syms: Iterable[Sym], latex: bool = False) -> str:
    kept = [s for s in syms if not _is_one(s)]
    if not kept:
        return "1"
    if latex:
        return r" \cdot ".join(_wrap_latex(s) for s in kept)
    return "·".join(_wrap_text(s) for s in kept)


# --- products and sums of symbolic factors, with numbers multiplied out ---------------------

_Term = tuple  # (coefficient: float, factors: tuple[Sym, ...])


def _flatten(s: Sym) -> list[_Term]:
    """``s`` as a sum of coefficient·product terms, splitting products (never sums)."""
    kind = s.kind
    if kind == "num":
        return [(float(s.value), ())]  # type: ignore[arg-type]
    if kind == "neg":
        return [(-c, f) for c, f in _flatten(s.args[0])]
    if kind == "mul":
        return _times(_flatten(s.args[0]), _flatten(s.args[1]))
    if kind == "div":
        a, b = s.args
        if b.kind == "num" and b.value != 0:
            return [(c / b.value, f) for c, f in _flatten(a)]  # type: ignore[operator]
        if a.kind == "num" and a.value == 1:
            return [(1.0, (s,))]
        return _times(_flatten(a), [(1.0, (Sym("div", (Sym.num(1), b)),))])
    return [(1.0, (s,))]


def _merge(terms: list[_Term]) -> list[_Term]:
    merged: dict[tuple, list] = {}
    for c, f in terms:
        key = tuple(sorted(x.text() for x in f))
        if key in merged:
            merged[key][0] += c
        else:
            merged[key] = [c, f]
    return [(c, f) for c, f in merged.values() if c != 0]


def _times(a: list[_Term], b: list[_Term]) -> list[_Term]:
    return _merge([(ca * cb, fa + fb) for ca, fa in a for cb, fb in b])


def _plus(a: list[_Term], b: list[_Term]) -> list[_Term]:
    return _merge(a + b)


def _coefficient(c: float) -> Sym:
    frac = Fraction(c).limit_denominator(12)
    if frac.denominator > 1 and abs(float(frac) - c) <= 1e-12 * abs(c):
        return Sym("div", (Sym.num(frac.numerator), Sym.num(frac.denominator)))
    return Sym.num(c)


def _term_sym(c: float, factors: tuple) -> Sym:
    """|c|·(product of factors) as one Sym; reciprocals 1/x go to one denominator."""
    top: Sym = Sym.num(1)
    bottom: Sym = Sym.num(1)
    for f in factors:
        if f.kind == "div" and _is_one(f.args[0]):
            bottom = bottom * f.args[1]
        else:
            top = top * f
    body = top if _is_one(bottom) else Sym("div", (top, bottom))
    c = abs(c)
    if c == 1:
        return body
    coef = _coefficient(c)
    if _is_one(body):
        return coef
    if coef.kind == "num":
        return coef * body
    return Sym("mul", (coef, body))


def _terms_sym(terms: list[_Term]) -> Sym:
    if not terms:
        return Sym.num(0)
    out: Sym | None = None
    for c, f in terms:
        t = _term_sym(c, f)
        if out is None:
            out = -t if c < 0 else t
        else:
            out = Sym("sub" if c < 0 else "add", (out, t))
    return out  # type: ignore[return-value]


# --- the graph as a teacher reads it ---------------------------------------------------------

def _resolve(root: Value, node: Value | str, where: str) -> tuple[list[Value], Value]:
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__}")
    order = topological_order(root)
    if isinstance(node, Value):
        return order, node
    if isinstance(node, str):
        found = [n for n in order if n.name == node]
        if len(found) == 1:
            return order, found[0]
        if not found:
            names = sorted({n.name for n in order if n.name is not None})
            shown = ", ".join(names[:40]) + (" …" if len(names) > 40 else "")
            raise ValueError(f"{where}: no node named {node!r} in the graph of {root.name or 'root'}; names: {shown}")
        raise ValueError(f"{where}: {len(found)} nodes are named {node!r}; pass the Value itself")
    raise TypeError(f"{where}: node must be a Value or a node name, got {type(node).__name__}")


_MAX_EXPRESSION_DEPTH = 8  # deeper unnamed expressions are shown by their value instead
_MAX_SYMBOLIC_REGION = 40  # unnamed nodes between two named ones that a step still writes out


class _Graph:
    """The derivation's view of a graph: named nodes, the steps between them, and gradients."""

    def __init__(self, root: Value, node: Value, order: list[Value]):
        self.root, self.node, self.order = root, node, order
        self.index = {n: i for i, n in enumerate(order)}
        # Gradients in exactly the order backward() uses, plus the sum of |path products|.
        grads: dict[Value, float] = {root: 1.0}
        bound: dict[Value, float] = {root: 1.0}
        for n in backward_order(root):
            g = grads[n]
            b = bound[n]
            for p, d in zip(n.parents, n.local_grads):
                grads[p] = grads.get(p, 0.0) + d * g
                bound[p] = bound.get(p, 0.0) + abs(d) * b
        self.grads, self.bounds = grads, bound
        reaches: set[Value] = set()
        if node in self.index:
            for n in reversed(order):  # parents before children
                if n is node or any(p in reaches for p in n.parents):
                    reaches.add(n)
        self.reaches = reaches
        self._expr: dict[Value, Sym] = {}
        self._depth: dict[Value, int] = {}  # nesting of an unnamed node's expression
        self._local: dict[Value, tuple] = {}
        self._segments: dict[Value, list] = {}
        self._labels: dict[Value, str] = {}

    def visible(self, n: Value) -> bool:
        return n.name is not None or n is self.root or n is self.node

    def expr(self, n: Value) -> Sym:
        """A named node as its name; an unnamed one as its defining expression."""
        if n in self._expr:
            return self._expr[n]
        stack = [n]
        while stack:
            m = stack[-1]
            if m in self._expr:
                stack.pop()
                continue
            if m.name is not None:
                self._expr[m] = Sym.var(m.name)
            elif m.op is None:
                self._expr[m] = Sym.num(m.data)
            else:
                missing = [p for p in m.parents if p not in self._expr]
                if missing:
                    stack.extend(missing)
                    continue
                args = [self._expr[p] for p in m.parents]
                depth = 1 + max(self._depth.get(p, 0) for p in m.parents)
                if depth > _MAX_EXPRESSION_DEPTH:  # unreadable, and too deep to print: show its value
                    self._expr[m] = Sym.num(m.data)
                    stack.pop()
                    continue
                self._depth[m] = depth
                self._expr[m] = Sym.lift(m.op.apply(*args))
            stack.pop()
        return self._expr[n]

    def label(self, n: Value) -> str:
        if n not in self._labels:
            self._labels[n] = n.name if n.name is not None else self.expr(n).text()
        return self._labels[n]

    def label_sym(self, n: Value) -> Sym:
        return Sym.var(n.name) if n.name is not None else self.expr(n)

    def local_syms(self, n: Value) -> tuple:
        """The local derivatives of ``n`` from the operation's one rule, applied to symbols."""
        if n not in self._local:
            derivs = n.op.derivative(*(self.expr(p) for p in n.parents), self.expr(n))  # type: ignore[union-attr]
            self._local[n] = tuple(Sym.lift(d) for d in derivs)
        return self._local[n]

    def segments(self, u: Value) -> list[tuple[Value, Sym, float]]:
        """(v, ∂u/∂v symbolically, its value) for each named node v just below u towards ``node``."""
        if u in self._segments:
            return self._segments[u]
        if u.op is None or u is self.node:
            self._segments[u] = []
            return []
        region, seen, stack = [u], {u}, [u]
        while stack:
            w = stack.pop()
            if w is u or not (self.visible(w) or w.op is None):
                for p in w.parents:
                    if p in self.reaches and p not in seen:
                        seen.add(p)
                        region.append(p)
                        stack.append(p)
        region.sort(key=self.index.__getitem__)
        # Past this many unnamed nodes the written-out product is unreadable (and its terms can
        # multiply): the step is then written ∂u/∂v, with its number.
        symbolic = len(region) <= _MAX_SYMBOLIC_REGION
        terms: dict[Value, list] = {u: [(1.0, ())]}
        values: dict[Value, float] = {u: 1.0}
        for w in region:
            if w is not u and (self.visible(w) or w.op is None):
                continue
            local = self.local_syms(w) if symbolic else w.parents
            for p, g, s in zip(w.parents, w.local_grads, local):
                if p in self.reaches:
                    values[p] = values.get(p, 0.0) + values[w] * g
                    if symbolic:
                        terms[p] = _plus(terms.get(p, []), _times(terms[w], _flatten(s)))
        below = sorted((v for v in region if v is not u and self.visible(v)), key=self.index.__getitem__, reverse=True)
        result = [
            (v, _terms_sym(terms[v]) if symbolic else Sym.var(f"∂{self.label(u)}/∂{self.label(v)}"), values[v])
            for v in below
        ]
        self._segments[u] = result
        return result

    def on_the_way(self) -> list[Value]:
        """The named nodes on some path from root to node, root first (children before parents)."""
        if self.node not in self.reaches:
            return []
        seen, stack = {self.root}, [self.root]
        while stack:
            u = stack.pop()
            for v, _, _ in self.segments(u):
                if v not in seen:
                    seen.add(v)
                    stack.append(v)
        # A topological order of the named nodes (each before the nodes below it) that takes the
        # oldest ready node first, so h1 comes before h2 as in a written derivation.
        indegree = {v: 0 for v in seen}
        for u in seen:
            for v, _, _ in self.segments(u):
                indegree[v] += 1
        ready = [(-self.index[self.root], id(self.root), self.root)]
        ordered: list[Value] = []
        while ready:
            _, _, u = heapq.heappop(ready)
            ordered.append(u)
            for v, _, _ in self.segments(u):
                indegree[v] -= 1
                if indegree[v] == 0:
                    heapq.heappush(ready, (-self.index[v], id(v), v))
        return ordered

    def count_paths(self, nodes: list[Value]) -> dict[Value, int]:
        counts: dict[Value, int] = {self.root: 1}
        for u in nodes:
            c = counts.get(u, 0)
            for v, _, _ in self.segments(u):
                counts[v] = counts.get(v, 0) + c
        return counts

    def factor(self, u: Value, v: Value, sym: Sym, value: float) -> Factor:
        return Factor(u, v, self.label(u), self.label(v), sym, value)

    def paths(self) -> list[Path]:
        """Every path from root to node (explicit stack, no recursion), in a stable order."""
        if self.node not in self.reaches:
            return []
        found: list[tuple[Factor, ...]] = []
        stack: list[tuple[Value, tuple]] = [(self.root, ())]
        while stack:
            u, factors = stack.pop()
            if u is self.node:
                found.append(factors)
                continue
            for v, sym, value in reversed(self.segments(u)):
                stack.append((v, factors + (self.factor(u, v, sym, value),)))
        return [Path(i, f, math.prod(x.value for x in f)) for i, f in enumerate(found, start=1)]


# --- the structured explanation --------------------------------------------------------------

@dataclass(frozen=True)
class Factor:
    """One step of a path: ∂upper/∂lower, as a formula (``symbol``) and a number (``value``)."""

    upper: Value = field(repr=False)
    lower: Value = field(repr=False)
    upper_label: str
    lower_label: str
    symbol: Sym
    value: float

    def chain(self, latex: bool = False) -> str:
        if latex:
            return rf"\frac{{\partial {latex_name(self.upper_label)}}}{{\partial {latex_name(self.lower_label)}}}"
        return f"∂{self.upper_label}/∂{self.lower_label}"


@dataclass(frozen=True)
class Path:
    """One path from root to node: its factors (root side first) and their product."""

    index: int
    factors: tuple[Factor, ...]
    value: float

    @property
    def nodes(self) -> tuple[str, ...]:
        if not self.factors:
            return ()
        return (self.factors[0].upper_label, *(f.lower_label for f in self.factors))

    def route(self) -> str:
        return " → ".join(self.nodes)

    def chain(self, latex: bool = False) -> str:
        if not self.factors:
            return "1"
        return (r" \cdot " if latex else " · ").join(f.chain(latex) for f in self.factors)

    def symbolic(self, latex: bool = False) -> str:
        return _product_text((f.symbol for f in self.factors), latex)

    def numeric(self, latex: bool = False) -> str:
        kept = [f.value for f in self.factors if f.value != 1 or not _is_one(f.symbol)]
        if not kept:
            return "1"
        return (r" \cdot " if latex else "·").join(_num_in_product(x, latex) for x in kept)


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

    Structured data: ``paths`` (each a ``Path`` of ``Factor``s; ``None`` when not enumerated),
    ``path_count``, ``path_sum`` (Σ of the path products), ``deltas`` (the ``DeltaStep``s of the
    factored form, root side first). Render with ``text()``, ``markdown()`` or ``latex()``.
    """

    def __init__(self, graph: _Graph, form: str, paths: list[Path] | None, path_count: int, deltas: list[DeltaStep]):
        self.form = form
        self._root = graph.root
        self.root_label, self.node_label = graph.label(graph.root), graph.label(graph.node)
        self.value: float = graph.grads.get(graph.node, 0.0)
        self.paths: tuple[Path, ...] | None = tuple(paths) if paths is not None else None
        self.path_count = path_count
        self.path_sum: float | None = math.fsum(p.value for p in paths) if paths is not None else None
        self.deltas = tuple(deltas)
        self.bound = graph.bounds.get(graph.node, 0.0)  # Σ |path products|: the scale of rounding errors

    # --- plain text -----------------------------------------------------------------------
    def lhs(self, latex: bool = False) -> str:
        if latex:
            return rf"\frac{{\partial {latex_name(self.root_label)}}}{{\partial {latex_name(self.node_label)}}}"
        return f"∂{self.root_label}/∂{self.node_label}"

    def text(self) -> str:
        if self.path_count == 0:
            return f"{self.lhs()} = 0   ({self.root_label} does not depend on {self.node_label})"
        if self.form == "delta":
            return self._delta_text()
        return self._paths_text()

    __str__ = text

    def _paths_text(self) -> str:
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
        lines = [f"{lhs}: {len(paths)} paths from {self.root_label} to {self.node_label}; the gradient is their sum."]
        for p in paths:
            lines.append(f"path {p.index}: {p.route()}")
            lines.append(f"    {p.chain()}")
            lines.append(f"    = {p.symbolic()}")
            lines.append(f"    = {p.numeric()} = {_num(p.value)}")
        total = " + ".join(_num_in_product(p.value) if i else _num(p.value) for i, p in enumerate(paths))
        lines.append(f"{lhs} = " + " + ".join(f"path {p.index}" for p in paths))
        lines.append(f"{' ' * len(lhs)} = {total}")
        lines.append(f"{' ' * len(lhs)} = {_final(self.value)}")
        return "\n".join(lines)

    def _delta_parts(self, step: DeltaStep, latex: bool) -> tuple[str, str, str, str]:
        """(left side, chain, symbolic, numeric) of one delta line."""
        left = self.lhs(latex) if step.is_target else _delta_label(step.label, latex)
        chains, syms, nums = [], [], []
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

    def _delta_text(self) -> str:
        lines = [f"{self.lhs()} in the factored (delta) form: δ(v) = ∂{self.root_label}/∂v, each computed once "
                 f"from the δ of the nodes above it ({self.path_count} path{'s' if self.path_count != 1 else ''} in all)."]
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
    def markdown(self) -> str:
        if self.path_count == 0:
            return f"**{self.lhs()}** = 0 (`{self.root_label}` does not depend on `{self.node_label}`)"
        if self.form == "delta":
            rows = [f"**{self.lhs()}** = {_final(self.value)}, factored (delta) form, "
                    f"δ(v) = ∂{self.root_label}/∂v ({self.path_count} path{'s' if self.path_count != 1 else ''})", "",
                    "| δ | chain rule | symbolic | numeric | value |", "|---|---|---|---|---|"]
            for step in self.deltas:
                left, chain, sym, nums = self._delta_parts(step, False)
                rows.append(f"| {_md(left)} | {_md(chain)} | `{_md(sym)}` | {_md(nums)} | {_md(_num(step.value))} |")
            return "\n".join(rows)
        paths = self.paths or ()
        rows = [f"**{self.lhs()}** = {_final(self.value)} ({len(paths)} path{'s' if len(paths) != 1 else ''})", "",
                "| path | chain rule | symbolic | numeric | value |", "|---|---|---|---|---|"]
        for p in paths:
            rows.append(f"| {p.index} | {_md(p.chain())} | `{_md(p.symbolic())}` | {_md(p.numeric())} | {_md(_num(p.value))} |")
        if len(paths) > 1:
            rows.append(f"| **sum** | | | | **{_md(_final(self.value))}** |")
        return "\n".join(rows)

    # --- LaTeX ----------------------------------------------------------------------------
    def latex(self) -> str:
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
                    lines.append(rf"\text{{path {p.index}}} &: {p.chain(True)} \\ &\phantom{{:}} = {p.symbolic(True)} "
                                 rf"= {_num(p.value, latex=True)}")
                total = " + ".join(_num_in_product(p.value, True) for p in paths)
                lines.append(rf"{lhs} &= {total} = {_final(self.value, True)}")
        return "\\begin{aligned}\n" + " \\\\\n".join(lines) + "\n\\end{aligned}"

    def __repr__(self) -> str:
        return f"Explanation({self.lhs()} = {self.value!r}, form={self.form!r}, paths={self.path_count})"


def _md(text: str) -> str:
    return text.replace("|", r"\|")


def _too_many(graph: _Graph, count: int, max_paths: int) -> TooManyPathsError:
    lhs = f"∂{graph.label(graph.root)}/∂{graph.label(graph.node)}"
    return TooManyPathsError(
        f"explain: {lhs} has {count} paths from {graph.label(graph.root)} to {graph.label(graph.node)}, more than "
        f"max_paths={max_paths}; use form='delta' (the factored form computes each δ once and stays short) "
        f"or pass a larger max_paths"
    )


def explain(root: Value, node: Value | str, *, form: str = "paths", max_paths: int = 64) -> Explanation:
    """Derive d(root)/d(node) as a teacher writes it: every path, or the factored (delta) form.

    ``node`` is a Value or the name of a node in root's graph. ``form='paths'`` lists every path
    from root to node (refusing past ``max_paths``, see ``TooManyPathsError``); ``form='delta'``
    computes δ(v) = ∂root/∂v once per named node v on the way. The result's ``value`` equals
    ``node.grad`` after ``root.backward()``; no ``.grad`` is changed.
    """
    if form not in FORMS:
        raise ValueError(f"explain: form must be one of {', '.join(map(repr, FORMS))}, got {form!r}")
    if isinstance(max_paths, bool) or not isinstance(max_paths, int) or max_paths < 1:
        raise ValueError(f"explain: max_paths must be a positive int, got {max_paths!r}")
    order, node = _resolve(root, node, "explain")
    graph = _Graph(root, node, order)
    nodes = graph.on_the_way()
    counts = graph.count_paths(nodes)
    count = counts.get(node, 0) if nodes else 0
    if form == "paths" and count > max_paths:
        raise _too_many(graph, count, max_paths)
    paths = graph.paths() if count <= max_paths else None
    return Explanation(graph, form, paths, count, _delta_steps(graph, nodes))


def _delta_steps(graph: _Graph, nodes: list[Value]) -> list[DeltaStep]:
    deltas: dict[Value, float] = {graph.root: 1.0}
    incoming: dict[Value, list] = {}
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


# --- reading a formula -------------------------------------------------------------------------

FUNCTIONS = {"sigma": "sigmoid", "σ": "sigmoid", "sigmoid": "sigmoid", "exp": "exp", "log": "log", "ln": "log",
             "tanh": "tanh", "relu": "relu"}
"""Function names a formula may call (``σ(z)``, ``sigmoid(z)``, ``exp``, ``log``/``ln``, ``tanh``, ``relu``)."""
DELTA_NAMES = ("δ", "delta")
"""``δ(v)`` / ``delta(v)`` in a formula stands for ∂root/∂v, the gradient of node v."""
MAX_FORMULA_LENGTH = 2000
_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "⋅": "*", "∙": "*", "/": "/",
              "÷": "/", "^": "^", "(": "(", ")": ")"}


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "func", "delta", "op", "end"
    text: str
    position: int
    value: object = None


def _is_word_char(c: str) -> bool:
    return c.isalnum() or c == "_"


def _tokenize(formula: str, names: Sequence[str]) -> list[_Token]:
    by_length = sorted(set(names), key=len, reverse=True)
    tokens: list[_Token] = []
    i, n = 0, len(formula)
    while i < n:
        c = formula[i]
        if c.isspace():
            i += 1
            continue
        match = next((name for name in by_length if formula.startswith(name, i)
                      and (i + len(name) == n or not (_is_word_char(formula[i + len(name)])
                                                      and _is_word_char(name[-1])))), None)
        if match is not None:
            tokens.append(_Token("name", match, i, match))
            i += len(match)
            continue
        if c.isdigit() or (c == "." and i + 1 < n and formula[i + 1].isdigit()):
            j = i
            while j < n and formula[j].isdigit():
                j += 1
            if j < n and formula[j] == ".":
                j += 1
                while j < n and formula[j].isdigit():
                    j += 1
            if j < n and formula[j] in "eE":
                k = j + 1 + (j + 1 < n and formula[j + 1] in "+-")
                if k < n and formula[k].isdigit():
                    j = k
                    while j < n and formula[j].isdigit():
                        j += 1
            tokens.append(_Token("num", formula[i:j], i, float(formula[i:j])))
            i = j
            continue
        if _is_word_char(c):
            j = i
            while j < n and _is_word_char(formula[j]):
                j += 1
            word = formula[i:j]
            if word in FUNCTIONS:
                tokens.append(_Token("func", word, i, FUNCTIONS[word]))
            elif word in DELTA_NAMES:
                tokens.append(_Token("delta", word, i))
            else:
                raise FormulaError(f"unknown name {word!r} (not a node of this graph, an alias or a function)",
                                   formula, i, word)
            i = j
            continue
        if formula.startswith("**", i):
            tokens.append(_Token("op", "^", i))
            i += 2
            continue
        if c in _OPERATORS:
            tokens.append(_Token("op", _OPERATORS[c], i))
            i += 1
            continue
        raise FormulaError(f"unexpected character {c!r} (a formula may hold node names, numbers, + - * / ^ **, "
                           f"parentheses and the functions {', '.join(sorted(FUNCTIONS))}, δ)", formula, i, c)
    tokens.append(_Token("end", "", n))
    return tokens


class _Parser:
    """Recursive descent: sum → product → unary → power → atom. Implicit × binds like ×."""

    MAX_DEPTH = 100

    def __init__(self, formula: str, tokens: list[_Token], resolve: Callable[[str], str]):
        self.formula, self.tokens, self.i, self.depth, self.resolve = formula, tokens, 0, 0, resolve

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, message: str, token: _Token) -> FormulaError:
        return FormulaError(message, self.formula, token.position, token.text)

    def expect(self, text: str) -> None:
        token = self.peek()
        if token.kind != "op" or token.text != text:
            found = repr(token.text) if token.kind != "end" else "the end of the formula"
            raise self.fail(f"expected {text!r} but found {found}", token)
        self.take()

    def parse(self) -> Sym:
        if self.peek().kind == "end":
            raise FormulaError("the formula is empty", self.formula, 0, "")
        result = self.sum()
        token = self.peek()
        if token.kind != "end":
            raise self.fail(f"unexpected {token.text!r}", token)
        return result

    def sum(self) -> Sym:
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise self.fail("the formula nests too deeply", self.peek())
        left = self.product()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take().text
            right = self.product()
            left = Sym("add" if op == "+" else "sub", (left, right))
        self.depth -= 1
        return left

    def product(self) -> Sym:
        left = self.unary()
        while True:
            token = self.peek()
            if token.kind == "op" and token.text in "*/":
                self.take()
                right = self.unary()
                left = Sym("mul" if token.text == "*" else "div", (left, right))
            elif token.kind in ("num", "name", "func", "delta") or (token.kind == "op" and token.text == "("):
                left = Sym("mul", (left, self.unary()))  # implicit multiplication: A3(1 - A3), 2x
            else:
                return left

    def unary(self) -> Sym:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                raise self.fail("the formula nests too deeply", token)
            inner = self.unary()
            self.depth -= 1
            return inner if token.text == "+" else Sym("neg", (inner,))
        return self.power()

    def power(self) -> Sym:
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "^":
            self.take()
            return Sym("pow", (base, self.unary()))
        return base

    def atom(self) -> Sym:
        token = self.take()
        if token.kind == "num":
            return Sym.num(token.value)  # type: ignore[arg-type]
        if token.kind == "name":
            return Sym.var(self.resolve(token.text))
        if token.kind == "func":
            self.expect("(")
            arg = self.sum()
            self.expect(")")
            return Sym("call", (arg,), token.value)
        if token.kind == "delta":
            self.expect("(")
            inner = self.peek()
            if inner.kind != "name":
                raise self.fail("δ( ) takes one node name, e.g. δ(z1)", inner)
            self.take()
            self.expect(")")
            return Sym.var(f"δ({self.resolve(inner.text)})")
        if token.kind == "op" and token.text == "(":
            inner = self.sum()
            self.expect(")")
            return inner
        found = repr(token.text) if token.kind != "end" else "the end of the formula"
        raise self.fail(f"expected a number, a name, a function or '(' but found {found}", token)


def parse_formula(formula: str, names: Iterable[str], aliases: Mapping[str, str] | None = None) -> Sym:
    """Parse ``formula`` into a ``Sym`` over the given node names (and alias → name pairs).

    Names may contain spaces (``net h1``): at each position the longest known name is taken.
    Never uses ``eval``; anything else is refused with a ``FormulaError`` naming the token and
    its position.
    """
    if not isinstance(formula, str):
        raise TypeError(f"check_formula: formula must be a str, got {type(formula).__name__}")
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(f"the formula is longer than {MAX_FORMULA_LENGTH} characters")
    aliases = dict(aliases or {})
    known = list(names) + list(aliases)
    tokens = _tokenize(formula, known)
    return _Parser(formula, tokens, lambda name: aliases.get(name, name)).parse()


# --- checking a formula -------------------------------------------------------------------------

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

    def text(self) -> str:
        note = f" ({self.note})" if self.note else ""
        if not self.formula_text:
            return (f"the formula lacks path {self.path}'s {self.path_text} = {self.path_symbolic} = "
                    f"{_num(self.path_value)}{note}")
        if not self.path_text:
            return f"the formula has an extra factor {self.formula_text} = {_num(self.formula_value)}{note}"
        return (f"the formula has {self.formula_text} = {_num(self.formula_value)} where path {self.path} has "
                f"{self.path_text} = {self.path_symbolic} = {_num(self.path_value)}{note}")


@dataclass
class Verdict:
    """The checker's answer: ``ok``, both numbers, the paths accounted for and missed, and why."""

    ok: bool
    formula: str
    parsed: Sym
    formula_value: float
    gradient: float
    explanation: str
    paths: tuple[Path, ...] | None
    matched_paths: tuple[Path, ...]
    missing_paths: tuple[Path, ...]
    off_factors: tuple[OffFactor, ...] = ()
    same_as: tuple[str, ...] = ()  # other nodes whose gradient the formula equals
    unrelated_names: tuple[str, ...] = ()  # names in the formula that no path's factors use

    def text(self) -> str:
        return self.explanation

    __str__ = text

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


def _formula_terms(sym: Sym, values: Mapping[str, float], top: bool = True) -> list[tuple[float, list]]:
    """The formula as a sum of products: (coefficient, [formula factors as Syms])."""
    kind = sym.kind
    if kind == "num":
        return [(float(sym.value), [])]  # type: ignore[arg-type]
    if kind in ("add", "sub"):
        left = _formula_terms(sym.args[0], values, top)
        right = _formula_terms(sym.args[1], values, top)
        if kind == "sub":
            right = [(-c, f) for c, f in right]
        expanded = left + right
        if top or any(sum(1 for x in f if x.kind != "num") >= 2 for _, f in expanded):
            return expanded
        return [(1.0, [sym])]
    if kind == "neg":
        return [(-c, f) for c, f in _formula_terms(sym.args[0], values, top)]
    if kind == "mul":
        a = _formula_terms(sym.args[0], values, False)
        b = _formula_terms(sym.args[1], values, False)
        return [(ca * cb, fa + fb) for ca, fa in a for cb, fb in b]
    if kind == "div":
        num = _formula_terms(sym.args[0], values, False)
        den = sym.args[1]
        if den.kind == "num" and den.value != 0:
            return [(c / den.value, f) for c, f in num]  # type: ignore[operator]
        recips = [Sym("div", (Sym.num(1), x)) for x in _product_factors(den)]
        return [(c, f + recips) for c, f in num]
    return [(1.0, [sym])]


def _product_factors(sym: Sym) -> list[Sym]:
    if sym.kind == "mul":
        return _product_factors(sym.args[0]) + _product_factors(sym.args[1])
    return [sym]


def _factor_text(sym: Sym) -> str:
    if sym.kind == "div" and _is_one(sym.args[0]):
        return "1/" + _wrap_text(sym.args[1]) if sym.args[1].kind in ("mul", "div", "pow") else f"1/{_wrap_text(sym.args[1])}"
    return _wrap_text(sym)


def _match_term(term: list[_FFactor], path: Path, rel: float):
    """Align a product's factors with a path's factors.

    Returns (score, off): score counts the path factors the formula accounts for; off lists
    (formula factors, path factor indices) groups that disagree.
    """
    fac = list(term)
    pf = [(i, f) for i, f in enumerate(path.factors) if not _is_one(f.symbol)]
    used_f: set[int] = set()
    used_p: set[int] = set()
    anchors: list[tuple[int, int]] = []  # (formula position, path position)
    # 0. reciprocal pairs cancel: y(1 − y)/(y(1 − y))
    for a, b in combinations(range(len(fac)), 2):
        if (a not in used_f and b not in used_f and (fac[a].text.startswith("1/") or fac[b].text.startswith("1/"))
                and _close(fac[a].value * fac[b].value, 1.0, rel)):
            used_f |= {a, b}
    # 1. one formula factor = one path factor: the same text first, then the same value
    for same in (lambda x, f: x.text == _wrap_text(f.symbol), lambda x, f: _close(x.value, f.value, rel)):
        for i, f in pf:
            if i in used_p:
                continue
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
        found = next((g for size in (2, 3) for g in combinations(free, size)
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
    misses, and which factors are off. No ``.grad`` is changed.
    """
    order, node = _resolve(root, node, "check_formula")
    if aliases is not None:
        if not isinstance(aliases, Mapping) or not all(isinstance(k, str) and isinstance(v, str) for k, v in aliases.items()):
            raise TypeError("check_formula: aliases must map names (str) to node names (str)")
    graph = _Graph(root, node, order)
    by_name: dict[str, list[Value]] = {}
    for n in order:
        if n.name is not None:
            by_name.setdefault(n.name, []).append(n)
    for alias, target in (aliases or {}).items():
        if target not in by_name:
            raise ValueError(f"check_formula: alias {alias!r} points to {target!r}, which names no node of the graph")
    parsed = parse_formula(formula, by_name, aliases)
    values: dict[str, float] = {}
    for name in parsed.names():
        inner = name[2:-1] if name.startswith("δ(") and name.endswith(")") and name[2:-1] in by_name else None
        nodes = by_name[inner if inner is not None else name]
        if len(nodes) > 1:
            raise FormulaError(f"the name {name!r} labels {len(nodes)} different nodes of the graph; rename them")
        values[name] = graph.grads.get(nodes[0], 0.0) if inner is not None else nodes[0].data
    try:
        formula_value = parsed.evaluate(values)
    except (ArithmeticError, ValueError) as error:
        raise FormulaError(f"the formula cannot be evaluated on the graph's values: {error}") from None

    gradient = graph.grads.get(node, 0.0)
    floor = rel_tol * graph.bounds.get(node, 0.0) if node in graph.grads else 0.0
    ok = _close(formula_value, gradient, rel_tol, floor)
    lhs = f"∂{graph.label(root)}/∂{graph.label(node)}"
    nodes = graph.on_the_way()
    count = graph.count_paths(nodes).get(node, 0) if nodes else 0
    paths = graph.paths() if count <= max_paths else None

    head = f"{formula.strip()} = {_num(formula_value, 10)}"
    if ok:
        n = f"all {count} paths" if count != 1 else "its one path"
        text = f"OK: {head} equals {lhs} = {_num(gradient, 10)} (from backward; {n})."
        all_paths = tuple(paths or ())
        return Verdict(True, formula, parsed, formula_value, gradient, text, tuple(paths) if paths else None,
                       all_paths, ())

    lines = [f"WRONG: {head}, but {lhs} = {_num(gradient, 10)} (from backward)."]
    same_as = tuple(
        graph.label(n) for n in sorted(graph.grads, key=lambda v: (not v.is_leaf, graph.index[v]))
        if n is not node and n.name is not None and n is not root and formula_value != 0
        and _close(formula_value, graph.grads[n], rel_tol, rel_tol * graph.bounds.get(n, 0.0))
    )
    if same_as:
        lines.append("It equals the gradient of " + ", ".join(f"{name} (∂{graph.label(root)}/∂{name})" for name in same_as)
                     + f": a derivation of {' or '.join(same_as)}, labelled as one of {graph.label(node)}?")
    matched: list[Path] = []
    missing: list[Path] = []
    off: list[OffFactor] = []
    if paths is None:
        lines.append(f"{graph.label(node)} reaches {graph.label(root)} along {count} paths, too many to compare one "
                     f"by one (max_paths={max_paths}).")
    elif not paths:
        lines.append(f"{graph.label(root)} does not depend on {graph.label(node)}: the gradient is 0.")
    else:
        back = {v: k for k, v in (aliases or {}).items()}
        matched, missing, off, analysis = _diagnose(parsed, values, paths, rel_tol, floor, graph, back)
        lines.extend(analysis)
    unrelated = _unrelated_names(parsed, paths or [], graph, by_name, aliases)
    if unrelated:
        lines.append(f"The formula uses {', '.join(unrelated)}, which no path from {graph.label(root)} to "
                     f"{graph.label(node)} passes through or has in its factors.")
    return Verdict(False, formula, parsed, formula_value, gradient, "\n".join(lines), tuple(paths) if paths else None,
                   tuple(matched), tuple(missing), tuple(off), same_as, tuple(unrelated))


def _describe(p: Path) -> str:
    return f"path {p.index} ({p.route()}) = {_num(p.value)}"


def _diagnose(parsed: Sym, values: Mapping[str, float], paths: list[Path], rel: float, floor: float, graph: _Graph,
              back: Mapping[str, str]):
    def as_written(name: str) -> str:  # show aliases as the formula wrote them
        if name.startswith("δ(") and name.endswith(")"):
            return f"δ({back.get(name[2:-1], name[2:-1])})"
        return back.get(name, name)

    lines: list[str] = []
    n = len(paths)
    counts = graph.count_paths(graph.on_the_way())
    terms = []
    for coef, syms in _formula_terms(parsed, values):
        factors = [_FFactor(_factor_text(_rename(s, as_written)), s.evaluate(values), pos) for pos, s in enumerate(syms, start=1)]
        if coef != 1:
            factors.insert(0, _FFactor(_num(coef), coef, 0))
        terms.append(factors)
    # Assign each term of the formula to the path it follows (most factors in common).
    scored = []
    for t, term in enumerate(terms):
        value = math.prod(f.value for f in term)
        for p in paths:
            score, off = _match_term(term, p, rel)
            exact = _close(value, p.value, rel, floor)
            if score or exact:
                scored.append((exact, score, -t, -p.index, t, p, off))
    scored.sort(key=lambda s: s[:4], reverse=True)
    term_path: dict[int, tuple] = {}
    taken: set[int] = set()
    for exact, score, _, _, t, p, off in scored:
        if t not in term_path and p.index not in taken:
            term_path[t] = (p, exact, off)
            taken.add(p.index)
    all_exact = len(term_path) == len(terms) and all(exact for _, exact, _ in term_path.values())
    if not all_exact and n <= 14:
        target = sum(math.prod(f.value for f in term) for term in terms)
        for size in range(1, n):
            hit = next((c for c in combinations(paths, size) if _close(sum(p.value for p in c), target, rel, floor)), None)
            if hit:
                matched = list(hit)
                missing = [p for p in paths if p not in hit]
                lines.append(f"{graph.label(graph.node)} reaches {graph.label(graph.root)} along {n} paths; the formula "
                             f"equals the sum over {len(matched)} of them:")
                lines.extend(f"  accounts for {_describe(p)}" for p in matched)
                lines.extend(f"  misses {_describe(p)}" for p in missing)
                return matched, missing, [], lines
    matched = sorted((p for p, _, _ in term_path.values()), key=lambda p: p.index)
    missing = [p for p in paths if p.index not in taken]
    off_all: list[OffFactor] = []
    if n > 1 or len(terms) > 1:
        follows = "follows" if len(matched) != 1 else "follows only"
        lines.append(f"{graph.label(graph.node)} reaches {graph.label(graph.root)} along {n} path{'s' if n != 1 else ''}; "
                     f"the formula has {len(terms)} term{'s' if len(terms) != 1 else ''} and {follows} "
                     f"{len(matched)} of the paths:")
        lines.extend(f"  accounts for {_describe(p)}" for p in matched)
        lines.extend(f"  misses {_describe(p)}" for p in missing)
        if all_exact:
            lines.append(f"Each term equals its path exactly: add the missing path{'s' if len(missing) != 1 else ''}.")
    unassigned = [t for t in range(len(terms)) if t not in term_path]
    for t in unassigned:
        text = "·".join(f.text for f in terms[t]) or "1"
        lines.append(f"  the term {text} = {_num(math.prod(f.value for f in terms[t]))} follows none of the paths")
    for t in sorted(term_path):
        p, exact, groups = term_path[t]
        if exact:
            continue
        if not groups:
            lines.append(f"  the term for path {p.index} has the right factors but a different value")
            continue
        lines.append(f"On path {p.index}, {'a factor is' if len(groups) == 1 else 'factors are'} off:")
        for fs, idx in groups:
            ftext = "·".join(f.text for f in fs)
            fval = math.prod(f.value for f in fs)
            chain = " · ".join(p.factors[i].chain() for i in idx)
            sym = _product_text([p.factors[i].symbol for i in idx]) if idx else "1"
            pval = math.prod(p.factors[i].value for i in idx)
            notes = []
            if fs and idx and _close(fval, -pval, rel):
                notes.append("opposite sign")
            if idx and idx == list(range(idx[-1] + 1)) and idx[-1] + 1 < len(p.factors):
                below = p.factors[idx[-1]].lower
                if counts.get(below, 0) == 1:
                    notes.append(f"together they are δ({p.factors[idx[-1]].lower_label})")
            item = OffFactor(p.index, ftext, fval, chain, sym, pval, "; ".join(notes))
            off_all.append(item)
            lines.append("  " + item.text())
    return matched, missing, off_all, lines


def _unrelated_names(parsed: Sym, paths: Sequence[Path], graph: _Graph, by_name: Mapping[str, list],
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
