"""H5 pages for riders and residents (随手拍): ``/m/report`` and ``/m/my-reports``.

A rider on a slow phone connection files a case with photos and a location, follows a nearby
case instead of reporting it twice, and later sees the timeline, confirms the result, asks for
the work to be redone or rates it. Every change goes through one action of ``actions/reports.py``.

These pages extend their own small base (``reports/m_base.html``: one small stylesheet, no
Bootstrap, no icon font, no htmx) so ``/m/report`` stays far under the issue's 300 KB page weight
before photos; the duplicate suggestions are an HTML partial fetched by ``report.js``.

A submission carries a one-time token made when the form is rendered. It is written as an
``IdempotencyRecord`` holding the case number in the submission's own transaction: a retried or
doubled POST is sent to the same case instead of making a second one (of two at once, the one
that commits second rolls back whole and is sent to the first one's case).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import geo, idempotency
from shegong.core import photos as photo_intake
from shegong.core.errors import DomainError, InvalidInput, NotFound, RateLimited
from shegong.core.models import IdempotencyRecord
from shegong.core.perms import STAFF_ROLES
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.models import Region

from .. import limits, queries
from ..actions.reports import (
    REOPEN_WINDOW_DAYS,
    follow_report,
    rate_report,
    reopen_report,
    submit_report,
    verify_report,
)
from ..catalogue import PHOTO_OPTIONAL_GROUPS
from ..choices import FINISHED, AttributeType, Rating, Status
from ..models import Category, Follower, Report
from ..redaction import public_photos
from ..schemas import AttributeDef, attribute_defs

PAGE_SIZE = 20
TOKEN_PREFIX = "m-report:"
MAX_REGION_OPTIONS = 500
# Photo kinds in URLs: the reporter's photos and the department's after-photos.
PHOTO_KINDS = {
    "thumb": ("photos", "thumb"),
    "full": ("photos", "path"),
    "after-thumb": ("result_photos", "thumb"),
    "after-full": ("result_photos", "path"),
}
# Where an action's error field is shown on the report form.
LOCATION_FIELDS = {"lat", "lon", "crs", "location"}
TABS = {
    "": "全部",
    "open": "办理中",
    "todo": "待我处理",
    "done": "已办结",
}


def _is_staff(user: Any) -> bool:
    return bool(user.is_superuser or user.active_role in STAFF_ROLES)


# --- the report form ----------------------------------------------------------------------------


@dataclass
class Question:
    """One extra question of a category as the form shows it."""

    definition: AttributeDef
    name: str
    value: str = ""
    values: list[str] = field(default_factory=list)
    error: str = ""

    @property
    def kind(self) -> str:
        return {
            AttributeType.STRING: "string",
            AttributeType.TEXT: "text",
            AttributeType.NUMBER: "number",
            AttributeType.DATETIME: "datetime",
            AttributeType.SINGLE: "single",
            AttributeType.MULTI: "multi",
        }[self.definition.datatype]


@dataclass
class CategoryChoice:
    category: Category
    questions: list[Question]
    selected: bool = False

    @property
    def search(self) -> str:
        c = self.category
        return " ".join([c.name, c.group, *c.keyword_list, c.description]).lower()


def _field_name(category: Category, code: str) -> str:
    # Per category, so a form without JavaScript (every category's questions on the page) never
    # mixes two categories' answers that share a code.
    return f"a{category.pk}-{code}"


def _definitions(category: Category) -> list[AttributeDef]:
    try:
        return attribute_defs(category.attributes)
    except InvalidInput:
        return []  # a broken definition must not break the form; the action re-checks


def _categories_for(user: Any) -> list[Category]:
    qs = Category.objects.filter(is_active=True).order_by("order", "service_code")
    if not _is_staff(user):
        qs = qs.filter(staff_only=False)
    return list(qs)


def _category_from(user: Any, code: str | None) -> Category | None:
    """An active category the user may report in, by its service code."""
    try:
        return queries.access_category(code or "", include_staff_only=_is_staff(user))
    except NotFound:
        return None


def _regions_for(user: Any) -> list[tuple[Region, list[Region]]]:
    """The street → communities picker for a report given by address only.

    Staff pick inside their own scope. A field user (a rider moves across the district) picks
    inside the district of their membership."""
    membership = user.active_membership
    if _is_staff(user):
        base = Region.objects.visible_to(user)
    elif membership is not None:
        prefix = membership.region.code[: min(len(membership.region.prefix), 6)]
        base = Region.objects.subtree(prefix)
    else:
        base = Region.objects.none()
    rows = list(
        base.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("code")[:MAX_REGION_OPTIONS]
    )
    streets = {r.code: (r, []) for r in rows if r.level == Level.STREET}
    orphans: list[Region] = []
    for region in rows:
        if region.level != Level.COMMUNITY:
            continue
        street_code = region.code[: PREFIX_LENGTH[Level.STREET]].ljust(12, "0")
        if street_code in streets:
            streets[street_code][1].append(region)
        else:
            orphans.append(region)
    groups = list(streets.values())
    if orphans:
        groups.append((None, orphans))
    return groups


def _float(raw: str | None) -> float | None:
    try:
        value = float(raw) if raw not in (None, "") else None
    except ValueError:
        return None
    return value if value is not None and value == value else None  # NaN is not a coordinate


def _form_context(
    request: HttpRequest,
    *,
    token: str,
    post: Any = None,
    errors: dict[str, list[str]] | None = None,
    photos_lost: bool = False,
    top_error: str = "",
) -> dict[str, Any]:
    errors = errors or {}
    post = post if post is not None else {}
    chosen = post.get("category", "")
    groups: dict[str, list[CategoryChoice]] = {}
    # ?group=新就业群体诉求: the rider's "反映诉求" entry shows that group only.
    only = request.GET.get("group", "").strip()
    for category in _categories_for(request.user):
        if only and category.group != only and category.service_code != chosen:
            continue
        questions = []
        for definition in _definitions(category):
            name = _field_name(category, definition.code)
            questions.append(
                Question(
                    definition,
                    name,
                    value=post.get(name, ""),
                    values=post.getlist(name) if hasattr(post, "getlist") else [],
                    error="；".join(errors.get(f"attribute[{definition.code}]", []))
                    if category.service_code == chosen
                    else "",
                )
            )
        choice = CategoryChoice(category, questions, selected=category.service_code == chosen)
        groups.setdefault(category.group or "其他", []).append(choice)
    shown_fields = {"category", "photos", "region", "description", "anonymous", "attributes"}
    shown_fields |= LOCATION_FIELDS
    others = [
        message
        for key, items in errors.items()
        if key not in shown_fields and not key.startswith("attribute[")
        for message in items
    ]
    location_errors = []
    for key in ("location", "lat", "lon", "crs"):
        for message in errors.get(key, []):
            if message not in location_errors:
                location_errors.append(message)
    return {
        "token": token,
        "groups": list(groups.items()),
        "regions": _regions_for(request.user),
        "values": {
            "category": chosen,
            "description": post.get("description", ""),
            "address": post.get("address", ""),
            "region": post.get("region", ""),
            "lat": post.get("lat", ""),
            "lon": post.get("lon", ""),
            "accuracy": post.get("accuracy", ""),
            "anonymous": bool(post.get("anonymous")),
        },
        "errors": {
            "category": "；".join(errors.get("category", []) + errors.get("attributes", [])),
            "photos": errors.get("photos", []),
            "location": location_errors,
            "region": "；".join(errors.get("region", [])),
            "description": "；".join(errors.get("description", [])),
            "anonymous": "；".join(errors.get("anonymous", [])),
        },
        "top_error": top_error or "；".join(others),
        "photos_lost": photos_lost,
        "max_photos": photo_intake.MAX_PHOTOS,
        "max_mb": photo_intake.MAX_BYTES // (1024 * 1024),
    }


def _errors_by_field(exc: DomainError) -> dict[str, list[str]]:
    by_field: dict[str, list[str]] = {}
    for error in exc.errors:
        by_field.setdefault(error.get("field", ""), []).append(error["message"])
    if not by_field:
        by_field[""] = [exc.detail]
    return by_field


def _answers(post: Any, category: Category) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    for definition in _definitions(category):
        name = _field_name(category, definition.code)
        if definition.datatype == AttributeType.MULTI:
            answers[definition.code] = post.getlist(name)
        else:
            answers[definition.code] = post.get(name, "")
    return answers


def _valid_token(raw: str) -> str | None:
    try:
        return str(uuid.UUID(raw))
    except (TypeError, ValueError, AttributeError):
        return None


def _replay(request: HttpRequest, record: IdempotencyRecord) -> HttpResponse:
    """Answer a repeated submission: the case it made, or "still being submitted"."""
    if record.status_code is None:
        messages.info(request, "您的上报正在提交中，请稍候在「我的上报」中查看，无需重复提交")
        return redirect("reports_m:my_reports")
    pk = int(bytes(record.response_body or b"0").decode() or 0)
    messages.info(request, "该上报已提交成功，无需重复提交")
    return redirect("reports_m:my_detail", pk=pk)


@require_http_methods(["GET", "HEAD", "POST"])
def report(request: HttpRequest) -> HttpResponse:
    """随手拍: pick a category, answer its questions, add photos and a location, submit."""
    if request.method in ("GET", "HEAD"):
        context = _form_context(request, token=str(uuid.uuid4()))
        return render(request, "reports/m_report.html", context)

    post = request.POST
    files = [f for f in request.FILES.getlist("photos") if f.name]
    token = _valid_token(post.get("token", "")) or str(uuid.uuid4())
    # The form's token, used like an Idempotency-Key: a double tap or a retry after a lost
    # answer replays the first submission. No fingerprint: a retry may carry re-chosen photos.
    # The token is written with the case, in its transaction (``submit_report(then=…)``); a
    # refused submission writes nothing, so a corrected retry with the same token succeeds.
    owner, key = f"user:{request.user.pk}", TOKEN_PREFIX + token
    earlier = idempotency.lookup(owner, key)
    if earlier is not None:
        return _replay(request, earlier)
    try:
        return _submit(request, post, files, token, owner=owner, key=key)
    except idempotency.KeyTaken:  # the same token's other request committed first
        return _replay(request, IdempotencyRecord.objects.get(owner=owner, key=key))


def _submit(
    request: HttpRequest, post: Any, files: list, token: str, *, owner: str, key: str
) -> HttpResponse:
    """Check the rate, call the action; the page's answer."""

    def remember(report: Report) -> None:
        idempotency.write_key(
            owner, key, method="POST", path=request.path, fingerprint="", status_code=303,
            body=str(report.pk).encode(), content_type="text/plain",
        )  # fmt: skip

    def refuse(errors: dict[str, list[str]], status: int, top: str = "") -> HttpResponse:
        context = _form_context(
            request, token=token, post=post, errors=errors, photos_lost=bool(files), top_error=top
        )
        return render(request, "reports/m_report.html", context, status=status)

    category = _category_from(request.user, post.get("category"))
    if category is None:
        return refuse({"category": ["请选择问题类别"]}, 422)
    region = None
    if post.get("region"):
        region = Region.objects.filter(
            code=post["region"], level__in=[Level.STREET, Level.COMMUNITY, Level.GRID]
        ).first()
    lat, lon = _float(post.get("lat")), _float(post.get("lon"))
    crs = post.get("crs") or "wgs84"
    if crs not in geo.CRS_CHOICES:
        crs = "wgs84"
    try:
        limits.check_submission_rate(request.user)
        report = submit_report(
            actor=request.user,
            category=category,
            description=post.get("description", ""),
            lat=lat,
            lon=lon,
            crs=crs,
            address=post.get("address", "")[:200],
            region=region,
            attributes=_answers(post, category),
            photos=files,
            anonymous=bool(post.get("anonymous")) and category.anonymous_allowed,
            # A wage or school-place demand has nothing to photograph; a street problem does.
            require_photo=category.group not in PHOTO_OPTIONAL_GROUPS,
            then=remember,
        )
    except RateLimited as exc:
        return refuse({}, 429, top=exc.detail)
    except DomainError as exc:
        return refuse(_errors_by_field(exc), 422)
    messages.success(
        request, f"上报成功，工单编号 {report.number}。办理进展会通过消息通知您，请留意。"
    )
    return redirect("reports_m:my_detail", pk=report.pk)


@require_safe
def duplicates(request: HttpRequest) -> HttpResponse:
    """HTML partial: open cases of the category near the point ("someone reported this")."""
    found: list[dict[str, Any]] = []
    params = request.GET
    category = _category_from(request.user, params.get("category"))
    lat, lon = _float(params.get("lat")), _float(params.get("lon"))
    crs = params.get("crs") or "wgs84"
    if category is not None and lat is not None and lon is not None and crs in geo.CRS_CHOICES:
        if -90 <= lat <= 90 and -180 <= lon <= 180:
            pairs = queries.possible_duplicates(category, lat, lon, crs=crs)
            following = set(
                Follower.objects.filter(
                    user=request.user, report__in=[r for r, _ in pairs]
                ).values_list("report_id", flat=True)
            )
            for case, distance in pairs:
                found.append(
                    {
                        "report": case,
                        "distance": round(distance),
                        "mine": case.reporter_id == request.user.pk,
                        "following": case.pk in following,
                    }
                )
    context = {"duplicates": found, "category": category, "lat": lat, "lon": lon, "crs": crs}
    return render(request, "reports/m_duplicates.html", context)


@require_POST
def follow(request: HttpRequest, pk: int) -> HttpResponse:
    """Follow a case suggested as a nearby duplicate instead of reporting it again.

    Only a case that ``possible_duplicates`` offers for the posted category and point can be
    followed: anything else is the same 404 as a missing case."""
    category = _category_from(request.user, request.POST.get("category"))
    lat, lon = _float(request.POST.get("lat")), _float(request.POST.get("lon"))
    crs = request.POST.get("crs") or "wgs84"
    if category is None or lat is None or lon is None or crs not in geo.CRS_CHOICES:
        raise NotFound(queries.REPORT_NOT_FOUND)
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise NotFound(queries.REPORT_NOT_FOUND)
    candidates = {
        case.pk: case for case, _ in queries.possible_duplicates(category, lat, lon, crs=crs)
    }
    case = candidates.get(pk)
    if case is None:
        raise NotFound(queries.REPORT_NOT_FOUND)
    try:
        follow_report(case, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect("reports_m:report")
    messages.success(request, f"已关注工单 {case.number}，不必重复上报。办理进展会通过消息通知您。")
    return redirect("reports_m:my_detail", pk=case.pk)


# --- my reports -----------------------------------------------------------------------------------


def _mine(user: Any) -> QuerySet:
    """Cases the user reported or follows (inside what they may see at all)."""
    return queries.my_cases(user)


@require_safe
def my_reports(request: HttpRequest) -> HttpResponse:
    """我的上报: my cases and the ones I follow, newest first, with their status."""
    tab = request.GET.get("tab", "")
    if tab not in TABS:
        tab = ""
    mine = _mine(request.user)
    todo = queries.my_todo(request.user)
    shown = {
        "": mine,
        "open": mine.exclude(status__in=[*FINISHED, Status.RESOLVED, Status.VERIFIED]),
        "todo": todo,
        "done": mine.filter(status__in=[Status.VERIFIED, *FINISHED]),
    }[tab]
    shown = shown.select_related("category", "region").order_by("-submitted_at", "-id")
    page = Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "tab": tab,
        "tabs": list(TABS.items()),
        "todo_count": todo.count(),
        # 下派: cases given to me (a grid worker) or my community, not yet answered
        "held_waiting": queries.held_by(request.user)
        .filter(held_answered_at__isnull=True)
        .exclude(status__in=FINISHED)
        .count(),
    }
    return render(request, "reports/m_my_reports.html", context)


def _photo_list(report: Report, source: str, user: Any) -> list[dict]:
    records = getattr(report, source) or []
    if source == "photos" and report.reporter_id != user.pk and not _is_staff(user):
        # A follower is not the reporter: only what the public may see of the photos.
        records = public_photos(records)
    return [r for r in records if isinstance(r, dict)]


def _detail_context(
    request: HttpRequest, report: Report, *, errors: dict | None = None, values: dict | None = None
) -> dict[str, Any]:
    user = request.user
    is_reporter = report.reporter_id == user.pk
    finished_at = report.resolved_at or report.closed_at
    reopen_window = timedelta(days=REOPEN_WINDOW_DAYS)
    within_window = finished_at is not None and timezone.now() - finished_at <= reopen_window
    reopenable_status = report.status in (Status.RESOLVED, Status.VERIFIED, Status.CLOSED)
    answers = []
    for definition in _definitions(report.category):
        value = (report.attributes or {}).get(definition.code)
        if value in (None, "", []):
            continue
        names = {v.key: v.name for v in definition.values}
        if isinstance(value, list):
            shown = "、".join(names.get(v, v) for v in value)
        else:
            shown = names.get(str(value), str(value))
        answers.append((definition.description, shown))
    photos = _photo_list(report, "photos", user)
    after = _photo_list(report, "result_photos", user)
    can = {
        "verify": is_reporter and report.status == Status.RESOLVED,
        "reopen": is_reporter
        and reopenable_status
        and report.category.public_may_reopen
        and within_window,
        "rate": is_reporter and report.status == Status.CLOSED and report.rating is None,
    }
    errors = errors or {}
    # An error of a step whose form is no longer offered is shown on top of the page.
    top_error = "；".join(message for key, message in errors.items() if not can.get(key))
    return {
        "report": report,
        "is_reporter": is_reporter,
        "events": report.events.filter(public=True).order_by("at", "id"),
        "answers": answers,
        "photos": [i for i, p in enumerate(photos) if p.get("thumb") or p.get("path")],
        "after_photos": [i for i, p in enumerate(after) if p.get("thumb") or p.get("path")],
        "can_verify": can["verify"],
        "can_reopen": can["reopen"],
        "reopen_closed": is_reporter and reopenable_status and not within_window,
        "reopen_days": REOPEN_WINDOW_DAYS,
        "can_rate": can["rate"],
        "ratings": list(reversed(Rating.choices)),
        "star_range": range(1, 6),
        "auto_verify_days": settings.SHEGONG_REPORTS_AUTO_VERIFY_DAYS,
        "errors": errors,
        "top_error": top_error,
        "values": values or {},
    }


@require_safe
def my_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One case: its timeline (public steps only), photos, the result and what I can do."""
    report = queries.access_report(request.user, pk)
    return render(request, "reports/m_my_detail.html", _detail_context(request, report))


def _after_action(
    request: HttpRequest, report: Report, exc: DomainError, key: str, values: dict
) -> HttpResponse:
    context = _detail_context(request, report, errors={key: exc.detail}, values=values)
    return render(request, "reports/m_my_detail.html", context, status=exc.status)


@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """确认已解决: the reporter confirms the department's result; the case is closed."""
    report = queries.access_report(request.user, pk)
    try:
        verify_report(report, actor=request.user)
    except DomainError as exc:
        return _after_action(request, report, exc, "verify", {})
    messages.success(request, "已确认问题解决，工单已办结。欢迎对办理情况进行评价。")
    return redirect("reports_m:my_detail", pk=report.pk)


@require_POST
def reopen(request: HttpRequest, pk: int) -> HttpResponse:
    """申请重办: the reporter says the problem is not solved (within 7 days, if allowed)."""
    report = queries.access_report(request.user, pk)
    reason = request.POST.get("reason", "")
    try:
        reopen_report(report, actor=request.user, reason=reason)
    except DomainError as exc:
        return _after_action(request, report, exc, "reopen", {"reason": reason})
    messages.success(request, "已申请重办，承办部门将重新处理。")
    return redirect("reports_m:my_detail", pk=report.pk)


@require_POST
def rate(request: HttpRequest, pk: int) -> HttpResponse:
    """评价: 1–5 stars and a comment on a closed case, once."""
    report = queries.access_report(request.user, pk)
    comment = request.POST.get("comment", "")
    raw = request.POST.get("rating", "")
    try:
        if not raw.isdigit():
            raise InvalidInput.field("rating", "请选择星级（1到5星）")
        rate_report(report, actor=request.user, rating=int(raw), comment=comment)
    except DomainError as exc:
        return _after_action(request, report, exc, "rate", {"rating": raw, "comment": comment})
    messages.success(request, "感谢您的评价！")
    return redirect("reports_m:my_detail", pk=report.pk)


@require_safe
def photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    """One photo of a case I may see: the reporter's (``thumb``/``full``) or the department's
    after-photos (``after-thumb``/``after-full``). A follower gets redacted copies only."""
    report = queries.access_report(request.user, pk)
    if kind not in PHOTO_KINDS:
        raise NotFound("未找到该照片")
    source, key = PHOTO_KINDS[kind]
    records = _photo_list(report, source, request.user)
    if not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    path = records[index].get(key) or ""
    if not path.startswith(("reports/", "photos/")) or ".." in path:
        raise NotFound("未找到该照片")
    if not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
