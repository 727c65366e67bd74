"""The one label of every node: its name, or for an unnamed operation node an automatic name q₁, q₂, ….

``label_of(root)`` returns the ``Labels`` of root's graph. The derivation, the verdict, the
drawing, the animation and the lab's node list all ask it, so a node reads the same everywhere:

* a named node is its name;
* an unnamed node a learner made with an operation (a typed expression's steps, micrograd-style
  code, ``define_op`` operations) is ``q₁``, ``q₂``, … numbered in the order the nodes were made
  (parents before children), skipping a number whose label in any spelling (``q₁``, ``q_1``,
  ``q1``, ``q_{1}``) is already a node's name. The automatic names are short, stable (the same
  graph gives the same labels, in a copy too) and distinct from every name of the graph, as
  lecture notes write q = x + y. An expression would be longer than the formula it labels.
* the output of a loss (``roles.LOSS``) without a name is ``Loss`` when no node is named so and
  it is the only unnamed loss output; else it is numbered like the rest;
* a node a loss or softmax built inside itself (``roles.INNER``) and an unnamed constant have
  no label (None): a derivation folds the first into its loss's step and writes the second as its
  number.

``spellings()`` maps every way a learner may type an automatic name (``q_1``, ``q1``, ``q_{1}``)
to the label, for the checker to read back what the tools print. Nothing here recurses.
"""

from __future__ import annotations

from .engine import Value
from .roles import is_inner, is_loss
from .traversal import topological_order

__all__ = ["Labels", "label_of", "AUTOMATIC_PREFIX", "automatic_label", "spellings_of"]

AUTOMATIC_PREFIX = "q"
"""The letter of the automatic names."""
LOSS_LABEL = "Loss"
_SUBSCRIPTS = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")


def automatic_label(k: int) -> str:
    """The k-th automatic name: ``q₁`` for 1."""
    return AUTOMATIC_PREFIX + str(k).translate(_SUBSCRIPTS)


def spellings_of(k: int) -> tuple[str, ...]:
    """The ways to type the k-th automatic name besides ``q₁``: ``q_1``, ``q1``, ``q_{1}``."""
    return (f"{AUTOMATIC_PREFIX}_{k}", f"{AUTOMATIC_PREFIX}{k}", f"{AUTOMATIC_PREFIX}_{{{k}}}")


class Labels:
    """The label of every node of root's graph (see the module docstring); ``order`` is ``topological_order(root)``."""

    def __init__(self, root: Value, order: list[Value] | None = None):
        self.root = root
        self.order = order if order is not None else topological_order(root)
        names = {n.name for n in self.order if n.name is not None}
        self._automatic: dict[Value, str] = {}
        self._spellings: dict[str, str] = {}
        unnamed_losses = [n for n in self.order if n.name is None and is_loss(n)]
        loss_label = len(unnamed_losses) == 1 and LOSS_LABEL not in names
        k = 0
        for n in reversed(self.order):  # in the order the nodes were made
            if n.name is not None or n.op is None or is_inner(n):
                continue
            if loss_label and is_loss(n):
                self._automatic[n] = LOSS_LABEL
                continue
            k += 1
            while automatic_label(k) in names or any(s in names for s in spellings_of(k)):
                k += 1
            label = automatic_label(k)
            self._automatic[n] = label
            for spelling in spellings_of(k):
                self._spellings[spelling] = label

    def __call__(self, node: Value) -> str | None:
        """``node``'s label: its name, its automatic name, or None (a constant, a loss's inner node)."""
        if node.name is not None:
            return node.name
        return self._automatic.get(node)

    def is_automatic(self, node: Value) -> bool:
        """Whether ``node``'s label is an automatic name (it has no name of its own)."""
        return node.name is None and node in self._automatic

    def automatic(self) -> dict[Value, str]:
        """Every node with an automatic name, and that name."""
        return dict(self._automatic)

    def by_label(self) -> dict[str, list[Value]]:
        """Every label of the graph → the nodes that bear it (several when names repeat)."""
        out: dict[str, list[Value]] = {}
        for n in self.order:
            label = self(n)
            if label is not None:
                out.setdefault(label, []).append(n)
        return out

    def spellings(self) -> dict[str, str]:
        """Other spellings of the automatic names (``q_1``, ``q1``, ``q_{1}``) → the label (``q₁``)."""
        return dict(self._spellings)


def label_of(root: Value) -> Labels:
    """The ``Labels`` of root's graph: ``label_of(root)(node)`` is the node's one label (or None)."""
    if not isinstance(root, Value):
        raise TypeError(f"label_of: root must be a Value, got {type(root).__name__}")
    return Labels(root)
