"""Choosing the learner's language: lang=, then AUTODIFF_LANG, then the locale, then English."""

from __future__ import annotations

import os

import pytest

from autodiff import i18n
from autodiff.i18n import LanguageError, current_language, resolve_language, translate, translate_plural

LOCALE_VARIABLES = ("AUTODIFF_LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LANG")


@pytest.fixture
def clean_env(monkeypatch):
    for name in LOCALE_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch



def test_with_nothing_set_the_language_is_english(clean_env):
    assert current_language() == "en"


@pytest.mark.parametrize("value", ["ko", "ko_KR", "ko-KR", "KO", "ko_KR.UTF-8", "ko_KR.utf8@euro"])
def test_autodiff_lang_chooses_korean(clean_env, value):
    clean_env.setenv("AUTODIFF_LANG", value)
    assert current_language() == "ko"


@pytest.mark.parametrize("env, expected", [
    ({"LANG": "ko_KR.UTF-8"}, "ko"),
    ({"LANG": "en_US.UTF-8"}, "en"),
    ({"LANG": "C.UTF-8"}, "en"),
    ({"LANG": "POSIX"}, "en"),
    ({"LANG": "fr_FR.UTF-8"}, "en"),  # a locale in a language without a catalogue: English, no error
    ({"LANG": "en_US.UTF-8", "LC_MESSAGES": "ko_KR.UTF-8"}, "ko"),
    ({"LC_MESSAGES": "en_US.UTF-8", "LC_ALL": "ko_KR.UTF-8"}, "ko"),
    ({"LC_ALL": "en_US.UTF-8", "LANG": "ko_KR.UTF-8"}, "en"),
    ({"LANGUAGE": "ko", "LC_ALL": "en_US.UTF-8"}, "ko"),
    ({"LANGUAGE": "fr:ko:en", "LANG": "en_US.UTF-8"}, "ko"),  # the first language of the list we have
    ({"LANG": "ko_KR.UTF-8", "AUTODIFF_LANG": "en"}, "en"),  # AUTODIFF_LANG before the locale
    ({"LANG": "ko_KR.UTF-8", "AUTODIFF_LANG": ""}, "ko"),  # an empty AUTODIFF_LANG is not set
])
def test_the_locale_is_read_in_gettexts_order(clean_env, env, expected):
    for name, value in env.items():
        clean_env.setenv(name, value)
    assert current_language() == expected


def test_lang_argument_overrides_the_environment(clean_env):
    clean_env.setenv("AUTODIFF_LANG", "ko")
    clean_env.setenv("LANG", "ko_KR.UTF-8")
    assert resolve_language("en") == "en"
    assert translate("the chain rule", lang="en") == "the chain rule"
    assert translate("the chain rule") == "연쇄 법칙"
    clean_env.setenv("AUTODIFF_LANG", "en")
    assert translate("the chain rule", lang="ko") == "연쇄 법칙"


@pytest.mark.parametrize("where", ["lang", "env"])
def test_an_unknown_language_is_a_clear_error_naming_it_and_the_languages_available(clean_env, where):
    if where == "env":
        clean_env.setenv("AUTODIFF_LANG", "fr")
        call = lambda: translate("the chain rule")  # noqa: E731
    else:
        call = lambda: translate("the chain rule", lang="fr")  # noqa: E731
    with pytest.raises(LanguageError, match=r"'fr'.*available: en, ko"):
        call()


def test_a_language_that_is_not_a_string_is_a_type_error():
    with pytest.raises(TypeError, match="lang"):
        resolve_language(7)  # type: ignore[arg-type]


def test_translate_fills_named_placeholders_in_each_language():
    template = "{root} does not depend on {node}: the gradient is 0."
    assert translate(template, lang="en", root="E", node="w11") == "E does not depend on w11: the gradient is 0."
    assert translate(template, lang="ko", root="E", node="w11") == "E의 값은 w11에 의존하지 않는다. 기울기는 0이다."


def test_translate_refuses_missing_and_unused_placeholders():
    template = "{root} does not depend on {node}: the gradient is 0."
    with pytest.raises(KeyError, match=r"missing \{node\}"):
        translate(template, lang="ko", root="E")
    with pytest.raises(KeyError, match="unused colour"):
        translate(template, lang="en", root="E", node="w", colour="red")


def test_translate_plural_picks_the_form_for_the_count():
    singular, plural = "**{lhs}** = {value} ({count} path)", "**{lhs}** = {value} ({count} paths)"
    assert translate_plural(singular, plural, 1, lang="en", lhs="∂E/∂b", value="0.5") == "**∂E/∂b** = 0.5 (1 path)"
    assert translate_plural(singular, plural, 3, lang="en", lhs="∂E/∂b", value="0.5") == "**∂E/∂b** = 0.5 (3 paths)"
    assert translate_plural(singular, plural, 1, lang="ko", lhs="∂E/∂b", value="0.5") == "**∂E/∂b** = 0.5 (경로 1개)"
    assert translate_plural(singular, plural, 3, lang="ko", lhs="∂E/∂b", value="0.5") == "**∂E/∂b** = 0.5 (경로 3개)"
    with pytest.raises(TypeError, match="count"):
        translate_plural(singular, plural, 1.0, lang="en", lhs="x", value="1")  # type: ignore[arg-type]


def test_a_message_missing_from_the_catalogue_falls_back_to_english():
    assert translate("A sentence no catalogue has, about {node}.", lang="ko", node="b_1") == \
        "A sentence no catalogue has, about b_1."


def test_the_empty_message_is_empty_in_every_language_not_the_catalogues_header():
    # gettext("") is the catalogue's header ("Project-Id-Version: ..."); a document line without a
    # heading (DocFormula.where == "") must stay empty in Korean too.
    assert i18n.catalogue("ko").gettext("").startswith("Project-Id-Version")
    for lang in i18n.available_languages():
        assert i18n.lookup("", lang) == "" and translate("", lang=lang) == ""
    with pytest.raises(i18n.LanguageError):
        i18n.lookup("", "xx")


def test_positional_placeholders_are_refused():
    with pytest.raises(ValueError, match="positional"):
        i18n.placeholders("{} and {0}")


def test_using_language_sets_the_default_inside_the_block_only(clean_env):
    from autodiff.i18n import using_language

    clean_env.setenv("AUTODIFF_LANG", "en")
    with using_language("ko") as lang:
        assert lang == "ko" and current_language() == "ko"
        assert translate("the chain rule") == "연쇄 법칙"
        assert translate("the chain rule", lang="en") == "the chain rule"  # lang= still wins
        with using_language(None) as inner:  # None keeps the enclosing choice
            assert inner == "ko" and current_language() == "ko"
        with using_language("en"):
            assert current_language() == "en"
        assert current_language() == "ko"
    assert current_language() == "en"
    with pytest.raises(LanguageError):
        with using_language("xx"):
            pass


def test_using_language_holds_per_thread(clean_env):
    import threading

    from autodiff.i18n import using_language

    seen = []
    with using_language("ko"):
        thread = threading.Thread(target=lambda: seen.append(current_language()))
        thread.start()
        thread.join()
        assert current_language() == "ko"
    assert seen == ["en"]  # a new thread starts from the process default


def test_lookup_gives_the_template_unfilled_and_autonym_names_each_language():
    from autodiff.i18n import autonym, lookup

    assert lookup("Step {step} / {total}", "ko") == "{step} / {total}단계"
    assert lookup("Step {step} / {total}", "en") == "Step {step} / {total}"
    assert [autonym(code) for code in i18n.available_languages()] == ["English", "한국어"]
    with pytest.raises(LanguageError, match="'xx'"):
        autonym("xx")


def test_the_test_suite_is_pinned_to_english():
    assert os.environ["AUTODIFF_LANG"] == "en"
    assert current_language() == "en"
