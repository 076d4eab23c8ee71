"""The organization portal's 年检年报 (issue 14 §3, §8): the organization's own reports; fill the
报告书 form (save a draft), upload the materials, submit, and see the conclusion and the
corrections asked. Another organization's report is a 404 (and so for any user who is not an
organization account: the report is not theirs)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.web.forms import run_action

from ..actions import inspection as actions
from ..inspection_forms import ReportForm, UploadForm
from ..models import AnnualReport, Ground, ReportState
from ..portal import is_org_account, portal_org
from .inspection import attachment_response

NOT_FOUND = "未找到该年检报告，或您无权查看"


def _own(request: HttpRequest, pk: int) -> AnnualReport:
    if not is_org_account(request.user):
        raise NotFound(NOT_FOUND)
    so = portal_org(request.user)
    found = (
        AnnualReport.objects.filter(pk=pk, social_org=so)
        .select_related("social_org__organization", "plan")
        .first()
    )
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


@require_safe
def reports(request: HttpRequest) -> HttpResponse:
    """本组织的年检年报, newest year first."""
    so = portal_org(request.user)
    found = so.annual_reports.select_related("plan").order_by("-year")
    return render(request, "socialorgs/inspection/portal_list.html", {"so": so, "reports": found})


def _initial(report: AnnualReport) -> dict[str, Any]:
    return {f: getattr(report, f) for f in actions.FORM_FIELDS}


def _render(
    request: HttpRequest, report: AnnualReport, *, form: ReportForm | None = None,
    upload: UploadForm | None = None, submit_errors: list[str] | None = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    labels = dict(Ground.choices)
    context = {
        "report": report,
        "so": report.social_org,
        "editable": report.state in actions.EDITABLE,
        "form": form or ReportForm(initial=_initial(report)),
        "upload_form": upload or UploadForm(),
        "attachments": report.attachments.all(),
        "missing": actions.missing_materials(report),
        "due": actions.filing_due(report),
        "grounds": [labels.get(g, g) for g in report.grounds or []],
        "submit_errors": submit_errors or [],
        "submitted": report.state not in (ReportState.DRAFT,),
    }
    return render(request, "socialorgs/inspection/portal_report.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest, pk: int) -> HttpResponse:
    """年度工作报告书: GET shows it, POST saves the form as a draft."""
    found = _own(request, pk)
    if request.method in ("GET", "HEAD"):
        return _render(request, found)
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _render(request, found, form=form, status=422)
    done = run_action(form, actions.save_report, found, form.cleaned_data, actor=request.user)
    if done is None:
        return _render(request, found, form=form, status=getattr(form, "error_status", 422))
    messages.success(request, "草稿已保存")
    return redirect_after_write(request, reverse("socialorgs:portal_report", args=[pk]))


@require_POST
def upload(request: HttpRequest, pk: int) -> HttpResponse:
    """上传年检材料 (every file checked before any is kept)."""
    found = _own(request, pk)
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render(request, found, upload=form, status=422)
    files = request.FILES.getlist("files")
    done = run_action(
        form, actions.add_attachments, found, form.cleaned_data["kind"], files, actor=request.user
    )
    if done is None:
        return _render(request, found, upload=form, status=getattr(form, "error_status", 422))
    messages.success(request, f"已上传 {len(done)} 个文件")
    return redirect_after_write(request, reverse("socialorgs:portal_report", args=[pk]))


@require_POST
def remove(request: HttpRequest, pk: int, attachment: int) -> HttpResponse:
    """删除年检材料 (the button asks for confirmation first)."""
    found = _own(request, pk)
    actions.remove_attachment(found, attachment, actor=request.user)
    messages.success(request, "已删除该材料")
    return redirect_after_write(request, reverse("socialorgs:portal_report", args=[pk]))


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    """提交年检报告书 (refused naming what is missing; after the due date: accepted, late)."""
    found = _own(request, pk)
    try:
        done = actions.submit_report(found, actor=request.user)
    except DomainError as exc:
        errors = [e["message"] for e in exc.errors] or [exc.detail]
        return _render(request, found, submit_errors=errors, status=exc.status)
    note = "（已逾期，已受理并标记为逾期提交）" if done.late else ""
    messages.success(request, f"年检报告书已提交{note}")
    return redirect_after_write(request, reverse("socialorgs:portal_report", args=[pk]))


@require_safe
def attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """下载本组织的年检材料."""
    return attachment_response(_own(request, pk), attachment)
