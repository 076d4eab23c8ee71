"""§5 through the actions: term states, extensions, the 换届 checklist, dormant detection and
its outcomes, the daily scan's reminders, and the bad input the issue names."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.ledger.choices import OrgStatus
from shegong.socialorgs import election_scan, terms
from shegong.socialorgs.actions import election as actions
from shegong.socialorgs.actions import records
from shegong.socialorgs.models import (
    Announcement,
    AnnualReport,
    DormantCase,
    Election,
    InspectionConclusion,
    SocialOrg,
    TermExtension,
    TermReminder,
)

pytestmark = pytest.mark.django_db


def _with_term(so, term_end: date) -> SocialOrg:
    SocialOrg.objects.filter(pk=so.pk).update(
        term_start=term_end.replace(year=term_end.year - 5), term_end=term_end
    )
    so.refresh_from_db()
    return so


def _absent(so, *years):
    for year in years:
        AnnualReport.objects.create(
            social_org=so, year=year, state="concluded", conclusion=InspectionConclusion.ABSENT
        )


def _second_org(registrar, org_data, district, serial=2, **extra):
    from shegong.socialorgs.demo import credit_code

    return records.register_social_org(
        org_data(
            name=f"西城老年体育协会{serial}",
            credit_code=credit_code("association", "341271", serial),
            registration_number=f"皖民证字第{serial:05d}号",
            region=district["street_b"].code,
            **extra,
        ),
        actor=registrar,
    )


# --- term states -----------------------------------------------------------------------------


def test_term_states_follow_the_calendar(social_org):
    end = date(2026, 6, 1)  # the fixture's term: 2021-06-01 + 5 years
    assert social_org.term_end == end
    assert terms.term_state(social_org, date(2025, 11, 30)) == "normal"
    assert terms.term_state(social_org, date(2025, 12, 1)) == "due6"
    assert terms.term_state(social_org, date(2026, 3, 1)) == "due3"
    assert terms.term_state(social_org, end) == "due3"
    assert terms.term_state(social_org, date(2026, 6, 2)) == "overdue"
    assert terms.term_state(social_org, date(2027, 6, 2)) == "serious"
    # the list queries agree with the single-organization state
    qs = SocialOrg.objects.all()
    for today, state in [(date(2025, 12, 1), "due6"), (date(2026, 3, 1), "due3"),
                         (date(2026, 6, 2), "overdue"), (date(2027, 6, 2), "serious")]:  # fmt: skip
        assert list(terms.term_orgs(qs, state, today)) == [social_org], state
        assert list(terms.term_orgs(qs, "late", today)) == (
            [social_org] if state in ("overdue", "serious") else []
        )


def test_extension_over_one_year_is_refused_and_nothing_written(social_org, registrar):
    with pytest.raises(InvalidInput) as exc:
        actions.request_extension(
            social_org, {"new_date": "2027-06-02", "reason": "疫情"}, actor=registrar
        )
    assert exc.value.errors[0]["field"] == "new_date"
    assert "不超过1年" in exc.value.errors[0]["message"]
    with pytest.raises(InvalidInput) as exc:
        actions.request_extension(social_org, {"new_date": "2027-01-01"}, actor=registrar)
    assert exc.value.errors[0]["field"] == "reason"
    assert not TermExtension.objects.exists()


def test_extension_approved_moves_the_deadline(social_org, registrar, org_user):
    ext = actions.request_extension(
        social_org, {"new_date": "2027-06-01", "reason": "会员分散，需延期召开大会"}, actor=org_user
    )
    with pytest.raises(DomainError):  # one pending at a time
        actions.request_extension(
            social_org, {"new_date": "2027-05-01", "reason": "再次申请"}, actor=org_user
        )
    with pytest.raises(InvalidInput):  # a rejection needs its reason
        actions.decide_extension(ext, approve=False, actor=registrar)
    actions.decide_extension(ext, approve=True, note="同意", actor=registrar)
    ext.refresh_from_db()
    assert ext.state == "approved" and ext.decided_by == registrar
    assert terms.term_state(social_org, date(2026, 12, 1)) == "extended"
    assert terms.term_state(social_org, date(2027, 6, 2)) == "serious"  # past the extension
    qs = SocialOrg.objects.all()
    assert list(terms.term_orgs(qs, "extended", date(2026, 12, 1))) == [social_org]
    assert not terms.term_orgs(qs, "late", date(2026, 12, 1)).exists()
    assert list(terms.term_orgs(qs, "serious", date(2027, 6, 2))) == [social_org]
    with pytest.raises(IllegalTransition):
        actions.decide_extension(ext, approve=True, actor=registrar)
    assert AuditEvent.objects.filter(verb=561).count() == 1


def test_other_street_registrar_cannot_touch(social_org, registrar_b):
    with pytest.raises(NotFound):
        actions.open_election(social_org, actor=registrar_b)
    with pytest.raises(NotFound):
        actions.request_extension(
            social_org, {"new_date": "2027-01-01", "reason": "理由"}, actor=registrar_b
        )


# --- the 换届 checklist ------------------------------------------------------------------------


def test_election_steps_in_order_complete_the_term(social_org, registrar):
    election = actions.open_election(social_org, actor=registrar)
    assert not election.review_required  # no business supervisor
    with pytest.raises(DomainError):
        actions.open_election(social_org, actor=registrar)
    today = timezone.localdate()
    with pytest.raises(IllegalTransition):  # 选举 before 筹备
        actions.record_step(election, "meeting", {"done_on": today, "note": "x"}, actor=registrar)
    actions.record_step(election, "plan", {"done_on": today}, actor=registrar)
    actions.record_step(election, "candidates", {"done_on": today}, actor=registrar)
    with pytest.raises(InvalidInput) as exc:  # results are required
        actions.record_step(election, "meeting", {"done_on": today}, actor=registrar)
    assert exc.value.errors[0]["field"] == "note"
    with pytest.raises(InvalidInput):
        actions.record_step(
            election, "meeting", {"done_on": today + timedelta(days=1), "note": "选举"},
            actor=registrar,
        )  # fmt: skip
    actions.record_step(
        election, "meeting", {"done_on": today, "note": "选举产生理事长王五"}, actor=registrar
    )
    assert Election.objects.get().completed_on is None
    actions.record_step(election, "filing", {"done_on": today}, actor=registrar)
    election.refresh_from_db()
    social_org.refresh_from_db()
    assert election.completed_on == today and election.new_term_start == today
    assert social_org.term_start == today
    assert social_org.term_end == today.replace(year=today.year + 5)
    assert terms.term_state(social_org) == "normal"
    assert AuditEvent.objects.filter(verb=564).count() == 1
    with pytest.raises(DomainError):
        actions.record_step(election, "filing", {"done_on": today}, actor=registrar)
    assert list(terms.completed_elections(Election.objects.all(), today.year, "association")) == [
        election
    ]


def test_supervised_org_needs_the_review_step(registrar, org_data, district):
    so = records.register_social_org(org_data(supervisor="示范区教育局"), actor=registrar)
    election = actions.open_election(so, actor=registrar)
    assert election.review_required
    today = timezone.localdate()
    actions.record_step(election, "plan", {"done_on": today}, actor=registrar)
    actions.record_step(election, "candidates", {"done_on": today}, actor=registrar)
    with pytest.raises(IllegalTransition):
        actions.record_step(election, "meeting", {"done_on": today, "note": "x"}, actor=registrar)
    actions.record_step(election, "review", {"done_on": today}, actor=registrar)
    assert actions.next_step(election) == "meeting"


# --- dormant organizations ------------------------------------------------------------------


def test_detection_twice_opens_one_case(social_org, registrar, org_data, district):
    today = timezone.localdate()
    last = terms.last_closed_year(today)
    _absent(social_org, last - 1, last)
    other = _second_org(registrar, org_data, district)
    _absent(other, last - 2, last)  # not two running: not a candidate
    first = actions.run_detection(actor=registrar)
    second = actions.run_detection(actor=registrar)
    assert [c.social_org for c in first] == [social_org]
    assert second == []
    case = DormantCase.objects.get()
    assert case.grounds == ["not_inspected"]
    assert case.ground_labels == ["连续两年未参加年检"]


def test_no_activity_rule(registrar, org_data, district):
    today = timezone.localdate()
    last = terms.last_closed_year(today)
    registered = min(date(last, 6, 30), today - timedelta(days=400))
    quiet = records.register_social_org(
        org_data(registered_on=registered.isoformat(), term_start=registered.isoformat()),
        actor=registrar,
    )
    active = _second_org(registrar, org_data, district, registered_on=registered.isoformat())
    AnnualReport.objects.create(
        social_org=active, year=last, state="concluded", conclusion=InspectionConclusion.PASS
    )
    found = terms.candidates(SocialOrg.objects.all(), today)
    assert found == {quiet.pk: ["no_activity"]}


def test_strike_off_only_after_the_notice(social_org, registrar):
    today = timezone.localdate()
    last = terms.last_closed_year(today)
    _absent(social_org, last - 1, last)
    (case,) = actions.run_detection(actor=registrar)
    with pytest.raises(DomainError):  # no notice yet
        actions.strike_off(case, {}, actor=registrar)
    actions.publish_strike_off_notice(case, actor=registrar)
    case.refresh_from_db()
    notice = Announcement.objects.get(kind="strike_off_notice")
    assert notice.kind == "strike_off_notice" and notice.ends_on == today + timedelta(days=60)
    assert case.notice_ends_on == notice.ends_on and case.state == "notice"
    with pytest.raises(DomainError) as exc:
        actions.strike_off(case, {}, actor=registrar)
    assert "公告期满前不能撤销登记" in str(exc.value)
    case.refresh_from_db()
    assert case.closed_on is None
    # the system, 60 days later
    actions.strike_off(case, {"outcome": "cancelled"}, actor=None, on=notice.ends_on)
    case.refresh_from_db()
    social_org.refresh_from_db()
    assert case.state == "cleared" and case.outcome == "cancelled"
    assert social_org.status == "cancelled"
    assert social_org.organization.status == OrgStatus.CLOSED
    year = notice.ends_on.year
    assert terms.dormant_filter("cleared", today, year) is not None
    assert list(DormantCase.objects.filter(terms.dormant_filter("cleared", today, year))) == [case]


def test_rectification_and_deregistration(social_org, registrar):
    last = terms.last_closed_year(timezone.localdate())
    _absent(social_org, last - 1, last)
    (case,) = actions.run_detection(actor=registrar)
    with pytest.raises(InvalidInput) as exc:
        actions.order_rectification(case, {"deadline": "2000-01-01", "note": ""}, actor=registrar)
    assert {e["field"] for e in exc.value.errors} == {"deadline", "note"}
    deadline = timezone.localdate() + timedelta(days=30)
    actions.order_rectification(case, {"deadline": deadline, "note": "补报年检"}, actor=registrar)
    case.refresh_from_db()
    assert case.state == "rectifying" and case.deadline == deadline
    actions.deregister_dormant(case, {}, actor=registrar)
    case.refresh_from_db()
    social_org.refresh_from_db()
    assert case.state == "cleared" and case.outcome == "deregistered"
    assert social_org.status == "deregistered"
    # any action on a 注销 organization is refused
    with pytest.raises(DomainError) as exc:
        actions.open_election(social_org, actor=registrar)
    assert "注销" in str(exc.value)
    with pytest.raises(DomainError):
        actions.request_extension(
            social_org, {"new_date": "2027-01-01", "reason": "理由"}, actor=registrar
        )
    assert actions.run_detection(actor=registrar) == []


def test_rectified_case_closes_without_clearing(social_org, registrar):
    last = terms.last_closed_year(timezone.localdate())
    _absent(social_org, last - 1, last)
    (case,) = actions.run_detection(actor=registrar)
    with pytest.raises(IllegalTransition):
        actions.mark_rectified(case, {"note": "已恢复活动"}, actor=registrar)
    actions.order_rectification(
        case, {"deadline": timezone.localdate() + timedelta(days=10), "note": "补报"},
        actor=registrar,
    )  # fmt: skip
    actions.mark_rectified(case, {"note": "已补报年检"}, actor=registrar)
    case.refresh_from_db()
    assert case.state == "rectified" and case.closed_on is not None and not case.outcome
    assert actions.run_detection(actor=registrar) == []  # not reopened within a year


# --- the daily scan --------------------------------------------------------------------------


def test_scan_reminds_each_window_once(social_org, org_user):
    today = timezone.localdate()
    _with_term(social_org, today + timedelta(days=150))  # within six months
    assert election_scan.election_scan(today) == {"reminded": 1, "opened": 0}
    assert election_scan.election_scan(today) == {"reminded": 0, "opened": 0}
    note = Notification.objects.get(recipient=org_user)
    assert "换届提醒" in note.title
    _with_term(social_org, today + timedelta(days=60))  # within three months
    assert election_scan.send_reminders(today) == 1
    assert election_scan.send_reminders(today) == 0
    assert TermReminder.objects.count() == 2
    assert Notification.objects.filter(recipient=org_user).count() == 2


def test_an_open_unreachable_listing_makes_a_dormant_candidate(social_org, registrar):
    from shegong.socialorgs.models import CreditListing

    today = timezone.localdate()
    listing = CreditListing.objects.create(
        social_org=social_org, kind="abnormal", rule="unreachable", fact_on=today,
        listed_on=today, reason="通过登记的住所无法联系", how_to_leave="恢复联系后移出",
        authority="示范区民政局", clock_from=today,
    )  # fmt: skip
    (case,) = actions.run_detection(actor=registrar)
    assert case.grounds == ["unreachable"] and case.unreachable
    listing.removed_on = today
    listing.save()
    DormantCase.objects.all().delete()
    assert actions.run_detection(actor=registrar) == []


def test_a_closing_event_clears_the_dormant_case(social_org, registrar):
    """The dormant case's outcome carried out as a registration event (§2): the 撤销 penalty
    waits for the 60-day 公告, then clears the case in the same transaction; counted once."""
    from shegong.core.audit import Verb
    from shegong.socialorgs.actions import events
    from shegong.socialorgs.models import Penalty

    today = timezone.localdate()
    last = terms.last_closed_year(today)
    _absent(social_org, last - 1, last)
    (case,) = actions.run_detection(actor=registrar)
    cancellation = {
        "kind": "cancellation",
        "ground": "society_30_3",
        "decision_number": "示民罚字〔2026〕9号",
        "decided_on": today.isoformat(),
        "facts": "连续两年未参加年检",
    }
    with pytest.raises(DomainError, match="拟撤销登记公告"):  # no notice yet
        events.impose_penalty(social_org, cancellation, actor=registrar)
    actions.publish_strike_off_notice(case, actor=None, on=today - timedelta(days=30))
    with pytest.raises(DomainError, match="公告期满前不能撤销登记"):
        events.impose_penalty(social_org, cancellation, actor=registrar)
    assert not Penalty.objects.exists()
    assert SocialOrg.objects.get(pk=social_org.pk).status == "normal"
    DormantCase.objects.filter(pk=case.pk).update(notice_ends_on=today)  # 60 days on
    events.impose_penalty(social_org, cancellation, actor=registrar)
    case.refresh_from_db()
    assert (case.state, case.outcome, case.closed_on) == ("cleared", "cancelled", today)
    assert "示民罚字〔2026〕9号" in case.legal_basis
    assert SocialOrg.objects.get(pk=social_org.pk).status == "cancelled"
    assert AuditEvent.objects.filter(verb=Verb.DORMANT_STRUCK_OFF).count() == 1
    assert list(DormantCase.objects.filter(terms.dormant_filter("concluded", today, today.year)))
    assert list(DormantCase.objects.filter(terms.dormant_filter("cleared", today, today.year)))


def test_an_approved_deregistration_clears_the_case_and_rectified_counts_concluded(
    social_org, registrar, org_data, district
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from shegong.socialorgs.actions import events
    from shegong.socialorgs.models import Application

    today = timezone.localdate()
    last = terms.last_closed_year(today)
    other = _second_org(registrar, org_data, district)
    _absent(social_org, last - 1, last)
    _absent(other, last - 1, last)
    cases = {c.social_org_id: c for c in actions.run_detection(actor=registrar)}
    # 注销 on the organization's application: approving it clears the case
    app = events.save_application(
        social_org,
        {"kind": "deregistration", "dissolved_on": (today - timedelta(days=30)).isoformat(),
         "liquidation_ended_on": (today - timedelta(days=2)).isoformat()},
        actor=registrar,
    )  # fmt: skip
    for material in ("deregistration_form", "liquidation_report", "certificates"):
        pdf = SimpleUploadedFile("a.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
        events.add_attachments(app, material, [pdf], actor=registrar)
    events.submit_application(app, actor=registrar)
    events.approve_application(app, actor=registrar)
    case = DormantCase.objects.get(pk=cases[social_org.pk].pk)
    assert (case.state, case.outcome, case.closed_on) == ("cleared", "deregistered", today)
    assert Application.objects.get(pk=app.pk).state == "approved"
    # 限期整改 → 整改完成: not cleared, but concluded (清理僵尸型社会组织 counts both)
    rectify = actions.order_rectification(
        cases[other.pk], {"deadline": today + timedelta(days=30), "note": "补报年检"},
        actor=registrar,
    )  # fmt: skip
    actions.mark_rectified(rectify, {"note": "已补报"}, actor=registrar)
    year = today.year
    cleared = DormantCase.objects.filter(terms.dormant_filter("cleared", today, year))
    concluded = DormantCase.objects.filter(terms.dormant_filter("concluded", today, year))
    assert list(cleared) == [case]
    assert sorted(c.pk for c in concluded) == sorted([case.pk, rectify.pk])
