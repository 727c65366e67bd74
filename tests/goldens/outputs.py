"""The outputs kept byte-identical as test data (tests/test_goldens.py), and the command that records them.

What is recorded, one file each under tests/goldens/data/:
- ``demo_en.txt``, ``demo_ko.txt``: the demo's standard output (``python -m autodiff --lang L demo``), with the
  output folder written as ``OUT`` (and the '#' rules around its headings at one length);
- ``explain_<seed>.txt``: ``explain(...).text()`` in both forms for every parameter of the five documents;
- ``check_<seed>.txt``: ``check_formula``'s verdict on every formula the document writes (as written), and on
  each parameter's own chain-rule formula as ``explain`` prints it (the sum of its paths);
- ``cli_readme.txt``: what the README's command-line examples print (``draw`` as DOT text);
- ``dot_<seed>.txt``: the DOT text of the five drawings as the demo draws them.

A change that alters one of them on purpose records them again in the same commit and says why in
its message::

    .venv/bin/python -m tests.goldens.outputs          # rewrite every golden from the code as it is
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[2]
DATA = Path(__file__).resolve().parent / "data"
SEEDS = ("000", "001", "002", "003", "004")

# The README's command-line examples (the section "The command line"); `draw` writes DOT to standard output.
README_COMMANDS: tuple[tuple[str, ...], ...] = (
    ("explain", "tanh(x1*w1 + x2*w2 + b)", "--values", "x1=2,w1=-3,x2=0,w2=1,b=6.8813735870195432", "--wrt", "w1"),
    ("check", "x*w + b", "--values", "x=2,w=-3,b=1", "--wrt", "w", "--formula", "x"),
    ("draw", "tanh(x1*w1 + x2*w2 + b)", "--values", "x1=2,w1=-3,x2=0,w2=1,b=6.8813735870195432", "-o", "{out}/n.dot"),
)


def run_autodiff(*args: str, cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    """``python -m autodiff ARGS`` in a subprocess, English unless ``--lang`` says otherwise."""
    env = {**os.environ, "AUTODIFF_LANG": "en", "COLUMNS": "100"}
    return subprocess.run([sys.executable, "-m", "autodiff", *args], capture_output=True, text=True, cwd=cwd,
                          env=env, timeout=timeout)


def demo_text(stdout: str, out: Path) -> str:
    """The demo's standard output with its output folder written as OUT (the only part that changes; the '#' rules
    around a heading follow the heading's length, so they are cut to one length too)."""
    lines = stdout.replace(str(out), "OUT").split("\n")
    return "\n".join("#" * 8 if line and set(line) == {"#"} else line for line in lines)


def explain_text(seed: str) -> str:
    from autodiff import explain
    from nn import reference

    case = reference.build(seed)
    loss = case.loss()
    parts = []
    for name, _ in case.model.named_parameters():
        for form in ("paths", "delta"):
            parts.append(f"### {name} ({form})\n{explain(loss, name, form=form).text()}\n")
    return "\n".join(parts)


def check_text(seed: str) -> str:
    from autodiff import check_formula, explain
    from autodiff.formula import FormulaError
    from nn import reference
    from nn.course.documents import DOCUMENTS, check_document_formula

    case = reference.build(seed)
    loss = case.loss()
    parts = []
    for doc in DOCUMENTS.get(seed, []):
        text, agrees = check_document_formula(loss, doc)
        parts.append(f"### document: d/d{doc.target}: {doc.formula}\n{text}\nexpected verdict: {agrees}\n")
    for name, _ in case.model.named_parameters():
        paths = explain(loss, name).paths or ()
        formula = " + ".join(f"({p.symbolic()})" for p in paths) or "0"
        try:
            verdict = check_formula(loss, name, formula).text()
        except FormulaError as error:
            verdict = f"FormulaError: {error}"
        parts.append(f"### own formula: d/d{name}: {formula}\n{verdict}\n")
    return "\n".join(parts)


def dot_text(seed: str) -> str:
    from autodiff import draw
    from nn import reference

    case = reference.build(seed)
    loss = case.loss()
    loss.backward()
    graph = draw(loss, model=case.model, edge_symbols=True)
    graph.attr(label=case.title, labelloc="t", fontsize="14")
    return str(graph.source)


def cli_text(folder: Path) -> str:
    parts = []
    for command in README_COMMANDS:
        args = [a.replace("{out}", str(folder)) for a in command]
        done = run_autodiff(*args, cwd=folder)
        shown = " ".join(command)
        printed = (done.stdout + done.stderr).replace(str(folder), "OUT")
        parts.append(f"$ autodiff {shown}\n[exit {done.returncode}]\n{printed}")
        if command[0] == "draw":
            parts.append((folder / "n.dot").read_text(encoding="utf-8"))
    return "\n".join(parts)


def computed() -> dict[str, Callable[[], str]]:
    """Every golden that is computed in-process: file name → how to compute it."""
    table: dict[str, Callable[[], str]] = {}
    for seed in SEEDS:
        table[f"explain_{seed}.txt"] = lambda seed=seed: explain_text(seed)
        table[f"check_{seed}.txt"] = lambda seed=seed: check_text(seed)
        table[f"dot_{seed}.txt"] = lambda seed=seed: dot_text(seed)
    return table


def main() -> int:
    import tempfile

    DATA.mkdir(exist_ok=True)
    for name, make in computed().items():
        (DATA / name).write_text(make(), encoding="utf-8")
    with tempfile.TemporaryDirectory() as folder:
        (DATA / "cli_readme.txt").write_text(cli_text(Path(folder)), encoding="utf-8")
        for lang in ("en", "ko"):
            out = Path(folder) / f"demo_{lang}"
            done = run_autodiff("--lang", lang, "demo", "--out", str(out), cwd=Path(folder))
            if done.returncode != 0:
                raise SystemExit(done.stderr)
            (DATA / f"demo_{lang}.txt").write_text(demo_text(done.stdout, out), encoding="utf-8")
    print(f"recorded {len(list(DATA.iterdir()))} goldens in {DATA.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
