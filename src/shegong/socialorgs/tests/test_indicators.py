"""The social organizations' dashboard figures (``socialorgs.indicators``) on hand-built data:
each equals the hand-counted number, the raw records, the drill-down and the figure of the same
name on the statistics page; an action moves the figure at the next incremental step."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from shegong.core.periods import Period
from shegong.dashboard import figures, rollup
from shegong.socialorgs import inspections
from shegong.socialorgs.models import (
    AnnualReport,
    Application,
    DormantCase,
    Election,
    FundraisingApplication,
    Lead,
    Penalty,
    ScreeningRound,
    ScreeningVisit,
)
from shegong.socialorgs.workbench import indicators as stats_indicators

from .inspection_helpers import concluded, open_year, org

pytestmark = pytest.mark.django_db

YEAR = 2025
Y = Period(date(YEAR, 1, 1), date(YEAR, 12, 31))
STREET_A, STREET_B = "341271001", "341271002"


@pytest.fixture
def orgs(registrar, org_data, district):
    """Five organizations: 1–3 in community A (street A), 4 in community B (street B), 5 a
    social-service organization in A registered in 2025 (after the year's cut-off: no report)."""
    a, b = district["community_a"].code, district["community_b"].code
    made = {
        1: org(org_data, 1, region=a, registered_on="2025-02-01"),
        2: org(org_data, 2, region=a),
        3: org(org_data, 3, region=a),
        4: org(org_data, 4, region=b),
    }
    made[5] = org(org_data, 5, region=a, org_type="service", registered_on="2025-11-20")
    return made


@pytest.fixture
def inspected(orgs, registrar, district):
    """2025 opened: orgs 1–4 required. 1 合格, 2 基本合格, 4 不合格 (bulk, as the rate reads
    conclusions only), 3 not concluded yet; a planless 2024 report of org 5 never counts."""
    open_year(district, YEAR, registrar)
    reports = {r.social_org_id: r for r in AnnualReport.objects.filter(year=YEAR)}
    assert set(reports) == {orgs[n].pk for n in (1, 2, 3, 4)}
    for n, conclusion in ((1, "pass"), (2, "basic"), (4, "fail")):
        AnnualReport.objects.filter(pk=reports[orgs[n].pk].pk).update(
            conclusion=conclusion, state="concluded"
        )
    AnnualReport.objects.create(social_org=orgs[5], year=2024, conclusion="pass")
    return reports


def _value(code: str, prefix: str = "", period: Period = Y) -> float | None:
    return figures.totals([code], prefix, period).value(code)


def _stats(key: str, user, year: int = YEAR):
    indicator = stats_indicators.get(key)
    assert indicator is not None
    return indicator.value(user, year)


def test_inspection_rate_counts_the_years_required_set_on_its_12_31(inspected, orgs, registrar):
    rollup.backfill()
    assert _value("socialorgs.inspection_required") == 4
    assert _value("socialorgs.inspection_completed") == 3
    assert _value("socialorgs.inspection_rate") == 75.0
    assert inspections.inspection_rate(registrar, YEAR) == (3, 4)  # the statistics page's
    by_street = figures.totals(["socialorgs.inspection_rate"], "", Y, by="street")
    assert by_street.value("socialorgs.inspection_rate", STREET_A) == 66.7  # 2 of 3
    assert by_street.value("socialorgs.inspection_rate", STREET_B) == 100.0
    # The cohort day is 12-31: a period holding it has the year, one without it has none.
    last_day = Period(date(YEAR, 12, 31), date(YEAR, 12, 31))
    assert _value("socialorgs.inspection_rate", "", last_day) == 75.0
    for code, expected in (
        ("socialorgs.inspection_required", 4.0),
        ("socialorgs.inspection_completed", 3.0),
        ("socialorgs.inspection_rate", 75.0),
    ):
        assert figures.raw_value(code, "", Y) == expected
    completed = figures.records(figures.get("socialorgs.inspection_completed"), STREET_A, Y)
    assert sorted(r.social_org_id for r in completed) == [orgs[1].pk, orgs[2].pk]
    assert not rollup.drift(date(2024, 1, 1), date(YEAR, 12, 31))


def test_the_period_without_the_cohort_day_has_no_rate(inspected):
    rollup.backfill()
    before = Period(date(YEAR, 1, 1), date(YEAR, 12, 30))
    assert _value("socialorgs.inspection_rate", "", before) is None
    assert figures.raw_value("socialorgs.inspection_rate", "", before) is None
    assert (
        _value("socialorgs.inspection_rate", "", Period(date(2026, 1, 1), date(2026, 6, 30)))
        is None
    )


def test_concluding_a_report_moves_the_rate_at_the_next_step(inspected, orgs):
    rollup.backfill()
    assert _value("socialorgs.inspection_rate") == 75.0
    concluded(AnnualReport.objects.get(social_org=orgs[3], year=YEAR), "pass")
    step = rollup.roll_all_changes()
    assert step.events >= 1 and step.days >= 1
    assert _value("socialorgs.inspection_completed") == 4
    assert _value("socialorgs.inspection_rate") == 100.0
    assert not rollup.drift(date(YEAR, 1, 1), date(YEAR, 12, 31))


@pytest.fixture
def events(orgs):
    """Registration events: approved applications counted by their 核准日期, penalties by
    their decision date; drafts, other years and other penalty kinds never count."""

    def application(n, kind, state="approved", decided_on=date(YEAR, 3, 1)):
        return Application.objects.create(
            social_org=orgs[n],
            kind=kind,
            state=state,
            decided_on=decided_on if state == "approved" else None,
        )

    application(1, "renewal")
    application(2, "renewal", decided_on=date(2024, 12, 31))  # last year
    application(2, "change", decided_on=date(YEAR, 4, 2))
    application(4, "change", decided_on=date(YEAR, 12, 31))
    application(3, "change", state="submitted")  # not decided
    application(4, "deregistration", decided_on=date(YEAR, 6, 1))

    def penalty(n, kind, decided_on):
        return Penalty.objects.create(
            social_org=orgs[n],
            kind=kind,
            ground="g",
            article="《社会团体登记管理条例》",
            decision_number=f"民罚{n}{kind}",
            decided_on=decided_on,
        )

    penalty(3, "cancellation", date(YEAR, 7, 1))
    penalty(2, "warning", date(YEAR, 7, 1))


@pytest.mark.parametrize(
    ("code", "stats_key", "whole", "street_a"),
    [
        ("socialorgs.registered", "records.registered", 2, 2),
        ("socialorgs.renewals", "renewals", 1, 1),
        ("socialorgs.changes", "changes", 2, 1),
        ("socialorgs.deregistrations", "deregistrations", 1, 0),
        ("socialorgs.cancellations", "cancellations", 1, 1),
    ],
)
def test_registration_events_by_kind(events, registrar, code, stats_key, whole, street_a):
    rollup.backfill()
    assert _value(code) == whole
    assert _value(code, STREET_A) == street_a
    assert figures.raw_value(code, "", Y) == whole
    assert figures.records(figures.get(code), STREET_A, Y).count() == street_a
    indicator = stats_indicators.get(stats_key)
    assert indicator is not None
    got = (
        indicator.value(registrar, YEAR, "") if indicator.regional else _stats(stats_key, registrar)
    )
    assert got == whole  # the statistics page's figure


@pytest.fixture
def elections_and_dormant(orgs):
    Election.objects.create(
        social_org=orgs[1], opened_on=date(YEAR, 1, 5), completed_on=date(YEAR, 5, 5)
    )
    Election.objects.create(
        social_org=orgs[4], opened_on=date(YEAR, 2, 5), completed_on=date(YEAR, 9, 9)
    )
    Election.objects.create(social_org=orgs[2], opened_on=date(YEAR, 3, 1))  # still open
    Election.objects.create(
        social_org=orgs[5], opened_on=date(YEAR, 11, 25), completed_on=date(YEAR, 12, 1)
    )  # a 社会服务机构: not counted
    DormantCase.objects.create(
        social_org=orgs[2],
        opened_on=date(YEAR, 1, 1),
        state="cleared",
        outcome="cancelled",
        closed_on=date(YEAR, 8, 1),
    )
    DormantCase.objects.create(
        social_org=orgs[3],
        opened_on=date(YEAR, 1, 1),
        state="rectified",
        closed_on=date(YEAR, 9, 1),
    )
    DormantCase.objects.create(social_org=orgs[4], opened_on=date(YEAR, 1, 1), state="rectifying")
    DormantCase.objects.create(
        social_org=orgs[4],
        opened_on=date(2024, 1, 1),
        state="cleared",
        outcome="deregistered",
        closed_on=date(2024, 6, 1),
    )


def test_elections_and_dormant_cleared(elections_and_dormant, registrar):
    rollup.backfill()
    assert _value("socialorgs.elections") == 2
    assert _value("socialorgs.elections", STREET_B) == 1
    assert _stats("elections_completed", registrar) == 2
    assert _value("socialorgs.dormant_cleared") == 2
    assert (
        _value("socialorgs.dormant_cleared", "", Period(date(2024, 1, 1), date(YEAR, 12, 31))) == 3
    )
    assert _stats("dormant_cleared", registrar) == 2
    for code, expected in (("socialorgs.elections", 2), ("socialorgs.dormant_cleared", 2)):
        assert figures.raw_value(code, "", Y) == expected
        assert figures.records(figures.get(code), "", Y).count() == expected


@pytest.fixture
def screening(district):
    a, b = district["community_a"], district["community_b"]
    rnd = ScreeningRound.objects.create(
        name="第一轮排查",
        starts_on=date(YEAR, 3, 1),
        ends_on=date(YEAR, 3, 31),
        region=district["district"],
    )

    def visit(region, on):
        ScreeningVisit.objects.create(
            round=rnd,
            visited_on=on,
            place="某小区会所",
            findings="未发现活动",
            visitors="甲、乙",
            region=region,
        )

    visit(a, date(YEAR, 3, 2))
    visit(a, date(YEAR, 3, 3))
    visit(b, date(YEAR, 3, 4))
    visit(b, date(2024, 12, 30))  # last year

    def lead(region, outcome, losses, outcome_on=date(YEAR, 6, 1)):
        Lead.objects.create(
            source="report",
            org_name="某虚构协会",
            place="某处",
            description="疑似非法募捐",
            received_on=date(YEAR, 2, 1),
            region=region,
            outcome=outcome,
            outcome_on=outcome_on if outcome else None,
            losses_recovered=Decimal(losses),
        )

    lead(a, "banned", "60000")
    lead(b, "referred", "45000.50")
    lead(a, "banned", "0")  # nothing recovered
    lead(a, "", "9999")  # not closed yet
    lead(b, "banned", "1000", outcome_on=date(2024, 5, 1))  # last year


def test_screening_visits_and_losses_recovered(screening, registrar):
    rollup.backfill()
    assert _value("socialorgs.screening_visits") == 3
    assert _value("socialorgs.screening_visits", STREET_A) == 2
    assert _stats("screening.visits", registrar) == 3
    assert _value("socialorgs.losses_recovered") == 105000.5
    assert _value("socialorgs.losses_recovered", STREET_A) == 60000
    assert figures.raw_value("socialorgs.losses_recovered", "", Y) == 105000.5
    assert _stats("screening.recovered", registrar) == 105000
    assert figures.records(figures.get("socialorgs.losses_recovered"), "", Y).count() == 2


def test_fundraising_granted(orgs):
    for n, state, decided_on in (
        (1, "granted", date(YEAR, 5, 1)),
        (2, "refused", date(YEAR, 5, 1)),
        (4, "granted", date(2024, 5, 1)),
        (3, "pending", None),
    ):
        FundraisingApplication.objects.create(
            social_org=orgs[n],
            filed_on=date(2024, 4, 1),
            due_on=date(2024, 4, 21),
            state=state,
            decided_on=decided_on,
        )
    rollup.backfill()
    assert _value("socialorgs.fundraising_granted") == 1
    assert _value("socialorgs.fundraising_granted", "", Period(date(2024, 1, 1), Y.end)) == 2
    assert figures.raw_value("socialorgs.fundraising_granted", "", Y) == 1


def test_every_indicator_is_complete():
    from shegong.core import registry

    mine = [i for i in registry.indicators if i.code.startswith("socialorgs.")]
    assert len(mine) == 13
    for indicator in mine:
        assert indicator.section == "socialorgs" and indicator.perm is not None
        assert indicator.definition and "{value}" in indicator.sentence
        assert indicator.kind == "rate" or indicator.columns
