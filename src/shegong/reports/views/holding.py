"""下派 pages: the street's "下派" form on the case page, and the holder's phone pages
(派给我的工单: the list and one case with the answer form).

Thin adapters: find the case (``access_report`` / ``access_held_report``: 404 outside scope),
parse one form, call ONE action, show its error beside the form.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.forms import add_domain_error

from .. import queries
from ..actions.holding import answer_down, assign_down
from ..choices import FINISHED, EventKind
from ..forms.holding import AnswerDownForm, AssignDownForm
from ..models import Report
from .staff import _render_detail

PAGE_SIZE = 20


@require_POST
def assign(request: HttpRequest, pk: int) -> HttpResponse:
    """The case page's 下派 form → ``assign_down``."""
    user = request.user
    require_perm(user, Perm.REPORTS_VIEW)
    report = queries.access_report(user, pk)
    communities, workers = queries.down_targets(user, report)
    form = AssignDownForm(request.POST, communities=communities, workers=workers, prefix="down")
    if not form.is_valid():
        error = "输入有误，请按提示修改"
        return _render_detail(request, report, down=form, status=422, error=error)
    community, worker = form.chosen()
    try:
        assign_down(
            report, actor=user, community=community, worker=worker, note=form.cleaned_data["note"]
        )
    except DomainError as exc:
        add_domain_error(form, exc)
        report = queries.access_report(user, pk)
        return _render_detail(request, report, down=form, status=exc.status, error=exc.detail)
    messages.success(request, f"工单 {report.number} 已下派至{(community or worker).name}")
    return redirect_after_write(request, reverse("reports:detail", args=[report.pk]))


# --- the holder's phone pages ---------------------------------------------------------------------


@require_safe
def tasks(request: HttpRequest) -> HttpResponse:
    """派给我的工单: cases assigned down to me (or my community), waiting ones first."""
    held = queries.held_by(request.user)
    waiting = held.filter(held_answered_at__isnull=True).exclude(status__in=FINISHED)
    tab = "all" if request.GET.get("tab") == "all" else ""
    shown = held if tab else waiting
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"page": page, "tab": tab, "waiting_count": waiting.count()}
    return render(request, "reports/m_tasks.html", context)


def _task_context(request: HttpRequest, report: Report, form: AnswerDownForm) -> dict[str, Any]:
    return {
        "report": report,
        "form": form,
        "can_answer": queries.may_answer_down(request.user, report)
        and report.held_answered_at is None
        and report.status not in FINISHED,
        # The public steps and the 下派 ones: a grid worker may be a rider, not staff.
        "events": report.events.filter(
            Q(public=True) | Q(kind__in=[EventKind.ASSIGNED_DOWN, EventKind.DOWN_ANSWERED])
        ).order_by("at", "id"),
        "clock_due": report.response_due_at
        if report.responded_at is None
        else report.resolution_due_at,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case assigned down to me: what, where, the clock, the timeline, and my answer."""
    report = queries.access_held_report(request.user, pk)
    if request.method != "POST":
        form = AnswerDownForm(prefix="answer")
        return render(request, "reports/m_task.html", _task_context(request, report, form))
    form = AnswerDownForm(request.POST, prefix="answer")
    status = 422
    if form.is_valid():
        try:
            answer_down(report, actor=request.user, answer=form.cleaned_data["answer"])
        except DomainError as exc:
            add_domain_error(form, exc)
            status = exc.status
        else:
            messages.success(request, "已回复，街道将收到您的回复。")
            return redirect("reports_m:task_detail", pk=report.pk)
    report = queries.access_held_report(request.user, pk)
    return render(
        request, "reports/m_task.html", _task_context(request, report, form), status=status
    )
