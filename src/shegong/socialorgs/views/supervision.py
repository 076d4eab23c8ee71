"""The business supervisor's (业务主管单位) 初审 pages (issue 14 §3): the reports of the
organizations their department supervises (待初审 oldest first, with the 初审 deadline and 逾期),
a report with its figures and materials, and the 初审 decision (通过, or 退回/不通过 with the
reasons) through ``actions.inspection.supervisor_review``. Another department's organization, or
a user who supervises none, gets the 404 of a missing report (``supervision.access_report``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shegong.core.htmx import redirect_after_write
from shegong.web.forms import run_action

from .. import supervision
from ..actions import inspection as actions
from ..inspection_forms import SupervisionFilterForm, SupervisionReviewForm
from ..models import AnnualReport, ReportState
from .inspection import attachment_response

PAGE_SIZE = 20


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    """业务主管单位初审: the reports of the organizations the user's department supervises."""
    user = request.user
    form = SupervisionFilterForm(
        request.GET or None, years=supervision.years(user), states=supervision.STATES
    )
    filters: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        filters = {k: v for k, v in form.cleaned_data.items() if v}
    state = filters.get("state", supervision.PENDING)
    qs = supervision.filtered(user, year=filters.get("year"), state=state)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"report": r, "overdue": supervision.overdue(r)} for r in page]
    params = request.GET.copy()
    params.pop("page", None)
    return render(
        request,
        "socialorgs/supervision/list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "state": state,
            "state_label": supervision.STATES.get(state, ""),
            "supervises": supervision.supervises_any(user),
            "query": params.urlencode(),
        },
    )


def _render(
    request: HttpRequest, report: AnnualReport, *, form: SupervisionReviewForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    context: dict[str, Any] = {
        "report": report,
        "so": report.social_org,
        "attachments": report.attachments.all(),
        "due": report.plan.supervisor_due if report.plan else None,
        "overdue": supervision.overdue(report),
        "can_review": report.state == ReportState.SUBMITTED,
        "form": form or SupervisionReviewForm(),
    }
    return render(request, "socialorgs/supervision/report.html", context, status=status)


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render(request, supervision.access_report(request.user, pk))


@require_POST
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """作出初审意见: 通过 (on to the registrar) or 退回/不通过 (back to the organization)."""
    user = request.user
    report = supervision.access_report(user, pk)
    form = SupervisionReviewForm(request.POST)
    if not form.is_valid():
        return _render(request, report, form=form, status=422)
    data = form.cleaned_data
    passed = data["result"] == "pass"
    done = run_action(
        form, actions.supervisor_review, report, passed=passed, note=data["note"], actor=user
    )
    if done is None:
        return _render(request, report, form=form, status=getattr(form, "error_status", 422))
    messages.success(
        request,
        f"已初审通过「{report.social_org.organization.name}」，报送登记管理机关"
        if passed
        else f"已退回「{report.social_org.organization.name}」修改",
    )
    return redirect_after_write(request, reverse("socialorgs:supervision") + "?state=pending")


@require_safe
def attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """下载年检材料 (a report the user's department supervises)."""
    return attachment_response(supervision.access_report(request.user, pk), attachment)
