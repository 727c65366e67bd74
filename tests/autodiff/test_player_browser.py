"""The one player (autodiff/animation/static/player.js) on its own, in Chromium: its documented JS API.

A bare page with three buttons, a stage and a list of steps: what the animation page and the lab
build on. Stepping, the buttons' states, play stopping at the last step, the keys (Space plays also
on a focused button), fit, relabelling, a prepare() that fetches steps late, and reset.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, sync_playwright

from autodiff.animation import STEPS_JS

from .test_animate_browser import CHROMIUM_ARGS, chromium_path

HARNESS = """<!DOCTYPE html><html><body>
<button id="prev">prev</button><button id="play">play</button><button id="next">next</button>
<button id="fit">fit</button><select id="other"><option>a</option><option>b</option></select>
<div id="stage"></div><p id="shown"></p>
<script>%s</script>
<script>
  var shown = [], changes = [], steps = 5, prepared = 0;
  var labels = {play: "PLAY", pause: "PAUSE", fit: "FIT", actual: "ACTUAL"};
  function make(extra) {
    var o = {
      show: function (k) { shown.push(k); document.getElementById("shown").textContent = String(k); },
      total: function () { return steps; },
      interval: 20,
      prev: document.getElementById("prev"), next: document.getElementById("next"),
      play: document.getElementById("play"), fit: document.getElementById("fit"),
      stage: document.getElementById("stage"),
      label: function (key) { return labels[key]; },
      ignore: function (e) { return e.target === document.getElementById("other"); },
      changed: function (p, what) { changes.push(what); }
    };
    Object.keys(extra || {}).forEach(function (k) { o[k] = extra[k]; });
    return autodiffPlayer.create(o);
  }
  window.player = make();
</script></body></html>"""


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(HARNESS % STEPS_JS)
    yield pg
    context.close()


def state(pg: Page) -> dict:
    return pg.evaluate("""() => ({current: player.current, playing: player.playing, fit: player.fit,
        shown: shown.slice(), prev: document.getElementById('prev').disabled,
        next: document.getElementById('next').disabled, play: document.getElementById('play').textContent,
        pressed: document.getElementById('play').getAttribute('aria-pressed'),
        fitText: document.getElementById('fit').textContent, stageFit: document.getElementById('stage').className})""")


def test_stepping_clamps_and_the_buttons_follow(page: Page) -> None:
    s = state(page)
    assert s["current"] == -1 and s["shown"] == [] and not s["prev"] and not s["next"]  # not stepping yet
    page.evaluate("player.next()")
    assert state(page)["current"] == 0 and state(page)["prev"]
    page.click("#next")
    page.click("#next")
    s = state(page)
    assert s["current"] == 2 and s["shown"] == [0, 1, 2] and not s["prev"] and not s["next"]
    page.evaluate("player.last()")
    s = state(page)
    assert s["current"] == 4 and s["next"] and not s["prev"]
    page.evaluate("player.show(99)")
    assert state(page)["current"] == 4  # clamped to the last step
    page.click("#prev")
    assert state(page)["current"] == 3
    page.evaluate("player.first()")
    s = state(page)
    assert s["current"] == 0 and s["prev"] and not s["next"]
    page.evaluate("player.reset()")
    s = state(page)
    assert s["current"] == -1 and not s["prev"] and not s["next"]
    page.evaluate("player.prev()")  # from "not stepping", back means the first step
    assert state(page)["current"] == 0


def test_keys_step_and_space_plays_even_on_a_focused_button(page: Page) -> None:
    page.locator("body").focus()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    assert state(page)["current"] == 1
    page.keyboard.press("ArrowLeft")
    assert state(page)["current"] == 0
    page.keyboard.press("End")
    assert state(page)["current"] == 4
    page.keyboard.press("Home")
    assert state(page)["current"] == 0
    page.focus("#other")  # a key that belongs to something else does not step
    page.keyboard.press("ArrowRight")
    assert state(page)["current"] == 0

    page.focus("#next")  # Space on a focused button plays; it does not press the button
    page.keyboard.press(" ")
    s = state(page)
    assert s["playing"] and s["play"] == "PAUSE" and s["pressed"] == "true"
    page.wait_for_function("!player.playing", timeout=10_000)  # plays to the last step, then stops
    s = state(page)
    assert s["current"] == 4 and s["play"] == "PLAY" and s["pressed"] == "false"
    assert s["shown"][-5:] == [0, 1, 2, 3, 4]  # every step once, in order, from the first
    page.evaluate("player.setInterval(60000)")  # slow enough that the next key finds it playing
    page.keyboard.press(" ")  # at the last step, play starts over from the first
    s = state(page)
    assert s["playing"] and s["current"] == 0
    page.keyboard.press(" ")
    assert not state(page)["playing"]


def test_fit_relabel_interval_and_changes(page: Page) -> None:
    page.locator("body").focus()
    page.keyboard.press("f")
    s = state(page)
    assert s["fit"] and s["stageFit"] == "fit" and s["fitText"] == "ACTUAL"
    page.click("#fit")
    s = state(page)
    assert not s["fit"] and s["stageFit"] == "" and s["fitText"] == "FIT"
    page.evaluate("labels.play = 'SPIELEN'; labels.fit = 'BREITE'; player.relabel()")
    s = state(page)
    assert s["play"] == "SPIELEN" and s["fitText"] == "BREITE"
    page.evaluate("player.setInterval(5)")
    assert page.evaluate("player.interval") == 5
    page.evaluate("player.show(1)")
    changes = page.evaluate("changes")
    assert changes == ["fit", "fit", "step"]


def test_prepare_runs_before_the_first_step(page: Page) -> None:
    """The lab fetches its steps when stepping starts: prepare() settles first, total() is asked after."""
    page.evaluate("""() => {
        steps = 0;
        window.late = make({prepare: function () {
            prepared++;
            return new Promise(function (resolve) { setTimeout(function () { steps = 3; resolve(true); }, 10); });
        }});
    }""")
    page.evaluate("late.last()")  # awaited: the promise the call returns
    assert page.evaluate("[late.current, prepared]") == [2, 1]
    page.evaluate("""() => { window.never = make({prepare: function () { return Promise.resolve(false); }}); }""")
    page.evaluate("never.next()")
    assert page.evaluate("never.current") == -1  # the steps could not be had: nothing moves
