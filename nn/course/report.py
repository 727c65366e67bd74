"""Plain-text tables that put our numbers beside a document's (used by the examples).

A hand formula is written once, as an ``autodiff.Sym`` expression over the graph's node
names; the same expression gives the printed text and, evaluated on the forward values,
the number. The gradient it is compared with always comes from ``backward()``.
``describe_model`` says what a network is made of in the learner's language (its ``repr`` is code,
and stays as it is).
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any, Callable, Mapping, Protocol, Sequence

from autodiff import Value
from autodiff.i18n import N_, lookup, translate, translate_plural
from nn import named_nodes
from nn.reference import ReferenceCase, build

TOLERANCE = 1e-12


class Formula(Protocol):
    """A hand formula as the tables use it: ``Sym`` or anything with its ``text`` and ``evaluate``."""

    def text(self) -> str: ...

    def evaluate(self, values: Mapping[str, float]) -> float: ...


def fmt(x: float | None, digits: int = 15) -> str:
    """A number to ``digits`` significant digits ('' for None)."""
    return "" if x is None else f"{x:.{digits}g}"


def width(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide characters (Hangul) take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def heading(text: str, char: str = "=") -> str:
    return f"\n{text}\n{char * width(text)}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """Columns padded to their widest cell; numbers right-aligned, text left-aligned."""
    cells = [[h for h in headers]] + [[c if isinstance(c, str) else fmt(c) for c in row] for row in rows]
    numeric = [all(not isinstance(row[i], str) for row in rows) for i in range(len(headers))]
    widths = [max(width(r[i]) for r in cells) for i in range(len(headers))]
    lines = []
    for n, row in enumerate(cells):
        padded = [" " * (w - width(c)) + c if numeric[i] else c + " " * (w - width(c))
                  for i, (c, w) in enumerate(zip(row, widths))]
        lines.append(" | ".join(padded).rstrip())
        if n == 0:
            lines.append("-+-".join("-" * w for w in widths))
    return "\n".join(lines)


def values_of(root: Value) -> dict[str, float]:
    """Every named node's forward value (inputs, parameters, pre-activations, activations, loss)."""
    return {name: node.data for name, node in named_nodes(root).items()}


def agree(ours: float, theirs: float, tol: float = TOLERANCE) -> str:
    """'✓ same' when the two agree to ``tol``, else how far apart they are."""
    return translate("✓ same") if abs(ours - theirs) <= tol else translate("✗ off by {difference}",
                                                                         difference=f"{ours - theirs:+.3g}")


def _short(ours: float, theirs: float, what: str) -> str:
    return f"{what} ✓" if abs(ours - theirs) <= TOLERANCE else f"{what} ✗ ({ours - theirs:+.3g})"


def printed_decimals(x: float) -> int:
    """How many decimals a document printed, read from the shortest repr of its number."""
    text = repr(float(x))
    return 0 if "e" in text or "." not in text else len(text.split(".")[1].rstrip("0") or "")


def document_verdict(document: float, exact: float) -> str:
    """Whether a printed (rounded) number is the exact one rounded to the digits shown."""
    decimals = printed_decimals(document)
    if abs(document - exact) <= 0.5 * 10.0**-decimals + 1e-15:
        return translate("doc ✓ ({decimals} dp)", decimals=decimals)
    return translate("doc ✗ ({difference})", difference=f"{document - exact:+.2g}")


def forward_table(root: Value, expected: Mapping[str, float]) -> str:
    """node | our forward value | golden value | verdict."""
    values = values_of(root)
    return table([translate("node"), translate("ours"), "golden.json", translate("check")],
                 [[name, values[name], value, agree(values[name], value)] for name, value in expected.items()])


def evaluate(formula: Formula, values: Mapping[str, float]) -> float:
    """A hand formula's value on the forward values (a NaN marks a name the graph lacks)."""
    try:
        return formula.evaluate(values)
    except KeyError:
        return math.nan


def gradient_table(
    gradients: Mapping[str, float],
    formulas: Mapping[str, Formula],
    values: Mapping[str, float],
    golden: Mapping[str, float] | None = None,
    document: Mapping[str, float] | None = None,
) -> str:
    """param | from backward | hand formula | document | verdict | the formula's text.

    The verdict compares backward's gradient with the hand formula (and with golden.json's
    number, if given) to 1e-12, and says whether the document's rounded number is right.
    """
    rows = []
    for name, ours in gradients.items():
        formula = formulas[name]
        by_hand = evaluate(formula, values)
        verdict = [_short(ours, by_hand, translate("formula"))]
        if golden is not None:
            verdict.append(_short(ours, golden[name], translate("golden")))
        doc = None if document is None else document.get(name)
        if doc is not None:
            verdict.append(document_verdict(doc, ours))
        rows.append([name, ours, by_hand, "" if doc is None else repr(doc), ", ".join(verdict), formula.text()])
    headers = [translate("param"), translate("from backward"), translate("hand formula"), translate("document"),
               translate("verdict"), translate("hand formula (as evaluated)")]
    if document is None:
        headers.pop(3)
        for row in rows:
            row.pop(3)
    return table(headers, rows)


_ACTIVATIONS = {"sigmoid": N_("sigmoid"), "tanh": N_("tanh"), "relu": N_("ReLU"), "linear": N_("linear")}


def _bias_words(mode: str) -> str:
    if mode.startswith("shared bias "):
        return translate("one bias {name} shared by the layer", name=mode.removeprefix("shared bias "))
    words = {"with bias": N_("a bias per unit"), "no bias": N_("no bias"), "mixed biases": N_("mixed biases")}
    return lookup(words[mode]) if mode in words else mode


def describe_model(model: Any) -> str:
    """``2 inputs → hidden layer: 3 sigmoid units (…) → output layer: 1 sigmoid unit (…)``, in the learner's language."""
    parts = [translate_plural("{count} input", "{count} inputs", model.nin, count=model.nin)]
    for k, layer in enumerate(model.layers, start=1):
        acts = sorted({n.activation for n in layer.units})
        activation = "/".join(lookup(_ACTIVATIONS[a]) if a in _ACTIVATIONS else a for a in acts)
        count, bias = len(layer.units), _bias_words(layer.bias_mode())
        if k < len(model.layers):
            parts.append(translate_plural("hidden layer: {count} {activation} unit ({bias})",
                                          "hidden layer: {count} {activation} units ({bias})", count,
                                          count=count, activation=activation, bias=bias))
        else:
            parts.append(translate_plural("output layer: {count} {activation} unit ({bias})",
                                          "output layer: {count} {activation} units ({bias})", count,
                                          count=count, activation=activation, bias=bias))
    return " → ".join(parts)


def open_case(
    seed: str,
    loss_formula: str,
    describe: Callable[[ReferenceCase], str] = lambda case: "",
    forward_title: str = N_("Forward values:"),
) -> tuple[ReferenceCase, Value]:
    """Print a document's heading, model, loss and forward values; return the case and its loss.

    ``backward()`` has run on the returned loss, so every gradient is in place.
    """
    case = build(seed)
    print(heading(lookup(case.title)))
    print(translate("model: {model}", model=f"{case.model!r}{describe(case)}"))
    print(f"       {describe_model(case.model)}")
    loss = case.loss()
    loss.backward()
    print("\n" + translate("{loss} = {value}   {check} with golden.json", loss=loss_formula, value=repr(loss.data),
                           check=agree(loss.data, case.expected_loss)))
    print(f"\n{lookup(forward_title)}")
    print(forward_table(loss, case.expected_forward()))
    return case, loss
