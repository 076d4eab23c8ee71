"""培训情况 and 表彰奖励情况 of a volunteer's record: the actions (record a training with its
trainees by number, add and remove trainees, record and revoke an award), the team page's card,
the training form and page, the volunteer page's card, the H5 section, the statistics card and
the API — with an outsider (another team's leader, another street's staff) who gets 404."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent, Notification
from shegong.volunteers.actions import awards, training
from shegong.volunteers.models import (
    Award,
    ServiceRecord,
    TeamMember,
    Training,
    TrainingAttendance,
    Volunteer,
)
from shegong.volunteers.queries import statistics
from shegong.volunteers.queries import training as training_queries

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()
YESTERDAY = max(TODAY - timedelta(days=1), date(TODAY.year, 1, 1))  # within this year


def _events(verb):
    return AuditEvent.objects.filter(verb=int(verb))


def _training_values(**extra):
    values = {
        "title": "应急救护培训", "held_on": YESTERDAY, "hours": "2", "trainer": "区红十字会",
        "content": "心肺复苏与AED使用",
    }  # fmt: skip
    values.update(extra)
    return values


@pytest.fixture
def trainee(district):
    """A second volunteer of community A (no account)."""
    return testing.volunteer(district["community_a"], name="王培训")


@pytest.fixture
def member(hours_team, hours_member):
    """``hours_member`` as a current member of ``hours_team``."""
    TeamMember.objects.create(team=hours_team, volunteer=hours_member)
    return hours_member


@pytest.fixture
def held(hours_team, hours_leader_user, hours_member, trainee):
    """A training of ``hours_team`` yesterday (2 h) with the member and the trainee."""
    return training.record_training(
        hours_team, actor=hours_leader_user, numbers=f"{hours_member.number} {trainee.number}",
        **_training_values(),
    )  # fmt: skip


def _award(volunteer, actor, **extra):
    values = {
        "title": "优秀志愿者", "level": "community", "awarded_by": "东关社区居民委员会",
        "awarded_on": YESTERDAY, "note": "",
    }  # fmt: skip
    values.update(extra)
    return awards.record_award(volunteer, actor=actor, **values)


# --- actions: trainings -----------------------------------------------------------------------


def test_a_leader_records_a_training_with_its_trainees(
    hours_team, hours_leader_user, hours_member, trainee
):
    numbers = f"{hours_member.number}\n{trainee.number}，{hours_member.number}  "
    found = training.record_training(
        hours_team, actor=hours_leader_user, numbers=numbers, **_training_values(hours="1.5")
    )
    assert found.region_id == hours_team.region_id and found.hours == Decimal("1.5")
    assert found.created_by == hours_leader_user
    assert set(found.attendances.values_list("volunteer_id", flat=True)) == {
        hours_member.pk, trainee.pk,
    }  # fmt: skip
    (event,) = _events(Verb.TRAINING_RECORDED)
    assert event.data["trainees"] == 2 and event.region_id == hours_team.region_id


def test_unknown_numbers_are_listed_and_nothing_is_written(
    hours_team, hours_leader_user, hours_member
):
    with pytest.raises(InvalidInput) as caught:
        training.record_training(
            hours_team, actor=hours_leader_user,
            numbers=f"{hours_member.number} 341271NOSUCH1, 341271NOSUCH2", **_training_values(),
        )  # fmt: skip
    assert caught.value.errors[0]["field"] == "numbers"
    assert "341271NOSUCH1" in caught.value.detail and "341271NOSUCH2" in caught.value.detail
    assert hours_member.number not in caught.value.detail
    assert not Training.objects.exists() and not TrainingAttendance.objects.exists()
    assert not _events(Verb.TRAINING_RECORDED).exists()


def test_every_field_problem_is_reported_at_once(hours_team, hours_leader_user, hours_member):
    with pytest.raises(InvalidInput) as caught:
        training.record_training(
            hours_team, actor=hours_leader_user, numbers=hours_member.number,
            **_training_values(title="", hours="30", trainer="", held_on=TODAY + timedelta(1)),
        )  # fmt: skip
    fields = {e["field"] for e in caught.value.errors}
    assert fields == {"title", "hours", "trainer", "held_on"}
    for hours in ("0.25", "1.25", "abc"):
        with pytest.raises(InvalidInput):
            training.record_training(
                hours_team, actor=hours_leader_user, numbers=hours_member.number,
                **_training_values(hours=hours),
            )  # fmt: skip
    with pytest.raises(InvalidInput, match="参训志愿者的编号"):
        training.record_training(
            hours_team, actor=hours_leader_user, numbers=" ，\n", **_training_values()
        )
    assert not Training.objects.exists()


def test_more_than_500_numbers_are_refused(hours_team, hours_leader_user):
    numbers = " ".join(f"3412710000{i:04d}" for i in range(501))
    with pytest.raises(InvalidInput, match="最多登记 500"):
        training.record_training(
            hours_team, actor=hours_leader_user, numbers=numbers, **_training_values()
        )


def test_another_team_or_street_is_not_found(
    hours_team, hours_other_leader_user, street_b_staff, hours_member
):
    for outsider in (hours_other_leader_user, street_b_staff):
        with pytest.raises(NotFound):
            training.record_training(
                hours_team, actor=outsider, numbers=hours_member.number, **_training_values()
            )
    assert not Training.objects.exists()


def test_staff_in_scope_record_for_any_team_there(hours_team, street_a_staff, hours_member):
    found = training.record_training(
        hours_team, actor=street_a_staff, numbers=hours_member.number, **_training_values()
    )
    assert found.attendances.count() == 1


def test_a_training_never_changes_service_hours_or_stars(
    hours_team, hours_leader_user, hours_member
):
    Volunteer.objects.filter(pk=hours_member.pk).update(hours=Decimal("99.50"))
    training.record_training(
        hours_team, actor=hours_leader_user, numbers=hours_member.number,
        **_training_values(hours="8"),
    )  # fmt: skip
    hours_member.refresh_from_db()
    assert hours_member.hours == Decimal("99.50") and hours_member.star == 0
    assert not ServiceRecord.objects.exists()
    assert training_queries.totals_of(hours_member) == (1, Decimal("8.0"))


def test_trainees_are_added_once_and_removed(
    held, hours_leader_user, hours_member, trainee, district
):
    late = testing.volunteer(district["community_a"], name="赵迟到")
    added = training.add_trainees(
        held, actor=hours_leader_user, numbers=[hours_member.number, late.number, late.number]
    )
    assert [row.volunteer_id for row in added] == [late.pk]
    assert held.attendances.count() == 3
    (event,) = _events(Verb.TRAINEES_CHANGED)
    assert event.data == {"added": [late.number]}
    assert training.add_trainees(held, actor=hours_leader_user, numbers=late.number) == []
    assert _events(Verb.TRAINEES_CHANGED).count() == 1  # nothing changed, nothing audited
    with pytest.raises(InvalidInput, match="NOSUCH"):
        training.add_trainees(held, actor=hours_leader_user, numbers=f"{trainee.number} NOSUCH")
    row = held.attendances.get(volunteer=trainee)
    training.remove_trainee(held, row.pk, actor=hours_leader_user)
    assert not held.attendances.filter(volunteer=trainee).exists()
    assert _events(Verb.TRAINEES_CHANGED).latest("pk").data == {"removed": [trainee.number]}
    with pytest.raises(NotFound):
        training.remove_trainee(held, row.pk, actor=hours_leader_user)


def test_another_leader_cannot_change_the_roster(held, hours_other_leader_user, trainee):
    row = held.attendances.get(volunteer=trainee)
    with pytest.raises(NotFound):
        training.add_trainees(held, actor=hours_other_leader_user, numbers=trainee.number)
    with pytest.raises(NotFound):
        training.remove_trainee(held, row.pk, actor=hours_other_leader_user)
    assert held.attendances.count() == 2


# --- actions: awards --------------------------------------------------------------------------


def test_a_leader_records_a_team_award_and_the_volunteer_is_told(
    hours_team, hours_leader_user, member, hours_member_user
):
    award = _award(
        member, hours_leader_user, title="优秀队员", level="team", awarded_by=hours_team.name,
        team=hours_team.pk,
    )  # fmt: skip
    assert award.team == hours_team and award.region_id == hours_team.region_id
    assert award.recorded_by == hours_leader_user
    (event,) = _events(Verb.AWARD_RECORDED)
    assert event.data["volunteer"] == member.number and event.data["team"] == hours_team.pk
    note = Notification.objects.get(recipient=hours_member_user)
    assert "优秀队员" in note.title and "队伍" in note.body


def test_a_team_records_awards_for_its_members_only(hours_team, hours_leader_user, trainee):
    with pytest.raises(InvalidInput) as caught:
        _award(trainee, hours_leader_user, team=hours_team)
    assert caught.value.errors[0]["field"] == "team"
    assert not Award.objects.exists()


def test_staff_record_awards_without_a_team_in_their_scope(
    street_a_staff, street_b_staff, hours_leader_user, member
):
    award = _award(member, street_a_staff)
    assert award.team is None and award.region_id == member.region_id
    with pytest.raises(NotFound):
        _award(member, street_b_staff)
    with pytest.raises((NotFound, NotPermitted)):
        _award(member, hours_leader_user)  # a leader records in the team's name only
    with pytest.raises(InvalidInput, match="队伍"):
        _award(member, street_a_staff, level="team")
    with pytest.raises(InvalidInput) as caught:
        _award(member, street_a_staff, title="", awarded_on=TODAY + timedelta(days=1))
    assert {e["field"] for e in caught.value.errors} == {"title", "awarded_on"}
    assert Award.objects.count() == 1


def test_revoking_needs_a_reason_and_keeps_the_entry(
    street_a_staff, member, hours_member_user, hours_other_leader_user
):
    award = _award(member, street_a_staff)
    with pytest.raises(InvalidInput, match="撤销原因"):
        awards.revoke_award(award, actor=street_a_staff, reason="  ")
    with pytest.raises(NotFound):
        awards.revoke_award(award, actor=hours_other_leader_user, reason="录入错误")
    awards.revoke_award(award, actor=street_a_staff, reason="授予单位录入错误")
    award.refresh_from_db()
    assert award.revoked_at is not None and award.revoked_reason == "授予单位录入错误"
    with pytest.raises(DomainError, match="已撤销"):
        awards.revoke_award(award, actor=street_a_staff, reason="再次撤销")
    assert Award.objects.count() == 1 and _events(Verb.AWARD_REVOKED).count() == 1
    assert Notification.objects.filter(recipient=hours_member_user, title__contains="已撤销")


# --- pages ------------------------------------------------------------------------------------


def test_the_team_page_shows_the_trainings_card(client, held, hours_team, hours_leader_user):
    client.force_login(hours_leader_user)
    body = client.get(reverse("volunteers:team", args=[hours_team.pk])).content.decode()
    assert "培训记录（共 1 次）" in body and "应急救护培训" in body
    assert reverse("volunteers:training", args=[held.pk]) in body
    assert reverse("volunteers:training_new", args=[hours_team.pk]) in body


def test_the_training_form_lists_bad_numbers_and_records_good_ones(
    client, hours_team, hours_leader_user, hours_member, trainee
):
    client.force_login(hours_leader_user)
    url = reverse("volunteers:training_new", args=[hours_team.pk])
    assert client.get(url).status_code == 200
    data = {
        "title": "助老服务技能培训", "held_on": YESTERDAY.isoformat(), "hours": "2.5",
        "trainer": "驻点社工 李**", "content": "",
        "numbers": f"{hours_member.number}\n341271NOSUCH9",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 422
    assert "341271NOSUCH9" in response.content.decode()
    assert not Training.objects.exists()
    data["numbers"] = f"{hours_member.number}\n{trainee.number}"
    response = client.post(url, data)
    found = Training.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("volunteers:training", args=[found.pk])
    body = client.get(response["Location"]).content.decode()
    assert hours_member.number in body and trainee.number in body
    assert "王*" in body and "王培训" not in body and "不计入志愿服务时长" in body


def test_trainees_are_added_and_removed_on_the_training_page(
    client, held, hours_leader_user, trainee, district
):
    client.force_login(hours_leader_user)
    late = testing.volunteer(district["community_a"], name="赵迟到")
    url = reverse("volunteers:training_trainees", args=[held.pk])
    response = client.post(url, {"numbers": f"{late.number} NOSUCH7"})
    assert response.status_code == 422 and "NOSUCH7" in response.content.decode()
    assert held.attendances.count() == 2
    response = client.post(url, {"numbers": late.number}, follow=True)
    assert "已补登参训志愿者 1 人" in response.content.decode()
    assert held.attendances.filter(volunteer=late).exists()
    row = held.attendances.get(volunteer=trainee)
    remove = reverse("volunteers:training_trainee_remove", args=[held.pk, row.pk])
    body = client.get(reverse("volunteers:training", args=[held.pk])).content.decode()
    assert remove in body and "data-confirm=" in body
    assert client.get(remove).status_code == 405
    response = client.post(remove, follow=True)
    who = f"{trainee.person.name_masked}（{trainee.number}）"
    assert f"已将 {who} 移出参训名单" in response.content.decode()
    assert not held.attendances.filter(volunteer=trainee).exists()


def test_the_volunteer_page_shows_trainings_and_records_and_revokes_awards(
    client, held, street_a_staff, hours_member
):
    client.force_login(street_a_staff)
    url = reverse("volunteers:volunteer", args=[hours_member.pk])
    body = client.get(url).content.decode()
    assert (
        "培训、表彰与评价" in body
        and "优秀 0 次" in body
        and "培训 1 次 / 2.0 小时" in body
        and "应急救护培训" in body
    )
    assert 'id="award-form"' in body
    response = client.post(
        reverse("volunteers:volunteer_award", args=[hours_member.pk]),
        {"title": "优秀志愿者", "level": "street", "awarded_by": "东城街道办事处",
         "awarded_on": YESTERDAY.isoformat(), "team": "", "note": "年度表彰"},
    )  # fmt: skip
    assert response.status_code == 302
    award = Award.objects.get()
    assert award.level == "street" and award.team is None
    body = client.get(url).content.decode()
    assert "东城街道办事处" in body and "街道级" in body
    revoke = reverse("volunteers:award_revoke", args=[award.pk])
    assert revoke in body
    body = client.post(revoke, {"reason": ""}, follow=True).content.decode()
    assert "请填写撤销原因" in body
    award.refresh_from_db()
    assert award.revoked_at is None
    body = client.post(revoke, {"reason": "重复录入"}, follow=True).content.decode()
    assert "<del>" in body and "撤销：重复录入" in body
    assert revoke not in body  # nothing left to revoke


def test_a_bad_award_form_says_what_is_wrong(client, street_a_staff, hours_member):
    client.force_login(street_a_staff)
    response = client.post(
        reverse("volunteers:volunteer_award", args=[hours_member.pk]),
        {"title": "优秀志愿者", "level": "team", "awarded_by": "某单位",
         "awarded_on": YESTERDAY.isoformat(), "team": ""},
        follow=True,
    )  # fmt: skip
    assert "「队伍」级表彰" in response.content.decode()
    assert not Award.objects.exists()


def test_another_street_gets_404_everywhere(
    client, held, hours_team, street_b_staff, street_a_staff, hours_member
):
    award = _award(hours_member, street_a_staff)
    row = held.attendances.first()
    client.force_login(street_b_staff)
    gets = [
        reverse("volunteers:training_new", args=[hours_team.pk]),
        reverse("volunteers:training", args=[held.pk]),
    ]
    posts = [
        gets[0],  # the training's page is GET only
        reverse("volunteers:training_trainees", args=[held.pk]),
        reverse("volunteers:training_trainee_remove", args=[held.pk, row.pk]),
        reverse("volunteers:volunteer_award", args=[hours_member.pk]),
        reverse("volunteers:award_revoke", args=[award.pk]),
    ]
    for url in gets:
        assert client.get(url).status_code == 404, url
    for url in posts:
        assert client.post(url, {"numbers": hours_member.number, "reason": "x"}).status_code == (
            404
        ), url
    assert held.attendances.count() == 2 and Award.objects.get().revoked_at is None


def test_the_h5_hours_page_shows_my_trainings_and_awards(
    client, held, street_a_staff, hours_member, hours_member_user
):
    award = _award(hours_member, street_a_staff, title="十佳志愿者", level="county",
                   awarded_by="示范区志愿服务工作领导小组")  # fmt: skip
    _award(hours_member, street_a_staff, title="错误录入的表彰")
    awards.revoke_award(Award.objects.get(title="错误录入的表彰"), actor=None, reason="录入错误")
    client.force_login(hours_member_user)
    body = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "我的培训与表彰" in body and "参加培训 1 次，共 2.0 小时" in body
    assert "应急救护培训" in body and award.title in body and "区县级" in body
    assert "已撤销：录入错误" in body


def test_the_statistics_card_counts_attendances_of_the_year_in_scope(
    client, held, district, street_a_staff
):
    b_team = testing.team(district["community_b"], name="西城志愿服务队")
    b_volunteer = testing.volunteer(district["community_b"], name="西城志愿者")
    training.record_training(
        b_team, actor=None, numbers=b_volunteer.number, **_training_values(title="西城培训")
    )
    old = training.record_training(
        held.team, actor=None, numbers=b_volunteer.number,
        **_training_values(held_on=date(TODAY.year - 1, 6, 1)),
    )  # fmt: skip
    assert old.held_on.year != TODAY.year
    client.force_login(street_a_staff)
    url = reverse("volunteers:statistics")
    with CaptureQueriesContext(connection) as few:
        body = client.get(url).content.decode()
    assert 'id="total-trained">2<' in body and "（1 场）" in body
    for k in range(4):  # more trainings and trainees: the same number of queries
        volunteers = [
            testing.volunteer(district["community_a"], name=f"学员{k}{i}") for i in range(3)
        ]
        training.record_training(
            held.team, actor=None, numbers=[v.number for v in volunteers], **_training_values()
        )
    with CaptureQueriesContext(connection) as many:
        body = client.get(url).content.decode()
    assert 'id="total-trained">14<' in body and "（5 场）" in body
    assert len(many) == len(few)
    # By community: the 14 attendances are 东关's (the team's community); the export has them too.
    stats = statistics.for_prefix(district["street_a"].prefix, TODAY.year)
    row = next(c for c in stats.communities if c.code == held.team.region_id[:12])
    assert row.trained == 14
    export = client.get(reverse("volunteers:statistics_export"), {"year": TODAY.year})
    sheet = list(load_workbook(io.BytesIO(export.getvalue())).active.values)
    assert sheet[0][-1] == "培训人次"
    assert next(r for r in sheet[1:] if r[0] == row.code)[-1] == 14


def test_the_api_gives_my_trainings_and_awards(
    client, held, street_a_staff, hours_member, hours_member_user
):
    award = _award(hours_member, street_a_staff)
    awards.revoke_award(award, actor=street_a_staff, reason="录入错误")
    _award(hours_member, street_a_staff, title="十佳志愿者", level="county")
    client.force_login(hours_member_user)
    body = client.get("/api/v1/volunteers/me/record").json()
    assert body["training_count"] == 1 and body["training_hours"] == 2.0
    (item,) = body["trainings"]
    assert item["title"] == "应急救护培训" and item["team_name"] == held.team.name
    assert [a["title"] for a in body["awards"]] == ["十佳志愿者", "优秀志愿者"]
    assert body["awards"][1]["revoked"] and body["awards"][1]["revoked_reason"] == "录入错误"
    assert body["awards"][0]["level_label"] == "区县级"
    client.force_login(street_a_staff)  # staff without a volunteer profile
    response = client.get("/api/v1/volunteers/me/record")
    assert response.status_code == 404


def test_all_of_a_teams_trainings_are_one_click_away(
    client, hours_team, hours_leader_user, hours_member, hours_other_leader_user
):
    from shegong.volunteers.views.training import TEAM_TRAININGS_SHOWN, TRAININGS_PAGE

    for i in range(TRAININGS_PAGE + 2):
        training.record_training(
            hours_team, actor=hours_leader_user, numbers=hours_member.number,
            **{**_training_values(), "title": f"第{i}期培训"},
        )  # fmt: skip
    client.force_login(hours_leader_user)
    team_page = client.get(reverse("volunteers:team", args=[hours_team.pk])).content.decode()
    url = reverse("volunteers:team_trainings", args=[hours_team.pk])
    assert f'href="{url}"' in team_page and f"查看全部 {TRAININGS_PAGE + 2} 次培训" in team_page
    assert team_page.count('id="training-') == TEAM_TRAININGS_SHOWN
    body = client.get(url).content.decode()
    assert body.count('id="training-') == TRAININGS_PAGE and "第 1/2 页" in body
    assert client.get(f"{url}?page=2").content.decode().count('id="training-') == 2
    client.force_login(hours_other_leader_user)
    assert client.get(url).status_code == 404
