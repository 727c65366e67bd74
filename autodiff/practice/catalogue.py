"""The catalogue of common backpropagation mistakes, each computed on the learner's own graph.

``MISTAKES`` maps each mistake id to its one-line description. ``candidates(root, node)``
re-runs the chain rule (``chain.gradients``) once per way the mistake can be made on this
graph and returns the numbers a learner making it would get, each a ``Candidate`` with the
mistake id, the number, and the template key and values of the sentence that names it.
Nothing is hard-coded per document: a mistake that cannot happen on the graph (one path, no
sigmoid, no loss constant) yields no candidate, and a variant whose number equals the right
one is left out (it cannot be told apart).

Neighbours (the nodes a learner confuses with each other) are read from the names, the way
they are confused on paper: names that differ in one digit (``z1_1``/``z2_1``,
``h1_1``/``h1_2``) or in the order of two digits (``w2_12``/``w2_21``), per-sample tags
(``[k]``) kept apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable, Iterable

from ..i18n import N_
from ..engine import Value
from ..formatting import format_number, number_in_product
from ..paths import NamedGraph, ChainPath, reaching, read_graph
from ..traversal import topological_order
from .chain import Edge, gradients
from .messages import say

MISTAKES: dict[str, str] = {
    "missed_path": N_("a node used several times counted once: only some of its paths kept (“=” instead of “+=”)"),
    "not_zeroed": N_("gradients not zeroed between two passes: the sum of two backward passes"),
    "stale_intermediate": N_("micrograd's stale intermediate gradients: intermediates accumulated over two passes too"),
    "sigma_instead_of_derivative": N_("σ′(z) written as σ(z)"),
    "z_times_sigma": N_("σ′(z) written as z·σ(z)"),
    "derivative_at_activation": N_("σ′ evaluated at the activation σ(z) instead of the pre-activation z"),
    "sign_flipped": N_("the sign of the loss derivative flipped (t − y for y − t)"),
    "loss_factor_dropped": N_("a constant of the loss dropped: the ½, the 2 of the square, or the 1/n of a mean"),
    "swapped_weight_index": N_("the wrong weight of a pair: w_ij for w_ji"),
    "neighbour_factor": N_("a path's factor taken from a neighbouring neuron"),
    "rounded_intermediates": N_("intermediate values rounded before multiplying"),
    "wrong_input_factor": N_("∂z/∂w written as something other than the input x that w multiplies"),
    "wrong_node": N_("the derivation of another node (a mislabelled derivative)"),
    "upstream_dropped": N_("a contribution given as the local derivative alone, without the gradient from above"),
}
"""Every mistake id -> its one-line description (English; ``i18n.lookup`` translates it), in the order the grader
reports them."""

MAX_PATH_VARIANTS = 12  # paths listed one by one for missed_path; beyond it only the "=" bug
MAX_RERUNS = 48  # chain-rule re-runs per kind of mistake (each walks the whole graph)
MAX_NODES = 5000  # practice is for graphs worked by hand; larger ones are refused (grade, exercises)
ROUNDING_DECIMALS = (2, 3)


@dataclass(frozen=True)
class Candidate:
    """One way of making a mistake on this graph and the number it gives."""

    mistake: str
    value: float
    key: str  # the template (messages.MESSAGES) of the sentence that names it
    params: dict[str, str] = field(default_factory=dict, compare=False)
    fix: str = "fix.generic"  # the template of the right step
    fix_params: dict[str, str] = field(default_factory=dict, compare=False)
    decimals: int | None = None  # rounded_intermediates: the rounding used


def label(n: Value) -> str:
    """A node as a learner reads it: its name, or its operation."""
    if n.name is not None:
        return n.name
    return say("node.constant") if n.op is None else say("node.operation", op=n.op.name)


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


class Context:
    """What every mistake needs to know about (root, node): the graph, the gradients, the paths."""

    def __init__(self, root: Value, node: Value):
        self.root, self.node = root, node
        self.order = topological_order(root)
        if len(self.order) > MAX_NODES:
            raise ValueError(f"practice: the graph of {label(root)} has {len(self.order)} nodes, more than "
                             f"MAX_NODES={MAX_NODES}; practice grades graphs small enough to work by hand")
        self.grads = gradients(root)
        self.expected = self.grads.get(node, 0.0)
        self.reaches = reaching(self.order, node)  # the nodes that depend on node (node included)
        self.by_name: dict[str, list[Value]] = {}
        for n in self.order:
            if n.name is not None:
                self.by_name.setdefault(n.name, []).append(n)
        self._graph: NamedGraph | None = None
        self._paths: tuple[ChainPath, ...] | None = None
        self._path_count: int | None = None
        self._weights: set[Value] | None = None

    def named(self, name: str) -> Value | None:
        found = self.by_name.get(name, [])
        return found[0] if len(found) == 1 else None

    def neighbours(self, n: Value) -> list[Value]:
        if n.name is None:
            return []
        out = []
        for name, nodes in self.by_name.items():
            if len(nodes) == 1 and are_neighbours(n.name, name) and nodes[0].op == n.op:
                out.append(nodes[0])
        return out

    def is_weight(self, n: Value | None) -> bool:
        """True for a leaf that some dot node multiplies as a weight (not an input or a bias)."""
        if n is None or n.op is not None:
            return False
        if self._weights is None:
            self._weights = {p for m in self.order if m.op is not None and m.op.name == "dot"
                             for p in m.parents[:len(m.parents) // 2]}
        return n in self._weights

    def swapped(self, name: str) -> str | None:
        """The weight whose two indices are those of weight ``name`` swapped, if the graph has it."""
        other = swapped_index(name)
        if other is None or not (self.is_weight(self.named(name)) and self.is_weight(self.named(other))):
            return None
        return other

    def graph(self) -> NamedGraph:
        """The teacher's view of the graph (autodiff.paths: the one path enumerator)."""
        if self._graph is None:
            self._graph = read_graph(self.root, self.node, "grade")
        return self._graph

    def path_count(self) -> int:
        if self._path_count is None:
            g = self.graph()
            nodes = g.on_the_way()
            self._path_count = g.count_paths(nodes).get(self.node, 0) if nodes else 0
        return self._path_count

    def paths(self) -> tuple[ChainPath, ...]:
        """Every path from root to node; empty when there are more than MAX_PATH_VARIANTS."""
        if self._paths is None:
            count = self.path_count()
            self._paths = tuple(self.graph().paths()) if 0 < count <= MAX_PATH_VARIANTS else ()
        return self._paths

    def on_the_way(self) -> list[Value]:
        """Operation nodes between root and node (they depend on node), in graph order."""
        return [n for n in self.order if n in self.reaches and n is not self.node and n.op is not None]

    def base(self) -> dict[str, str]:
        return {"root": label(self.root), "node": label(self.node), "lhs": self.lhs(),
                "expected": num(self.expected, 10)}

    def lhs(self) -> str:
        return f"∂{label(self.root)}/∂{label(self.node)}"


# --- one function per mistake: the ways it can be made on this graph ---------------------------

def _missed_path(ctx: Context) -> Iterable[Candidate]:
    # The "=" bug loses contributions wherever two meet, also inside one step of a derivation
    # (the two log terms of a cross-entropy): so it is tried even when node has one path.
    count = ctx.path_count()
    b = ctx.base()
    info = {**b, "count": str(count)}
    paths = ctx.paths() if count >= 2 else ()
    fix = {**b, "sum": sum_text(p.value for p in paths) if paths else num(ctx.expected)}
    for p in paths:  # the most specific reading first: which path was followed or left out
        where = {**info, "index": str(p.index), "route": p.route()}
        yield Candidate("missed_path", p.value, "missed_path.one", where, "fix.missed_path", fix)
        if count >= 3:
            rest = math.fsum(q.value for q in paths if q is not p)
            yield Candidate("missed_path", rest, "missed_path.all_but", where, "fix.missed_path", fix)
    yield Candidate("missed_path", gradients(ctx.root, assign=True).get(ctx.node, 0.0), "missed_path.assign", info,
                    "fix.missed_path", fix)


def _passes(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    if ctx.node.op is None:  # a leaf keeps its gradient between passes
        twice = gradients(ctx.root, passes=2).get(ctx.node, 0.0)
        yield Candidate("not_zeroed", twice, "not_zeroed", {**b, "twice": num(twice)}, "fix.sum_of_passes", b)
    stale = gradients(ctx.root, passes=2, keep_intermediates=True).get(ctx.node, 0.0)
    yield Candidate("stale_intermediate", stale, "stale_intermediate", b, "fix.sum_of_passes", b)


_SIGMOID_SLIPS: dict[str, Callable[[float, float], float]] = {
    "sigma_instead_of_derivative": lambda z, a: a,
    "z_times_sigma": lambda z, a: z * a,
    "derivative_at_activation": lambda z, a: (1 / (1 + math.exp(-a))) * (1 - 1 / (1 + math.exp(-a))),
}


def _sigmoid_slips(ctx: Context) -> Iterable[Candidate]:
    sigmoids = [n for n in ctx.on_the_way() if n.op is not None and n.op.name == "sigmoid"]
    if not sigmoids:
        return
    b = ctx.base()
    for mistake, wrong in _SIGMOID_SLIPS.items():
        groups: list[list[Value]] = [[s] for s in sigmoids[-MAX_RERUNS:]] + ([sigmoids] if len(sigmoids) > 1 else [])
        for group in groups:
            local: dict[Edge, float] = {(s, 0): wrong(s.parents[0].data, s.data) for s in group}
            value = gradients(ctx.root, local=local).get(ctx.node, 0.0)
            s = group[0]
            where = label(s) if len(group) == 1 else say("where.every_sigmoid")
            z = label(s.parents[0]) if len(group) == 1 else "z"
            a = label(s) if len(group) == 1 else "σ(z)"
            params = {**b, "where": where, "z": z, "a": a}
            fix = {**params, "local": num(s.local_grads[0]) if len(group) == 1 else "σ(z)(1 − σ(z))"}
            yield Candidate(mistake, value, mistake, params, "fix.sigmoid", fix)


def _sign(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    yield Candidate("sign_flipped", -ctx.expected, "sign_flipped", b, "fix.sign", b)


def loss_constants(root: Value) -> dict[str, list[tuple[Edge, float]]]:
    """The loss's constant factors: label -> the edges whose local derivative drops it, and the
    local derivative used without it. The loss is the root and the unnamed nodes just below it."""
    region, stack, seen = [], [root], {root}
    while stack:
        n = stack.pop()
        region.append(n)
        for p in n.parents:
            if p not in seen and p.op is not None and p.name is None:
                seen.add(p)
                stack.append(p)
    found: dict[str, list[tuple[Edge, float]]] = {}
    for n in region:
        assert n.op is not None or n is root
        if n.op is None:
            continue
        parents, locs = n.parents, n.local_grads
        constant = [p.op is None and p.name is None for p in parents]
        if n.op.name == "mul" and len(parents) == 2 and sum(constant) == 1:
            c = parents[constant.index(True)].data
            k = constant.index(False)
            if c not in (0.0, 1.0, -1.0):
                found.setdefault(say("factor.mul", c=num(c)), []).append(((n, k), locs[k] / c))
        elif n.op.name == "div" and len(parents) == 2 and constant == [False, True] and parents[1].data not in (0.0, 1.0):
            found.setdefault(say("factor.div", n=num(parents[1].data)), []).append(((n, 0), 1.0))
        elif n.op.name == "pow" and n.op.exponent not in (None, 0.0, 1.0):
            e = n.op.exponent
            assert e is not None
            found.setdefault(say("factor.pow", e=num(e)), []).append(((n, 0), locs[0] / e))
    return found


def _loss_factor(ctx: Context) -> Iterable[Candidate]:
    constants = loss_constants(ctx.root)
    b = ctx.base()
    labels = sorted(constants)
    for size in range(1, len(labels) + 1):
        for group in combinations(labels, size):
            local = {edge: d for lab in group for edge, d in constants[lab]}
            value = gradients(ctx.root, local=local).get(ctx.node, 0.0)
            names = group[0]
            for more in group[1:]:
                names = say("factors.two", first=names, second=more)
            yield Candidate("loss_factor_dropped", value, "loss_factor_dropped", {**b, "factors": names},
                            "fix.loss_factor", b)


def _other_nodes(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    node_name = ctx.node.name
    if node_name is None:
        return
    swapped_name = ctx.swapped(node_name)
    swapped = ctx.named(swapped_name) if swapped_name else None
    if swapped is not None:
        other = {**b, "other": swapped_name or ""}
        yield Candidate("swapped_weight_index", ctx.grads.get(swapped, 0.0), "swapped_weight_index", other,
                        "fix.other_node", b)
    for u in ctx.neighbours(ctx.node):
        if u is swapped:
            continue
        value = ctx.grads.get(u, 0.0)
        yield Candidate("wrong_node", value, "wrong_node", {**b, "other": label(u), "value": num(value)},
                        "fix.other_node", b)


def _neighbour_factor(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    pairs = [(v, u) for v in ctx.on_the_way() if v is not ctx.root for u in ctx.neighbours(v)]
    for v, u in pairs[-MAX_RERUNS // 2:]:  # the nodes nearest the root come last in graph order
        params = {**b, "other": label(u), "here": label(v)}
        value = gradients(ctx.root, upstream={v: u}).get(ctx.node, 0.0)
        yield Candidate("neighbour_factor", value, "neighbour_factor.upstream", params, "fix.neighbour", b)
        if len(v.parents) == 1 and len(u.parents) == 1:
            local = {(v, 0): u.local_grads[0]}
            value = gradients(ctx.root, local=local).get(ctx.node, 0.0)
            yield Candidate("neighbour_factor", value, "neighbour_factor.local", params, "fix.neighbour", b)


def _rounding(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    for decimals in ROUNDING_DECIMALS:
        for round_locals in (False, True):
            value = gradients(ctx.root, decimals=decimals, round_locals=round_locals).get(ctx.node, 0.0)
            yield Candidate("rounded_intermediates", value, "rounded_intermediates", {**b, "decimals": str(decimals)},
                            "fix.rounding", b, decimals)


def input_edges(ctx: Context) -> list[tuple[Value, int, Value]]:
    """(dot node, edge index, the input) for each edge where node is a weight of a dot node."""
    out = []
    for n in ctx.order:
        if n.op is not None and n.op.name == "dot":
            k = len(n.parents) // 2
            for i, p in enumerate(n.parents[:k]):
                if p is ctx.node:
                    out.append((n, i, n.parents[k + i]))
    return out


def _input_factor(ctx: Context) -> Iterable[Candidate]:
    edges = input_edges(ctx)
    if not edges:
        return
    b = ctx.base()
    z, _, x = edges[0]
    params = {**b, "z": label(z), "x": label(x)}
    fix = {**params, "local": num(x.data)}
    # Every edge from node into a dot node at once (one per sample when there are several).
    for written, use_net in ((label(z), True), ("1", False)):
        local = {(zk, i): (zk.data if use_net else 1.0) for zk, i, _ in edges}
        value = gradients(ctx.root, local=local).get(ctx.node, 0.0)
        yield Candidate("wrong_input_factor", value, "wrong_input_factor", {**params, "written": written},
                        "fix.input", fix)


_MAKERS = (_missed_path, _passes, _sigmoid_slips, _sign, _loss_factor, _other_nodes, _neighbour_factor,
           _rounding, _input_factor)


def differs(a: float, b: float) -> bool:
    """True when a mistake's number can be told apart from the right one."""
    return not math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-15)


def candidates(root: Value, node: Value) -> list[Candidate]:
    """Every catalogue mistake's numbers for d(root)/d(node), each different from the right one.

    In catalogue order; a mistake gives one number per distinct way of making it on this graph.
    """
    ctx = Context(root, node)
    return candidates_in(ctx)


def candidates_in(ctx: Context) -> list[Candidate]:
    out: list[Candidate] = []
    seen: set[tuple[str, float]] = set()
    for make in _MAKERS:
        for c in make(ctx):
            if not math.isfinite(c.value) or not differs(c.value, ctx.expected):
                continue
            key = (c.mistake, round(c.value, 12) if c.mistake != "rounded_intermediates" else c.value)
            if key in seen:
                continue
            seen.add(key)
            out.append(c)
    rank = {m: i for i, m in enumerate(MISTAKES)}
    out.sort(key=lambda c: rank[c.mistake])
    return out
