"""The message catalogues: complete, consistent with the code, and read as gettext reads them."""

from __future__ import annotations

import gettext
import io
import re
import struct
from collections import Counter

import pytest

from autodiff import i18n
from autodiff.i18n import PoEntry, PoError, compile_mo, parse_po, placeholders, pot, read_po
from autodiff.i18n.po import write_po
from autodiff.i18n.pot import PENDING

LANGUAGES = [lang for lang in i18n.available_languages() if lang != i18n.SOURCE_LANGUAGE]


def _entries(lang: str) -> list[PoEntry]:
    return [e for e in read_po(pot.po_path(lang)) if e.msgid != ""]


def _fields(template: str) -> Counter[tuple[str, str, str]]:
    return Counter(placeholders(template))


def test_korean_is_available():
    assert i18n.available_languages() == ("en", "ko")


def test_the_template_is_true_to_the_code():
    """autodiff.pot is what `python -m autodiff.i18n template` makes now: the code's messages and the drafts."""
    pending = [e for lang in LANGUAGES for e in read_po(pot.po_path(lang))]
    fresh = pot.template(pot.repository_root(), pending)
    assert pot.template_path().read_text(encoding="utf-8") == fresh, "run: python -m autodiff.i18n template"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_has_a_translation(lang):
    template = {(e.msgctxt, e.msgid, e.msgid_plural) for e in read_po(pot.template_path()) if e.msgid}
    translated = {(e.msgctxt, e.msgid, e.msgid_plural): e for e in _entries(lang)}
    missing = sorted(m[1] for m in template if m not in translated)
    assert not missing, f"{lang}: no translation for {missing[:5]}"
    nplurals = int(re.search(r"nplurals=(\d+)", i18n.header(read_po(pot.po_path(lang)))["Plural-Forms"]).group(1))
    for key, entry in translated.items():
        assert not entry.fuzzy, f"{lang}: fuzzy translation of {entry.msgid!r}"
        assert all(s.strip() for s in entry.translations()), f"{lang}: empty translation of {entry.msgid!r}"
        if entry.msgid_plural is not None:
            assert len(entry.translations()) == nplurals, f"{lang}: {entry.msgid!r} needs {nplurals} plural forms"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_translation_has_exactly_the_placeholders_of_its_english_template(lang):
    wrong = []
    for entry in _entries(lang):
        english = _fields(entry.msgid)
        if entry.msgid_plural is not None:
            plural = _fields(entry.msgid_plural)
            assert not (set(english) - set(plural)), f"the singular of {entry.msgid!r} has fields its plural lacks"
            english = plural
        for text in entry.translations():
            if _fields(text) != english:
                wrong.append((entry.msgid, text, sorted(english), sorted(_fields(text))))
    assert not wrong, f"{lang}: placeholders differ: {wrong[:3]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_messages_are_flagged_as_brace_templates_exactly_when_they_have_placeholders(lang):
    for entry in _entries(lang):
        has = bool(placeholders(entry.msgid) or (entry.msgid_plural and placeholders(entry.msgid_plural)))
        assert ("python-brace-format" in entry.flags) == has, entry.msgid


@pytest.mark.parametrize("lang", LANGUAGES)
def test_drafts_not_used_by_the_code_are_marked_pending_and_used_ones_are_not(lang):
    used = {e.msgid for e in pot.extract(pot.source_files(pot.repository_root()), pot.repository_root())}
    for entry in _entries(lang):
        pending = any(c.startswith(PENDING) for c in entry.comments)
        assert pending == (entry.msgid not in used), (
            f"{entry.msgid!r}: " + ("used by the code: drop its 'pending' comment" if pending
                                    else "not used by the code: mark it '#. pending: <module>' or remove it"))


def _read_mo(data: bytes) -> dict[bytes, bytes]:
    """An independent reading of the GNU .mo layout (little-endian, as compile_mo writes it)."""
    magic, revision, n, originals, translations, hash_size, hash_at = struct.unpack("<7I", data[:28])
    assert magic == 0x950412DE and revision == 0
    table = {}
    for k in range(n):
        length, offset = struct.unpack("<2I", data[originals + 8 * k: originals + 8 * k + 8])
        t_length, t_offset = struct.unpack("<2I", data[translations + 8 * k: translations + 8 * k + 8])
        assert data[offset + length] == 0 and data[t_offset + t_length] == 0  # NUL-terminated
        table[data[offset: offset + length]] = data[t_offset: t_offset + t_length]
    assert list(table) == sorted(table)  # gettext's binary search needs sorted originals
    return table


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_compiled_catalogue_holds_every_translation_and_gettext_reads_it(lang):
    entries = read_po(pot.po_path(lang))
    data = compile_mo(entries)
    table = _read_mo(data)
    translations = gettext.GNUTranslations(io.BytesIO(data))
    assert translations.info()["language"] == lang
    for entry in entries:
        if entry.msgid == "":
            continue
        if entry.msgid_plural is None:
            assert table[entry.msgid.encode()] == entry.msgstr.encode()
            assert translations.gettext(entry.msgid) == entry.msgstr
        else:
            key = f"{entry.msgid}\0{entry.msgid_plural}".encode()
            assert table[key] == "\0".join(entry.translations()).encode()
            for n in (0, 1, 2, 7):
                assert translations.ngettext(entry.msgid, entry.msgid_plural, n) == entry.translations()[0]
    assert len(table) == len(entries)  # the header too


def test_fuzzy_and_untranslated_entries_are_left_out_of_the_compiled_catalogue():
    entries = parse_po('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                       '#, fuzzy\nmsgid "a"\nmsgstr "가"\n\nmsgid "b"\nmsgstr ""\n\nmsgid "c"\nmsgstr "다"\n')
    assert set(_read_mo(compile_mo(entries))) == {b"", b"c"}


def test_parse_po_reads_multiline_strings_escapes_plurals_context_and_comments():
    text = r'''# translator's note
#. extracted note
#: autodiff/checking.py
#, python-brace-format
msgid ""
"two "
"lines\n"
"and a \"quote\" \\ and\ta tab"
msgstr "번역"

msgctxt "button"
msgid "{count} path"
msgid_plural "{count} paths"
msgstr[0] "경로 {count}개"

#~ msgid "obsolete"
#~ msgstr "옛것"
'''
    first, second = parse_po(text)
    assert first.msgid == 'two lines\nand a "quote" \\ and\ta tab'
    assert first.comments == ("translator's note", "extracted note")
    assert first.references == ("autodiff/checking.py",) and first.flags == ("python-brace-format",)
    assert (second.msgctxt, second.msgid_plural, second.msgstr_plural) == ("button", "{count} paths", {0: "경로 {count}개"})


@pytest.mark.parametrize("text, where", [
    ('msgid "a"\nmsgstr "b"\nnonsense\n', ":3:"),
    ('msgid "a"\nmsgstr "b\n', ":2:"),
    ('msgid "a\\q"\nmsgstr "b"\n', ":1:"),
    ('msgid "a"\n', ":1:"),
    ('msgid "a"\nmsgstr "b"\n\nmsgid "a"\nmsgstr "c"\n', ":4:"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr "b"\n', ":1:"),
    ('msgid "a"\nmsgid_plural "as"\nmsgstr[1] "b"\n', ":1:"),
    ('"stray"\n', ":1:"),
])
def test_a_broken_po_file_is_refused_naming_the_line(text, where):
    with pytest.raises(PoError, match=re.escape(f"broken.po{where}")):
        parse_po(text, "broken.po")


def test_write_po_and_parse_po_round_trip():
    entries = [PoEntry("one\ntwo\n", msgstr="하나\n둘\n", flags=("python-brace-format",), comments=("pending: x",)),
               PoEntry('a "quoted" \\ tab\t', msgstr="ㄱ"),
               PoEntry("{count} path", msgid_plural="{count} paths", msgstr_plural={0: "경로 {count}개"})]
    again = parse_po(write_po(entries, plural_forms=1))
    assert [(e.msgid, e.msgstr, e.msgid_plural, e.msgstr_plural, e.flags, e.comments) for e in again] == \
           [(e.msgid, e.msgstr, e.msgid_plural, e.msgstr_plural, e.flags, e.comments) for e in entries]


def test_extract_finds_literal_translate_calls_and_ignores_others(tmp_path):
    source = tmp_path / "mod.py"
    source.write_text('from autodiff.i18n import translate, translate_plural\n'
                      'a = translate("Hello {name}", lang, name="x")\n'
                      'b = translate_plural("{count} path", "{count} paths", n)\n'
                      'c = translate(variable)\n'
                      'd = i18n.translate("Hello {name}", name="y")\n'
                      'MESSAGES = {"k": N_("Marked for later")}\n', encoding="utf-8")
    found = pot.extract([source], tmp_path)
    assert [(e.msgid, e.msgid_plural, e.references, e.flags) for e in found] == [
        ("Hello {name}", None, ("mod.py",), ("python-brace-format",)),
        ("{count} path", "{count} paths", ("mod.py",), ("python-brace-format",)),
        ("Marked for later", None, ("mod.py",), ()),
    ]


# The glossary (docs/i18n.md): an English term in a message means its Korean term in the translation.
GLOSSARY = {
    "gradient descent": "경사하강법", "chain rule": "연쇄 법칙", "local derivative": "국소 미분",
    "backpropagation": "역전파", "gradient": "기울기", "path": "경로", "weight": "가중치", "bias": "편향",
    "loss": "손실", "forward": "순전파", "sigmoid": "시그모이드", "node": "노드", "edge": "간선",
    "term": "항", "factor": "인수",
}


def test_the_korean_catalogue_uses_the_glossarys_terms():
    wrong = []
    for entry in _entries("ko"):
        english = re.sub(r"\{[^}]*\}", " ", (entry.msgid_plural or entry.msgid).lower()).replace("in terms of", " ")
        for term, korean in GLOSSARY.items():  # longest first: "gradient descent" is not "gradient"
            pattern = rf"\b{term}(?:s|es)?\b"
            if re.search(pattern, english):
                english = re.sub(pattern, " ", english)
                kept = [text for text in entry.translations() if re.search(pattern, text.lower())]  # a symbol, e.g. loss
                if not all(korean in text for text in entry.translations()) and not kept:
                    wrong.append((term, entry.msgid[:60], entry.translations()[0][:60]))
    assert not wrong, f"terms not translated as the glossary says: {wrong[:5]}"


def test_page_messages_reads_marked_html_and_tr_calls_in_scripts():
    page = ('<p data-i18n>Pick a graph.</p><input data-i18n-attr="placeholder aria-label" placeholder="e.g. x" '
            'aria-label="Formula"><h2><span data-i18n>The   graph</span> <b>not marked</b></h2>'
            '<select><option data-i18n value="a">on</option><option value="b">x</option></select>'
            '<optgroup data-i18n-attr="label" label="The five documents"></optgroup><p data-i18n>a &amp; b</p>')
    assert i18n.page_messages(page, "html") == ["Pick a graph.", "e.g. x", "Formula", "The graph", "on",
                                                "The five documents", "a & b"]
    script = 'tr("Building the graph…"); tr( "a \\"q\\" {n}", {n: 1}); xtr("no"); tr(name)'
    assert i18n.page_messages(script, "js") == ["Building the graph…", 'a "q" {n}']
    with pytest.raises(ValueError, match="kind"):
        i18n.page_messages("", "css")
