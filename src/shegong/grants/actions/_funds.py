"""What the fund actions share: text, money and quantity checks, the manager check, row locks and
the host's receipt numbers."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import F, Model
from django.utils import timezone

from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.scope import scope_prefix
from shegong.grants import queries
from shegong.grants.models import Host

M = TypeVar("M", bound=Model)

FUND_NOT_FOUND = "未找到该社区慈善基金"
HOST_NOT_FOUND = "未找到该托管慈善组织"
SPENDING_NOT_FOUND = "未找到该支出申请"
ITEM_NOT_FOUND = "未找到该物资或服务"
PLEDGE_NOT_FOUND = "未找到该认捐"
MEMBER_NOT_FOUND = "未找到该管委会成员"
MONEY_MAX = Decimal("999999999.99")
CENT = Decimal("0.01")


def text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    """One line of text, spaces collapsed; required unless told, at most ``limit`` characters."""
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(cleaned) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return cleaned


def long_text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(cleaned) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return cleaned


def amount(value: Any, field: str, label: str, *, zero: bool = False) -> Decimal:
    """A sum of money in yuan (two decimals), more than zero unless ``zero``."""
    if value in (None, ""):
        raise InvalidInput.field(field, f"请填写{label}")
    try:
        found = Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, f"{label}应为金额（元）") from None
    if not found.is_finite() or abs(found) > MONEY_MAX * 10:
        raise InvalidInput.field(field, f"{label}应为金额（元）")
    found = found.quantize(CENT)
    if found < 0 or (found == 0 and not zero) or found > MONEY_MAX:
        raise InvalidInput.field(field, f"{label}应大于 0 且不超过 9.99 亿元")
    return found


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
    if actor is None:
        return
    if not queries.may_manage_funds(actor):
        raise NotPermitted("您当前的角色不能管理社区慈善基金")
    prefix = scope_prefix(actor)
    if prefix is None or not region_code.startswith(prefix):
        raise NotFound(missing)


def lock(model: type[M], target: Any, missing: str) -> M:
    """The row ``target`` (an instance or a pk) locked for update, else NotFound(missing)."""
    pk = getattr(target, "pk", target)
    found = (
        model._default_manager.select_for_update(of=("self",)).filter(pk=pk).first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(missing)
    return found


def next_receipt(host_id: int, on: date) -> str:
    """The host's next donation receipt number ``{prefix}{year}{seq:06d}``: the sequence moves
    under the host's row lock, so two receipts never share a number."""
    host = lock(Host, host_id, HOST_NOT_FOUND)
    Host.objects.filter(pk=host.pk).update(receipt_seq=F("receipt_seq") + 1)
    seq = host.receipt_seq + 1
    return f"{host.receipt_prefix}{on.year}{seq:06d}"
