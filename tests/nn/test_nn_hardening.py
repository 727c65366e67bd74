"""Issue 12's nn items (7, 8, 18-21) and issue 14's nn conveniences, each as a test that failed before."""

import json
import math
import os
import stat

import pytest

from autodiff import Value
from nn import MLP, Layer, Neuron, reference


# --- 7: two different parameters with one name are refused wherever a model is made ---------

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


# --- 18: save keeps the file's mode and writes through a symbolic link -----------------------

def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "m.json"
    path.write_text("old")
    os.chmod(path, 0o644)
    MLP(2, [1]).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o644
    os.chmod(path, 0o640)
    MLP(2, [1]).save(path)
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o640


def test_save_gives_a_new_file_the_usual_mode_from_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        MLP(2, [1]).save(tmp_path / "new.json")
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "new.json").st_mode) == 0o644


def test_save_through_a_symbolic_link_replaces_its_target_and_keeps_the_link(tmp_path):
    target = tmp_path / "real.json"
    target.write_text("old")
    link = tmp_path / "link.json"
    link.symlink_to(target)
    m = MLP(2, [1], seed=3)
    m.save(link)
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert json.loads(target.read_text())["parameters"] == m.state_dict()
    assert sorted(os.listdir(tmp_path)) == ["link.json", "real.json"]
    dangling = tmp_path / "dangling.json"
    dangling.symlink_to(tmp_path / "nowhere" / "x.json")
    with pytest.raises(OSError, match="which is not a file"):
        m.save(dangling)
    assert dangling.is_symlink()


# --- 19: load reads only a regular file of bounded size --------------------------------------

def test_load_refuses_a_device_instead_of_reading_forever():
    m = MLP(2, [1])
    before = m.state_dict()
    with pytest.raises(ValueError, match="load\\('/dev/zero'\\): not a regular file"):
        m.load("/dev/zero")
    assert m.state_dict() == before


def test_load_refuses_a_fifo_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(ValueError, match="not a regular file"):
        MLP(2, [1]).load(fifo)


def test_load_refuses_a_file_over_the_size_cap(tmp_path):
    m = MLP(2, [1])
    path = tmp_path / "m.json"
    m.save(path)
    size = path.stat().st_size
    with pytest.raises(ValueError, match=f"larger than {size - 1} bytes"):
        m.load(path, max_bytes=size - 1)
    m.load(path, max_bytes=size)  # exactly at the cap is fine
    with pytest.raises(ValueError, match="max_bytes must be a positive int"):
        m.load(path, max_bytes=0)


# --- 20: numbers no float holds, deep nesting: clear errors naming file and parameter --------

def _file_with(tmp_path, m, raw_value):
    text = json.dumps({"parameters": m.state_dict()}).replace('"L1.N1.b": 0.0', f'"L1.N1.b": {raw_value}')
    assert raw_value in text
    path = tmp_path / "bad.json"
    path.write_text(text)
    return path


@pytest.mark.parametrize("raw, message", [
    ("1e999", "'L1.N1.b': the number 1e999... \\(5 characters\\) is too large for a float"),
    ("9" * 5000, "'L1.N1.b': the number 99999999999999999999... \\(5000 characters\\) is too large for a float"),
    ("-" + "9" * 400, "'L1.N1.b': the number -9999999999999999999... \\(401 characters\\) is too large"),
])
def test_load_of_a_number_too_large_for_a_float_names_file_and_parameter(tmp_path, raw, message):
    m = MLP(2, [1])
    before = m.state_dict()
    with pytest.raises(ValueError, match=message) as error:
        m.load(_file_with(tmp_path, m, raw))
    assert "bad.json" in str(error.value)
    assert m.state_dict() == before


def test_a_long_but_representable_integer_loads(tmp_path):
    m = MLP(2, [1])
    m.load(_file_with(tmp_path, m, "1" + "0" * 300))
    assert m.state_dict()["L1.N1.b"] == 1e300


def test_load_of_deeply_nested_json_is_a_clear_error(tmp_path):
    m = MLP(2, [1])
    before = m.state_dict()
    path = tmp_path / "deep.json"
    path.write_text('{"parameters": ' + "[" * 100_000 + "]" * 100_000 + "}")
    with pytest.raises(ValueError, match="deep.json'\\): the JSON is nested too deeply"):
        m.load(path)
    assert m.state_dict() == before


def test_a_nested_value_is_reported_briefly(tmp_path):
    m = MLP(2, [1])
    path = _file_with(tmp_path, m, "[" * 500 + "]" * 500)
    with pytest.raises(ValueError, match="'L1.N1.b' must be a real number, got list \\[\\[") as error:
        m.load(path)
    assert len(str(error.value)) < 400


def test_load_state_dict_with_a_huge_int_is_a_clear_error():
    m = MLP(2, [1])
    state = m.state_dict()
    state["L1.N1.w2"] = 10**400
    with pytest.raises(ValueError, match="'L1.N1.w2': 1000000000.* is too large for a float"):
        m.load_state_dict(state)


def test_many_duplicate_names_in_a_file_are_reported_without_quadratic_work(tmp_path):
    body = ", ".join(f'"k{i}": 0' for i in range(200_000)) + ', "k7": 1'
    path = tmp_path / "dup.json"
    path.write_text('{"parameters": {' + body + "}}")
    with pytest.raises(ValueError, match="the name\\(s\\) 'k7' appear more than once"):
        MLP(2, [1]).load(path)


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
