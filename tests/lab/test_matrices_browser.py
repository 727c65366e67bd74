"""The lab's Matrices tab in a real headless Chromium: document 002 and a typed 2-3-1 network.

The numbers on the page are checked against ``backward()`` on a graph built apart from the page,
an entry's click against the graph's selection and derivation, typed formulas against their
verdicts, and the tab from the keyboard, in Korean and under axe-core.
"""

from __future__ import annotations

from typing import Any, Iterator

import pytest
from playwright.sync_api import Browser, Page

from autodiff.lab.server import LabServer
from nn import reference

from .browser import node_of, open_lab
from .test_lab_browser import axe_violations, browser  # noqa: F401  (the fixture: one Chromium)

pytestmark = pytest.mark.browser


def close(a: float, b: float) -> bool:
    return abs(a - b) <= 1e-12 * abs(b) + 1e-15


def active(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def checked(pg: Page) -> Page:
    assert [e for e in pg.errors if "status of 4" not in e] == []  # type: ignore[attr-defined]
    return pg


@pytest.fixture
def doc002(browser: Browser, server: LabServer) -> Iterator[Page]:
    pg = open_lab(browser, server.url + "&case=002")
    yield pg
    checked(pg).context.close()


def open_matrices_by_keyboard(page: Page) -> None:
    page.focus("#tab-derivation")
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # Derivation → Practice → Matrices, the tabs' own keys
    assert active(page) == "tab-matrices"
    assert page.get_attribute("#tab-matrices", "aria-selected") == "true"
    assert page.is_hidden("#derivation-panel") and page.is_hidden("#practice-panel")
    page.wait_for_selector("#matrices-panel[data-ready=true][data-network=true]", timeout=20000)


def page_entries(page: Page) -> list[dict[str, Any]]:
    return page.evaluate("""() => Array.from(document.querySelectorAll('#matrices-body button.entry')).map(b => ({
        param: b.dataset.param, node: b.dataset.node, entry: b.dataset.entry, value: Number(b.dataset.value),
        text: b.textContent, label: b.getAttribute('aria-label')}))""")


def typed(page: Page, formula: str) -> None:
    page.fill("#matrix-formula", formula)  # an input event, as a key press makes: judged without Enter
    page.wait_for_function("(f) => document.getElementById('matrix-verdict').dataset.formula === f", arg=formula,
                           timeout=20000)


def test_the_numbers_are_backwards_gradients_and_a_click_selects_the_weight(doc002: Page) -> None:
    page = doc002
    open_matrices_by_keyboard(page)
    case = reference.build("002")
    loss = case.loss()
    loss.backward()
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    shown = page_entries(page)
    assert sorted(e["param"] for e in shown) == sorted(grads)  # one entry per weight and bias
    for e in shown:
        assert close(e["value"], grads[e["param"]]), e
    captions = page.eval_on_selector_all("#matrices-body table caption .symbol", "cs => cs.map(c => c.textContent)")
    assert captions[:4] == ["A1 (here X)", "W2 (here W1)", "Z1", "A2 (here A1)"]  # the document's names first
    assert page.locator("#matrices-body table th[scope=col]").count() > 0
    assert page.locator("#matrices-body table th[scope=row]").count() > 0
    # w3_21 (to unit 2 from unit 1, stored at [0][1] as the document does): the graph selects w3_21 and its derivation and scalar paths come with it
    (w3_21,) = [e for e in shown if e["param"] == "w3_21"]
    assert w3_21["entry"] == "dW3[0][1]" and w3_21["label"].startswith("dW3[0][1] = ∂L/∂w3_21 = ")
    page.click("#matrices-body button.entry[data-param='w3_21']")
    page.wait_for_selector("#matrix-entry[data-ready=true][data-entry='dW3[0][1]']", timeout=20000)
    node = node_of(page, "w3_21")
    assert w3_21["node"] == node
    assert "selected" in page.evaluate(f"() => Array.from(document.getElementById('n-{node}').classList)")
    assert page.input_value("#node-select") == node
    assert close(float(page.get_attribute("#matrix-entry", "data-scalar") or "nan"), grads["w3_21"])
    text = page.text_content("#matrix-entry") or ""
    assert "dW3[0][1] = loss_3[0][1] · A2[0][0]" in text and "1 path from E to w3_21" in text
    assert page.locator("#matrix-entry .entry-paths li").count() == 1
    assert page.locator(f"#n-{node}.path-on").count() == 1 and page.locator("#graph .edge.path-on").count() >= 3
    other = node_of(page, "w3_22")  # the other way: a weight clicked on the graph shows its entry in the tab
    page.click(f"#n-{other}")
    page.wait_for_selector("#matrix-entry[data-ready=true][data-entry='dW3[1][1]']", timeout=20000)
    assert page.get_attribute("#matrices-body button.entry.chosen", "data-param") == "w3_22"
    page.click("#matrix-to-derivation")  # the same derivation in its own tab
    assert page.get_attribute("#tab-derivation", "aria-selected") == "true"
    assert page.get_attribute("#derivation", "data-node") == other


def test_a_right_and_a_wrong_formula_get_their_verdicts_as_typed(doc002: Page) -> None:
    page = doc002
    page.click("#tab-matrices")
    page.wait_for_selector("#matrices-panel[data-ready=true]", timeout=20000)
    assert page.input_value("#matrix-target") == "dW3"  # the output layer's weights, first
    for formula in ("A2.T @ loss_3", "A2ᵀ · loss_3"):
        typed(page, formula)
        assert page.get_attribute("#matrix-verdict", "data-ok") == "true"
        assert page.text_content("#matrix-verdict .ok") == f"✓ Right: {formula} is dW3."
        assert page.get_attribute("#matrix-formula", "aria-invalid") == "false"
    typed(page, "A2 @ loss_3")
    assert page.get_attribute("#matrix-verdict", "data-ok") == "false"
    assert page.get_attribute("#matrix-formula", "aria-invalid") == "true"
    items = page.eval_on_selector_all("#matrix-verdict li", "ls => ls.map(l => l.textContent)")
    assert "A2 needs a transpose: A2ᵀ" in items
    typed(page, "A2ᵀ · (")
    assert page.get_attribute("#matrix-verdict", "data-ok") == "error"
    assert "^ position 8" in (page.text_content("#matrix-verdict .caret") or "")  # the page counts from 1
    page.select_option("#matrix-target", "loss_3")  # another target: the formula judged again
    typed(page, "(A3 − T) * A3 * (1 − A3)")
    assert page.get_attribute("#matrix-verdict", "data-ok") == "true"
    typed(page, "<img src=x onerror=alert(1)>")  # markup is text
    assert page.locator("#matrices-panel img").count() == 0


def test_the_tab_from_the_keyboard_alone(doc002: Page) -> None:
    page = doc002
    open_matrices_by_keyboard(page)
    page.keyboard.press("Tab")  # from the tab into its panel: the formula box, then the entries, in order
    for _ in range(6):
        if active(page) == "matrix-formula":
            break
        page.keyboard.press("Tab")
    assert active(page) == "matrix-formula"
    page.keyboard.type("A2.T @ loss_3")
    page.wait_for_selector("#matrix-verdict[data-ok=true]", timeout=20000)
    for _ in range(12):  # on to the first gradient entry (dW2[0][0], w2_11) and pick it with Enter
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('entry')"):
            break
    param = page.evaluate("() => document.activeElement.dataset.param")
    assert param == "w2_11"
    page.keyboard.press("Enter")
    page.wait_for_selector("#matrix-entry[data-ready=true][data-entry='dW2[0][0]']", timeout=20000)
    assert page.input_value("#node-select") == node_of(page, "w2_11")
    assert page.get_attribute("#matrix-entry", "aria-live") == "polite"  # the entry's sum is announced
    page.focus(f"#n-{node_of(page, 'w3_11')}")  # a node picked with Enter on the graph: its entry in the tab
    page.keyboard.press("Enter")
    page.wait_for_selector("#matrix-entry[data-ready=true][data-entry='dW3[0][0]']", timeout=20000)
    page.reload()  # the tab chosen is kept with the page's state
    page.wait_for_selector("#matrices-panel[data-ready=true]", timeout=20000)
    assert page.get_attribute("#tab-matrices", "aria-selected") == "true"


def test_a_typed_2_3_1_network_and_a_graph_without_one(browser: Browser, server: LabServer) -> None:
    page = open_lab(browser, server.url + "&case=neuron")
    try:
        page.click("#tab-matrices")
        page.wait_for_selector("#matrices-panel[data-ready=true][data-network=false]", timeout=20000)
        assert "needs a network" in (page.text_content("#matrices-status") or "")
        assert page.is_hidden("#matrix-check-box")
        page.click("#net-box > summary")
        page.fill("#net-sizes", "3, 1")
        page.fill("#net-inputs", "0.5, 1")
        page.fill("#net-targets", "1")
        page.click("#net-load")
        page.wait_for_selector("#matrices-panel[data-network=true][data-ready=true]", timeout=20000)
        assert page.is_visible("#matrix-check-box")
        graph = page.evaluate("() => window.autodiffLab.state.graph")
        grads = {n["id"]: n["grad"] for n in graph["nodes"]}
        shown = page_entries(page)
        assert len(shown) == 2 * 3 + 3 + 3 * 1 + 1  # dW1, db1, dW2, db2
        assert all(close(e["value"], grads[e["node"]]) for e in shown)
        shapes = page.eval_on_selector_all("#matrices-body table", "ts => ts.map(t => t.dataset.key + ':' + "
                                           "t.tBodies[0].rows.length + 'x' + (t.tBodies[0].rows[0].cells.length - 1))")
        assert shapes == ["X:1x2", "W1:2x3", "Z1:1x3", "A1:1x3", "δ1:1x3", "dW1:2x3", "db1:1x3",
                          "W2:3x1", "Z2:1x1", "A2:1x1", "δ2:1x1", "dW2:3x1", "db2:1x1"]
        typed(page, "A1.T @ δ2")
        assert page.get_attribute("#matrix-verdict", "data-ok") == "true"
        page.click("#tab-derivation")
        page.fill("#lr", "0.5")
        page.click("#descend")  # new values while the tab is hidden: its numbers follow when it opens again
        page.wait_for_function("() => window.autodiffLab.state.graph.losses.length === 2", timeout=20000)
        page.click("#tab-matrices")
        page.wait_for_function("(v) => Number(document.querySelector(\"button.entry[data-entry='dW2[0][0]']\")"
                               ".dataset.value) !== v", arg=shown[9]["value"], timeout=20000)
        graph = page.evaluate("() => window.autodiffLab.state.graph")
        grads = {n["id"]: n["grad"] for n in graph["nodes"]}
        assert all(close(e["value"], grads[e["node"]]) for e in page_entries(page))
        # an entry open while the values change (Undo, on the top bar): the entry follows, with the old numbers
        page.click("#matrices-body button.entry[data-entry='dW2[0][0]']")
        page.wait_for_selector("#matrix-entry[data-ready=true][data-entry='dW2[0][0]']", timeout=20000)
        assert not close(float(page.get_attribute("#matrix-entry", "data-scalar") or "nan"), shown[9]["value"])
        page.click("#undo")
        page.wait_for_function("(v) => document.getElementById('matrix-entry').dataset.ready === 'true' && "
                               "Math.abs(Number(document.getElementById('matrix-entry').dataset.scalar) - v) <= 1e-12 * Math.abs(v)",
                               arg=shown[9]["value"], timeout=20000)
        assert shown[9]["entry"] == "dW2[0][0]"
    finally:
        checked(page).context.close()


def test_korean(browser: Browser, server: LabServer) -> None:
    page = open_lab(browser, server.url + "&case=002&lang=ko")
    try:
        assert page.text_content("#tab-matrices") == "행렬"
        page.click("#tab-matrices")
        page.wait_for_selector("#matrices-panel[data-ready=true][data-network=true]", timeout=20000)
        assert page.text_content("#matrices-heading") == "층(행렬) 형식"
        assert page.text_content("#matrix-layer-1") == "1층 (sigmoid)"
        assert "손실 half_sse" in (page.text_content("#matrices-loss") or "")
        typed(page, "A2 @ loss_3")
        items = page.eval_on_selector_all("#matrix-verdict li", "ls => ls.map(l => l.textContent)")
        assert "A2에 전치가 빠졌다: A2ᵀ" in items
        assert page.text_content("#matrix-verdict .wrong") == "✗ 틀렸다: dW3의 값과 다르다."
        page.click("#matrices-body button.entry[data-param='b3_1']")
        page.wait_for_selector("#matrix-entry[data-ready=true]", timeout=20000)
        assert "db3[0]: b3_1의 기울기" in (page.text_content("#matrix-entry h3") or "")
        page.select_option("#lang", "en")  # the switch: the tab again, in English
        page.wait_for_function("() => document.getElementById('matrix-layer-1') && "
                               "document.getElementById('matrix-layer-1').textContent === 'Layer 1 (sigmoid)'",
                               timeout=20000)
    finally:
        checked(page).context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_no_serious_accessibility_violation(browser: Browser, server: LabServer, width: int) -> None:
    page = open_lab(browser, server.url + "&case=002", bypass_csp=True, viewport={"width": width, "height": 720})
    try:
        page.click("#tab-matrices")
        page.wait_for_selector("#matrices-panel[data-ready=true]", timeout=20000)
        page.click("#matrices-body button.entry[data-param='w3_11']")
        page.wait_for_selector("#matrix-entry[data-ready=true]", timeout=20000)
        typed(page, "A2 @ loss_3")
        # the graph fitted to its box first: a node cut by the box's edge (the box scrolled sideways to the
        # selected node) is flagged label-content-name-mismatch on any tab of the lab, this one or not
        page.click("#zoom")
        result = axe_violations(page)
        print("axe-core, minor or moderate:", [(v["id"], v["impact"]) for v in result["violations"]])
        if width == 390:  # nothing wider than the screen: wide tables scroll in their own box
            assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    finally:
        checked(page).context.close()
