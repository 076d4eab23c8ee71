"""Demo workers and their care: the appointed riders and the demo worker login registered as
新就业群体, visits at the stations near them over 60 days, anonymous tallies, a 清凉"新"力量
campaign with station stock and hand-outs, an accident-insurance batch, 党员先锋岗/责任区 and a
role model. Everything goes through the actions (actor None: the system, or the rider
himself registering); idempotent — nothing is added once a worker exists.
"""

from __future__ import annotations

import random
from datetime import timedelta
from typing import Any

from django.utils import timezone

from shegong.accounts.models import User
from shegong.core.errors import DomainError
from shegong.core.perms import Role
from shegong.ledger.models import Organization, Person

from .actions import care, vanguard, visits, workers
from .models import Station, Worker

SEED = 20260618
KINDS = ["delivery_rider"] * 6 + ["courier"] * 2 + ["ride_hailing_driver", "truck_driver"]


def load(ctx: Any) -> int:
    """Returns the number of workers registered (0 when the demo already has workers)."""
    if Worker.objects.exists():
        return 0
    district = ctx.region("district")
    rng = random.Random(SEED)
    riders = list(
        User.objects.filter(memberships__role=Role.WORKER).exclude(id_number_index="").distinct()
    )
    platforms = list(Organization.objects.filter(kind="platform").order_by("pk")[:5])
    registered = []
    for index, user in enumerate(sorted(riders, key=lambda u: u.pk)):
        registered.append(
            workers.register_worker(
                actor=user, name=user.name, id_number=user.id_number, phone=user.phone,
                kind=KINDS[index % len(KINDS)],
                platform=platforms[index % len(platforms)] if platforms else None,
                delivery_site=f"示范区{rng.choice('东西南北中')}配送站",
                party_member=index % 7 == 0,
                region=user.active_membership.region, consent=True, self_service=True,
            )
        )  # fmt: skip
    stations = list(Station.objects.in_region(district.prefix).filter(status="open"))
    if not stations or not registered:
        return len(registered)
    _visits(rng, registered, stations)
    _care(rng, district, registered, stations)
    _vanguard(rng, district, registered)
    ctx.created["stations.visits"] = sum(s.visits.count() for s in stations)
    return len(registered)


def _visits(rng: random.Random, registered: list[Worker], stations: list[Station]) -> None:
    now = timezone.now()
    for worker in registered:
        own = rng.sample(stations, 3)  # a rider keeps to a few stations on his round
        for day in rng.sample(range(1, 60), 8):
            at = now - timedelta(days=day, hours=rng.randint(0, 10), minutes=rng.randint(0, 59))
            station = rng.choice(own)
            codes = list(station.facilities.values_list("code", flat=True))
            try:
                visits.record_visit(station, worker=worker, actor=None, at=at,
                                    services=rng.sample(codes, min(2, len(codes))))  # fmt: skip
            except DomainError:
                continue  # already counted within 30 minutes
    today = timezone.localdate()
    for station in rng.sample(stations, 20):
        visits.tally_visits(station, actor=None, on=today - timedelta(days=rng.randint(1, 30)),
                            count=rng.randint(5, 40), note="送水、加热饭菜的骑手")  # fmt: skip


def _care(rng: random.Random, district: Any, registered: list[Worker], stations: list) -> None:
    today = timezone.localdate()
    campaign = care.create_campaign(
        actor=None, name="清凉“新”力量", benefit="防暑降温包", region=district,
        starts_on=today - timedelta(days=30), ends_on=today + timedelta(days=30),
    )  # fmt: skip
    stocked = rng.sample(stations, 10)
    for station in stocked:
        care.set_stock(campaign, station, 20, actor=None)
    for worker in rng.sample(registered, min(30, len(registered))):
        care.give_benefit(campaign, worker=worker, station=rng.choice(stocked), actor=None)
    batch = care.create_insurance_batch(
        actor=None, name="2026年度新就业群体意外险", insurer="示范保险公司（虚构）",
        policy_number="DEMO-2026-0001", region=district,
        starts_on=today.replace(month=1, day=1), ends_on=today.replace(month=12, day=31),
    )  # fmt: skip
    care.enroll_workers(batch, registered, actor=None)


def _vanguard(rng: random.Random, district: Any, registered: list[Worker]) -> None:
    members = list(
        Person.objects.in_region(district.prefix)
        .filter(political_status="party_full")
        .order_by("pk")[:40]
    )
    today = timezone.localdate()
    for k in range(0, min(len(members), 24), 3):
        street = members[k].region
        vanguard.save_vanguard_post(
            actor=None, kind="post" if k % 2 else "area",
            name=f"骑手党员{'先锋岗' if k % 2 else '责任区'}{k // 3 + 1}号",
            area="" if k % 2 else "商圈及周边配送路线", holders=members[k : k + 3],
            region=street, since=today - timedelta(days=rng.randint(30, 400)),
        )  # fmt: skip
    star = registered[0]
    vanguard.save_role_model(
        actor=None, title="省级“十佳”外卖骑手", year=today.year, person=star.person,
        citation="风雨无阻配送三万余单，主动上报井盖缺失、路灯不亮等问题四十余件，两次救助路边摔倒老人。",
        region=star.region,
    )  # fmt: skip
