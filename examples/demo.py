"""The main demo: the five reference networks rebuilt from neurons, an MLP trained on toy data,
then the graphs drawn, the gradients explained (and the documents' formulas checked), and the
backward pass animated as web pages in examples/out/.

    .venv/bin/python examples/demo.py

Each part is also a script of its own in this folder.

The demo itself is ``nn.course.demo`` (``python -m autodiff demo`` runs it without a checkout).
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository (nn, autodiff), installed or not

from nn.course.demo import parts, run  # noqa: E402

OUT = HERE / "out"
PARTS = parts(OUT, shown="examples/out")  # (title, function) for each part, in order


def main() -> None:
    run(OUT, shown="examples/out")


if __name__ == "__main__":
    main()
