"""The demo's annual inspection (issue 14 §3) on the ``active`` pool, through the actions.

For ``report_year()`` (its window has closed): the required set is the active pool (99 at seed
size); 89 complete it (mostly 合格, some 基本合格/不合格; a few filed late), 10 never file and are
marked 未参检 when the window closes: 年检率 89/99 = 90%. Four charities put an audit report on
file (the seed's "4家慈善组织完成年度审计"; a public-fundraising foundation first when the pool
has one) and report the charity demo's figures: income 1,000,000 + 250,000 per charity, charitable
spending 80% of it — 55% for that foundation, the one flagged ratio once the charity step adds
the previous year's income. Their reports give the charity part its figures (the charity part
listens to the filed reports). The year before, a handful of the same organizations
were inspected, two of them 未参检 both years, so the 警告 and 撤销 worklists are not empty. The
current year is opened too, with a few drafts and two reports of organizations with a
业务主管单位 filed early and awaiting its 初审 (the 教育局 login's 业务主管单位初审 page). The
dormant pool gets no report here (the dormant part gives them their missed years).

Idempotent: nothing is done once the district's authority has a plan for ``report_year()``.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..actions import inspection
from ..choices import SocialOrgType
from ..models import InspectionPlan, SocialOrg
from . import pool, report_year

HANDFUL = 6  # organizations with a previous year's result
REVOKE = 2  # of them, 未参检 both years
AUDITS = 4  # charities with an audit report on file
LATE = 4  # completed reports filed after their due date
DRAFTS = 5  # drafts of the current year
AWAITING_REVIEW = 2  # current-year reports filed early, awaiting the supervisor's 初审


def figures(active: int) -> dict[str, int]:
    """The demo's figures for an active pool of ``active`` organizations (99 → 89 / 10)."""
    completed = round(active * 89 / 99) if active >= 10 else max(active - 1, 0)
    fail = 3 if active >= 10 else 0
    basic = 6 if active >= 10 else min(1, completed)
    return {
        "required": active,
        "completed": completed,
        "absent": active - completed,
        "basic": basic,
        "fail": fail,
        "pass": completed - basic - fail,
    }


FORM = {
    "activities": "开展公益服务和业务培训，服务群众",
    "income": "180000",
    "expenditure": "150000",
    "charitable_spending": "130000",
    "management_cost": "12000",
    "net_assets": "260000",
    "staff_count": "3",
    "party_org": "joint",
}


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, b"%PDF-1.4\n% demo\n", content_type="application/pdf")


def _at(day: date) -> datetime:
    latest = timezone.localdate() - timedelta(days=1)
    return timezone.make_aware(datetime.combine(min(day, latest), datetime.min.time())).replace(
        hour=10
    )


def _open(ctx: Any, year: int, only: list[SocialOrg]) -> InspectionPlan:
    district = ctx.region("district")
    data = {"authority": f"{district.name}民政局", "region": district.code, "year": year}
    return inspection.open_year(data, actor=None, only=only)


def charity_form(index: int, *, bound: bool) -> dict[str, str]:
    """The report form of the ``index``-th charity with an audit: the charity demo's figures;
    the first one the art. 61 ratios bind (``bound``) spends 55% (flagged), the others 80%."""
    income = 1_000_000 + 250_000 * index
    spending = income * (55 if bound and index == 0 else 80) // 100
    return {
        **FORM,
        "income": str(income),
        "expenditure": str(spending + 60_000),
        "charitable_spending": str(spending),
        "management_cost": "50000",
    }


def _bound(so: SocialOrg) -> bool:
    return so.org_type == SocialOrgType.FOUNDATION and so.public_fundraising


def _file(report: Any, *, audit: bool, when: datetime, form: dict[str, str] | None = None) -> None:
    inspection.save_report(report, form or FORM, actor=None)
    main = "audit" if audit else "financial"
    inspection.add_attachments(report, main, [_pdf(f"{main}.pdf")], actor=None)
    inspection.add_attachments(report, "certificate", [_pdf("登记证书副本.pdf")], actor=None)
    if report.needs_rectification:
        inspection.add_attachments(report, "rectification", [_pdf("整改报告.pdf")], actor=None)
    inspection.submit_report(report, actor=None, at=when)


def _conclude(report: Any, conclusion: str, when: datetime) -> None:
    if report.social_org.supervisor:
        inspection.supervisor_review(report, passed=True, note="同意", actor=None, at=when)
    inspection.verify_report(
        report,
        {"verified_on": timezone.localdate(when), "findings": "材料齐全，账实相符",
         "verified_by": "登记管理机关核验组"},
        actor=None,
    )  # fmt: skip
    grounds = {"basic": ["overdue_election"], "fail": ["no_activity", "finance"]}
    inspection.conclude_report(report, conclusion, grounds=grounds.get(conclusion, []),
                               actor=None, at=when)  # fmt: skip


def load(ctx: Any) -> int:
    year = report_year()
    district = ctx.region("district")
    if InspectionPlan.objects.filter(authority=f"{district.name}民政局", year=year).exists():
        return 0
    active = pool(ctx, "active")
    if not active:
        return 0
    numbers = figures(len(active))
    completed = active[: numbers["completed"]]
    absent = active[numbers["completed"] :]
    # the year before: a handful, the first REVOKE of the absent ones missed it too
    handful = active[-min(HANDFUL, len(active)) :]
    missed_before = {so.pk for so in [so for so in handful if so in absent][:REVOKE]}
    before = _open(ctx, year - 1, handful)
    for report in before.reports.select_related("social_org__organization"):
        if report.social_org_id in missed_before:
            continue
        _file(report, audit=False, when=_at(date(year, 3, 10)))
        _conclude(report, "pass", _at(date(year, 4, 20)))
    inspection.close_window(before, at=_at(date(year, 6, 1)))
    # the report year
    plan = _open(ctx, year, active)
    reports = {r.social_org_id: r for r in plan.reports.select_related("social_org__organization")}
    charities = sorted((so for so in completed if so.charity), key=lambda so: not _bound(so))
    forms = {
        so.pk: charity_form(index, bound=_bound(charities[0]))
        for index, so in enumerate(charities[:AUDITS])
    }
    audit_ids = set(forms)
    conclusions = (
        ["fail"] * numbers["fail"] + ["basic"] * numbers["basic"] + ["pass"] * numbers["pass"]
    )
    for index, so in enumerate(completed):
        report = reports[so.pk]
        late = index >= len(completed) - LATE
        filed = date(year + 1, 6, 10) if late else date(year + 1, 2, 1) + timedelta(days=index % 50)
        _file(report, audit=so.pk in audit_ids, when=_at(filed), form=forms.get(so.pk))
        _conclude(report, conclusions[index], _at(filed + timedelta(days=20)))
    inspection.close_window(plan, at=_at(date(year + 1, 6, 1)))
    # the current year: opened, a few drafts
    current = year + 1
    if current <= timezone.localdate().year:
        now = _open(ctx, current, active + pool(ctx, "new"))
        ordered = list(
            now.reports.select_related("social_org__organization").order_by(
                "social_org__registration_number"
            )
        )
        for report in ordered[:DRAFTS]:
            inspection.save_report(report, {"activities": "本年度活动情况（草稿）"}, actor=None)
        # filed early, awaiting the 业务主管单位's 初审 (the 教育局 login's page is not empty)
        supervised = [r for r in ordered[DRAFTS:] if r.social_org.supervisor][:AWAITING_REVIEW]
        for days, report in enumerate(supervised, start=1):
            _file(report, audit=False, when=_at(timezone.localdate() - timedelta(days=days)))
    return plan.reports.count()
