"""``Idempotency-Key`` for POST endpoints: a retried request gets the first response back.

Mobile clients on a bad network resend a POST when they never saw the answer. With the header
``Idempotency-Key: <client-chosen string>`` the first request runs the action and its 2xx
response is stored; a retry with the same key and the same body gets the stored bytes back with
``Idempotent-Replayed: true`` and the action does not run again.

Usage, below the route decorator of an endpoint that calls one action::

    @router.post("/regions", response={201: RegionDetail})
    @idempotent
    def create_region(request, payload: RegionIn): ...

Endpoint modules that use ``@idempotent`` must not use ``from __future__ import annotations``:
ninja resolves string annotations in the wrapper's module, not the endpoint's.

How it works, in two hooks:

* the wrapped view runs after ninja has authenticated the caller and validated the input. It
  claims ``(owner, key)`` by inserting an ``IdempotencyRecord`` row without a status *before*
  the action runs, committed on its own, so a concurrent retry finds it and gets 409 instead of
  running the action a second time (the unique constraint settles two simultaneous inserts);
* the operation's ``run`` is wrapped (``decorate_view``) to see the final HttpResponse: a 2xx
  response is stored byte-for-byte; any other response deletes the claim, so a corrected retry
  with the same key can still succeed.

A process that dies between the two leaves a claim without a status: retries get 409 until the
record expires (``IDEMPOTENCY_TTL_HOURS``), because nobody can tell whether the action committed.
Endpoints that return a secret (a new token's plaintext) must not use this: the secret would be
stored.
"""

import hashlib
from collections.abc import Callable
from datetime import timedelta
from functools import wraps
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.http.request import RawPostDataException
from django.utils import timezone
from ninja.decorators import decorate_view
from ninja.utils import contribute_operation_callback

from .errors import DomainError
from .models import IdempotencyRecord
from .scans import periodic_scan

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
MAX_KEY_LENGTH = 255
_RECORD_ATTR = "_shegong_idempotency_record"


class InvalidKey(DomainError):
    """The header is empty or longer than 255 characters (HTTP 400)."""

    status = 400
    title = "Idempotency-Key 无效"

    def __init__(self, detail: str):
        super().__init__(detail, errors=[{"field": HEADER, "message": detail}])


class KeyReused(DomainError):
    """The key was already used for a request with another method, path or body (HTTP 422)."""

    status = 422
    title = "Idempotency-Key 冲突"

    def __init__(self) -> None:
        detail = "Idempotency-Key 已用于不同的请求"
        super().__init__(detail, errors=[{"field": HEADER, "message": detail}])


class RequestInFlight(DomainError):
    """The first request with this key has not finished yet (HTTP 409)."""

    title = "请求正在处理中"

    def __init__(self) -> None:
        super().__init__("使用相同 Idempotency-Key 的请求正在处理中，请稍后重试")


def ttl() -> timedelta:
    return timedelta(hours=settings.IDEMPOTENCY_TTL_HOURS)


def owner_of(request: HttpRequest) -> str:
    user: Any = getattr(request, "auth", None)  # whatever ninja's authenticator returned
    if getattr(user, "pk", None) is not None:
        return f"user:{user.pk}"
    return f"anon:{request.META.get('REMOTE_ADDR', '')}"


def _method(request: HttpRequest) -> str:
    # ``HttpRequest.method`` is None only on a request built by hand; the handler sets it.
    assert request.method is not None
    return request.method


def fingerprint(request: HttpRequest) -> str:
    """sha256 of method, path and body.

    A multipart body (a photo upload) is hashed by its fields and every file's name and
    content, never by its raw bytes: a client that retries builds the body again with a new
    random boundary, and that must still count as the same request. (Often the body has
    already been streamed into ``request.POST`` and ``request.FILES`` anyway, so
    ``request.body`` is gone.)
    """
    digest = hashlib.sha256()
    digest.update(_method(request).encode() + b"\n" + request.get_full_path().encode() + b"\n")
    if request.content_type == "multipart/form-data":
        _hash_form(digest, request)
        return digest.hexdigest()
    try:
        digest.update(request.body)
    except RawPostDataException:
        _hash_form(digest, request)
    return digest.hexdigest()


def _hash_form(digest: Any, request: HttpRequest) -> None:
    for name, values in sorted(request.POST.lists()):
        digest.update(f"field:{name}={values!r}\n".encode())
    for name, files in sorted(request.FILES.lists()):
        for upload in files:
            digest.update(f"file:{name}={upload.name}:{upload.size}\n".encode())
            for chunk in upload.chunks():
                digest.update(chunk)
            upload.seek(0)


def replay(record: IdempotencyRecord) -> HttpResponse:
    response = HttpResponse(
        bytes(record.response_body or b""),
        status=record.status_code,
        content_type=record.content_type or None,
    )
    response[REPLAYED_HEADER] = "true"
    return response


def claim_row(
    owner: str, key: str, *, method: str, path: str, fingerprint: str
) -> tuple[IdempotencyRecord, bool]:
    """The one place a key is claimed, for the API's ``Idempotency-Key`` and the H5 forms'
    tokens alike: ``(record, True)`` when this request claimed ``(owner, key)`` (the row is
    committed on its own, before the action runs, so a concurrent retry sees it), or
    ``(record, False)`` with the earlier request's row. An expired row frees its key."""
    for _attempt in range(2):
        existing = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
        if existing is not None and existing.created_at < timezone.now() - ttl():
            existing.delete()  # expired but not purged yet: the key is free again
            existing = None
        if existing is not None:
            return existing, False
        try:
            with transaction.atomic():
                record = IdempotencyRecord.objects.create(
                    owner=owner, key=key, method=method, path=path[:255], fingerprint=fingerprint
                )
            return record, True
        except IntegrityError:
            continue  # a simultaneous request claimed it first: read its row
    return IdempotencyRecord.objects.get(owner=owner, key=key), False


def claim(request: HttpRequest, key: str) -> IdempotencyRecord | HttpResponse:
    """Claim the key for this request, or answer it from the first request with that key."""
    if not key.strip():
        raise InvalidKey("Idempotency-Key 不能为空")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"Idempotency-Key 不能超过 {MAX_KEY_LENGTH} 个字符")
    print_ = fingerprint(request)
    record, claimed = claim_row(
        owner_of(request), key, method=_method(request), path=request.path, fingerprint=print_
    )
    if claimed:
        return record
    if record.fingerprint != print_:
        raise KeyReused()
    if record.status_code is None:
        raise RequestInFlight()
    return replay(record)


def finish(record: IdempotencyRecord, response: HttpResponse) -> None:
    """Store a 2xx response for replay; drop the claim for anything else."""
    streaming = getattr(response, "streaming", False)
    if 200 <= response.status_code < 300 and not streaming:
        IdempotencyRecord.objects.filter(pk=record.pk).update(
            status_code=response.status_code,
            response_body=response.content,
            content_type=response.get("Content-Type", ""),
        )
    else:
        IdempotencyRecord.objects.filter(pk=record.pk).delete()


def _store_response(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Wraps ninja's Operation.run: sees the final response of a claimed request."""

    @wraps(run)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response = run(request, *args, **kwargs)
        except BaseException:
            record = getattr(request, _RECORD_ATTR, None)
            if record is not None:
                IdempotencyRecord.objects.filter(pk=record.pk).delete()
            raise
        record = getattr(request, _RECORD_ATTR, None)
        if record is not None:
            setattr(request, _RECORD_ATTR, None)
            finish(record, response)
        return response

    return wrapped


def _document_header(operation: Any) -> None:
    extra = operation.openapi_extra or {}
    extra.setdefault("parameters", []).append(
        {
            "in": "header",
            "name": HEADER,
            "required": False,
            "schema": {"type": "string", "maxLength": MAX_KEY_LENGTH},
            "description": (
                "客户端生成的唯一键（如 UUID）。网络重试时带相同的键和相同的请求体，"
                "返回首次请求的结果"
                f"（响应头 {REPLAYED_HEADER}: true），不会重复执行；同一键用于不同请求体返回 422，"
                f"首次请求未完成时返回 409。记录保留 {settings.IDEMPOTENCY_TTL_HOURS} 小时。"
            ),
        }
    )
    operation.openapi_extra = extra


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Make a ninja POST operation honour the ``Idempotency-Key`` header (see module doc)."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        claimed = claim(request, key)
        if isinstance(claimed, HttpResponse):
            return claimed
        setattr(request, _RECORD_ATTR, claimed)
        return view(request, *args, **kwargs)

    decorate_view(_store_response)(wrapped)
    contribute_operation_callback(wrapped, _document_header)
    return wrapped


@periodic_scan("idempotency.purge", every=timedelta(hours=1), title="清理过期的幂等记录")
def purge_expired(now: Any = None) -> int:
    """Delete records older than IDEMPOTENCY_TTL_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
