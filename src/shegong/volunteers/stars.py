"""Star levels (星级): what a volunteer is ELIGIBLE for, computed (DOMAIN.md 4.3).

The star a volunteer holds (``Volunteer.star``) is the AWARDED one: applied for, reviewed,
publicised and awarded through ``actions.star_awards`` (申请 → 审核 → 公示 → 认定). Approving
hours never changes it. What this module computes is eligibility (可申请评定):

* **counted hours** — the volunteer's approved hours minus those of the service kinds that do not
  count (``SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS``, by default 社区工作者本职工作, 学校值日/校内值勤
  and 捐赠, as Beijing excludes them);
* **months registered** — whole months since ``Volunteer.created_at`` (local dates), against
  ``SHEGONG_VOLUNTEER_STAR_MIN_MONTHS`` (per star; 0 in the national scheme);
* the thresholds ``SHEGONG_VOLUNTEER_STAR_HOURS`` (default 100/300/600/1000/1500 h for ★1–★5,
  the 《中国社区志愿者注册管理办法》 scheme, which Beijing and Guangdong use today).

The eligible star is the highest star whose hours AND months are both met.

The public honour list (``queries.people.public_rows``) shows volunteers AWARDED a star within
``SHEGONG_VOLUNTEER_NEW_STAR_DAYS``, and the applications in publicity: masked name, star and
team — nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Sum
from django.utils import timezone

STAR_NAMES = {1: "一星", 2: "二星", 3: "三星", 4: "四星", 5: "五星"}


def thresholds() -> list[int]:
    """Hours needed for 1–5 stars, ascending."""
    return list(settings.SHEGONG_VOLUNTEER_STAR_HOURS)


def min_months() -> list[int]:
    """Months registered needed for 1–5 stars."""
    return list(settings.SHEGONG_VOLUNTEER_STAR_MIN_MONTHS)


def excluded_kinds() -> list[str]:
    """The service kinds (``choices.ServiceKind``) whose hours do not count towards a star."""
    return list(settings.SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS)


def excluded_labels() -> list[str]:
    """The Chinese names of the excluded kinds (社区工作者本职工作 …)."""
    from shegong.volunteers.choices import ServiceKind

    return [str(ServiceKind(kind).label) for kind in excluded_kinds()]


def star_for(hours: Decimal | float | int) -> int:
    """The star level ``hours`` of counted service reach (0 below the first threshold), months
    aside."""
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


def star_name(star: int) -> str:
    return STAR_NAMES.get(star, f"{star}星")


def months_between(start: date, end: date) -> int:
    """Whole months from ``start`` to ``end``: a month is complete when its day of the month is
    reached again (registered 01-15: one month on 02-15; registered 01-31: on 03-01)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    if end.day < start.day:
        months -= 1
    return max(months, 0)


def counted_hours(volunteer: Any) -> Decimal:
    """Approved hours of the volunteer, minus those of the excluded service kinds."""
    from shegong.volunteers.choices import RecordStatus
    from shegong.volunteers.models import ServiceRecord

    pk = getattr(volunteer, "pk", volunteer)
    total = (
        ServiceRecord.objects.filter(volunteer_id=pk, status=RecordStatus.APPROVED)
        .exclude(service_kind__in=excluded_kinds())
        .aggregate(s=Sum("hours"))["s"]
    )
    return Decimal(total or 0).quantize(Decimal("0.01"))


@dataclass(frozen=True)
class Eligibility:
    """What a volunteer may apply for now, and why not more."""

    awarded: int  # Volunteer.star
    star: int  # the highest star eligible for (hours and months both met)
    counted_hours: Decimal
    months: int  # whole months registered

    @property
    def can_apply(self) -> bool:
        return self.star > self.awarded

    def shortfall(self, star: int) -> str:
        """Why ``star`` is not (yet) within reach, in Chinese; "" when it is."""
        if not 1 <= star <= len(thresholds()):
            return "星级应为 1 到 5 星"
        needed = thresholds()[star - 1]
        months_needed = min_months()[star - 1]
        reasons = []
        if self.counted_hours < needed:
            missing = (Decimal(needed) - self.counted_hours).quantize(Decimal("0.01"))
            reasons.append(
                f"计入星级的服务时长 {self.counted_hours} 小时，{star_name(star)}需 {needed} 小时，"
                f"还差 {missing} 小时"
            )
        if self.months < months_needed:
            reasons.append(
                f"注册满 {months_needed} 个月方可申请{star_name(star)}（现为 {self.months} 个月）"
            )
        return "；".join(reasons)

    @property
    def label(self) -> str:
        """ "可申请三星" when a star above the awarded one is within reach, else ""."""
        return f"可申请{star_name(self.star)}" if self.can_apply else ""


def eligibility(
    volunteer: Any, *, today: date | None = None, hours: Decimal | None = None
) -> Eligibility:
    """The volunteer's eligibility now (``hours``: counted hours when already summed)."""
    today = today or timezone.localdate()
    counted = (
        counted_hours(volunteer) if hours is None else Decimal(hours).quantize(Decimal("0.01"))
    )
    months = months_between(timezone.localdate(volunteer.created_at), today)
    star = 0
    for level, (needed, months_needed) in enumerate(
        zip(thresholds(), min_months(), strict=True), 1
    ):
        if counted >= needed and months >= months_needed:
            star = level
    return Eligibility(awarded=volunteer.star, star=star, counted_hours=counted, months=months)
