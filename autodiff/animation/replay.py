"""The backward pass as frames: pure data, one frame per edge, in the engine's own order.

``frames(root)`` replays ``root.backward()`` one edge at a time, in the engine's order
(``backward_order``: each node before its parents) and with the engine's own numbers (each
node's ``local_grads``, computed once by the operation table in ``ops.py``). Nothing here knows
a derivative; the formula a frame holds is the same table rule, called on symbols (``Sym``).

* Frame 0 is the seed: d root/d root = 1.
* Then one frame per edge (node, parent): the node's gradient is complete (every node that
  uses it came earlier), so it multiplies its gradient (the *upstream* gradient) by the edge's
  local derivative and *adds* that contribution to the parent's gradient. A node used k times
  (000's shared bias ``b_1``; ``a + a``) receives k contributions, one frame each, and the
  frames show the running sum.

A frame holds numbers and nodes, no text: its caption is written when asked for, in any
language (``Frame.text(lang)``, see ``captions``). ``frames`` never changes ``.grad``.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterator, Mapping

from ..display import one_line
from ..engine import Value, backward_order, chain_rule
from ..i18n import resolve_language
from ..labels import Labels
from ..render import edge_formula, format_number
from ..symbolic import Sym
from ..traversal import topological_order
from . import captions

__all__ = ["Frame", "GradsSoFar", "frames", "format_value", "local_formula"]

format_value = format_number  # captions write numbers exactly as the drawings do


class GradsSoFar(Mapping[Value, 'float | None']):
    """Every node of the graph -> its gradient after a given frame, or None if none has reached it yet.

    A read-only view: the frames share one record of each node's successive gradients, so
    that many frames of a large graph cost memory in proportion to its edges, not edges × nodes.
    """

    __slots__ = ("_history", "_index")

    def __init__(self, history: Mapping[Value, tuple[list[int], list[float]]], index: int) -> None:
        self._history = history  # node -> (frame indices at which its gradient changed, the gradients)
        self._index = index

    def __getitem__(self, node: Value) -> float | None:
        indices, values = self._history[node]
        k = bisect_right(indices, self._index)
        return values[k - 1] if k else None

    def __iter__(self) -> Iterator[Value]:
        return iter(self._history)

    def __len__(self) -> int:
        return len(self._history)

    def __repr__(self) -> str:
        return f"<gradients after frame {self._index} of {len(self)} nodes>"


@dataclass(frozen=True, eq=False)
class Frame:
    """One step of the backward pass.

    ``index`` counts from 0 (the seed) to ``total - 1``. ``node`` is the current node (its
    gradient is complete). For the seed, ``parent`` and the edge fields are None. Otherwise
    the edge ``node -> parent`` (``parent_index``-th input of ``node``) is used:
    ``contribution = local * upstream`` is added to the parent's gradient, ``previous`` (None
    before its first contribution), which becomes ``accumulated``; it is the parent's
    ``received``-th of its ``receives`` contributions. ``grads`` maps every node of the graph to
    its gradient so far, or None if nothing has reached it yet. ``formula`` is the local
    derivative as a teacher writes it (None when it would mention an unnamed intermediate node).
    ``precision`` (significant digits) and ``lang`` are how ``caption`` writes it.
    """

    index: int
    total: int
    node: Value
    upstream: float
    parent: Value | None = None
    parent_index: int | None = None
    local: float | None = None
    contribution: float | None = None
    accumulated: float | None = None
    received: int | None = None
    receives: int | None = None
    formula: Sym | None = None
    grads: Mapping[Value, float | None] = field(default_factory=dict, repr=False)
    previous: float | None = None
    precision: int = 4
    lang: str = "en"
    labels: Labels | None = field(default=None, repr=False)  # the graph's one label of each node (q₁ for unnamed)

    @property
    def is_seed(self) -> bool:
        return self.parent is None

    @property
    def caption(self) -> str:
        """The words for this step in the frames' language (``text`` writes them in another)."""
        return self.text()

    def text(self, lang: str | None = None) -> str:
        """The words for this step: where we are, the local derivative, what is added, the running sum.

        In ``lang`` ('en', 'ko'; default: the language the frames were made in).
        """
        return captions.caption(self, self.lang if lang is None else resolve_language(lang))

    def __repr__(self) -> str:
        return one_line(f"Frame({self.index + 1}/{self.total} of the backward pass: {self.caption})")

    def edge_note(self, precision: int | None = None) -> str | None:
        """``local × upstream = contribution``, for the edge this frame uses (None for the seed)."""
        return captions.edge_note(self, self.precision if precision is None else precision)


def local_formula(node: Value, index: int, labels: Labels | None = None) -> Sym | None:
    """d(node)/d(parent ``index``) as a formula: the operation's own rule called on symbols.

    Labelled nodes become variables (``labels``, the graph's ``label_of``; by default names only)
    and unnamed leaves their numbers; None when the formula would need an unlabelled intermediate node.
    """
    def symbol(n: Value) -> Sym | None:
        label = labels(n) if labels is not None else n.name
        if label is not None:
            return Sym.var(label)
        return Sym.num(n.data) if n.op is None else None  # an unnamed leaf is a constant

    return edge_formula(node, index, {n: symbol(n) for n in (*node.parents, node)})


def frames(root: Value, *, precision: int = 4, lang: str | None = None) -> list[Frame]:
    """The backward pass of ``root`` as frames: the seed, then one frame per edge, in the engine's order.

    The numbers are the engine's: each edge's ``local_grads`` entry times the node's
    gradient, added (in this order, from 0) to the parent's gradient, exactly as
    ``backward()`` adds them. ``precision`` is the number of significant digits in captions;
    ``lang`` their language (default: ``AUTODIFF_LANG``, else the locale); ``Frame.text(lang)``
    writes a caption in any other.
    """
    if not isinstance(root, Value):
        raise TypeError(f"frames: expected a Value, got {type(root).__name__}")
    language = resolve_language(lang)
    order = topological_order(root)
    labels = Labels(root, order)  # the one label of each node, as the drawing and the derivations write it
    receives: dict[Value, int] = {}
    for node in order:
        for parent in node.parents:
            receives[parent] = receives.get(parent, 0) + 1
    total = 1 + sum(len(node.parents) for node in order)

    grads: dict[Value, float | None] = {node: None for node in order}
    grads[root] = 1.0
    history: dict[Value, tuple[list[int], list[float]]] = {node: ([], []) for node in order}
    history[root][0].append(0)
    history[root][1].append(1.0)
    received: dict[Value, int] = {}
    out = [Frame(0, total, root, 1.0, grads=GradsSoFar(history, 0), precision=precision, lang=language,
                 labels=labels)]
    for node, parents, local_grads in chain_rule(backward_order(root)):  # the engine's own walk, edge by edge
        upstream = grads[node]
        for i, (parent, local) in enumerate(zip(parents, local_grads)):
            assert upstream is not None  # every node that uses `node` came before it
            contribution = local * upstream
            before = grads[parent]
            accumulated = (0.0 if before is None else before) + contribution  # as backward(): 0.0 += ...
            grads[parent] = accumulated
            index = len(out)
            history[parent][0].append(index)
            history[parent][1].append(accumulated)
            received[parent] = k = received.get(parent, 0) + 1
            out.append(Frame(
                index, total, node, upstream, parent, i, local, contribution, accumulated, k, receives[parent],
                local_formula(node, i, labels), GradsSoFar(history, index), before, precision, language, labels,
            ))
    return out
