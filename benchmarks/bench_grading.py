"""How long grading takes at its limits: the longest answers, and exercises on the lab's largest network.

Issue 22 bounds both: grading any answer the grader accepts (up to 2,000 characters) within
0.5 s, and the exercises on the largest network the lab accepts (6 inputs, 8-8-8-8 tanh, 2
samples, 477 nodes) within 2 s. This script prints the times; nothing here asserts them (the
tests run the same answers under a generous hang guard, tests/practice/test_limits.py).

    .venv/bin/python benchmarks/bench_grading.py            # every answer, three rounds
    .venv/bin/python benchmarks/bench_grading.py --tiny     # one round of a few answers

Run it on a quiet machine: the figures are wall-clock times of single calls (the best of the rounds).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Callable

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from autodiff import Value, check_formula  # noqa: E402
from autodiff.practice.grading import MAX_ANSWER_LENGTH, grade  # noqa: E402

LIMIT = MAX_ANSWER_LENGTH


def micrograd_graph() -> Value:
    """micrograd's lecture graph: a=2, b=−3, c=10, e=a·b, d=e+c, f=−2, L=d·f."""
    a, b, c, f = Value(2.0, name="a"), Value(-3.0, name="b"), Value(10.0, name="c"), Value(-2.0, name="f")
    e = a * b
    e.name = "e"
    d = e + c
    d.name = "d"
    loss = d * f
    loss.name = "L"
    return loss


def _repeat(unit: str, joiner: str, limit: int = LIMIT) -> str:
    """``unit joiner unit joiner …`` as long as it stays within ``limit`` characters."""
    count = (limit + len(joiner)) // (len(unit) + len(joiner))
    return joiner.join([unit] * count)


def long_answers() -> dict[str, str]:
    """Answers of (nearly) the longest length the grader reads, each a different kind of work, on
    micrograd's graph: long sums and products (the repairs try a slip at every place), products
    of sums (multiplied out by the diagnosis), nesting, functions, δ and numbers."""
    nested = "(" * 90 + "b*f" + ")" * 90
    return {
        "sum of 1000 names": _repeat("f", "+"),
        "sum of 500 products": _repeat("b*f", "+"),
        "alternating signs": _repeat("b*f-f", "+"),
        "product of 1000 names": _repeat("f", "*"),
        "product of sums": _repeat("(b+f)", "*"),
        "sum of quotients": _repeat("1/(b+f)", "+"),
        "nested parentheses, repeated": _repeat(nested, "+"),
        "functions": _repeat("exp(f)*sigmoid(b)", "+"),
        "deltas": _repeat("δ(e)*b", "+"),
        "powers": _repeat("f^2", "*"),
        "negations": _repeat("-(-(-b))*f", "+"),
        "a long number": "-" + "4" + "0" * (LIMIT - 2),
        "a long decimal": "-4." + "0" * (LIMIT - 3),
    }


def _best(run: Callable[[], object], rounds: int) -> float:
    best = float("inf")
    for _ in range(rounds):
        start = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - start)
    return best


def largest_lab_network(activation: str = "tanh") -> object:
    """The largest network the lab accepts: 6 inputs, 8-8-8-8 (tanh), 2 samples, mse (477 nodes)."""
    from autodiff.lab.networks import network_graph
    inputs = [[0.1 * (i + 1) for i in range(6)], [0.1 * (6 - i) for i in range(6)]]
    return network_graph({"inputs": inputs, "targets": [[1.0] * 8, [0.0] * 8], "sizes": [8, 8, 8, 8],
                          "activations": [activation] * 4, "loss": "mse"})


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tiny", action="store_true", help="one round of a few answers (a smoke run)")
    args = parser.parse_args(argv)
    rounds = 1 if args.tiny else 3
    root = micrograd_graph()
    answers = long_answers()
    if args.tiny:
        answers = dict(list(answers.items())[:3])
    print(f"1. Grading the longest answers (up to {LIMIT} characters), micrograd's graph, d L/d a; best of {rounds}")
    print(f"   {'answer':32} {'chars':>5} {'grade()':>9} {'check_formula()':>16}")
    worst = 0.0
    for title, answer in answers.items():
        graded = _best(lambda: grade(root, "a", answer, lang="en"), rounds)
        try:
            checked = f"{_best(lambda: check_formula(root, 'a', answer), rounds):15.3f}s"
        except ValueError:  # a number is not a formula to check_formula? it is; an unreadable one raises
            checked = f"{'(refused)':>16}"
        worst = max(worst, graded)
        print(f"   {title:32} {len(answer):5} {graded:8.3f}s {checked}")
    print(f"   slowest grade(): {worst:.3f} s (issue 22's bound: 0.5 s)")
    print()
    print(f"2. Exercises on the lab's largest network (6 inputs, 8-8-8-8 tanh, 2 samples); best of {rounds}")
    from autodiff.lab.practice import exercises_of
    from autodiff.practice.exercises import make_exercises
    graph = largest_lab_network()
    print(f"   nodes: {len(graph.order)}")  # type: ignore[attr-defined]
    params = [graph.order[k] for k in graph.params]  # type: ignore[attr-defined]
    for seed in ((0,) if args.tiny else (0, 1)):
        made = _best(lambda: make_exercises(graph.root, seed=seed, params=params), rounds)  # type: ignore[attr-defined]
        print(f"   seed {seed}: make_exercises {made:.3f} s (issue 22's bound: 2 s)")
    if not args.tiny:  # sigmoid units add the σ′ slips, re-run once per sigmoid and per group
        sig = largest_lab_network("sigmoid")
        sig_params = [sig.order[k] for k in sig.params]  # type: ignore[attr-defined]
        made = _best(lambda: make_exercises(sig.root, seed=0, params=sig_params), rounds)  # type: ignore[attr-defined]
        print(f"   the same with sigmoid units, seed 0: make_exercises {made:.3f} s")
    del exercises_of
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
