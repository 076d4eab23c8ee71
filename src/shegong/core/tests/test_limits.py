"""Shared rate-limit counters (core.limits): fixed windows in the database."""

from __future__ import annotations

import threading

import pytest
from django.db import connection

from shegong.core import limits, scans
from shegong.core.models import RateCount

pytestmark = pytest.mark.django_db

T0 = 1_800_000_000.0  # a multiple of 600 and 900


@pytest.fixture
def clock(monkeypatch):
    """The window clock, moved by the test: ``clock.at = …``."""

    class Clock:
        at = T0

    monkeypatch.setattr(limits, "now", lambda: Clock.at)
    return Clock


def test_it_counts_each_key_in_its_own_window(clock):
    assert [limits.hit("a", 600) for _ in range(3)] == [1, 2, 3]
    assert limits.hit("b", 600) == 1
    clock.at = T0 + 599
    assert limits.hit("a", 600) == 4
    clock.at = T0 + 600  # the next window starts from one
    assert limits.hit("a", 600) == 1
    assert RateCount.objects.filter(key="a").count() == 2


def test_peek_reads_the_count_and_the_latest_hit_without_counting(clock):
    assert limits.peek("a", 600) == limits.Window(0, None, T0 + 600)
    limits.hit("a", 600)
    clock.at = T0 + 42.5
    limits.hit("a", 600)
    assert limits.peek("a", 600) == limits.Window(2, T0 + 42.5, T0 + 600)
    assert limits.peek("a", 600).count == 2


def test_the_count_lives_in_the_database_not_in_the_process(clock):
    """Another process has nothing of this one's memory; the count is the row's."""
    limits.hit("a", 600)
    RateCount.objects.filter(key="a").update(count=7)  # as if another process had counted
    assert limits.hit("a", 600) == 8


def test_the_purge_scan_deletes_windows_that_are_over(clock):
    limits.hit("old", 600)
    clock.at = T0 + 600
    limits.hit("new", 600)
    assert scans.purge_rate_counts() == 1
    assert list(RateCount.objects.values_list("key", flat=True)) == ["new"]
    assert "limits.purge" in scans.SCANS


@pytest.mark.django_db(transaction=True)
def test_concurrent_hits_never_read_the_same_count(clock):
    """Threads with their own connections stand in for web processes: each of 2×8 hits gets a
    different count, and the row ends at 16 (a lost update or a failed insert would show)."""
    if connection.vendor == "sqlite" and connection.settings_dict["NAME"].startswith(
        ("file:memorydb", ":memory:")
    ):
        pytest.skip("an in-memory SQLite test database is one connection's; PostgreSQL runs it")
    counts: list[int] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        from django.db import connections

        try:
            barrier.wait()
            for _ in range(2):
                counts.append(limits.hit("burst", 600))
        except BaseException as exc:  # reported below; a thread's exception is otherwise lost
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert sorted(counts) == list(range(1, 17))
    assert RateCount.objects.get(key="burst").count == 16


# --- Redis (SHEGONG_REDIS_URL) -----------------------------------------------------------------


def test_with_redis_the_counter_lives_in_redis(redis_limits, clock, settings):
    assert [limits.hit("a", 600) for _ in range(3)] == [1, 2, 3]
    clock.at = T0 + 42.5
    assert limits.hit("a", 600) == 4
    assert limits.peek("a", 600) == limits.Window(4, T0 + 42.5, T0 + 600)
    assert limits.peek("b", 600) == limits.Window(0, None, T0 + 600)
    clock.at = T0 + 600
    assert limits.hit("a", 600) == 1
    assert not RateCount.objects.exists()
    # The keys expire with their window (plus a second), so Redis needs no purge.
    prefix = settings.CACHES["limits"]["KEY_PREFIX"]
    [counter] = redis_limits.scan_iter(f"{prefix}:*:a:1800000600")
    assert 0 < redis_limits.ttl(counter) <= 601


def test_with_redis_concurrent_hits_never_read_the_same_count(redis_limits, clock):
    counts: list[int] = []
    barrier = threading.Barrier(8)

    def worker() -> None:
        barrier.wait()
        for _ in range(2):
            counts.append(limits.hit("burst", 600))

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(counts) == list(range(1, 17))
