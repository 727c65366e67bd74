"""Saves docs/lab_practice.png: the lab's Practice tab on document 000, a wrong answer diagnosed.

    .venv/bin/python -m tests.lab.practice_screenshot
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import sync_playwright

from autodiff.lab.server import LabServer

from .browser import CHROMIUM_ARGS, chromium_path, open_lab

DOCS = Path(__file__).resolve().parents[2] / "docs"


def main() -> None:
    lab = LabServer().start()
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            page = open_lab(browser, lab.url + "&case=000")
            page.click("#tab-practice")
            page.wait_for_selector("#practice-panel[data-ready=true]", timeout=20000)
            page.fill("#practice-answer", "-0.0764")  # document 000's formula ④ as a number: one path of three
            page.press("#practice-answer", "Enter")
            page.wait_for_selector("#practice-verdict[data-status]", timeout=20000)
            page.screenshot(path=str(DOCS / "lab_practice.png"))
            browser.close()
        print(f"screenshot: {DOCS / 'lab_practice.png'}")
    finally:
        lab.close()


if __name__ == "__main__":
    main()
