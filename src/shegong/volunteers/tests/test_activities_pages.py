"""The activity pages: the team workbench (list, form, detail, review, QR, correction), the
volunteer's H5 pages and the public list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.volunteers.actions import attendance
from shegong.volunteers.models import Activity, ServiceRecord, Signup

AT = "%Y-%m-%dT%H:%M"


@pytest.fixture
def upcoming(activities_team):
    return testing.activity(
        activities_team, title="东关敬老院陪伴", starts_at=timezone.now() + timedelta(days=1),
        quota=1,
    )  # fmt: skip


@pytest.fixture
def street_b_activity(district):
    team = testing.team(district["community_b"], name="西城志愿服务队")
    return testing.activity(
        team, title="西城河道清理", point=testing.POINT_B,
        starts_at=timezone.now() + timedelta(days=1),
    )  # fmt: skip


def _form(team, **over):
    start = timezone.localtime() + timedelta(days=3)
    data = {
        "team": team.pk, "title": "社区义剪", "category": "elderly", "address": "东关广场",
        "lat": testing.POINT_A[0], "lon": testing.POINT_A[1], "crs": "wgs84", "radius_m": 300,
        "starts_at": f"{start:{AT}}", "ends_at": f"{start + timedelta(hours=4):{AT}}",
        "quota": 6,
    }  # fmt: skip
    data.update(over)
    return data


# --- the workbench ---------------------------------------------------------------------------


def test_street_staff_list_their_street_only(client, street_a_staff, upcoming, street_b_activity):
    client.force_login(street_a_staff)
    body = client.get("/volunteers/activities/").content.decode()
    assert "东关敬老院陪伴" in body and "西城河道清理" not in body
    assert client.get(f"/volunteers/activities/{street_b_activity.pk}/").status_code == 404


def test_a_leader_without_a_workbench_role_sees_the_own_team(
    client, activities_leader, upcoming, street_b_activity, district
):
    other = testing.activity(testing.team(district["community_a"], name="别队"), title="别队活动")
    client.force_login(activities_leader)
    body = client.get(f"/volunteers/activities/?team={upcoming.team_id}").content.decode()
    assert "东关敬老院陪伴" in body and "别队活动" not in body
    assert client.get(f"/volunteers/activities/{upcoming.pk}/").status_code == 200
    assert client.get(f"/volunteers/activities/{other.pk}/").status_code == 404


def test_the_list_reads_a_fixed_number_of_queries(client, street_a_staff, activities_team):
    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as captured:
            assert client.get("/volunteers/activities/").status_code == 200
        return len(captured)

    client.force_login(street_a_staff)
    testing.activity(activities_team, title="活动0")
    few = count()
    for n in range(1, 8):
        testing.activity(activities_team, title=f"活动{n}")
    assert count() == few


def test_residents_get_403(client, resident):
    client.force_login(resident)
    assert client.get("/volunteers/activities/").status_code == 403


def test_a_leader_creates_an_activity_with_two_shifts(client, activities_leader, activities_team):
    client.force_login(activities_leader)
    start = timezone.localtime() + timedelta(days=3)
    data = _form(
        activities_team, quota="", s0_start=f"{start:{AT}}",
        s0_end=f"{start + timedelta(hours=2):{AT}}", s0_quota=3,
        s1_start=f"{start + timedelta(hours=2):{AT}}",
        s1_end=f"{start + timedelta(hours=4):{AT}}", s1_quota=4, required_skills=["haircut"],
    )  # fmt: skip
    response = client.post("/volunteers/activities/new/", data)
    activity = Activity.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/{activity.pk}/")
    assert [s.quota for s in activity.shifts.all()] == [3, 4]
    assert list(activity.required_skills.values_list("code", flat=True)) == ["haircut"]
    body = client.get(response["Location"]).content.decode()
    assert "已保存活动「社区义剪」" in body and "提交审核" in body


def test_bad_input_shows_chinese_messages_and_writes_nothing(
    client, activities_leader, activities_team
):
    client.force_login(activities_leader)
    data = _form(
        activities_team, lat=testing.POINT_A[1], lon=testing.POINT_A[0], risky="on",
        s0_start="2026-13-01T10:00", s0_end="x", s0_quota=2,
    )  # fmt: skip
    response = client.post("/volunteers/activities/new/", data)
    assert response.status_code == 422
    assert "第1班次的开始、结束时间格式应为" in response.content.decode()
    response = client.post(
        "/volunteers/activities/new/", _form(activities_team, lat=115.75, lon=32.87, risky="on")
    )
    body = response.content.decode()
    assert response.status_code == 422
    assert "纬度和经度可能填反了" in body and "志愿服务条例第十七条" in body
    assert not Activity.objects.exists()


def test_another_teams_id_in_the_form_is_refused(
    client, activities_leader, activities_team, district
):
    other = testing.team(district["community_a"], name="别队")
    client.force_login(activities_leader)
    response = client.post("/volunteers/activities/new/", _form(other))
    assert response.status_code == 422
    assert "所选队伍不在您的管理范围内" in response.content.decode()


def test_submit_review_and_publish_through_the_pages(
    client, activities_leader, activities_team, street_a_staff, street_b_staff
):
    client.force_login(activities_leader)
    client.post("/volunteers/activities/new/", _form(activities_team), follow=True)
    activity = Activity.objects.get()
    client.post(f"/volunteers/activities/{activity.pk}/submit/", follow=True)
    activity.refresh_from_db()
    assert activity.status == "pending"

    client.force_login(street_b_staff)
    assert "社区义剪" not in client.get("/volunteers/activities/review/").content.decode()
    response = client.post(f"/volunteers/activities/{activity.pk}/review/", {"decision": "approve"})
    assert response.status_code == 404

    client.force_login(street_a_staff)
    assert "社区义剪" in client.get("/volunteers/activities/review/").content.decode()
    response = client.post(
        f"/volunteers/activities/{activity.pk}/review/", {"decision": "reject", "note": ""}
    )
    assert response.status_code == 422
    assert "不通过时请填写审核意见" in response.content.decode()
    response = client.post(
        f"/volunteers/activities/{activity.pk}/review/", {"decision": "approve", "next": "queue"}
    )
    assert response.status_code == 302 and response["Location"] == "/volunteers/activities/review/"
    activity.refresh_from_db()
    assert activity.status == "published"


def test_editing_time_and_place_after_sign_ups_is_refused_with_the_reason(
    client, activities_leader, upcoming, activities_member
):
    Signup.objects.create(shift=upcoming.shifts.get(), volunteer=activities_member,
                          status="confirmed")  # fmt: skip
    client.force_login(activities_leader)
    page = client.get(f"/volunteers/activities/{upcoming.pk}/edit/").content.decode()
    assert "已有 1 人报名" in page
    start = timezone.localtime(upcoming.starts_at)
    shift = upcoming.shifts.get()
    data = _form(
        upcoming.team, title=upcoming.title, category=upcoming.category, address="另一个地点",
        starts_at=f"{start:{AT}}", ends_at=f"{timezone.localtime(upcoming.ends_at):{AT}}",
        quota="", s0_id=shift.pk, s0_start=f"{timezone.localtime(shift.starts_at):{AT}}",
        s0_end=f"{timezone.localtime(shift.ends_at):{AT}}", s0_quota=shift.quota,
    )  # fmt: skip
    response = client.post(f"/volunteers/activities/{upcoming.pk}/edit/", data)
    assert response.status_code == 409
    assert "时间和地点不能再修改" in response.content.decode()
    data["address"] = upcoming.address
    data["title"] = "东关敬老院陪伴（改名）"
    response = client.post(f"/volunteers/activities/{upcoming.pk}/edit/", data)
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.title == "东关敬老院陪伴（改名）"


def test_cancel_needs_a_reason(client, activities_leader, upcoming):
    client.force_login(activities_leader)
    response = client.post(f"/volunteers/activities/{upcoming.pk}/cancel/", {"reason": ""})
    assert response.status_code == 422 and "请填写取消原因" in response.content.decode()
    response = client.post(f"/volunteers/activities/{upcoming.pk}/cancel/", {"reason": "暴雨"})
    assert response.status_code == 302
    upcoming.refresh_from_db()
    assert upcoming.status == "cancelled"


def test_the_detail_shows_the_roster_masked(client, street_a_staff, upcoming, activities_member):
    Signup.objects.create(shift=upcoming.shifts.get(), volunteer=activities_member,
                          status="confirmed")  # fmt: skip
    client.force_login(street_a_staff)
    body = client.get(f"/volunteers/activities/{upcoming.pk}/").content.decode()
    assert activities_member.person.name_masked in body and activities_member.number in body
    assert activities_member.person.id_number not in body


def test_the_qr_display_and_png_are_for_those_who_run_the_team(
    client, activities_leader, upcoming, district, street_b_staff
):
    shift = upcoming.shifts.get()
    client.force_login(activities_leader)
    page = client.get(f"/volunteers/activities/shifts/{shift.pk}/qr/")
    assert page.status_code == 200 and "扫码签到" in page.content.decode()
    png = client.get(f"/volunteers/activities/shifts/{shift.pk}/qr.png")
    assert png["Content-Type"] == "image/png" and png.content.startswith(b"\x89PNG")
    assert png["Cache-Control"] == "no-store"
    assert client.get(f"/m/activities/shifts/{shift.pk}/qr/").status_code == 200
    stranger = testing.user("volunteer", district["community_a"], name="别队队长")
    testing.team(district["community_a"], name="别队",
                 leader=testing.volunteer(district["community_a"], account=stranger))  # fmt: skip
    for outsider in (stranger, street_b_staff):
        client.force_login(outsider)
        assert client.get(f"/volunteers/activities/shifts/{shift.pk}/qr.png").status_code == 404
        assert client.get(f"/m/activities/shifts/{shift.pk}/qr/").status_code == 404


def test_a_leader_corrects_attendance_with_a_reason(
    client, activities_leader, activities_team, activities_member
):
    start = timezone.now().replace(second=0, microsecond=0) - timedelta(hours=1)
    activity = testing.activity(activities_team, starts_at=start)  # the form has minutes only
    shift = activity.shifts.get()
    record = ServiceRecord.objects.create(
        volunteer=activities_member, team=activities_team, activity=activity, shift=shift,
        region=activities_team.region, content="x", served_on=timezone.localdate(),
        check_in_at=shift.starts_at,
    )  # fmt: skip
    client.force_login(activities_leader)
    url = f"/volunteers/activities/attendance/{record.pk}/correct/"
    assert client.get(url).status_code == 200
    start = timezone.localtime(shift.starts_at)
    data = {"check_in_at": f"{start:{AT}}", "check_out_at": f"{start + timedelta(minutes=30):{AT}}"}
    response = client.post(url, {**data, "reason": ""})
    assert response.status_code == 422 and "请填写更正原因" in response.content.decode()
    response = client.post(url, {**data, "reason": "忘记签退"})
    assert response.status_code == 302
    record.refresh_from_db()
    assert str(record.hours) == "0.50" and record.status == "pending"


# --- H5 --------------------------------------------------------------------------------------


def test_volunteers_find_published_activities_of_any_street(
    client, activities_member_user, activities_member, upcoming, street_b_activity, district
):
    draft = testing.activity(upcoming.team, title="草稿活动", status="draft",
                             starts_at=timezone.now() + timedelta(days=1))  # fmt: skip
    client.force_login(activities_member_user)
    body = client.get("/m/activities/").content.decode()
    assert "东关敬老院陪伴" in body and "西城河道清理" in body and draft.title not in body
    assert client.get(f"/m/activities/{draft.pk}/").status_code == 404
    near_b = client.get(
        f"/m/activities/?lat={testing.POINT_B[0]}&lon={testing.POINT_B[1]}"
    ).content.decode()
    assert near_b.index("西城河道清理") < near_b.index("东关敬老院陪伴")
    swapped = client.get(f"/m/activities/?lat={testing.POINT_B[1]}&lon={testing.POINT_B[0]}")
    assert swapped.status_code == 422 and "填反" in swapped.content.decode()


def test_sign_up_waitlist_and_cancel_on_h5(
    client, district, activities_member_user, activities_member, upcoming
):
    shift = upcoming.shifts.get()
    first = testing.volunteer(district["community_a"], name="先报名者")
    Signup.objects.create(shift=shift, volunteer=first, status="confirmed")
    client.force_login(activities_member_user)
    response = client.post(f"/m/activities/shifts/{shift.pk}/signup/", follow=True)
    body = response.content.decode()
    assert "名额已满，您已进入候补（第 1 位）" in body and "候补中，第 1 位" in body
    signup = Signup.objects.get(volunteer=activities_member)
    other = Signup.objects.get(volunteer=first)
    assert client.post(f"/m/activities/signups/{other.pk}/cancel/").status_code == 404
    response = client.post(f"/m/activities/signups/{signup.pk}/cancel/")
    assert response.status_code == 302
    signup.refresh_from_db()
    assert signup.status == "cancelled"
    mine = client.get("/m/activities/mine/").content.decode()
    assert "东关敬老院陪伴" in mine and "已取消" in mine


def test_someone_who_is_not_a_volunteer_is_told_so(client, resident, upcoming):
    client.force_login(resident)
    response = client.post(f"/m/activities/shifts/{upcoming.shifts.get().pk}/signup/")
    assert response.status_code in (302, 404)
    assert not Signup.objects.exists()


def test_check_in_and_out_on_h5(client, activities_team, activities_member_user, activities_member):
    shift = testing.activity(activities_team, title="河道清理").shifts.get()
    Signup.objects.create(shift=shift, volunteer=activities_member, status="confirmed")
    token = attendance.token_for(shift)
    url = f"/m/activities/checkin/{token}/"
    client.force_login(activities_member_user)
    page = client.get(url).content.decode()
    assert "河道清理" in page and "签到" in page
    far = {"lat": testing.POINT_A[0] + 850 / 111_195, "lon": testing.POINT_A[1], "accuracy": 10}
    response = client.post(url, far)
    assert response.status_code == 409
    assert "您距活动地点约 850 米，需在 300 米内签到" in response.content.decode()
    near = {"lat": testing.POINT_A[0], "lon": testing.POINT_A[1], "accuracy": 10}
    response = client.post(url, near, follow=True)
    assert "签到成功" in response.content.decode()
    response = client.post(url, {**near, "action": "out"}, follow=True)
    assert "签退成功" in response.content.decode()
    record = ServiceRecord.objects.get()
    assert record.status == "pending" and record.check_out_at is not None


def test_an_expired_or_forged_code_is_refused(client, activities_member_user, activities_team):
    shift = testing.activity(activities_team).shifts.get()
    old = attendance.token_for(shift, timezone.now() - timedelta(minutes=10))
    client.force_login(activities_member_user)
    response = client.get(f"/m/activities/checkin/{old}/")
    assert response.status_code == 410 and "二维码已过期" in response.content.decode()
    assert client.get("/m/activities/checkin/forged/").status_code == 404


# --- public ----------------------------------------------------------------------------------


def test_the_public_list_shows_no_person(client, upcoming, activities_member, street_b_activity):
    Signup.objects.create(shift=upcoming.shifts.get(), volunteer=activities_member,
                          status="confirmed")  # fmt: skip
    body = client.get("/public/activities/").content.decode()
    assert "东关敬老院陪伴" in body and "西城河道清理" in body
    assert "名额已满" in body  # quota 1, one confirmed
    person = activities_member.person
    for secret in (person.name, person.name_masked, person.phone, activities_member.number):
        if secret:
            assert secret not in body


# --- 代为报名: the leader signs a volunteer up, or cancels, on the workbench --------------------


def _staff_signup(client, activity, number):
    return client.post(
        f"/volunteers/activities/shifts/{activity.shifts.get().pk}/signup/", {"number": number}
    )


def test_the_leader_signs_a_volunteer_up_by_number_and_the_volunteer_is_told(
    client, activities_leader, upcoming, activities_member, activities_member_user
):
    from shegong.core.audit import Verb
    from shegong.core.models import AuditEvent, Notification

    client.force_login(activities_leader)
    body = client.get(f"/volunteers/activities/{upcoming.pk}/").content.decode()
    assert "代为报名" in body
    response = _staff_signup(client, upcoming, activities_member.number)
    assert response.status_code == 302 and response["Location"].endswith(
        f"/volunteers/activities/{upcoming.pk}/#shift-{upcoming.shifts.get().pk}"
    )
    signup = Signup.objects.get(volunteer=activities_member)
    assert signup.status == "confirmed"
    assert AuditEvent.objects.filter(
        verb=Verb.SIGNED_UP, actor=activities_leader, data__volunteer=activities_member.pk
    ).exists()
    told = Notification.objects.get(recipient=activities_member_user)
    assert "东关志愿服务队已为您报名" in told.title and "已确认" in told.body
    body = client.get(f"/volunteers/activities/{upcoming.pk}/").content.decode()
    assert f"已为{activities_member.person.name_masked}（{activities_member.number}）报名" in body
    assert activities_member.number in body and "取消报名" in body


def test_a_staff_sign_up_beyond_the_quota_is_waitlisted(
    client, activities_leader, upcoming, activities_member, district
):
    client.force_login(activities_leader)
    assert _staff_signup(client, upcoming, activities_member.number).status_code == 302
    second = testing.volunteer(district["community_a"], name="东关二号", birth="19920202")
    response = _staff_signup(client, upcoming, second.number)
    assert response.status_code == 302
    assert Signup.objects.get(volunteer=second).status == "waitlisted"
    body = client.get(response["Location"]).content.decode()
    assert "名额已满" in body and "候补第 1 位" in body


@pytest.mark.parametrize(
    ("number", "message", "status"),
    [("", "请填写志愿者编号", 422), ("440000NOSUCH", "未找到该编号的志愿者", 422)],
)
def test_a_staff_sign_up_with_a_bad_number_writes_nothing(
    client, activities_leader, upcoming, number, message, status
):
    client.force_login(activities_leader)
    response = _staff_signup(client, upcoming, number)
    assert response.status_code == status and message in response.content.decode()
    assert not Signup.objects.exists()


def test_a_staff_sign_up_keeps_the_rules_of_the_h5_page(
    client, activities_leader, upcoming, activities_member, district
):
    from shegong.volunteers.models import Skill

    client.force_login(activities_leader)
    assert _staff_signup(client, upcoming, activities_member.number).status_code == 302
    response = _staff_signup(client, upcoming, activities_member.number)
    assert response.status_code == 422 and "该志愿者已在本班次的名单中" in response.content.decode()
    assert Signup.objects.count() == 1

    upcoming.required_skills.add(Skill.objects.get(code="medical"))
    other = testing.volunteer(district["community_a"], name="东关三号", birth="19930303")
    response = _staff_signup(client, upcoming, other.number)
    body = response.content.decode()
    assert response.status_code == 409 and "该志愿者尚未登记：医疗护理" in body
    paused = testing.volunteer(
        district["community_a"], name="东关四号", birth="19940404", status="paused"
    )
    upcoming.required_skills.clear()
    response = _staff_signup(client, upcoming, paused.number)
    assert (
        response.status_code == 409
        and "该志愿者的志愿者状态为「暂停服务」" in response.content.decode()
    )
    assert Signup.objects.count() == 1


def test_a_leader_cannot_sign_up_for_another_team(
    client, activities_leader, street_b_activity, activities_member
):
    client.force_login(activities_leader)
    assert _staff_signup(client, street_b_activity, activities_member.number).status_code == 404
    assert not Signup.objects.exists()


def test_the_leader_cancels_a_sign_up_with_a_reason_and_the_waitlist_moves_up(
    client, activities_leader, upcoming, activities_member, activities_member_user, district
):
    from shegong.core.models import Notification
    from shegong.volunteers.actions import signups

    first = signups.sign_up(upcoming.shifts.get(), activities_member, actor=None)
    second = testing.volunteer(district["community_a"], name="东关二号", birth="19920202")
    waiting = signups.sign_up(upcoming.shifts.get(), second, actor=None)
    assert waiting.status == "waitlisted"
    client.force_login(activities_leader)
    url = f"/volunteers/activities/signups/{first.pk}/cancel/"
    response = client.post(url, {"reason": ""})
    assert response.status_code == 422 and "请填写取消报名的原因" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "confirmed"

    response = client.post(url, {"reason": "志愿者电话告知身体不适"})
    assert response.status_code == 302
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == "cancelled" and waiting.status == "confirmed"
    told = Notification.objects.get(recipient=activities_member_user)
    assert "报名已被取消" in told.title and "身体不适" in told.body
    assert "已取消" in client.get(response["Location"]).content.decode()


def test_a_leader_cannot_cancel_another_teams_sign_up(
    client, activities_leader, street_b_activity, activities_member
):
    from shegong.volunteers.actions import signups

    signup = signups.sign_up(street_b_activity.shifts.get(), activities_member, actor=None)
    client.force_login(activities_leader)
    response = client.post(
        f"/volunteers/activities/signups/{signup.pk}/cancel/", {"reason": "不是本队"}
    )
    assert response.status_code == 404
    signup.refresh_from_db()
    assert signup.status == "confirmed"


def test_the_activity_page_leads_the_leader_to_its_pending_hours(
    client, activities_leader, upcoming, activities_member
):
    client.force_login(activities_leader)
    body = client.get(f"/volunteers/activities/{upcoming.pk}/").content.decode()
    assert 'id="review-hours"' not in body
    ServiceRecord.objects.create(
        volunteer=activities_member, team=upcoming.team, activity=upcoming,
        region=upcoming.team.region, kind="manual", status="pending", content="补录",
        served_on=timezone.localdate(), hours=2,
    )  # fmt: skip
    body = client.get(f"/volunteers/activities/{upcoming.pk}/").content.decode()
    assert f"/volunteers/records/?activity={upcoming.pk}&amp;status=pending" in body
    assert "审核时长（1 条待审核）" in body


def test_the_public_list_leads_to_sign_up_through_the_login(client, upcoming):
    body = client.get("/public/activities/").content.decode()
    assert f'href="/m/activities/{upcoming.pk}/"' in body
    response = client.get(f"/m/activities/{upcoming.pk}/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert f"next=/m/activities/{upcoming.pk}/" in response["Location"].replace("%2F", "/")
