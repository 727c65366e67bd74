"""Seed 003: a 2-3-2-1 net without biases (sigmoid, sigmoid, linear), loss = (pred − true)²/2.

Names follow the document: w1_ij is w^1_ij, TO unit i of layer 1 FROM input j (inputs x_0, x_1,
so j = 1 is x_0). Its hidden-layer derivation writes z^1 where z^2 is meant; the formulas below
are corrected. Every gradient comes from backward().
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Sym  # noqa: E402
from nn import MLP, named_nodes, reference  # noqa: E402
from nn.report import agree, evaluate, gradient_table, heading, open_case, table, values_of  # noqa: E402

v = Sym.var


def deltas() -> dict[str, Sym]:
    """The document's intermediate derivatives, in its order (corrected: dloss/dz2_i, not dloss/dz1_i)."""
    d = {"dloss/dpred": v("pred") - v("true")}
    for i in (1, 2):  # line 20 (and, by analogy, the one the document never writes for i = 1)
        d[f"dloss/dz2_{i}"] = v("dloss/dpred") * v(f"w3_1{i}") * v(f"a2_{i}") * (1 - v(f"a2_{i}"))
    for j in (1, 2, 3):  # lines 34-44, with z^2 where the document writes z^1
        d[f"dloss/da1_{j}"] = v("dloss/dz2_1") * v(f"w2_1{j}") + v("dloss/dz2_2") * v(f"w2_2{j}")
        d[f"dloss/dz1_{j}"] = v(f"dloss/da1_{j}") * v(f"a1_{j}") * (1 - v(f"a1_{j}"))
    return d


def hand_formulas() -> dict[str, Sym]:
    f = {f"w3_1{i}": v("dloss/dpred") * v(f"a2_{i}") for i in (1, 2)}
    for i in (1, 2):
        for j in (1, 2, 3):
            f[f"w2_{i}{j}"] = v(f"dloss/dz2_{i}") * v(f"a1_{j}")
    for j in (1, 2, 3):
        f[f"w1_{j}1"] = v(f"dloss/dz1_{j}") * v("x_0")
        f[f"w1_{j}2"] = v(f"dloss/dz1_{j}") * v("x_1")
    return f


def main() -> None:
    case, loss = open_case(
        "003", "loss",
        lambda case: f";  x = (x_0, x_1) = {tuple(case.golden['inputs']['x'])}, true = {case.golden['targets']['true']}")
    g = case.golden

    values = values_of(loss)
    nodes = named_nodes(loss)
    print("\nThe document's intermediate derivatives, by its (corrected) formulas and from backward:")
    rows = []
    for name, formula in deltas().items():
        values[name] = by_hand = evaluate(formula, values)
        ours = nodes[name.split("/d")[1]].grad  # "dloss/dz2_1" -> node "z2_1"
        rows.append([name, ours, by_hand, agree(ours, by_hand), formula.text()])
    print(table(["derivative", "from backward", "hand formula", "check", "formula"], rows))
    print("The document writes dloss/dz1_1 (lines 34, 36, 42, 44) and defines dloss/dz1_1 by itself (line 40)")
    print("where dloss/dz2_1 and dloss/dz2_2 are meant; line 44 also names its left side dloss/dz1_2 for dloss/dz1_3.")

    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\nGradients (backward) beside the hand formulas (the document has no numbers):")
    print(gradient_table(grads, hand_formulas(), values, golden=case.expected_gradients))

    print(heading("The 3-sample batch: loss = Σ_k (pred[k] − true[k])²/2, the sum that Xᵀ·δ computes", "-"))
    batch = reference.build("003", "batch_sum")
    batch_loss = batch.loss()
    batch_loss.backward()
    print(f"loss = {batch_loss.data!r}   {agree(batch_loss.data, batch.expected_loss)} with golden.json")
    rows = [[n, p.grad, batch.expected_gradients[n], agree(p.grad, batch.expected_gradients[n])]
            for n, p in batch.model.named_parameters()]
    print(table(["param", "from backward", "golden.json", "check"], rows))
    print("Each parameter is used once per sample, so backward() sums the three samples' contributions.")

    print(heading("The document's shapes (2,1), (100,1), (50,1)", "-"))
    big = MLP(2, [100, 50, 1], activations=["sigmoid", "sigmoid", "linear"], bias=False, seed=0)
    fan_ins = [len(layer.units[0].w) for layer in big.layers]
    sizes = [len(layer.units) for layer in big.layers]
    print(f"They fit the companion 2-100-50-1 net {big!r}: one neuron's incoming weights per layer are")
    print(f"{', '.join(f'({n},1)' for n in fan_ins)}, and the full gradients are "
          f"{', '.join(f'({n},{m})' for n, m in zip(fan_ins, sizes))}; only (50,1) is a whole layer's.")


if __name__ == "__main__":
    main()
