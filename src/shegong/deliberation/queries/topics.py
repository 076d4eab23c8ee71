"""Read side of topics (议题): the staff queue with its filters and clocks, the similar-topic
finder of the compare step, a resident's hall, and who is told what.

Staff see the topics of their scope (``topics_for_staff``); a resident, volunteer or rider sees
the topics of their own community (``communities_of``) — logged in, never a public page — with
the submitter's name masked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core.errors import NotFound
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.core.pii import mask_name
from shegong.core.workdays import add_workdays, is_workday
from shegong.deliberation.choices import OPEN_TOPIC_STATUSES, TopicSource, TopicStatus
from shegong.deliberation.models import AgendaItem, Topic, TopicFollower, TopicSupport
from shegong.deliberation.queries import TOPIC_NOT_FOUND, communities_of, topics_for_staff
from shegong.regions.models import Region

__all__ = [
    "FIELD_ROLES", "access_member_topic", "agenda_ready", "bigrams", "clock_of", "communities",
    "due_soon", "filter_topics", "followers_of", "hall_topics", "history", "is_member_of",
    "my_topics", "overdue", "similar", "similarity", "supporters_masked",
]  # fmt: skip

# Who may raise and support a topic as a member of their community (not as staff).
FIELD_ROLES = frozenset({Role.RESIDENT, Role.VOLUNTEER, Role.WORKER})
SIMILAR_THRESHOLD = 0.3
SIMILAR_LIMIT = 5
SIMILAR_POOL = 500
SORTS = {
    "supports": ("-support_count", "-created_at", "-id"),
    "newest": ("-created_at", "-id"),
    "due": ("answer_due_at", "id"),
}

# --- the similar-topic finder (Decidim's "compare") ------------------------------------------

_DIGITS = str.maketrans("零〇一二两三四五六七八九", "001223456789")
_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def _normal(text: str) -> str:
    """Lower case, Chinese digits as Arabic ones (三号楼 = 3号楼), no spaces or punctuation."""
    return _NOISE.sub("", str(text or "").lower().translate(_DIGITS))


def bigrams(text: str) -> set[str]:
    """The character bigrams of a title (a single character is its own gram): Chinese has no
    spaces, and two characters ("电梯", "号楼") are the smallest unit that carries meaning."""
    cleaned = _normal(text)
    if len(cleaned) < 2:
        return {cleaned} if cleaned else set()
    return {cleaned[i : i + 2] for i in range(len(cleaned) - 1)}


def similarity(a: str, b: str) -> float:
    """Jaccard index of the two texts' bigrams (0 … 1)."""
    left, right = bigrams(a), bigrams(b)
    if not left or not right:
        return 0.0
    return len(left & right) / len(left | right)


def similar(
    region: Any, title: str, body: str = "", *, exclude: Any = None, limit: int = SIMILAR_LIMIT
) -> list[Topic]:
    """Open topics of the same community whose title is like ``title`` (bigram Jaccard ≥ 0.3),
    at most ``limit``, the most supported first. ``body`` is not compared: a long description
    shares common characters with anything, the title is what people name a matter by."""
    code = getattr(region, "code", region)
    if not code or not bigrams(title):
        return []
    pool = (
        Topic.objects.filter(region_id=code, status__in=OPEN_TOPIC_STATUSES)
        .select_related("category")
        .order_by("-support_count", "-created_at")
    )
    if exclude is not None:
        pool = pool.exclude(pk=getattr(exclude, "pk", exclude))
    found = []
    for topic in pool[:SIMILAR_POOL]:
        score = similarity(title, topic.title)
        if score >= SIMILAR_THRESHOLD:
            topic.similarity = score  # type: ignore[attr-defined]
            found.append(topic)
    found.sort(key=lambda t: (-t.support_count, -t.similarity, -t.pk))  # type: ignore[attr-defined]
    return found[:limit]


# --- the answer clock ------------------------------------------------------------------------


@dataclass(frozen=True)
class Clock:
    label: str
    css: str  # a Bootstrap text colour: danger (overdue), warning (due soon), secondary, success
    overdue: bool = False


def _workdays_between(start: datetime, end: datetime) -> int:
    day, last, count = timezone.localdate(start), timezone.localdate(end), 0
    while day < last:
        day += timedelta(days=1)
        if is_workday(day):
            count += 1
    return count


def clock_of(topic: Topic, now: datetime | None = None) -> Clock | None:
    """The answer clock of a row: 剩余 x 个工作日 / 今日到期 / 已超时 y 天, or when answered."""
    now = now or timezone.now()
    if topic.answered_at is not None:
        late = topic.answer_due_at is not None and topic.answered_at > topic.answer_due_at
        return Clock(
            f"已于 {timezone.localtime(topic.answered_at):%m-%d} 答复"
            + ("（超时）" if late else ""),
            "warning" if late else "success",
        )
    if topic.answer_due_at is None:
        return None
    due = topic.answer_due_at
    if now > due:
        days = max(1, (timezone.localdate(now) - timezone.localdate(due)).days)
        return Clock(f"已超时 {days} 天", "danger", overdue=True)
    left = _workdays_between(now, due)
    if left == 0:
        return Clock("今日到期", "warning")
    return Clock(f"剩余 {left} 个工作日", "warning" if left <= 1 else "secondary")


def overdue(qs: QuerySet[Topic], now: datetime) -> QuerySet[Topic]:
    """待答复 and past the answer deadline."""
    return qs.filter(status=TopicStatus.PENDING, answer_due_at__lt=now)


def due_soon(qs: QuerySet[Topic], now: datetime) -> QuerySet[Topic]:
    """待答复 and due within the next working day (not yet overdue)."""
    return qs.filter(
        status=TopicStatus.PENDING, answer_due_at__gte=now, answer_due_at__lt=add_workdays(now, 1)
    )


def agenda_ready(qs: QuerySet[Topic]) -> QuerySet[Topic]:
    """Reached the community's support threshold, still open, and on no agenda yet."""
    on_agenda = AgendaItem.objects.filter(topic=OuterRef("pk"))
    return qs.filter(agenda_ready_at__isnull=False, status__in=OPEN_TOPIC_STATUSES).exclude(
        Exists(on_agenda)
    )


# --- the staff queue -------------------------------------------------------------------------


def communities(user: Any) -> QuerySet[Region]:
    """The communities in the staff member's scope (the forms' choices)."""
    return Region.objects.visible_to(user).filter(level="community").order_by("code")


def filter_topics(user: Any, filters: dict[str, Any], now: datetime | None = None) -> QuerySet:
    """The topic queue as filtered: community, category, status, source, clock (``overdue``,
    ``due_soon``, ``agenda``), a search of title and body; sorted by ``sort`` (supports,
    newest, due)."""
    now = now or timezone.now()
    qs = topics_for_staff(user)
    community = str(filters.get("community") or "").strip()
    if community.isdigit():
        qs = qs.filter(region_id=community)
    category = str(filters.get("category") or "").strip()
    if category.isdigit():
        qs = qs.filter(category_id=int(category))
    for key, choices in (("status", TopicStatus.values), ("source", TopicSource.values)):
        value = filters.get(key)
        if value not in (None, ""):
            qs = qs.filter(**{key: value}) if value in choices else qs.none()
    clock = filters.get("clock")
    if clock == "overdue":
        qs = overdue(qs, now)
    elif clock == "due_soon":
        qs = due_soon(qs, now)
    elif clock == "agenda":
        qs = agenda_ready(qs)
    text = str(filters.get("q") or "").strip()
    if text:
        qs = qs.filter(Q(title__icontains=text) | Q(body__icontains=text))
    return qs.order_by(*SORTS.get(str(filters.get("sort") or ""), SORTS["newest"]))


def history(topic: Topic) -> QuerySet[AuditEvent]:
    """The topic's audit entries, oldest first (submitted, supported, answered, merged …)."""
    return AuditEvent.objects.filter(
        target_type="deliberation.topic", target_id=str(topic.pk)
    ).order_by("id")


def supporters_masked(topic: Topic, limit: int = 50) -> list[str]:
    """The supporters' names masked (张*), earliest first."""
    rows = TopicSupport.objects.filter(topic=topic).select_related("user").order_by("id")[:limit]
    return [mask_name(s.user.name) for s in rows]


# --- residents -------------------------------------------------------------------------------


def is_member_of(user: Any, region_code: str) -> bool:
    """Whether ``user`` is a resident, volunteer or rider of that community."""
    if not getattr(user, "is_authenticated", False):
        return False
    if getattr(user, "active_role", None) not in FIELD_ROLES:
        return False
    return region_code in {c.code for c in communities_of(user)}


def _member_codes(user: Any) -> list[str]:
    if not getattr(user, "is_authenticated", False):
        return []
    return [c.code for c in communities_of(user)]


def hall_topics(user: Any) -> QuerySet[Topic]:
    """The topics of the user's community (or communities): what the H5 hall and a resident's
    API list show. Merged duplicates are left out (their supports live on in the target)."""
    return (
        Topic.objects.filter(region_id__in=_member_codes(user))
        .exclude(status=TopicStatus.MERGED)
        .select_related("category", "region")
    )


def my_topics(user: Any) -> QuerySet[Topic]:
    """The topics the user raised (merged ones too: they show where they went)."""
    if not getattr(user, "is_authenticated", False):
        return Topic.objects.none()
    return Topic.objects.filter(submitter=user).select_related("category", "region", "merged_into")


def access_member_topic(user: Any, pk: Any) -> Topic:
    """A topic of the user's community, or one they raised; else NotFound."""
    if not str(pk).isdigit():
        raise NotFound(TOPIC_NOT_FOUND)
    found = (
        Topic.objects.filter(pk=pk)
        .filter(Q(region_id__in=_member_codes(user)) | Q(submitter_id=getattr(user, "pk", None)))
        .select_related("category", "region", "merged_into")
        .first()
    )
    if found is None:
        raise NotFound(TOPIC_NOT_FOUND)
    return found


def supported_by(user: Any, topic: Topic) -> bool:
    return TopicSupport.objects.filter(topic=topic, user_id=getattr(user, "pk", None)).exists()


def followed_by(user: Any, topic: Topic) -> bool:
    return TopicFollower.objects.filter(topic=topic, user_id=getattr(user, "pk", None)).exists()


# --- who is told -----------------------------------------------------------------------------


def followers_of(topic: Topic) -> list[User]:
    """The submitter and every follower (each once)."""
    rows = TopicFollower.objects.filter(topic=topic, user__is_active=True).select_related("user")
    people = {f.user_id: f.user for f in rows}
    if topic.submitter is not None and topic.submitter.is_active:
        people.setdefault(topic.submitter.pk, topic.submitter)
    return list(people.values())
