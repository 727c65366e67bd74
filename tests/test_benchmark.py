"""The benchmark cannot rot: its tiny mode runs, the engines agree, and the table is printed.

Nothing here times anything; the figures of a tiny run mean nothing and are not checked.
"""

import gc
import subprocess
import sys
from pathlib import Path

import pytest

try:
    import micrograd  # noqa: F401  (the baseline the benchmark runs)
except ImportError as missing:  # fail, never skip: a skipped test checks nothing in CI
    raise ImportError("the benchmark test needs micrograd: run `bash .ci/setup --tests`, "
                      "or pip install -e '.[bench]'") from missing

from autodiff import gc_paused  # noqa: E402

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench.py"


def test_tiny_benchmark_runs_and_the_engines_agree():
    done = subprocess.run([sys.executable, str(BENCH), "--tiny"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    out = done.stdout
    # the agreement check ran for both activations and both of our models, before any timing
    for activation in ("relu", "sigmoid"):
        for kind in ("ours", "nn"):
            assert f"{activation:7} {kind:5} vs micrograd over 10 steps" in out
    assert out.index("vs micrograd over 10 steps") < out.index("1. Training step")
    for row in ("train step, relu, nn.MLP, in gc_paused()", "train step, sigmoid, micrograd-style MLP",
                "backward(), chain", "backward(), sum of products (tree)", "memory per node",
                "memory per train step, nn.MLP",
                "deepest chain backward() handles"):
        assert row in out, row
    assert "fails (RecursionError)" in out  # micrograd's recursive sort, on the chain


def test_micrograd_sigmoid_matches_ours():
    sys.path.insert(0, str(BENCH.parent))
    from micrograd.engine import Value as MgValue
    from micrograd_sigmoid import sigmoid

    from autodiff import Value

    for x in (-30.0, -2.5, 0.0, 0.7, 40.0):
        mx, ox = MgValue(x), Value(x)
        ms, os_ = sigmoid(mx * 2.0), (ox * 2.0).sigmoid()
        ms.backward()
        os_.backward()
        assert ms.data == os_.data and mx.grad == ox.grad


def test_gc_paused_restores_the_collector_exactly():
    was = gc.isenabled()
    try:
        gc.enable()
        with gc_paused():
            assert not gc.isenabled()
            with gc_paused():  # nesting
                assert not gc.isenabled()
            assert not gc.isenabled()
        assert gc.isenabled()
        with pytest.raises(KeyError):
            with gc_paused():
                raise KeyError("inside")
        assert gc.isenabled()
        gc.disable()  # a program that keeps the collector off keeps it off
        with gc_paused():
            pass
        assert not gc.isenabled()

        @gc_paused()
        def step():
            return gc.isenabled()

        gc.enable()
        assert step() is False and gc.isenabled()
    finally:
        (gc.enable if was else gc.disable)()
