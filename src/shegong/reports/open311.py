"""Open311 GeoReport v2 at ``/open311/v2/`` (http://wiki.open311.org/GeoReport_v2), so that any
existing Open311 client (FixMyStreet, city apps, 12345 integrations) can read our catalogue,
file cases and follow them.

Plain Django views rather than ninja, because the spec fixes a wire format ninja does not speak:
the format is a URL suffix (``requests.xml`` / ``requests.json``), XML is required, JSON lists
are top-level arrays (the "Spark convention"), a POST body is form-encoded with
``attribute[CODE]`` / ``attribute[CODE][]`` keys, and errors are
``<errors><error><code/><description/></error></errors>``.

Decisions, each also in the README:

- Every method is public and shows only ``Report.objects.public()`` (accepted into the loop, not
  hidden): a case still waiting at the dispatch desk, rejected, merged or hidden is "not found".
  Nothing about the reporter is ever returned (no ``requestor_name``, no caller fields).
- ``POST requests`` needs an ``api_key`` (``shegong apikey create`` or the「Open311 密钥」page);
  submissions are rate-limited per key (429) and honour ``Idempotency-Key``.
- Location: ``lat``/``long`` in WGS-84 (located to a grid like any case), or ``address_string``
  with ``address_id`` read as one of our region codes (统计用区划代码 of a street, community or
  grid: our "master address repository"). Real clients that send only an address know nothing of
  our codes, so without ``address_id`` the case is placed in the deployment's district and the
  dispatch desk places it precisely.
- ``media_url`` in a POST is ignored: we never fetch remote URLs (photos must pass our own
  intake checks, and fetching would let a client make the server call any address).
- ``type`` is ``realtime``: a ``service_request_id`` comes back at once, so tokens never exist
  and ``tokens/{token}`` is always 404.
- Richer states: mySociety's ``servicerequestupdates`` extension, one update per public timeline
  event, with the extended statuses of ``EXTENDED_STATUS``.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from datetime import datetime, time, timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.files.storage import default_storage
from django.db.models import OuterRef, Subquery
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from shegong.core import idempotency
from shegong.core.errors import InvalidInput, NotFound, ShegongError
from shegong.regions.choices import Level
from shegong.regions.models import Region

from . import limits
from .actions.keys import check_api_key
from .actions.reports import submit_report
from .choices import OPEN311_CLOSED, Channel, EventKind, RejectReason, Status
from .models import Category, Report, ReportEvent
from .queries import access_category
from .redaction import public_photos
from .schemas import attribute_defs

SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"
# When the endpoint's definition last changed (discovery's ``changeset``).
CHANGESET = "2026-11-29T00:00:00+08:00"
FORMATS = {"xml": "text/xml; charset=utf-8", "json": "application/json; charset=utf-8"}
MAX_SPAN = timedelta(days=90)
MAX_ROWS = 1000
DISPATCH_DESK = "区指挥中心"
KEY_SERVICE = (
    "提交工单需要接口密钥（api_key）：请联系区指挥中心管理员，在工作台「Open311 密钥」页面"
    "或用命令 shegong apikey create --name 用途 创建。查询无需密钥。"
)

# The extended statuses of mySociety's servicerequestupdates extension, per case status.
EXTENDED_STATUS: dict[str, str] = {
    Status.SUBMITTED: "open",
    Status.ACCEPTED: "investigating",
    Status.TRANSFERRED: "investigating",
    Status.RESPONDED: "in_progress",
    Status.RETURNED: "internal_referral",
    Status.RESOLVED: "fixed",
    Status.VERIFIED: "fixed",
    Status.CLOSED: "closed",
    Status.REOPENED: "open",
    Status.MERGED: "duplicate",
}
# A rejected case's extended status depends on why it was rejected.
REJECTED_STATUS: dict[str, str] = {
    RejectReason.INVALID: "no_further_action",
    RejectReason.DUPLICATE: "duplicate",
    RejectReason.NOT_OURS: "not_councils_responsibility",
}
assert set(EXTENDED_STATUS) | {Status.REJECTED} == set(Status), "map every status"
assert set(REJECTED_STATUS) == set(RejectReason), "map every reject reason"

# Timeline kinds that are no step of the handling: the submission itself (the client knows it),
# and the reporter's rating (an opinion of the result, with the reporter's own comment).
SILENT_KINDS = (EventKind.SUBMITTED, EventKind.RATED)

# XML element of the items of each list (the Spark convention maps them to JSON arrays).
ITEM_TAGS = {
    "services": "service",
    "service_requests": "request",
    "service_requests_updates": "request_update",
    "attributes": "attribute",
    "values": "value",
    "endpoints": "endpoint",
    "formats": "format",
    "errors": "error",
}
# Our intake's field names → the Open311 parameter the client sent.
FIELD_NAMES = {
    "lon": "long",
    "location": "lat/long/address_string",
    "region": "address_id",
    "category": "service_code",
}
# Characters XML 1.0 cannot carry at all (a reporter's text might contain them).
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ATTRIBUTE_KEY = re.compile(r"^attribute\[([^\[\]]+)\](\[\])?$")


class Open311Error(Exception):
    """An error answered in the spec's shape: HTTP ``status``, one ``<error>`` per message."""

    def __init__(self, status: int, *descriptions: str):
        super().__init__(descriptions[0] if descriptions else "")
        self.status = status
        self.descriptions = list(descriptions)


# --- statuses ------------------------------------------------------------------------------------


def open311_status(status: str) -> str:
    """The standard's two states: ``closed`` once the department's work is done."""
    return "closed" if status in OPEN311_CLOSED else "open"


def extended_status(status: str, reject_reason: str = "") -> str:
    """mySociety's richer status for one of ours (servicerequestupdates)."""
    if status == Status.REJECTED:
        return REJECTED_STATUS.get(reject_reason, "no_further_action")
    return EXTENDED_STATUS[status]


def service_notice(category: Category) -> str:
    """What the client may expect: the category's response and resolution limits."""
    return f"{category.response_hours}小时内响应，{category.resolution_limit_label}内办理完毕"


# --- serialisation -------------------------------------------------------------------------------


def w3c(moment: datetime | None) -> str | None:
    """ISO 8601 with the offset (``2026-11-29T08:00:00+08:00``), as the spec requires."""
    if moment is None:
        return None
    return timezone.localtime(moment).isoformat(timespec="seconds")


def _fill(element: ET.Element, value: Any) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        element.text = "true" if value else "false"
    elif isinstance(value, dict):
        for key, child in value.items():
            _fill(ET.SubElement(element, key), child)
    elif isinstance(value, list):
        tag = ITEM_TAGS[element.tag]
        for item in value:
            _fill(ET.SubElement(element, tag), item)
    else:
        element.text = _XML_INVALID.sub("", str(value))


def to_xml(root: str, payload: Any) -> bytes:
    """``payload`` (a list of items or a dict of fields) under ``<root>``; empty → ``<x/>``."""
    element = ET.Element(root)
    _fill(element, payload)
    body = ET.tostring(element, encoding="unicode")
    return ('<?xml version="1.0" encoding="utf-8"?>\n' + body).encode()


def _clean_json(value: Any) -> Any:
    if isinstance(value, str):
        return _XML_INVALID.sub("", value)
    if isinstance(value, dict):
        return {k: _clean_json(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_clean_json(v) for v in value]
    return value


def respond(fmt: str, root: str, payload: Any, *, status: int = 200) -> HttpResponse:
    """The same payload as XML or JSON (a list becomes a top-level array)."""
    if fmt == "json":
        body = json.dumps(_clean_json(payload), ensure_ascii=False).encode()
    else:
        body = to_xml(root, payload)
    return HttpResponse(body, status=status, content_type=FORMATS[fmt])


def error_response(fmt: str, status: int, descriptions: list[str]) -> HttpResponse:
    errors = [{"code": status, "description": text} for text in descriptions]
    return respond(fmt, "errors", errors, status=status)


def _domain_error(fmt: str, exc: ShegongError) -> HttpResponse:
    """403, 404 and 429 keep their status; every other refusal is the spec's general 400."""
    status = exc.status if exc.status in (403, 404, 429) else 400
    if exc.errors:
        lines = [
            f"{FIELD_NAMES.get(e.get('field', ''), e.get('field', ''))}：{e['message']}"
            for e in exc.errors
        ]
    else:
        lines = [exc.detail]
    return error_response(fmt, status, lines)


# --- the common frame of every method -----------------------------------------------------------


def jurisdiction(request: HttpRequest) -> str:
    """Our ``jurisdiction_id``: ``SHEGONG_OPEN311_JURISDICTION``, else the site's host name
    without ``www.`` (the spec's suggestion, e.g. ``sfgov.org``)."""
    configured = getattr(settings, "SHEGONG_OPEN311_JURISDICTION", "")
    if configured:
        return configured
    domain, _port = split_domain_port(request.get_host())
    return domain.removeprefix("www.")


def _param(request: HttpRequest, name: str) -> str:
    """A parameter from the form body or the query string; empty means absent (the spec's
    "optional arguments")."""
    value = request.POST.get(name) if request.method == "POST" else None
    if value is None:
        value = request.GET.get(name, "")
    return value.strip()


def _check_jurisdiction(request: HttpRequest) -> None:
    given = _param(request, "jurisdiction_id")
    ours = jurisdiction(request)
    if given and given.lower() != ours.lower():
        raise Open311Error(404, f"jurisdiction_id「{given}」不存在：本接口只服务 {ours}")


def endpoint(*methods: str) -> Callable:
    """Public, CSRF-exempt (clients have no session), jurisdiction checked, errors in the spec's
    shape in the format the URL asked for."""

    allowed = (*methods, "HEAD") if "GET" in methods else methods

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, fmt: str, **kwargs: Any) -> HttpResponse:
            if request.method not in allowed:
                response = error_response(fmt, 405, [f"此地址不支持 {request.method} 请求"])
                response["Allow"] = ", ".join(allowed)
                return response
            try:
                _check_jurisdiction(request)
                return view(request, fmt, *args, **kwargs)
            except Open311Error as exc:
                return error_response(fmt, exc.status, exc.descriptions)
            except ShegongError as exc:  # a rule broken, or not found / not permitted
                return _domain_error(fmt, exc)

        return login_not_required(csrf_exempt(wrapped))

    return decorate


def _base_url(request: HttpRequest) -> str:
    discovery_url = reverse("open311:discovery", kwargs={"fmt": "xml"})
    return request.build_absolute_uri(discovery_url.removesuffix("discovery.xml"))


# --- discovery and services -----------------------------------------------------------------------


@endpoint("GET")
def discovery(request: HttpRequest, fmt: str) -> HttpResponse:
    payload = {
        "changeset": CHANGESET,
        "contact": f"{settings.SITE_NAME} {DISPATCH_DESK}",
        "key_service": KEY_SERVICE,
        "max_requests": MAX_ROWS,
        "endpoints": [
            {
                "specification": SPECIFICATION,
                "url": _base_url(request),
                "changeset": CHANGESET,
                "type": "production",
                "formats": ["text/xml", "application/json"],
            }
        ],
    }
    return respond(fmt, "discovery", payload)


def service_dict(category: Category) -> dict[str, Any]:
    return {
        "service_code": category.service_code,
        "service_name": category.name,
        "description": category.description or None,
        "metadata": bool(category.attributes),
        "type": "realtime",
        "keywords": ",".join(category.keyword_list) or None,
        "group": category.group or None,
    }


@endpoint("GET")
def services(request: HttpRequest, fmt: str) -> HttpResponse:
    """Every category the public may choose (active, not staff-only)."""
    categories = Category.objects.filter(is_active=True, staff_only=False)
    return respond(fmt, "services", [service_dict(c) for c in categories])


@endpoint("GET")
def service_definition(request: HttpRequest, fmt: str, service_code: str) -> HttpResponse:
    """The category's extra questions as Open311 attributes."""
    category = _service(service_code)
    attributes = []
    for attr in attribute_defs(category.attributes):
        item: dict[str, Any] = {
            "variable": attr.variable,
            "code": attr.code,
            "datatype": attr.datatype.value,
            "required": attr.required,
            "datatype_description": attr.datatype_description or None,
            "order": attr.order,
            "description": attr.description,
        }
        if attr.values:
            item["values"] = [{"key": v.key, "name": v.name} for v in attr.values]
        attributes.append(item)
    payload = {"service_code": category.service_code, "attributes": attributes}
    return respond(fmt, "service_definition", payload)


def _service(code: str) -> Category:
    if not code:
        raise Open311Error(400, "缺少 service_code")
    try:
        return access_category(code, include_staff_only=False)
    except NotFound:
        raise Open311Error(404, f"service_code「{code}」不存在") from None


# --- requests ------------------------------------------------------------------------------------


def _public_reports() -> Any:
    notes = (
        ReportEvent.objects.filter(report=OuterRef("pk"), public=True)
        .exclude(note="")
        .exclude(kind__in=SILENT_KINDS)
        .order_by("-at", "-id")
        .values("note")[:1]
    )
    return (
        Report.objects.public()
        .select_related("category", "lead_department", "region")
        .annotate(status_notes=Subquery(notes))
    )


def _media_url(request: HttpRequest, report: Report) -> str | None:
    """The first photo the public may see (the blurred copy of a redacted one)."""
    photos = public_photos(report.photos)
    if not photos or not photos[0].get("path"):
        return None
    return request.build_absolute_uri(reverse("open311:media", args=[report.pk, 0]))


def request_dict(request: HttpRequest, report: Report) -> dict[str, Any]:
    """One case in the spec's fields; never anything about who reported it."""
    closed = report.status in OPEN311_CLOSED
    updated = (report.resolved_at or report.closed_at) if closed else None
    if report.responded_at is None and report.response_due_at is not None:
        expected = report.response_due_at
    else:
        expected = report.resolution_due_at
    agency = report.lead_department.name if report.lead_department_id else DISPATCH_DESK
    point = report.public_point()  # rounded unless the category needs the exact spot
    return {
        "service_request_id": report.number,
        "status": open311_status(report.status),
        "status_notes": getattr(report, "status_notes", None) or None,
        "service_name": report.category.name,
        "service_code": report.category.service_code,
        "description": report.public_description,
        "agency_responsible": agency,
        "service_notice": service_notice(report.category),
        "requested_datetime": w3c(report.submitted_at),
        "updated_datetime": w3c(updated or report.updated_at),
        "expected_datetime": w3c(expected),
        "address": report.public_address or report.region.name,
        "address_id": report.region_id,
        "zipcode": None,
        "lat": point[0] if point else None,
        "long": point[1] if point else None,
        "media_url": _media_url(request, report),
    }


def _csv(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


def _parse_datetime(name: str, value: str) -> datetime | None:
    if not value:
        return None
    value = value.replace(" ", "+")  # an unencoded "+08:00" arrives as " 08:00"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        example = "2026-01-01T00:00:00+08:00"
        raise Open311Error(400, f"{name} 格式不正确，应为 W3C 时间，如 {example}") from None
    if timezone.is_naive(moment):
        if len(value) != 10:  # a bare date is a local day; a time needs its zone
            raise Open311Error(400, f"{name} 须带时区，如 2026-01-01T00:00:00+08:00 或 …Z")
        moment = timezone.make_aware(datetime.combine(moment.date(), time.min))
    return moment


def date_range(request: HttpRequest) -> tuple[datetime, datetime]:
    """``start_date``/``end_date``: at most 90 days apart; by default the last 90 days."""
    start = _parse_datetime("start_date", _param(request, "start_date"))
    end = _parse_datetime("end_date", _param(request, "end_date"))
    if start is None and end is None:
        end = timezone.now()
    if start is None:
        start = end - MAX_SPAN
    if end is None:
        end = start + MAX_SPAN
    if end < start:
        raise Open311Error(400, "end_date 不能早于 start_date")
    if end - start > MAX_SPAN:
        raise Open311Error(400, "start_date 与 end_date 相隔不能超过90天")
    return start, end


def _list_requests(request: HttpRequest, fmt: str) -> HttpResponse:
    reports = _public_reports()
    ids = _csv(_param(request, "service_request_id"))
    if ids:  # overrides every other filter
        pks = [int(i) for i in ids if i.isdigit() and len(i) <= 18]
        reports = reports.filter(pk__in=pks)
    else:
        codes = _csv(_param(request, "service_code"))
        if codes:
            reports = reports.filter(category__service_code__in=codes)
        start, end = date_range(request)
        reports = reports.filter(submitted_at__gte=start, submitted_at__lte=end)
        statuses = {s.lower() for s in _csv(_param(request, "status"))}
        if statuses - {"open", "closed"}:
            raise Open311Error(400, "status 只能是 open 或 closed（可用逗号分隔）")
        if statuses == {"open"}:
            reports = reports.exclude(status__in=OPEN311_CLOSED)
        elif statuses == {"closed"}:
            reports = reports.filter(status__in=OPEN311_CLOSED)
    rows = reports.order_by("-submitted_at", "-id")[:MAX_ROWS]
    return respond(fmt, "service_requests", [request_dict(request, r) for r in rows])


@endpoint("GET", "POST")
def requests(request: HttpRequest, fmt: str) -> HttpResponse:
    """GET: query cases (standard filters, 90 days / 1,000 rows). POST: file a case."""
    if request.method == "POST":
        return _create_request(request, fmt)
    # GET (or HEAD)
    return _list_requests(request, fmt)


@endpoint("GET")
def request_detail(request: HttpRequest, fmt: str, service_request_id: str) -> HttpResponse:
    report = None
    if service_request_id.isdigit() and len(service_request_id) <= 18:
        report = _public_reports().filter(pk=int(service_request_id)).first()
    if report is None:
        raise Open311Error(404, f"service_request_id「{service_request_id}」不存在或未公开")
    return respond(fmt, "service_requests", [request_dict(request, report)])


@endpoint("GET")
def token(request: HttpRequest, fmt: str, token: str) -> HttpResponse:
    """We answer every POST in real time with its service_request_id: no token ever exists."""
    raise Open311Error(
        404, f"token「{token}」不存在：本接口实时受理，提交即返回 service_request_id，不发放 token"
    )


# --- POST requests -------------------------------------------------------------------------------


class _KeyOwner:
    """Stands in for ``request.auth`` so that ``core.idempotency`` keeps each key's
    Idempotency-Keys apart from every other caller's."""

    def __init__(self, api_key: Any):
        self.pk = f"open311-key-{api_key.pk}"


def _create_request(request: HttpRequest, fmt: str) -> HttpResponse:
    given = _param(request, "api_key")
    if not given:
        raise Open311Error(403, "缺少 api_key：提交工单需要接口密钥，请联系区指挥中心管理员")
    api_key = check_api_key(given)
    if api_key is None:
        raise Open311Error(403, "api_key 无效或已吊销，无法提交工单")
    header = request.headers.get(idempotency.HEADER)
    if header is None:
        return _submit(request, fmt, api_key)
    request.auth = _KeyOwner(api_key)
    claimed = idempotency.claim(request, header)
    if isinstance(claimed, HttpResponse):
        return claimed  # a retry: the first response again, nothing filed twice
    try:
        response = _submit(request, fmt, api_key)
    except BaseException:
        idempotency.finish(claimed, HttpResponse(status=500))  # frees the key
        raise
    idempotency.finish(claimed, response)
    return response


def _answers(request: HttpRequest) -> dict[str, Any]:
    """``attribute[CODE]=v`` and, for a multivaluelist, ``attribute[CODE][]=v1&…``."""
    answers: dict[str, Any] = {}
    for key in request.POST:
        match = _ATTRIBUTE_KEY.match(key)
        if not match:
            continue
        code, values = match[1], request.POST.getlist(key)
        if match[2] or len(values) > 1 or isinstance(answers.get(code), list):
            previous = answers.get(code)
            merged = previous if isinstance(previous, list) else ([previous] if previous else [])
            answers[code] = merged + values
        else:
            answers[code] = values[0]
    return answers


def _float(name: str, value: str, errors: list[dict[str, str]]) -> float | None:
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        errors.append({"field": name, "message": "应为数字（WGS-84 坐标）"})
        return None


def _caller_name(first: str, last: str) -> str:
    if not first or not last:
        return first or last
    if (first + last).isascii():
        return f"{first} {last}"
    return f"{last}{first}"  # 姓在前


def _location_region(address_id: str, errors: list[dict[str, str]]) -> Region | None:
    """``address_id`` is one of our region codes; without it, the deployment's district."""
    if address_id:
        region = Region.objects.filter(
            code=address_id, level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY, Level.GRID]
        ).first()
        if region is None:
            errors.append({"field": "address_id", "message": "应为本区的街道、社区或网格区划代码"})
        return region
    districts = list(Region.objects.filter(level=Level.DISTRICT).order_by("code")[:2])
    return districts[0] if len(districts) == 1 else None


def _submit(request: HttpRequest, fmt: str, api_key: Any) -> HttpResponse:
    category = _service(_param(request, "service_code"))
    limits.check_submission_rate(api_key)
    errors: list[dict[str, str]] = []
    lat = _float("lat", _param(request, "lat"), errors)
    lon = _float("long", _param(request, "long"), errors)
    address = _param(request, "address_string")
    region = None
    if lat is None or lon is None:
        region = _location_region(_param(request, "address_id"), errors)
    first, last = _param(request, "first_name"), _param(request, "last_name")
    caller_name = _caller_name(first, last)
    caller_phone = _param(request, "phone")
    if len(caller_name) > 50:
        errors.append({"field": "first_name", "message": "姓名不能超过50字"})
    if len(caller_phone) > 30:
        errors.append({"field": "phone", "message": "电话不能超过30个字符"})
    if len(address) > 200:
        errors.append({"field": "address_string", "message": "地址不能超过200字"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    # The spec makes description optional; our cases need one: the service's name stands in.
    description = _param(request, "description") or category.name
    report = submit_report(
        actor=None,
        category=category,
        description=description,
        lat=lat,
        lon=lon,
        address=address,
        region=region,
        attributes=_answers(request),
        channel=Channel.OPEN311,
        caller_name=caller_name,
        caller_phone=caller_phone,
    )
    created = {
        "service_request_id": report.number,
        "service_notice": "已收到，" + service_notice(category),
        "account_id": _param(request, "account_id") or None,
    }
    return respond(fmt, "service_requests", [created])


# --- servicerequestupdates (mySociety's extension) ----------------------------------------------


@endpoint("GET")
def service_request_updates(request: HttpRequest, fmt: str) -> HttpResponse:
    """One update per public timeline event of a public case between ``start_date`` and
    ``end_date`` (at most 90 days; by default the last 90), oldest first, at most 1,000: a
    client polling with the last ``updated_datetime`` it saw as ``start_date`` misses nothing."""
    start, end = date_range(request)
    events = (
        ReportEvent.objects.filter(
            public=True, at__gte=start, at__lte=end, report__in=Report.objects.public()
        )
        .exclude(kind__in=SILENT_KINDS)
        .select_related("report")
        .order_by("at", "id")[:MAX_ROWS]
    )
    updates = [
        {
            "update_id": str(event.pk),
            "service_request_id": event.report.number,
            "status": extended_status(
                event.to_status or event.report.status, event.report.reject_reason
            ),
            "external_status_code": event.to_status or event.report.status,
            "updated_datetime": w3c(event.at),
            "description": event.note or None,
            "media_url": None,
        }
        for event in events
    ]
    return respond(fmt, "service_requests_updates", updates)


# --- photos and unknown addresses -----------------------------------------------------------------


@login_not_required
def media(request: HttpRequest, pk: int, index: int) -> FileResponse:
    """A public case's photo as the public may see it (the blurred copy if it was redacted)."""
    report = Report.objects.public().filter(pk=pk).only("photos").first()
    photos = public_photos(report.photos) if report is not None else []
    if not 0 <= index < len(photos):
        raise Http404("未找到该照片")
    path = photos[index].get("path") or ""
    if not path.startswith("reports/") or not default_storage.exists(path):
        raise Http404("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    # Revalidate every time: a photo redacted after publication must not linger in caches.
    response["Cache-Control"] = "no-cache"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_not_required
@csrf_exempt
def unknown(request: HttpRequest, rest: str) -> HttpResponse:
    """Any other address under /open311/v2/: 404 in the spec's shape (XML unless .json)."""
    fmt = "json" if rest.endswith(".json") else "xml"
    return error_response(fmt, 404, [f"没有这个 Open311 方法：{rest}"])
