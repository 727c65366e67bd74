"""The lab in a classroom, in a real headless Chromium: work is never lost (the URL's fragment, the
browser's storage, a graph rebuilt after the server dropped it, undo, files, exports, a stopped
server), the page follows the learner's attention (scrolling to the focus, zoom, presentation),
the formula box, the keyboard, Practice's hidden edges and summary, and a 390 px screen."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from autodiff import Value
from autodiff.lab.graphs import lab_graph
from autodiff.lab.server import LabServer
from nn import reference

from .browser import node_of, open_lab, wait_derivation
from .test_lab_browser import axe_violations, browser, page  # noqa: F401  (the fixtures: one Chromium, a page on 000)

FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"


@pytest.fixture
def neuron(browser: Browser, server: LabServer) -> Iterator[Page]:  # noqa: F811
    pg = open_lab(browser, server.url + "&case=neuron")
    yield pg
    assert [e for e in pg.errors if "status of 4" not in e] == []  # type: ignore[attr-defined]
    pg.context.close()


def data_of(page: Page, name: str) -> float:
    return float(page.evaluate("(n) => window.autodiffLab.state.graph.nodes.find(x => x.name === n).data", name))


def set_leaf(page: Page, name: str, value: str) -> None:
    page.select_option("#node-select", label=name)
    wait_derivation(page, node_of(page, name))
    page.fill("#leaf-value", value)
    page.press("#leaf-value", "Enter")
    page.wait_for_function("([n, v]) => window.autodiffLab.state.graph.nodes.find(x => x.name === n).data === v",
                           arg=[name, float(value)], timeout=20000)


def in_stage(page: Page, selector: str) -> bool:
    return bool(page.evaluate("""(sel) => { const e = document.querySelector(sel), s = document.getElementById('stage');
        const r = e.getBoundingClientRect(), b = s.getBoundingClientRect();
        return r.left >= b.left - 1 && r.right <= b.right + 1 && r.top >= b.top - 1 && r.bottom <= b.bottom + 1; }""",
                              selector))


# --- never lose work ---------------------------------------------------------------------------------

def test_a_reload_restores_the_graph_its_values_the_node_and_the_formula(neuron: Page, server: LabServer) -> None:
    page = neuron
    set_leaf(page, "w1", "-2.5")
    page.select_option("#node-select", label="b")
    wait_derivation(page, node_of(page, "b"))
    page.fill("#formula", "1 - o^2")
    page.wait_for_selector("#verdict[data-ok=true]", timeout=20000)
    assert "token" not in page.url.split("#", 1)[1]  # the fragment holds the state, never the key
    before = page.evaluate("() => window.autodiffLab.state.graph.graph")
    server.store._graphs.clear()  # the server forgets it too (as after its 32-graph limit)
    page.reload()
    page.wait_for_selector("#verdict[data-ok=true]", timeout=20000)
    assert data_of(page, "w1") == -2.5 and page.input_value("#formula") == "1 - o^2"
    assert page.input_value("#node-select") == node_of(page, "b")
    assert page.evaluate("() => window.autodiffLab.state.graph.graph") != before
    assert page.evaluate("() => window.autodiffLab.state.graph.kinds") == ["start", "edit"]
    # Copy link: the state without the token; a new page opened with the key alone restores it from storage
    page.click("#copy-link")
    page.wait_for_function("() => document.getElementById('copied').dataset.text")
    link = page.get_attribute("#copied", "data-text")
    assert link.startswith(f"http://127.0.0.1:{server.port}/#lab=") and server.token not in link
    fresh = page.context.new_page()
    fresh.goto(server.url)
    fresh.wait_for_selector("#verdict[data-ok=true]", timeout=20000)
    assert data_of(fresh, "w1") == -2.5
    fresh.close()


def test_a_graph_the_server_dropped_is_built_again_on_the_next_request(neuron: Page, server: LabServer) -> None:
    page = neuron
    set_leaf(page, "x2", "1.5")
    server.store._graphs.clear()
    w2 = node_of(page, "w2")
    page.click(f"#n-{w2}")
    wait_derivation(page, w2)
    assert page.get_attribute("#lab", "data-rebuilt") == "1"
    o = data_of(page, "o")  # tanh(n): ∂o/∂w2 = x2·(1 − o²) with x2 = 1.5, the value set before the graph was dropped
    assert float(page.get_attribute("#derivation", "data-value")) == pytest.approx(1.5 * (1 - o ** 2), abs=1e-12)
    assert "no graph" not in page.text_content("#status")


def test_a_graph_from_show_says_to_call_show_again(browser: Browser, server: LabServer) -> None:  # noqa: F811
    x = Value(3.0, "x")
    y = x * x
    y.name = "y"
    graph = server.store.add(lab_graph(y, "mine"))
    pg = open_lab(browser, server.url + f"&graph={graph.gid}")
    try:
        assert pg.is_disabled("#save-graph")  # no source to save
        server.store._graphs.clear()
        pg.reload()
        pg.wait_for_selector("#lab[data-gone=true]", timeout=20000)
        assert "call show() again" in pg.text_content("#status")
    finally:
        pg.context.close()


def test_undo_redo_and_reset_of_edits_and_descent_steps(neuron: Page) -> None:
    page = neuron
    first = data_of(page, "w1")
    set_leaf(page, "w1", "0.25")
    page.click("#descend")
    page.wait_for_function("() => window.autodiffLab.state.graph.kinds.length === 3", timeout=20000)
    after_step = data_of(page, "w1")
    assert after_step != 0.25
    page.click("#undo")
    page.wait_for_function("() => window.autodiffLab.state.graph.kinds.length === 2", timeout=20000)
    assert data_of(page, "w1") == 0.25
    page.click("#undo")
    page.wait_for_function("() => window.autodiffLab.state.graph.kinds.length === 1", timeout=20000)
    assert data_of(page, "w1") == first and page.is_disabled("#undo")
    page.click("#redo")
    page.wait_for_function("() => window.autodiffLab.state.graph.kinds.length === 2", timeout=20000)
    assert data_of(page, "w1") == 0.25
    page.click("#reset")
    page.wait_for_function("() => window.autodiffLab.state.graph.kinds.join() === 'start'", timeout=20000)
    assert data_of(page, "w1") == first


def test_the_loss_history_records_a_value_edit_so_a_step_never_shows_as_a_rise(page: Page) -> None:  # noqa: F811
    set_leaf(page, "W_20", "-5")
    page.click("#descend")
    page.wait_for_function("() => document.getElementById('loss-text').dataset.kinds === 'start,edit,step'",
                           timeout=20000)
    losses = json.loads(page.get_attribute("#loss-text", "data-losses"))
    case = reference.build("000")
    assert losses[0] == case.loss().data
    dict(case.model.named_parameters())["W_20"].data = -5.0
    assert losses[1] == case.loss().data  # 3.06...: the edit is a point of the history
    assert losses[2] < losses[1]  # so the step is a fall
    assert page.locator("#loss-plot line.line").count() == 1 and page.locator("#loss-plot line.jump").count() == 1
    assert page.locator("#loss-plot circle.edit").count() == 1


def test_save_and_open_a_graph_file(neuron: Page, tmp_path: Path) -> None:
    page = neuron
    set_leaf(page, "b", "1.25")
    with page.expect_download() as saved:
        page.click("#save-graph")
    path = tmp_path / "mine.json"
    saved.value.save_as(path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["autodiff_lab"] == 1 and data["source"] == {"case": "neuron"}
    page.select_option("#case-select", "twice")
    page.click("#case-load")
    page.wait_for_function("() => document.getElementById('graph-title').textContent.includes('a + a')")
    page.set_input_files("#open-file", str(path))
    page.wait_for_function("() => document.getElementById('graph-title').textContent.includes('neuron')",
                           timeout=20000)
    assert data_of(page, "b") == 1.25
    bad = tmp_path / "bad.json"
    bad.write_text('{"autodiff_lab": 1, "source": {"case": "nope"}}', encoding="utf-8")
    page.set_input_files("#open-file", str(bad))
    page.wait_for_function("() => document.getElementById('open-file-error').textContent.includes('no case')")
    assert page.get_attribute("#open-file", "aria-invalid") == "true"  # the server's validation, next to the field


def test_exported_svg_keeps_the_highlighting_and_png_is_a_picture(page: Page) -> None:  # noqa: F811
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    with page.expect_download() as svg_file:
        page.click("#export-svg")
    svg = Path(svg_file.value.path()).read_text(encoding="utf-8")
    assert 'stroke="rgb(230, 85, 13)"' in svg  # the orange of the paths summed, written on the elements
    assert 'stroke="rgb(33, 113, 181)"' in svg  # the selected node's blue
    assert "style=" not in svg.split(">", 1)[0]
    with page.expect_download() as png_file:
        page.click("#export-png")
    assert png_file.value.suggested_filename == "graph.png"
    assert Path(png_file.value.path()).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_a_stopped_server_shows_one_notice_and_disables_the_page(browser: Browser) -> None:  # noqa: F811
    own = LabServer().start()
    pg = open_lab(browser, own.url + "&case=twice")
    try:
        pg.route("**/api/explain*", lambda route: route.fulfill(status=502, body="<html>proxy</html>"))
        a = node_of(pg, "a")
        pg.click(f"#n-{a}")
        pg.wait_for_function("() => document.getElementById('derivation').textContent.includes('not JSON')")
        pg.unroute("**/api/explain*")
        pg.route("**/api/**", lambda route: route.abort("connectionrefused"))  # what a stopped server looks like
        own.close()
        pg.select_option("#node-select", label="b")
        pg.wait_for_selector("#offline:not([hidden])", timeout=20000)
        assert "stopped" in pg.text_content("#offline") and "python -m autodiff.lab" in pg.text_content("#offline")
        assert pg.evaluate("() => document.getElementById('lab').inert") is True
    finally:
        pg.context.close()


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


def test_the_new_controls_keep_axe_core_quiet(browser: Browser, server: LabServer) -> None:  # noqa: F811
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
