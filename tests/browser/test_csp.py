"""The Content-Security-Policy in a real browser: the pages that script the most load under it with
nothing refused (the ``page`` fixture collects every refusal) and their scripts, now static
files, still work — charts drawn, map markers placed, countdowns ticking, confirmations asked,
the phone menu opening."""

from __future__ import annotations

import re

import pytest

from shegong import testing
from shegong.core.perms import Role
from shegong.reports.actions.reports import submit_report
from shegong.stations.models import Facility, Worker
from shegong.stations.tests.visit_fixtures import station, worker

from .test_workbench import log_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def policy_of(response) -> str:
    header = response.headers.get("content-security-policy", "")
    assert re.search(r"script-src 'self' 'nonce-[\w-]+'", header), header
    return header


@pytest.fixture
def case(district, department_a):
    rider = testing.user(Role.WORKER, district["community_a"], name="骑手小王")
    category = testing.report_category()
    testing.routing_rule(category, district["district"], department_a)
    lat, lon = testing.POINT_A
    return submit_report(actor=rider, category=category, description="路面坑洼", lat=lat, lon=lon)


def test_the_board_charts_and_the_case_countdown_run_under_the_policy(
    page, csp_refused, district, case
):
    dispatcher = testing.user(Role.DISPATCHER, district["district"], name="区指挥中心派单员")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, dispatcher.phone)
    page.wait_for_url(re.compile(r"/$"))

    policy_of(page.goto("/reports/board/"))
    # htmx read its config from the meta tag: no eval, no injected indicator style element.
    assert page.evaluate("[htmx.config.allowEval, htmx.config.includeIndicatorStyles]") == [
        False,
        False,
    ]
    page.locator("#chart-departments canvas").first.wait_for()
    page.locator("#chart-trend canvas").first.wait_for()

    # The countdown script ticks: two hours on, the time left shown is two hours less.
    page.clock.install()
    policy_of(page.goto(f"/reports/{case.pk}/"))
    countdown = page.locator("[data-deadline] .sg-countdown-text").first
    before = countdown.inner_text()
    page.clock.fast_forward("02:00:00")
    page.wait_for_function(
        "text => document.querySelector('[data-deadline] .sg-countdown-text').textContent !== text",
        arg=before,
    )
    assert countdown.inner_text() != before

    # On a phone the menu button opens the sidebar (a listener, no longer onclick=).
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto("/")
    assert not page.locator("#sg-sidebar").is_visible()
    page.get_by_role("button", name="菜单").click()
    page.locator("#sg-sidebar").wait_for(state="visible")
    assert errors == [] and csp_refused == []


def test_the_qr_page_counts_down_and_a_confirmation_still_asks(
    page, csp_refused, district, street_a_staff
):
    team = testing.team(district["community_a"], name="东关志愿服务队")
    shift = testing.activity(team, title="河道清理").shifts.get()
    rider = worker(district["community_a"], name="王小骑")
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    log_in(page, street_a_staff.phone)
    page.wait_for_url(re.compile(r"/$"))

    # The big-screen QR page: the countdown is written by the script; a rotating code offers
    # no print button (a printed one would soon be useless).
    policy_of(page.goto(f"/volunteers/activities/shifts/{shift.pk}/qr/"))
    page.wait_for_function(
        "document.getElementById('qr-countdown').textContent.includes('秒后更新')"
    )
    assert page.get_by_role("button", name="打印").count() == 0

    # A form with data-confirm asks first: dismissed, nothing is posted; accepted, it is.
    page.goto(f"/stations/workers/{rider.pk}/")
    page.locator("#withdraw-reason").fill("本人申请撤回同意")
    asked: list[str] = []

    def answer(dialog, accept: bool) -> None:
        asked.append(dialog.message)
        dialog.accept() if accept else dialog.dismiss()

    page.once("dialog", lambda dialog: answer(dialog, False))
    page.locator("#worker-withdraw").get_by_role("button").click()
    page.wait_for_timeout(300)
    assert asked == ["注销后该档案将匿名化，不能撤销。确定注销登记？"]
    assert Worker.objects.get(pk=rider.pk).person is not None
    page.once("dialog", lambda dialog: answer(dialog, True))
    page.locator("#worker-withdraw").get_by_role("button").click()
    page.get_by_text("已注销登记").wait_for()
    assert len(asked) == 2 and Worker.objects.get(pk=rider.pk).person is None

    # Service counts: both charts drawn.
    policy_of(page.goto("/stations/visits/"))
    page.locator("#chart-months canvas").first.wait_for()
    page.locator("#chart-facilities canvas").first.wait_for()
    assert errors == [] and csp_refused == []


def test_the_public_maps_draw_their_markers_under_the_policy(page, csp_refused, district, case):
    # A transactional test starts from flushed tables: seed the facilities the station offers.
    for order, (code, name) in enumerate([("water", "饮水"), ("charging", "充电")]):
        Facility.objects.get_or_create(code=code, defaults={"name": name, "order": order})
    lat, lon = testing.POINT_A
    station("东关一号驿站", (lat + 0.002, lon))
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    header = policy_of(page.goto("/public/cases/"))
    assert "img-src 'self' data: blob:;" in header  # no map key: no tile server allowed
    page.wait_for_selector("#case-map[data-ready='1']")
    assert page.locator("#case-map path.leaflet-interactive").count() >= 1
    policy_of(page.goto("/public/stations/"))
    page.wait_for_selector("#station-map[data-ready='1']")
    assert page.locator("#station-map path.leaflet-interactive").count() == 1
    assert errors == [] and csp_refused == []


def test_an_inline_script_would_be_refused_and_reported(page, csp_refused, db):
    """The watch itself: a page that runs an inline script under the policy is caught."""
    page.goto("/accounts/login/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.ran = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_timeout(300)
    assert page.evaluate("window.ran") is None
    assert any("Content Security Policy" in text for text in csp_refused)
    csp_refused.clear()  # expected here; the fixture fails on any other


def test_the_api_docs_and_the_admin_load_under_the_policy(page, csp_refused, superuser):
    log_in(page, superuser.phone)
    page.wait_for_url(re.compile(r"/$"))
    policy_of(page.goto("/api/v1/docs"))
    # Swagger UI rendered the operations (the schema takes a while on a busy machine).
    page.locator("#swagger-ui .opblock").first.wait_for(state="attached", timeout=30_000)
    for url in ("/admin/", "/admin/accounts/user/", "/admin/accounts/user/add/"):
        policy_of(page.goto(url))
    page.wait_for_timeout(300)
    assert csp_refused == []
