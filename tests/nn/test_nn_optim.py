"""Optimizers: SGD (momentum, Nesterov, weight decay), Adam and AdamW — each step against PyTorch's stored
numbers and by hand, shared parameters once, settings validated, nothing changed on a bad gradient.

The numbers in data/torch_reference.json were computed once by make_reference.py (beside this file).
"""

import json
import math
from pathlib import Path

import pytest

from autodiff import Value
from nn import MLP, SGD, Adam, AdamW, cross_entropy

REFERENCE = json.loads((Path(__file__).parent / "data" / "torch_reference.json").read_text())
TOL = 1e-12


def close(ours, theirs, tol=TOL):
    return len(ours) == len(theirs) and all(abs(a - b) <= tol * max(1.0, abs(b)) for a, b in zip(ours, theirs))


def test_sgd_plain_step_and_momentum():
    a, b = Value(1.0, "a"), Value(2.0, "b")
    a.grad, b.grad = 0.5, -1.0
    SGD([a, b], lr=0.1).step()
    assert (a.data, b.data) == (1.0 - 0.05, 2.0 + 0.1)
    w = Value(0.0, "w")
    opt = SGD([w], lr=1.0, momentum=0.5)
    for _ in range(2):
        w.grad = 1.0
        opt.step()
    assert w.data == -(1.0 + 1.5)
    opt.zero_grad()
    assert w.grad == 0.0


def test_sgd_lists_a_shared_parameter_once_and_records_nothing():
    b = Value(1.0)
    opt = SGD([b, b], lr=0.5)
    assert len(opt.parameters) == 1
    b.grad = 1.0
    opt.step()
    assert b.data == 0.5 and b.is_leaf


@pytest.mark.parametrize("kwargs, message", [
    (dict(lr=0), "lr must be a positive finite number, got 0"),
    (dict(lr=-0.1), "lr must be a positive finite number"),
    (dict(lr=math.inf), "lr must be a positive finite number"),
    (dict(lr=True), "lr must be a positive finite number, got True"),
    (dict(lr="0.1"), "lr must be a positive finite number, got '0.1'"),
    (dict(lr=0.1, momentum=1.0), "momentum must be a number in \\[0, 1\\), got 1.0"),
    (dict(lr=0.1, momentum=-0.5), "momentum must be a number in \\[0, 1\\)"),
])
def test_sgd_validates_its_settings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        SGD([Value(1.0)], **kwargs)


def test_sgd_refuses_bad_parameters_and_non_finite_gradients_without_changing_anything():
    with pytest.raises(TypeError, match="parameters\\[1\\] must be a Value, got float 2.0"):
        SGD([Value(1.0), 2.0], lr=0.1)
    with pytest.raises(ValueError, match="no parameters given"):
        SGD([], lr=0.1)
    m = MLP(1, [2])
    before = m.state_dict()
    m.parameters()[0].grad = 1.0
    m.parameters()[-1].grad = math.nan
    with pytest.raises(ValueError, match="SGD.step: the gradient of 'L1.N2.b' is nan; no parameter was changed"):
        SGD(m.parameters(), lr=0.1).step()
    assert m.state_dict() == before


# --- optimizers against PyTorch ----------------------------------------------------------------

OPTIMIZERS = {"SGD": SGD, "Adam": Adam, "AdamW": AdamW}


def _loss(p0, p1, p2):  # the loss make_reference.py uses: see REFERENCE["optimizer_loss"]
    return (p0 * p1 - 1) ** 2 + 0.5 * p2**4 + (0.3 * p0).exp() - p2 * p1


@pytest.mark.parametrize("case", REFERENCE["optimizers"], ids=lambda c: f"{c['optimizer']}{c['kwargs']}")
def test_each_step_matches_torch_optim(case):
    params = [Value(v, name=f"p{i}") for i, v in enumerate(case["initial"])]
    kwargs = {k: tuple(v) if k == "betas" else v for k, v in case["kwargs"].items()}
    opt = OPTIMIZERS[case["optimizer"]](params, **kwargs)
    for step, expected in enumerate(case["after_each_step"], start=1):
        opt.zero_grad()
        _loss(*params).backward()
        opt.step()
        assert close([p.data for p in params], expected), f"step {step}"
    assert len(case["after_each_step"]) >= 5 and expected != case["initial"]


def test_adam_state_survives_steps_per_parameter():
    a, b = Value(1.0, "a"), Value(-2.0, "b")
    opt = Adam([a, b], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        (a * a + b * 3).backward()
        opt.step()
    assert opt.state[a]["step"] == opt.state[b]["step"] == 3
    assert opt.state[b]["exp_avg"] == pytest.approx(3 * (1 - 0.9**3), abs=1e-15)  # b's gradient is always 3
    assert opt.state[b]["exp_avg_sq"] == pytest.approx(9 * (1 - 0.999**3), abs=1e-15)
    # with a constant gradient the bias-corrected step is lr·g/(|g| + eps·...) ≈ lr each time
    assert b.data == pytest.approx(-2.0 - 3 * 0.1, abs=1e-7)


def test_adamw_decays_the_parameter_directly_and_adam_through_the_gradient():
    # With a zero gradient Adam's L2 decay still moves p through the moments, AdamW shrinks p by lr·wd·p.
    p, q = Value(2.0), Value(2.0)
    AdamW([p], lr=0.1, weight_decay=0.5).step()
    assert p.data == 2.0 * (1 - 0.1 * 0.5)
    Adam([q], lr=0.1, weight_decay=0.5).step()
    assert q.data == pytest.approx(2.0 - 0.1 / (1 + 1e-8), abs=1e-14)  # g = wd·p = 1: m̂ = v̂ = 1


def test_sgd_nesterov_and_weight_decay_by_hand():
    w = Value(1.0)
    opt = SGD([w], lr=0.1, momentum=0.5, nesterov=True, weight_decay=0.2)
    w.grad = 1.0
    opt.step()  # g = 1 + 0.2 = 1.2; b = 1.2; update g + 0.5·b = 1.8
    assert w.data == pytest.approx(1.0 - 0.18, abs=1e-15)
    w.grad = 1.0
    opt.step()  # g = 1 + 0.2·0.82 = 1.164; b = 0.5·1.2 + 1.164 = 1.764; update 1.164 + 0.882
    assert w.data == pytest.approx(0.82 - 0.1 * (1.164 + 0.5 * 1.764), abs=1e-15)
    d = Value(0.0)
    damped = SGD([d], lr=1.0, momentum=0.5, dampening=0.5)
    for _ in range(2):
        d.grad = 1.0
        damped.step()  # b = 1 (first step: no dampening), then b = 0.5·1 + 0.5·1 = 1
    assert d.data == -2.0


@pytest.mark.parametrize("cls, kwargs, message", [
    (Adam, dict(lr=0), "Adam: lr must be a positive finite number, got 0"),
    (Adam, dict(lr="1e-3"), "Adam: lr must be a positive finite number, got '1e-3'"),
    (Adam, dict(betas=(0.9,)), "Adam: betas must be a pair \\(beta1, beta2\\), got \\(0.9,\\)"),
    (Adam, dict(betas=(1.0, 0.999)), "Adam: betas\\[0\\] must be a number in \\[0, 1\\), got 1.0"),
    (Adam, dict(betas=(0.9, -0.1)), "Adam: betas\\[1\\] must be a number in \\[0, 1\\), got -0.1"),
    (Adam, dict(betas=(0.9, math.nan)), "betas\\[1\\] must be a number in \\[0, 1\\), got nan"),
    (Adam, dict(eps=0), "Adam: eps must be a positive finite number, got 0"),
    (Adam, dict(weight_decay=-1), "Adam: weight_decay must be a number in \\[0, ∞\\), got -1"),
    (AdamW, dict(weight_decay=math.inf), "AdamW: weight_decay must be a number in \\[0, ∞\\), got inf"),
    (AdamW, dict(eps=None), "AdamW: eps must be a positive finite number, got None"),
    (SGD, dict(lr=0.1, weight_decay=-0.1), "SGD: weight_decay must be a number in \\[0, ∞\\), got -0.1"),
    (SGD, dict(lr=0.1, dampening=1.5), "SGD: dampening must be a number in \\[0, 1\\], got 1.5"),
    (SGD, dict(lr=0.1, nesterov=True), "SGD: nesterov=True needs a momentum > 0 and no dampening, got momentum=0.0"),
    (SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, nesterov=True), "needs a momentum > 0 and no dampening"),
])
def test_every_setting_is_validated_with_its_value(cls, kwargs, message):
    with pytest.raises(ValueError, match=message):
        cls([Value(1.0)], **kwargs)


def test_type_errors_and_non_finite_gradients():
    with pytest.raises(TypeError, match="SGD: nesterov must be True or False, got str 'yes'"):
        SGD([Value(1.0)], lr=0.1, momentum=0.9, nesterov="yes")  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="Adam: parameters must be a list of Values \\(e.g. model.parameters\\(\\)\\), got one Value"):
        Adam(Value(1.0))  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="AdamW: parameters\\[0\\] must be a Value, got int 3"):
        AdamW([3])  # type: ignore[list-item]
    a, b = Value(1.0, "a"), Value(2.0, "b")
    opt = Adam([a, b])
    a.grad, b.grad = 1.0, math.inf
    with pytest.raises(ValueError, match="Adam.step: the gradient of 'b' is inf; no parameter was changed"):
        opt.step()
    assert (a.data, b.data) == (1.0, 2.0) and opt.state[a] == {}


def test_zero_grad_shared_parameters_and_repr():
    m = MLP(2, [2, 1])
    for cls in (Adam, AdamW):
        opt = cls(m.parameters() + m.parameters()[:2])
        assert len(opt.parameters) == len(m.parameters())
        m([1.0, 2.0]).backward()
        opt.zero_grad()
        assert all(p.grad == 0 for p in m.parameters())
    assert repr(Adam(m.parameters())) == "Adam(9 parameters, lr=0.001, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.0)"
    assert repr(AdamW(m.parameters(), lr=0.01)) == "AdamW(9 parameters, lr=0.01, betas=(0.9, 0.999), eps=1e-08, weight_decay=0.01)"
    assert repr(SGD(m.parameters(), lr=0.1)) == "SGD(9 parameters, lr=0.1, momentum=0.0)"
    assert repr(SGD(m.parameters(), lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)) == (
        "SGD(9 parameters, lr=0.1, momentum=0.9, weight_decay=0.01, nesterov=True)"
    )


def test_an_mlp_trains_with_each_optimizer():
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [0, 1, 1, 0]
    for make in (lambda ps: Adam(ps, lr=0.05), lambda ps: AdamW(ps, lr=0.05), lambda ps: SGD(ps, lr=0.3, momentum=0.9, nesterov=True)):
        model = MLP(2, [6, 2], activations=["tanh", "linear"], seed=2)
        opt = make(model.parameters())
        losses = []
        for _ in range(150):
            loss = cross_entropy([model(x) for x in xs], ys)
            opt.zero_grad()
            loss.backward()
            opt.step()
            losses.append(loss.data)
        assert losses[-1] < losses[0] / 5
        assert [max(range(2), key=lambda k: model(x)[k].data) for x in xs] == ys
