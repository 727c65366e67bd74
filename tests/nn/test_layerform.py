"""The layer (matrix) form: every entry equals backward()'s scalar gradient, on the documents and on random MLPs."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autodiff import Value, explain, no_grad
from autodiff.display import markdown_escape
from nn import MLP
from nn.layerform import case_data, case_layer_form, layer_form, scalar_loss
from nn.layerform_paths import link_entry, sample_of
from nn.layerform_text import case_matrices, matrices
from nn.reference import load_golden

from .mlp_strategies import FEW, MLPCase, close, mlp_cases

CASES = [("000", None), ("000", "per_unit_hidden_bias"), ("000", "half_squared_error_loss"), ("001", None),
         ("002", None), ("003", None), ("003", "batch_sum"), ("004", None)]


def backward_gradients(root: Value, model: MLP) -> dict[str, float]:
    model.zero_grad()
    root.backward()
    return {name: p.grad for name, p in model.named_parameters()}


def test_document_000_matches_golden_delta_w1_and_delta_w2():
    golden = load_golden()["000_da5174cd507e8033"]["gradients_matrix_form"]
    form = case_layer_form("000")
    for ours, theirs in ((form.layer(1).dW, golden["delta_W1 (2x3)"]), (form.layer(2).dW, golden["delta_W2 (3x1)"])):
        assert len(ours) == len(theirs) and len(ours[0]) == len(theirs[0])
        for row, expected in zip(ours, theirs):
            for x, y in zip(row, expected):
                assert abs(x - y) <= 1e-12
    assert abs(form.gradients["b_1"] - (-0.09064978889061868)) <= 1e-12  # sum(δ1): the shared bias


def test_document_002_matches_golden_matrix_form_in_its_w_ij_at_j_i_layout():
    g = load_golden()["002_cc8e1b83e131b83e"]
    form = case_layer_form("002")
    # golden.json (docs/documents.md): dE/dW^(2) in the layout [[w_11, w_21], [w_12, w_22]]
    expected_w2 = [[g["gradients"]["w2_11"], g["gradients"]["w2_21"]], [g["gradients"]["w2_12"], g["gradients"]["w2_22"]]]
    expected_w3 = [[g["gradients"]["w3_11"], g["gradients"]["w3_21"]], [g["gradients"]["w3_12"], g["gradients"]["w3_22"]]]
    for ours, theirs in ((form.layer(1).dW, expected_w2), (form.layer(2).dW, expected_w3)):
        for row, expected in zip(ours, theirs):
            for x, y in zip(row, expected):
                assert abs(x - y) <= 1e-12
    loss_3 = [0.13849856162855695, -0.038098236516556236]
    loss_2 = [0.008771354689486931, 0.009954254705217198]
    for ours, theirs in ((form.layer(2).delta[0], loss_3), (form.layer(1).delta[0], loss_2)):
        assert all(abs(x - y) <= 1e-12 for x, y in zip(ours, theirs))


@pytest.mark.parametrize("seed, variant", CASES)
def test_every_document_entry_equals_backward_and_golden(seed, variant):
    model, X, T, loss, root_of = case_data(seed, variant)
    form = layer_form(model, X, T, loss, seed=seed)
    root = root_of()
    grads = backward_gradients(root, model)
    assert form.loss_value == pytest.approx(root.data, rel=1e-14)
    assert set(form.gradients) == set(grads)
    for name, g in grads.items():
        assert close(form.gradients[name], g), (name, form.gradients[name], g)
    expected = case_matrices(seed, variant).form.gradients
    golden = __import__("nn").reference.build(seed, variant).expected_gradients
    for name, value in golden.items():
        assert abs(expected[name] - value) <= 1e-12, name


@pytest.mark.parametrize("seed, name, entry", [
    ("000", "W_4", "W1[1][0]"), ("000", "W_3", "W1[0][2]"), ("000", "W_21", "W2[1][0]"),
    ("001", "w2_12", "W2[0][1]"), ("001", "w2_21", "W2[1][0]"), ("001", "w3_21", "W3[1][0]"),
    ("002", "w2_12", "W1[1][0]"), ("002", "w3_21", "W2[0][1]"),  # w_ij stored at [j][i]
    ("003", "w1_12", "W1[1][0]"), ("003", "w2_13", "W2[2][0]"),  # W_l is the scalar table's transpose
    ("004", "w12", "W1[1][0]"), ("004", "w32", "W2[1][0]"),
])
def test_each_scalar_name_maps_to_its_matrix_entry(seed, name, entry):
    form = case_layer_form(seed)
    assert [e.label() for e in form.entries[name]] == [entry]
    layer = form.layer(int(entry[1]))
    k, j = int(entry[3]), int(entry[6])
    assert layer.W_names[k][j] == name and form.gradients[name] == layer.dW[k][j]


def test_the_shared_bias_sums_all_of_its_layers_entries():
    form = case_layer_form("000")
    assert form.layer(1).bias == "shared" and [e.label() for e in form.entries["b_1"]] == ["b1[0]", "b1[1]", "b1[2]"]
    assert form.gradients["b_1"] == math.fsum(x for row in form.layer(1).delta for x in row)
    assert "sum(δ1)" in case_matrices("000").text()


def test_the_losss_own_factor_001_two_thirds_and_002_one():
    f001, f002 = case_layer_form("001"), case_layer_form("002")
    assert f001.factor == 2 / 3 and f001.factor_text == "2/3"
    yhat, y = f001.layer(3).A, f001.T
    for n in range(3):
        assert close(f001.layer(3).delta[n][0], 2 / 3 * (yhat[n][0] - y[n][0]))  # type: ignore[index]
    assert f002.factor == 1 and "factor 1" in case_matrices("002").text()
    assert "2/3·(A3 − T)" in case_matrices("001").text()


@FEW
@given(mlp_cases())
def test_random_mlps_every_entry_equals_backward(case: MLPCase):
    form = layer_form(case.model, case.inputs, case.targets, case.loss)
    root = scalar_loss(case.model, case.inputs, case.targets, case.loss)
    grads = backward_gradients(root, case.model)
    assert close(form.loss_value, root.data)
    for name, g in grads.items():
        assert close(form.gradients[name], g), (name, form.gradients[name], g)
    for layer in form.layers:  # every weight entry is its parameter's gradient
        for k, row in enumerate(layer.W_names):
            for j, name in enumerate(row):
                assert layer.dW[k][j] == form.gradients[name]
        if case.bias == "shared":
            assert close(form.gradients[f"b{layer.index}"], math.fsum(x for r in layer.delta for x in r))


@FEW
@given(mlp_cases(max_inputs=3, max_layers=3, max_width=3), st.data())
def test_one_entry_is_the_sum_of_the_paths_explain_lists(case: MLPCase, data):
    form = layer_form(case.model, case.inputs, case.targets, case.loss)
    root = scalar_loss(case.model, case.inputs, case.targets, case.loss)
    name = data.draw(st.sampled_from(sorted(form.entries)))
    link = link_entry(form, root, name)
    assert close(link.value, explain(root, name, form="delta").value)
    assert close(math.fsum(t.value for t in link.terms), link.value)
    if link.path_sum is not None:
        assert close(link.path_sum, link.value)
        for group in link.groups:  # each group of paths is one term δ[n][j]·activation
            term = next(t for t in link.terms if (t.sample, t.unit) == (group.sample, group.unit))
            assert close(group.total, term.value)
        assert sum(g.count for g in link.groups) == link.path_count


def test_layer_form_works_inside_no_grad():
    model, X, T, loss, _ = case_data("004")
    with no_grad():
        form = layer_form(model, X, T, loss)
    assert form.gradients == case_layer_form("004").gradients


@pytest.mark.parametrize("call, message", [
    (lambda m: layer_form(m, [[1.0]], [[0.0]], "mse"), "sample 0 has 1 numbers; the network needs 2"),
    (lambda m: layer_form(m, [[1.0, 2.0]], [[0.0]], "l1"), "the loss must be one of"),
    (lambda m: layer_form(m, [[1.0, 2.0]], [3], "cross_entropy"), "class index 3"),
    (lambda m: layer_form(m, [[1.0, float("nan")]], [[0.0]], "mse"), "not a finite real number"),
    (lambda m: layer_form(m, [[1.0, 2.0]], [[0.0], [1.0]], "mse"), "2 target rows for 1 samples"),
    (lambda m: layer_form(m, [[1.0, 2.0]], [[2.0]], "bce"), "must be a probability"),
    (lambda m: layer_form("net", [[1.0, 2.0]], [[0.0]], "mse"), "expected an nn.MLP"),
])
def test_bad_input_is_a_clear_error(call, message):
    model = MLP(2, [2, 1], activations=["tanh", "sigmoid"])
    with pytest.raises((ValueError, TypeError), match="layer_form"):
        call(model)
    with pytest.raises((ValueError, TypeError)) as info:
        call(model)
    assert message in str(info.value)


def test_sample_suffixes_are_read_from_node_names():
    assert sample_of("z2_1[3]") == ("z2_1", 2) and sample_of("net h1") == ("net h1", 0)


# --- renderings ---------------------------------------------------------------------------------

@pytest.mark.parametrize("seed", ["000", "001", "002", "003", "004"])
def test_renderings_state_the_layout_and_map_every_parameter(seed):
    shown = case_matrices(seed)
    text, md, tex = shown.text(), shown.markdown(), shown.latex()
    assert "rows are samples" in text and "fan-in × fan-out" in text
    for name, value in shown.form.gradients.items():
        assert f"{value!r}" in text and markdown_escape(name) in md
    assert len([line for line in md.splitlines() if line.startswith("| ")]) == len(shown.form.gradients) + 1
    assert tex.count(r"\begin{bmatrix}") == tex.count(r"\end{bmatrix}") > 0 and r"\end{align*}" in tex
    assert "^}" not in tex and "}^{" not in tex.replace("})^{", "")  # no double superscripts
    assert shown._repr_markdown_() == md
    assert "project's description of document" in text


def test_latex_of_tanh_and_relu_layers_has_no_double_superscript():
    model = MLP(2, [3, 1], activations=["tanh", "relu"], seed=2)
    tex = matrices(model, [[1.0, 2.0]], [[1.0]], "mse").latex()
    assert r"(1 - (A^{1})^2)" in tex and r"\operatorname{step}(Z^{2})" in tex
    assert "}^" not in tex.replace("})^", "")


def test_the_documents_own_names_and_transposes_are_shown():
    assert "X (A1)" in case_matrices("002").text() and "δ1 (loss_2)" in case_matrices("002").text()
    assert "w2_12 is W2[1][0] there and W1[1][0] here" in case_matrices("002").text()
    assert "transpose of its scalar table" in case_matrices("003").text()


def test_korean_rendering_has_the_same_numbers():
    shown = case_matrices("001")
    english, korean = shown.text("en"), shown.text("ko")
    assert korean != english
    numbers = [line.split()[-1] for line in english.splitlines() if line.startswith("  w")]
    assert numbers and all(n in korean for n in numbers)
    assert "표본" in korean or "샘플" in korean


def test_entry_text_links_a_weight_to_its_delta_activation_transpose_and_paths():
    text = case_matrices("001").entry_text("w1_11")
    assert "dW1[0][0] = (Xᵀ·δ1)[0][0]" in text and "transpose" in text
    assert "6 paths" in text and "l1_1[2] (sample 1, unit 0): 2 paths" in text
    assert "all paths: -0.1299217750909492, the entry: -0.1299217750909492" in text
    shared = case_matrices("000").entry_text("b_1")
    assert "sum(δ1)" in shared and "3 paths" in shared


def test_matrices_of_a_typed_network_follow_its_scalar_graph():
    model = MLP(3, [4, 2], activations=["tanh", "linear"], bias=[Value(0.1, "c"), True], seed=3)
    shown = matrices(model, [[0.5, -1.0, 2.0], [1.0, 0.0, -0.5]], [1, 0], "cross_entropy")
    assert "sum(δ1)" in shown.text() and "1/2·(softmax(A2) − onehot(T))" in shown.text()
    link = shown.entry("c")
    assert close(link.value, link.scalar_gradient) and len(link.terms) == 8  # 2 samples × 4 units


def test_the_matrix_helpers_name_the_operation_and_the_shapes():
    from nn import matrix as mx

    with pytest.raises(ValueError, match=r"Aᵀ·δ: cannot multiply a \(2, 3\) matrix by a \(2, 1\) matrix"):
        mx.matmul([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], [[1.0], [2.0]], "Aᵀ·δ")
    with pytest.raises(ValueError, match=r"hadamard: the shapes \(1, 2\) and \(2, 1\) differ"):
        mx.hadamard([[1.0, 2.0]], [[1.0], [2.0]])
    assert mx.matmul([[1e16, 1.0, -1e16]], [[1.0], [1.0], [1.0]]) == [[1.0]]  # one correctly rounded sum
    assert mx.column_sums([[1.0, 2.0], [3.0, 4.0]]) == [4.0, 6.0] and mx.total([[1.0, 2.0], [3.0, 4.0]]) == 10.0
    assert mx.transpose([[1.0, 2.0, 3.0]]) == [[1.0], [2.0], [3.0]]


def test_the_repr_is_one_line_with_the_shapes():
    shown = case_matrices("003")
    assert repr(shown) == "MatrixForm(MLP(2 -> 3 sigmoid -> 2 sigmoid -> 1 linear, no bias), N=1, half_sse: W1 2×3, W2 3×2, W3 2×1)"


def test_the_layer_form_needs_no_numpy():
    import subprocess
    import sys

    code = ("import sys; from nn.layerform_text import case_matrices; from nn.numpy_code import to_numpy_code; "
            "to_numpy_code(case_matrices('001').form); print('numpy' in sys.modules, 'torch' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "False"]
