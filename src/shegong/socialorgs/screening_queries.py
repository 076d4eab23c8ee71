"""Reads of §7, always scoped to the reader: the screening leads and their lists, the year's
figures (rounds, visits, interviews, losses recovered), and party building of social
organizations (党建入章 from the charter versions; instructors, their visits and 应建未建 from
the ledger, read through its own queries, never copied)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.ledger.choices import OrgKind
from shegong.ledger.models import GuidanceVisit, InstructorAssignment
from shegong.ledger.queries.coverage import WorklistFilter, should_establish_worklist
from shegong.ledger.rules import Establishment

from .choices import CLOSED_STATUSES, SocialOrgStatus
from .models import (
    Interview,
    InterviewAttachment,
    Lead,
    LeadState,
    ScreeningRound,
    ScreeningVisit,
    SocialOrg,
)

LEAD_NOT_FOUND = "未找到该线索，或您无权查看"
ATTACHMENT_NOT_FOUND = "未找到该附件，或您无权查看"
OLDEST = "oldest"


# --- screening --------------------------------------------------------------------------------


def rounds(user: Any) -> QuerySet[ScreeningRound]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return (
        ScreeningRound.objects.visible_to(user)
        .select_related("region")
        .annotate(n_visits=Count("visits"))
    )


def leads(user: Any) -> QuerySet[Lead]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return Lead.objects.visible_to(user).select_related("region", "report")


def _visited() -> Exists:
    return Exists(ScreeningVisit.objects.filter(lead=OuterRef("pk")))


@dataclass(frozen=True)
class LeadFilter:
    round: str = ""  # a round's pk: leads visited in that round
    source: str = ""
    outcome: str = ""
    state: str = ""  # LeadState
    year: str = ""  # received (or closed, with ``recovered``) in that year
    recovered: str = ""  # "1": closed with losses recovered (the money figure's list)
    q: str = ""
    sort: str = ""  # OLDEST: received first


def filtered_leads(user: Any, f: LeadFilter | None = None) -> QuerySet[Lead]:
    """The screening cases list with its filters; each lead carries ``n_visits`` and
    ``n_interviews``."""
    f = f or LeadFilter()
    qs = leads(user)
    if f.round.isdigit():
        qs = qs.filter(Exists(ScreeningVisit.objects.filter(lead=OuterRef("pk"), round=f.round)))
    if f.source:
        qs = qs.filter(source=f.source)
    if f.outcome:
        qs = qs.filter(outcome=f.outcome)
    if f.state == LeadState.UNVISITED:
        qs = qs.filter(outcome="").exclude(_visited())
    elif f.state == LeadState.PENDING:
        qs = qs.filter(_visited(), outcome="")
    elif f.state == LeadState.CLOSED:
        qs = qs.exclude(outcome="")
    if f.recovered == "1":
        qs = qs.exclude(outcome="").filter(losses_recovered__gt=0)
        if f.year.isdigit():
            qs = qs.filter(outcome_on__year=int(f.year))
    elif f.year.isdigit():
        qs = qs.filter(received_on__year=int(f.year))
    if f.q:
        text = f.q.strip()
        qs = qs.filter(Q(org_name__icontains=text) | Q(place__icontains=text))
    qs = qs.annotate(
        n_visits=Count("visits", distinct=True), n_interviews=Count("interviews", distinct=True)
    )
    if f.sort == OLDEST:
        return qs.order_by("received_on", "pk")
    return qs.order_by("-received_on", "-pk")


def recovered_total(qs: QuerySet[Lead]) -> Decimal:
    """The sum of losses recovered over a list of leads."""
    return qs.order_by().aggregate(total=Sum("losses_recovered"))["total"] or Decimal(0)


def state_of(lead: Lead) -> LeadState:
    if lead.outcome:
        return LeadState.CLOSED
    visited = getattr(lead, "n_visits", None)
    if visited is None:
        visited = lead.visits.exists()
    return LeadState.PENDING if visited else LeadState.UNVISITED


def access_lead(user: Any, pk: Any) -> Lead:
    found = leads(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(LEAD_NOT_FOUND)
    return found


def access_attachment(user: Any, pk: Any) -> InterviewAttachment:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    found = InterviewAttachment.objects.visible_to(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(ATTACHMENT_NOT_FOUND)
    return found


def visits(user: Any, *, year: str = "", round: str = "") -> QuerySet[ScreeningVisit]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = ScreeningVisit.objects.visible_to(user).select_related("round", "lead", "region")
    if year.isdigit():
        qs = qs.filter(visited_on__year=int(year))
    if round.isdigit():
        qs = qs.filter(round_id=int(round))
    return qs.order_by("-visited_on", "-pk")


def interviews(user: Any, *, year: str = "") -> QuerySet[Interview]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = Interview.objects.visible_to(user).select_related("lead", "region")
    if year.isdigit():
        qs = qs.filter(interviewed_on__year=int(year))
    return qs.order_by("-interviewed_on", "-pk")


def rounds_in(user: Any, year: int) -> QuerySet[ScreeningRound]:
    return rounds(user).filter(starts_on__year=year)


def year_figures(user: Any, year: int) -> dict[str, Any]:
    """ "3 rounds, 34 visited, 5 interviews, ¥100k recovered": each the total of its list."""
    recovered = filtered_leads(user, LeadFilter(year=str(year), recovered="1"))
    return {
        "rounds": rounds_in(user, year).count(),
        "visits": visits(user, year=str(year)).count(),
        "interviews": interviews(user, year=str(year)).count(),
        "recovered": recovered_total(recovered),
        "recovered_cases": recovered.count(),
    }


# --- party building ---------------------------------------------------------------------------

PARTY_WITH, PARTY_WITHOUT = "with", "without"
GUIDED, INSTRUCTORS, SHOULD_ESTABLISH = "guided", "instructors", "should_establish"


def live_orgs(user: Any) -> QuerySet[SocialOrg]:
    """Organizations in scope that are not closed (撤销, 吊销, 注销); each row's
    ``charter_party_building`` says whether its latest charter writes in party building."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return (
        SocialOrg.objects.visible_to(user)
        .exclude(status__in=CLOSED_STATUSES)
        .select_related("organization", "organization__region")
    )


def party_charter_list(
    user: Any, which: str, *, status: str = "", sort: str = ""
) -> QuerySet[SocialOrg]:
    """党建入章 (``which`` = "with") or not ("without": the latest charter lacks it, or none)."""
    qs = live_orgs(user)
    if which == PARTY_WITH:
        qs = qs.filter(charter_party_building=True)
    else:  # the latest charter lacks it, or there is no charter on file
        qs = qs.filter(charter_party_building=False)
    if status:
        qs = qs.filter(status=status)
    if sort == OLDEST:
        return qs.order_by("registered_on", "pk")
    return qs.order_by("organization__name", "pk")


def charter_figures(user: Any, status: str = "") -> dict[str, int]:
    """The totals of ``party_charter_list`` in one pass over the live organizations: "with" and
    "without" (any status) and, for ``status``, "with_status" and "without_status"."""
    party = Q(charter_party_building=True)
    in_status = Q(status=status) if status else Q()
    found = live_orgs(user).aggregate(
        with_party=Count("pk", filter=party),
        total=Count("pk"),
        with_status=Count("pk", filter=party & in_status),
        total_status=Count("pk", filter=in_status),
    )
    return {
        PARTY_WITH: found["with_party"],
        PARTY_WITHOUT: found["total"] - found["with_party"],
        f"{PARTY_WITH}_status": found["with_status"],
        f"{PARTY_WITHOUT}_status": found["total_status"] - found["with_status"],
    }


def current_assignments(user: Any) -> QuerySet[InstructorAssignment]:
    """The ledger's current instructor assignments to registered social organizations, in the
    reader's scope."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    return InstructorAssignment.objects.visible_to(user).filter(
        ended_on=None, organization__social_org__isnull=False
    )


def guided_orgs(user: Any) -> QuerySet[SocialOrg]:
    """Social organizations with a current instructor; each with ``n_guidance_visits`` (the
    ledger's guidance visits to it)."""
    orgs = current_assignments(user).values("organization_id")
    n_visits = (
        GuidanceVisit.objects.filter(organization=OuterRef("organization_id"))
        .order_by()
        .values("organization")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return (
        SocialOrg.objects.visible_to(user)
        .filter(organization_id__in=orgs)
        .select_related("organization", "organization__region")
        .annotate(n_guidance_visits=Subquery(n_visits))
        .order_by("organization__name", "pk")
    )


def instructors(user: Any) -> list[dict[str, Any]]:
    """Each instructor with a current assignment to a social organization, and how many."""
    rows = (
        current_assignments(user)
        .values("instructor_id", "instructor__name")
        .annotate(n_orgs=Count("organization", distinct=True))
        .order_by("instructor__name", "instructor_id")
    )
    from shegong.core.pii import mask_name

    return [
        {"pk": r["instructor_id"], "name": mask_name(r["instructor__name"]), "orgs": r["n_orgs"]}
        for r in rows
    ]


def instructor_figures(user: Any) -> tuple[int, int]:
    """ "8 instructors guiding 16 organizations": (distinct instructors, distinct organizations)
    over the current assignments."""
    found = current_assignments(user).aggregate(
        instructors=Count("instructor", distinct=True),
        orgs=Count("organization", distinct=True),
    )
    return found["instructors"], found["orgs"]


def should_establish(user: Any, *, sort: str = "") -> QuerySet[SocialOrg]:
    """Live social organizations the ledger's 应建未建 rule flags (≥3 正式党员, no party
    organization of their own), read from the ledger's own worklist query."""
    require_perm(user, Perm.SOCIALORGS_VIEW)
    flagged = should_establish_worklist(
        user, WorklistFilter(kind=OrgKind.SOCIAL_ORG, status=Establishment.SHOULD_ESTABLISH)
    ).values("pk")
    qs = live_orgs(user).filter(organization_id__in=flagged)
    if sort == OLDEST:
        return qs.order_by("registered_on", "pk")
    return qs.order_by("organization__name", "pk")


def guidance_of(so: SocialOrg) -> dict[str, Any]:
    """An organization's instructors (current) and the ledger's visits, counted by round."""
    org = so.organization
    current = InstructorAssignment.objects.filter(organization=org, ended_on=None).select_related(
        "instructor"
    )
    by_round = (
        GuidanceVisit.objects.filter(organization=org)
        .order_by()
        .values("round")
        .annotate(n=Count("pk"))
        .order_by("round")
    )
    latest = so.charters.order_by("-version_date", "-pk").first()
    return {
        "instructors": [a.instructor.name_masked for a in current],
        "visits": sum(r["n"] for r in by_round),
        "by_round": [(r["round"], r["n"]) for r in by_round],
        "party_building": bool(latest and latest.party_building),
        "party_building_on": latest.party_building_on if latest else None,
        "has_charter": latest is not None,
        "normal": so.status == SocialOrgStatus.NORMAL,
    }
