"""The lab's graphs: a private copy of a user's graph, re-evaluated when a value changes.

``LabGraph`` holds the lab's own copy of a computation graph (the caller's Values are never
touched), its neuron boxes and its parameters by position, a lock, and the loss after each
gradient-descent step. A change (a leaf's new value, a descent step) builds a new copy: the
recorded graph replayed in topological order, each node made again by its own operation
(``node.op``, whose forward rule computes the value and whose derivative rule the local
gradients), then ``backward()``; a change that fails (a domain error) leaves the graph as it was.

``GraphStore`` keeps a bounded number of graphs, the least recently used dropped first.
The graphs a learner can pick (the five documents, the classic examples) are made here too;
a small network from the page's form, in ``networks.py``.
"""

from __future__ import annotations

import math
import re
import secrets
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

from ..render import DEFAULT_MAX_EDGES, check_size
from ..copying import copy_graph
from ..expression import MAX_VALUES_LENGTH, build_expression, parse_values
from ..formula import MAX_FORMULA_LENGTH
from ..i18n import N_, lookup, translate
from ..paths import resolve_node
from ..roles import carry_role
from ..dotnode import dot
from ..engine import Value, is_recording
from ..traversal import topological_order
from ..render import DEFAULT_MAX_NODES, node_ids

MAX_NODES = DEFAULT_MAX_NODES
"""The lab refuses graphs with more Value nodes than this (the renderer's limit)."""
MAX_EDGES = DEFAULT_MAX_EDGES
"""... and with more edges than this, before any layout."""
MAX_GRAPHS = 32
"""The store keeps this many graphs; the least recently used is dropped first."""
MAX_HISTORY = 1000
"""Points (descent steps and value edits) remembered in the loss plot."""
HISTORY_KINDS = ("start", "edit", "step")
"""What each point of the loss history is: the first value, after a value edit, after a descent step."""


class LabError(ValueError):
    """A request the lab refuses, with the HTTP status to answer and anything the page can show."""

    def __init__(self, message: str, status: int = 400, **extra: Any) -> None:
        super().__init__(message)
        self.message, self.status, self.extra = message, status, extra


def reevaluate(root: Value, data: Mapping[int, float]) -> Value:
    """``root``'s graph evaluated again with new leaf values: a new graph, each node made again by its operation.

    ``data`` maps a leaf's position in ``topological_order(root)`` to its new value; the other
    leaves keep theirs. Parents first (topological order), every computed node is made again by
    its own operation (``node.op``), so its value comes from the operation's forward rule and
    its local derivatives from its derivative rule; the new graph has the same nodes in the
    same order (so the same drawing and node ids). Nothing of ``root``'s graph is changed.
    Raises the engine's error (ValueError, ...) when an operation's domain excludes a new value.
    """
    if not is_recording():
        raise LabError("the lab cannot re-evaluate a graph inside `with no_grad():`")
    order = topological_order(root)
    position = {node: k for k, node in enumerate(order)}
    made: dict[Value, Value] = {}
    for node in reversed(order):  # parents first, so the copy's order is the same as the original's
        if node.op is None:
            new = Value(data.get(position[node], node.data), node.name)
        else:
            parents = [made[p] for p in node.parents]
            if node.op.name == "dot":
                n = len(parents) // 2
                new = dot(parents[:n], parents[n:2 * n], parents[-1] if len(parents) % 2 else None)
            else:
                new = node.op.apply(*parents)
            if not isinstance(new, Value) or new.op is None or new.op.name != node.op.name:
                raise LabError(f"the lab cannot replay the operation {node.op.name!r}")
            new.name = node.name
            carry_role(node, new)  # a loss's inner nodes stay one step in the copy's derivations
        made[node] = new
    return made[root]


@dataclass
class LabGraph:
    """One graph of the lab: its own copy of the Values, drawn and explained on request."""

    title: str
    root: Value
    clusters: list[tuple[str, list[int]]]  # label -> positions in topological_order(root)
    params: list[int]  # positions of the leaves a descent step changes
    gid: str = field(default_factory=lambda: "g" + secrets.token_hex(6))
    losses: list[float] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # one of HISTORY_KINDS per loss
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    svg: str | None = field(default=None, repr=False)  # the current layout, made on first use
    title_values: dict[str, str] | None = None  # when given, ``title`` is a catalogue template filled with them
    rebuild: Callable[[dict[str, float]], tuple[Value, Any]] | None = field(default=None, repr=False)
    """When given (a network), a change builds the graph again from its spec with the named leaves' values."""
    source: dict[str, Any] | None = None  # what POST /api/graph was given (a case, expression, network); None: show()

    def __post_init__(self) -> None:
        self._index()
        if not self.losses:
            self.losses.append(self.root.data)
        self.kinds = (self.kinds + ["start"] * len(self.losses))[:len(self.losses)]
        self.initial = {k: n.data for k, n in enumerate(self.order) if n.op is None}

    def _index(self) -> None:
        self.order = topological_order(self.root)
        self.ids = node_ids(self.root)
        self.by_id = {vid: node for node, vid in self.ids.items()}
        self.root.zero_grad()  # the lab's own copy: the gradients of one fresh pass
        self.root.backward()

    def cluster_map(self) -> dict[str, list[Value]]:
        return {label: [self.order[k] for k in members] for label, members in self.clusters}

    def resolve(self, ref: object) -> Value:
        """A node by its id (``v3``) or by its name, when exactly one node has that name."""
        if not isinstance(ref, str) or not ref:
            raise LabError(f"node must be a node id or a node name (a non-empty string), got {ref!r}")
        if ref in self.by_id:
            return self.by_id[ref]
        try:
            return resolve_node(self.root, ref, "lab")[1]
        except ValueError as error:
            found = [n for n in self.order if n.name == ref]
            if not found:
                raise LabError(f"no node has the id or the name {ref!r}", 404) from None
            candidates = [{"id": self.ids[n], "name": n.name, "data": n.data if math.isfinite(n.data) else str(n.data)}
                          for n in found]
            raise LabError(f"{len(found)} nodes are named {ref!r}; give one of their ids", 409,
                           candidates=candidates, detail=str(error)) from None

    def replace(self, data: Mapping[int, float]) -> None:
        """Re-evaluate the graph with new leaf values (then backward); unchanged if that fails.

        A graph with ``rebuild`` (a network) is built again from its spec, so every build-time
        rule (``bce_loss``'s guard near 0 and 1) holds as when it was first built; any other is
        replayed operation by operation (``reevaluate``).
        """
        try:
            if self.rebuild is None:
                new = reevaluate(self.root, data)
            else:
                new, model = self.rebuild(self._named_values(data))
        except LabError:
            raise
        except (ArithmeticError, ValueError) as error:
            raise LabError(f"the graph cannot be evaluated with that value: {error}", 422) from None
        if self.rebuild is not None:
            self.clusters, self.params = structure(new, model)
        self.root = new
        self._index()
        self.svg = None

    def _named_values(self, data: Mapping[int, float]) -> dict[str, float]:
        """Every named leaf's value, with ``data``'s changes (by position): what a rebuild starts from."""
        values = {n.name: n.data for n in self.order if n.op is None and n.name is not None}
        for k, x in data.items():
            name = self.order[k].name
            if name is None and x == self.order[k].data:
                continue  # a constant given as it is (a page's whole snapshot of the leaves)
            if name is None:
                raise LabError(f"a constant of this network ({self.label(self.order[k])}) cannot be changed", 422)
            values[name] = x
        return values

    def set_value(self, node: Value, value: float) -> None:
        self.set_values({node: value})

    def set_values(self, values: Mapping[Value, float], record: bool = True) -> None:
        """New values for leaves, at once; the loss history records the edit (a point of kind "edit")."""
        for node in values:
            if node.op is not None:
                raise LabError(f"only a leaf's value can be changed; {self.label(node)} is computed by "
                               f"{node.op.name}", 422)
        position = {n: k for k, n in enumerate(self.order)}
        self.replace({position[n]: x for n, x in values.items()})
        if record:
            self._record("edit")

    def descend(self, lr: float) -> None:
        """One gradient-descent step on the parameters: p ← p − lr·∂root/∂p."""
        if not self.params:
            raise LabError("this graph has no parameters to change", 422)
        self.replace({k: self.order[k].data - lr * self.order[k].grad for k in self.params})
        self._record("step")

    def _record(self, kind: str) -> None:
        self.losses.append(self.root.data)
        self.kinds.append(kind)
        del self.losses[:-MAX_HISTORY], self.kinds[:-MAX_HISTORY]

    def set_history(self, losses: Sequence[float], kinds: Sequence[str]) -> None:
        """The loss history as a saved page had it (its last point is the loss now, recomputed here)."""
        if len(losses) != len(kinds) or not 1 <= len(losses) <= MAX_HISTORY or any(k not in HISTORY_KINDS
                                                                                    for k in kinds):
            raise LabError(f"history: losses and kinds must be 1 to {MAX_HISTORY} points of the same length, "
                           f"each kind one of {', '.join(HISTORY_KINDS)}")
        self.losses = [finite_number(x, "history: a loss") for x in losses[:-1]] + [self.root.data]
        self.kinds = list(kinds)

    def shown_title(self) -> str:
        """The title in the language of the request (a document's or an example's, translated)."""
        if self.title_values is not None:
            return translate(self.title, **self.title_values)
        return lookup(self.title)

    def label(self, node: Value) -> str:
        return repr(node.name) if node.name is not None else f"node {self.ids[node]}"


def lab_graph(root: Value, title: str, model: Any = None, params: Sequence[Value] | None = None,
              title_values: dict[str, str] | None = None) -> LabGraph:
    """The lab's graph for ``root`` (a copy), with ``model``'s neuron boxes and parameters."""
    if not isinstance(root, Value):
        raise LabError(f"expected a Value as the graph's root, got {type(root).__name__}")
    check_size(root, max_nodes=MAX_NODES, max_edges=MAX_EDGES, where="lab")
    clusters, positions = structure(root, model, params)
    copy, _ = copy_graph(root)
    return LabGraph(title, copy, clusters, positions, title_values=title_values)


def structure(root: Value, model: Any = None,
              params: Sequence[Value] | None = None) -> tuple[list[tuple[str, list[int]]], list[int]]:
    """``model``'s neuron boxes and the parameters' positions in ``topological_order(root)``."""
    order = topological_order(root)
    position = {node: k for k, node in enumerate(order)}
    clusters: list[tuple[str, list[int]]] = []
    if model is not None:
        if not callable(getattr(model, "clusters", None)):
            raise LabError(f"model must have a clusters(root) method (an nn module), got {type(model).__name__}")
        for label, members in model.clusters(root).items():
            clusters.append((str(label), [position[m] for m in members if m in position]))
        if params is None and callable(getattr(model, "parameters", None)):
            params = list(model.parameters())
    if params is None:
        params = [n for n in order if n.op is None and n.name is not None]
    return clusters, [position[p] for p in params if p in position]


class GraphStore:
    """The lab's graphs by id, at most ``limit`` of them (least recently used dropped), thread-safe."""

    def __init__(self, limit: int = MAX_GRAPHS) -> None:
        self.limit = limit
        self._graphs: OrderedDict[str, LabGraph] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, graph: LabGraph) -> LabGraph:
        with self._lock:
            self._graphs[graph.gid] = graph
            while len(self._graphs) > self.limit:
                self._graphs.popitem(last=False)
        return graph

    def get(self, gid: object) -> LabGraph:
        if not isinstance(gid, str):
            raise LabError(f"graph must be a graph id (a string), got {gid!r}")
        with self._lock:
            graph = self._graphs.get(gid)
            if graph is None:  # "missing": the page builds it again from what it kept
                raise LabError(f"no graph {gid!r} (the lab keeps the {self.limit} most recently used; open it again)",
                               404, missing="graph")
            self._graphs.move_to_end(gid)
            return graph

    def __len__(self) -> int:
        return len(self._graphs)


# --- the graphs a learner picks ---------------------------------------------------------------

def _neuron() -> Value:
    """micrograd's lecture neuron: o = tanh(x1·w1 + x2·w2 + b)."""
    x1, x2 = Value(2.0, "x1"), Value(0.0, "x2")
    w1, w2 = Value(-3.0, "w1"), Value(1.0, "w2")
    b = Value(6.8813735870195432, "b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o


def _twice() -> Value:
    """b = a + a: one node used twice, so its gradient is a sum of two equal terms."""
    a = Value(3.0, "a")
    b = a + a
    b.name = "b"
    return b


def _diamond() -> Value:
    """f = u·v with u = x², v = σ(x): two paths from f back to x."""
    x = Value(1.5, "x")
    u = x * x
    u.name = "u"
    v = x.sigmoid()
    v.name = "v"
    f = u * v
    f.name = "f"
    return f


EXAMPLES: dict[str, tuple[str, Callable[[], Value]]] = {
    "neuron": (N_("A single neuron, o = tanh(x1·w1 + x2·w2 + b), as in micrograd's lecture"), _neuron),
    "twice": (N_("A node used twice: b = a + a"), _twice),
    "diamond": (N_("A diamond: f = x²·σ(x), two paths back to x"), _diamond),
}


def case_list() -> list[dict[str, str]]:
    """Every graph the page offers by name: the five documents, then the classic examples."""
    from nn import reference

    out = [{"id": sid[:3], "title": lookup(reference.build(sid[:3]).title), "kind": "document"}
           for sid in reference.SEED_IDS]
    out += [{"id": key, "title": lookup(title), "kind": "example"} for key, (title, _) in EXAMPLES.items()]
    return out


def case_graph(case: object) -> LabGraph:
    """A document's network on its golden instance ('000' ... '004'), or a classic example by id."""
    from nn import reference

    if not isinstance(case, str):
        raise LabError(f"case must be a string such as '000' or 'neuron', got {case!r}")
    if case in EXAMPLES:
        title, make = EXAMPLES[case]
        return lab_graph(make(), title)
    if case not in {sid[:3] for sid in reference.SEED_IDS}:
        known = ", ".join([sid[:3] for sid in reference.SEED_IDS] + list(EXAMPLES))
        raise LabError(translate("no case {case}; the cases are {cases}", case=repr(case), cases=known), 404)
    built = reference.build(case)
    return lab_graph(built.loss(), built.title, built.model)


def finite_number(x: object, what: str) -> float:
    """``x`` as a float when it is a finite number (an int too large for a float is not); else a 400."""
    if isinstance(x, bool) or not isinstance(x, (int, float)):
        raise LabError(f"{what} must be a finite number, got {_shown(x)}")
    try:
        value = float(x)
    except OverflowError:
        raise LabError(f"{what} must be a finite number, got an integer of {len(str(abs(int(x))))} digits") from None
    if not math.isfinite(value):
        raise LabError(f"{what} must be a finite number, got {x!r}")
    return value


def _shown(x: object) -> str:
    text = repr(x)
    return text if len(text) <= 60 else text[:57] + "..."


def expression_graph(text: object, values: object) -> LabGraph:
    """A graph from a typed expression and values for its leaves (``autodiff.expression``).

    ``values`` is an object (name -> number) or text such as ``"x1=2, w1=-3"`` (``parse_values``).
    Text that cannot be read is a 400 whose ``position`` says where, and ``field`` in which box.
    """
    if not isinstance(text, str):
        raise LabError(f"expression must be a string, got {type(text).__name__}")
    if len(text) > MAX_FORMULA_LENGTH:
        raise LabError(f"the expression is {len(text)} characters long; the lab reads at most {MAX_FORMULA_LENGTH}",
                       413)
    if isinstance(values, str):
        if len(values) > MAX_VALUES_LENGTH:
            raise LabError(f"the values are {len(values)} characters long; at most {MAX_VALUES_LENGTH}", 413)
        text_values = values
        values = _with_position(lambda: parse_values(text_values), "values")
    if values is None:
        values = {}
    if not isinstance(values, dict):
        raise LabError("values must map leaf names to numbers, as an object or as text such as 'x1=2, w1=-3'")
    for name, x in values.items():
        try:
            finite_number(x, f"values: {name}")
        except LabError as error:
            raise LabError(error.message, 400, position=None, field="values") from None
    given = values
    root = _with_position(lambda: build_expression(text, given), "expression")
    if root.op is not None and root.name is None and all(n.name != "f" for n in topological_order(root)):
        root.name = "f"  # the result, as the command line and the lectures call it (unless the text names it)
    return lab_graph(root, N_("Your expression: {expression}"), title_values={"expression": text.strip()})


_FIELDS = {"expression": N_("expression"), "values": N_("values")}  # the boxes' names, before an error


def _with_position(make: Callable[[], Any], what: str) -> Any:
    """Run a parser; its error becomes a 400 that says where (``position``) the text cannot be read."""
    try:
        return make()
    except LabError:
        raise
    except (ValueError, TypeError, ArithmeticError) as error:
        position = getattr(error, "position", None)
        reason = getattr(error, "reason", None) or str(error)
        if position is None:  # parse_values names the position in its message
            found = re.search(r"at position (\d+)", reason)
            position = int(found.group(1)) if found else None
        field_name = getattr(error, "field", what)  # a value nothing uses is the values box's error
        raise LabError(f"{lookup(_FIELDS.get(field_name, field_name))}: {reason}", 400, position=position,
                       field=field_name) from None

