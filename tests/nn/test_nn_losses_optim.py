"""Losses (values, gradients from backward, safety, errors) and SGD."""

import math

import pytest

from autodiff import Value, gradcheck
from nn import MLP, SGD, bce_loss, half_sse_loss, mse_loss


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


@pytest.mark.parametrize("loss", [mse_loss, half_sse_loss, bce_loss])
def test_losses_of_plain_numbers_are_values_that_backward_works_on(loss):
    # issue 12 item 23: mse_loss(3.0, 1.0) used to be the float 4.0, so .backward() failed
    for result in (loss(0.75, 1.0), loss([0.25, 0.5], [0.0, 1.0])):
        assert isinstance(result, Value)
        result.backward()
    assert mse_loss(3.0, 1.0).data == 4.0 and half_sse_loss([3.0, 1.0], [1.0, 1.0]).data == 2.0
