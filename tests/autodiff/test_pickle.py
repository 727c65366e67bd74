"""Values, graphs and models pickle and copy, with no recursion and no order taken from the saving process."""

from __future__ import annotations

import copy
import multiprocessing
import pickle
import subprocess
import sys
from pathlib import Path

from autodiff import Value, copy_graph, dot, explain, grad, topological_order
from autodiff.render import draw

from nn import MLP, mse_loss


def _graph() -> tuple[Value, Value, Value]:
    w, x = Value(0.5, name="w"), Value(2.0, name="x")
    z = dot([w, w], [x, 1.5], 0.25)
    z.name = "z"
    y = (z.tanh() * w) ** 2 + (2 ** w).log()
    y.name = "y"
    return y, w, x


def test_a_graph_round_trips_with_its_values_names_operations_and_gradients():
    y, w, x = _graph()
    y.backward()
    y2, w2 = pickle.loads(pickle.dumps((y, w)))
    assert _same_structure(y, y2)
    assert w2 in topological_order(y2)  # the leaf pickled beside the root is the same object as the one inside
    w2.grad = 0.0
    y2.backward()
    assert w2.grad == w.grad
    assert grad(y2, w2, create_graph=True).data == grad(y, w, create_graph=True).data


def _same_structure(a: Value, b: Value) -> bool:
    """Both graphs have the same nodes (data, grad, name, operation) joined the same way (walked without recursion)."""
    pairs, seen = [(a, b)], set()
    while pairs:
        x, y = pairs.pop()
        if (x, y) in seen:
            continue
        seen.add((x, y))
        if (x.data, x.grad, x.name, x.op, x.local_grads) != (y.data, y.grad, y.name, y.op, y.local_grads):
            return False
        if len(x.parents) != len(y.parents):
            return False
        pairs.extend(zip(x.parents, y.parents))
    return True


def test_copy_graph_copies_every_node_in_the_same_order():
    y, w, x = _graph()
    y.backward()
    copy_y, copies = copy_graph(y)
    assert _same_structure(y, copy_y)
    assert [copies[n] for n in topological_order(y)] == topological_order(copy_y)
    assert draw(copy_y).source == draw(y).source
    copies[w].data = 9.0
    assert w.data == 0.5  # the original is untouched


def test_deepcopy_of_a_deep_chain_does_not_recurse():
    node = Value(1.0, name="x0")
    for _ in range(100_000):
        node = node * 1.0000001 + 0.5
    copied = copy.deepcopy(node)
    assert copied.data == node.data and copied is not node
    assert len(topological_order(copied)) == len(topological_order(node))


def test_a_model_pickles_and_predicts_the_same(tmp_path: Path):
    model = MLP(2, [3, 1], seed=4)
    clone = pickle.loads(pickle.dumps(model))
    assert [p.data for p in clone.parameters()] == [p.data for p in model.parameters()]
    assert clone([0.3, -0.2]).data == model([0.3, -0.2]).data
    loss = mse_loss([clone([0.3, -0.2])], [1.0])
    loss.backward()
    assert all(p.grad != 0.0 for p in clone.parameters()[:2])


def _loss_in_a_child(model: MLP) -> float:
    return model([0.1, 0.9]).data


def test_a_model_crosses_a_process_boundary_with_multiprocessing():
    model = MLP(2, [2, 1], seed=1)
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(_loss_in_a_child, (model,)) == model([0.1, 0.9]).data


def test_a_leaf_pickled_in_another_process_takes_its_place_after_its_parents(tmp_path: Path):
    """The saving process made many nodes first, so its creation numbers were large; here they must not count."""
    saved = tmp_path / "w.pickle"
    code = (
        "import pickle, sys; from autodiff import Value\n"
        "junk = [Value(0.0) for _ in range(50000)]\n"
        "pickle.dump(Value(0.7, name='w'), open(sys.argv[1], 'wb'))\n"
    )
    subprocess.run([sys.executable, "-c", code, str(saved)], check=True)
    w = pickle.loads(saved.read_bytes())
    y = (w * 2.0).sigmoid()
    y.name = "y"
    order = topological_order(y)
    assert order.index(y) < order.index(w)
    y.backward()
    assert explain(y, w).value == w.grad != 0.0
