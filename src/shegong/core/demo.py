"""The demo district 示范区: what every app's demo loader shares, and the runner.

``shegong loaddemo --size small|seed|large`` runs every loader registered in
``core.registry.demo_loaders`` (regions, departments and logins, then each app's data) in
order. Each loader is idempotent on its own (it skips what already exists), so running the
command twice adds nothing, and a new app adds its demo data by registering a loader.

Everyone here is fictitious: names come from a fixed list of obviously made-up names (the
given name is 示范, "demo"), ID numbers have valid checksums but are generated, and every
demo phone number is 138000000xx.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from stdnum.cn import ric

from . import audit, registry
from .audit import Verb

SIZES = ("small", "seed", "large")
SEED = 20260101
PASSWORD = "Demo@2026"
SUPERUSER_PHONE = "13800000000"

PROVINCE = ("340000000000", "安徽省")
CITY = ("341200000000", "阜阳市")
DISTRICT = ("341271000000", "示范区")
# The district's rectangle (south, west, north, east), tiled by the streets below.
DISTRICT_BOX = (32.85, 115.70, 33.05, 115.95)
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


@dataclass
class DemoContext:
    size: str
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))
    created: dict[str, int] = field(default_factory=dict)

    def region(self, scope: str) -> Any:
        """The region a scope string names: district, street:N, community:N:M, all."""
        Region = apps.get_model(settings.SHEGONG_REGION_MODEL)
        parts = scope.split(":")
        if parts[0] in ("district", "all"):
            return Region.objects.get(code=DISTRICT[0])
        street = f"{DISTRICT[0][:6]}{int(parts[1]):03d}000"
        if parts[0] == "street":
            return Region.objects.get(code=street)
        return Region.objects.get(code=f"{street[:9]}{int(parts[2]):03d}")


Loader = Callable[[DemoContext], int]


def loaders() -> list[tuple[str, Loader]]:
    """The registered loaders, in order: (name, function)."""
    return [(entry.name, registry.resolve(entry.function)) for entry in registry.demo_loaders]


# --- fake people -----------------------------------------------------------------------------


def fake_id_number(rng: random.Random, sequence: int) -> str:
    """A checksum-valid, made-up citizen ID: real county code, random birth date, sequence."""
    birth = date(1960, 1, 1) + timedelta(days=rng.randrange(365 * 40))
    body = f"{ID_COUNTY}{birth:%Y%m%d}{sequence % 1000:03d}"
    # stdnum ignores the last character (the check digit it computes): pass a placeholder.
    return body + ric.calc_check_digit(body + "0")


def fake_name(index: int) -> str:
    return FAKE_NAMES[index % len(FAKE_NAMES)]


# --- the runner ------------------------------------------------------------------------------


def load(size: str = "seed") -> dict[str, int]:
    """Run every loader; record DEMO_LOADED when anything was created. Returns counts."""
    if size not in SIZES:
        raise ValueError(f"size must be one of {SIZES}")
    ctx = DemoContext(size=size)
    for name, function in loaders():
        ctx.created[name] = function(ctx)
    if any(ctx.created.values()):
        audit.record(
            Verb.DEMO_LOADED,
            actor=None,
            region=DISTRICT[0],
            data={"size": size, "created": ctx.created},
        )
    return ctx.created
