"""What a drawing writes: numbers at a drawing's precision, text made safe for Graphviz's labels, node ids,
and each edge's formula from its operation's derivative rule (``render.draw`` and the animation use them).

Node ids come from ``topological_order``, so the same graph always gives the same ids.
"""

from __future__ import annotations

import math
from typing import Mapping, Sequence

from .engine import Value
from .formatting import format_number as _format
from .labels import Labels
from .symbolic import Sym
from .traversal import topological_order

_MAX_EXPANSION_CHARS = 24  # an unnamed node appears in an edge formula as its expression up to this length


# --- text ------------------------------------------------------------------------------------

def format_number(x: float, precision: int = 4) -> str:
    """``x`` at ``precision`` significant digits: 0.35, 0.0009291, 2.5e-07; never ``-0`` (``formatting``'s drawing style)."""
    return _format(x, "drawing", precision)


def display_text(text: str) -> str:
    """``text`` as a drawing shows it: control characters become visible symbols.

    Newlines stay (they break the line). Every other C0 control character (tab and NUL
    included) becomes its Unicode "control picture" (``\\t`` -> ``␉``), DEL becomes ``␡``,
    and U+FFFE / U+FFFF, which XML (so SVG) cannot hold at all, become ``U+FFFE`` / ``U+FFFF``.
    Everything else, any script and any symbol, is kept as it is.
    """
    out = []
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            out.append(ch)
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code == 0x7F:
            out.append("\u2421")
        elif code in (0xFFFE, 0xFFFF):
            out.append(f"U+{code:04X}")
        elif 0xD800 <= code <= 0xDFFF:
            raise ValueError(
                f"cannot draw the lone surrogate U+{code:04X}: it is not a character, and text holding one "
                f"cannot be encoded for Graphviz"
            )
        else:
            out.append(ch)
    return "".join(out)


_HTML_ESCAPES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "\\": "\\\\", "\n": '<BR ALIGN="CENTER"/>',
                 "]": "&#93;"}  # Graphviz 2.43 rejects a label text that starts with "]"


def _html(text: str) -> str:
    """Text for a Graphviz HTML-like label: markup characters escaped, newlines as line breaks.

    Graphviz expands escapes such as ``\\N`` (the node's id) even inside HTML labels, so each
    backslash is doubled.
    """
    return "".join(_HTML_ESCAPES.get(ch, ch) for ch in display_text(text))


def _font(text: str, colour: str | None = None, bold: bool = False) -> str:
    if bold and text:  # Graphviz refuses an empty <B></B>
        text = f"<B>{text}</B>"
    return f'<FONT COLOR="{colour}">{text}</FONT>' if colour and text else text


# --- reading the graph -----------------------------------------------------------------------

def node_ids(root: Value) -> dict[Value, str]:
    """Every Value of ``root``'s graph -> its node id in the drawing: ``v0`` for ``root``, then ``v1``, ...

    The numbering follows ``topological_order(root)``, never ``id()``, so two graphs built the
    same way get the same ids. An operation's circle has its result's id plus ``_op``.
    """
    return {node: f"v{k}" for k, node in enumerate(topological_order(root))}


def _check_in_graph(node: object, order_set: set[Value], what: str) -> Value:
    if not isinstance(node, Value):
        raise TypeError(f"draw: {what} must be a Value, got {type(node).__name__}")
    if node not in order_set:
        raise ValueError(f"draw: {what} {node!r} is not in the graph of the root")
    return node


# --- edge formulas -----------------------------------------------------------------------------

def _symbols(order: Sequence[Value], labels: Labels | None = None) -> dict[Value, Sym | None]:
    """How an edge formula writes each node: its label, a constant's number, or a short expression.

    A node without a label (a loss's inner node) is written as the expression that made it,
    when that is short; otherwise it has no symbol (None) and formulas that need it show only
    their number. ``labels`` are those of the graph whose ``topological_order`` is ``order``.
    """
    if labels is None:
        labels = Labels(order[0], list(order)) if order else None
    symbols: dict[Value, Sym | None] = {}
    for node in reversed(order):  # parents first
        label = labels(node) if labels is not None else node.name
        if label is not None:
            symbols[node] = Sym.var(label)
        elif node.op is None:  # a constant: its number (inf and nan have none a formula can print)
            symbols[node] = Sym.num(node.data) if math.isfinite(node.data) else None
        else:
            args = [symbols[p] for p in node.parents]
            expr = None
            if all(a is not None for a in args):
                expr = node.op.apply(*args)
            try:
                if expr is not None and len(Sym.lift(expr).text()) > _MAX_EXPANSION_CHARS:
                    expr = None
            except (OverflowError, ValueError):  # a folded number that is not finite
                expr = None
            symbols[node] = None if expr is None else Sym.lift(expr)
    return symbols


def graph_symbols(root: Value, labels: Labels | None = None) -> dict[Value, Sym | None]:
    """How the edge formulas of root's graph write each node (for ``edge_formula``): its label,
    a constant's number, or a loss's inner node as its short expression; ``labels`` default to root's."""
    order = topological_order(root)
    return _symbols(order, labels if labels is not None else Labels(root, order))


def edge_formula(node: Value, index: int, symbols: Mapping[Value, Sym | None] | None = None) -> Sym | None:
    """d(node)/d(parent ``index``) as a formula, from the operation's own derivative rule, or None.

    Nodes are written by name; an unnamed constant as its number and an unnamed computed node
    as its expression when that is short (``symbols`` caches this for a whole graph). None when
    the rule needs a node that cannot be written so. A formula that is just a number is
    returned as a number ``Sym``.
    """
    if node.op is None:
        return None
    if symbols is None:
        symbols = _symbols(topological_order(node))
    args = [symbols.get(p) for p in node.parents] + [symbols.get(node)]
    used: set[str] = set()
    for a in args:
        if a is not None:
            used |= a.names()
    missing = "\x00?"  # stands for a node without a symbol; made unlike every name in use
    while missing in used:
        missing += "?"
    try:
        formula = Sym.lift(node.op.derivative(*[Sym.var(missing) if a is None else a for a in args])[index])
        formula.text()  # a folded number that is not finite cannot be printed
    except Exception:  # a rule that cannot be written with symbols: the number alone
        return None
    return None if missing in formula.names() else formula
