"""Read side of regions: access helper, scoped tree, locate a point, regions by name."""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

from django.db.models import Q

from shegong.core import geo
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import STAFF_ROLES
from shegong.core.scope import scope_prefix, subtree_range

from .choices import PREFIX_LENGTH, Level
from .models import Region, ancestor_codes, join_names

OUT_OF_SERVICE = "不在服务范围内"


def access_region(user: Any, code: str, *, for_write: bool = False) -> Region:
    """The region if it is inside the caller's scope; else NotFound (same as missing)."""
    region = Region.objects.visible_to(user).filter(code=code).first()
    if region is None:
        raise NotFound("未找到该区划，或不在您的工作范围内")
    return region


@dataclass(frozen=True)
class Located:
    region: Region
    method: str  # "boundary" (inside a polygon) or "nearest" (nearest centroid fallback)
    distance_m: float | None = None


def locate(lat: float, lon: float, crs: str = "wgs84") -> Located:
    """The grid (else community) containing the point.

    Candidates come from an indexed bounding-box query; the exact polygon test runs in Python
    on the few that remain. A point inside the deployment's outer boundary but in no community
    polygon falls back to the nearest community centroid; a point outside every boundary is
    refused with "不在服务范围内".
    """
    if crs not in geo.CRS_CHOICES:
        raise InvalidInput.field("crs", "坐标系应为 wgs84、gcj02 或 bd09")
    if not (-90 <= lat <= 90):
        raise InvalidInput.field("lat", "纬度应在 -90 到 90 之间")
    if not (-180 <= lon <= 180):
        raise InvalidInput.field("lon", "经度应在 -180 到 180 之间")
    lat, lon = geo.to_wgs84(lat, lon, crs)
    candidates = Region.objects.filter(
        min_lat__lte=lat, max_lat__gte=lat, min_lon__lte=lon, max_lon__gte=lon
    ).only("code", "name", "level", "boundary", "parent_id")
    inside = [r for r in candidates if geo.contains(r.boundary, lat, lon)]
    for level in (Level.GRID, Level.COMMUNITY):
        hits = [r for r in inside if r.level == level]
        if hits:
            return Located(max(hits, key=lambda r: len(r.code)), "boundary")
    if not inside:
        raise InvalidInput(
            OUT_OF_SERVICE,
            errors=[
                {"field": "lat", "message": OUT_OF_SERVICE},
                {"field": "lon", "message": OUT_OF_SERVICE},
            ],
        )
    # Inside the district (or a street) but between community polygons: nearest centroid of a
    # community inside the innermost region that does contain the point.
    container = max(inside, key=lambda r: len(r.code.rstrip("0")))
    communities = Region.objects.subtree(container.prefix).filter(
        level=Level.COMMUNITY, centroid_lat__isnull=False
    )
    best = min(
        communities,
        key=lambda r: geo.haversine_m(lat, lon, r.centroid_lat, r.centroid_lon),
        default=None,
    )
    if best is None:
        return Located(container, "boundary")
    return Located(best, "nearest", geo.haversine_m(lat, lon, best.centroid_lat, best.centroid_lon))


MAX_REGION_OPTIONS = 500


def h5_region_groups(user: Any) -> list[tuple[Region | None, list[Region]]]:
    """The street → communities picker of the H5 registration pages: the district of the user's
    membership (a rider or volunteer moves across the district), else the whole deployment;
    staff pick inside their own scope. At most MAX_REGION_OPTIONS regions."""
    membership = user.active_membership
    if user.is_superuser or user.active_role in STAFF_ROLES:
        base = Region.objects.visible_to(user)
    elif membership is not None:
        prefix = membership.region.code[: min(len(membership.region.prefix), 6)]
        base = Region.objects.subtree(prefix)
    else:
        base = Region.objects.all()
    rows = list(
        base.filter(level__in=[Level.STREET, Level.COMMUNITY]).order_by("code")[:MAX_REGION_OPTIONS]
    )
    streets: dict[str, tuple[Region | None, list[Region]]] = {
        r.code: (r, []) for r in rows if r.level == Level.STREET
    }
    orphans: list[Region] = []
    for region in rows:
        if region.level != Level.COMMUNITY:
            continue
        street_code = region.code[: PREFIX_LENGTH[Level.STREET]].ljust(12, "0")
        (streets[street_code][1] if street_code in streets else orphans).append(region)
    groups = list(streets.values())
    if orphans:
        groups.append((None, orphans))
    return groups


def access_import_job(user: Any, pk: int) -> Any:
    """The caller's own regions import job (someone else's, of any scope, is NotFound)."""
    from shegong.core.models import JobRun

    from .tasks import JOB_KIND

    job = None
    if user.pk is not None:  # never the jobs without an owner
        job = JobRun.objects.filter(pk=pk, kind=JOB_KIND, created_by_id=user.pk).first()
    if job is None:
        raise NotFound("未找到该导入任务，或您无权查看")
    return job


# --- boundaries for the maps -------------------------------------------------------------------

# What a passer-by may see on a public map: the district and its streets and communities. A grid
# names a handful of buildings and its grid worker's patch: staff only.
PUBLIC_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
# Douglas-Peucker tolerance per level, in degrees (0.0001° ≈ 10 m): an outline for orientation,
# finer for the smaller units that are looked at closer.
SIMPLIFY_TOLERANCE = {
    Level.PROVINCE: 0.01,
    Level.CITY: 0.003,
    Level.DISTRICT: 0.0008,
    Level.STREET: 0.0004,
    Level.COMMUNITY: 0.0002,
    Level.GRID: 0.0001,
}
MAX_BOUNDARY_FEATURES = 2_000


def parse_level(raw: str | None, allowed: tuple[str, ...] = tuple(Level)) -> Level:
    """The one level a boundaries request asks for, or InvalidInput naming the field."""
    value = (raw or "").strip()
    if not value:
        raise InvalidInput.field("level", "请指定层级（level），如 street、community 或 grid")
    if value not in Level.values:
        raise InvalidInput.field("level", f"未知的层级：{value[:20]}")
    if value not in allowed:
        raise InvalidInput.field("level", f"不提供「{Level(value).label}」层级的边界")
    return Level(value)


def boundary_features(regions: Any, level: Level) -> dict[str, Any]:
    """A GeoJSON FeatureCollection of ``regions`` at ``level`` that have a boundary, simplified
    for drawing, each with its code, name and level (coordinates WGS-84 [lon, lat], the system
    the regions are stored in and 天地图's tiles use, so no shift)."""
    rows = (
        regions.filter(level=level, boundary__isnull=False)
        .order_by("code")
        .values_list("code", "name", "boundary")[:MAX_BOUNDARY_FEATURES]
    )
    tolerance = SIMPLIFY_TOLERANCE[level]
    features = []
    for code, name, boundary in rows:
        try:
            geometry = geo.simplify(boundary, tolerance)
        except (ValueError, KeyError, TypeError, AttributeError):
            continue  # a malformed boundary draws nothing rather than break the map
        if not geometry["coordinates"]:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {"code": code, "name": name, "level": level.value},
                "geometry": geometry,
            }
        )
    return {"type": "FeatureCollection", "features": features}


# --- regions by name (imports) -----------------------------------------------------------------

# What people put between the levels of a path: "东城街道/东关社区", "东城街道 东关社区".
_SEPARATORS = re.compile(r"[\s/\\|,，、;；>·\-—_]+")
# Words an office adds to a region's name when it writes its committee or office, replaced by
# the level's own word: "东关社区居委会" and "东关居委会" mean 东关社区, "东城街道办事处" 东城街道.
# Longest first, so "社区居委会" is replaced as a whole before "居委会" is tried.
_OFFICE_WORDS = {
    "社区居民委员会": "社区",
    "社区居委会": "社区",
    "居民委员会": "社区",
    "居委会": "社区",
    "村村民委员会": "村",
    "村村委会": "村",
    "村民委员会": "村",
    "村委会": "村",
    "街道办事处": "街道",
    "街道办": "街道",
    "办事处": "街道",
    "镇人民政府": "镇",
    "乡人民政府": "乡",
}
_OFFICE = re.compile("|".join(sorted(_OFFICE_WORDS, key=len, reverse=True)))
# A grid's number, written 第3网格, 3网格, 第三网格 or 3号网格: all become "3网格".
_GRID_NUMBER = re.compile(r"第?([0-9]+|[零〇一二两三四五六七八九十]+)号?网格")
_CHINESE_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"〇": 0, "两": 2}
# The level words a name may be written without: "东关" for 东关社区, "东城" for 东城街道.
_LEVEL_WORDS = re.compile("街道|社区")
_SCIENTIFIC = re.compile(r"[0-9.]+E\+?[0-9]+", re.IGNORECASE)
# The word "请写明…" asks for when two regions share a name, by the level that tells them apart.
_LEVEL_WORD = {
    Level.PROVINCE: "省",
    Level.CITY: "市",
    Level.DISTRICT: "区县",
    Level.STREET: "街道",
    Level.COMMUNITY: "社区",
    Level.GRID: "网格",
}
MAX_SUGGESTIONS = 3
# Close-match suggestions cost a scan of every name in scope; a file of thousands of different
# wrong names gets them for its first SUGGESTED_MISSES only (the rest are still refused).
SUGGESTED_MISSES = 200


def _grid_number(match: re.Match[str]) -> str:
    text = match.group(1)
    if text.isascii():
        return f"{int(text)}网格"
    try:
        if "十" in text:
            tens, _, ones = text.partition("十")
            number = (_CHINESE_DIGITS[tens] if tens else 1) * 10
            number += _CHINESE_DIGITS[ones] if ones else 0
        else:
            number = int("".join(str(_CHINESE_DIGITS[c]) for c in text))
    except KeyError:  # "十十": not a number, left as written
        return match.group(0)
    return f"{number}网格"


def _flat(text: str) -> str:
    """A name as written, without width differences, spaces and separators."""
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text))


def _canonical(text: str) -> str:
    """A flat name with office words replaced by the level's word and grid numbers in digits."""
    return _GRID_NUMBER.sub(_grid_number, _OFFICE.sub(lambda m: _OFFICE_WORDS[m.group(0)], text))


def _loose(text: str) -> str:
    """A canonical name without the words 街道 and 社区."""
    return _LEVEL_WORDS.sub("", text)


# How strictly a name is compared, tried in this order: as written, then near misses.
_FORMS: tuple[Callable[[str], str], ...] = (
    lambda t: t,
    _canonical,
    lambda t: _loose(_canonical(t)),
)


@dataclass(frozen=True)
class _Node:
    code: str
    name: str
    level: str
    parent: str | None


class _Index:
    """Names of some regions (the answers), each at every strictness of ``_FORMS``; ``nodes``
    also holds their ancestors, whose names may come in front ("东城街道东关社区")."""

    def __init__(self, nodes: dict[str, _Node], answers: list[str]) -> None:
        self.nodes = nodes
        self.forms: list[dict[str, str]] = []  # per strictness: code → the name in that form
        self.names: list[dict[str, list[str]]] = []  # per strictness: name → codes
        for form in _FORMS:
            by_code = {code: form(_flat(node.name)) for code, node in nodes.items()}
            by_name: dict[str, list[str]] = {}
            for code in answers:
                if by_code[code]:
                    by_name.setdefault(by_code[code], []).append(code)
            self.forms.append(by_code)
            self.names.append(by_name)
        # No query's tail longer than the longest name needs looking up.
        self.longest = max((len(name) for names in self.names for name in names), default=0)

    def find(self, query: str, strictness: int) -> list[str]:
        """The regions whose name ends ``query`` (in the form of ``strictness``) and whose
        ancestors' names, nearest first, make up what comes before it (levels may be left out:
        "示范区东关社区")."""
        names = self.names[strictness]
        found = []
        for cut in range(max(len(query) - self.longest, 0), len(query)):
            for code in names.get(query[cut:], ()):
                if self._ancestors_make(query[:cut], code, strictness):
                    found.append(code)
        return found

    def _ancestors_make(self, rest: str, code: str, strictness: int) -> bool:
        forms = self.forms[strictness]
        parent = self.nodes[code].parent
        while rest and parent in self.nodes:
            name = forms[parent]
            if name and rest.endswith(name):
                rest = rest[: -len(name)]
            parent = self.nodes[parent].parent
        return not rest

    def chain(self, code: str) -> list[str]:
        """Codes from the topmost loaded ancestor down to ``code``."""
        codes = [code]
        while (parent := self.nodes[codes[-1]].parent) in self.nodes:
            codes.append(parent)
        return codes[::-1]

    def path(self, code: str, start: int = 0) -> str:
        return join_names(self.nodes[c].name for c in self.chain(code)[start:])


class RegionNames:
    """What an import's region column names, as a region code, within a scope.

    Real files name the street, community or grid instead of giving its 12-digit code. Built
    once per import (one query, on the first name: a file of codes costs nothing) from the
    regions in ``prefix`` (``""`` everything, ``None`` nothing) and the ancestors of the scope's
    root. ``resolve`` accepts:

    - a code (also as Excel stored it, a number): returned as is, for the caller's own checks;
    - a name ("东关社区"), or a path of names from any level down ("东城街道东关社区",
      "示范区 东城街道 东关社区", "东城街道/东关社区"), full-width or with spaces;
    - a near miss, when only one region fits it: office words for the level's word
      ("东关社区居委会", "东关居委会", "东城街道办事处"; see ``_OFFICE_WORDS``), grid numbers
      written another way ("第3网格", "3网格", "第三网格"), the level word left out ("东关").

    Anything else raises InvalidInput naming the text: two regions of that name in scope (the
    candidates, with the level to add), a name that exists only outside the scope, or no such
    name (with the closest names in scope, if any). The answer may be of any level; whether that
    level may hold the row is the caller's rule.
    """

    def __init__(self, prefix: str | None, *, field: str = "region") -> None:
        self.prefix = prefix
        self.field = field
        self._inside: _Index | None = None
        self._outside: _Index | None = None
        self._known: dict[str, str | InvalidInput] = {}  # text → code, or the error it gets
        self._labels: dict[str, set[str]] | None = None  # suggestion label → codes
        self._misses = 0

    @classmethod
    def for_user(cls, user: Any, *, field: str = "region") -> RegionNames:
        """Within ``user``'s scope; ``None`` (the command line, a demo) sees every region."""
        return cls("" if user is None else scope_prefix(user), field=field)

    def resolve(self, value: Any) -> str:
        """The code ``value`` names ("" for an empty cell), or InvalidInput with the reason."""
        if isinstance(value, str) and value.isascii() and value.isalnum():
            return value.upper()  # the common case, a code: nothing to look up
        code = self._code(value)
        if code is not None:
            return code
        text = _flat(str(value))
        if not text:
            return ""
        if text not in self._known:
            try:
                self._known[text] = self._find(text)
            except InvalidInput as exc:
                self._known[text] = exc
        known = self._known[text]
        if isinstance(known, InvalidInput):  # a fresh error each time, the same message
            raise InvalidInput(known.detail, errors=[dict(e) for e in known.errors])
        return known

    def _code(self, value: Any) -> str | None:
        """A code as written or as Excel stored it; None when ``value`` is a name."""
        if value is None:
            return ""
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
        if isinstance(value, float):
            if value.is_integer() and 0 <= value < 1e15:
                return str(int(value))
            self._refuse(
                "已被 Excel 转成数字（科学计数法），末几位已丢失；请把该列设为文本后重新填写"
            )
        text = re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))
        if _SCIENTIFIC.fullmatch(text):
            self._refuse("已被 Excel 转成科学计数法，末几位已丢失；请把该列设为文本后重新填写")
        if not text or (text.isascii() and text.isalnum()):
            return text.upper()
        return None

    def _refuse(self, message: str) -> NoReturn:
        raise InvalidInput.field(self.field, message)

    def _find(self, text: str) -> str:
        inside = self._inside_index()
        shown = _shown(text)
        queries = [form(text) for form in _FORMS]
        for strictness, query in enumerate(queries):
            found = list(dict.fromkeys(inside.find(query, strictness))) if query else []
            if len(found) == 1:
                return found[0]
            if found:
                self._refuse(_ambiguous(shown, inside, found))
        # Only then outside, so a file whose names all resolve costs one query.
        outside = self._outside_index()
        if outside is not None and any(
            outside.find(query, strictness) for strictness, query in enumerate(queries) if query
        ):
            self._refuse(f"「{shown}」不在您的工作范围内")
        suggestions = self._suggest(queries[1])
        if suggestions:
            self._refuse(f"找不到「{shown}」，是否为：{'、'.join(suggestions)}？")
        self._refuse(
            f"找不到「{shown}」：请填写您工作范围内的街道、社区或网格名称"
            f"（如 东关社区 或 东城街道东关社区），或12位区划代码"
        )

    def _inside_index(self) -> _Index:
        if self._inside is None:
            rows = Region.objects.none()
            if self.prefix is not None:
                low, high = subtree_range(self.prefix)
                root = self.prefix.ljust(15 if len(self.prefix) > 12 else 12, "0")
                above = ancestor_codes(root)[:-1] if self.prefix else []
                rows = Region.objects.filter(Q(code__gte=low, code__lt=high) | Q(code__in=above))
            nodes = _nodes(rows)
            answers = [c for c in nodes if self.prefix is not None and c.startswith(self.prefix)]
            self._inside = _Index(nodes, answers)
        return self._inside

    def _outside_index(self) -> _Index | None:
        """Every region outside the scope, loaded on the first name not found inside it."""
        if self.prefix == "":
            return None
        if self._outside is None:
            nodes = _nodes(Region.objects.all())
            prefix = self.prefix
            answers = [c for c in nodes if prefix is None or not c.startswith(prefix)]
            self._outside = _Index(nodes, answers)
        return self._outside

    def _suggest(self, query: str) -> list[str]:
        """The names in scope closest to ``query`` (difflib), a duplicated one by its path."""
        self._misses += 1
        if self._misses > SUGGESTED_MISSES or not query:
            return []
        inside = self._inside_index()
        if self._labels is None:
            self._labels = {}
            forms = inside.forms[1]
            for codes in inside.names[1].values():
                for code in codes:
                    self._labels.setdefault(forms[code], set()).add(code)
                    parent = inside.nodes[code].parent
                    if parent in inside.nodes:
                        label = join_names([forms[parent], forms[code]])
                        self._labels.setdefault(label, set()).add(code)
        close = difflib.get_close_matches(query, self._labels, n=MAX_SUGGESTIONS, cutoff=0.6)
        shown: list[str] = []
        for label in close:
            for code in sorted(self._labels[label]):
                twins = inside.names[0][inside.forms[0][code]]
                name = inside.nodes[code].name
                if len(twins) > 1:
                    name = _told_apart(inside, twins)[code]
                if name not in shown:
                    shown.append(name)
        return shown[:MAX_SUGGESTIONS]


def _nodes(rows: Any) -> dict[str, _Node]:
    return {
        code: _Node(code, name, level, parent)
        for code, name, level, parent in rows.values_list("code", "name", "level", "parent_id")
    }


def _shown(text: str) -> str:
    return text if len(text) <= 40 else f"{text[:40]}…"


def _parting(index: _Index, codes: list[str]) -> int:
    """The depth at which the paths of ``codes`` part (each keeps at least its own name)."""
    chains = [index.chain(code) for code in codes]
    depth = 0
    while all(len(c) > depth + 1 for c in chains) and len({c[depth] for c in chains}) == 1:
        depth += 1
    return depth


def _told_apart(index: _Index, codes: list[str]) -> dict[str, str]:
    """Each region's path from where the paths part: 东城街道东关社区 and 西城街道东关社区 (the
    district they share is left out); by code when even the paths are the same."""
    depth = _parting(index, codes)
    names = {code: index.path(code, depth) for code in codes}
    if len(set(names.values())) < len(codes):
        names = {code: f"{name}（{code}）" for code, name in names.items()}
    return names


def _ambiguous(shown: str, index: _Index, codes: list[str]) -> str:
    codes = sorted(codes)
    names = _told_apart(index, codes)
    depth = _parting(index, codes)
    levels = {index.nodes[index.chain(code)[depth]].level for code in codes}
    if all(len(index.chain(code)) == depth + 1 for code in codes):
        ask = "请填写区划代码"  # siblings of the same name: no path tells them apart
    elif len(levels) == 1:
        ask = f"请写明{_LEVEL_WORD.get(Level(levels.pop()), '上级区划')}"
    else:
        ask = "请写明上级区划"
    listed = "、".join(names[c] for c in codes[:5]) + ("等" if len(codes) > 5 else "")
    return f"「{shown}」有{len(codes)}个：{listed}，{ask}"
