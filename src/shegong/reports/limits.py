"""The per-reporter submission limit (a burst of submissions → 429).

Counted by ``core.limits`` (the database, or Redis when configured: every web process sees the
same count), in fixed 10-minute windows: at most ``SHEGONG_REPORTS_RATE_LIMIT`` submissions per
reporter (user) or Open311 key per window. Staff of the dispatch desk, who type in the hotline's
calls, are not limited.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings

from shegong.core import limits
from shegong.core.errors import RateLimited
from shegong.core.perms import Perm

WINDOW_SECONDS = 600


def check_submission_rate(sender: Any) -> None:
    """Count one submission by ``sender`` (a User or an ApiKey); raise RateLimited (429) past
    the limit. Call it before the submission, from the page, the API and Open311 alike."""
    if getattr(sender, "is_superuser", False):
        return
    if hasattr(sender, "has_perm_in_scope") and sender.has_perm_in_scope(Perm.REPORTS_DISPATCH):
        return
    limit = settings.SHEGONG_REPORTS_RATE_LIMIT
    count = limits.hit(f"reports:submit:{type(sender).__name__}:{sender.pk}", WINDOW_SECONDS)
    if count > limit:
        raise RateLimited(f"提交过于频繁：每10分钟最多提交{limit}件，请稍后再试")
