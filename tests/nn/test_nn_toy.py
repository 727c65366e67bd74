"""The toy problems' training runs and their plots (matplotlib, the extra `plot`)."""

from __future__ import annotations

import struct
import sys
from pathlib import Path

import pytest

from nn import bce_loss
from nn.course.toy import boundary_figure, decision_boundary, fit, loss_figure, save_plots


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_a_run_records_the_loss_of_every_epoch(capsys: pytest.CaptureFixture[str]) -> None:
    run = fit("xor", quiet=True, epochs=40)
    assert len(run.losses) == 40
    assert run.losses[0] == fit("xor", quiet=True, epochs=1).losses[0]  # same seed, same start
    assert run.losses[-1] < run.losses[0]
    # The model after the run is one step past the last recorded loss: recomputing it gives less.
    assert bce_loss([run.model(x) for x in run.xs], run.ys).data < run.losses[-1]
    with pytest.raises(ValueError, match="epochs must be a positive integer, got 0"):
        fit("xor", epochs=0)


def test_the_decision_boundary_is_the_models_output_on_a_grid(capsys: pytest.CaptureFixture[str]) -> None:
    run = fit("moons", quiet=True, epochs=20)
    gx, gy, out = decision_boundary(run, resolution=7)
    assert len(gx) == len(gy) == 7 and [len(row) for row in out] == [7] * 7
    assert min(gx) < min(p[0] for p in run.xs) and max(gx) > max(p[0] for p in run.xs)
    for j in (0, 3, 6):
        for i in (0, 2, 6):
            assert out[j][i] == run.model([gx[i], gy[j]]).data


def test_plots_are_written_as_png(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    runs = [fit("xor", quiet=True, epochs=5), fit("moons", quiet=True, epochs=5)]
    paths = save_plots(runs, tmp_path / "plots")
    assert [p.name for p in paths] == ["toy_loss.png", "moons_boundary.png"]
    for path in paths:
        assert png_size(path) == (640, 400)
    lines = loss_figure(runs).axes[0].get_lines()
    assert [list(line.get_ydata()) for line in lines] == [r.losses for r in runs]
    assert "accuracy" in boundary_figure(runs[1], resolution=5).axes[0].get_title()


def test_without_matplotlib_the_error_says_how_to_install_it(monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    run = fit("xor", quiet=True, epochs=2)
    with pytest.raises(ImportError, match=r"pip install 'autodiff-teach\[plot\]'"):
        loss_figure([run])
