"""Builders for the visit tests: stations, and workers made directly (a ledger Person linked to
a login of role WORKER, with a Worker profile)."""

from __future__ import annotations

from typing import Any

from shegong import testing
from shegong.core.perms import Role
from shegong.ledger.tests.records_fixtures import person
from shegong.stations.actions import stations as station_actions
from shegong.stations.models import Station, Worker

ALWAYS = {"always_open": True}


def station(name: str, point: tuple[float, float], facilities=("water", "charging")) -> Station:
    return station_actions.create_station(
        actor=None, name=name, kind="warm_station", address=f"{name}路1号",
        lat=point[0], lon=point[1], schedule=ALWAYS, facilities=list(facilities),
    )  # fmt: skip


def worker(region: Any, name: str = "骑手小王") -> Worker:
    account = testing.user(Role.WORKER, region, name=name)
    profile = person(region, name)
    profile.user = account
    profile.save(update_fields=["user"])
    return Worker.objects.create(person=profile, kind="courier", region=region)
