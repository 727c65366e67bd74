"""Explain a gradient the way a teacher writes it, and check a hand derivation: the public facade.

``explain(root, node, form='paths'|'delta')`` derives d(root)/d(node): every chain-rule path
as a product of local derivatives, symbolically (in node names) and numerically, or the
factored "delta" form (see ``explanation``). ``check_formula(root, node, formula)`` reads a
hand-written formula (``parse_formula``, never ``eval``), compares it with the gradient and
says which paths it accounts for and which factors are off (see ``checking``).

How the graph is read. *Named* nodes (and ``root`` and ``node``) are the variables of the
derivation. Unnamed nodes (the ``+`` and ``×`` inside a neuron, the pieces of a loss) are
folded into the step between two named nodes: the factor ∂u/∂v of such a step is the local
derivative of u with respect to v through the unnamed nodes between them (a sum when there
are several such routes), and an unnamed node appears in a formula as its defining
expression, e.g. ``(A3 − y_t)``. Every symbolic factor comes from calling the operation's
one derivative rule (``Op.derivative``) with ``Sym`` arguments; numbers along the way are
multiplied out (½·2 → 1). Every number comes from the engine's own local derivatives.

Neither function changes any ``.grad``: they compute the gradient themselves, in the same
order as ``backward()``.

This module only re-exports; the work is done by one module per job: ``formula`` (reading a
formula), ``paths`` (reading the graph), ``explanation`` (explanations and their renderings),
``checking`` (verdicts and the diagnosis), ``formatting`` (numbers and names) and the term
algebra of ``symbolic``.
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
