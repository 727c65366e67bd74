"""The one expression builder: formula text plus a number for each leaf → a graph of Values.

``build_expression("tanh(x1*w1 + x2*w2 + b)", {"x1": 2, "w1": -3, ...})`` reads the text in the
checker's syntax (``formula.parse_formula``; ``δ(v)`` is refused) and builds it with the
``Value`` operations: each name becomes one leaf ``Value`` named after it (``a + a`` uses the
same leaf twice), each number an unnamed constant, and each function call the ``Value`` method
of that name. Nothing recurses and nothing is evaluated as Python.

``parse_values("x1=2, w1=-3.5")`` reads the leaf values from text: ``name=number`` entries
separated by commas, semicolons or new lines; an error (``ValuesError``) names the bad entry and
its position. Used by the lab and the command line. What an error says is wrong with the text is
in the learner's language (``autodiff.i18n``), as the formula reader's errors are.
"""

from __future__ import annotations

import math
import numbers
import operator
import re
import unicodedata
from dataclasses import dataclass
from typing import Callable, Mapping, Sequence

from .engine import Value
from .i18n import translate
from .ops import USER_OPS, find
from .formatting import format_number
from .formula import (DELTA_NAMES, FUNCTIONS, MAX_FORMULA_LENGTH, OPERATOR_CHARACTERS, FormulaError, UnknownNameError,
                      parse_formula)
from .symbolic import Sym
from .traversal import topological_order

__all__ = ["build_expression", "parse_values", "check_leaf_name", "UnusedValueError", "ValuesError", "MAX_LEAVES",
           "MAX_VALUES_LENGTH"]

MAX_LEAVES = 1000
"""At most this many leaf values (a formula of at most ``MAX_FORMULA_LENGTH`` characters uses far fewer)."""
MAX_VALUES_LENGTH = 20 * MAX_LEAVES
"""The longest text ``parse_values`` reads."""

_NAME_FORBIDDEN = OPERATOR_CHARACTERS | {",", ";", "=", "\n", "\r"}
_INVISIBLE = {"Cf", "Cc", "Co", "Cs", "Cn", "Zl", "Zp"}  # format, control, private, unassigned, line breaks
_NUMBER = re.compile(r"[+\-−]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+\-]?\d+)?", re.ASCII)
# The Value operations each kind of formula node becomes (a table, so adding one is one line).
_BINARY: dict[str, Callable[[Value, Value], Value]] = {
    "add": operator.add, "sub": operator.sub, "mul": operator.mul, "div": operator.truediv, "pow": operator.pow,
}
_NEG: Callable[[Value], Value] = operator.neg
_POW: Callable[[Value, float], Value] = operator.pow
_METHODS: dict[str, Callable[[Value], Value]] = {
    "sigmoid": Value.sigmoid, "exp": Value.exp, "log": Value.log, "tanh": Value.tanh, "relu": Value.relu,
    "sin": Value.sin, "cos": Value.cos, "sqrt": Value.sqrt, "abs": Value.abs,
    "step": Value.step, "sign": Value.sign,  # constants: no gradient flows through them
}


class ValuesError(ValueError):
    """``parse_values``'s error: the bad entry (``count``: which one, from 1; ``entry``: its text), where it
    starts in the text (``position``, the 0-based index; the message counts from 1) and what is wrong with it (``problem``, in the learner's language;
    ``reason`` says it with the entry, as the lab shows it beside the box)."""

    field = "values"

    def __init__(self, where: str, count: int, entry: str, position: int, problem: str):
        self.count, self.entry, self.position, self.problem = count, entry, position, problem
        self.reason = translate("entry {count} {entry}: {problem}", count=count, entry=repr(entry), problem=problem)
        super().__init__(f"{where}: entry {count} {entry!r} at position {position + 1}: {problem}")


def check_leaf_name(name: object, where: str) -> str:
    """``name`` folded with NFKC (``ｘ`` → ``x``) if it can name a leaf of an expression, else a clear error.

    A leaf name is a non-empty str without surrounding spaces, without an operator, a
    parenthesis, ``,`` ``;`` ``=`` or a line break, without an invisible format or control
    character (a zero-width space, a right-to-left override: two such names would print the
    same), not starting with a digit or ``.``, and not a function name (``exp``) or
    ``δ``/``delta``: so that every formula reads one way. The name is folded by itself, never
    with the text around it (folding a whole formula would turn ``x²`` into ``x2``).
    """
    if not isinstance(name, str):
        raise TypeError(f"{where}: a leaf name must be a str, got {type(name).__name__} {name!r}")
    hidden = next((c for c in name if unicodedata.category(c) in _INVISIBLE), None)
    if hidden is not None:
        raise ValueError(f"{where}: the leaf name {name!r} contains the invisible character "
                         f"U+{ord(hidden):04X} {unicodedata.name(hidden, 'without a name')}; type the name without it")
    name = unicodedata.normalize("NFKC", name)
    if not name or name != name.strip():
        problem = (translate("the leaf name {name} is empty", name=repr(name)) if not name else
                   translate("the leaf name {name} is surrounded by spaces", name=repr(name)))
        raise ValueError(f"{where}: {problem}")
    bad = next((c for c in name if c in _NAME_FORBIDDEN), None)
    if bad is not None:
        raise ValueError(f"{where}: " + translate("the leaf name {name} contains {character}, which a formula reads "
                                                  "as an operator or separator", name=repr(name), character=repr(bad)))
    if name[0].isdigit() or name[0] == ".":
        raise ValueError(f"{where}: " + translate("the leaf name {name} starts with a digit or '.', so it reads as a "
                                                  "number", name=repr(name)))
    if name in FUNCTIONS or name in DELTA_NAMES:
        raise ValueError(f"{where}: " + translate("the leaf name {name} is the name of a function", name=repr(name)))
    return name


class UnusedValueError(ValueError):
    """A value was given for a name the expression does not use; ``field`` is ``"values"`` (the box to fix)."""

    field = "values"

    def __init__(self, message: str, names: Sequence[str]):
        super().__init__(message)
        self.names = tuple(names)


@dataclass(frozen=True)
class _Statement:
    """One line of an expression: ``name = body`` (``name`` None for a bare body) and where each part starts."""

    name: str | None
    name_start: int
    start: int  # of the body
    end: int


def _statements(text: str) -> list[_Statement]:
    """The statements of ``text``, split at ``;`` and line breaks (empty ones skipped)."""
    out: list[_Statement] = []
    for match in re.finditer(r"[^;\n\r]+", text):
        part = match.group()
        if not part.strip():
            continue
        before, eq, _ = part.partition("=")
        if not eq:
            start = match.start() + len(part) - len(part.lstrip())
            out.append(_Statement(None, start, start, match.end()))
            continue
        name = before.strip()
        name_start = match.start() + len(before) - len(before.lstrip())
        if not name:
            raise FormulaError(translate("a step needs a name before '=', as in q = x + y"), text,
                               match.start() + len(before), "=")
        out.append(_Statement(name, name_start, match.start() + len(before) + 1, match.end()))
    if not out:
        raise FormulaError(translate("the formula is empty"), text, 0, "")
    return out


def build_expression(text: str, values: Mapping[str, float], *, name: str | None = None) -> Value:
    """The graph of Values that ``text`` describes, with ``values[name]`` at each leaf ``name``.

    ``text`` uses the checker's syntax (``+ - * / ^ **``, ``− × · ÷``, parentheses, implicit
    multiplication, ``σ``/``sigmoid``, ``exp``, ``log``/``ln``, ``tanh``, ``relu``), at most
    ``MAX_FORMULA_LENGTH`` characters. It may name its steps as lectures do, one per line or
    separated by ``;``: ``q = x + y; f = q * z`` makes the node ``q`` and the result ``f``; each
    step may use the leaves and the steps before it, and only the last may be a bare expression.
    A power whose exponent has no names (``x^2``, ``x^-1``) is the constant-exponent power;
    with names in the exponent it is ``Value ** Value``. ``name`` names the result when the text
    does not. Raises ``FormulaError`` (with the position) for text it cannot read, for a name
    without a value ("no value given for y"), or when a step cannot be computed (``log(0)``,
    ``1/0``); ``UnusedValueError`` for a value the expression does not use; ``TypeError``/
    ``ValueError`` for other bad ``values`` (two names that fold to the same, see ``check_leaf_name``).
    """
    where = "build_expression"
    if not isinstance(text, str):
        raise TypeError(f"{where}: text must be a str, got {type(text).__name__}")
    if not isinstance(values, Mapping):
        raise TypeError(f"{where}: values must map leaf names to numbers, got {type(values).__name__}")
    if len(values) > MAX_LEAVES:
        raise ValueError(f"{where}: {len(values)} leaf values given, more than {MAX_LEAVES}")
    if len(text) > MAX_FORMULA_LENGTH:
        raise FormulaError(translate("the formula is longer than {limit} characters", limit=MAX_FORMULA_LENGTH))
    leaves: dict[str, Value] = {}
    given_as: dict[str, str] = {}
    for raw, number in values.items():
        leaf = check_leaf_name(raw, where)
        if leaf in leaves:
            raise ValueError(f"{where}: the leaf names {given_as[leaf]!r} and {raw!r} are the same name {leaf!r} "
                             f"(they would print the same)")
        if not isinstance(number, numbers.Real) or isinstance(number, bool):
            raise TypeError(f"{where}: the value of {raw!r} must be a real number, got {type(number).__name__} "
                            f"{number!r}")
        leaves[leaf], given_as[leaf] = Value(number, name=leaf), str(raw)
    known: dict[str, Value] = dict(leaves)
    steps: dict[str, _Statement] = {}
    statements = _statements(text)
    result: Value | None = None
    for k, statement in enumerate(statements):
        if statement.name is None and k < len(statements) - 1:
            raise FormulaError(translate("only the last line may be an expression without a name; name this step, "
                                         "as in q = x + y"), text, statement.start, text[statement.start:statement.end])
        node = _build(_parse_step(text, statement, known), known, text, statement.start)
        if statement.name is not None:
            node = _name_step(text, statement, node, known, leaves)
            steps[statement.name] = statement
        result = node
    assert result is not None
    in_graph = {n.name for n in topological_order(result) if n.name is not None}
    unused_steps = [step for step in steps if step not in in_graph]
    if unused_steps:
        first = steps[unused_steps[0]]
        raise FormulaError(translate("the step {name} is not used by the result", name=unused_steps[0]), text,
                           first.name_start, unused_steps[0])
    unused = [leaf for leaf in leaves if leaf not in in_graph]
    if unused:
        shown = ", ".join(repr(given_as[u]) for u in unused)
        raise UnusedValueError(translate("a value is given for {names}, which the expression does not use",
                                         names=shown), unused)
    if name is not None and result.name is None and result.op is not None:
        taken = check_leaf_name(name, where)
        if taken in known:
            raise ValueError(f"{where}: the result's name {name!r} is already a leaf's or a step's")
        result.name = taken
    return result


def _parse_step(text: str, statement: _Statement, known: Mapping[str, Value]) -> Sym:
    """One statement's body as a ``Sym``; errors say where in the whole text, and name a missing value."""
    body = text[statement.start:statement.end]
    try:
        return parse_formula(body, list(known), allow_delta=False)
    except UnknownNameError as error:
        position = statement.start + (error.position or 0)
        raise FormulaError(translate("no value given for {name}", name=error.token) + error.hint, text, position,
                           error.token) from None
    except FormulaError as error:
        if error.position is None:
            raise
        raise FormulaError(error.reason, text, statement.start + error.position, error.token) from None


def _name_step(text: str, statement: _Statement, node: Value, known: dict[str, Value],
               leaves: Mapping[str, Value]) -> Value:
    """Give the step's node its name (a name of its own: not a leaf's, not another step's)."""
    assert statement.name is not None
    try:
        step = check_leaf_name(statement.name, "build_expression")
    except ValueError as error:
        raise FormulaError(str(error).removeprefix("build_expression: "), text, statement.name_start,
                           statement.name) from None
    if step in leaves:
        raise FormulaError(translate("{name} is given a value and also defined as a step; keep one", name=step), text,
                           statement.name_start, statement.name)
    if step in known:
        raise FormulaError(translate("the step {name} is defined twice", name=step), text, statement.name_start,
                           statement.name)
    if node.op is None or node.name is not None:
        raise FormulaError(translate("{name} = … only repeats a node; a step must compute something", name=step),
                           text, statement.name_start, statement.name)
    node.name = step
    known[step] = node
    return node


def _build(root: Sym, leaves: Mapping[str, Value], text: str, offset: int = 0) -> Value:
    """``root`` as Values, children before parents, left operands first (an explicit stack, no recursion).

    ``leaves`` maps each name to its node (a leaf or an earlier step); ``offset`` is where the
    statement starts in ``text``, for the positions of errors."""
    built: dict[int, Value] = {}
    stack: list[tuple[Sym, bool]] = [(root, False)]
    while stack:
        sym, ready = stack.pop()
        if id(sym) in built:
            continue
        if sym.kind == "var":
            built[id(sym)] = leaves[str(sym.value)]
            continue
        if sym.kind == "num":
            built[id(sym)] = Value(float(sym.value))  # type: ignore[arg-type]
            continue
        # An exponent without names stays a number: x^2 and x^-1 are constant powers, as a teacher writes them.
        operands = sym.args[:1] if sym.kind == "pow" and not sym.args[1].names() else sym.args
        if not ready:
            stack.append((sym, True))
            stack.extend((a, False) for a in reversed(operands))  # the left one made first: q₁ reads first
            continue
        args = [built[id(a)] for a in operands]
        try:
            built[id(sym)] = _apply(sym, args)
        except (ArithmeticError, ValueError) as error:
            shown = sym.text()
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            position = None if sym.position is None else offset + sym.position
            raise FormulaError(translate("{expression} cannot be computed: {reason}", expression=shown,
                                         reason=_undefined(sym, args, error)), text, position) from None
    return built[id(root)]


def _undefined(sym: Sym, args: list[Value], error: Exception) -> str:
    """Why a step cannot be computed, with its numbers: ``log(0) is not a real number``, ``1/0: division by zero``."""
    numbers_ = [format_number(a.data) for a in args]
    if sym.kind == "call":
        step = f"{sym.value}({', '.join(numbers_)})"
    elif sym.kind == "pow":
        step = f"({numbers_[0]})^({numbers_[1] if len(numbers_) > 1 else sym.args[1].text()})"
    elif sym.kind == "div":
        step = f"{numbers_[0]}/{numbers_[1]}"
    else:
        step = sym.text()
    if isinstance(error, ZeroDivisionError) or "by zero" in str(error) or (sym.kind == "div" and args[1].data == 0):
        return translate("{step}: division by zero", step=step)
    if isinstance(error, OverflowError):
        return translate("{step} is too large for a float", step=step)
    return translate("{step} is not a real number", step=step)


def _apply(sym: Sym, args: list[Value]) -> Value:
    if sym.kind == "pow" and len(args) == 1:  # the exponent has no names: a constant power
        exponent = sym.args[1].evaluate({})
        if not isinstance(exponent, float):
            raise ValueError(f"the exponent {sym.args[1].text()} is not a real number")
        return _POW(args[0], exponent)
    if sym.kind in _BINARY:
        return _BINARY[sym.kind](args[0], args[1])
    if sym.kind == "neg":
        return _NEG(args[0])
    if sym.kind == "call":
        name = str(sym.value)
        method = _METHODS.get(name)
        if method is not None:
            return method(args[0])
        return USER_OPS[name](*args) if name in USER_OPS else args[0].apply(find(name))  # define_op's operations
    raise AssertionError(f"build_expression: the parser made an unknown expression kind {sym.kind!r}")


def parse_values(text: str) -> dict[str, float]:
    """Leaf values from text: ``"x1=2, w1=-3.5"`` → ``{"x1": 2.0, "w1": -3.5}``.

    Entries are ``name=number``, separated by ``,`` ``;`` or new lines (empty entries are
    skipped); spaces around names and numbers are ignored, spaces inside a name kept
    (``net h1 = 0.3``). Numbers are decimal (``-2``, ``.5``, ``1e-3``, ``−2``) and finite. A
    ``ValuesError`` names the bad entry, its number and its position (counted from 1 in the
    message; its ``position`` field is the 0-based index); names are folded and checked as
    ``check_leaf_name`` does, and a name given twice is an error.
    """
    where = "parse_values"
    if not isinstance(text, str):
        raise TypeError(f"{where}: text must be a str, got {type(text).__name__}")
    if len(text) > MAX_VALUES_LENGTH:
        raise ValueError(f"{where}: " + translate("the text is longer than {limit} characters", limit=MAX_VALUES_LENGTH))
    out: dict[str, float] = {}
    count = 0
    for match in re.finditer(r"[^,;\n]+", text):
        entry = match.group()
        if not entry.strip():
            continue
        count += 1
        start = match.start() + len(entry) - len(entry.lstrip())

        def fail(problem: str) -> ValuesError:
            return ValuesError(where, count, entry.strip(), start, problem)

        name, eq, number = entry.partition("=")
        if not eq:
            raise fail(translate("expected name=number"))
        name, number = name.strip(), number.strip()
        try:
            name = check_leaf_name(name, where)
        except ValueError as error:
            raise fail(str(error).removeprefix(f"{where}: ")) from None
        if name in out:
            raise fail(translate("{name} is given twice", name=repr(name)))
        if not _NUMBER.fullmatch(number):
            if "=" in number and _NUMBER.fullmatch(number.split()[0] if number.split() else ""):  # x=2 w=-3
                raise fail(translate("two values in one entry: separate them with commas, as in {example}",
                                     example=repr(",".join(entry.split()))))
            raise fail(translate("{number} is not a number", number=repr(number)) if number
                       else translate("the number is missing"))
        value = float(number.replace("−", "-"))
        if not math.isfinite(value):
            raise fail(translate("{number} is too large for a float", number=repr(number)))
        out[name] = value
        if len(out) > MAX_LEAVES:
            raise fail(translate("more than {limit} values", limit=MAX_LEAVES))
    return out
