"""The lab's graphs: a private copy of a user's graph, re-evaluated when a value changes.

``LabGraph`` holds the lab's own copy of a computation graph (the caller's Values are never
touched), its neuron boxes and its parameters by position, a lock, and the loss after each
gradient-descent step. A change (a leaf's new value, a descent step) builds a new copy: the
recorded graph replayed in topological order, each node made again by its own operation
(``node.op``, whose forward rule computes the value and whose derivative rule the local
gradients), then ``backward()``; a change that fails (a domain error) leaves the graph as it was.

``GraphStore`` keeps a bounded number of graphs, the least recently used dropped first.
The graphs a learner can pick (the five documents, the classic examples, a small network)
are made here too.
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
"""Descent steps remembered in the loss plot."""


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
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    svg: str | None = field(default=None, repr=False)  # the current layout, made on first use
    title_values: dict[str, str] | None = None  # when given, ``title`` is a catalogue template filled with them

    def __post_init__(self) -> None:
        self._index()
        if not self.losses:
            self.losses.append(self.root.data)

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
        """Re-evaluate the graph with new leaf values (then backward); unchanged if that fails."""
        try:
            new = reevaluate(self.root, data)
        except LabError:
            raise
        except (ArithmeticError, ValueError) as error:
            raise LabError(f"the graph cannot be evaluated with that value: {error}", 422) from None
        self.root = new
        self._index()
        self.svg = None

    def set_value(self, node: Value, value: float) -> None:
        if node.op is not None:
            raise LabError(f"only a leaf's value can be changed; {self.label(node)} is computed by {node.op.name}", 422)
        self.replace({self.order.index(node): value})

    def descend(self, lr: float) -> None:
        """One gradient-descent step on the parameters: p ← p − lr·∂root/∂p."""
        if not self.params:
            raise LabError("this graph has no parameters to change", 422)
        self.replace({k: self.order[k].data - lr * self.order[k].grad for k in self.params})
        self.losses.append(self.root.data)
        del self.losses[:-MAX_HISTORY]

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
    copy, _ = copy_graph(root)
    return LabGraph(title, copy, clusters, [position[p] for p in params if p in position], title_values=title_values)


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
            if graph is None:
                raise LabError(f"no graph {gid!r} (the lab keeps the {self.limit} most recently used; open it again)",
                               404)
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


NETWORK_LIMITS = {"inputs": 6, "layers": 4, "width": 8, "samples": 4}
LOSSES = ("mse", "half_sse", "bce")
ACTIVATIONS = ("sigmoid", "tanh", "relu", "linear")


def _number(x: object, what: str) -> float:
    if isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x):
        raise LabError(translate("network: {what} must be a finite number, got {value}", what=lookup(what), value=repr(x)))
    return float(x)


def network_graph(spec: object) -> LabGraph:
    """A small ``nn.MLP`` with a loss, from the page's network form.

    ``{"inputs": [[x1, x2], ...] (one list per sample), "targets": [[t], ...], "sizes": [3, 1],
    "activations": ["sigmoid", "sigmoid"], "bias": "on" | "off" | "shared", "loss": "mse" |
    "half_sse" | "bce", "seed": 0}``. Bounded: a few inputs, layers, units and samples.
    """
    from nn import MLP, bce_loss, half_sse_loss, mse_loss

    if not isinstance(spec, dict):
        raise LabError(f"network must be an object, got {type(spec).__name__}")
    unknown = set(spec) - {"inputs", "targets", "sizes", "activations", "bias", "loss", "seed"}
    if unknown:
        raise LabError(f"network: unknown fields {sorted(unknown)}")
    samples, targets = spec.get("inputs"), spec.get("targets")
    sizes = spec.get("sizes", [2, 1])
    lim = NETWORK_LIMITS
    if not isinstance(samples, list) or not samples or not all(isinstance(s, list) and s for s in samples):
        raise LabError(translate("network: inputs must be a non-empty list of samples, each a non-empty list of numbers"))
    if len(samples) > lim["samples"]:
        raise LabError(translate("network: at most {limit} samples, got {count}", limit=lim["samples"], count=len(samples)),
                       413)
    nin = len(samples[0])
    if nin > lim["inputs"] or any(len(s) != nin for s in samples):
        raise LabError(translate("network: every sample needs the same number of inputs, at most {limit}",
                                 limit=lim["inputs"]))
    if not isinstance(sizes, list) or not sizes or len(sizes) > lim["layers"] or not all(
            isinstance(n, int) and not isinstance(n, bool) and 1 <= n <= lim["width"] for n in sizes):
        raise LabError(translate("network: sizes must be 1 to {layers} layer sizes, each 1 to {width}",
                                 layers=lim["layers"], width=lim["width"]))
    if not isinstance(targets, list) or len(targets) != len(samples) or not all(
            isinstance(t, list) and len(t) == sizes[-1] for t in targets):
        raise LabError(translate("network: targets must hold one list of {count} numbers per sample", count=sizes[-1]))
    activations = spec.get("activations", ["sigmoid"] * len(sizes))
    if not isinstance(activations, list) or len(activations) != len(sizes) or any(a not in ACTIVATIONS
                                                                                   for a in activations):
        raise LabError(translate("network: activations must list one of {names} per layer", names=", ".join(ACTIVATIONS)))
    bias = spec.get("bias", "on")
    if bias not in ("on", "off", "shared"):
        raise LabError(translate("network: bias must be 'on', 'off' or 'shared'"))
    loss_name = spec.get("loss", "mse")
    if loss_name not in LOSSES:
        raise LabError(translate("network: loss must be one of {names}", names=", ".join(LOSSES)))
    seed = spec.get("seed", 0)
    if isinstance(seed, bool) or not isinstance(seed, int) or not 0 <= seed < 2**31:
        raise LabError(translate("network: seed must be a whole number from 0 to {limit}", limit=2**31 - 1))
    xs = [[_number(x, N_("an input")) for x in s] for s in samples]
    ts = [[_number(t, N_("a target")) for t in row] for row in targets]
    if loss_name == "bce" and any(not 0 <= t <= 1 for row in ts for t in row):
        raise LabError(translate("network: binary cross-entropy needs targets between 0 and 1"))
    bias_arg: Any = {"on": True, "off": False}.get(bias) if bias != "shared" else [Value(0.0, f"b{k}") for k in range(1, len(sizes) + 1)]
    try:
        model = MLP(nin, sizes, activations=activations, bias=bias_arg, seed=seed)
    except (ValueError, TypeError) as error:
        raise LabError(f"network: {error}") from None
    predictions: list[Value] = []
    target_values: list[Value] = []
    for k, (sample, row) in enumerate(zip(xs, ts), start=1):
        suffix = f"_{k}" if len(xs) > 1 else ""
        out = model([Value(x, f"x{i}{suffix}") for i, x in enumerate(sample, start=1)])
        outs = out if isinstance(out, list) else [out]
        predictions += outs
        target_values += [Value(t, f"t{j}{suffix}" if len(row) > 1 else f"t{suffix}") for j, t in enumerate(row, 1)]
    loss_fn = {"mse": mse_loss, "half_sse": half_sse_loss, "bce": bce_loss}[loss_name]
    loss = loss_fn(predictions, target_values)
    loss.name = "Loss"
    layers = " → ".join(str(n) for n in [nin, *sizes])
    return lab_graph(loss, N_("Network {layers} ({activations}), {loss} loss"), model,
                     title_values={"layers": str(layers), "activations": ", ".join(activations), "loss": str(loss_name)})


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
    given = values
    root = _with_position(lambda: build_expression(text, given), "expression")
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
        raise LabError(f"{lookup(_FIELDS.get(what, what))}: {reason}", 400, position=position, field=what) from None

