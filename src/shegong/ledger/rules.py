"""The party-building rules of the ledger (DOMAIN.md §6), as pure functions.

Everything here decides from values already loaded (counts, a coverage mode, a date), so each
rule is unit-tested with plain numbers and the same rule serves a single organization page and a
whole district. ``queries/coverage.py`` loads those values in bulk (one aggregate query) and
calls these functions; where a list must be sorted or filtered by a rule inside the database,
the rule's SQL form lives beside its Python form here and a test proves the two agree.

The thresholds are in ``RULES`` (one place); docs/rules.md explains each rule and its source.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.functions import Coalesce

from .choices import (
    CONTAINER_KINDS,
    COVERAGE_GROUP_KINDS,
    CREDIT_CODE_OPTIONAL,
    KIND_COVERAGE_GROUP,
    ORGANIZATION_COVERAGE,
    WORK_COVERAGE,
    CoverageGroup,
    CoverageMode,
    OrgKind,
    PartyOrgType,
    PoliticalStatus,
)


@dataclass(frozen=True)
class Thresholds:
    """Every number the rules use (DOMAIN.md §6; see docs/rules.md for the sources)."""

    # 党章 Art 30: ≥3 正式党员 → a basic-level organization of its own.
    establish_min_full_members: int = 3
    # 支部工作条例: ≥7 正式党员 → a 支部委员会 instead of a lone secretary.
    committee_min_full_members: int = 7
    # By size (all members, 正式 + 预备): ≥50 → 党总支, ≥100 → 党委.
    general_branch_min_members: int = 50
    party_committee_min_members: int = 100
    # 临时党支部: set up where at least this many party members whose relation is not
    # transferred (组织关系不转接) work together; ``settings.SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS``
    # overrides it (``temporary_branch_min_members()``).
    temporary_branch_min_members: int = 3
    # 延期换届: an approved extension reaches at most this far beyond the term end.
    reelection_max_extension_months: int = 12
    # Re-election warnings: "soon" within 6 months of term end, "urgent" within 3.
    reelection_notice_months: int = 6
    reelection_urgent_months: int = 3


RULES = Thresholds()

# Kinds that must state who invested (出资人) besides the legal representative.
INVESTOR_KINDS = {OrgKind.ENTERPRISE, OrgKind.PLATFORM}
PARTY_MEMBER_STATUSES = (PoliticalStatus.PARTY_FULL, PoliticalStatus.PARTY_PROBATIONARY)
MODE_KEYS = tuple(m.value for m in CoverageMode)


# --- 应建尽建 ---------------------------------------------------------------------------------


class Establishment:
    """What the 应建尽建 rule expects of one organization, and whether it is met."""

    SHOULD_ESTABLISH = "should_establish"  # ≥3 full members, no organization of its own
    ESTABLISHED = "established"  # ≥3 full members, 单独组建
    MEMBERS_UNCOVERED = "members_uncovered"  # 1–2 full members (or only probationary), 未覆盖
    MEMBERS_COVERED = "members_covered"  # … reached by a joint branch, affiliation or instructor
    NO_MEMBERS_UNCOVERED = "no_members_uncovered"  # no party member, 未覆盖
    NO_MEMBERS_COVERED = "no_members_covered"  # no party member, reached anyway

    LABELS = {
        SHOULD_ESTABLISH: "应建未建",
        ESTABLISHED: "已单独组建",
        MEMBERS_UNCOVERED: "有党员未覆盖",
        MEMBERS_COVERED: "有党员已覆盖",
        NO_MEMBERS_UNCOVERED: "无党员未覆盖",
        NO_MEMBERS_COVERED: "无党员已覆盖",
    }
    EXPECTED = {
        SHOULD_ESTABLISH: "应单独组建党组织",
        ESTABLISHED: "已单独组建党组织",
        MEMBERS_UNCOVERED: "应联合组建党支部或派驻党建指导员",
        MEMBERS_COVERED: "已通过联合组建、挂靠或党建指导员覆盖",
        NO_MEMBERS_UNCOVERED: "应派驻党建指导员实现工作覆盖",
        NO_MEMBERS_COVERED: "已实现工作覆盖",
    }
    # The two outcomes that go on the 应建未建 worklist.
    WORKLIST = (SHOULD_ESTABLISH, MEMBERS_UNCOVERED)


@dataclass(frozen=True)
class Classification:
    status: str
    full_members: int
    members: int
    mode: str
    suggested_type: str | None  # a PartyOrgType value, or None when no organization is due
    needs_committee: bool  # ≥7 full members → 支部委员会

    @property
    def label(self) -> str:
        return Establishment.LABELS[self.status]

    @property
    def mode_label(self) -> str:
        return CoverageMode(self.mode).label

    @property
    def expected(self) -> str:
        return Establishment.EXPECTED[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status in Establishment.WORKLIST

    @property
    def suggestion(self) -> str:
        """建议: the type to form, in Chinese ("党支部（设支部委员会）")."""
        if self.suggested_type is None:
            return "派驻党建指导员" if self.members == 0 else ""
        text = PartyOrgType(self.suggested_type).label
        if self.suggested_type == PartyOrgType.BRANCH and self.needs_committee:
            text += "（设支部委员会）"
        return text


def suggest_party_org_type(full_members: int, members: int) -> str | None:
    """The type of organization a unit of this size forms (DOMAIN.md §6 "By size").

    ``members`` counts full and probationary members; a unit below the establishment threshold
    is pointed at a joint branch (联合党支部) if it has any member at all.
    """
    if full_members < RULES.establish_min_full_members:
        return PartyOrgType.JOINT_BRANCH.value if members > 0 else None
    if members >= RULES.party_committee_min_members:
        return PartyOrgType.COMMITTEE.value
    if members >= RULES.general_branch_min_members:
        return PartyOrgType.GENERAL_BRANCH.value
    return PartyOrgType.BRANCH.value


def classify(full_members: int, members: int, mode: str | None) -> Classification:
    """应建尽建 for one organization from its current employees' party membership.

    ``full_members``: current employees who are 正式党员; ``members``: 正式 + 预备.
    ``mode``: its coverage mode (a missing coverage row counts as 未覆盖).
    """
    mode = mode or CoverageMode.NONE
    members = max(members, full_members)
    if full_members >= RULES.establish_min_full_members:
        status = (
            Establishment.ESTABLISHED
            if mode == CoverageMode.STANDALONE
            else Establishment.SHOULD_ESTABLISH
        )
    elif members > 0:
        status = (
            Establishment.MEMBERS_UNCOVERED
            if mode == CoverageMode.NONE
            else Establishment.MEMBERS_COVERED
        )
    else:
        status = (
            Establishment.NO_MEMBERS_UNCOVERED
            if mode == CoverageMode.NONE
            else Establishment.NO_MEMBERS_COVERED
        )
    return Classification(
        status=status,
        full_members=full_members,
        members=members,
        mode=mode,
        suggested_type=suggest_party_org_type(full_members, members),
        needs_committee=full_members >= RULES.committee_min_full_members,
    )


def is_organization_covered(mode: str | None) -> bool:
    """组织覆盖: a party organization is formed in the unit (单独组建, 联合组建); 挂靠 is not."""
    return mode in ORGANIZATION_COVERAGE


def is_work_covered(mode: str | None) -> bool:
    """工作覆盖: party work reaches the unit (组织覆盖, 挂靠, or a 党建指导员)."""
    return mode in WORK_COVERAGE


def rate(numerator: int, denominator: int) -> float | None:
    """A percentage with one decimal, or None when there is nothing to divide by."""
    if denominator <= 0:
        return None
    return round(100.0 * numerator / denominator, 1)


# Annotations that load the counts ``classify`` needs, for a queryset of Organization.
# One join (employments → person), counted twice with different filters.
def party_count_annotations() -> dict[str, Any]:
    current = Q(employments__ended_on__isnull=True)
    return {
        "n_full": Count(
            "employments",
            filter=current & Q(employments__person__political_status=PoliticalStatus.PARTY_FULL),
        ),
        "n_members": Count(
            "employments",
            filter=current & Q(employments__person__political_status__in=PARTY_MEMBER_STATUSES),
        ),
        "coverage_mode": Coalesce(F("coverage__mode"), Value(CoverageMode.NONE.value)),
    }


def worklist_condition() -> Q:
    """SQL form of ``classify(...).is_gap`` over ``party_count_annotations()``."""
    threshold = RULES.establish_min_full_members
    should_establish = Q(n_full__gte=threshold) & ~Q(coverage_mode=CoverageMode.STANDALONE)
    members_uncovered = (
        Q(n_full__lt=threshold) & Q(n_members__gt=0) & Q(coverage_mode=CoverageMode.NONE)
    )
    return should_establish | members_uncovered


# --- coverage rates ---------------------------------------------------------------------------


@dataclass
class CoverageCounts:
    """The counts behind the coverage figures, for one region × kind cell or a sum of cells.

    Units are active organizations that are not containers (商圈/楼宇/园区/市场). Counts add up
    over any kinds; rates do not: a rate is only ever computed over one group of kinds
    (``GroupCounts``), never over a mixed total (个体工商户 beside 法人单位).
    """

    units: int = 0
    with_members: int = 0  # ≥1 current employee who is a party member (正式 or 预备)
    with_three_full: int = 0  # ≥3 正式党员: a party organization of its own is due
    by_mode: dict[str, int] = field(default_factory=lambda: dict.fromkeys(MODE_KEYS, 0))
    should_establish: int = 0  # 应建未建
    members_uncovered: int = 0  # 1–2 members, no joint branch or instructor
    organization_covered: int = 0  # 组织覆盖: 单独组建 + 联合组建
    work_covered: int = 0  # 工作覆盖: 组织覆盖, 挂靠 or 党建指导员

    def add(self, c: Classification) -> None:
        self.units += 1
        self.with_members += c.members > 0
        self.with_three_full += c.full_members >= RULES.establish_min_full_members
        self.by_mode[c.mode] = self.by_mode.get(c.mode, 0) + 1
        self.should_establish += c.status == Establishment.SHOULD_ESTABLISH
        self.members_uncovered += c.status == Establishment.MEMBERS_UNCOVERED
        self.organization_covered += is_organization_covered(c.mode)
        self.work_covered += is_work_covered(c.mode)

    def merge(self, other: CoverageCounts) -> None:
        for name in (
            "units", "with_members", "with_three_full", "should_establish",
            "members_uncovered", "organization_covered", "work_covered",
        ):  # fmt: skip
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for mode, count in other.by_mode.items():
            self.by_mode[mode] = self.by_mode.get(mode, 0) + count

    @property
    def standalone(self) -> int:
        """单独组建 units."""
        return self.by_mode.get(CoverageMode.STANDALONE.value, 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "units": self.units,
            "with_members": self.with_members,
            "with_three_full": self.with_three_full,
            "by_mode": dict(self.by_mode),
            "should_establish": self.should_establish,
            "members_uncovered": self.members_uncovered,
            "organization_covered": self.organization_covered,
            "standalone": self.standalone,
            "work_covered": self.work_covered,
        }


@dataclass
class GroupCounts(CoverageCounts):
    """The counts and rates of one group of kinds (``choices.CoverageGroup``): 非公企业
    (企业 + 平台企业), 社会组织, or 个体工商户 apart. Each rate's denominator is every active
    unit of the group, with or without party members.
    """

    group: str = ""

    @property
    def label(self) -> str:
        return CoverageGroup(self.group).label

    @property
    def organization_rate(self) -> float | None:
        """组织覆盖率 = (单独组建 + 联合组建) ÷ 在营单位 of the group."""
        return rate(self.organization_covered, self.units)

    @property
    def standalone_rate(self) -> float | None:
        """单独组建率 = 单独组建 ÷ 在营单位 of the group."""
        return rate(self.standalone, self.units)

    @property
    def work_rate(self) -> float | None:
        """工作覆盖率 = (组织覆盖 + 挂靠 + 党建指导员) ÷ 在营单位 of the group."""
        return rate(self.work_covered, self.units)

    def as_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "label": self.label,
            **super().as_dict(),
            "organization_rate": self.organization_rate,
            "standalone_rate": self.standalone_rate,
            "work_rate": self.work_rate,
        }


def coverage_group(kind: str) -> str | None:
    """The group whose rates count this kind of unit; None for 其他 and containers."""
    return KIND_COVERAGE_GROUP.get(kind)


def group_counts(by_kind: Mapping[str, CoverageCounts], groups: Any) -> dict[str, GroupCounts]:
    """Per group (in the order of ``groups``), the sum of its kinds' cells of ``by_kind``."""
    out: dict[str, GroupCounts] = {}
    for group in groups:
        counts = out[group] = GroupCounts(group=group)
        for kind in COVERAGE_GROUP_KINDS[group]:
            if kind in by_kind:
                counts.merge(by_kind[kind])
    return out


@dataclass
class ContainerCounts:
    """商圈/楼宇/园区/市场: how many have a party organization in them."""

    containers: int = 0
    covered: int = 0  # its own coverage is 组织覆盖, or at least one active tenant's is

    def merge(self, other: ContainerCounts) -> None:
        self.containers += other.containers
        self.covered += other.covered

    @property
    def rate(self) -> float | None:
        return rate(self.covered, self.containers)


def is_container(kind: str) -> bool:
    return kind in CONTAINER_KINDS


# --- 临时党支部 and 换届 ----------------------------------------------------------------------


def add_months(day: date, months: int) -> date:
    """``day`` moved by ``months`` calendar months (the 31st becomes the month's last day)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    for candidate in (day.day, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=candidate)
        except ValueError:
            continue
    raise AssertionError("unreachable")


class Reelection:
    OVERDUE = "overdue"
    URGENT = "urgent"
    SOON = "soon"
    EXTENDED = "extended"  # an approved 延期换届, its approved date not yet past
    LABELS = {
        OVERDUE: "已超期未换届",
        URGENT: "3个月内届满",
        SOON: "6个月内届满",
        EXTENDED: "已批准延期换届",
    }


def has_reelection(type_: str) -> bool:
    """A 临时党支部 has no 换届 (it lasts as long as its body); every other type has."""
    return type_ != PartyOrgType.TEMPORARY_BRANCH


def reelection_status(
    term_end: date | None, today: date, extended_to: date | None = None
) -> str | None:
    """换届: "overdue" past the term end, "urgent" within 3 months, "soon" within 6, else None.

    With an approved extension (``extended_to``, after ``term_end``) the organization is
    "extended" until the approved date and "overdue" only once that date is past.
    """
    if term_end is None:
        return None
    if extended_to is not None and extended_to > term_end and term_end < today:
        return Reelection.EXTENDED if extended_to >= today else Reelection.OVERDUE
    if term_end < today:
        return Reelection.OVERDUE
    if term_end <= add_months(today, RULES.reelection_urgent_months):
        return Reelection.URGENT
    if term_end <= add_months(today, RULES.reelection_notice_months):
        return Reelection.SOON
    return None


def reelection_effective_due(term_end: date | None, extended_to: date | None) -> date | None:
    """The date past which the organization is overdue: the approved extension, if any."""
    if term_end is not None and extended_to is not None and extended_to > term_end:
        return extended_to
    return term_end


def extension_error(term_end: date | None, extended_to: date) -> str | None:
    """Why a 延期换届 to ``extended_to`` cannot be recorded (Chinese), or None."""
    if term_end is None:
        return "该党组织未填届满日期，无法延期换届"
    if extended_to <= term_end:
        return "延期后的换届日期应晚于届满日期"
    limit = add_months(term_end, RULES.reelection_max_extension_months)
    if extended_to > limit:
        return (
            f"延期换届最长不超过{RULES.reelection_max_extension_months}个月"
            f"（届满日期 {term_end.isoformat()}，最迟延至 {limit.isoformat()}）"
        )
    return None


def temporary_branch_min_members() -> int:
    """How many members with relations not transferred warrant a 临时党支部 (default 3)."""
    value = getattr(settings, "SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS", None)
    return int(value) if value else RULES.temporary_branch_min_members


class TemporaryBranch:
    """What a 临时党支部's members call for."""

    FORMAL_DUE = "formal_due"  # ≥3 正式党员 transferred in: a formal branch is due
    BELOW_THRESHOLD = "below_threshold"  # too few members whose relation stays elsewhere
    LABELS = {
        FORMAL_DUE: "应成立正式党支部",
        BELOW_THRESHOLD: "组织关系未转接的党员不足",
    }


def temporary_branch_status(untransferred: int, transferred_full: int) -> str | None:
    """A 临时党支部 from its current members.

    ``transferred_full``: 正式党员 whose relation is transferred in (组织关系转入) — with 3 of
    them a formal branch is due (党章 Art 30). ``untransferred``: members (正式 or 预备) whose
    relation is not transferred (组织关系不转接) — a temporary branch exists for them, so fewer
    than ``temporary_branch_min_members()`` is flagged.
    """
    if transferred_full >= RULES.establish_min_full_members:
        return TemporaryBranch.FORMAL_DUE
    if untransferred < temporary_branch_min_members():
        return TemporaryBranch.BELOW_THRESHOLD
    return None


# --- 六清楚 -----------------------------------------------------------------------------------

SECTIONS = (
    ("basic", "企业基本情况"),
    ("heads", "出资人/负责人"),
    ("managers", "经营管理人员"),
    ("workforce", "职工队伍"),
    ("party_members", "党员情况"),
    ("party_org", "党组织建设"),
)
SECTION_LABELS = dict(SECTIONS)


@dataclass(frozen=True)
class Completeness:
    missing: dict[str, list[str]]  # section → missing items (Chinese), empty when complete

    @property
    def score(self) -> int:
        return sum(1 for items in self.missing.values() if not items)

    @property
    def percent(self) -> int:
        return round(100 * self.score / len(SECTIONS))

    @property
    def missing_items(self) -> list[str]:
        return [
            f"{SECTION_LABELS[key]}：{'、'.join(items)}"
            for key, items in self.missing.items()
            if items
        ]

    def is_complete(self, section: str) -> bool:
        return not self.missing[section]


def completeness(row: Mapping[str, Any]) -> Completeness:
    """六清楚 of one organization from a row of ``completeness_annotations()`` values.

    ``row`` holds the organization's own fields plus the counts ``n_employees``,
    ``n_managers``, ``n_members`` (current employees) and ``coverage_mode``/``coverage_note``.
    """
    kind = row["kind"]
    container = kind in CONTAINER_KINDS
    basic = [
        label
        for label, ok in (
            ("名称", bool(row.get("name"))),
            ("地址", bool(row.get("address"))),
            ("行业门类", container or bool(row.get("industry"))),
            ("统一社会信用代码", kind in CREDIT_CODE_OPTIONAL or bool(row.get("credit_code"))),
            ("从业人员数", row.get("employee_count") is not None),
        )
        if not ok
    ]
    heads = [
        label
        for label, ok in (
            ("法定代表人/负责人", bool(row.get("legal_rep"))),
            ("负责人电话", bool(row.get("legal_rep_phone"))),
            ("出资人", kind not in INVESTOR_KINDS or bool(row.get("investors"))),
        )
        if not ok
    ]
    managers = [] if row.get("n_managers", 0) > 0 else ["未登记在职经营管理人员"]
    workforce = []
    if row.get("employee_count") is None:
        workforce.append("未申报从业人员数")
    elif row["employee_count"] > 0 and row.get("n_employees", 0) == 0:
        workforce.append("未登记在职职工")
    declared, recorded = row.get("party_member_count"), row.get("n_members", 0)
    if declared is None:
        party_members = ["未申报党员人数"]
    elif declared != recorded:
        party_members = [f"申报党员{declared}人，台账登记在职党员{recorded}人"]
    else:
        party_members = []
    mode = row.get("coverage_mode") or CoverageMode.NONE
    party_org = (
        ["未覆盖且未说明原因"]
        if mode == CoverageMode.NONE and not (row.get("coverage_note") or "").strip()
        else []
    )
    return Completeness(
        {
            "basic": basic,
            "heads": heads,
            "managers": managers,
            "workforce": workforce,
            "party_members": party_members,
            "party_org": party_org,
        }
    )


def completeness_annotations() -> dict[str, Any]:
    """Counts and SQL section flags (``c_<section>`` 0/1 and ``score`` 0–6) for Organization.

    The SQL form of ``completeness()``: the list is sorted and filtered by ``score`` in the
    database; the missing items of the rows shown come from ``completeness()`` on the same row.
    """
    current = Q(employments__ended_on__isnull=True)
    counts = {
        "n_employees": Count("employments", filter=current),
        "n_managers": Count("employments", filter=current & Q(employments__is_manager=True)),
        "n_members": Count(
            "employments",
            filter=current & Q(employments__person__political_status__in=PARTY_MEMBER_STATUSES),
        ),
        "coverage_mode": Coalesce(F("coverage__mode"), Value(CoverageMode.NONE.value)),
        "coverage_note": Coalesce(F("coverage__note"), Value("")),
    }
    nonblank = lambda name: Q(**{f"{name}__gt": ""})  # noqa: E731 - NULL and "" both fail
    basic = (
        Q(name__gt="")
        & Q(address__gt="")
        & (Q(kind__in=CONTAINER_KINDS) | nonblank("industry"))
        & (Q(kind__in=CREDIT_CODE_OPTIONAL) | nonblank("credit_code"))
        & Q(employee_count__isnull=False)
    )
    heads = (
        nonblank("legal_rep")
        & nonblank("legal_rep_phone")
        & (~Q(kind__in=INVESTOR_KINDS) | nonblank("investors"))
    )
    managers = Q(n_managers__gt=0)
    workforce = Q(employee_count=0) | (Q(employee_count__gt=0) & Q(n_employees__gt=0))
    party_members = Q(party_member_count__isnull=False) & Q(party_member_count=F("n_members"))
    party_org = ~Q(coverage_mode=CoverageMode.NONE) | Q(coverage_note__regex=r"\S")
    flags = {
        f"c_{key}": Case(When(cond, then=Value(1)), default=Value(0), output_field=IntegerField())
        for key, cond in (
            ("basic", basic),
            ("heads", heads),
            ("managers", managers),
            ("workforce", workforce),
            ("party_members", party_members),
            ("party_org", party_org),
        )
    }
    return {**counts, **flags}


def score_expression() -> Any:
    return sum((F(f"c_{key}") for key, _ in SECTIONS), Value(0))
