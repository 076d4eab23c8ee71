"""The demo district 示范区: regions, departments and one login per role; deterministic.

``shegong loaddemo --size small|seed|large`` runs every loader in ``LOADERS`` in order. Each
loader is idempotent on its own (it skips what already exists), so running the command twice
adds nothing, and a later issue adds its demo data by appending a loader with ``@loader``.

Everyone here is fictitious: names come from a fixed list of obviously made-up names (the
given name is 示范, "demo"), ID numbers have valid checksums but are generated, and every
demo phone number is 138000000xx.
"""

from __future__ import annotations

import itertools
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.contrib.auth import password_validation
from django.db import transaction
from stdnum.cn import ric

from shegong.accounts.models import Department, Membership, User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.perms import Role
from shegong.regions.actions import RegionRow, import_regions
from shegong.regions.choices import Level
from shegong.regions.models import Region

SIZES = ("small", "seed", "large")
SEED = 20260101
PASSWORD = "Demo@2026"
SUPERUSER_PHONE = "13800000000"

PROVINCE = ("340000000000", "安徽省")
CITY = ("341200000000", "阜阳市")
DISTRICT = ("341271000000", "示范区")
# The district's rectangle (south, west, north, east), tiled by the streets below.
DISTRICT_BOX = (32.85, 115.70, 33.05, 115.95)
STREET_NAMES = ["东城街道", "西城街道", "南湖街道", "北关街道", "新华街道", "振兴街道"]
COMMUNITY_NAMES = [
    "东关",
    "鼓楼",
    "文峰",
    "清河",
    "人民路",
    "和平",
    "幸福",
    "光明",
    "解放",
    "建设",
    "朝阳",
    "向阳",
    "红旗",
    "胜利",
    "民主",
    "团结",
    "友谊",
    "长青",
    "春晖",
    "桂花",
    "荷花",
    "柳岸",
    "杏林",
    "枫林",
    "翠竹",
    "兰苑",
    "梅园",
    "松涛",
    "颍河",
    "泉北",
    "泉南",
    "三里湾",
    "双清",
    "莲池",
    "西湖",
    "北京路",
    "中山",
    "淮河",
    "新村",
    "沙河",
    "马寨",
    "花园",
    "滨河",
    "阳光",
    "锦绣",
    "富民",
    "金海",
    "银湖",
    "玉泉",
    "青年",
]
CHINESE_NUMBERS = "一二三四五六七八九十"
# Communities per street and grids per community, by size.
LAYOUT = {
    "small": {"streets": 2, "communities": [2, 2], "grids": (2, 2)},
    "seed": {"streets": 6, "communities": [7, 7, 7, 7, 6, 6], "grids": (2, 4)},
    "large": {"streets": 6, "communities": [8, 8, 8, 8, 8, 8], "grids": (8, 12)},
}
DEPARTMENTS = [
    ("cgj", "城管局"), ("scjg", "市场监管局"), ("zjj", "住建局"), ("jj", "交警大队"),
    ("yjj", "应急管理局"), ("rsj", "人社局"), ("jyj", "教育局"), ("wy", "物业服务中心"),
    ("dispatch", "区派单中心"),
]  # fmt: skip
FAKE_NAMES = [
    "赵示范",
    "钱示范",
    "孙示范",
    "李示范",
    "周示范",
    "吴示范",
    "郑示范",
    "王示范",
    "冯示范",
    "陈示范",
    "褚示范",
    "卫示范",
    "蒋示范",
    "沈示范",
    "韩示范",
    "杨示范",
]
# The county part of the fake ID numbers: 阜阳市颍州区 (a real code; the people are not).
ID_COUNTY = "341202"


@dataclass(frozen=True)
class DemoLogin:
    phone: str
    role: Role | None  # None: superuser
    scope: str  # "district", "street:1", "community:1:1" (street 1, its first community)
    department: str = ""


DEMO_LOGINS = [
    DemoLogin(SUPERUSER_PHONE, None, "all"),
    DemoLogin("13800000001", Role.DISTRICT_ADMIN, "district"),
    DemoLogin("13800000002", Role.STREET_STAFF, "street:1"),
    DemoLogin("13800000003", Role.STREET_STAFF, "street:2"),
    DemoLogin("13800000004", Role.COMMUNITY_WORKER, "community:1:1"),
    DemoLogin("13800000005", Role.DEPARTMENT_HANDLER, "district", "cgj"),
    DemoLogin("13800000006", Role.REGISTRAR, "district"),
    DemoLogin("13800000007", Role.PARTY_INSTRUCTOR, "street:1"),
    DemoLogin("13800000008", Role.SOCIAL_WORKER, "community:1:1"),
    DemoLogin("13800000009", Role.VOLUNTEER, "community:1:1"),
    DemoLogin("13800000010", Role.WORKER, "street:1"),
    DemoLogin("13800000011", Role.RESIDENT, "community:1:1"),
    DemoLogin("13800000012", Role.ORG_ACCOUNT, "district"),
    DemoLogin("13800000013", Role.DISPATCHER, "district"),
    DemoLogin("13800000014", Role.DEPARTMENT_SUPERVISOR, "district", "cgj"),
    DemoLogin("13800000015", Role.VOLUNTEER, "community:1:1"),  # leads 东关's volunteer team
]


@dataclass
class DemoContext:
    size: str
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    created: dict[str, int] = field(default_factory=dict)

    def region(self, scope: str) -> Region:
        """The region a scope string names: district, street:N, community:N:M, all."""
        parts = scope.split(":")
        if parts[0] in ("district", "all"):
            return Region.objects.get(code=DISTRICT[0])
        street = f"{DISTRICT[0][:6]}{int(parts[1]):03d}000"
        if parts[0] == "street":
            return Region.objects.get(code=street)
        return Region.objects.get(code=f"{street[:9]}{int(parts[2]):03d}")


Loader = Callable[[DemoContext], int]
LOADERS: list[tuple[str, Loader]] = []


def loader(name: str) -> Callable[[Loader], Loader]:
    """Register a demo loader; loaders run in registration order and skip what exists."""

    def register(function: Loader) -> Loader:
        if all(existing != name for existing, _ in LOADERS):
            LOADERS.append((name, function))
        return function

    return register


# --- geometry --------------------------------------------------------------------------------


def _rect(south: float, west: float, north: float, east: float) -> dict[str, Any]:
    r = [round(v, 6) for v in (south, west, north, east)]
    return {
        "type": "Polygon",
        "coordinates": [[[r[1], r[0]], [r[3], r[0]], [r[3], r[2]], [r[1], r[2]], [r[1], r[0]]]],
    }


def _split(lo: float, hi: float, n: int) -> list[tuple[float, float]]:
    step = (hi - lo) / n
    edges = [lo + i * step for i in range(n)] + [hi]
    return list(itertools.pairwise(edges))


def _tiles(box: tuple[float, float, float, float], n: int) -> list[tuple[float, ...]]:
    """``n`` rectangles tiling ``box``: two rows (one if n < 4), each row cut along longitude."""
    south, west, north, east = box
    rows = 1 if n < 4 else 2
    counts = [n // rows + (1 if i < n % rows else 0) for i in range(rows)]
    tiles = []
    for (lat0, lat1), count in zip(_split(south, north, rows), counts, strict=True):
        for lon0, lon1 in _split(west, east, count):
            tiles.append((lat0, lon0, lat1, lon1))
    return tiles


def _row(code: str, name: str, level: Level, parent: str, box: tuple | None) -> RegionRow:
    row = RegionRow(code=code, name=name, level=level.value, parent_code=parent)
    if box is not None:
        row.boundary = _rect(*box)
        row.centroid_lat = round((box[0] + box[2]) / 2, 6)
        row.centroid_lon = round((box[1] + box[3]) / 2, 6)
    return row


def region_rows(size: str, rng: random.Random) -> list[RegionRow]:
    """Every region of the demo district, deterministic for a given size and seed."""
    layout = LAYOUT[size]
    rows = [
        _row(PROVINCE[0], PROVINCE[1], Level.PROVINCE, "", None),
        _row(CITY[0], CITY[1], Level.CITY, PROVINCE[0], None),
        _row(DISTRICT[0], DISTRICT[1], Level.DISTRICT, CITY[0], DISTRICT_BOX),
    ]
    # Streets in a 3 x 2 arrangement for six (1 x 2 for the small district).
    street_boxes = _tiles(DISTRICT_BOX, layout["streets"])
    names = iter(COMMUNITY_NAMES)
    low, high = layout["grids"]
    for s, street_box in enumerate(street_boxes, start=1):
        street_code = f"{DISTRICT[0][:6]}{s:03d}000"
        rows.append(_row(street_code, STREET_NAMES[s - 1], Level.STREET, DISTRICT[0], street_box))
        community_boxes = _tiles(street_box, layout["communities"][s - 1])
        for c, community_box in enumerate(community_boxes, start=1):
            community_code = f"{street_code[:9]}{c:03d}"
            community_name = f"{next(names)}社区"
            rows.append(
                _row(community_code, community_name, Level.COMMUNITY, street_code, community_box)
            )
            south, west, north, east = community_box
            count = rng.randint(low, high)
            for g, (lon0, lon1) in enumerate(_split(west, east, count), start=1):
                label = CHINESE_NUMBERS[g - 1] if g <= 10 else str(g)
                rows.append(
                    _row(
                        f"{community_code}{g:03d}",
                        f"{community_name}第{label}网格",
                        Level.GRID,
                        community_code,
                        (south, lon0, north, lon1),
                    )
                )
    return rows


# --- fake people -----------------------------------------------------------------------------


def fake_id_number(rng: random.Random, sequence: int) -> str:
    """A checksum-valid, made-up citizen ID: real county code, random birth date, sequence."""
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    body = f"{ID_COUNTY}{birth:%Y%m%d}{sequence % 1000:03d}"
    # stdnum ignores the last character (the check digit it computes): pass a placeholder.
    return body + ric.calc_check_digit(body + "0")


def fake_name(index: int) -> str:
    return FAKE_NAMES[index % len(FAKE_NAMES)]


# --- loaders ---------------------------------------------------------------------------------


@loader("regions")
def load_regions(ctx: DemoContext) -> int:
    rows = region_rows(ctx.size, ctx.rng)  # always drawn, so later loaders see the same rng
    if Region.objects.filter(code=DISTRICT[0]).exists():
        return 0
    existing = set(
        Region.objects.filter(code__in=[PROVINCE[0], CITY[0]]).values_list("pk", flat=True)
    )
    rows = [r for r in rows if r.code not in existing]
    return len(import_regions(rows, actor=None, source=f"demo:{ctx.size}"))


@loader("departments")
def load_departments(ctx: DemoContext) -> int:
    district = ctx.region("district")
    created = 0
    with transaction.atomic():
        for code, name in DEPARTMENTS:
            _, is_new = Department.objects.get_or_create(
                code=code, defaults={"name": name, "region": district}
            )
            created += is_new
    return created


@loader("users")
def load_users(ctx: DemoContext) -> int:
    password_validation.validate_password(PASSWORD)  # the printed password obeys the policy
    created = 0
    with transaction.atomic():
        for index, login in enumerate(DEMO_LOGINS):
            id_number = fake_id_number(ctx.rng, 100 + index)
            if User.objects.filter(phone=login.phone).exists():
                continue
            if login.role is None:
                User.objects.create_superuser(
                    phone=login.phone, password=PASSWORD, name="系统管理员"
                )
            else:
                user = User.objects.create_user(
                    phone=login.phone,
                    password=PASSWORD,
                    name=fake_name(index),
                    id_number=id_number,
                    must_change_password=False,
                )
                department = (
                    Department.objects.get(code=login.department) if login.department else None
                )
                Membership.objects.create(
                    user=user,
                    role=login.role,
                    region=ctx.region(login.scope),
                    department=department,
                )
            created += 1
    return created


@loader("ledger")
def load_ledger(ctx: DemoContext) -> int:
    """Organizations, people, party organizations, instructors and a 回头看 (ledger/demo.py)."""
    from shegong.ledger.demo import load as load_ledger_data

    return load_ledger_data(ctx)


@loader("reports")
def load_reports(ctx: DemoContext) -> int:
    """The 随手拍 catalogue and routing, appointed riders and cases in every state
    (reports/demo.py)."""
    from shegong.reports.demo import load as load_reports_data

    return load_reports_data(ctx)


@loader("stations")
def load_stations(ctx: DemoContext) -> int:
    """86 warm stations with schedules, facilities and inspections (stations/demo.py)."""
    from shegong.stations.demo import load as load_stations_data

    return load_stations_data(ctx)


@loader("workers")
def load_workers(ctx: DemoContext) -> int:
    """Riders registered as 新就业群体, their visits, a care campaign, insurance, 先锋岗 and a
    role model (stations/demo.py)."""
    from shegong.stations.demo import load_workers as load_worker_care

    return load_worker_care(ctx)


@loader("volunteers")
def load_volunteers(ctx: DemoContext) -> int:
    """Volunteers, teams, social workers, activities with attendance and approved hours, stars
    and certificates (volunteers/demo.py)."""
    from shegong.volunteers.demo import load as load_volunteer_service

    return load_volunteer_service(ctx)


def load(size: str = "seed") -> dict[str, int]:
    """Run every loader; record DEMO_LOADED when anything was created. Returns counts."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    ctx = DemoContext(size=size)
    for name, function in LOADERS:
        ctx.created[name] = function(ctx)
    if any(ctx.created.values()):
        audit.record(
            Verb.DEMO_LOADED,
            actor=None,
            region=DISTRICT[0],
            data={"size": size, "created": ctx.created},
        )
    return ctx.created


# --- the logins table ------------------------------------------------------------------------


def logins_table() -> list[tuple[str, str, str, str]]:
    """(角色, 手机号, 密码, 工作范围) for every demo login, read from the database."""
    rows = []
    users = User.objects.in_bulk([login.phone for login in DEMO_LOGINS], field_name="phone")
    for login in DEMO_LOGINS:
        user = users.get(login.phone)
        if user is None:
            continue
        if login.role is None:
            rows.append(("超级管理员", login.phone, PASSWORD, "全部"))
            continue
        membership = user.membership_list()[0]
        scope = membership.region.full_name.removeprefix(PROVINCE[1] + CITY[1])
        if membership.department_id:
            scope += f" · {membership.department.name}"
        rows.append((login.role.label, login.phone, PASSWORD, scope))
    return rows


def format_logins() -> str:
    rows = [("角色", "手机号", "密码", "工作范围"), *logins_table()]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
