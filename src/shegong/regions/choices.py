from django.db import models


class Level(models.TextChoices):
    PROVINCE = "province", "省"
    CITY = "city", "市"
    DISTRICT = "district", "区县"
    STREET = "street", "街道/乡镇"
    COMMUNITY = "community", "社区/村"
    GRID = "grid", "网格"


# Significant digits of a code at each level: the prefix that names the whole subtree.
PREFIX_LENGTH = {
    Level.PROVINCE: 2,
    Level.CITY: 4,
    Level.DISTRICT: 6,
    Level.STREET: 9,
    Level.COMMUNITY: 12,
    Level.GRID: 15,
}
# Stored code length: 12-digit statistical codes; a grid adds 3 digits to its community's.
CODE_LENGTH = {level: 15 if level == Level.GRID else 12 for level in Level}
ORDER = list(Level)


def child_level(level: str) -> str | None:
    index = ORDER.index(Level(level))
    return ORDER[index + 1].value if index + 1 < len(ORDER) else None
