"""The workbench's Excel exports: the service records as filtered, and an activity's roster."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.volunteers.actions import attendance, signups
from shegong.volunteers.models import ServiceRecord


def _sheet(response):
    assert response.status_code == 200
    return list(load_workbook(io.BytesIO(response.getvalue())).active.values)


@pytest.fixture
def held(activities_team, activities_member, district):
    """An activity that took place yesterday: one attended, one signed up and absent, one
    waitlisted."""
    start = timezone.now() + timedelta(hours=1)
    activity = testing.activity(activities_team, title="重阳敬老", starts_at=start, quota=2)
    shift = activity.shifts.get()
    absent = testing.volunteer(district["community_a"], name="缺席者", birth="19920202")
    late = testing.volunteer(district["community_a"], name="候补者", birth="19930303")
    for volunteer in (activities_member, absent, late):
        signups.sign_up(shift, volunteer, actor=None)
    at = shift.starts_at + timedelta(minutes=5)
    attendance.check_in(shift, activities_member, at=at, lat=testing.POINT_A[0],
                        lon=testing.POINT_A[1], actor=None)  # fmt: skip
    return activity


def test_the_roster_lists_every_shift_with_attendance_masked_and_audited(
    client, activities_leader, held, activities_member
):
    client.force_login(activities_leader)
    body = client.get(f"/volunteers/activities/{held.pk}/").content.decode()
    assert f"/volunteers/activities/{held.pk}/roster.xlsx" in body
    rows = _sheet(client.get(f"/volunteers/activities/{held.pk}/roster.xlsx"))
    assert rows[0][:5] == ("班次", "序号", "志愿者编号", "姓名", "报名状态")
    body_rows = rows[1:]
    assert [r[4] for r in body_rows] == ["已报名", "已报名", "候补"]
    attended = next(r for r in body_rows if r[2] == activities_member.number)
    assert attended[3] == activities_member.person.name_masked and attended[6]
    assert [r[10] for r in body_rows].count("未签到") == 2
    assert "东关志愿者" not in str(rows)  # names are masked
    event = AuditEvent.objects.get(verb=Verb.RECORDS_EXPORTED)
    assert event.data["table"] == "roster" and event.data["rows"] == 3


def test_another_teams_roster_is_not_found(client, activities_leader, district):
    other = testing.activity(testing.team(district["community_b"], name="西城队"), title="西城活动")
    client.force_login(activities_leader)
    assert client.get(f"/volunteers/activities/{other.pk}/roster.xlsx").status_code == 404
    assert not AuditEvent.objects.filter(verb=Verb.RECORDS_EXPORTED).exists()


def test_the_records_export_follows_the_filters_and_carries_the_national_fields(
    client, hours_leader_user, hours_record, hours_team, hours_member, district
):
    hours_record()
    hours_record(status="approved", content="已确认的服务")
    other = testing.team(district["community_a"], name="别的队伍")
    ServiceRecord.objects.create(
        volunteer=hours_member, team=other, region=other.region, kind="manual",
        status="pending", content="别队补录", served_on=timezone.localdate(), hours=1,
    )  # fmt: skip
    client.force_login(hours_leader_user)
    body = client.get("/volunteers/records/").content.decode()
    assert "/volunteers/records/export/" in body
    rows = _sheet(client.get("/volunteers/records/export/?status=all"))
    header, *data = rows
    assert header[:4] == ("志愿者编号", "姓名", "证件类型", "证件号码")
    assert len(data) == 2 and {r[0] for r in data} == {hours_member.number}
    assert data[0][2] == "居民身份证" and "*" in data[0][3]
    assert data[0][12] == hours_team.name and "别队补录" not in str(rows)
    rows = _sheet(client.get("/volunteers/records/export/?status=approved"))
    assert len(rows) == 2 and rows[1][8] == "已确认的服务"
    assert AuditEvent.objects.filter(verb=Verb.RECORDS_EXPORTED).count() == 2


def test_a_bad_filter_exports_nothing(client, hours_leader_user, hours_record):
    hours_record()
    client.force_login(hours_leader_user)
    response = client.get("/volunteers/records/export/?date_from=昨天")
    assert response.status_code == 302
    assert not AuditEvent.objects.filter(verb=Verb.RECORDS_EXPORTED).exists()


def test_someone_who_runs_no_team_cannot_export(client, resident):
    client.force_login(resident)
    assert client.get("/volunteers/records/export/").status_code == 403
