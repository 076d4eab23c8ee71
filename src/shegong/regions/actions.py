"""State changes of the region tree: create one region, import many (all-or-nothing)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db import transaction

from shegong.core import audit, geo
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted

from .choices import CODE_LENGTH, PREFIX_LENGTH, Level, child_level
from .models import Region

if TYPE_CHECKING:
    from shegong.accounts.models import User


@dataclass
class RegionRow:
    """One region to create, as parsed from the API, a page or a file row."""

    code: str
    name: str
    level: str
    parent_code: str = ""
    centroid_lat: float | None = None
    centroid_lon: float | None = None
    boundary: dict[str, Any] | None = None
    row: int = 0  # 1-based row number in a file, for error messages


@dataclass
class RowErrors:
    errors: list[dict[str, Any]] = field(default_factory=list)

    def add(self, row: int, field_name: str, message: str) -> None:
        self.errors.append({"row": row, "field": field_name, "message": message})


def _parent_prefix_length(level: Level) -> int:
    index = list(Level).index(level)
    return PREFIX_LENGTH[list(Level)[index - 1]] if index else 0


def validate_rows(rows: list[RegionRow]) -> list[dict[str, Any]]:
    """Check every row against the tree rules; return all errors (row, field, message)."""
    found = RowErrors()
    seen: dict[str, int] = {}
    new_by_code = {r.code: r for r in rows}
    existing = Region.objects.in_bulk(
        {r.code for r in rows} | {r.parent_code for r in rows if r.parent_code}
    )
    for r in rows:
        if not r.name.strip():
            found.add(r.row, "name", "名称不能为空")
        try:
            level = Level(r.level)
        except ValueError:
            labels = "、".join(f"{lv.value}({lv.label})" for lv in Level)
            found.add(r.row, "level", f"层级「{r.level}」无效，应为：{labels}")
            continue
        if not r.code.isdigit() or len(r.code) != CODE_LENGTH[level]:
            found.add(r.row, "code", f"{level.label}的代码应为{CODE_LENGTH[level]}位数字：{r.code}")
            continue
        significant = PREFIX_LENGTH[level]
        if level != Level.GRID and r.code[significant:].strip("0"):
            found.add(r.row, "code", f"{level.label}代码第{significant + 1}位起应全为0：{r.code}")
        own = r.code[_parent_prefix_length(level) : significant]
        if own and not own.strip("0"):
            found.add(r.row, "code", f"{level.label}代码的本级部分不能全为0：{r.code}")
        if r.code in seen:
            found.add(r.row, "code", f"代码与第{seen[r.code]}行重复：{r.code}")
        elif r.code in existing:
            found.add(r.row, "code", f"代码已存在：{r.code}（{existing[r.code].name}）")
        seen.setdefault(r.code, r.row)
        if level == Level.PROVINCE:
            if r.parent_code:
                found.add(r.row, "parent_code", "省级区划不应有上级")
        else:
            parent = existing.get(r.parent_code) or new_by_code.get(r.parent_code)
            if not r.parent_code:
                found.add(r.row, "parent_code", "请填写上级区划代码")
            elif parent is None:
                found.add(r.row, "parent_code", f"上级区划不存在：{r.parent_code}")
            else:
                expected = child_level(parent.level)
                if expected != level.value:
                    # A grid has no lower level: say so rather than fail on Level(None).
                    below = f"其下级应为{Level(expected).label}" if expected else "其下不能再设下级"
                    found.add(
                        r.row,
                        "level",
                        f"上级「{parent.name}」是{Level(parent.level).label}，{below}",
                    )
                elif not r.code.startswith(parent.code[: PREFIX_LENGTH[Level(parent.level)]]):
                    found.add(r.row, "code", f"代码 {r.code} 不在上级 {parent.code} 的代码范围内")
        if r.boundary is not None:
            try:
                geo.validate_polygon(r.boundary)
            except ValueError as exc:
                found.add(r.row, "boundary", str(exc))
        for name, value, low, high in (
            ("centroid_lat", r.centroid_lat, -90, 90),
            ("centroid_lon", r.centroid_lon, -180, 180),
        ):
            if value is not None and not (low <= value <= high):
                found.add(r.row, name, f"坐标超出范围：{value}")
    return found.errors


def _insert(rows: Iterable[RegionRow]) -> list[Region]:
    created = []
    # Parents before children: sort by level order, then code.
    order = {level.value: i for i, level in enumerate(Level)}
    for r in sorted(rows, key=lambda r: (order[r.level], r.code)):
        lat, lon = r.centroid_lat, r.centroid_lon
        if r.boundary and lat is None:
            lat, lon = geo.centroid(r.boundary)
        region = Region(
            code=r.code,
            name=r.name.strip(),
            level=r.level,
            parent_id=r.parent_code or None,
            centroid_lat=lat,
            centroid_lon=lon,
            boundary=r.boundary,
        )
        region.save(force_insert=True)
        created.append(region)
    return created


def _check_manage(actor: User, parent_code: str) -> None:
    from shegong.core.perms import Perm

    if not actor.has_perm_in_scope(Perm.REGIONS_MANAGE):
        raise NotPermitted("您当前的角色不能维护区划")
    if actor.is_superuser:
        return
    membership = actor.active_membership
    assert membership is not None  # a non-superuser holding REGIONS_MANAGE has an active role
    if not parent_code or not parent_code.startswith(membership.region.prefix):
        raise NotFound("未找到上级区划，或不在您的工作范围内")


def scope_errors(rows: list[RegionRow], *, actor: User | None) -> list[dict[str, Any]]:
    """Every row whose parent lies outside the actor's scope, as row errors (field
    ``parent_code``), so a file's scope errors come in the same list as its format and tree
    errors. ``NotPermitted`` (a file-level refusal) when the actor may not maintain regions."""
    if actor is None:
        return []
    from shegong.core.perms import Perm

    if not actor.has_perm_in_scope(Perm.REGIONS_MANAGE):
        raise NotPermitted("您当前的角色不能维护区划")
    if actor.is_superuser:
        return []
    membership = actor.active_membership
    assert membership is not None  # a non-superuser holding REGIONS_MANAGE has an active role
    prefix = membership.region.prefix
    found = RowErrors()
    for r in rows:
        if not r.parent_code:
            found.add(r.row, "parent_code", "请填写上级区划代码（须在您的工作范围内）")
        elif not r.parent_code.startswith(prefix):
            found.add(r.row, "parent_code", f"上级区划 {r.parent_code} 不存在或不在您的工作范围内")
    return found.errors


@transaction.atomic(durable=True)
def create_region(row: RegionRow, *, actor: User) -> Region:
    """Add one region (typically a grid) under a parent inside the actor's scope."""
    _check_manage(actor, row.parent_code)
    errors = validate_rows([row])
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    (region,) = _insert([row])
    audit.record(Verb.REGION_CREATED, actor=actor, target=region, region=region.code)
    return region


@transaction.atomic(durable=True)
def import_regions(rows: list[RegionRow], *, actor: User | None, source: str = "") -> list[Region]:
    """Validate every row (scope and tree rules together), then write all of them or none."""
    errors = [*scope_errors(rows, actor=actor), *validate_rows(rows)]
    if errors:
        raise InvalidInput(f"区划文件有{len(errors)}处错误，未导入任何数据", errors=errors)
    created = _insert(rows)
    audit.record(
        Verb.REGIONS_IMPORTED,
        actor=actor,
        region=min((r.code for r in created), default=None),
        data={"count": len(created), "source": source},
    )
    return created
