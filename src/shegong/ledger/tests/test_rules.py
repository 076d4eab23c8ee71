"""The party-building rules (rules.py), each with small explicit data (docs/rules.md)."""

from __future__ import annotations

import itertools
from datetime import date

import pytest

from shegong.ledger import rules
from shegong.ledger.choices import CoverageMode, OrgKind, OrgStatus, PartyOrgType, PoliticalStatus
from shegong.ledger.models import (
    Coverage,
    Employment,
    Organization,
    PartyOrganization,
    Person,
)
from shegong.ledger.rules import Establishment, Reelection

FULL, PROBATIONARY, MASSES = (
    PoliticalStatus.PARTY_FULL,
    PoliticalStatus.PARTY_PROBATIONARY,
    PoliticalStatus.MASSES,
)
_ids = itertools.count(1)


# --- builders (also used by test_coverage*.py and test_worklists*.py) --------------------------


def party_org(region, *, type_=PartyOrgType.BRANCH, name=None, **extra) -> PartyOrganization:
    return PartyOrganization.objects.create(
        name=name or f"党支部{next(_ids)}", type=type_, region=region, **extra
    )


def org(
    region,
    *,
    name: str | None = None,
    kind: str = OrgKind.ENTERPRISE,
    staff: tuple = (),
    mode: str = CoverageMode.NONE,
    note: str = "",
    status: str = OrgStatus.ACTIVE,
    managers: int = 0,
    container: Organization | None = None,
    **fields,
) -> Organization:
    """An organization in ``region`` whose current employees have the political statuses in
    ``staff`` (the first ``managers`` of them are managers), with one Coverage row."""
    n = next(_ids)
    organization = Organization.objects.create(
        kind=kind,
        name=name or f"测试企业{n}",
        region=region,
        status=status,
        container=container,
        **fields,
    )
    party = None
    if mode in {CoverageMode.STANDALONE, CoverageMode.JOINT, CoverageMode.AFFILIATED}:
        party = party_org(region)
    Coverage.objects.create(
        organization=organization, region=region, mode=mode, party_org=party, note=note
    )
    for index, political_status in enumerate(staff):
        person = Person.objects.create(
            name=f"职工{n}-{index}", region=region, political_status=political_status
        )
        Employment.objects.create(
            person=person, organization=organization, is_manager=index < managers
        )
    return organization


def complete_org(region, **overrides) -> Organization:
    """An enterprise whose six sections are all complete (1 manager, 2 staff, 1 member)."""
    fields = {
        "address": "东关路1号",
        "industry": "C",
        "credit_code": f"91341200MA{next(_ids):08d}",
        "employee_count": 2,
        "legal_rep": "张三",
        "legal_rep_phone": "13800000000",
        "investors": "张三",
        "party_member_count": 1,
        "staff": (FULL, MASSES),
        "managers": 1,
        "mode": CoverageMode.INSTRUCTOR,
    }
    fields.update(overrides)
    return org(region, **fields)


# --- 应建尽建 ---------------------------------------------------------------------------------


def test_three_full_members_without_a_branch_of_their_own_should_establish():
    c = rules.classify(3, 3, CoverageMode.NONE)
    assert c.status == Establishment.SHOULD_ESTABLISH
    assert c.label == "应建未建"
    assert c.is_gap
    assert c.suggested_type == PartyOrgType.BRANCH


def test_two_full_and_one_probationary_member_are_not_enough_to_establish():
    c = rules.classify(2, 3, CoverageMode.NONE)
    assert c.status == Establishment.MEMBERS_UNCOVERED
    assert c.expected == "应联合组建党支部或派驻党建指导员"
    assert c.suggested_type == PartyOrgType.JOINT_BRANCH


@pytest.mark.parametrize("mode", [CoverageMode.JOINT, CoverageMode.AFFILIATED, "instructor"])
def test_three_full_members_reached_only_by_others_still_should_establish(mode):
    assert rules.classify(5, 5, mode).status == Establishment.SHOULD_ESTABLISH


def test_a_standalone_branch_meets_the_rule():
    c = rules.classify(4, 4, CoverageMode.STANDALONE)
    assert c.status == Establishment.ESTABLISHED
    assert not c.is_gap


@pytest.mark.parametrize("mode", [CoverageMode.JOINT, CoverageMode.INSTRUCTOR])
def test_one_or_two_members_covered_by_a_joint_branch_or_instructor_are_no_gap(mode):
    assert rules.classify(1, 1, mode).status == Establishment.MEMBERS_COVERED


def test_no_members_expects_an_instructor():
    uncovered = rules.classify(0, 0, None)
    assert uncovered.status == Establishment.NO_MEMBERS_UNCOVERED
    assert not uncovered.is_gap
    assert uncovered.suggestion == "派驻党建指导员"
    assert rules.classify(0, 0, CoverageMode.INSTRUCTOR).status == (
        Establishment.NO_MEMBERS_COVERED
    )


@pytest.mark.parametrize(
    ("full", "members", "expected", "committee"),
    [
        (3, 3, PartyOrgType.BRANCH, False),
        (7, 8, PartyOrgType.BRANCH, True),
        (40, 50, PartyOrgType.GENERAL_BRANCH, True),
        (99, 100, PartyOrgType.COMMITTEE, True),
    ],
)
def test_it_suggests_the_type_by_size(full, members, expected, committee):
    c = rules.classify(full, members, CoverageMode.NONE)
    assert c.suggested_type == expected
    assert c.needs_committee is committee


def test_a_branch_of_seven_full_members_gets_a_committee():
    assert rules.classify(7, 7, None).suggestion == "党支部（设支部委员会）"


def test_coverage_kinds():
    assert rules.is_organization_covered(CoverageMode.STANDALONE)
    assert rules.is_organization_covered(CoverageMode.JOINT)
    # 挂靠 forms no organization in the unit: 工作覆盖 only (issue 18 A1).
    assert not rules.is_organization_covered(CoverageMode.AFFILIATED)
    assert rules.is_work_covered(CoverageMode.AFFILIATED)
    assert not rules.is_organization_covered(CoverageMode.INSTRUCTOR)
    assert rules.is_work_covered(CoverageMode.INSTRUCTOR)
    assert not rules.is_work_covered(CoverageMode.NONE)


def _group(group: str, *units: tuple[int, int, str]) -> rules.GroupCounts:
    counts = rules.GroupCounts(group=group)
    for full, members, mode in units:
        counts.add(rules.classify(full, members, mode))
    return counts


def test_the_organization_rate_counts_standalone_and_joint_over_every_unit_of_the_group():
    counts = _group(
        "non_public",
        (3, 3, CoverageMode.STANDALONE),
        (1, 1, CoverageMode.JOINT),
        (1, 1, CoverageMode.AFFILIATED),
        (1, 1, CoverageMode.INSTRUCTOR),
        (0, 0, CoverageMode.NONE),
    )
    # 挂靠 and the instructor are not 组织覆盖; the unit without members or coverage is in
    # the denominator (the old rate gave 3 ÷ 4 = 75.0).
    assert (counts.organization_covered, counts.units, counts.organization_rate) == (2, 5, 40.0)
    assert counts.work_covered == 4 and counts.work_rate == 80.0


def test_a_unit_without_members_or_coverage_lowers_the_organization_rate():
    counts = _group("social_org", (3, 3, CoverageMode.STANDALONE), (0, 0, CoverageMode.NONE))
    assert counts.organization_rate == 50.0  # the old denominator (units with members) gave 100


def test_the_standalone_rate_is_standalone_over_the_same_units():
    counts = _group(
        "non_public",
        (3, 3, CoverageMode.STANDALONE),
        (1, 1, CoverageMode.JOINT),
        (1, 1, CoverageMode.JOINT),
        (0, 0, CoverageMode.NONE),
    )
    assert (counts.standalone, counts.standalone_rate, counts.organization_rate) == (1, 25.0, 75.0)


def test_groups_sum_their_kinds_and_keep_individual_businesses_apart():
    cells = {}
    for kind, units in {
        OrgKind.ENTERPRISE: [(3, 3, CoverageMode.STANDALONE), (0, 0, CoverageMode.NONE)],
        OrgKind.PLATFORM: [(1, 1, CoverageMode.JOINT), (0, 0, CoverageMode.NONE)],
        OrgKind.INDIVIDUAL: [(0, 0, CoverageMode.NONE)] * 6,
        OrgKind.SOCIAL_ORG: [(1, 1, CoverageMode.JOINT)],
        OrgKind.OTHER: [(3, 3, CoverageMode.STANDALONE)],
    }.items():
        cells[kind.value] = _group("", *units)
    groups = rules.group_counts(cells, ["non_public", "social_org", "individual"])
    assert list(groups) == ["non_public", "social_org", "individual"]
    non_public = groups["non_public"]
    # 企业 + 平台企业 (a platform company is a non-public enterprise); no 个体工商户, no 其他.
    assert (non_public.units, non_public.organization_covered) == (4, 2)
    assert non_public.organization_rate == 50.0 and non_public.label == "非公企业"
    assert (groups["individual"].units, groups["individual"].organization_rate) == (6, 0.0)
    assert groups["social_org"].organization_rate == 100.0
    assert rules.coverage_group(OrgKind.OTHER) is None
    assert rules.coverage_group(OrgKind.BUILDING) is None
    assert rules.coverage_group(OrgKind.PLATFORM) == "non_public"


def test_counts_over_mixed_kinds_carry_no_rate():
    counts = rules.CoverageCounts()
    counts.add(rules.classify(3, 3, CoverageMode.STANDALONE))
    assert not hasattr(counts, "organization_rate") and not hasattr(counts, "work_rate")
    assert "organization_rate" not in counts.as_dict()


def test_a_rate_without_a_denominator_is_empty():
    empty = rules.GroupCounts(group="individual")
    assert empty.organization_rate is None and empty.standalone_rate is None
    assert empty.work_rate is None
    assert rules.rate(1, 3) == 33.3


# --- 换届 and 临时党支部 ----------------------------------------------------------------------

TODAY = date(2026, 5, 15)


@pytest.mark.parametrize(
    ("term_end", "expected"),
    [
        (date(2026, 5, 14), Reelection.OVERDUE),
        (date(2026, 5, 15), Reelection.URGENT),
        (date(2026, 8, 15), Reelection.URGENT),
        (date(2026, 8, 16), Reelection.SOON),
        (date(2026, 11, 15), Reelection.SOON),
        (date(2026, 11, 16), None),
        (None, None),
    ],
)
def test_term_end_flags_re_election(term_end, expected):
    assert rules.reelection_status(term_end, TODAY) == expected


def test_an_approved_extension_is_a_state_and_overdue_only_past_its_date():
    term_end, extended_to = date(2026, 3, 31), date(2026, 9, 30)
    # Under the old rule a term end in the past was overdue whatever the approval.
    assert rules.reelection_status(term_end, TODAY, extended_to) == Reelection.EXTENDED
    assert rules.reelection_status(term_end, date(2026, 9, 30), extended_to) == Reelection.EXTENDED
    assert rules.reelection_status(term_end, date(2026, 10, 1), extended_to) == Reelection.OVERDUE
    assert rules.reelection_status(term_end, TODAY) == Reelection.OVERDUE
    # Before the term end, the ordinary warnings apply.
    assert rules.reelection_status(date(2026, 6, 1), TODAY, date(2026, 12, 1)) == (
        Reelection.URGENT
    )
    assert rules.reelection_effective_due(term_end, extended_to) == extended_to
    assert rules.reelection_effective_due(term_end, None) == term_end


def test_an_extension_reaches_at_most_one_year_beyond_the_term_end():
    term_end = date(2026, 3, 31)
    assert rules.extension_error(term_end, date(2027, 3, 31)) is None
    assert "不超过12个月" in rules.extension_error(term_end, date(2027, 4, 1))
    assert "应晚于届满日期" in rules.extension_error(term_end, term_end)
    assert "未填届满日期" in rules.extension_error(None, date(2027, 1, 1))


def test_a_temporary_branch_has_no_re_election():
    assert not rules.has_reelection(PartyOrgType.TEMPORARY_BRANCH)
    assert rules.has_reelection(PartyOrgType.BRANCH)


def test_a_temporary_branch_is_judged_by_its_members_relations_not_its_age():
    status = rules.temporary_branch_status
    # 3 正式党员 transferred in → a formal branch is due.
    assert status(untransferred=0, transferred_full=3) == rules.TemporaryBranch.FORMAL_DUE
    assert status(untransferred=5, transferred_full=3) == rules.TemporaryBranch.FORMAL_DUE
    # It exists for members whose relations are not transferred: 3 by default.
    assert status(untransferred=3, transferred_full=2) is None
    assert status(untransferred=2, transferred_full=2) == rules.TemporaryBranch.BELOW_THRESHOLD
    assert rules.TemporaryBranch.LABELS[rules.TemporaryBranch.FORMAL_DUE] == "应成立正式党支部"


def test_the_temporary_branch_threshold_is_a_setting(settings):
    settings.SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS = 5
    assert rules.temporary_branch_min_members() == 5
    assert rules.temporary_branch_status(untransferred=4, transferred_full=0) == (
        rules.TemporaryBranch.BELOW_THRESHOLD
    )
    settings.SHEGONG_TEMPORARY_BRANCH_MIN_MEMBERS = None
    assert rules.temporary_branch_min_members() == 3


def test_add_months_keeps_the_end_of_the_month():
    assert rules.add_months(date(2026, 8, 31), 6) == date(2027, 2, 28)
    assert rules.add_months(date(2026, 5, 15), -6) == date(2025, 11, 15)


# --- 六清楚 -----------------------------------------------------------------------------------


def _row(**overrides):
    row = {
        "name": "某某科技有限公司",
        "kind": OrgKind.ENTERPRISE,
        "address": "东关路1号",
        "industry": "I",
        "credit_code": "91341200MA2N0000X1",
        "employee_count": 10,
        "legal_rep": "张三",
        "legal_rep_phone": "13800000000",
        "investors": "张三",
        "party_member_count": 1,
        "n_employees": 10,
        "n_managers": 1,
        "n_members": 1,
        "coverage_mode": CoverageMode.INSTRUCTOR,
        "coverage_note": "",
    }
    row.update(overrides)
    return row


def test_a_fully_recorded_organization_scores_six():
    c = rules.completeness(_row())
    assert (c.score, c.percent, c.missing_items) == (6, 100, [])


@pytest.mark.parametrize(
    ("overrides", "section", "item"),
    [
        ({"address": ""}, "basic", "地址"),
        ({"industry": ""}, "basic", "行业门类"),
        ({"credit_code": None}, "basic", "统一社会信用代码"),
        ({"employee_count": None, "n_employees": 0}, "basic", "从业人员数"),
        ({"legal_rep": ""}, "heads", "法定代表人/负责人"),
        ({"legal_rep_phone": ""}, "heads", "负责人电话"),
        ({"investors": ""}, "heads", "出资人"),
        ({"n_managers": 0}, "managers", "未登记在职经营管理人员"),
        ({"n_employees": 0}, "workforce", "未登记在职职工"),
        ({"party_member_count": None}, "party_members", "未申报党员人数"),
        ({"party_member_count": 3}, "party_members", "申报党员3人，台账登记在职党员1人"),
        ({"coverage_mode": CoverageMode.NONE}, "party_org", "未覆盖且未说明原因"),
    ],
)
def test_each_section_is_incomplete_when_an_item_is_missing(overrides, section, item):
    c = rules.completeness(_row(**overrides))
    assert item in c.missing[section]
    assert not c.is_complete(section)
    assert c.score == 6 - (1 if section != "basic" or "employee_count" not in overrides else 2)


@pytest.mark.parametrize(
    "overrides",
    [
        {"kind": OrgKind.BUILDING, "credit_code": None, "industry": "", "investors": ""},
        {"kind": OrgKind.SOCIAL_ORG, "investors": ""},
        {"employee_count": 0, "n_employees": 0},
        {"coverage_mode": CoverageMode.NONE, "coverage_note": "无党员，已联系党建指导员"},
        {"party_member_count": 0, "n_members": 0},
    ],
)
def test_optional_items_do_not_count_against_a_section(overrides):
    assert rules.completeness(_row(**overrides)).score == 6


# --- the SQL forms agree with the Python rules -----------------------------------------------


@pytest.mark.django_db
def test_the_sql_section_flags_agree_with_the_python_rule(district):
    grid = district["grid_a"]
    orgs = [
        complete_org(grid),
        complete_org(grid, address="", legal_rep_phone=""),
        complete_org(grid, managers=0, party_member_count=None),
        complete_org(grid, staff=(), party_member_count=0),
        complete_org(grid, employee_count=0, staff=(), party_member_count=0),
        complete_org(grid, mode=CoverageMode.NONE, note="   "),
        complete_org(grid, mode=CoverageMode.NONE, note="　待转入党员"),
        complete_org(grid, kind=OrgKind.BUILDING, credit_code=None, industry=""),
        complete_org(grid, staff=(FULL, PROBATIONARY), party_member_count=2),
        org(grid),
    ]
    annotated = (
        Organization.objects.filter(pk__in=[o.pk for o in orgs])
        .annotate(**rules.completeness_annotations())
        .annotate(score=rules.score_expression())
    )
    from shegong.ledger.queries.coverage import completeness_of

    scores = {}
    for o in annotated:
        c = completeness_of(o)
        for key, _ in rules.SECTIONS:
            assert getattr(o, f"c_{key}") == int(c.is_complete(key)), (o.name, key)
        assert o.score == c.score
        scores[o.pk] = o.score
    assert scores[orgs[0].pk] == 6
    assert scores[orgs[-1].pk] == 0


@pytest.mark.django_db
def test_the_sql_worklist_condition_agrees_with_classify(district):
    grid = district["grid_a"]
    cases = [
        ((FULL,) * 3, CoverageMode.NONE),
        ((FULL,) * 3, CoverageMode.JOINT),
        ((FULL,) * 3, CoverageMode.STANDALONE),
        ((FULL, FULL, PROBATIONARY), CoverageMode.NONE),
        ((FULL, FULL, PROBATIONARY), CoverageMode.INSTRUCTOR),
        ((PROBATIONARY,), CoverageMode.NONE),
        ((MASSES,), CoverageMode.NONE),
        ((), CoverageMode.NONE),
    ]
    orgs = [org(grid, staff=staff, mode=mode) for staff, mode in cases]
    ended = orgs[2]  # a former employee does not count
    Employment.objects.filter(organization=ended).update(ended_on=date(2025, 1, 1))
    annotated = Organization.objects.filter(pk__in=[o.pk for o in orgs]).annotate(
        **rules.party_count_annotations()
    )
    flagged = set(annotated.filter(rules.worklist_condition()).values_list("pk", flat=True))
    for o in annotated:
        assert (o.pk in flagged) == rules.classify(o.n_full, o.n_members, o.coverage_mode).is_gap
    assert flagged == {orgs[0].pk, orgs[1].pk, orgs[3].pk, orgs[5].pk}
