"""The animation as a package: frames hold data and write their captions on demand, the page is its
template filled in with the package's own script and style files, and render runs ``dot``."""

from __future__ import annotations

import dataclasses
import json
import re
import subprocess
from importlib import resources

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Value, render
from autodiff.animation import STEP_STYLE, STEPS_JS, Frame, frames, page_html, step_data
from autodiff.i18n import available_languages
from autodiff.render import GraphTooLargeError, GraphvizNotFoundError, RenderError, check_size, render_svg
from nn import reference

STATIC = resources.files("autodiff.animation") / "static"


def random_graph(leaves: list[float], program: list[tuple[str, int, int]]) -> Value:
    pool = [Value(v, name=f"x{k}") for k, v in enumerate(leaves)]
    for op, i, j in program:
        a, b = pool[i % len(pool)], pool[j % len(pool)]
        pool.append({"add": lambda: a + b, "mul": lambda: a * b, "neg": lambda: -a, "tanh": lambda: a.tanh(),
                     "reuse": lambda: a + a * b, "unnamed": lambda: (a * 2.0) * b}[op]())
    return pool[-1]


_programs = st.lists(st.tuples(st.sampled_from(["add", "mul", "neg", "tanh", "reuse", "unnamed"]),
                               st.integers(0, 50), st.integers(0, 50)), min_size=1, max_size=15)


# --- frames hold data; captions are written when asked for -----------------------------------------

def test_a_frame_holds_no_text() -> None:
    names = {f.name for f in dataclasses.fields(Frame)}
    assert "caption" not in names and not any(isinstance(getattr(frames(Value(1.0) * 2.0)[1], n), str)
                                               for n in names - {"lang"})


@settings(max_examples=40, deadline=None)
@given(leaves=st.lists(st.floats(-2, 2, allow_nan=False), min_size=1, max_size=3), program=_programs,
       precision=st.integers(1, 8))
def test_captions_in_any_language_from_one_list_of_frames(leaves, program, precision) -> None:
    root = random_graph(leaves, program)
    english = frames(root, precision=precision, lang="en")
    for code in available_languages():
        made_in = frames(root, precision=precision, lang=code)
        assert [f.text(code) for f in english] == [f.caption for f in made_in]
        assert [f.lang for f in made_in] == [code] * len(made_in)
    assert [f.caption for f in english] == [f.text() for f in english] == [f.text("en") for f in english]


def test_captions_switch_language_on_the_same_frame() -> None:
    root = reference.build("000").loss()
    frame = frames(root, lang="en")[5]
    assert frame.caption.startswith("Step 6 of 40: at ")
    korean = frame.text("ko")
    assert korean.startswith("6/40단계") and "국소 미분" in korean
    assert frame.caption.startswith("Step 6 of 40")  # asking for another language changes nothing
    with pytest.raises(Exception, match="xx"):
        frame.text("xx")


def test_step_data_writes_captions_in_the_language_asked() -> None:
    root = reference.build("004").loss()
    frame_list = frames(root, lang="en")
    data = step_data(frame_list, render.node_ids(root), lang="ko")
    assert [s["caption"] for s in data["steps"]] == [f.caption for f in frames(root, lang="ko")]
    assert [s["caption"] for s in step_data(frame_list, {})["steps"]] == [f.caption for f in frame_list]


# --- the page: a template filled with the package's files --------------------------------------------

def placeholder_svg() -> str:
    return '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><text x="1" y="5">the layout</text></svg>'


def page_data(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="steps-data">(.*?)</script>', page, flags=re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_the_page_inlines_the_package_files_as_they_are() -> None:
    x = Value(3.0, name="x")
    y = x * x
    page = page_html(frames(y), placeholder_svg(), {}, interval_ms=250)
    player = (STATIC / "player.js").read_text(encoding="utf-8")
    assert STEPS_JS == player and player in page  # the one player, byte for byte
    assert (STATIC / "page.js").read_text(encoding="utf-8") in page
    assert (STATIC / "player.css").read_text(encoding="utf-8") in page
    assert STEP_STYLE.strip() == (STATIC / "steps.css").read_text(encoding="utf-8").strip()
    template = (STATIC / "page.html").read_text(encoding="utf-8")
    placeholders = set(re.findall(r"\$([a-z_]+)", template))
    assert {"svg", "data", "player_js", "page_js", "style", "caption"} <= placeholders
    outside = re.sub(r"<script.*?</script>", "", page, flags=re.S)
    assert "$" not in outside  # every placeholder filled
    data = page_data(page)
    assert data["interval"] == 250  # the speed is the caller's, not the script's
    assert sorted(data["captions"]) == sorted(available_languages())  # every language, from one list of frames


def test_the_static_files_can_be_inlined() -> None:
    for name in ("player.js", "page.js", "player.css", "steps.css"):
        text = (STATIC / name).read_text(encoding="utf-8").lower()
        assert "</script" not in text and "</style" not in text, name
    assert "{{" not in (STATIC / "page.html").read_text(encoding="utf-8")  # no brace-doubling anywhere
    assert "autodiffPlayer" in STEPS_JS and "autodiffSteps" in STEPS_JS
    page_js = (STATIC / "page.js").read_text(encoding="utf-8")
    assert "autodiffPlayer.create" in page_js and "setInterval" not in page_js  # one player: no second timer


def test_a_dollar_in_a_caption_or_title_is_text() -> None:
    a = Value(1.0, name="$x")
    y = a * 2.0
    y.name = "${y}"
    page = page_html(frames(y), placeholder_svg(), {}, title="$title")
    assert "<title>$title</title>" in page
    assert [s["caption"] for s in page_data(page)["steps"]] == [f.caption for f in frames(y)]
    assert "${y}" in page_data(page)["captions"]["en"][0]


# --- render: counting a graph, running dot -----------------------------------------------------------

def test_check_size_counts_nodes_and_edges() -> None:
    a = Value(2.0, name="a")
    y = (a + a) * a
    assert check_size(y, max_nodes=None, max_edges=None) == (3, 4)  # a, a + a, y; two edges into +, two into ×
    assert check_size(y, max_nodes=3, max_edges=4) == (3, 4)
    with pytest.raises(GraphTooLargeError, match="^lab: the graph has more than 3 edges"):
        check_size(y, max_nodes=None, max_edges=3, where="lab")
    with pytest.raises(GraphTooLargeError, match="more than 2 value nodes"):
        check_size(y, max_nodes=2, max_edges=None)


def test_a_failing_dot_is_one_error_class(monkeypatch) -> None:
    x = Value(1.0, name="x")
    graph = render.draw(x * 2.0)
    assert render_svg(graph).lstrip().startswith(("<?xml", "<svg", "<!--"))
    broken = render.Graph()
    broken.body.append("this is not { dot")
    with pytest.raises(RenderError, match=r"Graphviz's dot failed \(exit status 1\): .*syntax error"):
        render_svg(broken)

    def slow(*args, **kwargs):
        raise subprocess.TimeoutExpired(args[0], kwargs["timeout"])

    monkeypatch.setattr(subprocess, "run", slow)
    with pytest.raises(RenderError, match="took longer than 0.5 s"):
        render_svg(graph, timeout=0.5)
    monkeypatch.setattr(render.shutil, "which", lambda name: None)
    with pytest.raises(GraphvizNotFoundError, match="install"):
        render_svg(graph)
