"""Rotating signed tokens for QR check-in (签到二维码).

A token names one row (``pk``) and a time bucket of ``seconds`` (the caller's setting): it is
valid in its own bucket and the next, so a photo of the code sent to someone at home is useless
a minute or two later. The salt keeps one use's tokens from opening another's (a volunteer
shift's token names no meeting). Forged or altered: NotFound; genuine but older: ``QrExpired``
(HTTP 410). Used by the volunteers' shift check-in and the deliberation meetings' sign-in.
"""

from __future__ import annotations

import io
from datetime import datetime

import segno
from django.core import signing
from django.utils import timezone

from shegong.core.errors import DomainError, NotFound

__all__ = [
    "TOKEN_INVALID",
    "QrExpired",
    "bucket_of",
    "make_token",
    "qr_png",
    "read_token",
    "refresh_in",
    "token_from_text",
]  # fmt: skip

DEFAULT_SECONDS = 60
TOKEN_INVALID = "签到二维码无效，请扫描现场出示的二维码"


class QrExpired(DomainError):
    """A genuine token of a bucket long past (HTTP 410)."""

    status = 410
    title = "二维码已过期"


def bucket_of(at: datetime, seconds: int = DEFAULT_SECONDS) -> int:
    return int(at.timestamp()) // seconds


def make_token(
    salt: str, pk: int, at: datetime | None = None, *, seconds: int = DEFAULT_SECONDS
) -> str:
    """The token of row ``pk`` for the time bucket of ``at`` (now by default)."""
    at = at or timezone.now()
    return signing.dumps({"s": int(pk), "b": bucket_of(at, seconds)}, salt=salt, compress=True)


def read_token(
    salt: str,
    token: str,
    at: datetime | None = None,
    *,
    seconds: int = DEFAULT_SECONDS,
    invalid: str = TOKEN_INVALID,
    expired: str = "二维码已过期，请重新扫描现场出示的二维码",
) -> int:
    """The pk a token names, if it is from the current or the previous bucket.

    Forged, altered or of another salt: NotFound(invalid); genuine but older: QrExpired."""
    try:
        data = signing.loads(str(token or ""), salt=salt)
        pk, bucket = int(data["s"]), int(data["b"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound(invalid) from None
    now_bucket = bucket_of(at or timezone.now(), seconds)
    if bucket not in (now_bucket, now_bucket - 1):
        raise QrExpired(expired)
    return pk


def refresh_in(at: datetime | None = None, *, seconds: int = DEFAULT_SECONDS) -> int:
    """Seconds until the next bucket starts (when the shown code changes)."""
    at = at or timezone.now()
    return seconds - int(at.timestamp()) % seconds


def qr_png(url: str, *, scale: int = 8) -> bytes:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=scale, border=2)
    return buffer.getvalue()


def token_from_text(raw: str, marker: str = "/checkin/") -> str:
    """The token itself, also when an app hands in the whole scanned URL."""
    text = str(raw or "").strip()
    if marker in text:
        text = text.split(marker, 1)[1]
    return text.split("?", 1)[0].strip("/")
