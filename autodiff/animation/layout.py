"""The one layout every step is shown on, and the steps as data a page's script applies to it.

``layout_svg(root, frame_list)`` draws the graph once, with the renderer (``render.draw``) and
one run of Graphviz's ``dot`` (``render.render_svg``), with every gradient filled in, and gives
its nodes and edges ids a script can find (``stable_svg``). ``step_data`` turns the frames into
plain JSON-ready data (the captions written in a language of the caller's choice);
``frame_svg`` applies one step to the layout in Python, for the frame files. A step only
changes texts and styles inside the drawing, so nodes never move.

The step marks' style is ``static/steps.css``; ``static_text`` reads the package's page files.
"""

from __future__ import annotations

import html
import math
import re
from importlib import resources
from typing import Any, Mapping, Sequence

from ..engine import Value
from ..render import DOT_TIMEOUT, draw, node_ids, render_svg
from .replay import Frame, format_value

__all__ = ["static_text", "STEP_STYLE", "stable_svg", "layout_svg", "step_data", "frame_svg", "SVG_START"]


def static_text(name: str) -> str:
    """The text of a file of ``autodiff/animation/static/`` (the player's script, the page's template and style)."""
    return (resources.files(__package__) / "static" / name).read_text(encoding="utf-8")


STEP_STYLE = "\n" + static_text("steps.css")
"""The styles of a step (``static/steps.css``), put inside the layout's SVG so that a frame file carries them too."""

SVG_START = re.compile(r"<svg\b")
_GROUP = re.compile(r'<g id="(?:node|edge)(\d+)" class="(node|edge)">\n<title>([^<]*)</title>(.*?)</g>', re.S)
_GRAD_TEXT = re.compile(r"<text ([^>]*)>grad ([^<]*)</text>")
_TEXT_XY = re.compile(r'<text [^>]*\bx="([-\d.]+)" y="([-\d.]+)"')
_PATH_START = re.compile(r'<path [^>]*\bd="M([-\d.]+),([-\d.]+)')


def stable_svg(svg: str, root: Value, ids: Mapping[Value, str]) -> str:
    """``dot``'s SVG of ``draw(root)`` with ids a page's script can find, and the step styles.

    A Value's box gets ``id="n-v3"`` (its ``node_ids`` id), an operation's circle ``n-v3_op``,
    the edge from ``node``'s input ``i`` ``e-v3-i`` (the k-th of several edges between the
    same two nodes is the k-th such input), the edge out of the circle ``e-v3-out``; each
    grad cell's text is ``<text class="grad" data-node="v3">``, and each input edge carries
    ``data-note-x`` / ``data-note-y``, where a step's note goes (below the edge's label).
    """
    match = SVG_START.search(svg)
    if match is None:
        raise ValueError("animate: the renderer returned no <svg> element")
    body = re.sub(r"<!--.*?-->\n?", "", svg[match.start():], flags=re.S)
    groups = list(_GROUP.finditer(body))
    edge_ids = _edge_ids(groups, ids)
    out: list[str] = []
    last = 0
    for k, m in enumerate(groups):
        out.append(body[last:m.start()])
        last = m.end()
        title, inner = html.unescape(m.group(3)), m.group(4)
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


def _edge_ids(groups: Sequence[re.Match[str]], ids: Mapping[Value, str]) -> dict[int, str]:
    """Each edge group (by position) -> its id: ``e-v3-1`` into an operation, ``e-v3-out`` out of it.

    Graphviz numbers edges in the order they were added: the k-th edge between two nodes is the k-th input.
    """
    by_id = {vid: node for node, vid in ids.items()}
    pending: dict[tuple[str, str], list[int]] = {}  # (parent id, node id) -> the input indices not yet matched

    def inputs_between(parent_id: str, node_id: str) -> list[int]:
        key = (parent_id, node_id)
        if key not in pending:
            node, parent = by_id.get(node_id), by_id.get(parent_id)
            pending[key] = [] if node is None else [i for i, p in enumerate(node.parents) if p is parent]
        return pending[key]

    edge_order = sorted((int(m.group(1)), k) for k, m in enumerate(groups) if m.group(2) == "edge")
    edge_ids: dict[int, str] = {}
    for _, k in edge_order:
        tail, _, head = html.unescape(groups[k].group(3)).partition("->")
        if head.endswith("_op"):
            indices = inputs_between(tail, head[:-3])
            edge_ids[k] = f"e-{head[:-3]}-{indices.pop(0)}" if indices else f"e-{tail}-{head}"
        else:
            edge_ids[k] = f"e-{head}-out"
    return edge_ids


def layout_svg(root: Value, frame_list: Sequence[Frame], *, precision: int = 4, timeout: float | None = DOT_TIMEOUT,
               **draw_options: Any) -> str:
    """The one layout every step is shown on: ``draw(root)`` with every gradient filled in (the last frame's).

    Laid out once by ``dot`` (stopped after ``timeout`` seconds), with the final labels, so
    that nodes never move: a step only changes texts and styles inside it (see ``step_data``).
    """
    graph = draw(root, precision=precision, show_grad=True, grads=frame_list[-1].grads, **draw_options)
    return stable_svg(render_svg(graph, timeout=timeout), root, node_ids(root))


def _json_number(x: float) -> float | str:
    return x if math.isfinite(x) else str(x)  # JSON has no inf or nan


def step_data(frame_list: Sequence[Frame], ids: Mapping[Value, str], precision: int = 4,
              lang: str | None = None) -> dict[str, Any]:
    """The steps as plain data (JSON-ready), for a page's script to apply to the one layout.

    ``steps[k]``: ``caption`` (in ``lang``; default: the frames' language), ``focus`` (node id),
    ``focus_name``, ``focus_grad`` (number) and ``focus_grad_text``; for every step but the seed
    also ``target``, ``target_name``, ``target_grad``, ``target_grad_text``, ``edge`` (the
    edge's element id, ``e-v3-1``) and ``note`` (``local × upstream = contribution``).
    ``grads``: node id -> ``[[step, text], ...]``, the steps at which its gradient changed and
    the text shown from then on (no entry yet: "grad ?"). Memory grows with the edges, not
    edges × nodes.
    """
    steps: list[dict[str, Any]] = []
    grads: dict[str, list[list[Any]]] = {vid: [] for vid in ids.values()}
    for frame in frame_list:
        step: dict[str, Any] = {
            "index": frame.index,
            "caption": frame.text(lang),
            "focus": ids.get(frame.node, ""),
            "focus_name": frame.node.name,
            "focus_grad": _json_number(frame.upstream),
            "focus_grad_text": format_value(frame.upstream, precision),
            "target": None, "target_name": None, "target_grad": None, "target_grad_text": None,
            "edge": None, "note": None,
        }
        if frame.parent is None:
            if frame.node in ids:
                grads[ids[frame.node]].append([frame.index, format_value(frame.upstream, precision)])
        else:
            accumulated = frame.accumulated
            assert accumulated is not None
            target = ids.get(frame.parent, "")
            step.update({
                "target": target, "target_name": frame.parent.name,
                "target_grad": _json_number(accumulated), "target_grad_text": format_value(accumulated, precision),
                "edge": f"e-{ids.get(frame.node, '')}-{frame.parent_index}", "note": frame.edge_note(precision),
            })
            if target:
                grads[target].append([frame.index, format_value(accumulated, precision)])
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
