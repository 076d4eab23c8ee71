"""The demo's stations: 86 across the streets, inside the district, varied, idempotent."""

from __future__ import annotations

import time

import pytest

from shegong.core import demo
from shegong.regions.queries import locate
from shegong.stations import demo as stations_demo
from shegong.stations.models import Inspection, Station

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="seed")
    for name in ("regions", "departments", "users"):
        dict(demo.loaders())[name](ctx)
    return ctx


def test_demo_has_86_varied_stations_inside_the_district(ctx):
    started = time.perf_counter()
    assert stations_demo.load(ctx) == 86
    assert time.perf_counter() - started < 3
    stations = list(Station.objects.prefetch_related("facilities"))
    assert len(stations) == 86 and len({s.name for s in stations}) == 86
    streets = {s.region_id[:9] for s in stations}
    assert len(streets) == 6
    kinds = {s.kind for s in stations}
    assert kinds == {"warm_station", "driver_home", "outdoor_service", "party_center"}
    assert sum(s.kind == "warm_station" for s in stations) > 43
    assert any(s.schedule["always_open"] for s in stations)
    assert any(len(s.schedule["week"]["1"]) == 2 for s in stations)  # split hours
    assert any(s.schedule["week"]["7"] == [] and not s.schedule["always_open"] for s in stations)
    assert all(4 <= s.seats <= 30 and s.facilities.all() for s in stations)
    for station in stations:
        assert locate(station.lat, station.lon).region.code == station.region_id
    assert Inspection.objects.filter(resolved=False).count() == 4
    assert Inspection.objects.count() == 12


def test_demo_stations_are_idempotent(ctx):
    assert stations_demo.load(ctx) == 86
    assert stations_demo.load(ctx) == 0
    assert Station.objects.count() == 86


def test_demo_loader_is_registered_after_reports():
    names = [name for name, _ in demo.loaders()]
    assert names.index("stations") > names.index("reports")


def test_the_small_demo_registers_the_riders_with_visits_care_and_insurance(db):
    from shegong.accounts.models import User
    from shegong.core import demo
    from shegong.stations.models import Distribution, Enrollment, RoleModel, Visit, Worker

    created = demo.load("small")
    assert created["workers"] == Worker.objects.count() > 40
    rider = User.objects.get(phone="13800000010")  # the demo worker login has a profile
    assert Worker.objects.filter(person__user=rider).exists()
    assert Visit.objects.count() > 100 and Distribution.objects.count() == 30
    assert Enrollment.objects.count() == Worker.objects.count()
    assert RoleModel.objects.filter(published=True).count() == 1
    assert demo.load("small")["workers"] == 0  # idempotent
