"""Draw a computation graph the way a teacher draws it on the board, with Graphviz.

``draw(root)`` returns a ``graphviz.Digraph``: one box per Value (its label, data and grad),
one small circle per operation, and one edge per use of a value (``a + a`` draws two), each
labelled with its local derivative d(result)/d(input): the number the engine multiplies by in
``backward()`` and, with ``edge_symbols=True``, the formula, which comes from the operation's
one derivative rule in ``ops.py`` called on symbols (``Sym``). Nothing here knows a derivative.

``save(root_or_graph, "graph.svg")`` writes .svg, .png, .pdf or .dot. In Jupyter the returned
graph displays inline. Building the DOT text needs only Python; rendering it needs Graphviz's
``dot`` program, and without it ``GraphvizNotFoundError`` says how to install it.

Everything is deterministic: node ids come from the traversal order (``node_ids``), so the
same graph always gives the same DOT text, byte for byte. A node's label is its one label
(``labels.label_of``: its name, or the automatic name q₁, q₂, … the derivations use). Nothing
here recurses.
"""

from __future__ import annotations

import math
import os
import shutil
import subprocess
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

import graphviz

from .display import fit_svg_to_width, svg_as_html
from .drawing_text import (
    _check_in_graph, _font, _html, _symbols, display_text, edge_formula, format_number, graph_symbols, node_ids,
)
from .engine import Value
from .traversal import topological_order
from .formatting import format_number as _format
from .i18n import N_, resolve_language, translate, translate_plural
from .labels import Labels
from .paths import count_paths, paths_between, reaching
from .symbolic import Sym

__all__ = [
    "draw", "save", "node_ids", "count_paths", "paths_between", "edge_formula", "graph_symbols", "format_number",
    "display_text",
    "DEFAULT_MAX_NODES", "MAX_NAME_LENGTH", "GraphTooLargeError", "GraphvizNotFoundError", "RenderError", "Graph",
    "DEFAULT_MAX_EDGES", "DOT_TIMEOUT", "check_size", "render_svg",
]

DEFAULT_MAX_NODES = 500
NO_BACKWARD_YET = N_("no backward pass yet: every grad is 0 (call backward() on the output first)")
"""The line a drawing shows when every gradient in it is still 0."""
MAX_NAME_LENGTH = 500
"""Longer node names are refused: Graphviz cannot hold a label of more than 16,384 characters."""
"""Graphs with more Value nodes than this are refused (pass ``max_nodes=None`` to draw them anyway)."""

INSTALL_HINT = (
    "Install Graphviz, which provides the `dot` program: `sudo apt-get install graphviz` (Debian/Ubuntu), "
    "`brew install graphviz` (macOS), `conda install -c conda-forge graphviz`, or see "
    "https://graphviz.org/download/ (the Python package `graphviz` alone is not enough). "
    "Building the DOT text (`graph.source`, or saving to .dot) works without it."
)

NEURON_LABEL = N_("neuron {name}")
"""The label of a network's neuron in a drawing (``Module.clusters`` names them ``"neuron h1"``)."""

# Colours (a colour-blind-safe pair: orange for highlighted paths, blue for the current step).
_HIGHLIGHT = "#e6550d"
_HIGHLIGHT_FILL = "#fee6ce"
_FOCUS = "#2171b5"
_FOCUS_FILL = "#deebf7"
_LEAF_FILL = "#f0f0f0"
_UNKNOWN = "#969696"
_FONT = "Helvetica,Arial,sans-serif"  # Hangul: fontconfig falls back to an installed CJK font (fonts-noto-cjk)


class RenderError(RuntimeError):
    """Graphviz's ``dot`` ran but failed, or ran past its time limit; the message has what it said."""


class GraphTooLargeError(ValueError):
    """The graph has more nodes than ``max_nodes``."""


class GraphvizNotFoundError(graphviz.ExecutableNotFound):
    """Rendering needs Graphviz's ``dot`` program, and it is not on the PATH."""

    def __init__(self, detail: str = "") -> None:
        message = f"rendering needs Graphviz's `dot` program, which was not found ({detail}). {INSTALL_HINT}"
        RuntimeError.__init__(self, message)  # (graphviz's own __init__ formats a different message)


class Graph(graphviz.Digraph):
    """A ``graphviz.Digraph`` whose rendering errors say how to install Graphviz when ``dot`` is missing.

    Use it like any Digraph: ``.source`` is the DOT text, ``.pipe(format="svg")`` the picture,
    and in Jupyter it displays inline (through ``pipe``).
    """

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        with _explain_missing_dot():
            return super().pipe(*args, **kwargs)

    def render(self, *args: Any, **kwargs: Any) -> Any:
        with _explain_missing_dot():
            return super().render(*args, **kwargs)

    def _repr_image_svg_xml(self) -> str:
        """Jupyter's picture, sized to the cell's width (no wider than drawn), so wide graphs do not run off it."""
        return fit_svg_to_width(str(self.pipe(format="svg", encoding="utf-8")))

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None, **kwargs: Any) -> dict[str, Any]:
        """graphviz's bundle plus the same SVG as HTML, which JupyterLab shows within the cell's width."""
        bundle: dict[str, Any] = super()._repr_mimebundle_(include, exclude, **kwargs)
        svg = bundle.get("image/svg+xml")
        if isinstance(svg, str) and "text/html" not in (exclude or ()):
            bundle["text/html"] = svg_as_html(svg)
        return bundle


@contextmanager
def _explain_missing_dot() -> Iterator[None]:
    """Graphviz's errors as ours: a missing ``dot`` says how to install it, a failing one what it said."""
    try:
        yield
    except graphviz.ExecutableNotFound as e:
        if isinstance(e, GraphvizNotFoundError):
            raise
        raise GraphvizNotFoundError(str(e)) from None
    except subprocess.CalledProcessError as e:
        said = e.stderr.decode("utf-8", "replace") if isinstance(e.stderr, bytes) else str(e.stderr or "")
        raise RenderError(f"Graphviz's dot failed (exit status {e.returncode}): {said.strip()[:500]}") from None
    except BrokenPipeError:
        raise RenderError("Graphviz's dot stopped before reading the whole graph") from None


# --- drawing -----------------------------------------------------------------------------------

def _value_label(
    node: Value,
    label: str | None,
    precision: int,
    show_grad: bool,
    grad: float | None,
    fill: str | None,
    border: str | None,
    border_width: int,
    stacked: bool,
) -> str:
    """A Value's box: label | data | grad side by side, or one above the other when ``stacked``.

    A name is bold; an automatic name (q₁, a node without a name) is italic, as lecture notes write it."""
    cells = []
    if label is not None:
        text = _html(label)
        cells.append(_font(text, bold=True) if node.name is not None else f"<I>{text}</I>")
    cells.append(f"data {format_number(node.data, precision)}")
    if show_grad:
        if grad is None:
            cells.append(_font("grad ?", _UNKNOWN))
        else:
            cells.append(f"grad {format_number(grad, precision)}")
    fill = fill or (_LEAF_FILL if node.op is None else None)
    background = f' BGCOLOR="{fill}"' if fill else ""
    colour = f' COLOR="{border}"' if border else ""
    if stacked:
        rows = "".join(f"<TR><TD>{cell}</TD></TR>" for cell in cells)
    else:
        rows = "<TR>" + "".join(f"<TD>{cell}</TD>" for cell in cells) + "</TR>"
    return (
        f'<<TABLE BORDER="{border_width}" CELLBORDER="1" CELLSPACING="0" CELLPADDING="3"{background}{colour}>'
        f"{rows}</TABLE>>"
    )


def _resolve_clusters(
    clusters: Mapping[str, Sequence[Value]] | None, model: Any, root: Value, in_graph: set[Value],
    lang: str | None = None,
) -> list[tuple[str, list[Value]]]:
    """The clusters to draw, in order, each with the graph nodes that are in it alone.

    A model's ``"neuron h1"`` labels are written in ``lang`` (``NEURON_LABEL``); the caller's own labels as given."""
    if clusters is not None and model is not None:
        raise ValueError("draw: pass either clusters= or model=, not both")
    if model is not None:
        if not callable(getattr(model, "clusters", None)):
            raise TypeError(f"draw: model must have a clusters(root) method, got {type(model).__name__}")
        clusters = {translate(NEURON_LABEL, lang, name=str(label)[7:]) if str(label).startswith("neuron ") else label:
                    members for label, members in model.clusters(root).items()}
    if clusters is None:
        return []
    if not isinstance(clusters, Mapping):
        raise TypeError(f"draw: clusters must map a label to its nodes, got {type(clusters).__name__}")
    listed: list[tuple[str, list[Value]]] = []
    times: dict[Value, int] = {}
    for label, members in clusters.items():
        unique: list[Value] = []
        seen: set[Value] = set()
        for member in members:
            if not isinstance(member, Value):
                raise TypeError(f"draw: cluster {label!r} holds a {type(member).__name__}, expected Values")
            if member in in_graph and member not in seen:
                seen.add(member)
                unique.append(member)
                times[member] = times.get(member, 0) + 1
        listed.append((str(label), unique))
    return [(label, [m for m in members if times[m] == 1]) for label, members in listed]


def draw(
    root: Value,
    *,
    rankdir: str = "LR",
    precision: int = 4,
    show_grad: bool = True,
    edge_derivatives: bool = True,
    edge_symbols: bool = False,
    clusters: Mapping[str, Sequence[Value]] | None = None,
    model: Any = None,
    highlight: Value | None = None,
    grads: Mapping[Value, float | None] | None = None,
    focus: Value | None = None,
    edge_notes: Mapping[tuple[Value, int], str | None] | None = None,
    max_nodes: int | None = DEFAULT_MAX_NODES,
    lang: str | None = None,
    layered: bool = False,
) -> Graph:
    """The computation graph of ``root`` as a ``graphviz.Digraph`` (a ``Graph``).

    Each Value is a box "label | data | grad" (no label for a constant; numbers at
    ``precision`` significant digits). Each operation is a circle with its symbol, with one
    edge in per use of an input (``a + a`` has two) and one edge out to its result.

    * ``rankdir``: ``"LR"`` (inputs on the left) or ``"TB"`` (inputs on top); also RL, BT.
    * ``show_grad``: show the grad cell. ``grads``: Value -> number shown instead of
      ``.grad``; None (or a node missing from the mapping) shows a grey "grad ?" (not yet computed).
    * ``edge_derivatives``: label each input edge with its local derivative d(result)/d(input).
      ``edge_symbols``: also write it as a formula (``A1(1 − A1) = 0.2285``), from the
      operation's derivative rule called on the node labels. A loss's inner node is written as its
      expression when that is short; a formula that would need a longer one shows only the number.
    * ``clusters``: label -> nodes, each drawn as a box labelled ``label``, in order; a node
      listed in several clusters is drawn outside all of them, an operation goes with its result.
      ``model``: any object with ``clusters(root)`` (an ``nn`` module), used to get them.
    * ``highlight``: a node; every path from ``root`` back to it is coloured (the terms the
      chain rule sums over) and the title says how many there are.
    * ``focus``: a node drawn as the current one (thick blue border).
    * ``edge_notes``: (result Value, input index) -> text added to that edge's label, which is
      drawn emphasised (e.g. ``"0.25 × 0.5 = 0.125"``).
    * ``max_nodes``: refuse graphs with more Values (``GraphTooLargeError``); None for no limit.
    * ``lang``: the language of the title lines ('en', 'ko'; default: ``AUTODIFF_LANG``, else the locale).
    * ``layered``: a network layer by layer: each operation's inputs in the order they are given
      (a neuron's ``w1, w2, …, b``; Graphviz's crossing minimisation cut short, ``mclimit``), and
      an edge from one cluster into another one rank longer (``minlen``), so that the next
      layer's boxes stand beside the previous one's instead of between them.

    Node ids are ``node_ids(root)``; the same graph always gives the same DOT text.
    """
    order = _collect(root, rankdir, precision, max_nodes)
    if lang is not None:
        lang = resolve_language(lang)
    in_graph = set(order)
    if highlight is not None:
        _check_in_graph(highlight, in_graph, "highlight")
    if focus is not None:
        _check_in_graph(focus, in_graph, "focus")
    labels = Labels(root, order)
    drawing = _Drawing(
        ids={node: f"v{k}" for k, node in enumerate(order)},
        labels=labels,
        precision=precision,
        show_grad=show_grad,
        grads=grads,
        focus=focus,
        reach=reaching(order, highlight) if highlight is not None else set(),
        stacked=rankdir in ("LR", "RL"),  # narrow boxes where the graph grows sideways
        edge_derivatives=edge_derivatives,
        edge_symbols=edge_symbols,
        symbols=_symbols(order, labels) if edge_symbols and edge_derivatives else {},
        notes=_checked_notes(edge_notes, in_graph),
    )
    cluster_list = _resolve_clusters(clusters, model, root, in_graph, lang)
    titles = [(_highlight_title(root, highlight, order, labels, lang), _HIGHLIGHT)] if highlight is not None else []
    if show_grad and grads is None and all(node.grad == 0 for node in order):
        titles.append((translate(NO_BACKWARD_YET, lang), _UNKNOWN))
    graph = _new_graph(rankdir, titles)
    if layered:
        graph.attr(mclimit="0.01")
    drawing.add_clusters(graph, cluster_list, order)
    boxes = {m: k for k, (_, members) in enumerate(cluster_list) for m in members} if layered else {}
    drawing.add_edges(graph, order, boxes)
    return graph


def _collect(root: Value, rankdir: str, precision: int, max_nodes: int | None) -> list[Value]:
    """Step 1: check the options and collect the graph's Values (refused past ``max_nodes``)."""
    if not isinstance(root, Value):
        raise TypeError(f"draw: expected a Value, got {type(root).__name__}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"draw: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if not isinstance(precision, int) or isinstance(precision, bool) or precision < 1:
        raise ValueError(f"draw: precision must be a positive int, got {precision!r}")
    if max_nodes is not None and (not isinstance(max_nodes, int) or isinstance(max_nodes, bool) or max_nodes < 1):
        raise ValueError(f"draw: max_nodes must be a positive int or None (no limit), got {max_nodes!r}")
    order = topological_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise GraphTooLargeError(
            f"draw: the graph has {len(order)} value nodes, more than the limit max_nodes={max_nodes}; "
            f"a picture this large is slow to lay out and hard to read. To draw it anyway, pass "
            f"max_nodes=None (no limit) or a larger number, e.g. draw(root, max_nodes={len(order)})."
        )
    for node in order:
        if node.name is not None and len(node.name) > MAX_NAME_LENGTH:
            raise ValueError(
                f"draw: a node's name is {len(node.name)} characters long ({node.name[:40]!r}…); "
                f"a drawing shows names of up to {MAX_NAME_LENGTH} characters: give it a shorter name"
            )
    return order


def _checked_notes(
    edge_notes: Mapping[tuple[Value, int], str | None] | None, in_graph: set[Value]
) -> dict[tuple[Value, int], str]:
    """The edge notes to draw, each key checked to be an edge of the graph."""
    notes: dict[tuple[Value, int], str] = {}
    for key, text in (edge_notes or {}).items():
        if not (isinstance(key, tuple) and len(key) == 2):
            raise TypeError(f"draw: edge_notes keys must be (Value, parent index) pairs, got {key!r}")
        child, index = key
        _check_in_graph(child, in_graph, "an edge_notes node")
        if not isinstance(index, int) or not 0 <= index < len(child.parents):
            raise ValueError(f"draw: edge_notes: {child!r} has no input number {index!r}")
        if text is not None:
            notes[(child, index)] = str(text)
    return notes


def _highlight_title(root: Value, highlight: Value, order: Sequence[Value], labels: Labels, lang: str | None) -> str:
    """The title over a highlighted drawing: how many paths lead back to the node, and why it matters."""
    n = count_paths(root, highlight)
    uses = sum(node.parents.count(highlight) for node in order)
    root_label, highlight_label = labels(root), labels(highlight)
    top = f"'{root_label}'" if root_label is not None else translate("the output", lang)
    what = f"'{highlight_label}'" if highlight_label is not None else translate("the highlighted node", lang)
    rule = translate("the chain rule", lang)
    if root_label is not None and highlight_label is not None:
        rule = f"d{root_label}/d{highlight_label}"
    if uses > 1:
        return translate_plural(
            "{count} path from {top} back to {what}, which is used {uses} times: {rule} sums one term per path",
            "{count} paths from {top} back to {what}, which is used {uses} times: {rule} sums one term per path",
            n, lang, top=top, what=what, uses=uses, rule=rule)
    return translate_plural("{count} path from {top} back to {what}: {rule} sums one term per path",
                            "{count} paths from {top} back to {what}: {rule} sums one term per path",
                            n, lang, top=top, what=what, rule=rule)


def _new_graph(rankdir: str, titles: Sequence[tuple[str, str]]) -> Graph:
    """An empty drawing with the house style, and the title lines (text, colour), if any."""
    graph = Graph(name="computation graph", encoding="utf-8")
    graph.attr(rankdir=rankdir, fontname=_FONT, nodesep="0.25", ranksep="0.35")
    graph.attr("node", fontname=_FONT, fontsize="11")
    graph.attr("edge", fontname=_FONT, fontsize="10", arrowsize="0.7")
    if titles:
        lines = [_font(_html(title), colour) for title, colour in titles]
        graph.attr(label="<" + "<BR/>".join(lines) + ">", labelloc="t", fontsize="13")
    return graph


@dataclass(frozen=True)
class _Drawing:
    """What one ``draw`` call decided, and the steps that emit it: label, cluster, emit edges."""

    ids: dict[Value, str]
    labels: Labels
    precision: int
    show_grad: bool
    grads: Mapping[Value, float | None] | None
    focus: Value | None
    reach: set[Value]  # the nodes on a highlighted path
    stacked: bool
    edge_derivatives: bool
    edge_symbols: bool
    symbols: Mapping[Value, Sym | None]
    notes: dict[tuple[Value, int], str]

    def add_nodes(self, target: graphviz.Digraph, nodes: Sequence[Value]) -> None:
        """Step 2, label: a box per Value and a circle per operation."""
        for node in nodes:
            vid = self.ids[node]
            on_path = node in self.reach
            is_focus = node is self.focus
            fill = _FOCUS_FILL if is_focus else (_HIGHLIGHT_FILL if on_path else None)
            border = _FOCUS if is_focus else (_HIGHLIGHT if on_path else None)
            width = 3 if is_focus else (2 if on_path else 0)
            grad = node.grad if self.grads is None else self.grads.get(node)
            label = _value_label(node, self.labels(node), self.precision, self.show_grad, grad, fill, border, width,
                                 self.stacked)
            target.node(vid, label, shape="plain")
            if node.op is not None:
                style = {"color": _HIGHLIGHT, "penwidth": "2", "fontcolor": _HIGHLIGHT} if on_path else {}
                target.node(f"{vid}_op", f"<{_html(node.op.symbol)}>", shape="circle", width="0.3",
                            margin="0.02", **style)

    def add_clusters(self, graph: Graph, cluster_list: list[tuple[str, list[Value]]], order: list[Value]) -> None:
        """Step 3, cluster: each cluster's nodes in a labelled box, then every other node."""
        position = {node: k for k, node in enumerate(order)}
        placed: set[Value] = set()
        for k, (label, members) in enumerate(cluster_list):
            if not members:
                continue
            with graph.subgraph(name=f"cluster_{k}") as sub:
                sub.attr(label=f"<{_html(label)}>", style="rounded", color="#9e9e9e", fontcolor="#525252",
                         labeljust="l")
                self.add_nodes(sub, sorted(members, key=position.__getitem__, reverse=True))
                placed.update(members)
        self.add_nodes(graph, [n for n in reversed(order) if n not in placed])

    def add_edges(self, graph: Graph, order: list[Value], boxes: Mapping[Value, int] | None = None) -> None:
        """Step 4, emit: one edge per use of an input, labelled with its local derivative, and one out."""
        for node in reversed(order):  # inputs first
            if node.op is None:
                continue
            vid = self.ids[node]
            for index, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
                attributes = self._edge_attributes(node, index, parent, local)
                if boxes and parent in boxes and node in boxes and boxes[parent] != boxes[node]:
                    attributes["minlen"] = "2"  # from one layer's box into the next one's (layered)
                graph.edge(self.ids[parent], f"{vid}_op", **attributes)
            out_style = {"color": _HIGHLIGHT, "penwidth": "2.5"} if node in self.reach else {}
            graph.edge(f"{vid}_op", vid, **out_style)

    def _edge_attributes(self, node: Value, index: int, parent: Value, local: float) -> dict[str, str]:
        parts = []
        if self.edge_derivatives:
            number = format_number(local, self.precision)
            formula = edge_formula(node, index, self.symbols) if self.edge_symbols else None
            if formula is not None and formula.kind != "num":
                parts.append(f"{_html(formula.text())}<BR/>= {number}")
            else:
                parts.append(number)
        attrs: dict[str, str] = {}
        note = self.notes.get((node, index))
        if note is not None:
            parts.append(_font(_html(note), bold=True))
            attrs.update(color=_FOCUS, fontcolor=_FOCUS, penwidth="2.5")
        elif node in self.reach and parent in self.reach:
            attrs.update(color=_HIGHLIGHT, fontcolor=_HIGHLIGHT, penwidth="2.5")
        if parts:
            attrs["label"] = "<" + "<BR/>".join(parts) + ">"
        return attrs


# --- writing files -------------------------------------------------------------------------------

_FORMATS = {".svg": "svg", ".png": "png", ".pdf": "pdf"}


def save(graph_or_root: graphviz.Digraph | Value, path: str | os.PathLike[str], **draw_kwargs: Any) -> Path:
    """Write a drawing to ``path``; the suffix chooses the format: .svg, .png, .pdf or .dot (.gv).

    ``graph_or_root`` is a graph from ``draw`` or a root Value (then drawn with ``draw_kwargs``).
    .dot needs no Graphviz program; the others need ``dot`` (``GraphvizNotFoundError`` otherwise).
    Parent folders are created. Returns the path.
    """
    if isinstance(graph_or_root, Value):
        graph = draw(graph_or_root, **draw_kwargs)
    elif isinstance(graph_or_root, graphviz.Digraph):
        if draw_kwargs:
            raise TypeError(f"save: drawing options ({', '.join(draw_kwargs)}) need a root Value, not a finished graph")
        graph = graph_or_root
    else:
        raise TypeError(f"save: expected a Value or a graphviz.Digraph, got {type(graph_or_root).__name__}")
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in (".dot", ".gv"):
        data = graph.source.encode("utf-8")
    elif suffix in _FORMATS:
        with _explain_missing_dot():  # also for a plain graphviz.Digraph
            data = graph.pipe(format=_FORMATS[suffix])
    else:
        raise ValueError(f"save: unknown file type {path.suffix!r} in {str(path)!r}; use .svg, .png, .pdf or .dot")
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


# --- running dot and counting a graph ------------------------------------------------------------

DEFAULT_MAX_EDGES = 2000
"""animate() and the lab refuse graphs with more edges than this (pass ``max_edges=None`` for no limit)."""

DOT_TIMEOUT = 120.0
"""Seconds one run of Graphviz's ``dot`` may take in ``render_svg`` (``animate()``) before it is stopped."""


def check_size(root: Value, *, max_nodes: int | None, max_edges: int | None, where: str = "draw") -> tuple[int, int]:
    """Count ``root``'s nodes and edges; raise ``GraphTooLargeError`` as soon as either passes its limit.

    The walk stops at the first node or edge over a limit, so refusing a graph of a million
    nodes costs about as much as looking at ``max_nodes`` of them. ``where`` names the caller
    in the message. Returns (nodes, edges).
    """
    seen = {root}
    stack = [root]
    edges = 0
    while stack:
        parents = stack.pop().parents
        edges += len(parents)
        if max_edges is not None and edges > max_edges:
            raise GraphTooLargeError(
                f"{where}: the graph has more than {max_edges} edges (max_edges={max_edges}); laying out a graph "
                f"this large is slow and the picture is hard to read. Pass max_edges=None (no limit) or a larger number."
            )
        for parent in parents:
            if parent not in seen:
                seen.add(parent)
                if max_nodes is not None and len(seen) > max_nodes:
                    raise GraphTooLargeError(
                        f"{where}: the graph has more than {max_nodes} value nodes (max_nodes={max_nodes}); a picture "
                        f"this large is slow to lay out and hard to read. Pass max_nodes=None (no limit) or a larger "
                        f"number."
                    )
                stack.append(parent)
    return len(seen), edges


def render_svg(graph: graphviz.Digraph, *, timeout: float | None = DOT_TIMEOUT) -> str:
    """The SVG text of a Graphviz graph, from one run of ``dot`` stopped after ``timeout`` seconds.

    No ``dot`` on the PATH: ``GraphvizNotFoundError``. ``dot`` failing or running past its time
    limit: ``RenderError``, with what it said.
    """
    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError("no `dot` on the PATH")
    try:
        done = subprocess.run([exe, "-Tsvg"], input=graph.source.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderError(
            f"render: Graphviz's dot took longer than {timeout} s on this graph and was stopped; draw a smaller graph"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()[:500]
        raise RenderError(f"render: Graphviz's dot failed (exit status {done.returncode}): {detail}")
    svg: str = done.stdout.decode("utf-8")
    return svg
