"""The lab's JSON API and its safety checks, against a real server on 127.0.0.1 (no browser)."""

from __future__ import annotations

import math
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from autodiff import Value, topological_order
from autodiff.lab.graphs import GraphStore, LabError, case_graph, lab_graph
from autodiff.render import GraphTooLargeError
from nn import reference

from .conftest import Client

B1_GRADIENT = -0.09064978889061868  # document 000 (docs/documents.md): dLoss/db_1 (golden.json)
FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"  # document 000's formula ④ as written


def open_case(client: Client, case: str = "000") -> dict:
    r = client.post("/api/graph", {"case": case})
    assert r.status == 200, r.body
    return r.json


def node_id(graph: dict, name: str) -> str:
    (found,) = [n["id"] for n in graph["nodes"] if n["name"] == name]
    return found


# --- the token, the Host, the origin, the body ----------------------------------------------------

def test_every_api_request_needs_the_token(client: Client) -> None:
    for method, path, body in (("GET", "/api/cases", None), ("POST", "/api/graph", {"case": "000"}),
                               ("GET", "/api/steps?graph=x", None), ("POST", "/api/step", {"graph": "x", "lr": 1})):
        r = client.request(method, path, body, token=False)
        assert r.status == 401 and "token" in r.json["message"]
        r = client.request(method, path, body, token="not-the-token")
        assert r.status == 403 and "wrong token" in r.json["message"]
    assert client.get(f"/api/cases?token={client.token}", token=False).status == 200  # ?token= works too
    assert client.get("/api/cases").status == 200  # and the X-Lab-Token header


def test_a_host_that_is_not_loopback_is_refused(client: Client) -> None:
    for host in ("evil.example", f"evil.example:{client.port}", f"127.0.0.1.evil.example:{client.port}", ""):
        r = client.get("/api/cases", headers={"Host": host})
        assert r.status == 403 and "Host" in r.json["message"], host
        assert client.get("/", headers={"Host": host}).status == 403  # the page too
    for host in (f"localhost:{client.port}", f"127.0.0.1:{client.port}", f"[::1]:{client.port}"):
        assert client.get("/api/cases", headers={"Host": host}).status == 200, host


def test_cross_origin_and_non_json_posts_are_refused(client: Client) -> None:
    r = client.post("/api/graph", {"case": "000"}, headers={"Origin": "http://evil.example"})
    assert r.status == 403 and "cross-origin" in r.json["message"]
    r = client.post("/api/graph", {"case": "000"}, headers={"Origin": f"http://127.0.0.1:{client.port + 1}"})
    assert r.status == 403
    r = client.post("/api/graph", {"case": "000"}, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status == 403 and "cross-site" in r.json["message"]
    r = client.post("/api/graph", "case=000", content_type="application/x-www-form-urlencoded")
    assert r.status == 415 and "application/json" in r.json["message"]
    r = client.post("/api/graph", "case=000", content_type="text/plain")
    assert r.status == 415
    r = client.post("/api/graph", {"case": "000"}, headers={"Origin": f"http://127.0.0.1:{client.port}"})
    assert r.status == 200  # the page's own origin


def test_bad_json_and_huge_bodies(client: Client) -> None:
    r = client.post("/api/graph", '{"case": "000"')
    assert r.status == 400 and "not valid JSON" in r.json["message"]
    r = client.post("/api/graph", "[1, 2]")
    assert r.status == 400 and "JSON object" in r.json["message"]
    r = client.post("/api/graph", b"\xff\xfe")
    assert r.status == 400
    huge = '{"expression": "' + "x+" * 40_000 + 'x"}'
    r = client.post("/api/graph", huge)
    assert r.status == 413 and "at most 65536" in r.json["message"]
    assert client.get("/api/cases").status == 200  # still serving


def test_pages_are_served_with_csp_and_nosniff_and_no_file_is_read_by_name(client: Client) -> None:
    for path in ("/", "/static/lab.js", "/static/lab.css", "/static/steps.js", "/static/steps.css",
                 "/static/practice.js", "/static/core.js", "/static/view.js", "/static/work.js", "/static/check.js"):
        r = client.get(path, token=False)
        assert r.status == 200, path
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "default-src 'none'" in csp and "unsafe-inline" not in csp
        assert r.headers["x-content-type-options"] == "nosniff"
    page = client.get("/", token=False).body.decode()
    assert re.findall(r'<script[^>]*src="([^"]*)"', page) == ["/static/steps.js", "/static/core.js", "/static/view.js",
                                                                   "/static/work.js", "/static/lab.js",
                                                                   "/static/check.js", "/static/practice.js"]
    assert "<script>" not in page and "http" not in page.replace('http-equiv', '')  # no inline script, no CDN
    for path in ("/static/../graphs.py", "/static/%2e%2e/server.py", "/etc/passwd", "/static/", "/index.html",
                 "//etc/passwd", "/static/lab.js/../../__init__.py"):
        assert client.get(path, token=False).status == 404, path


# --- the endpoints --------------------------------------------------------------------------------

def test_cases_list_the_five_documents_and_the_examples(client: Client) -> None:
    cases = client.get("/api/cases").json
    assert [c["id"] for c in cases[:5]] == ["000", "001", "002", "003", "004"]
    assert cases[0]["title"] == reference.build("000").title
    assert {"neuron", "twice", "diamond"} <= {c["id"] for c in cases}


def test_graph_of_document_000(client: Client) -> None:
    g = open_case(client)
    root = reference.build("000").loss()
    root.backward()
    order = topological_order(root)
    assert [n["name"] for n in g["nodes"]] == [n.name for n in order]
    assert g["root"] == g["nodes"][0]["id"] and g["nodes"][0]["name"] == "Loss"
    for mine, theirs in zip(g["nodes"], order):
        assert mine["data"] == theirs.data and mine["grad"] == theirs.grad
        assert mine["op"] == (theirs.op.name if theirs.op else None)
        assert len(mine["parents"]) == len(theirs.parents)
    assert len(g["edges"]) == sum(len(n.parents) for n in order)
    assert g["svg"].startswith("<svg") and "neuron h1" in g["svg"]
    for n in g["nodes"]:
        assert f'id="n-{n["id"]}"' in g["svg"]
    for e in g["edges"]:
        assert f'id="{e["element"]}"' in g["svg"]
    assert {node_id(g, name) for name in ("W_1", "b_1", "W_20")} <= set(g["params"])
    assert g["losses"] == [root.data]


def test_graph_requests_are_checked(client: Client) -> None:
    for body, status, words in (
        ({}, 400, "exactly one of"),
        ({"case": "000", "network": {}}, 400, "exactly one of"),
        ({"case": "999"}, 404, "no case '999'"),
        ({"case": 5}, 400, "case must be a string"),
        ({"network": {"inputs": [[1, 2]], "targets": [[1]], "sizes": [9999]}}, 400, "sizes"),
        ({"network": {"inputs": [[1, 2]] * 50, "targets": [[1]] * 50}}, 413, "at most 4 samples"),
        ({"network": {"inputs": [[1, "x"]], "targets": [[1]]}}, 400, "finite number"),
        ({"network": {"inputs": [[1, 2]], "targets": [[1]], "activations": ["eval"]}}, 400, "activations"),
        ({"network": "2-1"}, 400, "must be an object"),
    ):
        r = client.post("/api/graph", body)
        assert r.status == status and words in r.json["message"], (body, r.json)


def test_a_small_network(client: Client) -> None:
    r = client.post("/api/graph", {"network": {"inputs": [[0.5, 1.0]], "targets": [[1.0]], "sizes": [2, 1],
                                               "activations": ["tanh", "sigmoid"], "bias": "shared", "loss": "bce"}})
    assert r.status == 200, r.json
    g = r.json
    assert g["nodes"][0]["name"] == "Loss" and "neuron" in g["svg"]
    assert any(n["name"] == "b1" for n in g["nodes"]) and any(n["name"] == "b2" for n in g["nodes"])  # shared biases


def test_explain_b_1_has_three_paths(client: Client) -> None:
    g = open_case(client)
    r = client.get(f"/api/explain?graph={g['graph']}&node=b_1&form=paths")
    e = r.json
    assert r.status == 200 and e["node"] == node_id(g, "b_1")
    assert e["value"] == pytest.approx(B1_GRADIENT, abs=1e-12)
    assert len(e["paths"]) == e["path_count"] == 3
    assert math.fsum(p["value"] for p in e["paths"]) == pytest.approx(B1_GRADIENT, abs=1e-12)
    assert "−0.0906497888906187" in e["text"] and "\\frac" in e["latex"] and "| path |" in e["markdown"]
    h = [node_id(g, f"net h{k}") for k in (1, 2, 3)]
    for p, mine in zip(e["paths"], h):  # path k goes through hidden neuron k and no other
        assert mine in p["nodes"] and not set(h) - {mine} & set(p["nodes"])
        assert p["nodes"][-1] == e["node"] and g["root"] in p["nodes"]
        assert all(re.fullmatch(r"e-v\d+-(\d+|out)", x) for x in p["edges"])
    by_id = client.get(f"/api/explain?graph={g['graph']}&node={e['node']}&form=delta").json
    assert by_id["value"] == e["value"] and by_id["deltas"][-1]["is_target"]
    assert [d["label"] for d in by_id["deltas"][:2]] == ["y", "net o1"]


def test_explain_and_check_refuse_unknown_and_ambiguous_nodes(client: Client) -> None:
    g = open_case(client)
    gid = g["graph"]
    r = client.get(f"/api/explain?graph={gid}&node=nope&form=paths")
    assert r.status == 404 and "'nope'" in r.json["message"]
    r = client.get(f"/api/explain?graph={gid}&node=b_1&form=sideways")
    assert r.status == 400 and "form must be" in r.json["message"]
    r = client.get("/api/explain?graph=g0000&node=b_1")
    assert r.status == 404 and "no graph" in r.json["message"]
    r = client.post("/api/check", {"graph": gid, "node": "nope", "formula": "1"})
    assert r.status == 404
    # two samples through one network: every node of the network appears twice under one name
    net = client.post("/api/graph", {"network": {"inputs": [[0.5, 1.0], [1.0, 0.0]], "targets": [[1.0], [0.0]],
                                                 "sizes": [1]}}).json
    z = [n for n in net["nodes"] if n["name"] == "L1.N1.z"]
    assert len(z) == 2
    r = client.get(f"/api/explain?graph={net['graph']}&node=L1.N1.z&form=paths")
    assert r.status == 409 and "2 nodes are named 'L1.N1.z'" in r.json["message"]
    assert sorted(c["id"] for c in r.json["candidates"]) == sorted(n["id"] for n in z)
    r = client.post("/api/check", {"graph": net["graph"], "node": "L1.N1.z", "formula": "1"})
    assert r.status == 409 and len(r.json["candidates"]) == 2
    r = client.get(f"/api/explain?graph={net['graph']}&node={z[0]['id']}&form=paths")
    assert r.status == 200  # by id it is one node


def test_check_formula_4_follows_one_of_three_paths(client: Client) -> None:
    g = open_case(client)
    r = client.post("/api/check", {"graph": g["graph"], "node": "b_1", "formula": FORMULA_4})
    c = r.json
    assert r.status == 200 and c["ok"] is False and c["error"] is None
    assert c["value"] == pytest.approx(-0.11487897732673394, abs=1e-12)  # document 000, formula ④ as written
    assert c["expected"] == pytest.approx(B1_GRADIENT, abs=1e-12)
    assert c["paths_accounted"] == [1] and c["paths_missed"] == [2, 3]
    assert any("net h1·σ(net h1)" in f for f in c["off_factors"])
    assert [p["index"] for p in c["paths"]] == [1, 2, 3]
    # The edge whose factor is off (∂Out h1/∂net h1, from the checker's per-edge diagnosis) is the one to mark.
    (off,) = c["off"]
    edge = f"e-{node_id(g, 'Out h1')}-"  # the edges into Out h1 (from net h1)
    assert off["path"] == 1 and off["edges"] and all(e.startswith(edge) for e in off["edges"]), off

    right = "(y-t)*(W_20*Out h1*(1-Out h1) + W_21*Out h2*(1-Out h2) + W_22*Out h3*(1-Out h3))"
    c = client.post("/api/check", {"graph": g["graph"], "node": "b_1", "formula": right}).json
    assert c["ok"] is True and c["paths_missed"] == [] and c["paths_accounted"] == [1, 2, 3]

    c = client.post("/api/check", {"graph": g["graph"], "node": "b_1", "formula": "(y-t)*(W_20"}).json
    assert c["ok"] is False and c["error"]["position"] == 11 and "')'" in c["error"]["message"]
    c = client.post("/api/check", {"graph": g["graph"], "node": "b_1", "formula": "__import__('os')"}).json
    assert c["error"] is not None  # parsed, never evaluated as Python

    for body, status in (({"graph": g["graph"], "node": "b_1", "formula": 3}, 400),
                         ({"graph": g["graph"], "node": "b_1", "formula": "x" * 3000}, 413),
                         ({"graph": 7, "node": "b_1", "formula": "1"}, 400)):
        assert client.post("/api/check", body).status == status


def test_steps_are_animates(client: Client) -> None:
    from autodiff.animation import frames

    g = open_case(client)
    s = client.get(f"/api/steps?graph={g['graph']}").json
    fs = frames(reference.build("000").loss())
    assert s["total"] == len(fs) == 40
    assert [x["caption"] for x in s["steps"]] == [f.caption for f in fs]
    assert client.get("/api/steps?graph=nope").status == 404
    assert client.get("/api/steps").status == 400


def fresh_gradients(names_values: dict[str, float]) -> dict[str, float]:
    """Document 000 built again with some parameters changed, then backward(): name -> gradient."""
    case = reference.build("000")
    for name, p in case.model.named_parameters():
        if name in names_values:
            p.data = names_values[name]
    loss = case.loss()
    loss.backward()
    return {n.name: n.grad for n in topological_order(loss) if n.name is not None}


def test_set_a_leaf_re_evaluates_the_graph(client: Client) -> None:
    g = open_case(client)
    r = client.post("/api/set", {"graph": g["graph"], "node": "W_1", "value": 0.7})
    assert r.status == 200, r.json
    after = r.json
    expected = fresh_gradients({"W_1": 0.7})
    named = {n["name"]: n for n in after["nodes"] if n["name"] is not None}
    assert named["W_1"]["data"] == 0.7
    for name, grad in expected.items():
        assert named[name]["grad"] == pytest.approx(grad, abs=1e-12), name
    assert named["Loss"]["data"] != g["nodes"][0]["data"]
    assert after["svg"] != g["svg"] and "data 0.7" in after["svg"]
    for body, status, words in (
        ({"graph": g["graph"], "node": "Loss", "value": 1.0}, 422, "only a leaf"),
        ({"graph": g["graph"], "node": "W_1", "value": "1"}, 400, "finite number"),
        ({"graph": g["graph"], "node": "W_1", "value": None}, 400, "finite number"),
        ({"graph": g["graph"], "node": "W_99", "value": 1.0}, 404, "W_99"),
    ):
        r = client.post("/api/set", body)
        assert r.status == status and words in r.json["message"], r.json
    assert client.post("/api/set", '{"graph": "x", "value": NaN}').status in (400, 404)


def test_a_value_outside_an_operations_domain_leaves_the_graph_as_it_was(server, client: Client) -> None:
    x = Value(2.0, name="x")
    y = x.log()
    y.name = "y"
    graph = server.store.add(lab_graph(y, "log"))
    r = client.post("/api/set", {"graph": graph.gid, "node": "x", "value": -1.0})
    assert r.status == 422 and "log" in r.json["message"] and "-1" in r.json["message"]
    now = client.get(f"/api/graph?graph={graph.gid}").json
    assert [n["data"] for n in now["nodes"]] == [math.log(2.0), 2.0]


def test_three_descent_steps_lower_the_loss(client: Client) -> None:
    g = open_case(client)
    losses = [g["losses"][0]]
    for _ in range(3):
        r = client.post("/api/step", {"graph": g["graph"], "lr": 0.5})
        assert r.status == 200
        losses = r.json["losses"]
    assert len(losses) == 4 and losses[0] > losses[1] > losses[2] > losses[3]
    # the first step is W ← W − 0.5·∂Loss/∂W on every parameter, from the document's numbers
    case = reference.build("000")
    loss = case.loss()
    loss.backward()
    for _, p in case.model.named_parameters():
        p.data -= 0.5 * p.grad
    assert losses[1] == pytest.approx(case.loss().data, abs=1e-12)
    for lr in (0, -1, "fast", 1e9, None):
        assert client.post("/api/step", {"graph": g["graph"], "lr": lr}).status == 400


def test_the_lab_never_changes_the_callers_values(server, client: Client) -> None:
    case = reference.build("000")
    loss = case.loss()
    order = topological_order(loss)
    for k, n in enumerate(order):
        n.grad = 1000.0 + k
    before = [(n.data, n.grad, n.name) for n in order]
    graph = server.store.add(lab_graph(loss, "mine", case.model))
    g = client.get(f"/api/graph?graph={graph.gid}").json  # stale .grad on the caller's leaves does not leak in
    assert {n["name"]: n["grad"] for n in g["nodes"]}["b_1"] == pytest.approx(B1_GRADIENT, abs=1e-12)
    client.post("/api/set", {"graph": graph.gid, "node": "W_1", "value": 3.0})
    client.post("/api/step", {"graph": graph.gid, "lr": 0.1})
    client.get(f"/api/explain?graph={graph.gid}&node=b_1&form=paths")
    assert [(n.data, n.grad, n.name) for n in order] == before


def test_a_name_with_markup_is_data_not_markup(server, client: Client) -> None:
    evil = '<img src=x onerror="alert(1)">'
    a = Value(2.0, name=evil)
    y = a * a
    y.name = "<script>alert(2)</script>"
    graph = server.store.add(lab_graph(y, "<b>title</b>"))
    g = client.get(f"/api/graph?graph={graph.gid}").json
    assert g["nodes"][1]["name"] == evil and g["title"] == "<b>title</b>"
    assert "<img" not in g["svg"] and "<script" not in g["svg"]
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in g["svg"]
    e = client.get(f"/api/explain?graph={graph.gid}&node={g['nodes'][1]['id']}&form=paths").json
    assert e["name"] == evil


# --- limits and robustness ------------------------------------------------------------------------

def test_graphs_are_refused_by_nodes_and_edges_before_any_work(depth: int) -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(depth):
        y = y * 1.0
    started = time.perf_counter()
    with pytest.raises(GraphTooLargeError, match="more than 500 value nodes"):
        lab_graph(y, "chain")
    assert time.perf_counter() - started < 100  # a hang guard: it stops after about 500 nodes
    from autodiff import dot

    w = [Value(0.1, name=f"w{k}") for k in range(30)]
    xs = [Value(0.2, name=f"x{k}") for k in range(30)]
    total = dot(w, xs)
    for _ in range(40):
        total = total + dot(w, xs)
    assert len(topological_order(total)) < 200
    with pytest.raises(GraphTooLargeError, match="more than 2000 edges"):
        lab_graph(total, "edges")


def test_the_store_keeps_the_most_recently_used_graphs() -> None:
    store = GraphStore(limit=2)
    a, b, c = (store.add(case_graph(k)) for k in ("twice", "diamond", "neuron"))
    with pytest.raises(LabError, match="no graph"):
        store.get(a.gid)
    assert store.get(b.gid) is b and store.get(c.gid) is c and len(store) == 2
    store.get(b.gid)  # b is now the most recent: adding one more drops c
    store.add(case_graph("twice"))
    assert store.get(b.gid) is b
    with pytest.raises(LabError):
        store.get(c.gid)


def test_an_exception_in_a_handler_does_not_stop_the_server(client: Client, monkeypatch) -> None:
    from autodiff.lab import api

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(api, "graph_payload", broken)
    r = client.post("/api/graph", {"case": "twice"})
    assert r.status == 500 and "boom" in r.json["message"]
    monkeypatch.undo()
    assert client.post("/api/graph", {"case": "twice"}).status == 200
    assert client.request("PUT", "/api/graph", {"case": "x"}).status == 405
    r = client.get("/api/cases?" + "&".join(f"a{k}=1" for k in range(50)))
    assert r.status == 400 and "query parameters" in r.json["message"]
    r = client.request("POST", "/api/graph", None, headers={"Content-Type": "application/json"})
    assert r.status == 411 and "Content-Length" in r.json["message"]
    assert client.get("/api/nothing").status == 404


def test_show_opens_the_users_graph_on_one_shared_server() -> None:
    from autodiff import lab

    x = Value(3.0, name="x")
    y = x * x
    y.name = "y"
    url = lab.show(y, open_browser=False)
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]+&graph=g[0-9a-f]+", url)
    gid = url.rsplit("=", 1)[1]
    base, query = url.split("/?", 1)
    token = query.split("&")[0].split("=", 1)[1]
    with urllib.request.urlopen(f"{base}/api/graph?graph={gid}&token={token}") as r:
        body = r.read().decode()
    assert '"name": "y"' in body and '"grad": 6.0' in body
    again = lab.show(x * 2.0, open_browser=False)
    assert again.split("&graph=")[0] == url.split("&graph=")[0]  # the same server
    with pytest.raises(TypeError, match="expected a Value"):
        lab.show(3.0, open_browser=False)  # type: ignore[arg-type]


def test_the_command_prints_the_url_first() -> None:
    proc = subprocess.Popen([sys.executable, "-m", "autodiff.lab", "--no-browser", "--case", "004"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline().strip()  # type: ignore[union-attr]
        found = re.fullmatch(r"http://127\.0\.0\.1:(\d+)/\?token=([\w-]+)&case=004", line)
        assert found, line
        port, token = found.groups()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/cases?token={token}") as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    bad = subprocess.run([sys.executable, "-m", "autodiff.lab", "--no-browser", "--case", "999"],
                         capture_output=True, text=True, timeout=60)
    assert bad.returncode == 2 and "no case '999'" in bad.stderr


def test_a_typed_expression(client: Client) -> None:
    r = client.post("/api/graph", {"expression": "tanh(x1*w1 + x2*w2 + b)",
                                   "values": "x1=2, w1=-3, x2=0, w2=1, b=6.8813735870195432"})
    assert r.status == 200, r.json
    g = r.json
    leaves = {n["name"]: n for n in g["nodes"] if n["leaf"]}
    assert set(leaves) == {"x1", "w1", "x2", "w2", "b"}
    assert g["nodes"][0]["op"] == "tanh" and g["nodes"][0]["data"] == pytest.approx(math.sqrt(0.5), abs=1e-12)
    assert leaves["w1"]["grad"] == pytest.approx(1.0, abs=1e-12)  # micrograd's lecture: x1·(1 − o²) = 2·0.5
    assert sorted(g["params"]) == sorted(n["id"] for n in leaves.values())  # every named leaf
    same = client.post("/api/graph", {"expression": "a + a", "values": {"a": 3}}).json
    assert [n["grad"] for n in same["nodes"]] == [1.0, 2.0]  # a + a: both edges count


def test_a_typed_expression_s_unnamed_steps_have_one_label_everywhere(client: Client) -> None:
    # CS231n's (x + y)·z at (−2, 5, −4): ∂f/∂x = z = −4, through q₁ = x + y, which the node list names too
    g = client.post("/api/graph", {"expression": "(x + y) * z", "values": "x=-2, y=5, z=-4"}).json
    labels = {n["id"]: n["label"] for n in g["nodes"]}
    assert sorted(label for label in labels.values() if label) == ["f", "q₁", "x", "y", "z"]
    q1 = next(i for i, label in labels.items() if label == "q₁")
    assert "q₁" in g["svg"]  # the drawing shows the same label
    e = client.get(f"/api/explain?graph={g['graph']}&node=x&form=paths").json
    assert e["value"] == -4.0 and e["paths"][0]["labels"] == ["f", "q₁", "x"] and q1 in e["paths"][0]["nodes"]
    assert client.post("/api/check", {"graph": g["graph"], "node": "x", "formula": "z"}).json["ok"]
    assert client.post("/api/check", {"graph": g["graph"], "node": "q1", "formula": "z"}).json["ok"]
    named = client.post("/api/graph", {"expression": "q = x + y; f = q * z", "values": "x=-2, y=5, z=-4"}).json
    assert sorted(n["label"] for n in named["nodes"] if n["label"]) == ["f", "q", "x", "y", "z"]


def test_a_malformed_expression_says_where(client: Client) -> None:
    r = client.post("/api/graph", {"expression": "tanh(x1*w1 + )", "values": "x1=2, w1=-3"})
    assert r.status == 400 and r.json["position"] == 13 and r.json["field"] == "expression"
    assert "')'" in r.json["message"]
    r = client.post("/api/graph", {"expression": "x1*w1", "values": "x1=2, w1=abc"})
    assert r.status == 400 and r.json["position"] == 6 and r.json["field"] == "values"
    r = client.post("/api/graph", {"expression": "x1*w1", "values": "x1=2"})
    assert r.status == 400 and "no value given for w1" in r.json["message"] and r.json["position"] == 3
    r = client.post("/api/graph", {"expression": "x1*w1", "values": "x1=2, w1=1, b=3"})
    assert r.status == 400 and r.json["field"] == "values" and "'b'" in r.json["message"]
    r = client.post("/api/graph", {"expression": "__import__('os').system('true')", "values": {}})
    assert r.status == 400  # read by the parser, never evaluated
    r = client.post("/api/graph", {"expression": "x" * 3000, "values": {}})
    assert r.status == 413 and "at most 2000" in r.json["message"]
    r = client.post("/api/graph", {"expression": "x", "values": [1, 2]})
    assert r.status == 400 and "values must map" in r.json["message"]
    r = client.post("/api/graph", {"expression": "log(x)", "values": {"x": 0}})
    assert r.status == 400 and "log" in r.json["message"]


@pytest.mark.parametrize("case", ["000", "003", "neuron", "twice", "diamond"])
def test_every_node_can_be_explained_checked_and_stepped(client: Client, case: str) -> None:
    """No node makes an endpoint fail: each answers 200 (or a 4xx with a message), never a 500."""
    g = open_case(client, case)
    for n in g["nodes"]:
        for form in ("paths", "delta"):
            r = client.get(f"/api/explain?graph={g['graph']}&node={n['id']}&form={form}")
            assert r.status == 200, (n, r.json)
            assert r.json["value"] == pytest.approx(n["grad"], abs=1e-12)  # the explanation's value is the gradient
        c = client.post("/api/check", {"graph": g["graph"], "node": n["id"], "formula": "1"})
        assert c.status == 200 and c.json["ok"] == (n["grad"] == pytest.approx(1.0, abs=1e-12)), (n, c.json)
    assert client.get(f"/api/steps?graph={g['graph']}").status == 200


def test_dot_runs_with_a_time_limit(client: Client, monkeypatch) -> None:
    import subprocess as sp

    from autodiff.lab import api

    seen: list[float | None] = []
    real_run = sp.run

    def slow_dot(*args, **kwargs):
        seen.append(kwargs.get("timeout"))
        raise sp.TimeoutExpired(args[0], kwargs.get("timeout") or 0)

    monkeypatch.setattr(sp, "run", slow_dot)
    r = client.post("/api/graph", {"case": "diamond"})
    monkeypatch.setattr(sp, "run", real_run)
    assert r.status == 422 and "longer than 10.0 s" in r.json["message"]
    assert seen == [api.DOT_TIMEOUT]
    assert client.post("/api/graph", {"case": "diamond"}).status == 200
