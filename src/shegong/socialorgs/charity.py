"""Charities and fundraising (issue 14 §6): the scoped lists, and what this part registers on
the workbench (worklists, section "charity"), the organization's page, the portal and the
statistics page. Each worklist's count is the very query of the list it links to. It also
listens to the annual report (``report_listeners``): a charity's filed report gives its figures
for the year (``actions.charity.financials_from_report``)."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone

from shegong.core import registry
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.registry import MenuEntry, Todo

from .actions.charity import clock, disclosure_state
from .models import (
    ApplicationState,
    CharityFinancials,
    FundraisingApplication,
    FundraisingPlan,
    SocialOrg,
)
from .workbench import (
    DetailPanel,
    Indicator,
    PortalSection,
    ReportListener,
    Worklist,
    detail_panels,
    indicators,
    portal_sections,
    report_listeners,
    worklists,
)

PHASES = {"upcoming": "未开始", "active": "募捐中", "ended": "已结束"}


def _year(value: Any) -> int | None:
    text = str(value or "").strip()
    return int(text) if text.isdigit() and 1900 < int(text) < 3000 else None


def applications(
    user: Any, *, state: str = "", year: Any = "", sort: str = "", org: int | None = None
) -> QuerySet[FundraisingApplication]:
    """公开募捐资格申请 in scope; ``year`` the decision's year (granted/refused) or the filing's
    (pending); ``sort=oldest`` the oldest filing first (the worklist's order)."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = FundraisingApplication.objects.visible_to(user).select_related(
        "social_org__organization__region"
    )
    if state in ApplicationState.values:
        qs = qs.filter(state=state)
    found = _year(year)
    if found:
        qs = (
            qs.filter(decided_on__year=found)
            if state in ("granted", "refused")
            else qs.filter(filed_on__year=found)
        )
    if org:
        qs = qs.filter(social_org_id=org)
    return qs.order_by("filed_on", "pk") if sort == "oldest" else qs.order_by("-filed_on", "-pk")


def plans(
    user: Any, *, phase: str = "", disclosure: str = "", sort: str = "", q: str = ""
) -> QuerySet[FundraisingPlan]:
    """募捐方案 in scope: ``phase`` upcoming/active/ended (today), ``disclosure=overdue`` the
    plans whose next disclosure is past due."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    today = timezone.localdate()
    qs = FundraisingPlan.objects.visible_to(user).select_related("social_org__organization__region")
    if phase == "upcoming":
        qs = qs.filter(starts_on__gt=today)
    elif phase == "active":
        qs = qs.filter(starts_on__lte=today, ends_on__gte=today)
    elif phase == "ended":
        qs = qs.filter(ends_on__lt=today)
    if disclosure == "overdue":
        qs = qs.filter(disclosure_due_on__lt=today)
    elif disclosure == "done":
        qs = qs.filter(disclosure_due_on__isnull=True)
    if q.strip():
        text = q.strip()
        qs = qs.filter(title__icontains=text) | qs.filter(
            social_org__organization__name__icontains=text
        )
    if sort == "oldest":
        return qs.order_by("disclosure_due_on", "pk")
    return qs.order_by("-starts_on", "-pk")


def financials(
    user: Any, *, year: Any = "", flagged: str = "", audited: str = ""
) -> QuerySet[CharityFinancials]:
    """慈善组织年度财务 in scope, by year, ratio flag and audit."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = CharityFinancials.objects.visible_to(user).select_related(
        "social_org__organization__region"
    )
    found = _year(year)
    if found:
        qs = qs.filter(year=found)
    if flagged == "1":
        qs = qs.filter(flagged=True)
    if audited == "1":
        qs = qs.filter(audited=True)  # with a year: CharityFinancials...audits_on_file(year)
    return qs.order_by("-year", "social_org__organization__name", "pk")


def audits_on_file(user: Any, year: int) -> QuerySet[CharityFinancials]:
    """The charities with an audit on file for ``year`` in scope: the one definition
    (``CharityFinancialsQuerySet.audits_on_file``), the rows of ``financials(year=, audited=1)``."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return CharityFinancials.objects.visible_to(user).audits_on_file(year)


def access_application(user: Any, pk: int) -> FundraisingApplication:
    found = applications(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该申请，或您无权查看")
    return found


def access_plan(user: Any, pk: int) -> FundraisingPlan:
    found = plans(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该募捐方案，或您无权查看")
    return found


def access_financials(user: Any, pk: int) -> CharityFinancials:
    found = financials(user).filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该财务记录，或您无权查看")
    return found


def phase(plan: FundraisingPlan, today: Any = None) -> str:
    today = today or timezone.localdate()
    if plan.starts_on > today:
        return "upcoming"
    return "active" if plan.ends_on >= today else "ended"


def plan_row(plan: FundraisingPlan) -> dict[str, Any]:
    today = timezone.localdate()
    key = phase(plan, today)
    return {
        "plan": plan,
        "phase": key,
        "phase_label": PHASES[key],
        "disclosure": disclosure_state(plan, today),
        "overdue": plan.disclosure_due_on is not None and plan.disclosure_due_on < today,
    }


def application_row(application: FundraisingApplication) -> dict[str, Any]:
    return {"application": application, "clock": clock(application)}


# --- registrations --------------------------------------------------------------------------

MANAGE = Perm.SOCIALORGS_MANAGE

worklists.add(
    Worklist(
        "charity",
        Todo(
            "socialorgs.charity.pending", "待审批公开募捐资格",
            lambda user: applications(user, state="pending").count(),
            "socialorgs:charity_applications", query="state=pending&sort=oldest",
            order=560, perm=MANAGE, icon="patch-check",
            hint="慈善组织申请公开募捐资格，应在20日内作出决定",
        ),
    ),
    Worklist(
        "charity",
        Todo(
            "socialorgs.charity.disclosure_overdue", "募捐信息公开逾期",
            lambda user: plans(user, disclosure="overdue").count(),
            "socialorgs:charity_plans", query="disclosure=overdue&sort=oldest",
            order=561, perm=MANAGE, icon="megaphone",
            hint="募捐期间每3个月、结束后3个月内应公开募捐情况",
        ),
    ),
    Worklist(
        "charity",
        Todo(
            "socialorgs.charity.ratio_flagged", "支出比例不达标",
            lambda user: financials(user, flagged="1").count(),
            "socialorgs:charity_financials", query="flagged=1",
            order=562, perm=MANAGE, icon="exclamation-triangle",
            hint="慈善活动支出低于上年总收入70%或管理费用高于总支出10%",
        ),
    ),
)  # fmt: skip


def _panel(so: SocialOrg, user: Any) -> dict[str, Any] | None:
    apps = list(so.fundraising_applications.order_by("-filed_on", "-pk")[:5])
    plan_list = list(so.fundraising_plans.order_by("-starts_on", "-pk")[:10])
    fins = list(so.charity_financials.order_by("-year")[:5])
    if not (so.charity or apps or plan_list or fins):
        return None
    return {
        "applications": [application_row(a) for a in apps],
        "plans": [plan_row(p) for p in plan_list],
        "financials": fins,
    }


detail_panels.add(DetailPanel("charity", "socialorgs/charity/panel.html", _panel, order=60))


def _summary(so: SocialOrg) -> str:
    if so.public_fundraising:
        return f"已具有公开募捐资格（{so.public_fundraising_on:%Y-%m-%d} 起）"
    pending = so.fundraising_applications.filter(state=ApplicationState.PENDING).first()
    if pending is not None:
        return f"公开募捐资格申请待审批（{clock(pending)['text']}）"
    return "已认定为慈善组织，可申请公开募捐资格" if so.charity else "未认定为慈善组织"


portal_sections.add(
    PortalSection(
        "charity", "慈善募捐", "socialorgs:portal_charity", icon="heart", order=60,
        summary=_summary,
    )
)  # fmt: skip


def _financials_url(year: int) -> str:
    return reverse("socialorgs:charity_financials") + f"?year={year}&audited=1"


def _granted_url(year: int) -> str:
    return reverse("socialorgs:charity_applications") + f"?state=granted&year={year}"


def _flagged_url(year: int) -> str:
    return reverse("socialorgs:charity_financials") + f"?year={year}&flagged=1"


indicators.add(
    Indicator(
        "charity.audited", "完成年度审计的慈善组织", "charity",
        lambda user, year: audits_on_file(user, year).count(),
        order=560, url=_financials_url,
        definition="该年度有审计报告在案的慈善组织数：其年检年报材料中附有审计报告，或未在线"
        "报送年报而录入财务数据时上传了审计报告（以该年度慈善组织年度财务记录为准）",
    ),
    Indicator(
        "charity.granted", "准予公开募捐资格", "charity",
        lambda user, year: applications(user, state="granted", year=year).count(),
        order=561, url=_granted_url,
        definition="决定日期在该年度、决定为准予的公开募捐资格申请数",
    ),
    Indicator(
        "charity.flagged", "支出比例不达标的慈善组织", "charity",
        lambda user, year: financials(user, year=year, flagged="1").count(),
        order=562, url=_flagged_url,
        definition="该年度财务记录中慈善活动支出低于上年总收入70%或管理费用高于当年总支出10%的"
        "具有公开募捐资格的基金会数",
    ),
)  # fmt: skip


registry.menu.add(
    MenuEntry("社会组织", 55, "慈善与募捐", "socialorgs:charity_applications", "heart", order=5,
              perm=Perm.SOCIALORGS_VIEW),
)  # fmt: skip


report_listeners.add(
    ReportListener("charity", "shegong.socialorgs.actions.charity.financials_from_report")
)
