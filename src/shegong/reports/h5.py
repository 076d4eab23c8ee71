"""What reports offers in the phone shell (``core.registry.h5_tiles``): 随手拍 (home and the
bottom navigation) and 我的上报 (home and 我的), whose badge counts the reporter's to-dos (a
handled case to confirm, a closed one to rate) and then opens that very list, the 待办 tab."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from shegong.core.registry import H5Tile

from . import queries

_CACHE = "_h5_reports_todo"


def todo_count(user: Any) -> int:
    """The 待办 tab's count, asked once per request (the badge and the link share it)."""
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, queries.my_todo(user).count())
    return getattr(user, _CACHE)


def my_reports_url(user: Any) -> str:
    url = reverse("reports_m:my_reports")
    return f"{url}?tab=todo" if todo_count(user) else url


TILES = [
    H5Tile("report", "随手拍", "reports_m:report", "camera", order=10, places=("home", "nav")),
    H5Tile(
        "my_reports", "我的上报", my_reports_url, "list", order=11, badge=todo_count,
        places=("home", "me"),
    ),
]  # fmt: skip
