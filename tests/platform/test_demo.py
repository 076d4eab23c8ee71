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


def test_it_is_deterministic(db):
    from random import Random

    first = region_rows("seed", Random(demo.SEED))
    second = region_rows("seed", Random(demo.SEED))
    assert [(r.code, r.name, r.boundary) for r in first] == [
        (r.code, r.name, r.boundary) for r in second
    ]


def test_the_small_demo_district(db, capsys):
    """One load of the small demo (through the command, as a person runs it) checked from every
    side: the loading is the slow part, so it happens once here."""
    from django.db import connection

    call_command("loaddemo", "--size", "small")

    # the command prints the logins
    out = capsys.readouterr().out
    assert "角色" in out and "手机号" in out and "密码" in out and "工作范围" in out
    assert "13800000002" in out and demo.PASSWORD in out
    assert "示范区东城街道" in out

    # it leaves fresh planner statistics (ANALYZE), instead of planning for empty tables until
    # autovacuum comes round
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'regions_region'")
        else:
            cursor.execute("SELECT count(*) FROM sqlite_stat1 WHERE tbl = 'regions_region'")
        assert cursor.fetchone()[0] > 0

    # every point of the district is located in a grid
    for lat in (32.851, 32.9, 32.97, 33.049):
        for lon in (115.701, 115.76, 115.83, 115.949):
            assert locate(lat, lon).region.level == "grid", (lat, lon)

    # one login per role, none of which needs a password change
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

    # the people are fake but valid
    people = User.objects.exclude(is_superuser=True)
    assert {u.name for u in people} <= set(demo.FAKE_NAMES)
    for person in people:
        assert validate_id_number(person.id_number).startswith("341202")

    # the departments exist
    codes = set(Department.objects.values_list("code", flat=True))
    assert {"cgj", "scjg", "zjj", "jj", "yjj", "rsj", "jyj", "wy", "dispatch"} <= codes

    # one set of social organizations: the registry's demo registered the ledger's census rows
    # (51/52 codes) rather than filing a second set beside them
    from shegong.ledger.models import Organization
    from shegong.socialorgs.models import SocialOrg

    census = Organization.objects.filter(kind="social_org", employee_count__isnull=False)
    assert census.exists()
    assert SocialOrg.objects.filter(organization__in=census).exists()
    left = census.filter(social_org__isnull=True)
    assert all(row.credit_code[:2] not in ("51", "52") for row in left) or (
        SocialOrg.objects.count() == 10  # the small registry is full: the rest wait for 建档
    )

    # loading twice adds nothing and audits once
    counts = (Region.objects.count(), User.objects.count(), Department.objects.count())
    again = demo.load("small")
    assert set(again.values()) == {0}
    assert (Region.objects.count(), User.objects.count(), Department.objects.count()) == counts
    assert AuditEvent.objects.filter(verb=Verb.DEMO_LOADED).count() == 1
