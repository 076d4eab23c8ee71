"""The second factor: an authenticator app (TOTP) with ten one-time recovery codes, on django-otp.

Required for district admins (any membership) and superusers; optional for everyone else, and
asked at every login of whoever enrolled. The state changes are in ``actions``; this module only
answers questions and draws the QR code.

At login the session is marked with what is still owed (``SECOND_FACTOR_PENDING_KEY``:
``verify`` or ``setup``); ``SecondFactorMiddleware`` sends such a session to that page before
anything else, and the API refuses it. A role granted while someone is logged in counts from
their next login.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shegong.core.api import SECOND_FACTOR_PENDING_KEY
from shegong.core.perms import SEPARATED_ROLES, Role

__all__ = [
    "RECOVERY_CODE_COUNT",
    "SECOND_FACTOR_PENDING_KEY",
    "confirmed_totp",
    "is_required",
    "pending_step",
    "qr_svg",
    "recovery_codes_left",
    "secret_text",
]

RECOVERY_CODE_COUNT = 10
TOTP_DEVICE_NAME = "验证器应用"
RECOVERY_DEVICE_NAME = "恢复码"


# The roles that must use a second factor: the district administrator and the three separated
# administrators (三员), whose accounts hold the platform's keys.
REQUIRED_ROLES = frozenset({Role.DISTRICT_ADMIN}) | SEPARATED_ROLES


def is_required(user: Any) -> bool:
    """Administrators (a district admin, system, security or audit admin membership in any
    region) and superusers must use a second factor."""
    return bool(user.is_superuser) or any(m.role in REQUIRED_ROLES for m in user.membership_list())


def confirmed_totp(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()


def recovery_codes_left(user: Any) -> int:
    device = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME).first()
    return device.token_set.count() if device else 0


def pending_step(user: Any) -> str | None:
    """What a fresh login still owes: ``verify`` (enrolled), ``setup`` (required, not enrolled)
    or nothing."""
    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        return "verify"
    return "setup" if is_required(user) else None


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an app by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URL as an inline SVG QR code, drawn here (no outside service)."""
    return segno.make(device.config_url, error="m").svg_inline(scale=5, border=2)
