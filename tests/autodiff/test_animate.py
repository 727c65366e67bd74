"""The backward pass as frames (pure data) and the page built from them (no browser here)."""

from __future__ import annotations

import dataclasses
import json
import math
import re
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Value, backward_order, render, topological_order
from autodiff.animation import STEP_STYLE, STEPS_JS, Frame, format_value, frames, local_formula, page_html, step_data
from autodiff.i18n import available_languages
from nn import reference


def one_frame_per_edge(root: Value) -> int:
    """The frames a page must have: the seed, then one per edge backward() passes a gradient along."""
    return 1 + sum(len(node.parents) for node in backward_order(root))


# --- helpers ---------------------------------------------------------------------------------

def fresh_backward(root: Value) -> None:
    root.zero_grad()
    root.backward()


def contributions(frame_list: list[Frame]) -> dict[Value, list[float]]:
    into: dict[Value, list[float]] = {}
    for frame in frame_list[1:]:
        into.setdefault(frame.parent, []).append(frame.contribution)
    return into


def check_against_backward(root: Value) -> list[Frame]:
    frame_list = frames(root)
    fresh_backward(root)
    order = topological_order(root)
    last = frame_list[-1].grads
    assert set(last) == set(order)
    for node in order:
        assert last[node] is not None
        assert last[node] == pytest.approx(node.grad, abs=1e-12, rel=0)
        assert last[node] == node.grad  # the same additions in the same order: exactly equal
    for node, parts in contributions(frame_list).items():
        running = 0.0
        for part in parts:
            running += part
        assert running == node.grad
        assert math.fsum(parts) == pytest.approx(node.grad, abs=1e-12)
    return frame_list


def edge_sequence(root: Value) -> list[tuple[Value, int]]:
    """The edges in the order backward() uses them."""
    return [(node, i) for node in backward_order(root) for i in range(len(node.parents))]


# --- the frame sequence against backward --------------------------------------------------------

@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_reference_networks_last_frame_equals_backward(seed: str) -> None:
    root = reference.build(seed).loss()
    frame_list = check_against_backward(root)
    assert len(frame_list) == 1 + len(edge_sequence(root))


@pytest.mark.parametrize("seed", ["000", "004"])
def test_frame_order_follows_the_engines_backward_order(seed: str) -> None:
    root = reference.build(seed).loss()
    frame_list = frames(root)
    assert frame_list[0].node is root and frame_list[0].is_seed
    assert [(f.node, f.parent_index) for f in frame_list[1:]] == edge_sequence(root)
    for frame in frame_list[1:]:
        assert frame.parent is frame.node.parents[frame.parent_index]
        assert frame.local == frame.node.local_grads[frame.parent_index]  # the engine's number, not re-derived
        assert frame.contribution == frame.local * frame.upstream
    assert [f.index for f in frame_list] == list(range(len(frame_list)))
    assert all(f.total == len(frame_list) for f in frame_list)


def test_seed_frame() -> None:
    root = reference.build("004").loss()
    seed = frames(root)[0]
    assert seed.index == 0 and seed.node is root and seed.upstream == 1.0
    assert seed.parent is None and seed.contribution is None and seed.edge_note() is None
    assert seed.grads[root] == 1.0
    assert all(g is None for node, g in seed.grads.items() if node is not root)
    assert seed.caption.startswith(f"Step 1 of {seed.total}: start at the output, × node 'E', value ")


def test_upstream_is_complete_when_a_node_is_used() -> None:
    """Each frame's upstream gradient is already the node's final gradient."""
    root = reference.build("000").loss()
    frame_list = frames(root)
    fresh_backward(root)
    for frame in frame_list[1:]:
        assert frame.upstream == frame.node.grad
        assert frame.grads[frame.node] == frame.node.grad


def test_gradients_appear_when_computed_and_accumulate() -> None:
    root = reference.build("000").loss()
    frame_list = frames(root)
    for before, after in zip(frame_list, frame_list[1:]):
        changed = [n for n in after.grads if after.grads[n] != before.grads[n]]
        # exactly the receiving node changes (unless the contribution is 0 onto an existing gradient)
        assert changed in ([after.parent], [])
        assert after.grads[after.parent] == after.accumulated
        previous = before.grads[after.parent]
        assert after.accumulated == (0.0 if previous is None else previous) + after.contribution


def test_shared_bias_of_000_receives_three_contributions() -> None:
    case = reference.build("000")
    root = case.loss()
    frame_list = frames(root)
    b1 = next(n for n in topological_order(root) if n.name == "b_1")
    into = [f for f in frame_list if f.parent is b1]
    assert len(into) == 3
    assert [f.received for f in into] == [1, 2, 3]
    assert all(f.receives == 3 for f in into)
    assert sorted(f.node.name for f in into) == ["net h1", "net h2", "net h3"]
    fresh_backward(root)
    assert into[-1].accumulated == b1.grad
    assert b1.grad == pytest.approx(case.expected_gradients["b_1"], abs=1e-12)
    assert "(contribution 2 of 3)" in into[1].caption
    assert "(contribution 3 of 3: complete)" in into[2].caption
    assert format_value(into[2].accumulated) in into[2].caption


def test_a_plus_a_shows_two_contributions() -> None:
    a = Value(3.0, name="a")
    y = a + a
    y.name = "y"
    frame_list = check_against_backward(y)
    assert len(frame_list) == 3
    one, two = frame_list[1:]
    assert (one.parent, one.parent_index, one.contribution, one.accumulated) == (a, 0, 1.0, 1.0)
    assert (two.parent, two.parent_index, two.contribution, two.accumulated) == (a, 1, 1.0, 2.0)
    assert (one.received, two.received, two.receives) == (1, 2, 2)
    assert "edge 1 of 2 (to 'a')" in one.caption and "edge 2 of 2 (to 'a')" in two.caption
    assert two.grads[a] == 2.0 == a.grad


def test_a_times_a_uses_each_edge_own_local_derivative() -> None:
    a = Value(-1.5, name="a")
    y = a * a
    frame_list = check_against_backward(y)
    assert [f.local for f in frame_list[1:]] == [-1.5, -1.5]
    assert [f.formula.text() for f in frame_list[1:]] == ["a", "a"]
    assert a.grad == -3.0


def test_frames_do_not_touch_grad() -> None:
    root = reference.build("004").loss()
    order = topological_order(root)
    for k, node in enumerate(order):
        node.grad = 100.0 + k
    frames(root)
    assert [node.grad for node in order] == [100.0 + k for k in range(len(order))]


def test_leaf_root_is_a_single_seed_frame() -> None:
    x = Value(2.0, name="x")
    (only,) = frames(x)
    assert only.is_seed and only.total == 1 and only.grads == {x: 1.0}
    assert "nothing more to do" in only.caption


def test_frames_rejects_non_values() -> None:
    with pytest.raises(TypeError, match="expected a Value"):
        frames(3.0)  # type: ignore[arg-type]


def test_every_operation_against_backward() -> None:
    x, y = Value(0.7, name="x"), Value(1.3, name="y")
    parts = [x + y, x - y, x * y, x / y, -x, x**3, x**y, 2**x, x.exp(), y.log(), x.tanh(), x.sigmoid(),
             (x - y).relu(), (y - x).relu(), 1 - x, 2 / y, x * 3]
    total = parts[0]
    for p in parts[1:]:
        total = total + p
    total.name = "total"
    check_against_backward(total)


def test_deep_chain_is_not_recursive() -> None:
    x = Value(0.5, name="x")
    y = x
    for _ in range(3000):
        y = y * 1.0001
    frame_list = check_against_backward(y)
    assert len(frame_list) == 1 + 2 * 3000


_ops = st.sampled_from(["add", "sub", "mul", "neg", "tanh", "sigmoid", "square", "reuse"])


@settings(max_examples=60, deadline=None)
@given(
    leaves=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=4),
    program=st.lists(st.tuples(_ops, st.integers(0, 100), st.integers(0, 100)), min_size=1, max_size=25),
)
def test_random_graphs_against_backward(leaves: list[float], program: list[tuple[str, int, int]]) -> None:
    pool = [Value(v, name=f"x{k}") for k, v in enumerate(leaves)]
    for op, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        node = {
            "add": lambda: a + b, "sub": lambda: a - b, "mul": lambda: a * b, "neg": lambda: -a,
            "tanh": lambda: a.tanh(), "sigmoid": lambda: a.sigmoid(), "square": lambda: a**2,
            "reuse": lambda: a + a * b,
        }[op]()
        pool.append(node)
    root = pool[-1]
    frame_list = check_against_backward(root)
    assert [(f.node, f.parent_index) for f in frame_list[1:]] == edge_sequence(root)


# --- captions and formulas ----------------------------------------------------------------------

def test_caption_of_a_sigmoid_step_in_004() -> None:
    root = reference.build("004").loss()
    frame_list = frames(root)
    step = next(f for f in frame_list if f.node.name == "A3")
    assert step.formula is not None and step.formula.text() == "A3(1 − A3)"
    a3 = step.node.data
    assert step.local == step.node.local_grads[0]
    assert step.formula.evaluate({"A3": a3}) == pytest.approx(step.local, abs=1e-15)
    f = format_value
    assert step.caption == (
        f"Step {step.index + 1} of {step.total}: at σ node 'A3', upstream gradient {f(step.upstream)}; "
        f"the edge to 'z3' has local derivative A3(1 − A3) = {f(step.local)}; "
        f"it adds {f(step.local)} × {f(step.upstream)} = {f(step.contribution)} to the gradient of 'z3', "
        f"now {f(step.accumulated)} (its only contribution: complete)."
    )
    assert step.edge_note() == f"{f(step.local)} × {f(step.upstream)} = {f(step.contribution)}"


def test_formula_comes_from_the_op_table() -> None:
    w, x = Value(0.4, name="w"), Value(0.9, name="x")
    z = w * x
    assert local_formula(z, 0).text() == "x" and local_formula(z, 1).text() == "w"
    q = w / x
    q.name = "q"
    assert local_formula(q, 1).evaluate({"w": 0.4, "x": 0.9}) == pytest.approx(q.local_grads[1])
    c = (w * x) * 2.0  # unnamed intermediate node: no formula, only the number
    assert local_formula(c, 0).text() == "2"
    assert local_formula(c, 1) is None
    assert local_formula(w, 0) is None  # a leaf has no edges


def test_negative_numbers_are_parenthesised_in_products() -> None:
    v = Value(2.0, name="v")
    m = v * 3.0
    m.name = "m"
    z = -m
    z.name = "z"
    step = next(f for f in frames(z) if f.node is m and f.parent is v)
    assert step.upstream == -1.0
    assert step.edge_note() == "3 × (-1) = -3"
    assert "it adds 3 × (-1) = -3 to the gradient of 'v'" in step.caption

    a = Value(1.0, name="a")
    s = a * -1.0 + a * -2.0
    last = next(f for f in frames(s) if f.parent is a and f.received == 2)
    assert "now -2 + (-1) = -3" in last.caption  # a * -2.0 was made last, so it is used first


def test_format_value() -> None:
    assert format_value(0.040681) == "0.04068"
    assert format_value(1.0) == "1"
    assert format_value(-0.0) == "0"
    assert format_value(2.5e-7) == "2.5e-07"
    assert format_value(math.inf) == "inf"
    assert format_value(1 / 3, precision=2) == "0.33"


# --- the page, with a placeholder drawing (no renderer, no browser) -----------------------------

def placeholder_svg() -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="no"?>\n'
        '<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n'
        '<!-- generated -->\n'
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="80"><g id="graph0">'
        '<text x="10" y="40">the layout</text></g></svg>\n'
    )


def page_steps(page: str) -> dict:
    """The steps the page's script shows, read back from the page."""
    found = re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', page, flags=re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_page_is_self_contained_and_has_one_drawing() -> None:
    root = reference.build("004").loss()
    frame_list = frames(root)
    ids = {node: f"n{k}" for k, node in enumerate(topological_order(root))}
    page = page_html(frame_list, placeholder_svg(), ids)
    assert page.startswith("<!DOCTYPE html>")
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    urls = set(re.findall(r"https?://[^\s\"')]+", page))
    assert urls <= {"http://www.w3.org/2000/svg"}  # a namespace name, never fetched
    assert "<?xml" not in page and "<!DOCTYPE svg" not in page
    assert page.count("<svg") == 1 and "the layout" in page  # one drawing for every step
    for tag in ('id="step-counter"', 'id="caption"', 'id="prev"', 'id="next"', 'id="play"', 'id="player"'):
        assert tag in page
    assert f"Step 1 / {len(frame_list)}" in page
    data = page_steps(page)
    assert data["total"] == len(frame_list) == len(data["steps"])
    assert [s["caption"] for s in data["steps"]] == [f.caption for f in frame_list]
    third = frame_list[3]
    assert data["steps"][3]["focus"] == ids[third.node]
    assert data["steps"][3]["target"] == ids[third.parent]
    assert data["steps"][3]["target_grad"] == third.accumulated
    assert data["steps"][3]["edge"] == f"e-{ids[third.node]}-{third.parent_index}"
    assert data["steps"][3]["note"] == third.edge_note()
    # each node's gradient so far, as the frames have it, at every step
    for k, frame in enumerate(frame_list):
        for node, vid in ids.items():
            shown = [text for index, text in data["grads"][vid] if index <= k]
            expected = frame.grads[node]
            assert (shown[-1] if shown else None) == (None if expected is None else format_value(expected))


def test_page_html_checks_its_arguments() -> None:
    x = Value(1.0, name="x")
    with pytest.raises(ValueError, match="no frames"):
        page_html([], placeholder_svg(), {})
    with pytest.raises(ValueError, match="no <svg>"):
        page_html(frames(x), "<html></html>", {})
    with pytest.raises(TypeError, match="the text of the one layout"):
        page_html(frames(x), [placeholder_svg()], {})  # type: ignore[arg-type]  # one drawing per frame, as before


def test_captions_are_escaped_in_the_page() -> None:
    a = Value(1.0, name='<b>"a"&</script>')
    y = a * 2.0
    y.name = '<i>"y"</i>'
    page = page_html(frames(y), placeholder_svg(), {})
    assert "<b>" not in page and "<i>" not in page and "</script>\"" not in page
    assert "&lt;i&gt;&quot;y&quot;&lt;/i&gt;" in page  # the first caption, in the HTML
    assert [s["caption"] for s in page_steps(page)["steps"]] == [f.caption for f in frames(y)]


# --- animate(): one layout by the renderer (needs Graphviz's `dot`) ---------------------------------

def test_format_value_agrees_with_the_renderer() -> None:
    from autodiff.render import format_number

    for x in (0.0, -0.0, 1.0, -1.5, 0.040681, 2.5e-7, 123456.0, math.inf, -math.inf, math.nan, 1 / 3):
        for p in (2, 4, 6):
            assert format_value(x, p) == format_number(x, p)


def test_animate_writes_a_page_and_frame_files(tmp_path) -> None:
    import autodiff
    from autodiff.animation import animate
    from autodiff.render import node_ids

    assert autodiff.animate is animate  # the package exports the function
    case = reference.build("000")
    root = case.loss()
    order = topological_order(root)
    for node in order:
        node.grad = 7.0
    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    (frames_dir / "frame_999.svg").write_text("the user's own file")
    path = animate(root, tmp_path / "sub" / "page.html", model=case.model, frames_dir=frames_dir)
    assert all(node.grad == 7.0 for node in order)  # animate never touches .grad
    assert path == tmp_path / "sub" / "page.html"
    page = path.read_text(encoding="utf-8")
    frame_list = frames(root)
    files = sorted(frames_dir.glob("frame_*.svg"))
    ours = [f"frame_{k:03d}.svg" for k in range(1, len(frame_list) + 1)]
    assert [f.name for f in files] == ours + ["frame_999.svg"]  # the user's file is kept
    assert (frames_dir / "frame_999.svg").read_text() == "the user's own file"
    data = page_steps(page)
    assert len(data["steps"]) == len(frame_list) == one_frame_per_edge(root) == 40
    assert page.count("<svg") == 1
    assert "neuron h1" in page  # the model's clusters are drawn
    ids = node_ids(root)
    for node in order:  # every node and every edge has the id the script looks for
        assert f'id="n-{ids[node]}"' in page
        for i in range(len(node.parents)):
            assert f'id="e-{ids[node]}-{i}"' in page
    b1 = next(n for n in order if n.name == "b_1")
    shared = [f for f in frame_list if f.parent is b1]
    for f in shared:
        step = data["steps"][f.index]
        assert step["index"] == f.index and step["target"] == ids[b1] and step["focus"] == ids[f.node]
    last_svg = (frames_dir / ours[-1]).read_text(encoding="utf-8")
    assert "grad ?" not in last_svg  # every gradient is known at the end
    assert "grad ?" in (frames_dir / ours[0]).read_text(encoding="utf-8")
    # the current edge's note, on the edge it belongs to
    note = re.search(r'<g id="([^"]*)" class="edge current"[^>]*>.*?<text class="note"[^>]*>([^<]*)</text>',
                     (frames_dir / ours[shared[1].index]).read_text(encoding="utf-8"), flags=re.S)
    assert note is not None and note.group(2) == "1 × 0.08846 = 0.08846"
    assert note.group(1) == f"e-{ids[shared[1].node]}-{shared[1].parent_index}"
    urls = set(re.findall(r"https?://[^\s\"')]+", page))
    assert urls <= {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}

    # a later call on a smaller graph deletes only its own stale frames
    x = Value(2.0, name="x")
    animate(x * x, tmp_path / "small.html", frames_dir=frames_dir)
    left = sorted(f.name for f in frames_dir.glob("frame_*.svg"))
    assert left == ["frame_001.svg", "frame_002.svg", "frame_003.svg", "frame_999.svg"]


def test_animate_never_overwrites_the_users_frame_files(tmp_path) -> None:
    from autodiff.animation import animate

    frames_dir = tmp_path / "frames"
    frames_dir.mkdir()
    (frames_dir / "frame_002.svg").write_text("mine")
    x = Value(2.0, name="x")
    with pytest.raises(FileExistsError, match="frame_002.svg"):
        animate(x * x, tmp_path / "p.html", frames_dir=frames_dir)
    assert (frames_dir / "frame_002.svg").read_text() == "mine"
    assert not (tmp_path / "p.html").exists()  # refused before anything is written


def test_every_node_keeps_its_place_between_steps(tmp_path) -> None:
    """The one layout: the page holds one drawing, with the final gradient in every box."""
    from autodiff.animation import animate

    a = Value(3.0, name="a")
    y = (a + a) * a
    y.name = "y"
    page = animate(y, tmp_path / "a.html").read_text(encoding="utf-8")
    fresh_backward(y)
    grads = re.findall(r'<text class="grad" data-node="([^"]*)"[^>]*>grad ([^<]*)</text>', page)
    ids = {node: vid for vid, node in ((f"v{k}", n) for k, n in enumerate(topological_order(y)))}
    assert dict(grads) == {vid: format_value(node.grad) for node, vid in ids.items()}


def test_animate_user_graph_a_plus_a(tmp_path) -> None:
    from autodiff.animation import animate

    a = Value(3.0, name="a")
    y = (a + a) * a
    y.name = "y"
    path = animate(y, tmp_path / "a.html", title="a + a")
    page = path.read_text(encoding="utf-8")
    assert len(page_steps(page)["steps"]) == 5
    assert "<title>a + a</title>" in page
    assert "(contribution 3 of 3: complete)" in page


def test_animate_surfaces_the_renderer_size_limit(tmp_path) -> None:
    from autodiff.animation import animate
    from autodiff.render import DEFAULT_MAX_NODES, GraphTooLargeError

    root = reference.build("004").loss()
    with pytest.raises(GraphTooLargeError, match="max_nodes=5"):
        animate(root, tmp_path / "small.html", max_nodes=5, frames_dir=tmp_path / "f")
    assert not (tmp_path / "small.html").exists() and not (tmp_path / "f").exists()

    x = Value(1.0, name="x")
    y = x
    while len(topological_order(y)) <= DEFAULT_MAX_NODES:
        y = y * 1.0
    with pytest.raises(GraphTooLargeError):
        animate(y, tmp_path / "big.html")  # the renderer's default limit
    assert not (tmp_path / "big.html").exists()


def test_animate_refuses_before_any_work_by_nodes_and_by_edges(tmp_path, monkeypatch) -> None:
    import importlib

    from autodiff.render import GraphTooLargeError

    module = importlib.import_module("autodiff.animation.page")
    calls: list[str] = []
    monkeypatch.setattr(module, "frames", lambda *a, **k: calls.append("frames"))
    monkeypatch.setattr(importlib.import_module("autodiff.animation.layout"), "render_svg",
                        lambda *a, **k: calls.append("dot"))

    x = Value(0.5, name="x")
    y = x
    for _ in range(10**6):  # a chain of a million nodes: refused after looking at about max_nodes of them
        y = y * 1.0
    with pytest.raises(GraphTooLargeError, match="more than 500 value nodes"):
        module.animate(y, tmp_path / "chain.html")

    # 62 nodes, 500 edges: a dot node of 20 leaves used 25 times over
    leaves = [Value(0.1 * k, name=f"w{k}") for k in range(10)]
    inputs = [Value(0.2 * k, name=f"x{k}") for k in range(10)]
    total = None
    for _ in range(25):
        z = autodiff_dot(leaves, inputs)
        total = z if total is None else total + z
    assert len(topological_order(total)) <= 70
    with pytest.raises(GraphTooLargeError, match="more than 200 edges"):
        module.animate(total, tmp_path / "edges.html", max_edges=200)
    assert calls == [] and not (tmp_path / "edges.html").exists() and not (tmp_path / "chain.html").exists()


def autodiff_dot(weights: list[Value], inputs: list[Value]) -> Value:
    from autodiff import dot

    return dot(weights, inputs)


@pytest.mark.parametrize("kwargs, error, message", [
    ({"title": 5}, TypeError, "title must be a str"),
    ({"interval_ms": "abc"}, ValueError, "interval_ms must be a positive int"),
    ({"interval_ms": 0}, ValueError, "interval_ms must be a positive int"),
    ({"compress": "no"}, TypeError, "compress must be True, False or None"),
    ({"precision": 0}, ValueError, "precision must be a positive int"),
    ({"max_edges": -1}, ValueError, "max_edges must be a positive int or None"),
    ({"rankdir": "XY"}, ValueError, "rankdir must be"),
    ({"timeout": 0}, ValueError, "timeout must be a positive number"),
    ({"frames_dir": 3}, TypeError, "frames_dir must be"),
])
def test_animate_checks_its_arguments_before_rendering(tmp_path, monkeypatch, kwargs, error, message) -> None:
    import importlib

    module = importlib.import_module("autodiff.animation.page")
    calls: list[str] = []
    monkeypatch.setattr(importlib.import_module("autodiff.animation.layout"), "render_svg",
                        lambda *a, **k: calls.append("dot"))
    x = Value(2.0, name="x")
    with pytest.raises(error, match=message):
        module.animate(x * x, tmp_path / "p.html", **kwargs)
    assert calls == [] and not (tmp_path / "p.html").exists()


def test_animate_rejects_non_values(tmp_path) -> None:
    from autodiff.animation import animate

    with pytest.raises(TypeError, match="expected a Value"):
        animate(1.0, tmp_path / "x.html")  # type: ignore[arg-type]


def test_animate_compresses_large_pages(tmp_path, monkeypatch) -> None:
    import base64
    import gzip
    import importlib

    module = importlib.import_module("autodiff.animation.page")  # where animate() reads COMPRESS_ABOVE

    root = reference.build("004").loss()
    plain = module.animate(root, tmp_path / "plain.html").read_text(encoding="utf-8")
    assert "data-packed=" not in plain and plain.count("<svg") == 1
    assert len(page_steps(plain)["steps"]) == one_frame_per_edge(root) == 21
    monkeypatch.setattr(module, "COMPRESS_ABOVE", 1000)
    packed = module.animate(root, tmp_path / "packed.html").read_text(encoding="utf-8")
    blobs = re.findall(r'data-packed="([^"]*)"', packed)
    assert len(blobs) == 1 and "<svg" not in packed
    inline = re.findall(r"<svg.*?</svg>", plain, flags=re.S)
    assert len(blobs[0]) < len(inline[0]) / 2  # the drawing, gzipped, takes under half the room
    assert [gzip.decompress(base64.b64decode(b)).decode("utf-8") for b in blobs] == inline


def test_example_writes_the_pages_of_000_and_004(tmp_path, capsys) -> None:
    import importlib.util
    from pathlib import Path

    script = Path(__file__).resolve().parents[2] / "examples" / "animate_reference.py"
    spec = importlib.util.spec_from_file_location("animate_reference", script)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.main(tmp_path)
    out = capsys.readouterr().out
    assert "000: 40 steps" in out and "004: 21 steps" in out
    assert out.count("to the gradient of 'b_1'") == 3
    for seed, n in (("000", 40), ("004", 21)):
        page = (tmp_path / f"animation_{seed}.html").read_text(encoding="utf-8")
        assert len(page_steps(page)["steps"]) == n
        assert len(list((tmp_path / f"frames_{seed}").glob("frame_*.svg"))) == n


STATIC = resources.files("autodiff.animation") / "static"


def random_graph(leaves: list[float], program: list[tuple[str, int, int]]) -> Value:
    pool = [Value(v, name=f"x{k}") for k, v in enumerate(leaves)]
    for op, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append({"add": lambda: a + b, "mul": lambda: a * b, "neg": lambda: -a, "tanh": lambda: a.tanh(),
                     "reuse": lambda: a + a * b, "unnamed": lambda: (a * 2.0) * b}[op]())
    return pool[-1]


_programs = st.lists(st.tuples(st.sampled_from(["add", "mul", "neg", "tanh", "reuse", "unnamed"]),
                               st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=15)


# --- frames hold data; captions are written when asked for, in any language -----------------------------------------

def test_a_frame_holds_no_text() -> None:
    names = {f.name for f in dataclasses.fields(Frame)}
    assert "caption" not in names and not any(isinstance(getattr(frames(Value(1.0) * 2.0)[1], n), str)
                                               for n in names - {"lang"})


@settings(max_examples=40, deadline=None)
@given(leaves=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=3), program=_programs,
       precision=st.integers(1, 8))
def test_captions_in_any_language_from_one_list_of_frames(leaves, program, precision) -> None:
    root = random_graph(leaves, program)
    english = frames(root, precision=precision, lang="en")
    for code in available_languages():
        made_in = frames(root, precision=precision, lang=code)
        assert [f.text(code) for f in english] == [f.caption for f in made_in]
        assert [f.lang for f in made_in] == [code] * len(made_in)
    assert [f.caption for f in english] == [f.text() for f in english] == [f.text("en") for f in english]


def test_captions_switch_language_on_the_same_frame() -> None:
    root = reference.build("000").loss()
    frame = frames(root, lang="en")[5]
    assert frame.caption.startswith("Step 6 of 40: at ")
    korean = frame.text("ko")
    assert korean.startswith("6/40단계") and "국소 미분" in korean
    assert frame.caption.startswith("Step 6 of 40")  # asking for another language changes nothing
    with pytest.raises(Exception, match="xx"):
        frame.text("xx")


def test_step_data_writes_captions_in_the_language_asked() -> None:
    root = reference.build("004").loss()
    frame_list = frames(root, lang="en")
    data = step_data(frame_list, render.node_ids(root), lang="ko")
    assert [s["caption"] for s in data["steps"]] == [f.caption for f in frames(root, lang="ko")]
    assert [s["caption"] for s in step_data(frame_list, {})["steps"]] == [f.caption for f in frame_list]


# --- the page: a template filled with the package's own files (static/) --------------------------------------------

def test_the_page_inlines_the_package_files_as_they_are() -> None:
    x = Value(3.0, name="x")
    y = x * x
    page = page_html(frames(y), placeholder_svg(), {}, interval_ms=250)
    player = (STATIC / "player.js").read_text(encoding="utf-8")
    assert STEPS_JS == player and player in page  # the one player, byte for byte
    assert (STATIC / "page.js").read_text(encoding="utf-8") in page
    assert (STATIC / "player.css").read_text(encoding="utf-8") in page
    assert STEP_STYLE.strip() == (STATIC / "steps.css").read_text(encoding="utf-8").strip()
    template = (STATIC / "page.html").read_text(encoding="utf-8")
    placeholders = set(re.findall(r"\$([a-z_]+)", template))
    assert {"svg", "data", "player_js", "page_js", "style", "caption"} <= placeholders
    outside = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "$" not in outside  # every placeholder filled
    data = page_steps(page)
    assert data["interval"] == 250  # the speed is the caller's, not the script's
    assert sorted(data["captions"]) == sorted(available_languages())  # every language, from one list of frames


def test_the_static_files_can_be_inlined() -> None:
    for name in ("player.js", "page.js", "player.css", "steps.css"):
        text = (STATIC / name).read_text(encoding="utf-8").lower()
        assert "</script" not in text and "</style" not in text, name
    assert "{{" not in (STATIC / "page.html").read_text(encoding="utf-8")  # no brace-doubling anywhere
    assert "autodiffPlayer" in STEPS_JS and "autodiffSteps" in STEPS_JS
    page_js = (STATIC / "page.js").read_text(encoding="utf-8")
    assert "autodiffPlayer.create" in page_js and "setInterval" not in page_js  # one player: no second timer


def test_a_dollar_in_a_caption_or_title_is_text() -> None:
    a = Value(1.0, name="$x")
    y = a * 2.0
    y.name = "${y}"
    page = page_html(frames(y), placeholder_svg(), {}, title="$title")
    assert "<title>$title</title>" in page
    assert [s["caption"] for s in page_steps(page)["steps"]] == [f.caption for f in frames(y)]
    assert "${y}" in page_steps(page)["captions"]["en"][0]
