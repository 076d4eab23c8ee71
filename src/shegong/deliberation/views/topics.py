"""Staff pages of topics (议题): the queue with its clocks and filters, the Excel export, a
topic (answer, merge), a topic entered by staff (or from a 随手拍 case, an unmet need) with the
compare step, a community's 议事设置 and the categories.

Thin adapters: check the permission, find the row among the caller's scope (another street's
is the same 404 as a missing one), parse the form, call ONE action, show its error.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel as core_excel
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name
from shegong.deliberation import queries
from shegong.deliberation.actions import topics as actions
from shegong.deliberation.choices import OPEN_TOPIC_STATUSES, TOPIC_TRANSITIONS
from shegong.deliberation.forms.topics import (
    ANSWER_CHOICES,
    AnswerForm,
    CategoryForm,
    MergeForm,
    SettingsForm,
    TopicFilterForm,
    TopicForm,
)
from shegong.deliberation.models import Topic, TopicCategory
from shegong.deliberation.queries import topics as topic_queries
from shegong.matching.models import Need
from shegong.reports import queries as report_queries
from shegong.web.exports import audited_xlsx
from shegong.web.forms import add_domain_error, run_action

PAGE_SIZE = 20
PHOTO_KINDS = {"thumb": "thumb", "full": "path"}


def _communities(user: Any) -> list[tuple[str, str]]:
    return [(r.code, r.name) for r in topic_queries.communities(user)]


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _filters(form: TopicFilterForm) -> dict[str, Any]:
    if form.is_bound and form.is_valid():
        return form.cleaned_data
    return {}


# --- the queue -------------------------------------------------------------------------------


@require_safe
def topic_list(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    form = TopicFilterForm(request.GET or None, communities=_communities(user))
    now = timezone.now()
    qs = (
        topic_queries.filter_topics(user, _filters(form), now)
        if not form.is_bound or form.is_valid()
        else Topic.objects.none()
    )
    page = Paginator(qs.select_related("category", "region"), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(t, topic_queries.clock_of(t, now)) for t in page]
    context = {
        "form": form,
        "page": page,
        "rows": rows,
        "query": _query(request),
        "can_manage": queries.may_manage(user),
    }
    return render(request, "deliberation/topic_list.html", context)


EXPORT_COLUMNS = [
    core_excel.Column("编号", 8),
    core_excel.Column("社区", 14),
    core_excel.Column("类别", 10),
    core_excel.Column("议题", 24),
    core_excel.Column("具体内容", 40),
    core_excel.Column("地点", 16),
    core_excel.Column("来源", 12),
    core_excel.Column("提出人", 12),
    core_excel.Column("支持数", 8),
    core_excel.Column("状态", 8),
    core_excel.Column("答复", 30),
    core_excel.Column("提出时间", 18),
    core_excel.Column("答复时限", 18),
    core_excel.Column("答复时间", 18),
]


@require_safe
def topic_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    form = TopicFilterForm(request.GET or None, communities=_communities(user))
    filters = _filters(form)
    qs = topic_queries.filter_topics(user, filters).select_related(
        "category", "region", "submitter"
    )

    def rows() -> Iterator[list[Any]]:
        for t in qs.iterator(chunk_size=500):
            who = t.submitter_label or (mask_name(t.submitter.name) if t.submitter_id else "")
            yield [
                t.pk, t.region.name, t.category.name, t.title, t.body, t.place,
                t.get_source_display(), who,
                t.support_count, t.get_status_display(), t.answer, t.created_at,
                t.answer_due_at, t.answered_at,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.DELIBERATION_EXPORTED, table="topics", title="议题清单",
        columns=EXPORT_COLUMNS, rows=rows(), filters=filters, masked=True,
    )  # fmt: skip


# --- a topic ---------------------------------------------------------------------------------


def _detail_context(user: Any, topic: Topic, **extra: Any) -> dict[str, Any]:
    now = timezone.now()
    allowed = TOPIC_TRANSITIONS.get(topic.status, frozenset())
    q = str(extra.pop("merge_q", "") or "").strip()
    candidates = []
    if topic.status in OPEN_TOPIC_STATUSES:
        pool = Topic.objects.filter(region_id=topic.region_id, status__in=OPEN_TOPIC_STATUSES)
        pool = pool.exclude(pk=topic.pk)
        if q:
            pool = pool.filter(title__icontains=q)
            candidates = list(pool.order_by("-support_count", "-id")[:20])
        else:
            candidates = topic_queries.similar(topic.region_id, topic.title, exclude=topic)
    context = {
        "topic": topic,
        "clock": topic_queries.clock_of(topic, now),
        "can_manage": queries.may_manage(user),
        "can_answer": any(value in allowed for value, _ in ANSWER_CHOICES),
        "can_merge": topic.status in OPEN_TOPIC_STATUSES,
        "answer_form": extra.pop("answer_form", None) or AnswerForm(),
        "merge_form": extra.pop("merge_form", None) or MergeForm(),
        "merge_q": q,
        "candidates": candidates,
        "supporters": topic_queries.supporters_masked(topic),
        "history": topic_queries.history(topic).select_related("actor"),
        "photos": [i for i, p in enumerate(topic.photos or []) if isinstance(p, dict)],
        "agenda_items": topic.agenda_items.select_related("meeting").order_by(
            "-meeting__starts_at"
        ),
        "actions": topic.actions.order_by("due_on", "id"),
        "merged_topics": topic.merged_topics.order_by("id"),
        "submitter_shown": topic.submitter_label
        or (mask_name(topic.submitter.name) if topic.submitter_id else "—"),
    }
    context.update(extra)
    return context


@require_safe
def topic_detail(request: HttpRequest, pk: int) -> HttpResponse:
    topic = queries.access_topic(request.user, pk)
    context = _detail_context(request.user, topic, merge_q=request.GET.get("q", ""))
    return render(request, "deliberation/topic_detail.html", context)


@require_POST
def topic_answer(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = queries.access_topic(user, pk, for_write=True)
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_action(
            form, actions.answer, user, topic, form.cleaned_data["status"],
            form.cleaned_data["reason"],
        )  # fmt: skip
    if form.errors:
        topic.refresh_from_db()
        context = _detail_context(user, topic, answer_form=form)
        return render(
            request, "deliberation/topic_detail.html", context,
            status=getattr(form, "error_status", 422),
        )  # fmt: skip
    messages.success(request, "已答复，提出人和关注者将收到通知")
    return redirect_after_write(request, reverse("deliberation:topic", args=[topic.pk]))


@require_POST
def topic_merge(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    topic = queries.access_topic(user, pk, for_write=True)
    form = MergeForm(request.POST)
    target = None
    if form.is_valid():
        target = run_action(
            form, actions.merge, user, topic, form.cleaned_data["into"],
            form.cleaned_data["reason"],
        )  # fmt: skip
    if target is None:
        topic.refresh_from_db()
        context = _detail_context(user, topic, merge_form=form)
        return render(
            request, "deliberation/topic_detail.html", context,
            status=getattr(form, "error_status", 422),
        )  # fmt: skip
    messages.success(request, f"已合并至「{target.title}」，支持数一并计入")
    return redirect_after_write(request, reverse("deliberation:topic", args=[target.pk]))


@require_safe
def topic_photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    return photo_response(queries.access_topic(request.user, pk), index, kind)


def photo_response(topic: Topic, index: int, kind: str) -> FileResponse:
    """One of a topic's photos (``thumb`` or ``full``), from the storage, never a raw path."""
    if kind not in PHOTO_KINDS:
        raise NotFound("未找到该照片")
    records = [r for r in (topic.photos or []) if isinstance(r, dict)]
    if not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    path = str(records[index].get(PHOTO_KINDS[kind]) or "")
    if not path.startswith(("deliberation/", "photos/")) or ".." in path:
        raise NotFound("未找到该照片")
    if not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- a topic entered by staff ----------------------------------------------------------------


def _prefill(user: Any, query: Any) -> tuple[dict[str, Any], str]:
    """The form's initial values from ``?report=`` or ``?need=`` (a case or a need of scope)."""
    if str(query.get("report", "")).isdigit():
        report = report_queries.access_report(user, query["report"])
        community = report_queries.community_of(report)
        return {
            "report": report.pk, "region": community.code if community else "",
            "title": report.category.name[:60], "body": report.description,
            "place": report.address[:100], "on_behalf_label": f"随手拍工单 {report.number}",
        }, f"随手拍工单 {report.number}"  # fmt: skip
    if str(query.get("need", "")).isdigit():
        need = (
            Need.objects.visible_to(user)
            .select_related("category")
            .filter(pk=query["need"])
            .first()
        )
        if need is None:
            raise NotFound("未找到该需求")
        return {
            "need": need.pk, "region": need.region_id,
            "title": f"{need.category.name}需求未满足"[:60], "body": need.description,
            "on_behalf_label": "需求清单",
        }, f"未满足需求：{need.description[:30]}"  # fmt: skip
    return {}, ""


@require_http_methods(["GET", "HEAD", "POST"])
def topic_new(request: HttpRequest) -> HttpResponse:
    """提议题 (staff). The first POST shows the community's similar open topics, if any, and
    asks again (仍要提交); the second writes."""
    user = request.user
    require_perm(user, Perm.DELIBERATION_MANAGE)
    communities = _communities(user)
    initial, origin = _prefill(user, request.GET)
    if request.method != "POST":
        form = TopicForm(initial=initial, communities=communities)
        return render(request, "deliberation/topic_form.html", {"form": form, "origin": origin})
    form = TopicForm(request.POST, request.FILES, communities=communities)
    similar: list[Topic] = []
    saved = None
    if form.is_valid():
        data = dict(form.cleaned_data)
        similar = topic_queries.similar(data["region"], data["title"], data["body"])
        if similar and not data["confirmed"]:
            form.data = form.data.copy()
            form.data["confirmed"] = "1"
            context = {"form": form, "origin": origin, "similar": similar}
            return render(request, "deliberation/topic_form.html", context)
        saved = _save(form, user, data)
    status = getattr(form, "error_status", 422)
    if saved is None:
        context = {"form": form, "origin": origin, "similar": similar}
        return render(request, "deliberation/topic_form.html", context, status=status)
    messages.success(request, f"已提出议题「{saved.title}」，答复时限已开始计算")
    return redirect_after_write(request, reverse("deliberation:topic", args=[saved.pk]))


def _save(form: TopicForm, user: Any, data: dict[str, Any]) -> Topic | None:
    files = data.pop("photos") or []
    stored: list[dict[str, Any]] = []
    try:
        if files:
            processed = photo_intake.process_photos(files, field="photos")
            stored = photo_intake.store_photos(processed, folder="deliberation")
    except DomainError as exc:
        add_domain_error(form, exc)
        form.error_status = exc.status  # type: ignore[attr-defined]
        return None
    report, need = data.pop("report"), data.pop("need")
    data.pop("confirmed")
    if report:
        data.pop("region")
        saved = run_action(form, actions.raise_from_report, user, report, photos=stored, **data)
    elif need:
        data.pop("region")
        saved = run_action(form, actions.raise_from_need, user, need, photos=stored, **data)
    else:
        saved = run_action(form, actions.submit, user, photos=stored, **data)
    if saved is None and stored:
        photo_intake.delete_stored(stored)
    return saved


# --- 议事设置 and categories ------------------------------------------------------------------


SETTING_FIELDS = (
    "hall_name", "support_threshold", "answer_workdays", "monthly_cadence", "adults",
    "households", "groups", "representatives",
)  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def community_settings(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    communities = _communities(user)
    code = request.GET.get("community") or (communities[0][0] if communities else "")
    if code and code not in dict(communities):
        raise NotFound("未找到该社区")
    status = 200
    if request.method == "POST" and code:
        require_perm(user, Perm.DELIBERATION_MANAGE)
        form = SettingsForm(request.POST)
        if form.is_valid():
            run_action(form, actions.save_settings, user, code, **form.cleaned_data)
            if not form.errors:
                messages.success(request, "已保存议事设置")
                return redirect_after_write(
                    request, reverse("deliberation:settings") + f"?community={code}"
                )
        status = getattr(form, "error_status", 422)
    else:
        current = queries.settings_for(code) if code else None
        initial = {f: getattr(current, f) for f in SETTING_FIELDS} if current else {}
        form = SettingsForm(initial=initial)
    context = {
        "form": form,
        "communities": communities,
        "community": code,
        "can_manage": queries.may_manage(user),
    }
    return render(request, "deliberation/settings.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def categories(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.DELIBERATION_VIEW)
    can_edit = actions.may_edit_categories(user)
    initial: dict[str, Any] = {}
    if str(request.GET.get("category", "")).isdigit():
        found = TopicCategory.objects.filter(pk=request.GET["category"]).first()
        if found is not None:
            initial = {
                "pk": found.pk, "code": found.code, "name": found.name, "order": found.order,
                "is_active": found.is_active,
            }  # fmt: skip
    form = CategoryForm(initial=initial or None)
    status = 200
    if request.method == "POST":
        form = CategoryForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            run_action(form, actions.save_category, user, category=data.pop("pk"), **data)
            if not form.errors:
                messages.success(request, "已保存议题类别")
                return redirect_after_write(request, reverse("deliberation:categories"))
        status = getattr(form, "error_status", 422)
    context = {
        "form": form,
        "can_edit": can_edit,
        "categories": TopicCategory.objects.order_by("order", "code"),
    }
    return render(request, "deliberation/categories.html", context, status=status)
