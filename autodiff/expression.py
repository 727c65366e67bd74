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
from typing import Callable, Mapping

from .engine import Value
from .ops import USER_OPS, find
from .formatting import format_number
from .i18n import translate
from .formula import DELTA_NAMES, FUNCTIONS, MAX_FORMULA_LENGTH, OPERATOR_CHARACTERS, FormulaError, parse_formula
from .symbolic import Sym

__all__ = ["build_expression", "parse_values", "check_leaf_name", "ValuesError", "MAX_LEAVES", "MAX_VALUES_LENGTH"]

MAX_LEAVES = 1000
"""At most this many leaf values (a formula of at most ``MAX_FORMULA_LENGTH`` characters uses far fewer)."""
MAX_VALUES_LENGTH = 20 * MAX_LEAVES
"""The longest text ``parse_values`` reads."""

_NAME_FORBIDDEN = OPERATOR_CHARACTERS | {",", ";", "=", "\n", "\r"}
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
}


class ValuesError(ValueError):
    """``parse_values``'s error: the bad entry (``count``: which one, from 1; ``entry``: its text), where it
    starts in the text (``position``, from 0) and what is wrong with it (``problem``, in the learner's language;
    ``reason`` says it with the entry, as the lab shows it beside the box)."""

    def __init__(self, where: str, count: int, entry: str, position: int, problem: str):
        self.count, self.entry, self.position, self.problem = count, entry, position, problem
        self.reason = translate("entry {count} {entry}: {problem}", count=count, entry=repr(entry), problem=problem)
        super().__init__(f"{where}: entry {count} {entry!r} at position {position}: {problem}")


def check_leaf_name(name: object, where: str) -> str:
    """``name`` if it can name a leaf of an expression, else a clear error.

    A leaf name is a non-empty str without surrounding spaces, without an operator, a
    parenthesis, ``,`` ``;`` ``=`` or a line break, not starting with a digit or ``.``, and not
    a function name (``exp``) or ``δ``/``delta``: so that every formula reads one way.
    """
    if not isinstance(name, str):
        raise TypeError(f"{where}: a leaf name must be a str, got {type(name).__name__} {name!r}")
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


def build_expression(text: str, values: Mapping[str, float]) -> Value:
    """The graph of Values that ``text`` describes, with ``values[name]`` at each leaf ``name``.

    ``text`` uses the checker's syntax (``+ - * / ^ **``, ``− × · ÷``, parentheses, implicit
    multiplication, ``σ``/``sigmoid``, ``exp``, ``log``/``ln``, ``tanh``, ``relu``), at most
    ``MAX_FORMULA_LENGTH`` characters. A power whose exponent has no names (``x^2``, ``x^-1``)
    is the constant-exponent power; with names in the exponent it is ``Value ** Value``. Raises
    ``FormulaError`` (with the position) for text it cannot read, or when a step cannot be
    computed (``log(0)``, ``1/0``); ``TypeError``/``ValueError`` for bad ``values``.
    """
    where = "build_expression"
    if not isinstance(text, str):
        raise TypeError(f"{where}: text must be a str, got {type(text).__name__}")
    if not isinstance(values, Mapping):
        raise TypeError(f"{where}: values must map leaf names to numbers, got {type(values).__name__}")
    if len(values) > MAX_LEAVES:
        raise ValueError(f"{where}: {len(values)} leaf values given, more than {MAX_LEAVES}")
    leaves: dict[str, Value] = {}
    for name, number in values.items():
        check_leaf_name(name, where)
        if not isinstance(number, numbers.Real) or isinstance(number, bool):
            raise TypeError(f"{where}: the value of {name!r} must be a real number, got {type(number).__name__} "
                            f"{number!r}")
        leaves[name] = Value(number, name=name)
    parsed = parse_formula(text, list(leaves), allow_delta=False)
    return _build(parsed, leaves, text)


def _build(root: Sym, leaves: Mapping[str, Value], text: str) -> Value:
    """``root`` as Values, children before parents (an explicit stack, no recursion)."""
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
            stack.extend((a, False) for a in operands)
            continue
        args = [built[id(a)] for a in operands]
        try:
            built[id(sym)] = _apply(sym, args)
        except (ArithmeticError, ValueError) as error:
            shown = sym.text()
            shown = shown if len(shown) <= 60 else shown[:59] + "…"
            raise FormulaError(translate("{expression} cannot be computed: {reason}", expression=shown,
                                         reason=_undefined(sym, args, error)), text, sym.position) from None
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
    ``ValueError`` names the bad entry, its number and its position; names are checked as
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
            check_leaf_name(name, where)
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
