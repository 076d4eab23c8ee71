"""Benchmark: the coverage summary (应建尽建 dashboard) of a whole district.

``shegong bench ledger_coverage [--size N]`` builds a throwaway district (6 streets × 4
communities × 3 grids) under the demo city with N organizations — a realistic mix of kinds,
sizes and coverage modes, about 14 employees per organization of whom ~7 % are party members
(the seed report: 2,063 enterprises, 29,000 employees, 2,133 members) — by bulk inserts, then
times ``queries.coverage_summary`` as the district's administrator sees it against the floor, a
plain ``count(*)`` of the same organizations. Target: under 100 ms for N = 2,000. It reports
the medians and the number of SQL queries of one summary, which must not grow with N.
Everything it wrote is deleted afterwards.

The district is its own (code 341298…), not the demo district, so the figures are for exactly
N organizations even in a database that already holds the demo ledger.
"""

from __future__ import annotations

import random
import statistics
import time

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

PROVINCE = ("340000000000", "安徽省")
CITY = ("341200000000", "阜阳市")
DISTRICT = ("341298000000", "基准测试区")
STREETS, COMMUNITIES, GRIDS = 6, 4, 3
PHONE = "13800009998"
SEED = 20260515


def _codes() -> tuple[list[str], list[str]]:
    streets = [f"{DISTRICT[0][:6]}{s:03d}000" for s in range(1, STREETS + 1)]
    grids = [
        f"{street[:9]}{c:03d}{g:03d}"
        for street in streets
        for c in range(1, COMMUNITIES + 1)
        for g in range(1, GRIDS + 1)
    ]
    return streets, grids


def _cleanup() -> None:
    from shegong.accounts.models import User
    from shegong.ledger.models import Coverage, Employment, Organization, PartyOrganization, Person
    from shegong.regions.models import Region

    low, high = DISTRICT[0][:6], DISTRICT[0][:6] + ":"
    in_district = {"region_id__gte": low, "region_id__lt": high}
    Employment.objects.filter(
        organization__region_id__gte=low, organization__region_id__lt=high
    ).delete()
    Coverage.objects.filter(**in_district).delete()
    Organization.objects.filter(**in_district).update(container=None)
    Organization.objects.filter(**in_district).delete()
    Person.objects.filter(**in_district).delete()
    PartyOrganization.objects.filter(**in_district).delete()
    User.objects.filter(phone=PHONE).delete()
    for level in ("grid", "community", "street", "district"):
        Region.objects.filter(code__gte=low, code__lt=high, level=level).delete()


def _regions() -> list[str]:
    from shegong.regions.models import Region

    province, _ = Region.objects.get_or_create(
        code=PROVINCE[0], defaults={"name": PROVINCE[1], "level": "province"}
    )
    city, _ = Region.objects.get_or_create(
        code=CITY[0], defaults={"name": CITY[1], "level": "city", "parent": province}
    )
    district = Region.objects.create(
        code=DISTRICT[0], name=DISTRICT[1], level="district", parent=city
    )
    streets, grids = _codes()
    rows = [Region(code=s, name=f"基准街道{i + 1}", level="street", parent=district)
            for i, s in enumerate(streets)]  # fmt: skip
    for street in streets:
        for c in range(1, COMMUNITIES + 1):
            rows.append(
                Region(code=f"{street[:9]}{c:03d}", name=f"基准社区{street[6:9]}{c}",
                       level="community", parent_id=street)
            )  # fmt: skip
    Region.objects.bulk_create(rows)
    Region.objects.bulk_create(
        Region(code=g, name=f"网格{g[-6:]}", level="grid", parent_id=g[:12]) for g in grids
    )
    return grids


def _populate(size: int, grids: list[str]) -> None:
    """N organizations, their employees (bulk) and coverage, deterministic."""
    from shegong.ledger.choices import CoverageMode, OrgKind, PartyOrgType, PoliticalStatus
    from shegong.ledger.models import Coverage, Employment, Organization, PartyOrganization, Person

    rng = random.Random(SEED)
    kinds = [OrgKind.ENTERPRISE] * 70 + [OrgKind.INDIVIDUAL] * 15 + [OrgKind.SOCIAL_ORG] * 8
    kinds += [OrgKind.PLATFORM] * 2 + [OrgKind.BUILDING] * 3 + [OrgKind.BUSINESS_DISTRICT] * 2
    orgs = []
    for i in range(size):
        kind = rng.choice(kinds)
        # Most units are small; a few are large (Pareto), mean ≈ 14 employees.
        staff = (
            0
            if kind in {OrgKind.BUILDING, OrgKind.BUSINESS_DISTRICT}
            else min(int(rng.paretovariate(1.4) * 6) - 2, 600)
        )
        orgs.append(
            Organization(
                kind=kind, name=f"基准单位{i:05d}", region_id=rng.choice(grids),
                credit_code=None, employee_count=max(staff, 0),
                status="active" if rng.random() > 0.04 else "closed",
            )
        )  # fmt: skip
    with transaction.atomic():
        Organization.objects.bulk_create(orgs, batch_size=2000)
        containers = [o for o in orgs if o.kind in {OrgKind.BUILDING, OrgKind.BUSINESS_DISTRICT}]
        container_ids = {o.pk for o in containers}
        tenants = [o for o in orgs if o.pk not in container_ids and rng.random() < 0.2]
        for tenant in tenants:
            if containers:
                tenant.container = rng.choice(containers)
        Organization.objects.bulk_update(tenants, ["container"], batch_size=2000)

        people, jobs, party_members = [], [], {}
        for org in orgs:
            members = 0
            for _ in range(org.employee_count or 0):
                roll = rng.random()
                if roll < 0.06:
                    status = PoliticalStatus.PARTY_FULL
                    members += 1
                elif roll < 0.075:
                    status = PoliticalStatus.PARTY_PROBATIONARY
                    members += 1
                else:
                    status = PoliticalStatus.MASSES
                people.append(Person(name="职工", region_id=org.region_id, political_status=status))
                jobs.append(org)
            party_members[org.pk] = members
        Person.objects.bulk_create(people, batch_size=5000)
        Employment.objects.bulk_create(
            (
                Employment(person=p, organization=o, is_manager=(i % 10 == 0))
                for i, (p, o) in enumerate(zip(people, jobs, strict=True))
            ),
            batch_size=5000,
        )

        branch = PartyOrganization.objects.create(
            name="基准联合党支部", type=PartyOrgType.JOINT_BRANCH, region_id=grids[0]
        )
        coverages = []
        for org in orgs:
            members = party_members[org.pk]
            roll = rng.random()
            if members >= 3:
                mode = CoverageMode.STANDALONE if roll < 0.7 else CoverageMode.NONE
            elif members:
                mode = [CoverageMode.JOINT, CoverageMode.INSTRUCTOR, CoverageMode.NONE][
                    int(roll * 3)
                ]
            else:
                mode = CoverageMode.INSTRUCTOR if roll < 0.4 else CoverageMode.NONE
            party = branch if mode in {CoverageMode.STANDALONE, CoverageMode.JOINT} else None
            coverages.append(
                Coverage(organization=org, region_id=org.region_id, mode=mode, party_org=party)
            )
        Coverage.objects.bulk_create(coverages, batch_size=5000)


def _admin():
    from shegong.accounts.models import Membership, User
    from shegong.core.perms import Role

    user = User.objects.create_user(phone=PHONE, password=None, name="基准测试")
    Membership.objects.create(user=user, role=Role.DISTRICT_ADMIN, region_id=DISTRICT[0])
    return user


def _summary(user_pk: int):
    from shegong.accounts.models import User
    from shegong.ledger.queries import coverage as queries

    user = User.objects.get(pk=user_pk)
    return queries.coverage_summary(user)


def _floor(user_pk: int) -> int:
    from shegong.accounts.models import User
    from shegong.ledger.models import Organization

    user = User.objects.get(pk=user_pk)
    return Organization.objects.visible_to(user).count()


def _time(function, user_pk: int) -> float:
    began = time.perf_counter()
    function(user_pk)
    return (time.perf_counter() - began) * 1000


def main(size: int = 2000) -> dict:
    _cleanup()
    try:
        grids = _regions()
        _populate(size, grids)
        admin = _admin()
        _summary(admin.pk), _floor(admin.pk)  # warm up
        repetitions = 7
        summary_times = [_time(_summary, admin.pk) for _ in range(repetitions)]
        floor_times = [_time(_floor, admin.pk) for _ in range(repetitions)]
        with CaptureQueriesContext(connection) as captured:
            summary = _summary(admin.pk)
        from shegong.ledger.models import Employment

        return {
            "orgs": size,
            "active_units": summary.total.units,
            "containers": summary.containers.containers,
            "employees": Employment.objects.filter(
                organization__region__code__startswith=DISTRICT[0][:6]
            ).count(),
            "party_member_units": summary.total.with_members,
            "should_establish": summary.total.should_establish,
            "streets": len(summary.rows),
            "summary_ms": round(statistics.median(summary_times), 3),
            "floor_ms": round(statistics.median(floor_times), 3),
            "target_ms": 100,
            "queries": len(captured),
            "repetitions": repetitions,
            "database": connection.vendor,
            "floor": "count(*) of the same organizations",
        }
    finally:
        _cleanup()
