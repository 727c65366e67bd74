"""Reading a hand-written formula: text → ``Sym``, with a clear error for anything else.

``parse_formula(text, names, aliases)`` tokenizes and parses a formula in the checker's
syntax: node names (names with spaces matched whole, the longest known name first), numbers,
``+ - * / ^ **`` (also ``− × · ÷``), parentheses, implicit multiplication (``A3(1-A3)``,
``2x``), the ``FUNCTIONS`` and ``δ(v)`` (``DELTA_NAMES``). Nothing is ever evaluated as
Python; anything else raises ``FormulaError`` with the offending token and its position.
Used by the checker (``checking``) and the expression builder (``expression``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from .i18n import translate
from .ops import USER_OPS
from .symbolic import Sym

__all__ = ["parse_formula", "FormulaError", "FUNCTIONS", "DELTA_NAMES", "MAX_FORMULA_LENGTH", "OPERATOR_CHARACTERS"]


class FormulaError(ValueError):
    """A formula that cannot be read (or evaluated); ``position`` and ``token`` say where."""

    def __init__(self, message: str, formula: str = "", position: int | None = None, token: str | None = None):
        self.formula, self.position, self.token, self.reason = formula, position, token, message
        if position is not None:
            shown = formula.replace("\n", " ")
            message = translate("{message} at position {position}:", message=message, position=position) + \
                f"\n    {shown}\n    {' ' * position}^"
        super().__init__(message)


FUNCTIONS = {"sigma": "sigmoid", "σ": "sigmoid", "sigmoid": "sigmoid", "exp": "exp", "log": "log", "ln": "log",
             "tanh": "tanh", "relu": "relu", "sin": "sin", "cos": "cos", "sqrt": "sqrt", "abs": "abs"}
"""Function names a formula may call (``σ(z)``, ``sigmoid(z)``, ``exp``, ``log``/``ln``, ``tanh``, ``relu``,
``sin``, ``cos``, ``sqrt``, ``abs``), besides the operations made with ``define_op`` (``ops.USER_OPS``)."""
DELTA_NAMES = ("δ", "delta")
"""``δ(v)`` / ``delta(v)`` in a formula stands for ∂root/∂v, the gradient of node v."""
MAX_FORMULA_LENGTH = 2000
_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "⋅": "*", "∙": "*", "/": "/",
              "÷": "/", "^": "^", "(": "(", ")": ")", ",": ","}  # (the comma: f(a, b), define_op's)
OPERATOR_CHARACTERS = frozenset(_OPERATORS)
"""The characters a formula reads as operators or parentheses (``*`` also as part of ``**``)."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "func", "delta", "op", "end"
    text: str
    position: int
    value: object = None


_DIGITS = "0123456789"  # only ASCII digits make numbers: float() would also read "١", and "²" is a power
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
                 "⁻": "-"}


def _is_word_char(c: str) -> bool:
    return (c.isalnum() or c == "_") and c not in _SUPERSCRIPTS  # x1² is x1 then a (refused) superscript


def _tokenize(formula: str, names: Sequence[str]) -> list[_Token]:
    known = {n for n in names if n}  # (an empty name would never advance)
    lengths = sorted({len(n) for n in known}, reverse=True)  # the longest name first; few distinct lengths
    tokens: list[_Token] = []
    i, n = 0, len(formula)
    while i < n:
        c = formula[i]
        if c.isspace():
            i += 1
            continue
        match = next((name for name in (formula[i:i + k] for k in lengths) if name in known
                      and (i + len(name) == n or not (_is_word_char(formula[i + len(name)])
                                                      and _is_word_char(name[-1])))), None)
        if match is not None:
            tokens.append(_Token("name", match, i, match))
            i += len(match)
            continue
        if c in _DIGITS or (c == "." and i + 1 < n and formula[i + 1] in _DIGITS):
            j = _number_end(formula, i)
            tokens.append(_Token("num", formula[i:j], i, float(formula[i:j])))
            i = j
            continue
        if c in _SUPERSCRIPTS:
            j = i
            while j < n and formula[j] in _SUPERSCRIPTS:
                j += 1
            base = tokens[-1].text if tokens and tokens[-1].kind in ("name", "num") else "x"
            power = "".join(_SUPERSCRIPTS[s] for s in formula[i:j])
            raise FormulaError(translate("write a power with ^: {base}^{power}, not {written}", base=base, power=power,
                                         written=base + formula[i:j]), formula, i, c)
        if _is_word_char(c):
            j = i
            while j < n and _is_word_char(formula[j]):
                j += 1
            word = formula[i:j]
            if word in FUNCTIONS:
                tokens.append(_Token("func", word, i, FUNCTIONS[word]))
            elif word in USER_OPS:  # an operation made with define_op: called by its name, f(x) or f(a, b)
                tokens.append(_Token("func", word, i, word))
            elif word in DELTA_NAMES:
                tokens.append(_Token("delta", word, i))
            else:
                raise FormulaError(translate("unknown name {word} (not a node of this graph, an alias or a function)",
                                             word=repr(word)), formula, i, word)
            i = j
            continue
        if formula.startswith("**", i):
            tokens.append(_Token("op", "^", i))
            i += 2
            continue
        if c in _OPERATORS:
            tokens.append(_Token("op", _OPERATORS[c], i))
            i += 1
            continue
        raise FormulaError(translate("unexpected character {character} (a formula may hold node names, numbers, "
                                     "+ - * / ^ **, parentheses and the functions {functions}, δ)", character=repr(c),
                                     functions=", ".join(sorted(FUNCTIONS))), formula, i, c)
    tokens.append(_Token("end", "", n))
    return tokens


def _number_end(formula: str, i: int) -> int:
    """Where the decimal number starting at ``i`` ends: digits, a point, digits, an exponent."""
    n = len(formula)
    j = i
    while j < n and formula[j] in _DIGITS:
        j += 1
    if j < n and formula[j] == ".":
        j += 1
        while j < n and formula[j] in _DIGITS:
            j += 1
    if j < n and formula[j] in "eE":
        k = j + 1 + (j + 1 < n and formula[j + 1] in "+-")
        if k < n and formula[k] in _DIGITS:
            j = k
            while j < n and formula[j] in _DIGITS:
                j += 1
    if j < n and formula[j] == ".":  # 1..2 or 1.2.3: not a number (never silently 1·0.2)
        raise FormulaError(translate("the number {number} is followed by another '.'", number=repr(formula[i:j])),
                           formula, j, ".")
    return j


class _Parser:
    """Recursive descent: sum → product → unary → power → atom. Implicit × binds like ×."""

    MAX_DEPTH = 100

    def __init__(self, formula: str, tokens: list[_Token], resolve: Callable[[str], str], allow_delta: bool = True):
        self.formula, self.tokens, self.i, self.depth, self.resolve = formula, tokens, 0, 0, resolve
        self.allow_delta = allow_delta

    def peek(self) -> _Token:
        return self.tokens[self.i]

    def take(self) -> _Token:
        token = self.tokens[self.i]
        self.i += 1
        return token

    def fail(self, message: str, token: _Token) -> FormulaError:
        return FormulaError(message, self.formula, token.position, token.text)

    def expect(self, text: str) -> None:
        token = self.peek()
        if token.kind != "op" or token.text != text:
            found = repr(token.text) if token.kind != "end" else translate("the end of the formula")
            raise self.fail(translate("expected {expected} but found {found}", expected=repr(text), found=found), token)
        self.take()

    def parse(self) -> Sym:
        if self.peek().kind == "end":
            raise FormulaError(translate("the formula is empty"), self.formula, 0, "")
        result = self.sum()
        token = self.peek()
        if token.kind != "end":
            raise self.fail(translate("unexpected {token}", token=repr(token.text)), token)
        return result

    def sum(self) -> Sym:
        self.depth += 1
        if self.depth > self.MAX_DEPTH:
            raise self.fail(translate("the formula nests too deeply"), self.peek())
        left = self.product()
        while self.peek().kind == "op" and self.peek().text in "+-":
            op = self.take()
            right = self.product()
            left = Sym("add" if op.text == "+" else "sub", (left, right), position=op.position)
        self.depth -= 1
        return left

    def product(self) -> Sym:
        left = self.unary()
        while True:
            token = self.peek()
            if token.kind == "op" and token.text in "*/":
                self.take()
                right = self.unary()
                left = Sym("mul" if token.text == "*" else "div", (left, right), position=token.position)
            elif token.kind in ("num", "name", "func", "delta") or (token.kind == "op" and token.text == "("):
                # implicit multiplication: A3(1 - A3), 2x
                left = Sym("mul", (left, self.unary()), position=token.position)
            else:
                return left

    def unary(self) -> Sym:
        token = self.peek()
        if token.kind == "op" and token.text in "+-":
            self.take()
            self.depth += 1
            if self.depth > self.MAX_DEPTH:
                raise self.fail(translate("the formula nests too deeply"), token)
            inner = self.unary()
            self.depth -= 1
            return inner if token.text == "+" else Sym("neg", (inner,), position=token.position)
        return self.power()

    def power(self) -> Sym:
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "^":
            self.take()
            self.depth += 1  # a^b^c… nests to the right
            if self.depth > self.MAX_DEPTH:
                raise self.fail(translate("the formula nests too deeply"), token)
            exponent = self.unary()
            self.depth -= 1
            return Sym("pow", (base, exponent), position=token.position)
        return base

    def atom(self) -> Sym:
        token = self.take()
        if token.kind == "num":
            assert isinstance(token.value, float)
            return Sym("num", value=token.value, position=token.position)
        if token.kind == "name":
            return Sym("var", value=self.resolve(token.text), position=token.position)
        if token.kind == "func":
            self.expect("(")
            args = [self.sum()]
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.sum())
            self.expect(")")
            wanted = USER_OPS[token.text].op.arity if token.text in USER_OPS else 1
            if len(args) != wanted:
                raise self.fail(translate("{function} takes {wanted} input(s), got {given}", function=token.text,
                                          wanted=wanted, given=len(args)), token)
            return Sym("call", tuple(args), token.value, position=token.position)
        if token.kind == "delta":
            if not self.allow_delta:
                raise self.fail(translate("{name}( ) stands for a gradient, which has no place here; write the "
                                          "expression itself", name=token.text), token)
            self.expect("(")
            named = self.peek()
            if named.kind != "name":
                raise self.fail(translate("δ( ) takes one node name, e.g. δ(z1)"), named)
            self.take()
            self.expect(")")
            return Sym("var", value=f"δ({self.resolve(named.text)})", position=token.position)
        if token.kind == "op" and token.text == "(":
            inner = self.sum()
            self.expect(")")
            return inner
        found = repr(token.text) if token.kind != "end" else translate("the end of the formula")
        raise self.fail(translate("expected a number, a name, a function or '(' but found {found}", found=found), token)


def parse_formula(formula: str, names: Iterable[str], aliases: Mapping[str, str] | None = None, *,
                  allow_delta: bool = True) -> Sym:
    """Parse ``formula`` into a ``Sym`` over the given node names (and alias → name pairs).

    Names may contain spaces (``net h1``): at each position the longest known name is taken.
    Never uses ``eval``; anything else is refused with a ``FormulaError`` naming the token and
    its position. With ``allow_delta=False``, ``δ(v)`` is refused too.
    """
    if not isinstance(formula, str):
        raise TypeError(f"check_formula: formula must be a str, got {type(formula).__name__}")
    if len(formula) > MAX_FORMULA_LENGTH:
        raise FormulaError(translate("the formula is longer than {limit} characters", limit=MAX_FORMULA_LENGTH))
    aliases = dict(aliases or {})
    known = list(names) + list(aliases)
    if "" in known:
        what = "an alias" if "" in aliases else "a node name"
        raise ValueError(f"parse_formula: {what} is the empty string, which a formula cannot write; "
                         f"give the node a name or leave it unnamed (None)")
    tokens = _tokenize(formula, known)
    return _Parser(formula, tokens, lambda name: aliases.get(name, name), allow_delta).parse()
