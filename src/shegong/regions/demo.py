"""The demo district's regions: six streets (two for ``small``) tiling the district's rectangle,
their communities and grids, each with a boundary."""

from __future__ import annotations

import itertools
import random
from typing import Any

from shegong.core.demo import CITY, DISTRICT, DISTRICT_BOX, PROVINCE, DemoContext

from .actions import RegionRow, import_regions
from .choices import Level
from .models import Region

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


# --- the loader ------------------------------------------------------------------------------


def load_regions(ctx: DemoContext) -> int:
    rows = region_rows(ctx.size, ctx.rng)  # always drawn, so later loaders see the same rng
    if Region.objects.filter(code=DISTRICT[0]).exists():
        return 0
    existing = set(
        Region.objects.filter(code__in=[PROVINCE[0], CITY[0]]).values_list("pk", flat=True)
    )
    rows = [r for r in rows if r.code not in existing]
    return len(import_regions(rows, actor=None, source=f"demo:{ctx.size}"))
