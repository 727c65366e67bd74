"""The Korean catalogue follows docs/i18n.md: the glossary's words and none of its refused variants,
one form per kind of sentence, and particles that fit the word before them (the particle rule)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from autodiff.i18n import PoEntry, pot, read_po

DOCS = Path(__file__).resolve().parents[2] / "docs" / "i18n.md"


def _korean() -> list[PoEntry]:
    return [e for e in read_po(pot.po_path("ko")) if e.msgid]


def _glossary() -> list[tuple[str, str, list[str]]]:
    """(English, Korean, refused variants) for each row of the glossary table in docs/i18n.md."""
    text = DOCS.read_text(encoding="utf-8")
    table = text[text.index("## Glossary"):text.index("## Style")]
    rows = []
    for line in table.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) != 3 or cells[0] in ("English", "") or set(cells[0]) <= {"-"}:
            continue
        rows.append((cells[0], cells[1], [v.strip() for v in cells[2].split(",") if v.strip()]))
    return rows


def test_the_glossary_table_lists_the_terms_and_their_refused_variants():
    rows = {english: (korean, refused) for english, korean, refused in _glossary()}
    assert rows["gradient"][0] == "기울기" and {"그래디언트", "그레이디언트"} <= set(rows["gradient"][1])
    assert "마디" in rows["node, edge, path"][1]
    assert rows["epoch"] == ("에폭", ["에포크"])  # one of the two, the other refused
    assert len(rows) >= 25
    header = read_po(pot.po_path("ko"))[0]
    assert header.msgid == ""
    po_text = pot.po_path("ko").read_text(encoding="utf-8")
    for korean in ("기울기", "노드", "편향", "연쇄 법칙", "국소 미분", "은닉층", "출력층", "에폭", "계산값", "좌변"):
        assert korean in po_text[:po_text.index('msgid ""')], korean  # the catalogue's header repeats the glossary


def test_no_korean_message_uses_a_refused_variant():
    refused = sorted({v for _, _, variants in _glossary() for v in variants}, key=len, reverse=True)
    assert refused
    found = []
    for entry in _korean():
        for text in entry.translations():
            found += [(variant, entry.msgid[:50]) for variant in refused if variant in text]
    assert found == []


def test_the_refused_variants_would_be_caught():
    refused = {v for _, _, variants in _glossary() for v in variants}
    for wrong in ("그래디언트 값", "마디 3개", "에포크 10", "우리 값", "왼쪽 변"):
        assert any(variant in wrong for variant in refused), wrong


# --- one form per kind of sentence ------------------------------------------------------------------

_PLAIN_IMPERATIVE = re.compile(r"(?:하라|써라|쓰라|겨라|어라|아라|보라|하자|보자|해라)(?=[\s.)!:,]|$)")
_SPOKEN = ("그런데", " 곧 ", "간직")


def test_requests_to_the_learner_are_written_with_seyo_and_never_as_a_plain_imperative():
    found = [(entry.msgid[:50], text) for entry in _korean() for text in entry.translations()
             if _PLAIN_IMPERATIVE.search(text)]
    assert found == []
    seyo = [text for entry in _korean() for text in entry.translations() if "세요" in text]
    assert len(seyo) > 15


def test_exercise_statements_end_in_sio():
    asks = [e for e in _korean() if re.match(r"(Compute |The backward pass has just finished|The drawing shows|"
                                             r"The table lists)", e.msgid)]
    assert len(asks) >= 6
    for entry in asks:
        assert entry.msgstr.endswith("시오."), entry.msgstr


def test_no_spoken_connective_or_rejected_rewrite_is_left():
    found = [(word, text) for entry in _korean() for text in entry.translations() for word in _SPOKEN if word in text]
    assert found == []


def test_the_issues_rewrites_are_in_the_catalogue():
    texts = {entry.msgid: entry.translations()[0] for entry in _korean()}
    joined = "\n".join(texts.values())
    for wanted in ("이 항이 반영한 경로는 {matched}개뿐이다", "(경로 {count}개 모두 반영)", "하지만 backward()로 구한 값은",
                   "아직 틀렸다: 식의 값은 {value}이지만 기울기는 {gradient}이다", "자리에 시그모이드 σ({z}) 자체를 썼다",
                   "y − t 대신 t − y로 뺄셈 순서를 바꿨다", "계산값", "좌변", "그대로 남는다", "정답: {answer}, 즉"):
        assert wanted in joined, wanted


# --- the particle rule --------------------------------------------------------------------------------

_PARTICLES = {  # particle -> (after a final consonant, after a vowel)
    "은": ("은", "는"), "는": ("은", "는"), "이": ("이", "가"), "가": ("이", "가"), "을": ("을", "를"), "를": ("을", "를"),
    "과": ("과", "와"), "와": ("과", "와"), "으로": ("으로", "로"), "로": ("으로", "로"), "이라고": ("이라고", "라고"),
    "라고": ("이라고", "라고"),
}
# A particle right after a placeholder, or after a bracket that closes on a placeholder: never allowed.
_AFTER_PLACEHOLDER = re.compile(r"\}[)\]]*(?:으로|이라고|라고|은|는|가|을|를|과|와|로|이(?![다고며지어었인]))(?![가-힣])")
# The digits and letters as read aloud: which end in a consonant (받침), and which of those in ㄹ.
_CONSONANT_DIGITS, _RIEUL_DIGITS = set("013678"), set("178")
_CONSONANT_LETTERS, _RIEUL_LETTERS = set("lmnr"), set("lr")
_READ_THROUGH = set("_)]}'\"’”") | set("¹²³⁴⁵⁶⁷⁸⁹⁰₀₁₂₃₄₅₆₇₈₉")
_SUBSCRIPT_DIGITS = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹₀₁₂₃₄₅₆₇₈₉", "0123456789" * 2))


def final_sound(word: str) -> str | None:
    """How ``word`` ends when read aloud: "consonant", "rieul" (ㄹ), "vowel", or None when the rule does not say.

    A Hangul syllable by its 받침; a digit as read (영 일 이 삼 사 오 육 칠 팔 구; 0 also ends 십, 백, 천);
    a Latin letter by its name (엘 엠 엔 알 end in a consonant, the others in a vowel); '.' is 점; a prime
    is 프라임; closing brackets, quotes, subscripts' markers are read through (their digits are digits).
    """
    k = len(word) - 1
    while k >= 0 and word[k] in _READ_THROUGH and word[k] not in _SUBSCRIPT_DIGITS:
        k -= 1
    if k < 0:
        return None
    c = _SUBSCRIPT_DIGITS.get(word[k], word[k])
    if "가" <= c <= "힣":
        jong = (ord(c) - 0xAC00) % 28
        return "vowel" if jong == 0 else "rieul" if jong == 8 else "consonant"
    if c.isdigit():
        return "rieul" if c in _RIEUL_DIGITS else "consonant" if c in _CONSONANT_DIGITS else "vowel"
    if c.isascii() and c.isalpha():
        letters = re.search(r"[A-Za-z]+$", word[:k + 1])
        run = letters.group(0) if letters else c
        if len(run) >= 3 and re.search(r"[aeiou]", run) and not run.isupper():  # a word, read as a word
            run = run.lower()
            if run.endswith("e") and run[-2] not in "aeiou":  # a silent e: name (네임), table (테이블), case (케이스)
                run = run[:-1]
            if run.endswith(("l", "ll")):
                return "rieul"
            if run.endswith(("m", "n", "ng")):
                return "consonant"
            return "vowel" if run[-1] in "aeiouyrswx" else None  # (엔터, 로스; a final b d g k p t varies)
        c = c.lower()  # a letter, read by its name
        return "rieul" if c in _RIEUL_LETTERS else "consonant" if c in _CONSONANT_LETTERS else "vowel"
    if c == ".":
        return "consonant"
    if c in "′'":
        return "consonant"
    if c in "σδΣ":
        return "vowel"  # 시그마, 델타
    return None


def right_particle(word: str, particle: str) -> str | None:
    sound = final_sound(word)
    if sound is None:
        return None
    after_consonant, after_vowel = _PARTICLES[particle]
    if after_consonant == "으로":
        return "로" if sound in ("vowel", "rieul") else "으로"
    return after_vowel if sound == "vowel" else after_consonant


@pytest.mark.parametrize("word, particle, right", [
    ("b_1", "을", "을"), ("b_2", "을", "를"), ("net h1", "는", "은"), ("W_20", "가", "이"), ("XOR", "와", "과"),
    ("SEEDS.md", "이", "가"), ("h¹₁", "를", "을"), ("z²₁", "를", "을"), ("z¹₂", "을", "를"), ("(y−t)", "으로", "로"),
    ("0.28", "으로", "로"), ("6", "로", "으로"), ("'.'", "로", "으로"), ("y_t", "을", "를"), ("기울기", "을", "를"),
    ("경로", "은", "는"), ("값", "로", "으로"), ("길", "으로", "로"), ("--name", "로", "으로"), ("Enter", "을", "를"),
    ("sys.path", "으로", None), ("σ′", "를", "을"),
])
def test_the_particle_rule_on_names_and_numbers(word, particle, right):
    assert right_particle(word, particle) == right


def test_no_particle_that_depends_on_the_last_sound_follows_a_placeholder():
    found = [(entry.msgid[:50], m.group(0), text) for entry in _korean() for text in entry.translations()
             for m in _AFTER_PLACEHOLDER.finditer(text)]
    assert found == []
    assert _AFTER_PLACEHOLDER.search("{node}를 마쳤다") and _AFTER_PLACEHOLDER.search("δ({upper})를 곱한다")
    assert not _AFTER_PLACEHOLDER.search("{value}이다, {node}의, {x}에서, {count}개")


_NAME_AND_PARTICLE = re.compile(r"([A-Za-z0-9_.'′)\]¹²³⁴⁵⁶⁷⁸⁹⁰₀₁₂₃₄₅₆₇₈₉−]+)(으로|이라고|라고|은|는|이|가|을|를|과|와|로)"
                                r"(?![가-힣])")


def test_particles_after_names_written_in_a_message_follow_the_rule():
    wrong = []
    for entry in _korean():
        for text in entry.translations():
            for m in _NAME_AND_PARTICLE.finditer(re.sub(r"\{[^{}]*\}\)?", "□", text)):
                word, particle = m.groups()
                right = right_particle(word, particle)
                if right is not None and right != particle:
                    wrong.append((word + particle, word + right, text[:60]))
    assert wrong == []
