"""The animation page in a real headless browser: Debian's Chromium driven by Playwright; and the one
player (static/player.js) on its own, the JavaScript API the page and the lab build on.

This test does not skip: CI installs Chromium (``.ci/setup --tests``) and Graphviz. Playwright
never downloads a browser here; it launches the system's ``chromium`` (CHROMIUM_PATH overrides).
"""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import pytest
from playwright.sync_api import Page, sync_playwright

from autodiff import topological_order
from autodiff.animation import STEPS_JS, animate, frames
from autodiff.render import format_number, node_ids
from nn import reference

pytestmark = pytest.mark.browser

CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--disable-extensions", "--disable-default-apps",
]


def chromium_path() -> str:
    for candidate in (os.environ.get("CHROMIUM_PATH"), "/usr/bin/chromium", shutil.which("chromium"),
                      shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    raise RuntimeError("no Chromium found: install Debian's `chromium` (.ci/setup --tests does) or set CHROMIUM_PATH")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    """Document 000's page (the shared bias), with its frames and node ids computed in Python."""
    out = tmp_path_factory.mktemp("animation")
    case = reference.build("000")
    root = case.loss()
    path = animate(root, out / "animation_000.html", model=case.model, interval_ms=150, frames_dir=out / "frames")
    return path, root, frames(root), node_ids(root)


@pytest.fixture(scope="module")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def built_packed(tmp_path_factory: pytest.TempPathFactory):
    """Document 004's page with its frames stored gzipped (as animate() does for large graphs)."""
    out = tmp_path_factory.mktemp("packed")
    root = reference.build("004").loss()
    path = animate(root, out / "animation_004.html", compress=True)
    return path, root, frames(root), node_ids(root)


def open_page(browser, path: Path):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    pg = context.new_page()
    requests: list[str] = []
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(path.resolve().as_uri())
    pg.wait_for_selector("#step-counter")
    pg.requests = requests  # type: ignore[attr-defined]
    return context, pg


@pytest.fixture
def page(browser, built):
    context, pg = open_page(browser, built[0])
    yield pg
    context.close()


def state(pg: Page) -> dict:
    """What the page shows now: counter, caption, the one drawing, and the focus node's text in it."""
    return pg.evaluate(
        """() => {
        const player = document.getElementById('player');
        const svg = document.querySelector('#graph svg');
        const focus = player.dataset.focusNode;
        const focusNode = svg.querySelector('#n-' + focus);
        const marked = Array.from(svg.querySelectorAll('g.node.focus')).map(g => g.querySelector('title').textContent);
        const target = Array.from(svg.querySelectorAll('g.node.target')).map(g => g.querySelector('title').textContent);
        const current = Array.from(svg.querySelectorAll('g.edge.current')).map(g => g.id);
        const notes = Array.from(svg.querySelectorAll('text.note')).map(t => t.textContent);
        const stage = document.getElementById('stage').getBoundingClientRect();
        const r = focusNode ? focusNode.getBoundingClientRect() : null;
        const inView = r !== null && r.left >= stage.left && r.right <= stage.right
            && r.top >= stage.top && r.bottom <= stage.bottom;
        const positions = Object.fromEntries(Array.from(svg.querySelectorAll('g.node')).map(g => {
            const b = g.getBBox(); return [g.id, [b.x, b.y, b.width, b.height]]; }));
        return {
            counter: document.getElementById('step-counter').textContent,
            caption: document.getElementById('caption').textContent,
            drawings: document.querySelectorAll('svg').length,
            shownSvg: svg.getBoundingClientRect().height > 0,
            focusNode: focus,
            focusGrad: player.dataset.focusGrad,
            targetNode: player.dataset.targetNode || null,
            targetGrad: player.dataset.targetGrad || null,
            edgeNote: player.dataset.edgeNote || null,
            focusText: focusNode ? focusNode.textContent : null,
            marked: marked, target: target, current: current, notes: notes,
            focusInView: inView,
            positions: positions,
            playing: player.dataset.playing,
            prevDisabled: document.getElementById('prev').disabled,
            nextDisabled: document.getElementById('next').disabled,
        };
    }"""
    )


def check_step(pg: Page, built, k: int) -> dict:
    """The page shows frame k exactly as computed in Python."""
    _, _, frame_list, ids = built
    frame = frame_list[k]
    pg.wait_for_function("document.getElementById('player').dataset.ready === 'true'", timeout=5000)
    s = state(pg)
    assert s["counter"] == f"Step {k + 1} / {len(frame_list)}"
    assert s["caption"] == frame.caption
    assert s["drawings"] == 1 and s["shownSvg"]  # one drawing for every step
    assert s["focusNode"] == ids[frame.node]
    assert s["marked"] == [ids[frame.node]]
    assert float(s["focusGrad"]) == frame.upstream
    assert s["focusText"] is not None and f"grad {format_number(frame.upstream)}" in s["focusText"]
    assert s["focusInView"]  # the page scrolls the current node into view
    if frame.parent is None:
        assert s["targetNode"] is None and s["current"] == [] and s["notes"] == []
    else:
        assert s["targetNode"] == ids[frame.parent]
        assert float(s["targetGrad"]) == frame.accumulated
        assert s["target"] == [ids[frame.parent]]
        assert s["current"] == [f"e-{ids[frame.node]}-{frame.parent_index}"]
        assert s["notes"] == [frame.edge_note()] == [s["edgeNote"]]
    # nodes never move: every box is where the first step had it
    first = getattr(pg, "first_positions", None)
    if first is None:
        pg.first_positions = s["positions"]  # type: ignore[attr-defined]
    else:
        assert s["positions"] == first
    return s


def test_step_through_with_buttons_and_keys(page: Page, built) -> None:
    frame_list = built[2]
    s = check_step(page, built, 0)
    assert s["prevDisabled"] and not s["nextDisabled"] and s["playing"] == "false"

    for _ in range(5):
        page.click("#next")
    check_step(page, built, 5)

    page.locator("body").focus()
    for _ in range(4):
        page.keyboard.press("ArrowRight")
    check_step(page, built, 9)
    page.keyboard.press("ArrowLeft")
    check_step(page, built, 8)
    page.click("#prev")
    check_step(page, built, 7)

    # 000's shared bias: jump to each of its three contributions and see the running sum
    b1 = next(n for n in topological_order(built[1]) if n.name == "b_1")
    into = [f.index for f in frame_list if f.parent is b1]
    assert len(into) == 3
    current = 7
    for k in into:
        key = "ArrowRight" if k > current else "ArrowLeft"
        for _ in range(abs(k - current)):
            page.keyboard.press(key)
        current = k
        check_step(page, built, k)
    assert page.text_content("#caption").count("contribution 3 of 3") == 1

    page.keyboard.press("End")
    s = check_step(page, built, len(frame_list) - 1)
    assert s["nextDisabled"]
    page.keyboard.press("ArrowRight")  # stays on the last frame
    check_step(page, built, len(frame_list) - 1)
    page.keyboard.press("Home")
    check_step(page, built, 0)

    # fit to width: the whole drawing fits the stage, and stepping still works
    page.click("#zoom")
    assert page.get_attribute("#player", "data-fit") == "true"
    fits = page.evaluate("""() => {
        const svg = document.querySelector('#graph svg');
        return svg.getBoundingClientRect().width <= document.getElementById('stage').clientWidth + 1;
    }""")
    assert fits
    page.keyboard.press("ArrowRight")
    page.first_positions = None  # fitting scales the drawing; its boxes keep their places from here on
    check_step(page, built, 1)
    page.keyboard.press("f")
    assert page.get_attribute("#player", "data-fit") == "false"

    assert page.requests == [built[0].resolve().as_uri()]  # nothing fetched but the file itself


def test_last_frame_shows_every_gradient_of_backward(page: Page, built) -> None:
    _, root, frame_list, ids = built
    root.zero_grad()
    root.backward()
    page.keyboard.press("End")
    texts = page.evaluate(
        """() => {
        const frame = document.querySelector('#graph svg');
        return Object.fromEntries(Array.from(frame.querySelectorAll('g.node'))
            .map(g => [g.querySelector('title').textContent, g.textContent]));
    }"""
    )
    for node in topological_order(root):
        assert f"grad {format_number(node.grad)}" in texts[ids[node]], (node, texts[ids[node]])
    assert "grad ?" not in "".join(texts.values())


def test_play_pause_and_screenshot(page: Page, built, tmp_path: Path) -> None:
    page.locator("body").focus()
    page.keyboard.press(" ")
    assert page.get_attribute("#player", "data-playing") == "true"
    page.wait_for_function("Number(document.getElementById('player').dataset.step) >= 4", timeout=5000)
    page.click("#play")  # pause with the button
    assert page.get_attribute("#player", "data-playing") == "false"
    k = int(page.get_attribute("#player", "data-step")) - 1
    check_step(page, built, k)
    page.wait_for_timeout(400)
    check_step(page, built, k)  # paused: it stays

    page.click("#play")  # play with the button, then space pauses even while the button has focus
    page.wait_for_function(f"Number(document.getElementById('player').dataset.step) > {k + 1}", timeout=5000)
    page.keyboard.press(" ")
    assert page.get_attribute("#player", "data-playing") == "false"
    k = int(page.get_attribute("#player", "data-step")) - 1
    check_step(page, built, k)

    shot = tmp_path / "animation.png"
    png = page.screenshot(path=str(shot), full_page=False)
    assert shot.stat().st_size > 20_000 and png[:8] == b"\x89PNG\r\n\x1a\n"
    colours = page.evaluate(
        """async (data) => {
        const img = new Image();
        img.src = 'data:image/png;base64,' + data;
        await img.decode();
        const c = document.createElement('canvas');
        c.width = img.width; c.height = img.height;
        const ctx = c.getContext('2d');
        ctx.drawImage(img, 0, 0);
        const px = ctx.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set();
        let nonWhite = 0;
        for (let i = 0; i < px.length; i += 4) {
            seen.add((px[i] << 16) | (px[i + 1] << 8) | px[i + 2]);
            if (px[i] < 240 || px[i + 1] < 240 || px[i + 2] < 240) nonWhite++;
        }
        return {distinct: seen.size, nonWhite: nonWhite / (px.length / 4), width: c.width};
    }""",
        base64.b64encode(png).decode("ascii"),
    )
    assert colours["width"] == 1400
    assert colours["distinct"] > 50 and colours["nonWhite"] > 0.02, colours


def test_frames_written_as_svg_files(built) -> None:
    path, _, frame_list, _ = built
    files = sorted((path.parent / "frames").glob("frame_*.svg"))
    assert len(files) == len(frame_list)
    assert files[0].name == "frame_001.svg"
    assert all("<svg" in f.read_text(encoding="utf-8") for f in files[:3])


def test_compressed_page(browser, built_packed) -> None:
    path, _, frame_list, _ = built_packed
    text = path.read_text(encoding="utf-8")
    assert text.count("data-packed=") == 1 and "<svg" not in text
    context, pg = open_page(browser, path)
    try:
        check_step(pg, built_packed, 0)
        for _ in range(3):
            pg.click("#next")
        check_step(pg, built_packed, 3)
        pg.locator("body").focus()
        pg.keyboard.press("ArrowRight")
        pg.keyboard.press("ArrowRight")
        check_step(pg, built_packed, 5)
        pg.keyboard.press("ArrowLeft")
        check_step(pg, built_packed, 4)
        pg.keyboard.press("End")
        check_step(pg, built_packed, len(frame_list) - 1)
        assert pg.requests == [path.resolve().as_uri()]
    finally:
        context.close()


# --- the one player on its own (static/player.js): the JS API the page and the lab build on -------------

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


@pytest.fixture
def bare(browser):
    """The one player alone on a bare page: three buttons, a fit button, a select, a stage, five steps."""
    context = browser.new_context()
    pg = context.new_page()
    pg.set_content(HARNESS % STEPS_JS)
    yield pg
    context.close()


def player_state(pg: Page) -> dict:
    return pg.evaluate("""() => ({current: player.current, playing: player.playing, fit: player.fit,
        shown: shown.slice(), prev: document.getElementById('prev').disabled,
        next: document.getElementById('next').disabled, play: document.getElementById('play').textContent,
        pressed: document.getElementById('play').getAttribute('aria-pressed'),
        fitText: document.getElementById('fit').textContent, stageFit: document.getElementById('stage').className})""")


def test_player_stepping_clamps_and_the_buttons_follow(bare: Page) -> None:
    s = player_state(bare)
    assert s["current"] == -1 and s["shown"] == [] and not s["prev"] and not s["next"]  # not stepping yet
    bare.evaluate("player.next()")
    assert player_state(bare)["current"] == 0 and player_state(bare)["prev"]
    bare.click("#next")
    bare.click("#next")
    s = player_state(bare)
    assert s["current"] == 2 and s["shown"] == [0, 1, 2] and not s["prev"] and not s["next"]
    bare.evaluate("player.last()")
    s = player_state(bare)
    assert s["current"] == 4 and s["next"] and not s["prev"]
    bare.evaluate("player.show(99)")
    assert player_state(bare)["current"] == 4  # clamped to the last step
    bare.click("#prev")
    assert player_state(bare)["current"] == 3
    bare.evaluate("player.first()")
    s = player_state(bare)
    assert s["current"] == 0 and s["prev"] and not s["next"]
    bare.evaluate("player.reset()")
    s = player_state(bare)
    assert s["current"] == -1 and not s["prev"] and not s["next"]
    bare.evaluate("player.prev()")  # from "not stepping", back means the first step
    assert player_state(bare)["current"] == 0


def test_player_keys_step_and_space_plays_even_on_a_focused_button(bare: Page) -> None:
    bare.locator("body").focus()
    bare.keyboard.press("ArrowRight")
    bare.keyboard.press("ArrowRight")
    assert player_state(bare)["current"] == 1
    bare.keyboard.press("ArrowLeft")
    assert player_state(bare)["current"] == 0
    bare.keyboard.press("End")
    assert player_state(bare)["current"] == 4
    bare.keyboard.press("Home")
    assert player_state(bare)["current"] == 0
    bare.focus("#other")  # a key that belongs to something else does not step
    bare.keyboard.press("ArrowRight")
    assert player_state(bare)["current"] == 0

    bare.focus("#next")  # Space on a focused button plays; it does not press the button
    bare.keyboard.press(" ")
    s = player_state(bare)
    assert s["playing"] and s["play"] == "PAUSE" and s["pressed"] == "true"
    bare.wait_for_function("!player.playing", timeout=10_000)  # plays to the last step, then stops
    s = player_state(bare)
    assert s["current"] == 4 and s["play"] == "PLAY" and s["pressed"] == "false"
    assert s["shown"][-5:] == [0, 1, 2, 3, 4]  # every step once, in order, from the first
    bare.evaluate("player.setInterval(60000)")  # slow enough that the next key finds it playing
    bare.keyboard.press(" ")  # at the last step, play starts over from the first
    s = player_state(bare)
    assert s["playing"] and s["current"] == 0
    bare.keyboard.press(" ")
    assert not player_state(bare)["playing"]


def test_player_fit_relabel_interval_and_changes(bare: Page) -> None:
    bare.locator("body").focus()
    bare.keyboard.press("f")
    s = player_state(bare)
    assert s["fit"] and s["stageFit"] == "fit" and s["fitText"] == "ACTUAL"
    bare.click("#fit")
    s = player_state(bare)
    assert not s["fit"] and s["stageFit"] == "" and s["fitText"] == "FIT"
    bare.evaluate("labels.play = 'SPIELEN'; labels.fit = 'BREITE'; player.relabel()")
    s = player_state(bare)
    assert s["play"] == "SPIELEN" and s["fitText"] == "BREITE"
    bare.evaluate("player.setInterval(5)")
    assert bare.evaluate("player.interval") == 5
    bare.evaluate("player.show(1)")
    changes = bare.evaluate("changes")
    assert changes == ["fit", "fit", "step"]


def test_player_prepare_runs_before_the_first_step(bare: Page) -> None:
    """The lab fetches its steps when stepping starts: prepare() settles first, total() is asked after."""
    bare.evaluate("""() => {
        steps = 0;
        window.late = make({prepare: function () {
            prepared++;
            return new Promise(function (resolve) { setTimeout(function () { steps = 3; resolve(true); }, 10); });
        }});
    }""")
    bare.evaluate("late.last()")  # awaited: the promise the call returns
    assert bare.evaluate("[late.current, prepared]") == [2, 1]
    bare.evaluate("""() => { window.never = make({prepare: function () { return Promise.resolve(false); }}); }""")
    bare.evaluate("never.next()")
    assert bare.evaluate("never.current") == -1  # the steps could not be had: nothing moves
