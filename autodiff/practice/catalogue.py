"""The catalogue of common backpropagation mistakes, each computed on the learner's own graph.

``MISTAKES`` maps each mistake id to its one-line description. ``candidates(root, node)``
re-runs the chain rule (``chain.gradients``) once per way the mistake can be made on this
graph and returns the numbers a learner making it would get, each a ``Candidate`` with the
mistake id, the number, and the template key and values of the sentence that names it.
Nothing is hard-coded per document: a mistake that cannot happen on the graph (one path, no
sigmoid, no loss constant) yields no candidate, and a variant whose number equals the right
one is left out (it cannot be told apart).

Neighbours (the nodes a learner confuses with each other) and what is read from the graph once
are in ``facts`` (re-exported here).
"""

from __future__ import annotations

__all__ = ["MISTAKES", "Candidate", "Context", "Facts", "MAX_NODES", "are_neighbours", "candidates", "candidates_in",
           "consumer", "differs", "factor", "input_edges", "label", "labeller", "loss_constants", "neighbour_key", "num",
           "split_sample", "sum_text", "swapped_index"]

import math
from dataclasses import dataclass, field
from itertools import combinations
from typing import Callable, Iterable

from ..i18n import N_
from ..engine import Value
from ..paths import ChainPath, NamedGraph
from .chain import Edge, gradients
from .facts import MAX_NODES, Facts, are_neighbours, factor, label, labeller, num, split_sample, sum_text, swapped_index
from .messages import say

MISTAKES: dict[str, str] = {
    "missed_path": N_("a node used several times counted once: only some of its paths kept (“=” instead of “+=”)"),
    "not_zeroed": N_("gradients not zeroed between two passes: the sum of two backward passes"),
    "stale_intermediate": N_("micrograd's stale intermediate gradients: intermediates accumulated over two passes too"),
    "sigma_instead_of_derivative": N_("σ′(z) written as σ(z)"),
    "z_times_sigma": N_("σ′(z) written as z·σ(z)"),
    "derivative_at_activation": N_("σ′ evaluated at the activation σ(z) instead of the pre-activation z"),
    "sign_flipped": N_("a sign flipped (with a squared error, t − y written for y − t)"),
    "loss_factor_dropped": N_("a constant factor dropped (a loss's ½, the 2 of a square, the 1/n of a mean, a regulariser's λ, the 3 of sin(3b))"),
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
    chooses: bool = field(default=True, compare=False)  # whether it counts when exercises are chosen


class Context:
    """What every mistake needs to know about (root, node): the graph, the gradients, the paths.

    ``facts``: the graph read once (``Facts(root)``), shared by the contexts of many nodes."""

    def __init__(self, root: Value, node: Value, facts: Facts | None = None):
        if facts is None or facts.root is not root:
            facts = Facts(root)
        self.facts = facts
        self.root, self.node = root, node
        self.order = facts.order
        self.plan = facts.plan
        self.grads = facts.grads
        self.expected = self.grads.get(node, 0.0)
        self._reaches: set[Value] | None = None
        self._on_the_way: list[Value] | None = None
        self.hidden: tuple[Value, ...] = ()  # gradients the exercise hides (δ of one restates the question)
        self.delta_root: Value | None = None  # the root whose gradients δ(v) means, when not root
        self.by_name = facts.by_name
        self._graph: NamedGraph | None = None
        self._paths: tuple[ChainPath, ...] | None = None
        self._path_count: int | None = None

    def label(self, n: Value) -> str:
        """A node as the derivation writes it (``labeller``)."""
        return self.facts.label(n)

    def named(self, name: str) -> Value | None:
        found = self.by_name.get(name, [])
        return found[0] if len(found) == 1 else None

    def neighbours(self, n: Value) -> list[Value]:
        return self.facts.neighbours(n)

    def is_weight(self, n: Value | None) -> bool:
        """True for a leaf that some dot node multiplies as a weight (not an input or a bias)."""
        return self.facts.is_weight(n)

    def swapped(self, name: str) -> str | None:
        """The weight whose two indices are those of weight ``name`` swapped, if the graph has it."""
        other = swapped_index(name)
        if other is None or not (self.is_weight(self.named(name)) and self.is_weight(self.named(other))):
            return None
        return other

    def graph(self) -> NamedGraph:
        """The teacher's view of the graph (autodiff.paths: the one path enumerator)."""
        if self._graph is None:
            self._graph = NamedGraph(self.root, self.node, self.order)
        return self._graph

    def path_count(self) -> int:
        if self._path_count is None:
            self._path_count = self.facts.path_count(self.node)
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
        if self._on_the_way is None:
            reaches = self.reaches
            self._on_the_way = [n for n in self.order if n in reaches and n is not self.node and n.op is not None]
        return self._on_the_way

    @property
    def reaches(self) -> set[Value]:
        """The nodes that depend on node (node included)."""
        if self._reaches is None:  # (paths.reaching, walked from node through the edges that use it)
            reach, stack = {self.node}, [self.node]
            while stack:
                for n, _ in self.plan.uses(stack.pop()):
                    if n not in reach:
                        reach.add(n)
                        stack.append(n)
            self._reaches = reach
        return self._reaches

    def base(self) -> dict[str, str]:
        return {"root": self.label(self.root), "node": self.label(self.node), "lhs": self.lhs(),
                "expected": num(self.expected, 10)}

    def lhs(self) -> str:
        return f"∂{self.label(self.root)}/∂{self.label(self.node)}"


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
    yield Candidate("missed_path", gradients(ctx.root, plan=ctx.plan, assign=True).get(ctx.node, 0.0), "missed_path.assign", info,
                    "fix.missed_path", fix)


def _passes(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    if ctx.node.op is None:  # a leaf keeps its gradient between passes
        twice = gradients(ctx.root, plan=ctx.plan, passes=2).get(ctx.node, 0.0)
        yield Candidate("not_zeroed", twice, "not_zeroed", {**b, "twice": num(twice)}, "fix.sum_of_passes", b)
    stale = gradients(ctx.root, plan=ctx.plan, passes=2, keep_intermediates=True).get(ctx.node, 0.0)
    yield Candidate("stale_intermediate", stale, "stale_intermediate", b, "fix.sum_of_passes", b)


_SIGMOID_SLIPS: dict[str, Callable[[float, float], float]] = {
    "sigma_instead_of_derivative": lambda z, a: a,
    "z_times_sigma": lambda z, a: z * a,
    "derivative_at_activation": lambda z, a: (1 / (1 + math.exp(-a))) * (1 - 1 / (1 + math.exp(-a))),
}


def _sigmoid_slips(ctx: Context) -> Iterable[Candidate]:
    if not ctx.facts.has_sigmoid:
        return
    sigmoids = [n for n in ctx.on_the_way() if n.op is not None and n.op.name == "sigmoid"]
    if not sigmoids:
        return
    b = ctx.base()
    groups: list[list[Value]] = [[s] for s in sigmoids[-MAX_RERUNS:]] + ([sigmoids] if len(sigmoids) > 1 else [])
    shown: list[tuple[dict[str, str], dict[str, str]]] = []  # each group's sentence and fix values, made once
    for group in groups:
        s = group[0]
        if len(group) == 1:
            params = {**b, "where": ctx.label(s), "z": ctx.label(s.parents[0]), "a": ctx.label(s)}
            shown.append((params, {**params, "local": num(s.local_grads[0])}))
        else:
            params = {**b, "where": say("where.every_sigmoid"), "z": "z", "a": "σ(z)"}
            shown.append((params, {**params, "local": "σ(z)(1 − σ(z))"}))
    for mistake, wrong in _SIGMOID_SLIPS.items():
        for group, (params, fix) in zip(groups, shown):
            local: dict[Edge, float] = {(s, 0): wrong(s.parents[0].data, s.data) for s in group}
            value = gradients(ctx.root, plan=ctx.plan, local=local).get(ctx.node, 0.0)
            yield Candidate(mistake, value, mistake, params, "fix.sigmoid", fix)


def _sign(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    yield Candidate("sign_flipped", -ctx.expected, "sign_flipped" if ctx.facts.is_loss else "sign_flipped.plain", b,
                    "fix.sign", b)


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
    key = "loss_factor_dropped" if ctx.facts.is_loss else "loss_factor_dropped.plain"  # "loss" only for a loss
    if ctx.facts.loss_constants is None:
        ctx.facts.loss_constants = loss_constants(ctx.root)
    constants = ctx.facts.loss_constants
    b = ctx.base()
    labels = sorted(constants)
    for size in range(1, len(labels) + 1):
        for group in combinations(labels, size):
            local = {edge: d for lab in group for edge, d in constants[lab]}
            value = gradients(ctx.root, plan=ctx.plan, local=local).get(ctx.node, 0.0)
            names = group[0]
            for more in group[1:]:
                names = say("factors.two", first=names, second=more)
            yield Candidate("loss_factor_dropped", value, key, {**b, "factors": names},
                            "fix.loss_factor" if ctx.facts.is_loss else "fix.generic", b)


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
        yield Candidate("wrong_node", value, "wrong_node", {**b, "other": ctx.label(u), "value": num(value)},
                        "fix.other_node", b)


def neighbour_key(ctx: Context, key: str) -> str:
    """The sentence for a neighbour's factor: "a neighbouring neuron" in a network, "a node with a
    similar name" elsewhere."""
    return key if ctx.facts.is_network else key + ".plain"


def _neighbour_factor(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    pairs = [(v, u) for v in ctx.on_the_way() if v is not ctx.root for u in ctx.neighbours(v)]
    for v, u in pairs[-MAX_RERUNS // 2:]:  # the nodes nearest the root come last in graph order
        params = {**b, "other": ctx.label(u), "here": ctx.label(v)}
        value = gradients(ctx.root, plan=ctx.plan, upstream={v: u}).get(ctx.node, 0.0)
        yield Candidate("neighbour_factor", value, neighbour_key(ctx, "neighbour_factor.upstream"), params,
                        "fix.neighbour", b)
        if len(v.parents) == 1 and len(u.parents) == 1:
            local = {(v, 0): u.local_grads[0]}
            value = gradients(ctx.root, plan=ctx.plan, local=local).get(ctx.node, 0.0)
            yield Candidate("neighbour_factor", value, neighbour_key(ctx, "neighbour_factor.local"), params,
                            "fix.neighbour", b)


def _rounding(ctx: Context) -> Iterable[Candidate]:
    b = ctx.base()
    for decimals in ROUNDING_DECIMALS:
        for round_locals in (False, True):
            value = gradients(ctx.root, plan=ctx.plan, decimals=decimals, round_locals=round_locals).get(ctx.node, 0.0)
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
    params = {**b, "z": ctx.label(z), "x": ctx.label(x)}
    fix = {**params, "local": num(x.data)}
    # Every edge from node into a dot node at once (one per sample when there are several).
    for written, use_net in ((ctx.label(z), True), ("1", False)):
        local = {(zk, i): (zk.data if use_net else 1.0) for zk, i, _ in edges}
        value = ctx.plan.gradient_with_edges(ctx.node, local)
        yield Candidate("wrong_input_factor", value, "wrong_input_factor", {**params, "written": written},
                        "fix.input", fix)


def consumer(ctx: Context) -> Value | None:
    """The one node (not the root) that uses node on the way to the root, if there is exactly one."""
    users = {n for n, _ in ctx.plan.uses(ctx.node)}  # every node behind the root reaches it
    if len(users) != 1:
        return None
    (u,) = users
    return None if u is ctx.root else u


def _one_step(ctx: Context) -> Iterable[Candidate]:
    """Half of the last step: its local derivative alone, or the gradient from above alone."""
    u = consumer(ctx)
    if u is None:
        return
    b = ctx.base()
    delta = ctx.grads.get(u, 0.0)
    local = math.fsum(d for p, d in zip(u.parents, u.local_grads) if p is ctx.node)
    fix = {**b, "upper": ctx.label(u), "lower": ctx.label(ctx.node), "delta": factor(delta), "local": factor(local)}
    # Recognised in answers, but not counted when exercises are chosen (the choice stays as it was).
    yield Candidate("upstream_dropped", local, "upstream_dropped", {**b, "upper": ctx.label(u)}, "fix.step", fix,
                    chooses=False)
    yield Candidate("wrong_node", delta, "wrong_node.upstream",
                    {**b, "upper": ctx.label(u), "value": num(delta), "local_value": num(local)}, "fix.step", fix,
                    chooses=False)


_MAKERS = (_missed_path, _passes, _sigmoid_slips, _sign, _loss_factor, _other_nodes, _neighbour_factor,
           _rounding, _input_factor, _one_step)


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
