"""The reports admin: read-only, superusers only, the caller's name and phone masked."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.reports.actions import appointments, keys, templates
from shegong.reports.actions.reports import follow_report, submit_report
from shegong.reports.choices import AppointmentKind, Channel, Status
from shegong.reports.models import Report

CALLER = "张来电"
CALLER_PHONE = "13698765432"


def _url(model, view, *args):
    return reverse(f"admin:reports_{model._meta.model_name}_{view}", args=args)


@pytest.fixture
def rows(category, rider, resident, superuser, district):
    """One row of every reports table: an Open311 case with a caller (routed at once, so it has
    an assignment and events), a follower, a template, an appointment and an API key."""
    report = submit_report(
        actor=None, category=category, description="路口井盖缺失，夜间容易绊倒行人",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1], channel=Channel.OPEN311,
        caller_name=CALLER, caller_phone=CALLER_PHONE,
    )  # fmt: skip
    follow_report(report, actor=resident)
    templates.save_template(
        None, actor=superuser, category=category, status=Status.TRANSFERRED, title="已受理",
        text="您反映的问题已转{{ department }}办理",
    )  # fmt: skip
    appointments.appoint(
        rider, actor=superuser, kind=AppointmentKind.SUPERVISOR, appointed_by="示范区城管局",
        appointed_on=timezone.localdate(), region=district["community_a"],
    )  # fmt: skip
    keys.create_api_key(actor=superuser, name="12345 热线")
    return {"report": report}


def test_every_reports_table_opens_for_a_superuser(client, rows, superuser):
    client.force_login(superuser)
    models = [m for m in admin.site._registry if m._meta.app_label == "reports"]
    assert len(models) == 9
    for model in models:
        row = model._default_manager.first()
        assert row is not None, model  # the fixture made a row of each
        for url in (_url(model, "changelist"), _url(model, "change", row.pk)):
            response = client.get(url)
            assert response.status_code == 200, url
            body = response.content.decode()
            assert CALLER not in body and CALLER_PHONE not in body, url


def test_the_caller_is_masked_and_the_description_stays_off_the_list(client, rows, superuser):
    report = rows["report"]
    client.force_login(superuser)
    listing = client.get(_url(Report, "changelist")).content.decode()
    page = client.get(_url(Report, "change", report.pk)).content.decode()
    for body in (listing, page):
        assert CALLER not in body and CALLER_PHONE not in body
        assert "张**（136****5432）" in body
        assert report.number in body
    assert "路口井盖缺失" not in listing and "路口井盖缺失" in page
    # The case number is an exact search, zero-padded or not; words find nothing.
    for term, hits in ((report.number, 1), (str(report.pk), 1), ("井盖", 0), ("9" * 40, 0)):
        response = client.get(_url(Report, "changelist"), {"q": term})
        assert response.status_code == 200
        assert response.context["cl"].result_count == hits, term


def test_the_reports_admin_adds_and_deletes_nothing(client, rows, superuser):
    report = rows["report"]
    client.force_login(superuser)
    assert client.get(_url(Report, "add")).status_code == 403
    assert client.get(_url(Report, "delete", report.pk)).status_code == 403
    assert client.post(_url(Report, "change", report.pk), {"status": "closed"}).status_code == 403
    report.refresh_from_db()
    assert report.status == Status.TRANSFERRED


def test_staff_without_superuser_cannot_open_the_reports_admin(client, rows, street_a_staff):
    street_a_staff.is_staff = True
    street_a_staff.save()
    client.force_login(street_a_staff)
    assert client.get(_url(Report, "changelist")).status_code in (302, 403)
    assert client.get(_url(Report, "change", rows["report"].pk)).status_code in (302, 403)
