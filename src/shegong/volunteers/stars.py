"""Star levels (星级) by cumulative approved hours (DOMAIN.md 4.3).

The thresholds come from ``settings.SHEGONG_VOLUNTEER_STAR_HOURS`` (default 100/300/600/1000/1500
hours for 1–5 stars, the 《中国社区志愿者注册管理办法》 scheme; Beijing's is a setting away). A
volunteer's star is read from ``Volunteer.star``, which ``hours.approve`` and ``hours.adjust``
keep equal to ``star_for(Volunteer.hours)``; nothing here sums records.

The public honour list (``queries.people.public_rows``) shows volunteers who reached a new star
within ``SHEGONG_VOLUNTEER_NEW_STAR_DAYS``: masked name, star and team — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings


def thresholds() -> list[int]:
    """Hours needed for 1–5 stars, ascending."""
    return list(settings.SHEGONG_VOLUNTEER_STAR_HOURS)


def star_for(hours: Decimal | float | int) -> int:
    """The star level ``hours`` of approved service give (0 below the first threshold)."""
    value = Decimal(str(hours))
    return sum(1 for needed in thresholds() if value >= needed)


@dataclass(frozen=True)
class NextStar:
    star: int
    hours: int  # the threshold
    missing: Decimal  # hours still to serve


def next_star(hours: Decimal | float | int) -> NextStar | None:
    """The next star and how many hours are still missing; None at five stars."""
    value = Decimal(str(hours))
    for star, needed in enumerate(thresholds(), start=1):
        if value < needed:
            return NextStar(star, needed, (Decimal(needed) - value).quantize(Decimal("0.01")))
    return None


def stars_label(star: int) -> str:
    return "★" * star if star else "—"
