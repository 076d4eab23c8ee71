"""The workbench's to-do of the stations (``core.registry.todos``): stations with a defect
found on inspection and not yet 整改. It counts the very query of the list it opens."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from . import queries

DEFECTS = {"defect": "1", "sort": queries.OLDEST}


def stations_with_defects(user: Any) -> int:
    return queries.filter_stations(user, DEFECTS).count()


TODOS = [
    Todo(
        "stations.defects", "驿站待整改", stations_with_defects, "stations:list",
        urlencode(DEFECTS), order=30, perm=Perm.STATIONS_MANAGE, icon="tools",
        hint="检查发现问题、尚未整改的驿站（问题最早的在前）",
    ),
]  # fmt: skip
