"""Staff pages of the action items (落地实事): the board with its filters and Excel export, a
new item, an item's page (timeline with photos, child items, the forms of its verbs)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.accounts.queries import department_queryset
from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.deliberation import queries
from shegong.deliberation.actions import actions as verbs
from shegong.deliberation.choices import OPEN_ACTION_STATUSES, ActionStatus
from shegong.deliberation.forms.actions import (
    ActionFilterForm,
    ActionForm,
    CompleteForm,
    EditForm,
    FeedbackForm,
    ProgressForm,
    ReasonForm,
    RedateForm,
)
from shegong.deliberation.models import ActionItem, ActionUpdate
from shegong.deliberation.queries import actions as action_queries
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

PAGE = 20
# The forms of an item's page: verb → (label, form class, statuses it is offered at).
FORMS: dict[str, tuple[str, Any]] = {
    "progress": ("更新进展", ProgressForm),
    "redate": ("调整时限", RedateForm),
    "complete": ("落实完成", CompleteForm),
    "cancel": ("取消实事", ReasonForm),
    "feedback": ("反馈提出人", FeedbackForm),
    "edit": ("修改", EditForm),
    "child": ("新增子事项", ActionForm),
}


def _communities(user: Any) -> Any:
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def _query_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def action_list(request: HttpRequest) -> HttpResponse:
    """落地实事: the board (a list with progress bars) with its filters."""
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    form = ActionFilterForm(request.GET or None, communities=_communities(user))
    qs = action_queries.filter_actions(user, request.GET)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = list(page.object_list)
    for row in rows:
        row.is_overdue = row.status in OPEN_ACTION_STATUSES and row.due_on < today
    columns = dict(qs.order_by().values_list("status").annotate(n=Count("id")))
    context = {
        "form": form, "rows": rows, "page": page, "query": _query_without_page(request),
        "columns": [(s, s.label, columns.get(s.value, 0)) for s in ActionStatus],
        "can_manage": queries.may_manage(user),
    }  # fmt: skip
    return render(request, "deliberation/action_list.html", context)


EXPORT_COLUMNS = [
    excel.Column("编号", 8), excel.Column("社区", 14), excel.Column("类别", 10),
    excel.Column("实事名称", 30), excel.Column("责任方", 18), excel.Column("完成时限", 12),
    excel.Column("状态", 8), excel.Column("进度（%）", 8), excel.Column("调整时限次数", 8),
    excel.Column("预算（元）", 12), excel.Column("资金来源", 16), excel.Column("落实时间", 18),
]  # fmt: skip


@require_safe
def action_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    qs = action_queries.filter_actions(user, request.GET)

    def rows() -> Any:
        for a in qs.iterator(chunk_size=500):
            yield [
                a.pk, a.region.name, a.category.name, a.title, a.owner_name,
                a.due_on.isoformat(), a.get_status_display(), a.progress, a.redate_count,
                float(a.budget) if a.budget is not None else "", a.funding_source,
                timezone.localtime(a.done_at).strftime("%Y-%m-%d %H:%M") if a.done_at else "",
            ]  # fmt: skip

    filters = {k: request.GET.get(k, "") for k in action_queries.FILTER_KEYS if request.GET.get(k)}
    return audited_xlsx(
        user, verb=Verb.DELIBERATION_EXPORTED, table="deliberation_actions", title="落地实事",
        columns=EXPORT_COLUMNS, rows=rows(), masked=True, filters=filters,
    )  # fmt: skip


def _create_fields(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "category": data["category"], "title": data["title"],
        "description": data["description"], "owner_kind": data["owner_kind"],
        "owner_department": data.get("owner_department") or None,
        "owner_name": data["owner_name"], "due_on": data["due_on"], "budget": data["budget"],
        "funding_source": data["funding_source"], "public": data["public"],
    }  # fmt: skip


def action_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_MANAGE)
    form = ActionForm(
        request.POST or None, communities=_communities(user),
        departments=department_queryset(user), initial={"public": True},
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            item = run_action(
                form, verbs.create_action, user, region=data["region"], **_create_fields(data)
            )
            if item is not None:
                messages.success(request, f"已建立落地实事：{item.title}")
                return redirect(reverse("deliberation:action", args=[item.pk]))
        status = getattr(form, "error_status", 422)
    return render(request, "deliberation/action_new.html", {"form": form}, status=status)


def _context(request: HttpRequest, item: ActionItem, **extra: Any) -> dict[str, Any]:
    user = request.user
    manage = queries.may_manage(user)
    is_open = item.status in OPEN_ACTION_STATUSES
    owner = bool(item.owner_user_id and item.owner_user_id == user.pk)
    allowed: set[str] = set()
    if is_open and (manage or owner):
        allowed |= {"progress", "complete"}
    if is_open and manage:
        allowed |= {"redate", "cancel", "child"}
    if manage and item.status != ActionStatus.CANCELLED:
        allowed.add("edit")
    if manage and item.topic_id:
        allowed.add("feedback")
    forms = {
        "progress": ProgressForm(initial={"progress": item.progress}),
        "redate": RedateForm(initial={"new_due_on": item.due_on}),
        "complete": CompleteForm(), "cancel": ReasonForm(), "feedback": FeedbackForm(),
        "edit": EditForm(initial={
            "title": item.title, "description": item.description, "owner_name": item.owner_name,
            "budget": item.budget or "", "funding_source": item.funding_source,
            "public": item.public,
        }),
        "child": ActionForm(
            prefix="child", child=True, departments=department_queryset(user),
            initial={"category": item.category_id, "due_on": item.due_on, "public": item.public},
        ),
    }  # fmt: skip
    forms.update(extra.pop("forms", {}))
    entries = list(action_queries.timeline(item))
    for entry in entries:
        entry.photo_indexes = [  # type: ignore[attr-defined]
            i for i, p in enumerate(entry.photos or []) if isinstance(p, dict) and p.get("thumb")
        ]
    return {
        "item": item, "entries": entries,
        "children": item.children.select_related("category").order_by("due_on", "id"),
        "is_overdue": is_open and item.due_on < timezone.localdate(),
        "allowed": allowed, "forms": forms, "labels": {k: v[0] for k, v in FORMS.items()},
        **extra,
    }  # fmt: skip


@require_safe
def action_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    item = queries.access_action(request.user, pk)
    return render(request, "deliberation/action_detail.html", _context(request, item))


def _run(request: HttpRequest, item: ActionItem, verb: str) -> tuple[Any, Any]:
    user = request.user
    post, files = request.POST, request.FILES
    calls: dict[str, tuple[Any, Callable[[dict[str, Any]], Any]]] = {
        "progress": (
            ProgressForm(post, files),
            lambda d: verbs.update_progress(user, item, d["progress"], d["text"], d["photos"]),
        ),
        "redate": (
            RedateForm(post), lambda d: verbs.redate(user, item, d["new_due_on"], d["reason"])
        ),
        "complete": (
            CompleteForm(post, files),
            lambda d: verbs.complete(user, item, d["text"], d["photos"]),
        ),
        "cancel": (ReasonForm(post), lambda d: verbs.cancel(user, item, d["reason"])),
        "feedback": (FeedbackForm(post), lambda d: verbs.send_feedback(user, item, d["text"])),
        "edit": (EditForm(post), lambda d: verbs.edit(user, item, **d)),
        "child": (
            ActionForm(post, prefix="child", child=True, departments=department_queryset(user)),
            lambda d: verbs.create_action(user, parent=item.pk, **_create_fields(d)),
        ),
    }  # fmt: skip
    form, call = calls[verb]
    if not form.is_valid():
        return form, None
    return form, run_action(form, call, dict(form.cleaned_data))


@require_POST
def action_act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One form of the item's page, through its action; errors re-render the page."""
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    if verb not in FORMS:
        raise Http404
    item = queries.access_action(request.user, pk)
    form, done = _run(request, item, verb)
    label = FORMS[verb][0]
    if done is None:
        fresh = queries.access_action(request.user, pk)
        errors = [str(e) for errs in form.errors.values() for e in errs]
        context = _context(
            request, fresh, forms={verb: form}, failed_verb=verb,
            action_error=f"{label}未成功：{'；'.join(errors) or '输入有误'}",
        )  # fmt: skip
        status = getattr(form, "error_status", 422) if form.errors else 422
        return render(request, "deliberation/action_detail.html", context, status=status)
    messages.success(request, f"{label}：已完成")
    target = done.pk if verb == "child" else item.pk
    return redirect(reverse("deliberation:action", args=[target]))


def photo_response(item: ActionItem, entry_pk: int, index: int, kind: str, *,
                   public: bool) -> FileResponse:  # fmt: skip
    """A photo of a timeline entry (``thumb`` or ``full``)."""
    if kind not in ("thumb", "full"):
        raise NotFound("未找到该照片")
    qs = ActionUpdate.objects.filter(action=item, pk=entry_pk)
    if public:
        from shegong.deliberation.queries.public import PUBLIC_KINDS

        qs = qs.filter(kind__in=PUBLIC_KINDS)
    entry = qs.first()
    records = [r for r in (entry.photos if entry else []) or [] if isinstance(r, dict)]
    if not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    path = str(records[index].get("thumb" if kind == "thumb" else "path") or "")
    if not path.startswith("deliberation/") or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = ("public" if public else "private") + ", max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def action_photo(request: HttpRequest, pk: int, entry: int, index: int, kind: str) -> Any:
    require_perm(request.user, Perm.DELIBERATION_VIEW)
    item = queries.access_action(request.user, pk)
    return photo_response(item, entry, index, kind, public=False)
