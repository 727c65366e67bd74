"""Seed 000: a 2-3-1 sigmoid net whose three hidden units share ONE bias b_1, with binary cross-entropy.

Because b_1 feeds h1, h2 and h3, dLoss/db_1 is the sum of three paths. backward() adds them
up by itself; the document's formula ④ follows only the h1 path (and has a wrong σ' factor).

The walkthrough itself is ``nn.course.demo.document_000`` (the formulas: ``nn.course.documents``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import document_000  # noqa: E402

main = document_000

if __name__ == "__main__":
    main()
