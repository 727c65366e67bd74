"""Train a small MLP on a classic toy problem, with a progress display and the final accuracy.

    .venv/bin/python examples/train_toy.py          # XOR
    .venv/bin/python examples/train_toy.py moons    # two interleaved half-moons

The data are generated in code from a fixed seed, so every run prints the same numbers.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.toy import main, train  # noqa: E402,F401  (train: for callers of this script's old API)

if __name__ == "__main__":
    main(tuple(sys.argv[1:]) or ("xor",))
