"""Every gradient of the five reference documents, derived, next to the document's own formula.

For each document (000..004) and each parameter this prints the derivation of
d(loss)/d(parameter) (every path when there are at most 4, else the factored delta form), the
formula the document writes for it (as written in the notes), and the checker's verdict on that
formula. Every formula mistake the documents make (docs/documents.md lists them) is caught here. A few formulas for intermediate nodes (003's dloss/da and dloss/dz lines) follow.

Formulas use the graph's node names (see nn/reference.py). ``δ(v)`` stands for d(loss)/d(v).

    python examples/explain_reference.py           # everything
    python examples/explain_reference.py 000 004   # some documents
    python examples/explain_reference.py --checks  # only the document formulas and verdicts

The code is ``nn.course.demo.explain_documents``; the documents' formulas are ``nn.course.documents.DOCUMENTS``.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import explain_documents  # noqa: E402
from nn.course.documents import DOCUMENTS  # noqa: E402


def main(argv: list[str]) -> int:
    seeds = [a for a in argv if not a.startswith("-")] or list(DOCUMENTS)
    return 1 if explain_documents(seeds, only_checks="--checks" in argv) else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
