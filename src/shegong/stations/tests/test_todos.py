"""The stations' to-do on the workbench: stations with a defect not yet 整改. The count equals
the rows of the station list its link opens, oldest defect first; another street's stations
are not counted, and a fixed defect leaves the list.

Personas: ``street_a_staff``, ``community_a_worker`` and the outsider ``street_b_staff``.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong import testing
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Inspection

pytestmark = pytest.mark.django_db


def station(name, point, **fields):
    return station_actions.create_station(
        actor=None, name=name, kind="warm_station", address=f"{name}路1号", lat=point[0],
        lon=point[1], schedule={"always_open": True}, facilities=["water"], **fields,
    )  # fmt: skip


def inspect(place, staff, *, days_ago, defects=""):
    return station_actions.record_inspection(
        place, actor=staff, inspected_on=timezone.localdate() - timedelta(days=days_ago),
        checklist=[], defects=defects, follow_up="三日内整改" if defects else "",
    )  # fmt: skip


def open_todo(client, user):
    todo = testing.todo_of(user, "stations.defects")
    assert todo is not None, "stations.defects is not shown"
    client.force_login(user)
    response = client.get(todo["url"])
    assert response.status_code == 200
    return todo["count"], response


def test_stations_with_open_defects_are_counted_as_the_list_shows_them_oldest_first(
    client, street_a_staff, community_a_worker, street_b_staff
):
    recent = station("东关暖新驿站", testing.POINT_A)
    long_ago = station("东城司机之家", (32.93, 115.75))
    fixed = station("东城户外劳动者服务站", (32.91, 115.76))
    station("东城无问题驿站", (32.92, 115.74))
    west = station("西关暖新驿站", testing.POINT_B)
    inspect(recent, street_a_staff, days_ago=2, defects="饮水机损坏")
    inspect(long_ago, street_a_staff, days_ago=20, defects="无障碍坡道缺失")
    inspect(long_ago, street_a_staff, days_ago=1, defects="照明不足")
    repaired = inspect(fixed, street_a_staff, days_ago=30, defects="桌椅破损")
    station_actions.resolve_inspection(repaired, actor=street_a_staff, resolution="已更换桌椅")
    inspect(west, street_b_staff, days_ago=5, defects="门锁损坏")

    for person in (street_a_staff, community_a_worker):
        count, response = open_todo(client, person)
        assert count == response.context["page"].paginator.count == 2
        assert [s.pk for s, _ in response.context["rows"]] == [long_ago.pk, recent.pk]
        assert response.context["counts"]["defects"] == 2

    count, response = open_todo(client, street_b_staff)
    assert count == 1 and [s.pk for s, _ in response.context["rows"]] == [west.pk]
    assert Inspection.objects.filter(resolved=False).count() == 4


def test_the_station_list_refuses_an_unknown_sort(client, street_a_staff):
    client.force_login(street_a_staff)
    response = client.get("/stations/?sort=newest")
    assert "未知的排序方式" in response.content.decode()
    assert response.context["page"].paginator.count == 0
