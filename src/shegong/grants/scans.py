"""The periodic scans of grants (imported from ``apps.ready``)."""

from __future__ import annotations

from datetime import timedelta

from shegong.core.scans import periodic_scan


# 社区慈善基金
@periodic_scan(
    "grants.fund_disclosures", every=timedelta(hours=6), title="社区慈善基金：上月收支公示"
)
def fund_disclosures() -> int:
    """Last month's disclosure of each active fund, made and published once (idempotent)."""
    from shegong.grants.actions import disclosures

    return disclosures.monthly()


@periodic_scan("grants.fund_dormant", every=timedelta(days=1), title="社区慈善基金：休眠提示")
def fund_dormant() -> int:
    """Funds without a movement for SHEGONG_FUND_DORMANT_DAYS: flagged once, managers told."""
    from shegong.grants.actions import disclosures

    return disclosures.flag_dormant()
