"""The statistics page, its export and the workbench card: the same numbers as
``queries.statistics`` (hand-built rows of test_statistics), the filter's refusals, scope."""

from __future__ import annotations

import re
from io import BytesIO

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.deliberation import cards
from shegong.deliberation.choices import MeetingKind
from shegong.deliberation.models import ActionItem, Topic
from shegong.deliberation.queries import statistics

from .test_statistics import PERIOD, build_world, meeting

PAGE = "/deliberation/statistics/"
EXPORT = "/deliberation/statistics/export/"


@pytest.fixture
def world(district, topic_category):
    return build_world(district, topic_category)


QUERY = {"start": PERIOD.start.isoformat(), "end": PERIOD.end.isoformat()}


def _value(html, key):
    found = re.search(
        rf'data-indicator="{key}"[^>]*?data-sg-value="([^"]*)"', html, re.S
    ) or re.search(rf'data-indicator="{key}".*?data-sg-value="([^"]*)"', html, re.S)
    assert found, key
    return found.group(1)


def test_page_shows_the_headline_the_figures_and_the_charts_data(client, world, district_admin):
    client.force_login(district_admin)
    html = client.get(PAGE, QUERY).content.decode()
    assert (_value(html, "collected"), _value(html, "delivered"), _value(html, "thematic")) == (
        "6", "2", "1",
    )  # fmt: skip
    assert _value(html, "adoption_rate") == "75.0" and "3 / 4" in html
    assert _value(html, "on_time_rate") == "71.4" and "5 / 7" in html
    assert _value(html, "cadence_rate") == "83.3"
    assert 'id="deliberation-chart-data"' in html and "echarts" in html
    for chart in ("chart-topics", "chart-meetings", "chart-categories", "chart-cadence"):
        assert f'id="{chart}"' in html
    assert "东关社区" in html and "西关社区" in html and "未开启" in html
    narrowed = client.get(PAGE, {**QUERY, "community": world["community_b"].code})
    assert narrowed.status_code == 200 and _value(narrowed.content.decode(), "collected") == "1"


def test_bad_filters_are_refused_with_a_message(client, world, community_a_worker):
    client.force_login(community_a_worker)
    bad = client.get(PAGE, {"start": "2025-05-02", "end": "2025-05-01"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    too_long = client.get(PAGE, {"start": "2020-01-01", "end": "2025-01-01"})
    assert too_long.status_code == 422 and "统计期不能超过 3 年" in too_long.content.decode()
    assert client.get(PAGE, {"start": "昨天"}).status_code == 422
    # a community outside the scope is not a choice
    assert client.get(PAGE, {"community": world["community_b"].code}).status_code == 422
    assert client.get(EXPORT, {"start": "2025-05-02", "end": "2025-05-01"}).status_code == 422
    assert not AuditEvent.objects.filter(verb=Verb.DELIBERATION_EXPORTED).exists()


def test_permission_and_scope(client, world, resident, street_b_staff):
    client.force_login(resident)
    assert client.get(PAGE).status_code == 403
    assert client.get(EXPORT).status_code == 403
    client.force_login(street_b_staff)
    html = client.get(PAGE, QUERY).content.decode()
    assert _value(html, "collected") == "1" and "东关社区" not in html


def test_export_is_audited_and_carries_the_figures(client, world, district_admin):
    client.force_login(district_admin)
    answer = client.get(EXPORT, QUERY)
    assert answer.status_code == 200
    rows = list(load_workbook(BytesIO(b"".join(answer.streaming_content))).active.values)
    by_label = {r[0]: r for r in rows[1:]}
    assert by_label["收集议题"][1] == 6 and by_label["落地实事"][1] == 2
    assert by_label["采纳率"][2:5] == (3, 4, 75.0)
    assert by_label["一月一会达标率"][2:5] == (5, 6, 83.3)
    assert "未开启" in by_label["社区：西关社区"][6]
    entry = AuditEvent.objects.get(verb=Verb.DELIBERATION_EXPORTED, actor=district_admin)
    assert entry.data["table"] == "deliberation_statistics"
    assert entry.data["filters"]["start"] == "2025-01-01"


def test_the_card_equals_the_queries_and_the_menu_links_the_page(client, world, district_admin):
    client.force_login(district_admin)
    home = client.get("/").content.decode()
    assert 'id="card-deliberation"' in home and "议事统计" in home
    today = timezone.localdate()
    pending = statistics.pending_topics(Topic.objects.all()).count()
    overdue = statistics.overdue_actions(ActionItem.objects.all(), today).count()
    missing = len(statistics.months_without_meeting(district_admin))
    assert (pending, overdue, missing) == (1, 4, 1)  # today, every open item is past due
    for key, number in (("pending", pending), ("overdue", overdue), ("no_meeting", missing)):
        found = re.search(rf'data-indicator="{key}"[^>]*data-sg-(?:count|value)="(\d+)"', home)
        assert found and int(found.group(1)) == number, key
    meeting(world["community_a"], MeetingKind.CONSULTATION, timezone.now())
    assert cards.summary(district_admin)["no_meeting"] == 0


def test_the_card_links_each_figure_to_its_list_once_the_list_exists(
    world, district_admin, monkeypatch
):
    # lists not installed: the figures are shown, not linked (no figure leads to a page
    # without a total)
    data = cards.summary(district_admin)
    monkeypatch.setattr(cards, "reverse", lambda name: f"/{name.replace(':', '/')}/")
    linked = cards.summary(district_admin)
    assert linked["pending_url"] == "/deliberation/topics/?status=pending"
    assert linked["overdue_url"] == "/deliberation/actions/?overdue=1"
    assert linked["no_meeting_url"] == "/deliberation/cadence_missing/"
    assert (data["pending"], data["overdue"], data["no_meeting"]) == (1, 4, 1)


def test_a_resident_gets_no_card(world, resident):
    assert cards.summary(resident) is None


def test_the_no_meeting_figure_leads_to_the_list_of_those_communities(
    client, world, district_admin, resident
):
    client.force_login(district_admin)
    home = client.get("/").content.decode()
    found = re.search(r'href="([^"]+)" data-indicator="no_meeting" data-sg-count="(\d+)"', home)
    assert found and found.group(2) == "1"
    listing = client.get(found.group(1)).content.decode()
    assert 'data-sg-total="1"' in listing
    assert "东关社区" in listing and "2025-08-12" in listing  # its latest meeting (thematic)
    assert "西关社区" not in listing  # its cadence is off
    meeting(world["community_a"], MeetingKind.CONSULTATION, timezone.now())
    listing = client.get(found.group(1)).content.decode()
    assert 'data-sg-total="0"' in listing and "本月各社区都已召开议事会" in listing
    client.force_login(resident)
    assert client.get(found.group(1)).status_code == 403


API = "/api/v1/deliberation/statistics"


def test_the_api_gives_the_same_figures_scoped(client, world, district_admin, street_b_staff):
    client.force_login(district_admin)
    answer = client.get(API, QUERY)
    assert answer.status_code == 200
    body = answer.json()
    assert body["headline"] == "收集议题 6 项 · 落地实事 2 件 · 专题议事 1 场"
    rows = {row["key"]: row for row in body["indicators"]}
    assert (rows["adoption_rate"]["numerator"], rows["adoption_rate"]["denominator"]) == (3, 4)
    assert rows["cadence_rate"]["rate"] == 83.3
    assert body["meetings_by_month"] == [2, 1, 1, 1, 1, 0]
    client.force_login(street_b_staff)
    theirs = client.get(API, QUERY).json()
    assert [row["name"] for row in theirs["by_community"]] == ["西关社区"]
    assert "东关社区" not in str(theirs)


def test_the_api_refuses_bad_filters_with_the_field(client, world, community_a_worker, resident):
    client.force_login(community_a_worker)
    bad = client.get(API, {"start": "2025-05-02", "end": "2025-05-01"})
    assert bad.status_code == 422 and "结束日期不能早于开始日期" in bad.content.decode()
    assert bad.json()["errors"][0]["field"] == "end"
    other = client.get(API, {"community": world["community_b"].code})
    assert other.status_code == 422 and other.json()["errors"][0]["field"] == "community"
    assert client.get(API, {"start": "昨天"}).status_code == 422
    client.force_login(resident)
    assert client.get(API).status_code == 403
