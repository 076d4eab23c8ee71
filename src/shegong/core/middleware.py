"""Turns the domain's access errors into the same pages everywhere.

Views call ``access_<noun>()`` helpers that raise ``NotFound`` (missing or outside scope) and
actions raise ``NotPermitted``; pages answer them with the 404 and 403 pages, so no view needs its
own try/except for access. Other domain errors are the view's business (a message on the form).
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation

from .errors import NotFound, NotPermitted


class DomainErrorPagesMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if request.path.startswith("/api/"):
            return None  # the API answers with problem details itself
        if isinstance(exception, NotFound):
            from .views import not_found

            return not_found(request, exception)
        if isinstance(exception, NotPermitted):
            return render(request, "403.html", {"exception": exception.detail}, status=403)
        return None


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
