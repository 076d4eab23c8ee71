"""§7 party building of social organizations: 党建入章 from the latest charter, the ledger's
instructors and visits (read, not copied), 应建未建 by the ledger's rule; the page, the 党建
card, the worklists and the figures on hand-built data."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.actions import guidance
from shegong.ledger.models import Employment, Person
from shegong.socialorgs import screening_queries as sq
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.workbench import indicators

TODAY = date.today()


@pytest.fixture
def orgs(registrar, org_data, district):
    """Four organizations: a (party in its latest charter), b (dropped it in a later
    version), c (no charter), d (party, but deregistered)."""
    made = {}
    for n, key in enumerate("abcd", start=1):
        made[key] = records.register_social_org(
            org_data(
                name=f"东关协会{key}", credit_code=credit_code("association", "341271", n),
                registration_number=f"皖民证字第0000{n}号",
            ),
            actor=registrar,
        )  # fmt: skip
    records.add_charter_version(
        made["a"], {"version_date": "2021-01-01", "party_building": True,
                    "party_building_on": "2021-01-01"}, actor=registrar,
    )  # fmt: skip
    records.add_charter_version(
        made["b"], {"version_date": "2020-01-01", "party_building": True,
                    "party_building_on": "2020-01-01"}, actor=registrar,
    )  # fmt: skip
    records.add_charter_version(made["b"], {"version_date": "2022-01-01"}, actor=registrar)
    records.add_charter_version(
        made["d"], {"version_date": "2021-01-01", "party_building": True,
                    "party_building_on": "2021-01-01"}, actor=registrar,
    )  # fmt: skip
    records.change_status(made["d"], "deregistered", legal_basis="注销登记", actor=registrar)
    return made


def test_party_charter_lists(registrar, orgs):
    assert list(sq.party_charter_list(registrar, sq.PARTY_WITH)) == [orgs["a"]]
    assert set(sq.party_charter_list(registrar, sq.PARTY_WITHOUT)) == {orgs["b"], orgs["c"]}
    assert sq.guidance_of(orgs["b"])["party_building"] is False


def test_the_charter_action_keeps_the_latest_charters_flag(registrar, orgs):
    def flags():
        return {
            key: type(so).objects.get(pk=so.pk).charter_party_building for key, so in orgs.items()
        }

    assert flags() == {"a": True, "b": False, "c": False, "d": True}
    # an older version recorded later does not override the latest
    records.add_charter_version(
        orgs["b"], {"version_date": "2019-01-01", "party_building": True,
                    "party_building_on": "2019-01-01"}, actor=registrar,
    )  # fmt: skip
    assert flags()["b"] is False
    records.add_charter_version(
        orgs["c"], {"version_date": "2023-05-01", "party_building": True,
                    "party_building_on": "2023-05-01"}, actor=registrar,
    )  # fmt: skip
    assert flags()["c"] is True
    assert set(sq.party_charter_list(registrar, sq.PARTY_WITH)) == {orgs["a"], orgs["c"]}


def test_the_charter_figures_are_the_lists_totals(registrar, orgs):
    records.change_status(orgs["c"], "suspended", legal_basis="限期停止活动", actor=registrar)
    figures = sq.charter_figures(registrar, "normal")
    for which in (sq.PARTY_WITH, sq.PARTY_WITHOUT):
        assert figures[which] == sq.party_charter_list(registrar, which).count()
        listed = sq.party_charter_list(registrar, which, status="normal")
        assert figures[f"{which}_status"] == listed.count()
    assert (figures["with"], figures["without"], figures["without_status"]) == (1, 2, 1)


def test_instructors_and_guided_orgs(registrar, orgs, district):
    one = testing.user(Role.PARTY_INSTRUCTOR, district["district"], name="指导员甲")
    two = testing.user(Role.PARTY_INSTRUCTOR, district["district"], name="指导员乙")
    for instructor, key in [(one, "a"), (one, "b"), (two, "b")]:
        guidance.assign_instructor(orgs[key].organization, instructor, actor=None)
    ended = guidance.assign_instructor(orgs["c"].organization, two, actor=None)
    guidance.end_instructor_assignment(ended, actor=None)
    guidance.record_visit(orgs["a"].organization, actor=one, visited_on=TODAY, topic="党建指导")
    guidance.record_visit(
        orgs["a"].organization, actor=one, visited_on=TODAY, topic="回访", round=2
    )
    assert sq.instructor_figures(registrar) == (2, 2)
    guided = {so.pk: so.n_guidance_visits for so in sq.guided_orgs(registrar)}
    assert guided == {orgs["a"].pk: 2, orgs["b"].pk: None}
    assert sorted(r["orgs"] for r in sq.instructors(registrar)) == [1, 2]
    panel = sq.guidance_of(orgs["a"])
    assert panel["visits"] == 2 and panel["by_round"] == [(1, 1), (2, 1)]
    assert panel["instructors"] == [one.name_masked]


def test_should_establish_reuses_the_ledger_rule(registrar, orgs, district):
    org = orgs["c"].organization
    for index in range(3):
        person = Person.objects.create(
            name=f"党员{index}", region=district["community_a"], political_status="party_full"
        )
        Employment.objects.create(person=person, organization=org)
    assert list(sq.should_establish(registrar)) == [orgs["c"]]
    todo = testing.todo_of(registrar, "socialorgs.party_should_establish")
    assert todo["count"] == 1


def test_party_page_figures_equal_lists(client, registrar, orgs):
    client.force_login(registrar)
    url = reverse("socialorgs:party")
    html = client.get(url).content.decode()
    assert 'data-sg-count="1"' in html and 'data-sg-total="1"' in html and "东关协会a" in html
    assert 'id="party-chart-data"' in html and "<style" not in html
    html = client.get(url, {"show": "without"}).content.decode()
    assert 'data-sg-total="2"' in html and "东关协会b" in html and "东关协会d" not in html
    todo = testing.todo_of(registrar, "socialorgs.party_unchartered")
    assert todo["count"] == 2
    assert 'data-sg-total="2"' in client.get(todo["url"]).content.decode()
    for show in ["instructors", "guided", "should_establish"]:
        html = client.get(url, {"show": show}).content.decode()
        assert 'data-sg-total="0"' in html and "暂无" in html


def test_party_card_on_the_org_page(client, registrar, orgs):
    client.force_login(registrar)
    html = client.get(reverse("socialorgs:detail", args=[orgs["a"].pk])).content.decode()
    assert 'id="party-panel"' in html and "已写入（2021-01-01）" in html
    html = client.get(reverse("socialorgs:detail", args=[orgs["b"].pk])).content.decode()
    assert "最新章程未写入" in html


def test_indicators(registrar, orgs, district):
    one = testing.user(Role.PARTY_INSTRUCTOR, district["district"], name="指导员甲")
    guidance.assign_instructor(
        orgs["a"].organization, one, actor=None, started_on=TODAY - timedelta(days=3)
    )
    found = {i.key: i for i in indicators}
    assert found["party.chartered"].value(registrar, TODAY.year) == 1
    assert found["party.instructors"].value(registrar, TODAY.year) == 1
    assert found["party.guided"].value(registrar, TODAY.year) == 1
    assert found["screening.rounds"].value(registrar, TODAY.year) == 0
    assert found["screening.recovered"].url(2025) == (
        reverse("socialorgs:screening_leads") + "?year=2025&recovered=1"
    )
    assert all(i.definition for i in found.values() if i.key.startswith(("party.", "screening.")))
