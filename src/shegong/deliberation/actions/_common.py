"""What the deliberation actions share: text and date checks, the manager check, row locks."""

from __future__ import annotations

from datetime import date
from typing import Any, TypeVar

from django.db.models import Model

from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.scope import scope_prefix
from shegong.deliberation import queries

M = TypeVar("M", bound=Model)


def text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    """One line of text, spaces collapsed; required unless told, at most ``limit`` characters."""
    cleaned = " ".join(str(value or "").split())
    if required and not cleaned:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(cleaned) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return cleaned


def long_text(value: Any, field: str, label: str, limit: int, *, required: bool = True) -> str:
    """Text kept with its line breaks (a record, a description)."""
    cleaned = str(value or "").strip()
    if required and not cleaned:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(cleaned) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return cleaned


def a_date(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise InvalidInput.field(field, f"请填写{label}")
    return value


def require_manager(actor: Any, region_code: str, missing: str) -> None:
    """Staff with deliberation.manage whose scope covers the community (None: the system).
    Out of scope reads as missing (``missing`` is the NotFound message)."""
    if actor is None:
        return
    if not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能管理议事厅")
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
