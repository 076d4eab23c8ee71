"""Charities and fundraising through the actions: the qualification with its checklist and
clock, plans with their late mark, supervision log and disclosure cadence, and the yearly
figures with the art. 61 ratios. Every bad input leaves nothing written."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shegong.core.audit import Verb
from shegong.core.errors import AccessDenied, DomainError, InvalidInput
from shegong.core.models import AuditEvent
from shegong.socialorgs.actions import charity, records
from shegong.socialorgs.actions.charity import add_months, disclosure_due
from shegong.socialorgs.models import (
    AnnualReport,
    ApplicationDocument,
    CharityFinancials,
    Disclosure,
    FundraisingApplication,
    FundraisingPlan,
    SocialOrg,
)

from .charity_helpers import fin_data, pdf, plan_data, qualify, today

# --- the qualification ----------------------------------------------------------------------


def test_application_checklist_clock_and_grant(registrar, charity_org):
    app = charity.file_application(
        charity_org, {"note": "申请"}, governance_files=[pdf()], actor=registrar
    )
    assert app.due_on == app.filed_on + timedelta(days=20)
    assert all(row["passed"] for row in app.checklist), app.checklist
    assert {row["key"] for row in app.checklist} >= {"one_year", "inspection", "governance"}
    assert charity.clock(app)["text"] == "剩余20天"
    assert charity.clock(app, today() + timedelta(days=23))["text"] == "逾期3天"
    assert ApplicationDocument.objects.get().kind == "governance"
    charity.decide_application(app, "granted", actor=registrar)
    so = SocialOrg.objects.get(pk=charity_org.pk)
    assert so.public_fundraising and so.public_fundraising_on == today()
    assert AuditEvent.objects.filter(verb=Verb.FUNDRAISING_APPLICATION_GRANTED).count() == 1
    with pytest.raises(DomainError, match="已具有公开募捐资格"):
        charity.file_application(so, {}, actor=registrar)


def test_checklist_shows_what_fails_and_grant_is_refused(registrar, charity_org):
    charity_org.charity_on = today() - timedelta(days=100)
    charity_org.save()
    AnnualReport.objects.filter(social_org=charity_org).first().delete()
    app = charity.file_application(charity_org, {}, actor=registrar)
    failed = {row["key"] for row in app.checklist if not row["passed"]}
    assert failed == {"one_year", "inspection", "governance"}
    with pytest.raises(DomainError, match="不符合公开募捐资格条件"):
        charity.decide_application(app, "granted", actor=registrar)
    assert not SocialOrg.objects.get(pk=charity_org.pk).public_fundraising
    assert FundraisingApplication.objects.get().state == "pending"


def test_refusal_needs_reasons(registrar, charity_org):
    app = charity.file_application(charity_org, {}, actor=registrar)
    with pytest.raises(InvalidInput) as exc:
        charity.decide_application(app, "refused", reasons="  ", actor=registrar)
    assert exc.value.errors[0]["field"] == "reasons"
    assert FundraisingApplication.objects.get().state == "pending"
    charity.decide_application(app, "refused", reasons="内部治理制度不健全", actor=registrar)
    app.refresh_from_db()
    assert app.state == "refused" and app.reasons == "内部治理制度不健全"
    with pytest.raises(DomainError, match="不能重复决定"):
        charity.decide_application(app, "granted", actor=registrar)


def test_bad_attachment_is_named_and_nothing_written(registrar, charity_org):
    bad = SimpleUploadedFile("制度.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(InvalidInput, match=r"「制度\.pdf」"):
        charity.file_application(charity_org, {}, governance_files=[pdf(), bad], actor=registrar)
    assert not FundraisingApplication.objects.exists()
    assert not ApplicationDocument.objects.exists()


def test_application_for_a_deregistered_org_is_refused(registrar, charity_org):
    records.change_status(charity_org, "deregistered", legal_basis="注销登记", actor=registrar)
    with pytest.raises(DomainError, match="已注销"):
        charity.file_application(charity_org, {}, governance_files=[pdf()], actor=registrar)
    assert not FundraisingApplication.objects.exists()


def test_one_pending_application_at_a_time(registrar, charity_org):
    charity.file_application(charity_org, {}, actor=registrar)
    with pytest.raises(DomainError, match="待审批"):
        charity.file_application(charity_org, {}, actor=registrar)


def test_org_account_files_for_its_own_org_only(
    district, registrar, charity_org, org_user, social_org
):
    with pytest.raises(AccessDenied):
        charity.file_application(charity_org, {}, actor=org_user)
    # the org user's own organization (not a charity): filed, checklist says why not
    app = charity.file_application(social_org, {}, actor=org_user)
    assert app.via_portal and not app.checklist[0]["passed"]
    with pytest.raises(AccessDenied):
        charity.decide_application(app, "refused", reasons="不是慈善组织", actor=org_user)


def test_registrar_of_another_street_cannot(registrar_b, charity_org):
    with pytest.raises(AccessDenied):
        charity.file_application(charity_org, {}, actor=registrar_b)


# --- plans ----------------------------------------------------------------------------------


def test_plan_without_the_qualification_is_refused(registrar, charity_org):
    with pytest.raises(DomainError, match="不具有公开募捐资格"):
        charity.file_plan(charity_org, plan_data(), actor=registrar)
    assert not FundraisingPlan.objects.exists()


def test_plan_period_and_amount_checked(registrar, charity_org):
    qualify(charity_org, registrar)
    with pytest.raises(InvalidInput) as exc:
        charity.file_plan(
            charity_org,
            plan_data(ends_on=today().isoformat(), target_amount="-5", channels=""),
            actor=registrar,
        )
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"ends_on", "target_amount", "channels"}
    assert not FundraisingPlan.objects.exists()


def test_plan_filed_before_start_and_late(registrar, charity_org):
    qualify(charity_org, registrar)
    early = charity.file_plan(charity_org, plan_data(), actor=registrar)
    assert not early.late
    assert early.disclosure_due_on == add_months(early.ends_on, 3)
    late = charity.file_plan(
        charity_org, plan_data(title="迟到的方案", starts_on=today().isoformat()), actor=registrar
    )
    assert late.late and FundraisingPlan.objects.count() == 2


def test_disclosure_cadence():
    long = FundraisingPlan(starts_on=date(2025, 1, 1), ends_on=date(2025, 12, 31))
    assert disclosure_due(long, []) == date(2025, 4, 1)
    d1 = Disclosure(disclosed_on=date(2025, 3, 20), final=False)
    assert disclosure_due(long, [d1]) == date(2025, 6, 20)
    d2 = Disclosure(disclosed_on=date(2025, 11, 1), final=False)
    assert disclosure_due(long, [d1, d2]) == date(2026, 3, 31)  # within 3 months of the end
    assert (
        disclosure_due(long, [d1, d2, Disclosure(disclosed_on=date(2026, 1, 5), final=True)])
        is None
    )
    short = FundraisingPlan(starts_on=date(2025, 1, 1), ends_on=date(2025, 5, 31))
    assert disclosure_due(short, []) == date(2025, 8, 31)
    assert add_months(date(2025, 1, 31), 1) == date(2025, 2, 28)


def test_supervision_and_disclosures(registrar, charity_org, org_user):
    qualify(charity_org, registrar)
    plan = charity.file_plan(
        charity_org,
        plan_data(
            starts_on=(today() - timedelta(days=400)).isoformat(),
            ends_on=(today() - timedelta(days=10)).isoformat(),
        ),
        actor=None,
        on=today() - timedelta(days=420),
    )
    assert plan.disclosure_due_on < today()  # overdue: nothing disclosed for 13 months
    entry = charity.log_supervision(
        plan, {"checked_on": today().isoformat(), "checked": "票据", "findings": "无"},
        actor=registrar,
    )  # fmt: skip
    assert entry.plan == plan
    with pytest.raises(InvalidInput):
        charity.log_supervision(plan, {"checked_on": "", "checked": ""}, actor=registrar)
    with pytest.raises(AccessDenied):
        charity.log_supervision(plan, {"checked_on": today(), "checked": "x"}, actor=org_user)
    with pytest.raises(InvalidInput) as exc:
        charity.record_disclosure(
            plan, {"disclosed_on": today(), "content": "x"},
            files=[SimpleUploadedFile("a.exe", b"MZ")], actor=registrar,
        )  # fmt: skip
    assert "a.exe" in str(exc.value) and not Disclosure.objects.exists()
    charity.record_disclosure(
        plan, {"disclosed_on": today(), "content": "全部收支", "final": True},
        files=[pdf("公开.pdf")], actor=registrar,
    )  # fmt: skip
    plan.refresh_from_db()
    assert plan.disclosure_due_on is None
    with pytest.raises(DomainError, match="已记录"):
        charity.record_disclosure(
            plan, {"disclosed_on": today(), "content": "再来", "final": True}, actor=registrar
        )


# --- financials -----------------------------------------------------------------------------


def test_ratios_flagged_for_public_fundraising_foundations(registrar, charity_org):
    fin = charity.save_financials(charity_org, fin_data(), actor=registrar)
    assert not fin.ratios_apply and not fin.flagged  # not qualified yet: the ratios do not bind
    qualify(charity_org, registrar)
    charity_org.refresh_from_db()
    fin = charity.save_financials(
        charity_org, fin_data(charitable_spending="600000", management_cost="100000"),
        actor=registrar,
    )  # fmt: skip
    assert fin.ratios_apply and fin.flagged
    assert fin.spending_ratio == Decimal("60.00") and fin.management_ratio == Decimal("11.11")
    assert len(fin.flags) == 2
    assert CharityFinancials.objects.count() == 1  # corrected, not duplicated
    fin = charity.save_financials(
        charity_org, fin_data(charitable_spending="700000"), actor=registrar
    )
    assert fin.spending_ratio == Decimal("70.00") and not fin.flagged


def test_previous_income_from_last_year(registrar, charity_org):
    year = today().year - 1
    charity.save_financials(
        charity_org, fin_data(year=str(year - 1), income="500000"), actor=registrar
    )
    fin = charity.save_financials(
        charity_org, fin_data(year=str(year), previous_income=""), actor=registrar
    )
    assert fin.previous_income == Decimal("500000.00")


def test_audited_needs_a_report(registrar, charity_org, social_org):
    with pytest.raises(InvalidInput) as exc:
        charity.save_financials(charity_org, fin_data(audited=True), actor=registrar)
    assert exc.value.errors[0]["field"] == "audit_files"
    assert not CharityFinancials.objects.exists()
    fin = charity.save_financials(
        charity_org, fin_data(audited=True), audit_files=[pdf("审计报告.pdf")], actor=registrar
    )
    assert fin.audited and fin.audit_reports.count() == 1
    with pytest.raises(InvalidInput) as exc:
        charity.save_financials(
            charity_org, fin_data(income="abc", charitable_spending="2000000"), actor=registrar
        )
    assert {e["field"] for e in exc.value.errors} == {"income", "charitable_spending"}
    with pytest.raises(DomainError, match="未认定为慈善组织"):
        charity.save_financials(social_org, fin_data(), actor=registrar)


def test_a_credit_listing_in_the_last_two_years_fails_the_checklist(registrar, charity_org):
    from shegong.socialorgs.models import CreditListing

    listing = CreditListing.objects.create(
        social_org=charity_org, kind="abnormal", rule="report_missed",
        fact_on=today() - timedelta(days=400), listed_on=today() - timedelta(days=398),
        reason="未按规定参加年检", how_to_leave="整改后移出", authority="示范区民政局",
        clock_from=today() - timedelta(days=398), removed_on=today() - timedelta(days=200),
    )  # fmt: skip
    app = charity.file_application(charity_org, {}, governance_files=[pdf()], actor=registrar)
    row = next(r for r in app.checklist if r["key"] == "no_credit_listing")
    assert not row["passed"] and "未按规定参加年检" in row["detail"]
    # removed more than two years ago: no longer counts
    listing.removed_on = today() - timedelta(days=800)
    listing.listed_on = listing.clock_from = today() - timedelta(days=900)
    listing.save()
    app.delete()
    app = charity.file_application(charity_org, {}, governance_files=[pdf()], actor=registrar)
    assert next(r for r in app.checklist if r["key"] == "no_credit_listing")["passed"]
