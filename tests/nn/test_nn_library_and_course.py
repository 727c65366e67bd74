"""nn is the library and nn.course the course built on it: models, files and drawing clusters each in
their own module, the course importing nn and never the other way round."""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import nn
from autodiff import Value
from nn import MLP, Neuron, reference
from nn.clusters import neuron_clusters, neuron_members
from nn.saving import checked_state

ROOT = Path(__file__).resolve().parents[2]


def test_importing_nn_never_imports_the_course() -> None:
    code = ("import sys, nn; from nn import MLP, SGD, mse_loss, reference; reference.build('000').loss(); "
            "print(sorted(m for m in sys.modules if m == 'nn.course' or m.startswith('nn.course.')))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
    for name in nn.__all__:  # every public name is there
        assert getattr(nn, name) is not None


def test_the_library_modules_never_name_the_course() -> None:
    for path in (ROOT / "nn").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "nn.course" not in text and "from .course" not in text and "from . import course" not in text, path


def test_the_course_reaches_the_library_through_its_public_names() -> None:
    for path in (ROOT / "nn" / "course").glob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "from .." not in text, path  # `from nn import ...`, as a learner's own code would
    from nn.course import demo, documents, report, toy

    assert callable(demo.run) and callable(toy.fit) and documents.DOCUMENTS and report.TOLERANCE == 1e-12


# --- saving: checked_state on its own -----------------------------------------------------------

def test_checked_state_lists_every_problem_at_once() -> None:
    params = {"w": Value(0.0), "b": Value(0.0), "v": Value(0.0)}
    with pytest.raises(ValueError) as caught:
        checked_state(params, {"w": "x", "b": math.inf, "extra": 1.0}, "here")
    message = str(caught.value)
    assert message.startswith("here: unknown parameter name(s) 'extra'; missing parameter(s) 'v'; ")
    assert "'w' must be a real number, got str 'x'" in message and "'b' must be finite, got inf" in message
    assert message.endswith("(expected 3 parameters; model left unchanged)")
    with pytest.raises(TypeError, match="here: expected a mapping"):
        checked_state(params, [("w", 1.0)], "here")
    assert all(p.data == 0.0 for p in params.values())  # it only reads


@settings(max_examples=30, deadline=None)
@given(sizes=st.lists(st.integers(1, 4), min_size=1, max_size=3), nin=st.integers(1, 3),
       values=st.lists(st.floats(allow_nan=False, allow_infinity=False, width=64), min_size=1))
def test_save_and_load_give_back_every_number_exactly(tmp_path_factory, sizes, nin, values) -> None:
    model = MLP(nin, sizes, seed=1)
    params = model.parameters()
    for k, p in enumerate(params):
        p.data = values[k % len(values)]
    path = tmp_path_factory.mktemp("saving") / "model.json"
    model.save(path)
    other = MLP(nin, sizes, seed=2)
    other.load(path)
    assert [p.data for p in other.parameters()] == [p.data for p in params]  # bit for bit
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["model"] == repr(model) and list(saved["parameters"]) == [n for n, _ in model.named_parameters()]
    assert checked_state(dict(model.named_parameters()), saved["parameters"], "t") == model.state_dict()


# --- clusters: a network's parts for drawing -------------------------------------------------------

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
