"""No English or internal text in the UI (issue 13, part 6): every page a demo role reaches from
its menu and its phone home, one detail page of each kind linked from those lists, and the
public pages show only Chinese words in their visible text. Allowed: words that are names of
formats, units and protocols people know as such (``ALLOWED``), anything with a digit (codes,
IDs, serials, masked phones), web addresses, the ``{{ placeholder }}`` of reply templates, and
what a person typed into a field (``textarea``, ``code``)."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from shegong.accounts.models import User
from shegong.core import demo
from shegong.testing import Client
from shegong.web.menu import menu_for

pytestmark = pytest.mark.django_db

ALLOWED = {
    # formats, units and technical names shown on purpose
    "Excel", "xlsx", "csv", "CSV", "GBK", "UTF", "PDF", "PNG", "JPEG", "WebP", "MB", "KB",
    "QR", "GPS", "API", "App", "H5", "GeoReport", "Open311", "AGPL", "WGS", "GCJ", "BD",
    "Wi-Fi", "WiFi", "HTTP", "HTTPS", "IP", "ID", "TOTP",
    # the extensions of uploaded file names (core.documents accepts these)
    "pdf", "jpg", "jpeg", "png", "webp", "doc", "docx", "xls", "ppt", "pptx", "odt", "ods",
}  # fmt: skip

# Phones of the demo logins (accounts.demo): every role once.
PHONES = [f"138000000{n:02d}" for n in range(19)]
PUBLIC = ["/public/cases/", "/public/stations/", "/public/activities/", "/public/volunteers/stars/"]
TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.\-]*")
IGNORED = re.compile(r"https?://\S+|\{\{\s*\w+\s*\}\}")
DETAIL = re.compile(r'href="(/[a-z\-/]+/\d+/)"')
MOBILE = re.compile(r'href="(/m/[a-z\-/]*)"')


class VisibleText(HTMLParser):
    """The text a person reads: no tags, attributes, scripts, styles, or typed-in values."""

    SKIP = frozenset({"script", "style", "template", "textarea", "code", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.skipping = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.SKIP:
            self.skipping += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.parts.append(data)


def english_words(html: str) -> set[str]:
    parser = VisibleText()
    parser.feed(html)
    text = IGNORED.sub(" ", " ".join(parser.parts))
    return {
        token
        for token in TOKEN.findall(text)
        if re.search("[A-Za-z]", token) and not re.search("[0-9]", token)
    } - ALLOWED


def pages_of(client: Client, start: list[str]) -> dict[str, set[str]]:
    """The English words of each page in ``start`` and of the first detail page of each kind
    (and each phone page) it links to."""
    found: dict[str, set[str]] = {}
    kinds: set[str] = set()
    queue = list(start)
    for url in queue:
        if url in found:
            continue
        response = client.get(url)
        found[url] = set()
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        html = response.content.decode()
        found[url] = english_words(html)
        if url in start:
            for link in [*DETAIL.findall(html), *MOBILE.findall(html)]:
                kind = re.sub(r"\d+", "N", link)
                if kind not in kinds:
                    kinds.add(kind)
                    queue.append(link)
    return found


def test_the_pages_of_every_demo_role_and_the_public_show_no_english_words(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    demo.load("small")
    problems: dict[str, set[str]] = {}
    visited = 0
    for phone in PHONES:
        user = User.objects.get(phone=phone)
        client = Client()
        client.force_login(user)
        start = ["/", "/m/"] + [
            item["url"] for group in menu_for(user, "/") for item in group["items"]
        ]
        pages = pages_of(client, start)
        visited += len(pages)
        for url, words in pages.items():
            if words:
                problems[f"{phone} {url}"] = words
    for url, words in pages_of(Client(), PUBLIC).items():
        if words:
            problems[f"public {url}"] = words
    assert visited > 200  # every role's pages, not a login redirect
    assert problems == {}


def test_the_visible_text_is_what_a_person_reads():
    html = (
        '<p title="title">详见 docs/rules.md；导出 Excel（<span>cli</span>）</p>'
        "<script>var x = 1;</script><textarea>yes=是</textarea><code>road-damage</code>"
        "<p>编号 {{ number }}，核验 https://example.org/x 与 9134120MA2T</p>"
    )
    assert english_words(html) == {"docs", "rules.md", "cli"}
