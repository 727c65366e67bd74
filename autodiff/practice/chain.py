"""The chain rule re-run on a graph with one learner's mistake injected.

``gradients(root, ...)`` walks the graph with the engine's ``chain_rule``, exactly as ``backward()`` does,
but reads every local derivative through the options below, so that a mistake becomes a
change in the computation rather than a hard-coded number:

* ``local``: (node, parent index) -> the local derivative used on that edge instead (σ(z)
  written for σ'(z), a loss constant dropped, ...);
* ``upstream``: node -> another node whose (correct) gradient it passes on instead of its own
  (a factor taken from a neighbouring neuron);
* ``assign``: ``parent.grad = contribution`` instead of ``+=`` (only the last contribution
  in backward order survives: the missed-path bug);
* ``passes`` and ``keep_intermediates``: several passes without zeroing; leaves accumulate
  (PyTorch and this engine) and, with ``keep_intermediates``, so do the intermediate nodes
  (micrograd's stale gradients, 72 instead of 54 for ``x*x*x`` run twice);
* ``decimals`` / ``round_locals``: every intermediate forward value rounded to that many
  decimals before the local derivatives are recomputed from the operation's own rule (the
  way a learner multiplies the rounded numbers they wrote down).

Nothing here changes any ``.grad``; the result is a dict node -> gradient.
"""

from __future__ import annotations

from typing import Mapping

from ..engine import Value, backward_order, chain_rule
from ..traversal import topological_order

Edge = tuple[Value, int]


def forward_values(root: Value, decimals: int | None = None) -> dict[Value, float]:
    """Each node's forward value, intermediate ones rounded to ``decimals`` (leaves are exact)."""
    values: dict[Value, float] = {}
    for n in topological_order(root):
        values[n] = n.data if decimals is None or n.op is None else round(n.data, decimals)
    return values


def local_derivatives(node: Value, values: Mapping[Value, float]) -> tuple[float, ...]:
    """``node``'s local derivatives recomputed by its operation's one rule on ``values``."""
    if node.op is None:
        return ()
    if all(values[p] == p.data for p in node.parents) and values[node] == node.data:
        return node.local_grads
    derivs = node.op.derivative(*(values[p] for p in node.parents), values[node])
    return tuple(float(d) for d in derivs)


class Plan:
    """A graph read once for many re-runs of the chain rule (every mistake of every exercise on it).

    It holds the backward order, each node's parents and local derivatives (per rounding), and the
    re-runs already made, keyed by their options: the catalogue asks the same re-run for many nodes
    (two passes, the "=" bug, a loss constant dropped), and a re-run gives every node's gradient.
    A plan describes the graph as it was read; a graph whose values change needs a new plan.
    """

    def __init__(self, root: Value):
        self.root = root
        self.order = backward_order(root)
        self.parents = {n: n.parents for n in self.order}
        self._locals: dict[tuple[int | None, bool], dict[Value, tuple[float, ...]]] = {
            (None, False): {n: n.local_grads for n in self.order}}
        self._runs: dict[tuple[object, ...], dict[Value, float]] = {}
        self._uses: dict[Value, list[Edge]] | None = None

    def uses(self, node: Value) -> list[Edge]:
        """The edges (n, k) into ``node``: the operation nodes behind root that take it as input k, in backward order."""
        if self._uses is None:
            self._uses = {}
            for n in self.order:
                for k, p in enumerate(self.parents[n]):
                    self._uses.setdefault(p, []).append((n, k))
        return self._uses.get(node, [])

    def gradient_with_edges(self, node: Value, local: Mapping[Edge, float]) -> float:
        """d(root)/d(node) when ``local`` replaces the local derivatives of edges *into* ``node``:
        the number ``gradients(root, local=local)[node]`` gives (the same sum in the same order),
        without re-running the graph, since the gradients above ``node`` do not change."""
        if any(self.parents[n][k] is not node for n, k in local):
            raise ValueError("gradient_with_edges: every edge must lead into the node")
        grads = gradients(self.root, plan=self)
        locals_ = self._locals[(None, False)]
        total = 1.0 if node is self.root else 0.0
        for n, k in self.uses(node):
            total = total + local.get((n, k), locals_[n][k]) * grads[n]
        return total

    def local_derivatives(self, decimals: int | None, round_locals: bool) -> dict[Value, tuple[float, ...]]:
        """Each operation node's local derivatives, on values rounded to ``decimals`` (and rounded themselves)."""
        key = (decimals, round_locals and decimals is not None)
        found = self._locals.get(key)
        if found is None:
            values = forward_values(self.root, decimals)
            found = {}
            for n in self.order:
                ds = local_derivatives(n, values)
                if decimals is not None and key[1]:
                    ds = tuple(round(d, decimals) for d in ds)
                found[n] = ds
            self._locals[key] = found
        return found


def gradients(
    root: Value,
    *,
    local: Mapping[Edge, float] | None = None,
    upstream: Mapping[Value, Value] | None = None,
    assign: bool = False,
    passes: int = 1,
    keep_intermediates: bool = False,
    decimals: int | None = None,
    round_locals: bool = False,
    plan: Plan | None = None,
) -> dict[Value, float]:
    """d(root)/d(n) for every node n behind root, computed with the given mistake injected.

    ``plan``: the graph already read (``Plan(root)``), shared by many re-runs; the result of a
    re-run made before with the same options is returned again (do not change it).
    """
    if passes < 1:
        raise ValueError(f"gradients: passes must be at least 1, got {passes!r}")
    if plan is None:
        plan = Plan(root)
    elif plan.root is not root:
        raise ValueError("gradients: the plan was made for another graph")
    key = (tuple((id(e[0]), e[1], d) for e, d in (local or {}).items()),
           tuple((id(a), id(b)) for a, b in (upstream or {}).items()),
           assign, passes, keep_intermediates, decimals, round_locals and decimals is not None)
    found = plan._runs.get(key)
    if found is not None:
        return found
    order = plan.order
    locals_ = plan.local_derivatives(decimals, round_locals)
    overrides = dict(local or {})
    overridden = {n for n, _ in overrides}
    swaps = dict(upstream or {})
    correct = gradients(root, plan=plan) if swaps else {}
    grads: dict[Value, float] = {}
    for _ in range(passes):
        if not keep_intermediates:
            for n in order:
                grads[n] = 0.0
        if keep_intermediates:
            grads[root] = 1.0  # micrograd sets the output's grad to 1 at each pass
        else:
            grads[root] = grads.get(root, 0.0) + 1.0 if root.op is None else 1.0
        for n, ps, ds in chain_rule(order, locals_.__getitem__):  # the engine's walk, with these local derivatives
            g = correct.get(swaps[n], 0.0) if n in swaps else grads.get(n, 0.0)
            if n in overridden:
                ds = tuple(overrides.get((n, k), d) for k, d in enumerate(ds))
            for p, d in zip(ps, ds):
                if assign:
                    grads[p] = d * g
                else:
                    grads[p] = grads.get(p, 0.0) + d * g
    plan._runs[key] = grads
    return grads
