"""Checking a typed matrix formula against the layer form: its value, and what is wrong with it.

``check_matrix_formula(form, target, formula)`` reads what a learner writes for one matrix of the
layer form (``δ2``, ``dW1``, ``db2``, or a document's own name such as 002's ``loss_3`` or
``dW3``) in numpy's notation (``A2.T @ loss_3``, ``(A3 - T) * A3 * (1 - A3)``) or the documents'
(``A2ᵀ · loss_3``, ``W3ᵀ``, ``⊙``): ``·`` and ``@`` are matrix products, ``*`` and ``⊙``
elementwise, ``ᵀ`` and ``.T`` transposes, a product written by juxtaposition (``A2ᵀD3``) is a
matrix product as in mathematics; ``T`` is the target matrix. The text is read by the project's
formula reader (``autodiff.formula.parse_formula``, never ``eval``): the matrix operators are
first spelled as the reader's (``@``, ``⊙`` as ``*``; a transpose as ``^1``) and told apart
afterwards by the character the learner wrote at each operator's position.

The ``MatrixVerdict`` says whether it equals the target entry by entry (relative 1e-12) and, if
not, why: a shape that cannot match (which product, which shapes, and whether a transpose would
fit), a missing or extra transpose, ``*`` where ``@`` is meant and the reverse, a missing
elementwise factor f′ (σ′), the wrong intermediate (another layer's δ), a bias not summed over
the batch. ``check_matrix_shape`` judges a stated gradient shape (003's (2,1) and (100,1) are one
neuron's incoming column on the 2-100-50-1 network, (50,1) is right).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Callable, Union

from autodiff import Sym, ops
from autodiff.formula import FormulaError, parse_formula
from autodiff.i18n import translate

from . import matrix as mx
from .layerform import LayerForm, case_layer_form, layer_form
from .layerform_text import DOCUMENT_NAMES
from .matrix import Matrix
from .module import MLP

__all__ = ["MatrixVerdict", "check_matrix_formula", "check_matrix_shape", "matrix_names", "ShapeError",
           "DOCUMENT_MATRIX_FORMULAS", "DocumentMatrixFormula", "document_verdicts", "companion_003"]

Val = Union[float, Matrix]
_MATMUL = {"@", "·", "⋅", "∙"}
_TRANSPOSE = {".", "ᵀ"}
_TRANSPOSE_TEXT = re.compile(r"\.T(?![A-Za-z0-9_])|ᵀ")


class ShapeError(ValueError):
    """Two matrices whose shapes cannot meet in one operation (``position`` is the operator's)."""

    def __init__(self, message: str, position: int | None):
        super().__init__(message)
        self.position = position


@dataclass(frozen=True)
class MatrixVerdict:
    """The checker's answer: ``ok``, the formula's value (or None), the target's, and the diagnoses."""

    ok: bool
    target: str
    formula: str
    value: Val | None
    expected: Matrix
    diagnoses: tuple[str, ...] = field(default=())  # in the language the check was given
    lang: str | None = None

    def text(self, lang: str | None = None) -> str:
        """The verdict and its diagnoses (the diagnoses are in the language given to the check)."""
        lang = self.lang if lang is None else lang
        head = translate("right: {formula} is {target}", lang, formula=self.formula, target=self.target) if self.ok \
            else translate("wrong: {formula} is not {target}", lang, formula=self.formula, target=self.target)
        return "\n".join([head, *("  " + d for d in self.diagnoses)])

    def __str__(self) -> str:
        return self.text()


def _shape(v: Val) -> tuple[int, int] | None:
    return None if isinstance(v, float) else mx.shape(v)


def _shape_text(v: Val) -> str:
    s = _shape(v)
    return translate("a number") if s is None else f"({s[0]}, {s[1]})"


def matrix_names(form: LayerForm, document: bool = True) -> tuple[dict[str, Matrix], dict[str, str]]:
    """(name -> matrix, target name -> our symbol) for a formula on ``form``.

    Ours: ``X``, ``T`` (also ``Y``), ``Z1``.., ``A1``.., ``W1``.., ``b1``.. (a row), ``δ1``.. (also
    ``delta1``), ``δ``/``delta`` (the output layer's), ``dA`` (∂L/∂A^L). With ``document`` and a
    document's form, its own names too (they win where they clash: 002's ``A1`` is X).
    """
    last = len(form.layers)
    names: dict[str, Matrix] = {"X": form.X}
    if form.loss != "cross_entropy":
        names["T"] = names["Y"] = form.T  # type: ignore[assignment]
    targets: dict[str, str] = {}
    for layer in form.layers:
        l = layer.index
        names.update({f"Z{l}": layer.Z, f"A{l}": layer.A, f"W{l}": layer.W, f"δ{l}": layer.delta,
                      f"delta{l}": layer.delta})
        if layer.b is not None:
            names[f"b{l}"] = [layer.b]
        targets.update({f"δ{l}": f"δ{l}", f"delta{l}": f"δ{l}", f"dW{l}": f"dW{l}", f"db{l}": f"db{l}"})
    names.update({"δ": form.layers[-1].delta, "delta": form.layers[-1].delta, "dA": form.output_gradient})
    if document and form.seed in DOCUMENT_NAMES:
        base, base_targets = dict(names), dict(targets)  # (002's A1 is our X while its A2 is our A1)
        for ours, theirs in DOCUMENT_NAMES[form.seed].items():
            if not re.fullmatch(r"[^\W\d]\w*", theirs):
                continue  # "y − t", "[A1, A2]": not a name a formula can write
            if ours in base:
                names[theirs] = base[ours]
            if ours in base_targets:
                targets[theirs] = ours
            if ours.startswith("W") or ours.startswith("b"):
                targets["d" + theirs] = "d" + ours
        if form.seed == "003":  # its bare δ is dloss/dpred, the output's
            names["δ"] = names["delta"] = form.layers[-1].delta
    return names, targets


def _expected(form: LayerForm, symbol: str) -> Matrix:
    kind, l = symbol.rstrip("0123456789"), int(symbol.lstrip("δdWb"))
    layer = form.layer(l)
    if kind == "δ":
        return layer.delta
    if kind == "dW":
        return layer.dW
    if layer.db is None:
        raise ValueError(f"check_matrix_formula: layer {l} has no bias")
    return [[mx.total(layer.delta)]] if layer.bias == "shared" else [layer.db]


def _rewrite(formula: str) -> tuple[str, list[int]]:
    """The formula in the reader's operators (``@ ⊙`` as ``*``, a transpose as ``^1``), and each new
    character's position in the original text."""
    out: list[str] = []
    where: list[int] = []
    i = 0
    while i < len(formula):
        match = _TRANSPOSE_TEXT.match(formula, i)
        if match:
            out += ["^", "1"]
            where += [i, i]
            i = match.end()
            continue
        c = formula[i]
        out.append("*" if c in "@⊙" else c)
        where.append(i)
        i += 1
    return "".join(out), where


def _divide(x: float, y: float) -> float:
    if y != 0:
        return x / y
    return math.copysign(math.inf, x) if x else math.nan


def _power(x: float, y: float) -> float:
    return float(x ** y) if x > 0 or float(y).is_integer() and (x != 0 or y >= 0) else math.nan


_RULES: dict[str, Callable[[float, float], float]] = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y, "div": _divide, "pow": _power,
}


def _elementwise(a: Val, b: Val, rule: str, position: int | None) -> Val:
    f = _RULES[rule]
    if isinstance(a, float):
        if isinstance(b, float):
            return f(a, b)
        first = a
        return mx.apply(b, lambda y: f(first, y))
    if isinstance(b, float):
        second = b
        return mx.apply(a, lambda x: f(x, second))
    sa, sb = mx.shape(a), mx.shape(b)
    if sa != sb and sb[0] == 1 and sb[1] == sa[1]:
        b = [b[0]] * sa[0]  # a row (a bias) added to every sample's row, as numpy broadcasts
    elif sa != sb and sa[0] == 1 and sa[1] == sb[1]:
        a = [a[0]] * sb[0]
    elif sa != sb:
        symbol = {"add": "+", "sub": "−", "mul": "⊙", "div": "/", "pow": "^"}[rule]
        raise ShapeError(translate("{left} {op} {right}: elementwise needs equal shapes", left=_shape_text(a),
                                   op=symbol, right=_shape_text(b)), position)
    return mx.elementwise(a, b, f)


def _matmul(a: Val, b: Val, position: int | None) -> Val:
    if isinstance(a, float) or isinstance(b, float):
        return _elementwise(a, b, "mul", position)
    (n, k), (k2, m) = mx.shape(a), mx.shape(b)
    if k != k2:
        hint = ""
        if n == k2:
            hint = " " + translate("(the left one transposed, ({k}, {n}), would fit)", k=k, n=n)
        elif k == m:
            hint = " " + translate("(the right one transposed, ({m}, {k2}), would fit)", m=m, k2=k2)
        raise ShapeError(translate("({n}, {k}) · ({k2}, {m}): a matrix product needs the left one's columns ({k}) "
                                   "to equal the right one's rows ({k2})", n=n, k=k, k2=k2, m=m) + hint, position)
    return mx.matmul(a, b)


def _evaluate(tree: Sym, text: str, where: list[int], names: dict[str, Matrix],
              flip: int | None = None, transpose_leaf: int | None = None) -> Val:
    """The formula's value, walking the tree with a stack (no recursion). ``flip`` swaps the product at
    that original position (elementwise ↔ matrix); ``transpose_leaf`` transposes the name there."""
    def original(p: int | None) -> str:
        return text[where[p]] if p is not None and p < len(where) else ""

    results: dict[int, Val] = {}
    stack: list[tuple[Sym, bool]] = [(tree, False)]
    while stack:
        node, done = stack.pop()
        if not done:
            stack.append((node, True))
            stack.extend((arg, False) for arg in reversed(node.args))
            continue
        args = [results[id(a)] for a in node.args]
        p = where[node.position] if node.position is not None and node.position < len(where) else None
        if node.kind == "num":
            value: Val = float(node.value)  # type: ignore[arg-type]
        elif node.kind == "var":
            value = mx.copy(names[str(node.value)])
            if transpose_leaf is not None and p == transpose_leaf:
                value = mx.transpose(value)
        elif node.kind == "neg":
            value = _elementwise(-1.0, args[0], "mul", p)
        elif node.kind == "pow":
            if original(node.position) in _TRANSPOSE:
                value = args[0] if (flip is not None and p == flip) or isinstance(args[0], float) \
                    else mx.transpose(args[0])
            else:
                value = _elementwise(args[0], args[1], "pow", p)
        elif node.kind == "mul":
            char = original(node.position)
            explicit_matmul = char in _MATMUL
            implicit = char not in ("*", "×", "⊙", "@") and not explicit_matmul
            matrix = explicit_matmul or (implicit and not isinstance(args[0], float) and not isinstance(args[1], float))
            if flip is not None and p == flip:
                matrix = not matrix
            value = _matmul(args[0], args[1], p) if matrix else _elementwise(args[0], args[1], "mul", p)
        elif node.kind in ("add", "sub", "div"):
            value = _elementwise(args[0], args[1], node.kind, p)
        else:  # a function, elementwise
            op = ops.find(str(node.value))
            value = float(op.forward(args[0])) if isinstance(args[0], float) else mx.apply(args[0], op.forward)
        results[id(node)] = value
    return results[id(tree)]


def _equal(value: Val, expected: Matrix) -> bool:
    if isinstance(value, float) or mx.shape(value) != mx.shape(expected):
        return False
    return all(abs(x - y) <= 1e-12 * abs(y) + 1e-15 for rx, ry in zip(value, expected) for x, y in zip(rx, ry))


def _nodes(tree: Sym) -> list[Sym]:
    found, stack = [], [tree]
    while stack:
        node = stack.pop()
        found.append(node)
        stack.extend(node.args)
    return found


def check_matrix_formula(form: LayerForm, target: str, formula: str, *, document: bool = True,
                         lang: str | None = None) -> MatrixVerdict:
    """Is ``formula`` the matrix ``target`` of ``form``? (module docstring). A formula that cannot be read
    is a ``FormulaError`` naming the token and its position."""
    names, targets = matrix_names(form, document)
    if target not in targets:
        raise ValueError(f"check_matrix_formula: no matrix named {target!r}; the targets are {', '.join(targets)}")
    symbol = targets[target]
    expected = _expected(form, symbol)
    rewritten, where = _rewrite(formula)
    try:
        tree = parse_formula(rewritten, names, allow_delta=False)
    except FormulaError as error:
        position = None if error.position is None else where[error.position] if error.position < len(where) \
            else len(formula)
        raise FormulaError(error.reason, formula, position, error.token) from None
    diagnoses: list[str] = []
    try:
        value: Val | None = _evaluate(tree, formula, where, names)
    except ShapeError as error:
        value = None
        diagnoses.append(translate("the shapes cannot match: {reason}", lang, reason=str(error)))
    if value is not None and _equal(value, expected):
        return MatrixVerdict(True, target, formula, value, expected, lang=lang)
    if value is not None and _shape(value) != mx.shape(expected):
        diagnoses.append(translate("its shape is {got}, but {target} is {want}", lang, got=_shape_text(value),
                                   target=target, want=_shape_text(expected)))
    diagnoses += _diagnose(form, symbol, tree, formula, where, names, value, expected, lang)
    return MatrixVerdict(False, target, formula, value, expected, tuple(diagnoses), lang)


def _try(tree: Sym, formula: str, where: list[int], names: dict[str, Matrix], expected: Matrix,
         **change: int) -> bool:
    try:
        return _equal(_evaluate(tree, formula, where, names, **change), expected)
    except (ShapeError, ValueError, ZeroDivisionError, OverflowError):
        return False


def _diagnose(form: LayerForm, symbol: str, tree: Sym, formula: str, where: list[int], names: dict[str, Matrix],
              value: Val | None, expected: Matrix, lang: str | None) -> list[str]:
    found: list[str] = []
    nodes = _nodes(tree)
    for node in nodes:  # a missing transpose on a name, or one too many
        p = where[node.position] if node.position is not None and node.position < len(where) else None
        if p is None:
            continue
        if node.kind == "var" and _try(tree, formula, where, names, expected, transpose_leaf=p):
            found.append(translate("{name} needs a transpose: {name}ᵀ", lang, name=formula[p:p + len(str(node.value))]
                                   if formula[p:].startswith(str(node.value)) else str(node.value)))
        elif node.kind == "pow" and formula[p] in _TRANSPOSE and _try(tree, formula, where, names, expected, flip=p):
            found.append(translate("the transpose at position {position} should not be there", lang, position=p))
        elif node.kind == "mul" and _try(tree, formula, where, names, expected, flip=p):
            if formula[p] in ("*", "⊙", "×"):
                found.append(translate("{written} at position {position} is elementwise; a matrix product (@ or ·) is "
                                       "meant there", lang, written=formula[p], position=p))
            else:
                found.append(translate("a matrix product at position {position}; an elementwise product (* or ⊙) is "
                                       "meant there", lang, position=p))
    if found:
        return found
    kind, l = symbol.rstrip("0123456789"), int(symbol.lstrip("δdWb"))
    if value is not None and not isinstance(value, float):
        same_shape = mx.shape(value) == mx.shape(expected)
        if kind == "δ" and same_shape and form.layer(l).activation != "linear" \
                and _equal(mx.hadamard(value, form.layer(l).fprime), expected):
            found.append(translate("a factor is missing: δ{layer} multiplies elementwise by f′(Z{layer}) (σ′ = "
                                   "A{layer} ⊙ (1 − A{layer}) for a sigmoid)", lang, layer=l))
        if kind == "db" and mx.shape(value)[0] > 1 and mx.shape(value)[1] == mx.shape(expected)[1] \
                and _equal([mx.column_sums(value)], expected):
            found.append(translate("it is one row per sample: the bias gradient sums δ{layer}'s rows over the batch "
                                   "(for one sample δ{layer} is db{layer})", lang, layer=l))
    if found:
        return found
    for k in range(1, len(form.layers) + 1):  # another layer's δ in its place: the wrong intermediate
        if k == l and kind == "δ":
            continue
        swapped = dict(names)
        for key in ("δ", "delta", *[n for n, m in names.items() if m is form.layers[-1].delta]):
            swapped[key] = form.layer(k).delta
        if k != len(form.layers) and _try(tree, formula, where, swapped, expected):
            found.append(translate("the wrong intermediate: the chain to {target} goes through Z{layer} and its "
                                   "δ{layer} (not the output's δ)", lang, target=symbol, layer=k))
            break
    return found


def check_matrix_shape(form: LayerForm, target: str, shape: tuple[int, int], *, document: bool = True,
                       lang: str | None = None) -> MatrixVerdict:
    """Is ``shape`` the shape of the gradient ``target`` (``dW1``..)? One neuron's incoming column is named."""
    _, targets = matrix_names(form, document)
    if target not in targets:
        raise ValueError(f"check_matrix_shape: no matrix named {target!r}; the targets are {', '.join(targets)}")
    expected = _expected(form, targets[target])
    want = mx.shape(expected)
    text = f"({shape[0]}, {shape[1]})"
    if tuple(shape) == want:
        return MatrixVerdict(True, target, text, None, expected, lang=lang)
    diagnoses = [translate("{target} is ({rows}, {cols}): fan-in × fan-out", lang, target=target, rows=want[0],
                           cols=want[1])]
    if shape[0] == want[0] and shape[1] == 1:
        diagnoses.append(translate("({rows}, 1) is one neuron's incoming weights (one column of it), not the whole "
                                   "layer's gradient", lang, rows=shape[0]))
    return MatrixVerdict(False, target, text, None, expected, tuple(diagnoses), lang)


@dataclass(frozen=True)
class DocumentMatrixFormula:
    """A matrix formula as a document writes it (in its own names), and what the project's description says."""

    seed: str
    target: str
    formula: str
    right: bool
    where: str = ""  # where the document writes it
    shape: tuple[int, int] | None = None  # a stated shape instead of a formula (003, on its 2-100-50-1 network)


DOCUMENT_MATRIX_FORMULAS: tuple[DocumentMatrixFormula, ...] = (
    DocumentMatrixFormula("000", "delta_W2", "x2ᵀ · (y − t)", True, "delta_W2 (python)"),
    DocumentMatrixFormula("000", "delta_W1", "x_inᵀ · (((y − t) · W2ᵀ) ⊙ x2 ⊙ (1 − x2))", True, "delta_W1 (python)"),
    DocumentMatrixFormula("001", "D3", "(2/3)(Ŷ − Y)", True),
    DocumentMatrixFormula("001", "D2", "(D3·W3ᵀ) ⊙ A2 ⊙ (1 − A2)", True),
    DocumentMatrixFormula("001", "D1", "(D2·W2ᵀ) ⊙ A1 ⊙ (1 − A1)", True),
    DocumentMatrixFormula("001", "dW3", "A2ᵀD3", True),
    DocumentMatrixFormula("001", "dW1", "XᵀD1", True),
    DocumentMatrixFormula("002", "loss_3", "(A3 − T) * A3 * (1 − A3)", True),
    DocumentMatrixFormula("002", "loss_2", "(loss_3 · W3ᵀ) * A2 * (1 − A2)", True),
    DocumentMatrixFormula("002", "dW3", "A2ᵀ · loss_3", True),
    DocumentMatrixFormula("002", "db3", "loss_3", True),
    DocumentMatrixFormula("002", "dW2", "A1ᵀ · loss_2", True),
    DocumentMatrixFormula("002", "db2", "loss_2", True),
    DocumentMatrixFormula("003", "dW_1", "Xᵀ·δ", False, "dloss/dW_1 = dloss/dpred · dpred/dW_1"),
    DocumentMatrixFormula("003", "dW_1", "(2, 1)", False, "dloss/dW_1", (2, 1)),
    DocumentMatrixFormula("003", "dW_2", "(100, 1)", False, "dloss/dW_2", (100, 1)),
    DocumentMatrixFormula("003", "dW_3", "(50, 1)", True, "dloss/dW_3", (50, 1)),
    DocumentMatrixFormula("004", "dW2", "A1ᵀ · δ3", True, "diag(δ3, δ3)·[A1; A2]"),
)
"""Each document's matrix formulas as written, with the verdict the project's description of the documents
gives (003's shapes are judged on its companion 2-100-50-1 network; 004's diag form is written A1ᵀ·δ3, with A1
its hidden row [A1, A2])."""


@lru_cache(maxsize=1)
def companion_003() -> LayerForm:
    """003's companion network, 2 -> 100 -> 50 -> 1 (sigmoid, sigmoid, linear, no biases), on 003's sample."""
    model = MLP(2, [100, 50, 1], activations=["sigmoid", "sigmoid", "linear"], bias=False, seed=0)
    return layer_form(model, [[1.0, 2.0]], [[0.5]], "half_sse", seed="003")


def document_verdicts(seed: str, lang: str | None = None) -> list[tuple[DocumentMatrixFormula, MatrixVerdict]]:
    """The verdict on each of the document's matrix formulas as written (``DOCUMENT_MATRIX_FORMULAS``)."""
    out = []
    for d in DOCUMENT_MATRIX_FORMULAS:
        if d.seed != seed[:3]:
            continue
        if d.shape is not None:
            out.append((d, check_matrix_shape(companion_003(), d.target, d.shape, lang=lang)))
        else:
            out.append((d, check_matrix_formula(case_layer_form(d.seed), d.target, d.formula, lang=lang)))
    return out
