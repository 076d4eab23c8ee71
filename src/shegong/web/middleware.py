"""Turns "not yours" into the same pages everywhere.

Views call ``access_<noun>()`` helpers that raise ``NotFound`` (missing or outside scope) and
actions raise ``NotPermitted``; pages answer them with the 404 and 403 pages, so no view needs its
own try/except for access. Other domain errors are the view's business (a message on the form).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from shegong.core.errors import NotFound, NotPermitted

from .maps import map_config
from .views.home import not_found


class DomainErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API answers with problem details itself
        if isinstance(exception, NotFound):
            return not_found(request, exception)
        if isinstance(exception, NotPermitted):
            return render(request, "403.html", {"exception": exception.detail}, status=403)
        return None


class PrivateResponsesMiddleware:
    """``Cache-Control: no-store`` (and ``private``) on every answer to a signed-in user or an API
    token: pages, exports and API answers carry personal data and scoped numbers, which a shared
    computer's browser cache or a proxy must not keep. Public pages stay cacheable."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        # Read after the view: the API's token authentication sets request.user there.
        user = getattr(request, "user", None)
        # A view that chose its own caching keeps it (the QR display's plain no-store, the
        # reporter's own photos cached privately for an hour).
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            add_never_cache_headers(response)
        return response


def tile_sources() -> list[str]:
    """The origins the map tiles come from, as CSP sources: only when tiles are configured (a key
    is set), else none. A ``{s}`` subdomain in the host becomes a wildcard label."""
    sources: list[str] = []
    for url in map_config()["tiles"]:
        parts = urlsplit(url)
        host = parts.hostname or ""
        if parts.scheme not in ("http", "https") or not host:
            continue
        labels = host.split(".")
        templated = [i for i, label in enumerate(labels) if "{" in label]
        if templated:
            labels = ["*", *labels[templated[-1] + 1 :]]
        source = f"{parts.scheme}://{'.'.join(labels)}"
        if parts.port:
            source += f":{parts.port}"
        if len(labels) > 2 and source not in sources:  # never a bare "*.tld"
            sources.append(source)
    return sources


def content_security_policy(nonce: str) -> str:
    """Everything from this site only: scripts from files (or carrying this request's nonce),
    stylesheets from files. Style attributes stay allowed (``style-src-attr``): the templates use
    a few, and ECharts writes them into its tooltips; a style attribute cannot run script."""
    directives = {
        "default-src": ["'self'"],
        "script-src": ["'self'", f"'nonce-{nonce}'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:", "blob:", *tile_sources()],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
    return "; ".join(f"{name} {' '.join(values)}" for name, values in directives.items())


class ContentSecurityPolicyMiddleware:
    """A ``Content-Security-Policy`` on every HTML answer, with a fresh nonce per request
    (``request.csp_nonce``, for the rare script that must stay inline: ``<script
    nonce="{{ request.csp_nonce }}">``). No page needs one today; every script is a file."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        nonce = secrets.token_urlsafe(18)
        request.csp_nonce = nonce  # type: ignore[attr-defined]
        response = self.get_response(request)
        content_type = response.get("Content-Type", "")
        # Django's own debug pages (DEBUG only) are inline scripts and styles: leave them be.
        debug_page = settings.DEBUG and response.status_code in (404, 500)
        if content_type.startswith("text/html") and not debug_page:
            response.setdefault("Content-Security-Policy", content_security_policy(nonce))
        return response
