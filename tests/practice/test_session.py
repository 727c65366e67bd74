"""The terminal session driven through its standard input: a right answer, a wrong one with
its diagnosis, an unreadable one with a clear message, and the end of input."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from autodiff.practice.cli import main
from autodiff.practice.exercises import from_case, from_seed
from autodiff.practice.session import run_session

ROOT = Path(__file__).resolve().parents[2]


def right_and_sigma_slip(es):
    """The right answer to question 1, and a σ-for-σ′ answer to the first local-derivative question."""
    es.root.backward()
    (_, first), *rest = es.questions()
    right = f"{first.node.grad:.6g}" if first.exercise.kind in ("gradient", "fill") else None
    local = next(q for _, q in rest if q.exercise.kind == "local")
    upper, lower = local.exercise.nodes
    assert upper.op is not None and upper.op.name == "sigmoid" and upper.parents[0] is lower
    return right, f"{upper.data:.6g}", upper.name, lower.name


def test_the_session_through_stdin_of_the_command_line():
    es = from_case("000")
    right, slip, upper, lower = right_and_sigma_slip(es)
    stdin = f"{right}\n{slip}\nhello world\n"  # then the input ends
    done = subprocess.run([sys.executable, "-m", "autodiff.practice", "--case", "000"], input=stdin, text=True,
                          capture_output=True, cwd=ROOT, timeout=300)
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert "Right:" in out
    assert f"You wrote σ({lower}) for its derivative σ′({lower}) at {upper}." in out
    assert "I cannot read 'hello world' as a number or a formula" in out
    assert "Unreadable answers do not count" in out
    assert "End of input" in out
    assert out.rstrip().endswith("Final score: 1 right out of 2 answered (5 questions).")
    assert done.stderr == ""


def test_the_session_on_streams_with_a_seed_and_q_to_stop():
    es = from_seed(7)
    es.root.backward()
    (_, first), (_, second), *_ = es.questions()
    out = io.StringIO()
    score = run_session(es, io.StringIO(f"{first.node.grad:.5g}\n{-second.expected:.5g}\nq\n"), out)
    text = out.getvalue()
    assert (score.right, score.asked, score.finished) == (1, 2, False)
    assert "The sign is flipped" in text
    assert "Stopped." in text and "Final score: 1 right out of 2 answered" in text


def test_the_whole_session_to_the_end_counts_every_answer():
    es = from_seed(7)
    es.root.backward()
    answers = []
    for _, q in es.questions():
        answers.append(f"{q.expected:.8g}")
    out = io.StringIO()
    score = run_session(es, io.StringIO("\n".join(answers) + "\n"), out)
    assert (score.right, score.asked, score.total, score.finished) == (len(answers), len(answers), len(answers), True)
    assert out.getvalue().rstrip().endswith(f"Final score: {len(answers)} right out of {len(answers)} answered "
                                            f"({len(answers)} questions).")


def test_main_on_streams_and_a_worksheet_file(tmp_path):
    out = io.StringIO()
    assert main(["--seed", "7"], io.StringIO(""), out) == 0
    assert "End of input" in out.getvalue() and "Final score: 0 right out of 0 answered" in out.getvalue()
    path = tmp_path / "sheet.md"
    assert main(["--seed", "7", "--worksheet", str(path)], io.StringIO(""), io.StringIO()) == 0
    assert path.read_text(encoding="utf-8").startswith("# Backpropagation practice: random network, seed 7")


def test_bad_arguments_are_refused_with_a_message(capsys):
    for argv in (["--kinds", "gradient,nonsense"], ["--count", "0"], ["--case", "009"]):
        try:
            main(argv, io.StringIO(""), io.StringIO())
        except SystemExit as stop:
            assert stop.code == 2
        else:
            raise AssertionError(f"{argv} was accepted")
    err = capsys.readouterr().err
    assert "nonsense" in err and "--count" in err and "009" in err
