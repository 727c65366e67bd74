"""Seed 002: Matt Mazur's 2-2-2 sigmoid network, E = ½·Σ_i (t_i − a3_i)², then training it.

Names follow the document: w2_ij is w^(2)_ij, the weight TO unit i of layer 2 FROM unit j of
layer 1 (inputs a1_1 = x_1, a1_2 = x_2). Every gradient comes from backward().

The walkthrough itself is ``nn.course.demo.document_002`` (the formulas: ``nn.course.documents``).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import document_002, train_mazur  # noqa: E402

main = document_002
train = train_mazur

if __name__ == "__main__":
    main()
