"""Watch backpropagation happen: the backward pass as frames, and a self-contained page.

``frames(root)`` replays ``root.backward()`` one edge at a time, in the engine's own order
(``topological_order``: each node before its parents) and with the engine's own numbers
(each node's ``local_grads``, computed once by the operation table in ``ops.py``). Nothing
here knows a derivative; the formula a caption shows is the same table rule, called on
symbols (``Sym``).

* Frame 0 is the seed: d root/d root = 1.
* Then one frame per edge (node, parent): the node's gradient is complete (every node
  that uses it came earlier), so it multiplies its gradient (the *upstream* gradient) by the
  edge's local derivative and *adds* that contribution to the parent's gradient. A node
  used k times (000's shared bias ``b_1``; ``a + a``) receives k contributions, one frame each,
  and the frames show the running sum.

``animate(root, path)`` lays the graph out once, with the renderer (``autodiff.render.draw``)
and one run of Graphviz's ``dot``, with every gradient filled in, and writes one HTML file
holding that drawing, the steps as data (``step_data``) and a small script (``STEPS_JS``)
that shows a step by changing texts and styles inside the drawing: nodes never move.
Previous / next / play, the arrow keys and space, a step counter and a caption. It needs no
network and no other file. Its cost is bounded before any work: ``check_size`` refuses a
graph by nodes and by edges, and ``dot`` runs with a time limit.

The captions and the page's controls are in the learner's language (``lang=``, see ``i18n``);
the page carries every language the catalogue has and a switch between them.

The gradients shown are those of one pass: what ``.grad`` holds after ``zero_grad()`` and
``backward()``. ``frames`` and ``animate`` never change ``.grad``.
"""

from __future__ import annotations

import base64
import gzip
import html
import json
import math
import os
import re
import shutil
import subprocess
from bisect import bisect_right
from functools import partial
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .engine import Value
from .traversal import backward_order, topological_order
from .symbolic import Sym
from .display import AnimationPath, one_line
from .render import edge_formula, format_number
from .i18n import CSS_FONT_STACK, N_, autonym, available_languages, lookup, resolve_language, translate, using_language

__all__ = [
    "Frame", "GradsSoFar", "frames", "animate", "page_html", "format_value", "local_formula", "check_size",
    "render_svg", "stable_svg", "layout_svg", "step_data", "frame_svg", "STEPS_JS", "DEFAULT_MAX_EDGES",
    "RenderTimeoutError",
]


# --- frames: pure data ----------------------------------------------------------------------

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
    ``contribution = local * upstream`` is added to the parent's gradient, which becomes
    ``accumulated``; it is the parent's ``received``-th of its ``receives`` contributions.
    ``grads`` maps every node of the graph to its gradient so far, or None if nothing has
    reached it yet. ``formula`` is the local derivative as a teacher writes it (None when it
    would mention an unnamed intermediate node).
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
    caption: str = ""

    @property
    def is_seed(self) -> bool:
        return self.parent is None

    def __repr__(self) -> str:
        return one_line(f"Frame({self.index + 1}/{self.total} of the backward pass: {self.caption})")

    def edge_note(self, precision: int = 4) -> str | None:
        """``local × upstream = contribution``, for the edge this frame uses (None for the seed)."""
        if self.parent is None:
            return None
        f = partial(format_value, precision=precision)
        return f"{f(self.local)} × {_paren(f(self.upstream))} = {f(self.contribution)}"  # type: ignore[arg-type]


format_value = format_number  # captions write numbers exactly as the drawings do


def _op_symbol(node: Value) -> str:
    return node.op.symbol if node.op is not None else "leaf"


def _describe(node: Value, precision: int) -> str:
    """How a caption names a node: σ node 'A3', the unnamed × node with value 0.25, 'W_5', the constant 1."""
    if node.op is not None:
        if node.name is not None:
            return translate("{op} node '{name}'", op=node.op.symbol, name=node.name)
        return translate("the unnamed {op} node with value {value}", op=node.op.symbol,
                         value=format_value(node.data, precision))
    if node.name is not None:
        return f"'{node.name}'"
    return translate("the constant {value}", value=format_value(node.data, precision))


def _short(node: Value, precision: int) -> str:
    """A node's name in 'the gradient of ...'."""
    if node.name is not None:
        return f"'{node.name}'"
    return _describe(node, precision)


def _paren(text: str) -> str:
    """A negative number as a second operand: 1 × (-0.5)."""
    return f"({text})" if text.startswith("-") else text


def local_formula(node: Value, index: int) -> Sym | None:
    """d(node)/d(parent ``index``) as a formula: the operation's own rule called on symbols.

    Named nodes become variables and unnamed leaves their numbers; None when the formula
    would need an unnamed intermediate node.
    """
    def symbol(n: Value) -> Sym | None:
        if n.name is not None:
            return Sym.var(n.name)
        return Sym.num(n.data) if n.op is None else None  # an unnamed leaf is a constant

    return edge_formula(node, index, {n: symbol(n) for n in (*node.parents, node)})


def frames(root: Value, *, precision: int = 4, lang: str | None = None) -> list[Frame]:
    """The backward pass of ``root`` as frames: the seed, then one frame per edge, in the engine's order.

    The numbers are the engine's: each edge's ``local_grads`` entry times the node's
    gradient, added (in this order, from 0) to the parent's gradient, exactly as
    ``backward()`` adds them. ``precision`` is the number of significant digits in captions;
    ``lang`` their language (default: ``AUTODIFF_LANG``, else the locale).
    """
    if not isinstance(root, Value):
        raise TypeError(f"frames: expected a Value, got {type(root).__name__}")
    with using_language(lang):
        return _frames(root, precision)


def _frames(root: Value, precision: int) -> list[Frame]:
    order = topological_order(root)
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
    f = partial(format_value, precision=precision)
    out: list[Frame] = []
    if root.op is not None and root.name is None:
        caption = translate("Step {step} of {total}: start at the output, {node}. d{r}/d{r} = 1, so its gradient is 1.",
                            step=1, total=total, node=_describe(root, precision), r=_name_or(root))
    else:
        caption = translate("Step {step} of {total}: start at the output, {node}, value {value}. d{r}/d{r} = 1, so its "
                            "gradient is 1.", step=1, total=total, node=_describe(root, precision), value=f(root.data),
                            r=_name_or(root))
    if total == 1:
        caption += " " + translate("It depends on nothing, so there is nothing more to do.")
    else:
        caption += " " + translate("Gradients now flow backward, one edge at a time.")
    out.append(Frame(0, total, root, 1.0, grads=GradsSoFar(history, 0), caption=caption))

    for node in backward_order(root):  # the engine's own order, edge by edge
        upstream = grads[node]
        for i, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            assert upstream is not None  # every node that uses `node` came before it
            contribution = local * upstream
            before = grads[parent]
            accumulated = (0.0 if before is None else before) + contribution  # as backward(): 0.0 += ...
            grads[parent] = accumulated
            index = len(out)
            history[parent][0].append(index)
            history[parent][1].append(accumulated)
            received[parent] = k = received.get(parent, 0) + 1
            n = receives[parent]
            formula = local_formula(node, i)
            text = _step_caption(index, total, node, i, formula, upstream, contribution, before, accumulated,
                                 k, n, precision)
            out.append(Frame(
                index, total, node, upstream, parent, i, local, contribution, accumulated, k, n,
                formula, GradsSoFar(history, index), text,
            ))
    return out


def _step_caption(
    index: int, total: int, node: Value, i: int, formula: Sym | None, upstream: float, contribution: float,
    before: float | None, accumulated: float, k: int, n: int, precision: int,
) -> str:
    """The words for one edge: where we are, the local derivative, what is added, the running sum."""
    f = partial(format_value, precision=precision)
    parent, local = node.parents[i], node.local_grads[i]
    target = _short(parent, precision)
    if formula is None or formula.kind == "num":
        local_text = f(local)
    else:
        local_text = f"{formula.text()} = {f(local)}"
    if len(node.parents) == 1:
        edge = translate("the edge to {target}", target=target)
    else:
        edge = translate("edge {i} of {n} (to {target})", i=i + 1, n=len(node.parents), target=target)
    values = {"step": index + 1, "total": total, "node": _describe(node, precision), "upstream": f(upstream),
              "edge": edge, "local": local_text, "product": f"{f(local)} × {_paren(f(upstream))}",
              "contribution": f(contribution), "target": target, "accumulated": f(accumulated)}
    if n == 1:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target}, now {accumulated} "
                         "(its only contribution: complete).", None, **values)
    if k == 1:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target}, now {accumulated} "
                         "(contribution 1 of {n}).", None, n=n, **values)
    assert before is not None
    values.update(k=k, n=n, before=f(before), contribution_p=_paren(f(contribution)))
    if k == n:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target} (contribution {k} of "
                         "{n}: complete), now {before} + {contribution_p} = {accumulated}.", None, **values)
    return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                     "{local}; it adds {product} = {contribution} to the gradient of {target} (contribution {k} of "
                     "{n}), now {before} + {contribution_p} = {accumulated}.", None, **values)


def _name_or(node: Value) -> str:
    """How d_/d_ writes a node: dE, d(Loss), d(output)."""
    name = node.name if node.name is not None else translate("output")
    return name if len(name) == 1 else f"({name})"


_SVG_START = re.compile(r"<svg\b")


# --- bounding the cost ---------------------------------------------------------------------------

DEFAULT_MAX_EDGES = 2000
"""animate() and the lab refuse graphs with more edges than this (pass ``max_edges=None`` for no limit)."""

DOT_TIMEOUT = 120.0
"""Seconds one run of Graphviz's ``dot`` may take in ``animate()`` before it is stopped."""


class RenderTimeoutError(RuntimeError):
    """Graphviz's ``dot`` ran longer than its time limit and was stopped."""


def check_size(root: Value, *, max_nodes: int | None, max_edges: int | None, where: str = "animate") -> tuple[int, int]:
    """Count ``root``'s nodes and edges; raise ``GraphTooLargeError`` as soon as either passes its limit.

    The walk stops at the first node or edge over a limit, so refusing a graph of a million
    nodes costs about as much as looking at ``max_nodes`` of them. Returns (nodes, edges).
    """
    from .render import GraphTooLargeError

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


def render_svg(graph: Any, *, timeout: float | None = DOT_TIMEOUT) -> str:
    """The SVG text of a Graphviz graph, from one run of ``dot`` stopped after ``timeout`` seconds."""
    from .render import GraphvizNotFoundError

    exe = shutil.which("dot")
    if exe is None:
        raise GraphvizNotFoundError("no `dot` on the PATH")
    try:
        done = subprocess.run([exe, "-Tsvg"], input=graph.source.encode("utf-8"), capture_output=True,
                              timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        raise RenderTimeoutError(
            f"render: Graphviz's dot took longer than {timeout} s on this graph and was stopped; draw a smaller graph"
        ) from None
    if done.returncode != 0:
        detail = done.stderr.decode("utf-8", "replace").strip()[:500]
        raise RuntimeError(f"render: Graphviz's dot failed (exit status {done.returncode}): {detail}")
    svg: str = done.stdout.decode("utf-8")
    return svg


# --- one layout for every step ------------------------------------------------------------------

_GROUP = re.compile(r'<g id="(?:node|edge)(\d+)" class="(node|edge)">\n<title>([^<]*)</title>(.*?)</g>', re.S)
_GRAD_TEXT = re.compile(r"<text ([^>]*)>grad ([^<]*)</text>")
_TEXT_XY = re.compile(r'<text [^>]*\bx="([-\d.]+)" y="([-\d.]+)"')
_PATH_START = re.compile(r'<path [^>]*\bd="M([-\d.]+),([-\d.]+)')

STEP_STYLE = """
.node.focus polygon, .node.focus ellipse { stroke: #2171b5; stroke-width: 3px; fill: #deebf7; }
.node.target polygon, .node.target ellipse { stroke: #e6550d; stroke-width: 2.5px; stroke-dasharray: 5 3; }
.edge.current path { stroke: #2171b5; stroke-width: 3px; }
.edge.current polygon { stroke: #2171b5; fill: #2171b5; }
.edge.current text { fill: #2171b5; font-weight: bold; }
text.grad.unknown { fill: #969696; }
text.note { fill: #2171b5; font-weight: bold; font-size: 10px; font-family: Helvetica, Arial, sans-serif;
            paint-order: stroke; stroke: #ffffff; stroke-width: 3px; }
"""
"""The styles of a step, put inside the layout's SVG so that a frame file carries them too."""


def _unescape(text: str) -> str:
    return html.unescape(text)


def stable_svg(svg: str, root: Value, ids: Mapping[Value, str]) -> str:
    """``dot``'s SVG of ``draw(root)`` with ids a page's script can find, and the step styles.

    A Value's box gets ``id="n-v3"`` (its ``node_ids`` id), an operation's circle ``n-v3_op``,
    the edge from ``node``'s input ``i`` ``e-v3-i`` (the k-th of several edges between the
    same two nodes is the k-th such input), the edge out of the circle ``e-v3-out``; each
    grad cell's text is ``<text class="grad" data-node="v3">``, and each input edge carries
    ``data-note-x`` / ``data-note-y``, where a step's note goes (below the edge's label).
    """
    match = _SVG_START.search(svg)
    if match is None:
        raise ValueError("animate: the renderer returned no <svg> element")
    body = re.sub(r"<!--.*?-->\n?", "", svg[match.start():], flags=re.S)
    by_id = {vid: node for node, vid in ids.items()}
    pending: dict[tuple[str, str], list[int]] = {}  # (parent id, node id) -> the input indices not yet matched

    def inputs_between(parent_id: str, node_id: str) -> list[int]:
        key = (parent_id, node_id)
        if key not in pending:
            node, parent = by_id.get(node_id), by_id.get(parent_id)
            pending[key] = [] if node is None else [i for i, p in enumerate(node.parents) if p is parent]
        return pending[key]

    groups = list(_GROUP.finditer(body))
    # Graphviz numbers edges in the order they were added: the k-th edge between two nodes is the k-th input.
    edge_order = sorted((int(m.group(1)), k) for k, m in enumerate(groups) if m.group(2) == "edge")
    edge_ids: dict[int, str] = {}
    for _, k in edge_order:
        tail, _, head = _unescape(groups[k].group(3)).partition("->")
        if head.endswith("_op"):
            indices = inputs_between(tail, head[:-3])
            edge_ids[k] = f"e-{head[:-3]}-{indices.pop(0)}" if indices else f"e-{tail}-{head}"
        else:
            edge_ids[k] = f"e-{head}-out"

    out: list[str] = []
    last = 0
    for k, m in enumerate(groups):
        out.append(body[last:m.start()])
        last = m.end()
        title, inner = _unescape(m.group(3)), m.group(4)
        if m.group(2) == "node":
            inner = _GRAD_TEXT.sub(lambda t: f'<text class="grad" data-node="{title}" {t.group(1)}>grad {t.group(2)}</text>',
                                   inner)
            out.append(f'<g id="n-{title}" class="node">\n<title>{m.group(3)}</title>{inner}</g>')
            continue
        extra = ""
        if not edge_ids[k].endswith("-out"):
            points = _TEXT_XY.findall(inner)
            if points:
                x, y = min(float(p[0]) for p in points), max(float(p[1]) for p in points) + 12
            else:
                start = _PATH_START.search(inner)
                x, y = (float(start.group(1)), float(start.group(2))) if start else (0.0, 0.0)
            extra = f' data-note-x="{x:.2f}" data-note-y="{y:.2f}"'
        out.append(f'<g id="{edge_ids[k]}" class="edge"{extra}>\n<title>{m.group(3)}</title>{inner}</g>')
    out.append(body[last:])
    text = "".join(out).strip()
    opening = re.match(r"<svg\b[^>]*>", text)
    assert opening is not None
    return text[:opening.end()] + f"\n<style>{STEP_STYLE}</style>" + text[opening.end():]


def layout_svg(root: Value, frame_list: Sequence[Frame], *, precision: int = 4, timeout: float | None = DOT_TIMEOUT,
               **draw_options: Any) -> str:
    """The one layout every step is shown on: ``draw(root)`` with every gradient filled in (the last frame's).

    Laid out once by ``dot`` (stopped after ``timeout`` seconds), with the final labels, so
    that nodes never move: a step only changes texts and styles inside it (see ``step_data``).
    """
    from .render import draw

    graph = draw(root, precision=precision, show_grad=True, grads=frame_list[-1].grads, **draw_options)
    return stable_svg(render_svg(graph, timeout=timeout), root, _node_ids(root))


def _json_number(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)  # JSON has no inf or nan


def step_data(frame_list: Sequence[Frame], ids: Mapping[Value, str], precision: int = 4) -> dict[str, Any]:
    """The steps as plain data (JSON-ready), for a page's script to apply to the one layout.

    ``steps[k]``: ``caption``, ``focus`` (node id), ``focus_name``, ``focus_grad`` (number) and
    ``focus_grad_text``; for every step but the seed also ``target``, ``target_name``,
    ``target_grad``, ``target_grad_text``, ``edge`` (the edge's element id, ``e-v3-1``) and
    ``note`` (``local × upstream = contribution``). ``grads``: node id -> ``[[step, text], ...]``,
    the steps at which its gradient changed and the text shown from then on (no entry yet:
    "grad ?"). Memory grows with the edges, not edges × nodes.
    """
    f = partial(format_value, precision=precision)
    steps: list[dict[str, Any]] = []
    grads: dict[str, list[list[Any]]] = {vid: [] for vid in ids.values()}
    for frame in frame_list:
        step: dict[str, Any] = {
            "index": frame.index,
            "caption": frame.caption,
            "focus": ids.get(frame.node, ""),
            "focus_name": frame.node.name,
            "focus_grad": _json_number(frame.upstream),
            "focus_grad_text": f(frame.upstream),
            "target": None, "target_name": None, "target_grad": None, "target_grad_text": None,
            "edge": None, "note": None,
        }
        if frame.parent is None:
            if frame.node in ids:
                grads[ids[frame.node]].append([frame.index, f(frame.upstream)])
        else:
            accumulated = frame.accumulated
            assert accumulated is not None
            target = ids.get(frame.parent, "")
            step.update({
                "target": target, "target_name": frame.parent.name,
                "target_grad": _json_number(accumulated), "target_grad_text": f(accumulated),
                "edge": f"e-{ids.get(frame.node, '')}-{frame.parent_index}", "note": frame.edge_note(precision),
            })
            if target:
                grads[target].append([frame.index, f(accumulated)])
        steps.append(step)
    return {"total": len(frame_list), "steps": steps, "grads": grads}


def _grad_at(history: Sequence[Sequence[Any]], k: int) -> str | None:
    found = None
    for index, text in history:  # short lists: a node's contributions
        if index > k:
            break
        found = text
    return found


def frame_svg(layout: str, data: Mapping[str, Any], k: int) -> str:
    """Step ``k`` drawn on the layout, as a standalone SVG document: what the page shows at that step."""
    step = data["steps"][k]
    grads = data["grads"]

    def grad_text(m: re.Match[str]) -> str:
        node = m.group(1)
        text = _grad_at(grads.get(node, ()), k)
        cls = "grad" if text is not None else "grad unknown"
        return f'<text class="{cls}" data-node="{node}" {m.group(2)}>grad {"?" if text is None else html.escape(text)}</text>'

    marks = {step["focus"]: "focus"}
    if step["target"]:
        marks[step["target"]] = marks.get(step["target"], "") + " target"
    svg = re.sub(r'<text class="grad" data-node="([^"]*)" ([^>]*)>grad [^<]*</text>', grad_text, layout)
    svg = re.sub(r'<g id="n-([^"]*)" class="node">',
                 lambda m: f'<g id="n-{m.group(1)}" class="node {marks[m.group(1)].strip()}">'
                 if m.group(1) in marks else m.group(0), svg)
    if step["edge"]:
        edge = re.escape(step["edge"])
        pattern = re.compile(rf'<g id="{edge}" class="edge" data-note-x="([^"]*)" data-note-y="([^"]*)">(.*?)</g>', re.S)
        note = html.escape(step["note"] or "")
        svg = pattern.sub(lambda m: f'<g id="{step["edge"]}" class="edge current" data-note-x="{m.group(1)}" '
                          f'data-note-y="{m.group(2)}">{m.group(3)}<text class="note" x="{m.group(1)}" '
                          f'y="{m.group(2)}">{note}</text></g>', svg, count=1)
    return '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n' + svg + "\n"


def _node_ids(root: Value) -> dict[Value, str]:
    from .render import node_ids

    return dict(node_ids(root))


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def _script_json(data: Any) -> str:
    """JSON to put inside a <script> element: no '<' can end it early."""
    return json.dumps(data, ensure_ascii=False, allow_nan=False, separators=(",", ":")).replace("<", "\\u003c")


def page_html(
    frame_list: Sequence[Frame],
    svg: str,
    ids: Mapping[Value, str],
    *,
    title: str | Mapping[str, str] = N_("Backpropagation, step by step"),
    precision: int = 4,
    interval_ms: int = 1500,
    compress: bool = False,
    lang: str | None = None,
    captions: Mapping[str, Sequence[str]] | None = None,
) -> str:
    """The self-contained page: the one layout (``layout_svg``), the steps as data and the script that shows them.

    ``lang`` is the language the page opens in (its controls, and the captions of ``frame_list``);
    ``captions`` holds the captions in other languages (language -> one caption per frame) and
    ``title`` may map each language to its title: the page's language switch offers each language
    given, and English and ``lang`` always.

    ``ids`` maps nodes to the ids the renderer gave them (``render.node_ids``). With
    ``compress`` the SVG is stored gzipped (base64, in ``data-packed``) and unpacked by the
    browser (``DecompressionStream``: Chrome 80, Firefox 113, Safari 16.4 or later).
    """
    if not frame_list:
        raise ValueError("page_html: no frames")
    if not isinstance(svg, str):
        raise TypeError(f"page_html: svg must be the text of the one layout (see layout_svg), got {type(svg).__name__}")
    match = _SVG_START.search(svg)
    if match is None:
        raise ValueError("page_html: the layout holds no <svg> element")
    body = svg[match.start():].strip()
    data = step_data(frame_list, ids, precision)
    language = resolve_language(lang)
    all_captions = {language: [frame.caption for frame in frame_list], **(captions or {})}
    for code, texts in all_captions.items():
        if len(texts) != len(frame_list):
            raise ValueError(f"page_html: {len(frame_list)} frames but {len(texts)} captions in {code!r}")
    if isinstance(title, str):  # the default title is translated too; a caller's own title is shown as given
        titles = {code: translate(title, code) if title == _DEFAULT_TITLE else title for code in all_captions}
    else:
        titles = dict(title)
    languages = sorted(all_captions)
    data["lang"] = language
    data["languages"] = [{"code": code, "name": autonym(code)} for code in languages]
    data["captions"] = all_captions
    data["ui"] = {code: {**{key: lookup(text, code) for key, text in _PAGE_TEXTS.items()},
                         "title": titles.get(code, titles.get(language, ""))} for code in languages}
    ui = data["ui"][language]
    first = frame_list[0]
    packed = ""
    if compress:
        packed = base64.b64encode(gzip.compress(body.encode("utf-8"), 9, mtime=0)).decode("ascii")
        body = ""
    options = "".join(f'<option value="{_attr(code)}"{" selected" if code == language else ""}>'
                      f"{html.escape(autonym(code))}</option>" for code in languages)
    return _PAGE.format(
        lang=_attr(language),
        fonts=CSS_FONT_STACK,
        languages=options,
        ui={key: html.escape(text) for key, text in ui.items()},
        step_counter=html.escape(translate(_PAGE_TEXTS["counter"], language, step=1, total=len(frame_list))),
        title=html.escape(ui["title"]),
        total=len(frame_list),
        interval=int(interval_ms),
        caption=html.escape(first.caption),
        focus=_attr(ids.get(first.node, "")),
        focus_grad=_attr(repr(first.upstream)),
        packed=f' data-packed="{packed}"' if packed else "",
        svg=body,
        data=_script_json(data),
        steps_js=STEPS_JS,
    )


_DEFAULT_TITLE = "Backpropagation, step by step"
_PAGE_TEXTS = {  # the page's controls: key -> the English template (the page's script fills {step}, {total})
    "prev": N_("Prev"), "play": N_("Play"), "pause": N_("Pause"), "next": N_("Next"),
    "prev_label": N_("Previous step"), "next_label": N_("Next step"), "fit": N_("Fit to width"),
    "actual": N_("Actual size"), "key_f": N_("Key: f"), "counter": N_("Step {step} / {total}"),
    "language": N_("Language"),
    "help": N_("Keys: ← / → previous / next step, space play / pause, Home / End first / last step, f fit to width / "
               "actual size. The node with the thick blue border is the current one; the blue edge shows local "
               "derivative × upstream gradient = the contribution added to the gradient of the node it comes from "
               "(dashed orange border). “grad ?” is a gradient not computed yet."),
    "unpack_failed": N_("This browser cannot unpack the compressed drawing ({error})."),
}

COMPRESS_ABOVE = 20_000_000
"""animate() stores the drawing gzipped when its SVG is longer than this."""

_RENDERER_DEFAULT: Any = object()  # max_nodes not given: the renderer's own limit applies
MANIFEST = ".autodiff-frames.json"
"""The file in ``frames_dir`` listing the frame files animate() wrote there (the only ones it deletes)."""


def _positive_int(value: object, what: str, none_ok: bool = False) -> None:
    if value is None and none_ok:
        return
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        allowed = "a positive int or None" if none_ok else "a positive int"
        raise ValueError(f"animate: {what} must be {allowed}, got {type(value).__name__} {value!r}")


def _own_frames(directory: Path) -> list[str]:
    """The frame files a previous animate() listed in the manifest (names only, never a path elsewhere)."""
    try:
        listed = json.loads((directory / MANIFEST).read_text(encoding="utf-8")).get("files", [])
    except (OSError, ValueError, AttributeError):
        return []
    return [name for name in listed if isinstance(name, str) and re.fullmatch(r"frame_\d+\.svg", name)]


def animate(
    root: Value,
    path: str | os.PathLike[str],
    *,
    model: Any = None,
    clusters: Mapping[str, Sequence[Value]] | None = None,
    title: str | None = None,
    frames_dir: str | os.PathLike[str] | None = None,
    precision: int = 4,
    rankdir: str = "LR",
    edge_symbols: bool = False,
    interval_ms: int = 1500,
    max_nodes: int | None | object = _RENDERER_DEFAULT,
    max_edges: int | None = DEFAULT_MAX_EDGES,
    workers: int | None = None,
    compress: bool | None = None,
    timeout: float | None = DOT_TIMEOUT,
    lang: str | None = None,
) -> AnimationPath:
    """Write the backward pass of ``root`` as one self-contained HTML page; return its path.

    The graph is laid out once by ``autodiff.render.draw`` and Graphviz's ``dot`` with every
    gradient filled in (``layout_svg``); each step of ``frames(root)`` is then a change of
    texts and styles in that drawing, made by the page's script, so nodes never move.
    ``model`` or ``clusters`` group a network's nodes into neurons, as for ``draw``. With
    ``frames_dir`` each step is also written there as ``frame_001.svg`` ... (listed in
    ``MANIFEST``; a later call deletes only the files it listed, never others). A graph with
    more nodes than ``max_nodes`` (by default ``render.DEFAULT_MAX_NODES``; None for none)
    or more edges than ``max_edges`` raises ``GraphTooLargeError`` before any other work.
    ``timeout``: seconds ``dot`` may run. ``compress``: store the drawing gzipped (see
    ``page_html``); by default only when it exceeds ``COMPRESS_ABOVE`` characters.
    ``workers`` is accepted for compatibility: there is one layout, so one ``dot`` run.
    ``lang``: the language the page opens in (default: ``AUTODIFF_LANG``, else the locale); the
    page holds the captions and controls in every language of the catalogue, with a switch.
    """
    from .render import DEFAULT_MAX_NODES

    if not isinstance(root, Value):
        raise TypeError(f"animate: expected a Value, got {type(root).__name__}")
    if not isinstance(path, (str, os.PathLike)):
        raise TypeError(f"animate: path must be a str or a path, got {type(path).__name__} {path!r}")
    if frames_dir is not None and not isinstance(frames_dir, (str, os.PathLike)):
        raise TypeError(f"animate: frames_dir must be a str, a path or None, got {type(frames_dir).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"animate: title must be a str or None, got {type(title).__name__} {title!r}")
    if compress is not None and not isinstance(compress, bool):
        raise TypeError(f"animate: compress must be True, False or None, got {type(compress).__name__} {compress!r}")
    if not isinstance(edge_symbols, bool):
        raise TypeError(f"animate: edge_symbols must be True or False, got {type(edge_symbols).__name__} {edge_symbols!r}")
    _positive_int(interval_ms, "interval_ms")
    _positive_int(precision, "precision")
    _positive_int(workers, "workers", none_ok=True)
    _positive_int(max_edges, "max_edges", none_ok=True)
    limit = DEFAULT_MAX_NODES if max_nodes is _RENDERER_DEFAULT else max_nodes
    _positive_int(limit, "max_nodes", none_ok=True)
    if timeout is not None and (isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0):
        raise ValueError(f"animate: timeout must be a positive number of seconds or None, got {timeout!r}")
    if rankdir not in ("LR", "TB", "RL", "BT"):
        raise ValueError(f"animate: rankdir must be 'LR', 'TB', 'RL' or 'BT', got {rankdir!r}")
    if model is not None and clusters is not None:
        raise ValueError("animate: pass either clusters= or model=, not both")
    language = resolve_language(lang)
    check_size(root, max_nodes=limit, max_edges=max_edges)  # type: ignore[arg-type]

    frame_list = frames(root, precision=precision, lang=language)
    names: list[str] = []
    directory = Path(frames_dir) if frames_dir is not None else None
    if directory is not None:
        width = max(3, len(str(len(frame_list))))
        names = [f"frame_{frame.index + 1:0{width}d}.svg" for frame in frame_list]
        own = set(_own_frames(directory))
        foreign = [n for n in names if n not in own and (directory / n).exists()]
        if foreign:
            raise FileExistsError(
                f"animate: {directory / foreign[0]} exists and was not written by animate(); frames_dir would "
                f"overwrite {len(foreign)} file(s) of yours: choose another frames_dir"
            )

    draw_options: dict[str, Any] = {"rankdir": rankdir, "edge_symbols": edge_symbols, "max_nodes": None}
    if model is not None:
        draw_options["model"] = model
    if clusters is not None:
        draw_options["clusters"] = clusters
    layout = layout_svg(root, frame_list, precision=precision, timeout=timeout, **draw_options)
    ids = _node_ids(root)

    others = [code for code in available_languages() if code != language]
    captions = {code: [f.caption for f in frames(root, precision=precision, lang=code)] for code in others}
    titles: str | dict[str, str] = title if title is not None else {
        code: translate("Backpropagation of {name}, step by step", code,
                        name=f"'{root.name}'" if root.name else translate("the output", code))
        for code in [language, *others]}
    if compress is None:
        compress = len(layout) > COMPRESS_ABOVE
    page = page_html(frame_list, layout, ids, title=titles, precision=precision, interval_ms=interval_ms,
                     compress=compress, lang=language, captions=captions)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")

    if directory is not None:
        directory.mkdir(parents=True, exist_ok=True)
        for old in _own_frames(directory):  # no stale frames from a longer graph; never a file of the user's
            if old not in names:
                (directory / old).unlink(missing_ok=True)
        data = step_data(frame_list, ids, precision)
        for k, name in enumerate(names):
            (directory / name).write_text(frame_svg(layout, data, k), encoding="utf-8")
        (directory / MANIFEST).write_text(json.dumps({"written_by": "autodiff.animate", "files": names}, indent=0),
                                          encoding="utf-8")
    return AnimationPath(path)  # a Path that, in Jupyter, shows the player inline


STEPS_JS = r"""/* autodiff: show one step of the backward pass on the one layout (from autodiff.animate). */
var autodiffSteps = (function () {
  "use strict";
  var SVG = "http://www.w3.org/2000/svg";
  function Stepper(svg, data) {
    this.svg = svg;
    this.data = data;
    this.texts = {};
    var texts = svg.querySelectorAll("text.grad");
    for (var i = 0; i < texts.length; i++) {
      this.texts[texts[i].getAttribute("data-node")] = texts[i];
    }
    this.marked = [];
    this.note = null;
    this.current = -1;
  }
  function gradAt(history, k) {  /* the text of the last change at or before step k (binary search) */
    var lo = 0, hi = history.length;
    while (lo < hi) { var mid = (lo + hi) >> 1; if (history[mid][0] <= k) { lo = mid + 1; } else { hi = mid; } }
    return lo ? history[lo - 1][1] : null;
  }
  function setText(el, text, unknown) {
    if (el.getAttribute("data-width") === null) {  /* the width dot gave this cell (the final text) */
      var w = el.getComputedTextLength ? el.getComputedTextLength() : 0;
      if (w > 0) { el.setAttribute("data-width", String(w)); }
    }
    el.textContent = text;
    el.classList.toggle("unknown", unknown);
    var width = Number(el.getAttribute("data-width") || 0);
    el.removeAttribute("textLength");
    if (width > 0 && el.getComputedTextLength() > width) {  /* a longer running sum: squeeze it into the box */
      el.setAttribute("textLength", String(width));
      el.setAttribute("lengthAdjust", "spacingAndGlyphs");
    }
  }
  Stepper.prototype.element = function (id) {
    return id ? this.svg.querySelector("#" + id) : null;
  };
  Stepper.prototype.clear = function () {
    this.marked.forEach(function (m) { m[0].classList.remove(m[1]); });
    this.marked = [];
    if (this.note) { this.note.parentNode.removeChild(this.note); this.note = null; }
  };
  Stepper.prototype.mark = function (el, cls) {
    if (el) { el.classList.add(cls); this.marked.push([el, cls]); }
  };
  Stepper.prototype.show = function (k) {
    var data = this.data, step = data.steps[k];
    this.current = k;
    for (var id in this.texts) {
      var text = gradAt(data.grads[id] || [], k);
      setText(this.texts[id], text === null ? "grad ?" : "grad " + text, text === null);
    }
    this.clear();
    this.mark(this.element("n-" + step.focus), "focus");
    this.mark(this.element("n-" + step.target), "target");
    var edge = this.element(step.edge);
    this.mark(edge, "current");
    if (edge && step.note) {
      var note = document.createElementNS(SVG, "text");
      note.setAttribute("class", "note");
      note.setAttribute("x", edge.getAttribute("data-note-x"));
      note.setAttribute("y", edge.getAttribute("data-note-y"));
      note.textContent = step.note;
      edge.appendChild(note);
      this.note = note;
    }
    return step;
  };
  Stepper.prototype.showFinal = function () {  /* every gradient, no marks: the drawing as draw() makes it */
    this.clear();
    for (var id in this.texts) {
      var h = this.data.grads[id] || [];
      setText(this.texts[id], h.length ? "grad " + h[h.length - 1][1] : "grad ?", !h.length);
    }
    this.current = -1;
  };
  return { Stepper: Stepper, gradAt: gradAt };
})();
"""
"""The script that applies a step to the layout; the animation page inlines it and the lab serves it."""


_PAGE = """<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: {fonts}; margin: 1rem 1.5rem; color: #222; background: #fff; }}
  #lang-box {{ float: right; font-size: .9rem; }}
  h1 {{ font-size: 1.25rem; margin: 0 0 .5rem; }}
  .controls {{ display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }}
  .controls button {{ font-size: 1rem; padding: .3rem .9rem; min-width: 5.5rem; }}
  #step-counter {{ font-weight: bold; font-variant-numeric: tabular-nums; margin-left: .5rem; }}
  #caption {{ min-height: 3.2em; max-width: 70rem; line-height: 1.45; background: #f6f6f0;
              border-left: 4px solid #c60; padding: .5rem .8rem; margin: .5rem 0 1rem; }}
  #stage {{ overflow: auto; max-height: calc(100vh - 15rem); min-height: 12rem; border: 1px solid #ddd;
            border-radius: 4px; }}
  #graph {{ margin: 0; }}
  #graph svg {{ display: block; }}
  #stage.fit #graph svg {{ max-width: 100%; height: auto; }}
  .help {{ color: #666; font-size: .9rem; }}
</style>
</head>
<body>
<main id="player" data-step="1" data-total="{total}" data-playing="false" data-fit="false" data-ready="false"
      data-focus-node="{focus}" data-focus-grad="{focus_grad}">
<div id="lang-box"><label for="lang" id="lang-label">{ui[language]}</label>
  <select id="lang">{languages}</select></div>
<h1 id="title">{title}</h1>
<div class="controls">
  <button type="button" id="prev" aria-label="{ui[prev_label]}">&#9664; {ui[prev]}</button>
  <button type="button" id="play" aria-pressed="false">&#9654; {ui[play]}</button>
  <button type="button" id="next" aria-label="{ui[next_label]}">{ui[next]} &#9654;</button>
  <button type="button" id="zoom" aria-pressed="false" title="{ui[key_f]}">{ui[fit]}</button>
  <span id="step-counter" aria-live="polite">{step_counter}</span>
</div>
<p id="caption" aria-live="polite">{caption}</p>
<p class="help" id="help">{ui[help]}</p>
<div id="stage">
<figure id="graph"{packed}>
{svg}
</figure>
</div>
</main>
<script type="application/json" id="steps-data">{data}</script>
<script>
{steps_js}
</script>
<script>
(function () {{
  "use strict";
  var data = JSON.parse(document.getElementById("steps-data").textContent);
  var player = document.getElementById("player");
  var graph = document.getElementById("graph");
  var counter = document.getElementById("step-counter");
  var caption = document.getElementById("caption");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var play = document.getElementById("play");
  var zoom = document.getElementById("zoom");
  var stage = document.getElementById("stage");
  var interval = {interval};
  var total = data.steps.length;
  var current = 0;
  var timer = null;
  var stepper = null;
  var lang = data.lang;
  var langSelect = document.getElementById("lang");
  function t(key, values) {{  /* a control's text in the page's language, its {{placeholders}} filled in */
    return data.ui[lang][key].replace(/\\{{(\\w+)\\}}/g, function (all, name) {{
      return values && name in values ? String(values[name]) : all;
    }});
  }}
  function setLanguage(code) {{  /* the switch: every text of the page in another language, same step */
    if (!data.ui[code]) {{ return; }}
    lang = code;
    document.documentElement.lang = code;
    langSelect.value = code;
    document.title = t("title");
    document.getElementById("title").textContent = t("title");
    document.getElementById("lang-label").textContent = t("language");
    document.getElementById("help").textContent = t("help");
    prev.textContent = "\u25c0 " + t("prev");
    prev.setAttribute("aria-label", t("prev_label"));
    next.textContent = t("next") + " \u25b6";
    next.setAttribute("aria-label", t("next_label"));
    zoom.title = t("key_f");
    zoom.textContent = stage.classList.contains("fit") ? t("actual") : t("fit");
    play.textContent = timer === null ? "\u25b6 " + t("play") : "\u275a\u275a " + t("pause");
    player.dataset.lang = code;
    if (stepper !== null) {{ show(current); }}
  }}
  var fields = {{focus: "focusNode", focus_name: "focusName", focus_grad: "focusGrad", focus_grad_text: "focusGradText",
                target: "targetNode", target_name: "targetName", target_grad: "targetGrad",
                target_grad_text: "targetGradText", note: "edgeNote"}};

  function unpack() {{  /* a compressed page keeps the drawing gzipped until it is first shown */
    if (!graph.dataset.packed) {{ return Promise.resolve(); }}
    var text = atob(graph.dataset.packed), bytes = new Uint8Array(text.length);
    for (var i = 0; i < text.length; i++) {{ bytes[i] = text.charCodeAt(i); }}
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    return new Response(stream).text().then(function (svg) {{
      graph.innerHTML = svg;
      delete graph.dataset.packed;
    }});
  }}
  function show(i) {{
    current = Math.max(0, Math.min(total - 1, i));
    var step = stepper.show(current);
    counter.textContent = t("counter", {{step: current + 1, total: total}});
    caption.textContent = data.captions[lang][current];
    player.dataset.step = String(current + 1);
    Object.keys(fields).forEach(function (key) {{
      var value = step[key];
      if (value === null || value === undefined || value === "") {{ delete player.dataset[fields[key]]; }}
      else {{ player.dataset[fields[key]] = String(value); }}
    }});
    prev.disabled = current === 0;
    next.disabled = current === total - 1;
    if (current === total - 1) {{ stop(); }}
    follow(step);
  }}
  function box(id) {{
    var el = id ? graph.querySelector("#n-" + id) : null;
    return el ? el.getBoundingClientRect() : null;
  }}
  function follow(step) {{  /* keep the current node and the node it feeds in view */
    var a = box(step.focus), b = box(step.target) || a;
    if (!a) {{ return; }}
    var s = stage.getBoundingClientRect();
    var x = (Math.min(a.left, b.left) + Math.max(a.right, b.right)) / 2;
    var y = (Math.min(a.top, b.top) + Math.max(a.bottom, b.bottom)) / 2;
    stage.scrollLeft += x - (s.left + s.width / 2);
    stage.scrollTop += y - (s.top + s.height / 2);
  }}
  function toggleFit() {{
    var fit = stage.classList.toggle("fit");
    zoom.textContent = fit ? t("actual") : t("fit");
    zoom.setAttribute("aria-pressed", fit ? "true" : "false");
    player.dataset.fit = fit ? "true" : "false";
    follow(data.steps[current]);
  }}
  function stop() {{
    if (timer !== null) {{ clearInterval(timer); timer = null; }}
    play.textContent = "\u25b6 " + t("play");
    play.setAttribute("aria-pressed", "false");
    player.dataset.playing = "false";
  }}
  function start() {{
    if (current === total - 1) {{ show(0); }}
    if (total < 2) {{ return; }}
    play.textContent = "\u275a\u275a " + t("pause");
    play.setAttribute("aria-pressed", "true");
    player.dataset.playing = "true";
    timer = setInterval(function () {{ show(current + 1); }}, interval);
  }}
  function toggle() {{ if (timer === null) {{ start(); }} else {{ stop(); }} }}

  prev.addEventListener("click", function () {{ stop(); show(current - 1); }});
  next.addEventListener("click", function () {{ stop(); show(current + 1); }});
  play.addEventListener("click", toggle);
  zoom.addEventListener("click", toggleFit);
  [prev, next, play, zoom].forEach(function (b) {{  /* space is play / pause everywhere, not "press this button" */
    b.addEventListener("keyup", function (e) {{ if (e.key === " ") {{ e.preventDefault(); }} }});
  }});
  langSelect.addEventListener("change", function () {{ setLanguage(langSelect.value); }});
  document.addEventListener("keydown", function (e) {{
    if (e.altKey || e.ctrlKey || e.metaKey || stepper === null) {{ return; }}
    if (e.target === langSelect) {{ return; }}  /* the switch keeps its own keys */
    if (e.key === "ArrowRight") {{ stop(); show(current + 1); }}
    else if (e.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    else if (e.key === "Home") {{ stop(); show(0); }}
    else if (e.key === "End") {{ stop(); show(total - 1); }}
    else if (e.key === " " || e.key === "Spacebar") {{ toggle(); }}  /* even on a focused button */
    else if (e.key === "f" || e.key === "F") {{ toggleFit(); }}
    else {{ return; }}
    e.preventDefault();
  }});
  unpack().then(function () {{
    stepper = new autodiffSteps.Stepper(graph.querySelector("svg"), data);
    show(0);
    player.dataset.lang = lang;
    player.dataset.ready = "true";
  }}, function (err) {{
    caption.textContent = t("unpack_failed", {{error: err}}) + " " + caption.textContent;
  }});
}})();
</script>
</body>
</html>
"""
