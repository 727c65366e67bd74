"""Hypothesis strategies for the practice tests: small named networks like the generated ones.

``network_specs()`` draws a ``NetworkSpec`` (layer sizes, output activation, biases per unit /
shared / none, the loss, one-decimal values), which ``build_network`` turns into a graph with
the practice names (w1_12, z1_1, a1_1, yhat, L).
"""

from __future__ import annotations

from hypothesis import strategies as st

from autodiff.practice.random_networks import NetworkSpec, _model

tenths = st.integers(-9, 9).filter(bool).map(lambda k: k / 10)
inputs = st.integers(-10, 20).filter(bool).map(lambda k: k / 10)


@st.composite
def network_specs(draw, hidden=st.sampled_from(((2,), (3,), (2, 2))), output=st.sampled_from(("sigmoid", "linear")),
                  bias=st.sampled_from(("per unit", "shared", "none")), loss=None, samples=None) -> NetworkSpec:
    nin = draw(st.sampled_from((1, 2)))
    hidden_ = draw(hidden)
    output_ = draw(output)
    bias_ = draw(bias)
    losses = ("half_sse", "mse", "bce") if output_ == "sigmoid" else ("half_sse", "mse")
    loss_ = draw(loss if loss is not None else st.sampled_from(losses))
    n = draw(samples if samples is not None else st.sampled_from((1, 2) if loss_ != "bce" else (1,)))
    names = [name for name, _ in _model(nin, hidden_, output_, bias_).named_parameters()]
    params = {name: draw(tenths) for name in names}
    xs = tuple(tuple(draw(inputs) for _ in range(nin)) for _ in range(n))
    ts = tuple(float(draw(st.sampled_from((0, 1)))) if output_ == "sigmoid" else draw(tenths) for _ in range(n))
    return NetworkSpec(nin, hidden_, output_, bias_, loss_, params, xs, ts)
