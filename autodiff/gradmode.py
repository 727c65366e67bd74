"""Whether operations are recorded: ``no_grad`` and ``enable_grad``, per thread and per async task.

Recording is on, except inside ``with no_grad():`` in the same thread or task (an
``enable_grad()`` block inside turns it on again). The state is a ``ContextVar``, as PyTorch's
grad mode is thread-local. Reading it costs a little on every operation, so the operators
read it only while some block is open anywhere: ``open_blocks[0]`` counts them, in all threads.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Iterator

recording_off: ContextVar[bool] = ContextVar("autodiff_recording_off", default=False)
open_blocks = [0]  # no_grad / enable_grad blocks open in all threads (a list, so the operators can hold it)
_blocks_lock = threading.Lock()


def is_recording() -> bool:
    """False inside ``no_grad()`` (in this thread or task), unless an ``enable_grad()`` is nested in it."""
    return not (open_blocks[0] and recording_off.get())


@contextmanager
def _recording(on: bool) -> Iterator[None]:
    """Recording on or off for this thread or task until the block ends."""
    with _blocks_lock:
        open_blocks[0] += 1
    token = recording_off.set(not on)
    try:
        yield
    finally:
        recording_off.reset(token)
        with _blocks_lock:
            open_blocks[0] -= 1


@contextmanager
def no_grad() -> Iterator[None]:
    """Within this block operations are computed but not recorded (results are leaves).

    Use it for parameter updates and evaluation. Like PyTorch's, it holds for the thread (and
    the async task) that entered it: other threads keep recording. Works as a decorator too.
    """
    with _recording(False):
        yield


@contextmanager
def enable_grad() -> Iterator[None]:
    """Record again inside a ``no_grad()`` block (``grad(create_graph=True)`` and ``gradcheck`` use it)."""
    with _recording(True):
        yield
