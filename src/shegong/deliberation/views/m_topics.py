"""The phone pages of the 议事厅 (``/m/deliberation/``) for residents, volunteers and riders.

The hall of one's community (the most supported open topics, the newest, the answered ones),
提议题 with Decidim's compare step (the first submit shows similar open topics of the community
with 支持此议题; 仍要提交 writes), a topic with 支持 / 已支持 and 关注, its answer, and 我的议题.
Every change is one action of ``actions/topics.py``; a refused one is shown on the page with its
Chinese reason and writes nothing. Only members of the community see its topics (a login page,
never a public one), the submitter's name masked.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core import photos as photo_intake
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.pii import mask_name
from shegong.deliberation import queries
from shegong.deliberation.actions import topics as actions
from shegong.deliberation.choices import ANSWERED_STATUSES, OPEN_TOPIC_STATUSES, TopicSource
from shegong.deliberation.models import Topic, TopicCategory
from shegong.deliberation.queries import topics as topic_queries
from shegong.deliberation.views.topics import photo_response
from shegong.web.http import AuthedRequest

PAGE_SIZE = 50
TABS = {"hot": "支持最多", "new": "最新", "answered": "已答复"}
SHOWN_FIELDS = {"region", "category", "title", "body", "place", "photos", "lat"}


def _errors(exc: DomainError) -> dict[str, str]:
    found: dict[str, str] = {}
    for item in getattr(exc, "errors", None) or []:
        key = str(item.get("field") or "")
        found[key] = "；".join(filter(None, [found.get(key, ""), str(item.get("message", ""))]))
    if not found:
        found[""] = exc.detail
    return found


@require_safe
def hall(request: AuthedRequest) -> HttpResponse:
    """议事厅: the community's topics by tab."""
    tab = request.GET.get("tab", "hot")
    tab = tab if tab in TABS else "hot"
    rows = topic_queries.hall_topics(request.user)
    if tab == "hot":
        rows = rows.filter(status__in=OPEN_TOPIC_STATUSES).order_by("-support_count", "-created_at")
    elif tab == "new":
        rows = rows.filter(status__in=OPEN_TOPIC_STATUSES).order_by("-created_at", "-id")
    else:
        rows = rows.filter(status__in=ANSWERED_STATUSES).order_by("-answered_at", "-id")
    communities = queries.communities_of(request.user)
    names = [queries.settings_for(c).hall_name or f"{c.name}议事厅" for c in communities]
    context = {
        "topics": list(rows[:PAGE_SIZE]),
        "tabs": list(TABS.items()),
        "tab": tab,
        "hall_name": "、".join(names) or "议事厅",
        "has_community": bool(communities),
    }
    return render(request, "deliberation/m_topics.html", context)


def _new_context(request: AuthedRequest, values: dict[str, Any], errors: dict[str, str],
                 similar: list[Topic] | None = None) -> dict[str, Any]:  # fmt: skip
    return {
        "communities": queries.communities_of(request.user),
        "categories": TopicCategory.objects.filter(is_active=True).order_by("order", "code"),
        "values": values,
        "errors": errors,
        "others": "；".join(v for k, v in errors.items() if k not in SHOWN_FIELDS),
        "similar": similar or [],
        "max_photos": photo_intake.MAX_PHOTOS,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def topic_new(request: AuthedRequest) -> HttpResponse:
    """提议题. The first submit shows similar open topics of the community, if any (支持此议题
    or 仍要提交); the photos are taken with the submit that writes."""
    communities = queries.communities_of(request.user)
    if request.method in ("GET", "HEAD"):
        values = {"region": communities[0].code if len(communities) == 1 else ""}
        return render(request, "deliberation/m_topic_new.html", _new_context(request, values, {}))
    post = request.POST
    values = {k: post.get(k, "") for k in ("region", "category", "title", "body", "place", "party")}
    if not values["region"] and len(communities) == 1:
        values["region"] = communities[0].code
    files = [f for f in request.FILES.getlist("photos") if f.name]
    stored: list[dict[str, Any]] = []
    try:
        if values["region"] not in {c.code for c in communities}:
            raise InvalidInput.field("region", "请选择您所在的社区")
        similar = topic_queries.similar(values["region"], values["title"], values["body"])
        if similar and post.get("confirmed") != "1" and values["title"].strip():
            context = _new_context(request, values, {}, similar)
            return render(request, "deliberation/m_topic_new.html", context)
        if files:
            stored = photo_intake.store_photos(
                photo_intake.process_photos(files, field="photos"), folder="deliberation"
            )
        topic = actions.submit(
            request.user, region=values["region"], category=values["category"],
            title=values["title"], body=values["body"], place=values["place"], photos=stored,
            source=TopicSource.PARTY_MEMBER if values["party"] else None,
        )  # fmt: skip
    except DomainError as exc:
        if stored:
            photo_intake.delete_stored(stored)
        errors = _errors(exc)
        if files and "photos" not in errors:
            errors["photos"] = "请重新选择照片（浏览器不会保留上次选择的照片）"
        context = _new_context(request, values, errors)
        return render(request, "deliberation/m_topic_new.html", context, status=exc.status)
    messages.success(request, "议题已提交，社区将在答复时限内答复您")
    return redirect("deliberation_m:topic", pk=topic.pk)


def _topic_context(request: AuthedRequest, topic: Topic, error: str = "") -> dict[str, Any]:
    user = request.user
    member = topic_queries.is_member_of(user, topic.region_id)
    return {
        "topic": topic,
        "member": member,
        "supported": topic_queries.supported_by(user, topic),
        "followed": topic_queries.followed_by(user, topic),
        "is_open": topic.status in OPEN_TOPIC_STATUSES,
        "answered": topic.answered_at is not None,
        "threshold": queries.settings_for(topic.region_id).support_threshold,
        "submitter_shown": "我"
        if topic.submitter_id == user.pk
        else (mask_name(topic.submitter.name) if topic.submitter_id else topic.submitter_label),
        "photos": [i for i, p in enumerate(topic.photos or []) if isinstance(p, dict)],
        "actions": topic.actions.filter(public=True).order_by("due_on", "id"),
        "error": error,
    }


VERBS = {
    "support": (actions.support, "感谢支持！您将收到该议题的答复和进展"),
    "withdraw": (actions.withdraw_support, "已撤回支持"),
    "follow": (lambda user, topic: actions.follow(user, topic, True), "已关注，将收到该议题的进展"),
    "unfollow": (lambda user, topic: actions.follow(user, topic, False), "已取消关注"),
}


@require_http_methods(["GET", "HEAD", "POST"])
def topic(request: AuthedRequest, pk: int) -> HttpResponse:
    """A topic: its answer, 支持 / 撤回支持, 关注 / 取消关注."""
    found = topic_queries.access_member_topic(request.user, pk)
    if request.method in ("GET", "HEAD"):
        return render(request, "deliberation/m_topic.html", _topic_context(request, found))
    verb = request.POST.get("action", "")
    if verb not in VERBS:
        raise NotFound("未知的操作")
    action, text = VERBS[verb]
    try:
        action(request.user, found)
    except DomainError as exc:
        found.refresh_from_db()
        context = _topic_context(request, found, exc.detail)
        return render(request, "deliberation/m_topic.html", context, status=exc.status)
    messages.success(request, text)
    return redirect("deliberation_m:topic", pk=found.pk)


@require_safe
def topic_photo(request: AuthedRequest, pk: int, index: int, kind: str) -> FileResponse:
    return photo_response(topic_queries.access_member_topic(request.user, pk), index, kind)


@require_safe
def mine(request: AuthedRequest) -> HttpResponse:
    """我的议题: what I raised, with its answer (or where it was merged)."""
    rows = topic_queries.my_topics(request.user).order_by("-created_at", "-id")
    return render(request, "deliberation/m_topics_mine.html", {"topics": list(rows[:PAGE_SIZE])})
