"""The read side of 公益创投: who sees which call, application, review and project; the automatic
eligibility check; the committee ranking; and the numbers (docs/metrics.md "公益创投").

Scope: a call is seen by staff whose scope covers its region, and by staff of the streets and
communities below it (their organizations apply to it). Applications, projects and tranches
carry the applying organization's region. A reviewer (grants.review) sees only the reviews
assigned to them and those reviews' applications.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.db.models import Q, QuerySet, Sum
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.scope import scope_prefix
from shegong.grants.choices import ApplicationStatus, CallStatus, ProjectStatus, TrancheStatus
from shegong.grants.models import Application, Call, Project, Review, Tranche
from shegong.grants.queries import may_manage_grants, may_review, may_view_grants
from shegong.regions.models import ancestor_codes

CALL_NOT_FOUND = "未找到该公益创投申报，或您无权查看"
APPLICATION_NOT_FOUND = "未找到该项目申报，或您无权查看"
REVIEW_NOT_FOUND = "未找到该评审任务，或您无权查看"
PROJECT_NOT_FOUND = "未找到该立项项目，或您无权查看"
TRANCHE_NOT_FOUND = "未找到该拨付期次，或您无权查看"
CENT = Decimal("0.01")

# Applications the committee has found eligible (whatever was decided after).
PASSED = (ApplicationStatus.ELIGIBLE, ApplicationStatus.AWARDED, ApplicationStatus.NOT_AWARDED)
CHECKED = (*PASSED, ApplicationStatus.INELIGIBLE)


def _pk(value: Any) -> int | None:
    pk = getattr(value, "pk", value)
    return int(pk) if str(pk).isdigit() else None


# --- calls ------------------------------------------------------------------------------------


def calls(user: Any) -> QuerySet[Call]:
    """Calls of the user's region, below it, and above it (a street sees the district's call)."""
    if not may_view_grants(user) and not may_review(user):
        return Call.objects.none()
    prefix = scope_prefix(user)
    if prefix is None:
        return Call.objects.none()
    if prefix == "":
        return Call.objects.all()
    return Call.objects.filter(
        Q(pk__in=Call.objects.visible_to(user).values("pk"))
        | Q(region_id__in=ancestor_codes(prefix.ljust(12, "0")))
    )


def access_call(user: Any, pk: Any) -> Call:
    found = calls(user).filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if found is None:
        raise NotFound(CALL_NOT_FOUND)
    return found


def may_manage_call(user: Any, call: Call) -> bool:
    prefix = scope_prefix(user)
    return may_manage_grants(user) and prefix is not None and call.region_id.startswith(prefix)


def open_calls(today: date | None = None) -> QuerySet[Call]:
    """Calls taking applications today (the public page and the portal)."""
    today = today or timezone.localdate()
    return Call.objects.filter(status=CallStatus.OPEN, opens_on__lte=today, closes_on__gte=today)


# --- applications -----------------------------------------------------------------------------


def applications(user: Any) -> QuerySet[Application]:
    if may_view_grants(user):
        return Application.objects.visible_to(user)
    if may_review(user):
        return Application.objects.filter(reviews__reviewer=user).distinct()
    return Application.objects.none()


def access_application(user: Any, pk: Any) -> Application:
    found = (
        applications(user).select_related("call", "social_org__organization").filter(pk=_pk(pk))
        .first()
        if _pk(pk) is not None
        else None
    )  # fmt: skip
    if found is None:
        raise NotFound(APPLICATION_NOT_FOUND)
    return found


def org_applications(org: Any) -> QuerySet[Application]:
    """An organization's own applications (its portal)."""
    return Application.objects.filter(social_org=org).select_related("call")


def access_org_application(org: Any, pk: Any) -> Application:
    found = org_applications(org).filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if found is None:
        raise NotFound(APPLICATION_NOT_FOUND)
    return found


def to_check(user: Any) -> QuerySet[Application]:
    """Submitted applications waiting for the manual eligibility check (a to-do)."""
    if not may_manage_grants(user):
        return Application.objects.none()
    return Application.objects.visible_to(user).filter(status=ApplicationStatus.SUBMITTED)


# --- eligibility ------------------------------------------------------------------------------


@dataclass
class Finding:
    rule: str
    ok: bool
    detail: str

    def as_dict(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "detail": self.detail}


def eligibility(org: Any, call: Call, today: date | None = None) -> list[Finding]:
    """The automatic check against the social-organization records: registered and status
    正常; the latest concluded 年检 合格 (when the call requires it); on no open credit
    listing (named when found)."""
    from shegong.socialorgs.choices import SocialOrgStatus
    from shegong.socialorgs.credit_queries import state_q
    from shegong.socialorgs.models import AnnualReport, CreditListing
    from shegong.socialorgs.models.common import InspectionConclusion, ReportState

    today = today or timezone.localdate()
    found = [
        Finding(
            "registered",
            org.status == SocialOrgStatus.NORMAL,
            f"登记状态：{org.get_status_display()}（{org.registration_number}）",
        )
    ]
    if call.require_inspection:
        report = (
            AnnualReport.objects.filter(social_org=org, state=ReportState.CONCLUDED)
            .order_by("-year")
            .first()
        )
        if report is None:
            found.append(Finding("inspection", False, "无已作结论的年度检查记录"))
        else:
            found.append(
                Finding(
                    "inspection",
                    report.conclusion == InspectionConclusion.PASS,
                    f"{report.year}年度年检结论：{report.get_conclusion_display()}",
                )
            )
    listings = list(
        CreditListing.objects.filter(social_org=org)
        .filter(state_q("open", today))
        .order_by("-listed_on")
    )
    if listings:
        for listing in listings:
            found.append(
                Finding(
                    "credit",
                    False,
                    f"列入{listing.get_kind_display()}（{listing.listed_on:%Y-%m-%d}，"
                    f"事由：{listing.reason[:100]}）",
                )
            )
    else:
        found.append(Finding("credit", True, "未列入活动异常名录或严重违法失信名单"))
    return found


# --- reviews and ranking ----------------------------------------------------------------------


def my_reviews(user: Any) -> QuerySet[Review]:
    """The reviews assigned to ``user`` (the review desk): never anyone else's."""
    if not may_review(user):
        return Review.objects.none()
    return Review.objects.filter(reviewer=user).select_related(
        "application__call", "application__social_org__organization"
    )


def reviews_to_do(user: Any) -> QuerySet[Review]:
    return (
        my_reviews(user)
        .filter(submitted_at__isnull=True, application__call__status=CallStatus.REVIEWING)
        .exclude(conflict=True)
    )


def access_review(user: Any, pk: Any) -> Review:
    found = my_reviews(user).filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if found is None:
        raise NotFound(REVIEW_NOT_FOUND)
    return found


def weighted_total(call: Call, scores: dict[int, Decimal]) -> Decimal:
    """Σ score / max × weight over the call's criteria: 0–100."""
    total = Decimal(0)
    for criterion in call.criteria.all():
        value = scores.get(criterion.pk, Decimal(0))
        if criterion.max_score:
            total += value / Decimal(criterion.max_score) * Decimal(criterion.weight)
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def average(totals: list[Decimal], drop_extremes: bool) -> Decimal | None:
    """The committee's score: the mean of the reviewers' totals, the highest and the lowest
    dropped when the call says so and at least 3 scored."""
    if not totals:
        return None
    ordered = sorted(totals)
    if drop_extremes and len(ordered) >= 3:
        ordered = ordered[1:-1]
    return (sum(ordered, Decimal(0)) / len(ordered)).quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass
class Ranked:
    application: Application
    totals: list[Decimal] = field(default_factory=list)
    pending: int = 0
    conflicts: int = 0
    score: Decimal | None = None
    rank: int | None = None


def ranking(call: Call) -> list[Ranked]:
    """The call's eligible applications ranked by the committee's score (unscored last)."""
    apps = list(
        call.applications.filter(status__in=PASSED)
        .select_related("social_org__organization")
        .prefetch_related("reviews")
    )
    rows = []
    for app in apps:
        row = Ranked(app)
        for review in app.reviews.all():
            if review.conflict:
                row.conflicts += 1
            elif review.submitted_at is not None and review.total is not None:
                row.totals.append(review.total)
            else:
                row.pending += 1
        row.score = average(row.totals, call.drop_extremes)
        rows.append(row)
    rows.sort(key=lambda r: (r.score is None, -(r.score or 0), r.application.pk))
    for i, row in enumerate(rows, start=1):
        row.rank = i if row.score is not None else None
    return rows


# --- projects and tranches --------------------------------------------------------------------


def projects(user: Any) -> QuerySet[Project]:
    if not may_view_grants(user):
        return Project.objects.none()
    return Project.objects.visible_to(user)


def access_project(user: Any, pk: Any) -> Project:
    found = (
        projects(user).select_related("call", "social_org__organization").filter(pk=_pk(pk)).first()
        if _pk(pk) is not None
        else None
    )
    if found is None:
        raise NotFound(PROJECT_NOT_FOUND)
    return found


def org_projects(org: Any) -> QuerySet[Project]:
    return Project.objects.filter(social_org=org).select_related("call")


def access_org_project(org: Any, pk: Any) -> Project:
    found = org_projects(org).filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if found is None:
        raise NotFound(PROJECT_NOT_FOUND)
    return found


def tranches(user: Any) -> QuerySet[Tranche]:
    if not may_view_grants(user):
        return Tranche.objects.none()
    return Tranche.objects.visible_to(user).select_related("project__social_org__organization")


def tranche_queue(user: Any) -> QuerySet[Tranche]:
    """The disbursement queue: tranches requested (to approve) and approved (to pay)."""
    return (
        tranches(user)
        .filter(status__in=(TrancheStatus.REQUESTED, TrancheStatus.APPROVED))
        .order_by("requested_at", "pk")
    )


def tranches_to_approve(user: Any) -> QuerySet[Tranche]:
    if not may_manage_grants(user):
        return Tranche.objects.none()
    return tranches(user).filter(status=TrancheStatus.REQUESTED)


def access_tranche(user: Any, pk: Any) -> Tranche:
    found = tranches(user).filter(pk=_pk(pk)).first() if _pk(pk) is not None else None
    if found is None:
        raise NotFound(TRANCHE_NOT_FOUND)
    return found


def timeline(project: Project) -> list[dict[str, Any]]:
    """The project's events in time order: decision, 公示, signing, tranches, visits, 结项."""
    from shegong.notices.queries import notices_of

    def day(moment: Any) -> Any:  # the local date of a stored (UTC) moment
        return timezone.localtime(moment).date()

    events: list[dict[str, Any]] = [{"at": day(project.decided_at), "text": "评审立项"}]
    for notice in notices_of(project):
        events.append({"at": day(notice.starts_at), "text": f"公示至 {day(notice.ends_at)}"})
    if project.signed_on:
        events.append({"at": project.signed_on, "text": f"签订协议 {project.agreement_no}"})
    for tranche in project.tranches.all():
        if tranche.requested_at:
            events.append({"at": day(tranche.requested_at), "text": f"申请第{tranche.seq}期拨付"})
        if tranche.paid_on:
            events.append(
                {"at": tranche.paid_on, "text": f"第{tranche.seq}期拨付 {tranche.amount} 元"}
            )
    for visit in project.visits.all():
        events.append(
            {"at": visit.visited_on, "text": f"{visit.get_kind_display()}：{visit.visitor}"}
        )
    if project.completed_on:
        events.append({"at": project.completed_on, "text": "结项"})
    return sorted(events, key=lambda e: e["at"])


# --- public -----------------------------------------------------------------------------------


def public_awards() -> QuerySet[Project]:
    """Funded projects shown to the public: every project but those withdrawn before signing."""
    return (
        Project.objects.exclude(status=ProjectStatus.TERMINATED, paid=0)
        .select_related("call", "social_org__organization")
        .order_by("-call__year", "call", "-amount", "pk")
    )


# --- numbers (docs/metrics.md "公益创投") ------------------------------------------------------


@dataclass
class GrantNumbers:
    applications: int
    checked: int
    passed: int
    funded: int
    awarded: Decimal
    paid: Decimal
    ended: int
    completed: int
    beneficiaries: int

    @property
    def pass_rate(self) -> Decimal | None:
        return _rate(self.passed, self.checked)

    @property
    def completion_rate(self) -> Decimal | None:
        return _rate(self.completed, self.ended)


def _rate(num: int, den: int) -> Decimal | None:
    if not den:
        return None
    return (Decimal(num) * 100 / den).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def funded_q() -> Q:
    """A funded project: every Project but one terminated before a yuan was paid."""
    return ~Q(status=ProjectStatus.TERMINATED, paid=0)


def numbers(
    apps: QuerySet[Application], projs: QuerySet[Project], *, year: int | None = None,
    call: Any = None,
) -> GrantNumbers:  # fmt: skip
    """The grant figures over the given (already scoped) rows, by the call's year or one call.

    applications: submitted (submitted_at set); pass rate: passed / checked; funded and
    awarded (资助金额, what "拨付发展经费12万元" counts): funded projects and Σ amount; paid:
    Σ (paid − returned); completion rate: completed / ended (completed + terminated);
    beneficiaries: Σ beneficiaries_reached of completed projects."""
    if year is not None:
        apps, projs = apps.filter(call__year=year), projs.filter(call__year=year)
    if call is not None:
        apps, projs = apps.filter(call=call), projs.filter(call=call)
    funded = projs.filter(funded_q())
    sums = funded.aggregate(awarded=Sum("amount"), paid=Sum("paid"), returned=Sum("returned"))
    completed = projs.filter(status=ProjectStatus.COMPLETED)
    return GrantNumbers(
        applications=apps.filter(submitted_at__isnull=False).count(),
        checked=apps.filter(status__in=CHECKED).count(),
        passed=apps.filter(status__in=PASSED).count(),
        funded=funded.count(),
        awarded=sums["awarded"] or Decimal("0.00"),
        paid=(sums["paid"] or Decimal(0)) - (sums["returned"] or Decimal(0)),
        ended=projs.filter(status__in=(ProjectStatus.COMPLETED, ProjectStatus.TERMINATED)).count(),
        completed=completed.count(),
        beneficiaries=completed.aggregate(n=Sum("beneficiaries_reached"))["n"] or 0,
    )


def org_tranche(org: Any, pk: Any) -> Tranche:
    """A tranche of the organization's own project (its portal)."""
    found = (
        Tranche.objects.filter(project__social_org=org, pk=_pk(pk)).first()
        if _pk(pk) is not None
        else None
    )
    if found is None:
        raise NotFound(TRANCHE_NOT_FOUND)
    return found


# --- files ------------------------------------------------------------------------------------

FILE_NOT_FOUND = "未找到该文件，或您无权查看"
FILE_KINDS = ("application", "agreement", "evidence", "visit")


def _own_org(user: Any) -> Any:
    """The organization a portal account speaks for, or None (anyone else)."""
    from shegong.core.errors import NotPermitted
    from shegong.socialorgs.portal import portal_org

    try:
        return portal_org(user)
    except NotPermitted:
        return None


def files_of(user: Any, kind: str, pk: Any) -> list[Any]:
    """The stored files of one object ``user`` may download: an application's attachments
    (staff in scope, its reviewers, its organization), a project's agreement and a tranche's
    evidence (staff in scope, the organization), a visit's attachments (staff in scope). Anything
    else is a 404."""
    key = _pk(pk)
    org = _own_org(user)
    found: Any = None
    if key is None or kind not in FILE_KINDS:
        raise NotFound(FILE_NOT_FOUND)
    if kind == "application":
        found = applications(user).filter(pk=key).first()
        if found is None and org is not None:
            found = org_applications(org).filter(pk=key).first()
        records = found.attachments if found else None
    elif kind == "agreement":
        found = projects(user).filter(pk=key).first()
        if found is None and org is not None:
            found = org_projects(org).filter(pk=key).first()
        records = found.agreement if found else None
    elif kind == "evidence":
        found = tranches(user).filter(pk=key).first()
        if found is None and org is not None:
            found = Tranche.objects.filter(project__social_org=org, pk=key).first()
        records = found.evidence if found else None
    else:
        from shegong.grants.models import Visit

        visits = Visit.objects.visible_to(user) if may_view_grants(user) else Visit.objects.none()
        found = visits.filter(pk=key).first()
        records = found.attachments if found else None
    if found is None:
        raise NotFound(FILE_NOT_FOUND)
    return list(records) if isinstance(records, list) else []
