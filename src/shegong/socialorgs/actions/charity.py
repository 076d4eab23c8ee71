"""Charities and fundraising (issue 14 §6): the public-fundraising qualification, fundraising
plans with their supervision log and disclosures, and a charity's yearly figures.

Who may act: the registrar (``socialorgs.manage``, the organization inside their scope), the
organization itself through its portal account (``org_account``, its own organization only:
filing an application or a plan, recording a disclosure, entering its figures), or None for the
system (demo data), which skips the checks and may backdate with ``on``.

Rules (docs/socialorgs-charity.md):
- 慈善法 art. 22: a charity registered at least one year may apply; 民政 decides within 20 days
  (calendar days: ``due_on = filed_on + 20``). Eligibility is a list of configurable rules
  (``RULES``; ``settings.SHEGONG_CHARITY_RULES`` may name the keys in force), shown as a
  checklist; granting needs every rule in force to pass and sets the qualification.
- art. 24: the plan is filed before the campaign starts; one filed on or after its start is kept
  and marked ``late`` (逾期备案), never lost. Only a qualified organization may file one.
- art. 79: disclosure at least every 3 months for a campaign over 6 months, and in full within 3
  months after the end.
- art. 61: a public-fundraising foundation's charitable spending ≥ 70% of the previous year's
  income and its management cost ≤ 10% of the year's total spending.
- The yearly figures come from the charity's annual report (年检年报) when it files one: the
  inspection part announces a submitted or concluded report (``workbench.report_listeners``)
  and ``financials_from_report`` copies its figures, inside that action's transaction. A year
  whose figures come from a report is not entered by hand (the report wins); entry by hand stays
  for an organization without an online report.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.documents import attachment_fields, check_documents
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm

from ..choices import CLOSED_STATUSES, SocialOrgStatus, SocialOrgType
from ..models import (
    AnnualReport,
    ApplicationDocument,
    ApplicationDocumentKind,
    ApplicationState,
    AuditReport,
    CharityFinancials,
    CreditListing,
    Disclosure,
    DisclosureDocument,
    FinancialsSource,
    FundraisingApplication,
    FundraisingPlan,
    InspectionConclusion,
    MaterialKind,
    ReportState,
    SocialOrg,
    SupervisionEntry,
    add_years,
)
from ..portal import is_org_account, portal_org
from .records import _bool, _check_scope, _date, _text

__all__ = [
    "DECISION_DAYS",
    "RULES",
    "check_eligibility",
    "decide_application",
    "disclosure_due",
    "file_application",
    "file_plan",
    "financials_from_report",
    "log_supervision",
    "record_disclosure",
    "save_financials",
]

DECISION_DAYS = 20  # 慈善法 art. 22: decided within 20 days
DISCLOSURE_MONTHS = 3  # art. 79: every 3 months, and within 3 months after the end
LONG_CAMPAIGN_MONTHS = 6
MIN_SPENDING = Decimal("70")  # art. 61, percent of the previous year's income
MAX_MANAGEMENT = Decimal("10")  # art. 61, percent of the year's total spending
PLAN_NOT_FOUND = "未找到该募捐方案，或您无权查看"
APPLICATION_NOT_FOUND = "未找到该申请，或您无权查看"


def add_months(start: date, months: int) -> date:
    """``start`` plus whole months (the 31st → the month's last day)."""
    month = start.month - 1 + months
    year, month = start.year + month // 12, month % 12 + 1
    return start.replace(
        year=year, month=month, day=min(start.day, calendar.monthrange(year, month)[1])
    )


# --- who may act ----------------------------------------------------------------------------


def _check_org_or_registrar(actor: User | None, social_org: SocialOrg) -> None:
    """The registrar in scope, or the organization's own portal account."""
    if actor is None:
        return
    if is_org_account(actor):
        if portal_org(actor).pk != social_org.pk:
            raise NotFound("未找到该社会组织，或您无权查看")
        return
    require_perm(actor, Perm.SOCIALORGS_MANAGE)
    _check_scope(actor, social_org)


def _check_registrar(actor: User | None, social_org: SocialOrg) -> None:
    if actor is not None:
        require_perm(actor, Perm.SOCIALORGS_MANAGE)
        _check_scope(actor, social_org)


def _today(on: date | None, actor: User | None) -> date:
    """The day of the act: today, or ``on`` for the system actor (backdated demo data)."""
    return on if (on is not None and actor is None) else timezone.localdate()


def _refuse_closed(social_org: SocialOrg) -> None:
    if social_org.status in CLOSED_STATUSES:
        raise DomainError(
            f"该社会组织已{SocialOrgStatus(social_org.status).label}，不能再办理此事项",
        )


def _amount(
    data: Mapping[str, Any], field: str, label: str, errors: list, *, required: bool = True
):
    text = _text(data.get(field)).replace(",", "").replace("，", "")
    if not text:
        if required:
            errors.append({"field": field, "message": f"请填写{label}"})
        return None
    try:
        value = Decimal(text)
    except InvalidOperation:
        errors.append({"field": field, "message": f"{label}应为数字（元），如 120000.50"})
        return None
    if not value.is_finite() or value < 0:
        errors.append({"field": field, "message": f"{label}不能为负数"})
        return None
    if value >= Decimal("1e12"):
        errors.append({"field": field, "message": f"{label}过大，请核对"})
        return None
    return value.quantize(Decimal("0.01"))


def _check_files(files: Sequence[Any] | None, field: str) -> list[Any]:
    return check_documents(list(files or []), field=field) if files else []


# --- eligibility (the checklist) ------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """One eligibility condition: ``check(social_org, on, kinds)`` → (passed, detail); ``kinds``
    are the kinds of the documents attached to the application."""

    key: str
    label: str
    source: str
    check: Callable[[SocialOrg, date, set[str]], tuple[bool, str]]


def _rule_charity(so: SocialOrg, on: date, kinds: set[str]) -> tuple[bool, str]:
    if so.charity and so.charity_on:
        return True, f"{so.charity_on:%Y-%m-%d} 认定为慈善组织"
    return False, "尚未认定（登记）为慈善组织"


def _rule_one_year(so: SocialOrg, on: date, kinds: set[str]) -> tuple[bool, str]:
    if not so.charity_on:
        return False, "无慈善组织认定日期"
    full = add_years(so.charity_on, 1)
    if full <= on:
        return True, f"{so.charity_on:%Y-%m-%d} 认定，已满一年"
    return False, f"{so.charity_on:%Y-%m-%d} 认定，{full:%Y-%m-%d} 方满一年"


def inspection_years(on: date) -> list[int]:
    """The last two years whose inspection window (to 5-31) has closed by ``on``."""
    last = on.year - 1 if on >= date(on.year, 6, 1) else on.year - 2
    return [last, last - 1]


def _rule_inspection(so: SocialOrg, on: date, kinds: set[str]) -> tuple[bool, str]:
    years = inspection_years(on)
    found = dict(
        AnnualReport.objects.filter(social_org=so, year__in=years).values_list("year", "conclusion")
    )
    missing = [
        f"{y}年度{InspectionConclusion(found[y]).label if found.get(y) else '无结论'}"
        for y in years
        if found.get(y) != InspectionConclusion.PASS
    ]
    if missing:
        return False, "；".join(missing)
    return True, "、".join(f"{y}年度合格" for y in sorted(years))


def _rule_credit(so: SocialOrg, on: date, kinds: set[str]) -> tuple[bool, str]:
    """No listing on the 活动异常名录 or 严重违法失信名单 (§4) in the two years before ``on``:
    none still open, none removed within them."""
    since = add_years(on, -2)
    found = [
        f"{listing.listed_on:%Y-%m-%d}列入{listing.get_kind_display()}（{listing.reason}）"
        for listing in CreditListing.objects.filter(social_org=so, listed_on__lte=on)
        .filter(Q(removed_on__isnull=True) | Q(removed_on__gte=since))
        .order_by("listed_on")
    ]
    return (False, "；".join(found)) if found else (True, "近两年未列入信用名录")


def _rule_governance(so: SocialOrg, on: date, kinds: set[str]) -> tuple[bool, str]:
    if ApplicationDocumentKind.GOVERNANCE in kinds:
        return True, "已提交内部治理制度"
    return False, "未提交内部治理制度材料"


RULES: list[Rule] = [
    Rule("charity", "已认定为慈善组织", "《慈善法》第二十二条", _rule_charity),
    Rule("one_year", "认定为慈善组织满一年", "《慈善法》第二十二条", _rule_one_year),
    Rule(
        "no_credit_listing",
        "近两年未列入活动异常名录或严重违法失信名单",
        "《慈善组织公开募捐管理办法》",
        _rule_credit,
    ),
    Rule("inspection", "近两年年检（年报）合格", "《慈善组织公开募捐管理办法》", _rule_inspection),
    Rule(
        "governance",
        "内部治理结构健全、运作规范（提交内部治理制度）",
        "《慈善组织公开募捐管理办法》",
        _rule_governance,
    ),
]


def rules_in_force() -> list[Rule]:
    keys = getattr(settings, "SHEGONG_CHARITY_RULES", None)
    return [r for r in RULES if keys is None or r.key in keys]


def check_eligibility(so: SocialOrg, on: date, kinds: set[str]) -> list[dict[str, Any]]:
    """The checklist: one row per rule in force."""
    rows = []
    for rule in rules_in_force():
        passed, detail = rule.check(so, on, kinds)
        rows.append(
            {"key": rule.key, "label": rule.label, "source": rule.source, "passed": passed,
             "detail": detail}
        )  # fmt: skip
    return rows


# --- the qualification ----------------------------------------------------------------------


@transaction.atomic(durable=True)
def file_application(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    governance_files: Sequence[Any] | None = None,
    other_files: Sequence[Any] | None = None,
    actor: User | None,
    on: date | None = None,
) -> FundraisingApplication:
    """申请公开募捐资格 (by the organization or the registrar on its behalf), with its documents;
    the checklist is taken as found today."""
    _check_org_or_registrar(actor, social_org)
    social_org = SocialOrg.objects.select_for_update().get(pk=social_org.pk)
    _refuse_closed(social_org)
    if social_org.public_fundraising:
        raise DomainError("该组织已具有公开募捐资格，无需再申请")
    if social_org.fundraising_applications.filter(state=ApplicationState.PENDING).exists():
        raise DomainError("该组织已有一份待审批的公开募捐资格申请")
    note = _text(data.get("note"))
    if len(note) > 2000:
        raise InvalidInput.field("note", "申请说明不能超过2000个字")
    governance = _check_files(governance_files, "governance_files")
    others = _check_files(other_files, "other_files")
    filed_on = _today(on, actor)
    kinds: set[str] = {ApplicationDocumentKind.GOVERNANCE.value} if governance else set()
    application = FundraisingApplication.objects.create(
        social_org=social_org,
        filed_on=filed_on,
        due_on=filed_on + timedelta(days=DECISION_DAYS),
        via_portal=actor is not None and is_org_account(actor),
        note=note,
        checklist=check_eligibility(social_org, filed_on, kinds),
        filed_by=actor,
    )
    for kind, docs in [(ApplicationDocumentKind.GOVERNANCE, governance), ("other", others)]:
        for doc in docs:
            ApplicationDocument.objects.create(
                application=application, kind=kind, uploaded_by=actor, **attachment_fields(doc)
            )
    audit.record(
        Verb.FUNDRAISING_APPLICATION_FILED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "fundraising_application": application.pk,
            "documents": len(governance) + len(others),
            "eligible": all(row["passed"] for row in application.checklist),
        },
    )
    return application


@transaction.atomic(durable=True)
def decide_application(
    application: FundraisingApplication,
    decision: str,
    *,
    reasons: str = "",
    actor: User | None,
    on: date | None = None,
) -> FundraisingApplication:
    """准予 (every eligibility rule in force must pass, found again today; sets the
    organization's qualification) or 不予 (reasons required, which the organization sees)."""
    social_org = application.social_org
    _check_registrar(actor, social_org)
    application = FundraisingApplication.objects.select_for_update().get(pk=application.pk)
    social_org = SocialOrg.objects.select_for_update().get(pk=social_org.pk)
    if decision not in (ApplicationState.GRANTED, ApplicationState.REFUSED):
        raise InvalidInput.field("decision", "请选择准予或不予")
    if application.state != ApplicationState.PENDING:
        raise DomainError(f"该申请已{ApplicationState(application.state).label}，不能重复决定")
    reasons = _text(reasons)
    if decision == ApplicationState.REFUSED and not reasons:
        raise InvalidInput.field("reasons", "不予公开募捐资格时请填写理由")
    if len(reasons) > 2000:
        raise InvalidInput.field("reasons", "决定理由不能超过2000个字")
    today = _today(on, actor)
    if decision == ApplicationState.GRANTED:
        _refuse_closed(social_org)
        kinds = set(application.documents.values_list("kind", flat=True))
        checklist = check_eligibility(social_org, today, kinds)
        failed = [row["label"] for row in checklist if not row["passed"]]
        if failed:
            raise DomainError("不符合公开募捐资格条件，不能准予：" + "；".join(failed))
        application.checklist = checklist
        social_org.public_fundraising = True
        social_org.public_fundraising_on = today
        social_org.updated_at = timezone.now()
        social_org.save(update_fields=["public_fundraising", "public_fundraising_on", "updated_at"])
    application.state = decision
    application.decided_on = today
    application.decided_by = actor
    application.reasons = reasons
    application.save()
    audit.record(
        Verb.FUNDRAISING_APPLICATION_GRANTED
        if decision == ApplicationState.GRANTED
        else Verb.FUNDRAISING_APPLICATION_REFUSED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "fundraising_application": application.pk,
            "reasons": reasons,
            "days": (today - application.filed_on).days,
            "late": today > application.due_on,
        },
    )
    return application


def clock(application: FundraisingApplication, today: date | None = None) -> dict[str, Any]:
    """The 20-day clock of a pending application: days left (剩余) or overdue (逾期)."""
    today = today or timezone.localdate()
    if application.state != ApplicationState.PENDING:
        return {"pending": False, "days": 0, "overdue": False, "text": "已办结"}
    left = (application.due_on - today).days
    if left >= 0:
        return {"pending": True, "days": left, "overdue": False, "text": f"剩余{left}天"}
    return {"pending": True, "days": -left, "overdue": True, "text": f"逾期{-left}天"}


# --- fundraising plans ----------------------------------------------------------------------


def disclosure_due(plan: FundraisingPlan, disclosures: Sequence[Disclosure]) -> date | None:
    """The next disclosure owed (art. 79), None once the final one is recorded. A campaign over
    6 months owes one at most 3 months after its start or its last disclosure while it runs;
    every campaign owes the full disclosure within 3 months after its end."""
    if any(d.final for d in disclosures):
        return None
    final_due = add_months(plan.ends_on, DISCLOSURE_MONTHS)
    if add_months(plan.starts_on, LONG_CAMPAIGN_MONTHS) < plan.ends_on:
        last = max([d.disclosed_on for d in disclosures] + [plan.starts_on])
        periodic = add_months(last, DISCLOSURE_MONTHS)
        if periodic < plan.ends_on:
            return periodic
    return final_due


def disclosure_state(plan: FundraisingPlan, today: date | None = None) -> str:
    today = today or timezone.localdate()
    if plan.disclosure_due_on is None:
        return "已全面公开"
    if plan.disclosure_due_on < today:
        return f"逾期（应于{plan.disclosure_due_on:%Y-%m-%d}前公开）"
    return f"下次公开期限 {plan.disclosure_due_on:%Y-%m-%d}"


@transaction.atomic(durable=True)
def file_plan(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    on: date | None = None,
) -> FundraisingPlan:
    """募捐方案备案: by a qualified organization; filed on or after the start → kept, marked
    逾期备案."""
    _check_org_or_registrar(actor, social_org)
    social_org = SocialOrg.objects.select_for_update().get(pk=social_org.pk)
    _refuse_closed(social_org)
    if not social_org.public_fundraising:
        raise DomainError("该组织不具有公开募捐资格，不能备案公开募捐方案")
    errors: list[dict[str, str]] = []
    v: dict[str, Any] = {}
    for field, label, size in [
        ("title", "募捐活动名称", 200),
        ("purpose", "募捐目的", 2000),
        ("channels", "募捐方式与渠道", 2000),
    ]:
        v[field] = _text(data.get(field))
        if not v[field]:
            errors.append({"field": field, "message": f"请填写{label}"})
        elif len(v[field]) > size:
            errors.append({"field": field, "message": f"{label}不能超过{size}个字"})
    v["starts_on"] = _date(data, "starts_on", "募捐开始日期", errors, required=True)
    v["ends_on"] = _date(data, "ends_on", "募捐结束日期", errors, required=True)
    if v["starts_on"] and v["ends_on"] and v["ends_on"] < v["starts_on"]:
        errors.append({"field": "ends_on", "message": "募捐结束日期不能早于开始日期"})
    v["target_amount"] = _amount(data, "target_amount", "募捐目标金额", errors)
    if v["target_amount"] is not None and v["target_amount"] <= 0:
        errors.append({"field": "target_amount", "message": "募捐目标金额应大于0"})
    InvalidInput.raise_if_any(errors)
    filed_on = _today(on, actor)
    plan = FundraisingPlan(
        social_org=social_org, filed_on=filed_on, late=filed_on >= v["starts_on"],
        filed_by=actor, **v,
    )  # fmt: skip
    plan.disclosure_due_on = disclosure_due(plan, [])
    plan.save()
    audit.record(
        Verb.FUNDRAISING_PLAN_FILED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "fundraising_plan": plan.pk,
            "starts_on": plan.starts_on.isoformat(),
            "ends_on": plan.ends_on.isoformat(),
            "late": plan.late,
        },
    )
    return plan


@transaction.atomic(durable=True)
def log_supervision(
    plan: FundraisingPlan, data: Mapping[str, Any], *, actor: User | None
) -> SupervisionEntry:
    """记录募捐期间的监督检查 (the registrar): date, what was checked, findings."""
    social_org = plan.social_org
    _check_registrar(actor, social_org)
    errors: list[dict[str, str]] = []
    checked_on = _date(data, "checked_on", "检查日期", errors, required=True)
    checked = _text(data.get("checked"))
    findings = _text(data.get("findings"))
    if not checked:
        errors.append({"field": "checked", "message": "请填写检查内容"})
    if checked_on and checked_on > timezone.localdate():
        errors.append({"field": "checked_on", "message": "检查日期不能晚于今天"})
    if checked_on and checked_on < plan.filed_on and checked_on < plan.starts_on:
        errors.append({"field": "checked_on", "message": "检查日期不能早于方案备案和募捐开始"})
    for field, value, label in [("checked", checked, "检查内容"), ("findings", findings, "发现")]:
        if len(value) > 2000:
            errors.append({"field": field, "message": f"{label}不能超过2000个字"})
    InvalidInput.raise_if_any(errors)
    entry = SupervisionEntry.objects.create(
        plan=plan, checked_on=checked_on, checked=checked, findings=findings, recorded_by=actor
    )
    audit.record(
        Verb.FUNDRAISING_SUPERVISION_LOGGED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "fundraising_plan": plan.pk,
            "supervision_entry": entry.pk,
            "checked_on": checked_on.isoformat(),
        },
    )
    return entry


@transaction.atomic(durable=True)
def record_disclosure(
    plan: FundraisingPlan,
    data: Mapping[str, Any],
    *,
    files: Sequence[Any] | None = None,
    actor: User | None,
) -> Disclosure:
    """记录一次募捐信息公开 (the organization or the registrar): the date, what was published and
    whether it is the full disclosure after the end; the next one owed is worked out again."""
    social_org = plan.social_org
    _check_org_or_registrar(actor, social_org)
    plan = FundraisingPlan.objects.select_for_update().get(pk=plan.pk)
    errors: list[dict[str, str]] = []
    disclosed_on = _date(data, "disclosed_on", "公开日期", errors, required=True)
    content = _text(data.get("content"))
    final = _bool(data.get("final"))
    if not content:
        errors.append({"field": "content", "message": "请填写公开内容"})
    elif len(content) > 5000:
        errors.append({"field": "content", "message": "公开内容不能超过5000个字"})
    if disclosed_on and disclosed_on > timezone.localdate():
        errors.append({"field": "disclosed_on", "message": "公开日期不能晚于今天"})
    elif disclosed_on and disclosed_on < plan.starts_on:
        errors.append({"field": "disclosed_on", "message": "公开日期不能早于募捐开始日期"})
    if final and disclosed_on and disclosed_on < plan.ends_on:
        errors.append({"field": "final", "message": "全面公开应在募捐结束之后进行"})
    InvalidInput.raise_if_any(errors)
    docs = _check_files(files, "files")
    if plan.disclosures.filter(final=True).exists():
        raise DomainError("该方案已记录募捐结束后的全面公开")
    disclosure = Disclosure.objects.create(
        plan=plan, disclosed_on=disclosed_on, content=content, final=final, recorded_by=actor
    )
    for doc in docs:
        DisclosureDocument.objects.create(
            disclosure=disclosure, uploaded_by=actor, **attachment_fields(doc)
        )
    plan.disclosure_due_on = disclosure_due(plan, list(plan.disclosures.all()))
    plan.save(update_fields=["disclosure_due_on"])
    audit.record(
        Verb.FUNDRAISING_DISCLOSURE_RECORDED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"fundraising_plan": plan.pk, "disclosure": disclosure.pk, "final": final,
              "documents": len(docs)},
    )  # fmt: skip
    return disclosure


# --- yearly figures and the spending ratios -------------------------------------------------


def ratios_apply(social_org: SocialOrg) -> bool:
    """慈善法 art. 61's ratios bind public-fundraising foundations."""
    return social_org.org_type == SocialOrgType.FOUNDATION and social_org.public_fundraising


def _percent(part: Decimal, whole: Decimal | None) -> Decimal | None:
    if whole is None or whole <= 0:
        return None
    return (part * 100 / whole).quantize(Decimal("0.01"))


def check_ratios(fin: CharityFinancials, applies: bool) -> None:
    """Set the ratios and the flags of ``fin`` (not saved)."""
    fin.spending_ratio = _percent(fin.charitable_spending, fin.previous_income)
    fin.management_ratio = _percent(fin.management_cost, fin.total_spending)
    fin.ratios_apply = applies
    flags = []
    if applies and fin.spending_ratio is not None and fin.spending_ratio < MIN_SPENDING:
        flags.append(f"慈善活动支出占上年总收入{fin.spending_ratio}%，低于{MIN_SPENDING}%")
    if applies and fin.management_ratio is not None and fin.management_ratio > MAX_MANAGEMENT:
        flags.append(f"管理费用占本年总支出{fin.management_ratio}%，高于{MAX_MANAGEMENT}%")
    fin.flags = flags
    fin.flagged = bool(flags)


@transaction.atomic(durable=True)
def save_financials(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    audit_files: Sequence[Any] | None = None,
    actor: User | None,
) -> CharityFinancials:
    """录入（或更正）一个慈善组织某年度的财务数据 and check the art. 61 ratios. ``audited``
    needs an audit report (uploaded now or already kept)."""
    _check_org_or_registrar(actor, social_org)
    _refuse_closed(social_org)
    if not social_org.charity:
        raise DomainError("该组织未认定为慈善组织，无需录入慈善组织年度财务数据")
    errors: list[dict[str, str]] = []
    year_text = _text(data.get("year"))
    year = int(year_text) if year_text.isdigit() else 0
    this_year = timezone.localdate().year
    if not 2000 <= year <= this_year:
        errors.append({"field": "year", "message": f"年度应为2000至{this_year}之间的年份"})
    v = {
        "income": _amount(data, "income", "本年总收入", errors),
        "previous_income": _amount(data, "previous_income", "上年总收入", errors, required=False),
        "total_spending": _amount(data, "total_spending", "本年总支出", errors),
        "charitable_spending": _amount(data, "charitable_spending", "慈善活动支出", errors),
        "management_cost": _amount(data, "management_cost", "管理费用", errors),
    }
    spend = v["total_spending"]
    for field, label in [("charitable_spending", "慈善活动支出"), ("management_cost", "管理费用")]:
        if spend is not None and v[field] is not None and v[field] > spend:
            errors.append({"field": field, "message": f"{label}不能大于本年总支出"})
    audited = _bool(data.get("audited"))
    InvalidInput.raise_if_any(errors)
    docs = _check_files(audit_files, "audit_files")
    fin = (
        CharityFinancials.objects.select_for_update()
        .filter(social_org=social_org, year=year)
        .first()
    )
    if fin is not None and fin.source == FinancialsSource.REPORT:
        raise DomainError(
            f"{year}年度财务数据取自该组织提交的年检年报，以年报为准；如需更正，请退回年检报告，"
            "由组织修改后重新提交"
        )
    has_report = bool(docs) or (fin is not None and fin.audit_reports.exists())
    if audited and not has_report:
        raise InvalidInput.field("audit_files", "已完成年度审计的，请上传审计报告")
    if v["previous_income"] is None:
        v["previous_income"] = previous_income(social_org, year)
    created = fin is None
    fin = fin or CharityFinancials(social_org=social_org, year=year)
    for name, value in v.items():
        setattr(fin, name, value)
    fin.audited = audited
    fin.updated_at = timezone.now()
    check_ratios(fin, ratios_apply(social_org))
    fin.save()
    for doc in docs:
        AuditReport.objects.create(financials=fin, uploaded_by=actor, **attachment_fields(doc))
    _refresh_next_year(social_org, year)
    audit.record(
        Verb.CHARITY_FINANCIALS_SAVED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={"financials": fin.pk, "year": year, "created": created, "audited": audited,
              "flagged": fin.flagged},
    )  # fmt: skip
    return fin


# The report states in which its figures stand as filed (returned or draft: not filed).
FILED_STATES = (
    ReportState.SUBMITTED,
    ReportState.SUPERVISOR_PASSED,
    ReportState.VERIFIED,
    ReportState.CONCLUDED,
)


def previous_income(social_org: SocialOrg, year: int) -> Decimal | None:
    """The previous year's total income the 70% rule compares with: last year's figures, else
    last year's filed annual report, else None (the ratio is not computed)."""
    last = CharityFinancials.objects.filter(social_org=social_org, year=year - 1).first()
    if last is not None:
        return last.income
    report = AnnualReport.objects.filter(
        social_org=social_org, year=year - 1, state__in=FILED_STATES, income__isnull=False
    ).first()
    return report.income if report is not None else None


def _refresh_next_year(social_org: SocialOrg, year: int) -> None:
    """Next year's figures taken from a report compare with this year's income: re-check them."""
    after = (
        CharityFinancials.objects.select_for_update()
        .filter(social_org=social_org, year=year + 1, source=FinancialsSource.REPORT)
        .first()
    )
    if after is None:
        return
    after.previous_income = previous_income(social_org, after.year)
    check_ratios(after, ratios_apply(social_org))
    after.save(update_fields=["previous_income", "spending_ratio", "management_ratio",
                              "ratios_apply", "flags", "flagged"])  # fmt: skip


def financials_from_report(
    report: AnnualReport, event: str, *, actor: User | None
) -> dict[str, Any] | None:
    """The charity part's listener to the annual report (``workbench.report_listeners``): when
    a charity's report is submitted (or filed again) or concluded, its figures become the
    charity's figures for the year (source 取自年检年报, replacing any entered by hand), with
    the previous year's income, the art. 61 ratios and flags, and ``audited`` when an audit
    report is among the report's materials (or was uploaded with figures entered before).

    Runs inside the inspection action's transaction (no transaction or audit entry of its own:
    the summary returned goes into that action's entry). None when the report is nothing to
    the charity part (not a charity, or a figure missing)."""
    social_org = SocialOrg.objects.get(pk=report.social_org_id)
    if not social_org.charity or social_org.status in CLOSED_STATUSES:
        return None
    income, spent = report.income, report.expenditure
    charitable, management = report.charitable_spending, report.management_cost
    if income is None or spent is None or charitable is None or management is None:
        return None
    fin = (
        CharityFinancials.objects.select_for_update()
        .filter(social_org=social_org, year=report.year)
        .first()
    )
    created = fin is None
    fin = fin or CharityFinancials(social_org=social_org, year=report.year)
    fin.source = FinancialsSource.REPORT
    fin.report = report
    fin.income, fin.total_spending = income, spent
    fin.charitable_spending, fin.management_cost = charitable, management
    fin.previous_income = previous_income(social_org, report.year)
    fin.audited = report.attachments.filter(kind=MaterialKind.AUDIT).exists() or (
        not created and fin.audit_reports.exists()
    )
    fin.updated_at = timezone.now()
    check_ratios(fin, ratios_apply(social_org))
    fin.save()
    _refresh_next_year(social_org, report.year)
    return {"financials": fin.pk, "created": created, "audited": fin.audited,
            "flagged": fin.flagged}  # fmt: skip
