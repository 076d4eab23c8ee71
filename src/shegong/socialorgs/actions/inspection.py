"""The annual inspection (年检) and annual report (年报), issue 14 §3: open a year (the required
set), add a later-qualifying organization, the organization's filing (draft, materials, submit),
the supervisor's 初审, the registrar's 线下核验, return for corrections, the conclusion, and the
window's close (未参检).

Who may act:
- the registrar (``socialorgs.manage``, the organization inside their scope): open a year, add an
  organization, verify, return, conclude, and record a paper 初审 on the supervisor's behalf;
- the organization's own account (``org_account``, ``portal.portal_org``): draft, attach,
  submit — another organization's report is a 404;
- a business supervisor's user: a membership in the department whose name is the
  organization's 业务主管单位, in a region covering the organization: the 初审;
- ``actor=None``: the system (demo data, the window-close scan), with an explicit ``at``.

A submitted (or filed again) and a concluded report is announced to the parts listening
(``workbench.announce_report``: the charity part takes a charity's figures from it) inside the
same transaction; what they did goes into the verb's one audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.documents import attachment_fields, check_documents
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.regions.models import Region

from ..choices import SocialOrgStatus, SocialOrgType
from ..models import (
    AnnualReport,
    Cutoff,
    Ground,
    InspectionConclusion,
    InspectionPlan,
    MaterialKind,
    PartyOrg,
    ReportAttachment,
    ReportState,
    SocialOrg,
)
from ..portal import portal_org
from ..workbench import announce_report
from .records import _check_actor, _check_scope

__all__ = [
    "add_attachments",
    "close_window",
    "conclude_report",
    "filing_due",
    "missing_materials",
    "open_year",
    "remove_attachment",
    "require_report",
    "return_report",
    "save_report",
    "submit_report",
    "supervisor_review",
    "verify_report",
]

REPORT_NOT_FOUND = "未找到该年检报告，或您无权查看"
# Statuses whose organizations must file (a closed one files nothing).
FILING_STATUSES = (SocialOrgStatus.NORMAL, SocialOrgStatus.SUSPENDED)
# Last year's conclusions after which a 整改报告 is required.
NEEDS_RECTIFICATION = (
    InspectionConclusion.BASIC,
    InspectionConclusion.FAIL,
    InspectionConclusion.ABSENT,
)
EDITABLE = (ReportState.DRAFT, ReportState.RETURNED)
MONEY_FIELDS = [
    ("income", "本年收入"),
    ("expenditure", "本年支出"),
    ("charitable_spending", "公益慈善活动支出"),
    ("management_cost", "管理费用"),
    ("net_assets", "年末净资产"),
]
FORM_FIELDS = ["activities", *(f for f, _ in MONEY_FIELDS), "staff_count", "party_org"]
MAX_MONEY = Decimal("999999999999.99")


# --- helpers ----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value if value is not None else "").strip()


def _now(at: datetime | None) -> datetime:
    return at or timezone.now()


def _lock(report: AnnualReport) -> AnnualReport:
    return (
        AnnualReport.objects.select_for_update(of=("self",))
        .select_related("social_org__organization", "plan")
        .get(pk=report.pk)
    )


def _region(report: AnnualReport) -> str:
    return report.social_org.organization.region_id


def _check_org(actor: User | None, report: AnnualReport) -> None:
    """The organization's own account (403 for anyone else); another organization's report
    is a 404."""
    if actor is None:
        return
    so = portal_org(actor)
    if report.social_org_id != so.pk:
        raise NotFound(REPORT_NOT_FOUND)


def _check_registrar(actor: User | None, report: AnnualReport) -> None:
    if actor is not None:
        _check_scope(actor, report.social_org)  # outside the scope: 404 before the 403
        _check_actor(actor)


def is_supervisor_of(user: Any, social_org: SocialOrg) -> bool:
    """Whether ``user`` speaks for the organization's 业务主管单位: a membership in the
    department of that name, in a region covering the organization."""
    if user is None or not social_org.supervisor:
        return False
    code = social_org.organization.region_id
    return any(
        code.startswith(m.region.prefix)
        for m in user.memberships.filter(
            department__name=social_org.supervisor, department__is_active=True
        ).select_related("region")
    )


def filing_due(report: AnnualReport) -> date:
    """The date the organization's filing is due: by the supervisor's 初审 deadline (3-31) when
    it has a 业务主管单位, and for foundations and charities (年报 by 3-31); else by 5-31."""
    plan = report.plan
    so = report.social_org
    supervisor_due = plan.supervisor_due if plan else date(report.year + 1, 3, 31)
    registrar_due = plan.registrar_due if plan else date(report.year + 1, 5, 31)
    early = so.supervisor or so.org_type == SocialOrgType.FOUNDATION or so.charity
    return supervisor_due if early else registrar_due


def _needs_supervisor(report: AnnualReport) -> bool:
    return bool(report.social_org.supervisor)


def _state_error(report: AnnualReport, target: str, allowed: Iterable[str]) -> IllegalTransition:
    return IllegalTransition(
        ReportState(report.state).label,
        target,
        [ReportState(s).label for s in allowed],
    )


# --- the year ---------------------------------------------------------------------------------


def _parse_date(value: Any, field: str, label: str, errors: list) -> date | None:
    if isinstance(value, date):
        return value
    text = _text(value)
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        errors.append({"field": field, "message": f"{label}格式应为 年-月-日，如 2026-03-31"})
        return None


def _must_file(plan: InspectionPlan, region: Region) -> Any:
    return (
        SocialOrg.objects.in_region(region.prefix)
        .filter(
            registration_authority=plan.authority,
            status__in=FILING_STATUSES,
            registered_on__lte=plan.registered_by,
        )
        .exclude(annual_reports__year=plan.year)
    )


@transaction.atomic(durable=True)
def open_year(
    data: Mapping[str, Any],
    *,
    actor: User | None,
    only: Iterable[SocialOrg] | None = None,
) -> InspectionPlan:
    """Open a registration authority's inspection year: its configuration, and the required
    set (one report "not started" per organization that must file), fixed from now on.
    ``only`` (the system only: the demo) narrows the set to those organizations."""
    _check_actor(actor)
    if only is not None and actor is not None:
        raise DomainError("只有系统可以指定参检名单")
    errors: list[dict[str, str]] = []
    authority = _text(data.get("authority"))
    if not authority:
        errors.append({"field": "authority", "message": "请填写登记管理机关"})
    elif len(authority) > 100:
        errors.append({"field": "authority", "message": "登记管理机关不能超过100个字"})
    year_text = _text(data.get("year"))
    year = int(year_text) if year_text.isdigit() else 0
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        errors.append({"field": "year", "message": f"年度应为2000至{this_year}年之间的年份"})
    cutoff = _text(data.get("cutoff")) or Cutoff.YEAR_END
    if cutoff not in Cutoff.values:
        errors.append({"field": "cutoff", "message": "参检范围不在可选范围内"})
    supervisor_due = _parse_date(
        data.get("supervisor_due"), "supervisor_due", "初审截止日期", errors
    )
    registrar_due = _parse_date(data.get("registrar_due"), "registrar_due", "年检截止日期", errors)
    grounds = [str(g) for g in (data.get("grounds") or Ground.values)]
    unknown = [g for g in grounds if g not in Ground.values]
    if unknown:
        errors.append({"field": "grounds", "message": f"结论依据“{unknown[0]}”不在清单中"})
    region_code = _text(data.get("region"))
    region = Region.objects.filter(code=region_code).first() if region_code else None
    if region is None:
        errors.append({"field": "region", "message": "请选择登记管理机关所在区划"})
    elif actor is not None and not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        errors.append({"field": "region", "message": "所选区划不在您的工作范围内"})
    InvalidInput.raise_if_any(errors)
    assert region is not None  # refused above otherwise
    supervisor_due = supervisor_due or date(year + 1, 3, 31)
    registrar_due = registrar_due or date(year + 1, 5, 31)
    if supervisor_due > registrar_due:
        raise InvalidInput.field("supervisor_due", "初审截止日期不能晚于年检截止日期")
    if supervisor_due.year <= year:
        raise InvalidInput.field("supervisor_due", f"初审截止日期应在{year + 1}年")
    if InspectionPlan.objects.filter(authority=authority, year=year).exists():
        raise DomainError(f"{authority}{year}年度年检已开启")
    plan = InspectionPlan.objects.create(
        region=region, authority=authority, year=year, cutoff=cutoff,
        supervisor_due=supervisor_due, registrar_due=registrar_due,
        require_certificate=bool(data.get("require_certificate", True)),
        grounds=grounds, opened_by=actor,
    )  # fmt: skip
    candidates = _must_file(plan, region)
    if only is not None:
        candidates = candidates.filter(pk__in=[so.pk for so in only])
    orgs = list(candidates.only("pk"))
    previous = set(
        AnnualReport.objects.filter(
            social_org__in=orgs, year=year - 1, conclusion__in=NEEDS_RECTIFICATION
        ).values_list("social_org_id", flat=True)
    )
    AnnualReport.objects.bulk_create(
        [
            AnnualReport(social_org=so, year=year, plan=plan, needs_rectification=so.pk in previous)
            for so in orgs
        ],
        batch_size=500,
    )
    audit.record(
        Verb.INSPECTION_YEAR_OPENED,
        actor=actor,
        target=plan,
        region=region,
        data={"year": year, "authority": authority, "required": len(orgs), "cutoff": cutoff},
    )
    return plan


@transaction.atomic(durable=True)
def require_report(
    plan: InspectionPlan, social_org: SocialOrg, *, reason: str, actor: User | None
) -> AnnualReport:
    """Add an organization to a year's required set after it was opened (explicitly: the set
    is otherwise fixed, so the year's 年检率 is stable)."""
    _check_actor(actor)
    _check_scope(actor, social_org)
    reason = _text(reason)
    if not reason:
        raise InvalidInput.field("reason", "请填写补充参检的原因")
    if social_org.status not in FILING_STATUSES:
        raise DomainError(f"该社会组织为“{social_org.get_status_display()}”状态，无需年检")
    if AnnualReport.objects.filter(social_org=social_org, year=plan.year).exists():
        raise DomainError(f"该社会组织已在{plan.year}年度年检名单中")
    last = AnnualReport.objects.filter(social_org=social_org, year=plan.year - 1).first()
    report = AnnualReport.objects.create(
        social_org=social_org, year=plan.year, plan=plan,
        needs_rectification=bool(last and last.conclusion in NEEDS_RECTIFICATION),
    )  # fmt: skip
    audit.record(
        Verb.ANNUAL_REPORT_REQUIRED,
        actor=actor,
        target=report,
        region=social_org.organization.region_id,
        data={"year": plan.year, "reason": reason[:500]},
    )
    return report


# --- the filing -------------------------------------------------------------------------------


def _money(value: Any, field: str, label: str, errors: list) -> Decimal | None:
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        return None
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors.append({"field": field, "message": f"{label}应为金额（元），如 12345.67"})
        return None
    if not amount.is_finite() or (amount < 0 and field != "net_assets"):
        errors.append({"field": field, "message": f"{label}不能为负数"})
        return None
    if abs(amount) > MAX_MONEY:
        errors.append({"field": field, "message": f"{label}超出可填写的范围"})
        return None
    return amount.quantize(Decimal("0.01"))


def clean_form(data: Mapping[str, Any]) -> dict[str, Any]:
    """The 报告书 form's values (any may be empty in a draft); InvalidInput naming every bad
    field."""
    errors: list[dict[str, str]] = []
    v: dict[str, Any] = {"activities": _text(data.get("activities"))}
    if len(v["activities"]) > 5000:
        errors.append({"field": "activities", "message": "年度业务活动情况不能超过5000个字"})
    for field, label in MONEY_FIELDS:
        v[field] = _money(data.get(field), field, label, errors)
    staff = _text(data.get("staff_count"))
    v["staff_count"] = None
    if staff:
        if staff.isdigit() and int(staff) <= 100000:
            v["staff_count"] = int(staff)
        else:
            errors.append({"field": "staff_count", "message": "专职工作人员应为0或正整数"})
    party = _text(data.get("party_org"))
    v["party_org"] = ""
    if party:
        for member in PartyOrg:
            if party in (member.value, member.label):
                v["party_org"] = member.value
        if not v["party_org"]:
            errors.append({"field": "party_org", "message": "党组织建设情况不在可选范围内"})
    InvalidInput.raise_if_any(errors)
    return v


@transaction.atomic(durable=True)
def save_report(
    report: AnnualReport, data: Mapping[str, Any], *, actor: User | None
) -> AnnualReport:
    """Save the 报告书 form as a draft (a draft may be incomplete; the checks run on submit)."""
    _check_org(actor, report)
    report = _lock(report)
    if report.state not in EDITABLE:
        raise DomainError(f"年检报告书{ReportState(report.state).label}，不能再修改")
    v = clean_form(data)
    changed = [f for f in FORM_FIELDS if getattr(report, f) != v[f]]
    for field in FORM_FIELDS:
        setattr(report, field, v[field])
    report.updated_at = timezone.now()
    report.save()
    audit.record(
        Verb.ANNUAL_REPORT_SAVED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"year": report.year, "changed": changed},
    )
    return report


@transaction.atomic(durable=True)
def add_attachments(
    report: AnnualReport, kind: str, files: Sequence[Any], *, actor: User | None
) -> list[ReportAttachment]:
    """Upload materials of one kind; every file is checked (type by content, size) before any
    is kept."""
    _check_org(actor, report)
    report = _lock(report)
    if report.state not in EDITABLE:
        raise DomainError(f"年检报告书{ReportState(report.state).label}，不能再上传材料")
    if kind not in MaterialKind.values:
        raise InvalidInput.field("kind", "请选择材料类型")
    if not files:
        raise InvalidInput.field("files", "请选择要上传的文件")
    docs = check_documents(files, field="files")
    kept = [
        ReportAttachment.objects.create(
            report=report, kind=kind, uploaded_by=actor, **attachment_fields(doc)
        )
        for doc in docs
    ]
    audit.record(
        Verb.ANNUAL_REPORT_FILE_ADDED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"kind": kind, "files": [a.name for a in kept]},
    )
    return kept


@transaction.atomic(durable=True)
def remove_attachment(report: AnnualReport, attachment_id: int, *, actor: User | None) -> None:
    _check_org(actor, report)
    report = _lock(report)
    if report.state not in EDITABLE:
        raise DomainError(f"年检报告书{ReportState(report.state).label}，不能再删除材料")
    found = report.attachments.filter(pk=attachment_id).first()
    if found is None:
        raise NotFound("未找到该材料")
    name = found.name
    found.file.delete(save=False)
    found.delete()
    audit.record(
        Verb.ANNUAL_REPORT_FILE_REMOVED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"file": name},
    )


def missing_materials(report: AnnualReport) -> list[str]:
    """The materials required and not on file yet, by name."""
    kinds = set(report.attachments.values_list("kind", flat=True))
    missing: list[str] = []
    if not kinds & {MaterialKind.FINANCIAL, MaterialKind.AUDIT}:
        missing.append("年度财务会计报告或审计报告")
    if (report.plan is None or report.plan.require_certificate) and (
        MaterialKind.CERTIFICATE not in kinds
    ):
        missing.append(MaterialKind.CERTIFICATE.label)
    if report.needs_rectification and MaterialKind.RECTIFICATION not in kinds:
        missing.append("整改报告（上一年度年检结论为基本合格、不合格或未参检）")
    return missing


def _form_errors(report: AnnualReport) -> list[dict[str, str]]:
    so = report.social_org
    errors: list[dict[str, str]] = []
    if not report.activities:
        errors.append({"field": "activities", "message": "请填写年度业务活动情况"})
    needed = ["income", "expenditure", "net_assets"]
    if so.charity or so.org_type == SocialOrgType.FOUNDATION:
        needed += ["charitable_spending", "management_cost"]
    labels = dict(MONEY_FIELDS)
    for field in needed:
        if getattr(report, field) is None:
            errors.append({"field": field, "message": f"请填写{labels[field]}"})
    if report.staff_count is None:
        errors.append({"field": "staff_count", "message": "请填写专职工作人员人数"})
    if not report.party_org:
        errors.append({"field": "party_org", "message": "请选择党组织建设情况"})
    return errors


@transaction.atomic(durable=True)
def submit_report(
    report: AnnualReport, *, actor: User | None, at: datetime | None = None
) -> AnnualReport:
    """Submit the report: the form complete and every required material on file (the missing
    ones named). Filed after its due date it is accepted and marked late."""
    _check_org(actor, report)
    report = _lock(report)
    if report.state not in EDITABLE:
        raise _state_error(report, ReportState.SUBMITTED.label, EDITABLE)
    errors = _form_errors(report)
    missing = missing_materials(report)
    if missing:
        errors.append({"field": "files", "message": "缺少材料：" + "、".join(missing)})
    InvalidInput.raise_if_any(errors)
    now = _now(at)
    due = filing_due(report)
    report.state = ReportState.SUBMITTED
    report.submitted_at = now
    report.late = report.late or timezone.localdate(now) > due
    report.supervisor_result = ""
    report.updated_at = now
    report.save()
    said = announce_report(report, "submitted", actor=actor)
    audit.record(
        Verb.ANNUAL_REPORT_SUBMITTED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"year": report.year, "late": report.late, "due": due.isoformat(), **said},
    )
    return report


# --- the reviews ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def supervisor_review(
    report: AnnualReport,
    *,
    passed: bool,
    note: str,
    actor: User | None,
    at: datetime | None = None,
) -> AnnualReport:
    """The 业务主管单位's 初审: passed on to the registrar, or returned to the organization with
    the reasons. A registrar may record a paper 初审 on the supervisor's behalf."""
    supervisor = is_supervisor_of(actor, report.social_org)
    if actor is not None and not supervisor:
        _check_registrar(actor, report)  # a registrar records a paper 初审
    report = _lock(report)
    on_paper = not supervisor
    if not _needs_supervisor(report):
        raise DomainError("该社会组织没有业务主管单位，无需初审")
    if report.state != ReportState.SUBMITTED:
        raise _state_error(report, "初审", [ReportState.SUBMITTED])
    note = _text(note)
    if not passed and not note:
        raise InvalidInput.field("note", "退回时请填写初审意见（需要修改的内容）")
    if len(note) > 2000:
        raise InvalidInput.field("note", "初审意见不能超过2000个字")
    now = _now(at)
    report.supervisor_result = "pass" if passed else "return"
    report.supervisor_note = note
    report.supervisor_at = now
    report.supervisor_by = actor.name if actor is not None else report.social_org.supervisor
    report.supervisor_on_paper = on_paper
    if passed:
        report.state = ReportState.SUPERVISOR_PASSED
    else:
        report.state = ReportState.RETURNED
        report.corrections = note
        report.returned_at = now
    report.updated_at = now
    report.save()
    audit.record(
        Verb.ANNUAL_REPORT_SUPERVISOR_REVIEWED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"passed": passed, "note": note[:500], "on_paper": on_paper},
    )
    return report


def _verifiable(report: AnnualReport) -> tuple[str, ...]:
    if _needs_supervisor(report):
        return (ReportState.SUPERVISOR_PASSED,)
    return (ReportState.SUBMITTED,)


@transaction.atomic(durable=True)
def verify_report(
    report: AnnualReport, data: Mapping[str, Any], *, actor: User | None
) -> AnnualReport:
    """Record the registrar's 线下核验: who, on what date, and the findings."""
    _check_registrar(actor, report)
    report = _lock(report)
    allowed = _verifiable(report)
    if report.state not in allowed:
        if report.state == ReportState.SUBMITTED:
            raise DomainError("该报告须先经业务主管单位初审通过，才能线下核验")
        raise _state_error(report, ReportState.VERIFIED.label, allowed)
    errors: list[dict[str, str]] = []
    on = _parse_date(data.get("verified_on"), "verified_on", "核验日期", errors)
    if on is None and not errors:
        errors.append({"field": "verified_on", "message": "请填写核验日期"})
    elif on is not None and on > timezone.localdate():
        errors.append({"field": "verified_on", "message": "核验日期不能晚于今天"})
    findings = _text(data.get("findings"))
    if not findings:
        errors.append({"field": "findings", "message": "请填写核验情况"})
    elif len(findings) > 2000:
        errors.append({"field": "findings", "message": "核验情况不能超过2000个字"})
    by = _text(data.get("verified_by")) or (actor.name if actor is not None else "")
    if not by:
        errors.append({"field": "verified_by", "message": "请填写核验人"})
    InvalidInput.raise_if_any(errors)
    report.verified_on = on
    report.verified_by = by[:100]
    report.findings = findings
    report.state = ReportState.VERIFIED
    report.updated_at = timezone.now()
    report.save()
    audit.record(
        Verb.ANNUAL_REPORT_VERIFIED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"verified_on": on.isoformat() if on else "", "verified_by": report.verified_by},
    )
    return report


RETURNABLE = (ReportState.SUBMITTED, ReportState.SUPERVISOR_PASSED, ReportState.VERIFIED)


@transaction.atomic(durable=True)
def return_report(
    report: AnnualReport, reasons: str, *, actor: User | None, at: datetime | None = None
) -> AnnualReport:
    """Return the report to the organization for corrections, with the reasons it sees."""
    _check_registrar(actor, report)
    report = _lock(report)
    if report.state not in RETURNABLE:
        raise _state_error(report, ReportState.RETURNED.label, RETURNABLE)
    reasons = _text(reasons)
    if not reasons:
        raise InvalidInput.field("reasons", "请填写退回原因（需要修改或补充的内容）")
    if len(reasons) > 2000:
        raise InvalidInput.field("reasons", "退回原因不能超过2000个字")
    now = _now(at)
    report.state = ReportState.RETURNED
    report.corrections = reasons
    report.returned_at = now
    report.updated_at = now
    report.save()
    audit.record(
        Verb.ANNUAL_REPORT_RETURNED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"reasons": reasons[:500]},
    )
    return report


@transaction.atomic(durable=True)
def conclude_report(
    report: AnnualReport,
    conclusion: str,
    *,
    grounds: Sequence[str] = (),
    note: str = "",
    actor: User | None,
    at: datetime | None = None,
) -> AnnualReport:
    """The conclusion after the 线下核验: 合格, or 基本合格/不合格 naming its grounds from the
    year's checklist."""
    _check_registrar(actor, report)
    report = _lock(report)
    if report.state != ReportState.VERIFIED:
        raise DomainError("请先记录线下核验情况，再作出年检结论")
    allowed = {InspectionConclusion.PASS, InspectionConclusion.BASIC, InspectionConclusion.FAIL}
    if conclusion not in allowed:
        raise InvalidInput.field("conclusion", "年检结论应为合格、基本合格或不合格")
    checklist = list(report.plan.grounds) if report.plan else list(Ground.values)
    chosen = [str(g) for g in grounds if g]
    unknown = [g for g in chosen if g not in checklist]
    if unknown:
        raise InvalidInput.field("grounds", f"结论依据“{unknown[0]}”不在本年度的依据清单中")
    if conclusion != InspectionConclusion.PASS and not chosen:
        label = InspectionConclusion(conclusion).label
        raise InvalidInput.field("grounds", f"结论为{label}时，请从依据清单中至少选择一项依据")
    if conclusion == InspectionConclusion.PASS:
        chosen = []
    note = _text(note)
    if len(note) > 2000:
        raise InvalidInput.field("note", "结论说明不能超过2000个字")
    now = _now(at)
    report.conclusion = conclusion
    report.grounds = chosen
    report.conclusion_note = note
    report.state = ReportState.CONCLUDED
    report.concluded_at = now
    report.updated_at = now
    report.save()
    said = announce_report(report, "concluded", actor=actor)
    audit.record(
        Verb.ANNUAL_REPORT_CONCLUDED,
        actor=actor,
        target=report,
        region=_region(report),
        data={"year": report.year, "conclusion": conclusion, "grounds": chosen, **said},
    )
    return report


# --- the window's close -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def close_window(plan: InspectionPlan, *, at: datetime | None = None) -> int:
    """When the window has closed (after ``registrar_due``): every required report never
    filed (a draft, or returned and not filed again) is concluded 未参检. Idempotent; a report
    filed late afterwards is still accepted (marked late) and may be concluded."""
    now = _now(at)
    plan = InspectionPlan.objects.select_for_update().get(pk=plan.pk)
    if timezone.localdate(now) <= plan.registrar_due:
        return 0
    absent = AnnualReport.objects.filter(plan=plan, state__in=EDITABLE, conclusion="")
    ids = list(absent.values_list("pk", flat=True))
    if ids:
        AnnualReport.objects.filter(pk__in=ids).update(
            conclusion=InspectionConclusion.ABSENT, concluded_at=now, updated_at=now
        )
    if plan.closed_at is None or ids:
        plan.closed_at = plan.closed_at or now
        plan.save(update_fields=["closed_at"])
        audit.record(
            Verb.ANNUAL_REPORTS_MARKED_ABSENT,
            actor=None,
            target=plan,
            region=plan.region_id,
            data={"year": plan.year, "absent": len(ids)},
        )
    return len(ids)
