"""Term tracking and the dormant detection's rules (issue 14 §5), as scoped queries.

Term states, for an organization in 正常/限期停止活动 status with a recorded term end ``E``
(today ``T``; an approved extension moves the deadline to its ``new_date`` ``X``):

- 正常: ``T < E − 6 months``; 届满前6个月: ``E − 6 months ≤ T < E − 3 months``;
  届满前3个月: ``E − 3 months ≤ T ≤ E``;
- 已批准延期: ``T > E`` and an approved extension with ``X ≥ T``;
- 逾期未换届: ``E < T ≤ E + 1 year`` and no approved extension covering ``T``;
- 严重逾期: ``T > E + 1 year``, or ``T`` past an approved extension's ``X``.

Every worklist count and its list use the same function below (``term_orgs``).
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Callable
from datetime import date

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from .choices import SocialOrgStatus
from .models import (
    AnnualReport,
    CreditListing,
    DormantCase,
    DormantGround,
    Election,
    ElectionStep,
    ExtensionState,
    InspectionConclusion,
    SocialOrg,
    TermExtension,
    add_years,
)
from .models.common import COMPLETED as COMPLETED_CONCLUSIONS

# Organizations whose term is tracked (closed ones are not).
TRACKED = [SocialOrgStatus.NORMAL, SocialOrgStatus.SUSPENDED]
MAX_EXTENSION_YEARS = 1


def add_months(start: date, months: int) -> date:
    """``start`` moved by whole months (the 31st → the month's last day)."""
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    return start.replace(
        year=year, month=month + 1, day=min(start.day, monthrange(year, month + 1)[1])
    )


TERM_STATES = {
    "normal": "正常",
    "due6": "届满前6个月",
    "due3": "届满前3个月",
    "extended": "已批准延期",
    "overdue": "逾期未换届",
    "serious": "严重逾期",
}


def _extension(today: date) -> Exists:
    """An approved extension of the current term covering ``today``."""
    return Exists(
        TermExtension.objects.filter(
            social_org=OuterRef("pk"),
            term_end=OuterRef("term_end"),
            state=ExtensionState.APPROVED,
            new_date__gte=today,
        )
    )


def term_filter(state: str, today: date) -> Q:
    """The condition of one term state (see the module docstring)."""
    covered = Q(extended=True)
    if state == "normal":
        return Q(term_end__gt=add_months(today, 6))
    if state == "due6":
        return Q(term_end__gt=add_months(today, 3), term_end__lte=add_months(today, 6))
    if state == "due3":
        return Q(term_end__gte=today, term_end__lte=add_months(today, 3))
    if state == "extended":
        return Q(term_end__lt=today) & covered
    if state == "overdue":
        return Q(term_end__lt=today, term_end__gte=add_years(today, -1)) & ~covered
    if state == "serious":
        return Q(term_end__lt=add_years(today, -1)) | (
            Q(term_end__lt=today) & ~covered & Q(ever_extended=True)
        )
    if state == "late":  # 逾期未换届 and 严重逾期 together: the worklist
        return Q(term_end__lt=today) & ~covered
    raise ValueError(state)


def tracked(qs: QuerySet[SocialOrg], today: date | None = None) -> QuerySet[SocialOrg]:
    today = today or timezone.localdate()
    return qs.filter(status__in=TRACKED, term_end__isnull=False).annotate(
        extended=_extension(today),
        ever_extended=Exists(
            TermExtension.objects.filter(
                social_org=OuterRef("pk"),
                term_end=OuterRef("term_end"),
                state=ExtensionState.APPROVED,
            )
        ),
    )


def term_orgs(
    qs: QuerySet[SocialOrg], state: str, today: date | None = None
) -> QuerySet[SocialOrg]:
    """The organizations of ``qs`` in term state ``state`` (``late`` = overdue or serious)."""
    today = today or timezone.localdate()
    return tracked(qs, today).filter(term_filter(state, today))


def term_state(so: SocialOrg, today: date | None = None) -> str:
    """The key of ``so``'s term state ("" when its term is not tracked)."""
    today = today or timezone.localdate()
    if so.status not in TRACKED or so.term_end is None:
        return ""
    approved = (
        TermExtension.objects.filter(
            social_org=so, term_end=so.term_end, state=ExtensionState.APPROVED
        )
        .order_by("-new_date")
        .first()
    )
    end = so.term_end
    if today <= end:
        if today >= add_months(end, -3):
            return "due3"
        return "due6" if today >= add_months(end, -6) else "normal"
    if approved is not None and approved.new_date >= today:
        return "extended"
    if approved is not None or today > add_years(end, 1):
        return "serious"
    return "overdue"


# --- dormant detection (民发〔2021〕63号) -------------------------------------------------------


def last_closed_year(today: date) -> int:
    """The last inspection year whose window has closed (the registrar's by 5-31)."""
    return today.year - 1 if today >= date(today.year, 6, 1) else today.year - 2


def not_inspected(qs: QuerySet[SocialOrg], today: date) -> QuerySet[SocialOrg]:
    """未参检 in the last two closed inspection years."""
    last = last_closed_year(today)
    absent = AnnualReport.objects.filter(
        social_org=OuterRef("pk"), conclusion=InspectionConclusion.ABSENT
    )
    return qs.filter(Exists(absent.filter(year=last)), Exists(absent.filter(year=last - 1)))


def no_activity(qs: QuerySet[SocialOrg], today: date) -> QuerySet[SocialOrg]:
    """Registered one to three years ago; the first inspection year it had to file (the year of
    registration when registered by 6-30, else the next) has closed; and there is no record of
    activity: no annual report submitted or concluded 合格/基本合格/不合格 for any year, and no
    换届 step recorded."""
    last = last_closed_year(today)
    registered_by = date(last, 6, 30)  # first required year ≤ last closed year
    reports = AnnualReport.objects.filter(social_org=OuterRef("pk")).filter(
        Q(submitted_at__isnull=False) | Q(conclusion__in=COMPLETED_CONCLUSIONS)
    )
    steps = ElectionStep.objects.filter(election__social_org=OuterRef("pk"))
    return (
        qs.filter(
            registered_on__lte=min(registered_by, add_years(today, -1)),
            registered_on__gt=add_years(today, -3),
        )
        .exclude(Exists(reports))
        .exclude(Exists(steps))
    )


# The detection's rules: (ground, function(queryset, today) → the candidates among it). The
# third ground, unreachable at the registered address, is recorded by the credit part (returned
# registered letters); the lead adds its rule here, e.g. ``(DormantGround.UNREACHABLE,
# lambda qs, today: qs.filter(<two returned letters>))``.
def unreachable(qs: QuerySet[SocialOrg], today: date) -> QuerySet[SocialOrg]:
    """Unreachable at the registered address: on the 活动异常名录 by the credit part's
    "unreachable" rule (two registered letters returned), the listing still open."""
    listed = CreditListing.objects.filter(
        social_org=OuterRef("pk"), rule="unreachable", removed_on__isnull=True
    )
    return qs.filter(Exists(listed))


RULES: list[tuple[str, Callable[[QuerySet[SocialOrg], date], QuerySet[SocialOrg]]]] = [
    (DormantGround.NOT_INSPECTED, not_inspected),
    (DormantGround.NO_ACTIVITY, no_activity),
    (DormantGround.UNREACHABLE, unreachable),
]


def detection_pool(qs: QuerySet[SocialOrg], today: date) -> QuerySet[SocialOrg]:
    """Organizations the detection looks at: tracked, with no open case and none closed as
    rectified (or otherwise) within the last year."""
    recent = DormantCase.objects.filter(social_org=OuterRef("pk")).filter(
        Q(closed_on__isnull=True) | Q(closed_on__gte=add_years(today, -1))
    )
    return qs.filter(status__in=TRACKED).exclude(Exists(recent))


def candidates(qs: QuerySet[SocialOrg], today: date) -> dict[int, list[str]]:
    """{organization id: [grounds]} of the candidates among ``qs``."""
    pool = detection_pool(qs, today)
    found: dict[int, list[str]] = {}
    for ground, rule in RULES:
        for pk in rule(pool, today).values_list("pk", flat=True):
            found.setdefault(pk, []).append(str(ground))
    return found


# --- lists -----------------------------------------------------------------------------------


def open_elections(qs: QuerySet[Election]) -> QuerySet[Election]:
    return qs.filter(completed_on__isnull=True)


def completed_elections(
    qs: QuerySet[Election], year: int, org_type: str = ""
) -> QuerySet[Election]:
    """换届 completed (备案 recorded) in ``year``; ``org_type`` narrows to one type."""
    qs = qs.filter(completed_on__year=year)
    return qs.filter(social_org__org_type=org_type) if org_type else qs


def dormant_filter(state: str, today: date, year: int | None = None) -> Q:
    """``todo``: open cases without a pending notice (待处置, incl. 限期整改中);
    ``notice_due``: the 60-day notice has ended, awaiting the decision; ``cleared``: closed by
    撤销/吊销/注销; ``concluded``: cleared, or closed by 整改完成 after a 限期整改 order (the
    statistics' 清理僵尸型社会组织) — both in ``year`` (the closing date's) when given."""
    if state == "todo":
        return Q(closed_on__isnull=True) & ~Q(state="notice")
    if state == "notice":
        return Q(closed_on__isnull=True, state="notice", notice_ends_on__gt=today)
    if state == "notice_due":
        return Q(closed_on__isnull=True, state="notice", notice_ends_on__lte=today)
    if state in ("cleared", "concluded"):
        q = Q(state="cleared") if state == "cleared" else Q(state__in=["cleared", "rectified"])
        return q & Q(closed_on__year=year) if year else q
    if state == "open":
        return Q(closed_on__isnull=True)
    return Q()
