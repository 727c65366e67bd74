"""Stochastic gradient descent, updating parameters in place (nothing is recorded)."""

from __future__ import annotations

import math
from typing import Iterable

from autodiff import Value, zero_grad

from .module import _is_real


class SGD:
    """``p ← p − lr·v`` with ``v ← momentum·v + grad`` (plain ``p ← p − lr·grad`` when momentum is 0).

    Call ``zero_grad()`` before each ``backward()``, since leaves accumulate their gradients.
    """

    def __init__(self, parameters: Iterable[Value], lr: float, momentum: float = 0.0) -> None:
        params = list(parameters)
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"SGD: parameters[{i}] must be a Value, got {type(p).__name__} {p!r}")
        if not params:
            raise ValueError("SGD: no parameters given")
        if not (_is_real(lr) and math.isfinite(lr) and lr > 0):
            raise ValueError(f"SGD: lr must be a positive finite number, got {lr!r}")
        if not (_is_real(momentum) and 0 <= momentum < 1):
            raise ValueError(f"SGD: momentum must be a number in [0, 1), got {momentum!r}")
        seen: set[int] = set()
        self.parameters = [p for p in params if not (id(p) in seen or seen.add(id(p)))]  # each once
        self.lr = float(lr)
        self.momentum = float(momentum)
        self._velocity = [0.0] * len(self.parameters)

    def step(self) -> None:
        """One update from the current gradients; refuses (changing nothing) if one is not finite."""
        for p in self.parameters:
            if not math.isfinite(p.grad):
                raise ValueError(f"SGD.step: the gradient of {p.name or p!r} is {p.grad!r}; no parameter was changed")
        lr, mu, velocity = self.lr, self.momentum, self._velocity
        for i, p in enumerate(self.parameters):
            if mu:
                velocity[i] = mu * velocity[i] + p.grad
                p.data -= lr * velocity[i]
            else:
                p.data -= lr * p.grad

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        zero_grad(self.parameters)

    def __repr__(self) -> str:
        return f"SGD({len(self.parameters)} parameters, lr={self.lr}, momentum={self.momentum})"
