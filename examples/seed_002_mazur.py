"""Seed 002: Matt Mazur's 2-2-2 sigmoid network, E = ½·Σ_i (t_i − a3_i)², then training it.

Names follow the document: w2_ij is w^(2)_ij, the weight TO unit i of layer 2 FROM unit j of
layer 1 (inputs a1_1 = x_1, a1_2 = x_2). Every gradient comes from backward().
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Sym  # noqa: E402
from nn import SGD, named_nodes, reference  # noqa: E402
from nn.report import gradient_table, heading, open_case, table, values_of  # noqa: E402

v = Sym.var


def hand_formulas() -> dict[str, Sym]:
    """The document's six hidden-layer derivations and its output-layer rules (all correct)."""
    def loss_3(i: int) -> Sym:  # the document's "loss_3": the output delta of unit i
        a = v(f"a3_{i}")
        return (a - v(f"t{i}")) * a * (1 - a)

    f: dict[str, Sym] = {}
    for i in (1, 2):
        for j in (1, 2):
            f[f"w3_{i}{j}"] = loss_3(i) * v(f"a2_{j}")
        f[f"b3_{i}"] = loss_3(i)
    for j in (1, 2):  # hidden unit j collects both output deltas through w3_1j and w3_2j
        back = (loss_3(1) * v(f"w3_1{j}") + loss_3(2) * v(f"w3_2{j}")) * v(f"a2_{j}") * (1 - v(f"a2_{j}"))
        for k in (1, 2):
            f[f"w2_{j}{k}"] = back * v(f"a1_{k}")
        f[f"b2_{j}"] = back
    return f


def train(steps: int = 10000, lr: float = 0.5, report_at=(0, 1, 10, 100, 1000, 10000)) -> list[tuple[int, float]]:
    """Plain gradient descent on the single Mazur example; returns (step, E) at the report points."""
    case = reference.build("002")
    opt = SGD(case.model.parameters(), lr=lr)
    history = []
    for step in range(steps + 1):
        loss = case.loss()
        if step in report_at:
            history.append((step, loss.data))
        if step == steps:
            break
        opt.zero_grad()
        loss.backward()
        opt.step()
    return history


def main(steps: int = 10000) -> None:
    case, loss = open_case(
        "002", "E", lambda case: f";  x = {case.golden['inputs']['x']}, t = {case.golden['targets']['t']}")
    g = case.golden
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\nGradients (backward) beside the document's formulas (it has no numbers; all its formulas are right):")
    print(gradient_table(grads, hand_formulas(), values_of(loss), golden=case.expected_gradients))

    print(heading("Against Mazur's published 9-decimal numbers", "-"))
    nodes = named_nodes(loss)
    pub = g["crosscheck_mazur_published"]
    SGD(case.model.parameters(), lr=g["crosscheck_update_lr"]).step()
    after = case.model.state_dict()
    ours = {"E_total": loss.data, "out_h1": nodes["a2_1"].data, "out_h2": nodes["a2_2"].data,
            "out_o1": nodes["a3_1"].data, "out_o2": nodes["a3_2"].data,
            "dE/dw5 (w3_11)": grads["w3_11"], "dE/dw1 (w2_11)": grads["w2_11"]}
    for key in pub:
        if "+" in key:  # e.g. "w5+ (w3_11)": the weight after one step with η = 0.5
            ours[key] = after[key.split("(")[1].rstrip(")")]
    rows = [[k, ours[k], repr(pub[k]), "✓" if abs(ours[k] - pub[k]) <= 5e-9 else "✗"] for k in pub]
    print(table(["Mazur's quantity", "ours", "Mazur", "agrees to his 9 digits"], rows))
    print("(Mazur shares one bias per layer; here the equal biases are per unit, which leaves every")
    print(" weight gradient the same.)")

    print(heading(f"Training: {steps} steps of gradient descent, lr 0.5", "-"))
    history = train(steps, report_at=tuple(s for s in (0, 1, 10, 100, 1000, 10000) if s <= steps))
    print(table(["step", "E"], [[str(step), e] for step, e in history]))
    print(f"E fell from {history[0][1]:.6g} to {history[-1][1]:.3g}.")


if __name__ == "__main__":
    main()
