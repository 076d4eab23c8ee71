"""Benchmark: exporting the organization ledger against a raw xlsxwriter write of the same rows.

``shegong bench ledger_export [--size N]`` creates N organizations, then times, in the same run:

- the floor: the same cells (already in memory as Python lists) written with xlsxwriter in
  constant-memory mode, nothing else;
- the export: ``ledger.excel.export_organizations`` as the list page calls it — the scoped
  query, masking by role, the streaming xlsx, the audit entry.

It prints the ratio (target <= 2). Like ``ledger_import`` it runs in a child process on a
throwaway data directory unless ``in_place=True`` (the test suite).
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

PHONE = "13800009998"


def _support():
    """Shared helpers of benchmarks/ledger_import.py (benchmarks are loaded by path)."""
    from shegong.cli import load_benchmark

    return load_benchmark("ledger_import")


def _populate(size: int, codes: list[str]) -> None:
    credit_code = _support().credit_code
    from django.db import transaction

    from shegong.ledger.models import Coverage, Organization

    with transaction.atomic():
        orgs = Organization.objects.bulk_create(
            (
                Organization(
                    kind="enterprise",
                    name=f"基准导出企业{i}有限公司",
                    credit_code=credit_code(i),
                    region_id=codes[i % len(codes)],
                    legal_rep=f"法人{i % 97}",
                    legal_rep_phone=f"139{i % 100_000_000:08d}",
                    address=f"示范路{i}号",
                    industry="C",
                    employee_count=3 + i % 50,
                    party_member_count=i % 5,
                )
                for i in range(size)
            ),
            batch_size=2000,
        )
        Coverage.objects.bulk_create(
            (Coverage(organization=o, region_id=o.region_id) for o in orgs), batch_size=2000
        )


def _viewer():
    from shegong.accounts.models import Membership, User
    from shegong.core.perms import Role

    user = User.objects.create_user(phone=PHONE, password=None, name="基准导出")
    Membership.objects.create(user=user, role=Role.COMMUNITY_WORKER, region_id=_district())
    return User.objects.get(pk=user.pk)


def _district() -> str:
    from shegong.core import demo

    return demo.DISTRICT[0]


def raw_write(rows: list[list], path: Path) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet()
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, int | float):
                sheet.write_number(r, c, value)
            else:
                sheet.write_string(r, c, str(value))
    book.close()


def run(size: int) -> dict:
    from django.db import connection

    from shegong.ledger import excel
    from shegong.ledger.models import Organization

    _populate(size, _support().grids())
    viewer = _viewer()

    began = time.perf_counter()
    response = excel.export_organizations(Organization.objects.all(), viewer)
    export_s = time.perf_counter() - began
    exported = int(response["X-Export-Rows"])
    # Close the file only: response.close() fires request_finished, which closes the database
    # connection of a transaction in progress (a test's, on PostgreSQL).
    response.file_to_stream.close()

    # The same cells, as the export wrote them, materialised before the clock starts.
    rows = [
        [c.header for c in excel.ORG_EXPORT_COLUMNS],
        *(
            [
                "非公企业",
                o.name,
                o.credit_code,
                o.region_id,
                o.legal_rep[:1] + "**",
                o.legal_rep_phone[:3] + "****" + o.legal_rep_phone[-4:],
                o.address,
                "制造业",
                o.employee_count,
                o.party_member_count,
                "在营",
                "否",
                "未覆盖",
                "2024-01-01 00:00:00",
            ]
            for o in Organization.objects.order_by("region_id", "name", "pk").iterator()
        ),
    ]
    with tempfile.TemporaryDirectory(prefix="shegong-bench-") as folder:
        began = time.perf_counter()
        raw_write(rows, Path(folder) / "raw.xlsx")
        raw_s = time.perf_counter() - began
    return {
        "rows": size,
        "exported_rows": exported,
        "export_s": round(export_s, 3),
        "raw_write_s": round(raw_s, 3),
        "ratio": round(export_s / raw_s, 2) if raw_s else None,
        "target_ratio": 2,
        "database": connection.vendor,
        "floor": "xlsxwriter constant_memory write of the same cells",
    }


def main(size: int = 100_000, *, in_place: bool = False) -> dict:
    support = _support()
    if in_place or os.environ.get(support.SANDBOX_ENV):
        return run(size)
    return support.sandboxed(Path(__file__).stem, size)
