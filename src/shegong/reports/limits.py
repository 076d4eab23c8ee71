"""The per-reporter submission limit (a burst of submissions → 429).

Counted in Django's cache (local memory by default; Redis when several web processes must share
the count), in fixed 10-minute windows: at most ``SHEGONG_REPORTS_RATE_LIMIT`` submissions per
reporter (user) or Open311 key per window. Staff of the dispatch desk, who type in the hotline's
calls, are not limited.
"""

from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.cache import cache

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
    window = int(time.time() // WINDOW_SECONDS)
    key = f"reports:rate:{type(sender).__name__}:{sender.pk}:{window}"
    cache.add(key, 0, timeout=WINDOW_SECONDS + 60)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr
        cache.set(key, 1, timeout=WINDOW_SECONDS + 60)
        count = 1
    if count > limit:
        raise RateLimited(f"提交过于频繁：每10分钟最多提交{limit}件，请稍后再试")
