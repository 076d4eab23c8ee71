"""Turns "not yours" into the same pages everywhere.

Views call ``access_<noun>()`` helpers that raise ``NotFound`` (missing or outside scope) and
actions raise ``NotPermitted``; pages answer them with the 404 and 403 pages, so no view needs its
own try/except for access. Other domain errors are the view's business (a message on the form).
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers

from shegong.core.errors import NotFound, NotPermitted

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
