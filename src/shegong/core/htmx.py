"""The one place that decides between a partial and a full page (STYLE.md rule 18).

An HTMX request (``HX-Request: true``) that is not a boosted navigation gets only the fragment it
swaps in; every other request gets the whole page, so each URL also works without JavaScript.
After a successful write an HTMX request is sent on with ``HX-Location`` (a client-side
navigation without a full reload), a plain form post with an ordinary redirect.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render


def is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def render_partial_or_full(
    request: HttpRequest,
    template: str,
    context: dict[str, Any],
    partial_template: str | None = None,
    *,
    status: int = 200,
) -> HttpResponse:
    """Render ``partial_template`` for an HTMX swap, else the full ``template``."""
    if partial_template and is_htmx(request) and not request.headers.get("HX-Boosted"):
        template = partial_template
    return render(request, template, context, status=status)


def redirect_after_write(request: HttpRequest, url: str) -> HttpResponse:
    """Send the browser to ``url`` after a successful write (HX-Location for HTMX)."""
    if is_htmx(request):
        response = HttpResponse(status=200)
        response["HX-Location"] = url
        return response
    return redirect(url)
