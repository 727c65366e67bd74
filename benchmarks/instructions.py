"""Instructions per training step, counted by callgrind: a figure a busy machine cannot move.

    .venv/bin/python benchmarks/instructions.py                       # this checkout
    .venv/bin/python benchmarks/instructions.py --root /path/to/other  # another checkout's engine, same workloads

Timings on a shared machine drift by tens of percent; the number of instructions CPython executes
for a step does not (with ``PYTHONHASHSEED=0``), so two versions of the engine are compared by it.
Each workload runs under ``valgrind --tool=callgrind`` twice, with ``STEPS`` steps and with none,
and the difference divided by ``STEPS`` is one step's cost without the start-up. The workloads are
``bench.py``'s: micrograd's demo step (MLP 2 -> 16 -> 16 -> 1 on 30 two-moons points) as ``nn.MLP``
and as the micrograd-style MLP (micrograd's own graph built from our ``Value``), with relu, and
``backward()`` alone on the sum of products of 10^5 nodes. Needs valgrind.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
STEPS = 3
WORKLOADS = ("nn.MLP step", "micrograd-style step", "backward(), tree of 1e5")


def run(workload: str, steps: int) -> None:
    """The workload itself (in the process callgrind counts)."""
    import autodiff  # noqa: F401  (the engine of sys.path[0], before bench.py puts this checkout first)
    import nn  # noqa: F401

    sys.path.insert(0, str(HERE))
    import bench

    if workload == "backward(), tree of 1e5":
        root, _ = bench.tree_sum_of_products(autodiff.Value, 10**5)
        for _ in range(steps):
            root.backward()
        return
    kind = "nn" if workload == "nn.MLP step" else "ours"
    X, y = bench.two_moons(30)
    model, V = bench.build_model(kind, "relu", bench.initial_weights([2, 16, 16, 1]))
    for k in range(steps):
        bench.demo_step(model, V, X, y, k)


def count(root: Path, workload: str, steps: int) -> int:
    env = dict(os.environ, PYTHONHASHSEED="0", PYTHONPATH=str(root))
    done = subprocess.run(
        ["valgrind", "--tool=callgrind", "--callgrind-out-file=/dev/null",
         sys.executable, __file__, "--run", workload, str(steps)],
        env=env, capture_output=True, text=True, check=True)
    found = re.search(r"Collected : (\d+)", done.stderr)
    if found is None:
        raise SystemExit(f"no instruction count from callgrind:\n{done.stderr}")
    return int(found.group(1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--root", type=Path, default=HERE.parent, help="the checkout whose engine is counted")
    parser.add_argument("--only", choices=WORKLOADS, action="append", help="count only this workload (repeatable)")
    parser.add_argument("--run", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.run:
        run(args.run[0], int(args.run[1]))
        return 0
    root = args.root.resolve()
    print(f"instructions per step (callgrind, PYTHONHASHSEED=0), engine of {root}")
    for workload in args.only or WORKLOADS:
        per_step = (count(root, workload, STEPS) - count(root, workload, 0)) / STEPS
        print(f"  {workload:26} {per_step / 1e6:8.2f} M", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
