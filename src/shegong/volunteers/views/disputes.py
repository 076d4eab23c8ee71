"""Pages of 异议 on service records (民政部令第67号).

The volunteer (H5, /m/volunteer/records/<id>/dispute/): a form on one of their own approved
records — the reason and, optionally, the hours they believe right — and 撤回 while it is open;
their disputes are listed on 我的时长. Those who run the record's team (/volunteers/disputes/):
the worklist with filters (status, team, overdue only), the nearest deadline first and overdue
in red; the answer form (维持 or 更正, with the explanation) needs a tick to confirm, as the
volunteer is told at once. Thin adapters: find among what the caller may see, call one action.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.volunteers.actions import disputes
from shegong.volunteers.choices import DisputeStatus
from shegong.volunteers.forms.hours import (
    ALL,
    DisputeAnswerForm,
    DisputeFilterForm,
    DisputeForm,
)
from shegong.volunteers.models import RecordDispute
from shegong.volunteers.queries import access
from shegong.volunteers.queries import disputes as dispute_queries
from shegong.volunteers.queries.hours import corrected_hours
from shegong.web.forms import run_action

PAGE = 50
TEAM_LIMIT = 200


# --- staff and team leaders -----------------------------------------------------------------


@require_safe
def dispute_list(request: HttpRequest) -> HttpResponse:
    """服务记录异议: the disputes of the teams the caller runs, filtered."""
    user = request.user
    access.require_runner(user)
    teams = [
        (t.pk, t.name)
        for t in access.teams_run_by(user).order_by("name", "pk").only("pk", "name")[:TEAM_LIMIT]
    ]
    form = DisputeFilterForm(request.GET or None, teams=teams)
    status: str | None = DisputeStatus.OPEN
    team, overdue = None, False
    if form.is_bound and form.is_valid():
        chosen = form.cleaned_data["status"] or DisputeStatus.OPEN
        status = None if chosen == ALL else chosen
        team, overdue = form.cleaned_data["team"], form.cleaned_data["overdue"]
    qs = dispute_queries.worklist(user, status=status, team=team, overdue=overdue)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form, "rows": list(page.object_list), "page": page, "query": query.urlencode(),
        "open_count": dispute_queries.worklist(user).count(),
    }  # fmt: skip
    return render(request, "volunteers/dispute_list.html", context)


def _render_dispute(
    request: HttpRequest, found: RecordDispute, form: DisputeAnswerForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    context = {
        "d": found,
        "form": form or DisputeAnswerForm(),
        "current": corrected_hours(found.record),
        "is_open": found.status == DisputeStatus.OPEN,
    }
    return render(request, "volunteers/dispute_detail.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """One dispute and, while open, the answer form (维持 / 更正) behind a confirmation tick."""
    user = request.user
    found = dispute_queries.access_dispute(user, pk)
    if request.method != "POST":
        return _render_dispute(request, found)
    form = DisputeAnswerForm(request.POST)
    if not form.is_valid():
        return _render_dispute(request, found, form, 422)
    data = form.cleaned_data
    run_action(
        form, disputes.answer_dispute, found, actor=user, decision=data["decision"],
        answer=data["answer"], hours=data.get("hours"),
    )  # fmt: skip
    if form.errors:
        return _render_dispute(request, found, form, form.error_status)
    messages.success(request, f"已答复 {found.volunteer.person.name_masked} 的异议，并通知本人")
    return redirect_after_write(request, reverse("volunteers:dispute", args=[found.pk]))


# --- the volunteer (H5) ---------------------------------------------------------------------


def _render_m_dispute(
    request: HttpRequest, record: Any, form: DisputeForm | None = None, status: int = 200
) -> HttpResponse:
    context = {
        "record": record, "form": form or DisputeForm(), "current": corrected_hours(record),
        "open_dispute": record.disputes.filter(status=DisputeStatus.OPEN)
        .select_related("team")
        .first(),
        "workdays": settings.SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS,
    }  # fmt: skip
    return render(request, "volunteers/m_record_dispute.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_record_dispute(request: HttpRequest, pk: int) -> HttpResponse:
    """提出异议 on one of my own records (anyone else's is a 404)."""
    user = request.user
    record = dispute_queries.access_my_record(user, pk)
    if request.method != "POST":
        return _render_m_dispute(request, record)
    form = DisputeForm(request.POST)
    if not form.is_valid():
        return _render_m_dispute(request, record, form, 422)
    data = form.cleaned_data
    found = run_action(
        form, disputes.raise_dispute, record, actor=user, reason=data["reason"],
        hours=data.get("hours"),
    )  # fmt: skip
    if form.errors or found is None:
        return _render_m_dispute(request, record, form, getattr(form, "error_status", 422))
    messages.success(
        request,
        f"已提交异议，{found.team.name}应于 "
        f"{timezone.localtime(found.due_at):%Y-%m-%d} 24:00 前答复",
    )
    return redirect_after_write(request, reverse("volunteers_m:hours"))


@require_POST
def m_dispute_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回 my open dispute."""
    user = request.user
    found = dispute_queries.access_my_dispute(user, pk)
    try:
        disputes.withdraw_dispute(found, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect_after_write(request, reverse("volunteers_m:hours"))
    messages.success(request, "已撤回异议")
    return redirect_after_write(request, reverse("volunteers_m:hours"))
