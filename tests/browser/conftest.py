"""Playwright for Python driving Debian's chromium against pytest-django's live server."""

from __future__ import annotations

import os
import shutil

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    if executable is None:
        pytest.skip("chromium is not installed (apt-get install chromium fonts-noto-cjk)")
    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between page actions are plain synchronous calls, so Django's async guard is lifted.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


# Runs before any script of the page (Playwright's init scripts are not subject to the page's
# Content-Security-Policy): every refusal is logged, whichever resource it was.
CSP_WATCH = """
document.addEventListener("securitypolicyviolation", function (event) {
  console.error("Content Security Policy violation: " + event.violatedDirective + " "
    + event.blockedURI + " " + (event.sourceFile || "") + ":" + (event.lineNumber || ""));
});
"""


def watch_csp(context, refused: list[str] | None = None) -> list[str]:
    """Collect every Content-Security-Policy refusal in the context's pages: the browser's own
    console message ("Refused to … because it violates the following Content Security Policy
    directive") and the ``securitypolicyviolation`` event."""
    refused = [] if refused is None else refused
    context.add_init_script(CSP_WATCH)
    context.on(
        "console",
        lambda message: (
            refused.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return refused


@pytest.fixture
def csp_refused() -> list[str]:
    """The refusals in the ``page`` fixture's context so far (it fails the test on any anyway)."""
    return []


@pytest.fixture
def page(browser, live_server, csp_refused):
    context = browser.new_context(
        base_url=live_server.url, locale="zh-CN", viewport={"width": 1366, "height": 800}
    )
    watch_csp(context, csp_refused)
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()
    assert csp_refused == [], "the Content-Security-Policy refused something"


def image_decoded(locator) -> bool:
    """Wait until the image has loaded and report whether it decoded to real pixels.

    `naturalWidth` is 0 until the browser has fetched the file, so reading it straight after
    navigation races the image request.
    """
    locator.wait_for(state="attached")
    return locator.evaluate(
        "img => img.complete ? img.naturalWidth > 0 : img.decode().then(() => img.naturalWidth > 0,"
        " () => false)"
    )
