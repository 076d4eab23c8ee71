"""Read side of the ledger's party-building rules: coverage summary and worklists.

Every function starts from ``visible_to(user)``, so a street's staff only ever count and list
their own street. Each runs a constant number of queries whatever the number of organizations:
the per-organization counts are one aggregate query (``rules.party_count_annotations``), and
the rules are applied to those values in Python or as SQL expressions (``rules.py``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.db.models import BooleanField, Case, Count, Q, QuerySet, Value, When
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.scope import in_subtree, scope_prefix
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region

from .. import rules
from ..choices import (
    CONTAINER_KINDS,
    CoverageGroup,
    OrgKind,
    OrgStatus,
    PartyOrgType,
    PoliticalStatus,
)
from ..models import Employment, Organization, PartyOrganization, Person
from ..rules import ContainerCounts, CoverageCounts, Establishment, GroupCounts
from .records import carrier_covered

REGION_NOT_FOUND = "未找到该区划，或不在您的工作范围内"
UNIT_KINDS = [k for k in OrgKind if k not in CONTAINER_KINDS]


# --- scope ------------------------------------------------------------------------------------


def summary_region(user: Any, region_code: str | None = None) -> Region | None:
    """The region whose children are the rows of a summary.

    ``region_code`` (optional) must be inside the caller's scope (else NotFound, as for a
    missing region). Without it: the caller's own region; for a superuser, the top of the tree,
    descending while there is only one child (province → city → district), so the rows are
    streets in a one-district deployment. None means "the roots" (several top-level regions).
    """
    prefix = scope_prefix(user)
    if prefix is None:
        raise NotFound(REGION_NOT_FOUND)
    if region_code:
        region = Region.objects.visible_to(user).filter(code=region_code).first()
        if region is None:
            raise NotFound(REGION_NOT_FOUND)
        return region
    if prefix:
        return user.active_membership.region
    region = None
    for _ in range(3):  # at most province → city → district
        children = list(Region.objects.filter(parent=region).order_by("code")[:2])
        if len(children) != 1 or children[0].level in {Level.STREET, Level.COMMUNITY}:
            break
        region = children[0]
        if region.level == Level.DISTRICT:
            break
    return region


def scoped_organizations(user: Any, region: Region | None = None) -> QuerySet:
    orgs = Organization.objects.visible_to(user)
    return orgs.in_region(region.prefix) if region is not None else orgs


def region_choices(user: Any) -> list[tuple[str, str]]:
    """Streets and communities in the caller's scope, for filter dropdowns (one query)."""
    regions = (
        Region.objects.visible_to(user)
        .filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
        .order_by("code")
        .values_list("code", "name", "level")
    )
    indent = {Level.DISTRICT: "", Level.STREET: "", Level.COMMUNITY: "　"}
    return [(code, f"{indent[level]}{name}") for code, name, level in regions]


# --- coverage summary -------------------------------------------------------------------------


@dataclass
class SummaryRow:
    """One child region of the summary (a street of a district, a community of a street…)."""

    code: str
    name: str
    level: str
    counts: CoverageCounts = field(default_factory=CoverageCounts)  # all units: counts only
    by_kind: dict[str, CoverageCounts] = field(default_factory=dict)
    groups: dict[str, GroupCounts] = field(default_factory=dict)  # the rates, per group
    containers: ContainerCounts = field(default_factory=ContainerCounts)
    is_self: bool = False  # organizations filed directly at the scope region, not below it

    @property
    def level_label(self) -> str:
        return Level(self.level).label


@dataclass
class CoverageSummary:
    region: Region | None
    kind: str
    rows: list[SummaryRow]
    total: CoverageCounts  # counts only: a rate over every kind would mix denominators
    by_kind: dict[str, CoverageCounts]
    groups: dict[str, GroupCounts]  # 非公企业, 社会组织, 个体工商户: each its own rates
    containers: ContainerCounts
    containers_by_kind: dict[str, ContainerCounts]

    def as_dict(self) -> dict[str, Any]:
        return {
            "region": (
                {"code": self.region.code, "name": self.region.name, "level": self.region.level}
                if self.region
                else None
            ),
            "kind": self.kind,
            "rows": [
                {
                    "code": row.code,
                    "name": row.name,
                    "level": row.level,
                    **row.counts.as_dict(),
                    "by_kind": {k: c.as_dict() for k, c in row.by_kind.items()},
                    "groups": {g: c.as_dict() for g, c in row.groups.items()},
                    "containers": row.containers.containers,
                    "containers_covered": row.containers.covered,
                }
                for row in self.rows
            ],
            "total": self.total.as_dict(),
            "by_kind": {k: c.as_dict() for k, c in self.by_kind.items()},
            "groups": {g: c.as_dict() for g, c in self.groups.items()},
            "containers": {
                "containers": self.containers.containers,
                "covered": self.containers.covered,
                "rate": self.containers.rate,
                "by_kind": {
                    k: {"containers": c.containers, "covered": c.covered, "rate": c.rate}
                    for k, c in self.containers_by_kind.items()
                },
            },
        }


def coverage_summary(
    user: Any, region_prefix: str | None = None, *, kind: str = ""
) -> CoverageSummary:
    """应建尽建 and coverage counts per child region of the scope and per kind, and the coverage
    rates per group of kinds (``summary_groups``), per row and in total.

    ``region_prefix``: a region code inside the caller's scope to drill into (default: their
    own region). ``kind``: only this kind of organization (containers are counted apart).
    Three queries: the scope region's children, the organizations, and one aggregate over the
    current jobs of party members.
    """
    region = summary_region(user, region_prefix)
    children = list(
        Region.objects.filter(parent=region).only("code", "name", "level").order_by("code")
    )
    rows = [SummaryRow(c.code, c.name, c.level) for c in children]
    by_prefix = {c.prefix: row for c, row in zip(children, rows, strict=True)}
    lengths = sorted({PREFIX_LENGTH[Level(c.level)] for c in children})
    own_row = (
        SummaryRow(region.code, f"{region.name}（本级）", region.level, is_self=True)
        if region is not None
        else None
    )

    orgs = scoped_organizations(user, region).filter(status=OrgStatus.ACTIVE).order_by()
    # A carrier's coverage is the list's definition (``carrier_covered``), evaluated by the
    # database for carriers only, in the same query.
    values = orgs.annotate(
        carrier_ok=Case(
            When(Q(kind__in=CONTAINER_KINDS) & carrier_covered(), then=Value(True)),
            default=Value(False),
            output_field=BooleanField(),
        )
    ).values_list("id", "region_id", "kind", "coverage__mode", "carrier_ok")
    counts = party_counts(region)
    containers: dict[int, tuple[SummaryRow, str, bool]] = {}
    for pk, region_id, org_kind, mode, carrier_ok in values:
        row = _row_for(region_id, by_prefix, lengths) or own_row
        if row is None:  # a root-level scope: an organization filed outside every root
            continue
        if org_kind in CONTAINER_KINDS:
            containers[pk] = (row, org_kind, bool(carrier_ok))
            continue
        if kind and org_kind != kind:
            continue
        c = rules.classify(*counts.get(pk, (0, 0)), mode)
        cell = row.by_kind.get(org_kind)
        if cell is None:
            cell = row.by_kind[org_kind] = CoverageCounts()
        cell.add(c)
    # Each organization was added once, to its (region, kind) cell; the totals are merged.
    by_kind: dict[str, CoverageCounts] = {}
    for row in [*rows, *([own_row] if own_row else [])]:
        for org_kind, cell in row.by_kind.items():
            row.counts.merge(cell)
            by_kind.setdefault(org_kind, CoverageCounts()).merge(cell)

    containers_by_kind: dict[str, ContainerCounts] = {}
    for row, container_kind, covered in containers.values():
        if kind and kind in CONTAINER_KINDS and container_kind != kind:
            continue
        for bucket in (
            row.containers,
            containers_by_kind.setdefault(container_kind, ContainerCounts()),
        ):
            bucket.containers += 1
            bucket.covered += covered

    if own_row is not None and (own_row.counts.units or own_row.containers.containers):
        rows.append(own_row)
    total, container_total = CoverageCounts(), ContainerCounts()
    for row in rows:
        total.merge(row.counts)
        container_total.merge(row.containers)
    groups = summary_groups(kind)
    for row in rows:
        row.groups = rules.group_counts(row.by_kind, groups)
    ordered_kinds = {k.value: by_kind[k.value] for k in OrgKind if k.value in by_kind}
    ordered_containers = {
        k.value: containers_by_kind[k.value] for k in OrgKind if k.value in containers_by_kind
    }
    return CoverageSummary(
        region,
        kind,
        rows,
        total,
        ordered_kinds,
        rules.group_counts(by_kind, groups),
        container_total,
        ordered_containers,
    )


def summary_groups(kind: str = "") -> list[str]:
    """The groups whose rates a summary shows: all three, or the one holding ``kind`` (none for
    其他 or a container)."""
    if not kind:
        return list(CoverageGroup.values)
    group = rules.coverage_group(kind)
    return [group] if group else []


def party_counts(region: Region | None) -> dict[int, tuple[int, int]]:
    """Organization id → (current full members, current members) for the organizations filed
    in ``region`` (all when None); organizations without a member are absent.

    Driven from the few party members (the ``political_status`` index) rather than from every
    employee: a district's ~2,000 members instead of its ~30,000 jobs, which keeps the
    summary of a 2,000-organization district at a few tens of milliseconds.
    """
    members = Person.objects.filter(political_status__in=rules.PARTY_MEMBER_STATUSES)
    jobs = Employment.objects.filter(
        ended_on__isnull=True,
        person__in=members.values("id"),
        organization__status=OrgStatus.ACTIVE,
    )
    if region is not None:
        jobs = in_subtree(jobs, region.prefix, "organization__region")
    rows = (
        jobs.order_by()
        .values("organization_id")
        .annotate(
            n_full=Count("id", filter=Q(person__political_status=PoliticalStatus.PARTY_FULL)),
            n_members=Count("id"),
        )
        .values_list("organization_id", "n_full", "n_members")
    )
    return {pk: (full, members) for pk, full, members in rows}


def _row_for(code: str, by_prefix: dict[str, SummaryRow], lengths: list[int]) -> SummaryRow | None:
    for length in lengths:
        row = by_prefix.get(code[:length])
        if row is not None:
            return row
    return None


# --- 应建未建 worklist -------------------------------------------------------------------------


OLDEST = "oldest"  # a worklist's sort: the longest on the ledger first


@dataclass(frozen=True)
class WorklistFilter:
    region: str = ""  # a region code inside the scope
    kind: str = ""
    status: str = ""  # Establishment.SHOULD_ESTABLISH or MEMBERS_UNCOVERED; "" for both
    sort: str = ""  # OLDEST: the longest on the ledger (建档时间) first; "" most members first


def _filtered(user: Any, region_code: str, kind: str) -> QuerySet:
    region = summary_region(user, region_code) if region_code else None
    orgs = scoped_organizations(user, region).filter(status=OrgStatus.ACTIVE)
    return orgs.filter(kind=kind) if kind else orgs


def should_establish_worklist(user: Any, filters: WorklistFilter | None = None) -> QuerySet:
    """Active units where 应建尽建 is not met: 应建未建 (≥3 full members, no organization of
    their own) and units with members but no coverage at all. Most members first.

    Each organization carries ``n_full``, ``n_members`` and ``coverage_mode``; pass it to
    ``classification(org)`` for the label and suggestion.
    """
    filters = filters or WorklistFilter()
    threshold = rules.RULES.establish_min_full_members
    orgs = gaps_among(_filtered(user, filters.region, filters.kind))
    if filters.status == Establishment.SHOULD_ESTABLISH:
        orgs = orgs.filter(n_full__gte=threshold)
    elif filters.status == Establishment.MEMBERS_UNCOVERED:
        orgs = orgs.filter(n_full__lt=threshold)
    orgs = orgs.select_related("region")
    if filters.sort == OLDEST:
        return orgs.order_by("created_at", "pk")
    return orgs.order_by("-n_full", "-n_members", "name", "pk")


def gaps_among(orgs: QuerySet, *, should_establish: bool = False) -> QuerySet:
    """The units among ``orgs`` (already scoped by the caller, or all of them for a system scan)
    where 应建尽建 is not met, annotated as ``should_establish_worklist``'s rows;
    ``should_establish`` keeps the 应建未建 ones (≥3 full members, no organization of their
    own)."""
    # Every unit on the list employs a party member now (n_members ≥ 1 either way): counting
    # members only among those keeps the grouping off the many units without any.
    with_members = Employment.objects.filter(
        ended_on__isnull=True, person__political_status__in=rules.PARTY_MEMBER_STATUSES
    ).values("organization_id")
    found = (
        orgs.exclude(kind__in=CONTAINER_KINDS)
        .filter(pk__in=with_members)
        .annotate(**rules.party_count_annotations())
        .filter(rules.worklist_condition())
    )
    if should_establish:
        return found.filter(n_full__gte=rules.RULES.establish_min_full_members)
    return found


def classification(org: Organization) -> rules.Classification:
    """The 应建尽建 classification of an organization annotated by a worklist query."""
    return rules.classify(org.n_full, org.n_members, org.coverage_mode)


def street_names(user: Any) -> dict[str, str]:
    """Street prefix → street name in the caller's scope (one query), to label rows."""
    streets = Region.objects.visible_to(user).filter(level=Level.STREET).only("code", "name")
    return {s.prefix: s.name for s in streets}


def street_of(code: str, streets: dict[str, str]) -> str:
    return streets.get(code[: PREFIX_LENGTH[Level.STREET]], "")


# --- 六清楚 worklist ---------------------------------------------------------------------------

ORG_COMPLETENESS_FIELDS = (
    "name", "kind", "address", "industry", "credit_code", "employee_count", "legal_rep",
    "legal_rep_phone", "investors", "party_member_count",
)  # fmt: skip


def completeness_worklist(
    user: Any, *, region: str = "", kind: str = "", score: str = ""
) -> QuerySet:
    """Active organizations, least complete (六清楚) first; ``score``: "0"–"6" for that score,
    "incomplete" for below 6. Each carries ``score`` and ``c_<section>`` flags; pass it to
    ``completeness_of(org)`` for the missing items."""
    orgs = (
        _filtered(user, region, kind)
        .annotate(**rules.completeness_annotations())
        .annotate(score=rules.score_expression())
    )
    if score == "incomplete":
        orgs = orgs.filter(score__lt=len(rules.SECTIONS))
    elif score.isdigit():
        orgs = orgs.filter(score=int(score))
    return orgs.select_related("region").order_by("score", "name", "pk")


def completeness_of(org: Organization) -> rules.Completeness:
    row = {name: getattr(org, name) for name in ORG_COMPLETENESS_FIELDS}
    for name in ("n_employees", "n_managers", "n_members", "coverage_mode", "coverage_note"):
        row[name] = getattr(org, name)
    return rules.completeness(row)


def organization_completeness(org: Organization) -> rules.Completeness:
    """六清楚 of one organization (for its detail page): one aggregate query."""
    annotated = (
        Organization.objects.filter(pk=org.pk)
        .annotate(**rules.completeness_annotations())
        .annotate(score=rules.score_expression())
        .get()
    )
    return completeness_of(annotated)


# --- 换届 and 临时党支部 ----------------------------------------------------------------------


@dataclass
class ReelectionReport:
    due: list[tuple[PartyOrganization, str]]  # (party org, rules.Reelection status)
    # (active temporary branch, rules.TemporaryBranch status or None); each carries the counts
    # ``n_untransferred`` and ``n_transferred_full`` of its current members
    temporary: list[tuple[PartyOrganization, str | None]]
    converted: list[PartyOrganization]  # converted or dissolved temporary branches
    today: date


def temporary_branch_annotations() -> dict[str, Any]:
    """The counts ``rules.temporary_branch_status`` reads, for a queryset of PartyOrganization."""
    current = Q(memberships__left_on__isnull=True)
    return {
        "n_untransferred": Count(
            "memberships",
            filter=current
            & Q(memberships__transferred=False)
            & Q(memberships__person__political_status__in=rules.PARTY_MEMBER_STATUSES),
        ),
        "n_transferred_full": Count(
            "memberships",
            filter=current
            & Q(memberships__transferred=True)
            & Q(memberships__person__political_status=PoliticalStatus.PARTY_FULL),
        ),
    }


def temporary_branches(user: Any) -> Any:
    """The active 临时党支部 ``user`` sees, with the member counts the rules read, oldest first."""
    return (
        PartyOrganization.objects.visible_to(user)
        .filter(type=PartyOrgType.TEMPORARY_BRANCH, is_active=True)
        .annotate(**temporary_branch_annotations())
        .select_related("region")
        .order_by("founded_on", "created_at", "pk")
    )


def formal_branch_due(user: Any) -> Any:
    """Active temporary branches where a formal branch is due (``TemporaryBranch.FORMAL_DUE``:
    at least ``establish_min_full_members`` 正式党员 transferred in) — the to-do's list."""
    return temporary_branches(user).filter(
        n_transferred_full__gte=rules.RULES.establish_min_full_members
    )


def reelection_due(
    user: Any, today: date | None = None, *, converted_limit: int = 50,
    formal_due_only: bool = False,
) -> Any:  # fmt: skip
    """Party organizations past or near their term end (or in an approved extension), the
    active temporary branches with what their members call for (only those where a formal
    branch is due with ``formal_due_only``), and recently converted or dissolved temporary
    branches (three queries). A 临时党支部 has no 换届 and is never due."""
    today = today or timezone.localdate()
    horizon = rules.add_months(today, rules.RULES.reelection_notice_months)
    visible = PartyOrganization.objects.visible_to(user).filter(is_active=True)
    due = []
    for party_org in (
        visible.filter(term_end__isnull=False, term_end__lte=horizon)
        .exclude(type=PartyOrgType.TEMPORARY_BRANCH)
        .select_related("region", "parent")
        .order_by("term_end", "name")
    ):
        if not rules.has_reelection(party_org.type):
            continue
        status = rules.reelection_status(party_org.term_end, today, party_org.extended_to)
        if status:
            due.append((party_org, status))
    branches = formal_branch_due(user) if formal_due_only else temporary_branches(user)
    temporary = [
        (branch, rules.temporary_branch_status(branch.n_untransferred, branch.n_transferred_full))
        for branch in branches
    ]
    converted = list(
        PartyOrganization.objects.visible_to(user)
        .filter(type=PartyOrgType.TEMPORARY_BRANCH, is_active=False)
        .select_related("converted_to", "region")
        .order_by("-converted_on", "-dissolved_on", "-pk")[:converted_limit]
    )
    return ReelectionReport(due, temporary, converted, today)
