"""The lab's Practice tab in a real headless Chromium, driven from the keyboard alone (document 000)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser, Page

from autodiff import Value
from autodiff.lab.graphs import lab_graph
from autodiff.lab.server import LabServer
from autodiff.practice import MISTAKES
from autodiff.practice.exercises import from_case

from .browser import grad_texts, node_of, open_lab
from .test_lab_browser import axe_violations, browser, page  # noqa: F401  (the fixtures: one Chromium, a page on 000)

pytestmark = pytest.mark.browser

B1_ONE_PATH = "-0.0764"  # document 000's formula ④ as a number: one of b_1's three paths


def active(page: Page) -> str:
    return str(page.evaluate("() => document.activeElement.id"))


def tab_to(page: Page, element_id: str, limit: int = 12) -> None:
    for _ in range(limit):
        if active(page) == element_id:
            return
        page.keyboard.press("Tab")
    assert active(page) == element_id


def open_practice(page: Page) -> None:
    page.focus("#tab-derivation")
    page.keyboard.press("ArrowRight")  # the tabs' own keys (not the graph's step keys)
    assert active(page) == "tab-practice"
    page.wait_for_selector("#practice-panel[data-ready=true]", timeout=20000)
    assert page.get_attribute("#tab-practice", "aria-selected") == "true"
    assert page.is_hidden("#derivation-panel") and page.is_visible("#practice-panel")
    assert page.text_content("#step-counter") == "not stepping"  # the arrow key did not step the backward pass


def answer(page: Page, text: str, question: str) -> None:
    tab_to(page, "practice-answer")
    page.keyboard.type(text)
    page.keyboard.press("Enter")  # Check
    page.wait_for_selector(f"#practice-verdict[data-question='{question}'][data-status]", timeout=20000)


def test_a_wrong_answer_named_then_a_right_one_scored_from_the_keyboard(page: Page) -> None:
    shown_before = grad_texts(page)
    assert any(t != "grad ?" for t in shown_before.values())
    open_practice(page)
    asked = [q for _, q in from_case("000").questions()]  # what `python -m autodiff.practice --case 000` asks
    assert page.text_content("#practice-prompt") == asked[0].prompt and asked[0].node.name == "b_1"
    b1 = node_of(page, "b_1")
    assert "practice-focus" in page.evaluate(f"() => Array.from(document.getElementById('n-{b1}').classList)")
    assert set(grad_texts(page).values()) == {"grad ?"}  # the answers are not on the drawing
    assert page.text_content("#practice-score") == "Score: 0 right out of 0 answered."

    answer(page, B1_ONE_PATH, "s0-1-1")
    verdict = page.text_content("#practice-verdict")
    assert page.get_attribute("#practice-verdict", "data-mistakes") == "missed_path"
    assert MISTAKES["missed_path"] in verdict and "You followed only path 1" in verdict and "3 paths" in verdict
    assert page.get_attribute("#practice-score", "data-right") == "0"
    assert page.get_attribute("#practice-score", "data-asked") == "1"

    page.keyboard.press("Tab")
    assert active(page) == "practice-check"
    page.keyboard.press("Tab")
    assert active(page) == "practice-next"
    page.keyboard.press("Enter")  # Next exercise: the answer box has the focus again
    assert active(page) == "practice-answer" and page.text_content("#practice-verdict") == ""
    assert page.text_content("#practice-prompt") == asked[1].prompt
    answer(page, f"{asked[1].expected:.6g}", "s0-2-1")
    assert page.get_attribute("#practice-verdict", "data-correct") == "true"
    assert page.text_content("#practice-verdict").startswith("Right.")
    assert page.text_content("#practice-score") == "Score: 1 right out of 2 answered."

    page.focus("#tab-practice")
    page.keyboard.press("ArrowLeft")  # back to the derivation: the drawing shows every gradient again
    assert page.is_visible("#derivation-panel") and page.is_hidden("#practice-panel")
    assert grad_texts(page) == shown_before
    assert page.locator("#graph .practice-focus, #graph text.practice-tag").count() == 0


def test_no_serious_accessibility_violation_with_practice_open(browser: Browser, server: LabServer) -> None:  # noqa: F811
    pg = open_lab(browser, server.url + "&case=000", bypass_csp=True)  # the test injects axe-core's script
    try:
        open_practice(pg)
        answer(pg, B1_ONE_PATH, "s0-1-1")
        axe_violations(pg)
        assert pg.errors == []  # type: ignore[attr-defined]
    finally:
        pg.context.close()


def test_the_exercises_follow_the_graph_and_the_seed(page: Page) -> None:
    open_practice(page)
    first = page.get_attribute("#practice-panel", "data-graph")
    assert first == page.get_attribute("#lab", "data-graph")
    page.focus("#case-select")
    page.select_option("#case-select", "twice")
    page.keyboard.press("Enter")  # another graph while practising: its own exercises
    page.wait_for_function("() => { const p = document.getElementById('practice-panel'); return p.dataset.ready === "
                           "'true' && p.dataset.graph !== '" + str(first) + "'; }", timeout=20000)
    assert page.get_attribute("#practice-panel", "data-graph") == page.get_attribute("#lab", "data-graph")
    assert page.text_content("#practice-prompt") == "Compute ∂b/∂a, the gradient of b with respect to a."
    page.focus("#practice-answer")
    answer(page, "1", "s0-1-1")  # b = a + a: one path counted, the "=" instead of "+=" bug
    assert page.get_attribute("#practice-verdict", "data-mistakes") == "missed_path"
    page.focus("#practice-seed")
    page.keyboard.press("Control+A")
    page.keyboard.type("x")
    page.keyboard.press("Enter")
    assert page.get_attribute("#practice-seed", "aria-invalid") == "true"
    assert "whole number" in page.text_content("#practice-counter")
    page.keyboard.press("Control+A")
    page.keyboard.type("4")
    page.keyboard.press("Enter")
    page.wait_for_selector("#practice-panel[data-ready=true][data-question^=s4-]", timeout=20000)
    assert page.text_content("#practice-score") == "Score: 0 right out of 0 answered."  # a new set, a new score


def test_a_name_with_markup_shows_as_text_in_practice(browser: Browser, server: LabServer) -> None:  # noqa: F811
    evil = '<img src=x onerror="document.title=1">'
    a = Value(2.0, name=evil)
    y = a * a * a
    y.name = "<b>y</b>"
    graph = server.store.add(lab_graph(y, "markup"))
    pg = open_lab(browser, server.url + f"&graph={graph.gid}")
    try:
        open_practice(pg)
        assert evil in pg.text_content("#practice-prompt") and "<b>y</b>" in pg.text_content("#practice-prompt")
        pg.focus("#practice-answer")
        answer(pg, "12", "s0-1-1")  # d(a³)/da = 3a² = 12
        assert pg.get_attribute("#practice-verdict", "data-correct") == "true"
        assert pg.locator("main img, main b").count() == 0 and pg.title() != "1"
    finally:
        pg.context.close()
