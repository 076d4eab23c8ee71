"""Rate-limit counters that every process shares: fixed windows, counted in the database, or in
Redis when ``SHEGONG_REDIS_URL`` is set.

A limit that lives in one process's memory is no limit once two web processes serve the site
(with a limit of 10 and two workers, 20 of 30 submissions got through). So a counter is a row,
``RateCount(key, window_start)``, or a Redis key, never a Python object:

* ``hit(key, window_seconds)`` counts one event in the current window and returns the count
  including it. In the database: ``UPDATE … SET count = count + 1``; when no row matched, an
  INSERT, and if a concurrent request inserted first (the unique constraint answers with
  IntegrityError), the UPDATE again. The UPDATE and the read of the new count are one
  transaction, and the UPDATE holds the row's lock until it ends, so two requests never read
  the same count (PostgreSQL row lock; SQLite takes the whole database's write lock at BEGIN).
  In Redis: ``SET NX EX`` then ``INCR``, each atomic.
* ``peek(key, window_seconds)`` reads the current window's count and the time of its latest
  hit without counting, for a check that must come before the expensive work (a password hash).

Windows are fixed (``window_start`` = now rounded down to a multiple of the length): cheap and
exact, at the price that a burst straddling a boundary may reach twice the limit in a short time.
The ``limits.purge`` scan (``core.scans``) deletes the rows of windows that are over.

Tests move the clock by monkeypatching ``now``.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import F

from .models import RateCount

#: The name of the Django cache that holds counters when Redis is configured.
REDIS_CACHE = "limits"


def now() -> float:
    """The clock of every window (Unix seconds); tests monkeypatch it."""
    return time.time()


@dataclass(frozen=True)
class Window:
    """What ``peek`` sees: the current window's count, its latest hit, and when it ends."""

    count: int
    last_at: float | None
    ends_at: float


def hit(key: str, window_seconds: int) -> int:
    """Count one event under ``key`` in the current window; return the count including it."""
    at = now()
    start = _window_start(at, window_seconds)
    if _use_redis():
        return _redis_hit(key, start, window_seconds, at)
    with transaction.atomic():
        if not _increment(key, start, at):
            try:
                with transaction.atomic():  # a savepoint: the IntegrityError leaves the rest
                    RateCount.objects.create(
                        key=key,
                        window_start=start,
                        count=1,
                        last_at=at,
                        expires_at=start + window_seconds,
                    )
                return 1
            except IntegrityError:  # a concurrent request inserted the window first
                _increment(key, start, at)
        return RateCount.objects.values_list("count", flat=True).get(key=key, window_start=start)


def peek(key: str, window_seconds: int) -> Window:
    """The current window of ``key`` as it stands, counting nothing."""
    at = now()
    start = _window_start(at, window_seconds)
    ends_at = float(start + window_seconds)
    if _use_redis():
        values = caches[REDIS_CACHE].get_many([_redis_key(key, start), _redis_last(key, start)])
        last = values.get(_redis_last(key, start))
        return Window(int(values.get(_redis_key(key, start), 0)), last, ends_at)
    row = RateCount.objects.filter(key=key, window_start=start).values("count", "last_at").first()
    if row is None:
        return Window(0, None, ends_at)
    return Window(row["count"], row["last_at"], ends_at)


def _window_start(at: float, window_seconds: int) -> int:
    return int(at // window_seconds) * window_seconds


def _increment(key: str, start: int, at: float) -> bool:
    updated = RateCount.objects.filter(key=key, window_start=start).update(
        count=F("count") + 1, last_at=at
    )
    return bool(updated)


# --- Redis -------------------------------------------------------------------------------------


def _use_redis() -> bool:
    return bool(getattr(settings, "SHEGONG_REDIS_URL", ""))


def _redis_key(key: str, start: int) -> str:
    return f"{key}:{start}"


def _redis_last(key: str, start: int) -> str:
    return f"{key}:{start}:last"


def _redis_hit(key: str, start: int, window_seconds: int, at: float) -> int:
    cache = caches[REDIS_CACHE]
    ttl = start + window_seconds - int(at) + 1  # the key outlives its window by a second
    counter = _redis_key(key, start)
    cache.add(counter, 0, timeout=ttl)  # SET NX EX: only the first request creates it
    try:
        count = cache.incr(counter)  # INCR: atomic
    except ValueError:  # expired between the two calls (the window just ended)
        cache.add(counter, 0, timeout=ttl)
        count = cache.incr(counter)
    cache.set(_redis_last(key, start), at, timeout=ttl)
    return int(count)
