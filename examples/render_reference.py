"""Draw the five reference networks (documents 000..004) after one backward pass.

For each document writes examples/out/graph_<seed>.svg and .png: every value with its data
and gradient, every edge with its local derivative (the number and its formula), each neuron
in its own box. Also graph_000_b_1_paths.svg / .png: document 000's loss with every path back
to the shared hidden bias b_1 highlighted (b_1 feeds three neurons, and the binary
cross-entropy uses y twice, so the chain rule sums 2 × 3 = 6 terms). Needs Graphviz's `dot`.

    python examples/render_reference.py [output directory] [--docs]

With --docs it also writes the README's picture, docs/graph_004.svg.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import render_documents  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def main(out: Path, docs: bool) -> None:
    render_documents(out, ROOT / "docs" if docs else None)


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if a != "--docs"]
    main(Path(args[0]) if args else Path(__file__).resolve().parent / "out", "--docs" in sys.argv[1:])
