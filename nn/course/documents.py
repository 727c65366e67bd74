"""The five reference documents' own formulas, for the demo, the notebooks and the examples.

For each document: its hand derivations with its typos corrected (``hand_formulas(seed)``, as
``autodiff.Sym`` expressions over the graph's node names, so one expression gives the printed
text and, evaluated on the forward values, the number), the intermediate quantities some
documents name (001's per-sample signals B(·), 003's deltas), and ``DOCUMENTS``: every formula
a document writes, as written (in node names), with whether it is right and, if not, where it slips
(docs/documents.md describes each document). The gradients
they are compared with always come from ``backward()``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Mapping

from autodiff import Sym, Value, check_formula
from autodiff.i18n import N_, translate
from autodiff.display import one_line
from autodiff.formula import FormulaError

from .report import Formula

v = Sym.var


# --- 000: one bias shared by three neurons ------------------------------------------------------

def sigma_prime(out: str) -> Sym:
    """σ'(net) written with the unit's output, as the document's corrected formulas do: Out(1 − Out)."""
    return v(out) * (1 - v(out))


def hand_formulas_000() -> dict[str, Sym]:
    """The document's derivations ①–④ with its typos corrected."""
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


def formula_4_variants() -> dict[str, Sym]:
    """The document's formula ④ for dLoss/db_1 as written, with only its σ' fixed, and corrected."""
    delta_o = v("y") - v("t")
    return {
        N_("④ as written"): delta_o * v("net h1") * v("net h1").sigmoid() * v("W_20"),
        N_("④ h1 path only, σ' fixed"): delta_o * v("W_20") * sigma_prime("Out h1"),
        N_("④ corrected (3 paths)"): hand_formulas_000()["b_1"],
    }


# --- 001: three samples, a linear output ------------------------------------------------------

SAMPLES = (1, 2, 3)
TWO_THIRDS = v("(2/3)")  # shown as the document writes it; its value is put among the forward values


def at(name: str, k: object) -> Sym:
    """A per-sample quantity: h2_1[k]."""
    return v(f"{name}[{k}]")


class SumOverSamples:
    """Σ_k term(k): printed once with k, evaluated as the sum over the three samples."""

    def __init__(self, term: Callable[[object], Sym]) -> None:
        self.term = term

    def text(self) -> str:
        return f"Σ_k {self.term('k').text()}"

    def evaluate(self, values: Mapping[str, float]) -> float:
        return sum(self.term(k).evaluate(values) for k in SAMPLES)


def signals_001() -> dict[str, Callable[[object], Sym]]:
    """The document's B(·), per sample: B(h) = dL/dℓ for the unit h (as it writes them, corrected)."""
    def b2(j: int) -> Callable[[object], Sym]:
        return lambda k: TWO_THIRDS * (at("yhat", k) - at("y", k)) * v(f"w3_{j}1") * at(f"h2_{j}", k) * (1 - at(f"h2_{j}", k))

    def b1(i: int) -> Callable[[object], Sym]:
        return lambda k: (v(f"w2_{i}1") * at("B(h2_1)", k) + v(f"w2_{i}2") * at("B(h2_2)", k)) * at(f"h1_{i}", k) * (1 - at(f"h1_{i}", k))

    return {"B(h2_1)": b2(1), "B(h2_2)": b2(2), "B(h1_1)": b1(1), "B(h1_2)": b1(2)}


def hand_formulas_001() -> dict[str, SumOverSamples]:
    """Every gradient as Σ_k over the samples, from the signals B(·), as the document writes them."""
    def error(k: object) -> Sym:  # dL/dyhat_k
        return TWO_THIRDS * (at("yhat", k) - at("y", k))

    f = {
        "w3_11": SumOverSamples(lambda k: error(k) * at("h2_1", k)),
        "w3_21": SumOverSamples(lambda k: error(k) * at("h2_2", k)),
        "b3_1": SumOverSamples(error),
    }

    def signal(name: str, factor: str | None = None) -> SumOverSamples:  # Σ_k name[k]·factor[k]
        if factor is None:
            return SumOverSamples(lambda k: at(name, k))
        return SumOverSamples(lambda k: at(name, k) * at(factor, k))

    for j in (1, 2):
        for i in (1, 2):  # w2_ij: from h1_i to h2_j
            f[f"w2_{i}{j}"] = signal(f"B(h2_{j})", f"h1_{i}")
        f[f"b2_{j}"] = signal(f"B(h2_{j})")
        f[f"w1_1{j}"] = signal(f"B(h1_{j})", "x")
        f[f"b1_{j}"] = signal(f"B(h1_{j})")
    return f


# --- 002: Mazur's network ---------------------------------------------------------------------

def hand_formulas_002() -> dict[str, Sym]:
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


# --- 003: no biases ---------------------------------------------------------------------------

def deltas_003() -> dict[str, Sym]:
    """The document's intermediate derivatives, in its order (corrected: dloss/dz2_i, not dloss/dz1_i)."""
    d = {"dloss/dpred": v("pred") - v("true")}
    for i in (1, 2):  # line 20 (and, by analogy, the one the document never writes for i = 1)
        d[f"dloss/dz2_{i}"] = v("dloss/dpred") * v(f"w3_1{i}") * v(f"a2_{i}") * (1 - v(f"a2_{i}"))
    for j in (1, 2, 3):  # lines 34-44, with z^2 where the document writes z^1
        d[f"dloss/da1_{j}"] = v("dloss/dz2_1") * v(f"w2_1{j}") + v("dloss/dz2_2") * v(f"w2_2{j}")
        d[f"dloss/dz1_{j}"] = v(f"dloss/da1_{j}") * v(f"a1_{j}") * (1 - v(f"a1_{j}"))
    return d


def hand_formulas_003() -> dict[str, Sym]:
    """The gradients from the (corrected) deltas, as the document writes them."""
    f = {f"w3_1{i}": v("dloss/dpred") * v(f"a2_{i}") for i in (1, 2)}
    for i in (1, 2):
        for j in (1, 2, 3):
            f[f"w2_{i}{j}"] = v(f"dloss/dz2_{i}") * v(f"a1_{j}")
    for j in (1, 2, 3):
        f[f"w1_{j}1"] = v(f"dloss/dz1_{j}") * v("x_0")
        f[f"w1_{j}2"] = v(f"dloss/dz1_{j}") * v("x_1")
    return f


# --- 004: the textbook 2-2-1 example ----------------------------------------------------------

def hand_formulas_004() -> dict[str, Sym]:
    """The document's chain-rule results, written as it writes them."""
    v = Sym.var
    delta3 = (v("A3") - v("y_t")) * v("A3") * (1 - v("A3"))
    formulas = {"w31": delta3 * v("A1"), "w32": delta3 * v("A2")}
    for i in (1, 2):  # hidden neuron i, reached through w3i
        for j in (1, 2):  # from input x_j
            formulas[f"w{i}{j}"] = delta3 * v(f"w3{i}") * v(f"A{i}") * (1 - v(f"A{i}")) * v(f"x{j}")
    return formulas




def hand_formulas(seed: str) -> Mapping[str, Formula]:
    """Document ``seed``'s hand formula for each parameter's gradient (typos corrected), by name."""
    makers: dict[str, Callable[[], Mapping[str, Formula]]] = {
        "000": hand_formulas_000, "001": hand_formulas_001, "002": hand_formulas_002,
        "003": hand_formulas_003, "004": hand_formulas_004,
    }
    if seed not in makers:
        raise ValueError(f"hand_formulas: unknown document {seed!r}; choose one of {', '.join(makers)}")
    return makers[seed]()


# --- every formula the documents write, as written -----------------------------------------------

@dataclass
class DocFormula:
    """One formula a document writes for d(loss)/d(target), as written, and whether it is right (with the slip if not)."""

    target: str  # the node the document differentiates with respect to (as labelled)
    where: str  # where in the document
    formula: str  # as written, in node names
    note: str = ""
    aliases: dict[str, str] = field(default_factory=dict)
    expect_ok: bool = False  # whether the formula is right

    def __repr__(self) -> str:
        where = f" ({self.where})" if self.where else ""
        verdict = "right" if self.expect_ok else "wrong"
        return one_line(f"DocFormula(d/d{self.target}{where}: {one_line(self.formula, 80)!r}, {verdict} as written)")


def per_sample(template: str, scale: str = "2/3") -> str:
    """001 writes one sample's chain; its loss is the mean over 3 samples: 2/3·Σ_k (...)."""
    return f"{scale}*(" + " + ".join(template.format(k=k) for k in (1, 2, 3)) + ")"


def sig(z: str) -> str:
    return f"sigmoid({z})*(1-sigmoid({z}))"


DOCUMENTS: dict[str, list[DocFormula]] = {
    "000": [
        DocFormula("W_20", N_("① last line"), "Out h1*(-y-t)", N_("sign transcription: (−y−t) should be (y−t)")),
        DocFormula("W_21", N_("① →"), "Out h2*(-y-t)", N_("same sign transcription")),
        DocFormula("W_22", N_("① →"), "Out h3*(-y-t)", N_("same sign transcription")),
        DocFormula("W_20", N_("① corrected"), "(y-t)*Out h1", N_("with (y−t), the sign corrected"), expect_ok=True),
        DocFormula("W_1", N_("② chain, as written"), f"(-y-t)/(y(1-y)) * y(1-y) * W_20 * {sig('net h1')} * δ_1",
                   N_("last factor δ_1 (the Python's net[0][0], read here as net h1) should be a1; sign as in ①"),
                   {"δ_1": "net h1"}),
        DocFormula("b_1", N_("③ as written"), "(-y-t)/((1-y)*y) * (1-y)*y * 1", N_("labelled b_1 but it is the output bias b_2")),
        DocFormula("b_1", N_("③ sign corrected"), "(y-t)/((1-y)*y) * (1-y)*y * 1", N_("still labelled b_1: the checker names b_2")),
        DocFormula("b_1", N_("④ as written"), "(y-t)*net h1*sigmoid(net h1)*W_20",
                   N_("wrong σ' factor and only the h1 path of the shared b_1 (golden: −0.11487897732673394)")),
        DocFormula("b_1", N_("④ with the right σ'"), f"(y-t)*W_20*{sig('net h1')}", N_("the h1 path alone: still misses h2, h3")),
        DocFormula("b_1", N_("④ corrected"), f"(y-t)*(W_20*{sig('net h1')} + W_21*{sig('net h2')} + W_22*{sig('net h3')})",
                   N_("the sum of the three paths"), expect_ok=True),
    ],
    "001": [
        DocFormula("w3_11", N_("① template ∂L/∂ŷ·∂ŷ/∂w³₁₁"), per_sample("(yhat[{k}]-y[{k}])*h2_1[{k}]"), expect_ok=True),
        DocFormula("b3_1", N_("③"), per_sample("(yhat[{k}]-y[{k}])"), expect_ok=True),
        DocFormula("w1_11", N_("line 13 template (through h²₁ only)"),
                   per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   N_("misses the path through h²₂")),
        DocFormula("w1_12", N_("line 14 template (through h¹₁)"),
                   per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   N_("w¹₁₂ feeds h¹₂, not h¹₁")),
        DocFormula("b1_1", N_("line 13, right column"), per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
                   N_("labelled ∂L/∂b¹₁ but it is ∂L/∂b²₁")),
        DocFormula("b1_2", N_("line 14, right column"), per_sample("(yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])"),
                   N_("labelled ∂L/∂b¹₂ but it is again the layer-2 bias formula")),
        DocFormula("w1_11", N_("⑥ written out with B(h¹₁)"),
                   per_sample("((yhat[{k}]-y[{k}])*w3_11*h2_1[{k}]*(1-h2_1[{k}])*w2_11 + "
                              "(yhat[{k}]-y[{k}])*w3_21*h2_2[{k}]*(1-h2_2[{k}])*w2_12)*h1_1[{k}]*(1-h1_1[{k}])*x[{k}]"),
                   N_("the numeric part uses both paths"), expect_ok=True),
    ],
    "002": [
        DocFormula("w2_11", N_("∂E/∂w⁽²⁾₁₁, sigmoid form"),
                   f"(a3_1-t1)*{sig('z3_1')}*w3_11*{sig('z2_1')}*a1_1 + (a3_2-t2)*{sig('z3_2')}*w3_21*{sig('z2_1')}*a1_1",
                   expect_ok=True),
    ] + [
        DocFormula(f"w2_{j}{k}" if k else f"b2_{j}", f"∂E/∂{'w' if k else 'b'}⁽²⁾",
                   f"((a3_1-t1)*a3_1*(1-a3_1)*w3_1{j} + (a3_2-t2)*a3_2*(1-a3_2)*w3_2{j})*a2_{j}*(1-a2_{j})"
                   + (f"*a1_{k}" if k else ""), expect_ok=True)
        for j, k in ((1, 1), (2, 1), (1, 2), (2, 2), (1, 0), (2, 0))
    ] + [
        DocFormula("z3_1", N_("loss_3 (first entry)"), "(a3_1-t1)*a3_1*(1-a3_1)", expect_ok=True),
        DocFormula("z2_2", N_("loss_2 (second entry)"), "(δ(z3_1)*w3_12 + δ(z3_2)*w3_22)*a2_2*(1-a2_2)", expect_ok=True),
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
        DocFormula("a1_1", N_("line 34"), "δ(z1_1)*w2_11 + δ(z1_2)*w2_21", N_("z¹ written for z²")),
        DocFormula("a1_2", N_("line 36"), "δ(z1_1)*w2_12 + δ(z2_2)*w2_22", N_("first term: z¹₁ for z²₁")),
        DocFormula("z1_1", N_("line 40"), "(δ(z1_1)*w2_11 + δ(z1_2)*w2_21)*a1_1*(1-a1_1)", N_("defined in terms of itself")),
        DocFormula("z1_2", N_("line 42"), "(δ(z1_1)*w2_12 + δ(z2_2)*w2_22)*a1_2*(1-a1_2)", N_("first term: z¹₁ for z²₁")),
        DocFormula("z1_2", N_("line 44"), "(δ(z1_2)*w2_13 + δ(z2_2)*w2_23)*a1_3*(1-a1_3)",
                   N_("labelled dloss/dz¹₂ (should be z¹₃) and z¹₂ written for z²₁")),
        DocFormula("a1_1", N_("line 34 corrected"), "δ(z2_1)*w2_11 + δ(z2_2)*w2_21", expect_ok=True),
    ],
    "004": [
        DocFormula("w31", N_("(5)"), "(A3 - y_t)(A3(1 - A3))(A1)", expect_ok=True),
        DocFormula("w32", "", "(A3 - y_t)(A3(1-A3))A2", expect_ok=True),
        DocFormula("w11", N_("boxed"), "(A3 - y_t)(A3(1-A3)) w31 A1(1-A1) x1", expect_ok=True),
        DocFormula("w21", N_("boxed"), "(A3 - y_t)(A3(1-A3)) w32 A2(1-A2) x1", expect_ok=True),
        DocFormula("w12", "", "(A3 - y_t)(A3(1 - A3)) w31 A1(1 - A1) x2", expect_ok=True),
        DocFormula("w22", N_("line 140, as written"), "(A3 - y_k)(A3(1-A3)) w32 · A2(1-A2) · x2", N_("y_k is a slip for y_t")),
        DocFormula("w22", N_("line 140 corrected"), "(A3 - y_t)(A3(1-A3)) w32 · A2(1-A2) · x2", expect_ok=True),
    ],
}


def check_document_formula(loss: Value, doc: DocFormula) -> tuple[str, bool]:
    """The verdict text, and whether the checker's verdict is the expected one (``doc.expect_ok``)."""
    try:
        verdict = check_formula(loss, doc.target, doc.formula, aliases=doc.aliases)
    except FormulaError as error:
        return translate("REFUSED: {error}", error=error), not doc.expect_ok
    return verdict.text(), verdict.ok == doc.expect_ok

