"""For drawing a network: which nodes of a graph belong to which neuron (``render.draw(model=...)``).

``neuron_clusters(neurons, root)`` gives ``"neuron <label>"`` -> that neuron's part of ``root``'s
graph: its own parameters, its pre-activation (the ``dot`` node) and its activation. The
renderer and the animation draw each part as a labelled box; ``Module.clusters`` calls this.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Sequence

from autodiff import Value, topological_order

if TYPE_CHECKING:
    from .module import Neuron

__all__ = ["neuron_clusters", "neuron_members"]


def neuron_members(neuron: Neuron, out: Value) -> list[Value] | None:
    """``neuron``'s nodes behind its output node ``out``, or None if ``out`` is not its output:
    ``out``, its ``dot`` node (when ``out`` is an activation), the weights and an own bias."""
    z = out
    if neuron.activation != "linear":
        if out.op is None or out.op.name != neuron.activation:
            return None
        z = out.parents[0]
    mine = [*neuron.w, *z.parents[neuron.nin : 2 * neuron.nin]] + ([] if neuron.b is None else [neuron.b])
    if z.op is None or z.op.name != "dot" or list(z.parents) != mine:  # dot(its weights, inputs, its bias)
        return None
    members = [out, z] if z is not out else [out]
    members += neuron.w
    if neuron.b is not None and not neuron.shares_bias:
        members.append(neuron.b)
    return members


def neuron_clusters(neurons: Sequence[Neuron], root: Value) -> dict[str, list[Value]]:
    """``"neuron <label>"`` -> the nodes of that neuron's part of ``root``'s graph.

    A neuron called several times (one call per sample, told apart by the suffix of the call)
    gives one cluster per call: ``"neuron h1_1[2]"``. A node that would be in several clusters
    (000's shared ``b_1``; a parameter used once per sample) belongs to none of them. Nothing
    here recurses.
    """
    by_name: dict[str, list[Value]] = {}
    for node in reversed(topological_order(root)):  # oldest first: sample 1 before sample 2
        if node.name is not None and not node.is_leaf:
            by_name.setdefault(node.name, []).append(node)
    found: dict[str, list[Value]] = {}
    for neuron in neurons:
        out = neuron.output_name
        for name, nodes in by_name.items():
            if not name.startswith(out):
                continue
            for node in nodes:
                members = neuron_members(neuron, node)
                if members is not None:
                    found[f"neuron {neuron.name}{name[len(out):]}"] = members
    count: dict[int, int] = {}
    for members in found.values():
        for node in members:
            count[id(node)] = count.get(id(node), 0) + 1
    return {label: [n for n in members if count[id(n)] == 1] for label, members in found.items()}
