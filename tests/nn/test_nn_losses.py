"""Losses: mse, half_sse, bce, softmax and cross_entropy — values, gradients from backward() (against PyTorch's
stored numbers and central differences), safety at the extremes, and clear errors.

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
from nn import MLP, bce_loss, cross_entropy, half_sse_loss, mse_loss, softmax

REFERENCE = json.loads((Path(__file__).parent / "data" / "torch_reference.json").read_text())
TOL = 1e-12


# --- mse, half_sse, bce ----------------------------------------------------------------------
def test_mse_is_the_mean_over_samples_and_its_gradient_is_2_over_n():
    p = [Value(1.0), Value(2.0), Value(4.0)]
    loss = mse_loss(p, [0.0, 2.0, 1.0])
    assert abs(loss.data - (1 + 0 + 9) / 3) < 1e-15
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([2 / 3, 0.0, 2.0], abs=1e-15)
    assert mse_loss(Value(3.0), 1.0).data == 4.0


def test_half_sse_gradient_is_the_error():
    p = [Value(0.75), Value(0.25)]
    loss = half_sse_loss(p, [Value(0.5, "t1"), 1.0])
    assert abs(loss.data - 0.5 * (0.0625 + 0.5625)) < 1e-15
    loss.backward()
    assert [v.grad for v in p] == pytest.approx([0.25, -0.75], abs=1e-15)


def test_bce_value_and_gradient_and_mean_over_samples():
    p = Value(0.8)
    loss = bce_loss(p, 1.0)
    assert abs(loss.data + math.log(0.8)) < 1e-15
    loss.backward()
    assert abs(p.grad - (0.8 - 1.0) / (0.8 * 0.2)) < 1e-12
    two = bce_loss([Value(0.8), Value(0.3)], [1.0, 0.0])
    assert abs(two.data - (-math.log(0.8) - math.log(0.7)) / 2) < 1e-15
    assert gradcheck(lambda a, b: bce_loss([a.sigmoid(), b.sigmoid()], [1.0, 0.25]), [0.4, -1.3])


def test_bce_is_finite_at_0_and_1_and_still_pushes_the_right_way():
    for prob, target in ((1.0, 0.0), (0.0, 1.0), (1e-300, 1.0), (1.0, 1.0), (0.0, 0.0)):
        p = Value(prob)
        loss = bce_loss(p, target)
        loss.backward()
        assert math.isfinite(loss.data) and math.isfinite(p.grad)
        if target != prob:
            assert (p.grad < 0) == (target > prob)
            assert loss.data == pytest.approx(-math.log(1e-12), rel=1e-9)
    z = Value(-800.0)  # sigmoid(z) is exactly 0.0 in floats
    loss = bce_loss(z.sigmoid(), 1.0)
    loss.backward()
    assert math.isfinite(loss.data)


@pytest.mark.parametrize("pred, target, message", [
    (1.2, 1.0, "bce_loss: prediction 0 must be a probability in \\[0, 1\\], got 1.2"),
    (0.5, -0.1, "bce_loss: target 0 must be a probability in \\[0, 1\\], got -0.1"),
    (0.5, 2, "bce_loss: target 0 must be a probability"),
])
def test_bce_refuses_values_outside_0_1(pred, target, message):
    with pytest.raises(ValueError, match=message):
        bce_loss(Value(pred), target)


@pytest.mark.parametrize("loss", [mse_loss, half_sse_loss, bce_loss])
def test_mismatched_or_empty_or_bad_inputs_are_clear_errors(loss):
    name = loss.__name__
    with pytest.raises(ValueError, match=f"{name}: 2 predictions but 1 targets"):
        loss([Value(0.5), Value(0.5)], [1.0])
    with pytest.raises(ValueError, match=f"{name}: no predictions given"):
        loss([], [])
    with pytest.raises(TypeError, match=f"{name}: target 0 must be a real number or a Value, got str '1'"):
        loss([Value(0.5)], ["1"])
    with pytest.raises(ValueError, match=f"{name}: target 0 must be finite, got inf"):
        loss([Value(0.5)], [math.inf])
    # issue 12 item 22: a Value holding nan is a Value; the message says what is wrong with it
    with pytest.raises(ValueError, match=f"{name}: prediction 0 must be finite, but it is a Value holding nan \\(Value\\(data=nan"):
        loss([Value(math.nan)], [1.0])
    with pytest.raises(ValueError, match=f"{name}: give one prediction and one target, or two sequences"):
        loss(Value(0.5), [1.0])


@pytest.mark.parametrize("loss", [mse_loss, half_sse_loss, bce_loss])
def test_losses_of_plain_numbers_are_values_that_backward_works_on(loss):
    # issue 12 item 23: mse_loss(3.0, 1.0) used to be the float 4.0, so .backward() failed
    for result in (loss(0.75, 1.0), loss([0.25, 0.5], [0.0, 1.0])):
        assert isinstance(result, Value)
        result.backward()
    assert mse_loss(3.0, 1.0).data == 4.0 and half_sse_loss([3.0, 1.0], [1.0, 1.0]).data == 2.0


# --- softmax and cross_entropy ---------------------------------------------------------------
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
