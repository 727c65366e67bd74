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

``animate(root, path)`` draws every frame with the renderer (``autodiff.render.draw``) and
writes one HTML file with all frames inlined: previous / next / play, the arrow keys and
space, a step counter and a caption. It needs no network and no other file.

The gradients shown are those of one pass: what ``.grad`` holds after ``zero_grad()`` and
``backward()``. ``frames`` and ``animate`` never change ``.grad``.
"""

from __future__ import annotations

import base64
import gzip
import html
import os
import re
from bisect import bisect_right
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .engine import Value, backward_order, topological_order
from .symbolic import Sym
from .display import AnimationPath, one_line
from .render import edge_formula, format_number

__all__ = ["Frame", "GradsSoFar", "frames", "animate", "page_html", "format_value", "local_formula"]


# --- frames: pure data ----------------------------------------------------------------------

class GradsSoFar(Mapping):
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
        f = lambda x: format_value(x, precision)  # noqa: E731
        return f"{f(self.local)} × {_paren(f(self.upstream))} = {f(self.contribution)}"  # type: ignore[arg-type]


format_value = format_number  # captions write numbers exactly as the drawings do


def _op_symbol(node: Value) -> str:
    return node.op.symbol if node.op is not None else "leaf"


def _describe(node: Value, precision: int) -> str:
    """How a caption names a node: σ node 'A3', the unnamed × node with value 0.25, 'W_5', the constant 1."""
    if node.op is not None:
        if node.name is not None:
            return f"{node.op.symbol} node '{node.name}'"
        return f"the unnamed {node.op.symbol} node with value {format_value(node.data, precision)}"
    if node.name is not None:
        return f"'{node.name}'"
    return f"the constant {format_value(node.data, precision)}"


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


def frames(root: Value, *, precision: int = 4) -> list[Frame]:
    """The backward pass of ``root`` as frames: the seed, then one frame per edge, in the engine's order.

    The numbers are the engine's: each edge's ``local_grads`` entry times the node's
    gradient, added (in this order, from 0) to the parent's gradient, exactly as
    ``backward()`` adds them. ``precision`` is the number of significant digits in captions.
    """
    if not isinstance(root, Value):
        raise TypeError(f"frames: expected a Value, got {type(root).__name__}")
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
    f = lambda x: format_value(x, precision)  # noqa: E731
    out: list[Frame] = []
    caption = (
        f"Step 1 of {total}: start at the output, {_describe(root, precision)}"
        f"{'' if root.op is not None and root.name is None else f', value {f(root.data)}'}. "
        f"d{_name_or(root)}/d{_name_or(root)} = 1, so its gradient is 1."
    )
    if total == 1:
        caption += " It depends on nothing, so there is nothing more to do."
    else:
        caption += " Gradients now flow backward, one edge at a time."
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
    f = lambda x: format_value(x, precision)  # noqa: E731
    parent, local = node.parents[i], node.local_grads[i]
    target = _short(parent, precision)
    if formula is None or formula.kind == "num":
        local_text = f(local)
    else:
        local_text = f"{formula.text()} = {f(local)}"
    if len(node.parents) == 1:
        edge = f"the edge to {target}"
    else:
        edge = f"edge {i + 1} of {len(node.parents)} (to {target})"
    text = (
        f"Step {index + 1} of {total}: at {_describe(node, precision)}, upstream gradient {f(upstream)}; "
        f"{edge} has local derivative {local_text}; "
        f"it adds {f(local)} × {_paren(f(upstream))} = {f(contribution)} to the gradient of {target}"
    )
    if n == 1:
        return text + f", now {f(accumulated)} (its only contribution: complete)."
    if k == 1:
        return text + f", now {f(accumulated)} (contribution 1 of {n})."
    assert before is not None
    which = f"contribution {k} of {n}" + (": complete" if k == n else "")
    return text + f" ({which}), now {f(before)} + {_paren(f(contribution))} = {f(accumulated)}."


def _name_or(node: Value) -> str:
    """How d_/d_ writes a node: dE, d(Loss), d(output)."""
    name = node.name if node.name is not None else "output"
    return name if len(name) == 1 else f"({name})"


# --- the page ---------------------------------------------------------------------------------

def _node_ids(root: Value) -> dict[Value, str]:
    from .render import node_ids

    return dict(node_ids(root))


def _draw_frame(root: Value, frame: Frame, precision: int, draw_options: Mapping[str, Any]) -> Any:
    from .render import draw

    notes = {}
    if frame.parent is not None:
        notes[(frame.node, frame.parent_index)] = frame.edge_note(precision)
    return draw(
        root,
        precision=precision,
        show_grad=True,
        grads=frame.grads,
        focus=frame.node,
        edge_notes=notes,
        **draw_options,
    )


def _svg_text(graph: Any) -> str:
    return graph.pipe(format="svg").decode("utf-8")


_SVG_START = re.compile(r"<svg\b")
_ID_ATTR = re.compile(r'\bid="([^"]*)"')
_ID_REF = re.compile(r'(url\(#|href="#)([^")]*)')


def _inline_svg(svg: str, prefix: str) -> str:
    """The <svg> element of an SVG file, its ids prefixed so that many can share one page."""
    match = _SVG_START.search(svg)
    if match is None:
        raise ValueError("animate: the renderer returned no <svg> element")
    body = svg[match.start():]
    body = re.sub(r"<!--.*?-->", "", body, flags=re.S)
    body = _ID_ATTR.sub(lambda m: f'id="{prefix}{m.group(1)}"', body)
    body = _ID_REF.sub(lambda m: f"{m.group(1)}{prefix}{m.group(2)}", body)
    return body.strip()


def _attr(text: object) -> str:
    return html.escape(str(text), quote=True)


def page_html(
    frame_list: Sequence[Frame],
    svgs: Sequence[str],
    ids: Mapping[Value, str],
    *,
    title: str = "Backpropagation, step by step",
    precision: int = 4,
    interval_ms: int = 1500,
    compress: bool = False,
) -> str:
    """The self-contained page: every frame's SVG inlined, with its caption and data attributes.

    ``svgs`` holds one SVG document per frame (``<?xml`` headers are dropped). ``ids`` maps
    nodes to the ids the renderer gave them (``render.node_ids``); they appear as
    ``data-focus-node`` / ``data-target-node``. With ``compress`` each SVG is stored gzipped
    (base64, in ``data-packed``) and unpacked by the browser when first shown
    (``DecompressionStream``: Chrome 80, Firefox 113, Safari 16.4 or later), about 5 times smaller.
    """
    if len(frame_list) != len(svgs):
        raise ValueError(f"page_html: {len(frame_list)} frames but {len(svgs)} SVGs")
    if not frame_list:
        raise ValueError("page_html: no frames")
    f = lambda x: format_value(x, precision)  # noqa: E731
    parts = []
    for frame, svg in zip(frame_list, svgs):
        attrs = {
            "data-index": frame.index,
            "data-caption": frame.caption,
            "data-focus-node": ids.get(frame.node, ""),
            "data-focus-name": frame.node.name or "",
            "data-focus-grad": repr(frame.upstream),
            "data-focus-grad-text": f(frame.upstream),
        }
        if frame.parent is not None:
            attrs.update({
                "data-target-node": ids.get(frame.parent, ""),
                "data-target-name": frame.parent.name or "",
                "data-target-grad": repr(frame.accumulated),
                "data-target-grad-text": f(frame.accumulated),  # type: ignore[arg-type]
                "data-edge-note": frame.edge_note(precision),
            })
        body = _inline_svg(svg, f"f{frame.index}-")
        if compress:
            attrs["data-packed"] = base64.b64encode(gzip.compress(body.encode("utf-8"), 9, mtime=0)).decode("ascii")
            body = ""
        attr_text = " ".join(f'{k}="{_attr(v)}"' for k, v in attrs.items())
        hidden = "" if frame.index == 0 else " hidden"
        parts.append(f'<figure class="frame" id="frame-{frame.index}" {attr_text}{hidden}>\n{body}\n</figure>')
    first = frame_list[0]
    total = len(frame_list)
    return _PAGE.format(
        title=html.escape(title),
        total=total,
        interval=int(interval_ms),
        caption=html.escape(first.caption),
        focus=_attr(ids.get(first.node, "")),
        focus_grad=_attr(repr(first.upstream)),
        frames="\n".join(parts),
    )


COMPRESS_ABOVE = 20_000_000
"""animate() stores the frames gzipped when their SVGs together are longer than this."""

_RENDERER_DEFAULT: Any = object()  # max_nodes not given: the renderer's own limit applies


def animate(
    root: Value,
    path: str | os.PathLike,
    *,
    model: Any = None,
    clusters: Mapping[str, Sequence[Value]] | None = None,
    title: str | None = None,
    frames_dir: str | os.PathLike | None = None,
    precision: int = 4,
    rankdir: str = "LR",
    edge_symbols: bool = False,
    interval_ms: int = 1500,
    max_nodes: int | None | object = _RENDERER_DEFAULT,
    workers: int | None = None,
    compress: bool | None = None,
) -> AnimationPath:
    """Write the backward pass of ``root`` as one self-contained HTML page; return its path.

    Every frame of ``frames(root)`` is drawn by ``autodiff.render.draw`` (with that frame's
    gradients, the current node as focus and the edge just used annotated) and inlined.
    ``model`` or ``clusters`` group a network's nodes into neurons, as for ``draw``. With
    ``frames_dir`` each frame is also written there as ``frame_001.svg`` ... A graph larger
    than the renderer's limit (``max_nodes``, by default ``render.DEFAULT_MAX_NODES``; None for
    none) raises the renderer's ``GraphTooLargeError`` before anything is drawn or written.
    Each frame is one run of Graphviz's ``dot`` (``workers`` of them at a time).
    ``compress``: store the frames gzipped in the page (see ``page_html``); by default only
    when the frames' SVGs exceed ``COMPRESS_ABOVE`` characters (20 MB), i.e. for large graphs.
    """
    if not isinstance(root, Value):
        raise TypeError(f"animate: expected a Value, got {type(root).__name__}")
    draw_options: dict[str, Any] = {"rankdir": rankdir, "edge_symbols": edge_symbols}
    if model is not None:
        draw_options["model"] = model
    if clusters is not None:
        draw_options["clusters"] = clusters
    if max_nodes is not _RENDERER_DEFAULT:
        draw_options["max_nodes"] = max_nodes

    frame_list = frames(root, precision=precision)
    # The first drawing checks the renderer's size limit before any other work.
    first = _draw_frame(root, frame_list[0], precision, draw_options)
    ids = _node_ids(root)

    def render(frame: Frame) -> str:
        graph = first if frame.index == 0 else _draw_frame(root, frame, precision, draw_options)
        return _svg_text(graph)

    n_workers = workers or min(8, os.cpu_count() or 1)
    if n_workers > 1 and len(frame_list) > 1:
        with ThreadPoolExecutor(max_workers=n_workers) as pool:  # each frame is one `dot` process
            svgs = list(pool.map(render, frame_list))
    else:
        svgs = [render(frame) for frame in frame_list]

    if title is None:
        name = f"'{root.name}'" if root.name else "the output"
        title = f"Backpropagation of {name}, step by step"
    if compress is None:
        compress = sum(len(svg) for svg in svgs) > COMPRESS_ABOVE
    page = page_html(frame_list, svgs, ids, title=title, precision=precision, interval_ms=interval_ms,
                     compress=compress)
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(page, encoding="utf-8")

    if frames_dir is not None:
        directory = Path(frames_dir)
        directory.mkdir(parents=True, exist_ok=True)
        for old in directory.glob("frame_*.svg"):  # no stale frames from a longer graph
            old.unlink()
        width = max(3, len(str(len(frame_list))))
        for frame, svg in zip(frame_list, svgs):
            (directory / f"frame_{frame.index + 1:0{width}d}.svg").write_text(svg, encoding="utf-8")
    return AnimationPath(path)  # a Path that, in Jupyter, shows the player inline


_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
  body {{ font-family: system-ui, sans-serif; margin: 1rem 1.5rem; color: #222; background: #fff; }}
  h1 {{ font-size: 1.25rem; margin: 0 0 .5rem; }}
  .controls {{ display: flex; gap: .5rem; align-items: center; flex-wrap: wrap; margin: .5rem 0; }}
  .controls button {{ font-size: 1rem; padding: .3rem .9rem; min-width: 5.5rem; }}
  #step-counter {{ font-weight: bold; font-variant-numeric: tabular-nums; margin-left: .5rem; }}
  #caption {{ min-height: 3.2em; max-width: 70rem; line-height: 1.45; background: #f6f6f0;
              border-left: 4px solid #c60; padding: .5rem .8rem; margin: .5rem 0 1rem; }}
  #stage {{ overflow: auto; max-height: calc(100vh - 15rem); min-height: 12rem; border: 1px solid #ddd;
            border-radius: 4px; }}
  .frame {{ margin: 0; }}
  .frame svg {{ display: block; }}
  #stage.fit .frame svg {{ max-width: 100%; height: auto; }}
  .help {{ color: #666; font-size: .9rem; }}
</style>
</head>
<body>
<main id="player" data-step="1" data-total="{total}" data-playing="false" data-fit="false" data-ready="false"
      data-focus-node="{focus}" data-focus-grad="{focus_grad}">
<h1>{title}</h1>
<div class="controls">
  <button type="button" id="prev" aria-label="Previous step">&#9664; Prev</button>
  <button type="button" id="play" aria-pressed="false">&#9654; Play</button>
  <button type="button" id="next" aria-label="Next step">Next &#9654;</button>
  <button type="button" id="zoom" aria-pressed="false" title="Key: f">Fit to width</button>
  <span id="step-counter" aria-live="polite">Step 1 / {total}</span>
</div>
<p id="caption" aria-live="polite">{caption}</p>
<p class="help">Keys: &larr; / &rarr; previous / next step, space play / pause, Home / End first / last step,
f fit to width / actual size. The node with the thick blue border is the current one; the blue edge shows
local derivative &times; upstream gradient = the contribution added to the gradient of the node it comes from.
&ldquo;grad ?&rdquo; is a gradient not computed yet.</p>
<div id="stage">
<div id="frames">
{frames}
</div>
</div>
</main>
<script>
(function () {{
  "use strict";
  var player = document.getElementById("player");
  var frames = Array.prototype.slice.call(document.querySelectorAll("#frames > .frame"));
  var counter = document.getElementById("step-counter");
  var caption = document.getElementById("caption");
  var prev = document.getElementById("prev");
  var next = document.getElementById("next");
  var play = document.getElementById("play");
  var zoom = document.getElementById("zoom");
  var stage = document.getElementById("stage");
  var interval = {interval};
  var current = 0;
  var timer = null;
  var copied = ["focusNode", "focusName", "focusGrad", "focusGradText",
                "targetNode", "targetName", "targetGrad", "targetGradText", "edgeNote"];

  function unpack(frame) {{  /* a compressed page keeps each SVG gzipped until it is first shown */
    if (!frame.dataset.packed) {{ return Promise.resolve(); }}
    if (!frame.unpacking) {{
      var text = atob(frame.dataset.packed), bytes = new Uint8Array(text.length);
      for (var i = 0; i < text.length; i++) {{ bytes[i] = text.charCodeAt(i); }}
      var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
      frame.unpacking = new Response(stream).text().then(function (svg) {{
        frame.innerHTML = svg;
        delete frame.dataset.packed;
      }});
    }}
    return frame.unpacking;
  }}
  function show(i) {{
    current = Math.max(0, Math.min(frames.length - 1, i));
    frames.forEach(function (f, j) {{ f.hidden = j !== current; }});
    var frame = frames[current];
    var shown = current;
    counter.textContent = "Step " + (current + 1) + " / " + frames.length;
    caption.textContent = frame.dataset.caption;
    player.dataset.step = String(current + 1);
    copied.forEach(function (key) {{
      if (key in frame.dataset) {{ player.dataset[key] = frame.dataset[key]; }}
      else {{ delete player.dataset[key]; }}
    }});
    prev.disabled = current === 0;
    next.disabled = current === frames.length - 1;
    if (current === frames.length - 1) {{ stop(); }}
    player.dataset.ready = frame.dataset.packed ? "false" : "true";
    unpack(frame).then(function () {{
      if (shown !== current) {{ return; }}
      player.dataset.ready = "true";
      follow(frame);
      if (current + 1 < frames.length) {{ unpack(frames[current + 1]); }}
    }}, function (err) {{
      caption.textContent = "This browser cannot unpack the compressed drawings (" + err + "). " +
        frame.dataset.caption;
    }});
  }}
  function box(frame, id) {{
    if (!id) {{ return null; }}
    var titles = frame.querySelectorAll("g.node > title");
    for (var i = 0; i < titles.length; i++) {{
      if (titles[i].textContent === id) {{ return titles[i].parentNode.getBoundingClientRect(); }}
    }}
    return null;
  }}
  function follow(frame) {{  /* keep the current node and the node it feeds in view */
    var a = box(frame, frame.dataset.focusNode), b = box(frame, frame.dataset.targetNode) || a;
    if (!a) {{ return; }}
    var s = stage.getBoundingClientRect();
    var x = (Math.min(a.left, b.left) + Math.max(a.right, b.right)) / 2;
    var y = (Math.min(a.top, b.top) + Math.max(a.bottom, b.bottom)) / 2;
    stage.scrollLeft += x - (s.left + s.width / 2);
    stage.scrollTop += y - (s.top + s.height / 2);
  }}
  function toggleFit() {{
    var fit = stage.classList.toggle("fit");
    zoom.textContent = fit ? "Actual size" : "Fit to width";
    zoom.setAttribute("aria-pressed", fit ? "true" : "false");
    player.dataset.fit = fit ? "true" : "false";
    follow(frames[current]);
  }}
  function stop() {{
    if (timer !== null) {{ clearInterval(timer); timer = null; }}
    play.innerHTML = "&#9654; Play";
    play.setAttribute("aria-pressed", "false");
    player.dataset.playing = "false";
  }}
  function start() {{
    if (current === frames.length - 1) {{ show(0); }}
    if (frames.length < 2) {{ return; }}
    play.innerHTML = "&#10073;&#10073; Pause";
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
  document.addEventListener("keydown", function (e) {{
    if (e.altKey || e.ctrlKey || e.metaKey) {{ return; }}
    if (e.key === "ArrowRight") {{ stop(); show(current + 1); }}
    else if (e.key === "ArrowLeft") {{ stop(); show(current - 1); }}
    else if (e.key === "Home") {{ stop(); show(0); }}
    else if (e.key === "End") {{ stop(); show(frames.length - 1); }}
    else if (e.key === " " || e.key === "Spacebar") {{ toggle(); }}  /* even on a focused button */
    else if (e.key === "f" || e.key === "F") {{ toggleFit(); }}
    else {{ return; }}
    e.preventDefault();
  }});
  show(0);
}})();
</script>
</body>
</html>
"""
