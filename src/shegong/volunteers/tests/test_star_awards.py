"""星级认定 (issue 18 A6): eligibility computed from counted hours and months registered; the star
awarded through 申请 → 审核 → 公示 (≥ 5 working days) → 认定, or 驳回 / 撤回 / 公示异议."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core import workdays
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.volunteers import stars
from shegong.volunteers.actions import hours, star_awards
from shegong.volunteers.models import StarAward, Volunteer
from shegong.volunteers.queries import star_awards as award_queries

pytestmark = pytest.mark.django_db


def _audits(verb) -> int:
    return AuditEvent.objects.filter(verb=int(verb)).count()


def _served(record, hours_value, kind="volunteer"):
    return record(hours=hours_value, status="approved", service_kind=kind)


def _end_publicity(award):
    """Time moves past the publicity (the test cannot wait 5 working days)."""
    StarAward.objects.filter(pk=award.pk).update(
        publicity_ends_at=timezone.now() - timedelta(seconds=1)
    )


# --- eligibility ------------------------------------------------------------------------------


def test_eligibility_counts_approved_hours_minus_the_excluded_kinds(hours_record, hours_member):
    _served(hours_record, "250.00")
    _served(hours_record, "40.00", "staff_duty")
    _served(hours_record, "30.00", "school_duty")
    _served(hours_record, "20.00", "donation")
    hours_record(hours="500.00")  # pending: never counts
    found = stars.eligibility(hours_member)
    assert found.counted_hours == Decimal("250.00") and found.star == 1
    assert found.label == "可申请一星"


def test_the_excluded_kinds_are_a_setting(settings, hours_record, hours_member):
    settings.SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS = ["donation"]
    _served(hours_record, "250.00")
    _served(hours_record, "60.00", "staff_duty")
    assert stars.eligibility(hours_member).counted_hours == Decimal("310.00")
    assert stars.eligibility(hours_member).star == 2


def test_todays_beijing_thresholds_are_the_default(hours_record, hours_member):
    """Beijing's 2011 scheme gave ★3 at 500 h; today's (and the national) needs 600."""
    _served(hours_record, "550.00")
    assert stars.thresholds() == [100, 300, 600, 1000, 1500]
    assert stars.eligibility(hours_member).star == 2


def test_months_registered_hold_a_star_back(settings, hours_record, hours_member):
    settings.SHEGONG_VOLUNTEER_STAR_MIN_MONTHS = [6, 6, 12, 12, 12]
    Volunteer.objects.filter(pk=hours_member.pk).update(
        created_at=timezone.now() - timedelta(days=200)
    )
    _served(hours_record, "700.00")
    found = stars.eligibility(Volunteer.objects.get(pk=hours_member.pk))
    assert found.star == 2 and found.months == 6
    assert "注册满 12 个月" in found.shortfall(3)


def test_whole_months_are_counted_by_the_day_of_the_month():
    assert stars.months_between(date(2026, 1, 15), date(2026, 2, 14)) == 0
    assert stars.months_between(date(2026, 1, 15), date(2026, 2, 15)) == 1
    assert stars.months_between(date(2026, 1, 31), date(2026, 2, 28)) == 0
    assert stars.months_between(date(2026, 1, 31), date(2026, 3, 1)) == 1


def test_a_correction_copies_the_service_kind_of_its_original(
    hours_record, hours_member, hours_leader_user
):
    record = hours_record(hours="5.00", service_kind="donation")
    hours.approve(record, hours_leader_user)
    correction = hours.adjust(record, hours_leader_user, "1.00", "补记")
    assert correction.service_kind == "donation"
    assert stars.counted_hours(hours_member) == Decimal("0.00")


def test_a_paper_record_carries_its_service_kind_and_a_bad_one_is_refused(
    hours_team, hours_member, hours_leader_user
):
    common = {
        "actor": hours_leader_user, "served_on": timezone.localdate(), "hours": "2",
        "content": "校内值勤", "reason": "纸质记录",
    }  # fmt: skip
    record = hours.enter_manual(hours_member, hours_team, service_kind="school_duty", **common)
    assert record.service_kind == "school_duty"
    with pytest.raises(InvalidInput) as caught:
        hours.enter_manual(hours_member, hours_team, service_kind="sleeping", **common)
    assert caught.value.errors[0]["field"] == "service_kind"


# --- the workflow -----------------------------------------------------------------------------


def test_apply_review_publicise_award(
    hours_record, hours_member, hours_member_user, street_a_staff
):
    _served(hours_record, "320.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    assert (applied.star, applied.status, applied.counted_hours) == (
        2,
        "applied",
        Decimal("320.00"),
    )
    assert applied.created and not applied.on_behalf
    assert award_queries.to_review(street_a_staff).count() == 1

    approved = star_awards.approve(applied, actor=street_a_staff, note="材料齐全")
    assert approved.status == "publicizing"
    expected_end = workdays.add_workdays(approved.publicity_starts_at, 5)
    assert approved.publicity_ends_at == expected_end
    assert [r["name"] for r in award_queries.publicity_rows()] == ["李**"]

    # 认定 before the publicity ends is refused with its end date.
    with pytest.raises(DomainError) as caught:
        star_awards.award(applied, actor=street_a_staff)
    assert "公示期满后方可认定" in caught.value.detail
    assert f"{timezone.localdate(expected_end):%Y-%m-%d}" in caught.value.detail
    assert Volunteer.objects.get(pk=hours_member.pk).star == 0

    _end_publicity(applied)
    assert award_queries.to_award(street_a_staff).count() == 1
    done = star_awards.award(applied, actor=street_a_staff)
    assert done.status == "awarded" and done.awarded_by == street_a_staff
    volunteer = Volunteer.objects.get(pk=hours_member.pk)
    assert volunteer.star == 2 and volunteer.star_reached_at is not None
    assert [_audits(v) for v in (Verb.STAR_APPLIED, Verb.STAR_APPROVED, Verb.STAR_AWARDED)] == [
        1, 1, 1,
    ]  # fmt: skip
    assert AuditEvent.objects.get(verb=int(Verb.STAR_AWARDED)).data["star"] == [0, 2]
    titles = list(
        Notification.objects.filter(recipient=hours_member_user).values_list("title", flat=True)
    )
    assert any("正在公示" in t for t in titles) and any("认定为2星" in t for t in titles)
    # The honour list shows the awarded star.
    from shegong.volunteers.queries import people as people_queries

    assert [r["star"] for r in people_queries.public_rows()] == [2]


def test_the_publicity_length_is_a_setting_of_at_least_5_working_days(
    settings, hours_record, hours_member, hours_member_user, street_a_staff
):
    settings.SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS = 7
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    approved = star_awards.approve(applied, actor=street_a_staff)
    assert approved.publicity_ends_at == workdays.add_workdays(approved.publicity_starts_at, 7)


def test_apply_is_refused_with_the_reason_when_not_eligible(
    settings, hours_record, hours_member, hours_member_user
):
    _served(hours_record, "80.00")
    with pytest.raises(DomainError) as caught:
        star_awards.apply(hours_member, actor=hours_member_user)
    assert "还差 20.00 小时" in caught.value.detail
    _served(hours_record, "30.00")
    with pytest.raises(DomainError) as caught:
        star_awards.apply(hours_member, actor=hours_member_user, star=2)
    assert "二星志愿者" in caught.value.detail and "300" in caught.value.detail
    settings.SHEGONG_VOLUNTEER_STAR_MIN_MONTHS = [6, 6, 12, 12, 12]
    with pytest.raises(DomainError) as caught:
        star_awards.apply(hours_member, actor=hours_member_user)
    assert "注册满 6 个月" in caught.value.detail
    with pytest.raises(InvalidInput):
        star_awards.apply(hours_member, actor=hours_member_user, star="九")
    assert StarAward.objects.count() == 0 and _audits(Verb.STAR_APPLIED) == 0


def test_an_awarded_star_is_not_applied_for_again(hours_record, hours_member, hours_member_user):
    _served(hours_record, "150.00")
    Volunteer.objects.filter(pk=hours_member.pk).update(star=1)
    with pytest.raises(DomainError) as caught:
        star_awards.apply(hours_member, actor=hours_member_user)
    assert "二星" in caught.value.detail
    with pytest.raises(InvalidInput):
        star_awards.apply(hours_member, actor=hours_member_user, star=1)


def test_applying_twice_finds_the_open_application(hours_record, hours_member, hours_member_user):
    _served(hours_record, "320.00")
    first = star_awards.apply(hours_member, actor=hours_member_user)
    again = star_awards.apply(hours_member, actor=hours_member_user)
    assert again.pk == first.pk and not again.created
    with pytest.raises(DomainError):
        star_awards.apply(hours_member, actor=hours_member_user, star=1)
    assert StarAward.objects.count() == 1 and _audits(Verb.STAR_APPLIED) == 1


def test_staff_apply_on_behalf_within_their_scope_only(
    hours_record, hours_member, street_a_staff, street_b_staff
):
    _served(hours_record, "120.00")
    with pytest.raises(NotFound):
        star_awards.apply(hours_member, actor=street_b_staff)
    applied = star_awards.apply(hours_member, actor=street_a_staff)
    assert applied.on_behalf and applied.applied_by == street_a_staff


def test_a_paused_volunteer_may_not_apply(hours_record, hours_member, hours_member_user):
    _served(hours_record, "120.00")
    Volunteer.objects.filter(pk=hours_member.pk).update(status="paused")
    with pytest.raises(DomainError) as caught:
        star_awards.apply(hours_member, actor=hours_member_user)
    assert "在册志愿者" in caught.value.detail


def test_review_is_refused_when_hours_were_corrected_away(
    hours_record, hours_member, hours_member_user, hours_leader_user, street_a_staff
):
    record = hours_record(hours="100.00")
    hours.approve(record, hours_leader_user)
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    hours.adjust(record, hours_leader_user, "-10.00", "多记")
    with pytest.raises(DomainError) as caught:
        star_awards.approve(applied, actor=street_a_staff)
    assert "还差 10.00 小时" in caught.value.detail
    assert StarAward.objects.get(pk=applied.pk).status == "applied"
    star_awards.reject(applied, actor=street_a_staff, reason="时长更正后不足")
    assert StarAward.objects.get(pk=applied.pk).status == "rejected"
    assert _audits(Verb.STAR_REJECTED) == 1
    assert Notification.objects.filter(
        recipient=hours_member_user, title__contains="未通过"
    ).exists()


def test_only_staff_in_scope_decide_and_never_their_own(
    district, hours_record, hours_member, hours_member_user, street_b_staff,
    hours_leader_user,
):  # fmt: skip
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    for outsider in (street_b_staff, hours_leader_user, hours_member_user):
        with pytest.raises(NotFound):
            star_awards.approve(applied, actor=outsider)
    # A staff member who is also a volunteer does not review their own application.
    staff = testing.user(Role.STREET_STAFF, district["street_a"], name="兼职志愿者干部")
    own = testing.volunteer(district["community_a"], name="兼职志愿者干部", account=staff)
    hours_record(volunteer=own, hours="150.00", status="approved")
    mine = star_awards.apply(own, actor=staff)
    with pytest.raises(DomainError) as caught:
        star_awards.approve(mine, actor=staff)
    assert "本人" in caught.value.detail
    assert StarAward.objects.filter(status="publicizing").count() == 0


def test_a_reject_needs_a_reason(hours_record, hours_member, hours_member_user, street_a_staff):
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    with pytest.raises(InvalidInput) as caught:
        star_awards.reject(applied, actor=street_a_staff, reason=" ")
    assert caught.value.errors[0]["field"] == "reason"


def test_an_objection_during_publicity_sends_it_back_to_review(
    hours_record, hours_member, hours_member_user, street_a_staff
):
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    star_awards.approve(applied, actor=street_a_staff)
    back = star_awards.object_to(applied, actor=street_a_staff, reason="群众反映部分时长为值日")
    assert back.status == "applied" and back.publicity_ends_at is None
    assert back.objection_note == "群众反映部分时长为值日"
    assert award_queries.publicity_rows() == []
    with pytest.raises(IllegalTransition):
        star_awards.award(applied, actor=street_a_staff)
    # Approved again: a new full publicity.
    again = star_awards.approve(applied, actor=street_a_staff)
    assert again.status == "publicizing" and _audits(Verb.STAR_OBJECTED) == 1


def test_no_objection_after_the_publicity(
    hours_record, hours_member, hours_member_user, street_a_staff
):
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    star_awards.approve(applied, actor=street_a_staff)
    _end_publicity(applied)
    with pytest.raises(DomainError) as caught:
        star_awards.object_to(applied, actor=street_a_staff, reason="迟到的异议")
    assert "不再登记异议" in caught.value.detail


def test_the_volunteer_withdraws_an_open_application_only(
    hours_record, hours_member, hours_member_user, street_a_staff, hours_leader_user
):
    _served(hours_record, "120.00")
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    with pytest.raises(NotFound):
        star_awards.withdraw(applied, actor=hours_leader_user)
    done = star_awards.withdraw(applied, actor=hours_member_user)
    assert done.status == "withdrawn" and _audits(Verb.STAR_WITHDRAWN) == 1
    with pytest.raises(IllegalTransition):
        star_awards.withdraw(applied, actor=hours_member_user)
    with pytest.raises(IllegalTransition):
        star_awards.approve(applied, actor=street_a_staff)
    # A new application may follow.
    assert star_awards.apply(hours_member, actor=hours_member_user).created


def test_the_award_is_refused_when_no_longer_eligible(
    hours_record, hours_member, hours_member_user, hours_leader_user, street_a_staff
):
    record = hours_record(hours="100.00")
    hours.approve(record, hours_leader_user)
    applied = star_awards.apply(hours_member, actor=hours_member_user)
    star_awards.approve(applied, actor=street_a_staff)
    hours.adjust(record, hours_leader_user, "-1.00", "多记")
    _end_publicity(applied)
    with pytest.raises(DomainError) as caught:
        star_awards.award(applied, actor=street_a_staff)
    assert "还差 1.00 小时" in caught.value.detail
    assert Volunteer.objects.get(pk=hours_member.pk).star == 0


def test_the_migration_keeps_stars_given_under_the_old_rule_as_awarded(district, hours_member):
    """Migration 0007: a star reached under the automatic rule stays, as an awarded (legacy)
    application dated when it was reached; a volunteer without a star gets none."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("shegong.volunteers.migrations.0009_star_awards")
    reached = timezone.now() - timedelta(days=400)
    Volunteer.objects.filter(pk=hours_member.pk).update(
        star=3, hours=Decimal("650.00"), star_reached_at=reached
    )
    testing.volunteer(district["community_a"], name="无星志愿者")
    migration.keep_awarded_stars(apps, None)
    kept = StarAward.objects.get()
    assert (kept.volunteer_id, kept.star, kept.status, kept.legacy) == (
        hours_member.pk, 3, "awarded", True,
    )  # fmt: skip
    assert kept.awarded_at == reached and kept.counted_hours == Decimal("650.00")
    assert Volunteer.objects.get(pk=hours_member.pk).star == 3
    migration.drop_legacy(apps, None)
    assert not StarAward.objects.exists()


def _settings_in(env: dict[str, str]) -> dict:
    """The star settings read by a fresh settings module under ``env``."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, runpy; s = runpy.run_path('src/shegong/settings.py'); "
        "print(json.dumps({k: s[k] for k in ('SHEGONG_VOLUNTEER_STAR_MIN_MONTHS', "
        "'SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS', 'SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS', "
        "'ENV_ERRORS')}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], env={**os.environ, **env}, capture_output=True,
        text=True, check=True,
    )  # fmt: skip
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_star_settings_are_read_from_the_environment_and_checked():
    from django.conf import settings

    from shegong.volunteers.choices import ServiceKind

    assert tuple(settings.STAR_SERVICE_KINDS) == tuple(ServiceKind.values)
    good = _settings_in({
        "SHEGONG_VOLUNTEER_STAR_MIN_MONTHS": "6,6,12,12,12",
        "SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS": "donation",
        "SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS": "7",
    })  # fmt: skip
    assert good["SHEGONG_VOLUNTEER_STAR_MIN_MONTHS"] == [6, 6, 12, 12, 12]
    assert good["SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS"] == ["donation"]
    assert good["SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS"] == 7 and good["ENV_ERRORS"] == []
    bad = _settings_in({
        "SHEGONG_VOLUNTEER_STAR_MIN_MONTHS": "6,x",
        "SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS": "naps",
        "SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS": "3",
    })  # fmt: skip
    assert bad["SHEGONG_VOLUNTEER_STAR_MIN_MONTHS"] == [0, 0, 0, 0, 0]
    assert bad["SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS"] == ["staff_duty", "school_duty", "donation"]
    assert bad["SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS"] == 5
    assert len(bad["ENV_ERRORS"]) == 3
