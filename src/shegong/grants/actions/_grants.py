"""What the grant (公益创投) actions share: text, money and date checks, the manager check, row
locks and the transition check."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import Model
from django.utils.dateparse import parse_date

from shegong.core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.scope import scope_prefix
from shegong.grants import queries

M = TypeVar("M", bound=Model)

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


def money(value: Any, field: str, label: str, *, required: bool = True) -> Decimal:
    """Yuan with two places, 0 … 9.99 亿."""
    if value in (None, ""):
        if required:
            raise InvalidInput.field(field, f"请填写{label}")
        return Decimal("0.00")
    try:
        amount = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, f"{label}应为金额（元）") from None
    if not amount.is_finite() or amount < 0 or amount > MONEY_MAX:
        raise InvalidInput.field(field, f"{label}应在 0 到 9.99 亿元之间")
    if amount != amount.quantize(CENT):
        raise InvalidInput.field(field, f"{label}最多精确到分")
    return amount.quantize(CENT)


def a_date(value: Any, field: str, label: str, *, required: bool = True) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            found = parse_date(value.strip())
        except ValueError:
            found = None
        if found is not None:
            return found
        raise InvalidInput.field(field, f"{label}应为日期（YYYY-MM-DD）")
    if required:
        raise InvalidInput.field(field, f"请填写{label}")
    return None


def count(value: Any, field: str, label: str, *, limit: int = 100_000_000) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        raise InvalidInput.field(field, f"{label}应为整数") from None
    if number < 0 or number > limit:
        raise InvalidInput.field(field, f"{label}应在 0 到 {limit} 之间")
    return number


def files(value: Any, field: str) -> list[dict[str, Any]]:
    """Attachments as [{"name", "url"}]: names kept, at most 20."""
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple):
        raise InvalidInput.field(field, "附件格式不正确")
    out = []
    for entry in value:
        if isinstance(entry, str):
            entry = {"name": entry}
        if not isinstance(entry, dict) or not str(entry.get("name") or "").strip():
            raise InvalidInput.field(field, "附件须有名称")
        out.append(
            {
                "name": text(entry.get("name"), field, "附件名称", 120),
                "url": text(entry.get("url"), field, "附件地址", 300, required=False),
            }
        )
    if len(out) > 20:
        raise InvalidInput.field(field, "附件不能超过 20 个")
    return out


def require_manager(actor: Any, region_code: str, missing: str) -> None:
    """Staff with grants.manage whose scope covers the region (None: the system). Out of scope
    reads as missing (``missing`` is the NotFound message)."""
    if actor is None:
        return
    if not queries.may_manage_grants(actor):
        raise NotPermitted("您当前的角色不能管理公益创投")
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


def move(row: Any, to: str, table: dict[str, frozenset[str]], choices: Any) -> None:
    """Check ``row.status`` → ``to`` against the transition table (409 otherwise), then set it."""
    allowed = table[row.status]
    if to not in allowed:
        raise IllegalTransition(
            choices(row.status).label,
            choices(to).label,
            [choices(s).label for s in sorted(allowed)],
        )
    row.status = to
