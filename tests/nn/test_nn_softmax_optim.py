"""softmax, cross_entropy and the optimizers SGD / Adam / AdamW against PyTorch's stored numbers.

The numbers in data/torch_reference.json were computed once by make_reference.py (beside this
file; it says how to rerun it). torch is not needed to run these tests.
"""

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from autodiff import Value, gradcheck, topological_order
from nn import MLP, SGD, Adam, AdamW, cross_entropy, softmax

REFERENCE = json.loads((Path(__file__).parent / "data" / "torch_reference.json").read_text())
TOL = 1e-12


def close(ours, theirs, tol=TOL):
    return len(ours) == len(theirs) and all(abs(a - b) <= tol * max(1.0, abs(b)) for a, b in zip(ours, theirs))


# --- against PyTorch ------------------------------------------------------------------------

@pytest.mark.parametrize("case", REFERENCE["softmax_cross_entropy"], ids=lambda c: str(c["logits"]))
def test_softmax_and_its_gradient_match_pytorch(case):
    logits = [Value(v) for v in case["logits"]]
    probs = softmax(logits)
    assert close([p.data for p in probs], case["softmax"])
    weighted = probs[0] * case["weights"][0]
    for p, w in zip(probs[1:], case["weights"][1:]):
        weighted = weighted + p * w
    weighted.backward()
    assert close([v.grad for v in logits], case["weighted_softmax_grad"])


@pytest.mark.parametrize("case", REFERENCE["softmax_cross_entropy"], ids=lambda c: str(c["logits"]))
def test_cross_entropy_and_its_gradient_match_pytorch(case):
    logits = [Value(v) for v in case["logits"]]
    loss = cross_entropy(logits, case["target"])
    assert abs(loss.data - case["cross_entropy"]) <= TOL * max(1.0, case["cross_entropy"])
    loss.backward()
    assert close([v.grad for v in logits], case["cross_entropy_grad"])


def test_batch_cross_entropy_is_the_mean_as_in_pytorch():
    case = REFERENCE["cross_entropy_batch"]
    rows = [[Value(v) for v in row] for row in case["logits"]]
    loss = cross_entropy(rows, case["targets"])
    assert abs(loss.data - case["cross_entropy"]) <= TOL
    loss.backward()
    for row, expected in zip(rows, case["cross_entropy_grad"]):
        assert close([v.grad for v in row], expected)


def test_every_gradient_comes_from_the_graph():
    logits = [Value(0.2, "l1"), Value(-0.4, "l2")]
    loss = cross_entropy(logits, 1)
    ops = {n.op.name for n in topological_order(loss) if n.op is not None}
    assert ops <= {"exp", "log", "add", "sub"} and {"exp", "log"} <= ops
    assert all(n in topological_order(loss) for n in logits)


# --- properties -------------------------------------------------------------------------------

logit_lists = st.lists(st.floats(-30, 30, allow_nan=False), min_size=1, max_size=6)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(logit_lists, st.data())
def test_cross_entropy_gradient_agrees_with_central_differences(logits, data):
    target = data.draw(st.integers(0, len(logits) - 1))
    assert gradcheck(lambda *ls: cross_entropy(list(ls), target), logits, eps=1e-6, atol=1e-7, rtol=1e-6)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(logit_lists, st.data())
def test_softmax_gradient_agrees_with_central_differences(logits, data):
    k = data.draw(st.integers(0, len(logits) - 1))
    assert gradcheck(lambda *ls: softmax(list(ls))[k] * 3.0, logits, eps=1e-6, atol=1e-7, rtol=1e-6)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(logit_lists, st.floats(-500, 500), st.data())
def test_softmax_sums_to_one_and_shifting_every_logit_changes_nothing(logits, shift, data):
    target = data.draw(st.integers(0, len(logits) - 1))
    probs = [p.data for p in softmax(logits)]
    assert abs(sum(probs) - 1) < 1e-12 and all(p >= 0 for p in probs)
    shifted = [v + shift for v in logits]
    assert close([p.data for p in softmax(shifted)], probs, 1e-9)
    assert abs(cross_entropy(shifted, target).data - cross_entropy(logits, target).data) < 1e-9
    xs = [Value(v) for v in logits]
    cross_entropy(xs, target).backward()  # the gradient is softmax − onehot(target)
    assert close([x.grad for x in xs], [p - (i == target) for i, p in enumerate(probs)], 1e-12)


def test_extreme_logits_give_finite_values_and_gradients():
    for logits in ([1000.0, -1000.0], [-1000.0, 1000.0, 1000.0], [1e300, -1e300, 0.0], [-1000.0] * 4):
        for target in range(len(logits)):
            xs = [Value(v) for v in logits]
            loss = cross_entropy(xs, target)
            loss.backward()
            assert math.isfinite(loss.data) and loss.data >= 0
            assert all(math.isfinite(x.grad) for x in xs)
            assert all(math.isfinite(p.data) for p in softmax(logits))
    assert cross_entropy([1000.0, -1000.0], 1).data == 2000.0


# --- errors ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call, error, message", [
    (lambda: softmax([]), ValueError, "softmax: no logits given"),
    (lambda: cross_entropy([], 0), ValueError, "cross_entropy: no logits given"),
    (lambda: cross_entropy([1.0, 2.0], 2), ValueError, "cross_entropy: target_index 2 is out of range for 2 classes \\(0 to 1\\)"),
    (lambda: cross_entropy([1.0, 2.0], -1), ValueError, "target_index -1 is out of range"),
    (lambda: cross_entropy([1.0, 2.0], 1.0), TypeError, "target_index must be an int class index, got float 1.0"),
    (lambda: cross_entropy([1.0, 2.0], True), TypeError, "target_index must be an int class index, got bool True"),
    (lambda: cross_entropy([1.0, "2"], 0), TypeError, "cross_entropy: logit 1 must be a real number or a Value, got str '2'"),
    (lambda: softmax([1.0, None]), TypeError, "softmax: logit 1 must be a real number or a Value, got NoneType None"),
    (lambda: softmax([1.0, math.nan]), ValueError, "softmax: logit 1 must be finite, got nan"),
    (lambda: softmax([Value(math.inf)]), ValueError, "softmax: logit 0 must be finite, but it is a Value holding inf"),
    (lambda: softmax(3.0), TypeError, "softmax: logits must be a sequence \\(a list, tuple or array\\) of Values or numbers, got float 3.0"),
    (lambda: softmax(Value(1.0)), TypeError, "logits must be a sequence .* got Value"),
    (lambda: cross_entropy([[1.0, 2.0]], [0, 1]), ValueError, "1 samples of logits but 2 target indices"),
    (lambda: cross_entropy([[1.0, 2.0], [0.0]], [0, 1]), ValueError, "cross_entropy \\(sample 1\\): target_index 1 is out of range for 1 classes"),
])
def test_bad_arguments_are_clear_errors(call, error, message):
    with pytest.raises(error, match=message):
        call()


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
