"""What the catalogue reads from a graph once: how nodes and numbers are written, which names a
learner confuses, and ``Facts`` (order, gradients, labels, neighbours, path counts, the chain-rule
re-runs) shared by every node asked about.

Neighbours are read from the names, the way they are confused on paper: names that differ in one
digit (``z1_1``/``z2_1``, ``h1_1``/``h1_2``) or in the order of two digits (``w2_12``/``w2_21``),
per-sample tags (``[k]``) kept apart; an index of masked names finds them without comparing every pair.
"""

from __future__ import annotations

import re
from itertools import combinations
from typing import Callable, Iterable

from ..engine import Value
from ..formatting import format_number, number_in_product
from ..labels import Labels
from ..paths import NamedGraph
from ..roles import is_loss
from ..traversal import topological_order
from .chain import Edge, Plan, gradients
from .messages import say

MAX_NODES = 5000  # practice is for graphs worked by hand; larger ones are refused (grade, exercises)


def label(n: Value) -> str:
    """A node as a learner reads it: its name, or its operation."""
    if n.name is not None:
        return n.name
    return say("node.constant") if n.op is None else say("node.operation", op=n.op.name)


def labeller(root: Value, order: list[Value] | None = None) -> Callable[[Value], str]:
    """How nodes of root's graph are written: the one label the explainer and the drawing use
    (a name, or an automatic name q₁ for a node the learner made), else ``label``'s words."""
    labels = Labels(root, order)
    return lambda n: labels(n) or label(n)


def num(x: float, digits: int = 6) -> str:
    """A number as the grader writes it (the derivation style: ``digits`` significant digits, ``−``)."""
    return format_number(x + 0.0, "derivation", digits)  # + 0.0: never "−0"


def sum_text(values: Iterable[float]) -> str:
    """``a + b + (−c)``: a sum as the grader writes it."""
    return " + ".join(num(v) if i == 0 else factor(v) for i, v in enumerate(values))


def factor(x: float) -> str:
    """A number as a factor of a product: negative ones in parentheses, ``(−0.2)``."""
    return number_in_product(x + 0.0)


_SAMPLE = re.compile(r"^(.*?)(\[[^\]]*\])?$")


def split_sample(name: str) -> tuple[str, str]:
    """``'h1_1[2]'`` -> (``'h1_1'``, ``'[2]'``); a name without a sample tag -> (name, '')."""
    m = _SAMPLE.match(name)
    assert m is not None
    return m.group(1), m.group(2) or ""


def are_neighbours(a: str, b: str) -> bool:
    """Names a learner confuses: one digit different, or two digits swapped (same sample tag)."""
    (base_a, tag_a), (base_b, tag_b) = split_sample(a), split_sample(b)
    if tag_a != tag_b or len(base_a) != len(base_b) or base_a == base_b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(base_a, base_b)) if x != y]
    if not all(base_a[i].isdigit() and base_b[i].isdigit() for i in diff):
        return False
    if len(diff) == 1:
        return True
    return len(diff) == 2 and base_a[diff[0]] == base_b[diff[1]] and base_a[diff[1]] == base_b[diff[0]]


def swapped_index(name: str) -> str | None:
    """``'w2_12'`` -> ``'w2_21'``, ``'w12'`` -> ``'w21'``: the last two digits swapped (None if equal)."""
    base, tag = split_sample(name)
    m = re.match(r"^(.*\D)?(\d)(_?)(\d)$", base)
    if m is None or m.group(2) == m.group(4):
        return None
    return f"{m.group(1) or ''}{m.group(4)}{m.group(3)}{m.group(2)}{tag}"


def _neighbour_keys(name: str) -> list[tuple[object, ...]]:
    """Keys shared by exactly the names ``are_neighbours`` pairs with ``name`` (and by ``name``
    itself): one per digit that may differ, one per pair of different digits that may be swapped."""
    base, tag = split_sample(name)
    digits = [i for i, ch in enumerate(base) if ch.isdigit()]
    keys: list[tuple[object, ...]] = [(tag, base[:i] + "\0" + base[i + 1:], i) for i in digits]
    for i, j in combinations(digits, 2):
        if base[i] != base[j]:
            masked = base[:i] + "\0" + base[i + 1:j] + "\0" + base[j + 1:]
            keys.append((tag, masked, i, j, frozenset((base[i], base[j]))))
    return keys


class Facts:
    """What every exercise on one graph shares: its order, gradients, names, neighbours and the
    chain-rule re-runs (``chain.Plan``). Read once per graph, not once per node asked about."""

    def __init__(self, root: Value):
        self.root = root
        self.order = topological_order(root)
        if len(self.order) > MAX_NODES:
            raise ValueError(f"practice: the graph of {label(root)} has {len(self.order)} nodes, more than "
                             f"MAX_NODES={MAX_NODES}; practice grades graphs small enough to work by hand")
        self.plan = Plan(root)
        self.label = labeller(root, self.order)
        # Words that fit the graph: "loss" only for a loss's output, "neuron" only in a network.
        self.is_loss = is_loss(root)
        self.is_network = any(n.op is not None and n.op.name == "dot" for n in self.order)
        self.has_sigmoid = any(n.op is not None and n.op.name == "sigmoid" for n in self.order)
        self.grads = gradients(root, plan=self.plan)
        self.by_name: dict[str, list[Value]] = {}
        for n in self.order:
            if n.name is not None:
                self.by_name.setdefault(n.name, []).append(n)
        self._rank = {name: i for i, name in enumerate(self.by_name)}
        self._buckets: dict[tuple[object, ...], list[str]] | None = None
        self._neighbours: dict[Value, list[Value]] = {}
        self._weights: set[Value] | None = None
        self._counts: dict[Value, int] | None = None
        self.loss_constants: dict[str, list[tuple[Edge, float]]] | None = None  # read by _loss_factor
        self._view: NamedGraph | None = None

    def path_count(self, node: Value) -> int | None:
        """How many paths the derivation counts from the root to ``node`` (as ``paths`` steps from
        one shown node to the next), for every node in one pass; None for a node it does not show."""
        if self._view is None:
            self._view = NamedGraph(self.root, self.root, self.order)
        view = self._view
        if node is not self.root and not view.visible(node):
            return None
        if self._counts is None:
            counts: dict[Value, int] = {self.root: 1}
            for u in self.order:  # the root first, each node before its parents
                c = counts.get(u, 0)
                if not c or u.op is None or (u is not self.root and not view.visible(u)):
                    continue
                below: set[Value] = set()
                seen, stack = {u}, [u]
                while stack:
                    w = stack.pop()
                    for p in w.parents:
                        if p in seen:
                            continue
                        seen.add(p)
                        if view.visible(p):
                            below.add(p)
                        elif p.op is not None:
                            stack.append(p)
                for v in below:
                    counts[v] = counts.get(v, 0) + c
            self._counts = counts
        return self._counts.get(node, 0)

    def neighbours(self, n: Value) -> list[Value]:
        """The uniquely named nodes of the same operation whose names a learner confuses with n's."""
        if n.name is None:
            return []
        found = self._neighbours.get(n)
        if found is not None:
            return found
        if self._buckets is None:
            self._buckets = {}
            for name, nodes in self.by_name.items():
                if len(nodes) == 1:
                    for key in _neighbour_keys(name):
                        self._buckets.setdefault(key, []).append(name)
        names = {other for key in _neighbour_keys(n.name) for other in self._buckets.get(key, ())
                 if other != n.name}
        found = [self.by_name[name][0] for name in sorted(names, key=self._rank.__getitem__)
                 if self.by_name[name][0].op == n.op and are_neighbours(n.name, name)]
        self._neighbours[n] = found
        return found

    def is_weight(self, n: Value | None) -> bool:
        """True for a leaf that some dot node multiplies as a weight (not an input or a bias)."""
        if n is None or n.op is not None:
            return False
        if self._weights is None:
            self._weights = {p for m in self.order if m.op is not None and m.op.name == "dot"
                             for p in m.parents[:len(m.parents) // 2]}
        return n in self._weights
