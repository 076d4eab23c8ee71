"""The import wizard: choose a table and a file → map its columns (unless its headers follow the
template) → check (preview with every error) → confirm → import. Each pass is a ``JobRun`` owned
by the uploader; large files run in the worker while the page shows a progress bar (htmx polls a
partial every second). The mapping step is the check job stopped at the header: the worker reads
the header and the first rows only, the page offers the user's saved mapping for these headers.

Jobs are personal: another user — of any street — gets 404 for someone else's job, its preview
and its error workbook, which hold personal data from the uploaded file.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from shegong.core.downloads import content_disposition
from shegong.core.errors import NotFound
from shegong.core.excel import XLSX_CONTENT_TYPE
from shegong.core.models import JobRun
from shegong.core.perms import Perm, require_perm

from .. import excel, tasks
from ..actions.imports import save_import_mapping, saved_import_mapping
from ..forms.imports import ImportForm, MappingForm
from ..queries.imports import access_import_job

SHOWN_ERRORS = 1_000


def _store(upload: Any) -> Path:
    """Keep the upload under DATA_DIR/imports (the worker reads it from there)."""
    suffix = Path(upload.name).suffix.lower()
    suffix = suffix if suffix in (".xlsx", ".csv", ".xls") else ".bin"
    target = tasks.imports_dir() / f"upload-{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


def import_page(request: HttpRequest) -> HttpResponse:
    """Step 1: choose the table and the file. The request stores it and looks only at what kind
    of file it is and what its zip directory declares; the check (a dry run over every row) is a
    job, run here for a small file and by the worker otherwise."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        table = form.cleaned_data["table"]
        upload = form.cleaned_data["file"]
        path = _store(upload)
        try:
            size = excel.check_upload(path)
        except excel.FileError as exc:
            path.unlink(missing_ok=True)
            form.add_error("file", str(exc))
        else:
            job = tasks.start_import_job(
                user=request.user, table=table, path=path, filename=Path(upload.name).name,
                size=size, dry_run=True,
            )  # fmt: skip
            return redirect("ledger:import_job", pk=job.pk)
    recent = JobRun.objects.filter(kind=tasks.JOB_KIND, created_by_id=request.user.pk)[:10]
    return render(
        request,
        "ledger/import.html",
        {"form": form, "tables": excel.TABLES.values(), "recent": recent},
    )


def import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 2 (a check: preview, counts, errors, confirm) or step 3 (the import's outcome)."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    job = access_import_job(request.user, pk)
    result = job.result
    context: dict[str, Any] = {"job": job, "result": result, "progress": tasks.read_progress(job)}
    finished = job.status in (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED)
    if finished and result.get("needs_mapping"):
        return _mapping_step(request, job)
    if finished and result.get("dry_run") and not result.get("error_count"):
        # Left by the check: the page never reads the uploaded file itself.
        kept = tasks.read_preview(job) or {}
        context["headers"] = kept.get("headers", [])
        context["preview"] = kept.get("rows")
        context["mapping"] = kept.get("mapping", [])
        context["constants"] = kept.get("constants", [])
    if finished:
        context["errors"] = result.get("errors", [])[:SHOWN_ERRORS]
        context["more_errors"] = max(result.get("error_count", 0) - SHOWN_ERRORS, 0)
    return render(request, "ledger/import_job.html", context)


def _mapping_step(
    request: HttpRequest, job: JobRun, form: MappingForm | None = None
) -> HttpResponse:
    """The mapping step of a check that stopped at the header: each header with its first values
    and a dropdown of fields, pre-filled with the user's saved mapping for these very headers,
    else with the guesses by name and alias. A saved mapping for other headers is not reused:
    the page names the headers that are new or missing."""
    result = job.result
    table = excel.IMPORTABLE[result["table"]]
    kept = tasks.read_preview(job) or {}
    headers = kept.get("headers", [])
    guessed = excel.Mapping(tuple(headers), tuple(kept.get("guesses", [None] * len(headers))))
    saved = saved_import_mapping(request.user, table.key)  # type: ignore[arg-type]
    stale: tuple[list[str], list[str]] | None = None
    initial = guessed
    if saved is not None and saved.signature == guessed.signature:
        initial = excel.Mapping(tuple(saved.headers), tuple(saved.columns), saved.constants)
    elif saved is not None:
        stale = excel.header_changes(saved.headers, headers)
    if form is None:
        form = MappingForm(table=table, headers=headers, initial_mapping=initial)
    samples = kept.get("samples", [])
    columns = [
        (header, field, [row[index] for row in samples if index < len(row)])
        for (index, _name), (header, field) in zip(form.column_fields, form.columns(), strict=True)
    ]
    context = {
        "job": job, "table": table, "form": form, "columns": columns,
        "constants": form.constants(), "header_row": kept.get("header_row"),
        "saved": saved is not None and stale is None, "stale": stale,
    }  # fmt: skip
    return render(request, "ledger/import_mapping.html", context)


@require_POST
def import_map(request: HttpRequest, pk: int) -> HttpResponse:
    """The mapping step's answer: refused with every reason (nothing saved), or saved as the
    user's mapping for the table and the file checked through it (a new check job)."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    job = access_import_job(request.user, pk)
    result = job.result
    path = Path(result.get("path", ""))
    if not (job.status == JobRun.Status.SUCCEEDED and result.get("needs_mapping")
            and path.is_file()):  # fmt: skip
        raise NotFound("该文件不需要确认列对应，或已被删除")
    table = excel.IMPORTABLE[result["table"]]
    headers = (tasks.read_preview(job) or {}).get("headers", [])
    empty = excel.Mapping(tuple(headers), (None,) * len(headers))
    form = MappingForm(request.POST, table=table, headers=headers, initial_mapping=empty)
    if not form.is_valid():
        return _mapping_step(request, job, form)
    save_import_mapping(request.user, table.key, form.mapping)  # type: ignore[arg-type]
    check = tasks.start_import_job(
        user=request.user, table=table.key, path=path, filename=result["filename"],
        size=result.get("size"), total=job.total, dry_run=True, mapping=form.mapping.as_dict(),
    )  # fmt: skip
    return redirect("ledger:import_job", pk=check.pk)


def import_job_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The progress bar, polled by htmx; once the job ends the page reloads to show its result."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    job = access_import_job(request.user, pk)
    response = render(
        request,
        "ledger/import_progress.html",
        {"job": job, "progress": tasks.read_progress(job)},
    )
    if job.status in (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Step 3: import the checked file for real (its rows are validated again as they go in)."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    check = access_import_job(request.user, pk)
    result = check.result
    if not (
        check.status == JobRun.Status.SUCCEEDED and result.get("dry_run")
        and not result.get("needs_mapping") and Path(result.get("path", "")).is_file()
    ):  # fmt: skip
        raise NotFound("该文件尚未通过检查，不能导入")
    job = tasks.start_import_job(
        user=request.user, table=result["table"], path=Path(result["path"]),
        filename=result["filename"], total=check.total, dry_run=False,
        mapping=result.get("mapping"),
    )  # fmt: skip
    return redirect("ledger:import_job", pk=job.pk)


def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The error workbook of a job: the uploaded rows, bad cells red with their reasons."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    job = access_import_job(request.user, pk)
    path = Path(job.result.get("error_workbook") or "")
    if not path.name or not path.is_file() or path.parent != tasks.imports_dir():
        raise NotFound("该任务没有错误工作簿")
    filename = f"错误-{Path(job.result.get('filename', 'import')).stem}.xlsx"
    response = FileResponse(path.open("rb"), content_type=XLSX_CONTENT_TYPE)
    fallback = f"errors-{job.pk}.xlsx"
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    return response


def import_template(request: HttpRequest, table: str) -> HttpResponse:
    """The empty template of a table, with header notes, dropdowns and one example row."""
    require_perm(request.user, Perm.LEDGER_IMPORT)
    spec = excel.TABLES.get(table)
    if spec is None:
        raise Http404
    response = HttpResponse(excel.template_bytes(spec), content_type=XLSX_CONTENT_TYPE)
    filename = f"{spec.title}导入模板.xlsx"
    fallback = f"{table}-template.xlsx"
    response["Content-Disposition"] = content_disposition(filename, fallback=fallback)
    return response
