"""Read side of the staff pages: the running clock, who may do what on a case, the queue's
filters, the desk's duplicate pairs, a case's extra answers."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.utils import timezone

from shegong.core import geo
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from . import queries
from .choices import ALLOWED, AWAITING_RESPONSE, WITH_DEPARTMENT, Status
from .models import Assignment, Report
from .schemas import attribute_defs

SOON = timedelta(hours=4)
DESK_LIMIT = 50

# --- the clock ------------------------------------------------------------------------------------


def deadline_expression() -> Case:
    """The deadline that runs now: the response one before the department answers, the
    resolution one after; none at the dispatch desk or once the work is done."""
    return Case(
        When(status__in=AWAITING_RESPONSE, then=F("response_due_at")),
        When(status=Status.RESPONDED, then=F("resolution_due_at")),
        default=Value(None),
        output_field=DateTimeField(),
    )


def overdue_q(now: datetime) -> Q:
    """The database twin of ``Report.overdue``."""
    return Q(status__in=AWAITING_RESPONSE, response_due_at__lt=now) | Q(
        status__in=WITH_DEPARTMENT, resolution_due_at__lt=now
    )


def remaining_text(delta: timedelta) -> str:
    """ "剩余 3小时12分" / "超时 1天2小时" (the countdown's script says the same)."""
    seconds = int(delta.total_seconds())
    overdue, seconds = seconds < 0, abs(seconds)
    days, rest = divmod(seconds, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    if days:
        text = f"{days}天{hours}小时"
    elif hours:
        text = f"{hours}小时{minutes}分"
    else:
        text = f"{minutes}分"
    return ("超时 " if overdue else "剩余 ") + text


@dataclass(frozen=True)
class Clock:
    deadline: datetime
    label: str  # 响应 / 办理
    overdue: bool
    soon: bool
    text: str

    @property
    def css(self) -> str:
        return (
            "text-danger fw-semibold"
            if self.overdue
            else ("text-warning-emphasis" if self.soon else "")
        )

    @property
    def iso(self) -> str:
        return self.deadline.isoformat()


def clock_of(report: Report, now: datetime) -> Clock | None:
    if report.status in AWAITING_RESPONSE and report.response_due_at:
        deadline, label = report.response_due_at, "响应"
    elif report.status == Status.RESPONDED and report.resolution_due_at:
        deadline, label = report.resolution_due_at, "办理"
    else:
        return None
    left = deadline - now
    return Clock(deadline, label, left < timedelta(0), timedelta(0) <= left < SOON,
                 remaining_text(left))  # fmt: skip


# --- who may do what ------------------------------------------------------------------------------


def department_id_of(user: Any) -> int | None:
    membership = user.active_membership
    return membership.department_id if membership is not None else None


def available_verbs(user: Any, report: Report, assignments: list[Assignment]) -> list[str]:
    """The actions that apply for ``user`` on ``report`` now: the transition table plus the
    permission and department checks the actions make (so no form here would be refused)."""
    status, allowed = report.status, ALLOWED[report.status]
    department_id = department_id_of(user)
    dispatch = user.has_perm_in_scope(Perm.REPORTS_DISPATCH)
    verbs: list[str] = []
    if dispatch:
        if Status.ACCEPTED in allowed:
            verbs.append("accept")
        if Status.TRANSFERRED in allowed:
            verbs.append("transfer")
        if Status.REJECTED in allowed:
            verbs.append("reject")
        if status in WITH_DEPARTMENT:
            verbs += ["reassign", "assist"]
        if Status.MERGED in allowed:
            verbs.append("merge")
    lead = (
        department_id is not None
        and department_id == report.lead_department_id
        and user.has_perm_in_scope(Perm.REPORTS_HANDLE)
    )
    if lead:
        verbs += [
            verb
            for verb, target in (
                ("respond", Status.RESPONDED),
                ("resolve", Status.RESOLVED),
                ("return", Status.RETURNED),
            )
            if target in allowed
        ]
    # 核实: the dispatch desk or staff of the area (a grid worker), never the department that
    # did the work.
    if Status.VERIFIED in allowed and department_id is None:
        if dispatch or user.has_perm_in_scope(Perm.REPORTS_VIEW):
            verbs.append("verify")
    if dispatch and Status.REOPENED in allowed and report.lead_department_id:
        verbs.append("reopen")
    if department_id is not None:
        working = any(a.active and a.department_id == department_id for a in assignments)
        if working and user.has_perm_in_scope(Perm.REPORTS_HANDLE):
            verbs.append("note")
    elif dispatch:
        verbs.append("note")
    if user.has_perm_in_scope(Perm.REPORTS_MODERATE):
        verbs.append("show" if report.hidden else "hide")
        if any(not p.get("redacted") for p in report.photos or []):
            verbs.append("redact")
    return verbs


def reporter_shown(user: Any, report: Report) -> str:
    """Masked reporter for staff; "匿名" to a department when the reporter asked for it."""
    if report.anonymous and department_id_of(user) is not None:
        return "匿名"
    return report.reporter_label


def may_see_reporter(user: Any, report: Report) -> bool:
    return not (report.anonymous and department_id_of(user) is not None)


# --- the queue's filters --------------------------------------------------------------------------


def filter_queue(qs: QuerySet, criteria: dict[str, Any], now: datetime) -> QuerySet:
    """Every filter but the status one (the tabs count per status over the rest)."""
    text = criteria.get("q", "").strip()
    if text:
        match = Q(description__icontains=text) | Q(address__icontains=text)
        if text.isdigit():
            match |= Q(pk=int(text))
        qs = qs.filter(match)
    if criteria.get("category"):
        qs = qs.filter(category_id=int(criteria["category"]))
    department = criteria.get("department")
    if department == "none":
        qs = qs.filter(lead_department__isnull=True)
    elif department:
        qs = qs.filter(lead_department_id=int(department))
    if criteria.get("region"):
        region = Region.objects.only("code", "level").get(code=criteria["region"])
        qs = in_subtree(qs, region.prefix)
    tz = timezone.get_current_timezone()
    if criteria.get("date_from"):
        qs = qs.filter(submitted_at__gte=datetime.combine(criteria["date_from"], time.min, tz))
    if criteria.get("date_to"):
        end = datetime.combine(criteria["date_to"] + timedelta(days=1), time.min, tz)
        qs = qs.filter(submitted_at__lt=end)
    if criteria.get("overdue"):
        qs = qs.filter(overdue_q(now))
    if criteria.get("escalated"):
        qs = qs.filter(escalation_level__gt=0)
    return qs


# --- the desk's duplicates ------------------------------------------------------------------------


def duplicate_pairs(visible: QuerySet, now: datetime) -> list[dict[str, Any]]:
    """Open cases of one category within the duplicate radius and window of each other (the
    rule of ``queries.possible_duplicates``), as (duplicate, original) pairs: a newer case is
    merged into the oldest case near it where the transition table allows it, else the other
    way; each case is offered as a duplicate once.

    Unlike ``possible_duplicates`` (what a reporter is shown: public cases only) the desk also
    pairs two fresh submissions, the commonest duplicates it sees. One query, then distances in
    Python over a bounded window of recent cases."""
    radius = queries.duplicate_radius_m()
    recent = list(
        visible.open()
        .filter(submitted_at__gte=now - queries.duplicate_window(), lat__isnull=False)
        .select_related("category", "region")
        .order_by("-submitted_at", "-pk")[:500]
    )
    by_category: dict[int, list[Report]] = {}
    for report in sorted(recent, key=lambda r: (r.submitted_at, r.pk)):
        by_category.setdefault(report.category_id, []).append(report)
    pairs: list[dict[str, Any]] = []
    offered: set[int] = set()
    for cases in by_category.values():
        for i, older in enumerate(cases):
            for newer in cases[i + 1 :]:
                distance = geo.haversine_m(older.lat, older.lon, newer.lat, newer.lon)
                if distance > radius:
                    continue
                if Status.MERGED in ALLOWED[newer.status]:
                    duplicate, original = newer, older
                elif Status.MERGED in ALLOWED[older.status]:
                    duplicate, original = older, newer
                else:
                    continue
                if duplicate.pk in offered:
                    continue
                offered.add(duplicate.pk)
                pairs.append({"duplicate": duplicate, "original": original,
                              "distance": round(distance)})  # fmt: skip
    pairs.sort(key=lambda p: p["duplicate"].submitted_at, reverse=True)
    return pairs[:DESK_LIMIT]


# --- the case -------------------------------------------------------------------------------------


def answers_of(report: Report) -> list[tuple[str, str]]:
    """The extra answers, labelled with the category's questions (in the questions' order)."""
    try:
        defs = attribute_defs(report.category.attributes)
    except InvalidInput:
        defs = []
    known = {d.code: (i, d) for i, d in enumerate(defs)}
    rows: list[tuple[int, str, str]] = []
    for code, value in (report.attributes or {}).items():
        order, definition = known.get(code, (len(known), None))
        names = {v.key: v.name for v in definition.values} if definition else {}
        if isinstance(value, list):
            shown = "、".join(names.get(str(v), str(v)) for v in value)
        elif isinstance(value, bool):
            shown = "是" if value else "否"
        else:
            shown = names.get(str(value), str(value))
        rows.append((order, definition.description if definition else code, shown))
    return [(label, shown) for _, label, shown in sorted(rows, key=lambda r: r[0])]
