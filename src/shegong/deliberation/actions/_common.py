"""What the deliberation actions share: the date check and the manager check (text and row
locks: ``core.values``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from shegong.core.errors import InvalidInput
from shegong.core.values import require_scoped
from shegong.deliberation import queries


def a_date(value: Any, field: str, label: str) -> date:
    if not isinstance(value, date):
        raise InvalidInput.field(field, f"请填写{label}")
    return value


def require_manager(actor: Any, region_code: str, missing: str) -> None:
    """Staff with deliberation.manage whose scope covers the community (None: the system).
    Out of scope reads as missing (``missing`` is the NotFound message)."""
    require_scoped(
        actor, region_code, may=queries.may_manage, refusal="您当前的角色不能管理议事厅",
        missing=missing,
    )  # fmt: skip
