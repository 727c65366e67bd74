"""Train a small MLP on a classic toy problem, with a progress display and the final accuracy.

    .venv/bin/python examples/train_toy.py          # XOR
    .venv/bin/python examples/train_toy.py moons    # two interleaved half-moons
    .venv/bin/python examples/train_toy.py xor moons
    AUTODIFF_LANG=ko .venv/bin/python examples/train_toy.py         # in Korean, the same numbers
    .venv/bin/python examples/train_toy.py --out /tmp/plots xor     # the plots into another folder

It saves the loss curve (examples/out/toy_loss.png) and, for moons, the decision boundary
(examples/out/moons_boundary.png) when matplotlib is installed (the extra `plot`), labelled in
Korean too when matplotlib finds a font with Hangul.

The data are generated in code from a fixed seed, so every run prints the same numbers.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.toy import main, train  # noqa: E402,F401  (train: for callers of this script's old API)

OUT = Path(__file__).resolve().parent / "out"

if __name__ == "__main__":
    args = sys.argv[1:]
    plots = OUT
    if args[:1] == ["--out"] and len(args) >= 2:
        plots, args = Path(args[1]), args[2:]
    main(tuple(args) or ("xor",), plots=plots)
