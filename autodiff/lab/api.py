"""The lab's JSON API: each endpoint as a function from the request's fields to a JSON-ready answer.

Nothing here knows HTTP (``server.py`` does); every function takes plain values, checks them,
and returns a dict or raises ``LabError`` (a message, a 4xx status and fields the page can
show). The field names are the contract documented in the README:

* ``graph_payload``: ``{"graph", "title", "svg", "nodes", "edges", "root", "losses", ...}``
* ``explain_payload``: ``{"value", "text", "latex", "markdown", "paths": [{"nodes", "value", ...}], ...}``
* ``check_payload``: ``{"ok", "value", "expected", "text", "paths_accounted", "paths_missed", "error", ...}``
* ``steps_payload``: the backward steps, as ``animate()`` makes them (``animate.step_data``)
"""

from __future__ import annotations

import math
import re
from typing import Any, Mapping

from ..animation import frames, layout_svg, step_data
from ..checking import check_formula
from ..engine import Value
from ..explanation import Explanation, TooManyPathsError, explain
from ..formula import MAX_FORMULA_LENGTH, FormulaError
from ..i18n import translate
from ..labels import label_of
from ..paths import ChainPath, read_graph
from ..render import GraphTooLargeError, RenderError, edge_formula, format_number, graph_symbols
from .graphs import LabError, LabGraph, finite_number

DOT_TIMEOUT = 10.0
"""Seconds the lab lets Graphviz's ``dot`` lay out one graph."""
MAX_PATHS = 64
"""Paths the path form lists (past this, the page offers the delta form)."""


def number(x: float) -> float | str:
    """A float for JSON: finite numbers as they are, inf and nan as text (JSON has neither)."""
    return x if math.isfinite(x) else str(x)


def _svg(graph: LabGraph) -> str:
    if graph.svg is None:
        frame_list = frames(graph.root)
        try:
            clusters = graph.cluster_map() or None
            svg = layout_svg(graph.root, frame_list, timeout=DOT_TIMEOUT, clusters=clusters,
                             edge_symbols=True, max_nodes=None, layered=clusters is not None)
        except RenderError as error:  # dot failed or ran past its time limit
            raise LabError(str(error), 422) from None
        graph.svg = re.sub(r"<style>.*?</style>", "", svg, count=1, flags=re.S)  # the page's own CSS styles it
    return graph.svg


def graph_payload(graph: LabGraph) -> dict[str, Any]:
    """The graph as the page draws and reads it: the SVG, every node and every edge."""
    ids = graph.ids
    params = {graph.order[k] for k in graph.params}
    labels = label_of(graph.root)  # the one label of each node, as the drawing and the derivations write it
    symbols = graph_symbols(graph.root, labels)
    nodes = [{
        "id": ids[n], "name": n.name, "label": labels(n), "data": number(n.data), "grad": number(n.grad),
        "op": n.op.name if n.op is not None else None, "symbol": n.op.symbol if n.op is not None else None,
        "parents": [ids[p] for p in n.parents], "leaf": n.op is None, "param": n in params,
        "data_text": format_number(n.data), "grad_text": format_number(n.grad),
    } for n in graph.order]
    edges = []
    for n in graph.order:
        for i, (parent, local) in enumerate(zip(n.parents, n.local_grads)):
            formula = edge_formula(n, i, symbols)
            edges.append({"from": ids[parent], "to": ids[n], "index": i, "local": number(local),
                          "formula": formula.text() if formula is not None else None, "element": f"e-{ids[n]}-{i}"})
    return {
        "graph": graph.gid, "title": graph.shown_title(), "svg": _svg(graph), "nodes": nodes, "edges": edges,
        "root": ids[graph.root], "root_name": graph.root.name, "loss": number(graph.root.data),
        "losses": [number(x) for x in graph.losses], "kinds": list(graph.kinds),
        "params": [ids[graph.order[k]] for k in graph.params],
        "initial": {ids[graph.order[k]]: number(x) for k, x in graph.initial.items()},
        "source": graph.source,
    }


def _route(graph: LabGraph, upper: Value, lower: Value, visible: set[Value]) -> tuple[set[Value], set[str]]:
    """The nodes and edge elements of one step ∂upper/∂lower: through unnamed nodes only, as explain folds them."""
    reach = {lower}
    for n in reversed(graph.order):  # parents first
        if n is not lower and (n is upper or (n not in visible and n.op is not None)):
            if any(p in reach for p in n.parents):
                reach.add(n)
    nodes, edges = {upper, lower}, set()
    stack = [upper]
    seen = {upper}
    while stack:
        n = stack.pop()
        for i, p in enumerate(n.parents):
            if p in reach:
                edges.add(f"e-{graph.ids[n]}-{i}")
                edges.add(f"e-{graph.ids[n]}-out")
                nodes.add(p)
                if p is not lower and p not in seen:
                    seen.add(p)
                    stack.append(p)
    return nodes, edges


def _visible(graph: LabGraph, node: Value) -> set[Value]:
    """The nodes a derivation of d(root)/d(node) names (the rest are folded into its steps)."""
    named = read_graph(graph.root, node)
    return {n for n in graph.order if named.visible(n)}


def _path_payload(graph: LabGraph, path: ChainPath, visible: set[Value]) -> dict[str, Any]:
    on: set[Value] = set()
    elements: set[str] = set()
    for f in path.factors:
        nodes, edges = _route(graph, f.upper, f.lower, visible)
        on |= nodes
        elements |= edges
    ids = graph.ids
    return {
        "index": path.index, "value": number(path.value),
        "nodes": [ids[n] for n in graph.order if n in on], "edges": sorted(elements),
        "labels": list(path.nodes), "route": path.route(), "chain": path.chain(), "symbolic": path.symbolic(),
        "numeric": path.numeric(),
        "factors": [{"upper": ids[f.upper], "lower": ids[f.lower], "upper_label": f.upper_label,
                     "lower_label": f.lower_label, "symbol": f.symbol.text(), "value": number(f.value)}
                    for f in path.factors],
    }


def explain_payload(graph: LabGraph, node_ref: object, form: object) -> dict[str, Any]:
    """d(root)/d(node) derived, in path or delta form, with every path's nodes and edges for the page."""
    if form not in ("paths", "delta"):
        raise LabError(f"form must be 'paths' or 'delta', got {form!r}")
    node = graph.resolve(node_ref)
    try:
        e: Explanation = explain(graph.root, node, form=str(form), max_paths=MAX_PATHS)
    except TooManyPathsError as error:
        raise LabError(str(error), 422, offer="delta") from None
    visible = _visible(graph, node)
    paths = [_path_payload(graph, p, visible) for p in (e.paths or ())]
    deltas = [{
        "node": graph.ids[d.node], "label": d.label, "value": number(d.value), "is_target": d.is_target,
        "terms": [{"upper_label": f.upper_label, "lower_label": f.lower_label, "symbol": f.symbol.text(),
                   "value": number(f.value), "upper_delta": number(u)} for f, u in zip(d.terms, d.upper_deltas)],
    } for d in e.deltas] if form == "delta" else []
    return {
        "graph": graph.gid, "node": graph.ids[node], "name": node.name, "form": form,
        "root_label": e.root_label, "node_label": e.node_label, "lhs": e.lhs(),
        "value": number(e.value), "text": e.text(), "latex": e.latex(), "markdown": e.markdown(),
        "path_count": e.path_count, "paths": paths, "deltas": deltas,
    }


def check_payload(graph: LabGraph, node_ref: object, formula: object) -> dict[str, Any]:
    """The checker's verdict on a typed formula; a formula it cannot read is an answer too (``error``)."""
    node = graph.resolve(node_ref)
    if not isinstance(formula, str):
        raise LabError(f"formula must be a string, got {type(formula).__name__}")
    if len(formula) > MAX_FORMULA_LENGTH:
        raise LabError(f"the formula is {len(formula)} characters long; the checker reads at most {MAX_FORMULA_LENGTH}", 413)
    base: dict[str, Any] = {"graph": graph.gid, "node": graph.ids[node], "formula": formula}
    if not formula.strip():
        return {**base, "ok": False, "value": None, "expected": number(node.grad), "text": "", "paths_accounted": [],
                "paths_missed": [], "off_factors": [], "off": [], "paths": [],
                "error": {"message": translate("type a formula"), "position": 0}}
    try:
        verdict = check_formula(graph.root, node, formula, max_paths=MAX_PATHS)
    except FormulaError as error:
        return {**base, "ok": False, "value": None, "expected": number(node.grad), "text": str(error),
                "paths_accounted": [], "paths_missed": [], "off_factors": [], "off": [], "paths": [],
                "error": {"message": error.reason, "position": error.position, "token": error.token}}
    visible = _visible(graph, node)
    by_index = {p.index: p for p in (verdict.paths or ())}
    off = []
    for f in verdict.off_factors:  # the factor of a path the formula has wrong: its edges, to mark them
        path = by_index.get(f.path)
        wrong = [x for x in (path.factors if path is not None else ()) if (x.upper_label, x.lower_label) in f.edges]
        elements: set[str] = set()
        for x in wrong:
            elements |= _route(graph, x.upper, x.lower, visible)[1]
        off.append({"path": f.path, "edges": sorted(e for e in elements if not e.endswith("-out")),
                    "chain": f.path_text, "text": f.text()})
    return {
        **base, "ok": verdict.ok, "value": number(verdict.formula_value), "expected": number(verdict.gradient),
        "off": off,
        "text": verdict.text(),
        "paths_accounted": [p.index for p in verdict.matched_paths],
        "paths_missed": [p.index for p in verdict.missing_paths],
        "off_factors": [f.text() for f in verdict.off_factors],
        "paths": [_path_payload(graph, p, visible) for p in (verdict.paths or ())],
        "error": None,
    }


def steps_payload(graph: LabGraph) -> dict[str, Any]:
    """The backward pass, step by step, as ``animate()`` shows it (on the graph's one layout)."""
    data = step_data(frames(graph.root), graph.ids)
    return {"graph": graph.gid, **data}


def leaves_field(graph: LabGraph, leaves: object) -> dict[Value, float]:
    """``{"v3": 0.5, ...}``: leaves of ``graph`` by id, each with a finite number."""
    if not isinstance(leaves, dict) or len(leaves) > len(graph.order):
        raise LabError("leaves must map leaf ids (such as 'v3') to numbers", field="leaves")
    out: dict[Value, float] = {}
    for vid, x in leaves.items():
        node = graph.by_id.get(vid)
        if node is None:
            raise LabError(f"leaves: no node has the id {vid!r}", 404, field="leaves")
        out[node] = finite_number(x, f"leaves: {vid}")
    return out


def set_history(graph: LabGraph, history: object) -> None:
    """``{"losses": [...], "kinds": [...]}``: the loss plot as the page kept it."""
    if not isinstance(history, dict) or not isinstance(history.get("losses"), list) or not isinstance(
            history.get("kinds"), list):
        raise LabError("history must be {\"losses\": [numbers], \"kinds\": [\"start\" | \"edit\" | \"step\"]}",
                       field="history")
    graph.set_history(history["losses"], history["kinds"])


def value_field(body: Mapping[str, Any], key: str) -> float:
    return finite_number(body.get(key), key)


__all__ = ["graph_payload", "explain_payload", "check_payload", "steps_payload", "value_field", "leaves_field",
           "set_history", "number",
           "GraphTooLargeError", "LabError"]
