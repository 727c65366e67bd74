"""Hangul is drawn, not empty boxes: in Graphviz drawings and in Chromium with the pages' font stack.

The check in the browser: each syllable is drawn alone on a canvas with the font a page uses, and
the pixels are hashed. A font without Hangul draws every syllable as the same missing-glyph box
(the test shows the method sees that, on two unassigned code points), so distinct syllables must
give distinct pictures, each unlike the missing-glyph box. The screenshots are written to the
test's temporary folder, and to docs/ (``docs/*_ko.png``) when AUTODIFF_UPDATE_DOCS=1.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

from autodiff import Value, render
from autodiff.i18n import CSS_FONT_STACK

from ..autodiff.test_animate_browser import CHROMIUM_ARGS, chromium_path

pytestmark = pytest.mark.browser

DOCS = Path(__file__).resolve().parents[2] / "docs"
SYLLABLES = "가중치편향손실역전파"
MISSING = "\u0378\u0379"  # unassigned code points: every font draws its missing-glyph box

GLYPHS_JS = """([chars, font]) => {
  const canvas = document.createElement("canvas");
  canvas.width = 64; canvas.height = 64;
  const ctx = canvas.getContext("2d", {willReadFrequently: true});
  return Array.from(chars).map((ch) => {
    ctx.clearRect(0, 0, 64, 64);
    ctx.font = "40px " + font;
    ctx.fillStyle = "#000";
    ctx.fillText(ch, 8, 48);
    const alpha = ctx.getImageData(0, 0, 64, 64).data.filter((_, i) => i % 4 === 3);
    let hash = 2166136261, ink = 0;
    for (const a of alpha) { hash = Math.imul(hash ^ a, 16777619) >>> 0; if (a > 0) { ink++; } }
    return [hash, ink];
  });
}"""


def _korean_graph() -> Value:
    w, x, b = Value(0.5, name="가중치"), Value(2.0, name="입력 x"), Value(0.1, name="편향")
    loss = (w * x + b).sigmoid()
    loss.name = "손실"
    loss.backward()
    return loss


def test_the_machine_has_a_font_that_draws_korean():
    """Graphviz (through fontconfig) and Chromium find Hangul here only if such a font is installed."""
    found = subprocess.run(["fc-list", ":lang=ko", "family"], capture_output=True, text=True, check=True).stdout
    assert found.strip(), "no Korean font: install Debian's fonts-noto-cjk (.ci/setup --tests does)"


@pytest.fixture(scope="module")
def page():
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield browser.new_page(viewport={"width": 900, "height": 420})
        browser.close()


def check_drawn(page, font: str) -> None:
    missing = page.evaluate(GLYPHS_JS, [MISSING, font])
    assert missing[0] == missing[1], "the two missing glyphs should look alike (the detector's control)"
    drawn = page.evaluate(GLYPHS_JS, [SYLLABLES, font])
    hashes = [h for h, _ in drawn]
    assert all(ink > 30 for _, ink in drawn), f"{font}: a syllable drew (almost) nothing"
    assert len(set(hashes)) == len(SYLLABLES), f"{font}: syllables drawn alike, as missing-glyph boxes"
    assert missing[0][0] not in hashes, f"{font}: a syllable is drawn as the missing-glyph box"


def test_the_pages_font_stack_draws_hangul(page):
    page.set_content(f'<html lang="ko"><body style=\'font-family: {CSS_FONT_STACK}\'><p id="t">역전파</p></body></html>')
    check_drawn(page, page.eval_on_selector("#t", "e => getComputedStyle(e).fontFamily"))


def screenshot_path(name: str, tmp_path: Path) -> Path:
    """Where a screenshot goes: docs/ when AUTODIFF_UPDATE_DOCS=1, else the test's own folder."""
    return (DOCS if os.environ.get("AUTODIFF_UPDATE_DOCS") == "1" else tmp_path) / name


def test_a_drawing_with_korean_node_names_shows_hangul_in_the_browser(page, tmp_path):
    svg = render.draw(_korean_graph()).pipe(format="svg").decode("utf-8")
    svg = svg[svg.index("<svg"):]
    page.set_content(f'<html lang="ko"><body style="margin:8px">{svg}</body></html>')
    texts = page.eval_on_selector_all("svg text", "els => els.map(e => e.textContent)")
    assert {"가중치", "편향", "손실"} <= set(texts)
    font = page.eval_on_selector("svg text", "e => getComputedStyle(e).fontFamily")
    check_drawn(page, font)
    shot = screenshot_path("graph_ko.png", tmp_path)
    page.locator("svg").screenshot(path=str(shot))
    assert shot.stat().st_size > 5000
