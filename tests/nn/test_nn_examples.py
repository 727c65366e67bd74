"""The examples run, and every verdict they print is the expected one."""

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
sys.path.insert(0, str(EXAMPLES))

# The only disagreements the examples may print: the document's own mistakes and roundings.
EXPECTED_CROSSES = {
    "seed_000_shared_bias": ["④ as written", "④ h1 path only"],
    "seed_001_three_samples": ["w3_11 |", "w3_21 |", "w3_11 |", "w3_21 |"],
    "seed_002_mazur": [],
    "seed_003_no_bias": [],
    "seed_004_textbook": [],
}


@pytest.mark.parametrize("name", sorted(EXPECTED_CROSSES))
def test_each_document_example_prints_only_the_expected_disagreements(name, capsys):
    module = importlib.import_module(name)
    if name == "seed_002_mazur":
        module.main(steps=100)
    else:
        module.main()
    out = capsys.readouterr().out
    crosses = [line for line in out.splitlines() if "✗" in line]
    assert len(crosses) == len(EXPECTED_CROSSES[name])
    for line, start in zip(crosses, EXPECTED_CROSSES[name]):
        assert line.startswith(start), line
    assert out.count("✓") >= 6
    assert "formula ✗" not in out and "golden ✗" not in out


def test_001_explains_the_documents_mistakes(capsys):
    importlib.import_module("seed_001_three_samples").main()
    out = capsys.readouterr().out
    assert "-0.13 is right" in out and "0.28" in out and "2.4293" in out and "6.975" in out


def test_002_training_lowers_the_loss():
    history = importlib.import_module("seed_002_mazur").train(steps=200, report_at=(0, 200))
    assert [s for s, _ in history] == [0, 200]
    assert history[1][1] < history[0][1] / 10


def test_train_toy_reaches_full_accuracy_on_xor(capsys):
    assert importlib.import_module("train_toy").train("xor") == 1.0
    assert "final accuracy on xor: 100.0%" in capsys.readouterr().out
    with pytest.raises(ValueError, match="unknown problem 'spiral'"):
        importlib.import_module("train_toy").train("spiral")


def test_the_main_demo_runs_end_to_end(demo_run):
    # The README's main command (the session's one run of the demo, tests/conftest.py): every part runs, the
    # documents' formulas are judged as expected, the toy problems are learned, the pictures and pages are written.
    run = demo_run("en")
    assert run.returncode == 0, run.stderr
    out = run.stdout
    from nn.course.demo import parts

    titles = parts(run.out, shown=str(run.out))
    for n, (title, _) in enumerate(titles, start=1):
        assert f"## {n}/{len(titles)}  {title} ##" in out
    assert out.count("The checker's verdict is the expected one on each of the") == 2
    assert "final accuracy on xor: 100.0%" in out and "final accuracy on moons: 100.0%" in out
    for name in ("graph_000.svg", "graph_004.png", "graph_000_b_1_paths.svg", "animation_000.html", "animation_004.html"):
        assert (run.out / name).stat().st_size > 1000


def test_an_example_runs_as_a_script_from_another_folder(tmp_path):
    result = subprocess.run([sys.executable, str(EXAMPLES / "seed_004_textbook.py")],
                            cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "E = 0.01810390383656677" in result.stdout


def test_train_3class_lowers_the_cross_entropy_and_learns_the_classes(capsys):
    history = importlib.import_module("train_3class").train(epochs=40, report_every=10)
    assert [epoch for epoch, _, _ in history] == [1, 10, 20, 30, 40]
    losses = [loss for _, loss, _ in history]
    assert all(a > b for a, b in zip(losses, losses[1:])) and losses[-1] < losses[0] / 4
    assert history[0][2] < 0.6 and history[-1][2] >= 0.9
    out = capsys.readouterr().out
    assert "MLP(2 -> 16 tanh -> 3 linear, with bias)" in out and out.count("cross-entropy") == 5
    assert f"final accuracy: {history[-1][2]:.1%}" in out
