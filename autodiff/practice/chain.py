"""The chain rule re-run on a graph with one learner's mistake injected.

``gradients(root, ...)`` walks the graph in ``backward_order`` exactly as ``backward()`` does,
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

from ..engine import Value
from ..engine import backward_order, chain_rule
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
) -> dict[Value, float]:
    """d(root)/d(n) for every node n behind root, computed with the given mistake injected."""
    if passes < 1:
        raise ValueError(f"gradients: passes must be at least 1, got {passes!r}")
    order = backward_order(root)
    values = forward_values(root, decimals)
    locals_: dict[Value, tuple[float, ...]] = {}
    for n in order:
        ds = local_derivatives(n, values)
        if round_locals and decimals is not None:
            ds = tuple(round(d, decimals) for d in ds)
        locals_[n] = ds
    overrides = dict(local or {})
    swaps = dict(upstream or {})
    correct = gradients(root) if swaps else {}
    grads: dict[Value, float] = {}
    for _ in range(passes):
        if not keep_intermediates:
            for n in order:
                grads[n] = 0.0
        if keep_intermediates:
            grads[root] = 1.0  # micrograd sets the output's grad to 1 at each pass
        else:
            grads[root] = grads.get(root, 0.0) + 1.0 if root.op is None else 1.0
        for n, parents, local_grads in chain_rule(order, locals_.__getitem__):
            g = correct.get(swaps[n], 0.0) if n in swaps else grads.get(n, 0.0)
            for k, (p, d) in enumerate(zip(parents, local_grads)):
                d = overrides.get((n, k), d)
                if assign:
                    grads[p] = d * g
                else:
                    grads[p] = grads.get(p, 0.0) + d * g
    return grads
