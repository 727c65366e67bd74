"""Hypothesis strategies for the lab's network form (``POST /api/graph`` with ``{"network": ...}``).

``network_specs()`` draws a spec the page could send: 1 to 3 inputs, 1 to 3 layers of 1 to 3 units,
an activation per layer, biases on, off or shared, 1 to 3 samples, a loss the form offers (binary
cross-entropy with a sigmoid output and targets in [0, 1]) and a seed; inputs and targets rounded
to 6 digits, as a learner types them.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from autodiff.lab.networks import ACTIVATIONS, LOSSES

moderate = st.floats(-2.0, 2.0, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6))
unit = st.floats(0.0, 1.0, allow_nan=False, allow_infinity=False).map(lambda x: round(x, 6))


@st.composite
def network_specs(draw: st.DrawFn) -> dict[str, Any]:
    nin = draw(st.integers(1, 3))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))
    samples = draw(st.integers(1, 3))
    loss = draw(st.sampled_from(LOSSES))
    activations = draw(st.lists(st.sampled_from(ACTIVATIONS), min_size=len(sizes), max_size=len(sizes)))
    if loss == "bce":
        activations[-1] = "sigmoid"
    target = unit if loss == "bce" else moderate
    return {
        "inputs": [[draw(moderate) for _ in range(nin)] for _ in range(samples)],
        "targets": [[draw(target) for _ in range(sizes[-1])] for _ in range(samples)],
        "sizes": sizes, "activations": activations, "bias": draw(st.sampled_from(("on", "off", "shared"))),
        "loss": loss, "seed": draw(st.integers(0, 2**31 - 1)),
    }
