"""The layer (matrix) form shown: plain text, Markdown, LaTeX and Jupyter's display, in the learner's language.

``matrices(model, inputs, targets, loss)`` and ``case_matrices('002')`` return a ``MatrixForm``:
the numbers of ``nn.layerform`` (which computes everything) with the words around them: the
layout convention, the forward and backward formulas per layer, the loss's own factor, the map
from every scalar parameter name to its matrix entry, the document's own names for the matrices,
and (``entry(name)``) one entry linked to its scalar paths (``nn.layerform_paths``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Callable, Sequence

from autodiff import Sym, Value, ops
from autodiff.display import markdown_table
from autodiff.formatting import format_number, latex_escape
from autodiff.i18n import N_, lookup, translate, translate_plural

from .layerform import LayerForm, LayerMatrices, LossArg, Targets, case_data, layer_form, scalar_loss
from .layerform_paths import EntryLink, link_entry
from .matrix import Matrix
from .module import MLP
from .reference import build

__all__ = ["MatrixForm", "matrices", "case_matrices", "DOCUMENT_NAMES", "DOCUMENT_NOTES"]

DOCUMENT_NAMES: dict[str, dict[str, str]] = {
    # our matrix symbol -> the document's own (only where they differ or the document names it)
    "000": {"X": "x_in", "T": "t", "A1": "x2", "A2": "y", "dW1": "delta_W1", "dW2": "delta_W2", "δ2": "y − t"},
    "001": {"A2": "A2", "A3": "Ŷ", "δ1": "D1", "δ2": "D2", "δ3": "D3"},
    "002": {"X": "A1", "A1": "A2", "A2": "A3", "W1": "W2", "W2": "W3", "b1": "b2", "b2": "b3",
            "δ1": "loss_2", "δ2": "loss_3"},
    "003": {"A1": "A_1", "A2": "A_2", "A3": "pred", "W1": "W_1", "W2": "W_2", "W3": "W_3", "δ1": "δ_1", "δ2": "δ_2",
            "δ3": "δ_3"},
    "004": {"A1": "[A1, A2]", "A2": "A3", "δ2": "δ3"},
}
"""How each document names the matrices of its layer form (ours: X, A1, W1, δ1, dW1, ... from layer 1)."""

DOCUMENT_NOTES: dict[str, tuple[str, ...]] = {
    "000": (N_("Document 000's code has W1[i][j] from input i to hidden unit j, so W_k is W1[(k−1)//3][(k−1)%3] and "
               "W_20, W_21, W_22 are W2[0][0], W2[1][0], W2[2][0]."),
            N_("b_1 is one bias shared by the three hidden units: its gradient is sum(δ1), the sum of all its layer's "
               "entries."),
            N_("Binary cross-entropy on a sigmoid output: σ′ = y(1 − y) cancels, so δ2 = y − t.")),
    "001": (N_("Document 001's w^L_ij goes from unit i to unit j, so w^L_ij is W_L[i−1][j−1], not transposed."),
            N_("L is a mean over the 3 samples: its factor 2/3 stands in front, D3 = (2/3)(Ŷ − Y), and each "
               "dW and db sums over the samples.")),
    "002": (N_("Document 002 counts its layers from the input (A1 = X): its A2, A3, W2, W3, loss_2, loss_3 are our A1, "
               "A2, W1, W2, δ1, δ2."),
            N_("It stores w_ij (to unit i from unit j) at [j][i]: w2_12 is W2[1][0] there and W1[1][0] here."),
            N_("It writes E = (1/n)·Σ(t_i − a_i)² with n = 2 outputs, which is ½·Σ only because n = 2; with ½·Σ the "
               "factor is 1: loss_3 = (A3 − T) * A3 * (1 − A3)."),
            N_("For a batch, the bias gradient sums the rows of loss_l (the document's b − α·loss_l is one sample's).")),
    "003": (N_("Document 003's matrix W_l is the transpose of its scalar table w^l_ij (to unit i from unit j): w1_12 "
               "is W_1[1][0]."),
            N_("Its dloss/dW_1 = Xᵀ·δ_1 goes through Z_1 and δ_1, not through pred; with N samples Xᵀ·δ sums the "
               "samples' losses.")),
    "004": (N_("Document 004's w_ij goes to neuron i from source j, so w_ij is W[j−1][i−1]: w12 is W1[1][0]."),
            N_("Its diag(δ3, δ3)·[A1; A2] for w31, w32 is A1ᵀ·δ2 here.")),
}
"""What the project's description of each document says about its matrix form, sentence by sentence."""

_LOSS_TEXT = {
    "mse": N_("mse_loss, the mean of (A{last} − T)² over N·m = {count}: ∂L/∂A{last} = {factor}(A{last} − T)"),
    "half_sse": N_("half_sse_loss = ½·Σ(A{last} − T)², the ½ cancels the square's 2: ∂L/∂A{last} = A{last} − T "
                   "(factor 1)"),
    "bce": N_("bce_loss, the mean over N·m = {count}: ∂L/∂A{last} = {factor}(A{last} − T) / "
              "(A{last} ⊙ (1 − A{last}))"),
    "cross_entropy": N_("cross_entropy on the logits A{last}, the mean over N = {count}: ∂L/∂A{last} = "
                        "{factor}(softmax(A{last}) − onehot(T))"),
}


def _num(x: float) -> str:
    return format_number(x, "drawing", 6)


def _matrix_text(m: Sequence[Sequence[float]], indent: str = "    ") -> str:
    cells = [[_num(x) for x in row] for row in m]
    width = max((len(c) for row in cells for c in row), default=1)
    return "\n".join(indent + "[" + "  ".join(c.rjust(width) for c in row) + "]" for row in cells)


def _matrix_latex(m: Sequence[Sequence[float]]) -> str:
    rows = [" & ".join(format_number(x, "drawing", 6) for x in row) for row in m]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _fprime(layer: LayerMatrices) -> str | None:
    """f′ in the layer's own symbols, from the op table, its products elementwise: ``A1 ⊙ (1 − A1)`` for
    sigmoid, ``1 − A1²`` for tanh; None when linear."""
    if layer.activation == "linear":
        return None
    sym = Sym.lift(ops.find(layer.activation).derivative(Sym.var(f"Z{layer.index}"), Sym.var(f"A{layer.index}"))[0])
    if sym.kind != "mul":
        return f"({sym.text()})" if sym.kind in ("add", "sub") else sym.text()
    parts = [f"({a.text()})" if a.kind in ("add", "sub") else a.text() for a in sym.args]
    return " ⊙ ".join(parts)


@dataclass
class MatrixForm:
    """A ``LayerForm`` (``form``) with its renderings; ``entry(name)`` links one gradient entry to its paths."""

    form: LayerForm
    title: str = ""
    _root: Callable[[], Value] | None = field(default=None, repr=False)

    # --- the pieces -------------------------------------------------------------------------------
    def symbol(self, ours: str) -> str:
        """The document's own name for one of our symbols (``W1`` -> 002's ``W2``), else ours."""
        return DOCUMENT_NAMES.get(self.form.seed or "", {}).get(ours, ours)

    def mapping(self) -> list[tuple[str, str, str, float]]:
        """(parameter name, its entry or entries, the gradient entries, the gradient) for every parameter."""
        rows = []
        for name, entries in self.form.entries.items():
            where = " + ".join(e.label() for e in entries)
            layers = sorted({e.layer for e in entries})
            if entries[0].kind == "b" and all(self.form.layer(k).bias == "shared" for k in layers):
                grads = " + ".join(f"sum(δ{k})" for k in layers)
            else:
                grads = " + ".join(e.gradient_label() for e in entries)
            rows.append((name, where, grads, self.form.gradients[name]))
        return rows

    def entry(self, name: str) -> EntryLink:
        """Parameter ``name``'s gradient entry linked to the scalar graph's paths (``layerform_paths``)."""
        root = self._root() if self._root is not None else None
        if root is None:
            raise ValueError("MatrixForm.entry: this form has no scalar graph to follow")
        return link_entry(self.form, root, name)

    def _loss_line(self, lang: str | None) -> str:
        f = self.form
        last = len(f.layers)
        count = f.samples if f.loss == "cross_entropy" else f.samples * len(f.layers[-1].W[0])
        template = _LOSS_TEXT[f.loss]
        values = {"last": last, "count": count, "factor": "" if f.factor_text == "1" else f"{f.factor_text}·"}
        text = translate(template, lang, **{k: v for k, v in values.items() if "{" + k + "}" in template})
        if f.loss == "bce" and f.layers[-1].activation == "sigmoid":
            text += "\n    " + translate("with a sigmoid output, σ′ = A{last} ⊙ (1 − A{last}) cancels: δ{last} = "
                                         "{factor}(A{last} − T)", lang, last=last, factor=values["factor"])
        return text

    def _steps(self) -> list[tuple[str, str, Matrix]]:
        """(left side, formula, matrix) for the forward and backward passes, in order."""
        f = self.form
        steps: list[tuple[str, str, Matrix]] = [("X", "", f.X)]
        for layer in f.layers:
            prev = "X" if layer.index == 1 else f"A{layer.index - 1}"
            bias = "" if layer.bias == "none" else f" + b{layer.index}"
            steps.append((f"Z{layer.index}", f"{prev}·W{layer.index}{bias}", layer.Z))
            if layer.activation != "linear":
                name = "σ" if layer.activation == "sigmoid" else layer.activation
                steps.append((f"A{layer.index}", f"{name}(Z{layer.index})", layer.A))
            else:
                steps.append((f"A{layer.index}", f"Z{layer.index}", layer.A))
        last = len(f.layers)
        for layer in reversed(f.layers):
            l = layer.index
            fp = _fprime(layer)
            grad = f"∂L/∂A{last}" if l == last else f"δ{l + 1}·W{l + 1}ᵀ"
            formula = grad if fp is None else (f"{grad} ⊙ {fp}" if l == last else f"({grad}) ⊙ {fp}")
            steps.append((f"δ{l}", formula, layer.delta))
            prev = "X" if l == 1 else f"A{l - 1}"
            steps.append((f"dW{l}", f"{prev}ᵀ·δ{l}", layer.dW))
            if layer.db is not None and layer.bias == "shared":
                steps.append((f"db{l}", f"sum(δ{l})", [[math.fsum(layer.db)]]))
            elif layer.db is not None:
                steps.append((f"db{l}", f"Σ_rows δ{l}", [layer.db]))
        return steps

    def _named(self, ours: str) -> str:
        theirs = self.symbol(ours)
        return ours if theirs == ours else f"{ours} ({theirs})"

    # --- renderings -------------------------------------------------------------------------------
    def text(self, lang: str | None = None) -> str:
        """The layer form as plain text: layout, forward, loss factor, backward, and the name → entry map."""
        f = self.form
        lines = [self.title or translate("The layer (matrix) form", lang), self._summary(lang), "",
                 translate("Layout: rows are samples; W^l is fan-in × fan-out, W^l[k][j] is the weight from unit k of "
                           "layer l−1 (input k for l = 1) to unit j of layer l; indices count from 0, as numpy's.", lang),
                 "", translate("The loss's own factor: L = {loss}", lang, loss=self._loss_line(lang)), ""]
        for left, formula, m in self._steps():
            head = f"{self._named(left)} = {formula}" if formula else self._named(left)
            lines.append(f"  {head}   ({len(m)}, {len(m[0])})")
            lines.append(_matrix_text(m))
        lines += ["", *self._bias_lines(lang), "", translate("Every parameter's scalar name, its matrix entry and its "
                                                           "gradient (the same number backward() gives):", lang)]
        rows = self.mapping()
        width = [max(len(str(r[i])) for r in rows) for i in range(3)]
        lines += [f"  {r[0].ljust(width[0])}  {r[1].ljust(width[1])}  {r[2].ljust(width[2])}  {r[3]!r}" for r in rows]
        lines += self._notes(lang, "")
        return "\n".join(lines)

    def _summary(self, lang: str | None) -> str:
        f = self.form
        return translate_plural("{model}, {count} sample, loss {loss} = {value}",
                                "{model}, {count} samples, loss {loss} = {value}", f.samples, lang,
                                model=f.model, loss=f.loss, value=repr(f.loss_value))

    def _bias_lines(self, lang: str | None) -> list[str]:
        lines = []
        for layer in self.form.layers:
            if layer.bias == "shared":
                lines.append(translate("Layer {layer} has one bias shared by all its units: its gradient sums every "
                                       "entry of δ{layer} (all samples, all units).", lang, layer=layer.index))
            elif layer.bias == "none":
                lines.append(translate("Layer {layer} has no bias.", lang, layer=layer.index))
            elif layer.bias == "per unit":
                lines.append(translate("Layer {layer}: one bias per unit; db{layer} sums δ{layer} over the samples "
                                       "(its rows).", lang, layer=layer.index))
            else:
                lines.append(translate("Layer {layer} mixes bias kinds; each parameter sums its own entries.", lang,
                                       layer=layer.index))
        return lines

    def _notes(self, lang: str | None, bullet: str) -> list[str]:
        seed = self.form.seed
        if seed not in DOCUMENT_NOTES:
            return []
        names = DOCUMENT_NAMES[seed]
        lines = ["", translate("What the project's description of document {seed} says about its matrix form:", lang,
                               seed=seed)]
        lines += [f"{bullet}  {lookup(note, lang)}" for note in DOCUMENT_NOTES[seed]]
        lines.append(f"{bullet}  " + translate("The document's names: {names}", lang,
                                               names=", ".join(f"{ours} = {theirs}" for ours, theirs in names.items())))
        return lines

    def markdown(self, lang: str | None = None) -> str:
        """The layer form as Markdown: the formulas with their matrices in code blocks, and the name → entry table."""
        lines = [f"**{self.title or translate('The layer (matrix) form', lang)}**", "", self._summary(lang), "",
                 translate("Layout: rows are samples; W^l is fan-in × fan-out, W^l[k][j] is the weight from unit k of "
                           "layer l−1 (input k for l = 1) to unit j of layer l; indices count from 0, as numpy's.", lang),
                 "", translate("The loss's own factor: L = {loss}", lang, loss=self._loss_line(lang)), "", "```text"]
        for left, formula, m in self._steps():
            head = f"{self._named(left)} = {formula}" if formula else self._named(left)
            lines += [f"{head}   ({len(m)}, {len(m[0])})", _matrix_text(m, "  ")]
        lines += ["```", "", *[f"- {line}" for line in self._bias_lines(lang)], ""]
        lines.append(markdown_table([translate("parameter", lang), translate("entry", lang),
                                     translate("gradient entry", lang), translate("gradient", lang)],
                                    [list(r) for r in self.mapping()]))
        lines += self._notes(lang, "-")
        return "\n".join(lines)

    def latex(self, lang: str | None = None) -> str:
        """The forward and backward formulas with their matrices, as a LaTeX ``align*`` block."""
        rows = []
        for left, formula, m in self._steps():
            lhs = _latex_symbol(left)
            rhs = _latex_formula(formula)
            rows.append(f"{lhs} &= {rhs + ' = ' if rhs else ''}{_matrix_latex(m)}")
        head = latex_escape(self.title or translate("The layer (matrix) form", lang))
        return f"% {head}\n" + r"\begin{align*}" + "\n" + " \\\\\n".join(rows) + "\n" + r"\end{align*}"

    def _repr_markdown_(self) -> str:
        return self.markdown()

    def __repr__(self) -> str:
        shapes = ", ".join(f"W{layer.index} {len(layer.W)}×{len(layer.W[0])}" for layer in self.form.layers)
        return f"MatrixForm({self.form.model}, N={self.form.samples}, {self.form.loss}: {shapes})"

    def __str__(self) -> str:
        return self.text()

    def entry_text(self, name: str, lang: str | None = None) -> str:
        """One gradient entry, derived: its sum over samples, why the transpose, and the paths of ``explain``."""
        link = self.entry(name)
        entry = link.entries[0]
        lines = []
        if entry.kind == "W":
            l, k, j = entry.layer, entry.row, entry.col
            prev = "X" if l == 1 else f"A{l - 1}"
            lines.append(f"∂{link.loss_name}/∂{name} = {entry.gradient_label()} = ({prev}ᵀ·δ{l})[{k}][{j}] = "
                         f"Σ_n {prev}ᵀ[{k}][n]·δ{l}[n][{j}]")
            lines.append("  " + translate("{prev}ᵀ[{k}][n] is {prev}[n][{k}]: the transpose turns the samples' rows "
                                          "into columns, so the product runs over the samples n and adds them up; "
                                          "{prev}[n][{k}] is what unit {k} feeds the weight in sample n.", lang,
                                          prev=prev, k=k))
        else:
            layers = sorted({e.layer for e in link.entries})
            what = " + ".join(f"sum(δ{layer})" if len(link.entries) > 1 else f"Σ_n δ{layer}[n][{entry.col}]"
                              for layer in layers)
            lines.append(f"∂{link.loss_name}/∂{name} = {what}")
        for t in link.terms:
            lines.append(f"  n = {t.sample}: {t.delta_label()} · {t.activation_label} = {_num(t.delta)} · "
                         f"{_num(t.activation)} = {_num(t.value)}")
        lines.append(f"  = {link.value!r}")
        lines.append(translate_plural("explain lists {count} path from the loss to {name}; grouped by the "
                                      "pre-activation each passes last:",
                                      "explain lists {count} paths from the loss to {name}; grouped by the "
                                      "pre-activation each passes last:", link.path_count, lang, name=name))
        for g in link.groups:
            line = "  " + translate_plural("{node} (sample {sample}, unit {unit}): {count} path, sum {total}",
                                           "{node} (sample {sample}, unit {unit}): {count} paths, sum {total}",
                                           g.count, lang, node=g.node, sample=g.sample, unit=g.unit,
                                           total=_num(g.total))
            term = next((t for t in link.terms if (t.sample, t.unit) == (g.sample, g.unit)), None)
            lines.append(line if term is None else f"{line} = {term.delta_label()} · {term.activation_label}")
        total = link.path_sum if link.path_sum is not None else link.scalar_gradient
        lines.append("  " + translate("all paths: {total}, the entry: {entry}", lang, total=repr(total),
                                      entry=repr(link.value)))
        return "\n".join(lines)


def _latex_symbol(symbol: str) -> str:
    for prefix, tex in (("dW", r"\frac{\partial L}{\partial W^{%s}}"), ("db", r"\frac{\partial L}{\partial b^{%s}}"),
                        ("δ", r"\delta^{%s}")):
        if symbol.startswith(prefix):
            return tex % symbol[len(prefix):]
    return symbol if symbol == "X" else f"{symbol[0]}^{{{symbol[1:]}}}"


def _latex_formula(formula: str) -> str:
    out = formula
    for old, new in (("·", r" \cdot "), ("⊙", r" \odot "), ("ᵀ", r"^{\top}"), ("σ", r"\sigma"), ("−", "-"),
                     ("∂L/∂A", r"\partial L/\partial A"), ("Σ_rows", r"\textstyle\sum_{\text{rows}}"),
                     ("²", "^2"), ("δ", r"\delta")):
        out = out.replace(old, new)
    out = re.sub(r"(\\delta|\b[AZWbX])(\d+)", r"\1^{\2}", out)
    out = out.replace("step(", r"\operatorname{step}(")
    return re.sub(r"(\\delta|[A-Za-z])\^\{(\d+)\}\^(\{\\top\}|\d)", r"(\1^{\2})^\3", out)


def matrices(model: MLP, inputs: Sequence[Sequence[float]], targets: Targets, loss: LossArg = "mse",
             title: str = "") -> MatrixForm:
    """The layer form of ``model`` on ``inputs``/``targets``/``loss`` (see ``nn.layerform.layer_form``), to show."""
    form = layer_form(model, inputs, targets, loss)
    return MatrixForm(form, title, lambda: scalar_loss(model, inputs, targets, loss))


def case_matrices(seed: str, variant: str | None = None, lang: str | None = None) -> MatrixForm:
    """The layer form of reference document ``seed`` ('000'..'004'), with its names and notes."""
    model, X, T, loss, root = case_data(seed, variant)
    form = layer_form(model, X, T, loss, seed=seed[:3], variant=variant)
    title = translate("The layer (matrix) form of {title}", lang, title=lookup(build(seed, variant).title, lang))
    return MatrixForm(form, title, root)


def _numbers(text: str, what: str) -> list[list[float]]:
    rows = []
    for n, part in enumerate(text.split(";")):
        try:
            rows.append([float(x) for x in part.replace(" ", "").split(",") if x])
        except ValueError:
            raise ValueError(f"matrices: {what} sample {n} ({part.strip()!r}) is not a list of numbers such as "
                             f"'0.5, 1'") from None
    return rows


def typed_matrices(sizes: str, inputs: str, targets: str, activations: str = "sigmoid", bias: str = "on",
                   loss: str = "mse", seed: int = 0) -> MatrixForm:
    """The layer form of a network typed as text, as the command line takes it.

    ``sizes`` ``"3,1"``; ``inputs`` one sample per ``;``, numbers by ``,`` (``"0.5,1; 1,2"``);
    ``targets`` likewise (class indices for ``cross_entropy``); ``activations`` one name or one per
    layer; ``bias`` ``on``, ``off`` or ``shared`` (one Value per layer, named ``b1``, ``b2``...).
    """
    try:
        layer_sizes = [int(s) for s in sizes.replace(" ", "").split(",") if s]
    except ValueError:
        raise ValueError(f"matrices: --sizes must be layer sizes such as '3,1', got {sizes!r}") from None
    acts = [a.strip() for a in activations.split(",") if a.strip()]
    if len(acts) == 1:
        acts = acts * len(layer_sizes)
    if bias not in ("on", "off", "shared"):
        raise ValueError(f"matrices: --bias must be on, off or shared, got {bias!r}")
    bias_arg: list[bool | Value] = [
        Value(0.0, f"b{k}") if bias == "shared" else bias == "on" for k in range(1, len(layer_sizes) + 1)]
    X = _numbers(inputs, "--inputs")
    model = MLP(len(X[0]) if X and X[0] else 0, layer_sizes, activations=acts, bias=bias_arg, seed=seed)
    if loss in ("cross_entropy", "cross_entropy_loss"):
        T: Targets = [int(t) for row in _numbers(targets, "--targets") for t in row]
    else:
        T = _numbers(targets, "--targets")
    layer_count = len(layer_sizes)
    title = translate("The layer (matrix) form of a {count}-layer network", count=layer_count)
    return matrices(model, X, T, loss, title)
