"""Helpers for driving the lab's page in Debian's Chromium (Playwright): launch, open, read the page."""

from __future__ import annotations

from typing import Any

from playwright.sync_api import Browser, Page

from tests.autodiff.test_animate_browser import CHROMIUM_ARGS, chromium_path

__all__ = ["CHROMIUM_ARGS", "chromium_path", "open_lab", "node_of", "grad_texts", "wait_derivation"]


def open_lab(browser: Browser, url: str, **context: Any) -> Page:
    """A new page on the lab at ``url``, waiting until its graph is drawn; records console errors and requests."""
    ctx = browser.new_context(**{"viewport": {"width": 1500, "height": 1000}, **context})
    page = ctx.new_page()
    page.errors = []  # type: ignore[attr-defined]
    page.requests = []  # type: ignore[attr-defined]
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    page.on("pageerror", lambda e: page.errors.append(str(e)))  # type: ignore[attr-defined]
    page.on("request", lambda r: page.requests.append(r.url))  # type: ignore[attr-defined]
    page.goto(url)
    page.wait_for_selector("#lab[data-ready=true]", timeout=20000)
    return page


def node_of(page: Page, name: str) -> str:
    """The id of the node named ``name`` in the page's graph (from its node list)."""
    found = page.evaluate("""(name) => Array.from(document.querySelectorAll('#node-select option'))
        .filter(o => o.textContent === name).map(o => o.value)""", name)
    assert len(found) == 1, (name, found)
    return str(found[0])


def grad_texts(page: Page) -> dict[str, str]:
    """Node id -> the text of its grad cell in the drawing."""
    return page.evaluate("""() => Object.fromEntries(Array.from(document.querySelectorAll('#graph text.grad'))
        .map(t => [t.getAttribute('data-node'), t.textContent]))""")


def wait_derivation(page: Page, node: str, form: str = "paths") -> None:
    page.wait_for_selector(f"#derivation[data-node={node}][data-form={form}]", timeout=20000)
