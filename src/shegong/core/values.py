"""What every app's actions do to the values they are handed and the rows they change: text
cleaned and bounded, money in yuan, the row locked for the change, the workflow step checked
against its transition table, the manager's scope. One copy here; the apps' ``actions/_common``
modules import these (deliberation, grants, notices).

Each check raises ``InvalidInput.field(field, "中文说明")`` (422, naming the field) so that a bad
value never reaches the database and nothing is half-written.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any, TypeVar

from django.db.models import Model

from .errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from .scope import scope_prefix

M = TypeVar("M", bound=Model)

MONEY_MAX = Decimal("999999999.99")  # 9.99 亿元: more than any grant or community fund
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
    """Text kept with its line breaks (a record, a description, an opinion)."""
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(cleaned) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return cleaned


def money(
    value: Any, field: str, label: str, *, required: bool = True, positive: bool = False
) -> Decimal:
    """Yuan with at most two decimals (``1,200.5`` reads as 1200.50), 0 … 9.99 亿 — more than
    zero when ``positive``; an empty value is 0.00 unless ``required``."""
    if value in (None, ""):
        if required:
            raise InvalidInput.field(field, f"请填写{label}")
        return Decimal("0.00")
    try:
        found = Decimal(str(value).replace(",", "").strip())
    except (InvalidOperation, ValueError):
        raise InvalidInput.field(field, f"{label}应为金额（元）") from None
    if not found.is_finite() or found < 0 or found > MONEY_MAX:
        raise InvalidInput.field(field, f"{label}应在 0 到 9.99 亿元之间")
    if found != found.quantize(CENT):
        raise InvalidInput.field(field, f"{label}最多精确到分")
    if positive and found == 0:
        raise InvalidInput.field(field, f"{label}应大于 0")
    return found.quantize(CENT)


def lock(model: type[M], target: Any, missing: str) -> M:
    """The row ``target`` (an instance or a pk) locked for update, else NotFound(missing).
    ``of=("self",)``: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join."""
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
    """Check ``row.status`` → ``to`` against the transition table (IllegalTransition, 409,
    listing the allowed steps, otherwise), then set it."""
    allowed = table[row.status]
    if to not in allowed:
        raise IllegalTransition(
            choices(row.status).label,
            choices(to).label,
            [choices(s).label for s in sorted(allowed)],
        )
    row.status = to


def require_scoped(
    actor: Any, region_code: str, *, may: Callable[[Any], bool], refusal: str, missing: str
) -> None:
    """``actor`` passes ``may`` (else NotPermitted(refusal), 403) and their scope covers
    ``region_code`` (else NotFound(missing), 404: out of scope reads as missing). None is the
    system, which may do anything."""
    if actor is None:
        return
    if not may(actor):
        raise NotPermitted(refusal)
    prefix = scope_prefix(actor)
    if prefix is None or not region_code.startswith(prefix):
        raise NotFound(missing)
