"""The daily credit-list scan (民政部令第60号: entered within 5 working days of the fact, removed
within 5 working days of the verified rectification or after 6 months): ``actions.credit.scan``."""

from __future__ import annotations

from datetime import timedelta

from shegong.core.scans import periodic_scan


@periodic_scan(
    "socialorgs.credit_scan",
    every=timedelta(days=1),
    title="社会组织信用名录：按规则列入和移出活动异常名录、严重违法失信名单",
)
def credit_scan() -> dict[str, int]:
    from .actions import credit

    return credit.scan()
