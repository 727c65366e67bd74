"""check_matrix_formula: a right matrix formula is accepted, each kind of slip is named, and the documents'
formulas get the verdicts of the project's description of them."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff.formula import FormulaError
from nn.layerform import case_layer_form, layer_form
from nn.matrix_check import (
    DOCUMENT_MATRIX_FORMULAS, check_matrix_formula, check_matrix_shape, companion_003, document_verdicts,
)

from .mlp_strategies import FEW, MLPCase, mlp_cases

FPRIME = {"sigmoid": " * A{l} * (1 - A{l})", "tanh": " * (1 - A{l}**2)", "linear": ""}


def named(verdict, words: str) -> bool:
    return any(words in d for d in verdict.diagnoses)


@FEW
@given(mlp_cases(), st.booleans())
def test_right_formulas_are_accepted_in_numpys_and_the_documents_notation(case: MLPCase, documents: bool):
    form = layer_form(case.model, case.inputs, case.targets, case.loss)
    last = len(form.layers)
    for layer in form.layers:
        l, prev = layer.index, ("X" if layer.index == 1 else f"A{layer.index - 1}")
        formula = f"{prev}ᵀ · δ{l}" if documents else f"{prev}.T @ delta{l}"
        assert check_matrix_formula(form, f"dW{l}", formula).ok
        if l < last and layer.activation in FPRIME:
            upstream = f"(δ{l + 1} · W{l + 1}ᵀ)" if documents else f"(delta{l + 1} @ W{l + 1}.T)"
            assert check_matrix_formula(form, f"δ{l}", upstream + FPRIME[layer.activation].format(l=l)).ok
        if layer.bias == "per unit" and form.samples == 1:
            assert check_matrix_formula(form, f"db{l}", f"δ{l}").ok


@FEW
@given(mlp_cases())
def test_each_kind_of_slip_is_named(case: MLPCase):
    form = layer_form(case.model, case.inputs, case.targets, case.loss)
    last = len(form.layers)
    for layer in form.layers:
        l, prev = layer.index, ("X" if layer.index == 1 else f"A{layer.index - 1}")
        missing_t = check_matrix_formula(form, f"dW{l}", f"{prev} @ δ{l}")
        assert missing_t.ok or named(missing_t, f"{prev} needs a transpose")
        star = check_matrix_formula(form, f"dW{l}", f"{prev}.T * δ{l}")
        assert star.ok or named(star, "is elementwise; a matrix product (@ or ·) is meant")
        if l < last and layer.activation in ("sigmoid", "tanh"):
            no_factor = check_matrix_formula(form, f"δ{l}", f"δ{l + 1} @ W{l + 1}.T")
            assert no_factor.ok or named(no_factor, f"a factor is missing: δ{l} multiplies elementwise by f′(Z{l})")
            intermediate = check_matrix_formula(form, f"dW{l}", f"{prev}.T @ δ")
            assert intermediate.ok or named(intermediate, f"goes through Z{l} and its δ{l}")
        if layer.bias == "per unit" and form.samples > 1:
            batch = check_matrix_formula(form, f"db{l}", f"δ{l}")
            assert not batch.ok and named(batch, "sums δ") and named(batch, "rows over the batch")


def test_the_slips_on_document_002():
    form = case_layer_form("002")
    at = check_matrix_formula(form, "dW3", "A2ᵀ * loss_3")
    assert not at.ok and named(at, "the shapes cannot match") and named(at, "is elementwise; a matrix product")
    transpose = check_matrix_formula(form, "dW3", "A2 · loss_3")
    assert named(transpose, "the left one transposed, (2, 1), would fit") and named(transpose, "A2 needs a transpose")
    reverse = check_matrix_formula(form, "loss_3", "(A3 − T) · A3 * (1 − A3)")
    assert not reverse.ok and named(reverse, "an elementwise product (* or ⊙) is meant")
    factor = check_matrix_formula(form, "loss_2", "loss_3 · W3ᵀ")
    assert named(factor, "a factor is missing: δ1 multiplies elementwise by f′(Z1)")
    extra = check_matrix_formula(form, "loss_2", "(loss_3 · W3) * A2 * (1 - A2)")
    assert named(extra, "W3 needs a transpose")


def test_document_003s_intermediate_and_shapes():
    v = check_matrix_formula(case_layer_form("003"), "dW_1", "Xᵀ·δ")
    assert not v.ok and named(v, "its shape is (2, 1), but dW_1 is (2, 3)") and named(v, "goes through Z1 and its δ1")
    big = companion_003()
    assert [len(layer.W) for layer in big.layers] == [2, 100, 50]
    assert named(check_matrix_shape(big, "dW_1", (2, 1)), "one neuron's incoming weights")
    assert check_matrix_shape(big, "dW_1", (2, 100)).ok and check_matrix_shape(big, "dW_3", (50, 1)).ok


@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_the_documents_formulas_as_written_get_the_verdicts_of_their_description(seed):
    verdicts = document_verdicts(seed)
    assert verdicts and len(verdicts) == len([d for d in DOCUMENT_MATRIX_FORMULAS if d.seed == seed])
    for d, v in verdicts:
        assert v.ok == d.right, (d, v.text())
        assert v.ok or v.diagnoses


def test_a_formula_that_cannot_be_read_names_the_position_in_the_learners_text():
    with pytest.raises(FormulaError) as info:
        check_matrix_formula(case_layer_form("002"), "loss_2", "loss_3 @ W3.T * A2 * (1 - Q)")
    assert info.value.position == 26 and "unknown name 'Q'" in str(info.value)
    with pytest.raises(ValueError, match="no matrix named 'dW9'"):
        check_matrix_formula(case_layer_form("002"), "dW9", "A2")
    with pytest.raises(FormulaError):
        check_matrix_formula(case_layer_form("002"), "dW3", "__import__('os')")


def test_verdicts_in_korean():
    v = check_matrix_formula(case_layer_form("002"), "dW3", "A2 · loss_3", lang="ko")
    english = check_matrix_formula(case_layer_form("002"), "dW3", "A2 · loss_3")
    assert v.text() != english.text() and "(2, 1)" in v.text() and "전치" in v.text() and "오답" in v.text()
