"""Per-request account context: the active scope, audit context, forced password change."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from shegong.core.audit import audit_context

SCOPE_SESSION_KEY = "active_membership_id"


def client_ip(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "")


class ScopeMiddleware:
    """Activates the membership chosen with the scope switcher; sets the audit context."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            user.activate_membership(request.session.get(SCOPE_SESSION_KEY))
        via = "api" if request.path.startswith("/api/") else "web"
        with audit_context(ip=client_ip(request), via=via):
            return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account created by staff must set its own password before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = (reverse("password_change"), reverse("logout"), "/static/", "/api/")
            if not request.path.startswith(allowed):
                return redirect(f"{reverse('password_change')}?first=1")
        return self.get_response(request)
