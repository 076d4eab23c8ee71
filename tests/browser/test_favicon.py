"""The favicon in a real browser: the tab's icon loads, and no page asks for a missing file."""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("path", ["/accounts/login/", "/public/cases/", "/m/stations/"])
def test_the_page_links_an_icon_that_loads(page, district, path):
    failed: list[str] = []
    page.on("response", lambda r: failed.append(f"{r.status} {r.url}") if r.status >= 400 else None)
    page.goto(path)
    href = page.locator('link[rel="icon"]').get_attribute("href")
    assert href and href.endswith(".svg")
    status, kind = page.evaluate(
        "href => fetch(href).then(r => [r.status, r.headers.get('content-type')])", href
    )
    assert status == 200 and kind.startswith("image/svg+xml")
    # What a browser fetches by itself when a page names no icon (a PDF, an API answer).
    assert page.request.get("/favicon.ico").status == 200
    assert failed == []
