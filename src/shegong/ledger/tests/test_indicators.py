"""The ledger's indicators on hand-built data: each figure equals the number counted by hand,
the raw records and the drill-down list, after a backfill; an action moves it at the next
incremental step; the current figures equal the coverage page's."""

from __future__ import annotations

from datetime import date, datetime, time

import pytest
from django.utils import timezone

from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.ledger.actions.records import (
    create_organization,
    set_coverage,
    update_organization,
)
from shegong.ledger.choices import CoverageMode, OrgKind, OrgStatus, PoliticalStatus
from shegong.ledger.models import Coverage, Person
from shegong.ledger.queries import coverage as coverage_queries
from shegong.ledger.schemas import CoverageIn, OrganizationIn
from shegong.ledger.tests.test_rules import org, party_org

pytestmark = pytest.mark.django_db


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def covered_by(organization, party, mode=CoverageMode.STANDALONE) -> None:
    Coverage.objects.filter(organization=organization).update(mode=mode, party_org=party)


E1_CODE = "91341200MA00000Y27"


@pytest.fixture
def ledger(district):
    """非公企业: E1 (community A, January, 10 staff, 单独组建), P1 (platform, community A,
    February, 20 staff), E3 (grid A, March 15, no staff count, 联合组建), E4 (community B,
    February, 7 staff, 挂靠 — work coverage only). Not counted: a closed enterprise, an
    individual business, a social organization, containers and 其他.

    商圈/楼宇 party organizations: po1 (March 10, covers a tenant of building B1), po2 (April 2,
    covers business district D2 itself and a second unit: counted once); not counted: po3 covers
    a unit in no container, po4 is only 挂靠 on a building, po5 covers a park's tenant."""
    a, grid_a, b = district["community_a"], district["grid_a"], district["community_b"]
    made = {
        "e1": org(a, employee_count=10, mode=CoverageMode.STANDALONE,
                  credit_code=E1_CODE, created_at=at(date(2026, 1, 10))),
        "p1": org(a, kind=OrgKind.PLATFORM, employee_count=20, created_at=at(date(2026, 2, 5))),
        "e3": org(grid_a, mode=CoverageMode.JOINT, created_at=at(date(2026, 3, 15), 23)),
        "e4": org(b, employee_count=7, mode=CoverageMode.AFFILIATED,
                  created_at=at(date(2026, 2, 20))),
        "closed": org(a, employee_count=5, status=OrgStatus.CLOSED,
                      created_at=at(date(2026, 1, 2))),
        "individual": org(a, kind=OrgKind.INDIVIDUAL, employee_count=3,
                          created_at=at(date(2026, 1, 2))),
        "social": org(b, kind=OrgKind.SOCIAL_ORG, employee_count=4,
                      created_at=at(date(2026, 1, 2))),
    }  # fmt: skip
    old = at(date(2025, 6, 1))
    building = org(a, kind=OrgKind.BUILDING, created_at=old)
    tenant = org(a, kind=OrgKind.OTHER, container=building, created_at=old)
    district_b = org(b, kind=OrgKind.BUSINESS_DISTRICT, created_at=old)
    second = org(b, kind=OrgKind.OTHER, created_at=old)
    loose = org(a, kind=OrgKind.OTHER, created_at=old)
    building_2 = org(b, kind=OrgKind.BUILDING, created_at=old)
    park = org(b, kind=OrgKind.PARK, created_at=old)
    park_tenant = org(b, kind=OrgKind.OTHER, container=park, created_at=old)
    po1 = party_org(a, founded_on=date(2026, 3, 10))
    po2 = party_org(b, founded_on=date(2026, 4, 2))
    covered_by(tenant, po1)
    covered_by(district_b, po2, CoverageMode.JOINT)
    covered_by(second, po2, CoverageMode.JOINT)
    covered_by(loose, party_org(a, founded_on=date(2026, 3, 20)))
    po4 = party_org(b, founded_on=date(2026, 3, 21))
    covered_by(building_2, po4, CoverageMode.AFFILIATED)
    covered_by(park_tenant, party_org(b, founded_on=date(2026, 3, 22)))
    made.update(building=building, building_2=building_2, po4=po4)

    def person(region, status, day):
        return Person.objects.create(
            name="测试人员", region=region, political_status=status, created_at=at(day)
        )

    person(a, PoliticalStatus.PARTY_FULL, date(2026, 1, 5))
    person(district["grid_b"], PoliticalStatus.PARTY_PROBATIONARY, date(2026, 3, 1))
    person(a, PoliticalStatus.MASSES, date(2026, 1, 5))
    person(a, PoliticalStatus.LEAGUE, date(2026, 2, 5))
    person(b, PoliticalStatus.PARTY_FULL, date(2026, 5, 1))
    return made


FEB = Period(date(2026, 2, 1), date(2026, 2, 28))
MARCH = Period(date(2026, 3, 1), date(2026, 3, 31))
SPRING = Period(date(2026, 3, 1), date(2026, 4, 30))
YEAR = Period(date(2026, 1, 1), date(2026, 12, 31))
STREET_A, STREET_B = "341271001", "341271002"


@pytest.mark.parametrize(
    ("code", "prefix", "period", "expected"),
    [
        ("ledger.enterprises", "", FEB, 3),  # E1, P1, E4 (stock at February's end)
        ("ledger.enterprises", "", MARCH, 4),  # + E3 (23:00 local on March 15)
        ("ledger.enterprises", STREET_A, MARCH, 3),  # E1, P1, E3 (the grid's)
        ("ledger.enterprises", STREET_B, YEAR, 1),
        ("ledger.enterprises", "", Period(date(2025, 1, 1), date(2025, 12, 31)), 0),
        ("ledger.employees", "", FEB, 37),
        ("ledger.employees", STREET_A, MARCH, 30),  # E3 has no count
        ("ledger.party_members", "", MARCH, 2),  # the member and the probationary one
        ("ledger.party_members", STREET_B, MARCH, 1),
        ("ledger.party_members", "", YEAR, 3),
        ("ledger.district_party_orgs", "", SPRING, 2),  # po1, po2 once
        ("ledger.district_party_orgs", "", MARCH, 1),
        ("ledger.district_party_orgs", STREET_B, YEAR, 1),
        ("ledger.enterprises_covered", "", FEB, 1),  # E1
        ("ledger.enterprises_covered", "", MARCH, 2),  # E1, E3 (挂靠 is not 组织覆盖)
    ],
)
def test_each_figure_equals_the_hand_count_the_raw_records_and_the_list(
    ledger, code, prefix, period, expected
):
    rollup.backfill()
    assert figures.totals([code], prefix, period).value(code) == expected
    assert figures.raw_value(code, prefix, period) == expected
    indicator = figures.get(code)
    rows = figures.records(indicator, prefix, period)
    listed = sum(r.employee_count or 0 for r in rows) if indicator.measure else rows.count()
    assert listed == expected


@pytest.mark.parametrize(
    ("prefix", "period", "expected"),
    [("", FEB, 33.3), ("", MARCH, 50.0), (STREET_A, MARCH, 66.7), (STREET_B, MARCH, 0.0)],
)
def test_the_coverage_rate_is_covered_over_units(ledger, prefix, period, expected):
    rollup.backfill()
    code = "ledger.enterprise_coverage_rate"
    assert figures.totals([code], prefix, period).value(code) == expected
    assert figures.raw_value(code, prefix, period) == expected


def test_todays_figures_equal_the_coverage_page(ledger, district_admin, street_a_staff):
    rollup.backfill()
    today = timezone.localdate()
    period = Period(today.replace(month=1, day=1), today)
    codes = ["ledger.enterprises", "ledger.enterprises_covered", "ledger.enterprise_coverage_rate"]
    for user, prefix in [(district_admin, ""), (street_a_staff, STREET_A)]:
        group = coverage_queries.coverage_summary(user).groups["non_public"]
        got = figures.totals(codes, prefix, period)
        assert got.value("ledger.enterprises") == group.units
        assert got.value("ledger.enterprises_covered") == group.organization_covered
        assert got.value("ledger.enterprise_coverage_rate") == group.organization_rate


def test_creating_and_closing_an_enterprise_moves_the_figures(ledger, district, district_admin):
    rollup.backfill()
    today = timezone.localdate()
    period = Period(today, today)
    codes = ["ledger.enterprises", "ledger.employees"]
    before = figures.totals(codes, "", period)
    data = OrganizationIn(
        kind="enterprise", name="测试新建企业", credit_code="91341200MA00000X13",
        region=district["community_b"].code, address="西关路1号", employee_count=12,
    )  # fmt: skip
    created = create_organization(data, actor=district_admin)
    assert rollup.roll_all_changes().events >= 1
    after = figures.totals(codes, "", period)
    assert after.value("ledger.enterprises") == before.value("ledger.enterprises") + 1
    assert after.value("ledger.employees") == before.value("ledger.employees") + 12

    # Closing E1 (filed in January) re-rolls its filing day: it leaves every period.
    e1 = ledger["e1"]
    closed = OrganizationIn(
        kind="enterprise", name=e1.name, region=e1.region_id, status=OrgStatus.CLOSED.value,
        employee_count=10, address="东关路2号", credit_code=E1_CODE,
    )  # fmt: skip
    update_organization(e1, closed, actor=district_admin)
    rollup.roll_all_changes()
    assert figures.totals(["ledger.enterprises"], "", FEB).value("ledger.enterprises") == 2
    assert figures.totals(codes, "", period).value("ledger.employees") == (
        before.value("ledger.employees") + 12 - 10
    )
    assert created.pk and not rollup.drift(date(2026, 1, 1), today)


def test_covering_a_building_re_rolls_its_party_organizations_founding_day(ledger, district_admin):
    rollup.backfill()
    code = "ledger.district_party_orgs"
    assert figures.totals([code], "", MARCH).value(code) == 1
    # The audit entry names the building; touched_by maps it to the party organization.
    data = CoverageIn(mode=CoverageMode.STANDALONE.value, party_org_id=ledger["po4"].pk)
    set_coverage(ledger["building_2"], data, actor=district_admin)
    assert rollup.roll_all_changes().days >= 1
    assert figures.totals([code], "", MARCH).value(code) == 2
    assert figures.totals([code], STREET_B, MARCH).value(code) == 1
