"""The residents' meeting pages (H5, /m/deliberation/…): the notices and published records of
my community, one meeting's page, sign-in by typing the code, and the page the rotating QR
opens (GET shows the meeting, POST signs in).

A resident sees only their own community's meetings, and of those only what staff published
(the notice; the record once 公开纪要); another community's is the same 404 as a missing one."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write

from ..actions import meetings as actions
from ..forms.meetings import CodeForm
from ..models import Meeting
from ..queries import MEETING_NOT_FOUND, communities_of
from ..queries import meetings as queries

PAGE = 20


def _list(request: HttpRequest, form: CodeForm, status: int = 200) -> HttpResponse:
    rows = queries.resident_meetings(request.user)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    context = {"page": page, "form": form, "now": timezone.now()}
    return render(request, "deliberation/m_meetings.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_meetings(request: HttpRequest) -> HttpResponse:
    """我的社区的议事会: notices and published records; POST: 输入签到码签到."""
    if request.method != "POST":
        return _list(request, CodeForm())
    form = CodeForm(request.POST)
    if form.is_valid():
        try:
            attendance = actions.sign_in(request.user, code=form.cleaned_data["code"])
        except DomainError as exc:
            form.add_error("code", exc.detail)
            return _list(request, form, status=exc.status)
        messages.success(request, f"签到成功：{attendance.meeting.title}")
        return redirect_after_write(
            request, reverse("deliberation_m:meeting", args=[attendance.meeting_id])
        )
    return _list(request, form, status=422)


@require_safe
def m_meeting(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = queries.resident_meeting(request.user, pk)
    context = {
        "meeting": meeting,
        "items": list(meeting.items.all()) if meeting.record_published_at else [],
        "actions_made": list(meeting.actions.filter(public=True))
        if meeting.record_published_at
        else [],
        "signed": meeting.attendances.filter(user=request.user).first(),
        "line": actions.quorum_line(meeting),
    }  # fmt: skip
    return render(request, "deliberation/m_meeting.html", context)


def _of_my_community(request: HttpRequest, meeting: Meeting) -> None:
    if not any(r.code == meeting.region_id for r in communities_of(request.user)):
        raise NotFound(MEETING_NOT_FOUND)


def _checkin(request: HttpRequest, token: str, meeting: Any, *, error: str = "",
             status: int = 200) -> HttpResponse:  # fmt: skip
    signed = meeting.attendances.filter(user=request.user).first() if meeting else None
    context = {"token": token, "meeting": meeting, "error": error, "signed": signed}
    return render(request, "deliberation/m_meeting_checkin.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_checkin(request: HttpRequest, token: str) -> HttpResponse:
    """扫码签到: GET shows the meeting; POST signs me in (once, within the window)."""
    try:
        meeting = actions.meeting_from_token(token)
    except DomainError as exc:  # QrExpired (410): the page says to scan again
        return _checkin(request, token, None, error=exc.detail, status=exc.status)
    _of_my_community(request, meeting)
    if request.method != "POST":
        return _checkin(request, token, meeting)
    try:
        actions.sign_in(request.user, token=token)
    except DomainError as exc:
        return _checkin(request, token, meeting, error=exc.detail, status=exc.status)
    messages.success(request, f"签到成功：{meeting.title}")
    return redirect_after_write(request, reverse("deliberation_m:meeting", args=[meeting.pk]))
