"""Seed 004: the 2-2-1 sigmoid net without biases (x = 0.35, 0.9; target 0.5), E = ½(A3 − y_t)².

Every gradient comes from backward(); the document's hand formulas (all correct here) are
only evaluated on the forward values and compared.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Sym  # noqa: E402
from nn import SGD  # noqa: E402
from nn.report import agree, gradient_table, open_case, table, values_of  # noqa: E402


def hand_formulas() -> dict[str, Sym]:
    """The document's chain-rule results, written as it writes them."""
    v = Sym.var
    delta3 = (v("A3") - v("y_t")) * v("A3") * (1 - v("A3"))
    formulas = {"w31": delta3 * v("A1"), "w32": delta3 * v("A2")}
    for i in (1, 2):  # hidden neuron i, reached through w3i
        for j in (1, 2):  # from input x_j
            formulas[f"w{i}{j}"] = delta3 * v(f"w3{i}") * v(f"A{i}") * (1 - v(f"A{i}")) * v(f"x{j}")
    return formulas


def main() -> None:
    case, loss = open_case("004", "E")
    print("\nGradients (backward) beside the document's formulas (no numbers in the document):")
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print(gradient_table(grads, hand_formulas(), values_of(loss), golden=case.expected_gradients))
    print("\nThe document's notes end with 'updating weights & bias' but carry out no update (and the net")
    print("has no biases). One SGD step with lr 1.0, beside golden.json's cross-check:")
    SGD(case.model.parameters(), lr=case.golden["crosscheck_update_lr"]).step()
    after, expected = case.model.state_dict(), case.golden["crosscheck_updated_parameters"]
    print(table(["param", "after one step", "golden.json", "check"],
                [[n, after[n], expected[n], agree(after[n], expected[n])] for n in expected]))


if __name__ == "__main__":
    main()
