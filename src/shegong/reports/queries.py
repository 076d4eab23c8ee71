"""Read side of the closed loop: access helpers, duplicate suggestions, routing (which department
gets a case), who hears of a case, what the staff pages show (the running clock, who may do what
on a case, the queue's filters, the desk's duplicate pairs, a case's extra answers), the queues."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Case, DateTimeField, F, Q, QuerySet, Value, When
from django.utils import timezone

from shegong.accounts.models import Department, Membership, User
from shegong.core import geo
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import Perm, Role
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from . import intake_cache
from .choices import ALLOWED, AWAITING_RESPONSE, FINISHED, WITH_DEPARTMENT, Status
from .models import Appointment, Assignment, Category, Report, RoutingRule
from .schemas import FIELD, attribute_defs, viewer_kind

REPORT_NOT_FOUND = "未找到该工单，或您无权查看"
CATEGORY_NOT_FOUND = "未找到该问题类别"
NOT_PUBLIC = "未找到该工单，或该工单不公开"
SOON = timedelta(hours=4)
# The queue's status filter: "" = every open case (the working queue), "all" = every case,
# "awaiting" = waiting for a department's answer (transferred or reopened); ``sort=oldest``.
OPEN_FILTER, ALL_FILTER, AWAITING_FILTER = "", "all", "awaiting"
OLDEST = "oldest"
# The queue's 差评 filter (``rehandle``): not yet re-handled / past the re-handling limit.
REHANDLE_DUE, REHANDLE_OVERDUE = "due", "overdue"
DESK_LIMIT = 50


def access_report(user: Any, pk: Any, *, for_write: bool = False) -> Report:
    """A case visible to ``user`` (see ``ReportQuerySet.visible_to``); missing, out of scope
    and another department's case are the same NotFound (404)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(REPORT_NOT_FOUND) from None
    qs = Report.objects.visible_to(user).select_related(
        "category", "region", "lead_department", "reporter"
    )
    report = qs.filter(pk=pk).first()
    if report is None:
        raise NotFound(REPORT_NOT_FOUND)
    return report


def access_category(code: str, *, include_staff_only: bool = True) -> Category:
    """An active category by service code (from the per-process cache: ``intake_cache``)."""
    category = intake_cache.active_category(code)
    if category is None or (category.staff_only and not include_staff_only):
        raise NotFound("未找到该问题类别")
    return category


def access_category_by_pk(pk: int) -> Category:
    """Any category, active or not, by primary key (the configuration pages)."""
    category = Category.objects.filter(pk=pk).first()
    if category is None:
        raise NotFound(CATEGORY_NOT_FOUND)
    return category


def access_public_report(pk: int) -> Report:
    """A case shown on the public pages (no login)."""
    report = Report.objects.public().select_related("category", "lead_department", "merged_into")
    found = report.filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_PUBLIC)
    return found


def access_followable_report(user: Any, report_id: int) -> Report:
    """A case the caller sees, or — for a rider or resident who was shown it as a possible
    duplicate — any public case (the public pages show it anyway). Staff follow nothing outside
    their scope: for them it stays 404."""
    try:
        return access_report(user, report_id)
    except NotFound:
        if viewer_kind(user) != FIELD:
            raise
        report = Report.objects.public().filter(pk=report_id).first()
        if report is None:
            raise
        return report


def access_appointment(user: Any, pk: int) -> Appointment:
    appointment = Appointment.objects.visible_to(user).select_related("user").filter(pk=pk).first()
    if appointment is None:
        raise NotFound("未找到该聘任记录，或您无权查看")
    return appointment


def duplicate_radius_m() -> float:
    return float(getattr(settings, "SHEGONG_REPORTS_DUPLICATE_METRES", 50))


def duplicate_window() -> timedelta:
    return timedelta(hours=float(getattr(settings, "SHEGONG_REPORTS_DUPLICATE_HOURS", 72)))


def possible_duplicates(
    category: Category, lat: float, lon: float, *, crs: str = "wgs84", now: Any = None,
    exclude: int | None = None,
) -> list[tuple[Report, float]]:  # fmt: skip
    """Open, public cases of the same category within 50 m and 72 h (configurable), nearest
    first, with their distance in metres: "someone reported this; follow it instead?"."""
    lat, lon = geo.to_wgs84(lat, lon, crs)
    now = now or timezone.now()
    radius = duplicate_radius_m()
    candidates = (
        Report.objects.public()
        .open()
        .near(lat, lon, radius)
        .filter(category=category, submitted_at__gte=now - duplicate_window())
        .select_related("category")
    )
    if exclude:
        candidates = candidates.exclude(pk=exclude)
    found = []
    for report in candidates[:200]:
        distance = report.distance_to(lat, lon)
        if distance is not None and distance <= radius:
            found.append((report, distance))
    return sorted(found, key=lambda pair: pair[1])[:10]


# --- routing and who hears of a case --------------------------------------------------------------


def route(category: Category, region_code: str) -> Department | None:
    """The department of the most specific routing rule whose region contains the case's
    region; None → the district dispatch desk (兜底)."""
    best: RoutingRule | None = None
    for rule in intake_cache.routing_rules(category):
        if region_code.startswith(rule.region.prefix) and rule.department.is_active:
            if best is None or len(rule.region.prefix) > len(best.region.prefix):
                best = rule
    return best.department if best else None


def department_members(department: Department, roles: Iterable[str]) -> list[User]:
    users = User.objects.filter(
        is_active=True, memberships__department=department, memberships__role__in=list(roles)
    ).distinct()
    return list(users)


def dispatchers_for(region_code: str) -> list[User]:
    """Dispatch-desk users whose region contains the case's region."""
    members = Membership.objects.filter(role=Role.DISPATCHER, user__is_active=True).select_related(
        "region", "user"
    )
    seen: dict[int, User] = {}
    for m in members:
        if region_code.startswith(m.region.prefix):
            seen.setdefault(m.user_id, m.user)
    return list(seen.values())


def district_desk() -> list[User]:
    """The district dispatch desk (区指挥中心): dispatchers held at district level or above."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.DISPATCHER,
            memberships__region__level__in=["province", "city", "district"],
        ).distinct()
    )


# --- the staff pages: the clock -------------------------------------------------------------------


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
    if dispatch and status == Status.CLOSED and report.followup_at is None:
        verbs.append("followup")
    if lead and report.awaiting_rehandle:
        verbs.append("rehandle")
    if user.has_perm_in_scope(Perm.REPORTS_MODERATE):
        verbs.append("show" if report.hidden else "hide")
        if any(not p.get("redacted") for p in report.photos or []):
            verbs.append("redact")
        verbs.append("public_text")
    return verbs


def reporter_shown(user: Any, report: Report) -> str:
    """Masked reporter for staff; "匿名" to a department when the reporter asked for it."""
    if report.anonymous and department_id_of(user) is not None:
        return "匿名"
    return report.reporter_label


def may_see_reporter(user: Any, report: Report) -> bool:
    return not (report.anonymous and department_id_of(user) is not None)


# --- the queue's filters --------------------------------------------------------------------------


def filter_queue(
    qs: QuerySet, criteria: dict[str, Any], now: datetime, user: Any = None
) -> QuerySet:
    """Every filter but the status one (the tabs count per status over the rest).

    ``rehandle`` lists the 差评 waiting for their re-handling (``due``) or past its limit
    (``overdue``); for a department member only those their department leads (whose clock it
    is), as on the supervisor board."""
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
    rehandle = criteria.get("rehandle")
    if rehandle:
        from .metrics import rehandle_overdue_q, rehandle_pending_q

        qs = qs.filter(
            rehandle_overdue_q(now) if rehandle == REHANDLE_OVERDUE else rehandle_pending_q()
        )
        department_id = department_id_of(user) if user is not None else None
        if department_id is not None:
            qs = qs.filter(lead_department_id=department_id)
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
    radius = duplicate_radius_m()
    recent = list(
        visible.open()
        .filter(submitted_at__gte=now - duplicate_window(), lat__isnull=False)
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


# --- the queues -----------------------------------------------------------------------------------


def queue_for(user: Any) -> QuerySet:
    """A department's queue (or the dispatch desk's view): open cases, soonest deadline first."""
    from django.db.models import F

    cases = Report.objects.visible_to(user)
    membership = getattr(user, "active_membership", None)
    if membership is not None and membership.department_id:
        # A department's queue is what it holds now, not what it returned or lost to 改派
        # (those stay readable on their own pages, through visible_to).
        cases = cases.filter(
            assignments__department_id=membership.department_id, assignments__active=True
        )
    return (
        cases.open()
        .select_related("category", "region", "lead_department")
        .order_by(F("response_due_at").asc(nulls_last=True), "submitted_at")
    )


def queue_cases(user: Any, status: str) -> QuerySet:
    """The cases of one tab of the queue (``OPEN_FILTER`` = 在办, ``AWAITING_FILTER`` = 待响应,
    ``ALL_FILTER`` = 全部, or a status): the list of the tab and its count in the tab bar are
    both this query, so they cannot disagree.

    在办 is ``queue_for``: for a department, what it holds now (an active assignment), not the
    cases it returned or lost to 改派 that ``visible_to`` still shows on the other tabs."""
    if status == OPEN_FILTER:
        return queue_for(user)
    if status == AWAITING_FILTER:  # in the working queue: not a case lost to 改派
        return queue_for(user).filter(status__in=AWAITING_RESPONSE)
    qs = Report.objects.visible_to(user).select_related("category", "region", "lead_department")
    return qs if status == ALL_FILTER else qs.filter(status=status)


def queue_rows(user: Any, criteria: dict[str, Any], now: datetime) -> QuerySet:
    """The queue page's rows (工单): the cases of the status tab (``queue_cases``), every other
    filter of ``filter_queue``, then soonest deadline first, or — ``sort=oldest`` — earliest
    submitted first. The workbench's to-dos count this very query, so a to-do and the list it
    opens agree."""
    qs = queue_cases(user, criteria.get("status", OPEN_FILTER))
    qs = filter_queue(qs, criteria, now, user).annotate(deadline=deadline_expression())
    if criteria.get("sort") == OLDEST:
        return qs.order_by("submitted_at", "pk")
    return qs.order_by(F("deadline").asc(nulls_last=True), "submitted_at", "pk")


def queue_tab_counts(user: Any, criteria: dict[str, Any], now: datetime) -> dict[str, int]:
    """Tab → number of cases under the other filters ``criteria`` (two queries): the count of
    each tab's list (``queue_cases`` filtered by ``filter_queue``)."""
    from django.db.models import Count

    base = filter_queue(Report.objects.visible_to(user), criteria, now, user)
    counts: dict[str, int] = {
        row["status"]: row["n"]
        for row in base.order_by().values("status").annotate(n=Count("id", distinct=True))
    }
    counts[ALL_FILTER] = sum(counts.values())
    counts[OPEN_FILTER] = (
        filter_queue(queue_cases(user, OPEN_FILTER), criteria, now, user).order_by().count()
    )
    return counts


# --- read by stations: the new-employment workers' demands (新就业群体诉求) ------------------


def worker_demands_of(user: Any, *, limit: int) -> list[Report]:
    """The caller's last ``limit`` demands (新就业群体诉求), newest first."""
    from .catalogue import WORKER_GROUP

    return list(
        Report.objects.filter(reporter=user, category__group=WORKER_GROUP)
        .select_related("category")
        .order_by("-submitted_at", "-id")[:limit]
    )


def worker_demands_visible_to(user: Any, year: int) -> list[dict[str, Any]]:
    """The workers' demands (新就业群体诉求, handled by the closed loop) of the year that ``user``
    may see, by category and state: rows of {category, total, open, done, statuses: {label: n}}
    (one query)."""
    from django.db.models import Count

    from .catalogue import WORKER_GROUP
    from .choices import FINISHED, Status

    counts = (
        Report.objects.visible_to(user)
        .filter(category__group=WORKER_GROUP, submitted_at__year=year)
        .values("category__name", "status")
        .annotate(n=Count("id"))
        .order_by("category__name")
    )
    rows: dict[str, dict[str, Any]] = {}
    for item in counts:
        row = rows.setdefault(
            item["category__name"],
            {"category": item["category__name"], "total": 0, "open": 0, "done": 0, "statuses": {}},
        )
        row["total"] += item["n"]
        row["done" if item["status"] in FINISHED else "open"] += item["n"]
        label = Status(item["status"]).label
        row["statuses"][label] = row["statuses"].get(label, 0) + item["n"]
    return list(rows.values())


# --- 下派 (assigning a case down: street → community → grid worker) ----------------------------


def community_of(report: Report) -> Region | None:
    """The community the case lies in (its own region, or its grid's community); None when
    the case was only placed in a street or above."""
    code = report.region_id or ""
    if len(code) < 12:
        return None
    community = Region.objects.filter(code=code[:12], level="community").first()
    return community


def grid_workers_of(community: Region) -> list[User]:
    """Who may hold a case in ``community`` as its grid worker (网格员): the community's own
    workers and the 红骑网格员 appointed in the community or one of its grids."""
    workers = Membership.objects.filter(
        role=Role.COMMUNITY_WORKER, region=community, department__isnull=True
    ).values("user_id")
    riders = in_subtree(
        Appointment.objects.filter(kind="grid_rider", active=True), community.prefix
    ).values("user_id")
    return list(
        User.objects.filter(is_active=True)
        .filter(Q(pk__in=workers) | Q(pk__in=riders))
        .order_by("name", "pk")
    )


def community_workers_of(community: Region) -> list[User]:
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.COMMUNITY_WORKER,
            memberships__region=community,
            memberships__department__isnull=True,
        ).distinct()
    )


def held_q(user: Any) -> Q:
    """Cases assigned down to ``user``: to them as grid worker, or — for a community worker —
    to their community."""
    q = Q(holder=user)
    membership = getattr(user, "active_membership", None)
    if (
        membership is not None
        and membership.role == Role.COMMUNITY_WORKER
        and not membership.department_id
    ):
        q |= Q(holder_region_id=membership.region_id)
    return q


def held_by(user: Any) -> QuerySet:
    """派给我的工单: the cases assigned down to ``user`` that they may see, open first, the
    oldest assignment first."""
    return (
        Report.objects.visible_to(user)
        .filter(held_q(user))
        .select_related("category", "region", "holder_region", "holder")
        .order_by(F("held_answered_at").asc(nulls_first=True), "held_since", "pk")
    )


def access_held_report(user: Any, pk: Any) -> Report:
    """A case assigned down to ``user`` (404 like any other case otherwise)."""
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(REPORT_NOT_FOUND) from None
    report = held_by(user).filter(pk=pk).first()
    if report is None:
        raise NotFound(REPORT_NOT_FOUND)
    return report


def may_answer_down(user: Any, report: Report) -> bool:
    """The holder answers: the grid worker it was given to, or a worker of its community."""
    if report.holder_region_id is None or user is None:
        return False
    if report.holder_id is not None and report.holder_id == user.pk:
        return True
    membership = getattr(user, "active_membership", None)
    return bool(
        membership is not None
        and membership.role == Role.COMMUNITY_WORKER
        and not membership.department_id
        and membership.region_id == report.holder_region_id
    )


def down_targets(user: Any, report: Report) -> tuple[list[Region], list[User]]:
    """Where ``user`` may assign the case down: its community (if the user sits above
    communities) and the community's grid workers (if the user sits above grids). Empty when
    the user may not assign it down at all."""
    if report.status in FINISHED or user is None:
        return [], []
    if not user.is_superuser:
        membership = getattr(user, "active_membership", None)
        if membership is None or membership.department_id or membership.role not in DOWN_ROLES:
            return [], []
    community = community_of(report)
    if community is None:
        return [], []
    level = actor_level(user)
    communities = [community] if level in ABOVE_COMMUNITY else []
    workers = (
        [w for w in grid_workers_of(community) if w.pk != user.pk]
        if level in ABOVE_COMMUNITY | {"community"}
        else []
    )
    return communities, workers


# Who assigns down: the street's and the district's own staff, a community's workers. Not a
# department (国办函〔2025〕66号: department tasks must not be pushed down to the grass roots).
DOWN_ROLES = {Role.DISTRICT_ADMIN, Role.STREET_STAFF, Role.COMMUNITY_WORKER}
ABOVE_COMMUNITY = {"", "province", "city", "district", "street"}


def actor_level(user: Any) -> str:
    """The level of the region the user acts in ("" for a superuser: above everything)."""
    if user.is_superuser:
        return ""
    membership = user.active_membership
    return membership.region.level if membership is not None else "grid"


# --- the reporter's own cases (H5) ----------------------------------------------------------


def my_cases(user: Any) -> QuerySet[Report]:
    """Cases the user reported or follows (inside what they may see at all): 我的上报."""
    return (
        Report.objects.visible_to(user)
        .filter(Q(reporter=user) | Q(followers__user=user))
        .distinct()
    )


def my_todo(user: Any) -> QuerySet[Report]:
    """The reporter's own to-dos in 我的上报 (the 待办 tab): confirm a handled case, rate a
    closed one. The H5 home's badge counts exactly this list."""
    to_rate = Q(status=Status.CLOSED, rating__isnull=True)
    return my_cases(user).filter(Q(reporter=user) & (Q(status=Status.RESOLVED) | to_rate))
