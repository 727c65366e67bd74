"""The lab in Korean, on a real lab server in Chromium: the page and everything the engine writes
(derivations, verdicts, step captions) in Korean with the English numbers; the switch changes the
language on the spot; Hangul is drawn, not missing-glyph boxes."""

from __future__ import annotations

from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page

from autodiff.lab.server import LabServer
from tests.lab.browser import node_of, open_lab, wait_derivation
from tests.lab.conftest import Client, server  # noqa: F401  (the lab's own fixtures)
from tests.lab.test_lab_browser import browser  # noqa: F401

from .korean import decimals, hangul
from .test_hangul_fonts import check_drawn, screenshot_path

pytestmark = pytest.mark.browser

FORMULA_4 = "(y-t)*W_20*sigmoid(net h1)*(1-sigmoid(net h1))"  # ④ with the right σ': one path of three


@pytest.fixture
def page(browser: Browser, server: LabServer) -> Iterator[Page]:
    pg = open_lab(browser, server.url + "&case=000&lang=ko")
    yield pg
    assert [e for e in pg.errors if "status of 4" not in e] == []  # type: ignore[attr-defined]
    pg.context.close()


def test_the_api_answers_in_the_language_asked_for(server: LabServer) -> None:
    client = Client(server)
    graph = client.post("/api/graph", {"case": "000", "lang": "ko"}).json
    assert graph["title"].startswith("000: 2-3-1 시그모이드 신경망")
    gid = graph["graph"]
    ko = client.get(f"/api/explain?graph={gid}&node=b_1&lang=ko").json
    en = client.get(f"/api/explain?graph={gid}&node=b_1&lang=en").json
    assert "기울기는 경로들의 합이다" in ko["text"] and decimals(ko["text"]) == decimals(en["text"])
    check = client.post("/api/check", {"graph": gid, "node": "b_1", "formula": FORMULA_4, "lang": "ko"}).json
    assert check["text"].startswith("오답:") and check["paths_missed"] == [2, 3]
    steps = client.get(f"/api/steps?graph={gid}&lang=ko").json
    assert steps["steps"][0]["caption"].startswith("1/")
    messages = client.get("/api/messages?lang=ko").json
    assert messages["lang"] == "ko" and messages["messages"]["Check your formula"] == "손으로 쓴 식 검사하기"
    assert {"code": "ko", "name": "한국어"} in messages["languages"]
    wrong = client.get("/api/messages?lang=xx")
    assert wrong.status == 400 and "'xx'" in wrong.json["message"] and "en, ko" in wrong.json["message"]


def test_the_lab_in_korean_and_the_switch(page: Page, tmp_path) -> None:
    assert page.evaluate("() => document.documentElement.lang") == "ko"
    assert page.text_content("#check-box .check-title") == "손으로 쓴 식 검사하기"
    assert page.text_content("#graph-title").startswith("000: 2-3-1 시그모이드 신경망")
    b1 = node_of(page, "b_1")
    page.click(f"#n-{b1}")
    wait_derivation(page, b1)
    summary = page.text_content("#derivation-summary")
    assert summary.startswith("Loss에서 b_1까지 경로가 3개 있다.") and "−0.0906497888906187" in page.text_content("#derivation")
    page.click("#formula")
    page.keyboard.type(FORMULA_4, delay=2)
    page.wait_for_selector(f"#verdict[data-formula='{FORMULA_4}']", timeout=20000)
    verdict = page.text_content("#verdict")
    assert "빠진 경로: 2, 3" in verdict and "각 항은 자기 경로와 정확히 같다" in verdict
    page.click("#step-next")
    page.wait_for_function("() => document.getElementById('graph').dataset.step === '1'")
    caption_ko = page.text_content("#step-caption")
    assert hangul(caption_ko) > 5 and page.text_content("#step-counter").endswith("단계")

    font = page.evaluate("() => getComputedStyle(document.getElementById('derivation-summary')).fontFamily")
    assert "Noto Sans CJK KR" in font
    check_drawn(page, font)
    shot = screenshot_path("lab_000_ko.png", tmp_path)
    page.screenshot(path=str(shot))
    assert shot.stat().st_size > 50000

    page.select_option("#lang", "en")  # the switch: the same graph, node, formula and step, in English
    page.wait_for_function("() => document.documentElement.lang === 'en' && "
                           "document.getElementById('step-counter').textContent.startsWith('Step 1 /')", timeout=20000)
    page.wait_for_selector(f"#verdict[data-formula='{FORMULA_4}']", timeout=20000)
    page.wait_for_function("() => document.getElementById('verdict').textContent.includes('missed: 2, 3')",
                           timeout=20000)
    assert page.text_content("#check-box .check-title") == "Check your formula"
    assert page.text_content("#derivation-summary").startswith("3 paths from Loss to b_1")
    caption_en = page.text_content("#step-caption")
    assert hangul(caption_en) == 0 and decimals(caption_en) == decimals(caption_ko)
    assert "lang=en" in page.url

    page.select_option("#lang", "ko")
    page.wait_for_function("(text) => document.getElementById('step-caption').textContent === text", arg=caption_ko,
                           timeout=20000)
    assert page.evaluate("() => document.documentElement.lang") == "ko" and page.text_content("#step-counter").endswith("단계")


def test_the_practice_tab_in_korean(page: Page) -> None:
    page.click("#tab-practice")
    page.wait_for_selector("#practice-panel[data-ready=true]", timeout=20000)
    assert page.text_content("#tab-practice") == "연습"
    assert page.text_content("#practice-counter").startswith("문제 1 / ")
    assert hangul(page.text_content("#practice-prompt")) > 5 and hangul(page.text_content("#practice-howto")) > 5
    page.fill("#practice-answer", "12345")
    page.click("#practice-check")
    page.wait_for_selector("#practice-verdict[data-status]", timeout=20000)
    assert page.text_content("#practice-verdict").startswith("오답") or page.text_content("#practice-verdict").startswith("정답")
    page.select_option("#lang", "en")
    page.wait_for_function("() => document.getElementById('practice-counter').textContent.startsWith('Question 1 of')",
                           timeout=20000)
    assert hangul(page.text_content("#practice-prompt")) == 0 and page.text_content("#tab-practice") == "Practice"


def test_the_labs_own_errors_and_words_in_korean(server: LabServer) -> None:
    from .korean import english_prose

    client = Client(server)
    network = {"inputs": [[1, 2]], "targets": [[1]], "sizes": [9, 1]}
    answers = [
        client.post("/api/graph", {"network": network, "lang": "ko"}),
        client.post("/api/graph", {"network": {**network, "sizes": [2, 1], "loss": "bce", "targets": [[3]]},
                                   "lang": "ko"}),
        client.post("/api/graph", {"expression": "x*", "values": "x=1", "lang": "ko"}),
        client.post("/api/graph", {"expression": "x*w", "values": "x=1 w=2", "lang": "ko"}),
    ]
    gid = client.post("/api/graph", {"case": "000", "lang": "ko"}).json["graph"]
    answers.append(client.post("/api/step", {"graph": gid, "lr": 1000, "lang": "ko"}))
    messages = [a.json["message"] for a in answers]
    assert all(a.status >= 400 for a in answers), messages
    assert messages[0].startswith("신경망: 층은 1개부터") and "이진 교차 엔트로피의 목표값" in messages[1]
    assert messages[2].startswith("식: ") and messages[3].startswith("값: ") and "쉼표로 구분하세요" in messages[3]
    assert messages[4] == "학습률은 0보다 크고 100 이하이다. 받은 값: 1000.0"
    assert english_prose("\n".join(messages)) == []
    empty = client.post("/api/check", {"graph": gid, "node": "b_1", "formula": " ", "lang": "ko"}).json
    assert empty["error"]["message"] == "식을 입력하세요"
    words = client.get("/api/messages?lang=ko").json["messages"]
    assert words["autodiff lab"] == "autodiff 실험실" and words["{id}: {what} = {value}"] == "{id}: {what} = {value}"
    assert words["unnamed {op}"] == "이름 없는 {op}"
