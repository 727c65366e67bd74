"""The orders in which a graph is walked, without recursion, so graphs of any depth work.

* ``backward_order(root)``: the operation nodes behind ``root`` in the order ``backward()``
  visits them (``grad()`` and the animation follow it too);
* ``topological_order(root)``: ``root`` and every node it depends on, each before its
  parents (drawings, explanations and ``zero_grad`` use it).
"""

from __future__ import annotations

from operator import attrgetter
from typing import TYPE_CHECKING, Iterator

if TYPE_CHECKING:
    from .engine import Value

_creation_order = attrgetter("_order")


_value_class: list[type] = []  # [Value], looked up once: the engine imports this module, so not at the top


def _require_value(root: object, where: str) -> None:
    if not _value_class:
        from .engine import Value

        _value_class.append(Value)
    if not isinstance(root, _value_class[0]):
        raise TypeError(f"{where}: expected a Value, got {type(root).__name__}")


def backward_order(root: Value) -> list[Value]:
    """The operation nodes behind ``root`` in the order ``backward()`` visits them.

    ``root`` first, and every node before its parents, so each node's gradient is complete
    when it is passed on. Leaves are left out: they receive gradients but pass none on.
    A depth-first walk without recursion: ``path`` is the chain of nodes being explored, and a
    node is listed once each of its parents is a leaf or listed.
    """
    _require_value(root, "backward_order")
    if root.op is None:
        return []
    seen = {root}
    path = [root]
    order = []
    unexplored: dict[Value, Iterator[Value]] = {}  # a many-input node's parents not looked at yet
    while path:
        node = path[-1]
        a = node._a
        if a is None:  # a node of many inputs (dot): resume the scan of its parents
            parents = unexplored.get(node) or unexplored.setdefault(node, iter(node._inputs))  # type: ignore[attr-defined]
            for p in parents:
                if p.op is not None and p not in seen:
                    seen.add(p)
                    path.append(p)
                    break
            else:
                order.append(path.pop())
            continue
        if a.op is not None and a not in seen:
            seen.add(a)
            path.append(a)
            continue
        b = node._b
        if b is not None and b.op is not None and b not in seen:
            seen.add(b)
            path.append(b)
            continue
        order.append(path.pop())  # all its parents are listed: each node after its parents
    order.reverse()
    return order


def topological_order(root: Value) -> list[Value]:
    """``root`` and every node it depends on, each node before all of its parents.

    Collect the ancestors with an explicit stack, then sort by creation number (a node is
    always made after its parents).
    """
    _require_value(root, "topological_order")
    seen = {root}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return sorted(seen, key=_creation_order, reverse=True)
