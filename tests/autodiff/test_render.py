"""The Graphviz renderer: every test that draws really runs `dot` and reads the SVG it writes.

Nothing here skips: CI installs Graphviz (`.ci/run`), and the test without `dot` hides it
by pointing PATH at an empty folder.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

import graphviz
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

import autodiff
from autodiff import Value, topological_order
from autodiff import ops
from autodiff.labels import label_of
from autodiff.roles import mark_built
from autodiff.render import (
    DEFAULT_MAX_NODES,
    GraphTooLargeError,
    GraphvizNotFoundError,
    count_paths,
    draw,
    node_ids,
    paths_between,
    save,
)
from nn import reference

SVG = "{http://www.w3.org/2000/svg}"
HIGHLIGHT = "#e6550d"
FOCUS = "#2171b5"


def norm(text: str) -> str:
    return " ".join(text.split())


@dataclass
class Svg:
    """What a rendered SVG shows: node texts by id, edges, clusters."""

    nodes: dict[str, str] = field(default_factory=dict)  # id -> its text, whitespace normalised
    node_colours: dict[str, set[str]] = field(default_factory=dict)  # id -> stroke colours used
    node_boxes: dict[str, tuple[float, float]] = field(default_factory=dict)  # id -> first text position
    edges: list[tuple[str, str, str]] = field(default_factory=list)  # (title "a->b", stroke, label text)
    clusters: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # label -> bbox
    title: str = ""  # the graph's own label


def texts(element: ET.Element) -> str:
    return norm(" ".join(t.text or "" for t in element.iter(f"{SVG}text")))


def bbox(element: ET.Element) -> tuple[float, float, float, float]:
    """The bounding box of a cluster's outline (a polygon, or a path when rounded)."""
    shape = element.find(f"{SVG}polygon")
    coords = shape.get("points") if shape is not None else element.find(f"{SVG}path").get("d")
    numbers = [float(v) for v in re.findall(r"-?\d+(?:\.\d+)?", coords)]
    xs, ys = numbers[0::2], numbers[1::2]
    return min(xs), min(ys), max(xs), max(ys)


def render(graph: graphviz.Digraph) -> Svg:
    root = ET.fromstring(graph.pipe(format="svg"))
    out = Svg()
    top = root.find(f"{SVG}g")
    out.title = norm(" ".join(t.text or "" for t in top.findall(f"{SVG}text")))
    for g in root.iter(f"{SVG}g"):
        kind, title = g.get("class"), g.findtext(f"{SVG}title")
        if kind == "node":
            out.nodes[title] = texts(g)
            out.node_colours[title] = {e.get("stroke") for e in g.iter() if e.get("stroke")}
            first = g.find(f"{SVG}text")
            if first is not None:
                out.node_boxes[title] = (float(first.get("x")), float(first.get("y")))
        elif kind == "edge":
            path = g.find(f"{SVG}path")
            out.edges.append((title, path.get("stroke"), texts(g)))
        elif kind == "cluster":
            out.clusters[texts(g)] = bbox(g)
    return out


def expected_edges(root: Value) -> int:
    """One edge per use of an input, plus one from each operation to its result."""
    return sum(len(n.parents) + 1 for n in topological_order(root) if n.op is not None)


def by_name(root: Value, name: str) -> Value:
    return next(n for n in topological_order(root) if n.name == name)


def inside(point: tuple[float, float], box: tuple[float, float, float, float]) -> bool:
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


# --- hand-built graphs ----------------------------------------------------------------------------

def test_a_plus_a_draws_two_edges_with_numbers() -> None:
    a = Value(3.0, name="a")
    y = a + a
    y.name = "y"
    y.backward()
    svg = render(draw(y))
    ids = node_ids(y)
    assert ids[y] == "v0" and ids[a] == "v1"
    assert len(svg.edges) == 3 == expected_edges(y)
    into_op = [e for e in svg.edges if e[0] == "v1->v0_op"]
    assert len(into_op) == 2 and all(label == "1" for _, _, label in into_op)
    assert svg.nodes["v1"] == "a data 3 grad 2"
    assert svg.nodes["v0"] == "y data 6 grad 1"
    assert svg.nodes["v0_op"] == "+"


def test_every_operation_draws_its_symbol_and_local_derivative() -> None:
    x = Value(0.5, name="x")
    w = Value(-2.0, name="w")
    parts = [x * w, x - w, x / w, -x, x**3, x**w, x.exp(), x.log(), x.tanh(), x.sigmoid(), x.relu()]
    y = parts[0]
    for p in parts[1:]:
        y = y + p
    y.backward()
    svg = render(draw(y, precision=3))
    ids = node_ids(y)
    assert len(svg.edges) == expected_edges(y)
    for node in parts:
        assert svg.nodes[ids[node] + "_op"] == norm(node.op.symbol)
        for i, (parent, local) in enumerate(zip(node.parents, node.local_grads)):
            labels = [label for title, _, label in svg.edges if title == f"{ids[parent]}->{ids[node]}_op"]
            assert autodiff.render.format_number(local, 3) in labels
    assert svg.nodes[ids[x]] == f"x data 0.5 grad {autodiff.render.format_number(x.grad, 3)}"


def test_constants_are_unnamed_boxes_and_show_grad_off() -> None:
    x = Value(2.0, name="x")
    y = x * 3.0
    svg = render(draw(y, show_grad=False, edge_derivatives=False))
    ids = node_ids(y)
    assert svg.nodes[ids[y.parents[1]]] == "data 3"
    assert all("grad" not in text for text in svg.nodes.values())
    assert all(label == "" for _, _, label in svg.edges)


def test_edge_symbols_come_from_the_operation_table() -> None:
    z = Value(0.5, name="z")
    a = z.sigmoid()
    a.name = "A"
    label = [e[2] for e in render(draw(a, edge_symbols=True)).edges if e[0] == "v1->v0_op"]
    assert label == [f"A(1 − A) = {autodiff.render.format_number(a.local_grads[0])}"]

    # The same drawing with a different rule in the table shows that rule: no template anywhere.
    odd = ops.Op("sigmoid", "σ", 1, ops.SIGMOID.forward, lambda x, out: (out * x,))
    a.op = odd  # the node now says the table made it with this rule
    label = [e[2] for e in render(draw(a, edge_symbols=True)).edges if e[0] == "v1->v0_op"]
    assert label == [f"A·z = {autodiff.render.format_number(a.local_grads[0])}"]


def test_unnamed_nodes_appear_in_formulas_by_their_automatic_names() -> None:
    a, t = Value(0.7, name="a"), Value(0.5, name="t")
    d = a - t
    sq = d**2
    e = sq * 0.5
    root = e + a
    svg = render(draw(root, edge_symbols=True))
    ids = node_ids(root)
    labels = label_of(root)
    assert [labels(n) for n in (d, sq, e, root)] == ["q₁", "q₂", "q₃", "q₄"]  # in the order they were made
    into_square = [e_[2] for e_ in svg.edges if e_[0] == f"{ids[d]}->{ids[sq]}_op"]
    assert into_square == [f"2q₁ = {autodiff.render.format_number(sq.local_grads[0])}"]
    assert svg.nodes[ids[d]].startswith("q₁ data 0.2")  # the drawing shows the label the derivation uses


def test_a_loss_s_inner_nodes_appear_as_short_expressions_or_not_at_all() -> None:
    a, t = Value(0.7, name="a"), Value(0.5, name="t")
    d = a - t
    sq = d**2
    e = sq * 0.5
    s = a
    for k in range(8):  # a long chain inside a loss: too long to write, so its edges show numbers only
        s = s * Value(1.0 + k, name=f"w{k}")
    long_sq = s**2
    root = e + long_sq
    mark_built([root], [a, t, *(n for n in topological_order(root) if n.name and n.name.startswith("w"))], loss=True)
    svg = render(draw(root, edge_symbols=True))
    ids = node_ids(root)
    into_square = [e_[2] for e_ in svg.edges if e_[0] == f"{ids[d]}->{ids[sq]}_op"]
    assert into_square == [f"2(a − t) = {autodiff.render.format_number(sq.local_grads[0])}"]
    into_long = [e_[2] for e_ in svg.edges if e_[0] == f"{ids[s]}->{ids[long_sq]}_op"]
    assert into_long == [autodiff.render.format_number(long_sq.local_grads[0])]
    assert label_of(root)(root) == "Loss" and label_of(root)(d) is None


# --- the reference networks -------------------------------------------------------------------------

@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_reference_networks_render_with_names_numbers_edges_and_clusters(seed: str) -> None:
    case = reference.build(seed)
    root = case.loss()
    root.backward()
    svg = render(draw(root, model=case.model, edge_symbols=True))
    order = topological_order(root)
    ids = node_ids(root)
    assert len(svg.edges) == expected_edges(root)
    assert len(svg.nodes) == len(order) + sum(n.op is not None for n in order)
    for node in order:
        grad = autodiff.render.format_number(node.grad)
        data = autodiff.render.format_number(node.data)
        name = f"{node.name} " if node.name is not None else ""
        assert svg.nodes[ids[node]] == f"{name}data {data} grad {grad}"
    assert list(svg.clusters) == list(case.model.clusters(root))


def test_004_shows_the_documents_numbers_and_formulas() -> None:
    case = reference.build("004")
    root = case.loss()
    root.backward()
    svg = render(draw(root, model=case.model, edge_symbols=True))
    ids = node_ids(root)
    assert svg.nodes[ids[by_name(root, "w11")]] == "w11 data 0.1 grad 0.0009291"
    labels = {label for _, _, label in svg.edges}
    a1, a3 = by_name(root, "A1"), by_name(root, "A3")
    assert f"A1(1 − A1) = {autodiff.render.format_number(a1.local_grads[0])}" in labels
    assert f"A3(1 − A3) = {autodiff.render.format_number(a3.local_grads[0])}" in labels
    assert any(label.startswith("2(A3 − y_t) = ") for label in labels)
    assert set(svg.clusters) == {"neuron A1", "neuron A2", "neuron A3"}


def test_000_clusters_leave_the_shared_bias_outside() -> None:
    case = reference.build("000")
    root = case.loss()
    root.backward()
    graph = draw(root, model=case.model)
    ids = node_ids(root)
    b1 = ids[by_name(root, "b_1")]
    blocks = re.findall(r"subgraph (cluster_\d+) \{(.*?)\n\t\}", graph.source, flags=re.S)
    assert len(blocks) == 4
    assert all(not re.search(rf"\b{b1}\b", body) for _, body in blocks)
    svg = render(graph)
    assert list(svg.clusters) == ["neuron h1", "neuron h2", "neuron h3", "neuron o1"]
    assert not any(inside(svg.node_boxes[b1], box) for box in svg.clusters.values())
    for j, w in ((1, "W_1"), (2, "W_2"), (3, "W_3")):
        assert inside(svg.node_boxes[ids[by_name(root, w)]], svg.clusters[f"neuron h{j}"])
    assert inside(svg.node_boxes[ids[by_name(root, "y")]], svg.clusters["neuron o1"])


def test_a_node_in_two_clusters_is_drawn_outside_both() -> None:
    x, w1, w2 = Value(1.0, name="x"), Value(2.0, name="w1"), Value(3.0, name="w2")
    p, q = x * w1, x * w2
    y = p + q
    graph = draw(y, clusters={"first": [x, w1, p], "second": [x, w2, q], "empty": []})
    ids = node_ids(y)
    blocks = dict(re.findall(r"subgraph (cluster_\d+) \{(.*?)\n\t\}", graph.source, flags=re.S))
    assert set(blocks) == {"cluster_0", "cluster_1"}
    assert not re.search(rf"\b{ids[x]}\b", blocks["cluster_0"] + blocks["cluster_1"])
    assert f"{ids[p]}_op" in blocks["cluster_0"] and ids[w2] in blocks["cluster_1"]
    assert set(render(graph).clusters) == {"first", "second"}


# --- highlighted paths ------------------------------------------------------------------------------

def test_highlight_colours_exactly_the_paths_to_a_node() -> None:
    a = Value(1.5, name="a")
    b = a * 2.0
    c = a + b
    d = c * c  # d -> a: c twice, times (c -> a directly, c -> b -> a) = 4 paths
    assert count_paths(d, a) == 4 and len(paths_between(d, a)) == 4 and len(paths_between(d, a, limit=3)) == 3
    assert all(p[0] is d and p[-1] is a for p in paths_between(d, a))
    svg = render(draw(d, highlight=a))
    ids = node_ids(d)
    coloured = [title for title, stroke, _ in svg.edges if stroke == HIGHLIGHT]
    assert len(svg.edges) == 9 and len(coloured) == 8
    assert f"{ids[b.parents[1]]}->{ids[b]}_op" not in coloured  # the constant 2 leads nowhere near a
    assert svg.title.startswith("4 paths from 'q₃' back to 'a'")  # d, unnamed, is called by its label
    assert HIGHLIGHT in svg.node_colours[ids[a]] and HIGHLIGHT not in svg.node_colours[ids[b.parents[1]]]


def test_000_shared_bias_has_three_paths_through_the_hidden_neurons() -> None:
    case = reference.build("000")
    root = case.loss()
    b1, y = by_name(root, "b_1"), by_name(root, "y")
    # Binary cross-entropy uses y twice (ln y and ln(1 − y)): 2 × 3 paths from the loss.
    assert count_paths(y, b1) == 3 and count_paths(root, b1) == 6
    through = [{n.name for n in path} for path in paths_between(y, b1)]
    assert [sorted(s & {"Out h1", "Out h2", "Out h3"}) for s in through] == [["Out h1"], ["Out h2"], ["Out h3"]]
    for graph_root, n in ((y, 3), (root, 6)):
        svg = render(draw(graph_root, model=case.model, highlight=b1))
        ids = node_ids(graph_root)
        from_b1 = [stroke for title, stroke, _ in svg.edges if title.startswith(f"{ids[b1]}->")]
        assert from_b1 == [HIGHLIGHT] * 3
        assert svg.title.startswith(f"{n} paths from '{graph_root.name}' back to 'b_1', which is used 3 times")
        w1 = by_name(graph_root, "W_1")
        assert all(stroke != HIGHLIGHT for title, stroke, _ in svg.edges if title.startswith(f"{ids[w1]}->"))

    half = reference.build("000", "half_squared_error_loss")
    loss = half.loss()
    assert count_paths(loss, by_name(loss, "b_1")) == 3


# --- hooks for the animation ----------------------------------------------------------------------

def test_grads_focus_and_edge_notes() -> None:
    x, w = Value(2.0, name="x"), Value(-0.5, name="w")
    y = x * w
    y.name = "y"
    ids = node_ids(y)
    graph = draw(y, grads={y: 1.0, w: None}, focus=y, edge_notes={(y, 0): "-0.5 × 1 = -0.5"})
    svg = render(graph)
    assert svg.nodes[ids[y]] == "y data -1 grad 1"
    assert svg.nodes[ids[w]] == "w data -0.5 grad ?"
    assert svg.nodes[ids[x]] == "x data 2 grad ?"  # not in the mapping: not computed yet
    assert FOCUS in svg.node_colours[ids[y]] and FOCUS not in svg.node_colours[ids[x]]
    noted = [e for e in svg.edges if e[0] == f"{ids[x]}->{ids[y]}_op"]
    assert noted == [(f"{ids[x]}->{ids[y]}_op", FOCUS, "-0.5 -0.5 × 1 = -0.5")]
    other = [e for e in svg.edges if e[0] == f"{ids[w]}->{ids[y]}_op"]
    assert other[0][1] != FOCUS and other[0][2] == "2"
    assert '<FONT COLOR="#969696">grad ?</FONT>' in graph.source


def test_bad_arguments_are_refused_clearly() -> None:
    x = Value(1.0, name="x")
    y = x * 2.0
    stranger = Value(5.0)
    with pytest.raises(TypeError, match="expected a Value"):
        draw(1.0)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="rankdir"):
        draw(y, rankdir="sideways")
    with pytest.raises(ValueError, match="precision"):
        draw(y, precision=0)
    with pytest.raises(ValueError, match="highlight .* not in the graph"):
        draw(y, highlight=stranger)
    with pytest.raises(ValueError, match="focus .* not in the graph"):
        draw(y, focus=stranger)
    with pytest.raises(ValueError, match="no input number 2"):
        draw(y, edge_notes={(y, 2): "x"})
    with pytest.raises(ValueError, match="either clusters= or model="):
        draw(y, clusters={}, model=reference.build("004").model)
    with pytest.raises(TypeError, match="clusters\\(root\\)"):
        draw(y, model=object())
    with pytest.raises(TypeError, match="need a root Value"):
        save(draw(y), "y.svg", precision=2)


# --- determinism ---------------------------------------------------------------------------------

def test_dot_text_is_byte_identical_for_the_same_graph() -> None:
    case = reference.build("004")
    first, second = case.loss(), case.loss()  # two separate graphs built the same way
    first.backward()
    second.backward()
    options = dict(model=case.model, edge_symbols=True, highlight=by_name(first, "w11"))
    text = draw(first, **options).source
    assert text == draw(first, **options).source
    options["highlight"] = by_name(second, "w11")
    assert text == draw(second, **options).source
    assert node_ids(first) == {n: f"v{k}" for k, n in enumerate(topological_order(first))}
    assert not re.search(r"0x[0-9a-f]{6,}|\b\d{9,}\b", text)  # no memory addresses


def test_rankdir_top_to_bottom() -> None:
    x = Value(1.0, name="x")
    graph = draw(x.exp(), rankdir="TB")
    assert "rankdir=TB" in graph.source
    assert len(render(graph).edges) == 2


# --- size limit ----------------------------------------------------------------------------------

def chain(n: int) -> Value:
    """x, tanh(x), tanh(tanh(x)), ...: n nodes."""
    y = Value(0.5, name="x")
    for _ in range(n - 1):
        y = y.tanh()
    return y


def test_graphs_over_the_limit_raise_a_clear_error() -> None:
    y = chain(30)
    with pytest.raises(GraphTooLargeError, match=r"30 value nodes.*max_nodes=10.*max_nodes=None") as info:
        draw(y, max_nodes=10)
    assert isinstance(info.value, ValueError)
    assert len(render(draw(y, max_nodes=None)).edges) == 58
    with pytest.raises(GraphTooLargeError, match=str(DEFAULT_MAX_NODES)):
        draw(chain(DEFAULT_MAX_NODES + 1))
    deep = chain(5000)  # building DOT for a deep graph does not recurse
    assert draw(deep, max_nodes=None).source.count("->") == 2 * 4999


# --- files, Jupyter, no Graphviz --------------------------------------------------------------------

def test_save_writes_each_format(tmp_path) -> None:
    case = reference.build("004")
    root = case.loss()
    root.backward()
    graph = draw(root, model=case.model)
    magic = {"svg": b"<?xml", "png": b"\x89PNG\r\n\x1a\n", "pdf": b"%PDF", "dot": b"digraph"}
    for suffix, start in magic.items():
        path = save(graph, tmp_path / "out" / f"graph.{suffix}")
        assert path == tmp_path / "out" / f"graph.{suffix}"
        assert path.read_bytes().startswith(start)
    assert (tmp_path / "out" / "graph.dot").read_text(encoding="utf-8") == graph.source
    assert save(root, tmp_path / "direct.dot", model=case.model).read_text(encoding="utf-8") == graph.source
    with pytest.raises(ValueError, match=r"unknown file type '\.jpeg'"):
        save(graph, tmp_path / "graph.jpeg")


def test_jupyter_displays_the_graph_inline() -> None:
    x = Value(1.0, name="가중치")
    bundle = draw(x * 2.0)._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml", "text/html"]  # the HTML: the same SVG, capped at the cell's width
    assert "가중치" in bundle["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]
    assert bundle["text/html"].startswith('<img src="data:image/svg+xml;base64,')


def test_without_dot_building_works_and_rendering_says_how_to_install(monkeypatch, tmp_path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    x = Value(1.0, name="x")
    graph = draw(x * 2.0)
    assert graph.source.startswith('digraph "computation graph"')
    assert save(graph, tmp_path / "g.dot").read_text(encoding="utf-8") == graph.source
    for attempt in (lambda: save(graph, tmp_path / "g.svg"), lambda: graph.pipe(format="svg"),
                    graph._repr_mimebundle_, lambda: graph.render(tmp_path / "g", format="png")):
        with pytest.raises(GraphvizNotFoundError) as info:
            attempt()
        message = str(info.value)
        assert "apt-get install graphviz" in message and "brew install graphviz" in message
        assert "https://graphviz.org/download/" in message
        assert isinstance(info.value, graphviz.ExecutableNotFound)  # code catching graphviz's error still works
    assert not (tmp_path / "g.svg").exists()


def test_the_package_exports_draw_lazily() -> None:
    assert autodiff.draw is autodiff.render.draw


# --- any name renders --------------------------------------------------------------------------

def shown(name: str) -> str:
    """How the drawing writes a name, as documented: control characters become visible symbols."""
    out = []
    for ch in name:
        code = ord(ch)
        if ch == "\n":
            out.append(" ")  # a line break; whitespace is compared normalised
        elif code < 0x20:
            out.append(chr(0x2400 + code))  # Unicode control pictures: ␀ ␁ ... ␉ ...
        elif code == 0x7F:
            out.append("␡")
        elif code in (0xFFFE, 0xFFFF):
            out.append(f"U+{code:04X}")  # not characters XML may contain, even escaped
        else:
            out.append(ch)
    return norm("".join(out))


# Everything except lone surrogates, which are not characters at all: a str holding one cannot
# be encoded as UTF-8, so no file or program could receive it (hypothesis's text() never makes
# them). NUL and the other control characters are included; they are drawn visibly.
NAMES = st.text(min_size=1, max_size=12) | st.sampled_from(  # (a Value refuses the empty name: issue 12)
    ['a"b', "{x}", "<b>&amp;", "p|q", "\\N \\G \\", "two\nlines", "가중치 w₁", "\x00\t\x7f", "\ufffe", " ", "]", "]]x"]
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=NAMES)
@example(name="]")  # Graphviz 2.43 refused a label starting with "]" until render escaped it
def test_any_name_is_accepted_by_dot_and_shown(name: str) -> None:
    x = Value(1.5, name=name)
    y = x * 2.0
    y.backward()
    graph = draw(y, edge_symbols=True, clusters={name: [x]})
    svg = render(graph)
    assert svg.nodes["v2"] == norm(f"{shown(name)} data 1.5 grad 2")  # v1 is the constant 2, made after x
    assert [label for title, _, label in svg.edges if title == "v1->v0_op"] == [norm(f"{shown(name)} = 1.5")]
    assert list(svg.clusters) == [shown(name)]


def test_a_lone_surrogate_is_refused_clearly() -> None:
    x = Value(1.0, name="bad \ud800")
    with pytest.raises(ValueError, match="surrogate U\\+D800"):
        draw(x)


def test_infinite_and_nan_values_render_with_formulas_on() -> None:
    x = Value(1.0, name="x")
    y = (x * float("inf")) * float("nan") + x * 1e308 * 10
    svg = render(draw(y, edge_symbols=True))
    assert len(svg.edges) == expected_edges(y)
    shown_values = " ".join(svg.nodes.values())
    assert "data inf" in shown_values and "data nan" in shown_values


def test_edge_formula_works_on_its_own() -> None:
    a = Value(2.0, name="a")
    s = a.sigmoid()  # unnamed: written by its automatic name
    assert autodiff.render.edge_formula(s, 0).text() == "q₁(1 − q₁)"
    assert autodiff.render.edge_formula(a, 0) is None


def test_a_drawing_before_backward_says_that_every_grad_is_still_zero():
    from autodiff.render import NO_BACKWARD_YET

    x, w = Value(2.0, name="x"), Value(-3.0, name="w")
    y = (x * w).tanh()
    y.name = "y"
    assert "no backward pass yet: every grad is 0" in NO_BACKWARD_YET
    assert NO_BACKWARD_YET in draw(y).source
    assert NO_BACKWARD_YET not in draw(y, show_grad=False).source
    assert NO_BACKWARD_YET not in draw(y, grads={}).source  # the animation's frames say what they show
    y.backward()
    assert NO_BACKWARD_YET not in draw(y).source
    y.zero_grad()
    svg = draw(y, highlight=x).pipe(format="svg").decode()
    assert "1 path from &#39;y&#39; back to &#39;x&#39;" in svg and "no backward pass yet" in svg  # both title lines


# --- counting a graph (check_size) and running dot (render_svg): one RenderError ----------------------

def test_check_size_counts_nodes_and_edges() -> None:
    from autodiff.render import check_size

    a = Value(2.0, name="a")
    y = (a + a) * a
    assert check_size(y, max_nodes=None, max_edges=None) == (3, 4)  # a, a + a, y; two edges into +, two into ×
    assert check_size(y, max_nodes=3, max_edges=4) == (3, 4)
    with pytest.raises(GraphTooLargeError, match="^lab: the graph has more than 3 edges"):
        check_size(y, max_nodes=None, max_edges=3, where="lab")
    with pytest.raises(GraphTooLargeError, match="more than 2 value nodes"):
        check_size(y, max_nodes=2, max_edges=None)


def test_a_failing_dot_is_one_error_class(monkeypatch) -> None:
    import subprocess

    from autodiff import render
    from autodiff.render import RenderError, render_svg

    x = Value(1.0, name="x")
    graph = render.draw(x * 2.0)
    assert "<svg" in render_svg(graph)
    broken = render.Graph()
    broken.body.append("this is not { dot")
    with pytest.raises(RenderError, match=r"Graphviz's dot failed \(exit status 1\): .*syntax error"):
        render_svg(broken)

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(RenderError, match="took longer than 0.5 s"):
        render_svg(graph, timeout=0.5)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="install"):
        render_svg(graph)


def test_layered_keeps_inputs_in_order_and_lengthens_edges_between_boxes() -> None:
    from nn import MLP
    model = MLP(2, [2, 1], seed=0)
    out = model([Value(0.5, "x1"), Value(1.0, "x2")])
    plain = draw(out, model=model).source
    layered = draw(out, model=model, layered=True).source
    assert "mclimit" not in plain and "minlen" not in plain  # off by default: every drawing as before
    assert "mclimit=0.01" in layered
    between = [line for line in layered.splitlines() if "minlen=2" in line]
    assert len(between) == 2  # L1.N1.a and L1.N2.a into L2.N1's sum: the only edges from one box into another
    assert all("->" in line for line in between)
