"""What volunteers offers in the phone shell (``core.registry.h5_tiles``): 注册志愿者 for anyone
not registered; for a volunteer, 我的志愿服务 (also 志愿 in the bottom navigation), and 我的记录证明
on the 我的 page. (A volunteer who leads a team finds the team workbench linked on /m/ by the
shell, through the menu's ``or_if``.)"""

from __future__ import annotations

from typing import Any

from shegong.core.registry import H5Tile

from .queries import access

_CACHE = "_h5_volunteers_volunteer"


def own_volunteer(user: Any) -> Any:
    """The user's own volunteer profile, asked once per request (the tiles share it)."""
    if not hasattr(user, _CACHE):
        setattr(user, _CACHE, access.volunteer_of(user))
    return getattr(user, _CACHE)


def is_volunteer(user: Any) -> bool:
    return own_volunteer(user) is not None


def not_volunteer(user: Any) -> bool:
    return own_volunteer(user) is None


def _summary(user: Any) -> str:
    volunteer = own_volunteer(user)
    return f"编号 {volunteer.number} · 累计 {volunteer.hours} 小时" if volunteer else ""


TILES = [
    H5Tile(
        "volunteer", "我的志愿服务", "volunteers_m:home", "heart", order=30,
        visible=is_volunteer, note=_summary, places=("home", "nav"), nav_label="志愿",
    ),
    H5Tile(
        "activities", "找活动", "volunteers_m:activities", "clock", order=31, visible=is_volunteer
    ),
    H5Tile(
        "certificates", "我的记录证明", "volunteers_m:certificates", "certificate", order=32,
        visible=is_volunteer, places=("home", "me"),
    ),
    H5Tile(
        "volunteer_register", "注册志愿者", "volunteers_m:register", "heart", order=39,
        visible=not_volunteer, note=lambda user: "参加志愿服务活动，记录服务时长",
    ),
]  # fmt: skip
