"""Reading a hand-written formula: text → ``Sym``, with a clear error for anything else.

``parse_formula(text, names, aliases)`` tokenizes and parses a formula in the checker's
syntax: node names (names with spaces matched whole, the longest known name first; a word is
folded with NFKC by itself, so ``ｘ`` is ``x``), numbers (also ``½`` and the other vulgar
fractions), ``+ - * / ^ **`` (also ``− × · ÷``), parentheses (also ``{ }``), implicit
multiplication (``A3(1-A3)``, ``2x``), the ``FUNCTIONS`` and ``δ(v)`` (``DELTA_NAMES``).
The notation learners write is read too:

* a derivative by its prime, ``σ'(z)``, ``σ′(z)``, ``relu'(z)``, ``tanh'(z)``: the operation's
  own derivative rule (``σ(z)(1 − σ(z))``, ``step(z)``, ``1 − tanh(z)²``);
* ``e^x`` as ``exp(x)`` when no node is named ``e`` (a node named ``e`` wins); ``notes`` says
  which reading was used;
* LaTeX: ``W_{20}`` for the name ``W_20``, ``\\sigma``, ``\\exp``, ``\\ln``, ``\\cdot``, ``\\left(``.

Nothing is ever evaluated as Python; anything else raises ``FormulaError`` with the offending
token and its position (``position`` counts from 0; the message counts from 1, as people do). An
unknown name is an ``UnknownNameError`` with a "did you mean" (``neth1`` → ``net h1``, ``W20`` →
``W_20``, ``Sigmoid`` → ``sigmoid``). Used by the checker (``checking``) and the expression
builder (``expression``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from typing import Callable, Iterable, Mapping, Sequence

from .i18n import N_, translate
from .ops import USER_OPS, find
from .spelling import closest, fold, name_span, vulgar_fraction
from .symbolic import Sym

__all__ = ["parse_formula", "FormulaError", "UnknownNameError", "FUNCTIONS", "DELTA_NAMES", "MAX_FORMULA_LENGTH",
           "OPERATOR_CHARACTERS", "suggest"]


class FormulaError(ValueError):
    """A formula that cannot be read (or evaluated); ``position`` and ``token`` say where."""

    def __init__(self, message: str, formula: str = "", position: int | None = None, token: str | None = None):
        self.formula, self.position, self.token, self.reason = formula, position, token, message
        if position is not None:  # counted from 1 in the text, as people count; the field stays 0-based
            shown = formula.replace("\n", " ").replace("\r", " ")
            message = translate("{message} at position {position}:", message=message, position=position + 1) + \
                f"\n    {shown}\n    {' ' * position}^"
        super().__init__(message)


class UnknownNameError(FormulaError):
    """A word that is no node name, alias or function; ``hint`` is the "did you mean" (or empty)."""

    def __init__(self, message: str, formula: str, position: int, token: str, hint: str = ""):
        super().__init__(message + hint, formula, position, token)
        self.hint = hint


FUNCTIONS = {"sigma": "sigmoid", "σ": "sigmoid", "sigmoid": "sigmoid", "exp": "exp", "log": "log", "ln": "log",
             "tanh": "tanh", "relu": "relu", "sin": "sin", "cos": "cos", "sqrt": "sqrt", "abs": "abs",
             "step": "step", "sign": "sign"}
"""Function names a formula may call (``σ(z)``, ``sigmoid(z)``, ``exp``, ``log``/``ln``, ``tanh``, ``relu``,
``sin``, ``cos``, ``sqrt``, ``abs``, and ``step``/``sign``, the derivatives of relu and abs), besides the
operations made with ``define_op`` (``ops.USER_OPS``)."""
_LATEX_COMMANDS = {"sigma": ("func", "sigmoid"), "exp": ("func", "exp"), "ln": ("func", "log"), "log": ("func", "log"),
                   "tanh": ("func", "tanh"), "sin": ("func", "sin"), "cos": ("func", "cos"),
                   "sqrt": ("func", "sqrt"), "cdot": ("op", "*"), "times": ("op", "*"), "div": ("op", "/"),
                   "left": ("skip", ""), "right": ("skip", ""), "delta": ("delta", "δ")}
"""LaTeX commands a formula may use (``\\sigma(z)``, ``a \\cdot b``, ``\\left( … \\right)``)."""
_PRIMES = ("'", "′")
_EULER = "e"
DELTA_NAMES = ("δ", "delta")
"""``δ(v)`` / ``delta(v)`` in a formula stands for ∂root/∂v, the gradient of node v."""
MAX_FORMULA_LENGTH = 2000
_OPERATORS = {"+": "+", "-": "-", "−": "-", "*": "*", "×": "*", "·": "*", "⋅": "*", "∙": "*", "/": "/",
              "÷": "/", "^": "^", "(": "(", ")": ")", ",": ",",  # (the comma: f(a, b), define_op's)
              "{": "(", "}": ")"}  # (LaTeX's braces group: e^{x})
OPERATOR_CHARACTERS = frozenset(_OPERATORS)
"""The characters a formula reads as operators or parentheses (``*`` also as part of ``**``)."""


@dataclass(frozen=True)
class _Token:
    kind: str  # "num", "name", "func", "dfunc" (a derivative σ'), "delta", "euler", "op", "end"
    text: str
    position: int
    value: object = None


_DIGITS = "0123456789"  # only ASCII digits make numbers: float() would also read "١", and "²" is a power
_SUPERSCRIPTS = {"⁰": "0", "¹": "1", "²": "2", "³": "3", "⁴": "4", "⁵": "5", "⁶": "6", "⁷": "7", "⁸": "8", "⁹": "9",
                 "⁻": "-"}


def _is_word_char(c: str) -> bool:
    return (c.isalnum() or c == "_") and c not in _SUPERSCRIPTS  # x1² is x1 then a (refused) superscript


def suggest(word: str, names: Iterable[str]) -> str | None:
    """The node name or function ``word`` was probably meant to be, or None (``spelling.closest``)."""
    names = list(names)
    return closest(word, [*names, *FUNCTIONS, *USER_OPS], preferred=names)


def _hint(word: str, names: Iterable[str]) -> str:
    found = suggest(word, names)
    return translate(" (did you mean {name}?)", name=repr(found)) if found else ""


def _tokenize(formula: str, names: Sequence[str]) -> list[_Token]:
    known = {n for n in names if n}  # (an empty name would never advance)
    folded = {fold(n): n for n in known}
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
            value = float(formula[i:j])
            fraction = vulgar_fraction(formula[j]) if j < n else None
            if fraction is not None:  # 2½ is two and a half
                value += fraction[0] / fraction[1]
                j += 1
            tokens.append(_Token("num", formula[i:j], i, value))
            i = j
            continue
        fraction = vulgar_fraction(c)
        if fraction is not None:
            tokens.append(_Token("num", c, i, fraction))
            i += 1
            continue
        if c in _SUPERSCRIPTS:
            j = i
            while j < n and formula[j] in _SUPERSCRIPTS:
                j += 1
            power = "".join(_SUPERSCRIPTS[s] for s in formula[i:j])
            follows = tokens and (tokens[-1].kind in ("name", "num") or tokens[-1].text == ")")
            if follows and re.fullmatch(r"-?[0-9]+", power):  # x², q₁⁻¹: the tools print powers so
                tokens.append(_Token("op", "^", i))
                tokens.append(_Token("num", formula[i:j], i, float(power)))
                i = j
                continue
            base = tokens[-1].text if tokens and tokens[-1].kind in ("name", "num") else "x"
            raise FormulaError(translate("write a power with ^: {base}^{power}, not {written}", base=base, power=power,
                                         written=base + formula[i:j]), formula, i, c)
        if c == "\\":
            i = _latex_command(formula, i, tokens)
            continue
        if _is_word_char(c):
            j = i
            while j < n and _is_word_char(formula[j]):
                j += 1
            braced = re.match(r"\{(\w+)\}", formula[j:]) if formula[i:j].endswith("_") else None
            if braced and fold(formula[i:j] + braced.group(1)) in folded:  # LaTeX's W_{20} is the name W_20
                tokens.append(_Token("name", formula[i:j + braced.end()], i, folded[fold(formula[i:j] + braced.group(1))]))
                i = j + braced.end()
                continue
            word = fold(formula[i:j])
            if word in folded:
                tokens.append(_Token("name", formula[i:j], i, folded[word]))
            elif word in FUNCTIONS or word in USER_OPS:  # (define_op's operations: called by name, f(x) or f(a, b))
                name = FUNCTIONS.get(word, word)
                if j < n and formula[j] in _PRIMES:  # σ'(z): the derivative
                    tokens.append(_Token("dfunc", formula[i:j + 1], i, name))
                    j += 1
                else:
                    tokens.append(_Token("func", formula[i:j], i, name))
            elif word in DELTA_NAMES:
                tokens.append(_Token("delta", word, i))
            elif word == _EULER:
                tokens.append(_Token("euler", word, i))
            else:
                end, meant = name_span(formula, i, j, sorted(known), _is_word_char)
                hint = translate(" (did you mean {name}?)", name=repr(meant)) if meant else _hint(word, known)
                raise UnknownNameError(translate("unknown name {word} (not a node of this graph, an alias or a "
                                                 "function)", word=repr(formula[i:end])), formula, i, formula[i:end], hint)
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


def _latex_command(formula: str, i: int, tokens: list[_Token]) -> int:
    """Read the LaTeX command at ``i`` (``\\sigma``, ``\\cdot``, ``\\left(``) into ``tokens``; where it ends."""
    found = re.match(r"\\([A-Za-z]+)", formula[i:])
    command = found.group(1) if found else ""
    if command not in _LATEX_COMMANDS:
        shown = "\\" + command
        hint = translate(" (write a/b)") if command in ("frac", "dfrac") else ""
        raise FormulaError(translate("unknown command {command}", command=repr(shown)) + hint, formula, i, shown)
    kind, value = _LATEX_COMMANDS[command]
    end = i + 1 + len(command)
    if kind == "func":
        if end < len(formula) and formula[end] in _PRIMES:
            tokens.append(_Token("dfunc", formula[i:end + 1], i, value))
            return end + 1
        tokens.append(_Token("func", formula[i:end], i, value))
    elif kind == "op":
        tokens.append(_Token("op", value, i))
    elif kind == "delta":
        tokens.append(_Token("delta", value, i))
    return end


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
            elif token.kind in ("num", "name", "func", "dfunc", "delta", "euler") or (token.kind == "op" and token.text == "("):
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
        euler = self.peek() if self.peek().kind == "euler" else None
        base = self.atom()
        token = self.peek()
        if token.kind == "op" and token.text == "^":
            self.take()
            self.depth += 1  # a^b^c… nests to the right
            if self.depth > self.MAX_DEPTH:
                raise self.fail(translate("the formula nests too deeply"), token)
            exponent = self.unary()
            self.depth -= 1
            if euler is not None:  # e^x is exp(x): no node is named e
                return Sym("call", (exponent,), "exp", position=euler.position)
            return Sym("pow", (base, exponent), position=token.position)
        return base

    def atom(self) -> Sym:
        token = self.take()
        if token.kind == "num":
            if isinstance(token.value, tuple):  # ½: a fraction, printed as one
                top, bottom = token.value
                return Sym("div", (Sym("num", value=top, position=token.position),
                                   Sym("num", value=bottom, position=token.position)), position=token.position)
            assert isinstance(token.value, float)
            return Sym("num", value=token.value, position=token.position)
        if token.kind == "euler":
            return Sym("num", value=math.e, position=token.position)
        if token.kind == "dfunc":  # σ'(z): the operation's own derivative rule at z
            self.expect("(")
            inner = self.sum()
            self.expect(")")
            name = str(token.value)
            if name in ("step", "sign"):  # their derivative is 0 wherever it exists
                raise self.fail(translate("{function}' has no use here: its derivative is 0 wherever it exists",
                                          function=token.text[:-1]), token)
            op = find(name)
            if op.arity != 1:
                raise self.fail(translate("{function}' needs one input", function=token.text[:-1]), token)
            derivative = Sym.lift(op.derivative(inner, Sym.lift(op.apply(inner)))[0])
            return _placed(derivative, token.position)
        if token.kind == "name":
            return Sym("var", value=self.resolve(str(token.value)), position=token.position)
        if token.kind == "func":
            self.expect("(")
            args = [self.sum()]
            while self.peek().kind == "op" and self.peek().text == ",":
                self.take()
                args.append(self.sum())
            self.expect(")")
            wanted = USER_OPS[str(token.value)].op.arity if token.value in USER_OPS else 1
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
            return Sym("var", value=f"δ({self.resolve(str(named.value))})", position=token.position)
        if token.kind == "op" and token.text == "(":
            inner = self.sum()
            self.expect(")")
            return inner
        found = repr(token.text) if token.kind != "end" else translate("the end of the formula")
        raise self.fail(translate("expected a number, a name, a function or '(' but found {found}", found=found), token)


def _placed(sym: Sym, position: int) -> Sym:
    """``sym`` with ``position`` on every node that has none (a derivative written by its prime)."""
    for s in sym.nodes():
        if s.position is None:
            s.position = position
    return sym


READ_AS_EXP = N_("e^… was read as exp(…): no node is named e")
READ_AS_EULER = N_("e was read as Euler's number 2.71828…: no node is named e")
READ_AS_NODE = N_("e^… was read as the node e to a power, not as exp(…)")


def _reading_notes(tokens: Sequence[_Token]) -> list[str]:
    """How ambiguous notation was read (``e^x`` as exp(x), or as the node e to a power), as catalogue messages."""
    notes: list[str] = []
    for token, after in zip(tokens, tokens[1:]):
        power = after.kind == "op" and after.text == "^"
        if token.kind == "euler":
            note = READ_AS_EXP if power else READ_AS_EULER
        elif token.kind == "name" and token.value == _EULER and power:
            note = READ_AS_NODE
        else:
            continue
        if note not in notes:
            notes.append(note)
    return notes


def parse_formula(formula: str, names: Iterable[str], aliases: Mapping[str, str] | None = None, *,
                  allow_delta: bool = True, notes: list[str] | None = None) -> Sym:
    """Parse ``formula`` into a ``Sym`` over the given node names (and alias → name pairs).

    Names may contain spaces (``net h1``): at each position the longest known name is taken.
    Never uses ``eval``; anything else is refused with a ``FormulaError`` naming the token and
    its position. With ``allow_delta=False``, ``δ(v)`` is refused too. ``notes``, when given,
    receives a sentence for each ambiguous notation and the reading used (``e^x``), untranslated:
    pass it to ``translate`` in the reader's language.
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
    parsed = _Parser(formula, tokens, lambda name: aliases.get(name, name), allow_delta).parse()
    if notes is not None:
        notes.extend(_reading_notes(tokens))
    return parsed
