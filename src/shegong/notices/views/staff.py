"""Staff pages of notices (公示管理): the manager with its filters, pager and Excel export, a draft
(new / edit, with attachments), a notice's page (its objections, the thing it publicises, publish,
withdraw, record an objection received by phone), the objection queue and an objection's page
(assign, answer)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.accounts.queries import holders
from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.documents import stored_response
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.notices import queries
from shegong.notices.actions import notices as verbs
from shegong.notices.actions import objections as objection_verbs
from shegong.notices.actions.notices import ATTACHMENT_FOLDER
from shegong.notices.choices import NoticeStatus, ObjectionStatus
from shegong.notices.forms.notices import (
    AnswerForm,
    AssignForm,
    NoticeFilterForm,
    NoticeForm,
    RecordObjectionForm,
    WithdrawForm,
    kind_label,
)
from shegong.notices.models import Notice
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

PAGE = 20
LEVELS = ("district", "street", "community")


def _regions(user: Any) -> Any:
    return Region.objects.visible_to(user).filter(level__in=LEVELS).order_by("code")[:500]


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _decorate(rows: list[Notice]) -> list[Notice]:
    now = timezone.now()
    for row in rows:
        row.state = queries.state_of(row, now)  # type: ignore[attr-defined]
        row.state_label = queries.STATES[row.state]  # type: ignore[attr-defined]
        row.kind_label = kind_label(row.kind)  # type: ignore[attr-defined]
    return rows


@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    """公示管理: every notice in scope, filtered."""
    user = request.user
    require_perm(user, Perm.NOTICES_VIEW)
    form = NoticeFilterForm(request.GET or None, regions=_regions(user))
    qs = queries.filter_notices(user, request.GET)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    context = {
        "form": form, "rows": _decorate(list(page.object_list)), "page": page,
        "query": _query_without_page(request), "can_manage": queries.may_manage(user),
    }  # fmt: skip
    return render(request, "notices/notice_list.html", context)


EXPORT_COLUMNS = [
    excel.Column("编号", 8), excel.Column("类型", 14), excel.Column("标题", 36),
    excel.Column("范围", 16), excel.Column("状态", 8), excel.Column("公示开始", 18),
    excel.Column("公示结束", 18), excel.Column("监督电话", 14), excel.Column("异议总数", 8),
    excel.Column("未结异议", 8),
]  # fmt: skip


def _at(value: Any) -> str:
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


@require_safe
def notice_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.NOTICES_VIEW)
    qs = queries.filter_notices(user, request.GET)
    now = timezone.now()

    def rows() -> Any:
        for n in qs.iterator(chunk_size=500):
            yield [
                n.pk, kind_label(n.kind), n.title, n.region.name,
                queries.STATES[queries.state_of(n, now)], _at(n.starts_at), _at(n.ends_at),
                n.phone, n.objection_count, n.open_objections,
            ]  # fmt: skip

    filters = {k: request.GET.get(k, "") for k in queries.FILTER_KEYS if request.GET.get(k)}
    return audited_xlsx(
        user, verb=Verb.NOTICES_EXPORTED, table="notices", title="公示", columns=EXPORT_COLUMNS,
        rows=rows(), masked=True, filters=filters,
    )  # fmt: skip


def _draft_fields(form: NoticeForm, request: HttpRequest) -> dict[str, Any]:
    data = form.cleaned_data
    return {
        "kind": data["kind"], "region": data["region"], "title": data["title"],
        "body": data["body"], "starts_at": data.get("starts_at"), "ends_at": data.get("ends_at"),
        "phone": data.get("phone", ""), "files": request.FILES.getlist("attachments"),
    }  # fmt: skip


def notice_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.NOTICES_MANAGE)
    form = NoticeForm(
        request.POST or None, request.FILES or None, regions=_regions(user),
        initial={"kind": "notices.general", "phone": verbs.default_phone()},
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            fields = _draft_fields(form, request)
            notice = run_action(form, verbs.create_draft, actor=user, **fields)
            if notice is not None:
                messages.success(request, f"已保存公示草稿：{notice.title}")
                return redirect(reverse("notices:notice", args=[notice.pk]))
        status = getattr(form, "error_status", 422)
    return render(request, "notices/notice_form.html", {"form": form}, status=status)


def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.NOTICES_MANAGE)
    notice = queries.access_notice(user, pk)
    if notice.status != NoticeStatus.DRAFT:
        messages.error(request, "只有草稿可以修改；已发布的公示请撤回后重新起草")
        return redirect(reverse("notices:notice", args=[notice.pk]))
    fmt = "%Y-%m-%dT%H:%M"
    initial = {
        "kind": notice.kind, "region": notice.region_id, "title": notice.title,
        "body": notice.body, "phone": notice.phone,
        "starts_at": timezone.localtime(notice.starts_at).strftime(fmt),
        "ends_at": timezone.localtime(notice.ends_at).strftime(fmt),
    }  # fmt: skip
    form = NoticeForm(
        request.POST or None, request.FILES or None, regions=_regions(user), initial=initial
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            done = run_action(
                form, verbs.edit_draft, notice, actor=user, remove=request.POST.getlist("remove"),
                **_draft_fields(form, request),
            )  # fmt: skip
            if done is not None:
                messages.success(request, "已保存修改")
                return redirect(reverse("notices:notice", args=[notice.pk]))
        status = getattr(form, "error_status", 422)
    context = {"form": form, "notice": notice}
    return render(request, "notices/notice_form.html", context, status=status)


def _detail_context(request: HttpRequest, notice: Notice, **extra: Any) -> dict[str, Any]:
    user = request.user
    manage = queries.may_manage(user)
    state = queries.state_of(notice)
    context = {
        "notice": notice, "state": state, "state_label": queries.STATES[state],
        "kind_label": kind_label(notice.kind), "can_manage": manage,
        "objections": list(notice.objections.select_related("assignee").order_by("submitted_at")),
        "target_url": queries.target_url(notice),
        "withdraw_form": WithdrawForm(), "record_form": RecordObjectionForm(),
        "can_publish": manage and notice.status == NoticeStatus.DRAFT,
        "can_withdraw": manage and notice.status != NoticeStatus.WITHDRAWN,
        "can_record": manage and notice.status == NoticeStatus.PUBLISHED,
    }  # fmt: skip
    context.update(extra)
    return context


@require_safe
def notice_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.NOTICES_VIEW)
    notice = queries.access_notice(request.user, pk)
    return render(request, "notices/notice_detail.html", _detail_context(request, notice))


@require_POST
def notice_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """publish / withdraw / record (an objection received by phone)."""
    user = request.user
    require_perm(user, Perm.NOTICES_MANAGE)
    notice = queries.access_notice(user, pk)
    form: Any
    if verb == "publish":
        form = WithdrawForm()  # only carries errors
        done = run_action(form, verbs.publish, notice, actor=user)
        if done is not None:
            messages.success(request, "公示已发布")
            return redirect(reverse("notices:notice", args=[notice.pk]))
        errors = form.non_field_errors()
        messages.error(request, errors[0] if errors else "发布失败")
        return redirect(reverse("notices:notice", args=[notice.pk]))
    if verb == "withdraw":
        form = WithdrawForm(request.POST)
        if form.is_valid():
            done = run_action(
                form, verbs.withdraw, notice, reason=form.cleaned_data["reason"], actor=user
            )
            if done is not None:
                messages.success(request, "公示已撤回")
                return redirect(reverse("notices:notice", args=[notice.pk]))
        status = getattr(form, "error_status", 422)
        context = _detail_context(request, notice, withdraw_form=form, open_form="withdraw")
        return render(request, "notices/notice_detail.html", context, status=status)
    if verb == "record":
        form = RecordObjectionForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            done = run_action(
                form, objection_verbs.record_objection, notice, actor=user, name=data["name"],
                phone=data["phone"], content=data["content"], holds=data["holds"],
            )  # fmt: skip
            if done is not None:
                messages.success(request, "已登记异议")
                return redirect(reverse("notices:objection", args=[done.pk]))
        status = getattr(form, "error_status", 422)
        context = _detail_context(request, notice, record_form=form, open_form="record")
        return render(request, "notices/notice_detail.html", context, status=status)
    raise NotFound("没有这个操作")


def attachment_response(notice: Notice, index: int, *, public: bool) -> FileResponse:
    records = [a for a in notice.attachments or [] if isinstance(a, dict)]
    if not 0 <= index < len(records):
        raise NotFound("未找到该附件")
    cache = ("public" if public else "private") + ", max-age=600"
    return stored_response(records[index], ATTACHMENT_FOLDER, cache=cache)


@require_safe
def notice_file(request: HttpRequest, pk: int, index: int) -> FileResponse:
    require_perm(request.user, Perm.NOTICES_VIEW)
    return attachment_response(queries.access_notice(request.user, pk), index, public=False)


# --- the objection queue ----------------------------------------------------------------------

TABS = [("open", "待处理"), ("assigned", "处理中"), ("answered", "已答复")]


@require_safe
def objection_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.NOTICES_VIEW)
    status = request.GET.get("status") or "open"
    params = request.GET.copy()
    params["status"] = status
    qs = queries.filter_objections(user, params)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    counts = dict(queries.objections(user).order_by().values_list("status").annotate(n=Count("id")))
    tabs = [(value, label, counts.get(value, 0)) for value, label in TABS]
    context = {
        "rows": list(page.object_list), "page": page, "tabs": tabs, "status": status,
        "query": _query_without_page(request),
    }  # fmt: skip
    return render(request, "notices/objection_list.html", context)


def _objection_context(request: HttpRequest, objection: Any, **extra: Any) -> dict[str, Any]:
    manage = queries.may_manage(request.user)
    is_open = objection.status != ObjectionStatus.ANSWERED
    context = {
        "objection": objection, "notice": objection.notice, "can_act": manage and is_open,
        "assign_form": AssignForm(
            staff=holders(Perm.NOTICES_MANAGE, objection.region_id),
            initial={"assignee": objection.assignee_id or request.user.pk},
        ),
        "answer_form": AnswerForm(),
    }  # fmt: skip
    context.update(extra)
    return context


@require_safe
def objection_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.NOTICES_VIEW)
    objection = queries.access_objection(request.user, pk)
    return render(request, "notices/objection_detail.html", _objection_context(request, objection))


@require_POST
def objection_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.NOTICES_MANAGE)
    objection = queries.access_objection(user, pk)
    form: Any
    if verb == "assign":
        form = AssignForm(request.POST, staff=holders(Perm.NOTICES_MANAGE, objection.region_id))
        if form.is_valid():
            done = run_action(
                form, objection_verbs.assign_objection, objection, actor=user,
                assignee=form.cleaned_data["assignee"],
            )  # fmt: skip
            if done is not None:
                messages.success(request, "已交办")
                return redirect(reverse("notices:objection", args=[objection.pk]))
        status = getattr(form, "error_status", 422)
        context = _objection_context(request, objection, assign_form=form)
        return render(request, "notices/objection_detail.html", context, status=status)
    if verb == "answer":
        form = AnswerForm(request.POST)
        if form.is_valid():
            done = run_action(
                form, objection_verbs.answer_objection, objection, actor=user,
                verdict=form.cleaned_data["verdict"], answer=form.cleaned_data["answer"],
            )  # fmt: skip
            if done is not None:
                messages.success(request, "已答复异议")
                return redirect(reverse("notices:objection", args=[objection.pk]))
        status = getattr(form, "error_status", 422)
        context = _objection_context(request, objection, answer_form=form)
        return render(request, "notices/objection_detail.html", context, status=status)
    raise NotFound("没有这个操作")
