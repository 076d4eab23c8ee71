"""The stations app's demo data, two loaders (run by ``shegong/demo.py``):

``load``: 86 暖新驿站, 司机之家, 户外劳动者服务站 and 党群服务中心 across the demo district's
streets, with varied schedules, facilities and a few unresolved inspection defects. Every
station goes through ``actions.stations.create_station`` (actor None: the system), so the demo
holds only what the pages could have produced. Idempotent: nothing is added once the district
has stations.

``load_workers``: the appointed riders and the demo worker login registered as 新就业群体, their
visits, tallies, a care campaign, an insurance batch, 党员先锋岗/责任区 and a role model, all
through the actions. Idempotent: nothing is added once a worker exists.
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
from shegong.regions.models import Region

from .actions import care, vanguard, visits, workers
from .actions import stations as station_actions
from .choices import StationKind
from .models import Facility, Station, Worker

STATION_COUNT = 86
SEED = 20260105
INSPECTOR_PHONE = "13800000001"  # the demo district admin
KIND_WEIGHTS = [
    (StationKind.WARM_STATION, 66),
    (StationKind.DRIVER_HOME, 8),
    (StationKind.OUTDOOR_SERVICE, 6),
    (StationKind.PARTY_CENTER, 6),
]
ROADS = [
    "人民路", "颍州路", "清河路", "文峰路", "中山路", "淮河路", "北京路", "解放路", "建设路",
    "幸福路", "和平路", "光明路", "朝阳路", "双清路", "泉北路", "三里湾路", "沙河路", "颍河路",
    "莲池路", "西湖路",
]  # fmt: skip
SECTIONS = ["", "北段", "南段", "东段", "西段", "中段"]
WEEK = "1234567"
WORKDAYS = "12345"
SCHEDULES: list[dict[str, Any]] = [
    {"always_open": True},
    {"week": {d: [["08:00", "20:00"]] for d in WEEK}},
    {"week": {d: [["07:30", "11:30"], ["13:30", "21:00"]] for d in WEEK}},
    {"week": {d: [["08:30", "12:00"], ["14:30", "18:00"]] for d in WORKDAYS}},
    {"week": {**{d: [["09:00", "21:00"]] for d in WORKDAYS}, "6": [["10:00", "16:00"]]}},
    {"week": {d: [["06:00", "24:00"]] for d in WEEK},
     "closures": [{"from": "2027-02-16", "to": "2027-02-18", "reason": "春节闭站"}]},
]  # fmt: skip
SCHEDULE_WEIGHTS = [4, 5, 3, 2, 2, 1]
# Every kind's core facilities, then a random share of the rest.
CORE = {
    StationKind.WARM_STATION: ["water", "microwave", "charging", "seats"],
    StationKind.DRIVER_HOME: ["water", "seats", "toilet", "driver_rest"],
    StationKind.OUTDOOR_SERVICE: ["water", "seats", "first_aid"],
    StationKind.PARTY_CENTER: ["water", "seats", "toilet", "air_conditioning", "wifi"],
}
KIND_NAMES = {
    StationKind.WARM_STATION: "暖新驿站",
    StationKind.DRIVER_HOME: "司机之家",
    StationKind.OUTDOOR_SERVICE: "户外劳动者服务站",
    StationKind.PARTY_CENTER: "党群服务中心",
}
DEFECTS = [
    ("饮水", "饮水机出水慢，滤芯过期", "一周内更换滤芯"),
    ("药箱", "药箱内碘伏、创可贴已过期", "三日内补齐药品并登记有效期"),
    ("充电", "两个充电插座损坏", "联系运营单位维修"),
    ("空调/取暖", "空调不制冷", "报修并在修好前增加风扇"),
]
CONTACTS = ["王站长", "李站长", "张师傅", "刘主任", "陈站长", "杨师傅", "赵主任", "周站长"]


def _point(rng: random.Random, grid: Region) -> tuple[float, float]:
    """A point near the grid's centroid, well inside its bounding box."""
    lat = grid.centroid_lat + (grid.max_lat - grid.min_lat) * rng.uniform(-0.25, 0.25)
    lon = grid.centroid_lon + (grid.max_lon - grid.min_lon) * rng.uniform(-0.25, 0.25)
    return round(lat, 6), round(lon, 6)


def _facilities(rng: random.Random, kind: str, codes: list[str]) -> list[str]:
    core = [c for c in CORE.get(kind, ["water"]) if c in codes]
    rest = [c for c in codes if c not in core]
    return core + rng.sample(rest, rng.randint(1, min(5, len(rest))))


def load(ctx: Any) -> int:
    """The ``stations`` demo loader; returns the number of stations created (0 when the
    district already has stations or has no grids yet)."""
    district = ctx.region("district")
    if Station.objects.in_region(district.prefix).exists():
        return 0
    rng = random.Random(SEED)
    streets = list(district.children.filter(level="street").order_by("code"))
    grids_of = {
        street.code: list(
            Region.objects.subtree(street.prefix)
            .filter(level="grid", min_lat__isnull=False, centroid_lat__isnull=False)
            .order_by("code")
        )
        for street in streets
    }
    streets = [s for s in streets if grids_of[s.code]]
    if not streets:
        return 0
    operators = list(
        Organization.objects.in_region(district.prefix)
        .filter(kind__in=["platform", "enterprise"])
        .order_by("-kind", "pk")[:40]
    )  # platform companies first
    codes = list(Facility.objects.filter(is_active=True).values_list("code", flat=True))
    kinds = [k for k, _ in KIND_WEIGHTS]
    weights = [w for _, w in KIND_WEIGHTS]
    stations: list[Station] = []
    for n in range(STATION_COUNT):
        street = streets[n % len(streets)]
        j = n // len(streets)
        kind = rng.choices(kinds, weights)[0]
        road = ROADS[(j + 3 * (n % len(streets))) % len(ROADS)]
        section = SECTIONS[(j // len(ROADS)) % len(SECTIONS)]
        lat, lon = _point(rng, rng.choice(grids_of[street.code]))
        schedule = SCHEDULES[0] if kind == StationKind.DRIVER_HOME else rng.choices(
            SCHEDULES, SCHEDULE_WEIGHTS
        )[0]  # fmt: skip
        operator = rng.choice(operators) if operators and rng.random() < 0.6 else None
        stations.append(
            station_actions.create_station(
                actor=None,
                name=f"{street.name}{KIND_NAMES[kind]}（{road}{section}）",
                kind=kind,
                address=f"{street.name}{road}{rng.randint(1, 299)}号",
                lat=lat,
                lon=lon,
                operator=operator,
                schedule=schedule,
                facilities=_facilities(rng, kind, codes),
                seats=rng.randint(4, 30),
                contact_name=rng.choice(CONTACTS),
                contact_phone=f"0558-{rng.randint(2000000, 8999999)}",
            )
        )
    _inspections(rng, stations)
    return len(stations)


def _inspections(rng: random.Random, stations: list[Station]) -> None:
    """Twelve checks in the last two months; four leave a defect unresolved, two were fixed."""
    inspector = User.objects.filter(phone=INSPECTOR_PHONE).first()
    if inspector is None:
        return  # the users loader has not run
    today = timezone.localdate()
    for k, station in enumerate(rng.sample(stations, 12)):
        names = list(station.facilities.values_list("name", flat=True))
        defect = DEFECTS[k % len(DEFECTS)] if k < 6 else None
        checklist = [
            {"item": name, "ok": not (defect and name == defect[0]), "note": ""} for name in names
        ]
        inspection = station_actions.record_inspection(
            station,
            actor=None,
            inspector=inspector,
            inspected_on=today - timedelta(days=rng.randint(1, 60)),
            checklist=checklist,
            defects=defect[1] if defect else "",
            follow_up=defect[2] if defect else "",
        )
        if defect and k >= 4:
            station_actions.resolve_inspection(
                inspection, actor=None, resolution="已按要求整改，复查合格"
            )


# --- workers and their care -----------------------------------------------------------------

WORKERS_SEED = 20260618
RIDER_KINDS = ["delivery_rider"] * 6 + ["courier"] * 2 + ["ride_hailing_driver", "truck_driver"]


def load_workers(ctx: Any) -> int:
    """Demo workers and their care: the appointed riders and the demo worker login registered
    as 新就业群体, visits at the stations near them over 60 days, anonymous tallies, a
    清凉"新"力量 campaign with station stock and hand-outs, an accident-insurance batch,
    党员先锋岗/责任区 and a role model. Everything goes through the actions (actor None: the
    system, or the rider himself registering); idempotent — nothing is added once a worker
    exists. Returns the number of workers registered (0 when the demo already has workers)."""
    if Worker.objects.exists():
        return 0
    district = ctx.region("district")
    rng = random.Random(WORKERS_SEED)
    riders = list(
        User.objects.filter(memberships__role=Role.WORKER).exclude(id_number_index="").distinct()
    )
    platforms = list(Organization.objects.filter(kind="platform").order_by("pk")[:5])
    registered = []
    for index, user in enumerate(sorted(riders, key=lambda u: u.pk)):
        registered.append(
            workers.register_worker(
                actor=user, name=user.name, id_number=user.id_number, phone=user.phone,
                kind=RIDER_KINDS[index % len(RIDER_KINDS)],
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
