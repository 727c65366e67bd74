"""gc_paused(): the collector is off inside, and the interpreter's settings are the same after."""

import gc

import pytest

from autodiff import Value, gc_paused


def _chain(n: int) -> Value:
    x = Value(0.5, name="x")
    y = x
    for _ in range(n):
        y = y * 1.0001 + 0.001
    return y


def test_settings_and_freeze_count_are_unchanged_after_the_block():
    thresholds, enabled = gc.get_threshold(), gc.isenabled()
    with gc_paused():
        assert not gc.isenabled()
        _chain(1000).backward()
    assert gc.get_threshold() == thresholds
    assert gc.isenabled() == enabled
    assert gc.get_freeze_count() == 0


def test_the_graph_made_inside_is_not_left_to_the_young_generation():
    # The nodes made in the block go to the oldest generation, so the next young collection
    # does not trace them again.
    with gc_paused():
        y = _chain(5000)
        y.backward()
    young_after = gc.get_count()[0]
    assert young_after < 700  # gen-0 threshold: no scan of the 10,000 new nodes is pending
    assert y.data > 0  # the graph is alive and intact
    assert all(node in gc.get_objects(generation=2) for node in (y, y.parents[0]))


def test_objects_the_program_froze_itself_stay_frozen():
    keep = [object() for _ in range(10)]  # noqa: F841  (kept alive while frozen)
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        with gc_paused():
            _chain(100).backward()
        assert gc.get_freeze_count() == frozen
    finally:
        gc.unfreeze()


def test_cycles_made_in_the_block_are_still_collected_later():
    class Node:
        pass

    with gc_paused():
        a, b = Node(), Node()
        a.other, b.other = b, a  # a reference cycle of the caller's own
        probe = id(a)
        del a, b
    gc.collect()
    assert all(id(obj) != probe for obj in gc.get_objects() if type(obj).__name__ == "Node")


def test_an_exception_inside_still_restores_the_collector():
    was = gc.isenabled()
    with pytest.raises(ZeroDivisionError):
        with gc_paused():
            Value(1.0) / 0
    assert gc.isenabled() == was
