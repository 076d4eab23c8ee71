"""What the fund actions share: quantity and moment checks, the manager check, the host's
receipt numbers and the posting of a ledger line (text, money and locks: ``core.values``)."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import F, Model
from django.utils import timezone

from shegong.core.errors import InvalidInput
from shegong.core.values import lock, require_scoped
from shegong.grants import queries
from shegong.grants.models import Host, MonthTotal, Movement

M = TypeVar("M", bound=Model)

FUND_NOT_FOUND = "未找到该社区慈善基金"
HOST_NOT_FOUND = "未找到该托管慈善组织"
SPENDING_NOT_FOUND = "未找到该支出申请"
ITEM_NOT_FOUND = "未找到该物资或服务"
PLEDGE_NOT_FOUND = "未找到该认捐"
MEMBER_NOT_FOUND = "未找到该管委会成员"
MONEY_MAX = Decimal("999999999.99")
CENT = Decimal("0.01")


def quantity(value: Any, field: str = "quantity", label: str = "数量") -> Decimal:
    if value in (None, ""):
        raise InvalidInput.field(field, f"请填写{label}")
    try:
        found = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, f"{label}应为数字") from None
    if not found.is_finite() or abs(found) > Decimal("99999999999"):
        raise InvalidInput.field(field, f"{label}应为数字")
    found = found.quantize(CENT)
    if found <= 0 or found > Decimal("9999999999"):
        raise InvalidInput.field(field, f"{label}应大于 0")
    return found


def when(value: Any, field: str = "occurred_at") -> datetime:
    """A moment (a datetime, or a date read as its noon), not in the future; now if empty."""
    if value in (None, ""):
        return timezone.now()
    if isinstance(value, datetime):
        found = value if timezone.is_aware(value) else timezone.make_aware(value)
    elif isinstance(value, date):
        found = timezone.make_aware(datetime(value.year, value.month, value.day, 12))
    else:
        raise InvalidInput.field(field, "请填写正确的日期")
    if found > timezone.now() + timedelta(minutes=5):
        raise InvalidInput.field(field, "发生时间不能晚于现在")
    return found


def require_manager(actor: Any, region_code: str, missing: str) -> None:
    """Staff with funds.manage whose scope covers the region (None: the system). Out of scope
    reads as missing."""
    require_scoped(
        actor, region_code, may=queries.may_manage_funds,
        refusal="您当前的角色不能管理社区慈善基金", missing=missing,
    )  # fmt: skip


def next_receipt(host_id: int, on: date) -> str:
    """The host's next donation receipt number ``{prefix}{year}{seq:06d}``: the sequence moves
    under the host's row lock, so two receipts never share a number."""
    host = lock(Host, host_id, HOST_NOT_FOUND)
    Host.objects.filter(pk=host.pk).update(receipt_seq=F("receipt_seq") + 1)
    seq = host.receipt_seq + 1
    return f"{host.receipt_prefix}{on.year}{seq:06d}"


def post(line: Movement) -> Movement:
    """Saves a new ledger line and adds it to its month's total (``MonthTotal``). Called under
    the fund's row lock (every writer locks or updates the fund row first), so two lines of a
    fund never race for the same total."""
    line.save()
    month = timezone.localtime(line.occurred_at).date().replace(day=1)
    totals = MonthTotal.objects.filter(fund_id=line.fund_id, month=month, kind=line.kind)
    if not totals.update(amount=F("amount") + line.amount, count=F("count") + 1):
        MonthTotal.objects.create(
            fund_id=line.fund_id, month=month, kind=line.kind, amount=line.amount, count=1
        )
    return line
