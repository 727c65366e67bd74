"""The lab's Practice endpoints (/api/practice, /api/practice/grade) against a real server on 127.0.0.1."""

from __future__ import annotations

import json

import pytest

from autodiff import Value
from autodiff.lab.graphs import lab_graph
from autodiff.lab.server import LabServer
from autodiff.practice import MISTAKES
from autodiff.practice.exercises import from_case

from .conftest import Client

FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"  # document 000's formula ④ as written
B1_ONE_PATH = "-0.0764"  # document 000's ④ as a number: path 1 of b_1's three (SEEDS.md: -0.0764184)


def open_graph(client: Client, body: dict) -> dict:
    r = client.post("/api/graph", body)
    assert r.status == 200, r.body
    return r.json


def exercises(client: Client, graph: str, seed: int | str = 0) -> list[dict]:
    r = client.get(f"/api/practice?graph={graph}&seed={seed}")
    assert r.status == 200, r.body
    assert r.json["graph"] == graph and r.json["total"] == len(r.json["exercises"])
    return r.json["exercises"]


def by_name(graph: dict, name: str) -> str:
    (found,) = [n["id"] for n in graph["nodes"] if n["name"] == name]
    return found


def grade(client: Client, body: dict) -> dict:
    r = client.post("/api/practice/grade", body)
    assert r.status == 200, r.body
    return r.json


@pytest.mark.parametrize("case", ["000", "001", "002", "003", "004"])
def test_a_documents_exercises_are_the_terminal_sessions_and_carry_no_answer(client: Client, case: str) -> None:
    graph = open_graph(client, {"case": case})
    listed = exercises(client, graph["graph"], 3)
    asked = from_case(case, seed=3).questions()  # what `python -m autodiff.practice --case 000 --seed 3` asks
    assert [e["prompt"] for e in listed] == [q.prompt for _, q in asked]
    names = {n["id"]: n["name"] for n in graph["nodes"]}
    assert [names[e["node"]] for e in listed] == [q.node.name for _, q in asked]
    assert [e["kind"] for e in listed] == [q.exercise.kind for _, q in asked]
    assert len({e["id"] for e in listed}) == len(listed)
    for e, (_, q) in zip(listed, asked):
        assert set(e) >= {"id", "kind", "prompt", "node"}
        assert not {"expected", "answer", "correct", "value"} & set(e)
        # the answer appears nowhere (a prompt gives δ(u), a fill drawing the gradients done so far: not the answer)
        text = json.dumps({k: v for k, v in e.items() if k not in ("prompt", "intro", "shown")})
        for digits in (f"{q.expected:.4g}", f"{q.expected:.6g}"):
            assert digits not in text, (e["id"], digits)
        if e["kind"] == "fill":  # the drawing of a fill exercise shows "grad ?" for every node it asks
            assert all(e["shown"][n] is None for n in e["focus"]) and e["node"] in e["focus"]
        else:
            assert e["shown"] is None


def test_the_same_seed_gives_the_same_exercises_and_another_seed_may_not(client: Client) -> None:
    graph = open_graph(client, {"case": "002"})["graph"]
    first = exercises(client, graph, 11)
    assert exercises(client, graph, 11) == first
    post = client.post("/api/practice", {"graph": graph, "seed": 11})  # POST takes the same fields
    assert post.status == 200 and post.json["exercises"] == first
    others = [exercises(client, graph, s) for s in range(5)]
    assert any([e["node"] for e in o] != [e["node"] for e in first] for o in others)


def test_grading_a_right_number_and_document_000s_wrong_ones(client: Client) -> None:
    graph = open_graph(client, {"case": "000"})
    gid = graph["graph"]
    listed = exercises(client, gid)
    (b1,) = [e for e in listed if e["name"] == "b_1" and e["kind"] == "gradient"]
    right = grade(client, {"graph": gid, "exercise": b1["id"], "answer": "-0.0906498"})
    assert right["correct"] is True and right["status"] == "correct" and right["mistakes"] == []
    assert right["expected"] == pytest.approx(-0.0906497888906187, abs=1e-12)  # document 000 (docs/documents.md)
    assert right["exercise"] == b1["id"] and right["node"] == b1["node"]
    one_path = grade(client, {"graph": gid, "exercise": b1["id"], "answer": B1_ONE_PATH})
    assert one_path["correct"] is False and one_path["status"] == "mistake"
    assert one_path["mistakes"] == ["missed_path"]
    assert one_path["mistake_descriptions"] == [MISTAKES["missed_path"]]
    assert "path 1" in one_path["text"] and "3 paths" in one_path["text"]
    formula = grade(client, {"graph": gid, "node": "b_1", "answer": FORMULA_4})  # by node: d(root)/d(b_1)
    assert formula["kind"] == "formula" and formula["exercise"] is None
    assert set(formula["mistakes"]) == {"missed_path", "z_times_sigma"}
    as_number = grade(client, {"graph": gid, "node": by_name(graph, "b_1"), "answer": -0.0906497888906187})
    assert as_number["correct"] is True  # a JSON number works too


def test_every_question_of_a_set_is_right_with_its_own_value(client: Client) -> None:
    gid = open_graph(client, {"case": "004"})["graph"]
    asked = from_case("004").questions()
    listed = exercises(client, gid)
    for e, (_, q) in zip(listed, asked):
        g = grade(client, {"graph": gid, "exercise": e["id"], "answer": f"{q.expected:.10g}"})
        assert g["correct"] is True, (e["id"], g["text"])
        wrong = grade(client, {"graph": gid, "exercise": e["id"], "answer": f"{q.expected * 1.5 + 0.37:.6g}"})
        assert wrong["correct"] is False and wrong["status"] in ("wrong", "mistake")


def test_an_unreadable_answer_is_a_verdict_not_an_error(client: Client) -> None:
    gid = open_graph(client, {"case": "000"})["graph"]
    first = exercises(client, gid)[0]["id"]
    for answer in ("(y-t)*", "1+*2", "   ", "abc$"):
        g = grade(client, {"graph": gid, "exercise": first, "answer": answer})
        assert g["status"] == "unreadable" and g["correct"] is False and g["mistakes"] == []
        assert g["text"]  # a message the learner reads
    g = grade(client, {"graph": gid, "exercise": first, "answer": "1+*2"})
    assert "position 3" in g["text"]  # counted from 1 in the text


def test_practice_on_an_expression_and_after_a_value_changes(client: Client) -> None:
    graph = open_graph(client, {"case": "neuron"})
    gid = graph["graph"]
    listed = exercises(client, gid)
    assert listed and all(e["name"] for e in listed)
    before = grade(client, {"graph": gid, "node": "w1", "answer": "1"})
    assert before["expected"] == pytest.approx(1.0, abs=1e-12)  # micrograd's neuron: do/dw1 = x1·(1 − o²) = 1.0
    assert client.post("/api/set", {"graph": gid, "node": "x1", "value": 4.0}).status == 200
    after = grade(client, {"graph": gid, "node": "w1", "answer": "1"})
    assert after["expected"] != pytest.approx(before["expected"])  # graded on the lab's current values
    assert exercises(client, gid)  # and exercises are made on them


def test_validation_errors(client: Client) -> None:
    gid = open_graph(client, {"case": "000"})["graph"]
    first = exercises(client, gid)[0]["id"]
    cases = [
        ("GET", "/api/practice?graph=nope", None, 404, "no graph"),
        ("GET", "/api/practice", None, 400, "graph must be"),
        ("GET", f"/api/practice?graph={gid}&seed=-1", None, 400, "seed"),
        ("GET", f"/api/practice?graph={gid}&seed=x", None, 400, "seed"),
        ("POST", "/api/practice", {"graph": gid, "seed": True}, 400, "seed"),
        ("POST", "/api/practice", {"graph": gid, "seed": 2**40}, 400, "seed"),
        ("POST", "/api/practice/grade", {"graph": "nope", "exercise": first, "answer": "1"}, 404, "no graph"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": "s0-9-1", "answer": "1"}, 404, "no exercise"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": "b_1", "answer": "1"}, 400, "exercise id"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": 3, "answer": "1"}, 400, "exercise id"),
        ("POST", "/api/practice/grade", {"graph": gid, "node": "nobody", "answer": "1"}, 404, "no node"),
        ("POST", "/api/practice/grade", {"graph": gid, "answer": "1"}, 400, "exactly one of"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first, "node": "b_1", "answer": "1"}, 400,
         "exactly one of"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first}, 400, "answer"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first, "answer": None}, 400, "answer"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first, "answer": True}, 400, "answer"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first, "answer": [1]}, 400, "answer"),
        ("POST", "/api/practice/grade", {"graph": gid, "exercise": first, "answer": "1" * 5000}, 413,
         "at most 2000"),
        ("GET", f"/api/practice/grade?graph={gid}", None, 405, "no endpoint"),
    ]
    for method, path, body, status, words in cases:
        r = client.request(method, path, body)
        assert r.status == status, (path, body if not isinstance(body, dict) or len(str(body)) < 200 else "...",
                                    r.status, r.body[:300])
        assert words in r.json["message"], (path, r.json["message"])
    big = client.post("/api/practice/grade", {"graph": gid, "exercise": first, "answer": "1" * 70000})
    assert big.status == 413 and "at most" in big.json["message"]  # over the body limit: refused before reading
    for path, body in (("/api/practice", {"graph": gid}), ("/api/practice/grade",
                                                            {"graph": gid, "exercise": first, "answer": "1"})):
        assert client.request("POST", path, body, token=False).status == 401  # the token, as everywhere
        assert client.post(path, json.dumps(body), content_type="application/x-www-form-urlencoded").status == 415
        assert client.post(path, body, headers={"Origin": "http://evil.example"}).status == 403
    assert client.get("/api/cases").status == 200  # the server still answers


def test_a_node_named_with_markup_comes_back_as_data(client: Client, server: LabServer) -> None:
    evil = '<img src=x onerror="alert(1)">'
    a = Value(2.0, name=evil)
    y = a * a * a
    y.name = "y"
    graph = server.store.add(lab_graph(y, "markup"))
    listed = exercises(client, graph.gid)
    assert any(evil in e["prompt"] for e in listed)  # plain text in JSON: the page shows it as text
    g = grade(client, {"graph": graph.gid, "node": evil, "answer": "12"})
    assert g["correct"] is True  # d(a³)/da = 3a² = 12
