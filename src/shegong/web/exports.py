"""The one audited Excel export of every list page: write the rows, then one audit entry saying
who exported which table, how many rows, with which filters, and whether personal data was
masked."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.http import FileResponse
from django.utils import timezone

from shegong.core import audit, excel
from shegong.core.audit import Verb


def audited_xlsx(
    user: Any,
    *,
    verb: Verb,
    table: str,
    title: str,
    columns: Sequence[excel.Column],
    rows: Iterable[Sequence[Any]],
    filters: Mapping[str, Any] | None = None,
    masked: bool | None = None,
    target: Any = None,
    sheet_name: str | None = None,
) -> FileResponse:
    """``<title>-<yyyymmdd-hhmm>.xlsx`` of ``rows``, and its audit entry (in the user's active
    region). ``masked`` is recorded when the table carries personal data; empty filters are
    left out of the entry."""
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = excel.xlsx_response(
        f"{title}-{stamp}.xlsx", columns, rows, sheet_name=sheet_name or title
    )
    data: dict[str, Any] = {"table": table, "rows": int(response["X-Export-Rows"])}
    if masked is not None:
        data["masked"] = masked
    data["filters"] = {k: str(v) for k, v in (filters or {}).items() if v not in (None, "")}
    membership = user.active_membership
    audit.record(
        verb,
        actor=user,
        target=target,
        region=membership.region_id if membership is not None else None,
        data=data,
    )
    return response
