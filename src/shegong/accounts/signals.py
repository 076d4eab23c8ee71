"""Login events come from Django and django-axes as signals; each becomes one audit entry.

This is the one place signals write audit rows: authentication happens inside Django's and
axes' code, not in an action of ours.
"""

from __future__ import annotations

import time
from typing import Any

from axes.signals import user_locked_out
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.net import client_ip
from shegong.core.pii import mask_phone

from . import actions, throttle, twofactor
from .middleware import TOUCH_KEY


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    actions.record_login(user)
    session = getattr(request, "session", None)
    if session is not None:
        # What this login still owes: the code of an enrolled account, or enrolment where the
        # second factor is required (SecondFactorMiddleware enforces it).
        step = twofactor.pending_step(user)
        if step:
            session[twofactor.SECOND_FACTOR_PENDING_KEY] = step
        # Logging in writes the session: the next minute of requests need not renew it.
        session[TOUCH_KEY] = int(time.time())


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    if user is not None:
        actions.record_logout(user)


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    if request is not None:
        throttle.record_failure(client_ip(request))
    phone = str(credentials.get("username") or credentials.get("phone") or "")
    audit.record(
        Verb.LOGIN_FAILED,
        actor=None,
        actor_label=mask_phone(phone) or "未知",
        success=False,
        data={"phone": mask_phone(phone)},
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any = None, username: str = "", **kwargs: Any) -> None:
    audit.record(
        Verb.LOCKED_OUT,
        actor=None,
        actor_label=mask_phone(username) or "未知",
        success=False,
        data={"phone": mask_phone(username)},
    )
