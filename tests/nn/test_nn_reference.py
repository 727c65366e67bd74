"""Every number in golden.json, reproduced from backward() alone, to 1e-12."""

import filecmp
from pathlib import Path

import pytest

from autodiff import Value
from nn import SGD, named_nodes, reference

TOL = 1e-12
CASES = [
    ("000", None), ("000", "per_unit_hidden_bias"), ("000", "half_squared_error_loss"),
    ("001", None), ("002", None), ("003", None), ("003", "batch_sum"), ("004", None),
]


def test_golden_copy_is_byte_identical_to_the_shared_one():
    shared = Path("/work/shared/golden.json")
    assert reference.GOLDEN_PATH.is_file()
    if shared.exists():  # the shared folder sits beside the repository on the project machine
        assert filecmp.cmp(reference.GOLDEN_PATH, shared, shallow=False)


@pytest.mark.parametrize("seed, variant", CASES)
def test_loss_and_every_gradient_from_backward(seed, variant):
    case = reference.build(seed, variant)
    loss = case.loss()
    loss.backward()
    assert abs(loss.data - case.expected_loss) <= TOL
    grads = {name: p.grad for name, p in case.model.named_parameters()}
    assert set(grads) == set(case.expected_gradients)
    for name, expected in case.expected_gradients.items():
        assert abs(grads[name] - expected) <= TOL, name


@pytest.mark.parametrize("seed, variant", [c for c in CASES if c != ("003", "batch_sum")])
def test_forward_values_on_the_documents_named_nodes(seed, variant):
    case = reference.build(seed, variant)
    nodes = named_nodes(case.loss())
    expected = case.expected_forward()
    assert len(expected) >= 6
    for name, value in expected.items():
        assert abs(nodes[name].data - value) <= TOL, name


def test_seed_ids_and_names_are_the_documents():
    assert reference.build("004_7a1848ad1d480971").seed == reference.build("004").seed == "004_7a1848ad1d480971"
    for seed in ("000", "001", "002", "003", "004"):
        case = reference.build(seed)
        assert [n for n, _ in case.model.named_parameters()] != []
        assert set(dict(case.model.named_parameters())) == set(case.golden["parameters"])
        assert case.title.startswith(seed)
    nodes = named_nodes(reference.build("004").loss())
    for name in ("x1", "x2", "y_t", "z1", "A1", "z2", "A2", "z3", "A3", "E"):
        assert name in nodes
    nodes = named_nodes(reference.build("000").loss())
    for name in ("a1", "a2", "t", "net h1", "Out h1", "net h3", "Out h3", "net o1", "y", "Loss", "b_1"):
        assert name in nodes
    nodes = named_nodes(reference.build("001").loss())
    for name in ("x[1]", "y[3]", "l1_1[1]", "h1_2[2]", "l2_2[3]", "h2_1[1]", "yhat[2]", "L"):
        assert name in nodes


def test_deltas_of_004_and_000_are_the_grads_of_the_named_pre_activations():
    case = reference.build("004")
    nodes = named_nodes(case.loss())
    nodes["E"].backward()
    deltas = case.golden["deltas"]
    assert abs(nodes["z3"].grad - deltas["dE/dz3 = (A3-y_t)A3(1-A3)"]) <= TOL
    assert abs(nodes["z1"].grad - deltas["dE/dz1"]) <= TOL
    assert abs(nodes["z2"].grad - deltas["dE/dz2"]) <= TOL
    case = reference.build("000")
    nodes = named_nodes(case.loss())
    nodes["Loss"].backward()
    deltas = case.golden["deltas"]
    assert abs(nodes["y"].grad - deltas["dLoss/dy"]) <= TOL
    assert abs(nodes["net o1"].grad - deltas["dLoss/dnet_o1"]) <= TOL
    for j in (1, 2, 3):
        assert abs(nodes[f"net h{j}"].grad - deltas["dLoss/dnet_h"][j - 1]) <= TOL


def test_shared_b1_of_000_is_one_parameter_whose_gradient_sums_three_paths():
    case = reference.build("000")
    params = case.model.parameters()
    b1 = [p for p in params if p.name == "b_1"]
    assert len(b1) == 1 and len(params) == 11
    hidden = case.model.layers[0].units
    assert all(n.b is b1[0] for n in hidden)
    nodes = named_nodes(case.loss())
    nodes["Loss"].backward()
    paths = [nodes[f"net h{j}"].grad for j in (1, 2, 3)]  # dLoss/db_1 along each path is dLoss/dnet h_j
    assert abs(b1[0].grad - sum(paths)) <= TOL
    assert abs(b1[0].grad - case.golden["gradients"]["b_1"]) <= TOL
    per_unit = case.golden["variants"]["per_unit_hidden_bias"]["gradients"]
    assert abs(b1[0].grad - sum(per_unit.values())) <= TOL
    # the shared bias is in no neuron's cluster; each hidden neuron's own weights are in its own
    clusters = case.model.clusters(nodes["Loss"])
    assert set(clusters) == {"neuron h1", "neuron h2", "neuron h3", "neuron o1"}
    assert all(b1[0] not in members for members in clusters.values())
    names_h1 = {n.name for n in clusters["neuron h1"]}
    assert {"W_1", "W_4", "net h1", "Out h1"} <= names_h1 and "a1" not in names_h1


def _step(case, lr):
    case.model.zero_grad()
    case.loss().backward()
    SGD(case.model.parameters(), lr=lr).step()
    return case.model.state_dict()


def test_001_one_sgd_step_gives_the_updated_parameters_and_loss():
    case = reference.build("001")
    after = _step(case, case.golden["learning_rate"])
    assert case.golden["learning_rate"] == 0.1
    for name, expected in case.golden["updated_parameters"].items():
        assert abs(after[name] - expected) <= TOL, name
    assert abs(case.loss().data - case.golden["loss_after_update"]) <= TOL


@pytest.mark.parametrize("seed", ["002", "004"])
def test_crosscheck_updates_of_002_and_004(seed):
    case = reference.build(seed)
    after = _step(case, case.golden["crosscheck_update_lr"])
    expected = case.golden["crosscheck_updated_parameters"]
    assert set(expected) == set(after)
    for name, value in expected.items():
        assert abs(after[name] - value) <= TOL, name


def test_002_matches_mazurs_published_numbers():
    case = reference.build("002")
    nodes = named_nodes(case.loss())
    nodes["E"].backward()
    pub = case.golden["crosscheck_mazur_published"]
    assert abs(nodes["E"].data - pub["E_total"]) < 1e-9
    assert abs(nodes["a2_1"].data - pub["out_h1"]) < 1e-9
    assert abs(nodes["a3_2"].data - pub["out_o2"]) < 1e-9
    params = dict(case.model.named_parameters())
    assert abs(params["w3_11"].grad - pub["dE/dw5 (w3_11)"]) < 1e-9


def test_per_sample_clusters_of_001():
    case = reference.build("001")
    loss = case.loss()
    clusters = case.model.clusters(loss)
    assert len(clusters) == 5 * 3
    assert list(clusters)[:3] == ["neuron h1_1[1]", "neuron h1_1[2]", "neuron h1_1[3]"]
    names = {n.name for n in clusters["neuron h2_1[2]"]}
    assert {"l2_1[2]", "h2_1[2]"} <= names
    # parameters are used by all three samples, so they belong to none of the per-sample clusters
    assert not any(n.name == "w2_11" for members in clusters.values() for n in members)


def test_bad_seed_and_variant_are_refused():
    with pytest.raises(ValueError, match="unknown seed '005'"):
        reference.build("005")
    with pytest.raises(ValueError, match="no variant 'batch_sum'"):
        reference.build("004", "batch_sum")
    with pytest.raises(TypeError, match="seed must be a str"):
        reference.build(4)  # type: ignore[arg-type]


def test_each_loss_call_builds_a_fresh_graph():
    case = reference.build("004")
    first, second = case.loss(), case.loss()
    assert first is not second and isinstance(first, Value)
    assert first.data == second.data
