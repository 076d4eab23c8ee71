"""Disclosures (信息公开): a month's income by kind, spending by project, the cash balance at its
end and the in-kind items received and used (anonymous donors as 爱心人士), snapshotted in a
``Disclosure`` and published as a notice (kind ``grants.disclosure``). Generated for each active
fund on the first days of a month for the month before (``monthly``, a daily scan; one per period:
idempotent), on demand from the ledger page, and as the final disclosure when a fund closes.

Dormant funds (no movement for ``settings.SHEGONG_FUND_DORMANT_DAYS``) are flagged once by a
daily scan and their managers told (``flag_dormant``): the to-do leads to 清算.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.notify import notify, register_event
from shegong.core.values import lock
from shegong.grants.actions._funds import (
    FUND_NOT_FOUND,
    require_manager,
)
from shegong.grants.choices import FundStatus
from shegong.grants.models import Disclosure, Fund
from shegong.grants.queries import funds as fund_queries
from shegong.notices.actions.notices import make_notice

__all__ = ["disclose", "final_disclosure", "flag_dormant", "monthly"]

register_event(
    "grants.fund_dormant",
    title="社区慈善基金长期无收支：{{ fund }}",
    body="{{ fund }}已 {{ days }} 天没有收支，请评估是否进入清算程序。",
    link="{{ url }}",
)


def _body(fund: Fund, summary: dict[str, Any], title: str) -> str:
    lines = [
        f"{title}",
        f"托管慈善组织：{fund.host.name}（收款户名：{fund.host.account_name}）",
        f"期间：{summary['start']:%Y-%m-%d} 至 {summary['end']:%Y-%m-%d}",
        f"现金收入：{summary['cash_in']} 元；现金支出：{summary['cash_out']} 元；"
        f"期末现金余额：{summary['balance']} 元",
        f"物资及资源置换收入价值：{summary['goods_in']} 元；"
        f"物资使用价值：{summary['goods_out']} 元",
        "",
        "收入明细：",
    ]
    lines += [f"  {d['donor']} {d['kind']} {d['value']} 元（票据 {d['receipt_no'] or '—'}）"
              for d in summary["donors"]] or ["  无"]  # fmt: skip
    lines += ["", "支出明细（按项目）："]
    lines += [f"  {s['title']} {s['total']} 元，惠及 {s['people']} 人次"
              for s in summary["spending"]] or ["  无"]  # fmt: skip
    return "\n".join(lines)[:20000]


def _snapshot(fund: Fund, start: date, end: date, *, final: bool, actor: Any) -> Disclosure:
    """Write the period's disclosure and its notice (the caller's transaction)."""
    summary = fund_queries.period_summary(fund, start, end)
    title = f"{fund.name}{'清算终止' if final else ''}收支公示（{start:%Y年%m月}" + (
        f"—{end:%Y年%m月}）" if (start.year, start.month) != (end.year, end.month) else "）"
    )
    disclosure = Disclosure.objects.create(
        fund=fund, region_id=fund.region_id, period_start=start, period_end=end,
        cash_in=summary["cash_in"], cash_out=summary["cash_out"], goods_in=summary["goods_in"],
        goods_out=summary["goods_out"], balance=summary["balance"],
        lines={k: v for k, v in summary.items() if k in ("income", "spending", "items", "donors")},
    )  # fmt: skip
    notice = make_notice(
        kind="grants.disclosure", region=fund.region_id, title=title[:120],
        body=_body(fund, summary, title), target=disclosure, actor=actor,
    )  # fmt: skip
    disclosure.notice = notice
    disclosure.save(update_fields=["notice"])
    audit.record(
        Verb.FUND_DISCLOSED, actor=actor, target=disclosure,
        data={"fund": fund.pk, "start": start.isoformat(), "end": end.isoformat(),
              "final": final, "notice": notice.pk},
    )  # fmt: skip
    return disclosure


def disclose(actor: Any, fund: Any, month: Any) -> Disclosure:
    """The disclosure of one month (YYYY-MM or a date in it) of the fund, made and published
    now; an existing one is returned as it is (one per period)."""
    bounds = fund_queries.month_bounds(month) if month not in (None, "") else None
    if bounds is None:
        raise InvalidInput.field("month", "请选择公示月份")
    if bounds[0] > timezone.localdate():
        raise InvalidInput.field("month", "不能公示尚未开始的月份")
    try:
        return _disclose(actor, fund, *bounds)
    except IntegrityError:  # a scan made it at the same moment
        return Disclosure.objects.get(
            fund_id=getattr(fund, "pk", fund), period_start=bounds[0], period_end=bounds[1]
        )


@transaction.atomic(durable=True)
def _disclose(actor: Any, fund: Any, start: date, end: date) -> Disclosure:
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    existing = Disclosure.objects.filter(fund=found, period_start=start, period_end=end).first()
    if existing is not None:
        return existing
    if found.status == FundStatus.PREPARING:
        raise InvalidInput.field("month", "基金尚未启用，无需公示")
    return _snapshot(found, start, end, final=False, actor=actor)


@transaction.atomic(durable=True)
def final_disclosure(fund: Fund) -> Disclosure:
    """The final disclosure of a closed fund: from the day after its last disclosure (or its
    set-up) to today."""
    found = lock(Fund, fund.pk, FUND_NOT_FOUND)
    last = Disclosure.objects.filter(fund=found).order_by("-period_end").first()
    start = (
        last.period_end + timedelta(days=1) if last else timezone.localtime(found.created_at).date()
    )
    end = max(start, timezone.localdate())
    return _snapshot(found, start, end, final=True, actor=None)


def monthly(today: date | None = None) -> int:
    """Last month's disclosure for each active (or winding-up) fund set up before that month
    ended; those already made are skipped. Returns how many were made."""
    today = today or timezone.localdate()
    start, end = fund_queries.month_bounds(today.replace(day=1) - timedelta(days=1)) or (
        today,
        today,
    )
    made = 0
    funds = Fund.objects.filter(status__in=(FundStatus.ACTIVE, FundStatus.WINDING_UP)).exclude(
        disclosures__period_start=start, disclosures__period_end=end
    )
    for fund in funds.order_by("pk"):
        if timezone.localtime(fund.created_at).date() > end:
            continue
        try:
            _disclose(None, fund.pk, start, end)
        except IntegrityError:
            continue
        made += 1
    return made


def flag_dormant(now: Any = None) -> int:
    """Flag (once) each active fund without a movement for SHEGONG_FUND_DORMANT_DAYS and tell
    its managers; a new movement or reactivation clears the flag."""
    days = int(getattr(settings, "SHEGONG_FUND_DORMANT_DAYS", 365))
    candidates = fund_queries.dormant(Fund.objects.all(), days, now).filter(
        dormant_flagged_at__isnull=True
    )
    count = 0
    for pk in candidates.values_list("pk", flat=True):
        count += _flag(pk, days)
    return count


@transaction.atomic(durable=True)
def _flag(pk: int, days: int) -> int:
    from shegong.accounts.queries import holders
    from shegong.core.perms import Perm

    found = lock(Fund, pk, FUND_NOT_FOUND)
    if found.dormant_flagged_at is not None or found.status != FundStatus.ACTIVE:
        return 0
    found.dormant_flagged_at = timezone.now()
    found.save(update_fields=["dormant_flagged_at"])
    audit.record(Verb.FUND_DORMANT_FLAGGED, actor=None, target=found, data={"days": days})
    for user in holders(Perm.FUNDS_MANAGE, found.region_id):
        notify(user, "grants.fund_dormant", {
            "fund": found.name, "days": days, "url": f"/grants/funds/{found.pk}/",
        })  # fmt: skip
    return 1
