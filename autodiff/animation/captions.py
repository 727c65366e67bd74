"""The words of the backward pass: a frame's caption and its edge note, written when asked for.

A ``Frame`` holds numbers and nodes; ``caption(frame, lang)`` writes what a teacher says at
that step, in ``lang``, from the message catalogue: where we are, the edge's local derivative
(its formula, when it can be written with names), the contribution added and the running sum.
Numbers are written as the drawings write them (``render.format_number``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..engine import Value
from ..i18n import translate
from ..render import format_number

if TYPE_CHECKING:
    from ..labels import Labels
    from .replay import Frame

__all__ = ["caption", "edge_note", "describe"]


def _paren(text: str) -> str:
    """A negative number as a second operand: 1 × (-0.5)."""
    return f"({text})" if text.startswith("-") else text


def describe(node: Value, precision: int, lang: str, labels: Labels | None = None) -> str:
    """How a caption names a node: σ node 'A3', × node 'q₁' (its automatic name, from ``labels``), the unnamed
    × node with value 0.25 (a loss's inner node), 'W_5', the constant 1."""
    label = labels(node) if labels is not None else node.name
    if node.op is not None:
        if label is not None:
            return translate("{op} node '{name}'", lang, op=node.op.symbol, name=label)
        return translate("the unnamed {op} node with value {value}", lang, op=node.op.symbol,
                         value=format_number(node.data, precision))
    if node.name is not None:
        return f"'{node.name}'"
    return translate("the constant {value}", lang, value=format_number(node.data, precision))


def _short(node: Value, precision: int, lang: str, labels: Labels | None = None) -> str:
    """A node's name in 'the gradient of ...'."""
    label = labels(node) if labels is not None else node.name
    return f"'{label}'" if label is not None else describe(node, precision, lang, labels)


def _name_or(node: Value, lang: str, labels: Labels | None = None) -> str:
    """How d_/d_ writes a node: dE, d(Loss), dq₁, d(output)."""
    label = labels(node) if labels is not None else node.name
    name = label if label is not None else translate("output", lang)
    return name if len(name) == 1 else f"({name})"


def edge_note(frame: Frame, precision: int) -> str | None:
    """``local × upstream = contribution``, for the edge ``frame`` uses (None for the seed)."""
    if frame.local is None or frame.contribution is None:
        return None
    f = format_number
    return f"{f(frame.local, precision)} × {_paren(f(frame.upstream, precision))} = {f(frame.contribution, precision)}"


def caption(frame: Frame, lang: str) -> str:
    """The words for ``frame`` in ``lang`` (a code ``resolve_language`` returned)."""
    if frame.parent is None:
        return _seed_caption(frame, lang)
    return _step_caption(frame, lang)


def _seed_caption(frame: Frame, lang: str) -> str:
    root, precision, labels = frame.node, frame.precision, frame.labels
    values = {"step": 1, "total": frame.total, "node": describe(root, precision, lang, labels),
              "r": _name_or(root, lang, labels)}
    if root.op is not None and (labels(root) if labels is not None else root.name) is None:
        text = translate("Step {step} of {total}: start at the output, {node}. d{r}/d{r} = 1, so its gradient is 1.",
                         lang, **values)
    else:
        text = translate("Step {step} of {total}: start at the output, {node}, value {value}. d{r}/d{r} = 1, so its "
                         "gradient is 1.", lang, value=format_number(root.data, precision), **values)
    if frame.total == 1:
        return text + " " + translate("It depends on nothing, so there is nothing more to do.", lang)
    return text + " " + translate("Gradients now flow backward, one edge at a time.", lang)


def _step_caption(frame: Frame, lang: str) -> str:
    """The words for one edge: where we are, the local derivative, what is added, the running sum."""
    node, parent, i, precision = frame.node, frame.parent, frame.parent_index, frame.precision
    local, contribution, accumulated = frame.local, frame.contribution, frame.accumulated
    k, n = frame.received, frame.receives
    assert parent is not None and i is not None and local is not None and contribution is not None
    assert accumulated is not None and k is not None and n is not None

    def f(x: float) -> str:
        return format_number(x, precision)

    target = _short(parent, precision, lang, frame.labels)
    formula = frame.formula
    local_text = f(local) if formula is None or formula.kind == "num" else f"{formula.text()} = {f(local)}"
    if len(node.parents) == 1:
        edge = translate("the edge to {target}", lang, target=target)
    else:
        edge = translate("edge {i} of {n} (to {target})", lang, i=i + 1, n=len(node.parents), target=target)
    values = {"step": frame.index + 1, "total": frame.total, "node": describe(node, precision, lang, frame.labels),
              "upstream": f(frame.upstream), "edge": edge, "local": local_text,
              "product": f"{f(local)} × {_paren(f(frame.upstream))}", "contribution": f(contribution),
              "target": target, "accumulated": f(accumulated)}
    if n == 1:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target}, now {accumulated} "
                         "(its only contribution: complete).", lang, **values)
    if k == 1:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target}, now {accumulated} "
                         "(contribution 1 of {n}).", lang, n=n, **values)
    before = frame.previous
    assert before is not None
    values.update(k=k, n=n, before=f(before), contribution_p=_paren(f(contribution)))
    if k == n:
        return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                         "{local}; it adds {product} = {contribution} to the gradient of {target} (contribution {k} of "
                         "{n}: complete), now {before} + {contribution_p} = {accumulated}.", lang, **values)
    return translate("Step {step} of {total}: at {node}, upstream gradient {upstream}; {edge} has local derivative "
                     "{local}; it adds {product} = {contribution} to the gradient of {target} (contribution {k} of "
                     "{n}), now {before} + {contribution_p} = {accumulated}.", lang, **values)
