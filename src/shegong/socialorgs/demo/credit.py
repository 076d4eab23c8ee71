"""The demo's credit lists (issue 14 §4): the rules run over the demo county's history.

- The organizations that missed ``report_year()``'s inspection (未参检: 10 in the seed, the
  inspection step's) are put on the 活动异常名录 by the scan of the second working day after
  the window's close (e.g. 2026-05-31 → listed 2026-06-02: within 5 working days of the fact).
- The first two of them are ordered to rectify (补报), verified, and removed by the next scan.
- One active organization with no missed inspection has two registered letters returned (sent
  100 and 71 days ago) and is listed as unreachable (its 6 months are not over yet).
- Today's scan lists each 撤销/吊销 organization (the cancelled pool, after the events step) on
  the 严重违法失信名单.

Everything goes through ``actions.credit`` (actor None), backdated. Idempotent: nothing is done
once the district has a credit event.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from shegong.core.workdays import add_workdays

from ..actions import credit
from ..models import AnnualReport, CreditEvent, InspectionConclusion, SocialOrg
from . import pool, report_year

RECTIFIED = 2  # listed organizations that rectify and are removed


def _workday_after(day: date, days: int) -> date:
    from datetime import datetime

    from django.utils import timezone

    moment = timezone.make_aware(datetime(day.year, day.month, day.day, 12))
    return timezone.localdate(add_workdays(moment, days))


def load(ctx: Any) -> int:
    district = ctx.region("district")
    if CreditEvent.objects.in_region(district.prefix).exists():
        return 0
    today = date.today()
    year = report_year(today)
    closed = date(year + 1, 5, 31)
    listed_on = min(_workday_after(closed, 2), today)
    credit.scan(listed_on)
    missed = list(
        SocialOrg.objects.in_region(district.prefix)
        .filter(
            annual_reports__year=year,
            annual_reports__conclusion=InspectionConclusion.ABSENT,
            credit_listings__removed_on__isnull=True,
        )
        .order_by("registration_number")
        .distinct()
    )
    ordered_on = min(listed_on + timedelta(days=3), today)
    verified_on = min(ordered_on + timedelta(days=20), today)
    for so in missed[:RECTIFIED]:
        rect = credit.order_rectification(
            so,
            {
                "matter": f"补报{year}年度工作报告并提交整改报告",
                "deadline": closed + timedelta(days=60),
            },
            actor=None,
            on=ordered_on,
        )
        credit.verify_rectification(
            rect, "已补报年度工作报告，经核实整改到位", actor=None, on=verified_on
        )
    credit.scan(verified_on)
    missed_ids = set(
        AnnualReport.objects.filter(conclusion=InspectionConclusion.ABSENT).values_list(
            "social_org_id", flat=True
        )
    )
    reachable = [so for so in reversed(pool(ctx, "active")) if so.pk not in missed_ids]
    if reachable:
        so = reachable[0]
        first_sent = today - timedelta(days=100)
        for sent in (first_sent, first_sent + timedelta(days=29)):
            credit.record_returned_letter(
                so,
                {
                    "sent_on": sent,
                    "returned_on": sent + timedelta(days=15),
                    "tracking_number": f"XA{sent:%m%d}{so.pk:05d}",
                },
                actor=None,
                on=sent + timedelta(days=16),
            )
        credit.scan(first_sent + timedelta(days=46))
    credit.scan()
    return CreditEvent.objects.in_region(district.prefix).count()
