"""Background jobs of the regions (thin, STYLE.md rule 15): a regions import as a ``JobRun``.

The import page stores the upload and looks only at its kind and zip directory
(``importer.check_upload``, milliseconds); reading the rows, checking every one against the tree
and writing them all (or none) is the job's. As in the ledger, a small upload (at most
``INLINE_MAX_BYTES`` once inflated) runs inside the request and a larger one in the worker; both
paths are ``run_import_job``, so the tests call it directly. The page polls the job's row.

A regions file imports straight after a passing check (there is no confirm step: a bad row means
nothing is written, and the page lists every error by row and field). The uploaded file is
removed when the job ends.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from shegong.core import jobs
from shegong.core.audit import audit_context
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import JobRun

JOB_KIND = "regions_import"
INLINE_MAX_BYTES = 2 * 1024 * 1024
MAX_STORED_ERRORS = 1_000


def imports_dir() -> Path:
    path = settings.DATA_DIR / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def start_import_job(*, user: Any, path: Path, filename: str, size: int) -> JobRun:
    """Create the JobRun importing an uploaded (and pre-checked) file, then run it here when it
    is small (``size``: the bytes it inflates to) or hand it to the worker."""
    membership = user.active_membership
    inline = size <= INLINE_MAX_BYTES
    job = JobRun.objects.create(
        kind=JOB_KIND,
        title=f"导入区划：{filename}"[:200],
        created_by=user,
        region_id=membership.region_id if membership and not user.is_superuser else None,
        result={"path": str(path), "filename": filename, "inline": inline,
                "membership": membership.pk if membership else None},
    )  # fmt: skip
    if inline:
        run_import_job(job.pk)
    else:
        regions_import.enqueue(job.pk)
    job.refresh_from_db()
    return job


def _import(path: str, filename: str, actor: Any) -> tuple[int, int, list[dict[str, Any]]]:
    """(rows read, regions created, errors) of one file; any error means nothing was written."""
    from . import actions, importer

    try:
        rows, errors = importer.read_rows(path)
    except importer.FileError as exc:
        return 0, 0, [{"row": 0, "field": "file", "message": str(exc)}]
    if not rows and not errors:
        return 0, 0, [{"row": 0, "field": "file", "message": "文件中没有数据行"}]
    try:
        if errors:
            # List the scope and tree errors of the rows that did parse too, so one upload
            # shows everything.
            found = [*errors, *actions.scope_errors(rows, actor=actor)]
            return len(rows), 0, [*found, *actions.validate_rows(rows)]
        created = actions.import_regions(rows, actor=actor, source=filename)
    except InvalidInput as exc:
        return len(rows), 0, exc.errors or [{"row": 0, "field": "file", "message": exc.detail}]
    except (NotFound, NotPermitted) as exc:
        return len(rows), 0, [{"row": 0, "field": "parent_code", "message": exc.detail}]
    return len(rows), len(created), []


def run_import_job(job_id: int) -> dict[str, Any]:
    """Run a queued import job once (a second call finds it claimed and does nothing)."""
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
    upload = Path(params["path"])
    try:
        # A small file runs inside the request, whose context (ip, via=web) is already set.
        with audit_context(**({} if params.get("inline") else {"via": "task"})):
            rows, created, errors = _import(str(upload), params["filename"], actor)
    except Exception as exc:  # the job's row must say it failed, whatever went wrong
        job.status, job.log = JobRun.Status.FAILED, f"导入出错：{exc}"
        job.finished_at = timezone.now()
        job.save(update_fields=["status", "log", "finished_at"])
        upload.unlink(missing_ok=True)
        raise
    errors.sort(key=lambda e: (e.get("row") or 0, e.get("field") or ""))
    job.result = {
        **params, "rows": rows, "created": created, "error_count": len(errors),
        "errors": errors[:MAX_STORED_ERRORS],
    }  # fmt: skip
    job.total = job.progress = rows
    job.status = JobRun.Status.FAILED if errors else JobRun.Status.SUCCEEDED
    job.log = f"{len(errors)} 处错误，未导入任何数据" if errors else f"已导入 {created} 个区划"
    job.finished_at = timezone.now()
    job.save()
    upload.unlink(missing_ok=True)
    return job.result


@task()
def regions_import(job_id: int) -> dict[str, Any]:
    """The worker's entry point for a large import."""
    return run_import_job(job_id)
