"""The practice grader on the five documents' own mistakes: what it says about each.

Every wrong formula and wrong number that the reference documents write (docs/documents.md lists them),
graded on the document's own network by ``autodiff.practice.grade``: the catalogue ids, then
the first line of the diagnosis.

    python examples/practice_documents.py           # one line per mistake
    python examples/practice_documents.py --full    # with each whole diagnosis
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from autodiff.i18n import translate  # noqa: E402
from autodiff.practice import grade  # noqa: E402
from nn.reference import build  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests" / "practice"))
from test_documents import WRONG  # noqa: E402  (the table the tests check: one source)


def main(argv: list[str]) -> int:
    full = "--full" in argv
    losses = {seed: build(seed).loss() for seed in ("000", "001", "002", "003", "004")}
    for seed, node, answer, says, expected in WRONG:
        g = grade(losses[seed], node, answer)
        shown = answer if len(answer) <= 60 else answer[:57] + "..."
        print(f"{seed} ∂/∂{node}: {shown}")
        print("    " + translate("the slip: {note}", note=says))  # the test table's English note, quoted as it is
        print("    " + translate("grader:   {mistakes} — {diagnosis}", mistakes=", ".join(g.mistakes) or g.status,
                                 diagnosis=g.text().splitlines()[0]))
        if full:
            print("\n".join("        " + line for line in g.text().splitlines()[1:]))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
