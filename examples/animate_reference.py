"""Watch backpropagation: the step-by-step backward pass of documents 000 and 004 as web pages.

Writes examples/out/animation_000.html (the shared hidden bias b_1, which receives three
contributions) and examples/out/animation_004.html, each one self-contained file that any
browser opens without a network, plus every frame as an SVG file in examples/out/frames_000/
and examples/out/frames_004/. Needs Graphviz's `dot`.

    python examples/animate_reference.py [output directory]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from nn.course.demo import animate_documents  # noqa: E402

main = animate_documents

if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out")
