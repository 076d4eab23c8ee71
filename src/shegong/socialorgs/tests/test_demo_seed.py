"""The seed-size social-organization demo, loaded once: every figure of the seed document comes
out exactly through the registered statistics indicators (``workbench.indicators``, each for its
year), each indicator's list shows the same total, and the closures counted by status agree with
the events (21 注销, 2 撤销 of the dormant clean-up's 32 cleared).

One test with many checks (the seed load is the slow part, ~170 organizations through the
actions); every mismatch is collected and reported together. The small-size demo tests stay in
each part's own module."""

from __future__ import annotations

import re
from datetime import date

from shegong.core.demo import DemoContext
from shegong.socialorgs import demo, inspections
from shegong.socialorgs import screening_queries as sq
from shegong.socialorgs.demo import charity as charity_demo
from shegong.socialorgs.demo import election as election_demo
from shegong.socialorgs.demo import events as events_demo
from shegong.socialorgs.demo import screening as screening_demo
from shegong.socialorgs.models import (
    CharityFinancials,
    DormantCase,
    FundraisingApplication,
    SocialOrg,
)
from shegong.socialorgs.workbench import indicators

TOTAL = re.compile(r'data-sg-total="(\d+)"')

# indicator key → (the seed's figure, which year: "report" = report_year(), "this" = the next)
SEED_FIGURES: dict[str, tuple[object, str]] = {
    "inspection_rate": ((89, 99), "report"),
    "renewals": (13, "this"),
    "changes": (38, "this"),
    "cancellations": (2, "this"),
    "deregistrations": (21, "this"),
    "records.deregistered": (21, "this"),  # by status and closed_on
    "records.cancelled": (2, "this"),
    "elections_completed": (36, "this"),
    "dormant_cleared": (32, "this"),
    "charity.audited": (4, "report"),
    "charity.flagged": (1, "report"),
    "screening.rounds": (3, "this"),
    "screening.visits": (34, "this"),
    "screening.interviews": (5, "this"),
    "screening.recovered": (103500, "this"),
    "party.chartered": (103, "this"),
    "party.instructors": (8, "this"),
    "party.guided": (16, "this"),
}
# The list an indicator links to counts rows, not the figure, for these: the numerator's list
# for the rate, the leads that recovered money for the amount.
LIST_TOTALS = {"inspection_rate": 89, "screening.recovered": 2}


def _list_total(client, url: str) -> int | None:
    response = client.get(url)
    assert response.status_code == 200, url
    found = TOTAL.search(response.content.decode())
    return int(found.group(1)) if found else None


def test_the_seed_demo_reproduces_the_seed_figures(district, registrar, client):
    ctx = DemoContext(size="seed")
    ctx.region = lambda scope: district["district"]  # type: ignore[method-assign]
    assert demo.load(ctx) == demo.COUNTS["seed"] == 170
    years = {"report": demo.report_year(), "this": demo.report_year() + 1}
    client.force_login(registrar)
    by_key = {i.key: i for i in indicators}
    wrong: list[str] = []
    for key, (expected, which) in SEED_FIGURES.items():
        indicator = by_key[key]
        year = years[which]
        value = indicator.value(registrar, year)
        if value != expected:
            wrong.append(f"{key}: {value} != {expected}")
        assert indicator.url is not None, key
        listed = _list_total(client, indicator.url(year))
        want = LIST_TOTALS.get(key, expected)
        if listed != want:
            wrong.append(f"{key} list {indicator.url(year)}: {listed} != {want}")
    # the rate's denominator: the report year's required set
    required = _list_total(client, inspections.list_url(year=years["report"], required=1))
    if required != 99:
        wrong.append(f"inspection_rate required list: {required} != 99")
    assert wrong == []

    # One story: the year's closures are the dormant clean-up's, each closed once.
    this_year = years["this"]
    closed = SocialOrg.objects.filter(closed_on__year=this_year)
    assert closed.filter(status="deregistered").count() == 21
    assert closed.filter(status="cancelled").count() == 2
    assert closed.count() == 23
    dormant = {so.pk for so in demo.pool(ctx, "dormant")}
    assert set(closed.values_list("pk", flat=True)) <= dormant
    cases = DormantCase.objects.filter(social_org__in=dormant)
    assert cases.count() == 32
    assert all(c.closed_on and c.closed_on <= date(this_year, 5, 31) for c in cases)
    outcomes = sorted((c.state, c.outcome) for c in cases)
    assert outcomes.count(("cleared", "deregistered")) == 21
    assert outcomes.count(("cleared", "cancelled")) == 2
    assert outcomes.count(("rectified", "")) == 9
    for case in cases.filter(outcome="cancelled"):
        assert case.announcement is not None and case.notice_ends_on is not None
        assert case.notice_ends_on <= case.closed_on  # the 60-day 公告 ended first
    rectified_orgs = cases.filter(state="rectified").values("social_org")
    rectified = SocialOrg.objects.filter(pk__in=rectified_orgs)
    assert set(rectified.values_list("status", flat=True)) == {"normal"}

    # the seed's figures as the part modules state them, and nothing is added a second time
    assert events_demo.TARGETS["seed"] == {
        "renewal": 13, "change": 38, "cancellation": 2, "deregistration": 21,
    }  # fmt: skip
    assert election_demo.ELECTIONS["seed"] == 36
    assert screening_demo.PARTY["seed"] == {"chartered": 103, "instructors": 8, "orgs": 16}
    assert sq.year_figures(registrar, this_year)["recovered_cases"] == 2
    assert FundraisingApplication.objects.filter(state="granted").count() == 2
    # the charities' audited figures came with their annual reports (the one source)
    audited = CharityFinancials.objects.filter(year=years["report"], audited=True)
    assert set(audited.values_list("source", flat=True)) == {"report"}
    assert all(fin.report.attachments.filter(kind="audit").exists() for fin in audited)
    assert CharityFinancials.objects.filter(flagged=True).count() == 1  # in any year
    assert demo.load(ctx) == 0
    assert charity_demo.load(ctx) == 0
