"""The lab's page in a real headless Chromium, on a real lab server started by the test.

Graphs are small (documents 000 and 004, the classic examples) and steps few, so this stays fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from autodiff import Value, topological_order
from autodiff.lab.graphs import lab_graph
from autodiff.lab.server import LabServer
from autodiff.render import format_number, node_ids
from nn import reference

from .browser import CHROMIUM_ARGS, chromium_path, grad_texts, node_of, open_lab, wait_derivation

pytestmark = pytest.mark.browser

FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"
AXE = Path(__file__).resolve().parents[2] / ".venv" / "axe" / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser: Browser, server: LabServer) -> Iterator[Page]:
    pg = open_lab(browser, server.url + "&case=000")
    yield pg
    errors = [e for e in pg.errors if "the server responded with a status of 4" not in e]  # type: ignore[attr-defined]
    assert errors == []  # no script error, no CSP refusal (a 4xx answer is logged by the browser: not an error here)
    origin = f"http://127.0.0.1:{server.port}/"
    assert all(u.startswith(origin) or u.startswith("data:") or u.startswith("blob:")
               for u in pg.requests), pg.requests  # type: ignore[attr-defined]  # nothing from elsewhere
    pg.context.close()


@pytest.fixture
def neuron(browser: Browser, server: LabServer) -> Iterator[Page]:
    """A page on micrograd's neuron (a small graph), checked for script errors as ``page`` is."""
    pg = open_lab(browser, server.url + "&case=neuron")
    yield pg
    assert [e for e in pg.errors if "status of 4" not in e] == []  # type: ignore[attr-defined]
    pg.context.close()


def axe_violations(pg: Page) -> dict[str, Any]:
    """Run axe-core in the page; assert that it checked and found no serious or critical violation."""
    pg.add_script_tag(path=str(AXE))
    result: dict[str, Any] = pg.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    bad = [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]
           if v["impact"] in ("serious", "critical")]
    assert bad == []
    assert result["testEngine"]["name"] == "axe-core" and len(result["passes"]) > 10  # it really checked
    return result


def classes(page: Page, element_id: str) -> list[str]:
    return page.evaluate("(id) => Array.from(document.getElementById(id).classList)", element_id)


def test_click_b_1_and_see_three_paths(page: Page) -> None:
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    assert page.get_attribute("#derivation", "data-paths") == "3"
    assert page.locator("#path-list > li").count() == 3
    text = page.text_content("#derivation")
    assert "−0.0906497888906187" in text and "3 paths from Loss to b_1" in text
    assert page.locator("#derivation math").count() >= 4  # rendered as MathML
    h = [node_of(page, f"net h{k}") for k in (1, 2, 3)]
    for vid in h:
        assert "path-on" in classes(page, f"n-{vid}")  # the paths it sums are lit
    assert "selected" in classes(page, f"n-{b1}")
    page.hover("#path-list > li:nth-child(2)")  # one term lights one path
    assert "path-hover" in classes(page, f"n-{h[1]}")
    assert "path-hover" not in classes(page, f"n-{h[0]}") and "path-hover" not in classes(page, f"n-{h[2]}")
    page.check("#form-delta")
    wait_derivation(page, b1, "delta")
    assert "δ(net o1)" in page.text_content("#derivation") and "−0.0906497888906187" in page.text_content("#derivation")


def test_formula_4_follows_one_of_three_paths(page: Page) -> None:
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    page.click("#formula")
    page.keyboard.type(FORMULA_4, delay=5)  # checked as it is typed, debounced
    page.wait_for_selector(f"#verdict[data-formula='{FORMULA_4}']", timeout=20000)
    assert page.get_attribute("#verdict", "data-ok") == "false"
    assert page.get_attribute("#verdict", "data-accounted") == "1"
    assert page.get_attribute("#verdict", "data-missed") == "2,3"
    verdict = page.text_content("#verdict")
    assert "1 of 3" in verdict and "missed: 2, 3" in verdict and "net h1·σ(net h1)" in verdict
    h = [node_of(page, f"net h{k}") for k in (1, 2, 3)]
    assert "path-on" in classes(page, f"n-{h[0]}") and "path-missed" not in classes(page, f"n-{h[0]}")
    for vid in h[1:]:
        assert "path-missed" in classes(page, f"n-{vid}")  # the two missed paths, highlighted
    # told apart by line style and by labels, not only by colour
    styles = page.evaluate("""() => {
        const dash = sel => Array.from(document.querySelectorAll(sel)).map(e => getComputedStyle(e).strokeDasharray);
        return {missed: dash('#graph g.edge.path-missed path'), on: dash('#graph g.edge.path-on:not(.factor-off) path'),
                off: dash('#graph g.edge.factor-off path'),
                tags: Array.from(document.querySelectorAll('#graph text.tag')).map(t => t.textContent)};
    }""")
    assert styles["missed"] and all(d not in ("none", "") for d in styles["missed"])
    assert styles["on"] and all(d in ("none", "") for d in styles["on"])
    # formula ④ has net h1·σ(net h1) where path 1 has ∂Out h1/∂net h1: that edge is marked, path 1 is not "✓"
    assert styles["off"] and all(d not in ("none", "") and d != styles["missed"][0] for d in styles["off"])
    assert sorted(styles["tags"]) == ["✗ path 1: a factor is off", "✗ path 2 missed", "✗ path 3 missed",
                                      "✗ wrong factor ∂Out h1/∂net h1"]
    assert page.get_attribute("#verdict", "data-off") == "1"
    # a formula that cannot be read: the error and its position, and the page keeps working
    page.fill("#formula", "(y-t)*(W_20")
    page.wait_for_selector("#verdict[data-position='11']", timeout=20000)
    assert "at position 12" in page.text_content("#verdict")  # the text counts from 1, data-position from 0
    page.fill("#formula", "(y-t)*(W_20*Out h1*(1-Out h1) + W_21*Out h2*(1-Out h2) + W_22*Out h3*(1-Out h3))")
    page.wait_for_selector("#verdict[data-ok=true]", timeout=20000)
    assert page.get_attribute("#verdict", "data-missed") == ""


def test_step_to_the_end_of_the_backward_pass(page: Page) -> None:
    root = reference.build("000").loss()
    root.backward()
    ids = node_ids(root)
    b1 = next(n for n in topological_order(root) if n.name == "b_1")
    boxes = "() => Object.fromEntries(Array.from(document.querySelectorAll('#graph g.node')).map(g => [g.id, " \
            "(b => [b.x, b.y, b.width, b.height])(g.getBBox())]))"
    before = page.evaluate(boxes)
    page.focus("#step-next")
    page.keyboard.press("Enter")
    page.wait_for_selector("#graph[data-step='1']")
    assert page.text_content("#step-counter") == "Step 1 / 40"
    assert grad_texts(page)[ids[b1]] == "grad ?"
    page.focus("#step-next")  # on the stepper, ← → step; on the graph they move between nodes
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_selector("#graph[data-step='3']")
    page.keyboard.press("End")
    page.wait_for_selector("#graph[data-step='40']")
    assert page.text_content("#step-counter") == "Step 40 / 40"
    texts = grad_texts(page)
    assert texts[ids[b1]] == f"grad {format_number(b1.grad)}" == "grad -0.09065"
    for node in topological_order(root):
        assert texts[ids[node]] == f"grad {format_number(node.grad)}"
    assert page.evaluate(boxes) == before  # the same layout: nothing moved
    page.keyboard.press("Home")
    page.wait_for_selector("#graph[data-step='1']")
    page.click("#step-done")
    assert grad_texts(page)[ids[b1]] == "grad -0.09065"


def test_change_w_1_and_every_gradient_follows(page: Page) -> None:
    page.select_option("#node-select", label="W_1")
    w1 = node_of(page, "W_1")
    wait_derivation(page, w1)
    page.fill("#leaf-value", "0.7")
    page.press("#leaf-value", "Enter")
    page.wait_for_function("() => document.getElementById('status').textContent.startsWith('Re-evaluated')", timeout=20000)
    case = reference.build("000")
    dict(case.model.named_parameters())["W_1"].data = 0.7
    root = case.loss()
    root.backward()
    texts = grad_texts(page)
    ids = node_ids(root)
    for node in topological_order(root):
        assert texts[ids[node]] == f"grad {format_number(node.grad)}", node
    shown = page.evaluate("() => Array.from(document.querySelectorAll('#graph g.node')).map(g => g.textContent).join(' ')")
    assert "data 0.7" in shown
    w1_node = next(n for n in topological_order(root) if n.name == "W_1")
    page.wait_for_function("(g) => Math.abs(Number(document.getElementById('derivation').dataset.value) - g) < 1e-12",
                           arg=w1_node.grad, timeout=20000)  # the derivation follows the new values


def test_three_descent_steps_lower_the_loss(page: Page) -> None:
    page.fill("#lr", "0.5")
    for k in range(1, 4):
        page.focus("#descend")
        page.keyboard.press("Enter")
        page.wait_for_function(f"() => JSON.parse(document.getElementById('loss-text').dataset.losses).length === {k + 1}",
                               timeout=20000)
    losses = page.evaluate("JSON.parse(document.getElementById('loss-text').dataset.losses)")
    assert len(losses) == 4 and losses[0] > losses[1] > losses[2] > losses[3]
    assert page.locator("#loss-plot circle").count() == 4
    page.fill("#lr", "fast")
    page.click("#descend")
    assert "learning rate must be a number" in page.text_content("#lr-error")  # next to its field
    assert page.get_attribute("#lr", "aria-invalid") == "true"


def test_a_malformed_network_or_formula_keeps_the_page_usable(page: Page) -> None:
    page.click("#net-box > summary")
    page.fill("#net-sizes", "2, 1")
    page.fill("#net-inputs", "0.5, oops")
    page.click("#net-load")
    assert '"oops" is not a number' in page.text_content("#net-inputs-error")  # next to its field
    page.fill("#net-inputs", "0.5, 1")
    page.fill("#net-acts", "sigmoid, tanh")
    page.click("#net-load")
    page.wait_for_function("() => document.getElementById('graph-title').textContent.startsWith('Network 2 → 2 → 1')",
                           timeout=20000)
    assert page.text_content("#net-inputs-error") == ""
    loss = node_of(page, "Loss")
    page.select_option("#node-select", label="L1.N1.w1")
    wait_derivation(page, node_of(page, "L1.N1.w1"))
    assert loss


def test_every_control_works_from_the_keyboard(page: Page) -> None:
    seen: list[str] = []
    for _ in range(80):
        page.keyboard.press("Tab")
        seen.append(page.evaluate("() => { const a = document.activeElement; return a.id || (a.closest('g.node') ? "
                                  "'node:' + a.closest('g.node').id : a.tagName); }"))
    controls = ["case-select", "case-load", "zoom", "export-svg", "step-prev", "step-play", "step-next", "step-done",
                "node-select", "form-paths", "copy-latex", "copy-md", "formula", "lr", "descend"]
    for c in controls:
        assert c in seen, (c, seen)
    assert any(s.startswith("n-v") for s in seen)  # the graph's nodes are in the tab order
    # choose a node with the keyboard alone: focus its box, press Enter
    b1 = node_of(page, "b_1")
    page.focus(f"#n-{b1}")
    page.keyboard.press("Enter")
    wait_derivation(page, b1)
    page.focus("#path-list > li:nth-child(3)")  # a term lights its path on focus too
    assert "path-hover" in classes(page, f"n-{node_of(page, 'net h3')}")
    page.focus("#form-paths")
    page.keyboard.press("ArrowDown")  # radio group: the delta form
    wait_derivation(page, b1, "delta")
    page.focus("#copy-latex")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('copied').textContent === 'LaTeX copied.'")
    assert page.get_attribute("#copied", "data-text").startswith("\\begin{aligned}")
    page.focus("#copy-md")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('copied').textContent === 'Markdown copied.'")
    with page.expect_download() as download:
        page.focus("#export-svg")
        page.keyboard.press("Enter")
    assert download.value.suggested_filename == "graph.svg"
    svg = Path(download.value.path()).read_text(encoding="utf-8")
    assert svg.startswith("<svg") and f'id="n-{b1}"' in svg
    page.focus("#zoom")
    page.keyboard.press("Enter")
    assert page.get_attribute("#zoom", "aria-pressed") == "true"
    page.focus("#step-play")
    page.keyboard.press("Enter")
    page.wait_for_selector("#graph[data-step='2']", timeout=10000)
    page.keyboard.press("Enter")  # pause
    assert page.get_attribute("#step-play", "aria-pressed") == "false"
    page.focus("#case-select")
    page.select_option("#case-select", "twice")
    page.focus("#case-load")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.getElementById('graph-title').textContent.includes('b = a + a')", timeout=20000)
    page.select_option("#node-select", label="a")
    wait_derivation(page, node_of(page, "a"), "delta")  # the form chosen stays
    assert page.get_attribute("#derivation", "data-value") == "2"  # a + a: both edges count


def test_no_serious_accessibility_violation(browser: Browser, server: LabServer) -> None:
    assert AXE.exists(), "axe-core is installed by `.ci/setup --tests` (npm) into .venv/axe"
    pg = open_lab(browser, server.url + "&case=000", bypass_csp=True)  # the test injects axe-core's script
    try:
        b1 = node_of(pg, "b_1")
        pg.click(f"#n-{b1}")
        wait_derivation(pg, b1)
        pg.fill("#formula", FORMULA_4)
        pg.wait_for_selector("#verdict[data-missed]", timeout=20000)
        pg.click("#expr-box > summary")
        pg.click("#net-box > summary")
        result = axe_violations(pg)
        print("axe-core, minor or moderate:", [(v["id"], v["impact"]) for v in result["violations"]])
    finally:
        pg.context.close()


def test_a_name_with_markup_shows_as_text(browser: Browser, server: LabServer) -> None:
    evil = '<img src=x onerror="document.title=1">'
    a = Value(2.0, name=evil)
    y = a * a
    y.name = "<b>y</b>"
    graph = server.store.add(lab_graph(y, "<i>title</i>"))
    pg = open_lab(browser, server.url + f"&graph={graph.gid}")
    try:
        dialogs: list[str] = []
        pg.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        assert pg.text_content("#graph-title") == "<i>title</i>"
        assert pg.locator("#graph img").count() == 0 and pg.locator("main img, main b, main i").count() == 0
        vid = node_of(pg, evil)
        pg.click(f"#n-{vid}")
        wait_derivation(pg, vid)
        assert evil in pg.text_content("#derivation")
        assert pg.locator("#derivation img").count() == 0
        assert pg.title() != "1" and dialogs == []
    finally:
        pg.context.close()


def test_a_malformed_expression_shows_where_and_the_page_keeps_working(page: Page) -> None:
    page.click("#expr-box > summary")
    page.fill("#expr", "tanh(x1*w1 + )")
    page.fill("#expr-values", "x1=2, w1=-3")
    page.click("#expr-load")
    page.wait_for_selector("#expr-error[data-position='13']", timeout=20000)
    error = page.text_content("#expr-error")
    assert "')'" in error and "^ position 14" in error
    assert page.get_attribute("#expr", "aria-invalid") == "true"
    assert page.evaluate("() => document.activeElement.id") == "expr"  # the cursor is put at the error
    assert page.evaluate("() => document.getElementById('expr').selectionStart") == 13
    assert page.text_content("#graph-title").startswith("000")  # the graph shown is still there, and works
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    page.fill("#expr", "tanh(x1*w1 + x2*w2 + b)")
    page.fill("#expr-values", "x1=2, w1=-3, x2=0, w2=1, b=6.8813735870195432")
    page.press("#expr-values", "Enter")
    page.wait_for_function("() => document.getElementById('graph-title').textContent.startsWith('Your expression')",
                           timeout=20000)
    assert page.text_content("#expr-error") == "" and page.get_attribute("#expr", "aria-invalid") is None
    w1 = node_of(page, "w1")
    page.click(f"#n-{w1}")
    wait_derivation(page, w1)
    assert float(page.get_attribute("#derivation", "data-value")) == pytest.approx(1.0, abs=1e-12)


def test_space_on_the_stepper_plays_and_pauses_as_on_the_animation_page(page: Page) -> None:
    # The lab and the animation page share one player (autodiff/animation/static/player.js).
    page.focus("#step-next")
    page.keyboard.press("Space")
    page.wait_for_selector("#step-play[aria-pressed='true']")
    page.wait_for_selector("#graph[data-step='2']")  # playing moves on by itself
    page.keyboard.press("Space")
    page.wait_for_selector("#step-play[aria-pressed='false']")
    assert page.text_content("#step-play") == "▶ Play"
    shown = page.get_attribute("#graph", "data-step")
    page.wait_for_timeout(2000)  # paused: no step is added (the player's interval is 1.5 s)
    assert page.get_attribute("#graph", "data-step") == shown
