"""The Content-Security-Policy (issue 12, finding 6): every page carries it with a fresh nonce, and
no page needs more than it allows — no inline script, no inline event handler, no ``<style>``
element, nothing from another host. The browser side (nothing refused, the scripts still work)
is tests/browser/test_csp.py; every browser test also fails on a refused resource (conftest).
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.test import override_settings
from django.urls import reverse

import shegong
from shegong import testing
from shegong.core.perms import Role
from shegong.stations.tests.visit_fixtures import worker
from shegong.web.menu import menu_for
from shegong.web.middleware import content_security_policy, tile_sources

from .test_offline_pages import PERSONAS

NONCE_RE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{20,})'")


def policy(response) -> dict[str, list[str]]:
    header = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in header.split(";") if part.strip())
    }


class InlineCode(HTMLParser):
    """Collects what a strict policy refuses: inline scripts (other than JSON data or one carrying
    the request's nonce), on* handler attributes, javascript: URLs and <style> elements."""

    def __init__(self, nonce: str):
        super().__init__()
        self.nonce = nonce
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script" and not (
            values.get("src")
            or values.get("type") == "application/json"
            or (self.nonce and values.get("nonce") == self.nonce)
        ):
            self.found.append(f"inline <script {attrs}>")
        if tag == "style":
            self.found.append("<style> element")
        for name, value in attrs:
            if name.startswith("on") or name.startswith("hx-on"):
                self.found.append(f"<{tag} {name}=…>")
            if name in ("href", "src", "action") and (value or "").strip().lower().startswith(
                "javascript:"
            ):
                self.found.append(f"<{tag} {name}=javascript:…>")


def inline_code(html: str, nonce: str = "") -> list[str]:
    parser = InlineCode(nonce)
    parser.feed(html)
    return parser.found


def check(client, url: str) -> list[str]:
    response = client.get(url)
    assert response.status_code < 500, f"{url} → {response.status_code}"
    if not response["Content-Type"].startswith("text/html"):
        return []
    match = NONCE_RE.search(response.get("Content-Security-Policy", ""))
    if match is None:
        return [f"{url}: no Content-Security-Policy with a nonce"]
    return [f"{url}: {p}" for p in inline_code(response.content.decode(), match.group(1))]


def test_a_page_carries_the_policy_with_a_fresh_nonce(client, street_a_staff):
    client.force_login(street_a_staff)
    first, second = client.get("/"), client.get("/")
    rules = policy(first)
    assert rules["default-src"] == ["'self'"]
    assert rules["script-src"][0] == "'self'" and rules["script-src"][1].startswith("'nonce-")
    assert not {"'unsafe-inline'", "'unsafe-eval'"} & set(rules["script-src"])
    assert rules["style-src"] == ["'self'"]
    assert rules["style-src-attr"] == ["'unsafe-inline'"]
    assert rules["img-src"] == ["'self'", "data:", "blob:"]  # no map key: no tile server
    assert rules["connect-src"] == ["'self'"] and rules["font-src"] == ["'self'"]
    assert rules["object-src"] == ["'none'"] and rules["frame-ancestors"] == ["'none'"]
    assert rules["base-uri"] == ["'self'"] and rules["form-action"] == ["'self'"]
    assert policy(second)["script-src"][1] != rules["script-src"][1]


def test_anonymous_and_error_pages_carry_it_too(client, db):
    for url, status in ((reverse("login"), 200), ("/no-such-page/", 404), ("/", 302)):
        response = client.get(url)
        assert response.status_code == status
        if response["Content-Type"].startswith("text/html"):
            assert NONCE_RE.search(response["Content-Security-Policy"]), url


def test_the_nonce_is_on_the_request_for_a_template(rf):
    from shegong.web.middleware import ContentSecurityPolicyMiddleware

    seen = {}

    def view(request):
        from django.http import HttpResponse

        seen["nonce"] = request.csp_nonce
        return HttpResponse(f'<script nonce="{request.csp_nonce}"></script>')

    response = ContentSecurityPolicyMiddleware(view)(rf.get("/"))
    assert f"'nonce-{seen['nonce']}'" in response["Content-Security-Policy"]


@override_settings(DEBUG=True)
def test_django_debug_pages_are_left_alone(rf):
    """Django's technical 404/500 pages (DEBUG only) are inline scripts and styles."""
    from django.http import HttpResponse

    from shegong.web.middleware import ContentSecurityPolicyMiddleware

    for status, has_policy in ((404, False), (500, False), (200, True), (403, True)):
        response = ContentSecurityPolicyMiddleware(lambda r: HttpResponse(status=status))(
            rf.get("/")
        )
        assert response.has_header("Content-Security-Policy") is has_policy, status


def test_json_answers_are_left_alone(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/api/v1/openapi.json")
    assert response["Content-Type"].startswith("application/json")
    assert not response.has_header("Content-Security-Policy")


@override_settings(SHEGONG_MAP_TK="secret-key")
def test_map_tiles_are_allowed_only_from_the_configured_tile_server(client, db):
    assert tile_sources() == ["https://*.tianditu.gov.cn"]
    img = policy(client.get(reverse("login")))["img-src"]
    assert img == ["'self'", "data:", "blob:", "https://*.tianditu.gov.cn"]


@override_settings(
    SHEGONG_MAP_TK="k",
    SHEGONG_MAP_TILES=[
        "https://tiles.example.org:8443/{z}/{x}/{y}.png",
        "http://{s}.tile.example.net/{z}/{x}/{y}.png",
        "https://{s}.com/{z}",  # would be "*.com": refused
        "ftp://odd.example/{z}",
    ],
)
def test_tile_sources_follow_the_setting():
    assert tile_sources() == ["https://tiles.example.org:8443", "http://*.tile.example.net"]


@override_settings(SHEGONG_MAP_TK="", SHEGONG_MAP_TILES=["https://t{s}.example.org/x"])
def test_no_tile_source_without_a_key():
    assert tile_sources() == []
    assert "example.org" not in content_security_policy("n")


def test_the_checker_catches_inline_code():
    html = (
        "<script>alert(1)</script><script src=/static/a.js></script>"
        '<script type="application/json" id="d">{}</script><script nonce="abc">ok()</script>'
        '<button onclick="x()">b</button><a href="javascript:void(0)">a</a><style>p{}</style>'
        '<div hx-on:click="x()"></div>'
    )
    assert len(inline_code(html, "abc")) == 5
    assert len(inline_code(html, "")) == 6  # the nonced one too


TEMPLATES = sorted(Path(shegong.__file__).parent.glob("*/templates/**/*.html"))
SCRIPT_RE = re.compile(r"<script\b(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I)
HANDLER_RE = re.compile(r"<[a-zA-Z][^>]*?\s(?:on[a-z]+|hx-on[:a-z-]*)\s*=", re.I)
STYLE_RE = re.compile(r"<style\b", re.I)


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_no_template_has_inline_script_handlers_or_style_elements(path):
    source = path.read_text(encoding="utf-8")
    assert SCRIPT_RE.findall(source) == []
    assert HANDLER_RE.findall(source) == []
    assert STYLE_RE.findall(source) == []


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_page_in_the_menu_has_inline_code(client, request, persona, district):
    user = request.getfixturevalue(persona)
    client.force_login(user)
    urls = {"/", "/m/", "/no-such-page/", reverse("password_change")}
    urls |= {item["url"] for group in menu_for(user, "/") for item in group["items"]}
    problems: list[str] = []
    for url in sorted(urls):
        problems += check(client, url)
    assert problems == []


def test_the_pages_whose_scripts_moved_to_files_have_no_inline_code(
    client, district, street_a_staff, department_a, handler
):
    from shegong.reports.actions.reports import submit_report

    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    report = submit_report(
        actor=rider, category=category, description="路面坑洼", lat=testing.POINT_A[0],
        lon=testing.POINT_A[1],
    )  # fmt: skip
    team = testing.team(district["community_a"], name="东关志愿服务队")
    shift = testing.activity(team, title="河道清理").shifts.get()
    anonymous = [
        reverse("login"),
        reverse("reports_public:list"),
        reverse("reports_public:detail", args=[report.pk]),
        reverse("stations_public:map"),
        reverse("stations_m:m_nearest"),
    ]
    problems: list[str] = []
    for url in anonymous:
        problems += check(client, url)
    client.force_login(street_a_staff)
    staff = [
        reverse("reports:detail", args=[report.pk]),
        reverse("reports:queue"),
        reverse("reports:board"),
        reverse("stations:new"),
        reverse("stations:visits"),
        reverse("ledger:coverage"),
        reverse("volunteers:statistics"),
        reverse("volunteers:activity_qr", args=[shift.pk]),
    ]
    for url in staff:
        assert client.get(url).status_code == 200, url
        problems += check(client, url)
    client.force_login(worker(district["community_a"], name="王小骑").person.user)
    for url in (reverse("stations_m:worker"), reverse("volunteers_m:activities")):
        assert client.get(url).status_code == 200, url
        problems += check(client, url)
    assert problems == []
