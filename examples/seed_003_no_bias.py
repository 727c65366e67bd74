"""Seed 003: a 2-3-2-1 net without biases (sigmoid, sigmoid, linear), loss = (pred − true)²/2.

Names follow the document: w1_ij is w^1_ij, TO unit i of layer 1 FROM input j (inputs x_0, x_1,
so j = 1 is x_0). Its hidden-layer derivation writes z^1 where z^2 is meant; the formulas below
are corrected. Every gradient comes from backward().

The walkthrough itself is ``nn.course.demo.document_003`` (the formulas: ``nn.course.documents``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import document_003  # noqa: E402

main = document_003

if __name__ == "__main__":
    main()
