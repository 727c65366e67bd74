"""The main demo, runnable without a checkout: the five reference documents walked through, an MLP
trained on toy data, the graphs drawn, the gradients explained and the documents' formulas checked,
and the backward pass animated.

``run(out)`` prints everything and writes the pictures and pages into ``out``; each part is a
function of its own (``document_000()`` .. ``document_004()``, ``render_documents``,
``explain_documents``, ``animate_documents``), which the scripts in ``examples/`` call. Every
gradient printed comes from ``backward()``; the documents' hand formulas (``nn.course.documents``) are
only evaluated on the forward values and compared. Drawing and animating need Graphviz's ``dot``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Sequence

from autodiff import explain, topological_order
from autodiff.i18n import N_, lookup, translate
from autodiff.animation import animate, frames
from autodiff.render import count_paths, draw, save
from nn import MLP, SGD, named_nodes, reference
from nn.layerform_text import case_matrices
from nn.matrix_check import document_verdicts
from nn.reference import build

from . import toy
from .documents import (
    DOCUMENTS, SAMPLES, check_document_formula, deltas_003, formula_4_variants, hand_formulas, signals_001,
)
from .report import agree, document_verdict, evaluate, fmt, gradient_table, heading, open_case, table, values_of, width

__all__ = [
    "run", "parts", "document_000", "document_001", "document_002", "document_003", "document_004",
    "train_mazur", "render_documents", "explain_documents", "animate_documents",
]


# --- the five documents -----------------------------------------------------------------------

def matrix_form(seed: str, grads: dict[str, float]) -> None:
    """The document's layer (matrix) form (``nn.layerform_text``) beside its scalar gradients from backward()."""
    shown = case_matrices(seed)
    print(heading(translate("The same gradients in the layer (matrix) form"), "-"))
    print(shown.text())
    same = all(abs(shown.form.gradients[name] - g) <= 1e-12 for name, g in grads.items())
    print(translate("Every matrix entry equals backward()'s scalar gradient to 1e-12: {same}", same=same))
    print(translate("The document's matrix formulas as written, checked (nn.matrix_check):"))
    verdicts = document_verdicts(seed)
    for formula, verdict in verdicts:
        where = f" [{formula.where}]" if formula.where else ""
        print(f"  {formula.target} = {formula.formula}{where}")
        print("\n".join("      " + line for line in verdict.text().splitlines()))
    print(translate("The checker agrees with the project's description of the document on every matrix formula: "
                    "{agree}", agree=all(verdict.ok == formula.right for formula, verdict in verdicts)))


def formula_4_rows(values: dict[str, float], b1_grad: float) -> list[list[object]]:
    """Document 000's formula ④ as written, with only its σ' fixed, and corrected, beside backward's dLoss/db_1."""
    rows: list[list[object]] = []
    for label, formula in formula_4_variants().items():
        value = evaluate(formula, values)
        rows.append([lookup(label), value, b1_grad, agree(value, b1_grad), formula.text()])
    return rows


def document_000() -> None:
    """Document 000: the shared bias b_1, the formulas ①–④, and the variants."""
    case, loss = open_case(
        "000", "Loss = −[t·ln y + (1 − t)·ln(1 − y)]",
        lambda case: "   " + translate("(parameters: {names})", names=", ".join(n for n, _ in case.model.named_parameters())))

    values = values_of(loss)
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    ordered = {name: grads[name] for name in case.golden["gradients"]}  # the document's order
    print("\n" + translate("Gradients (backward) beside the document's formulas, corrected where the notes slip: the\n"
                           "document's first factor '(−y−t)' is a transcription of −(t − y) = y − t, and ②'s last factor "
                           "is a1, not 'δ_1'."))
    print(gradient_table(ordered, hand_formulas("000"), values, golden=case.expected_gradients))
    matrix_form("000", grads)

    print(heading(translate("The shared bias b_1 and the document's formula ④"), "-"))
    nodes = named_nodes(loss)
    paths = [nodes[f"net h{j}"].grad for j in (1, 2, 3)]
    print(translate("b_1 is one parameter used by three neurons, so backward() adds one contribution per path:"))
    print(f"  dLoss/dnet h1 + dLoss/dnet h2 + dLoss/dnet h3 = {paths[0]:.15g} + {paths[1]:.15g} + {paths[2]:.15g}")
    print(f"  = {sum(paths)!r};  b_1.grad = {grads['b_1']!r}")
    print(table([translate("formula"), translate("value"), "backward", translate("check"), translate("text")],
                formula_4_rows(values, grads["b_1"])))
    print(translate("Formula ④ is wrong twice: its factor net h1·σ(net h1) should be σ(net h1)(1 − σ(net h1)) = "
                    "Out h1(1 − Out h1),\nand it follows only the path through h1, while b_1 also reaches the loss "
                    "through h2 and h3."))
    print(translate("(Its heading ③, 'b_1', is also mislabelled: that chain is the output bias b_2's.)"))

    print(heading(translate("Variants"), "-"))
    per_unit = reference.build("000", "per_unit_hidden_bias")
    per_unit.loss().backward()
    split = {n: p.grad for n, p in per_unit.model.named_parameters() if n.startswith("b_1_")}
    print(translate("With a separate bias per hidden unit, each gets one path's share:"))
    print(table([translate("param"), translate("from backward"), "golden.json", translate("check")],
                [[n, g, per_unit.expected_gradients[n], agree(g, per_unit.expected_gradients[n])] for n, g in split.items()]))
    print("  " + translate("their sum {total} is the shared b_1's gradient {gradient}", total=repr(sum(split.values())),
                           gradient=repr(grads["b_1"])))
    half = reference.build("000", "half_squared_error_loss")
    half_loss = half.loss()
    half_loss.backward()
    same = sum(agree(p.grad, half.expected_gradients[n]).startswith("✓") for n, p in half.model.named_parameters())
    print(translate("With Loss = ½(y − t)² instead: Loss = {loss} ({check}); {same} of {count} gradients agree with "
                    "golden.json to 1e-12", loss=repr(half_loss.data), check=agree(half_loss.data, half.expected_loss),
                    same=same, count=len(half.expected_gradients)))



NOTES_001 = [
    N_("w3_11: the document's 6.975 multiplies activations rounded to 2 digits (0.75, 0.94, 0.97); exact 6.96998."),
    N_("w3_21: 7.519 is rounded the same way, and one product is slipped: 2.61×0.93 = 2.4273, written 2.4293."),
    N_("w1_11: the document prints '-0.13 (computed -0.17)'. -0.13 is right. The -0.17 comes from a hand slip in"),
    N_("       B(h1_1)[1]: (0.49 + 2×0.33)×0.20 = 0.23 was written 0.28, and (2/3)(−0.28 + 0.03) = −0.17."),
    N_("b1_1: likewise '0.23 (computed 0.27)': 0.23 is right; 0.27 = (2/3)(0.28 + 0.09 + 0.03) uses the slip."),
    N_("b2_2: the document's vector [0.33, 0.06, 0.62] has a typo (0.02); its result 0.27 used 0.02."),
    N_("w2_22: 0.06×0.73 is 0.0438, written 0.0418; the sum rounds to 0.10 either way."),
]


def document_001() -> None:
    """Document 001: the per-sample signals, the gradients beside its printed numbers, one SGD step."""
    case, loss = open_case(
        "001", "L = (1/3)·Σ_k (yhat[k] − y[k])²",
        lambda case: f";  x = {case.golden['inputs']['x']}, y = {case.golden['targets']['y']}",
        N_("Forward values (k = sample):"))
    g = case.golden

    values = values_of(loss)
    values["(2/3)"] = 2 / 3
    print("\n" + translate("The document's per-sample signals B(h) = dL/dℓ, by its formulas, and as dL/dℓ[k] from backward:"))
    nodes = named_nodes(loss)
    rows = []
    for name, term in signals_001().items():
        layer_unit = name[3:-1]  # "B(h2_1)" -> "2_1"
        for k in SAMPLES:
            values[f"{name}[{k}]"] = by_hand = evaluate(term(k), values)
            ours = nodes[f"l{layer_unit}[{k}]"].grad
            rows.append([f"{name}[{k}]", ours, by_hand, agree(ours, by_hand), term("k").text() if k == 1 else ""])
    print(table([translate("signal"), translate("dL/dℓ from backward"), translate("hand formula"), translate("check"),
                 translate("formula")], rows))
    doc_b = {"B(h1_1)": [0.28, 0.09, 0.03], "B(h1_2)": [0.55, 0.18, 0.02]}
    for name, printed in doc_b.items():
        exact = [values[f"{name}[{k}]"] / (2 / 3) for k in SAMPLES]
        print("  " + translate("{name}/(2/3): document {printed}, ours {ours}", name=name, printed=printed,
                               ours="[" + ", ".join(fmt(x, 4) for x in exact) + "]"))

    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\n" + translate("Gradients (backward), the hand formulas, and the document's printed numbers:"))
    print(gradient_table(grads, hand_formulas("001"), values, golden=case.expected_gradients,
                         document=g["document_gradients"]))
    matrix_form("001", grads)
    print(translate("Where the document is off:"))
    print("\n".join(f"  {lookup(line)}" for line in NOTES_001))

    print(heading(translate("One step of gradient descent, θ ← θ − 0.1·dL/dθ"), "-"))
    before = case.model.state_dict()
    SGD(case.model.parameters(), lr=g["learning_rate"]).step()
    after = case.model.state_dict()
    rows = []
    for name in after:
        doc = g["document_updated_parameters"][name]
        exact = g["updated_parameters"][name]
        rows.append([name, before[name], after[name], agree(after[name], exact), repr(doc), document_verdict(doc, after[name])])
    print(table([translate("param"), translate("before"), translate("after (ours)"), translate("vs golden"),
                 translate("document"), translate("document's rounding")], rows))
    print(translate("The document's w3_11 and w3_21 updates (0.3025, 1.2481) inherit its rounded gradients 6.975 and 7.519."))
    new_loss = case.loss()
    print(translate("Loss after the step: {loss}   {check} with golden.json (was {before})", loss=repr(new_loss.data),
                    check=agree(new_loss.data, g["loss_after_update"]), before=f"{loss.data:.6g}"))



def train_mazur(steps: int = 10000, lr: float = 0.5, report_at: Sequence[int] = (0, 1, 10, 100, 1000, 10000)) -> list[tuple[int, float]]:
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


def document_002(steps: int = 10000) -> None:
    """Document 002: the gradients, Mazur's published numbers, and training."""
    case, loss = open_case(
        "002", "E", lambda case: f";  x = {case.golden['inputs']['x']}, t = {case.golden['targets']['t']}")
    g = case.golden
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\n" + translate("Gradients (backward) beside the document's formulas (it has no numbers; all its formulas are right):"))
    print(gradient_table(grads, hand_formulas("002"), values_of(loss), golden=case.expected_gradients))
    matrix_form("002", grads)

    print(heading(translate("Against Mazur's published 9-decimal numbers"), "-"))
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
    print(table([translate("Mazur's quantity"), translate("ours"), "Mazur", translate("agrees to his 9 digits")], rows))
    print(translate("(Mazur shares one bias per layer; here the equal biases are per unit, which leaves every\n"
                    " weight gradient the same.)"))

    print(heading(translate("Training: {steps} steps of gradient descent, lr 0.5", steps=steps), "-"))
    history = train_mazur(steps, report_at=tuple(s for s in (0, 1, 10, 100, 1000, 10000) if s <= steps))
    print(table([translate("step"), "E"], [[str(step), e] for step, e in history]))
    print(translate("E fell from {first} to {last}.", first=f"{history[0][1]:.6g}", last=f"{history[-1][1]:.3g}"))



def document_003() -> None:
    """Document 003: its (corrected) deltas, the gradients, the batch, and its shapes."""
    case, loss = open_case(
        "003", "loss",
        lambda case: f";  x = (x_0, x_1) = {tuple(case.golden['inputs']['x'])}, true = {case.golden['targets']['true']}")
    g = case.golden

    values = values_of(loss)
    nodes = named_nodes(loss)
    print("\n" + translate("The document's intermediate derivatives, by its (corrected) formulas and from backward:"))
    rows = []
    for name, formula in deltas_003().items():
        values[name] = by_hand = evaluate(formula, values)
        ours = nodes[name.split("/d")[1]].grad  # "dloss/dz2_1" -> node "z2_1"
        rows.append([name, ours, by_hand, agree(ours, by_hand), formula.text()])
    print(table([translate("derivative"), translate("from backward"), translate("hand formula"), translate("check"),
                 translate("formula")], rows))
    print(translate("The document writes dloss/dz1_1 (lines 34, 36, 42, 44) and defines dloss/dz1_1 by itself (line 40)\n"
                    "where dloss/dz2_1 and dloss/dz2_2 are meant; line 44 also names its left side dloss/dz1_2 for "
                    "dloss/dz1_3."))

    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print("\n" + translate("Gradients (backward) beside the hand formulas (the document has no numbers):"))
    print(gradient_table(grads, hand_formulas("003"), values, golden=case.expected_gradients))
    matrix_form("003", grads)

    print(heading(translate("The 3-sample batch: loss = Σ_k (pred[k] − true[k])²/2, the sum that Xᵀ·δ computes"), "-"))
    batch = reference.build("003", "batch_sum")
    batch_loss = batch.loss()
    batch_loss.backward()
    print(translate("{loss} = {value}   {check} with golden.json", loss="loss", value=repr(batch_loss.data),
                    check=agree(batch_loss.data, batch.expected_loss)))
    rows = [[n, p.grad, batch.expected_gradients[n], agree(p.grad, batch.expected_gradients[n])]
            for n, p in batch.model.named_parameters()]
    print(table([translate("param"), translate("from backward"), "golden.json", translate("check")], rows))
    print(translate("Each parameter is used once per sample, so backward() sums the three samples' contributions."))

    print(heading(translate("The document's shapes (2,1), (100,1), (50,1)"), "-"))
    big = MLP(2, [100, 50, 1], activations=["sigmoid", "sigmoid", "linear"], bias=False, seed=0)
    fan_ins = [len(layer.units[0].w) for layer in big.layers]
    sizes = [len(layer.units) for layer in big.layers]
    print(translate("They fit the companion 2-100-50-1 net {net}: one neuron's incoming weights per layer are\n"
                    "{columns}, and the full gradients are {shapes}; only (50,1) is a whole layer's.", net=repr(big),
                    columns=", ".join(f"({n},1)" for n in fan_ins),
                    shapes=", ".join(f"({n},{m})" for n, m in zip(fan_ins, sizes))))



def document_004() -> None:
    """Document 004: the gradients beside its formulas, and one SGD step."""
    case, loss = open_case("004", "E")
    print("\n" + translate("Gradients (backward) beside the document's formulas (no numbers in the document):"))
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    print(gradient_table(grads, hand_formulas("004"), values_of(loss), golden=case.expected_gradients))
    matrix_form("004", grads)
    print("\n" + translate("The document's notes end with 'updating weights & bias' but carry out no update (and the net\n"
                           "has no biases). One SGD step with lr 1.0, beside golden.json's cross-check:"))
    SGD(case.model.parameters(), lr=case.golden["crosscheck_update_lr"]).step()
    after, expected = case.model.state_dict(), case.golden["crosscheck_updated_parameters"]
    print(table([translate("param"), translate("after one step"), "golden.json", translate("check")],
                [[n, after[n], expected[n], agree(after[n], expected[n])] for n in expected]))



# --- drawing, explaining, animating -------------------------------------------------------------

def render_documents(out: Path, docs_dir: Path | None = None) -> None:
    """Draw the five networks after backward into ``out`` (graph_<seed>.svg and .png), and 000's paths to b_1.

    With ``docs_dir``, also writes 004's drawing there as graph_004.svg (the README's picture).
    """
    for seed in ("000", "001", "002", "003", "004"):
        case = reference.build(seed)
        loss = case.loss()
        loss.backward()
        graph = draw(loss, model=case.model, edge_symbols=True)
        graph.attr(label=case.title, labelloc="t", fontsize="14")
        for suffix in ("svg", "png"):
            print(save(graph, out / f"graph_{seed}.{suffix}"))
        if seed == "004" and docs_dir is not None:
            print(save(graph, docs_dir / "graph_004.svg"))

    case = reference.build("000")
    loss = case.loss()
    loss.backward()
    b_1 = next(node for node in topological_order(loss) if node.name == "b_1")
    graph = draw(loss, model=case.model, highlight=b_1)
    for suffix in ("svg", "png"):
        print(save(graph, out / f"graph_000_b_1_paths.{suffix}"))
    print(translate("000: {count} paths from {root} back to b_1; dLoss/db_1 = {gradient}", count=count_paths(loss, b_1),
                    root=loss.name, gradient=b_1.grad))


def _indent(text: str, prefix: str = "    ") -> str:
    return "\n".join(prefix + line for line in text.splitlines())


def explain_documents(seeds: Sequence[str] = tuple(DOCUMENTS), only_checks: bool = False) -> int:
    """Derive every parameter's gradient next to the document's own formulas, with the checker's verdicts.

    With ``only_checks``, only the documents' formulas and the verdicts. Returns the number of
    formulas on which the checker's verdict differs from the expected one (``DocFormula.expect_ok``: 0 when every
    mistake is caught).
    """
    disagreements = 0
    for seed in seeds:
        case = build(seed)
        loss = case.loss()
        print("=" * 100)
        print(lookup(case.title))
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
                note = f"   [{lookup(d.note)}]" if d.note else ""
                if d.where:  # the document's own heading or line, next to the verdict
                    print("  " + translate("document {where}: {formula}{note}", where=lookup(d.where), formula=d.formula,
                                           note=note))
                else:
                    print("  " + translate("document: {formula}{note}", formula=d.formula, note=note))
                text, agrees = check_document_formula(loss, d)
                disagreements += not agrees
                print(_indent(text, "      "))
        print()
    checked = sum(len(DOCUMENTS[seed]) for seed in seeds)
    if disagreements == 0:
        print(translate("The checker's verdict is the expected one on each of the {count} formulas the documents write: "
                        "it accepts the right ones and catches every mistake.", count=checked))
    else:
        print(translate("The checker's verdict differs from the expected one on {wrong} of the {count} formulas the "
                        "documents write.", wrong=disagreements, count=checked))
    return disagreements


def animate_documents(out: Path) -> None:
    """Write the backward pass of documents 000 and 004 as web pages (and their frames) into ``out``."""
    for seed in ("000", "004"):
        case = reference.build(seed)
        loss = case.loss()
        page = animate(
            loss,
            out / f"animation_{seed}.html",
            model=case.model,
            title=translate("Backpropagation, step by step. {title}", title=lookup(case.title)),
            frames_dir=out / f"frames_{seed}",
        )
        steps = frames(loss)
        print(translate("{seed}: {count} steps -> {page}  (frames in {frames})", seed=seed, count=len(steps), page=page,
                        frames=out / f"frames_{seed}"))
        shared = [f for f in steps if f.parent is not None and f.parent.name == "b_1"]
        for f in shared:
            print(f"    {f.caption}")
    print("\n" + translate("Open a page in a browser (file:// works; nothing is fetched). Keys: ← → step, space play / pause."))


# --- the whole demo -----------------------------------------------------------------------------

def _explain_and_check() -> None:
    explain_documents(["004"])  # every parameter of 004, derived as the document does
    explain_documents(only_checks=True)  # every document's formulas as written, checked


def parts(out: Path, shown: str | None = None) -> list[tuple[str, Callable[[], object]]]:
    """The demo's parts in order: a title and a function that prints (and writes into ``out``).

    ``shown`` is how the titles name ``out`` (default: ``out`` itself).
    """
    shown = str(out) if shown is None else shown
    return [
        (translate("Document 000: one bias shared by three neurons"), document_000),
        (translate("Document 001: three samples, a linear output, one step of gradient descent"), document_001),
        (translate("Document 002: Mazur's network, checked and trained"), document_002),
        (translate("Document 003: no biases, a batch, and the document's shapes"), document_003),
        (translate("Document 004: the textbook 2-2-1 example"), document_004),
        (translate("Training an MLP on XOR and on two moons"), lambda: toy.main(("xor", "moons"), plots=out)),
        (translate("Drawing the five networks ({out}/graph_*.svg, .png)", out=shown), lambda: render_documents(out)),
        (translate("Explaining gradients and checking the documents' formulas"), _explain_and_check),
        (translate("Watching backpropagation ({out}/animation_*.html)", out=shown), lambda: animate_documents(out)),
    ]


def run(out: Path, shown: str | None = None) -> None:
    """Print the whole demo; the pictures and pages go into ``out`` (named ``shown`` in the titles)."""
    steps = parts(out, shown)
    print(translate("autodiff + nn: every gradient below comes from backward(); the documents' hand formulas\n"
                    "are only evaluated on the forward values and compared."))
    for n, (title, part) in enumerate(steps, start=1):
        banner = f" {n}/{len(steps)}  {title} "
        print("\n\n" + "#" * (width(banner) + 4))
        print(f"##{banner}##")
        print("#" * (width(banner) + 4))
        part()
