"""The registration-event pages (issue 14 §2): the registrar's application queue (filters,
clocks, Excel export), an application's page (attachments, approve, return with reasons), filing
on an organization's behalf, penalties (the organization page's card and a list), the charter
file download; the organization portal's applications; the public 公告 pages.

The application pages serve the registrar (``/socialorgs/applications/<pk>/``) and the
organization's own account (``/socialorgs/portal/applications/<pk>/``) alike: the object is
looked up through ``events.applications(user)`` first (someone else's is a 404), then the verb
checks the permission.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.exports import audited_xlsx
from shegong.web.forms import StyledForm, run_action

from .. import events, queries
from ..actions import events as actions
from ..event_forms import (
    ApplicationFilterForm,
    ApplicationForm,
    AttachmentForm,
    PenaltyFilterForm,
    PenaltyForm,
    ReturnForm,
    application_initial,
)
from ..models import AnnouncementKind, Application, SocialOrg
from ..portal import portal_org
from ..statutes import (
    EDITABLE,
    ApplicationKind,
    ApplicationState,
    ChangeItem,
    Material,
    PenaltyKind,
    required_materials,
)
from .files import file_response
from .records import _render_detail

PAGE_SIZE = 20
EXPORT_COLUMNS = [
    excel.Column("组织名称", 36), excel.Column("统一社会信用代码", 22),
    excel.Column("申请事项", 12), excel.Column("变更事项", 24),
    excel.Column("办理状态", 10), excel.Column("填报", 14),
    excel.Column("提交时间", 18), excel.Column("法定期限", 12), excel.Column("期限", 14),
    excel.Column("核准日期", 12), excel.Column("退回理由", 30),
]  # fmt: skip


def _filters(form: Any) -> dict[str, Any]:
    if not form.is_bound or not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "")}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _items_text(app: Application) -> str:
    return "、".join(ChangeItem(i).label for i in app.items or [] if i in ChangeItem.values)


# --- the registrar's queue -------------------------------------------------------------------


@require_safe
def application_list(request: HttpRequest) -> HttpResponse:
    """登记事项申请: the queue with its filters and clocks."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ApplicationFilterForm(request.GET or None)
    qs = events.filtered(user, **_filters(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"app": a, "clock": events.clock(a), "items": _items_text(a)} for a in page]
    return render(
        request,
        "socialorgs/events/applications.html",
        {"form": form, "page": page, "rows": rows, "query": _query(request)},
    )


@require_safe
def application_export(request: HttpRequest) -> HttpResponse:
    """The queue as filtered, as xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    filters = _filters(ApplicationFilterForm(request.GET or None))
    qs = events.filtered(user, **filters)

    def rows() -> Iterator[list[Any]]:
        for a in qs.iterator(chunk_size=500):
            org = a.social_org.organization
            yield [
                org.name, org.credit_code or "", ApplicationKind(a.kind).label, _items_text(a),
                ApplicationState(a.state).label, "登记管理机关代填" if a.on_behalf else "组织申请",
                a.submitted_at, a.due_on, events.clock(a)["text"], a.decided_on,
                a.return_reasons,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.APPLICATIONS_EXPORTED, table="socialorgs_applications",
        title="登记事项申请", columns=EXPORT_COLUMNS, rows=rows(), filters=filters,
    )  # fmt: skip


# --- one application -------------------------------------------------------------------------


def _urls(app: Application, portal: bool) -> dict[str, str]:
    prefix = "socialorgs:portal_application" if portal else "socialorgs:application"
    names = ["", "_edit", "_attach", "_submit", "_withdraw"]
    found = {name.strip("_") or "detail": reverse(prefix + name, args=[app.pk]) for name in names}
    found["list"] = reverse(
        "socialorgs:portal_applications" if portal else "socialorgs:applications"
    )
    return found


def _render_application(
    request: HttpRequest,
    app: Application,
    *,
    portal: bool,
    attachment_form: AttachmentForm | None = None,
    return_form: ReturnForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    so = app.social_org
    registrar = not portal and user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE)
    editable = app.state in EDITABLE and (portal or (registrar and app.on_behalf))
    need = required_materials(app.kind, has_supervisor=bool(so.supervisor), items=app.items)
    attachments = list(app.attachments.all())
    have = {a.material for a in attachments}
    form = attachment_form or AttachmentForm(initial={"material": next(
        (m for m in need if m not in have), Material.OTHER
    )})  # fmt: skip
    context = {
        "app": app,
        "so": so,
        "portal": portal,
        "clock": events.clock(app),
        "items": [
            {"label": ChangeItem(i).label, "value": (app.requested or {}).get(i, "")}
            for i in app.items or []
            if i in ChangeItem.values
        ],
        "attachments": attachments,
        "materials": [{"label": Material(m).label, "done": m in have} for m in need],
        "editable": editable,
        "can_decide": registrar and app.state == ApplicationState.SUBMITTED,
        "can_withdraw": (portal or registrar) and app.state in {*EDITABLE, "submitted"},
        "attachment_form": form,
        "return_form": return_form or ReturnForm(),
        "urls": _urls(app, portal),
        "error": error,
        "base": "base.html",
    }
    return render(request, "socialorgs/events/application.html", context, status=status)


def _application(request: HttpRequest, pk: int, portal: bool) -> Application:
    """The application, looked up first (someone else's is a 404), then on a portal page the
    caller must be the organization's own account (403 for anyone else)."""
    user = request.user
    found = events.access_application(user, pk)
    if portal and portal_org(user).pk != found.social_org_id:
        raise NotFound(events.NOT_FOUND)
    return found


def _after(request: HttpRequest, app: Application, portal: bool) -> HttpResponse:
    return redirect_after_write(request, _urls(app, portal)["detail"])


@require_safe
def application_detail(request: HttpRequest, pk: int, portal: bool = False) -> HttpResponse:
    app = _application(request, pk, portal)
    return _render_application(request, app, portal=portal)


@require_POST
def application_attach(request: HttpRequest, pk: int, portal: bool = False) -> HttpResponse:
    """上传申请材料 (every file checked; a refused one is named)."""
    app = _application(request, pk, portal)
    form = AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_application(request, app, portal=portal, attachment_form=form, status=422)
    files = request.FILES.getlist("files")
    done = run_action(
        form, actions.add_attachments, app, form.cleaned_data["material"], files,
        actor=request.user,
    )  # fmt: skip
    if done is None:
        return _render_application(
            request,
            app,
            portal=portal,
            attachment_form=form,
            status=form.error_status,  # type: ignore[attr-defined]
        )
    messages.success(request, f"已上传 {len(done)} 个文件")
    return _after(request, app, portal)


@require_POST
def attachment_delete(
    request: HttpRequest, pk: int, attachment: int, portal: bool = False
) -> HttpResponse:
    app = _application(request, pk, portal)
    actions.remove_attachment(app, attachment, actor=request.user)
    messages.success(request, "已删除该材料")
    return _after(request, app, portal)


@require_safe
def attachment_download(
    request: HttpRequest, pk: int, attachment: int, portal: bool = False
) -> FileResponse:
    """One attachment of an application the caller may see."""
    app = _application(request, pk, portal)
    found = app.attachments.filter(pk=attachment).first()
    if found is None or not found.file:
        raise NotFound("未找到该材料")
    return file_response(found.file, found.name, found.content_type)


@require_POST
def application_submit(request: HttpRequest, pk: int, portal: bool = False) -> HttpResponse:
    app = _application(request, pk, portal)
    form = StyledForm(data={})
    done = run_action(form, actions.submit_application, app, actor=request.user)
    if done is None:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return _render_application(
            request,
            app,
            portal=portal,
            error=error,
            status=form.error_status,  # type: ignore[attr-defined]
        )
    messages.success(request, "申请已提交，请等待登记管理机关审核")
    return _after(request, app, portal)


@require_POST
def application_withdraw(request: HttpRequest, pk: int, portal: bool = False) -> HttpResponse:
    app = _application(request, pk, portal)
    form = StyledForm(data={})
    done = run_action(form, actions.withdraw_application, app, actor=request.user)
    if done is None:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return _render_application(request, app, portal=portal, error=error, status=409)
    messages.success(request, "申请已撤回")
    return _after(request, app, portal)


@require_POST
def application_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """核准 (the button asks for confirmation first): the change is applied to the record."""
    app = _application(request, pk, False)
    require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    form = StyledForm(data={})
    done = run_action(form, actions.approve_application, app, actor=request.user)
    if done is None:
        error = "；".join(str(e) for errors in form.errors.values() for e in errors)
        return _render_application(
            request,
            app,
            portal=False,
            error=error,
            status=form.error_status,  # type: ignore[attr-defined]
        )
    messages.success(request, f"已核准{ApplicationKind(app.kind).label}申请")
    return _after(request, app, False)


@require_POST
def application_return(request: HttpRequest, pk: int) -> HttpResponse:
    """退回 with reasons (required; the organization sees them)."""
    app = _application(request, pk, False)
    require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    form = ReturnForm(request.POST)
    if not form.is_valid():
        return _render_application(request, app, portal=False, return_form=form, status=422)
    done = run_action(
        form, actions.return_application, app, form.cleaned_data["reasons"], actor=request.user
    )
    if done is None:
        return _render_application(
            request,
            app,
            portal=False,
            return_form=form,
            status=form.error_status,  # type: ignore[attr-defined]
        )
    messages.success(request, "已退回申请，申请人可补正后重新提交")
    return _after(request, app, False)


# --- filing and editing ----------------------------------------------------------------------


def _render_form(
    request: HttpRequest,
    form: ApplicationForm,
    so: SocialOrg,
    app: Application | None,
    *,
    portal: bool,
    status: int = 200,
) -> HttpResponse:
    back = (
        _urls(app, portal)["detail"]
        if app
        else reverse("socialorgs:portal_applications")
        if portal
        else reverse("socialorgs:detail", args=[so.pk])
    )
    return render(
        request,
        "socialorgs/events/application_form.html",
        {"form": form, "so": so, "app": app, "portal": portal, "back": back},
        status=status,
    )


def _save(
    request: HttpRequest, so: SocialOrg, app: Application | None, *, portal: bool
) -> HttpResponse:
    if request.method in ("GET", "HEAD"):
        initial = application_initial(app) if app else {"kind": request.GET.get("kind", "")}
        return _render_form(request, ApplicationForm(initial=initial), so, app, portal=portal)
    form = ApplicationForm(request.POST)
    if not form.is_valid():
        return _render_form(request, form, so, app, portal=portal, status=422)
    saved = run_action(
        form, actions.save_application, so, form.values(), application=app, actor=request.user,
        field_map={f"requested_{i}": f"requested_{i}" for i in ChangeItem.values},
    )  # fmt: skip
    if saved is None:
        return _render_form(
            request,
            form,
            so,
            app,
            portal=portal,
            status=form.error_status,  # type: ignore[attr-defined]
        )
    messages.success(request, "已保存申请草稿，请上传申请材料后提交")
    return _after(request, saved, portal)


@require_http_methods(["GET", "HEAD", "POST"])
def application_new(request: HttpRequest, pk: int) -> HttpResponse:
    """代为填报: a registrar files an application on the organization's behalf."""
    user = request.user
    so = queries.access_social_org(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    return _save(request, so, None, portal=False)


@require_http_methods(["GET", "HEAD", "POST"])
def application_edit(request: HttpRequest, pk: int, portal: bool = False) -> HttpResponse:
    app = _application(request, pk, portal)
    if not portal:
        require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    return _save(request, app.social_org, app, portal=portal)


# --- the organization portal -----------------------------------------------------------------


@require_safe
def portal_applications(request: HttpRequest) -> HttpResponse:
    """本组织 · 登记事项申请: the organization's own applications."""
    so = portal_org(request.user)
    qs = events.filtered(request.user, social_org=so.pk)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [{"app": a, "clock": events.clock(a), "items": _items_text(a)} for a in page]
    return render(
        request,
        "socialorgs/events/portal_applications.html",
        {"so": so, "page": page, "rows": rows, "query": ""},
    )


@require_http_methods(["GET", "HEAD", "POST"])
def portal_application_new(request: HttpRequest) -> HttpResponse:
    so = portal_org(request.user)
    return _save(request, so, None, portal=True)


# --- penalties -------------------------------------------------------------------------------


@require_POST
def penalty_new(request: HttpRequest, pk: int) -> HttpResponse:
    """作出行政处罚 (the form asks for confirmation first)."""
    user = request.user
    so = queries.access_social_org(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = PenaltyForm(request.POST, org_type=so.org_type)
    done = None
    if form.is_valid():
        done = run_action(form, actions.impose_penalty, so, form.values(), actor=user)
    if done is None:
        status = getattr(form, "error_status", 422)
        return _render_detail(request, so, panel_forms={"penalty_form": form}, status=status)
    messages.success(request, f"已登记行政处罚：{PenaltyKind(done.kind).label}")
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]) + "#penalties")


@require_safe
def penalty_list(request: HttpRequest) -> HttpResponse:
    """行政处罚: every penalty in scope, filtered by kind and year."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = PenaltyFilterForm(request.GET or None)
    qs = events.penalties(user, **_filters(form))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/events/penalties.html",
        {"form": form, "page": page, "query": _query(request)},
    )


# --- the charter file ------------------------------------------------------------------------


@require_safe
def charter_file(request: HttpRequest, pk: int, charter: int) -> FileResponse:
    so = queries.access_social_org(request.user, pk)
    found = so.charters.filter(pk=charter).first()
    if found is None or not found.file:
        raise NotFound("未找到该章程文件")
    name = found.file_name or f"章程-{found.version_date:%Y%m%d}"
    return file_response(found.file, name, found.file_type)


# --- public 公告 -------------------------------------------------------------------------------


@login_not_required
@require_safe
def public_announcements(request: HttpRequest) -> HttpResponse:
    """社会组织公告 (no login): published 公告, filtered by kind, searched, paginated."""
    kind = request.GET.get("kind", "")
    kind = kind if kind in AnnouncementKind.values else ""
    q = request.GET.get("q", "").strip()[:100]
    qs = events.public_announcements(kind=kind, q=q)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/events/public_announcements.html",
        {
            "page": page,
            "kinds": AnnouncementKind.choices,
            "kind": kind,
            "q": q,
            "query": _query(request),
        },
    )


@login_not_required
@require_safe
def public_announcement(request: HttpRequest, pk: int) -> HttpResponse:
    found = events.public_announcements().filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该公告")
    return render(request, "socialorgs/events/public_announcement.html", {"a": found})
