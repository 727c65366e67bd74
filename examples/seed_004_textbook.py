"""Seed 004: the 2-2-1 sigmoid net without biases (x = 0.35, 0.9; target 0.5), E = ½(A3 − y_t)².

Every gradient comes from backward(); the document's hand formulas (all correct here) are
only evaluated on the forward values and compared.

The walkthrough itself is ``nn.course.demo.document_004`` (the formulas: ``nn.course.documents``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import document_004  # noqa: E402

main = document_004

if __name__ == "__main__":
    main()
