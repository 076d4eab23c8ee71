"""Middleware of the platform: the language of every page, no control characters in what is
posted, and text answers gzipped."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, QueryDict
from django.http.response import HttpResponseBase
from django.middleware.gzip import GZipMiddleware
from django.utils import translation


class LanguageMiddleware:
    """Chinese unless the user chose English (language cookie); the browser's Accept-Language is
    ignored, since an English-language browser in a street office still wants the Chinese UI."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


# NUL and the other C0 controls (but tab, newline, carriage return), DEL, the C1 controls, and the
# bidirectional overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make stored text read
# differently from what it is ("‮gpj.exe").
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# The same characters written as JSON escapes.
_ESCAPED = re.compile(r"\\u(00[01][0-9a-fA-F]|007[fF]|00[89][0-9a-fA-F]|202[a-eA-E]|206[6-9])")


def strip_controls(text: str) -> str:
    return _CONTROL.sub("", text)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return strip_controls(value)
    if isinstance(value, list):
        return [_clean(item) for item in value]
    if isinstance(value, dict):
        return {_clean(key): _clean(item) for key, item in value.items()}
    return value


class ControlCharactersMiddleware:
    """Strips control and bidirectional-override characters from every query parameter, posted
    form field and JSON string before any view, action or API sees them, so none is ever stored
    or reaches a query (PostgreSQL refuses a NUL in a string: a filter ``?q=a%00b`` would be a
    500). Files are left alone (photos pass their own checks)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.META.get("QUERY_STRING"):
            request.GET = self._cleaned(request.GET)  # type: ignore[assignment]
        if request.method in ("POST", "PUT", "PATCH"):
            if request.content_type == "application/json":
                self._clean_json(request)
            elif request.content_type in (
                "application/x-www-form-urlencoded", "multipart/form-data"
            ):  # fmt: skip
                self._clean_form(request)
        return self.get_response(request)

    @staticmethod
    def _clean_json(request: HttpRequest) -> None:
        try:
            text = request.body.decode("utf-8")
        except Exception:
            return
        if not (_CONTROL.search(text) or _ESCAPED.search(text)):
            return
        try:
            data = json.loads(text)
        except ValueError:
            return  # malformed JSON: the API answers it with its own 400
        request._body = json.dumps(_clean(data), ensure_ascii=False).encode("utf-8")

    @staticmethod
    def _clean_form(request: HttpRequest) -> None:
        if request.content_type == "multipart/form-data" and "boundary=" not in (
            request.META.get("CONTENT_TYPE", "")
        ):
            return  # unparseable: left for the view or the API to refuse with a 400
        try:
            posted = request.POST
        except Exception:
            return
        request._post = ControlCharactersMiddleware._cleaned(posted)  # type: ignore[attr-defined]

    @staticmethod
    def _cleaned(data: QueryDict) -> QueryDict:
        """``data`` without control characters in its keys and values (itself when clean)."""
        if not any(
            _CONTROL.search(key) or any(_CONTROL.search(v) for v in values)
            for key, values in data.lists()
        ):
            return data
        cleaned = QueryDict(mutable=True)
        for key, values in data.lists():
            cleaned.setlist(strip_controls(key), [strip_controls(v) for v in values])
        cleaned._mutable = False
        return cleaned


class TextGZipMiddleware(GZipMiddleware):
    """Pages, JSON and CSV leave gzipped when the browser accepts it (a station finder's HTML is
    ≈ 90 KB, ≈ 12 KB gzipped: slow phones). Everything else — photos, PDFs, workbooks (zip files
    already) and the static files (whitenoise sends its own .br/.gz) — passes as it is: gzip
    would spend CPU to win nothing. Django's gzip pads each answer with random bytes against
    BREACH, and its CSRF tokens are masked per request."""

    COMPRESSIBLE = ("text/html", "application/json", "application/problem+json", "text/csv")

    def process_response(
        self, request: HttpRequest, response: HttpResponseBase
    ) -> HttpResponseBase:
        content_type = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
        if content_type not in self.COMPRESSIBLE:
            return response
        return super().process_response(request, response)
