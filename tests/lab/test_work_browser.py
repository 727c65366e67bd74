"""The lab's page never loses the learner's work, in a real headless Chromium: the state in the URL's
fragment and the browser's storage, a graph rebuilt after the server dropped it, undo, redo and reset,
the loss history, files, exports, a stopped server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from autodiff import Value
from autodiff.lab.graphs import lab_graph
from autodiff.lab.server import LabServer
from nn import reference

from .browser import node_of, open_lab, wait_derivation
from .test_lab_browser import browser, neuron, page  # noqa: F401  (the fixtures: one Chromium, a page on 000 or on the neuron)

pytestmark = pytest.mark.browser

def data_of(page: Page, name: str) -> float:
    return float(page.evaluate("(n) => window.autodiffLab.state.graph.nodes.find(x => x.name === n).data", name))


def set_leaf(page: Page, name: str, value: str) -> None:
    page.select_option("#node-select", label=name)
    wait_derivation(page, node_of(page, name))
    page.fill("#leaf-value", value)
    page.press("#leaf-value", "Enter")
    page.wait_for_function("([n, v]) => window.autodiffLab.state.graph.nodes.find(x => x.name === n).data === v",
                           arg=[name, float(value)], timeout=20000)


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


def test_a_restarted_server_says_to_open_its_new_url(neuron: Page) -> None:
    page = neuron
    page.route("**/api/**", lambda route: route.fulfill(
        status=403, content_type="application/json",
        body='{"message": "wrong token: use the URL the lab printed when it started", "status": 403, "reason": "token"}'))
    page.click("#descend")
    page.wait_for_selector("#offline:not([hidden])", timeout=20000)
    assert "started again" in page.text_content("#offline") and page.get_attribute("#lab", "data-offline") == "token"


def test_a_copied_link_opened_without_the_key_says_where_the_graph_opens(neuron: Page, server: LabServer) -> None:
    page = neuron
    set_leaf(page, "w2", "0.75")
    page.click("#copy-link")
    page.wait_for_function("() => document.getElementById('copied').dataset.text")
    link = page.get_attribute("#copied", "data-text")
    keyless = page.context.new_page()
    keyless.goto(link)
    keyless.wait_for_selector("#offline:not([hidden])", timeout=20000)
    assert "open the URL the lab printed" in keyless.text_content("#offline")
    keyless.goto(server.url)  # the lab's own URL: the linked graph comes back from this browser's storage
    keyless.wait_for_selector("#lab[data-ready=true]", timeout=20000)
    assert data_of(keyless, "w2") == 0.75
    keyless.close()
