"""Seed 001: a 1-2-2-1 net (sigmoid, sigmoid, linear output), MSE over 3 samples, one step of gradient descent.

The document works everything out by hand with 2-digit numbers. Here every gradient comes
from backward(); its hand formulas (sums over the samples k of the per-sample signals it
calls B(·)) are evaluated on our forward values, and its printed numbers are checked.

The walkthrough itself is ``nn.course.demo.document_001`` (the formulas: ``nn.course.documents``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import document_001  # noqa: E402

main = document_001

if __name__ == "__main__":
    main()
