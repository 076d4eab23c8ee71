"""The login throttle per client address: a growing delay, never a lock.

Beside the lockout per (account, address) that django-axes keeps, this slows one address that
guesses at many accounts. Every failed login (our page, the admin's, a locked account's) counts
against the address in a fixed window (``core.limits``, shared by every process). Up to
``SHEGONG_LOGIN_IP_FAILURE_LIMIT`` failures cost nothing; from then on each attempt must wait
``SHEGONG_LOGIN_IP_DELAY_SECONDS`` after the latest failure, twice as long after each further
failure, at most until the window ends. The check reads one row and runs before any password is
hashed (``LoginThrottleMiddleware``), so a throttled attempt is cheap.

The count is generous and only delays, because a whole street office may share one NAT address:
its staff mistyping passwords must never be locked out, at worst asked to wait a few seconds.
A success does not reset the count: an attacker with one valid account would reset it at will.
Requests racing in parallel past the check may each fail once; each failure doubles the delay.
"""

from __future__ import annotations

import math
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from shegong.core import audit, limits
from shegong.core.audit import Verb
from shegong.core.net import client_ip

MAX_DOUBLINGS = 20  # 5 s × 2**20 is far beyond any window; keeps the power small


def _key(ip: str) -> str:
    return f"login:ip:{ip}"


def _window_seconds() -> int:
    return settings.SHEGONG_LOGIN_IP_WINDOW_MINUTES * 60


def retry_after(ip: str) -> int:
    """Seconds the address must wait before its next login attempt (0: it may try now)."""
    window = limits.peek(_key(ip), _window_seconds())
    over = window.count - settings.SHEGONG_LOGIN_IP_FAILURE_LIMIT
    if over < 0 or window.last_at is None:
        return 0
    delay = settings.SHEGONG_LOGIN_IP_DELAY_SECONDS * 2 ** min(over, MAX_DOUBLINGS)
    until = min(window.last_at + delay, window.ends_at)
    return max(0, math.ceil(until - limits.now()))


def record_failure(ip: str) -> int:
    """Count one failed login from ``ip``; return the window's count. The failure that reaches
    the limit is audited once (not every one after it: an attacker must not flood the log)."""
    count = limits.hit(_key(ip), _window_seconds())
    if count == settings.SHEGONG_LOGIN_IP_FAILURE_LIMIT:
        audit.record(
            Verb.LOGIN_THROTTLED,
            actor=None,
            actor_label=ip or "未知",
            success=False,
            data={"ip": ip, "failures": count},
        )
    return count


def message(seconds: int) -> str:
    return f"登录尝试过于频繁，请 {seconds} 秒后再试"


class LoginThrottleMiddleware:
    """Refuses a login POST from an address that must still wait (``retry_after``), before
    the view hashes any password. Covers our login page and the admin's."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method == "POST" and request.path in (reverse("login"), reverse("admin:login")):
            from .views import login_refused

            wait = retry_after(client_ip(request))
            if wait:
                return login_refused(request, retry_after=wait, throttle_message=message(wait))
        return self.get_response(request)
