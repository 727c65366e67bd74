"""Copying graphs: ``copy_graph``, and how Values (and so models) pickle and deep-copy, without recursion.

``copy_graph(root)`` makes a fresh copy of root's whole graph, node for node in the same
order, so that it draws, explains and animates exactly as the original (the lab works on
such copies). ``pickle``, ``copy.deepcopy`` and ``multiprocessing`` reach a Value through the reducer
registered here. A leaf is saved as its data, grad and name. A computed node is saved with
the graph behind it as one flat table, parents first: its leaves as Values (so a parameter
keeps its identity wherever else it is pickled in the same stream) and every other node as a
record. Loading rebuilds the nodes in that order, so each gets a creation number of the
process that loads it, after its parents': graph order never depends on the numbers of the
process that saved it. Interior nodes shared by two Values pickled separately are copied for
each; operations are saved by name (``Op.__reduce__``).
"""

from __future__ import annotations

import copyreg
from typing import Any, Sequence

from .engine import Value
from .ops import Op
from .roles import carry_role, role
from .traversal import topological_order

_Record = tuple[float, float, "str | None", Op, tuple[int, ...], tuple[float, ...], "str | None"]


def _reduce(value: Value) -> tuple[Any, ...]:
    if value.op is None:
        return (_leaf, (value.data, value.grad, value.name))
    nodes = topological_order(value)[::-1]  # parents first, `value` last
    leaves = [n for n in nodes if n.op is None]
    index = {n: i for i, n in enumerate(leaves)}
    records: list[_Record] = []
    for n in nodes:
        if n.op is not None:
            index[n] = len(index)
            records.append((n.data, n.grad, n.name, n.op, tuple(index[p] for p in n.parents), n.local_grads, role(n)))
    return (_rebuild, (leaves, records))


def _leaf(data: float, grad: float, name: str | None) -> Value:
    leaf = Value(data, name)
    leaf.grad = grad
    return leaf


def _rebuild(leaves: Sequence[Value], records: Sequence[_Record]) -> Value:
    nodes = list(leaves)
    for data, grad, name, op, parents, local, *marked in records:  # (records saved before roles had 6 fields)
        node = Value(data, name, op, tuple(nodes[i] for i in parents), tuple(local))
        node.grad = grad
        if marked and marked[0] is not None:
            node._role = marked[0]
        nodes.append(node)
    return nodes[-1]


def copy_graph(root: Value) -> tuple[Value, dict[Value, Value]]:
    """A copy of root's graph (every node new, in the same order) and the map from each node to its copy."""
    copies: dict[Value, Value] = {}
    for n in reversed(topological_order(root)):  # in the order the nodes were made
        new = Value(n.data, n.name, n.op, tuple(copies[p] for p in n.parents), n.local_grads)
        new.grad = n.grad
        carry_role(n, new)
        copies[n] = new
    return copies[root], copies


copyreg.pickle(Value, _reduce)
