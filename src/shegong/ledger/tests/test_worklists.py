"""Worklists: 应建未建, 六清楚 (least complete first), 换届 and temporary branches."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.choices import CoverageMode, OrgKind, OrgStatus, PartyOrgType
from shegong.ledger.models import PartyMembership
from shegong.ledger.queries import coverage as queries
from shegong.ledger.rules import Establishment, Reelection, TemporaryBranch
from shegong.ledger.tests import records_fixtures as build
from shegong.ledger.tests.test_rules import (
    FULL,
    MASSES,
    PROBATIONARY,
    complete_org,
    org,
    party_org,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def gaps(district):
    grid = district["grid_a"]
    return {
        "big": org(grid, name="东城大企业", staff=(FULL,) * 8, mode=CoverageMode.JOINT),
        "three": org(grid, name="东城三党员企业", staff=(FULL, FULL, FULL)),
        "two": org(grid, name="东城两党员企业", staff=(FULL, PROBATIONARY)),
        "covered_two": org(grid, staff=(FULL, FULL), mode=CoverageMode.INSTRUCTOR),
        "standalone": org(grid, staff=(FULL,) * 3, mode=CoverageMode.STANDALONE),
        "none": org(grid, staff=(MASSES,)),
        "closed": org(grid, staff=(FULL,) * 3, status=OrgStatus.CLOSED),
        "building": org(grid, kind=OrgKind.BUILDING, staff=(FULL,) * 3),
        "west": org(district["grid_b"], name="西城应建企业", staff=(FULL,) * 3),
    }


# --- 应建未建 ---------------------------------------------------------------------------------


def test_the_should_establish_worklist_lists_gaps_with_most_members_first(street_a_staff, gaps):
    orgs = list(queries.should_establish_worklist(street_a_staff))
    assert [o.name for o in orgs] == ["东城大企业", "东城三党员企业", "东城两党员企业"]
    first = queries.classification(orgs[0])
    assert first.status == Establishment.SHOULD_ESTABLISH
    assert first.suggestion == "党支部（设支部委员会）"
    assert queries.classification(orgs[2]).status == Establishment.MEMBERS_UNCOVERED


def test_the_worklist_filters_by_status_kind_and_region(street_a_staff, district, gaps):
    only = queries.WorklistFilter(status=Establishment.MEMBERS_UNCOVERED)
    assert [o.name for o in queries.should_establish_worklist(street_a_staff, only)] == [
        "东城两党员企业"
    ]
    by_kind = queries.WorklistFilter(kind=OrgKind.INDIVIDUAL)
    assert not queries.should_establish_worklist(street_a_staff, by_kind).exists()
    community = queries.WorklistFilter(region=district["community_a"].code)
    assert queries.should_establish_worklist(street_a_staff, community).count() == 3


def test_the_worklist_is_a_constant_number_of_queries(
    client, street_a_staff, district, django_assert_max_num_queries
):
    client.force_login(street_a_staff)
    url = reverse("ledger:should_establish")
    for _ in range(5):
        org(district["grid_a"], staff=(FULL,) * 3)
    client.get(url)  # session and menu caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as five:
        assert client.get(url).status_code == 200
    for _ in range(45):
        org(district["grid_a"], staff=(FULL,) * 3)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert response.context["page"].paginator.count == 50
    assert len(fifty) == len(five)


def test_the_worklist_page_links_each_row_to_its_organization(client, street_a_staff, gaps):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:should_establish"))
    html = response.content.decode()
    assert reverse("ledger:organization", args=[gaps["three"].pk]) in html
    assert "应建未建" in html and "有党员未覆盖" in html
    assert "西城应建企业" not in html


def test_the_worklist_page_shows_a_chinese_message_for_a_bad_filter(client, street_a_staff, gaps):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:should_establish"), {"status": "whatever"})
    assert response.status_code == 200
    assert "未知的判定类型" in response.content.decode()
    assert response.context["page"].paginator.count == 0


def test_the_worklist_exports_to_xlsx_and_audits_the_export(client, street_a_staff, gaps):
    from python_calamine import CalamineWorkbook

    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:should_establish"), {"format": "xlsx"})
    assert response.status_code == 200
    assert response["X-Export-Rows"] == "3"
    rows = CalamineWorkbook.from_filelike(BytesIO(b"".join(response.streaming_content)))
    sheet = rows.get_sheet_by_index(0).to_python()
    assert sheet[0][0] == "名称"
    assert [row[0] for row in sheet[1:]] == ["东城大企业", "东城三党员企业", "东城两党员企业"]
    event = AuditEvent.objects.get(verb=Verb.LEDGER_EXPORTED)
    assert event.data["list"] == "should_establish"
    assert event.data["rows"] == 3
    assert event.actor == street_a_staff


def test_the_worklist_api_is_paginated_and_scoped(client, street_b_staff, gaps):
    client.force_login(street_b_staff)
    response = client.get("/api/v1/ledger/worklists/should-establish", {"page_size": 1})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["name"] == "西城应建企业"
    assert body["items"][0]["status"] == Establishment.SHOULD_ESTABLISH
    assert body["items"][0]["full_members"] == 3


def test_the_worklist_api_rejects_an_unknown_status(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/api/v1/ledger/worklists/should-establish", {"status": "x"})
    assert response.status_code == 422
    assert response.json()["errors"][0]["message"] == (
        "判定应为 should_establish 或 members_uncovered"
    )


# --- 六清楚 -----------------------------------------------------------------------------------


def test_the_completeness_worklist_puts_the_least_complete_first(street_a_staff, district):
    grid = district["grid_a"]
    full = complete_org(grid, name="甲完整企业")
    partial = complete_org(grid, name="乙缺地址企业", address="", legal_rep="")
    bare = org(grid, name="丙空白企业")
    org(district["grid_b"], name="西城空白企业")
    orgs = list(queries.completeness_worklist(street_a_staff))
    assert [o.pk for o in orgs] == [bare.pk, partial.pk, full.pk]
    assert [o.score for o in orgs] == [0, 4, 6]
    missing = queries.completeness_of(orgs[1]).missing_items
    assert missing == ["企业基本情况：地址", "出资人/负责人：法定代表人/负责人"]


def test_the_completeness_worklist_filters_by_score(street_a_staff, district):
    grid = district["grid_a"]
    complete_org(grid)
    complete_org(grid, address="")
    org(grid)
    assert queries.completeness_worklist(street_a_staff, score="incomplete").count() == 2
    assert queries.completeness_worklist(street_a_staff, score="5").count() == 1
    assert queries.completeness_worklist(street_a_staff, score="6").count() == 1


def test_the_completeness_page_lists_missing_items(client, street_a_staff, district):
    grid = district["grid_a"]
    complete_org(grid, name="东城缺电话企业", legal_rep_phone="")
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:completeness"), {"score": "incomplete"})
    html = response.content.decode()
    assert "东城缺电话企业" in html
    assert "出资人/负责人：负责人电话" in html
    assert "5/6" in html


def test_the_completeness_page_refuses_a_bad_score(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:completeness"), {"score": "9"})
    assert "得分应为 0–6" in response.content.decode()


def test_the_completeness_page_is_a_constant_number_of_queries(client, street_a_staff, district):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(street_a_staff)
    url = reverse("ledger:completeness")
    for _ in range(5):
        complete_org(district["grid_a"])
    client.get(url)
    with CaptureQueriesContext(connection) as five:
        client.get(url)
    for _ in range(45):
        complete_org(district["grid_a"], address="")
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(url)
    assert len(response.context["rows"]) == 50
    assert len(fifty) == len(five)


def test_one_organizations_completeness(district):
    target = complete_org(district["grid_a"], investors="")
    completeness = queries.organization_completeness(target)
    assert completeness.score == 5
    assert completeness.missing["heads"] == ["出资人"]


# --- 换届 and 临时党支部 ----------------------------------------------------------------------


def test_re_election_lists_overdue_and_upcoming_terms(street_a_staff, district):
    today = timezone.localdate()
    grid = district["grid_a"]
    party_org(grid, name="超期党支部", term_end=today - timedelta(days=1))
    party_org(grid, name="临期党支部", term_end=today + timedelta(days=30))
    party_org(grid, name="远期党支部", term_end=today + timedelta(days=400))
    party_org(grid, name="撤销党支部", term_end=today - timedelta(days=1), is_active=False)
    party_org(district["grid_b"], name="西城超期党支部", term_end=today - timedelta(days=1))
    report = queries.reelection_due(street_a_staff)
    assert [(p.name, status) for p, status in report.due] == [
        ("超期党支部", Reelection.OVERDUE),
        ("临期党支部", Reelection.URGENT),
    ]


def _members(branch, region, *, transferred: bool, n: int, status: str = FULL) -> None:
    for _ in range(n):
        member = build.person(region, "李党员", political_status=status)
        PartyMembership.objects.create(party_org=branch, person=member, transferred=transferred)


def test_a_temporary_branch_is_never_on_the_re_election_list(street_a_staff, district):
    today = timezone.localdate()
    # Recorded before the rule (a term end on a temporary branch): still not due for 换届.
    party_org(
        district["grid_a"],
        name="项目临时党支部",
        type_=PartyOrgType.TEMPORARY_BRANCH,
        term_end=today - timedelta(days=1),
    )
    party_org(district["grid_a"], name="超期党支部", term_end=today - timedelta(days=1))
    report = queries.reelection_due(street_a_staff)
    assert [p.name for p, _ in report.due] == ["超期党支部"]
    assert [b.name for b, _ in report.temporary] == ["项目临时党支部"]


def test_an_extended_organization_is_not_overdue_until_its_approved_date(street_a_staff, district):
    today = timezone.localdate()
    extended = party_org(
        district["grid_a"],
        name="延期党支部",
        term_end=today - timedelta(days=30),
        extended_to=today + timedelta(days=30),
        extension_approved_by="东城街道党工委",
        extension_document_no="东街党〔2026〕3号",
    )
    lapsed = party_org(
        district["grid_a"],
        name="延期已过党支部",
        term_end=today - timedelta(days=90),
        extended_to=today - timedelta(days=1),
    )
    report = dict((p.pk, status) for p, status in queries.reelection_due(street_a_staff).due)
    assert report[extended.pk] == Reelection.EXTENDED
    assert report[lapsed.pk] == Reelection.OVERDUE


def test_temporary_branches_are_flagged_by_their_members_relations(street_a_staff, district):
    grid = district["grid_a"]
    # Founded long ago: under the old rule it was "待转建" by age alone.
    old = party_org(
        grid, name="老临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH, founded_on=date(2020, 1, 1)
    )
    _members(old, grid, transferred=False, n=3)
    formal_due = party_org(
        grid,
        name="转入临时党支部",
        type_=PartyOrgType.TEMPORARY_BRANCH,
        founded_on=timezone.localdate() - timedelta(days=30),
    )
    _members(formal_due, grid, transferred=True, n=3)
    _members(formal_due, grid, transferred=True, n=2, status=PROBATIONARY)
    thin = party_org(grid, name="人少临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH)
    _members(thin, grid, transferred=False, n=2)
    formal = party_org(grid, name="正式党支部")
    party_org(
        grid,
        name="已转临时党支部",
        type_=PartyOrgType.TEMPORARY_BRANCH,
        founded_on=date(2020, 1, 1),
        converted_to=formal,
        converted_on=date(2021, 1, 1),
        is_active=False,
    )
    report = queries.reelection_due(street_a_staff)
    status = {branch.pk: finding for branch, finding in report.temporary}
    assert status == {
        old.pk: None,
        formal_due.pk: TemporaryBranch.FORMAL_DUE,
        thin.pk: TemporaryBranch.BELOW_THRESHOLD,
    }
    assert [branch.converted_to for branch in report.converted] == [formal]


def test_the_reelection_page_renders_for_street_staff(client, street_a_staff, district):
    today = timezone.localdate()
    party_org(district["grid_a"], name="东城超期党支部", term_end=today - timedelta(days=3))
    party_org(district["grid_b"], name="西城超期党支部", term_end=today - timedelta(days=3))
    client.force_login(street_a_staff)
    html = client.get(reverse("ledger:reelection")).content.decode()
    assert "东城超期党支部" in html and "已超期未换届" in html
    assert "西城超期党支部" not in html


def test_the_reelection_page_shows_an_extension_and_the_temporary_branches(
    client, street_a_staff, district
):
    today = timezone.localdate()
    party_org(
        district["grid_a"],
        name="延期党支部",
        term_end=today - timedelta(days=30),
        extended_to=today + timedelta(days=30),
        extension_approved_by="东城街道党工委",
        extension_document_no="东街党〔2026〕3号",
    )
    branch = party_org(
        district["grid_a"], name="项目临时党支部", type_=PartyOrgType.TEMPORARY_BRANCH
    )
    _members(branch, district["grid_a"], transferred=True, n=3)
    client.force_login(street_a_staff)
    html = client.get(reverse("ledger:reelection")).content.decode()
    assert "已批准延期换届" in html and "东街党〔2026〕3号" in html
    assert "项目临时党支部" in html and "应成立正式党支部" in html
