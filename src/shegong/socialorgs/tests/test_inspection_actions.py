"""The annual inspection's actions (issue 14 §3): the year and its fixed required set, the
organization's filing (draft, materials, submit, late), 初审, 线下核验, return, conclusion with
grounds, the window's close; every bad input refused naming the field, nothing half-written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.socialorgs.actions import accounts, inspection
from shegong.socialorgs.inspection_scan import close_inspection_windows
from shegong.socialorgs.models import AnnualReport, ReportAttachment

from .inspection_helpers import AUTHORITY, at, concluded, filled, open_year, org, pdf

THIS_YEAR = timezone.localdate().year


def test_opening_a_year_fixes_the_required_set(registrar, social_org, org_data, district):
    late_comer = org(org_data, 2, registered_on=f"{THIS_YEAR - 1}-08-01")
    other_authority = org(org_data, 3, registration_authority="市民政局")
    plan = open_year(district, THIS_YEAR - 1, registrar)
    required = set(plan.reports.values_list("social_org_id", flat=True))
    assert required == {social_org.pk}  # registered ≥ 6 months by 12-31, this authority
    assert late_comer.pk not in required and other_authority.pk not in required
    event = AuditEvent.objects.get(verb=Verb.INSPECTION_YEAR_OPENED)
    assert event.data["required"] == 1
    # the set is fixed: an organization registered later is not added by itself
    org(org_data, 4, registered_on="2019-01-01")
    assert plan.reports.count() == 1
    with pytest.raises(DomainError, match="已开启"):
        open_year(district, THIS_YEAR - 1, registrar)
    # … only by the explicit action, with its reason
    with pytest.raises(InvalidInput) as exc:
        inspection.require_report(plan, late_comer, reason="", actor=registrar)
    assert exc.value.errors[0]["field"] == "reason"
    added = inspection.require_report(plan, late_comer, reason="登记满6个月补充", actor=registrar)
    assert added.year == THIS_YEAR - 1 and plan.reports.count() == 2
    with pytest.raises(DomainError, match="已在"):
        inspection.require_report(plan, late_comer, reason="再次", actor=registrar)


def test_mid_year_cutoff(registrar, social_org, org_data, district):
    org(org_data, 2, registered_on=f"{THIS_YEAR - 1}-03-01")
    plan = open_year(district, THIS_YEAR - 1, registrar, cutoff="06-30")
    assert list(plan.reports.values_list("social_org_id", flat=True)) == [social_org.pk]


def test_open_year_bad_input_names_the_fields(registrar, district):
    with pytest.raises(InvalidInput) as exc:
        inspection.open_year(
            {"authority": "", "year": "1999", "region": "", "grounds": ["nonsense"]},
            actor=registrar,
        )
    fields = {e["field"] for e in exc.value.errors}
    assert {"authority", "year", "region", "grounds"} <= fields


def test_last_years_bad_conclusion_requires_a_rectification_report(registrar, social_org, district):
    open_year(district, THIS_YEAR - 2, registrar)
    close_inspection_windows()
    assert AnnualReport.objects.get(year=THIS_YEAR - 2).conclusion == "absent"
    plan = open_year(district, THIS_YEAR - 1, registrar)
    report = plan.reports.get()
    assert report.needs_rectification
    filled(report)
    with pytest.raises(InvalidInput, match="整改报告"):
        inspection.submit_report(report, actor=None)


def test_the_organization_files_draft_attach_submit(registrar, social_org, org_user, district):
    plan = open_year(district, THIS_YEAR, registrar)  # window still open
    report = plan.reports.get()
    # a draft may be incomplete
    inspection.save_report(report, {"activities": "培训"}, actor=org_user)
    report.refresh_from_db()
    assert report.activities == "培训" and report.income is None and report.state == "draft"
    # submit names every missing field and material; nothing changes
    with pytest.raises(InvalidInput) as exc:
        inspection.submit_report(report, actor=org_user)
    messages = " ".join(e["message"] for e in exc.value.errors)
    assert "本年收入" in messages and "年度财务会计报告或审计报告" in messages
    assert "登记证书副本" in messages
    report.refresh_from_db()
    assert report.state == "draft" and report.submitted_at is None
    filled(report, org_user)
    done = inspection.submit_report(report, actor=org_user)
    assert done.state == "submitted" and not done.late
    assert AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORT_SUBMITTED).count() == 1
    with pytest.raises(DomainError):
        inspection.save_report(report, {"activities": "改"}, actor=org_user)


def test_bad_form_values_are_named(registrar, social_org, org_user, district):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    with pytest.raises(InvalidInput) as exc:
        inspection.save_report(
            report, {"income": "很多", "expenditure": "-5", "staff_count": "三"}, actor=org_user
        )
    assert {e["field"] for e in exc.value.errors} == {"income", "expenditure", "staff_count"}
    report.refresh_from_db()
    assert report.income is None


def test_a_bad_attachment_is_refused_naming_it_and_nothing_is_kept(
    registrar, social_org, org_user, district
):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    fake = SimpleUploadedFile("审计报告.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(InvalidInput, match=r"审计报告\.pdf"):
        inspection.add_attachments(report, "audit", [pdf(), fake], actor=org_user)
    with pytest.raises(InvalidInput, match=r"病毒\.exe"):
        inspection.add_attachments(
            report, "audit", [SimpleUploadedFile("病毒.exe", b"MZ")], actor=org_user
        )
    assert not ReportAttachment.objects.exists()


def test_filed_after_the_window_is_accepted_and_marked_late(registrar, social_org, district):
    report = open_year(district, THIS_YEAR - 1, registrar).reports.get()
    filled(report)
    done = inspection.submit_report(report, actor=None, at=at(THIS_YEAR, 6, 20))
    assert done.state == "submitted" and done.late
    on_time = AnnualReport.objects.get(pk=report.pk)
    assert on_time.submitted_at is not None  # never lost


def test_another_organizations_report_is_a_404(registrar, social_org, org_user, org_data, district):
    other = org(org_data, 2)
    plan = open_year(district, THIS_YEAR, registrar)
    theirs = plan.reports.get(social_org=other)
    with pytest.raises(NotFound):
        inspection.save_report(theirs, {"activities": "冒名"}, actor=org_user)
    with pytest.raises(NotFound):
        inspection.submit_report(theirs, actor=org_user)
    with pytest.raises(NotPermitted):
        inspection.save_report(theirs, {"activities": "冒名"}, actor=registrar)
    theirs.refresh_from_db()
    assert theirs.activities == ""


def test_supervisor_first_then_verification_then_conclusion(registrar, org_data, district):
    so = org(org_data, 5, supervisor="示范区教育局")
    department = Department.objects.create(
        code="edu", name="示范区教育局", region=district["district"]
    )
    supervisor = testing.user(
        Role.DEPARTMENT_HANDLER, district["district"], name="教育局科员", department=department
    )
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    filled(report)
    inspection.submit_report(report, actor=None)
    with pytest.raises(DomainError, match="初审"):
        inspection.verify_report(
            report, {"verified_on": "2026-04-01", "findings": "好"}, actor=registrar
        )
    with pytest.raises(InvalidInput) as exc:
        inspection.supervisor_review(report, passed=False, note="", actor=supervisor)
    assert exc.value.errors[0]["field"] == "note"
    done = inspection.supervisor_review(report, passed=True, note="同意", actor=supervisor)
    assert done.state == "supervisor_passed" and not done.supervisor_on_paper
    assert done.supervisor_by == "教育局科员"
    # the registrar records the 线下核验: who, when, findings
    with pytest.raises(InvalidInput) as exc:
        inspection.verify_report(report, {"verified_on": "", "findings": ""}, actor=registrar)
    assert {e["field"] for e in exc.value.errors} == {"verified_on", "findings"}
    done = inspection.verify_report(
        report, {"verified_on": "2026-04-01", "findings": "账目清楚"}, actor=registrar
    )
    assert done.state == "verified" and done.verified_by == "民政登记员"
    # 基本合格 without grounds is refused; nothing written
    with pytest.raises(InvalidInput) as exc:
        inspection.conclude_report(report, "basic", grounds=[], actor=registrar)
    assert exc.value.errors[0]["field"] == "grounds"
    with pytest.raises(InvalidInput, match="不在本年度"):
        inspection.conclude_report(report, "fail", grounds=["made_up"], actor=registrar)
    with pytest.raises(InvalidInput):
        inspection.conclude_report(report, "absent", actor=registrar)
    report.refresh_from_db()
    assert report.conclusion == "" and report.state == "verified"
    done = inspection.conclude_report(
        report, "basic", grounds=["overdue_election"], note="限期换届", actor=registrar
    )
    assert done.conclusion == "basic" and done.grounds == ["overdue_election"]
    assert done.state == "concluded" and so.pk == done.social_org_id


def test_a_registrar_records_a_paper_review(registrar, org_data, district):
    org(org_data, 5, supervisor="示范区教育局")
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    filled(report)
    inspection.submit_report(report, actor=None)
    done = inspection.supervisor_review(report, passed=True, note="纸质初审同意", actor=registrar)
    assert done.supervisor_on_paper and done.state == "supervisor_passed"


def test_returned_with_reasons_then_filed_again(registrar, social_org, org_user, district):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    filled(report, org_user)
    inspection.submit_report(report, actor=org_user)
    with pytest.raises(InvalidInput):
        inspection.return_report(report, "  ", actor=registrar)
    done = inspection.return_report(report, "请补充审计报告", actor=registrar)
    assert done.state == "returned" and done.corrections == "请补充审计报告"
    inspection.add_attachments(report, "audit", [pdf("审计报告.pdf")], actor=org_user)
    assert inspection.submit_report(report, actor=org_user).state == "submitted"


def test_a_registrar_of_another_street_cannot_review(registrar, registrar_b, social_org, district):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    filled(report)
    inspection.submit_report(report, actor=None)
    with pytest.raises(NotFound):
        inspection.verify_report(
            report, {"verified_on": "2026-04-01", "findings": "x"}, actor=registrar_b
        )


def test_the_window_close_marks_unfiled_reports_absent_once(
    registrar, social_org, org_data, district
):
    filed = org(org_data, 2)
    plan = open_year(district, THIS_YEAR - 1, registrar)
    report = plan.reports.get(social_org=filed)
    filled(report)
    inspection.submit_report(report, actor=None, at=at(THIS_YEAR, 3, 1))
    assert close_inspection_windows() == 1
    assert close_inspection_windows() == 0  # idempotent
    absent = plan.reports.get(social_org=social_org)
    assert absent.conclusion == "absent"
    assert plan.reports.get(social_org=filed).conclusion == ""  # filed: awaiting review
    assert AuditEvent.objects.filter(verb=Verb.ANNUAL_REPORTS_MARKED_ABSENT).count() == 1
    # filed late after the close: accepted, marked late, then concluded
    filled(absent)
    late = inspection.submit_report(absent, actor=None)
    assert late.late and late.state == "submitted"
    # an open year is not closed
    open_year(district, THIS_YEAR, registrar)
    assert close_inspection_windows() == 0


def test_the_system_takes_a_report_to_its_conclusion(registrar, social_org, district):
    report = open_year(district, THIS_YEAR - 1, registrar).reports.get()
    done = concluded(report, "fail", grounds=("no_activity",), when=at(THIS_YEAR, 3, 1))
    assert done.conclusion == "fail" and not done.late


def test_unlinked_org_account_is_refused(registrar, social_org, district):
    report = open_year(district, THIS_YEAR, registrar).reports.get()
    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="未绑定")
    with pytest.raises(NotPermitted):
        inspection.save_report(report, {"activities": "x"}, actor=user)
    accounts.link_org_account(social_org, user.phone, actor=None)
    assert inspection.save_report(report, {"activities": "x"}, actor=user).activities == "x"


def test_authority_is_the_plans(registrar, social_org, district):
    plan = open_year(district, THIS_YEAR, registrar)
    assert plan.authority == AUTHORITY
