"""What the grant (公益创投) actions share: date and count checks, uploaded files (kept under
``grants/``) and the manager check (text, money, locks and transitions: ``core.values``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, TypeVar

from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Model
from django.utils.dateparse import parse_date

from shegong.core.documents import store_documents
from shegong.core.errors import InvalidInput
from shegong.core.values import require_scoped
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


FOLDER = "grants"


def uploads(value: Any, field: str) -> list[Any]:
    """Uploaded file objects (Django ``UploadedFile``s): one, a list, or none."""
    if value in (None, ""):
        return []
    items = list(value) if isinstance(value, list | tuple) else [value]
    items = [f for f in items if f]
    if any(not hasattr(f, "read") for f in items):
        raise InvalidInput.field(field, "附件须为上传的文件")
    return items


def store(value: Any, kind: str, field: str, *, have: int = 0) -> list[dict[str, Any]]:
    """Check and keep uploads under ``grants/<kind>/`` (``core.documents``): the records a JSON
    list of the grants keeps. Call it after every other check: a bad file stores nothing."""
    return store_documents(uploads(value, field), f"{FOLDER}/{kind}", field=field, have=have)


def drop_later(records: list[dict[str, Any]]) -> None:
    """Delete the stored files of ``records`` once the transaction commits."""
    paths = [str(r.get("path") or "") for r in records if isinstance(r, dict)]

    def delete() -> None:
        for path in paths:
            if path.startswith(f"{FOLDER}/") and ".." not in path:
                default_storage.delete(path)

    transaction.on_commit(delete)


def require_manager(actor: Any, region_code: str, missing: str) -> None:
    """Staff with grants.manage whose scope covers the region (None: the system). Out of scope
    reads as missing (``missing`` is the NotFound message)."""
    require_scoped(
        actor, region_code, may=queries.may_manage_grants,
        refusal="您当前的角色不能管理公益创投", missing=missing,
    )  # fmt: skip
