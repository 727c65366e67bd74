"""The five documents' own mistakes, graded: each wrong formula and each wrong number the
document writes (docs/documents.md lists them) gets the mistake docs/documents.md names.

Formulas are transcribed in the graph's node names (nn/reference.py), as in
examples/explain_reference.py. ``σ'(z)`` is written ``sigmoid(z)*(1-sigmoid(z))``.
"""

from __future__ import annotations

import pytest

from autodiff.practice import grade
from nn.reference import build


def sig(z: str) -> str:
    return f"sigmoid({z})*(1-sigmoid({z}))"


def per_sample(template: str) -> str:
    """001 writes one sample's chain; its loss is the mean over 3 samples: 2/3·Σ_k (...)."""
    return "2/3*(" + " + ".join(template.format(k=k) for k in (1, 2, 3)) + ")"


# (document, node, the document's answer, the slip the notes make, the catalogue ids expected)
WRONG = [
    # 000 (no numbers in the document; its formulas)
    ("000", "W_20", "Out h1*(-y-t)", "① sign transcription: (−y−t) for (y−t)", ("sign_flipped",)),
    ("000", "W_21", "Out h2*(-y-t)", "① the same sign transcription", ("sign_flipped",)),
    ("000", "W_22", "Out h3*(-y-t)", "① the same sign transcription", ("sign_flipped",)),
    ("000", "W_1", f"(-y-t)/(y(1-y)) * y(1-y) * W_20 * {sig('net h1')} * net h1",
     "② the sign, and the last factor written δ_1 / net[0][0] where the input a1 belongs",
     ("sign_flipped", "wrong_input_factor")),
    ("000", "b_1", "(-y-t)/((1-y)*y) * (1-y)*y * 1", "③ labelled b_1, but it is the output bias b_2's chain (and the sign)",
     ("sign_flipped", "wrong_node")),
    ("000", "b_1", "(y-t)/((1-y)*y) * (1-y)*y * 1", "③ with the sign corrected: still b_2's derivative", ("wrong_node",)),
    ("000", "b_1", "(y-t)*net h1*sigmoid(net h1)*W_20",
     "④ net h1 × Sigmoid(net h1) for σ′, and only the h1 path of the shared b_1", ("missed_path", "z_times_sigma")),
    ("000", "b_1", f"(y-t)*W_20*{sig('net h1')}", "④ with the right σ′: the h1 path alone", ("missed_path",)),
    ("000", "b_1", "-0.07641841662714388", "④ the h1 path alone, as a number (the notes: −0.0764184…)", ("missed_path",)),
    # 001
    ("001", "w3_11", "6.975", "① computed from activations rounded to 2 digits (exact 6.96998)", ("rounded_intermediates",)),
    ("001", "w3_21", "7.519", "② computed from rounded activations (exact 7.52328)", ("rounded_intermediates",)),
    ("001", "w1_11", "-0.17", "the note's −0.17 comes from a hand slip (0.28 for 0.23): no systematic mistake", ()),
    ("001", "b1_1", "0.27", "the note's 0.27 comes from the same hand slip", ()),
    ("001", "w1_11",
     per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
     "line 13: only the path through h²₁", ("missed_path",)),
    ("001", "w1_12",
     per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
     "line 14: written through h¹₁ (the neighbouring neuron) where w¹₁₂ feeds h¹₂; one path",
     ("missed_path", "neighbour_factor")),
    ("001", "b1_1", per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
     "line 13 right column: labelled ∂L/∂b¹₁ but it is ∂L/∂b²₁", ("wrong_node",)),
    ("001", "b1_2", per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
     "line 14 right column: labelled ∂L/∂b¹₂ but it is a layer-2 bias formula", ("wrong_node",)),
    # 003
    ("003", "a1_1", "δ(z1_1)*w2_11 + δ(z1_2)*w2_21", "line 34: z¹ written where z² is meant", ("neighbour_factor",)),
    ("003", "a1_2", "δ(z1_1)*w2_12 + δ(z2_2)*w2_22", "line 36: δ(z¹₁) for δ(z²₁)", ("neighbour_factor",)),
    ("003", "z1_1", "(δ(z1_1)*w2_11 + δ(z1_2)*w2_21)*a1_1*(1-a1_1)", "line 40: defined in terms of itself (z¹ for z²)",
     ("neighbour_factor",)),
    ("003", "z1_2", "(δ(z1_1)*w2_12 + δ(z2_2)*w2_22)*a1_2*(1-a1_2)", "line 42: δ(z¹₁) for δ(z²₁)", ("neighbour_factor",)),
    ("003", "z1_2", "(δ(z1_2)*w2_13 + δ(z2_2)*w2_23)*a1_3*(1-a1_3)",
     "line 44: labelled dloss/dz¹₂ (it is z¹₃'s) and z¹₂ written for z²₁", ("neighbour_factor", "wrong_node")),
]

# The documents' right answers: never a mistake.
RIGHT = [
    ("000", "W_20", "(y-t)*Out h1"),
    ("000", "b_1", f"(y-t)*(W_20*{sig('net h1')} + W_21*{sig('net h2')} + W_22*{sig('net h3')})"),
    ("001", "w3_11", per_sample("(yhat[{k}]-y[{k}])*h2_1[{k}]")),
    ("001", "b3_1", per_sample("(yhat[{k}]-y[{k}])")),
    ("001", "w1_11", per_sample("((yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11 + "
                                "(yhat[{k}]-y[{k}])*w3_21*h2_2[{k}]*(1-h2_2[{k}])*w2_12)*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]")),
    ("001", "b3_1", "7.667"),
    ("002", "w2_11", f"(a3_1-t1)*{sig('z3_1')}*w3_11*{sig('z2_1')}*a1_1 + (a3_2-t2)*{sig('z3_2')}*w3_21*{sig('z2_1')}*a1_1"),
    ("002", "z2_2", "(δ(z3_1)*w3_12 + δ(z3_2)*w3_22)*a2_2*(1-a2_2)"),
    ("003", "a1_1", "δ(z2_1)*w2_11 + δ(z2_2)*w2_21"),
    ("003", "w2_13", "(pred-true)*w3_11*a2_1*(1-a2_1)*a1_3"),
    ("004", "w11", "(A3 - y_t)(A3(1-A3)) w31 A1(1-A1) x1"),
    ("004", "w22", "(A3 - y_t)(A3(1-A3)) w32 · A2(1-A2) · x2"),
]


@pytest.fixture(scope="module")
def losses():
    return {seed: build(seed).loss() for seed in ("000", "001", "002", "003", "004")}


@pytest.mark.parametrize("seed, node, answer, says, expected", WRONG, ids=[f"{w[0]}-{w[1]}-{i}" for i, w in enumerate(WRONG)])
def test_each_document_mistake_gets_the_mistake_seeds_names(losses, seed, node, answer, says, expected):
    g = grade(losses[seed], node, answer)
    assert not g.correct
    assert g.mistakes == expected, f"{says}\n{g.text()}"
    assert g.expected == pytest.approx(build(seed).expected_gradients.get(node, g.expected), abs=1e-12)
    text = g.text()
    assert f"{abs(g.expected):.10g}" in text  # the right value is given
    if not expected:
        assert text.startswith("Wrong:")


@pytest.mark.parametrize("seed, node, answer", RIGHT)
def test_the_documents_right_answers_are_right(losses, seed, node, answer):
    g = grade(losses[seed], node, answer)
    assert g.correct and g.mistakes == () and g.status == "correct", g.text()


def test_the_stated_answers_of_001_are_right_to_their_two_digits_but_too_coarse():
    """docs/documents.md: −0.13 and 0.23 are the correct values; two digits are not enough to count."""
    loss = build("001").loss()
    for node, answer in (("w1_11", "-0.13"), ("b1_1", "0.23")):
        g = grade(loss, node, answer)
        assert (g.correct, g.mistakes, g.status) == (False, (), "imprecise")
        assert "3 significant digits" in g.text()


def test_an_unknown_name_in_004_line_140_is_refused_clearly():
    """docs/documents.md: y_k is a slip for y_t; the graph has no y_k, and the grader says so."""
    g = grade(build("004").loss(), "w22", "(A3 - y_k)(A3(1-A3)) w32 · A2(1-A2) · x2")
    assert g.status == "unreadable" and not g.correct and g.mistakes == ()
    assert "y_k" in g.text()


def test_the_example_prints_what_the_grader_says_on_every_document_mistake():
    import subprocess
    import sys
    from pathlib import Path
    script = Path(__file__).resolve().parents[2] / "examples" / "practice_documents.py"
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("    grader:   ") == len(WRONG)
    assert "grader:   missed_path, z_times_sigma" in done.stdout
