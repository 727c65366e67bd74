"""Optimizers that update parameters in place from their gradients (nothing is recorded).

``SGD`` (with momentum, dampening, Nesterov momentum and weight decay), ``Adam`` and ``AdamW``,
each following PyTorch's ``torch.optim`` update formulas exactly (the tests compare them
step by step with numbers stored from PyTorch). An optimizer keeps its state (momentum
buffers, moment estimates, the step count) from one ``step()`` to the next, per parameter.
"""

from __future__ import annotations

import math
from typing import Iterable

from autodiff import Value, is_real, zero_grad



def _real(value: object, where: str, name: str, low: float, high: float, *, low_open: bool = False,
          high_open: bool = False) -> float:
    """``value`` as a float if it is a real number in the given interval, else a ValueError naming it."""
    ok = is_real(value) and math.isfinite(value)  # type: ignore[arg-type]
    if ok:
        v = float(value)  # type: ignore[arg-type]
        ok = (low < v if low_open else low <= v) and (v < high if high_open else v <= high)
    if not ok:
        interval = f"{'(' if low_open else '['}{low:g}, {'∞' if high == math.inf else f'{high:g}'}{')' if high_open else ']'}"
        kind = "a positive finite number" if (low, low_open, high) == (0, True, math.inf) else f"a number in {interval}"
        raise ValueError(f"{where}: {name} must be {kind}, got {value!r}")
    return v


class Optimizer:
    """What every optimizer shares: its parameters (each once), ``zero_grad()``, the refusal of
    non-finite gradients, and ``state``: per parameter, what the update remembers."""

    def __init__(self, parameters: Iterable[Value], lr: float) -> None:
        name = type(self).__name__
        if isinstance(parameters, Value):
            raise TypeError(f"{name}: parameters must be a list of Values (e.g. model.parameters()), got one Value")
        params = list(parameters)
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{name}: parameters[{i}] must be a Value, got {type(p).__name__} {p!r}")
        if not params:
            raise ValueError(f"{name}: no parameters given")
        self.lr = _real(lr, name, "lr", 0.0, math.inf, low_open=True, high_open=True)
        unique: dict[Value, None] = dict.fromkeys(params)  # each once (a shared bias), in order
        self.parameters: list[Value] = list(unique)
        self.state: dict[Value, dict[str, float]] = {p: {} for p in self.parameters}
        """Per parameter, what the update remembers between steps (PyTorch's names)."""

    def step(self) -> None:
        """One update from the current gradients; refuses (changing nothing) if one is not finite."""
        for p in self.parameters:
            if not math.isfinite(p.grad):
                raise ValueError(
                    f"{type(self).__name__}.step: the gradient of {p.name or p!r} is {p.grad!r}; no parameter was changed"
                )
        for p in self.parameters:
            p.data = self._update(p, p.grad, self.state[p])

    def _update(self, p: Value, g: float, state: dict[str, float]) -> float:
        """The parameter's new value from its gradient ``g``; updates ``state`` in place."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Set every parameter's ``grad`` to 0."""
        zero_grad(self.parameters)

    def _settings(self) -> str:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}({len(self.parameters)} parameters, {self._settings()})"


class SGD(Optimizer):
    """Stochastic gradient descent, as ``torch.optim.SGD``.

    With ``g = grad + weight_decay·p``: ``p ← p − lr·g`` when momentum is 0; otherwise the
    buffer ``b ← momentum·b + (1 − dampening)·g`` (``b = g`` at the first step) and
    ``p ← p − lr·b``, or with ``nesterov=True`` ``p ← p − lr·(g + momentum·b)``.
    Call ``zero_grad()`` before each ``backward()``, since leaves accumulate their gradients.
    """

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float,
        momentum: float = 0.0,
        *,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
    ) -> None:
        super().__init__(parameters, lr)
        self.momentum = _real(momentum, "SGD", "momentum", 0.0, 1.0, high_open=True)
        self.dampening = _real(dampening, "SGD", "dampening", 0.0, 1.0)
        self.weight_decay = _real(weight_decay, "SGD", "weight_decay", 0.0, math.inf, high_open=True)
        if not isinstance(nesterov, bool):
            raise TypeError(f"SGD: nesterov must be True or False, got {type(nesterov).__name__} {nesterov!r}")
        if nesterov and (self.momentum == 0 or self.dampening != 0):
            raise ValueError(
                f"SGD: nesterov=True needs a momentum > 0 and no dampening, got momentum={momentum!r}, dampening={dampening!r}"
            )
        self.nesterov = nesterov

    def _update(self, p: Value, g: float, state: dict[str, float]) -> float:
        if self.weight_decay:
            g = g + self.weight_decay * p.data
        mu = self.momentum
        if mu:
            if "momentum_buffer" in state:
                buffer = mu * state["momentum_buffer"] + (1 - self.dampening) * g
            else:
                buffer = g
            state["momentum_buffer"] = buffer
            g = g + mu * buffer if self.nesterov else buffer
        return p.data - self.lr * g

    def _settings(self) -> str:
        text = f"lr={self.lr}, momentum={self.momentum}"
        for name, default in (("dampening", 0.0), ("weight_decay", 0.0), ("nesterov", False)):
            if getattr(self, name) != default:
                text += f", {name}={getattr(self, name)}"
        return text


class Adam(Optimizer):
    """Adam, as ``torch.optim.Adam`` (``amsgrad=False``).

    With ``g = grad + weight_decay·p`` (L2 regularisation folded into the gradient) and step t:
    ``m ← β1·m + (1 − β1)·g``, ``v ← β2·v + (1 − β2)·g²``, then
    ``p ← p − lr/(1 − β1^t) · m / (√v / √(1 − β2^t) + eps)``: bias-corrected moments, with
    ``eps`` added outside the square root.
    """

    _decoupled = False  # AdamW: the weight decay shrinks p directly instead

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(parameters, lr)
        name = type(self).__name__
        if not (isinstance(betas, (tuple, list)) and len(betas) == 2):
            raise ValueError(f"{name}: betas must be a pair (beta1, beta2), got {betas!r}")
        self.betas = (
            _real(betas[0], name, "betas[0]", 0.0, 1.0, high_open=True),
            _real(betas[1], name, "betas[1]", 0.0, 1.0, high_open=True),
        )
        self.eps = _real(eps, name, "eps", 0.0, math.inf, low_open=True, high_open=True)
        self.weight_decay = _real(weight_decay, name, "weight_decay", 0.0, math.inf, high_open=True)

    def _update(self, p: Value, g: float, state: dict[str, float]) -> float:
        beta1, beta2 = self.betas
        data = p.data
        if self.weight_decay:
            if self._decoupled:
                data = data * (1 - self.lr * self.weight_decay)
            else:
                g = g + self.weight_decay * data
        t = int(state.get("step", 0)) + 1
        state["step"] = t
        m = state["exp_avg"] = beta1 * state.get("exp_avg", 0.0) + (1 - beta1) * g
        v = state["exp_avg_sq"] = beta2 * state.get("exp_avg_sq", 0.0) + (1 - beta2) * g * g
        step_size = self.lr / (1 - beta1**t)
        denominator = math.sqrt(v) / math.sqrt(1 - beta2**t) + self.eps
        return data - step_size * m / denominator

    def _settings(self) -> str:
        return f"lr={self.lr}, betas={self.betas}, eps={self.eps}, weight_decay={self.weight_decay}"


class AdamW(Adam):
    """AdamW, as ``torch.optim.AdamW``: Adam with decoupled weight decay.

    Each step first shrinks the parameter, ``p ← p − lr·weight_decay·p``, and then takes
    Adam's step with the plain gradient (the decay never enters the moments).
    """

    _decoupled = True

    def __init__(
        self,
        parameters: Iterable[Value],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(parameters, lr, betas, eps, weight_decay)
