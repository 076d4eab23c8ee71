"""Reads of the annual inspection (issue 14 §3), always scoped to the reader, and the part's
registrations: the workbench's worklists (待初审, 待核验, 待作结论, 警告, 撤销), the portal's
年检年报 section, the organization page's card, the statistics page's indicator (年检率; the
charities with an audit on file are the charity part's one indicator, which this part's list
filter ``audit`` repeats) and the public results page.

Every worklist's count is the very query of the list it links to (``filtered`` with the same
``worklist`` value), and every indicator links to the list whose total equals it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, OuterRef, Q, QuerySet
from django.db.models.expressions import RawSQL
from django.urls import reverse
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.registry import Todo
from shegong.core.scope import scope_prefix
from shegong.regions.models import Region

from .choices import SocialOrgStatus, SocialOrgType
from .models import (
    AnnualReport,
    CharityFinancials,
    InspectionPlan,
    ReportState,
    SocialOrg,
)
from .models.common import AWAITING, BAD, COMPLETED
from .workbench import (
    DetailPanel,
    Indicator,
    PortalSection,
    PublicPage,
    Worklist,
    detail_panels,
    indicators,
    portal_sections,
    public_pages,
    worklists,
)

NOT_FOUND = "未找到该年检报告，或您无权查看"
ACTIVE_STATUSES = (SocialOrgStatus.NORMAL, SocialOrgStatus.SUSPENDED)
WORKLISTS = {
    "supervisor": "待业务主管单位初审",
    "verify": "待线下核验",
    "conclude": "待作年检结论",
    "warning": "一年未参检或不合格（拟警告）",
    "revoke": "连续两年未参检或不合格（拟撤销登记）",
}


def reports(user: Any) -> QuerySet[AnnualReport]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return AnnualReport.objects.visible_to(user).select_related(
        "social_org__organization__region", "plan"
    )


def access_report(user: Any, pk: int) -> AnnualReport:
    """The report, or NotFound for one missing and one outside the scope alike."""
    found = reports(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def results_year(user: Any) -> int | None:
    """The latest year whose window has closed (the year the 警告/撤销 worklists read): read
    from the inspection plans (a handful a year) of the authorities over or within the reader's
    scope, never from the reports themselves."""
    prefix = scope_prefix(user)
    if prefix is None:
        return None
    closed = InspectionPlan.objects.filter(registrar_due__lt=timezone.localdate())
    years = [
        plan.year
        for plan in closed.select_related("region").only("year", "region")
        if plan.region.prefix.startswith(prefix) or prefix.startswith(plan.region.prefix)
    ]
    return max(years, default=None)


def report_years() -> list[int]:
    """The years from the latest report's back to the earliest's, newest first (the year
    filter's choices): two index look-ups, whatever the number of reports."""
    years = AnnualReport.objects.order_by("year").values_list("year", flat=True)
    first, last = years.first(), years.reverse().first()
    return list(range(last, first - 1, -1)) if first and last else []


def _literal_in(column: str, values: tuple[str, ...]) -> RawSQL:
    """``column IN values`` with the values written into the SQL: the condition of one of the
    report's partial indexes (``annual_report_awaiting``, ``annual_report_bad``), repeated.
    SQLite uses a partial index only when the query repeats its condition with literal values
    (bound parameters do not match it); the worklists AND this to their own filters."""
    listed = ", ".join(f"'{value}'" for value in values)
    sql = f'"{AnnualReport._meta.db_table}"."{column}" IN ({listed})'
    return RawSQL(sql, (), output_field=BooleanField())  # noqa: S611 - our own constants


def _bad_before(year_offset: int) -> Exists:
    return Exists(
        AnnualReport.objects.filter(
            social_org=OuterRef("social_org"),
            year=OuterRef("year") - year_offset,
            conclusion__in=BAD,
        )
    )


def _worklist(qs: QuerySet[AnnualReport], user: Any, key: str) -> QuerySet[AnnualReport]:
    if key in ("supervisor", "verify", "conclude"):
        qs = qs.filter(_literal_in("state", AWAITING))
    if key == "supervisor":
        return qs.filter(state=ReportState.SUBMITTED).exclude(social_org__supervisor="")
    if key == "verify":
        return qs.filter(
            Q(state=ReportState.SUBMITTED, social_org__supervisor="")
            | Q(state=ReportState.SUPERVISOR_PASSED)
        )
    if key == "conclude":
        return qs.filter(state=ReportState.VERIFIED)
    if key in ("warning", "revoke"):
        year = results_year(user)
        if year is None:
            return qs.none()
        qs = qs.filter(
            _literal_in("conclusion", BAD),
            year=year,
            conclusion__in=BAD,
            social_org__status__in=ACTIVE_STATUSES,
        ).annotate(bad_before=_bad_before(1))
        return qs.filter(bad_before=(key == "revoke"))
    return qs.none()


def filtered(
    user: Any,
    *,
    year: int | str | None = None,
    region: str = "",
    org_type: str = "",
    state: str = "",
    conclusion: str = "",
    late: str = "",
    worklist: str = "",
    done: str = "",
    required: str = "",
    audit: str = "",
    q: str = "",
    sort: str = "",
) -> QuerySet[AnnualReport]:
    """The inspection list with its filters; ``worklist`` names one of ``WORKLISTS``,
    ``required`` the year's required set (opened with the year), ``done`` keeps the completed
    (合格+基本合格+不合格), ``audit`` the reports of charities with an audit on file for the
    year (the one definition: their year's figures audited); ``sort=oldest`` puts the
    longest-waiting first."""
    qs = reports(user)
    if year:
        qs = qs.filter(year=int(year))
    if org_type:
        qs = qs.filter(social_org__org_type=org_type)
    if state:
        qs = qs.filter(state=state)
    if conclusion == "none":
        qs = qs.filter(conclusion="")
    elif conclusion:
        qs = qs.filter(conclusion=conclusion)
    if late == "1":
        qs = qs.filter(late=True)
    elif late == "0":
        qs = qs.filter(late=False)
    if required:
        qs = qs.filter(plan__isnull=False)
    if done:
        qs = qs.filter(conclusion__in=COMPLETED)
    if audit:
        # The one definition of an audit on file (CharityFinancials.objects.audits_on_file).
        qs = qs.filter(
            Exists(
                CharityFinancials.objects.filter(social_org=OuterRef("social_org")).audits_on_file(
                    OuterRef("year")
                )
            )
        )
    if region:
        found = Region.objects.filter(code=region).first()
        qs = qs.in_region(found.prefix) if found is not None else qs.none()
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(social_org__organization__name__icontains=text)
            | Q(social_org__organization__credit_code=text.upper())
        )
    if worklist:
        qs = _worklist(qs, user, worklist)
    if sort == "oldest":
        return qs.order_by("submitted_at", "updated_at", "pk")
    return qs.order_by("-year", "social_org__organization__name", "pk")


def count_worklist(key: str) -> Any:
    def count(user: Any) -> int | None:
        if not user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE):
            return None
        return filtered(user, worklist=key, sort="oldest").count()

    return count


# --- 年检率 -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class RateRow:
    key: str
    label: str
    completed: int
    required: int

    @property
    def percent(self) -> float | None:
        return round(self.completed * 100 / self.required, 1) if self.required else None


def _row(key: str, label: str, qs: QuerySet[AnnualReport]) -> RateRow:
    counts = qs.order_by().aggregate(
        required=Count("id"), completed=Count("id", filter=Q(conclusion__in=COMPLETED))
    )
    return RateRow(key, label, counts["completed"], counts["required"])


def inspection_rate(user: Any, year: int) -> tuple[int, int]:
    """年检率 as (completed, required): of the year's required set in scope, those concluded
    合格, 基本合格 or 不合格."""
    row = _row("", "", filtered(user, year=year, required="1"))
    return row.completed, row.required


def rate_table(user: Any, year: int) -> dict[str, Any]:
    """年检率 for ``year``: the total, per street and per type."""
    base = filtered(user, year=year, required="1")
    streets = Region.objects.visible_to(user).filter(level="street").order_by("code")
    by_region = [_row(r.code, r.name, base.in_region(r.prefix)) for r in streets]
    by_type = [_row(t.value, t.label, base.filter(social_org__org_type=t)) for t in SocialOrgType]
    return {
        "total": _row("", "合计", base),
        "by_region": [r for r in by_region if r.required],
        "by_type": by_type,
    }


def list_url(**params: Any) -> str:
    from urllib.parse import urlencode

    return reverse("socialorgs:inspections") + "?" + urlencode(params)


# --- the portal and the organization page -----------------------------------------------------


def current_report(social_org: SocialOrg) -> AnnualReport | None:
    return social_org.annual_reports.select_related("plan").order_by("-year").first()


def _portal_summary(social_org: SocialOrg) -> str:
    report = current_report(social_org)
    if report is None:
        return "暂无需要填报的年检年报"
    text = f"{report.year}年度：{report.get_state_display()}"
    if report.conclusion:
        text += f"，结论{report.get_conclusion_display()}"
    return text


def _detail_panel(social_org: SocialOrg, user: Any) -> dict[str, Any] | None:
    found = list(social_org.annual_reports.order_by("-year")[:10])
    return {"inspection_reports": found}


def _public_results(year: int) -> QuerySet[AnnualReport]:
    return (
        AnnualReport.objects.filter(year=year)
        .exclude(conclusion="")
        .select_related("social_org__organization")
        .order_by("conclusion", "social_org__organization__name", "pk")
    )


def public_results(year: int, conclusion: str = "") -> QuerySet[AnnualReport]:
    """The published results of ``year`` (every concluded report; no personal data)."""
    qs = _public_results(year)
    return qs.filter(conclusion=conclusion) if conclusion else qs


# --- registrations ----------------------------------------------------------------------------

_ORDER = {"supervisor": 10, "verify": 11, "conclude": 12, "warning": 13, "revoke": 14}
_HINTS = {
    "supervisor": "组织已提交、有业务主管单位，待初审（可代录纸质初审）",
    "verify": "初审通过或无需初审，待登记管理机关线下核验",
    "conclude": "已线下核验，待作出年检结论",
    "warning": "最近一个已截止年度未参检或不合格",
    "revoke": "最近两个年度均未参检或不合格",
}
worklists.add(
    *(
        Worklist(
            "inspection",
            Todo(
                key=f"socialorgs.inspection.{key}",
                label=label,
                count=count_worklist(key),
                url_name="socialorgs:inspections",
                query=f"worklist={key}&sort=oldest",
                order=_ORDER[key],
                perm=Perm.SOCIALORGS_MANAGE,
                icon="clipboard-check",
                hint=_HINTS[key],
            ),
        )
        for key, label in WORKLISTS.items()
    )
)
portal_sections.add(
    PortalSection(
        key="inspection",
        title="年检年报",
        url_name="socialorgs:portal_inspection",
        icon="journal-check",
        order=10,
        summary=_portal_summary,
    )
)
detail_panels.add(
    DetailPanel(
        key="inspection",
        template="socialorgs/inspection/panel.html",
        context=_detail_panel,
        order=20,
        column="main",
    )
)
indicators.add(
    Indicator(
        key="inspection_rate",
        label="年检率",
        section="inspection",
        value=lambda user, year: inspection_rate(user, year),
        unit="%",
        order=10,
        definition=(
            "年检率 = 当年度结论为合格、基本合格、不合格的社会组织数 ÷ 当年度开启年检时确定的"
            "应参检社会组织数（按年度、工作范围）"
        ),
        url=lambda year: list_url(year=year, required=1, done=1),
    ),
)
public_pages.add(
    PublicPage(
        key="inspection_results",
        title="年检结果公告",
        url_name="socialorgs_public:inspection_results_latest",
        description="各年度社会组织年检结论（合格、基本合格、不合格、未参检）",
        icon="clipboard-check",
        order=10,
    )
)
