"""Seed 001: a 1-2-2-1 net (sigmoid, sigmoid, linear output), MSE over 3 samples, one step of gradient descent.

The document works everything out by hand with 2-digit numbers. Here every gradient comes
from backward(); its hand formulas (sums over the samples k of the per-sample signals it
calls B(·)) are evaluated on our forward values, and its printed numbers are checked.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Sym  # noqa: E402
from nn import SGD, named_nodes  # noqa: E402
from nn.report import agree, document_verdict, evaluate, fmt, gradient_table, heading, open_case, table, values_of  # noqa: E402

v = Sym.var
SAMPLES = (1, 2, 3)
TWO_THIRDS = v("(2/3)")  # shown as the document writes it; its value is put among the forward values


def at(name: str, k: object) -> Sym:
    """A per-sample quantity: h2_1[k]."""
    return v(f"{name}[{k}]")


class SumOverSamples:
    """Σ_k term(k): printed once with k, evaluated as the sum over the three samples."""

    def __init__(self, term):
        self.term = term

    def text(self) -> str:
        return f"Σ_k {self.term('k').text()}"

    def evaluate(self, values) -> float:
        return sum(self.term(k).evaluate(values) for k in SAMPLES)


def signals() -> dict[str, callable]:
    """The document's B(·), per sample: B(h) = dL/dℓ for the unit h (as it writes them, corrected)."""
    def b2(j):
        return lambda k: TWO_THIRDS * (at("yhat", k) - at("y", k)) * v(f"w3_{j}1") * at(f"h2_{j}", k) * (1 - at(f"h2_{j}", k))

    def b1(i):
        return lambda k: (v(f"w2_{i}1") * at("B(h2_1)", k) + v(f"w2_{i}2") * at("B(h2_2)", k)) * at(f"h1_{i}", k) * (1 - at(f"h1_{i}", k))

    return {"B(h2_1)": b2(1), "B(h2_2)": b2(2), "B(h1_1)": b1(1), "B(h1_2)": b1(2)}


def hand_formulas() -> dict[str, SumOverSamples]:
    error = lambda k: TWO_THIRDS * (at("yhat", k) - at("y", k))  # noqa: E731  dL/dyhat_k
    f = {
        "w3_11": SumOverSamples(lambda k: error(k) * at("h2_1", k)),
        "w3_21": SumOverSamples(lambda k: error(k) * at("h2_2", k)),
        "b3_1": SumOverSamples(error),
    }
    for j in (1, 2):
        for i in (1, 2):  # w2_ij: from h1_i to h2_j
            f[f"w2_{i}{j}"] = SumOverSamples(lambda k, i=i, j=j: at(f"B(h2_{j})", k) * at(f"h1_{i}", k))
        f[f"b2_{j}"] = SumOverSamples(lambda k, j=j: at(f"B(h2_{j})", k))
        f[f"w1_1{j}"] = SumOverSamples(lambda k, j=j: at(f"B(h1_{j})", k) * at("x", k))
        f[f"b1_{j}"] = SumOverSamples(lambda k, j=j: at(f"B(h1_{j})", k))
    return f


NOTES = [
    "w3_11: the document's 6.975 multiplies activations rounded to 2 digits (0.75, 0.94, 0.97); exact 6.96998.",
    "w3_21: 7.519 is rounded the same way, and one product is slipped: 2.61×0.93 = 2.4273, written 2.4293.",
    "w1_11: the document prints '-0.13 (computed -0.17)'. -0.13 is right. The -0.17 comes from a hand slip in",
    "       B(h1_1)[1]: (0.49 + 2×0.33)×0.20 = 0.23 was written 0.28, and (2/3)(−0.28 + 0.03) = −0.17.",
    "b1_1: likewise '0.23 (computed 0.27)': 0.23 is right; 0.27 = (2/3)(0.28 + 0.09 + 0.03) uses the slip.",
    "b2_2: the document's vector [0.33, 0.06, 0.62] has a typo (0.02); its result 0.27 used 0.02.",
    "w2_22: 0.06×0.73 is 0.0438, written 0.0418; the sum rounds to 0.10 either way.",
]


def main() -> None:
    case, loss = open_case(
        "001", "L = (1/3)·Σ_k (yhat[k] − y[k])²",
        lambda case: f";  x = {case.golden['inputs']['x']}, y = {case.golden['targets']['y']}",
        "Forward values (k = sample):")
    g = case.golden

    values = values_of(loss)
    values["(2/3)"] = 2 / 3
    print("\nThe document's per-sample signals B(h) = dL/dℓ, by its formulas, and as dL/dℓ[k] from backward:")
    nodes = named_nodes(loss)
    rows = []
    for name, term in signals().items():
        layer_unit = name[3:-1]  # "B(h2_1)" -> "2_1"
        for k in SAMPLES:
            values[f"{name}[{k}]"] = by_hand = evaluate(term(k), values)
            ours = nodes[f"l{layer_unit}[{k}]"].grad
            rows.append([f"{name}[{k}]", ours, by_hand, agree(ours, by_hand), term("k").text() if k == 1 else ""])
    print(table(["signal", "dL/dℓ from backward", "hand formula", "check", "formula"], rows))
    doc_b = {"B(h1_1)": [0.28, 0.09, 0.03], "B(h1_2)": [0.55, 0.18, 0.02]}
    for name, printed in doc_b.items():
        exact = [values[f"{name}[{k}]"] / (2 / 3) for k in SAMPLES]
        print(f"  {name}/(2/3): document {printed}, ours [{', '.join(fmt(x, 4) for x in exact)}]")

    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\nGradients (backward), the hand formulas, and the document's printed numbers:")
    print(gradient_table(grads, hand_formulas(), values, golden=case.expected_gradients,
                         document=g["document_gradients"]))
    print("Where the document is off:")
    print("\n".join(f"  {line}" for line in NOTES))

    print(heading("One step of gradient descent, θ ← θ − 0.1·dL/dθ", "-"))
    before = case.model.state_dict()
    SGD(case.model.parameters(), lr=g["learning_rate"]).step()
    after = case.model.state_dict()
    rows = []
    for name in after:
        doc = g["document_updated_parameters"][name]
        exact = g["updated_parameters"][name]
        rows.append([name, before[name], after[name], agree(after[name], exact), repr(doc), document_verdict(doc, after[name])])
    print(table(["param", "before", "after (ours)", "vs golden", "document", "document's rounding"], rows))
    print("The document's w3_11 and w3_21 updates (0.3025, 1.2481) inherit its rounded gradients 6.975 and 7.519.")
    new_loss = case.loss()
    print(f"Loss after the step: {new_loss.data!r}   {agree(new_loss.data, g['loss_after_update'])} with golden.json"
          f" (was {loss.data:.6g})")


if __name__ == "__main__":
    main()
