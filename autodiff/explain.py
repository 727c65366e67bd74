"""Explain a gradient the way a teacher writes it, and check a hand derivation.

``explain(root, node)`` describes d(root)/d(node) in one of two forms:

* ``form='paths'``: every path from ``root`` down to ``node``, each the product of its local
  derivatives, symbolically (in node names) and numerically, and their sum::

      ∂E/∂w11 = ∂E/∂A3 · ∂A3/∂z3 · ∂z3/∂A1 · ∂A1/∂z1 · ∂z1/∂w11
              = (A3 − y_t)·A3(1 − A3)·w31·A1(1 − A1)·x1
              = 0.190283·0.213792·0.3·0.217504·0.35
              = 0.00092907116080966

* ``form='delta'``: the factored form of the documents' "delta" method. δ(v) = ∂root/∂v is
  computed once for every named node v on the way, from the δ of the nodes just above it,
  so the derivation stays short when paths multiply.

How the graph is read. *Named* nodes (and ``root`` and ``node``) are the variables of the
derivation. Unnamed nodes (the ``+`` and ``×`` inside a neuron, the pieces of a loss) are
folded into the step between two named nodes: the factor ∂u/∂v of such a step is the local
derivative of u with respect to v through the unnamed nodes between them (a sum when there
are several such routes), and an unnamed node appears in a formula as its defining
expression, e.g. ``(A3 − y_t)``. Every symbolic factor comes from calling the operation's
one derivative rule (``Op.derivative``) with ``Sym`` arguments; numbers along the way are
multiplied out (½·2 → 1). Every number comes from the engine's own local derivatives.

``check_formula(root, node, formula)`` reads a hand-written formula (parsed by a small
hand-written parser, never ``eval``), evaluates it on the graph's values, compares it with
the gradient, and when they disagree says which paths the formula accounts for and which it
misses, and which factors are off.

Neither function changes any ``.grad``: they compute the gradient themselves, in the same
order as ``backward()``.

This module is the public facade; the work is done by one module per job: ``formula``
(reading a formula), ``paths`` (reading the graph), ``explanation`` (explanations and their
renderings), ``checking`` (verdicts and the diagnosis), ``formatting`` (numbers and names)
and the term algebra of ``symbolic``.
"""

from __future__ import annotations

from .checking import OffFactor, Verdict, check_formula
from .explanation import FORMS, DeltaStep, Explanation, Factor, Path, TooManyPathsError, explain
from .formatting import latex_name
from .formula import DELTA_NAMES, FUNCTIONS, MAX_FORMULA_LENGTH, FormulaError, parse_formula

__all__ = [
    "explain",
    "check_formula",
    "parse_formula",
    "Explanation",
    "Verdict",
    "Factor",
    "Path",
    "DeltaStep",
    "OffFactor",
    "FormulaError",
    "TooManyPathsError",
]
# Also importable from here, as before the split: FORMS, FUNCTIONS, DELTA_NAMES, MAX_FORMULA_LENGTH, latex_name.
