"""What the grant (公益创投) actions share: date, count and attachment checks and the manager
check (text, money, locks and transitions: ``core.values``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.db.models import Model
from django.utils.dateparse import parse_date

from shegong.core.errors import InvalidInput
from shegong.core.values import require_scoped, text
from shegong.grants import queries

M = TypeVar("M", bound=Model)

MONEY_MAX = Decimal("999999999.99")
CENT = Decimal("0.01")


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
    require_scoped(
        actor, region_code, may=queries.may_manage_grants,
        refusal="您当前的角色不能管理公益创投", missing=missing,
    )  # fmt: skip
