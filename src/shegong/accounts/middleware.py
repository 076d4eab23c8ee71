"""Per-request account context: the active scope, audit context, forced password change."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from shegong.core.api import SECOND_FACTOR_PENDING_KEY
from shegong.core.audit import audit_context
from shegong.core.net import client_ip

SCOPE_SESSION_KEY = "active_membership_id"


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


class SecondFactorMiddleware:
    """A session that still owes its second factor (marked at login, see ``twofactor``) reaches
    only the code page, the enrolment page and logout; everything else is sent there first.
    The API refuses such a session itself (``core.api.CookieAuth``); tokens are made only from
    a verified session, so they carry no second factor of their own."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        session = getattr(request, "session", None)
        pending = session.get(SECOND_FACTOR_PENDING_KEY) if session is not None else None
        if pending and request.user.is_authenticated:
            if request.user.is_verified():  # type: ignore[union-attr]
                del session[SECOND_FACTOR_PENDING_KEY]  # type: ignore[index]
            else:
                step = "otp_setup" if pending == "setup" else "otp_verify"
                allowed = (
                    reverse("otp_verify"), reverse("otp_setup"), reverse("logout"),
                    "/static/", "/api/",
                )  # fmt: skip
                if not request.path.startswith(allowed):
                    target = reverse(step)
                    if request.method in ("GET", "HEAD") and request.path != "/":
                        target += "?" + urlencode({"next": request.get_full_path()})
                    return redirect(target)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """An account created by staff must set its own password before anything else."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.must_change_password:
            allowed = (
                reverse("password_change"), reverse("m_password_change"), reverse("logout"),
                reverse("otp_verify"), reverse("otp_setup"), "/static/", "/api/",
            )  # fmt: skip
            if not request.path.startswith(allowed):
                # A phone user (rider, volunteer, resident) sets it in the phone shell.
                page = "m_password_change" if user.is_field_user else "password_change"
                return redirect(f"{reverse(page)}?first=1")
        return self.get_response(request)


TOUCH_KEY = "_touched_at"
TOUCH_EVERY_SECONDS = 60


class SessionTouchMiddleware:
    """The idle timeout slides with use, but the session row is rewritten at most once a
    minute, not on every request (Django's SESSION_SAVE_EVERY_REQUEST): a page and the photos
    it loads would otherwise each write the session, which is a needless write per request
    and, with parallel image requests, writers racing on the same row."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        session = getattr(request, "session", None)
        if session is not None and session.session_key and not session.modified:
            now = int(time.time())
            if now - int(session.get(TOUCH_KEY, 0)) >= TOUCH_EVERY_SECONDS:
                session[TOUCH_KEY] = now  # saved by SessionMiddleware with a fresh expiry
        return response
