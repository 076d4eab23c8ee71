"""The ledger's figures equal the lists they link to (issue 13, part 4), on hand-built data:
在营单位 (workbench card and coverage page), 有党员单位, 应建未建, a carrier's coverage and
我的待办核查.

Personas: ``street_a_staff`` (东城街道); the organizations are built with ``test_rules.org``.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.ledger import cards
from shegong.ledger.choices import CampaignStatus, CoverageMode, OrgKind, OrgStatus
from shegong.ledger.models import Coverage, ReviewCampaign, ReviewTask
from shegong.ledger.queries import coverage as queries
from shegong.ledger.queries import records
from shegong.ledger.tests.test_rules import FULL, MASSES, org

pytestmark = pytest.mark.django_db

COVERAGE = reverse("ledger:coverage")
ORGANIZATIONS = reverse("ledger:organizations")


FIGURE = re.compile(r'href="([^"]+)" data-sg-count="(\d+)"')


def figure(html: str, after: str) -> tuple[int, str]:
    """(count, href) of the first figure (``data-sg-count``) after the text ``after``."""
    match = FIGURE.search(html[html.index(after) :])
    assert match, after
    return int(match.group(2)), match.group(1).replace("&amp;", "&")


def figure_to(html: str, fragment: str) -> tuple[int, str]:
    """(count, href) of the figure whose link contains ``fragment``."""
    for href, count in FIGURE.findall(html):
        if fragment in href:
            return int(count), href.replace("&amp;", "&")
    raise AssertionError(fragment)


def total(client, url: str) -> int:
    response = client.get(url)
    assert response.status_code == 200, url
    return int(re.search(r'data-sg-total="(\d+)"', response.content.decode()).group(1))


@pytest.fixture
def street(district):
    """东城: two units, a closed unit, a building covered only through its tenant, an empty
    market; one unit with 3 full members and no organization (应建未建), one with a member."""
    grid = district["grid_a"]
    building = org(grid, kind=OrgKind.BUILDING, name="东城大厦")
    return {
        "building": building,
        "market": org(grid, kind=OrgKind.MARKET, name="东城菜市场"),
        "tenant": org(grid, container=building, staff=(FULL,), mode=CoverageMode.JOINT),
        "should": org(grid, name="应建企业", staff=(FULL, FULL, FULL)),
        "plain": org(grid, name="普通企业", staff=(MASSES,)),
        "closed": org(grid, name="已注销企业", status=OrgStatus.CLOSED),
    }


def test_active_units_on_the_card_and_the_coverage_page_are_the_list_they_link_to(
    client, street_a_staff, street
):
    """在营单位 is the active units without 商圈、楼宇、园区、市场, on the workbench as on the
    coverage page (the card counted the carriers too: 30 against 27)."""
    card = cards.summary(street_a_staff)
    assert card["organizations"] == 3  # tenant, should, plain
    client.force_login(street_a_staff)
    home = client.get("/").content.decode()
    count, url = figure(home, 'id="card-ledger"')
    assert count == 3 and url == card["organizations_url"]
    assert total(client, url) == 3

    page = client.get(COVERAGE).content.decode()
    assert queries.coverage_summary(street_a_staff).total.units == 3
    count, url = figure(page, "在营单位")
    assert (count, total(client, url)) == (3, 3)
    count, url = figure(page, "有党员单位")
    assert (count, total(client, url)) == (2, 2)  # the tenant and 应建企业


def test_should_establish_on_the_coverage_page_is_the_worklist_of_that_verdict(
    client, street_a_staff, street, district
):
    """应建未建 links to the worklist filtered to 应建未建; the worklist's count names both of
    its verdicts (its 应建未建 0 linked to a list of 1 有党员未覆盖)."""
    org(district["grid_a"], name="一名党员企业", staff=(FULL,))  # 有党员未覆盖
    client.force_login(street_a_staff)
    page = client.get(COVERAGE).content.decode()
    count, url = figure(page, "应建未建</div>")
    assert count == 1 and "status=should_establish" in url
    assert total(client, url) == 1
    worklist = client.get(reverse("ledger:should_establish")).content.decode()
    assert 'data-sg-total="2"' in worklist
    assert "应建未建 1 家" in worklist and "有党员未覆盖 1 家" in worklist


def test_a_building_covered_through_a_tenant_is_listed_as_covered(client, street_a_staff, street):
    """A carrier counted 已覆盖 (a tenant is covered) is not listed 未覆盖: the coverage page,
    the list's label and its filters use one definition (``records.carrier_covered``)."""
    client.force_login(street_a_staff)
    page = client.get(COVERAGE).content.decode()
    table = page[page.index('id="container-table"') :]
    count, url = figure(table, "楼宇")
    assert (count, total(client, url)) == (1, 1)
    covered, url = figure_to(table, "coverage=covered")
    assert covered == 1 and "coverage=covered" in url
    listed = client.get(url)
    assert [o.pk for o in listed.context["page"]] == [street["building"].pk]
    assert "已覆盖（入驻单位）" in listed.content.decode()

    uncovered = client.get(ORGANIZATIONS, {"coverage": CoverageMode.NONE}).context["page"]
    names = {o.name for o in uncovered.object_list}
    assert "东城大厦" not in names
    assert {"东城菜市场", "应建企业", "普通企业"} <= names  # no coverage row is 未覆盖 too


def test_each_groups_rate_figures_are_the_lists_they_link_to(
    client, street_a_staff, street, district
):
    """A group's card (issue 18 A1): its 组织覆盖 (单独 + 联合组建), 在营 and 单独组建 counts
    link to lists of exactly that many; 非公企业 holds the platform, not the 个体工商户, and a
    挂靠 enterprise is not listed 已组织覆盖."""
    grid = district["grid_a"]
    org(
        grid,
        name="平台企业",
        kind=OrgKind.PLATFORM,
        staff=(FULL,) * 3,
        mode=CoverageMode.STANDALONE,
    )
    org(grid, name="挂靠企业", staff=(FULL,), mode=CoverageMode.AFFILIATED)
    org(grid, name="个体户", kind=OrgKind.INDIVIDUAL, mode=CoverageMode.JOINT)
    client.force_login(street_a_staff)
    page = client.get(COVERAGE).content.decode()
    card = page[page.index('data-sg-group="non_public"') :]
    card = card[: card.index("</div></div>")]
    covered, url = figure(card, "单独、联合组建")
    assert covered == 2 and "kind=non_public" in url and "coverage=covered" in url
    listed = client.get(url)
    assert listed.context["page"].paginator.count == 2
    assert {o.name for o in listed.context["page"]} == {"平台企业", street["tenant"].name}
    units, url = figure(card, "家 ÷ 在营")
    assert (units, total(client, url)) == (5, 5)  # tenant, should, plain, platform, 挂靠
    standalone, url = figure(card, "单独组建率")
    assert (standalone, total(client, url)) == (1, 1)
    assert "40.0%" in card and "20.0%" in card  # 2 ÷ 5, 1 ÷ 5
    shops = page[page.index('data-sg-group="individual"') :]
    units, url = figure(shops, "家 ÷ 在营")
    assert (units, total(client, url)) == (1, 1)
    assert "100.0%" in shops[: shops.index("</div></div>")]
    # The list's kind group 非公企业 is the rates' group: 企业 and 平台企业.
    assert records.clean_criteria({"kind": "non_public"})["kind"] == ["enterprise", "platform"]


def test_the_none_filter_finds_organizations_without_a_coverage_row(street_a_staff, street):
    Coverage.objects.filter(organization=street["should"]).delete()
    found = records.organization_list(street_a_staff, {"coverage": CoverageMode.NONE})
    assert street["should"] in found


def test_my_open_review_tasks_on_the_card_are_the_list(client, street_a_staff, street):
    """我的待办核查 counts the tasks the list shows: not those of a closed campaign."""
    due = timezone.localdate() + timedelta(days=7)
    region = street["plain"].region
    kept = ReviewCampaign.objects.create(name="开放中的回头看", status=CampaignStatus.OPEN,
                                         due_on=due, created_by=street_a_staff,
                                         region=region)  # fmt: skip
    ended = ReviewCampaign.objects.create(name="已结束的回头看", status=CampaignStatus.CLOSED,
                                          due_on=due, created_by=street_a_staff,
                                          region=region)  # fmt: skip
    for campaign in (kept, ended):
        ReviewTask.objects.create(campaign=campaign, organization=street["plain"],
                                  region=street["plain"].region, assignee=street_a_staff,
                                  due_on=due)  # fmt: skip
    assert cards.summary(street_a_staff)["my_tasks"] == 1
    client.force_login(street_a_staff)
    count, url = figure_to(client.get("/").content.decode(), "/ledger/tasks/")
    assert (count, total(client, url)) == (1, 1)
