"""Every notebook in examples/notebooks/ runs on a real kernel, and its key cells show what they should.

The notebooks are a course: each says what the learner will be able to do at its end, and has at
least three exercise cells (``answer = None`` then ``check(key, answer)``) that show the question
from ``autodiff.practice.notebook`` while unanswered; the exercises themselves are graded and tested
in-process in tests/practice/test_notebook.py.

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

from autodiff import Value, check_formula, explain, topological_order
from autodiff.animation import frames
from autodiff.explanation import DISPLAY_BLOCK_LIMIT
from autodiff.practice.notebook import EXERCISES, after_one_step, check, sigmoid_neuron
from autodiff.formula import FormulaError
from autodiff.formatting import final_number
from autodiff.render import format_number
from nn import reference
from nn.course.documents import DOCUMENTS
from nn.course.toy import fit
from tests.teaching_graphs import micrograd_lecture

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
        workdir = tmp_path_factory.mktemp(Path(name).stem)  # the kernel's working folder
        NotebookClient(notebook, timeout=300, kernel_name="python3",
                       resources={"metadata": {"path": str(workdir)}}).execute()
        notebook.metadata["left_behind"] = sorted(p.name for p in workdir.iterdir())
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


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_running_a_notebook_leaves_no_file_beside_it(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    assert executed(path.name, tmp_path_factory).metadata["left_behind"] == []


def code_cells(notebook: Any) -> list[Any]:
    return [c for c in notebook.cells if c.cell_type == "code"]


def exercise_cells(notebook: Any) -> list[Any]:
    return [c for c in code_cells(notebook) if any(t.startswith("exercise-") for t in c.metadata.get("tags", []))]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_a_notebook_states_its_goal_and_has_three_exercises(path: Path) -> None:
    notebook = nbformat.read(path, as_version=4)
    markdown = [c.source for c in notebook.cells if c.cell_type == "markdown"]
    assert markdown[1].startswith("**At the end of this notebook you will be able to**")
    assert markdown[-1].startswith("**What you can do now:**")
    exercises = exercise_cells(notebook)
    assert len(exercises) >= 3
    keys = []
    for c in exercises:
        lines = c.source.splitlines()
        assert lines[0].startswith("answer = None") or "answer = None" in c.source  # unanswered as committed
        found = re.findall(r'check\("(\d\d\.\d)", answer', c.source)
        keys += found
    # Every exercise defined for this notebook is asked, in order.
    assert keys == [k for k in EXERCISES if k.startswith(path.name[:2])]
    assert sum(int("check_own(" in c.source) for c in code_cells(notebook)) == (1 if path.name.startswith("01") else 0)


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_learner_code_has_no_conditional_expressions(path: Path) -> None:
    """No ``x if cond else y`` in a cell: a learner reads each line as one plain step."""
    for c in code_cells(nbformat.read(path, as_version=4)):
        source = "\n".join(ln for ln in c.source.splitlines() if not ln.startswith("%"))
        assert not [n for n in ast.walk(ast.parse(source)) if isinstance(n, ast.IfExp)], c.source[:80]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_an_unanswered_exercise_shows_its_question(path: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    notebook = executed(path.name, tmp_path_factory)
    for c in exercise_cells(notebook):
        (out,) = c.outputs
        shown = out.data["text/markdown"]
        match = re.search(r'check\("(\d\d\.\d)", answer(, hint=True)?\)', c.source)
        if match is None:  # the learner's own expression
            assert shown.startswith("**Your own expression: type your answer.**")
            continue
        assert shown == check(match.group(1), None, hint=bool(match.group(2))).markdown()
        assert shown.startswith("**Exercise ") and "Replace `None`" in shown


def test_a_long_derivation_is_displayed_in_blocks_mathjax_accepts() -> None:
    loss = reference.build("001").loss()
    long = explain(loss, "w1_11", form="delta")
    assert len(long.latex()) > 5000  # over MathJax 2's limit as one formula
    shown = long._repr_latex_()
    blocks = re.findall(r"\$\$\n(.*?)\n\$\$", shown, flags=re.S)
    assert len(blocks) >= 2 and all(len(b) <= DISPLAY_BLOCK_LIMIT + 40 for b in blocks)
    assert all(b.startswith("\\begin{aligned}") and b.endswith("\\end{aligned}") for b in blocks)
    # The rows are all there, in order: joining the blocks gives the derivation back.
    rows = [r for b in blocks for r in b[len("\\begin{aligned}\n"):-len("\n\\end{aligned}")].split(" \\\\\n")]
    assert "\\begin{aligned}\n" + " \\\\\n".join(rows) + "\n\\end{aligned}" == long.latex()
    short = explain(loss, "w3_11")
    assert short._repr_latex_() == f"$$\n{short.latex()}\n$$"


# --- 01: a Value and the chain rule ----------------------------------------------------------------

def test_value_notebook_shows_the_gradients_backward_computes(tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = executed("01_value_and_the_chain_rule.ipynb", tmp_path_factory)
    x = Value(3.0, name="x")
    y = x * x * x
    y.backward()
    assert float(result(nb, "cube-grad")["text/plain"]) == x.grad == 27.0
    assert float(result(nb, "cube-twice")["text/plain"]) == 2 * x.grad  # a second pass adds up
    assert float(result(nb, "cube-zeroed")["text/plain"]) == x.grad
    assert float(result(nb, "forward")["text/plain"]) == -8.0
    assert float(result(nb, "chain-step")["text/plain"]) == 6.0  # f·1·b, worked by hand

    L = micrograd_lecture()
    L.backward()
    a, b, c, d, e, f = (next(n for n in topological_order(L) if n.name == name) for name in "abcdef")
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

    # The sigmoid neuron of the exercises, as the package defines it, and the notebook's numbers.
    L = sigmoid_neuron()
    L.backward()
    nodes = {n.name: n for n in explain_nodes(L)}
    a = nodes["a"]
    shown_grads = ast.literal_eval(result(nb, "sigmoid-grads")["text/plain"])
    assert shown_grads == {"∂a/∂z": a.data * (1 - a.data), "∂L/∂w1": nodes["w1"].grad, "∂L/∂b": nodes["b"].grad}
    assert ast.literal_eval(result(nb, "sigmoid-neuron")["text/plain"]) == \
        {"z": nodes["z"].data, "a": a.data, "L": L.data}


def explain_nodes(root: Value) -> list[Value]:
    from autodiff import topological_order
    return [n for n in topological_order(root) if n.name]


# --- 03-07: the five reference documents ---------------------------------------------------------------

@pytest.mark.parametrize("seed", SEEDS)
def test_document_notebook(seed: str, tmp_path_factory: pytest.TempPathFactory) -> None:
    nb = executed(f"{3 + int(seed):02d}_document_{seed}.ipynb", tmp_path_factory)
    case = reference.build(seed)
    loss = case.loss()
    loss.backward()
    grads = {name: p.grad for name, p in case.model.named_parameters()}

    # Before backward(): the network, and every named node's forward value.
    assert "No backward pass yet" in result(nb, "network")["text/markdown"]
    from autodiff import topological_order
    values = ast.literal_eval(result(nb, "values")["text/plain"])
    assert values == {n.name: n.data for n in topological_order(case.loss()) if n.name}

    # The case: its summary and a table with every parameter's gradient from backward().
    summary = result(nb, "case")["text/markdown"]
    assert case.title.split(":")[0] in summary and f"{len(grads)} parameters" in summary
    rows = {r[0]: r for r in markdown_rows(summary)}
    assert set(rows) == set(grads)
    for name, grad in grads.items():
        assert_close(float(rows[name][1]), grad)
        assert rows[name][3] == "✓"

    # One derivation, as math, ending in the gradient from backward().
    latex = result(nb, "explanation")["text/latex"]
    target = {"000": "b_1", "001": "w1_11", "002": "w2_11", "003": "w2_11", "004": "w11"}[seed]
    form = "delta" if seed == "001" else "paths"  # 001's six paths read better factored
    expected = explain(loss, target, form=form)
    assert expected.value == grads[target]
    assert latex == expected._repr_latex_()
    assert latex.startswith("$$") and "\\partial" in latex
    assert "SEEDS" not in "".join(c.source for c in nb.cells) + printed(nb, "checks")

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
    # One step by hand lands where the exercises' graph after one step is.
    stepped = {n.name: n.data for n in explain_nodes(after_one_step()) if n.name in ("w", "b")}
    assert ast.literal_eval(result(nb, "one-step")["text/plain"]) == (stepped["w"], stepped["b"])
    first, last, (w, b) = ast.literal_eval(result(nb, "loop")["text/plain"])
    assert last < 1e-3 * first and abs(w - 2) < 0.05 and abs(b + 1) < 0.05  # toward t = 2x − 1
    xor, moons = fit("xor", quiet=True), fit("moons", quiet=True)
    assert ast.literal_eval(result(nb, "accuracy")["text/plain"]) == {"xor": xor.accuracy, "moons": moons.accuracy}
    assert ast.literal_eval(result(nb, "final-losses")["text/plain"]) == (xor.losses[-1], moons.losses[-1])
    for tag in ("loss-plot", "boundary-plot"):
        png = result(nb, tag)["image/png"]
        assert isinstance(png, str) and len(png) > 10_000  # base64 of a real picture
