"""Every Hypothesis strategy of the autodiff tests, in this one module.

The main one, ``expressions()``, draws a random expression DAG: a short program whose every
step applies one operation to nodes made earlier (inputs or results of earlier steps). An
operand is any earlier node, so nodes get reused and diamonds appear (``a`` feeding ``b`` and
``c``, both feeding ``d``). The output is the sum of the sinks (the nodes no step uses), so
every step contributes to it.

Operations with a restricted domain get their argument shifted into it first, as minitorch
does: ``log`` is applied to ``a*a + 0.5``, division is by ``b*b + 0.5``, a negative or
non-integer constant power to ``a*a + 0.5`` and a Value-exponent power to the base
``sigmoid(a) + 0.5``, and ``sqrt`` to ``a*a + 0.5``. So no draw can hit a domain error.

``checkable_cases()`` pairs an expression with a point where it is safe to difference
numerically: every node is moderate in size (no overflow, no huge slopes) and every relu
input is well away from its kink at 0.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

from hypothesis import assume
from hypothesis import strategies as st

from autodiff import Value, dot, no_grad, topological_order

# --- the operations a step can apply ------------------------------------------------------
# name -> (arity, how to apply it to Values, kept inside its domain)
CONSTANT_EXPONENTS = (2, 3, -1, -2, 0.5, 1.5, -0.5)


def _pow_constant(a: Value, n: float) -> Value:
    if n > 0 and float(n).is_integer():
        return a**n  # a positive integer power is defined everywhere
    return (a * a + 0.5) ** n  # negative or fractional: a positive base


APPLY = {
    # binary, Value with Value
    "add": (2, lambda a, b, n: a + b),
    "sub": (2, lambda a, b, n: a - b),
    "mul": (2, lambda a, b, n: a * b),
    "div": (2, lambda a, b, n: a / (b * b + 0.5)),
    "powv": (2, lambda a, b, n: (a.sigmoid() + 0.5) ** b),
    # any number of inputs: a*b + b*0.5 + a*a + a (a node used several times in one dot, and a number)
    "dot": (2, lambda a, b, n: dot([a, b, a], [b, 0.5, a], a)),
    # a plain number on one side
    "radd": (1, lambda a, n: 1.5 + a),
    "rsub": (1, lambda a, n: 0.75 - a),
    "rmul": (1, lambda a, n: -1.25 * a),
    "rdiv": (1, lambda a, n: 2.0 / (a * a + 0.5)),
    "rpow": (1, lambda a, n: 2**a),
    # unary
    "neg": (1, lambda a, n: -a),
    "pow": (1, _pow_constant),
    "exp": (1, lambda a, n: a.exp()),
    "log": (1, lambda a, n: (a * a + 0.5).log()),
    "tanh": (1, lambda a, n: a.tanh()),
    "sigmoid": (1, lambda a, n: a.sigmoid()),
    "relu": (1, lambda a, n: a.relu()),
    "sin": (1, lambda a, n: a.sin()),
    "cos": (1, lambda a, n: a.cos()),
    "sqrt": (1, lambda a, n: (a * a + 0.5).sqrt()),
    "abs": (1, lambda a, n: abs(a)),
}
KINKED = ("relu", "abs")
"""Operations with a kink at 0: a checked DAG keeps their inputs away from it."""
ALL_OPS = tuple(APPLY)
"""Every operation of the engine (each binary one also with a plain number on either side)."""


@dataclass(frozen=True)
class Step:
    op: str
    args: tuple[int, ...]  # indices of earlier nodes: the inputs first, then one node per step
    exponent: float | None = None  # only for "pow"


@dataclass(frozen=True)
class Expression:
    """A random DAG as a program; calling it on Values builds the graph."""

    n_inputs: int
    steps: tuple[Step, ...]

    def nodes(self, xs: Sequence[Value]) -> tuple[list[Value], list[Value]]:
        """All nodes in order (inputs first) and the inputs of relu and abs (kinked at 0), built from ``xs``."""
        assert len(xs) == self.n_inputs
        nodes: list[Value] = list(xs)
        relu_inputs: list[Value] = []
        for step in self.steps:
            arity, apply = APPLY[step.op]
            operands = [nodes[i] for i in step.args]
            if step.op in KINKED:
                relu_inputs.append(operands[0])
            nodes.append(apply(*operands, step.exponent))
        return nodes, relu_inputs

    def sinks(self) -> list[int]:
        used = {i for step in self.steps for i in step.args}
        return [i for i in range(self.n_inputs, self.n_inputs + len(self.steps)) if i not in used]

    def __call__(self, *xs: Value) -> Value:
        nodes, _ = self.nodes(xs)
        out = None
        for i in self.sinks():
            out = nodes[i] if out is None else out + nodes[i]
        assert out is not None  # the last step is always a sink
        return out

    @property
    def ops(self) -> set[str]:
        return {step.op for step in self.steps}

    def has_diamond(self) -> bool:
        """Some node reaches the output along two different paths (a node used twice does)."""
        uses: dict[int, int] = {}
        for step in self.steps:
            for i in step.args:
                uses[i] = uses.get(i, 0) + 1
        return any(count >= 2 for count in uses.values())


@st.composite
def expressions(draw, ops: Sequence[str] = ALL_OPS, max_inputs: int = 3, max_steps: int = 8) -> Expression:
    """A random expression DAG over 1..max_inputs inputs using the given operations."""
    n_inputs = draw(st.integers(1, max_inputs))
    n_steps = draw(st.integers(1, max_steps))
    steps = []
    for k in range(n_steps):
        op = draw(st.sampled_from(ops))
        arity = APPLY[op][0]
        available = n_inputs + k
        # Half the time take the newest node, so graphs get deep, not only wide.
        first = draw(st.one_of(st.just(available - 1), st.integers(0, available - 1)))
        args = (first,) if arity == 1 else (first, draw(st.integers(0, available - 1)))
        exponent = draw(st.sampled_from(CONSTANT_EXPONENTS)) if op == "pow" else None
        steps.append(Step(op, args, exponent))
    return Expression(n_inputs, tuple(steps))


def input_values(n: int, bound: float = 2.0) -> st.SearchStrategy[list[float]]:
    """n moderate inputs."""
    return st.lists(
        st.floats(-bound, bound, allow_nan=False, allow_infinity=False), min_size=n, max_size=n
    )


MAX_MAGNITUDE = 30.0
"""Every node of a checked DAG stays within +-30: no overflow, and slopes stay moderate."""
RELU_MARGIN = 0.05
"""Every relu and abs input is at least this far from 0, far beyond the steps gradcheck takes."""


def is_checkable(expr: Expression, point: Sequence[float]) -> bool:
    with no_grad():
        nodes, relu_inputs = expr.nodes([Value(x) for x in point])
    return all(math.isfinite(v.data) and abs(v.data) <= MAX_MAGNITUDE for v in nodes) and all(
        abs(v.data) >= RELU_MARGIN for v in relu_inputs
    )


@st.composite
def checkable_cases(draw, ops: Sequence[str] = ALL_OPS, max_inputs: int = 3, max_steps: int = 8):
    """(expression, point): a DAG and inputs away from kinks and overflow."""
    expr = draw(expressions(ops, max_inputs, max_steps))
    point = draw(input_values(expr.n_inputs))
    assume(is_checkable(expr, point))
    return expr, point


@st.composite
def partly_named_graphs(draw, max_steps: int = 8) -> tuple[Value, list[Value]]:
    """(output, inputs) after ``backward()``: a checkable DAG whose operation nodes are named ``n<k>`` at random
    (about 3 in 10), the rest left unnamed, as in micrograd-style code that names only some steps."""
    expr, point = draw(checkable_cases(max_steps=max_steps))
    rnd = draw(st.randoms(use_true_random=False))
    xs = [Value(v, f"x{i}") for i, v in enumerate(point)]
    out = expr(*xs)
    for i, n in enumerate(topological_order(out)):
        if n.op is not None and rnd.random() < 0.3:
            n.name = f"n{i}"
    out.backward()
    return out, xs


# --- smaller strategies ---------------------------------------------------------------------

def moderate_floats(bound: float = 5.0) -> st.SearchStrategy[float]:
    return st.floats(-bound, bound, allow_nan=False, allow_infinity=False)


def positive_floats(low: float = 0.05, high: float = 5.0) -> st.SearchStrategy[float]:
    return st.floats(low, high, allow_nan=False, allow_infinity=False)


def finite_floats() -> st.SearchStrategy[float]:
    """Any finite float, including huge and subnormal ones."""
    return st.floats(allow_nan=False, allow_infinity=False)


def op_arguments(op_name: str) -> st.SearchStrategy[tuple[float, ...]]:
    """Inputs inside an operation's domain (for the Sym-versus-float rule comparison)."""
    two = st.tuples(moderate_floats(), moderate_floats())
    one = st.tuples(moderate_floats())
    return {
        "div": st.tuples(moderate_floats(), moderate_floats().filter(lambda b: abs(b) > 0.05)),
        "powv": st.tuples(positive_floats(), moderate_floats(3.0)),
        "log": st.tuples(positive_floats()),
        "relu": st.tuples(moderate_floats().filter(lambda x: x != 0)),
        "abs": st.tuples(moderate_floats().filter(lambda x: x != 0)),
        "sqrt": st.tuples(positive_floats()),
        "dot": st.integers(2, 9).flatmap(lambda n: st.tuples(*[moderate_floats()] * n)),  # pairs, maybe a bias
    }.get(op_name, two if op_name in ("add", "sub", "mul") else one)


# --- formula text, in the checker's syntax ----------------------------------------------------

FORMULA_NAMES = ("x1", "w1", "b", "net h1", "θ1")
"""Leaf names for formula strategies: one with a space and one outside ASCII."""
_NUMBERS = st.sampled_from(["2", "0.5", "3", ".25", "1e-1", "1.5", "10", "0"])
_FUNCTIONS = ("σ", "sigmoid", "exp", "log", "ln", "tanh", "relu")
_BINARY = ("+", "-", "*", "/", "^", "**", "−", "×", "·", "÷", " + ", " * ")


@st.composite
def formula_texts(draw, names: Sequence[str] = FORMULA_NAMES, max_length: int = 120,
                  max_steps: int = 16, name_exponents: bool = True) -> str:
    """A syntactically valid formula: atoms combined by random operators, calls and parentheses.

    Built without recursion from a pool of fragments; never longer than ``max_length``. With
    ``name_exponents=False`` every exponent is a plain number (so only constant powers).
    """
    atom = st.one_of(st.sampled_from(list(names)), _NUMBERS)
    pool = [draw(atom) for _ in range(draw(st.integers(1, 6)))]
    for _ in range(draw(st.integers(0, max_steps))):
        kind = draw(st.sampled_from(["atom", "atom", "binary", "binary", "binary", "call", "paren", "neg", "implicit"]))
        if kind == "atom":  # a fresh operand, so that formulas grow wide as well as deep
            pool.append(draw(atom))
            continue
        a = pool.pop(draw(st.integers(0, len(pool) - 1)))
        if kind == "binary" and pool:
            b = pool.pop(draw(st.integers(0, len(pool) - 1)))
            op = draw(st.sampled_from(_BINARY))
            if op in ("^", "**") and not name_exponents:
                b = draw(st.sampled_from(["2", "3", "-1", "(-2)", "0.5", "(1/2)"]))
            new = f"{a}{op}{b}"
        elif kind == "implicit" and pool:
            new = f"{a}({pool.pop(draw(st.integers(0, len(pool) - 1)))})"
        elif kind == "call":
            new = f"{draw(st.sampled_from(_FUNCTIONS))}({a})"
        elif kind == "neg":
            new = f"-{a}" if not a.startswith(("-", "−")) else f"-({a})"
        else:
            new = f"({a})"
        pool.append(new if len(new) + sum(len(p) + 3 for p in pool) <= max_length else a)
    text = " + ".join(pool)
    return text if len(text) <= max_length else draw(atom)
