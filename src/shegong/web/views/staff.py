"""Staff pages of the platform: audit search, the inbox, system status.

Kept apart from ``views.py`` (home, mobile, error pages) so the two grow independently; the URL
patterns are in ``urls_staff.py`` under the namespaces ``audit``, ``inbox`` and ``system``.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from shegong.core import actions, excel
from shegong.core.audit import VERB_CHOICES
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.web import queries
from shegong.web.forms import DATE, StyledForm
from shegong.web.http import AuthedRequest

AUDIT_PAGE_SIZE = 50
AUDIT_EXPORT_MAX_ROWS = 100_000
INBOX_PAGE_SIZE = 30


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


# --- audit -----------------------------------------------------------------------------------


class AuditFilterForm(StyledForm):
    compact = True

    actor = forms.CharField(label="操作人", required=False, max_length=60)
    verb = forms.TypedChoiceField(
        label="操作",
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "全部操作"), *VERB_CHOICES],
    )
    target = forms.CharField(label="对象", required=False, max_length=100)
    region = forms.ChoiceField(label="区划", required=False)
    date_from = forms.DateField(
        label="开始日期",
        required=False,
        widget=DATE,
        error_messages={"invalid": "开始日期格式应为 YYYY-MM-DD"},
    )
    date_to = forms.DateField(
        label="结束日期",
        required=False,
        widget=DATE,
        error_messages={"invalid": "结束日期格式应为 YYYY-MM-DD"},
    )
    success = forms.TypedChoiceField(
        label="结果",
        required=False,
        empty_value=None,
        coerce=lambda value: value == "1",
        choices=[("", "全部"), ("1", "成功"), ("0", "失败")],
    )

    def __init__(self, *args: Any, region_choices: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        region = self.fields["region"]
        assert isinstance(region, forms.ChoiceField)  # declared above
        region.choices = [("", "全部区划"), *region_choices]
        region.error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        self.fields["verb"].error_messages["invalid_choice"] = "未知的操作类型"

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data  # what Form.clean returns (the stubs allow None for overrides)
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data

    def to_filter(self) -> queries.AuditFilter:
        data = self.cleaned_data
        return queries.AuditFilter(
            actor=data.get("actor") or "",
            verb=data.get("verb"),
            target=data.get("target") or "",
            region=data.get("region") or "",
            date_from=data.get("date_from"),
            date_to=data.get("date_to"),
            success=data.get("success"),
        )


@require_safe
def audit_list(request: AuthedRequest) -> HttpResponse | FileResponse:
    """Search the audit log (read-only: the log offers no edit or delete anywhere)."""
    require_perm(request.user, Perm.AUDIT_VIEW)
    form = AuditFilterForm(
        request.GET or None, region_choices=queries.audit_region_choices(request.user)
    )
    search = form.to_filter() if form.is_bound and form.is_valid() else queries.AuditFilter()
    if form.is_bound and form.errors:
        events = queries.search_audit(request.user, search).none()
    else:
        events = queries.search_audit(request.user, search)

    if request.GET.get("format") == "xlsx":
        # No PII_EXPORTED entry: audit rows hold only masked labels (name with a masked phone,
        # object labels as their models print them, masked) and codes, never plaintext ID
        # numbers or phones, so this export carries no personal data that the page does not
        # already show. A read writes nothing into the audit log.
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        return excel.xlsx_response(
            f"审计日志-{stamp}.xlsx",
            [excel.Column(header, width) for header, width in queries.AUDIT_EXPORT_HEADERS],
            queries.audit_export_rows(events),
            sheet_name="审计日志",
            max_rows=AUDIT_EXPORT_MAX_ROWS,
        )

    page = Paginator(events, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"event": event, "url": queries.object_url(event)} for event in page.object_list]
    return render(
        request,
        "web/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "querystring": _querystring_without_page(request),
            "export_max_rows": AUDIT_EXPORT_MAX_ROWS,
        },
    )


@require_safe
def audit_detail(request: AuthedRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.AUDIT_VIEW)
    try:
        event = queries.access_audit_event(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    return render(
        request,
        "web/audit_detail.html",
        {
            "event": event,
            "object_url": queries.object_url(event),
            "details": queries.audit_details(event),
        },
    )


# --- inbox -----------------------------------------------------------------------------------


@require_safe
def inbox_list(request: AuthedRequest) -> HttpResponse:
    """The user's own notifications; ``?show=unread`` for unread only."""
    show = "unread" if request.GET.get("show") == "unread" else "all"
    notifications = queries.inbox(request.user, unread_only=show == "unread")
    page = Paginator(notifications, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "web/inbox_list.html",
        {"page": page, "show": show, "unread": queries.unread_count(request.user)},
    )


def _safe_link(request: HttpRequest, link: str) -> str | None:
    """A notification's link, only if it stays on this site."""
    if link and url_has_allowed_host_and_scheme(
        link, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return link
    return None


@require_POST
def inbox_read(request: AuthedRequest, pk: int) -> HttpResponse:
    """Mark one notification read, then follow its link (``?go=1``) or return to the inbox."""
    try:
        notification = queries.access_notification(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
    actions.mark_notifications_read(request.user, [notification.pk], actor=request.user)
    if request.POST.get("go") and (link := _safe_link(request, notification.link)):
        return redirect(link)
    return redirect(_back_to_inbox(request))


@require_POST
def inbox_read_all(request: AuthedRequest) -> HttpResponse:
    count = actions.mark_notifications_read(request.user, None, actor=request.user)
    messages.success(request, f"已将 {count} 条消息标记为已读" if count else "没有未读消息")
    return redirect(_back_to_inbox(request))


def _back_to_inbox(request: HttpRequest) -> str:
    """Back to the list the form was on: the phone shell's (``h5=1``) or the workbench's."""
    url = reverse("m_inbox" if request.POST.get("h5") == "1" else "inbox:list")
    show = request.POST.get("show")
    return f"{url}?show=unread" if show == "unread" else url


# --- system status ---------------------------------------------------------------------------


@require_safe
def system_status(request: AuthedRequest) -> HttpResponse:
    """Is the worker running, are scans on time, what is queued (STYLE.md rule 16)."""
    require_perm(request.user, Perm.SYSTEM_VIEW)
    status = queries.system_status(request.user)
    task_rows = [
        (label, status.task_counts.get(key, 0)) for key, label in queries.TASK_STATUS_LABELS.items()
    ]
    from shegong.core.checks import check_holiday_calendar
    from shegong.core.perms import may_manage_calendar
    from shegong.core.workdays import calendar_covers

    today = timezone.localdate()
    calendar_years = [today.year, today.year + 1] if today.month >= 11 else [today.year]
    context = {
        "status": status,
        "task_rows": task_rows,
        "now": timezone.now(),
        "calendar_check": check_holiday_calendar(today)[0],
        "may_manage_calendar": may_manage_calendar(request.user),
        "calendar_missing": next((y for y in calendar_years if not calendar_covers(y)), None),
    }
    return render(request, "web/system_status.html", context)
