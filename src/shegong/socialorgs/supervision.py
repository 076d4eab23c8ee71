"""The business supervisor's (业务主管单位) side of the annual inspection (issue 14 §3): the
reports a department user is to give their 初审, and the registrations that show them the page
(the left menu's entry and the home page's to-do) — to them only.

Who is a supervisor is decided by the data, not by a permission of the role: a membership in an
active ``accounts.Department`` whose name is an organization's ``SocialOrg.supervisor``, in a
region covering the organization (``actions.inspection.is_supervisor_of``, which the 初审 action
checks). The reports read here are the ones that rule opens, inside the reader's scope
(``visible_to``); a draft the organization has never filed is not theirs to see.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.registry import Todo
from shegong.core.scope import subtree_range

from .models import AnnualReport, ReportState, SocialOrg

NOT_FOUND = "未找到该年检报告，或您无权查看"
# The list's states: what the supervisor sees.
STATES = {
    "pending": "待初审",
    "reviewed": "已初审",
    "all": "全部",
}
PENDING = "pending"
_CACHE = "_socialorgs_supervising"


def departments(user: Any) -> list[tuple[str, str]]:
    """(department name, region prefix) of each of the user's memberships in an active
    department; asked once per request (memoised on the user object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = sorted(
            {
                (m.department.name, m.region.prefix)
                for m in user.membership_list()  # loaded once per request already
                if m.department is not None and m.department.is_active
            }
        )
        setattr(user, _CACHE, cached)
    return cached


def _supervised(user: Any, field: str) -> Q | None:
    """The condition "supervised by one of the user's departments" on ``field`` (the path to a
    SocialOrg), or None when the user holds no department membership."""
    found = departments(user)
    if not found:
        return None
    condition = Q()
    for name, prefix in found:
        low, high = subtree_range(prefix)
        condition |= Q(
            **{
                f"{field}supervisor": name,
                f"{field}organization__region_id__gte": low,
                f"{field}organization__region_id__lt": high,
            }
        )
    return condition


def supervises_any(user: Any) -> bool:
    """Whether the user supervises at least one organization in their scope (the menu entry's
    and the to-do's test)."""
    condition = _supervised(user, "")
    if condition is None:
        return False
    return SocialOrg.objects.visible_to(user).filter(condition).exists()


def reports(user: Any) -> QuerySet[AnnualReport]:
    """Every filed report of an organization the user supervises, in scope."""
    condition = _supervised(user, "social_org__")
    if condition is None:
        return AnnualReport.objects.none()
    return (
        AnnualReport.objects.visible_to(user)
        .filter(condition)
        .exclude(submitted_at=None)
        .select_related("social_org__organization__region", "plan")
    )


def filtered(
    user: Any, *, year: int | str | None = None, state: str = ""
) -> QuerySet[AnnualReport]:
    """The supervisor's list: ``state`` pending (待初审, the default), reviewed (已初审: a 初审
    result on record) or all; oldest filing first."""
    qs = reports(user)
    if year:
        qs = qs.filter(year=int(year))
    state = state or PENDING
    if state == PENDING:
        qs = qs.filter(state=ReportState.SUBMITTED)
    elif state == "reviewed":
        qs = qs.exclude(supervisor_result="")
    return qs.order_by("submitted_at", "pk")


def years(user: Any) -> list[int]:
    """The years of the supervisor's reports, newest first (the year filter's choices)."""
    qs = reports(user).order_by("-year").values_list("year", flat=True).distinct()
    return list(qs)


def access_report(user: Any, pk: int) -> AnnualReport:
    """One report the user supervises; NotFound alike for a missing one and for another
    department's (or a draft never filed)."""
    found = reports(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def overdue(report: AnnualReport) -> bool:
    """Waiting for the 初审 after the year's 初审 deadline (``plan.supervisor_due``)."""
    due = report.plan.supervisor_due if report.plan else None
    return report.state == ReportState.SUBMITTED and due is not None and timezone.localdate() > due


def pending_count(user: Any) -> int | None:
    """The to-do's number: the list's own query (待初审); None for a non-supervisor."""
    if not departments(user):
        return None
    return filtered(user, state=PENDING).count()


TODO = Todo(
    key="socialorgs.supervision.pending",
    label="待初审的年检报告",
    count=pending_count,
    url_name="socialorgs:supervision",
    query="state=pending",
    order=15,
    icon="clipboard-check",
    hint="本单位主管的社会组织已提交、待业务主管单位初审的年检报告（提交最早的在前）",
)
