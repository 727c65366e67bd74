"""Measure the lab's response times and take the README's screenshots (a script, not a test).

For each of the five documents: open it, click each parameter's box (click to derivation
shown) and type a formula for it (last keystroke to verdict shown, which includes the page's
250 ms debounce). Times are the page's own (``performance.now()``) and, around them, the
test driver's wall clock. Then saves docs/lab_000.png (document 000, b_1, formula ④) and
docs/lab_expression.png (a typed expression).

    .venv/bin/python -m tests.lab.measure [--no-screenshots]
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

from playwright.sync_api import sync_playwright

from autodiff.lab.server import LabServer
from nn import reference

from .browser import CHROMIUM_ARGS, chromium_path, node_of, open_lab, wait_derivation

DOCS = Path(__file__).resolve().parents[2] / "docs"
FORMULA_4 = "(y-t)*net h1*sigmoid(net h1)*W_20"


def select_and_check(page, name: str, formula: str) -> None:
    """Click the node named ``name``, wait for its derivation, type ``formula``, wait for the verdict."""
    vid = node_of(page, name)
    page.click(f"#n-{vid}")
    wait_derivation(page, vid)
    page.fill("#formula", formula)
    page.wait_for_function("(f) => document.getElementById('verdict').dataset.formula === f", arg=formula)


def measure(page, case: str) -> tuple[list[float], list[float], list[float]]:
    page.select_option("#case-select", case)
    page.click("#case-load")
    page.wait_for_function("(c) => document.getElementById('graph-title').textContent.startsWith(c)", arg=case)
    page.wait_for_selector("#lab[data-ready=true]")
    params = [name for name, _ in reference.build(case).model.named_parameters()]
    clicks, walls, keys = [], [], []
    for name in params:
        vid = node_of(page, name)
        page.fill("#formula", "")
        start = time.perf_counter()
        page.click(f"#n-{vid}")
        wait_derivation(page, vid)
        walls.append((time.perf_counter() - start) * 1000)
        clicks.append(float(page.get_attribute("#derivation", "data-ms")))
        formula = f"{name}*2"
        page.click("#formula")
        page.keyboard.type(formula, delay=20)
        page.wait_for_function("(f) => document.getElementById('verdict').dataset.formula === f", arg=formula)
        keys.append(float(page.get_attribute("#verdict", "data-since-key")))
    return clicks, walls, keys


def main(screenshots: bool = True) -> None:
    server = LabServer().start()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        page = open_lab(browser, server.url + "&case=000")
        print("| document | parameters | click → derivation, median (max), ms | driver's wall clock, median | "
              "last keystroke → verdict, median (max), ms |")
        print("|---|---|---|---|---|")
        for case in ("000", "001", "002", "003", "004"):
            clicks, walls, keys = measure(page, case)
            print(f"| {case} | {len(clicks)} | {statistics.median(clicks):.0f} ({max(clicks):.0f}) | "
                  f"{statistics.median(walls):.0f} | {statistics.median(keys):.0f} ({max(keys):.0f}) |")
        if screenshots:
            DOCS.mkdir(exist_ok=True)
            page.select_option("#case-select", "000")
            page.click("#case-load")
            page.wait_for_function("() => document.getElementById('graph-title').textContent.startsWith('000')")
            select_and_check(page, "b_1", FORMULA_4)
            page.click("#show-derivation")  # folded while the formula box has text
            page.screenshot(path=str(DOCS / "lab_000.png"))
            page.click("#expr-box > summary")
            page.fill("#expr", "tanh(x1*w1 + x2*w2 + b)")
            page.fill("#expr-values", "x1=2, w1=-3, x2=0, w2=1, b=6.8813735870195432")
            page.click("#expr-load")
            page.wait_for_function("() => document.getElementById('graph-title').textContent.startsWith('Your expression')")
            select_and_check(page, "w1", "x1*(1-tanh(x1*w1 + x2*w2 + b)^2)")
            page.click("#zoom")  # fit the whole expression's graph
            page.click("#show-derivation")
            page.screenshot(path=str(DOCS / "lab_expression.png"))
            print(f"screenshots: {DOCS / 'lab_000.png'}, {DOCS / 'lab_expression.png'}")
        browser.close()
    server.close()


if __name__ == "__main__":
    main("--no-screenshots" not in sys.argv)
