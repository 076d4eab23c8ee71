"""Demo step for charities and fundraising (issue 14 §6), on the ``active`` pool.

Four charities have audited figures for ``report_year()`` ("4家慈善组织完成年度审计"): the
inspection step's charities filed them with their annual reports (an audit report among the
materials; the charity part takes a filed report's figures), and this step enters their previous
year's income by hand, so the 70% ratio is checked — one of them, a public-fundraising
foundation when the pool has one, misses it (one flag). Where the pool had fewer charities when
the reports were filed, the charities this step recognizes enter audited figures by hand, up to
four. Two of them apply for the public-fundraising qualification and are
granted (this year when the demo is loaded from September on, otherwise in the last twelve
months), a third applies six days ago (pending, its clock showing 剩余14天). The two granted
organizations file a plan each: the first one over six months (supervised twice, disclosed once,
then overdue: the 信息公开逾期 worklist), the second a short one (supervised, fully disclosed after
its end). Only charities recognized a full year before the grant qualify: the small demo has one.

Everything goes through ``actions.charity`` with the system actor, backdated with ``on``.
Eligibility needs 合格 inspections for the two years before the grant: those years precede
``report_year()`` (the inspection part's year) and are recorded as 合格 where no report exists.
Idempotent: nothing is added once a pool organization has applied for the qualification.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from ..actions import charity, records
from ..choices import SocialOrgType
from ..models import (
    AnnualReport,
    CharityFinancials,
    FundraisingApplication,
    InspectionConclusion,
    SocialOrg,
    add_years,
)
from . import inspection as inspection_demo
from . import pool, report_year

CHARITIES = 4
FINDINGS = ["票据齐全，资金进入专户", "季度公开未按期进行，已督促"]
PDF = b"%PDF-1.4\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def _pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _record_data(so: SocialOrg, **changes: Any) -> dict[str, Any]:
    org = so.organization
    values = {name: getattr(so, name) for name in records.PROFILE_FIELDS if name != "term_end"}
    values.update(
        name=org.name, credit_code=org.credit_code, address=org.address, region=org.region_id,
        legal_rep=org.legal_rep, legal_rep_phone=org.legal_rep_phone,
    )  # fmt: skip
    values.update(changes)
    return {k: ("" if v is None else v) for k, v in values.items()}


def _anchor(today: date) -> date:
    """When the granted applications were filed."""
    return (
        date(today.year, 1, 2) if today >= date(today.year, 9, 1) else today - timedelta(days=330)
    )


def _inspected(so: SocialOrg, years: list[int]) -> None:
    for year in years:
        if year >= report_year():
            continue  # the inspection part's year: never touched here
        AnnualReport.objects.get_or_create(
            social_org=so, year=year,
            defaults={"conclusion": InspectionConclusion.PASS, "state": "concluded"},
        )  # fmt: skip


def _recognized(so: SocialOrg) -> date:
    return so.charity_on if so.charity and so.charity_on else so.registered_on


def _choose(active: list[SocialOrg], anchor: date) -> list[SocialOrg]:
    """Four charities: a foundation first (the ratio rule binds public-fundraising foundations;
    one already qualified when there is one), two organizations that may be granted the
    qualification at ``anchor`` (recognized a year before), then one more without it."""
    chosen: list[SocialOrg] = []
    foundations = sorted(
        (so for so in active if so.org_type == SocialOrgType.FOUNDATION),
        key=lambda so: not so.public_fundraising,
    )
    chosen.extend(foundations[:1])
    grantable = sorted(
        (
            so for so in active
            if so not in chosen and not so.public_fundraising
            and add_years(_recognized(so), 1) <= anchor
        ),
        key=lambda so: not so.charity,
    )  # fmt: skip
    chosen.extend(grantable[:2])
    rest = sorted(
        (so for so in active if so not in chosen),
        key=lambda so: (so.public_fundraising, not so.charity),
    )
    return (chosen + rest)[:CHARITIES]


def load(ctx: Any) -> int:
    active = pool(ctx, "active")
    if not active or FundraisingApplication.objects.filter(social_org__in=active).exists():
        return 0
    today = date.today()
    anchor = _anchor(today)
    chosen = []
    for so in _choose(active, anchor):
        if not so.charity:
            so = records.update_social_org(
                so, _record_data(so, charity=True, charity_on=_recognized(so)), actor=None
            )
        chosen.append(SocialOrg.objects.select_related("organization").get(pk=so.pk))
    created = 0
    # Two granted qualifications, one pending.
    granted = []
    eligible = [
        s for s in chosen
        if not s.public_fundraising and add_years(s.charity_on, 1) <= anchor
    ]  # fmt: skip
    for offset, so in zip((0, 7), eligible[:2], strict=False):
        filed = anchor + timedelta(days=offset)
        decided = filed + timedelta(days=10)
        _inspected(
            so, sorted(set(charity.inspection_years(filed) + charity.inspection_years(decided)))
        )
        app = charity.file_application(
            so, {"note": "申请公开募捐资格"}, governance_files=[_pdf("内部治理制度汇编.pdf")],
            actor=None, on=filed,
        )  # fmt: skip
        charity.decide_application(app, "granted", actor=None, on=decided)
        granted.append((SocialOrg.objects.get(pk=so.pk), decided))
        created += 1
    waiting = [
        s for s in chosen if not s.public_fundraising and s.pk not in {g.pk for g, _ in granted}
    ]
    if waiting:
        charity.file_application(
            waiting[0], {"note": "申请公开募捐资格"},
            governance_files=[_pdf("内部治理制度.pdf")], actor=None, on=today - timedelta(days=6),
        )  # fmt: skip
        created += 1
    # Plans of the granted organizations.
    for index, (so, decided) in enumerate(granted):
        start = decided + timedelta(days=5)
        long = index == 0
        end = start + timedelta(days=300 if long else 60)
        plan = charity.file_plan(
            so,
            {"title": "年度助学公开募捐" if long else "春节困难群众帮扶募捐",
             "purpose": "资助困难家庭学生完成学业" if long else "为困难群众发放节日慰问物资",
             "channels": "民政部指定的互联网公开募捐信息平台；本组织办公地点募捐箱",
             "starts_on": start, "ends_on": end,
             "target_amount": "500000" if long else "80000"},
            actor=None, on=decided + timedelta(days=1),
        )  # fmt: skip
        checks = [30, 120] if long else [10]
        for days in checks:
            on = start + timedelta(days=days)
            if on <= today:
                charity.log_supervision(
                    plan,
                    {"checked_on": on, "checked": "核查募捐票据、资金专户和信息公开情况",
                     "findings": FINDINGS[days == 120]},
                    actor=None,
                )  # fmt: skip
        if long and start + timedelta(days=80) <= today:
            charity.record_disclosure(
                plan,
                {"disclosed_on": start + timedelta(days=80), "content": "第一季度募捐收支情况"},
                files=[_pdf("第一季度公开.pdf")], actor=None,
            )  # fmt: skip
        if not long and end + timedelta(days=30) <= today:
            charity.record_disclosure(
                plan,
                {"disclosed_on": end + timedelta(days=30), "final": True,
                 "content": "募捐收入、支出和结余全面公开"},
                files=[_pdf("募捐情况全面公开.pdf")], actor=None,
            )  # fmt: skip
        created += 1
    # Audited figures for the report year: the inspection step's charities filed them with
    # their annual reports (an audit report among the materials). Their previous year's income
    # is entered by hand (no online report that year), which checks the 70% ratio: the
    # foundation's 55% is flagged. Charities recognized by this step after the reports were
    # filed enter audited figures by hand, up to four.
    year = report_year(today)
    audited = CharityFinancials.objects.filter(social_org__in=active).audits_on_file(year)
    for fin in audited.select_related("social_org__organization").order_by("pk"):
        if not CharityFinancials.objects.filter(social_org=fin.social_org, year=year - 1).exists():
            charity.save_financials(
                fin.social_org,
                {"year": str(year - 1), "income": str(fin.income),
                 "total_spending": str(fin.total_spending),
                 "charitable_spending": str(fin.charitable_spending),
                 "management_cost": str(fin.management_cost)},
                actor=None,
            )  # fmt: skip
            created += 1
    missing = CHARITIES - audited.count()
    with_figures = set(
        CharityFinancials.objects.filter(year=year).values_list("social_org", flat=True)
    )
    chosen = [SocialOrg.objects.get(pk=so.pk) for so in chosen if so.pk not in with_figures]
    for index, so in enumerate(chosen[: max(missing, 0)], start=CHARITIES - missing):
        form = inspection_demo.charity_form(index, bound=False)
        charity.save_financials(
            so,
            {"year": str(year), "income": form["income"], "previous_income": form["income"],
             "total_spending": form["expenditure"],
             "charitable_spending": form["charitable_spending"],
             "management_cost": form["management_cost"], "audited": True},
            audit_files=[_pdf(f"{year}年度审计报告.pdf")], actor=None,
        )  # fmt: skip
        created += 1
    return created
