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

from autodiff.animate import animate, frames  # noqa: E402
from nn import reference  # noqa: E402


def main(out: Path) -> None:
    for seed in ("000", "004"):
        case = reference.build(seed)
        loss = case.loss()
        page = animate(
            loss,
            out / f"animation_{seed}.html",
            model=case.model,
            title=f"Backpropagation, step by step. {case.title}",
            frames_dir=out / f"frames_{seed}",
        )
        steps = frames(loss)
        print(f"{seed}: {len(steps)} steps -> {page}  (frames in {out / f'frames_{seed}'})")
        shared = [f for f in steps if f.parent is not None and f.parent.name == "b_1"]
        for f in shared:
            print(f"    {f.caption}")
    print("\nOpen a page in a browser (file:// works; nothing is fetched). Keys: ← → step, space play / pause.")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else Path(__file__).resolve().parent / "out")
