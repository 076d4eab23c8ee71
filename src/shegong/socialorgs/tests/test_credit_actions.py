"""Credit lists (issue 14 §4): the scan lists and lifts by rule, each listing and removal one
audit entry; a rule firing twice lists once; removals refused without a verified rectification,
before 2 years on the 严重违法失信名单, and for a 撤销 organization before its 注销."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.test import override_settings

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.socialorgs import credit_rules
from shegong.socialorgs.actions import credit, records
from shegong.socialorgs.models import (
    AnnualReport,
    CreditEvent,
    CreditListing,
    FundraisingPlan,
    InspectionConclusion,
    ListKind,
    Penalty,
    Rectification,
    ReturnedLetter,
)

TODAY = date(2026, 6, 3)  # a Wednesday, after the 2025 window closed on 2026-05-31


def audits(verb):
    return AuditEvent.objects.filter(verb=int(verb))


def missed(so, year=2025):
    return AnnualReport.objects.create(
        social_org=so, year=year, state="concluded", conclusion=InspectionConclusion.ABSENT
    )


def test_a_missed_inspection_lists_the_organization_once(social_org):
    missed(social_org)
    assert credit.scan(TODAY)["report_missed"] == 1
    listing = CreditListing.objects.get()
    assert listing.kind == ListKind.ABNORMAL and listing.rule == "report_missed"
    assert listing.listed_on == TODAY and listing.fact == {"year": 2025}
    assert listing.fact_on == date(2026, 5, 31)  # the window's close
    assert "2025年度检查" in listing.reason and "核实后5个工作日内移出" in listing.how_to_leave
    assert listing.authority == social_org.registration_authority
    assert listing.needs_rectification
    entry = audits(Verb.CREDIT_LISTED).get()
    assert entry.target_id == str(social_org.pk) and entry.data["rule"] == "未按规定参加年检"
    # the rule firing again (the next day, and the same day) → still one listing
    assert credit.scan(TODAY)["report_missed"] == 0
    assert credit.scan(TODAY + timedelta(days=1))["report_missed"] == 0
    assert CreditListing.objects.count() == 1 and CreditEvent.objects.count() == 1
    assert audits(Verb.CREDIT_LISTED).count() == 1


def test_the_database_refuses_a_second_open_listing_of_the_same_list(social_org):
    missed(social_org)
    credit.scan(TODAY)
    first = CreditListing.objects.get()
    with pytest.raises(IntegrityError), transaction.atomic():
        CreditListing.objects.create(
            social_org=social_org,
            kind=ListKind.ABNORMAL,
            rule="unreachable",
            fact_on=TODAY,
            listed_on=TODAY,
            reason="x",
            how_to_leave="x",
            authority="x",
            clock_from=TODAY,
        )
    assert CreditListing.objects.get() == first


def test_old_facts_and_completed_inspections_list_nothing(social_org):
    missed(social_org, year=2021)  # beyond the rule's look-back
    AnnualReport.objects.create(social_org=social_org, year=2024, conclusion="pass")
    assert credit.scan(TODAY)["report_missed"] == 0
    assert not CreditListing.objects.exists()


@override_settings(SOCIALORGS_CREDIT_RULES={"report_missed": {"enabled": False}})
def test_an_authority_can_switch_a_rule_off(social_org):
    missed(social_org)
    assert "report_missed" not in credit.scan(TODAY)
    assert not CreditListing.objects.exists()


def test_removal_needs_a_verified_rectification_then_the_scan_removes(social_org, registrar):
    missed(social_org)
    credit.scan(TODAY)
    listing = CreditListing.objects.get()
    with pytest.raises(DomainError, match="核实"):
        credit.remove_listing(listing, "已补报", actor=registrar)
    listing.refresh_from_db()
    assert listing.removed_on is None and not audits(Verb.CREDIT_REMOVED).exists()
    rect = credit.order_rectification(
        social_org,
        {"matter": "补报2025年度工作报告", "deadline": TODAY + timedelta(days=30)},
        actor=registrar,
        on=TODAY,
    )
    listing.refresh_from_db()
    assert listing.rectification == rect
    # removal still refused: ordered, not verified
    with pytest.raises(DomainError):
        credit.remove_listing(listing, "已补报", actor=registrar)
    credit.verify_rectification(rect, "已补报并核实", actor=registrar)
    assert credit.scan(TODAY + timedelta(days=1))["removed"] == 1
    listing.refresh_from_db()
    assert listing.removed_on == TODAY + timedelta(days=1)
    assert "核实" in listing.removal_reason
    assert audits(Verb.CREDIT_REMOVED).count() == 1


def test_the_registrar_removes_at_once_after_verification(social_org, registrar):
    missed(social_org)
    credit.scan(TODAY)
    rect = credit.order_rectification(
        social_org,
        {"matter": "补报", "deadline": TODAY + timedelta(days=10)},
        actor=registrar,
        on=TODAY,
    )
    credit.verify_rectification(rect, "已核实", actor=registrar)
    listing = credit.remove_listing(CreditListing.objects.get(), "整改已核实", actor=registrar)
    assert listing.removed_on is not None and listing.removed_by == registrar
    with pytest.raises(DomainError, match="已于"):
        credit.remove_listing(listing, "再次", actor=registrar)


def test_an_unmet_rectification_lists_and_its_verification_lifts(social_org, registrar):
    rect = credit.order_rectification(
        social_org,
        {"matter": "变更住所未备案", "deadline": date(2026, 5, 1)},
        actor=registrar,
        on=date(2026, 4, 1),
    )
    credit.scan(date(2026, 4, 30))
    assert not CreditListing.objects.exists()  # deadline not passed
    assert credit.scan(date(2026, 5, 6))["rectification_overdue"] == 1
    listing = CreditListing.objects.get()
    assert listing.rectification == rect and "变更住所未备案" in listing.reason
    assert listing.fact_on == date(2026, 5, 2)
    credit.verify_rectification(rect, "已备案", actor=registrar, on=date(2026, 5, 20))
    assert credit.scan(date(2026, 5, 21))["removed"] == 1


def test_two_returned_letters_list_as_unreachable_and_six_months_lift(social_org, registrar):
    credit.record_returned_letter(
        social_org,
        {"sent_on": "2026-01-05", "returned_on": "2026-01-20"},
        actor=registrar,
        on=date(2026, 1, 21),
    )
    credit.scan(date(2026, 1, 22))
    assert not CreditListing.objects.exists()  # one letter is not enough
    with pytest.raises(InvalidInput) as refused:
        credit.record_returned_letter(
            social_org,
            {"sent_on": "2026-01-10", "returned_on": "2026-01-25"},
            actor=registrar,
            on=date(2026, 1, 26),
        )
    assert refused.value.errors[0]["field"] == "sent_on"  # under 15 days apart
    assert ReturnedLetter.objects.count() == 1
    credit.record_returned_letter(
        social_org,
        {"sent_on": "2026-02-10", "returned_on": "2026-02-25"},
        actor=registrar,
        on=date(2026, 2, 26),
    )
    assert credit.scan(date(2026, 2, 27))["unreachable"] == 1
    listing = CreditListing.objects.get()
    assert listing.fact["first"] == "2026-01-05" and listing.fact["second"] == "2026-02-10"
    assert "2026-01-05" in listing.reason and not listing.needs_rectification
    assert listing.clock_from == date(2026, 2, 25)
    assert ReturnedLetter.objects.filter(event__isnull=True).count() == 0
    # a new triggering event restarts the clock
    missed(social_org, year=2025)
    assert credit.scan(date(2026, 6, 3))["report_missed"] == 0  # joins the open listing
    listing.refresh_from_db()
    assert listing.clock_from == date(2026, 5, 31) and listing.needs_rectification
    assert audits(Verb.CREDIT_CLOCK_RESTARTED).count() == 1


def test_nothing_to_rectify_removes_after_six_months_from_the_clock(social_org, registrar):
    for sent, back in [("2026-01-05", "2026-01-20"), ("2026-02-10", "2026-02-25")]:
        credit.record_returned_letter(
            social_org,
            {"sent_on": sent, "returned_on": back},
            actor=registrar,
            on=date(2026, 3, 1),
        )
    credit.scan(date(2026, 3, 2))
    assert credit.scan(date(2026, 8, 24))["removed"] == 0
    assert credit.scan(date(2026, 8, 25))["removed"] == 1
    assert "满6个月" in CreditListing.objects.get().removal_reason


def _two_years_on_abnormal(so):
    missed(so, year=2023)
    credit.scan(date(2024, 6, 3))
    return credit.scan(date(2026, 6, 3))


def test_two_years_on_the_abnormal_list_moves_to_the_serious_list(social_org, org_user):
    result = _two_years_on_abnormal(social_org)
    assert result["abnormal_two_years"] == 1
    abnormal = CreditListing.objects.get(kind=ListKind.ABNORMAL)
    serious = CreditListing.objects.get(kind=ListKind.SERIOUS)
    assert (
        abnormal.removed_on == date(2026, 6, 3)
        and "转入严重违法失信名单" in abnormal.removal_reason
    )
    assert serious.from_listing == abnormal and serious.removed_on is None
    # leaving before 2 years is refused, for the organization and the registrar alike
    with pytest.raises(DomainError, match="满2年"):
        credit.apply_to_leave(serious, "已整改", actor=org_user, on=date(2027, 6, 3))
    with pytest.raises(DomainError, match="满2年"):
        credit.remove_listing(serious, "申请移出", actor=None, on=date(2027, 6, 3))
    serious.refresh_from_db()
    assert serious.leave_applied_at is None and serious.removed_on is None


def test_after_two_years_the_organization_applies_and_the_registrar_removes(
    social_org, org_user, registrar
):
    _two_years_on_abnormal(social_org)
    serious = CreditListing.objects.get(kind=ListKind.SERIOUS)
    with pytest.raises(DomainError, match="移出申请"):
        credit.remove_listing(serious, "到期", actor=registrar, on=date(2028, 6, 5))
    with pytest.raises(InvalidInput):
        credit.apply_to_leave(serious, "  ", actor=org_user, on=date(2028, 6, 5))
    credit.apply_to_leave(serious, "已补报历年报告", actor=org_user, on=date(2028, 6, 5))
    assert audits(Verb.CREDIT_LEAVE_APPLIED).count() == 1
    credit.remove_listing(
        serious, "申请移出，经核实未再发生失信情形", actor=registrar, on=date(2028, 6, 6)
    )
    serious.refresh_from_db()
    assert serious.removed_on == date(2028, 6, 6)


def test_a_cancelled_organization_leaves_only_through_deregistration(social_org, registrar):
    records.change_status(social_org, "cancelled", legal_basis="条例第三十条", actor=registrar)
    assert credit.scan()["struck_off"] == 1
    serious = CreditListing.objects.get(kind=ListKind.SERIOUS)
    assert serious.rule == "struck_off" and "撤销" in serious.reason
    later = timezone_today() + timedelta(days=365 * 3)
    with pytest.raises(DomainError, match="注销"):
        credit.remove_listing(serious, "满3年", actor=registrar, on=later)
    with pytest.raises(DomainError, match="注销"):
        credit.apply_to_leave(serious, "申请", actor=None, on=later)
    assert credit.scan()["struck_off"] == 0  # once
    records.change_status(social_org, "deregistered", legal_basis="注销登记", actor=registrar)
    assert credit.scan()["removed"] == 1
    serious.refresh_from_db()
    assert serious.removal_reason == "该社会组织已办理注销登记"


def timezone_today():
    from django.utils import timezone

    return timezone.localdate()


def test_bad_input_writes_nothing(social_org, registrar):
    before = AuditEvent.objects.count()
    with pytest.raises(InvalidInput) as refused:
        credit.order_rectification(social_org, {"matter": "", "deadline": "昨天"}, actor=registrar)
    assert {e["field"] for e in refused.value.errors} == {"matter", "deadline"}
    with pytest.raises(InvalidInput) as refused:
        credit.record_returned_letter(
            social_org,
            {"sent_on": "2026-02-10", "returned_on": "2026-02-01"},
            actor=registrar,
            on=date(2026, 3, 1),
        )
    assert refused.value.errors[0]["field"] == "returned_on"
    rect = credit.order_rectification(
        social_org, {"matter": "补报", "deadline": "2099-01-01"}, actor=registrar
    )
    with pytest.raises(InvalidInput):
        credit.verify_rectification(rect, "", actor=registrar)
    assert not ReturnedLetter.objects.exists()
    assert Rectification.objects.get().verified_at is None
    assert AuditEvent.objects.count() == before + 1


def test_another_streets_registrar_cannot_touch_the_organization(social_org, registrar_b):
    missed(social_org)
    credit.scan(TODAY)
    listing = CreditListing.objects.get()
    with pytest.raises(NotFound):
        credit.remove_listing(listing, "x", actor=registrar_b)
    with pytest.raises(NotFound):
        credit.record_returned_letter(
            social_org, {"sent_on": "2026-01-01", "returned_on": "2026-01-02"}, actor=registrar_b
        )


def test_a_warning_penalty_lists_once_and_six_months_lift(social_org):
    """第十条第（五）项: 受到警告 → 活动异常名录 with nothing to rectify."""
    Penalty.objects.create(
        social_org=social_org, kind="warning", ground="report", article="《条例》第三十条",
        decision_number="示民罚〔2026〕3号", decided_on=TODAY - timedelta(days=2),
    )  # fmt: skip
    assert credit.scan(TODAY)["warned"] == 1
    listing = CreditListing.objects.get()
    assert listing.rule == "warned" and not listing.needs_rectification
    assert listing.reason == f"受到警告行政处罚（示民罚〔2026〕3号，{TODAY - timedelta(days=2)}）"
    assert listing.fact_on == TODAY - timedelta(days=2)
    assert credit.scan(TODAY + timedelta(days=1))["warned"] == 0  # one fact, one listing
    assert credit.scan(TODAY + timedelta(days=190))["removed"] == 1  # after 6 months
    Penalty.objects.create(
        social_org=social_org, kind="fine", ground="report", article="《条例》第三十条",
        decision_number="示民罚〔2026〕4号", decided_on=TODAY, amount=1000,
    )  # fmt: skip
    assert credit.scan(TODAY + timedelta(days=191))["warned"] == 0  # a fine is not a warning


def test_an_overdue_fundraising_disclosure_lists_each_missed_period_once(social_org):
    """第十条第（四）项: a public-fundraising charity missing a disclosure deadline; the next
    period missed again is a new fact on the same open listing (its clock restarts)."""
    social_org.public_fundraising = True
    social_org.save(update_fields=["public_fundraising"])
    plan = FundraisingPlan.objects.create(
        social_org=social_org, title="助学募捐", purpose="助学", starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31), channels="平台", target_amount=100000,
        filed_on=date(2024, 12, 20), disclosure_due_on=TODAY - timedelta(days=3),
    )  # fmt: skip
    assert credit.scan(TODAY)["disclosure_overdue"] == 1
    listing = CreditListing.objects.get()
    assert listing.rule == "disclosure_overdue" and listing.needs_rectification
    assert "募捐方案“助学募捐”应于" in listing.reason
    assert credit.scan(TODAY + timedelta(days=1))["disclosure_overdue"] == 0
    plan.disclosure_due_on = TODAY + timedelta(days=10)  # the next period, missed again
    plan.save(update_fields=["disclosure_due_on"])
    assert credit.scan(TODAY + timedelta(days=12))["disclosure_overdue"] == 0  # no new listing
    assert CreditListing.objects.count() == 1 and CreditEvent.objects.count() == 2
    assert CreditListing.objects.get().clock_from == TODAY + timedelta(days=11)


def test_a_plan_of_an_organization_without_the_qualification_lists_nothing(social_org):
    FundraisingPlan.objects.create(
        social_org=social_org, title="助学募捐", purpose="助学", starts_on=date(2025, 1, 1),
        ends_on=date(2026, 12, 31), channels="平台", target_amount=100000,
        filed_on=date(2024, 12, 20), disclosure_due_on=TODAY - timedelta(days=3),
    )  # fmt: skip
    assert credit.scan(TODAY)["disclosure_overdue"] == 0


def test_no_party_organization_lists_only_where_the_authority_switched_the_rule_on(
    social_org, district
):
    """第十条第（二）项: ≥3 正式党员 and no party organization of its own (the ledger's 应建未建
    rule, read, not copied); off by default, one fact a year."""
    from shegong.ledger.models import Employment, Person

    for n in range(3):
        person = Person.objects.create(
            name=f"党员{n}", region=district["community_a"], political_status="party_full"
        )
        Employment.objects.create(person=person, organization=social_org.organization)
    assert "party_org_missing" not in credit.scan(TODAY)  # off by default
    rules = {"party_org_missing": {"enabled": True}}
    with override_settings(SOCIALORGS_CREDIT_RULES=rules):
        assert credit.scan(TODAY)["party_org_missing"] == 1
        listing = CreditListing.objects.get()
        assert listing.reason == "正式党员3名以上，未按照有关规定单独设立党组织（2026年核查）"
        assert listing.needs_rectification
        assert credit.scan(TODAY + timedelta(days=1))["party_org_missing"] == 0


def test_two_party_members_are_not_the_rules_fact(social_org, district):
    from shegong.ledger.models import Employment, Person

    for n in range(2):
        person = Person.objects.create(
            name=f"党员{n}", region=district["community_a"], political_status="party_full"
        )
        Employment.objects.create(person=person, organization=social_org.organization)
    with override_settings(SOCIALORGS_CREDIT_RULES={"party_org_missing": {"enabled": True}}):
        assert credit.scan(TODAY)["party_org_missing"] == 0


def test_rules_table_names_its_sources():
    for rule in credit_rules.RULES.values():
        assert rule.basis.startswith("《社会组织信用信息管理办法》")
        assert rule.how_to_leave
    assert credit_rules._months_before(date(2026, 8, 31), 6) == date(2026, 2, 28)
