"""The coverage summary (queries.coverage_summary), its page and its API."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.choices import CoverageMode, OrgKind, OrgStatus
from shegong.ledger.queries import coverage as queries
from shegong.ledger.tests.test_rules import FULL, MASSES, PROBATIONARY, org

pytestmark = pytest.mark.django_db


@pytest.fixture
def street_a_orgs(district):
    grid, community = district["grid_a"], district["community_a"]
    return {
        "should": org(grid, name="东城应建企业", staff=(FULL, FULL, FULL)),
        "standalone": org(grid, staff=(FULL, FULL, FULL, MASSES), mode=CoverageMode.STANDALONE),
        "joint": org(community, staff=(FULL,), mode=CoverageMode.JOINT),
        "instructor": org(grid, staff=(PROBATIONARY,), mode=CoverageMode.INSTRUCTOR),
        "uncovered": org(grid, staff=(FULL, FULL, PROBATIONARY)),
        "empty": org(grid, kind=OrgKind.INDIVIDUAL),
        "closed": org(grid, staff=(FULL, FULL, FULL), status=OrgStatus.CLOSED),
    }


@pytest.fixture
def street_b_orgs(district):
    grid = district["grid_b"]
    return [
        org(grid, name="西城应建企业", staff=(FULL, FULL, FULL)),
        org(grid, staff=(FULL,), mode=CoverageMode.JOINT),
    ]


def _row(summary, name):
    return next(row for row in summary.rows if row.name == name)


def test_the_district_summary_has_a_row_per_street(district_admin, street_a_orgs, street_b_orgs):
    summary = queries.coverage_summary(district_admin)
    assert summary.region == queries.summary_region(district_admin)
    assert [row.name for row in summary.rows] == ["东城街道", "西城街道"]
    east = _row(summary, "东城街道").counts
    assert east.units == 6  # the closed one does not count
    assert east.with_members == 5
    assert east.with_three_full == 2
    assert east.should_establish == 1
    assert east.members_uncovered == 1
    assert east.by_mode[CoverageMode.STANDALONE] == 1
    assert east.by_mode[CoverageMode.JOINT] == 1
    assert east.by_mode[CoverageMode.INSTRUCTOR] == 1
    assert east.by_mode[CoverageMode.NONE] == 3
    assert (east.organization_covered, east.work_covered) == (2, 3)
    groups = _row(summary, "东城街道").groups
    # 组织覆盖率 of the 5 enterprises: standalone + joint; the 个体工商户 is apart.
    non_public = groups["non_public"]
    assert (non_public.units, non_public.organization_covered) == (5, 2)
    assert (non_public.organization_rate, non_public.standalone_rate) == (40.0, 20.0)
    # 工作覆盖: standalone + joint + instructor.
    assert non_public.work_rate == 60.0
    assert (groups["individual"].units, groups["individual"].organization_rate) == (1, 0.0)
    assert (groups["social_org"].units, groups["social_org"].organization_rate) == (0, None)
    assert summary.total.units == 8
    assert summary.total.should_establish == 2


def test_street_staff_see_their_communities_and_never_street_a(
    street_a_staff, street_b_staff, street_a_orgs, street_b_orgs
):
    summary = queries.coverage_summary(street_b_staff)
    assert summary.region.name == "西城街道"
    assert [row.name for row in summary.rows] == ["西关社区"]
    assert summary.total.units == 2
    assert summary.total.should_establish == 1
    assert queries.coverage_summary(street_a_staff).total.units == 6


def test_it_refuses_a_region_outside_the_scope(street_b_staff, district):
    from shegong.core.errors import NotFound

    with pytest.raises(NotFound):
        queries.coverage_summary(street_b_staff, district["street_a"].code)


def test_it_drills_into_a_street_and_files_own_level_organizations_apart(
    district_admin, district, street_a_orgs
):
    street = district["street_a"]
    org(street, name="街道直属企业", staff=(FULL,))
    summary = queries.coverage_summary(district_admin, street.code)
    assert [row.name for row in summary.rows] == ["东关社区", "东城街道（本级）"]
    assert summary.rows[-1].is_self
    assert summary.rows[-1].counts.units == 1


def test_the_kind_filter_counts_only_that_kind(district_admin, street_a_orgs):
    summary = queries.coverage_summary(district_admin, kind=OrgKind.INDIVIDUAL)
    assert summary.total.units == 1
    assert list(summary.by_kind) == [OrgKind.INDIVIDUAL]


def test_containers_are_counted_apart_and_covered_through_their_tenants(district_admin, district):
    grid = district["grid_a"]
    building = org(grid, kind=OrgKind.BUILDING, name="东城大厦")
    org(grid, kind=OrgKind.BUILDING, name="空置楼宇")
    org(grid, container=building, staff=(FULL,), mode=CoverageMode.JOINT)
    org(grid, kind=OrgKind.BUSINESS_DISTRICT, mode=CoverageMode.STANDALONE)
    org(grid, kind=OrgKind.BUSINESS_DISTRICT, mode=CoverageMode.AFFILIATED)  # not 组织覆盖
    summary = queries.coverage_summary(district_admin)
    assert summary.total.units == 1  # only the tenant
    assert (summary.containers.containers, summary.containers.covered) == (4, 2)
    districts = summary.containers_by_kind[OrgKind.BUSINESS_DISTRICT]
    assert (districts.containers, districts.covered) == (2, 1)
    buildings = summary.containers_by_kind[OrgKind.BUILDING]
    assert (buildings.containers, buildings.covered, buildings.rate) == (2, 1, 50.0)


def test_an_organization_without_a_coverage_row_counts_as_uncovered(district_admin, district):
    from shegong.ledger.models import Coverage

    lonely = org(district["grid_a"], staff=(FULL, FULL, FULL), mode=CoverageMode.STANDALONE)
    Coverage.objects.filter(organization=lonely).delete()
    summary = queries.coverage_summary(district_admin)
    assert summary.total.should_establish == 1
    assert summary.total.by_mode[CoverageMode.NONE] == 1


def test_the_summary_is_a_constant_number_of_queries(
    district_admin, district, django_assert_num_queries
):
    grid = district["grid_a"]
    for _ in range(5):
        org(grid, staff=(FULL, MASSES))
    # The caller's membership, the district's streets, the organizations, the party members.
    fresh = type(district_admin).objects.get(pk=district_admin.pk)
    with django_assert_num_queries(4):
        queries.coverage_summary(fresh)
    for _ in range(45):
        org(grid, staff=(FULL, FULL, FULL), mode=CoverageMode.STANDALONE)
    fresh = type(district_admin).objects.get(pk=district_admin.pk)
    with django_assert_num_queries(4):
        summary = queries.coverage_summary(fresh)
    assert summary.total.units == 50


def test_a_superuser_starts_at_the_single_district(superuser, street_a_orgs, street_b_orgs):
    summary = queries.coverage_summary(superuser)
    assert summary.region.name == "示范区"
    assert summary.total.units == 8


# --- rates per group (issue 18 A1) -----------------------------------------------------------


@pytest.fixture
def mixed_street(district):
    """东城, every group: enterprises (one 挂靠, one without members or coverage), a platform,
    social organizations, individual businesses, an 其他 and a building."""
    grid = district["grid_a"]
    return {
        "standalone": org(grid, staff=(FULL, FULL, FULL), mode=CoverageMode.STANDALONE),
        "affiliated": org(grid, staff=(FULL,), mode=CoverageMode.AFFILIATED),
        "bare": org(grid, name="无党员未覆盖企业"),
        "platform": org(grid, kind=OrgKind.PLATFORM, staff=(FULL,), mode=CoverageMode.JOINT),
        "society": org(
            grid, kind=OrgKind.SOCIAL_ORG, staff=(FULL,) * 3, mode=CoverageMode.STANDALONE
        ),
        "society_bare": org(grid, kind=OrgKind.SOCIAL_ORG),
        "shops": [
            org(grid, kind=OrgKind.INDIVIDUAL, mode=CoverageMode.JOINT),
            *(org(grid, kind=OrgKind.INDIVIDUAL) for _ in range(3)),
        ],
        "other": org(grid, kind=OrgKind.OTHER, staff=(FULL,), mode=CoverageMode.STANDALONE),
        "building": org(grid, kind=OrgKind.BUILDING, mode=CoverageMode.STANDALONE),
    }


def test_each_group_has_its_own_denominator_and_the_total_carries_no_rate(
    district_admin, mixed_street
):
    summary = queries.coverage_summary(district_admin)
    assert list(summary.groups) == ["non_public", "social_org", "individual"]
    non_public = summary.groups["non_public"]
    # 4 units: standalone, 挂靠, bare, the platform (joint). Not the 4 shops, not 其他.
    assert (non_public.units, non_public.organization_covered, non_public.standalone) == (4, 2, 1)
    assert non_public.organization_rate == 50.0  # the old rate: 3 ÷ 3 = 100 (挂靠, no bare)
    assert non_public.standalone_rate == 25.0
    assert non_public.work_rate == 75.0  # 挂靠 is 工作覆盖
    society = summary.groups["social_org"]
    assert (society.units, society.organization_rate, society.standalone_rate) == (2, 50.0, 50.0)
    shops = summary.groups["individual"]
    assert (shops.units, shops.organization_rate, shops.work_rate) == (4, 25.0, 25.0)
    # The counts add up over every kind (其他 included); no rate does.
    assert summary.total.units == 4 + 2 + 4 + 1
    assert not hasattr(summary.total, "organization_rate")
    east = _row(summary, "东城街道")
    assert east.groups["non_public"].organization_rate == 50.0
    assert _row(summary, "西城街道").groups["individual"].organization_rate is None


def test_the_kind_filter_keeps_the_group_of_that_kind(district_admin, mixed_street):
    platform = queries.coverage_summary(district_admin, kind=OrgKind.PLATFORM)
    assert list(platform.groups) == ["non_public"]
    assert platform.groups["non_public"].units == 1
    other = queries.coverage_summary(district_admin, kind=OrgKind.OTHER)
    assert other.groups == {} and other.total.units == 1


def test_the_page_shows_the_rates_per_group_and_none_over_every_kind(
    client, district_admin, mixed_street
):
    client.force_login(district_admin)
    response = client.get(reverse("ledger:coverage"))
    html = response.content.decode()
    cards = html[html.index('id="group-cards"') : html.index('id="chart-rates"')]
    for label, rate in (("非公企业", "50.0%"), ("社会组织", "50.0%"), ("个体工商户", "25.0%")):
        assert f"{label}组织覆盖率" in cards
        assert rate in cards
    counts = html[html.index('id="coverage-table"') : html.index('id="rates-table"')]
    assert "覆盖率</th>" not in counts  # the counts table: no rate column, no mixed total rate
    rates = html[html.index('id="rates-table"') : html.index('id="kind-table"')]
    assert rates.count('<th scope="colgroup"') == 3
    assert "合计" in rates and "50.0%" in rates and "25.0%" in rates
    chart = response.context["chart"]["organization_rate"]
    assert [s["label"] for s in chart] == [
        "非公企业组织覆盖率",
        "社会组织组织覆盖率",
        "个体工商户组织覆盖率",
    ]
    assert chart[0]["data"] == [50.0, None]  # 东城, 西城


def test_the_api_reports_each_group_per_row_and_in_total(client, district_admin, mixed_street):
    client.force_login(district_admin)
    body = client.get("/api/v1/ledger/coverage").json()
    assert set(body["groups"]) == {"non_public", "social_org", "individual"}
    non_public = body["groups"]["non_public"]
    assert non_public["label"] == "非公企业"
    assert (non_public["units"], non_public["organization_covered"]) == (4, 2)
    assert (non_public["organization_rate"], non_public["standalone_rate"]) == (50.0, 25.0)
    assert non_public["work_rate"] == 75.0
    assert body["groups"]["individual"]["organization_rate"] == 25.0
    assert "organization_rate" not in body["total"] and "organization_base" not in body["total"]
    east = next(row for row in body["rows"] if row["name"] == "东城街道")
    assert "organization_rate" not in east
    assert east["groups"]["social_org"]["organization_rate"] == 50.0
    platform = client.get("/api/v1/ledger/coverage", {"kind": "platform"}).json()
    assert list(platform["groups"]) == ["non_public"]


# --- page ------------------------------------------------------------------------------------


def test_the_dashboard_shows_a_chart_container_and_the_table(client, street_a_staff, street_a_orgs):
    client.force_login(street_a_staff)
    response = client.get(reverse("ledger:coverage"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="chart-rates"' in html and 'id="chart-modes"' in html
    assert "vendor/echarts-6.1.0/echarts.common.min.js" in html
    assert 'id="coverage-table"' in html
    assert "东关社区" in html
    assert 'id="coverage-chart-data"' in html


def test_the_dashboard_never_shows_another_street(
    client, street_b_staff, street_a_orgs, street_b_orgs
):
    client.force_login(street_b_staff)
    html = client.get(reverse("ledger:coverage")).content.decode()
    assert "西关社区" in html
    assert "东关社区" not in html and "东城" not in html


def test_the_dashboard_filters_by_kind_and_refuses_an_unknown_one(
    client, district_admin, street_a_orgs
):
    client.force_login(district_admin)
    response = client.get(reverse("ledger:coverage"), {"kind": "spaceship"})
    assert response.status_code == 200
    assert "未知的组织类型" in response.content.decode()
    response = client.get(reverse("ledger:coverage"), {"kind": OrgKind.INDIVIDUAL})
    assert response.context["summary"].total.units == 1


def test_the_dashboard_drills_into_a_street(client, district_admin, district, street_a_orgs):
    client.force_login(district_admin)
    response = client.get(reverse("ledger:coverage"), {"region": district["street_a"].code})
    assert [row.name for row in response.context["summary"].rows] == ["东关社区"]


def test_the_dashboard_refuses_a_region_outside_the_scope(client, street_b_staff, district):
    client.force_login(street_b_staff)
    response = client.get(reverse("ledger:coverage"), {"region": district["street_a"].code})
    assert response.status_code == 200
    assert "所选区划不在您的工作范围内" in response.content.decode()
    assert response.context["summary"].region.name == "西城街道"


def test_the_dashboard_needs_the_ledger_permission(client, district):
    client.force_login(testing.user(Role.RESIDENT, district["community_a"]))
    assert client.get(reverse("ledger:coverage")).status_code == 403


# --- API -------------------------------------------------------------------------------------


def test_the_api_returns_the_callers_summary(client, street_b_staff, street_a_orgs, street_b_orgs):
    client.force_login(street_b_staff)
    response = client.get("/api/v1/ledger/coverage")
    assert response.status_code == 200
    body = response.json()
    assert body["region"]["name"] == "西城街道"
    assert body["total"]["units"] == 2
    assert "organization_rate" not in body["total"]  # no rate over mixed kinds
    assert body["groups"]["non_public"]["organization_rate"] == 50.0
    assert body["rows"][0]["name"] == "西关社区"
    assert "东城应建企业" not in response.content.decode()


def test_the_api_answers_404_for_a_region_outside_the_scope(client, street_b_staff, district):
    client.force_login(street_b_staff)
    response = client.get("/api/v1/ledger/coverage", {"region": district["street_a"].code})
    assert response.status_code == 404
    assert response.json()["detail"] == "未找到该区划，或不在您的工作范围内"


def test_the_api_rejects_an_unknown_kind(client, street_b_staff):
    client.force_login(street_b_staff)
    response = client.get("/api/v1/ledger/coverage", {"kind": "spaceship"})
    assert response.status_code == 422
    assert response.json()["errors"][0] == {"field": "kind", "message": "未知的组织类型：spaceship"}


def test_the_api_refuses_a_role_without_the_ledger_permission(client, resident):
    client.force_login(resident)
    assert client.get("/api/v1/ledger/coverage").status_code == 403


def test_the_rules_are_a_page_of_the_app_linked_from_the_numbers_not_a_file_name(
    client, street_a_staff, street_a_orgs, resident
):
    client.force_login(street_a_staff)
    rules_url = reverse("ledger:rules")
    for name in ("ledger:coverage", "ledger:completeness"):
        html = client.get(reverse(name)).content.decode()
        assert "docs/rules.md" not in html and f'href="{rules_url}#' in html
    page = client.get(rules_url).content.decode()
    assert "组织覆盖率" in page and "应建未建" in page and "六清楚" in page
    assert "正式党员 ≥ 3" in page  # the threshold read from rules.RULES
    client.force_login(resident)
    assert client.get(rules_url).status_code == 403
