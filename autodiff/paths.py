"""Reading a graph for the chain rule: the one place that enumerates chain-rule paths.

Two views of ``root``'s graph:

* Raw edges, as ``draw(highlight=)`` shows them: ``count_paths(root, node)`` counts the paths
  from ``root`` back to ``node`` (one term of the chain rule each), ``paths_between`` lists them
  as lists of Values, and ``reaching(order, node)`` is the set of nodes ``node`` can be reached
  from.
* A teacher's view, ``NamedGraph`` (made by ``read_graph``): every operation node the learner
  made (named or not) and every named node is a variable of the derivation, written by its one
  label (``labels.Labels``: its name, or an automatic name q₁, q₂, …). The nodes a loss or
  softmax built inside itself (``roles.INNER``) are folded into the step (``segments``) from the
  loss to its inputs, whose factor ∂u/∂v is written symbolically from the operations' one
  derivative rule (``Op.derivative`` on ``Sym``) and numerically from the engine's local
  derivatives. It gives the nodes on the way (``on_the_way``), path counts between them
  (``count_paths``), every path (``paths``, as ``ChainPath`` of ``Factor``), and the gradients in
  exactly the order ``backward()`` uses (``grads``), without changing any ``.grad``.

``resolve_node(root, node)`` accepts a node as a Value or as a unique label of root's graph.
Used by the explainer, the checker, ``draw`` and the tools built on them. Nothing here recurses.
"""

from __future__ import annotations

import heapq
import math
from dataclasses import dataclass, field
from typing import Sequence

from .engine import Value, backward_order, chain_rule
from .labels import Labels
from .roles import is_inner
from .traversal import topological_order
from .formatting import latex_name, number_in_product
from .symbolic import Sym
from .terms import Term, flatten, is_one, plus_terms, product_text, terms_sym, times_terms

__all__ = [
    "count_paths", "paths_between", "reaching", "resolve_node", "read_graph", "NamedGraph", "Factor", "ChainPath",
]


# --- paths along the raw edges ---------------------------------------------------------------

def reaching(order: Sequence[Value], target: Value) -> set[Value]:
    """The nodes from which ``target`` can be reached through parents (``target`` included)."""
    reach = {target}
    for node in reversed(order):  # parents before the nodes made from them
        if node not in reach and any(p in reach for p in node.parents):
            reach.add(node)
    return reach


def count_paths(root: Value, node: Value) -> int:
    """How many paths lead from ``root`` back to ``node``: the terms the chain rule sums for d root/d node.

    Counted with one pass over the graph (no listing, no recursion); ``a + a`` counts two.
    Document 000's shared bias ``b_1`` has three from the output ``y`` (one per hidden neuron)
    and six from the cross-entropy loss, which uses ``y`` twice. 0 if ``root`` does not depend on ``node``.
    """
    paths: dict[Value, int] = {root: 1}
    for current in topological_order(root):  # every node before its parents
        n = paths.get(current, 0)
        if n:
            for parent in current.parents:
                paths[parent] = paths.get(parent, 0) + n
    return paths.get(node, 0)


def paths_between(root: Value, node: Value, limit: int = 100) -> list[list[Value]]:
    """The paths from ``root`` back to ``node``, each as its list of Values (``root`` first, ``node`` last).

    At most ``limit`` paths are listed (their number can grow exponentially; ``count_paths``
    counts them all). A value used twice by one operation (``a + a``) gives two equal lists,
    one per edge. Found with an explicit stack, not recursion.
    """
    if limit < 0:
        raise ValueError(f"paths_between: limit must be >= 0, got {limit}")
    reach = reaching(topological_order(root), node)
    if root not in reach:
        return []
    found: list[list[Value]] = []
    stack: list[list[Value]] = [[root]]
    while stack and len(found) < limit:
        path = stack.pop()
        last = path[-1]
        if last is node:
            found.append(path)
            continue
        for parent in reversed(last.parents):  # first parent explored first
            if parent in reach:
                stack.append(path + [parent])
    return found


# --- the graph as a teacher reads it ---------------------------------------------------------

def resolve_node(root: Value, node: Value | str, where: str = "resolve_node") -> tuple[list[Value], Value]:
    """(``topological_order(root)``, the node): ``node`` is a Value or the label of exactly one node of root's graph.

    A label is a name or an automatic name (``q₁``, also typed ``q_1`` or ``q1``; see ``labels``).
    ``where`` names the operation in the errors: a label no node has (the error lists the
    names there are) and a name several nodes share (it lists them) are ``ValueError``s.
    """
    if not isinstance(root, Value):
        raise TypeError(f"{where}: root must be a Value, got {type(root).__name__}")
    order = topological_order(root)
    if isinstance(node, Value):
        return order, node
    if isinstance(node, str):
        found = [n for n in order if n.name == node]
        if not found and node not in {n.name for n in order}:
            labels = Labels(root, order)
            wanted = labels.spellings().get(node, node)
            found = [n for n, label in labels.automatic().items() if label == wanted]
        if len(found) == 1:
            return order, found[0]
        if not found:
            names = sorted({n.name for n in order if n.name is not None})
            shown = ", ".join(names[:40]) + (" …" if len(names) > 40 else "")
            raise ValueError(f"{where}: no node named {node!r} in the graph of {root.name or 'root'}; names: {shown}")
        shown = ", ".join(repr(n) for n in found[:10]) + (" …" if len(found) > 10 else "")
        raise ValueError(f"{where}: {len(found)} nodes are named {node!r}; pass the Value itself (one of {shown})")
    raise TypeError(f"{where}: node must be a Value or a node name, got {type(node).__name__}")


_MAX_EXPRESSION_DEPTH = 8  # deeper unnamed expressions are shown by their value instead
_MAX_SYMBOLIC_REGION = 40  # unnamed nodes between two named ones that a step still writes out
_MAX_SEGMENT_TERMS = 1024  # terms of one step's formula that are still written out


def read_graph(root: Value, node: Value | str, where: str = "read_graph") -> NamedGraph:
    """The teacher's view of d(root)/d(node): ``node`` a Value or a unique name (see ``resolve_node``)."""
    order, target = resolve_node(root, node, where)
    return NamedGraph(root, target, order)


class NamedGraph:
    """The derivation's view of a graph: named nodes, the steps between them, and gradients.

    ``grads`` holds d(root)/d(v) for every v, summed in ``backward()``'s order; ``bounds`` the
    sum of |path products| (the scale of rounding errors); ``reaches`` the nodes from which
    ``node`` is reached. ``order`` must be ``topological_order(root)``.
    """

    def __init__(self, root: Value, node: Value, order: list[Value]):
        self.root, self.node, self.order = root, node, order
        self.index = {n: i for i, n in enumerate(order)}
        # Gradients in exactly the order backward() uses, plus the sum of |path products|.
        grads: dict[Value, float] = {root: 1.0}
        bound: dict[Value, float] = {root: 1.0}
        for n, parents, local_grads in chain_rule(backward_order(root)):
            g = grads[n]
            b = bound[n]
            for p, d in zip(parents, local_grads):
                grads[p] = grads.get(p, 0.0) + d * g
                bound[p] = bound.get(p, 0.0) + abs(d) * b
        self.grads, self.bounds = grads, bound
        self.reaches: set[Value] = reaching(order, node) if node in self.index else set()
        self._expr: dict[Value, Sym] = {}
        self._depth: dict[Value, int] = {}  # nesting of an unnamed node's expression
        self._local: dict[Value, tuple[Sym, ...]] = {}
        self._segments: dict[Value, list[tuple[Value, Sym, float]]] = {}
        self._labels: dict[Value, str] = {}
        self.labels = Labels(root, order)

    def visible(self, n: Value) -> bool:
        """Whether ``n`` is a variable of the derivation: a named node, a node the learner made, root or node."""
        return n.name is not None or (n.op is not None and not is_inner(n)) or n is self.root or n is self.node

    def expr(self, n: Value) -> Sym:
        """A labelled node as its label; a loss's inner node as its defining expression; a constant as its number."""
        if n in self._expr:
            return self._expr[n]
        stack = [n]
        while stack:
            m = stack[-1]
            if m in self._expr:
                stack.pop()
                continue
            label = self.labels(m)
            if label is not None:
                self._expr[m] = Sym.var(label)
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
        """A node as a derivation writes it: its label, else its expression; a node outside the graph says so."""
        if n not in self._labels:
            label = self.labels(n) if n in self.index else n.name
            if label is not None:
                self._labels[n] = label
            elif n not in self.index:  # (its value alone, e.g. "1", would read as a number)
                self._labels[n] = f"(an unnamed node outside the graph of {self.label(self.root)})"
            else:
                self._labels[n] = self.expr(n).text()
        return self._labels[n]

    def definition(self, n: Value) -> Sym:
        """What an operation node computes from its parents, written with their labels (``q₁`` → ``x + y``)."""
        if n.op is None:
            return self.expr(n)
        return Sym.lift(n.op.apply(*(self.expr(p) for p in n.parents)))

    def label_sym(self, n: Value) -> Sym:
        label = self.labels(n) if n in self.index else n.name
        return Sym.var(label) if label is not None else self.expr(n)

    def local_syms(self, n: Value) -> tuple[Sym, ...]:
        """The local derivatives of ``n`` from the operation's one rule, applied to symbols."""
        if n not in self._local:
            derivs = n.op.derivative(*(self.expr(p) for p in n.parents), self.expr(n))  # type: ignore[union-attr]
            self._local[n] = tuple(Sym.lift(d) for d in derivs)
        return self._local[n]

    def segments(self, u: Value) -> list[tuple[Value, Sym, float]]:
        """(v, ∂u/∂v symbolically, its value) for each visible node v just below u towards ``node``."""
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
        terms: dict[Value, list[Term]] = {u: [(1.0, ())]}
        values: dict[Value, float] = {u: 1.0}
        for w in region:
            if w is not u and (self.visible(w) or w.op is None):
                continue
            local = self.local_syms(w) if symbolic else (None,) * len(w.parents)
            for p, g, s in zip(w.parents, w.local_grads, local):
                if p in self.reaches:
                    values[p] = values.get(p, 0.0) + values[w] * g
                    if symbolic and s is not None:
                        terms[p] = plus_terms(terms.get(p, []), times_terms(terms[w], flatten(s)))
                        symbolic = len(terms[p]) <= _MAX_SEGMENT_TERMS  # past it: a formula nobody reads
        below = sorted((v for v in region if v is not u and self.visible(v)), key=self.index.__getitem__, reverse=True)
        result = [
            (v, terms_sym(terms[v]) if symbolic else Sym.var(f"∂{self.label(u)}/∂{self.label(v)}"), values[v])
            for v in below
        ]
        self._segments[u] = result
        return result

    def on_the_way(self) -> list[Value]:
        """The nodes of the derivation on some path from root to node, root first (children before parents)."""
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

    def paths(self) -> list[ChainPath]:
        """Every path from root to node (explicit stack, no recursion), in a stable order."""
        if self.node not in self.reaches:
            return []
        found: list[tuple[Factor, ...]] = []
        stack: list[tuple[Value, tuple[Factor, ...]]] = [(self.root, ())]
        while stack:
            u, factors = stack.pop()
            if u is self.node:
                found.append(factors)
                continue
            for v, sym, value in reversed(self.segments(u)):
                stack.append((v, factors + (self.factor(u, v, sym, value),)))
        return [ChainPath(i, f, math.prod(x.value for x in f)) for i, f in enumerate(found, start=1)]


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
class ChainPath:
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
        return product_text((f.symbol for f in self.factors), latex)

    def numeric(self, latex: bool = False) -> str:
        kept = [f.value for f in self.factors if f.value != 1 or not is_one(f.symbol)]
        if not kept:
            return "1"
        return (r" \cdot " if latex else "·").join(number_in_product(x, latex) for x in kept)
