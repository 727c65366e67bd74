"""The lab: explore, step through and check backpropagation in the browser, on any graph.

``python -m autodiff.lab`` starts a local server (127.0.0.1 only, a free port, a random
token) and opens the page; ``autodiff.lab.show(loss, model=None)`` opens it on your own
graph from Python or a notebook. The page picks a graph (the five reference documents,
classic examples, a typed expression, a small network), draws it as ``draw()`` does, derives
any gradient (``explain``), checks a typed formula (``check_formula``), steps the backward pass
on one layout (``animate``'s steps), re-evaluates the graph when a value changes, takes
gradient-descent steps and exports SVG, LaTeX and Markdown.

Modules: ``graphs`` (the lab's copies of graphs, the cases, the store), ``networks`` (a small network from a form), ``api`` (the JSON
answers), ``server`` (HTTP, security), ``opening`` (the browser opened through a private redirect
file, so the token is on no command line), ``static/`` (the page: HTML, CSS, JS; no build step).
"""

from __future__ import annotations

import threading
from typing import Any

from ..engine import Value
from .graphs import lab_graph
from .opening import open_in_browser
from .server import LabServer

__all__ = ["show", "LabServer"]

_shared: LabServer | None = None
_shared_lock = threading.Lock()


def _server() -> LabServer:
    global _shared
    with _shared_lock:
        if _shared is None:
            _shared = LabServer().start()
        return _shared


def show(loss: Value, model: Any = None, *, title: str | None = None, open_browser: bool = True) -> str:
    """Open the lab on ``loss``'s graph (a copy: your Values are never changed); return the page's URL.

    ``model`` (an ``nn`` module) draws its neurons as boxes and names the parameters a
    descent step changes (without it: every named leaf). The server runs in a background
    thread, started on the first call and reused by later ones.
    """
    if not isinstance(loss, Value):
        raise TypeError(f"lab.show: expected a Value, got {type(loss).__name__}")
    if title is not None and not isinstance(title, str):
        raise TypeError(f"lab.show: title must be a str or None, got {type(title).__name__}")
    name = f"'{loss.name}'" if loss.name else "your graph"
    graph = lab_graph(loss, title or f"Your graph: {name}", model)
    server = _server()
    server.store.add(graph)
    url = f"{server.url}&graph={graph.gid}"
    if open_browser:
        open_in_browser(url)
    return url
