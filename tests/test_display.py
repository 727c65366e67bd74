"""What the project's objects show in Jupyter, and their one-line reprs (autodiff.display and the _repr_ methods)."""

from __future__ import annotations

import contextlib
import html
import io
import re
from pathlib import Path

import pytest

from autodiff import OPS, Sym, Value, animate, check_formula, draw, explain
from autodiff.animation import frames
from autodiff.display import AnimationPath, fit_svg_to_width, markdown_table, one_line, svg_as_html
from nn import MLP, SGD, Layer, Neuron, reference
from nn.course.documents import DOCUMENTS
from nn.course.toy import fit


def neuron() -> Value:
    x, w, b = Value(2.0, name="x"), Value(-3.0, name="w"), Value(1.0, name="b")
    y = (x * w + b).tanh()
    y.name = "y"
    y.backward()
    return y


def test_every_public_object_has_a_short_one_line_repr_saying_what_it_is() -> None:
    y = neuron()
    model = MLP(2, [3, 1])
    with contextlib.redirect_stdout(io.StringIO()):
        run = fit("xor", epochs=2, quiet=True)
    objects = {
        "Value": y, "Sym": Sym.var("a") * Sym.var("b"), "Op": next(iter(OPS.values())), "MLP": model,
        "Neuron": Neuron(2), "Layer": Layer(2, 3), "SGD": SGD(model.parameters(), lr=0.1),
        "Frame": frames(y)[1], "Explanation": explain(y, "w"), "Verdict": check_formula(y, "w", "x"),
        "ReferenceCase": reference.build("001"), "DocFormula": DOCUMENTS["001"][2], "Run": run,
        "AnimationPath": AnimationPath("page.html"),
    }
    for name, obj in objects.items():
        text = repr(obj)
        assert "\n" not in text and len(text) <= 200, (name, text)
        assert text.startswith(name), (name, text)


def test_an_explanation_shows_as_display_math() -> None:
    y = neuron()
    e = explain(y, "w")
    assert e._repr_latex_() == f"$$\n{e.latex()}\n$$"


def test_a_verdict_shows_ok_or_wrong_in_bold_then_the_checkers_lines() -> None:
    y = neuron()
    right = check_formula(y, "w", "(1 - y^2)*x")
    wrong = check_formula(y, "w", "(1 - y)*x")
    assert right.ok and not wrong.ok
    assert right._repr_markdown_().startswith("**OK**: ") and "WRONG" not in right._repr_markdown_()
    shown = wrong._repr_markdown_()
    assert shown.startswith("**WRONG**: ")
    assert shown.count("  \n") == len(wrong.text().splitlines()) - 1  # one Markdown line break per line
    assert "(1 - y)\\*x" in shown  # the formula as typed, its '*' escaped (not read as emphasis)


def test_a_reference_case_shows_its_network_and_a_gradient_table() -> None:
    case = reference.build("004")
    before = case._repr_markdown_()
    assert "No backward pass yet" in before and "✓" not in before
    case.loss().backward()
    after = case._repr_markdown_()
    assert "No backward pass yet" not in after
    assert f"{len(case.model.parameters())} parameters" in after and repr(case.model) in after
    for name, p in case.model.named_parameters():
        assert f"| {name} | {p.grad!r} | {case.expected_gradients[name]!r} | ✓ |" in after


def test_animate_returns_a_path_that_embeds_the_player(tmp_path: Path) -> None:
    y = neuron()
    page = animate(y, tmp_path / "page.html")
    assert isinstance(page, AnimationPath) and isinstance(page, Path)
    assert page == tmp_path / "page.html" and page.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    shown = page._repr_html_()
    assert shown is not None
    srcdoc = re.search(r'srcdoc="([^"]*)"', shown)
    assert srcdoc is not None and html.unescape(srcdoc.group(1)) == page.read_text(encoding="utf-8")
    assert 'sandbox="allow-scripts"' in shown and "width: 100%" in shown
    assert AnimationPath(tmp_path)._repr_html_() is None  # a folder (e.g. page.parent) shows no player
    assert AnimationPath(tmp_path / "missing.html")._repr_html_() is None


def test_a_wide_svg_is_capped_at_the_cells_width_and_keeps_its_size_otherwise() -> None:
    svg = '<?xml version="1.0"?>\n<svg width="1402pt" height="742pt"\n viewBox="0.00 0.00 1402.00 742.00">\n</svg>\n'
    fitted = fit_svg_to_width(svg)
    assert re.search(r'<svg width="1402pt" height="742pt"\n viewBox="[^"]*" style="max-width: 100%; height: auto">',
                     fitted)
    assert fit_svg_to_width(fitted) == fitted  # once only
    assert fit_svg_to_width("<svg width='3'>no viewBox</svg>") == "<svg width='3'>no viewBox</svg>"
    image = svg_as_html(fitted, alt='a "graph"')
    assert image.startswith('<img src="data:image/svg+xml;base64,') and 'alt="a &quot;graph&quot;"' in image


def test_a_drawing_in_jupyter_offers_svg_and_width_capped_html() -> None:
    bundle = draw(neuron())._repr_mimebundle_()
    assert set(bundle) == {"image/svg+xml", "text/html"}
    assert "max-width: 100%" in bundle["image/svg+xml"]
    assert draw(neuron())._repr_mimebundle_(exclude=["text/html"]).keys() == {"image/svg+xml"}


@pytest.mark.parametrize("text, limit, expected", [
    ("a\n  b\tc", 200, "a b c"),
    ("x" * 250, 200, "x" * 199 + "…"),
    ("short", 5, "short"),
])
def test_one_line(text: str, limit: int, expected: str) -> None:
    assert one_line(text, limit) == expected


def test_markdown_table_escapes_cells_and_keeps_every_digit() -> None:
    table = markdown_table(["name", "value"], [["a|b_c*<i>", 0.1 + 0.2], ["two\nlines", 1.0]])
    lines = table.splitlines()
    assert lines[:2] == ["| name | value |", "|---|---|"]
    assert lines[2] == "| a\\|b\\_c\\*&lt;i&gt; | 0.30000000000000004 |"
    assert lines[3] == "| two lines | 1.0 |"
