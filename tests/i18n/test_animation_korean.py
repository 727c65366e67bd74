"""The animation page in Korean, in Chromium: it opens in Korean, the switch changes the language of
every text on the same step, and Hangul is drawn (not missing-glyph boxes)."""

from __future__ import annotations

import pytest
from playwright.sync_api import sync_playwright

from autodiff.animation import animate, frames
from nn import reference

from ..autodiff.test_animate_browser import CHROMIUM_ARGS, chromium_path
from .korean import decimals, hangul
from .test_hangul_fonts import check_drawn, screenshot_path

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("animation_ko")
    case = reference.build("000")
    root = case.loss()
    path = animate(root, out / "animation_000_ko.html", model=case.model, lang="ko", interval_ms=150)
    return path, frames(root, lang="en"), frames(root, lang="ko")


@pytest.fixture(scope="module")
def page(built):
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        pg = browser.new_page(viewport={"width": 1400, "height": 900})
        pg.goto(built[0].resolve().as_uri())
        pg.wait_for_function("document.getElementById('player').dataset.ready === 'true'", timeout=5000)
        yield pg
        browser.close()


def texts(pg):
    return pg.evaluate("""() => ({
        lang: document.documentElement.lang, title: document.getElementById('title').textContent,
        counter: document.getElementById('step-counter').textContent,
        caption: document.getElementById('caption').textContent,
        play: document.getElementById('play').textContent, next: document.getElementById('next').textContent,
        help: document.getElementById('help').textContent, step: document.getElementById('player').dataset.step})""")


def test_the_page_opens_in_korean_and_the_switch_changes_every_text_on_the_same_step(page, built, tmp_path):
    _, english, korean = built
    total = len(english)
    shown = texts(page)
    assert shown["lang"] == "ko" and shown["caption"] == korean[0].caption
    assert shown["counter"] == f"1 / {total}단계" and "재생" in shown["play"] and "역전파" in shown["title"]
    for _ in range(5):
        page.click("#next")
    shown = texts(page)
    assert shown["step"] == "6" and shown["caption"] == korean[5].caption
    assert decimals(shown["caption"]) == decimals(english[5].caption) and hangul(shown["caption"]) > 10

    page.select_option("#lang", "en")
    shown = texts(page)
    assert shown["lang"] == "en" and shown["step"] == "6"  # the same step, now in English
    assert shown["caption"] == english[5].caption and shown["counter"] == f"Step 6 / {total}"
    assert shown["play"].endswith("Play") and shown["next"].startswith("Next") and hangul(shown["help"]) == 0
    assert hangul(shown["title"]) == 0

    page.select_option("#lang", "ko")
    page.click("#next")
    shown = texts(page)
    assert shown["lang"] == "ko" and shown["caption"] == korean[6].caption and hangul(shown["help"]) > 20
    font = page.eval_on_selector("#caption", "e => getComputedStyle(e).fontFamily")
    assert "Noto Sans CJK KR" in font
    check_drawn(page, font)
    shot = screenshot_path("animation_ko.png", tmp_path)
    page.screenshot(path=str(shot), clip={"x": 0, "y": 0, "width": 1400, "height": 620})
    assert shot.stat().st_size > 20000


def test_arrow_keys_on_the_language_switch_do_not_step(page):
    before = texts(page)["step"]
    page.focus("#lang")
    page.keyboard.press("ArrowRight")
    assert texts(page)["step"] == before
