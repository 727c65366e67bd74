"""``topological_order(root)``: ``root`` and every node it depends on, each before its parents.

The order drawings, explanations, copies and the tools list a graph's nodes in (``backward()``'s
own order, of the operation nodes only, is ``engine.backward_order``). Without recursion.
"""

from __future__ import annotations

from operator import attrgetter

from .engine import Value

_creation_order = attrgetter("_order")


def topological_order(root: Value) -> list[Value]:
    """``root`` and every node it depends on, each node before all of its parents.

    Collect the ancestors with an explicit stack, then sort by creation number (a node is
    always made after its parents).
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__}")
    seen = {root}
    stack = [root]
    while stack:
        for parent in stack.pop().parents:
            if parent not in seen:
                seen.add(parent)
                stack.append(parent)
    return sorted(seen, key=_creation_order, reverse=True)
