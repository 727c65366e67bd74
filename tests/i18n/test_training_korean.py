"""The training printouts and plots in Korean (nn/course/toy.py, examples/train_toy.py, examples/train_3class.py):
Hangul with exactly the English run's numbers; the plots labelled in Korean only with a font that has
Hangul, and never a missing-glyph warning."""

from __future__ import annotations

import io
import sys
import warnings
from pathlib import Path

import pytest

from autodiff.i18n import LanguageError, using_language
from nn.course import toy

from .korean import decimals, hangul
from .korean import run_example as run


def test_train_toy_in_korean_prints_the_english_runs_numbers(tmp_path):
    english = run("train_toy.py", "en", "--out", str(tmp_path / "en"), "xor").replace(str(tmp_path / "en"), "OUT")
    korean = run("train_toy.py", "ko", "--out", str(tmp_path / "ko"), "xor").replace(str(tmp_path / "ko"), "OUT")
    assert decimals(korean) == decimals(english) and sum(decimals(english).values()) > 20
    assert hangul(english) == 0 and hangul(korean) > 40
    assert english.count("  epoch ") == korean.count("  에폭 ") == 11
    assert "final accuracy on xor: 100.0%" in english and "xor의 최종 정확도: 100.0%" in korean
    assert "\n그림: " in korean and "plots: " not in korean
    assert korean.startswith("xor: 점 4개, MLP(2 -> 4 tanh -> 1 sigmoid, with bias), 매개변수 17개, "
                             "전체 배치 SGD (학습률 0.5, 모멘텀 0.9)")


def test_train_3class_in_korean_prints_the_english_runs_numbers():
    english, korean = run("train_3class.py", "en"), run("train_3class.py", "ko")
    assert decimals(korean) == decimals(english) and sum(decimals(english).values()) > 20
    assert hangul(english) == 0 and hangul(korean) > 40
    assert english.count("cross-entropy") == korean.count("교차 엔트로피") == 7
    assert korean.startswith("클래스 3개, 점 60개, MLP(2 -> 16 tanh -> 3 linear, with bias), 매개변수 99개, Adam(")
    assert "최종 정확도: 100.0%" in korean and "확률 [" in korean


def lines_of(capsys, **kwargs: object) -> list[str]:
    toy.fit("xor", epochs=3, **kwargs)  # type: ignore[arg-type]
    return capsys.readouterr().out.splitlines()


def test_the_toy_functions_take_the_language_from_lang_the_block_or_the_environment(capsys, monkeypatch):
    english = lines_of(capsys)
    assert english[-1] == "final accuracy on xor: 50.0%" and hangul("\n".join(english)) == 0
    korean = lines_of(capsys, lang="ko")
    assert korean[-1] == "xor의 최종 정확도: 50.0%" and len(korean) == len(english)
    assert [decimals(line) for line in korean] == [decimals(line) for line in english]
    with using_language("ko"):
        assert lines_of(capsys) == korean
        assert lines_of(capsys, lang="en") == english
    monkeypatch.setenv("AUTODIFF_LANG", "ko")
    assert lines_of(capsys) == korean
    with pytest.raises(LanguageError, match="'xx'"):
        toy.fit("xor", epochs=3, lang="xx")
    assert capsys.readouterr().out == ""  # refused before anything is printed
    with pytest.raises(LanguageError, match="'xx'"):
        toy.main(("xor",), lang="xx")


def test_main_in_korean_names_the_plots_in_korean(capsys, tmp_path):
    runs = toy.main(("xor",), plots=tmp_path, lang="ko")
    out = capsys.readouterr().out
    assert out.rstrip().endswith(f"그림: {tmp_path / 'toy_loss.png'}") and runs[0].accuracy == 1.0


def test_without_matplotlib_the_korean_message_says_how_to_install_it(capsys, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "matplotlib.figure", None)  # makes the import fail
    toy.main(("xor",), plots=tmp_path, lang="ko")
    assert "(그림 없음: 그림을 그리려면 matplotlib 패키지가 필요하다: pip install 'autodiff-teach[plot]'" in capsys.readouterr().out


# --- the plots ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def runs():
    return [toy.fit("xor", quiet=True, epochs=5), toy.fit("moons", quiet=True, epochs=5)]


def texts(figure) -> list[str]:
    """Every label of a figure: titles, axis labels, legend entries, the colour bar's label."""
    found = []
    for axes in figure.axes:
        found += [axes.get_title(), axes.get_xlabel(), axes.get_ylabel()]
        legend = axes.get_legend()
        if legend is not None:
            found += [t.get_text() for t in legend.get_texts()]
    return [t for t in found if t]


def saved_without_warnings(figure) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph is a UserWarning: here, an error
        figure.savefig(io.BytesIO(), format="png")


def test_a_font_with_hangul_is_found():
    # .ci/setup installs Debian's fonts-noto-cjk; matplotlib's cached font list may predate it.
    font = toy.hangul_font()
    assert font is not None and font.is_file()
    from matplotlib import ft2font
    assert ord("힣") in ft2font.FT2Font(str(font)).get_charmap()


def test_korean_plots_are_labelled_in_hangul_with_that_font_and_no_glyph_is_missing(runs):
    for make in (lambda lang: toy.loss_figure(runs, lang=lang), lambda lang: toy.boundary_figure(runs[1], 5, lang=lang)):
        english, korean = make("en"), make("ko")
        assert all(hangul(t) == 0 for t in texts(english))
        assert len(texts(korean)) == len(texts(english)) and sum(hangul(t) for t in texts(korean)) > 5
        assert [decimals(t) for t in texts(korean)] == [decimals(t) for t in texts(english)]
        title = korean.axes[0].title
        assert Path(title.get_fontproperties().get_file()) == toy.hangul_font()
        saved_without_warnings(korean)
        saved_without_warnings(english)
    assert [list(line.get_ydata()) for line in toy.loss_figure(runs, lang="ko").axes[0].get_lines()] == [
        r.losses for r in runs]
    with using_language("ko"):
        assert toy.loss_figure(runs).axes[0].get_title() == "학습 손실"
    with pytest.raises(LanguageError):
        toy.loss_figure(runs, lang="xx")


def test_hangul_in_matplotlibs_default_font_would_warn():
    """What the check above guards against: the default font has no Hangul, and matplotlib says so."""
    from matplotlib.figure import Figure

    figure = Figure()
    figure.add_subplot().set_title("학습 손실")
    with pytest.warns(UserWarning, match="missing from font"):
        figure.savefig(io.BytesIO(), format="png")


def test_without_a_hangul_font_the_korean_plots_keep_their_english_labels(runs, monkeypatch):
    monkeypatch.setattr(toy, "hangul_font", lambda: None)
    for make in (lambda lang: toy.loss_figure(runs, lang=lang), lambda lang: toy.boundary_figure(runs[1], 5, lang=lang)):
        korean = make("ko")
        assert texts(korean) == texts(make("en"))
        saved_without_warnings(korean)


def test_save_plots_in_korean(runs, tmp_path):
    paths = toy.save_plots(runs, tmp_path, lang="ko")
    assert [p.name for p in paths] == ["toy_loss.png", "moons_boundary.png"] and all(p.stat().st_size > 1000 for p in paths)
