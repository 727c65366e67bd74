"""autodiff: a tiny, exact, readable scalar reverse-mode autograd engine.

    from autodiff import Value
    x = Value(3.0, name="x")
    y = x * x * x
    y.backward()          # x.grad == 27.0

The engine (``Value``, ``grad``, ``no_grad``) needs nothing beyond Python. Drawing
(``draw``), explaining (``explain``) and animating (``animate``) are imported on first use.
"""

from importlib import import_module
from typing import Any

from .engine import Value, grad, is_recording, no_grad, topological_order, zero_grad
from .gradcheck import GradcheckError, gradcheck
from .ops import OPS, Op, power
from .symbolic import Sym

__all__ = [
    "Value", "grad", "gradcheck", "GradcheckError", "no_grad", "is_recording", "zero_grad",
    "topological_order", "OPS", "Op", "power", "Sym",
    "draw", "render", "explain", "check_formula", "animate",
]
__version__ = "0.1.0"

# Tools with heavier imports (graphviz) load only when first used.
_LAZY = {
    "draw": "render",
    "render": "render",
    "explain": "explain",
    "check_formula": "explain",
    "animate": "animate",
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        module = import_module(f".{_LAZY[name]}", __name__)
        return module if name == _LAZY[name] else getattr(module, name)
    raise AttributeError(f"module 'autodiff' has no attribute {name!r}")
