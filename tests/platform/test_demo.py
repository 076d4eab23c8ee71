"""The demo district: shape, logins, determinism, idempotence."""

from __future__ import annotations

from django.core.management import call_command

from shegong.accounts.demo import DEMO_LOGINS
from shegong.accounts.models import Department, User
from shegong.core import demo
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.core.pii import validate_id_number
from shegong.regions.demo import load_regions, region_rows
from shegong.regions.models import Region
from shegong.regions.queries import locate


def test_the_seed_district_has_six_streets_about_forty_communities_and_grids(db):
    load_regions(demo.DemoContext(size="seed"))  # the regions only: the rest is slow
    district = Region.objects.get(code="341271000000")
    assert district.name == "示范区"
    streets = Region.objects.filter(level="street").order_by("code")
    assert [s.code for s in streets] == [f"341271{i:03d}000" for i in range(1, 7)]
    assert all(s.name.endswith("街道") for s in streets)
    communities = Region.objects.filter(level="community")
    assert 38 <= communities.count() <= 42
    assert all(c.name.endswith("社区") and c.boundary for c in communities)
    for community in communities:
        grids = Region.objects.filter(parent=community, level="grid")
        assert 2 <= grids.count() <= 4
        assert all(g.code.startswith(community.code) and g.boundary for g in grids)


def test_every_point_of_the_district_is_located_in_a_grid(db):
    demo.load("small")
    for lat in (32.851, 32.9, 32.97, 33.049):
        for lon in (115.701, 115.76, 115.83, 115.949):
            assert locate(lat, lon).region.level == "grid", (lat, lon)


def test_it_is_deterministic(db):
    from random import Random

    first = region_rows("seed", Random(demo.SEED))
    second = region_rows("seed", Random(demo.SEED))
    assert [(r.code, r.name, r.boundary) for r in first] == [
        (r.code, r.name, r.boundary) for r in second
    ]


def test_there_is_one_login_per_role_that_needs_no_password_change(db):
    demo.load("small")
    roles = {m.role for u in User.objects.all() for m in u.memberships.all()}
    assert roles == set(Role.values)
    for login in DEMO_LOGINS:
        user = User.objects.get(phone=login.phone)
        assert user.check_password(demo.PASSWORD), login
        assert not user.must_change_password
    assert User.objects.get(phone="13800000000").is_superuser
    handler = User.objects.get(phone="13800000005").memberships.get()
    assert handler.department.name == "城管局"
    worker = User.objects.get(phone="13800000004").memberships.get()
    assert worker.region.code.startswith("341271001") and worker.region.level == "community"
    staff_b = User.objects.get(phone="13800000003").memberships.get()
    assert staff_b.region.code == "341271002000"


def test_demo_people_are_fake_but_valid(db):
    demo.load("small")
    people = User.objects.exclude(is_superuser=True)
    assert {u.name for u in people} <= set(demo.FAKE_NAMES)
    for person in people:
        assert validate_id_number(person.id_number).startswith("341202")


def test_the_departments_exist(db):
    demo.load("small")
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"cgj", "scjg", "zjj", "jj", "yjj", "rsj", "jyj", "wy", "dispatch"} <= codes


def test_loading_twice_adds_nothing_and_audits_once(db):
    first = demo.load("small")
    counts = (Region.objects.count(), User.objects.count(), Department.objects.count())
    second = demo.load("small")
    assert first["regions"] > 0 and first["users"] == len(DEMO_LOGINS)
    assert set(second.values()) == {0}
    assert (Region.objects.count(), User.objects.count(), Department.objects.count()) == counts
    assert AuditEvent.objects.filter(verb=Verb.DEMO_LOADED).count() == 1


def test_the_command_prints_the_logins(db, capsys):
    call_command("loaddemo", "--size", "small")
    out = capsys.readouterr().out
    assert "角色" in out and "手机号" in out and "密码" in out and "工作范围" in out
    assert "13800000002" in out and demo.PASSWORD in out
    assert "示范区东城街道" in out


def test_the_command_leaves_fresh_planner_statistics(db):
    """After a load the planner knows the tables' sizes (ANALYZE), instead of planning for
    empty tables until autovacuum comes round."""
    from django.db import connection

    call_command("loaddemo", "--size", "small")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'regions_region'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'regions_region'")
        assert cursor.fetchone()[0] > 0
