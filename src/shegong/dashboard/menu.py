"""The left menu's group 数据看板."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry

GROUP = ("数据看板", 5)

ENTRIES: tuple[MenuEntry, ...] = ()

# 大屏
ENTRIES += (
    MenuEntry(
        *GROUP, "大屏展示", "dashboard:screen", "display", order=20, perm=Perm.DASHBOARD_VIEW
    ),
)
