"""Every notebook in examples/notebooks/ runs on a real kernel, and its key cells show what they should.

Each key cell carries a tag (cell metadata ``tags``); the tests find it by that tag and check the
kinds of output it produced (``text/latex`` for an explanation, ``text/markdown`` for a verdict
or a reference case, ``image/svg+xml`` for a graph, ``text/html`` for an animation, ``image/png``
for a plot) and the numbers in them against ``backward()`` run here, in the test's own process.
The notebooks are committed without outputs; one test keeps them that way.
"""

from __future__ import annotations

import ast
import base64
import html
import re
from pathlib import Path
from typing import Any

import nbformat
import pytest
from nbclient import NotebookClient

from autodiff import Value, check_formula, explain
from autodiff.animation import frames
from autodiff.formula import FormulaError
from autodiff.formatting import final_number
from autodiff.render import format_number
from nn import reference
from nn.course.documents import DOCUMENTS
from nn.course.toy import fit

pytestmark = pytest.mark.notebook

NOTEBOOKS = Path(__file__).resolve().parents[1] / "examples" / "notebooks"
ALL = sorted(NOTEBOOKS.glob("*.ipynb"))
SEEDS = ("000", "001", "002", "003", "004")
_executed: dict[str, Any] = {}


def executed(name: str, tmp_path_factory: pytest.TempPathFactory) -> Any:
    """The notebook ``name`` (a path under examples/notebooks/) after a run on a fresh python3 kernel.

    Each notebook runs once per test session; the Korean tests (tests/i18n) share this cache.
    """
    if name not in _executed:
        notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
        workdir = tmp_path_factory.mktemp(Path(name).stem)  # the animations' pages are written here
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(workdir)}}).execute()
        _executed[name] = notebook
    return _executed[name]


def cell(notebook: Any, tag: str) -> Any:
    (found,) = [c for c in notebook.cells if tag in c.metadata.get("tags", [])]
    return found


def result(notebook: Any, tag: str) -> dict[str, Any]:
    """The data of the cell's last expression (its ``execute_result``)."""
    (out,) = [o for o in cell(notebook, tag).outputs if o.output_type == "execute_result"]
    return dict(out.data)


def svg_text(notebook: Any, tag: str) -> str:
    """The cell's SVG picture, with Graphviz's character references (``&#45;`` for '-') read back.

    The same SVG is also offered as HTML, an ``<img>`` capped at the cell's width (what JupyterLab shows).
    """
    data = result(notebook, tag)
    svg = data["image/svg+xml"]
    img = re.fullmatch(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)" alt="[^"]*" '
                       r'style="max-width: 100%; height: auto">', data["text/html"])
    assert img is not None and base64.b64decode(img.group(1)).decode("utf-8") == svg
    return html.unescape(svg)


def displays(notebook: Any, tag: str) -> list[dict[str, Any]]:
    return [dict(o.data) for o in cell(notebook, tag).outputs if o.output_type == "display_data"]


def printed(notebook: Any, tag: str) -> str:
    return "".join(o.text for o in cell(notebook, tag).outputs if o.output_type == "stream" and o.name == "stdout")


def player_steps(page: str) -> int:
    """How many steps the player page embedded in an iframe's srcdoc says it has."""
    assert page.startswith("<!DOCTYPE html>")
    return int(re.search(r'id="player"[^>]*data-total="(\d+)"', page).group(1))  # type: ignore[union-attr]


def assert_close(a: float, b: float) -> None:
    assert abs(a - b) <= 1e-12 * max(1.0, abs(b)), (a, b)


def markdown_rows(markdown: str) -> list[list[str]]:
    """The body rows of the Markdown table(s) in ``markdown``, cells unescaped."""
    rows = []
    for line in markdown.splitlines():
        if line.startswith("| ") and not line.startswith("|---"):
            rows.append([c.strip().replace("\\", "") for c in re.split(r"(?<!\\)\|", line)[1:-1]])
    return [r for r in rows if r and r != rows[0]] if rows else []


# --- every notebook -------------------------------------------------------------------------------

def test_there_is_a_notebook_for_each_part_of_the_course() -> None:
    names = [p.name for p in ALL]
    assert len(names) == 8
    assert names[0].startswith("01_value") and names[1].startswith("02_one_neuron")
    assert [n for n in names if "_document_" in n] == [f"{3 + i:02d}_document_{s}.ipynb" for i, s in enumerate(SEEDS)]
    assert names[-1].startswith("08_training")


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_notebooks_are_committed_without_outputs(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    for c in notebook.cells:
        if c.cell_type == "code":
            assert c.outputs == [] and c.execution_count is None, (path.name, c.source[:40])


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_every_notebook_runs_without_an_error(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    notebook = executed(path.name, tmp_path_factory)
    for c in notebook.cells:
        if c.cell_type == "code":
            assert not [o for o in c.outputs if o.output_type == "error"], c.source[:60]
            assert c.execution_count is not None


# --- 01: a Value and the chain rule ----------------------------------------------------------------

def test_value_notebook_shows_the_gradients_backward_computes(tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = executed("01_value_and_the_chain_rule.ipynb", tmp_path_factory)
    x = Value(3.0, name="x")
    y = x * x * x
    y.backward()
    assert float(result(nb, "cube-grad")["text/plain"]) == x.grad

    a, b, c, f = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c"), Value(-2.0, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    L = d * f
    L.name = "L"
    L.backward()
    shown = ast.literal_eval(result(nb, "grads")["text/plain"])
    assert shown == {"a": a.grad, "b": b.grad, "c": c.grad, "f": f.grad}
    assert ast.literal_eval(result(nb, "by-hand")["text/plain"]) == shown

    svg = svg_text(nb, "graph")
    assert "max-width: 100%" in svg
    for node in (a, b, c, f, d, e):
        assert f"grad {format_number(node.grad)}" in svg

    latex = result(nb, "explanation")["text/latex"]
    assert latex.startswith("$$") and "\\frac{\\partial L}{\\partial a}" in latex
    assert explain(L, a).value == a.grad
    assert latex.rstrip("$\n").endswith(final_number(a.grad, latex=True) + "\n\\end{aligned}")

    a2 = Value(2.0, name="a")
    u = a2 * a2
    u.name = "u"
    z = u + a2
    z.name = "z"
    z.backward()
    two = result(nb, "two-paths")["text/latex"]
    assert two.count("\\text{path") == explain(z, a2).path_count == 2
    assert final_number(a2.grad, latex=True) in two
    assert ast.literal_eval(result(nb, "grad-function")["text/plain"]) == (a2.grad, a2.grad)


# --- 02: one neuron ---------------------------------------------------------------------------------

def neuron() -> tuple[Value, dict[str, Value]]:
    x1, x2 = Value(2.0, name="x1"), Value(0.0, name="x2")
    w1, w2 = Value(-3.0, name="w1"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    o.backward()
    return o, {v.name: v for v in (x1, w1, x2, w2, b, n)}  # type: ignore[misc]


def test_neuron_notebook_gradients_graph_explanation_verdicts_and_player(
        tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = executed("02_one_neuron.ipynb", tmp_path_factory)
    o, nodes = neuron()
    shown = ast.literal_eval(result(nb, "grads")["text/plain"])
    assert set(shown) == set(nodes)
    for name, node in nodes.items():
        assert_close(shown[name], node.grad)

    svg = svg_text(nb, "graph")
    assert f"grad {format_number(nodes['w1'].grad)}" in svg

    latex = result(nb, "explanation")["text/latex"]
    assert latex.startswith("$$") and latex.endswith("$$")
    assert "\\frac{\\partial o}{\\partial w_{1}}" in latex

    ok = result(nb, "verdict-ok")["text/markdown"]
    assert check_formula(o, "w1", "(1 - o^2)*x1").ok and "**OK**" in ok and "WRONG" not in ok
    wrong = result(nb, "verdict-wrong")["text/markdown"]
    assert not check_formula(o, "w1", "(1 - o)*x1").ok and "**WRONG**" in wrong

    player = result(nb, "animation")
    assert player["text/html"].startswith("<iframe srcdoc=")
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', player["text/html"]).group(1))  # type: ignore[union-attr]
    assert player_steps(page) == len(frames(o))
    assert "neuron.html" in player["text/plain"]


# --- 03-07: the five reference documents ---------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_document_notebook(seed: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = executed(f"{3 + int(seed):02d}_document_{seed}.ipynb", tmp_path_factory)
    case = reference.build(seed)
    loss = case.loss()
    loss.backward()
    grads = {name: p.grad for name, p in case.model.named_parameters()}

    # The case: its summary and a table with every parameter's gradient from backward().
    summary = result(nb, "case")["text/markdown"]
    assert case.title.split(":")[0] in summary and f"{len(grads)} parameters" in summary
    rows = {r[0]: r for r in markdown_rows(summary)}
    assert set(rows) == set(grads)
    for name, grad in grads.items():
        assert_close(float(rows[name][1]), grad)
        assert rows[name][3] == "✓"

    # The walkthrough: every hand formula and golden number agrees with backward().
    walk = printed(nb, "walkthrough")
    assert "formula ✓" in walk and "formula ✗" not in walk and "golden ✗" not in walk

    # One derivation, as math, ending in the gradient from backward().
    latex = result(nb, "explanation")["text/latex"]
    target = {"000": "b_1", "001": "w1_11", "002": "w2_11", "003": "w2_11", "004": "w11"}[seed]
    expected = explain(loss, target, form="delta")
    assert expected.value == grads[target]
    assert latex.startswith("$$") and "\\partial" in latex

    # The checker on the document's formulas as written: one verdict each, as the checker says here.
    # (A formula the checker cannot read, such as 004's y_k for y_t, is printed as REFUSED.)
    verdicts = [d["text/markdown"] for d in displays(nb, "checks")]
    readable = []
    for doc in DOCUMENTS[seed]:
        try:
            readable.append((doc, check_formula(loss, doc.target, doc.formula, aliases=doc.aliases).ok))
        except FormulaError:
            assert not doc.expect_ok
    assert len(verdicts) == len(readable) >= 1
    assert printed(nb, "checks").count("REFUSED: ") == len(DOCUMENTS[seed]) - len(readable)
    for (doc, ok), shown in zip(readable, verdicts):
        assert ("**OK**" in shown) == ok and ("**WRONG**" in shown) == (not ok), doc.formula
        assert ok == doc.expect_ok

    # The graph, and the player with one frame per step of the backward pass.
    svg = svg_text(nb, "graph")
    assert svg.count('class="node"') >= len(grads)
    for name, grad in grads.items():
        assert f"grad {format_number(grad)}" in svg, name
    player = result(nb, "animation")["text/html"]
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', player).group(1))  # type: ignore[union-attr]
    assert player_steps(page) == len(frames(loss))


# --- 08: training ---------------------------------------------------------------------------------

def test_training_notebook_plots_loss_and_boundary(tmp_path_factory: pytest.TempPathFactory,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    nb = executed("08_training_xor_and_moons.ipynb", tmp_path_factory)
    xor, moons = fit("xor", quiet=True), fit("moons", quiet=True)
    assert ast.literal_eval(result(nb, "accuracy")["text/plain"]) == {"xor": xor.accuracy, "moons": moons.accuracy}
    assert ast.literal_eval(result(nb, "final-losses")["text/plain"]) == (xor.losses[-1], moons.losses[-1])
    for tag in ("loss-plot", "boundary-plot"):
        png = result(nb, tag)["image/png"]
        assert isinstance(png, str) and len(png) > 10_000  # base64 of a real picture
