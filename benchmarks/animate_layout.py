"""Benchmark: animate() on a 2-16-16-1 nn.MLP (tanh, tanh, linear), one sample, squared error.

Issue 15's targets for the one-layout animation: the page written in under 10 s, under 5 MB
(the old one-SVG-per-step page took 113 s and 98 MB on this graph). A measurement, not a
test: run it by hand on a quiet machine.

    .venv/bin/python benchmarks/animate_layout.py [output directory]
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from autodiff import Value, topological_order  # noqa: E402
from autodiff.animation import animate, frames  # noqa: E402
from nn import MLP, mse_loss  # noqa: E402

TARGET_SECONDS = 10.0
TARGET_BYTES = 5_000_000


def graph() -> tuple[Value, MLP]:
    model = MLP(2, [16, 16, 1], activations=["tanh", "tanh", "linear"], seed=0)
    x = [Value(0.5, name="x1"), Value(-1.0, name="x2")]
    loss = mse_loss(model(x), Value(1.0, name="t"))
    loss.name = "loss"
    return loss, model


def main(out: Path) -> bool:
    loss, model = graph()
    nodes = topological_order(loss)
    edges = sum(len(n.parents) for n in nodes)
    steps = len(frames(loss))
    start = time.perf_counter()
    page = animate(loss, out / "animation_mlp_2_16_16_1.html", model=model)
    seconds = time.perf_counter() - start
    size = page.stat().st_size
    ok = seconds < TARGET_SECONDS and size < TARGET_BYTES
    print(f"graph: {len(nodes)} nodes, {edges} edges, {steps} steps")
    print(f"page written in {seconds:.2f} s (target < {TARGET_SECONDS:.0f} s), "
          f"{size / 1e6:.2f} MB (target < {TARGET_BYTES / 1e6:.0f} MB): {'OK' if ok else 'MISSED'}")
    print(f"-> {page}")
    return ok


if __name__ == "__main__":
    if len(sys.argv) > 1:
        sys.exit(0 if main(Path(sys.argv[1])) else 1)
    with tempfile.TemporaryDirectory() as tmp:
        sys.exit(0 if main(Path(tmp)) else 1)
