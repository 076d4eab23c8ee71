"""The left menu's group 数据看板."""

from shegong.core.registry import MenuEntry

GROUP = ("数据看板", 5)

ENTRIES: tuple[MenuEntry, ...] = ()
