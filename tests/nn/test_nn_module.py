"""Neuron, Layer and MLP: structure, names, order, reproducibility, gradients, training; the arguments they
refuse, and the calls a type checker can follow (MLP.output, MLP.outputs)."""

import math
import random

import pytest

from autodiff import Value, gradcheck
from nn import MLP, SGD, Layer, Module, Neuron, bce_loss, named_nodes, reference
from nn.clusters import neuron_clusters, neuron_members


def test_neuron_builds_one_dot_node_in_weight_order_and_names_its_nodes():
    n = Neuron(3, "sigmoid", name="h")
    assert [p.name for p in n.parameters()] == ["h.w1", "h.w2", "h.w3", "h.b"]
    x = [Value(1.0, "x1"), 2.0, Value(-1.0, "x3")]
    a = n(x)
    assert a.name == "h.a" and a.op.name == "sigmoid"
    z = a.parents[0]
    assert z.name == "h.z" and z.op.name == "dot"
    w1, w2, w3, x1, x2, x3, b = z.parents  # the weights, the inputs, then the bias
    assert (w1, w2, w3, x1, x3, b) == (*n.w, x[0], x[2], n.b)
    assert x2.is_leaf and x2.data == 2.0  # a plain number becomes a constant leaf
    assert z.local_grads == (1.0, 2.0, -1.0, *(w.data for w in n.w), 1.0)  # dz/dw_k = x_k, dz/dx_k = w_k
    expected = sum(w.data * xi for w, xi in zip(n.w, [1.0, 2.0, -1.0])) + n.b.data
    assert abs(z.data - expected) < 1e-15
    assert abs(a.data - 1 / (1 + math.exp(-expected))) < 1e-15


def test_neuron_suffix_tags_node_names_per_call():
    n = Neuron(1, "tanh", name="u")
    a = n([0.5], suffix="[2]")
    assert a.name == "u.a[2]" and a.parents[0].name == "u.z[2]"


@pytest.mark.parametrize("activation, f", [
    ("sigmoid", lambda z: 1 / (1 + math.exp(-z))), ("tanh", math.tanh),
    ("relu", lambda z: max(z, 0.0)), ("linear", lambda z: z),
])
def test_every_activation(activation, f):
    n = Neuron(2, activation, seed=3)
    out = n([0.3, -0.7])
    z = n.w[0].data * 0.3 + n.w[1].data * -0.7 + n.b.data
    assert abs(out.data - f(z)) < 1e-15
    if activation == "linear":
        assert out.name == "N.z" and out.op.name == "dot"


def test_bias_false_means_no_bias_parameter_at_all():
    n = Neuron(2, bias=False)
    assert n.b is None and len(n.parameters()) == 2
    z = n([1.0, 1.0]).parents[0]
    assert z.op.name == "dot" and len(z.parents) == 4  # w1*x1 + w2*x2, no "+ b"


def test_shared_bias_is_one_parameter_listed_once_with_summed_gradient():
    b = Value(0.5, "b_shared")
    layer = Layer.of([Neuron(1, bias=b, name=f"h{j}", seed=j) for j in (1, 2, 3)])
    params = layer.parameters()
    assert len(params) == 4 and sum(p is b for p in params) == 1
    out = layer([Value(2.0, "x")])
    total = out[0] + out[1] + out[2]
    total.backward()
    assert abs(b.grad - sum(a.data * (1 - a.data) for a in out)) < 1e-15


def test_bias_must_be_true_false_or_value():
    with pytest.raises(TypeError, match="bias must be True, False or a Value"):
        Neuron(2, bias=0.5)  # type: ignore[arg-type]


@pytest.mark.parametrize("kwargs, message", [
    (dict(nin=0), "nin must be a positive int"),
    (dict(nin=2, activation="softmax"), "activation must be one of sigmoid, tanh, relu, linear or an operation of one input made with autodiff.define_op; got 'softmax'"),
    (dict(nin=2, weight_names=["a"]), "1 weight names given for 2 inputs"),
])
def test_bad_neuron_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Neuron(**kwargs)


def test_wrong_number_of_inputs_is_a_clear_error():
    with pytest.raises(ValueError, match="Neuron 'N': expected 2 inputs, got 3"):
        Neuron(2)([1, 2, 3])
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 1"):
        MLP(2, [1])([1])


def test_mlp_default_names_order_and_repr():
    m = MLP(2, [3, 1])
    assert repr(m) == "MLP(2 -> 3 sigmoid -> 1 sigmoid, with bias)"
    names = [n for n, _ in m.named_parameters()]
    assert names[:4] == ["L1.N1.w1", "L1.N1.w2", "L1.N1.b", "L1.N2.w1"]
    assert names[-4:] == ["L2.N1.w1", "L2.N1.w2", "L2.N1.w3", "L2.N1.b"]
    assert len(names) == 3 * 3 + 4 and len(m.parameters()) == len(names)
    out = m([0.1, 0.2])
    assert isinstance(out, Value) and out.name == "L2.N1.a" and out.parents[0].name == "L2.N1.z"
    assert "L1.N3.a" in named_nodes(out)
    assert isinstance(MLP(2, [3, 2])([0.1, 0.2]), list)


def test_mlp_activations_per_layer_linear_output_and_bias_options():
    m = MLP(1, [2, 1], activations=["tanh", "linear"], bias=[False, True])
    assert repr(m) == "MLP(1 -> 2 tanh (no bias) -> 1 linear (with bias))"
    out = m([0.5])
    assert out.name == "L2.N1.z" and out.op.name == "dot"
    assert [n for n, _ in m.named_parameters()] == ["L1.N1.w1", "L1.N2.w1", "L2.N1.w1", "L2.N1.w2", "L2.N1.b"]
    with pytest.raises(ValueError, match="2 activations given for 3 layers"):
        MLP(1, [2, 2, 1], activations=["tanh", "linear"])
    with pytest.raises(ValueError, match="sizes must be a non-empty list of positive ints"):
        MLP(1, [2, 0])


def test_mlp_names_replace_defaults_and_unknown_ones_are_refused():
    m = MLP(2, [1], names={"L1.N1.w1": "wa", "L1.N1.b": "bias", "L1.N1.a": "out", "L1.N1": "o"})
    assert [n for n, _ in m.named_parameters()] == ["wa", "L1.N1.w2", "bias"]
    out = m([1.0, 2.0])
    assert out.name == "out" and list(m.clusters(out)) == ["neuron o"]
    with pytest.raises(ValueError, match="unknown default name\\(s\\) 'L9.N1.w1'"):
        MLP(2, [1], names={"L9.N1.w1": "x"})
    with pytest.raises(ValueError, match="several different parameters are named 'w'"):
        MLP(2, [1], names={"L1.N1.w1": "w", "L1.N1.w2": "w"})


def test_initialisation_is_reproducible_from_a_seed_and_leaves_global_random_alone():
    random.seed(123)
    before = random.random()
    random.seed(123)
    a, b, c = MLP(2, [4, 1], seed=7), MLP(2, [4, 1], seed=7), MLP(2, [4, 1], seed=8)
    assert random.random() == before
    assert a.state_dict() == b.state_dict() != c.state_dict()
    assert all(p.data == 0.0 for n, p in a.named_parameters() if n.endswith(".b"))
    assert len({p.data for n, p in a.named_parameters() if not n.endswith(".b")}) == 12


def test_zero_grad_clears_every_parameter():
    m = MLP(2, [2, 1])
    m([1.0, -1.0]).backward()
    assert any(p.grad != 0 for p in m.parameters())
    m.zero_grad()
    assert all(p.grad == 0 for p in m.parameters())
    assert isinstance(m, Module)


@pytest.mark.parametrize("activation", ["sigmoid", "tanh", "relu", "linear"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_gradcheck_on_random_small_mlps(activation, seed):
    model = MLP(3, [3, 2], activations=[activation, "sigmoid"], seed=seed)
    rng = random.Random(seed + 100)
    x = [rng.uniform(-1, 1) for _ in range(3)]
    if activation == "relu":  # keep every hidden pre-activation at least 0.3 away from relu's kink at 0
        for n in model.layers[0].units:
            n.b.data = 0.0
            n.b.data = 0.3 if n(x).parents[0].data >= 0 else -0.3
            assert abs(n(x).parents[0].data) >= 0.3
    params = model.parameters()

    def f(*values):
        it = iter(values)
        for n in model.neurons():  # the model computes with the Values gradcheck hands in
            n.w = [next(it) for _ in n.w]
            n.b = next(it)
        out = model(x)
        return out[0] * out[1] + out[0]

    try:
        assert gradcheck(f, [p.data for p in params], eps=1e-6, atol=1e-7, rtol=1e-5)
    finally:  # put the model's own parameters back
        it = iter(params)
        for n in model.neurons():
            n.w = [next(it) for _ in n.w]
            n.b = next(it)
    # and backward() through the model itself agrees with grad() above at the same point
    out = model(x)
    (out[0] * out[1] + out[0]).backward()
    assert all(math.isfinite(p.grad) for p in params) and any(p.grad != 0 for p in params)


def test_mlp_learns_xor_to_100_percent_from_a_fixed_seed():
    xs = [[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]]
    ys = [0.0, 1.0, 1.0, 0.0]
    model = MLP(2, [4, 1], activations=["tanh", "sigmoid"], seed=0)
    opt = SGD(model.parameters(), lr=0.5, momentum=0.9)
    first = None
    for _ in range(300):
        loss = bce_loss([model(x) for x in xs], ys)
        first = loss.data if first is None else first
        opt.zero_grad()
        loss.backward()
        opt.step()
    predictions = [model(x).data > 0.5 for x in xs]
    assert predictions == [False, True, True, False]
    assert loss.data < 0.05 < first


def test_clusters_of_a_default_mlp_hold_each_neurons_own_nodes():
    m = MLP(2, [2, 1])
    x = [Value(1.0, "x1"), Value(2.0, "x2")]
    out = m(x)
    clusters = m.clusters(out)
    assert list(clusters) == ["neuron L1.N1", "neuron L1.N2", "neuron L2.N1"]
    own = clusters["neuron L1.N1"]
    n11 = m.layers[0].units[0]
    assert {id(v) for v in (*n11.w, n11.b)} <= {id(v) for v in own}
    assert all(v is not x[0] and v is not x[1] for v in own)
    assert len(own) == 2 + 1 + 1 + 1  # w1 w2 b, z (the dot node), a
    out_nodes = clusters["neuron L2.N1"]
    hidden_outputs = {id(m.layers[0].units[j]([*x])) for j in (0, 1)}  # fresh nodes: never in a cluster
    assert not hidden_outputs & {id(v) for v in out_nodes}


# --- names: two different parameters with one name are refused wherever a model is made ------

def test_duplicate_weight_names_in_one_neuron_are_refused():
    with pytest.raises(ValueError, match="Neuron 'N': several different parameters are named 'w'"):
        Neuron(2, weight_names=["w", "w"])
    with pytest.raises(ValueError, match="several different parameters are named 'a'"):
        Neuron(2, weight_names=["a", "b"], bias_name="a")


def test_layer_of_neurons_with_the_same_default_names_is_refused():
    with pytest.raises(ValueError, match="Layer.of: several different parameters are named 'N.w1', 'N.w2', 'N.b'"):
        Layer.of([Neuron(2), Neuron(2)])


def test_mlp_names_that_collide_across_neurons_are_refused():
    with pytest.raises(ValueError, match="MLP: several different parameters are named 'w'"):
        MLP(2, [2], names={"L1.N1.w1": "w", "L1.N2.w1": "w"})


def test_one_value_shared_by_several_neurons_is_one_parameter_not_a_duplicate(tmp_path):
    shared = Value(0.25, name="b_1")
    layer = Layer.of([Neuron(1, bias=shared, name=f"h{j}") for j in (1, 2, 3)])
    assert [n for n, _ in layer.named_parameters()] == ["h1.w1", "b_1", "h2.w1", "h3.w1"]
    case = reference.build("000")  # the document's own shared b_1 still builds, saves and loads
    path = tmp_path / "000.json"
    case.model.save(path)
    fresh = reference.build("000")
    for p in fresh.model.parameters():
        p.data = 0.0
    fresh.model.load(path)
    assert fresh.model.state_dict() == case.model.state_dict()


def test_a_name_changed_after_construction_is_caught_before_saving(tmp_path):
    m = MLP(2, [1])
    m.parameters()[1].name = "L1.N1.w1"
    with pytest.raises(ValueError, match="state_dict: several different parameters are named 'L1.N1.w1'"):
        m.save(tmp_path / "m.json")
    assert not (tmp_path / "m.json").exists()


# --- 8: every given name must be a non-empty string ----------------------------------------

@pytest.mark.parametrize("bad", [None, "", 3])
def test_mlp_names_must_be_non_empty_strings(bad):
    with pytest.raises(ValueError, match=f"MLP: the name given for 'L1.N1.w1' must be a non-empty str, got {type(bad).__name__}"):
        MLP(2, [1], names={"L1.N1.w1": bad})


@pytest.mark.parametrize("kwargs, message", [
    (dict(weight_names=["a", None]), "weight name 2 must be a non-empty str, got NoneType None"),
    (dict(weight_names="ab"), "a str given for 2 inputs"),
    (dict(bias_name=""), "bias_name must be a non-empty str"),
    (dict(name=""), "Neuron: name must be a non-empty str"),
    (dict(z_name=5), "z_name must be a non-empty str, got int 5"),
])
def test_neuron_names_must_be_non_empty_strings(kwargs, message):
    with pytest.raises(ValueError, match=message):
        Neuron(2, **kwargs)


# --- 21: unvalidated arguments -------------------------------------------------------------

def test_mlp_sizes_must_be_a_list():
    with pytest.raises(TypeError, match="MLP: sizes must be a list of layer sizes such as \\[3, 1\\], got int 3 \\(for one layer of 3, write \\[3\\]\\)"):
        MLP(2, 3)  # type: ignore[arg-type]


@pytest.mark.parametrize("model, where", [(MLP(2, [1]), "MLP"), (Layer(2, 1), "Layer 'L1'"), (Neuron(2), "Neuron 'N'")])
@pytest.mark.parametrize("bad", [None, 3.0, "ab", Value(1.0)])
def test_calling_a_model_with_something_that_is_not_a_sequence_is_a_clear_error(model, where, bad):
    with pytest.raises(TypeError, match=f"{where}: inputs must be a sequence \\(a list, tuple or array\\) of Values or numbers, got {type(bad).__name__}"):
        model(bad)


def test_a_numpy_array_of_inputs_still_works():
    import numpy as np  # a dev dependency: never skipped
    m = MLP(2, [1], seed=4)
    assert m(np.array([0.5, -1.0])).data == m([0.5, -1.0]).data


def test_one_activation_string_means_every_layer():
    m = MLP(2, [3, 1], activations="relu")
    assert [n.activation for n in m.neurons()] == ["relu"] * 4
    with pytest.raises(ValueError, match="activation must be one of sigmoid, tanh, relu, linear or an operation of one input made with autodiff.define_op; got 'rleu'"):
        MLP(2, [3, 1], activations="rleu")


# --- issue 14 item 6: Layer(nin, 1) is a list; reprs name activation and bias mode ----------

def test_a_one_neuron_layer_returns_a_one_item_list_and_a_one_output_mlp_a_value():
    out = Layer(2, 1)([0.5, 0.5])
    assert isinstance(out, list) and len(out) == 1 and isinstance(out[0], Value)
    assert isinstance(MLP(2, [1])([0.5, 0.5]), Value)


def test_reprs_name_activation_and_bias_mode_on_one_line():
    shared = Value(0.0, name="b_1")
    assert repr(Neuron(2)) == "Neuron(2 -> sigmoid, with bias, name='N')"
    assert repr(Neuron(2, "relu", bias=False)) == "Neuron(2 -> relu, no bias, name='N')"
    assert repr(Neuron(2, "tanh", bias=shared, name="h1")) == "Neuron(2 -> tanh, shared bias b_1, name='h1')"
    assert repr(Layer(2, 3, "tanh")) == "Layer(2 -> 3 tanh, with bias)"
    assert repr(Layer(2, 3, "linear", bias=False)) == "Layer(2 -> 3 linear, no bias)"
    mixed = Layer.of([Neuron(2, name="a"), Neuron(2, "relu", bias=False, name="b")])
    assert repr(mixed) == "Layer(2 -> 2 relu/sigmoid, mixed biases)"
    two_shared = Layer.of([Neuron(1, bias=shared, name="a"), Neuron(1, bias=Value(0.0, name="c"), name="b")])
    assert repr(two_shared) == "Layer(1 -> 2 sigmoid, mixed biases)"
    assert repr(MLP(2, [3, 1], activations=["relu", "linear"], bias=False)) == "MLP(2 -> 3 relu -> 1 linear, no bias)"
    assert repr(reference.build("000").model) == "MLP(2 -> 3 sigmoid (shared bias b_1) -> 1 sigmoid (with bias))"
    for r in (repr(Neuron(2)), repr(Layer(2, 3)), repr(MLP(2, [3, 1]))):
        assert "\n" not in r and len(r) < 80


# --- the calls a type checker can follow ----------------------------------------------------


def test_output_is_the_value_a_single_output_network_returns() -> None:
    model = MLP(2, [3, 1], seed=0)
    one = model.output([0.5, -1.0])
    assert isinstance(one, Value)
    assert one.data == model([0.5, -1.0]).data  # type: ignore[union-attr]
    (only,) = model.outputs([0.5, -1.0])
    assert only.data == one.data


def test_outputs_is_always_a_list() -> None:
    model = MLP(2, [3, 2], seed=0)
    outs = model.outputs([0.5, -1.0])
    called = model([0.5, -1.0])
    assert isinstance(called, list)
    assert [v.data for v in outs] == [v.data for v in called]


def test_output_of_a_network_with_several_outputs_is_a_clear_error() -> None:
    model = MLP(2, [3, 2], seed=0)
    with pytest.raises(ValueError, match=r"MLP.output: this network has 2 outputs; use outputs\(x\)"):
        model.output([0.5, -1.0])
    with pytest.raises(ValueError, match="MLP: expected 2 inputs, got 1"):
        model.outputs([0.5])


# --- nn.clusters: a network's parts for drawing ---------------------------------------------------

def test_clusters_are_the_neurons_parts_of_the_graph() -> None:
    case = reference.build("000")
    loss = case.loss()
    clusters = neuron_clusters(case.model.neurons(), loss)
    assert clusters == case.model.clusters(loss)
    b1 = next(p for name, p in case.model.named_parameters() if name == "b_1")
    assert all(b1 not in members for members in clusters.values())  # shared by three neurons: in none
    assert len(clusters) == 4  # three hidden neurons and the output neuron


def test_neuron_members_recognise_only_the_neurons_own_output() -> None:
    n = Neuron(2, "tanh", name="n")
    x = [Value(0.5, name="x1"), Value(-1.0, name="x2")]
    a = n(x)
    members = neuron_members(n, a)
    assert members is not None and members[:2] == [a, a.parents[0]] and members[2:] == [*n.w, n.b]
    other = Neuron(2, "tanh", name="m")
    assert neuron_members(other, a) is None  # another neuron's weights
    assert neuron_members(n, a.parents[0]) is None  # its pre-activation is not its output
    linear = Neuron(2, "linear", name="l")
    z = linear(x)
    assert neuron_members(linear, z) == [z, *linear.w, linear.b]
