"""Seed 000: a 2-3-1 sigmoid net whose three hidden units share ONE bias b_1, with binary cross-entropy.

Because b_1 feeds h1, h2 and h3, dLoss/db_1 is the sum of three paths. backward() adds them
up by itself; the document's formula ④ follows only the h1 path (and has a wrong σ' factor).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Sym  # noqa: E402
from nn import named_nodes, reference  # noqa: E402
from nn.report import agree, evaluate, gradient_table, heading, open_case, table, values_of  # noqa: E402

v = Sym.var


def sigma_prime(out: str) -> Sym:
    """σ'(net) written with the unit's output, as the document's corrected formulas do: Out(1 − Out)."""
    return v(out) * (1 - v(out))


def hand_formulas() -> dict[str, Sym]:
    """The document's derivations ①–④ with its typos corrected (SEEDS.md, seed 000)."""
    delta_o = v("y") - v("t")  # dLoss/dnet o1 = y − t: BCE's y(1 − y) cancels σ'(net o1)
    formulas: dict[str, Sym] = {}
    for j in (1, 2, 3):
        w_out = v(f"W_{19 + j}")
        formulas[f"W_{j}"] = delta_o * w_out * sigma_prime(f"Out h{j}") * v("a1")  # ②, ending in a1 (not "δ_1")
        formulas[f"W_{j + 3}"] = delta_o * w_out * sigma_prime(f"Out h{j}") * v("a2")
        formulas[f"W_{19 + j}"] = delta_o * v(f"Out h{j}")  # ①
    paths = [v(f"W_{19 + j}") * sigma_prime(f"Out h{j}") for j in (1, 2, 3)]
    formulas["b_1"] = delta_o * (paths[0] + paths[1] + paths[2])  # ④ corrected: all three paths
    formulas["b_2"] = delta_o  # ③ (its heading says b_1, but the chain is the output bias b_2's)
    return formulas


def formula_4_rows(values: dict[str, float], b1_grad: float) -> list[list]:
    """The document's formula ④ as written, and with only its σ' fixed, beside backward's dLoss/db_1."""
    delta_o = v("y") - v("t")
    as_written = delta_o * v("net h1") * v("net h1").sigmoid() * v("W_20")
    h1_only = delta_o * v("W_20") * sigma_prime("Out h1")
    rows = []
    for label, formula in (("④ as written", as_written), ("④ h1 path only, σ' fixed", h1_only),
                           ("④ corrected (3 paths)", hand_formulas()["b_1"])):
        value = evaluate(formula, values)
        rows.append([label, value, b1_grad, agree(value, b1_grad), formula.text()])
    return rows


def main() -> None:
    case, loss = open_case(
        "000", "Loss = −[t·ln y + (1 − t)·ln(1 − y)]",
        lambda case: f"   (parameters: {', '.join(n for n, _ in case.model.named_parameters())})")

    values = values_of(loss)
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    ordered = {name: grads[name] for name in case.golden["gradients"]}  # the document's order
    print("\nGradients (backward) beside the document's formulas, corrected where SEEDS.md says so: the")
    print("document's first factor '(−y−t)' is a transcription of −(t − y) = y − t, and ②'s last factor is a1, not 'δ_1'.")
    print(gradient_table(ordered, hand_formulas(), values, golden=case.expected_gradients))

    print(heading("The shared bias b_1 and the document's formula ④", "-"))
    nodes = named_nodes(loss)
    paths = [nodes[f"net h{j}"].grad for j in (1, 2, 3)]
    print("b_1 is one parameter used by three neurons, so backward() adds one contribution per path:")
    print(f"  dLoss/dnet h1 + dLoss/dnet h2 + dLoss/dnet h3 = {paths[0]:.15g} + {paths[1]:.15g} + {paths[2]:.15g}")
    print(f"  = {sum(paths)!r};  b_1.grad = {grads['b_1']!r}")
    print(table(["formula", "value", "backward", "check", "text"], formula_4_rows(values, grads["b_1"])))
    print("Formula ④ is wrong twice: its factor net h1·σ(net h1) should be σ(net h1)(1 − σ(net h1)) = Out h1(1 − Out h1),")
    print("and it follows only the path through h1, while b_1 also reaches the loss through h2 and h3.")
    print("(Its heading ③, 'b_1', is also mislabelled: that chain is the output bias b_2's.)")

    print(heading("Variants", "-"))
    per_unit = reference.build("000", "per_unit_hidden_bias")
    per_unit.loss().backward()
    split = {n: p.grad for n, p in per_unit.model.named_parameters() if n.startswith("b_1_")}
    print("With a separate bias per hidden unit, each gets one path's share:")
    print(table(["param", "from backward", "golden.json", "check"],
                [[n, g, per_unit.expected_gradients[n], agree(g, per_unit.expected_gradients[n])] for n, g in split.items()]))
    print(f"  their sum {sum(split.values())!r} is the shared b_1's gradient {grads['b_1']!r}")
    half = reference.build("000", "half_squared_error_loss")
    half_loss = half.loss()
    half_loss.backward()
    same = sum(agree(p.grad, half.expected_gradients[n]) == "✓ same" for n, p in half.model.named_parameters())
    print(f"With Loss = ½(y − t)² instead: Loss = {half_loss.data!r} ({agree(half_loss.data, half.expected_loss)});"
          f" {same} of {len(half.expected_gradients)} gradients agree with golden.json to 1e-12")


if __name__ == "__main__":
    main()
