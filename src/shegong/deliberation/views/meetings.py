"""Meeting pages (议事会) for staff: the planner (list, a month strip and the 一月一会 status
per community), new/edit, the detail with its tabs (通知, 议程, 邀请, 签到, 纪要) and their
buttons, the sign-in screen with the rotating QR and the code, and the print view of the record.

Thin adapters: check the permission, find the meeting among those the user may see (another
street's is the same 404 as a missing one), parse the form, call ONE action."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.accounts.models import User
from shegong.core import rotating
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.web.forms import run_action
from shegong.web.http import AuthedRequest

from .. import queries
from ..actions import meetings as actions
from ..choices import MeetingKind, MeetingStatus
from ..forms.meetings import (
    AgendaAddForm,
    ButtonForm,
    CancelForm,
    InviteForm,
    MeetingForm,
    NoticeForm,
    PaperForm,
    RecordForm,
    SignInForForm,
)
from ..models import Meeting
from ..queries import meetings as meeting_queries

PAGE = 30
TABS = (("notice", "通知"), ("agenda", "议程"), ("invitations", "邀请"), ("signin", "签到"),
        ("record", "纪要"))  # fmt: skip


def _communities(user: Any) -> list[tuple[str, str]]:
    rows = Region.objects.visible_to(user).filter(level="community").order_by("code")
    return [(r.code, r.name) for r in rows.only("code", "name")[:500]]


def _meeting(request: HttpRequest, pk: int, *, for_write: bool = False) -> Meeting:
    return queries.access_meeting(request.user, pk, for_write=for_write)


# --- the planner ----------------------------------------------------------------------------


@require_safe
def meeting_list(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    rows = meeting_queries.filter_meetings(user, request.GET)
    page = Paginator(rows, PAGE).get_page(request.GET.get("page"))
    cadence = meeting_queries.cadence_status(user)
    missing_only = request.GET.get("cadence") == "missing"
    if missing_only:
        cadence = [row for row in cadence if row["cadence"] and not row["held"]]
    query = urlencode({k: v for k, v in request.GET.items() if k != "page" and v})
    context = {
        "page": page, "query": query, "cadence": cadence, "missing_only": missing_only,
        "missing": sum(1 for row in cadence if row["cadence"] and not row["held"]),
        "month": timezone.localdate(), "kinds": MeetingKind.choices,
        "statuses": MeetingStatus.choices, "communities": _communities(user),
        "params": request.GET, "can_manage": queries.may_manage(user),
    }  # fmt: skip
    return render(request, "deliberation/meeting_list.html", context)


def _values(form: MeetingForm) -> dict[str, Any]:
    data = form.cleaned_data
    values = {
        "title": data["title"], "starts_at": data["starts_at"], "place": data["place"],
        "theme": data.get("theme", ""), "quorum_base": data.get("quorum_base") or None,
        "expected_count": data.get("expected_count"),
        "requested_by": data.get("requested_by", ""),
    }  # fmt: skip
    if "region" in data:
        values.update(region=data["region"], kind=data["kind"])
    return values


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_new(request: AuthedRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_MANAGE)
    regions = _communities(user)
    if request.method != "POST":
        initial = {"region": request.GET.get("region", ""), "kind": "consultation"}
        form = MeetingForm(initial=initial, regions=regions)
        return render(request, "deliberation/meeting_form.html", {"form": form})
    form = MeetingForm(request.POST, regions=regions)
    if form.is_valid():
        meeting = run_action(form, actions.schedule, user, **_values(form))
        if meeting is not None:
            messages.success(request, f"已安排议事会，签到码 {meeting.signin_code}")
            return redirect(reverse("deliberation:meeting", args=[meeting.pk]))
    status = getattr(form, "error_status", 422)
    return render(request, "deliberation/meeting_form.html", {"form": form}, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def meeting_edit(request: AuthedRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk, for_write=True)
    regions = _communities(user)
    if request.method != "POST":
        initial = {
            "title": meeting.title, "starts_at": timezone.localtime(meeting.starts_at),
            "place": meeting.place, "theme": meeting.theme, "quorum_base": meeting.quorum_base,
            "expected_count": meeting.expected_count, "requested_by": meeting.requested_by,
        }  # fmt: skip
        form = MeetingForm(initial=initial, regions=regions, editing=True)
        return render(request, "deliberation/meeting_form.html", {"form": form, "meeting": meeting})
    form = MeetingForm(request.POST, regions=regions, editing=True)
    if form.is_valid() and run_action(form, actions.edit, user, meeting, **_values(form)):
        messages.success(request, "已保存")
        return redirect(reverse("deliberation:meeting", args=[meeting.pk]))
    return render(
        request, "deliberation/meeting_form.html", {"form": form, "meeting": meeting},
        status=getattr(form, "error_status", 422),
    )  # fmt: skip


# --- the detail and its buttons -------------------------------------------------------------


def _people(meeting: Meeting) -> list[tuple[str, str]]:
    rows = (
        User.objects.filter(is_active=True, memberships__region__code__startswith=meeting.region_id)
        .distinct()
        .order_by("name", "pk")[:500]
    )
    return [(str(u.pk), str(u)) for u in rows]


def _forms(meeting: Meeting, data: Any = None, verb: str = "") -> dict[str, Any]:
    """Every form of the detail page; the one of ``verb`` bound to ``data``."""
    topics = [
        (str(t.pk), f"{t.title}（{t.get_status_display()}，支持 {t.support_count}）")
        for t in meeting_queries.agenda_candidates(meeting)[:200]
    ]
    items = list(meeting.items.select_related("topic"))

    def bound(name: str) -> Any:
        return data if verb == name else None

    return {
        "notice_form": NoticeForm(bound("notice"), initial={"notice": meeting.notice}),
        "agenda_form": AgendaAddForm(bound("agenda_add"), topics=topics),
        "invite_form": InviteForm(bound("invite"), people=_people(meeting)),
        "signin_form": SignInForForm(bound("sign_in_for")),
        "paper_form": PaperForm(bound("paper"), initial={"paper_signins": meeting.paper_signins}),
        "record_form": RecordForm(
            bound("record"),
            items=items,
            initial={"summary": meeting.summary, "paper_signins": meeting.paper_signins},
        ),
        "cancel_form": CancelForm(bound("cancel")),
    }


def _context(request: HttpRequest, meeting: Meeting, **extra: Any) -> dict[str, Any]:
    tab = extra.pop("tab", None) or request.GET.get("tab") or "notice"
    return {
        "meeting": meeting, "tab": tab if tab in dict(TABS) else "notice", "tabs": TABS,
        "line": actions.quorum_line(meeting), "items": list(meeting.items.select_related("topic")),
        "invitations": list(meeting.invitations.all()),
        "attendances": list(meeting.attendances.all()),
        "actions_made": list(meeting.actions.all()),
        "open": meeting.status in actions.OPEN_MEETING,
        "can_manage": queries.may_manage(request.user),
        "notice_days": actions.rules.rule_for(meeting.kind).notice_days,
        **_forms(meeting), **extra,
    }  # fmt: skip


@require_safe
def meeting_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk)
    return render(request, "deliberation/meeting_detail.html", _context(request, meeting))


VERBS = {
    "notice": ("发布通知", "notice"), "agenda_add": ("添加议程", "agenda"),
    "agenda_remove": ("移除议程", "agenda"), "invite": ("邀请", "invitations"),
    "uninvite": ("取消邀请", "invitations"), "sign_in_for": ("代签", "signin"),
    "paper": ("纸质签到", "signin"), "record": ("保存纪要", "record"),
    "close": ("结束会议", "record"), "publish_record": ("公开纪要", "record"),
    "cancel": ("取消会议", "notice"),
}  # fmt: skip


def _agenda_rows(meeting: Meeting) -> list[dict[str, Any]]:
    return [
        {"pk": i.pk, "topic": i.topic_id, "title": i.title, "is_vote": i.is_vote}
        for i in meeting.items.all()
    ]


def _button() -> ButtonForm:
    form = ButtonForm({})
    form.is_valid()
    return form


def _run(request: AuthedRequest, meeting: Meeting, verb: str) -> tuple[Any, Any]:
    """(the form, the action's result or None) of one button."""
    user, post = request.user, request.POST
    forms = _forms(meeting, post, verb)
    if verb == "notice":
        form = forms["notice_form"]
        done = form.is_valid() and run_action(
            form, actions.publish_notice, user, meeting, form.cleaned_data["notice"]
        )
    elif verb == "agenda_add":
        form = forms["agenda_form"]
        done = None
        if form.is_valid():
            data = form.cleaned_data
            if not data["topic"] and not data["title"]:
                form.add_error("title", "请选择议题或填写事项")
            else:
                row = {"topic": data["topic"] or None, "title": data["title"],
                       "is_vote": data["is_vote"]}  # fmt: skip
                done = run_action(
                    form, actions.set_agenda, user, meeting, [*_agenda_rows(meeting), row]
                )
    elif verb == "agenda_remove":
        form = _button()
        keep = [r for r in _agenda_rows(meeting) if str(r["pk"]) != post.get("item")]
        done = run_action(form, actions.set_agenda, user, meeting, keep)
    elif verb == "invite":
        form = forms["invite_form"]
        done = None
        if form.is_valid():
            data = form.cleaned_data
            row = {"kind": data["kind"], "user": data["user"] or None, "name": data["name"]}
            done = run_action(form, actions.invite, user, meeting, [row])
            done = None if form.errors else True
    elif verb == "uninvite":
        form = _button()
        done = run_action(form, actions.uninvite, user, meeting, post.get("invitation"))
    elif verb == "sign_in_for":
        form = forms["signin_form"]
        done = form.is_valid() and run_action(
            form, actions.sign_in_for, user, meeting, form.cleaned_data["name"],
            form.cleaned_data["kind"],
        )  # fmt: skip
    elif verb == "paper":
        form = forms["paper_form"]
        done = form.is_valid() and run_action(
            form, actions.set_paper_signins, user, meeting, form.cleaned_data["paper_signins"]
        )
    elif verb == "record":
        form = forms["record_form"]
        done = form.is_valid() and run_action(
            form, actions.save_record, user, meeting, **form.values()
        )
    elif verb == "close":
        form = _button()
        done = run_action(form, actions.close, user, meeting)
    elif verb == "publish_record":
        form = _button()
        done = run_action(form, actions.publish_record, user, meeting)
    else:  # cancel
        form = forms["cancel_form"]
        done = form.is_valid() and run_action(
            form, actions.cancel, user, meeting, form.cleaned_data["reason"]
        )
    return form, (done or None)


@require_POST
def meeting_act(request: AuthedRequest, pk: int, verb: str) -> HttpResponse:
    """One button of the meeting page, through its action; errors are shown on the page."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk, for_write=True)
    if verb not in VERBS:
        raise Http404
    label, tab = VERBS[verb]
    form, done = _run(request, meeting, verb)
    if done is None:
        fresh = _meeting(request, pk)
        errors = [str(e) for errs in form.errors.values() for e in errs]
        context = _context(
            request,
            fresh,
            tab=tab,
            action_error=f"{label}未成功：{'；'.join(errors) or '输入有误'}",
        )
        key = {"notice": "notice_form", "agenda_add": "agenda_form", "invite": "invite_form",
               "sign_in_for": "signin_form", "paper": "paper_form", "record": "record_form",
               "cancel": "cancel_form"}.get(verb)  # fmt: skip
        if key:
            context[key] = form
        status = getattr(form, "error_status", 422) if form.errors else 422
        return render(request, "deliberation/meeting_detail.html", context, status=status)
    messages.success(request, f"{label}：已完成")
    return redirect(reverse("deliberation:meeting", args=[meeting.pk]) + f"?tab={tab}")


# --- the sign-in screen, the QR, the print view ---------------------------------------------


def checkin_url(request: HttpRequest, meeting: Meeting) -> str:
    path = reverse("deliberation_m:checkin", args=[actions.token_for(meeting)])
    return request.build_absolute_uri(path)


@require_safe
def meeting_signin(request: AuthedRequest, pk: int) -> HttpResponse:
    """签到屏: the rotating QR (refreshing itself), the code and 应到/实到 for the screen."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting, "line": actions.quorum_line(meeting),
        "png_url": reverse("deliberation:meeting_qr", args=[meeting.pk]),
        "seconds": int(getattr(settings, "SHEGONG_VOLUNTEER_QR_SECONDS", 60)),
        "refresh_in": actions.refresh_in(),
    }  # fmt: skip
    return render(request, "deliberation/meeting_signin.html", context)


@require_safe
def meeting_qr(request: AuthedRequest, pk: int) -> HttpResponse:
    """The current QR of a meeting as PNG (never cached: it rotates)."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk)
    response = HttpResponse(
        rotating.qr_png(checkin_url(request, meeting)), content_type="image/png"
    )
    response["Cache-Control"] = "no-store"
    return response


@require_safe
def meeting_print(request: AuthedRequest, pk: int) -> HttpResponse:
    """The record as a printable page (no Word file needed)."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    meeting = _meeting(request, pk)
    context = {
        "meeting": meeting, "line": actions.quorum_line(meeting),
        "items": list(meeting.items.all()), "attendances": list(meeting.attendances.all()),
    }  # fmt: skip
    return render(request, "deliberation/meeting_print.html", context)
