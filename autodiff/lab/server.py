"""The lab's web server: the standard library's threaded HTTP server, bound to 127.0.0.1, safe by default.

It serves the page (a fixed set of files shipped in the package; no file named by a request
is ever read) and the JSON API of ``api.py``. Every ``/api`` request must carry the launch's
random token (``?token=`` or an ``X-Lab-Token`` header); a request whose ``Host`` is not a
loopback name is refused (DNS rebinding), so are cross-origin POSTs and POSTs that are not
``application/json``; bodies are limited in size; every answer carries a
``Content-Security-Policy`` that allows only the page's own scripts, and ``nosniff``. Every
error, those ``http.server`` writes itself too (400, 414, 431, 501, 505), is a JSON object with
the same headers; a refused request's body is read and dropped (or, when too large or of
unknown length, its connection closed), so it is never taken for the next request. An
exception inside a handler becomes a JSON error: nothing a request does stops the server.
"""

from __future__ import annotations

import hmac
import json
import secrets
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from typing import Any, Callable
from urllib.parse import parse_qs, urlsplit

from ..animation import STEP_STYLE, STEPS_JS
from ..i18n import (LanguageError, autonym, available_languages, lookup, page_messages, resolve_language, translate,
                    using_language)
from ..render import GraphTooLargeError
from . import api, matrices, practice
from .graphs import GraphStore, LabError, LabGraph, case_graph, case_list, expression_graph
from .networks import network_graph

HOST = "127.0.0.1"
MAX_BODY = 64 * 1024
"""Bytes a request body may hold."""
LOOPBACK_NAMES = ("127.0.0.1", "localhost", "[::1]")

CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
       "font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")

SCRIPTS = ("core.js", "view.js", "work.js", "lab.js", "check.js", "practice.js", "matrices.js")
"""The page's own scripts, in the order the page loads them (after ``steps.js``)."""

_FILES = {  # URL path -> (packaged file, content type)
    "/": ("index.html", "text/html; charset=utf-8"),
    "/static/lab.css": ("lab.css", "text/css; charset=utf-8"),
    **{f"/static/{name}": (name, "text/javascript; charset=utf-8") for name in SCRIPTS},
}


def _page_texts(files: dict[str, tuple[bytes, str]]) -> list[str]:
    """The messages of the page and its scripts, for ``GET /api/messages``."""
    texts = page_messages(files["/"][0].decode("utf-8"), "html")
    for script in SCRIPTS:
        texts += page_messages(files[f"/static/{script}"][0].decode("utf-8"), "js")
    return list(dict.fromkeys(texts))


def _static() -> dict[str, tuple[bytes, str]]:
    folder = resources.files("autodiff.lab") / "static"
    out = {url: ((folder / name).read_bytes(), kind) for url, (name, kind) in _FILES.items()}
    out["/static/steps.js"] = (STEPS_JS.encode("utf-8"), "text/javascript; charset=utf-8")
    out["/static/steps.css"] = (STEP_STYLE.encode("utf-8"), "text/css; charset=utf-8")
    return out


class LabServer:
    """The lab's server; ``start()`` runs it in a background thread, ``serve_forever()`` in this one."""

    def __init__(self, port: int = 0) -> None:
        if isinstance(port, bool) or not isinstance(port, int) or not 0 <= port <= 65535:
            raise ValueError(f"lab: port must be an int from 0 (any free port) to 65535, got {port!r}")
        self.token = secrets.token_urlsafe(24)
        self.store = GraphStore()
        self.files = _static()
        self.texts = _page_texts(self.files)
        self.httpd = _HTTPServer((HOST, port), _Handler)
        self.httpd.lab = self
        self.port: int = self.httpd.server_address[1]
        self.origins = {f"http://{name}:{self.port}" for name in LOOPBACK_NAMES}
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}/?token={self.token}"

    def start(self) -> "LabServer":
        if self._thread is None:
            self._thread = threading.Thread(target=self.httpd.serve_forever, name="autodiff-lab", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        self.httpd.serve_forever()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


class _HTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    lab: LabServer


class _Refused(Exception):
    def __init__(self, status: int, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.status, self.message, self.extra = status, message, extra


class _Handler(BaseHTTPRequestHandler):
    server: _HTTPServer
    server_version = "autodiff-lab"
    sys_version = ""
    timeout = 30  # a client that stops sending mid-request frees its thread
    protocol_version = "HTTP/1.1"
    _body_read = False  # whether this request's body was read (else it is dropped after the answer)

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  (quiet: the URL line is the output)
        pass

    # --- answers ---------------------------------------------------------------------------
    def _send(self, status: int, body: bytes, kind: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Content-Security-Policy", CSP)
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("X-Frame-Options", "DENY")
        self.send_header("Referrer-Policy", "no-referrer")
        self.send_header("Cross-Origin-Resource-Policy", "same-origin")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def _json(self, status: int, data: Any) -> None:
        body = json.dumps(data, ensure_ascii=False, allow_nan=False).encode("utf-8")
        self._send(status, body, "application/json; charset=utf-8")

    def _error(self, status: int, message: str, **extra: Any) -> None:
        self._json(status, {"message": message, "status": status, **extra})

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        """``http.server``'s own errors (bad request line, 414, 431, 501, ...) as the lab's JSON errors."""
        self.close_connection = True  # the request could not be read: nothing after it can be trusted
        if self.request_version == "HTTP/0.9":  # no version read yet: answer with a status line and headers
            self.request_version = "HTTP/1.0"
        short, long = self.responses.get(code, ("error", ""))
        self._error(code, message or long or short)

    def _discard_body(self) -> None:
        """Drop an unread request body, so that it is never read as the next request; else close."""
        if self._body_read or self.close_connection:
            return
        self._body_read = True
        if self.headers.get("Transfer-Encoding"):
            self.close_connection = True
            return
        try:
            length = int(self.headers.get("Content-Length") or "0")
        except ValueError:
            length = -1
        if not 0 <= length <= MAX_BODY:
            self.close_connection = True
            return
        try:
            self.rfile.read(length)
        except OSError:
            self.close_connection = True

    # --- checks ----------------------------------------------------------------------------
    def _check_host(self) -> None:
        host = self.headers.get("Host") or ""
        if not _loopback_authority(host):
            raise _Refused(403, f"refused: the Host header {host!r} is not a loopback name (127.0.0.1, localhost)")

    def _check_token(self, query: dict[str, list[str]]) -> None:
        given = self.headers.get("X-Lab-Token") or (query.get("token") or [""])[0]
        if not given:
            raise _Refused(401, "this request needs the lab's token: add ?token=... from the URL the lab printed, "
                                "or an X-Lab-Token header", reason="token")
        if not hmac.compare_digest(given.encode("utf-8"), self.server.lab.token.encode("utf-8")):
            raise _Refused(403, "wrong token: use the URL the lab printed when it started", reason="token")

    def _body(self) -> dict[str, Any]:
        origin = self.headers.get("Origin")
        if origin is not None and origin not in self.server.lab.origins:
            raise _Refused(403, f"refused: a cross-origin POST (from {origin!r})")
        if (self.headers.get("Sec-Fetch-Site") or "same-origin") not in ("same-origin", "none"):
            raise _Refused(403, "refused: a cross-site POST")
        kind = (self.headers.get("Content-Type") or "").split(";", 1)[0].strip().lower()
        if kind != "application/json":
            raise _Refused(415, f"a POST must be application/json, got {kind or 'no Content-Type'!r}")
        try:
            length = int(self.headers.get("Content-Length") or "")
        except ValueError:
            raise _Refused(411, "a POST needs a Content-Length") from None
        if length < 0 or length > MAX_BODY:
            self.close_connection = True  # the body is not read
            raise _Refused(413, f"the request body has {length} bytes; the lab accepts at most {MAX_BODY}")
        raw = self.rfile.read(length)
        self._body_read = True
        try:
            data = json.loads(raw.decode("utf-8"), parse_constant=_no_constant)
        except RecursionError:
            raise _Refused(400, "the request body is nested too deeply") from None
        except (UnicodeDecodeError, ValueError) as error:
            raise _Refused(400, f"the request body is not valid JSON: {error}") from None
        if not isinstance(data, dict):
            raise _Refused(400, f"the request body must be a JSON object, got {type(data).__name__}")
        return data

    # --- routing ---------------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_HEAD(self) -> None:  # noqa: N802
        self._handle("GET")

    def do_POST(self) -> None:  # noqa: N802
        self._handle("POST")

    def do_PUT(self) -> None:  # noqa: N802
        self._handle("PUT")

    def do_DELETE(self) -> None:  # noqa: N802
        self._handle("DELETE")

    def do_OPTIONS(self) -> None:  # noqa: N802
        self._handle("OPTIONS")

    def _handle(self, method: str) -> None:
        self._body_read = False
        try:
            self._answer(method)
        finally:
            self._discard_body()  # a body nobody read (a refusal, a GET with a body) is never the next request

    def _answer(self, method: str) -> None:
        try:
            self._check_host()
            parts = urlsplit(self.path)
            if not parts.path.startswith("/api/"):
                if parts.path in self.server.lab.files and method != "GET":
                    raise _Refused(405, f"{parts.path} answers GET only, not {method}")
                if parts.path not in self.server.lab.files:
                    raise _Refused(404, f"no page {parts.path!r}")
                body, kind = self.server.lab.files[parts.path]
                self._send(200, body, kind)
                return
            try:
                query = parse_qs(parts.query, max_num_fields=20)
            except ValueError:
                raise _Refused(400, "too many query parameters (at most 20)") from None
            self._check_token(query)
            route = _ROUTES.get((method, parts.path))
            if route is None:
                known = sorted({p for _, p in _ROUTES})
                raise _Refused(404 if parts.path not in known else 405,
                               f"no endpoint {method} {parts.path}; the endpoints are {', '.join(known)}")
            args = {k: v[0] for k, v in query.items() if k != "token"} if method == "GET" else self._body()
            lang = args.pop("lang", None)
            if lang is not None and not isinstance(lang, str):
                raise _Refused(400, f"lang must be a language code such as 'en' or 'ko', got {lang!r}")
            try:
                language = resolve_language(lang or None)
            except LanguageError as error:
                raise _Refused(400, str(error), languages=list(available_languages())) from None
            with using_language(language):  # every text of the answer is in the request's language
                status, answer = route(self.server.lab, args)
            self._json(status, answer)
        except _Refused as refused:
            self._error(refused.status, refused.message, **refused.extra)
        except LabError as error:
            self._error(error.status, error.message, **error.extra)
        except GraphTooLargeError as error:
            self._error(413, f"{error} The lab draws graphs up to its node and edge limits; in Python, "
                             f"explain(root, node, form='delta') derives any gradient of a larger graph.",
                        offer="delta")
        except Exception as error:  # never let a request stop the server
            traceback.print_exc(file=sys.stderr)
            try:
                self._error(500, f"internal error: {type(error).__name__}: {error}")
            except OSError:
                pass


def _loopback_authority(host: str) -> bool:
    """Whether a Host header names this machine: a loopback name, an optional valid port, nothing else."""
    if not host or host != host.strip() or any(c.isspace() or c in "@/\\?#" for c in host):
        return False
    try:
        parts = urlsplit("//" + host)
        parts.port  # noqa: B018  (raises ValueError on a port that is not a number from 0 to 65535)
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None or parts.netloc != host:
        return False
    name = (parts.hostname or "").lower()
    return name in ("127.0.0.1", "localhost", "::1") and (":" not in name or host.startswith("["))


def _no_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number JSON allows (the lab takes finite numbers only)")


Route = Callable[[LabServer, dict[str, Any]], tuple[int, Any]]


def _graph_of(lab: LabServer, args: dict[str, Any]) -> LabGraph:
    return lab.store.get(args.get("graph"))


def _messages(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    """The page's own texts in the request's language, and the languages the switch offers."""
    language = resolve_language(None)  # the request's (see _handle)
    return 200, {"lang": language,
                 "languages": [{"code": code, "name": autonym(code)} for code in available_languages()],
                 "messages": {text: lookup(text) for text in lab.texts}}


def _cases(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    return 200, case_list()


def _new_graph(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    """A graph from a case, an expression or a network; with ``leaves`` and ``history``, as a page kept it."""
    given = [k for k in ("case", "expression", "network") if k in args]
    if len(given) != 1:
        raise LabError("POST /api/graph takes exactly one of {\"case\": ...}, {\"expression\": ..., \"values\": ...} "
                       "or {\"network\": {...}}")
    if given[0] == "case":
        graph = case_graph(args["case"])
        graph.source = {"case": args["case"]}
    elif given[0] == "expression":
        graph = expression_graph(args["expression"], args.get("values"))
        graph.source = {"expression": args["expression"], "values": args.get("values")}
    else:
        graph = network_graph(args["network"])
        graph.source = {"network": args["network"]}
    if "leaves" in args:
        graph.set_values(api.leaves_field(graph, args["leaves"]), record=False)
    if "history" in args:
        api.set_history(graph, args["history"])
    lab.store.add(graph)
    with graph.lock:
        return 200, api.graph_payload(graph)


def _values(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    """Several leaves set at once (undo, redo, reset), recorded in the loss history as one edit."""
    graph = _graph_of(lab, args)
    with graph.lock:
        graph.set_values(api.leaves_field(graph, args.get("leaves")))
        if "history" in args:
            api.set_history(graph, args["history"])
        return 200, api.graph_payload(graph)


def _reading(answer: Callable[[LabGraph, dict[str, Any]], Any]) -> Route:
    """An endpoint that reads one graph: find it, hold its lock, answer."""
    def route(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
        graph = _graph_of(lab, args)
        with graph.lock:
            return 200, answer(graph, args)
    return route


_get_graph = _reading(lambda graph, args: api.graph_payload(graph))
_explain = _reading(lambda graph, args: api.explain_payload(graph, args.get("node"), args.get("form", "paths")))
_check = _reading(lambda graph, args: api.check_payload(graph, args.get("node"), args.get("formula")))
_steps = _reading(lambda graph, args: api.steps_payload(graph))
_practice = _reading(lambda graph, args: practice.exercises_payload(graph, args.get("seed")))
_practice_grade = _reading(lambda graph, args: practice.grade_payload(graph, args))
_matrices = _reading(lambda graph, args: matrices.matrices_payload(graph))
_matrix_check = _reading(lambda graph, args: matrices.matrix_check_payload(graph, args.get("target"),
                                                                           args.get("formula")))


def _set(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    graph = _graph_of(lab, args)
    value = api.value_field(args, "value")
    with graph.lock:
        graph.set_value(graph.resolve(args.get("node")), value)
        return 200, api.graph_payload(graph)


def _step(lab: LabServer, args: dict[str, Any]) -> tuple[int, Any]:
    graph = _graph_of(lab, args)
    lr = api.value_field(args, "lr")
    if not 0 < lr <= 100:
        raise LabError(translate("the learning rate must be above 0 and at most 100, got {lr}", lr=repr(lr)))
    with graph.lock:
        graph.descend(lr)
        return 200, api.graph_payload(graph)


_ROUTES: dict[tuple[str, str], Route] = {
    ("GET", "/api/messages"): _messages,
    ("GET", "/api/cases"): _cases,
    ("POST", "/api/graph"): _new_graph,
    ("GET", "/api/graph"): _get_graph,
    ("GET", "/api/explain"): _explain,
    ("POST", "/api/check"): _check,
    ("GET", "/api/steps"): _steps,
    ("POST", "/api/set"): _set,
    ("POST", "/api/step"): _step,
    ("POST", "/api/values"): _values,
    ("GET", "/api/practice"): _practice,
    ("POST", "/api/practice"): _practice,
    ("POST", "/api/practice/grade"): _practice_grade,
    ("GET", "/api/matrices"): _matrices,
    ("POST", "/api/matrices/check"): _matrix_check,
}
