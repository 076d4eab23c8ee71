"""Rate-limit counters that every process shares: fixed windows, counted in the database, or in
Redis when ``SHEGONG_REDIS_URL`` is set.

A limit that lives in one process's memory is no limit once two web processes serve the site
(with a limit of 10 and two workers, 20 of 30 submissions got through). So a counter is a row,
``RateCount(key, window_start)``, or a Redis key, never a Python object:

* ``hit(key, window_seconds)`` counts one event in the current window and returns the count
  including it. In the database: ``UPDATE … SET count = count + 1 … RETURNING count``, one
  statement, so two requests never read the same count (the statement is atomic on its own:
  PostgreSQL row lock, SQLite's write lock). When no row matched, an INSERT in a transaction,
  and if a concurrent request inserted first (the unique constraint answers with
  IntegrityError), the UPDATE again.
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
from django.db import IntegrityError, connection, transaction

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
    counted = _increment(key, start, at)
    if counted is not None:  # the common case: the window's row exists, one statement
        return counted
    try:
        with transaction.atomic():  # a savepoint inside a caller's transaction
            RateCount.objects.create(
                key=key, window_start=start, count=1, last_at=at,
                expires_at=start + window_seconds,
            )  # fmt: skip
        return 1
    except IntegrityError:  # a concurrent request inserted the window first
        counted = _increment(key, start, at)
    assert counted is not None  # the row that refused the insert is there
    return counted


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


def _increment(key: str, start: int, at: float) -> int | None:
    """Count one in the window's row and return the new count; None when there is no row."""
    table = connection.ops.quote_name(RateCount._meta.db_table)
    count, key_, start_, last = (connection.ops.quote_name(c)
                                 for c in ("count", "key", "window_start", "last_at"))  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {table} SET {count} = {count} + 1, {last} = %s "  # noqa: S608 - our names
            f"WHERE {key_} = %s AND {start_} = %s RETURNING {count}",
            [at, key, start],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


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
