"""The engine: a scalar ``Value`` that remembers how it was made, and ``backward()``.

Read it top to bottom, then ``ops.py`` (the table of operations it uses). A node keeps, as
plain fields, the operation that made it (``op``), its inputs (``parents``, a tuple) and the
local derivative d(node)/d(parent) along each edge (``local_grads``, a tuple in the same
order), computed once when the node is made, by the operation's own rules in ``ops.py``. A leaf
(an input, a parameter, a constant) has ``op`` None and no parents.

``backward()`` is the chain rule: it walks the graph from the output back to the leaves, each
node before its parents, and adds ``local derivative × the node's gradient`` to each parent.
That walk, ``chain_rule``, is the one every tool follows: ``grad`` (also with
``create_graph=True``, where the same walk evaluates the rules on Values, so derivatives can
be differentiated again), the explainer, the animation and the practice exercises.
Nothing here recurses, so graphs of any depth work.
"""

from __future__ import annotations

import numbers
from contextlib import contextmanager, nullcontext
from contextvars import ContextVar
from itertools import count
from operator import attrgetter
from typing import Any, Callable, Iterator, Literal, Sequence, overload

from . import ops
from .ops import Op

__all__ = ["Value", "apply", "backward_order", "chain_rule", "grad", "zero_grad",
           "no_grad", "enable_grad", "is_recording", "is_real", "as_real"]


def is_real(x: object) -> bool:
    """True for a number the engine takes: an int, a float or a NumPy real scalar (never a bool)."""
    return type(x) is float or (isinstance(x, numbers.Real) and not isinstance(x, bool))


def as_real(x: object, where: str) -> float:
    """``x`` as a float, or a TypeError (OverflowError for a huge int) naming ``where`` and ``x``."""
    if not is_real(x):
        raise TypeError(f"{where}: expected a real number (int, float or NumPy real scalar), got {type(x).__name__} {x!r}")
    try:
        return float(x)  # type: ignore[arg-type]
    except OverflowError:
        raise OverflowError(f"{where}: {type(x).__name__} {x!r:.40} is too large for a float") from None


_recording: ContextVar[bool] = ContextVar("autodiff_recording", default=True)  # per thread and async task


def is_recording() -> bool:
    """False inside ``no_grad()`` (in this thread or task), unless an ``enable_grad()`` is nested in it."""
    return _recording.get()


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations are computed but not recorded: their results are leaves.

    Use it for parameter updates and evaluation. Like PyTorch's, it holds for the thread (and
    the async task) that entered it: other threads keep recording. Works as a decorator too.
    """
    token = _recording.set(False)
    try:
        yield
    finally:
        _recording.reset(token)


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record again inside a ``no_grad()`` block (``grad(create_graph=True)`` and ``gradcheck`` use it)."""
    token = _recording.set(True)
    try:
        yield
    finally:
        _recording.reset(token)


_numbering = count()  # a node is numbered when it is made, so after its parents


class Value:
    """A scalar in a computation graph: its value, its gradient, and the operation that made it.

    ``Value(2.0, name="x")`` makes a leaf. Arithmetic (``+ - * / **``, unary ``-``) and the
    methods ``exp log tanh sigmoid relu sin cos sqrt abs`` make new nodes (through ``apply``).
    ``==`` and ``hash`` are by identity, so Values can be dict keys and set members.
    """

    __slots__ = ("data", "grad", "name", "op", "parents", "local_grads", "_order", "_role")
    data: float
    grad: float  # d(output)/d(self) after output.backward()
    name: str | None  # its label in drawings, explanations and formulas
    op: Op | None  # the operation that made this node; None for a leaf
    parents: tuple[Value, ...]  # the operation's inputs, in order (``a + a`` has two)
    local_grads: tuple[Any, ...]  # d(self)/d(parent) for each parent, in the same order
    _order: int  # when it was made: after its parents
    _role: str  # set only on nodes a loss or softmax built inside itself (see roles.py); unset otherwise

    def __init__(self, data: float, name: str | None = None, op: Op | None = None,
                 parents: tuple[Value, ...] = (), local_grads: tuple[Any, ...] = ()) -> None:
        self.data = data if type(data) is float else as_real(data, "Value")
        self.grad = 0.0
        if name is not None:
            if not isinstance(name, str):
                raise TypeError(f"Value: name must be a str or None, got {type(name).__name__} {name!r}")
            if not name:
                raise ValueError("Value: name must not be empty; use None for an unnamed node")
        self.name = name
        self.op = op  # (op, parents and local_grads are given by apply; a leaf has none)
        self.parents = parents
        self.local_grads = local_grads
        self._order = next(_numbering)

    @property
    def is_leaf(self) -> bool:
        """True for a node no recorded operation made (inputs, parameters, constants)."""
        return self.op is None

    def __repr__(self) -> str:  # one line, and short even for a long name
        name = self.name if self.name is None or len(self.name) <= 60 else self.name[:59] + "…"
        label = f", name={name!r}" if name is not None else ""
        made_by = f", op={self.op.name!r}" if self.op is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{made_by})"

    # --- the operations of the table in ops.py ----------------------------------------------
    def __add__(self, other: Value | float) -> Value: return _binary(ops.ADD, self, other)
    def __radd__(self, other: float) -> Value: return _binary(ops.ADD, other, self)
    def __sub__(self, other: Value | float) -> Value: return _binary(ops.SUB, self, other)
    def __rsub__(self, other: float) -> Value: return _binary(ops.SUB, other, self)
    def __mul__(self, other: Value | float) -> Value: return _binary(ops.MUL, self, other)
    def __rmul__(self, other: float) -> Value: return _binary(ops.MUL, other, self)
    def __truediv__(self, other: Value | float) -> Value: return _binary(ops.DIV, self, other)
    def __rtruediv__(self, other: float) -> Value: return _binary(ops.DIV, other, self)
    def __rpow__(self, base: float) -> Value: return _binary(ops.POW_VALUE, base, self)
    def __neg__(self) -> Value: return apply(ops.NEG, (self,))
    def exp(self) -> Value: return apply(ops.EXP, (self,))
    def log(self) -> Value: return apply(ops.LOG, (self,))
    def tanh(self) -> Value: return apply(ops.TANH, (self,))
    def sigmoid(self) -> Value: return apply(ops.SIGMOID, (self,))
    def relu(self) -> Value: return apply(ops.RELU, (self,))
    def sin(self) -> Value: return apply(ops.SIN, (self,))
    def cos(self) -> Value: return apply(ops.COS, (self,))
    def sqrt(self) -> Value: return apply(ops.SQRT, (self,))
    def abs(self) -> Value: return apply(ops.ABS, (self,))  # derivative sign(x): 0 at the kink, as PyTorch's
    __abs__ = abs

    def __pow__(self, exponent: Value | float) -> Value:
        """``x ** n`` for a number n (one operation per exponent), or ``x ** y`` for a Value y."""
        if isinstance(exponent, Value):
            return apply(ops.POW_VALUE, (self, exponent))
        if not is_real(exponent):
            return NotImplemented
        return apply(ops.power(as_real(exponent, "pow")), (self,))

    def apply(self, op: Op, *others: Value) -> Value:
        """This Value (and ``others``) through an operation of the table: ``x.apply(ops.TANH)`` is ``x.tanh()``."""
        return apply(op, (self, *others))

    def step(self) -> Value:
        """The unit step [data > 0] as a constant: relu's derivative, through which no gradient flows."""
        return Value(0.0 if self.data <= 0 else 1.0)

    def sign(self) -> Value:
        """The sign of data (−1, 0 or 1) as a constant: abs's derivative, through which no gradient flows."""
        return Value(ops.sign(self.data))

    # --- gradients -----------------------------------------------------------------------------
    def backward(self, gradient: Value | float = 1.0) -> None:
        """Set ``node.grad = gradient · d(self)/d(node)`` for every node this Value depends on.

        ``gradient`` is the seed d(loss)/d(self), 1 by default (a Value gives its ``data``), as
        PyTorch's ``backward(gradient)``. Leaves *accumulate* (``+=``) across calls, as in PyTorch:
        call ``zero_grad()`` between passes you do not want summed. Every other node is reset
        first, so its ``grad`` describes the latest pass.
        """
        seed = gradient.data if isinstance(gradient, Value) else as_real(gradient, "backward: gradient")
        order = backward_order(self)
        for node in order:
            node.grad = 0.0
        self.grad += seed
        for node, parents, local_grads in chain_rule(order):  # each node's grad is complete when it is reached
            g = node.grad
            for k, parent in enumerate(parents):  # (an index, not zip: zip costs five objects per node)
                parent.grad += local_grads[k] * g

    def zero_grad(self) -> None:
        """Set ``grad`` to 0 on this node and every node it depends on."""
        self.grad = 0.0
        for node in backward_order(self):
            for parent in node.parents:
                parent.grad = 0.0


def apply(op: Op, operands: tuple[Value, ...]) -> Value:
    """The node ``op`` makes from ``operands``: its value from ``op.forward``, and, unless in
    ``no_grad()``, its parents (the operands) and the local derivative along each edge from
    ``op.derivative``."""
    inputs = [x.data for x in operands]
    data = op.forward(*inputs)
    if not _recording.get():
        return Value(data)
    return Value(data, None, op, operands, op.derivative(*inputs, data))


def _binary(op: Op, a: object, b: object) -> Value:
    """``a <op> b`` for the operators: a number on either side becomes a constant leaf."""
    if not isinstance(a, Value):
        if not is_real(a):
            return NotImplemented  # type: ignore[no-any-return]  # (Python then raises the TypeError)
        a = Value(a)  # type: ignore[arg-type]
    if not isinstance(b, Value):
        if not is_real(b):
            return NotImplemented  # type: ignore[no-any-return]
        b = Value(b)  # type: ignore[arg-type]
    return apply(op, (a, b))


def backward_order(root: Value) -> list[Value]:
    """The operation nodes behind ``root``, ``root`` first and every node before its parents.

    The order ``backward()`` visits them in, so each node's gradient is complete when it is
    passed on. Leaves are left out: they receive gradients but pass none on. A depth-first
    walk with an explicit stack: a node is listed once each of its parents is a leaf or listed.
    """
    if not isinstance(root, Value):
        raise TypeError(f"backward_order: expected a Value, got {type(root).__name__}")
    if root.op is None:
        return []
    seen, order = {root}, []
    stack = [(root, iter(root.parents))]  # the chain being explored, each with its parents still to look at
    while stack:
        node, parents = stack[-1]
        for parent in parents:
            if parent.op is not None and parent not in seen:
                seen.add(parent)
                stack.append((parent, iter(parent.parents)))
                break
        else:
            order.append(node)
            stack.pop()
    order.reverse()
    return order


LocalGrads = Callable[[Value], Sequence[Any]]
_parents, _local_grads = attrgetter("parents"), attrgetter("local_grads")
Step = tuple[Value, tuple[Value, ...], Sequence[Any]]  # a node, its parents, the local derivatives along those edges


def chain_rule(order: Sequence[Value], local_grads: LocalGrads | None = None) -> Iterator[Step]:
    """The chain rule's walk: for each node of ``order`` (``backward_order(root)``), the node,
    its parents and the local derivative d(node)/d(parent) along each of those edges.

    Its consumer sends ``local derivative × the node's gradient`` to each parent; once every
    node before it has, a node's gradient is complete. ``local_grads(node)`` gives the local
    derivatives (``node.local_grads`` by default): ``grad(create_graph=True)`` passes
    ``derivatives_as_values``, the practice exercises a learner's rounded or mistaken ones.
    """
    return zip(order, map(_parents, order), map(local_grads or _local_grads, order))  # (no Python frame per node)


def derivatives_as_values(node: Value) -> tuple[Any, ...]:
    """``node``'s local derivatives as Values: its operation's rule run on its parents and itself,
    so they are part of a graph and can be differentiated again."""
    assert node.op is not None
    return node.op.derivative(*node.parents, node)


def zero_grad(values: Sequence[Value] | Iterator[Value]) -> None:
    """Set ``grad`` to 0 on each of the given Values (for example a model's parameters)."""
    for value in values:
        value.grad = 0.0


@overload
def grad(output: Value, inputs: Value, create_graph: Literal[False] = ..., grad_output: Value | float = ...) -> float: ...
@overload
def grad(output: Value, inputs: Value, create_graph: Literal[True], grad_output: Value | float = ...) -> Value: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[False] = ...,
         grad_output: Value | float = ...) -> list[float]: ...
@overload
def grad(output: Value, inputs: Sequence[Value], create_graph: Literal[True],
         grad_output: Value | float = ...) -> list[Value]: ...


def grad(
    output: Value, inputs: Value | Sequence[Value], create_graph: bool = False, grad_output: Value | float = 1.0
) -> float | Value | list[float] | list[Value]:
    """d(output)/d(input) for each input, times ``grad_output``, leaving every ``.grad`` untouched.

    ``inputs`` may be one Value (one result is returned) or a sequence (a list). An input the
    output does not depend on gets 0. With ``create_graph=True`` the results are Values, built
    by the same walk from the operations' rules evaluated on Values, so they can be
    differentiated again; otherwise floats. ``grad_output`` is the seed d(loss)/d(output), as in
    ``backward(gradient)``; with ``create_graph=True`` a Value seed is part of the results' graph.
    """
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__}")
    if not isinstance(inputs, (Value, list, tuple, Sequence)):
        raise TypeError(f"grad: inputs must be a Value or a sequence of Values, got {type(inputs).__name__}")
    wanted = [inputs] if isinstance(inputs, Value) else list(inputs)
    for i, x in enumerate(wanted):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__}")
    seed: Any = grad_output if isinstance(grad_output, Value) else as_real(grad_output, "grad: grad_output")
    if create_graph != isinstance(seed, Value):
        seed = Value(seed) if create_graph else seed.data
    grads: dict[Value, Any] = {output: seed}
    with enable_grad() if create_graph else nullcontext():  # the results' own graph is recorded, even in no_grad
        rule = derivatives_as_values if create_graph else None
        for node, parents, local_grads in chain_rule(backward_order(output), rule):
            upstream = grads[node]
            for parent, local in zip(parents, local_grads):
                contribution = local * upstream
                grads[parent] = grads[parent] + contribution if parent in grads else contribution
    zero = Value(0.0) if create_graph else 0.0
    results = [grads.get(x, zero) for x in wanted]
    return results[0] if isinstance(inputs, Value) else results
