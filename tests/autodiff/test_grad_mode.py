"""Recording on and off: what ``no_grad`` records (nothing) and restores, nesting, per thread and per async task;
``enable_grad`` inside it."""

from __future__ import annotations

import asyncio
import threading

import pytest

from autodiff import Value, enable_grad, grad, gradcheck, is_recording, no_grad


def _records() -> bool:
    y = Value(2.0) * Value(3.0)
    return not y.is_leaf


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    """A enters, B enters, A leaves, B leaves: afterwards every thread records again."""
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen: dict[str, bool] = {}

    def thread_a() -> None:
        with no_grad():
            a_in.set()
            b_in.wait(10)
            seen["a inside"] = _records()
        a_out.set()

    def thread_b() -> None:
        a_in.wait(10)
        with no_grad():
            b_in.set()
            a_out.wait(10)
            seen["b inside after a left"] = _records()

    threads = [threading.Thread(target=thread_a), threading.Thread(target=thread_b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(10)
    assert seen == {"a inside": False, "b inside after a left": False}
    assert is_recording() and _records()
    w = Value(0.5, name="w")
    (w * 3.0).backward()
    assert w.grad == 3.0


def test_a_thread_inside_no_grad_does_not_stop_another_thread_recording():
    inside, done = threading.Event(), threading.Event()

    def evaluator() -> None:
        with no_grad():
            inside.set()
            done.wait(10)

    t = threading.Thread(target=evaluator)
    t.start()
    assert inside.wait(10)
    try:
        w = Value(2.0)
        loss = (w * w).tanh()
        loss.backward()
        assert not loss.is_leaf and w.grad != 0.0
        assert is_recording()
    finally:
        done.set()
        t.join(10)


def test_no_grad_holds_per_async_task():
    async def evaluate(started: asyncio.Event, release: asyncio.Event) -> bool:
        with no_grad():
            started.set()
            await release.wait()
            return _records()

    async def train(started: asyncio.Event, release: asyncio.Event) -> bool:
        await started.wait()
        recorded = _records()
        release.set()
        return recorded

    async def main() -> tuple[bool, bool]:
        started, release = asyncio.Event(), asyncio.Event()
        return tuple(await asyncio.gather(evaluate(started, release), train(started, release)))  # type: ignore[return-value]

    assert asyncio.run(main()) == (False, True)


def test_no_grad_nests_and_works_as_a_decorator():
    @no_grad()
    def evaluate() -> bool:
        return _records()

    with no_grad():
        with no_grad():
            assert not _records()
        assert not _records()
        with enable_grad():
            assert _records() and is_recording()
        assert not is_recording()
    assert _records() and evaluate() is False and _records()


def test_gradcheck_inside_no_grad_checks_the_real_gradients():
    with no_grad():
        assert gradcheck(lambda x: x * x * x, [1.0]) is True
        x = Value(2.0)
    assert x.is_leaf


def test_second_order_grad_inside_no_grad_keeps_its_graph():
    x = Value(3.0)
    y = x * x * x
    with no_grad():
        (dy,) = grad(y, [x], create_graph=True)
        assert not dy.is_leaf
        assert dy.data == 27.0 and grad(dy, x) == 18.0


def test_no_grad_records_nothing_but_computes_values():
    x = Value(2.0)
    assert is_recording()
    with no_grad():
        assert not is_recording()
        y = (x * x + 1).exp().log() / 5
        z = 2**x - x**Value(1.0)
    assert is_recording()
    assert y.data == pytest.approx(1.0, rel=1e-15) and z.data == 2.0
    for node in (y, z):
        assert node.is_leaf and node.op is None and node.parents == () and node.local_grads == ()
    y.backward()
    assert x.grad == 0.0 and y.grad == 1.0
    w = x * 3  # recording again
    assert w.parents[0] is x


def test_no_grad_is_restored_after_an_exception():
    x = Value(-1.0)
    with pytest.raises(ValueError):
        with no_grad():
            x.log()
    assert is_recording()
    assert (x * x).parents == (x, x)


def test_no_grad_nests():
    x = Value(1.0)
    with no_grad():
        with no_grad():
            assert not is_recording()
        assert not is_recording()  # the inner block must not switch recording back on
        assert (x + 1).is_leaf
    assert is_recording() and not (x + 1).is_leaf
