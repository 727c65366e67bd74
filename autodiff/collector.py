"""``gc_paused()``: Python's cyclic garbage collector off for one training step, then as it was."""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    """Within this block Python's cyclic garbage collector is off; afterwards it is on again if it was.

    Wrap one training step in it (forward, ``backward()``, update) when the step makes tens
    of thousands of nodes (a graph of binary operations: 10-40% faster in the benchmark; an
    ``nn.MLP``, with one ``dot`` node per neuron, gains about 10%). Why: every node is an
    object the collector tracks, so with the collector on Python keeps pausing to scan the
    whole graph, looking for reference cycles that are not there. The engine makes no cycles (a
    node refers only to its parents), so ordinary reference counting frees each graph as
    soon as it is dropped, with or without the collector.

    On leaving, even by an exception:

    * the objects made in the block are handed to the collector's oldest generation
      (``gc.freeze()`` then ``gc.unfreeze()``, two list splices) instead of being scanned as
      new objects at the next allocation, which would trace the whole graph once more;
      this is skipped if your program has frozen objects of its own (``gc.get_freeze_count()``);
    * the collector is switched back on only if it was on when the block was entered, so
      ``gc.isenabled()`` and the thresholds are the same before and after, and blocks nest.

    The one visible difference: a reference cycle that *your own* code creates inside the
    block is reclaimed at a later full collection rather than a young one. Like
    ``gc.disable`` this is one process-wide switch. It also works as a decorator.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            gc.freeze()
            gc.unfreeze()
        if was_enabled:
            gc.enable()
