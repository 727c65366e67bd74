"""autodiff: a tiny, exact, readable scalar reverse-mode autograd engine.

    from autodiff import Value
    x = Value(3.0, name="x")
    y = x * x * x
    y.backward()          # x.grad == 27.0

The engine is ``engine.py`` (Value, apply, backward_order and chain_rule, backward, grad,
no_grad), read top to bottom, with every operation and its local derivatives defined once in
``ops.py``; ``dot``'s input checks are in ``dotnode.py``, ``topological_order`` in ``traversal.py``
and ``gc_paused`` in ``collector.py``. The tools built on that one table:
``draw`` (Graphviz pictures), ``explain``/``check_formula`` (chain-rule derivations) and
``animate`` (a step-by-step backward pass as a self-contained web page).
"""

from .engine import Value, as_real, backward_order, enable_grad, grad, is_real, is_recording, no_grad, zero_grad
from .traversal import topological_order
from .dotnode import dot
from .collector import gc_paused
from .copying import copy_graph  # (importing it also registers how Values pickle and deep-copy)
from .finite_diff import GradcheckError, gradcheck
from .ops import OPS, Op, power
from .symbolic import Sym

# Imported after the engine. The modules are named apart from the functions they define
# (`autodiff.animation` defines `animate`, `autodiff.explanation` defines `explain`), so that no
# export shadows a submodule: `import autodiff.animation as anim; anim.frames` works.
from . import render
from .render import draw
from .checking import check_formula
from .explanation import explain
from .animation import animate
from .custom import BinaryOperation, Operation, define_op

__all__ = [
    "Value", "dot", "grad", "gradcheck", "GradcheckError", "no_grad", "enable_grad", "is_recording", "zero_grad",
    "gc_paused", "is_real", "as_real", "copy_graph",
    "topological_order", "backward_order", "OPS", "Op", "power", "Sym",
    "draw", "render", "explain", "check_formula", "animate", "define_op", "Operation", "BinaryOperation",
]
__version__ = "0.1.0"
