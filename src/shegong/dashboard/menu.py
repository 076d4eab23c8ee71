"""The left menu's group 数据看板."""

from shegong.core.perms import Perm
from shegong.core.registry import MenuEntry

GROUP = ("数据看板", 5)

ENTRIES: tuple[MenuEntry, ...] = (
    MenuEntry(*GROUP, "数据看板", "dashboard:board", "speedometer2", order=10,
              perm=Perm.DASHBOARD_VIEW),
    MenuEntry(*GROUP, "大屏展示", "dashboard:screen", "display", order=20,
              perm=Perm.DASHBOARD_VIEW),
    MenuEntry(*GROUP, "工作简报", "dashboard:briefs", "file-earmark-text", order=30,
              perm=Perm.DASHBOARD_VIEW),
)  # fmt: skip
