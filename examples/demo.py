"""The main demo: the five reference networks rebuilt from neurons, an MLP trained on toy data,
then the graphs drawn, the gradients explained (and the documents' formulas checked), and the
backward pass animated as web pages in examples/out/.

    .venv/bin/python examples/demo.py

Each part is also a script of its own in this folder.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the repository (nn, autodiff), installed or not
sys.path.insert(0, str(HERE))  # the example scripts

import seed_000_shared_bias  # noqa: E402
import seed_001_three_samples  # noqa: E402
import seed_002_mazur  # noqa: E402
import seed_003_no_bias  # noqa: E402
import seed_004_textbook  # noqa: E402
import train_toy  # noqa: E402
import render_reference  # noqa: E402
import explain_reference  # noqa: E402
import animate_reference  # noqa: E402

OUT = HERE / "out"


def explain_and_check() -> None:
    explain_reference.main(["004"])  # every parameter of 004, derived as the document does
    explain_reference.main(["--checks"])  # every document's formulas as written, checked

PARTS = [
    ("Document 000: one bias shared by three neurons", seed_000_shared_bias.main),
    ("Document 001: three samples, a linear output, one step of gradient descent", seed_001_three_samples.main),
    ("Document 002: Mazur's network, checked and trained", seed_002_mazur.main),
    ("Document 003: no biases, a batch, and the document's shapes", seed_003_no_bias.main),
    ("Document 004: the textbook 2-2-1 example", seed_004_textbook.main),
    ("Training an MLP on XOR and on two moons", lambda: train_toy.main(("xor", "moons"))),
    ("Drawing the five networks (examples/out/graph_*.svg, .png)", lambda: render_reference.main(OUT, docs=False)),
    ("Explaining gradients and checking the documents' formulas", explain_and_check),
    ("Watching backpropagation (examples/out/animation_*.html)", lambda: animate_reference.main(OUT)),
]


def main() -> None:
    print("autodiff + nn: every gradient below comes from backward(); the documents' hand formulas")
    print("are only evaluated on the forward values and compared.")
    for n, (title, run) in enumerate(PARTS, start=1):
        banner = f" {n}/{len(PARTS)}  {title} "
        print("\n\n" + "#" * (len(banner) + 4))
        print(f"##{banner}##")
        print("#" * (len(banner) + 4))
        run()


if __name__ == "__main__":
    main()
