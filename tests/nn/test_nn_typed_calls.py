"""MLP.output and MLP.outputs: the calls a type checker can follow (see the README's section on types)."""

from __future__ import annotations

import pytest

from autodiff import Value
from nn import MLP


def test_output_is_the_value_a_single_output_network_returns() -> None:
    model = MLP(2, [3, 1], seed=0)
    one = model.output([0.5, -1.0])
    assert isinstance(one, Value)
    assert one.data == model([0.5, -1.0]).data  # type: ignore[union-attr]
    (only,) = model.outputs([0.5, -1.0])
    assert only.data == one.data


def test_outputs_is_always_a_list() -> None:
    model = MLP(2, [3, 2], seed=0)
    outs = model.outputs([0.5, -1.0])
    called = model([0.5, -1.0])
    assert isinstance(called, list)
    assert [v.data for v in outs] == [v.data for v in called]


def test_output_of_a_network_with_several_outputs_is_a_clear_error() -> None:
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(ValueError, match=r"MLP.output: this network has 2 outputs; use outputs\(x\)"):
        model.output([0.5, -1.0])
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 1"):
        model.outputs([0.5])
