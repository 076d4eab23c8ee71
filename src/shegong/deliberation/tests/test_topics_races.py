"""Supports at the same moment (issue 16, "Bad input"): a double tap counts once and the other
tap gets the plain refusal, never an IntegrityError; two neighbours both count and the agenda
threshold fires exactly once.

Real threads, each with its own connection and real durable transactions. ``support`` locks
the topic's row first, so the second racer waits and then reads what the first wrote. On
SQLite the race runs on a file copy of the test database (the suite's shared-cache in-memory
database refuses a second writer at once instead of waiting), as matching's races do.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.db import connection, connections

from shegong import testing
from shegong.core.errors import DomainError
from shegong.core.perms import Role
from shegong.deliberation.actions import topics
from shegong.deliberation.models import CommunitySettings, Topic, TopicCategory, TopicSupport

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def on_file(tmp_path) -> Iterator[Callable[[], None]]:
    settings_dict = connections.settings["default"]
    name = settings_dict["NAME"]
    switched = False

    def switch() -> None:
        nonlocal switched
        if connection.vendor != "sqlite":
            return
        connection.ensure_connection()
        target = sqlite3.connect(tmp_path / "race.sqlite3")
        connection.connection.backup(target)
        target.execute("PRAGMA journal_mode=WAL")
        target.close()
        settings_dict["NAME"] = str(tmp_path / "race.sqlite3")
        switched = True

    yield switch
    if switched:
        settings_dict["NAME"] = name


def in_threads(*calls: Callable[[], Any]) -> list[Any]:
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            start.wait()
            results[i] = call()
        except BaseException as exc:  # judged by the test
            results[i] = exc
        finally:
            connection.close()

    start = threading.Barrier(len(calls), timeout=20)
    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a racer hung"
    return results


@pytest.fixture
def topic(district):
    testing.deliberation_categories()
    author = testing.user(Role.RESIDENT, district["community_a"], name="提出人")
    return topics.submit(
        author, region=district["community_a"], category=TopicCategory.objects.first(),
        title="3号楼加装电梯", body="老人上下楼难",
    )  # fmt: skip


def test_a_double_tap_counts_once(district, topic, on_file):
    neighbour = testing.user(Role.RESIDENT, district["grid_a"], name="邻居")
    on_file()
    results = in_threads(
        lambda: topics.support(neighbour, topic.pk), lambda: topics.support(neighbour, topic.pk)
    )
    won = [r for r in results if isinstance(r, Topic)]
    lost = [r for r in results if not isinstance(r, Topic)]
    assert len(won) == 1 and len(lost) == 1, results
    assert type(lost[0]) is DomainError and lost[0].detail == "您已支持过该议题"
    count, rows = in_threads(
        lambda: (Topic.objects.get(pk=topic.pk).support_count, TopicSupport.objects.count())
    )[0]
    assert count == 1 == rows


def test_two_neighbours_both_count_and_the_threshold_fires_once(district, topic, on_file):
    CommunitySettings.objects.create(region=district["community_a"], support_threshold=2)
    testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="社工")
    first = testing.user(Role.RESIDENT, district["grid_a"], name="邻居甲")
    second = testing.user(Role.RESIDENT, district["grid_a"], name="邻居乙")
    on_file()
    results = in_threads(
        lambda: topics.support(first, topic.pk), lambda: topics.support(second, topic.pk)
    )
    assert all(isinstance(r, Topic) for r in results), results

    def outcome() -> tuple[int, bool, int]:
        from shegong.core.models import Notification

        found = Topic.objects.get(pk=topic.pk)
        told = Notification.objects.filter(event="deliberation.topic_agenda_ready").count()
        return found.support_count, found.agenda_ready_at is not None, told

    assert in_threads(outcome)[0] == (2, True, 1)
