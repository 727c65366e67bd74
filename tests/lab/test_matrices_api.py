"""The Matrices tab's endpoints (GET /api/matrices, POST /api/matrices/check) against a real lab server.

The numbers are checked against ``backward()`` on a graph built apart from the lab (the reference
networks, or the lab's own copy for a random network), the verdicts against ``check_matrix_formula``'s
own, and the refusals (size, type, a graph that is not a network) as JSON errors.
"""

from __future__ import annotations

import json
import time
from typing import Any, Iterator

from hypothesis import given

from autodiff.lab.matrices import MAX_MATRIX_FORMULA_LENGTH
from nn import reference

from .conftest import Client
from .network_strategies import network_specs
from .test_api import node_id, open_case

TWO_THREE_ONE = {"inputs": [[0.5, 1]], "targets": [[1]], "sizes": [3, 1], "activations": ["sigmoid", "sigmoid"],
                 "bias": "on", "loss": "mse"}
# Document 002 (docs/documents.md): w3_11's gradient, from the document's own numbers (golden.json)
W3_11_GRADIENT = 0.08216704056423077


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * abs(b) + 1e-15


def matrices(client: Client, graph: str, lang: str | None = None) -> dict[str, Any]:
    r = client.get(f"/api/matrices?graph={graph}" + (f"&lang={lang}" if lang else ""))
    assert r.status == 200, r.body
    return r.json


def entries(payload: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Every gradient entry (a cell of dW or db) of the payload."""
    for layer in payload["layers"]:
        for m in layer["matrices"]:
            for row in m["rows"]:
                for cell in row:
                    if "param" in cell:
                        yield cell


def check(client: Client, graph: str, target: Any, formula: Any, lang: str | None = None) -> Any:
    body: dict[str, Any] = {"graph": graph, "target": target, "formula": formula}
    if lang:
        body["lang"] = lang
    return client.post("/api/matrices/check", body)


# --- the numbers ----------------------------------------------------------------------------------

def test_every_documents_gradient_entries_are_backwards_gradients(client: Client) -> None:
    for seed in ("000", "001", "002", "003", "004"):
        graph = open_case(client, seed)
        payload = matrices(client, graph["graph"])
        assert payload["seed"] == seed and payload["agrees"] is True
        case = reference.build(seed)
        loss = case.loss()
        loss.backward()
        grads = dict((name, p.grad) for name, p in case.model.named_parameters())
        by_id = {n["id"]: n for n in graph["nodes"]}
        seen = set()
        for cell in entries(payload):
            seen.add(cell["param"])
            assert by_id[cell["node"]]["name"] == cell["param"]  # the entry's node is its parameter's
            if sum(1 for c in entries(payload) if c["param"] == cell["param"]) == 1:  # (a shared bias: summed)
                assert close(cell["value"], grads[cell["param"]]), (seed, cell["param"])
            assert close(sum(t["delta"] * t["activation"] for t in cell["terms"]), cell["value"])
        assert seen == set(grads), seed  # every parameter has its entry
        assert close(payload["loss_value"], loss.data)


def test_document_002_in_its_own_names(client: Client) -> None:
    graph = open_case(client, "002")
    payload = matrices(client, graph["graph"])
    names = [[m["name"] for m in layer["matrices"]] for layer in payload["layers"]]
    assert names == [["W2", "Z1", "A2", "loss_2", "dW2", "db2"], ["W3", "Z2", "A3", "loss_3", "dW3", "db3"]]
    assert payload["inputs"]["name"] == "A1" and payload["inputs"]["rows"][0][0]["value"] == 0.05
    dW3 = payload["layers"][1]["matrices"][4]["rows"]
    assert dW3[0][0]["param"] == "w3_11" and dW3[0][0]["entry"] == "dW3[0][0]"
    assert close(dW3[0][0]["value"], W3_11_GRADIENT)
    assert [t["delta_label"] + "·" + t["activation_label"] for t in dW3[1][0]["terms"]] == ["loss_3[0][0]·A2[0][1]"]
    assert payload["targets"] == ["loss_2", "dW2", "db2", "loss_3", "dW3", "db3"]


def test_a_typed_network_and_its_changes(client: Client) -> None:
    r = client.post("/api/graph", {"network": TWO_THREE_ONE})
    graph = r.json
    payload = matrices(client, graph["graph"])
    shapes = [[(m["key"], len(m["rows"]), len(m["rows"][0])) for m in layer["matrices"]] for layer in payload["layers"]]
    assert shapes == [[("W1", 2, 3), ("Z1", 1, 3), ("A1", 1, 3), ("δ1", 1, 3), ("dW1", 2, 3), ("db1", 1, 3)],
                      [("W2", 3, 1), ("Z2", 1, 1), ("A2", 1, 1), ("δ2", 1, 1), ("dW2", 3, 1), ("db2", 1, 1)]]
    assert payload["seed"] is None and payload["targets"] == ["δ1", "dW1", "db1", "δ2", "dW2", "db2"]
    # a weight edited, then a descent step: the matrices follow the graph's values
    w = node_id(graph, "L2.N1.w1")
    edited = client.post("/api/set", {"graph": graph["graph"], "node": w, "value": 2.5}).json
    after = matrices(client, graph["graph"])
    assert after["layers"][1]["matrices"][0]["rows"][0][0]["value"] == 2.5
    by_id = {n["id"]: n["grad"] for n in edited["nodes"]}
    assert all(close(c["value"], by_id[c["node"]]) for c in entries(after))
    stepped = client.post("/api/step", {"graph": graph["graph"], "lr": 0.5}).json
    after = matrices(client, graph["graph"])
    by_id = {n["id"]: n["grad"] for n in stepped["nodes"]}
    assert all(close(c["value"], by_id[c["node"]]) for c in entries(after)) and after["agrees"]
    x1 = node_id(graph, "x1")  # an input edited: the network's X follows it
    client.post("/api/set", {"graph": graph["graph"], "node": x1, "value": -1.5})
    after = matrices(client, graph["graph"])
    assert after["inputs"]["rows"][0][0]["value"] == -1.5 and after["agrees"]


def test_a_documents_edited_input_is_told(client: Client) -> None:
    graph = open_case(client, "002")
    client.post("/api/set", {"graph": graph["graph"], "node": node_id(graph, "a1_1"), "value": 0.9})
    payload = matrices(client, graph["graph"])
    assert payload["agrees"] is False  # the layer form keeps the document's X; the page says so


@given(network_specs())
def test_random_networks_gradient_entries_are_the_graphs_gradients(client: Client, spec: dict[str, Any]) -> None:
    r = client.post("/api/graph", {"network": spec})
    assert r.status == 200, r.body
    graph = r.json
    payload = matrices(client, graph["graph"])
    assert payload["agrees"] is True
    by_id = {n["id"]: n for n in graph["nodes"]}
    cells = list(entries(payload))
    for cell in cells:
        shared = [c for c in cells if c["param"] == cell["param"]]
        total = sum(c["value"] for c in shared)
        assert close(total, by_id[cell["node"]]["grad"]) or abs(total - by_id[cell["node"]]["grad"]) <= 1e-15 * len(
            shared), (spec, cell["param"])
    params = {by_id[p]["name"] for p in graph["params"]}
    assert {c["param"] for c in cells} == params


# --- the verdicts ---------------------------------------------------------------------------------

def test_a_right_formula_in_both_notations_and_a_wrong_one_named(client: Client) -> None:
    gid = open_case(client, "002")["graph"]
    for formula in ("A2.T @ loss_3", "A2ᵀ · loss_3", "A2ᵀloss_3"):
        v = check(client, gid, "dW3", formula).json
        assert v["ok"] is True and v["error"] is None and v["diagnoses"] == [], formula
        assert v["value"] == v["expected"] and len(v["value"]) == 2
    v = check(client, gid, "dW3", "A2 @ loss_3").json
    assert v["ok"] is False and "A2 needs a transpose: A2ᵀ" in v["diagnoses"]
    assert v["diagnoses"][0].startswith("the shapes cannot match")
    v = check(client, gid, "loss_3", "(A3 - T) * A3 * (1 - A3)").json
    assert v["ok"] is True
    v = check(client, gid, "loss_3", "(A3 - T)").json
    assert v["ok"] is False and any("a factor is missing" in d for d in v["diagnoses"])
    v = check(client, gid, "dW3", "A2ᵀ * loss_3").json
    assert v["ok"] is False and any("is elementwise; a matrix product" in d for d in v["diagnoses"])
    ko = check(client, gid, "dW3", "A2 @ loss_3", lang="ko").json
    assert ko["ok"] is False and "A2에 전치가 빠졌다: A2ᵀ" in ko["diagnoses"]


def test_a_formula_it_cannot_read_is_an_answer_with_its_position(client: Client) -> None:
    gid = open_case(client, "002")["graph"]
    v = check(client, gid, "dW3", "A2ᵀ · (").json
    assert v["ok"] is False and v["error"]["position"] == 7 and "end of the formula" in v["error"]["message"]
    v = check(client, gid, "dW3", "__import__('os')").json
    assert v["ok"] is False and v["error"] is not None  # read by the formula reader, never evaluated as Python
    v = check(client, gid, "dW3", "<b>A2</b>").json
    assert v["error"]["position"] == 0 and v["formula"] == "<b>A2</b>"  # given back as text; the page sets textContent
    v = check(client, gid, "dW3", "exp(A2)^100000 · loss_3").json  # past a float's range: said, not a 500
    assert v["ok"] is False and "cannot be evaluated" in v["error"]["message"]
    v = check(client, gid, "dW3", "  ").json
    assert v["error"]["message"] == "type a formula"


def test_refusals_are_json_errors(client: Client) -> None:
    gid = open_case(client, "002")["graph"]
    r = check(client, gid, "dW3", "A2" + " + A2" * MAX_MATRIX_FORMULA_LENGTH)
    assert r.status == 413 and "at most 200" in r.json["message"] and r.json["field"] == "formula"
    r = check(client, gid, "dW9", "A2")
    assert r.status == 400 and "no matrix named 'dW9'" in r.json["message"] and "dW3" in r.json["message"]
    r = check(client, gid, ["dW3"], "A2")
    assert r.status == 400 and r.json["field"] == "target"
    r = check(client, gid, "dW3", 3)
    assert r.status == 400 and "formula must be a string" in r.json["message"]
    assert check(client, "g-none", "dW3", "A2").status == 404
    assert client.get("/api/matrices?graph=g-none").status == 404
    for case in ("neuron", "diamond"):  # not a network: no layer form, and the page is told why
        r = client.get(f"/api/matrices?graph={open_case(client, case)['graph']}")
        assert r.status == 422 and "needs a network" in r.json["message"] and r.json["offer"] == "network"
    r = client.post("/api/graph", {"expression": "tanh(x*w)", "values": "x=1, w=2"})
    assert client.get(f"/api/matrices?graph={r.json['graph']}").status == 422
    ko = client.get(f"/api/matrices?graph={open_case(client, 'neuron')['graph']}&lang=ko")
    assert ko.status == 422 and "행렬 탭에는 신경망이 필요하다" in ko.json["message"]
    assert client.get(f"/api/matrices?graph={gid}", token=False).status == 401  # the token, as every endpoint


def test_the_longest_formula_on_the_largest_network_is_answered(client: Client) -> None:
    """A hang guard: the diagnosis re-evaluates the formula per operator (0.4 s measured here; 150x that)."""
    spec = {"inputs": [[0.1 * k for k in range(6)]], "targets": [[0.5] * 8], "sizes": [8, 8, 8, 8],
            "activations": ["tanh"] * 4, "bias": "on", "loss": "mse"}  # the largest the lab draws (375 nodes)
    gid = client.post("/api/graph", {"network": spec}).json["graph"]
    formula = ("(A3ᵀ·δ4)*" * 40)[:MAX_MATRIX_FORMULA_LENGTH - 2] + "A3"
    assert len(formula) == MAX_MATRIX_FORMULA_LENGTH
    start = time.monotonic()
    r = check(client, gid, "dW4", formula)
    assert r.status == 200 and r.json["ok"] is False
    assert time.monotonic() - start < 60
    json.dumps(r.json)  # plain JSON, no NaN
