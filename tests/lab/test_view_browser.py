"""How the lab's page is looked at and worked from, in a real headless Chromium: scrolling to the
node or edge in focus, zoom, presentation mode, the formula box and its folding, the keyboard on the
graph, Practice's hidden edge labels and end-of-set summary, a 390 px screen, axe-core."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Browser, Page

from autodiff.lab.server import LabServer

from .browser import node_of, open_lab, wait_derivation
from .test_lab_browser import axe_violations, browser, neuron, page  # noqa: F401  (the fixtures: one Chromium, a page on 000 or on the neuron)

pytestmark = pytest.mark.browser

FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"


def in_stage(page: Page, selector: str) -> bool:
    return bool(page.evaluate("""(sel) => { const e = document.querySelector(sel), s = document.getElementById('stage');
        const r = e.getBoundingClientRect(), b = s.getBoundingClientRect();
        return r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }""",
                              selector))


# --- the page follows the learner's attention -------------------------------------------------------------

def test_selecting_stepping_and_checking_scroll_the_focus_into_view(browser: Browser, server: LabServer) -> None:  # noqa: F811
    pg = open_lab(browser, server.url + "&case=000", viewport={"width": 1280, "height": 720})
    try:
        root = pg.evaluate("() => window.autodiffLab.state.graph.root")
        assert in_stage(pg, f"#n-{root}")  # the first view shows the graph's output, not a blank corner
        b1 = node_of(pg, "b_1")
        pg.select_option("#node-select", b1)
        wait_derivation(pg, b1)
        assert in_stage(pg, f"#n-{b1}")
        pg.click("#step-next")
        for k in range(2, 30):
            pg.click("#step-next")
            pg.wait_for_selector(f"#graph[data-step='{k}']")
            focus = pg.evaluate(f"() => window.autodiffLab.state.steps.steps[{k - 1}].focus")
            assert in_stage(pg, f"#n-{focus}"), k
        pg.click("#step-done")
        pg.fill("#formula", FORMULA_4)
        pg.wait_for_selector("#verdict[data-off='1']", timeout=20000)
        assert in_stage(pg, "#graph .factor-off")
        box = pg.locator("#verdict").bounding_box()
        assert box is not None and box["y"] + 20 < 720  # the verdict is in view, beside the box
    finally:
        pg.context.close()


def test_zoom_from_10_to_400_percent_with_buttons_and_keys(neuron: Page) -> None:
    page = neuron
    natural = page.evaluate("() => document.querySelector('#graph svg').viewBox.baseVal.width * 4 / 3")

    def width() -> float:
        return float(page.evaluate("() => document.querySelector('#graph svg').getBoundingClientRect().width"))

    page.click("#zoom-reset")
    assert page.text_content("#zoom-level") == "100%" and width() == pytest.approx(natural, abs=1)
    while not page.is_disabled("#zoom-in"):
        page.click("#zoom-in")
    assert page.text_content("#zoom-level") == "400%" and width() == pytest.approx(4 * natural, abs=2)
    page.focus("#stage")
    for _ in range(20):
        page.keyboard.press("-")
    assert page.text_content("#zoom-level") == "10%" and page.is_disabled("#zoom-out")
    page.keyboard.press("+")
    assert page.text_content("#zoom-level") == "25%"
    page.keyboard.press("0")
    assert page.text_content("#zoom-level") == "100%"
    page.click("#zoom")
    assert page.get_attribute("#zoom", "aria-pressed") == "true"
    stage = page.evaluate("() => document.getElementById('stage').clientWidth")
    assert width() <= stage


def test_presentation_mode_fills_the_screen_and_folds_the_side_panel(browser: Browser, server: LabServer) -> None:  # noqa: F811
    pg = open_lab(browser, server.url + "&case=000", viewport={"width": 1280, "height": 720})
    try:
        pg.click("#present")
        assert pg.is_hidden("#side") and pg.is_hidden("#pick")
        stage = pg.locator("#stage").bounding_box()
        assert stage is not None and stage["width"] > 1200 and stage["height"] > 560
        fits = pg.evaluate("""() => { const s = document.getElementById('stage');
            return [s.scrollWidth <= s.clientWidth + 1, s.scrollHeight <= s.clientHeight + 1]; }""")
        assert fits == [True, True]  # the whole graph on the screen
        label = pg.evaluate("""() => Math.min(...Array.from(document.querySelectorAll('#graph g.node text'))
            .map(t => t.getBoundingClientRect().height))""")
        print("presentation, document 000 at 1280×720: smallest node label", label, "CSS px tall")
        pg.keyboard.press("Escape")
        assert pg.is_visible("#side")
    finally:
        pg.context.close()


# --- checking a formula -----------------------------------------------------------------------------------

def test_the_formula_box_is_labelled_and_folds_the_derivation_while_it_has_text(page: Page) -> None:  # noqa: F811
    assert "Pick a node" in page.text_content("#formula-lhs")
    placeholder = page.get_attribute("#formula", "placeholder")
    names = page.evaluate("() => window.autodiffLab.state.graph.nodes.map(n => n.name).filter(Boolean)")
    assert any(n in placeholder for n in names)
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    assert page.text_content("#formula-lhs") == "∂Loss/∂b_1 ="
    assert page.is_visible("#path-list")  # box empty: the derivation at once
    box = page.locator("#formula").bounding_box()
    derivation = page.locator("#derivation").bounding_box()
    assert box is not None and derivation is not None and box["y"] < derivation["y"]  # above the derivation
    page.fill("#formula", "(y-t)")
    assert page.is_hidden("#derivation-body") and page.is_visible("#show-derivation")
    page.click("#show-derivation")
    assert page.is_visible("#path-list") and page.get_attribute("#show-derivation", "aria-expanded") == "true"
    page.fill("#formula", "")
    assert page.is_visible("#path-list") and page.is_hidden("#show-derivation")


# --- details that count ---------------------------------------------------------------------------------

def test_the_graph_is_one_tab_stop_with_arrow_keys_and_a_skip_link(page: Page) -> None:  # noqa: F811
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "side-heading"
    stops = page.evaluate("""() => Array.from(document.querySelectorAll('#graph [tabindex]'))
        .filter(e => e.tabIndex >= 0).length""")
    assert stops == 1
    root = page.evaluate("() => window.autodiffLab.state.graph.root")
    page.focus(f"#n-{root}")
    page.keyboard.press("ArrowLeft")
    moved = page.evaluate("() => document.activeElement.id")
    assert moved.startswith("n-") and moved != f"n-{root}"
    assert page.evaluate("() => document.activeElement.tabIndex") == 0  # the roving stop follows
    page.keyboard.press("Enter")
    wait_derivation(page, moved[2:])
    page.keyboard.press("ArrowLeft")  # focus moves on, the selection stays
    styles = page.evaluate("""(sel) => { const st = e => getComputedStyle(e.querySelector('polygon'));
        const f = document.activeElement, s = document.querySelector(sel);
        return [st(f).strokeDasharray, st(f).stroke, st(s).strokeDasharray, st(s).stroke]; }""", f"#n-{moved[2:]}")
    assert styles[0] != styles[2] and styles[1] != styles[3]  # focus and "selected" look different
    page.focus("#copy-latex")
    page.keyboard.press("Home")  # not on the graph or the stepper: nothing happens
    page.keyboard.press("End")
    assert page.get_attribute("#graph", "data-step") is None
    page.focus(f"#n-{root}")
    page.keyboard.press("Home")
    page.wait_for_selector("#graph[data-step='1']")


def test_a_count_mismatch_in_the_network_builder_is_said_next_to_its_field(page: Page) -> None:  # noqa: F811
    page.click("#net-box > summary")
    assert "input size comes from the inputs" in page.text_content("#net-hint")
    page.fill("#net-sizes", "3, 2, 1")
    page.fill("#net-acts", "sigmoid, tanh")
    page.click("#net-load")
    page.wait_for_function("() => document.getElementById('net-acts-error').textContent !== ''")
    assert "3 layers but 2 activations" in page.text_content("#net-acts-error")
    assert page.get_attribute("#net-acts", "aria-invalid") == "true"


def test_practice_hides_the_asked_edge_labels_and_ends_with_a_summary(page: Page) -> None:  # noqa: F811
    page.click("#tab-practice")
    page.wait_for_selector("#practice-panel[data-ready=true]", timeout=20000)
    page.click("#practice-next")  # question 2: the local derivative ∂Out h1/∂net h1
    assert page.get_attribute("#practice-panel", "data-kind") == "local"
    hidden = page.evaluate("""() => Array.from(document.querySelectorAll('#graph g.edge.practice-hidden text'))
        .filter(t => getComputedStyle(t).visibility === 'hidden').map(t => t.textContent)""")
    assert any("Out h1(1 − Out h1)" in t for t in hidden), hidden
    for _ in range(9):  # 000 has 5 questions
        if page.get_attribute("#practice-panel", "data-done") == "true":
            break
        page.click("#practice-next")
    assert page.get_attribute("#practice-panel", "data-done") == "true"
    assert re.search(r"0 right out of 5 questions \(0 answered\)", page.text_content("#practice-prompt"))
    page.click("#practice-next")  # start again: question 1, not a silent wrap
    assert page.get_attribute("#practice-panel", "data-done") == "false"
    assert page.text_content("#practice-counter").startswith("Question 1 of 5")


def test_at_390_px_nothing_scrolls_sideways_and_every_control_is_reachable(browser: Browser,  # noqa: F811
                                                                            server: LabServer) -> None:
    pg = open_lab(browser, server.url + "&case=000", viewport={"width": 390, "height": 844})
    try:
        pg.click("#expr-box > summary")
        pg.click("#net-box > summary")
        assert pg.evaluate("() => document.documentElement.scrollWidth") <= 390
        outside = pg.evaluate("""() => Array.from(document.querySelectorAll('button, select, input, a'))
            .filter(e => e.offsetParent !== null && !e.closest('#graph'))
            .filter(e => { const r = e.getBoundingClientRect(); return r.left < 0 || r.right > 391; })
            .map(e => e.id || e.textContent)""")
        assert outside == []
        stage = pg.evaluate("() => { const s = document.getElementById('stage'); return s.scrollWidth > s.clientWidth; }")
        assert stage  # the graph pans inside its own box
    finally:
        pg.context.close()


def test_presentation_and_a_checked_formula_keep_axe_core_quiet(browser: Browser, server: LabServer) -> None:  # noqa: F811
    pg = open_lab(browser, server.url + "&case=000", bypass_csp=True)
    try:
        b1 = node_of(pg, "b_1")
        pg.click(f"#n-{b1}")
        wait_derivation(pg, b1)
        pg.fill("#formula", FORMULA_4)
        pg.wait_for_selector("#verdict[data-off]", timeout=20000)
        pg.click("#present")
        axe_violations(pg)
    finally:
        pg.context.close()
