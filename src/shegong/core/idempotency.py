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

``@idempotent_in_action`` is the one-transaction variant for a hot endpoint (the 随手拍
submission): nothing is claimed up front. The wrapper only looks the key up (a replay, a 422 or
a 409 for a claim left by ``@idempotent``); the endpoint builds its 2xx response inside its
action's transaction and calls ``store(request, response)`` there, which inserts the key with
the response, so the case, its timeline, audit entry, notifications and the stored answer commit
together or not at all. Of two concurrent requests with the same key both run the action; the
second one's insert meets the first one's row (PostgreSQL waits for the first to commit; SQLite
writers take turns), raises ``KeyTaken``, its whole transaction rolls back, and it answers with
the first one's stored response.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
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
_PENDING_ATTR = "_shegong_idempotency_pending"


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


class KeyTaken(Exception):
    """``store`` found the key already written by a concurrent request (which committed first):
    the caller's transaction must roll back; ``@idempotent_in_action`` then replays that answer."""


@dataclass(frozen=True)
class Pending:
    """A key that ``@idempotent_in_action`` found free: ``store`` writes it with the response."""

    owner: str
    key: str
    method: str
    path: str
    fingerprint: str


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


def _check_key(key: str) -> None:
    if not key.strip():
        raise InvalidKey("Idempotency-Key 不能为空")
    if len(key) > MAX_KEY_LENGTH:
        raise InvalidKey(f"Idempotency-Key 不能超过 {MAX_KEY_LENGTH} 个字符")


def _answer_from(record: IdempotencyRecord, print_: str) -> HttpResponse:
    """The answer to a request whose key an earlier request holds."""
    if record.fingerprint != print_:
        raise KeyReused()
    if record.status_code is None:
        raise RequestInFlight()
    return replay(record)


def claim(request: HttpRequest, key: str) -> IdempotencyRecord | HttpResponse:
    """Claim the key for this request, or answer it from the first request with that key."""
    _check_key(key)
    print_ = fingerprint(request)
    record, claimed = claim_row(
        owner_of(request), key, method=_method(request), path=request.path, fingerprint=print_
    )
    if claimed:
        return record
    return _answer_from(record, print_)


def lookup(owner: str, key: str) -> IdempotencyRecord | None:
    """The live record of ``(owner, key)``; an expired one is deleted (its key is free)."""
    record = IdempotencyRecord.objects.filter(owner=owner, key=key).first()
    if record is not None and record.created_at < timezone.now() - ttl():
        record.delete()
        return None
    return record


def write_key(
    owner: str, key: str, *, method: str, path: str, fingerprint: str, status_code: int,
    body: bytes, content_type: str,
) -> None:  # fmt: skip
    """Inside the action's transaction: the key with the answer it gets from now on. Raises
    ``KeyTaken`` when a concurrent request with the same key committed first: the caller's
    transaction must roll back (PostgreSQL has aborted it anyway)."""
    try:
        IdempotencyRecord.objects.create(
            owner=owner, key=key, method=method, path=path[:255], fingerprint=fingerprint,
            status_code=status_code, response_body=body, content_type=content_type,
        )  # fmt: skip
    except IntegrityError:
        raise KeyTaken() from None


def store(request: HttpRequest, response: HttpResponse) -> None:
    """Inside the action's transaction, under ``@idempotent_in_action``: write the request's key
    with its 2xx ``response`` (nothing without a key). Raises ``KeyTaken`` (see ``write_key``)."""
    pending: Pending | None = getattr(request, _PENDING_ATTR, None)
    if pending is None or not 200 <= response.status_code < 300:
        return
    write_key(
        pending.owner, pending.key, method=pending.method, path=pending.path,
        fingerprint=pending.fingerprint, status_code=response.status_code,
        body=response.content, content_type=response.get("Content-Type", ""),
    )  # fmt: skip
    setattr(request, _PENDING_ATTR, None)


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


def idempotent_in_action(view: Callable[..., Any]) -> Callable[..., Any]:
    """``Idempotency-Key`` for an endpoint that stores its answer in its action's transaction
    with ``store`` (see module doc): one transaction per request instead of three."""

    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        key = request.headers.get(HEADER)
        if key is None:
            return view(request, *args, **kwargs)
        _check_key(key)
        print_ = fingerprint(request)
        owner = owner_of(request)
        earlier = lookup(owner, key)
        if earlier is not None:
            return _answer_from(earlier, print_)
        setattr(request, _PENDING_ATTR, Pending(owner, key, _method(request), request.path, print_))
        try:
            return view(request, *args, **kwargs)
        except KeyTaken:
            return _answer_from(IdempotencyRecord.objects.get(owner=owner, key=key), print_)
        finally:
            setattr(request, _PENDING_ATTR, None)

    contribute_operation_callback(wrapped, _document_header)
    return wrapped


@periodic_scan("idempotency.purge", every=timedelta(hours=1), title="清理过期的幂等记录")
def purge_expired(now: Any = None) -> int:
    """Delete records older than IDEMPOTENCY_TTL_HOURS; returns how many."""
    cutoff = (now or timezone.now()) - ttl()
    deleted, _ = IdempotencyRecord.objects.filter(created_at__lt=cutoff).delete()
    return deleted
