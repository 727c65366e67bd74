"""Every gradient of the five reference documents, derived, next to the document's own formula.

For each document (000..004) and each parameter this prints the derivation of
d(loss)/d(parameter) (every path when there are at most 4, else the factored delta form), the
formula the document writes for it (as written, transcribed from the seed notes), and the
checker's verdict on that formula. SEEDS.md lists the documents' formula mistakes; each one is
caught here. A few formulas for intermediate nodes (003's dloss/da and dloss/dz lines) follow.

Formulas use the graph's node names (see nn/reference.py). ``δ(v)`` stands for d(loss)/d(v).

    python examples/explain_reference.py           # everything
    python examples/explain_reference.py 000 004   # some documents
    python examples/explain_reference.py --checks  # only the document formulas and verdicts
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autodiff import check_formula, explain  # noqa: E402
from autodiff.explain import FormulaError  # noqa: E402
from nn.reference import build  # noqa: E402


@dataclass
class DocFormula:
    target: str  # the node the document differentiates with respect to (as labelled)
    where: str  # where in the document
    formula: str  # as written, in node names
    note: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    expect_ok: bool = False  # what SEEDS.md says about it


def per_sample(template: str, scale: str = "2/3") -> str:
    """001 writes one sample's chain; its loss is the mean over 3 samples: 2/3·Σ_k (...)."""
    return f"{scale}*(" + " + ".join(template.format(k=k) for k in (1, 2, 3)) + ")"


def sig(z: str) -> str:
    return f"sigmoid({z})*(1-sigmoid({z}))"


DOCUMENTS: dict[str, list[DocFormula]] = {
    "000": [
        DocFormula("W_20", "① last line", "Out h1*(-y-t)", "sign transcription: (−y−t) should be (y−t)"),
        DocFormula("W_21", "① →", "Out h2*(-y-t)", "same sign transcription"),
        DocFormula("W_22", "① →", "Out h3*(-y-t)", "same sign transcription"),
        DocFormula("W_20", "① corrected", "(y-t)*Out h1", "(y−t), as SEEDS.md corrects it", expect_ok=True),
        DocFormula("W_1", "② chain, as written", f"(-y-t)/(y(1-y)) * y(1-y) * W_20 * {sig('net h1')} * δ_1",
                   "last factor δ_1 (the Python's net[0][0], read here as net h1) should be a1; sign as in ①",
                   {"δ_1": "net h1"}),
        DocFormula("b_1", "③ as written", "(-y-t)/((1-y)*y) * (1-y)*y * 1", "labelled b_1 but it is the output bias b_2"),
        DocFormula("b_1", "③ sign corrected", "(y-t)/((1-y)*y) * (1-y)*y * 1", "still labelled b_1: the checker names b_2"),
        DocFormula("b_1", "④ as written", "(y-t)*net h1*sigmoid(net h1)*W_20",
                   "wrong σ' factor and only the h1 path of the shared b_1 (golden: −0.11487897732673394)"),
        DocFormula("b_1", "④ with the right σ'", f"(y-t)*W_20*{sig('net h1')}", "the h1 path alone: still misses h2, h3"),
        DocFormula("b_1", "④ corrected", f"(y-t)*(W_20*{sig('net h1')} + W_21*{sig('net h2')} + W_22*{sig('net h3')})",
                   "the sum of the three paths", expect_ok=True),
    ],
    "001": [
        DocFormula("w3_11", "① template ∂L/∂ŷ·∂ŷ/∂w³₁₁", per_sample("(yhat[{k}]-y[{k}])*h2_1[{k}]"), expect_ok=True),
        DocFormula("b3_1", "③", per_sample("(yhat[{k}]-y[{k}])"), expect_ok=True),
        DocFormula("w1_11", "line 13 template (through h²₁ only)",
                   per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   "misses the path through h²₂"),
        DocFormula("w1_12", "line 14 template (through h¹₁)",
                   per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   "w¹₁₂ feeds h¹₂, not h¹₁"),
        DocFormula("b1_1", "line 13, right column", per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
                   "labelled ∂L/∂b¹₁ but it is ∂L/∂b²₁"),
        DocFormula("b1_2", "line 14, right column", per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
                   "labelled ∂L/∂b¹₂ but it is again the layer-2 bias formula"),
        DocFormula("w1_11", "⑥ written out with B(h¹₁)",
                   per_sample("((yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11 + "
                              "(yhat[{k}]-y[{k}])*w3_21*h2_2[{k}]*(1-h2_2[{k}])*w2_12)*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   "the numeric part uses both paths", expect_ok=True),
    ],
    "002": [
        DocFormula("w2_11", "∂E/∂w⁽²⁾₁₁, sigmoid form",
                   f"(a3_1-t1)*{sig('z3_1')}*w3_11*{sig('z2_1')}*a1_1 + (a3_2-t2)*{sig('z3_2')}*w3_21*{sig('z2_1')}*a1_1",
                   expect_ok=True),
    ] + [
        DocFormula(f"w2_{j}{k}" if k else f"b2_{j}", f"∂E/∂{'w' if k else 'b'}⁽²⁾",
                   f"((a3_1-t1)*a3_1*(1-a3_1)*w3_1{j} + (a3_2-t2)*a3_2*(1-a3_2)*w3_2{j})*a2_{j}*(1-a2_{j})"
                   + (f"*a1_{k}" if k else ""), expect_ok=True)
        for j, k in ((1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (2, 0))
    ] + [
        DocFormula("z3_1", "loss_3 (first entry)", "(a3_1-t1)*a3_1*(1-a3_1)", expect_ok=True),
        DocFormula("z2_2", "loss_2 (second entry)", "(δ(z3_1)*w3_12 + δ(z3_2)*w3_22)*a2_2*(1-a2_2)", expect_ok=True),
    ],
    "003": [
        DocFormula("w3_11", "", "(pred-true)*a2_1", expect_ok=True),
        DocFormula("w3_12", "", "(pred-true)*a2_2", expect_ok=True),
    ] + [
        DocFormula(f"w2_{i}{j}", "", f"(pred-true)*w3_1{i}*a2_{i}*(1-a2_{i})*a1_{j}", expect_ok=True)
        for i in (1, 2) for j in (1, 2, 3)
    ] + [
        DocFormula(f"w1_{i}{j}", "", f"δ(z1_{i})*x_{j - 1}", expect_ok=True) for i in (1, 2, 3) for j in (1, 2)
    ] + [
        DocFormula("a1_1", "line 34", "δ(z1_1)*w2_11 + δ(z1_2)*w2_21", "z¹ written for z²"),
        DocFormula("a1_2", "line 36", "δ(z1_1)*w2_12 + δ(z2_2)*w2_22", "first term: z¹₁ for z²₁"),
        DocFormula("z1_1", "line 40", "(δ(z1_1)*w2_11 + δ(z1_2)*w2_21)*a1_1*(1-a1_1)", "defined in terms of itself"),
        DocFormula("z1_2", "line 42", "(δ(z1_1)*w2_12 + δ(z2_2)*w2_22)*a1_2*(1-a1_2)", "first term: z¹₁ for z²₁"),
        DocFormula("z1_2", "line 44", "(δ(z1_2)*w2_13 + δ(z2_2)*w2_23)*a1_3*(1-a1_3)",
                   "labelled dloss/dz¹₂ (should be z¹₃) and z¹₂ written for z²₁"),
        DocFormula("a1_1", "line 34 corrected", "δ(z2_1)*w2_11 + δ(z2_2)*w2_21", expect_ok=True),
    ],
    "004": [
        DocFormula("w31", "(5)", "(A3 - y_t)(A3(1 - A3))(A1)", expect_ok=True),
        DocFormula("w32", "", "(A3 - y_t)(A3(1-A3))A2", expect_ok=True),
        DocFormula("w11", "boxed", "(A3 - y_t)(A3(1-A3)) w31 A1(1-A1) x1", expect_ok=True),
        DocFormula("w21", "boxed", "(A3 - y_t)(A3(1-A3)) w32 A2(1-A2) x1", expect_ok=True),
        DocFormula("w12", "", "(A3 - y_t)(A3(1 - A3)) w31 A1(1 - A1) x2", expect_ok=True),
        DocFormula("w22", "line 140, as written", "(A3 - y_k)(A3(1-A3)) w32 · A2(1-A2) · x2", "y_k is a slip for y_t"),
        DocFormula("w22", "line 140 corrected", "(A3 - y_t)(A3(1-A3)) w32 · A2(1-A2) · x2", expect_ok=True),
    ],
}


def indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def check(loss, doc: DocFormula) -> tuple[str, bool]:
    """The verdict text, and whether the checker agrees with SEEDS.md."""
    try:
        verdict = check_formula(loss, doc.target, doc.formula, aliases=doc.aliases)
    except FormulaError as error:
        return f"REFUSED: {error}", not doc.expect_ok
    return verdict.text(), verdict.ok == doc.expect_ok


def main(argv: list[str]) -> int:
    only_checks = "--checks" in argv
    seeds = [a for a in argv if not a.startswith("-")] or list(DOCUMENTS)
    disagreements = 0
    for seed in seeds:
        case = build(seed)
        loss = case.loss()
        print("=" * 100)
        print(case.title)
        print("=" * 100)
        docs = DOCUMENTS[seed]
        params = [name for name, _ in case.model.named_parameters()]
        targets = params + [d.target for d in docs if d.target not in params and d.target]
        seen: set[str] = set()
        for name in targets:
            if name in seen:
                continue
            seen.add(name)
            mine = [d for d in docs if d.target == name]
            if only_checks and not mine:
                continue
            print()
            if not only_checks:
                count = explain(loss, name, form="delta").path_count
                print(explain(loss, name, form="paths" if count <= 4 else "delta").text())
            elif mine:
                print(f"∂{loss.name}/∂{name}")
            for d in mine:
                where = f" {d.where}" if d.where else ""
                note = f"   [{d.note}]" if d.note else ""
                print(f"  document{where}: {d.formula}{note}")
                text, agrees = check(loss, d)
                disagreements += not agrees
                print(indent(text, "      "))
        print()
    print(f"checker and SEEDS.md agree on every document formula: {disagreements == 0}")
    return 1 if disagreements else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
