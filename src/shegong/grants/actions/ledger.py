"""The fund's income (收入): cash donations, goods donations, 资源置换 (a merchant's goods or
services given for recognition, valued as quantity × unit value and counted as a resource),
pledges (认捐) and their fulfilment.

Every yuan and item is received by the host charity (the fund has no account of its own): each
line names the host and carries a receipt number of the host's series. Cash lines move the fund's
running balance under its row lock (an ``F()`` update) and write ``balance_after``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.values import lock, money, text
from shegong.grants.actions._funds import (
    FUND_NOT_FOUND,
    PLEDGE_NOT_FOUND,
    next_receipt,
    post,
    quantity,
    require_manager,
    when,
)
from shegong.grants.choices import DonorKind, FundStatus, MovementKind, PledgeStatus
from shegong.grants.models import Fund, Item, MonthTotal, Movement, Pledge

__all__ = ["DONATION_KINDS", "rebuild_month_totals", "record_donation", "record_pledge"]

# What the donation form offers: cash, goods, or 资源置换.
DONATION_KINDS = {
    "cash": MovementKind.CASH_IN, "goods": MovementKind.GOODS_IN,
    "exchange": MovementKind.EXCHANGE_IN,
}  # fmt: skip


def _open_fund(fund: Any) -> Fund:
    found = lock(Fund, fund, FUND_NOT_FOUND)
    if found.status != FundStatus.ACTIVE:
        raise DomainError(f"该基金{found.get_status_display()}，不能登记收入")
    return found


def _donor(name: Any, kind: Any, anonymous: Any) -> dict[str, Any]:
    if kind not in DonorKind.values:
        raise InvalidInput.field("donor_kind", "请选择捐赠方类型")
    return {
        "donor_name": text(name, "donor_name", "捐赠方", 80), "donor_kind": kind,
        "anonymous": bool(anonymous),
    }  # fmt: skip


@transaction.atomic(durable=True)
def record_donation(
    actor: Any, fund: Any, *, kind: Any, donor_name: Any = "", donor_kind: Any = "",
    anonymous: Any = False, amount_value: Any = None, item_name: Any = "", unit: Any = "件",
    quantity_value: Any = None, unit_value: Any = None, is_service: Any = False,
    recognition: Any = "", occurred_at: Any = None, note: Any = "", pledge: Any = None,
    receipt: bool = True,
) -> Movement:  # fmt: skip
    """登记收入: ``kind`` cash (``amount_value``; a ``pledge`` it fulfils), goods or exchange
    (资源置换: ``item_name``, ``unit``, ``quantity_value`` × ``unit_value``; an exchange names the
    recognition the merchant gets). A receipt number of the host's series is issued."""
    found = _open_fund(fund)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    movement_kind = DONATION_KINDS.get(str(kind or ""))
    if movement_kind is None:
        raise InvalidInput.field("kind", "请选择收入类型（现金、物资或资源置换）")
    donor = _donor(donor_name, donor_kind, anonymous)
    at = when(occurred_at)
    now = timezone.now()
    line = Movement(
        fund=found, host_id=found.host_id, region_id=found.region_id, kind=movement_kind,
        occurred_at=at, note=text(note, "note", "摘要", 200, required=False),
        recorded_by=actor if getattr(actor, "pk", None) else None, **donor,
    )  # fmt: skip
    found_pledge = None
    if movement_kind == MovementKind.CASH_IN:
        line.amount = money(amount_value, "amount", "捐赠金额", positive=True)
        if pledge not in (None, ""):
            found_pledge = lock(Pledge, pledge, PLEDGE_NOT_FOUND)
            if found_pledge.fund_id != found.pk:
                raise InvalidInput.field("pledge", "该认捐不属于本基金")
            if found_pledge.status in (PledgeStatus.FULFILLED, PledgeStatus.CANCELLED):
                raise InvalidInput.field(
                    "pledge", f"该认捐{found_pledge.get_status_display()}，不能再兑现"
                )
            line.pledge = found_pledge
        Fund.objects.filter(pk=found.pk).update(
            cash_balance=F("cash_balance") + line.amount,
            last_movement_at=now,
            dormant_flagged_at=None,
        )
        found.refresh_from_db(fields=["cash_balance"])
        line.balance_after = found.cash_balance
    else:
        if movement_kind == MovementKind.EXCHANGE_IN:
            line.recognition = text(recognition, "recognition", "反哺回馈方式", 200)
        count = quantity(quantity_value, "quantity")
        price = money(unit_value, "unit_value", "单价", positive=True)
        item = Item.objects.create(
            fund=found, name=text(item_name, "item_name", "物资/服务名称", 60),
            unit=text(unit, "unit", "单位", 10), is_service=bool(is_service),
            unit_value=price, quantity=count, quantity_left=count,
            received_on=timezone.localtime(at).date(),
        )  # fmt: skip
        line.item, line.quantity = item, count
        line.amount = (count * price).quantize(Decimal("0.01"))
        line.balance_after = found.cash_balance
        Fund.objects.filter(pk=found.pk).update(last_movement_at=now, dormant_flagged_at=None)
    if receipt:
        line.receipt_no = next_receipt(found.host_id, timezone.localtime(at).date())
    post(line)
    if found_pledge is not None:
        Pledge.objects.filter(pk=found_pledge.pk).update(fulfilled=F("fulfilled") + line.amount)
        found_pledge.refresh_from_db()
        found_pledge.status = (
            PledgeStatus.FULFILLED
            if found_pledge.fulfilled >= found_pledge.amount
            else PledgeStatus.PARTLY
        )
        found_pledge.save(update_fields=["status"])
    audit.record(
        Verb.FUND_DONATION_RECORDED, actor=actor, target=found,
        data={"movement": line.pk, "kind": movement_kind, "amount": str(line.amount),
              "receipt_no": line.receipt_no, "anonymous": line.anonymous,
              "pledge": found_pledge.pk if found_pledge else None},
    )  # fmt: skip
    return line


@transaction.atomic(durable=True)
def record_pledge(
    actor: Any, fund: Any, *, donor_name: Any, donor_kind: Any, amount_value: Any,
    anonymous: Any = False, due_on: Any = None,
) -> Pledge:  # fmt: skip
    """登记认捐: a promise of an amount by a date; fulfilled by cash donations naming it."""
    found = _open_fund(fund)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    donor = _donor(donor_name, donor_kind, anonymous)
    if due_on not in (None, "") and (
        not hasattr(due_on, "isoformat") or due_on < timezone.localdate()
    ):
        raise InvalidInput.field("due_on", "兑现期限不能早于今天")
    pledge = Pledge.objects.create(
        fund=found, region_id=found.region_id, due_on=due_on or None, **donor,
        amount=money(amount_value, "amount", "认捐金额", positive=True),
    )  # fmt: skip
    audit.record(
        Verb.FUND_PLEDGE_RECORDED, actor=actor, target=found,
        data={"pledge": pledge.pk, "amount": str(pledge.amount), "anonymous": pledge.anonymous},
    )  # fmt: skip
    return pledge


@transaction.atomic
def rebuild_month_totals(fund: Fund) -> int:
    """Makes a fund's month totals anew from its movements (after movements were loaded in bulk,
    as the benchmark does, or to repair them); returns how many there are. Changes no fact of
    the ledger, so it writes no audit entry."""
    lock(Fund, fund.pk, FUND_NOT_FOUND)
    MonthTotal.objects.filter(fund=fund).delete()
    rows = (
        Movement.objects.filter(fund=fund)
        .order_by()
        .annotate(month=TruncMonth("occurred_at"))
        .values("month", "kind")
        .annotate(total=Sum("amount"), n=Count("id"))
    )
    return len(MonthTotal.objects.bulk_create(
        MonthTotal(
            fund=fund, month=timezone.localtime(r["month"]).date(), kind=r["kind"],
            amount=r["total"], count=r["n"],
        )
        for r in rows
    ))  # fmt: skip
