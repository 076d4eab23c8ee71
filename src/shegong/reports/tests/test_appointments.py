"""Appointments of 城市流动监督员 / 红骑网格员: the list with each one's report count and valid-
report rate, appointing by phone, ending, the Excel export, and scope."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.reports import metrics
from shegong.reports.actions.reports import merge_reports, reject_report, submit_report
from shegong.reports.choices import AppointmentKind, RejectReason
from shegong.reports.models import Appointment, Report

pytestmark = pytest.mark.django_db

LIST = reverse("reports:appointments")
APPOINT = reverse("reports:appoint")
EXPORT = reverse("reports:appointments_export")


def end_url(appointment) -> str:
    return reverse("reports:appointment_end", args=[appointment.pk])


def appoint(user, region, *, kind=AppointmentKind.SUPERVISOR, on=None, by=None):
    return Appointment.objects.create(
        user=user, kind=kind, appointed_by="示范区城管局", region=region,
        appointed_on=on or timezone.localdate() - timedelta(days=30),
    )  # fmt: skip


def submit(rider, category):
    return submit_report(
        actor=rider, category=category, description="占道经营",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip


@pytest.fixture
def reports(rider, category, unrouted_category, dispatcher):
    """The rider's reports while in office: a routed one, one rejected as invalid, one rejected
    as not ours (a real problem: valid), one merged as a duplicate; and one before the
    appointment, which does not count."""
    main = submit(rider, category)
    invalid = submit(rider, unrouted_category)
    reject_report(invalid, actor=dispatcher, reason=RejectReason.INVALID, note="无效")
    not_ours = submit(rider, unrouted_category)
    reject_report(not_ours, actor=dispatcher, reason=RejectReason.NOT_OURS, note="转12345")
    duplicate = submit(rider, unrouted_category)
    merge_reports(duplicate, into=main, actor=dispatcher)
    before = submit(rider, category)
    Report.objects.filter(pk=before.pk).update(submitted_at=timezone.now() - timedelta(days=90))
    return main


def test_report_count_and_valid_rate_count_the_reports_made_in_office(district, rider, reports):
    appoint(rider, district["community_a"])
    row = metrics.with_report_counts(Appointment.objects.all()).get()
    assert (row.report_count, row.invalid_count) == (4, 2)
    assert metrics.valid_rate(row.report_count, row.invalid_count) == 50.0


def test_an_ended_appointment_counts_only_up_to_its_end(district, rider, category):
    appointment = appoint(rider, district["community_a"], on=date(2026, 1, 1))
    appointment.active, appointment.ended_on = False, date(2026, 1, 31)
    appointment.save()
    inside, after = submit(rider, category), submit(rider, category)
    Report.objects.filter(pk=inside.pk).update(
        submitted_at=timezone.make_aware(timezone.datetime(2026, 1, 31, 23, 30))
    )
    Report.objects.filter(pk=after.pk).update(
        submitted_at=timezone.make_aware(timezone.datetime(2026, 2, 1, 0, 30))
    )
    row = metrics.with_report_counts(Appointment.objects.all()).get()
    assert row.report_count == 1
    assert metrics.valid_rate(0, 0) is None


def test_the_list_shows_masked_appointees_with_their_numbers(
    client, district, district_admin, rider, reports
):
    appoint(rider, district["community_a"])
    client.force_login(district_admin)
    response = client.get(LIST)
    assert response.status_code == 200
    html = response.content.decode()
    assert str(rider) in html  # masked name and phone
    assert rider.name not in html and rider.phone not in html
    assert "城市流动监督员" in html and "50.0%" in html
    assert 'id="appoint-form"' in html


def test_filters_by_kind_active_and_region(client, district, district_admin):
    first = testing.user("worker", district["community_a"], name="骑手甲")
    second = testing.user("worker", district["community_b"], name="骑手乙")
    appoint(first, district["community_a"])
    ended = appoint(second, district["community_b"], kind=AppointmentKind.GRID_RIDER)
    ended.active = False
    ended.save()
    client.force_login(district_admin)

    def shown(**params):
        html = client.get(LIST, params).content.decode()
        return {u.name for u in (first, second) if str(u) in html}

    assert shown() == {"骑手甲"}  # in office by default
    assert shown(active="") == {"骑手甲", "骑手乙"}
    assert shown(active="0") == {"骑手乙"}
    assert shown(active="", kind="grid_rider") == {"骑手乙"}
    assert shown(active="", region=district["street_a"].code) == {"骑手甲"}


def test_appointing_by_phone_calls_the_action(client, district, district_admin, rider):
    client.force_login(district_admin)
    response = client.post(APPOINT, {
        "phone": rider.phone, "kind": "grid_rider", "appointed_by": "示范区总工会",
        "appointed_on": "2026-03-01", "region": district["community_a"].code,
    })  # fmt: skip
    assert response.status_code == 302
    appointment = Appointment.objects.get()
    assert (appointment.user, appointment.kind, appointment.region) == (
        rider,
        "grid_rider",
        district["community_a"],
    )
    assert AuditEvent.objects.filter(verb=Verb.APPOINTMENT_SAVED).exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"phone": "1380000"}, "请输入11位手机号"),
        ({"phone": "13999999999"}, "未找到该手机号的用户"),
        ({"appointed_by": ""}, "这个字段是必填项"),
        ({"appointed_on": "2026-02-30"}, "日期格式应为"),
        ({"region": "999999999999"}, "所选区划不在您的工作范围内"),
        ({"kind": "boss"}, "选择一个有效的选项"),
    ],
)
def test_bad_appointment_input_is_a_422_and_nothing_is_written(
    client, district, district_admin, rider, change, message
):
    client.force_login(district_admin)
    data = {
        "phone": rider.phone, "kind": "supervisor", "appointed_by": "示范区城管局",
        "appointed_on": "2026-03-01", "region": district["community_a"].code, **change,
    }  # fmt: skip
    response = client.post(APPOINT, data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not Appointment.objects.exists()


def test_a_second_appointment_of_the_same_kind_is_refused(client, district, district_admin, rider):
    appoint(rider, district["community_a"])
    client.force_login(district_admin)
    response = client.post(APPOINT, {
        "phone": rider.phone, "kind": "supervisor", "appointed_by": "示范区城管局",
        "appointed_on": "2026-03-01", "region": district["community_a"].code,
    })  # fmt: skip
    assert response.status_code == 422
    assert "此人已在任" in response.content.decode()
    assert Appointment.objects.count() == 1


def test_ending_an_appointment(client, district, district_admin, rider):
    appointment = appoint(rider, district["community_a"])
    client.force_login(district_admin)
    response = client.post(end_url(appointment), {"ended_on": timezone.localdate().isoformat()})
    assert response.status_code == 302
    appointment.refresh_from_db()
    assert not appointment.active and appointment.ended_on == timezone.localdate()
    assert AuditEvent.objects.filter(verb=Verb.APPOINTMENT_ENDED).exists()
    response = client.post(end_url(appointment))
    assert response.status_code == 422 and "该聘任已结束" in response.content.decode()


def test_an_end_date_before_the_appointment_is_refused(client, district, district_admin, rider):
    appointment = appoint(rider, district["community_a"], on=date(2026, 3, 1))
    client.force_login(district_admin)
    response = client.post(end_url(appointment), {"ended_on": "2026-02-01"})
    assert response.status_code == 422
    assert "解聘日期不能早于聘任日期" in response.content.decode()
    appointment.refresh_from_db()
    assert appointment.active


def test_viewers_without_the_configure_permission_see_but_cannot_appoint_or_end(
    client, district, street_a_staff, rider
):
    appointment = appoint(rider, district["community_a"])
    client.force_login(street_a_staff)
    html = client.get(LIST).content.decode()
    assert str(rider) in html
    assert 'id="appoint-form"' not in html and end_url(appointment) not in html
    assert client.post(APPOINT, {"phone": rider.phone}).status_code == 403
    assert client.post(end_url(appointment)).status_code == 403
    assert Appointment.objects.get().active


def test_an_outsider_sees_no_appointment_of_another_street(client, district, street_b_staff, rider):
    appointment = appoint(rider, district["community_a"])
    client.force_login(street_b_staff)
    assert str(rider) not in client.get(LIST, {"active": ""}).content.decode()
    assert client.post(end_url(appointment)).status_code == 404
    assert Appointment.objects.get().active


def test_a_field_user_cannot_open_the_list(client, rider):
    client.force_login(rider)
    assert client.get(LIST).status_code == 403


def test_the_list_exports_to_excel_masked_and_audited(
    client, district, district_admin, rider, reports
):
    appoint(rider, district["community_a"])
    client.force_login(district_admin)
    response = client.get(EXPORT)
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "人员" and rows[0][-1] == "有效上报率（%）"
    assert rows[1][0] == str(rider) and rider.phone not in rows[1][0]
    assert rows[1][-3:] == (4, 2, 50)
    event = AuditEvent.objects.get(verb=Verb.REPORTS_EXPORTED)
    assert event.data == {"list": "appointments", "rows": 1}


def test_the_list_counts_in_a_fixed_number_of_queries(
    client, district, district_admin, django_assert_max_num_queries
):
    for n in range(5):
        appoint(
            testing.user("worker", district["community_a"], name=f"骑手{n}"), district["grid_a"]
        )
    client.force_login(district_admin)
    with django_assert_max_num_queries(12):
        client.get(LIST)
