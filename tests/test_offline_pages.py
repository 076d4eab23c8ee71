"""Every page works on an intranet: nothing is loaded from outside the site (no CDN).

For each persona, render every page its menu reaches (plus the login page, the mobile home, the
error pages and the account pages) and fail if the HTML, or a stylesheet it links, references
an http(s) URL on another host in ``src=``, ``href=``, ``action=`` or ``url()``.
"""

from __future__ import annotations

import re
from urllib.parse import urlparse

import pytest
from django.contrib.staticfiles import finders
from django.urls import reverse

from shegong import testing
from shegong.core.perms import Role
from shegong.web.menu import menu_for

ATTR_RE = re.compile(r"""\b(?:src|href|action|poster|data-src)\s*=\s*["']?\s*([^"'\s>]+)""", re.I)
CSS_URL_RE = re.compile(r"""url\(\s*["']?([^"')]+)""", re.I)
IMPORT_RE = re.compile(r"""@import\s+["']([^"']+)""", re.I)
SITE_HOSTS = {"", "testserver"}


def external_urls(text: str) -> list[str]:
    found = ATTR_RE.findall(text) + CSS_URL_RE.findall(text) + IMPORT_RE.findall(text)
    return [
        url
        for url in found
        if url.lower().startswith(("http://", "https://", "//"))
        and urlparse(url if not url.startswith("//") else "http:" + url).hostname not in SITE_HOSTS
    ]


def linked_stylesheets(html: str) -> list[str]:
    return [
        url
        for url in re.findall(r"""<link[^>]+href=["']([^"']+\.css)[^"']*["']""", html)
        if url.startswith("/static/")
    ]


def check_page(client, url: str, seen_css: set[str]) -> list[str]:
    response = client.get(url)
    assert response.status_code < 500, f"{url} → {response.status_code}"
    html = response.content.decode()
    problems = [f"{url}: {u}" for u in external_urls(html)]
    for css in linked_stylesheets(html):
        if css in seen_css:
            continue
        seen_css.add(css)
        path = finders.find(css.removeprefix("/static/"))
        assert path, f"{url} links a stylesheet that does not exist: {css}"
        with open(path, encoding="utf-8") as handle:
            problems += [f"{css}: {u}" for u in external_urls(handle.read())]
    return problems


PERSONAS = [
    "superuser",
    "district_admin",
    "street_a_staff",
    "community_a_worker",
    "handler",
    "resident",
]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_in_the_menu_loads_anything_from_outside(client, request, persona, district):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    urls = {"/", "/m/", "/no-such-page/", reverse("password_change")}
    urls |= {item["url"] for group in menu_for(user, "/") for item in group["items"]}
    if user.has_perm_in_scope("accounts.view"):
        other = testing.user(Role.RESIDENT, district["community_a"], name="离线检查")
        urls.add(reverse("accounts:user", args=[other.pk]))
    if user.has_perm_in_scope("accounts.manage"):
        urls.add(reverse("accounts:user_create"))
    problems: list[str] = []
    seen_css: set[str] = set()
    for url in sorted(urls):
        problems += check_page(client, url, seen_css)
    assert problems == []


def test_the_login_page_loads_nothing_from_outside(client, db):
    assert check_page(client, reverse("login"), set()) == []


def test_the_checker_catches_a_cdn_link():
    html = (
        '<link href="https://cdn.jsdelivr.net/npm/bootstrap.css">'
        "<script src=//unpkg.com/htmx.org></script>"
        '<a href="http://testserver/ok">'
        "<style>.x{background:url('https://example.com/a.png')}</style>"
        "<img src=\"data:image/svg+xml,%3csvg xmlns='http://www.w3.org/2000/svg'%3e\">"
    )
    assert external_urls(html) == [
        "https://cdn.jsdelivr.net/npm/bootstrap.css",
        "//unpkg.com/htmx.org",
        "https://example.com/a.png",
    ]
