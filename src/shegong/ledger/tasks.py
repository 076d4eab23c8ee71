"""Background jobs of the ledger (thin, STYLE.md rule 15): a ledger import as a ``JobRun``.

A job is started by the import page. The request only stores the upload and looks at its zip
directory (``excel.check_upload``, milliseconds); reading the rows — checking the file within the
import limits, then every row — is the job's. A check of a small upload (at most
``INLINE_MAX_BYTES`` once inflated, a few thousand rows) runs in the request, a larger one in the
worker; the real import likewise by its checked row count (``INLINE_MAX_ROWS``). Either way
``run_import_job`` does the work, so both paths are the same code and the tests call it directly.
The job records the row count once the file is opened, and a check that passes leaves the first
rows for the page's preview in a side file next to the upload (never in the database: they hold
personal data), so the page never opens the file itself.

Progress: the import writes everything in ONE transaction, and SQLite has one writer at a time,
so the job cannot commit progress to its ``JobRun`` row while the import is running (another
connection would wait for the import's lock; the same connection's updates stay invisible until
the commit). The progress callback therefore writes a small side file next to the upload, which
the page polls; the ``JobRun`` row gets its progress, result and log when the import ends.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from shegong.core import jobs
from shegong.core.audit import audit_context
from shegong.core.models import JobRun

JOB_KIND = "ledger_import"
INLINE_MAX_ROWS = 5_000
INLINE_MAX_BYTES = 2 * 1024 * 1024
PREVIEW_ROWS = 10
SAMPLE_ROWS = 3  # rows shown under each header in the mapping step
MAX_STORED_ERRORS = 1_000


def imports_dir() -> Path:
    path = settings.DATA_DIR / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_path(job_id: int) -> Path:
    return imports_dir() / f"job-{job_id}.progress"


def preview_path(job_id: int) -> Path:
    return imports_dir() / f"job-{job_id}.preview.json"


def read_preview(job: JobRun) -> dict[str, Any] | None:
    """``{"headers": [...], "rows": [[row number, [cells]], ...]}`` of a passed check."""
    try:
        return json.loads(preview_path(job.pk).read_text())
    except (OSError, ValueError):
        return None


def read_progress(job: JobRun) -> int:
    """Rows done so far: the side file while running, the row itself afterwards."""
    if job.status == JobRun.Status.RUNNING:
        try:
            return int(json.loads(progress_path(job.pk).read_text())["progress"])
        except (OSError, ValueError, KeyError):
            return 0
    return job.progress


def start_import_job(
    *, user: Any, table: str, path: Path, filename: str, dry_run: bool, total: int = 0,
    size: int | None = None, mapping: dict[str, Any] | None = None,
) -> JobRun:  # fmt: skip
    """Create the JobRun of one pass over an uploaded file (a check or the real import), then
    run it here or hand it to the worker: by its inflated ``size`` when the rows are not
    counted yet (a check), else by its row count ``total``.

    ``mapping`` (``excel.Mapping.as_dict()``): the columns as the user mapped them. A check
    without one stops at the header unless the file follows the template (the mapping step:
    the job's result says ``needs_mapping`` and the side file holds the first rows)."""
    from .excel import TABLES

    membership = user.active_membership
    label = "检查" if dry_run else "导入"
    inline = size <= INLINE_MAX_BYTES if size is not None else total <= INLINE_MAX_ROWS
    job = JobRun.objects.create(
        kind=JOB_KIND,
        title=f"{label}{TABLES[table].title}：{filename}"[:200],
        total=total,
        created_by=user,
        region_id=membership.region_id if membership and not user.is_superuser else None,
        result={"table": table, "path": str(path), "filename": filename, "dry_run": dry_run,
                "membership": membership.pk if membership else None, "inline": inline,
                "mapping": mapping, "size": size},
    )  # fmt: skip
    if inline:
        run_import_job(job.pk)
    else:
        ledger_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def run_import_job(job_id: int) -> dict[str, Any]:
    """Run a queued import job once (a second call finds it claimed and does nothing)."""
    from .actions.imports import import_file

    # Claim with a conditional UPDATE so two workers never run the same job (STYLE rule 14);
    # it records this process, so the jobs.interrupted scan fails the job if the process dies.
    claimed = jobs.claim(JobRun.objects.filter(pk=job_id, kind=JOB_KIND))
    job = JobRun.objects.get(pk=job_id)
    if not claimed:
        return job.result
    params = dict(job.result)
    actor = job.created_by
    if actor is not None:
        actor.activate_membership(params.get("membership"))
    side = progress_path(job.pk)
    last = [0.0]

    def progress(done: int) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and done % 10_000:
            return
        last[0] = now
        tmp = side.with_suffix(".tmp")
        tmp.write_text(json.dumps({"progress": done}))
        os.replace(tmp, side)

    def opened(sheet: Any) -> None:
        # The rows are counted now: the progress bar gets its total before the first row.
        JobRun.objects.filter(pk=job.pk).update(total=sheet.total)
        if params["dry_run"]:
            # The rows as they will be written (regions by name), not the cells as typed.
            from .actions.imports import preview_rows

            shown = preview_rows(sheet, PREVIEW_ROWS, actor=actor)
            preview_path(job.pk).write_text(json.dumps(shown, ensure_ascii=False))

    def ask(sheet: Any) -> None:
        # The mapping step: the headers, their guesses and the first rows (side file: they
        # hold personal data) for the page; no row below them is read.
        JobRun.objects.filter(pk=job.pk).update(total=sheet.total)
        shown = {"headers": sheet.headers, "guesses": sheet.guesses,
                 "samples": sheet.samples(SAMPLE_ROWS), "header_row": sheet.header_row}  # fmt: skip
        preview_path(job.pk).write_text(json.dumps(shown, ensure_ascii=False))

    from .excel import Mapping

    mapping = Mapping.from_dict(params["mapping"]) if params.get("mapping") else None
    try:
        # A small file runs inside the request, whose context (ip, via=web) is already set.
        with audit_context(**({} if params.get("inline") else {"via": "task"})):
            result = import_file(
                params["table"], params["path"], actor=actor, dry_run=params["dry_run"],
                progress=progress, source=params["filename"], opened=opened,
                mapping=mapping, ask=ask if params["dry_run"] and mapping is None else None,
            )  # fmt: skip
    except Exception as exc:  # the job's row must say it failed, whatever went wrong
        job.status, job.log = JobRun.Status.FAILED, f"导入出错：{exc}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "log", "finished_at"])
        side.unlink(missing_ok=True)
        raise
    data = result.as_dict()
    data["error_count"] = len(result.errors)
    data["errors"] = result.errors[:MAX_STORED_ERRORS]
    job.result = {**params, **data}
    job.progress = result.rows
    job.total = max(JobRun.objects.get(pk=job.pk).total, result.rows)
    job.status = JobRun.Status.FAILED if result.errors else JobRun.Status.SUCCEEDED
    job.log = (
        f"{len(result.errors)} 处错误，未写入任何数据"
        if result.errors
        else "待确认列对应"
        if result.needs_mapping
        else f"新增 {result.created}，更新 {result.updated}，未变 {result.unchanged}"
    )
    job.finished_at = timezone.now()
    job.save()
    side.unlink(missing_ok=True)
    if result.errors:
        preview_path(job.pk).unlink(missing_ok=True)
    return job.result


@task()
def ledger_import(job_id: int) -> dict[str, Any]:
    """The worker's entry point for a large import."""
    return run_import_job(job_id)
