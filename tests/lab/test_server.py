"""The lab's server under requests a page never sends: kept-alive connections after a refusal, the
errors ``http.server`` writes itself, malformed numbers, forged Host headers, the token kept off
command lines, and a network re-evaluated by building it again (issue "The lab in a classroom")."""

from __future__ import annotations

import html
import json
import re
import os
import socket
import stat
from pathlib import Path
from typing import Any

import pytest

from autodiff.lab import opening
from autodiff.lab.networks import network_graph
from autodiff.lab.server import LabServer

from .conftest import Client


def _raw(server: LabServer, data: bytes) -> list[tuple[int, dict[str, str], bytes]]:
    """Send ``data`` on one connection and read every answer until the server closes it."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=20) as s:
        s.sendall(data)
        received = b""
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            received += chunk
    answers = []
    while received:
        head, _, rest = received.partition(b"\r\n\r\n")
        lines = head.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines[1:])}
        length = int(headers.get("content-length", "0"))
        answers.append((status, headers, rest[:length]))
        received = rest[length:]
    return answers


def _request(server: LabServer, method: str, path: str, body: bytes = b"", headers: dict[str, str] | None = None,
             close: bool = False) -> bytes:
    h = {"Host": f"127.0.0.1:{server.port}", **(headers or {})}
    if body or method == "POST":
        h["Content-Length"] = str(len(body))
    if close:
        h["Connection"] = "close"
    return (f"{method} {path} HTTP/1.1\r\n" + "".join(f"{k}: {v}\r\n" for k, v in h.items()) + "\r\n").encode() + body


# --- a refused request's body is never read as the next request -----------------------------------

@pytest.mark.parametrize("refusal", ["no token", "wrong token", "not json"])
def test_a_refused_body_is_never_read_as_a_request(server: LabServer, refusal: str) -> None:
    smuggled = _request(server, "GET", f"/api/cases?token={server.token}")  # a request hidden in the body
    headers = {"Content-Type": "application/json"}
    if refusal == "wrong token":
        headers["X-Lab-Token"] = "not-the-token"
    elif refusal == "not json":
        headers = {"Content-Type": "text/plain", "X-Lab-Token": server.token}
    first = _request(server, "POST", "/api/graph", smuggled, headers)
    second = _request(server, "GET", "/api/no-such-endpoint", headers={"X-Lab-Token": server.token}, close=True)
    answers = _raw(server, first + second)
    statuses = [status for status, _, _ in answers]
    assert statuses[0] in (401, 403, 415)
    assert 200 not in statuses  # the smuggled request was never answered
    assert statuses in ([statuses[0]], [statuses[0], 404])  # the body discarded, or the connection closed
    for _, headers_, body in answers:
        assert headers_["content-type"].startswith("application/json")
        json.loads(body)


def test_a_get_with_a_body_never_has_its_body_read_as_a_request(server: LabServer) -> None:
    smuggled = _request(server, "GET", f"/api/cases?token={server.token}")
    first = _request(server, "GET", "/", smuggled)  # answered 200, its body never read by the handler
    second = _request(server, "GET", "/api/no-such-endpoint", headers={"X-Lab-Token": server.token}, close=True)
    statuses = [status for status, _, _ in _raw(server, first + second)]
    assert statuses in ([200], [200, 404])  # never a second 200 for the smuggled request


# --- every error is JSON with the lab's headers ------------------------------------------------------

def _is_lab_error(answer: tuple[int, dict[str, str], bytes], status: int) -> None:
    code, headers, body = answer
    assert code == status, (code, body)
    assert headers["content-type"].startswith("application/json"), headers
    assert "default-src 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff" and headers["x-frame-options"] == "DENY"
    data = json.loads(body)
    assert data["status"] == status and isinstance(data["message"], str) and data["message"]


def test_errors_that_http_server_writes_itself_are_json_with_the_lab_headers(server: LabServer) -> None:
    (options,) = _raw(server, _request(server, "OPTIONS", "/", close=True))
    _is_lab_error(options, 405)
    (options,) = _raw(server, _request(server, "OPTIONS", "/api/cases", headers={"X-Lab-Token": server.token},
                                       close=True))
    _is_lab_error(options, 405)
    (patch,) = _raw(server, _request(server, "PATCH", "/api/cases", close=True))
    _is_lab_error(patch, 501)
    (long_line,) = _raw(server, _request(server, "GET", "/" + "a" * 70_000, close=True))
    _is_lab_error(long_line, 414)
    many = {f"X-H{k}": "1" for k in range(120)}
    (headers,) = _raw(server, _request(server, "GET", "/", headers=many, close=True))
    _is_lab_error(headers, 431)
    (bad,) = _raw(server, b"GARBAGE\r\n\r\n")
    _is_lab_error(bad, 400)
    (version,) = _raw(server, b"GET / HTTP/7.0\r\nHost: 127.0.0.1\r\n\r\n")
    _is_lab_error(version, 505)


# --- malformed numbers are 400 ------------------------------------------------------------------------

def test_malformed_numbers_and_nesting_are_400_never_500(client: Client) -> None:
    g = client.post("/api/graph", {"case": "neuron"}).json
    huge = "1" + "0" * 400
    for path, body in (
        ("/api/set", f'{{"graph": "{g["graph"]}", "node": "w1", "value": {huge}}}'),
        ("/api/step", f'{{"graph": "{g["graph"]}", "lr": {huge}}}'),
        ("/api/graph", f'{{"network": {{"inputs": [[{huge}]], "targets": [[1]], "sizes": [1]}}}}'),
        ("/api/graph", f'{{"expression": "x*2", "values": {{"x": {huge}}}}}'),
        ("/api/graph", '{"a": ' + "[" * 5000 + "]" * 5000 + "}"),
        ("/api/graph", '{"expression": "x*2", "values": {"x": NaN}}'),
        ("/api/graph", '{"expression": "x*2", "values": {"x": Infinity}}'),
        ("/api/set", f'{{"graph": "{g["graph"]}", "node": "w1", "value": -Infinity}}'),
    ):
        r = client.post(path, body)
        assert r.status == 400, (path, body[:80], r.status, r.json)
        assert r.json["status"] == 400 and "internal" not in r.json["message"]
    assert client.get("/api/cases").status == 200


def test_an_expression_with_a_nan_value_from_python_is_refused() -> None:
    from autodiff.lab.graphs import LabError, expression_graph
    for bad in (float("nan"), float("inf"), True, "2"):
        with pytest.raises(LabError, match="values") as caught:
            expression_graph("x*2", {"x": bad})
        assert caught.value.status == 400 and caught.value.extra["field"] == "values"


# --- the Host check parses the authority ---------------------------------------------------------------

def test_a_forged_authority_is_refused(client: Client) -> None:
    port = client.port
    for host in ("127.0.0.1:@evil.com", "localhost:evil", f"127.0.0.1:{port}@evil.com", "user@127.0.0.1",
                 "localhost:99999", "[::1", "localhost.", "127.0.0.1 :80", "127.0.0.1\t"):
        r = client.get("/api/cases", headers={"Host": host})
        assert r.status == 403 and "Host" in r.json["message"], host
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", f"[::1]:{port}", "localhost", f"LOCALHOST:{port}"):
        assert client.get("/api/cases", headers={"Host": host}).status == 200, host


# --- the token never appears on a command line -----------------------------------------------------------

@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> list[str]:
    calls: list[str] = []
    monkeypatch.setattr("webbrowser.open", lambda url, *a, **k: calls.append(url) or True)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))  # not usable: the home folder is used
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(opening, "KEEP_SECONDS", 3600.0)  # removed by remove_pending below, not by the timer
    return calls


def test_show_opens_the_browser_without_the_token_on_its_command_line(opened: list[str], tmp_path: Path) -> None:
    from autodiff import Value, lab
    kept: list[Path] = []
    original = opening.redirect_file

    def spy(url: str) -> Path:
        path = original(url)
        kept.append(path)
        mode = stat.S_IMODE(path.stat().st_mode)
        folder = stat.S_IMODE(path.parent.stat().st_mode)
        assert mode == 0o600 and folder == 0o700, (oct(mode), oct(folder))
        assert path.parent.stat().st_uid == os.getuid() and str(path).startswith(str(tmp_path))
        assert html.escape(url) in path.read_text(encoding="utf-8")  # the token is in the private file only
        return path

    opening.redirect_file = spy  # type: ignore[assignment]
    try:
        url = lab.show(Value(2.0, "x") * 3.0)
    finally:
        opening.redirect_file = original  # type: ignore[assignment]
    token = url.split("token=")[1].split("&")[0]
    assert len(opened) == 1 and token not in opened[0] and opened[0].startswith("file://")
    assert opened[0].endswith(kept[0].name)
    opening.remove_pending()
    assert not kept[0].exists()  # removed after use


def test_the_command_opens_the_browser_without_the_token(opened: list[str], monkeypatch: pytest.MonkeyPatch,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    from autodiff.lab import __main__ as command

    def stop(self: Any) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(LabServer, "serve_forever", stop)
    assert command.main(["--case", "neuron"]) == 0
    url = capsys.readouterr().out.splitlines()[0]
    token = url.split("token=")[1].split("&")[0]
    assert len(opened) == 1 and token not in opened[0] and opened[0].startswith("file://")


def test_the_redirect_folder_is_private_even_when_it_existed_open(monkeypatch: pytest.MonkeyPatch,
                                                                   tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path / "missing"))
    monkeypatch.setenv("HOME", str(tmp_path))
    folder = opening.private_folder()
    folder.chmod(0o755)
    assert stat.S_IMODE(opening.private_folder().stat().st_mode) == 0o700
    path = opening.redirect_file("http://127.0.0.1:1/?token=secret")
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    opening.remove_pending()
    assert not path.exists()


# --- a network is re-evaluated by building it again ------------------------------------------------------

BCE_NET = {"inputs": [[1.0]], "targets": [[1.0]], "sizes": [1], "activations": ["sigmoid"], "loss": "bce"}


def test_a_bce_network_with_a_changed_value_evaluates_as_when_built_with_it(client: Client) -> None:
    g = client.post("/api/graph", {"network": BCE_NET}).json
    (w,) = [n["id"] for n in g["nodes"] if n["name"] == "L1.N1.w1"]
    r = client.post("/api/set", {"graph": g["graph"], "node": w, "value": -100.0})  # sigmoid(-100 + b) rounds to ~0
    assert r.status == 200, r.json
    # the same network built with that weight: bce_loss's guard in force, exactly the same numbers
    from autodiff.lab.networks import build_network
    loss, _ = build_network(BCE_NET, {"L1.N1.w1": -100.0})
    loss.backward()
    assert r.json["loss"] == loss.data
    by_name = {n["name"]: n for n in r.json["nodes"] if n["name"]}
    assert by_name["L1.N1.w1"]["data"] == -100.0
    wanted = {n.name: n.grad for n in _leaves(loss) if n.name}
    assert {k: v["grad"] for k, v in by_name.items() if k in wanted} == wanted


def _leaves(root: Any) -> list[Any]:
    from autodiff import topological_order
    return [n for n in topological_order(root) if n.op is None]


def test_descent_on_a_rebuilt_network_changes_only_the_parameters(client: Client) -> None:
    spec = {"inputs": [[0.5, 1.0], [1.0, 0.0]], "targets": [[1.0], [0.0]], "sizes": [2, 1], "loss": "bce"}
    g = client.post("/api/graph", {"network": spec}).json
    before = {n["name"]: n["data"] for n in g["nodes"] if n["leaf"] and n["name"]}
    grads = {n["name"]: n["grad"] for n in g["nodes"] if n["leaf"] and n["name"]}
    params = {n["name"] for n in g["nodes"] if n["id"] in g["params"]}
    r = client.post("/api/step", {"graph": g["graph"], "lr": 0.5})
    assert r.status == 200, r.json
    after = {n["name"]: n["data"] for n in r.json["nodes"] if n["leaf"] and n["name"]}
    for name, x in before.items():
        assert after[name] == (x - 0.5 * grads[name] if name in params else x), name
    assert r.json["losses"][0] == g["loss"] and r.json["losses"][1] == r.json["loss"] < g["loss"]
    from autodiff.lab.networks import build_network
    rebuilt, _ = build_network(spec, after)
    assert rebuilt.data == r.json["loss"]


def test_an_unnamed_constant_of_a_network_cannot_be_changed(client: Client) -> None:
    g = network_graph(BCE_NET)
    constant = next(n for n in g.order if n.op is None and n.name is None)
    from autodiff.lab.graphs import LabError
    with pytest.raises(LabError, match="constant") as caught:
        g.set_value(constant, 2.0)
    assert caught.value.status == 422


# --- a network is drawn with each neuron's inputs in order ----------------------------------------------

def test_each_neuron_of_a_network_draws_its_inputs_in_order(client: Client) -> None:
    spec = {"inputs": [[0.5, 1.0]], "targets": [[1.0]], "sizes": [4, 4, 1],
            "activations": ["tanh", "tanh", "sigmoid"]}
    g = client.post("/api/graph", {"network": spec}).json
    ids = {n["name"]: n["id"] for n in g["nodes"] if n["name"]}
    svg = g["svg"]

    def top(name: str) -> float:  # the y of the node's first text line in the drawing
        found = re.search(rf'<g id="n-{ids[name]}"[^>]*>.*?<text[^>]*y="([-\d.]+)"', svg, re.S)
        assert found, name
        return float(found.group(1))

    for layer, width in ((1, 2), (2, 4), (3, 4)):
        for unit in range(1, {1: 4, 2: 4, 3: 1}[layer] + 1):
            inputs = [f"L{layer}.N{unit}.w{i}" for i in range(1, width + 1)] + [f"L{layer}.N{unit}.b"]
            ys = [top(name) for name in inputs]
            assert ys == sorted(ys), (inputs, ys)  # w1, w2, …, b from the top down


def test_a_network_is_drawn_layer_by_layer(client: Client) -> None:
    spec = {"inputs": [[0.5, 1.0]], "targets": [[1.0]], "sizes": [4, 4, 1], "activations": ["tanh", "tanh", "sigmoid"]}
    svg = client.post("/api/graph", {"network": spec}).json["svg"]
    spans: dict[str, tuple[float, float]] = {}
    for path, label in re.findall(r'<g id="clust\d+" class="cluster">\s*<title>[^<]*</title>\s*<path[^>]* d="([^"]+)"'
                                  r'.*?>neuron ([^<]+)<', svg, re.S):
        xs = [float(x) for x in re.findall(r"(-?[\d.]+),-?[\d.]+", path)]
        spans[label] = (min(xs), max(xs))
    assert len(spans) == 9, spans
    for layer in (1, 2):  # every box of a layer stands left of every box of the next one: side by side, not between
        this = [v for k, v in spans.items() if k.startswith(f"L{layer}.")]
        after = [v for k, v in spans.items() if k.startswith(f"L{layer + 1}.")]
        assert max(x for _, x in this) < min(x for x, _ in after), (layer, this, after)
