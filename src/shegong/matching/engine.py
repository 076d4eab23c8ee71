"""The matching engine: a pure function from an order and its candidates to a ranked, explained
shortlist (issue 15 §3). No database, no clock: ``queries.candidates_for`` builds the input,
the dispatch board shows the output.

Hard rules first — a candidate is never proposed when it is not approved, is out of the area,
has no slot in the order's window, is at capacity, is not insured for risky work, or already
declined (or let expire) this order. Then a score: a weighted mean of six factors, each in
[0, 1] and each computed from the candidate alone (never relative to the others), so adding a
worse candidate cannot change who is first; equal scores are ordered by offer id, so equal input
gives equal output.

| factor | value |
|---|---|
| 技能 skill | share of the order's required skills the candidate has (1 when none is required) |
| 距离 distance | 1 − distance ÷ the candidate's service radius (0.5 when either has no point) |
| 时间 availability | share of the window's hours in the candidate's slots (none given: any time) |
| 负荷 load | 1 − orders held ÷ weekly capacity |
| 评价 rating | the Bayesian mean of the stars (two 4-star priors), (mean − 1) ÷ 4 |
| 轮换 rotation | days since the last assignment ÷ 14, capped at 1 (never assigned: 1) |
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from shegong.matching.choices import DAY_PART_HOURS

FACTORS = ("skill", "distance", "availability", "load", "rating", "rotation")
FACTOR_LABELS = {
    "skill": "技能",
    "distance": "距离",
    "availability": "时间",
    "load": "负荷",
    "rating": "评价",
    "rotation": "轮换",
}
DEFAULT_WEIGHTS: Mapping[str, float] = {
    "skill": 3.0, "distance": 2.0, "availability": 2.0, "load": 1.5, "rating": 1.5,
    "rotation": 1.0,
}  # fmt: skip
ROTATION_DAYS = 14
PRIOR_STARS, PRIOR_COUNT = 4.0, 2.0
UNKNOWN_DISTANCE = 0.5


@dataclass(frozen=True)
class Request:
    """What the order asks for, in local (naive or aware, but consistent) time."""

    window_start: datetime
    window_end: datetime
    risky: bool = False
    skills: frozenset[int] = frozenset()
    lat: float | None = None
    lon: float | None = None
    today: date | None = None  # for insurance validity; window_start's date when None
    excluded: frozenset[int] = frozenset()  # offers that declined or let this order expire


@dataclass(frozen=True)
class Candidate:
    offer_id: int
    approved: bool = True
    skills: frozenset[int] = frozenset()
    availability: Mapping[str, Iterable[str]] = field(default_factory=dict)
    lat: float | None = None
    lon: float | None = None
    radius_m: float = 3000
    load: int = 0
    capacity: int = 5
    rating_sum: int = 0
    rating_count: int = 0
    last_assigned_at: datetime | None = None
    insured: bool = False
    insured_until: date | None = None
    label: str = ""


@dataclass(frozen=True)
class Factor:
    name: str
    value: float
    weight: float
    note: str

    @property
    def label(self) -> str:
        return FACTOR_LABELS[self.name]


@dataclass(frozen=True)
class Match:
    offer_id: int
    score: float
    factors: tuple[Factor, ...]
    label: str = ""

    def explanation(self) -> dict[str, object]:
        """What the assignment row keeps: the score and each factor's value and note."""
        return {
            "score": round(self.score, 4),
            "factors": [
                {"name": f.name, "label": f.label, "value": round(f.value, 4),
                 "weight": f.weight, "note": f.note}
                for f in self.factors
            ],
        }  # fmt: skip


# --- hard rules -----------------------------------------------------------------------------


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres (the same formula as ``core.geo.haversine_m``)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * 6_371_008.8 * math.asin(min(1.0, math.sqrt(a)))


def window_hours(start: datetime, end: datetime) -> list[tuple[int, str]]:
    """The (ISO weekday, day part) of every started hour of the window that falls in a part of
    the day (a window at night has none)."""
    out: list[tuple[int, str]] = []
    at = start.replace(minute=0, second=0, microsecond=0)
    steps = 0
    while at < end and steps < 24 * 14:  # two weeks of hours is plenty for one order
        for part, (low, high) in DAY_PART_HOURS.items():
            if low <= at.hour < high:
                out.append((at.isoweekday(), part))
                break
        at += timedelta(hours=1)
        steps += 1
    return out


def availability_share(candidate: Candidate, hours: list[tuple[int, str]]) -> float:
    if not candidate.availability:
        return 1.0  # no slots given: any time
    if not hours:
        return 0.0
    slots = {(int(day), part) for day, parts in candidate.availability.items() for part in parts}
    return sum(1 for hour in hours if hour in slots) / len(hours)


def _distance(request: Request, candidate: Candidate) -> float | None:
    if None in (request.lat, request.lon, candidate.lat, candidate.lon):
        return None
    return distance_m(request.lat, request.lon, candidate.lat, candidate.lon)  # type: ignore[arg-type]


def refusal(request: Request, candidate: Candidate, hours: list[tuple[int, str]]) -> str:
    """Why the candidate may not be proposed ("" when it may)."""
    if not candidate.approved:
        return "未上架或已停用"
    if candidate.offer_id in request.excluded:
        return "已婉拒或超时未接本单"
    if request.risky:
        today = request.today or request.window_start.date()
        if not candidate.insured or (
            candidate.insured_until is not None and candidate.insured_until < today
        ):
            return "服务有人身风险，未投保或保险已过期"
    if candidate.load >= candidate.capacity:
        return "已满负荷"
    distance = _distance(request, candidate)
    if distance is not None and distance > candidate.radius_m:
        return "不在服务范围内"
    if availability_share(candidate, hours) <= 0:
        return "该时段不可服务"
    return ""


# --- scoring --------------------------------------------------------------------------------


def _factors(
    request: Request, candidate: Candidate, hours: list[tuple[int, str]],
    weights: Mapping[str, float],
) -> tuple[Factor, ...]:  # fmt: skip
    if request.skills:
        have = len(request.skills & candidate.skills)
        skill = have / len(request.skills)
        skill_note = f"具备 {have}/{len(request.skills)} 项所需技能"
    else:
        skill, skill_note = 1.0, "无特定技能要求"
    distance = _distance(request, candidate)
    if distance is None:
        near, near_note = UNKNOWN_DISTANCE, "位置未知，按同社区计"
    else:
        near = max(0.0, 1 - distance / max(candidate.radius_m, 1))
        near_note = (
            f"约 {distance / 1000:.1f} 公里" if distance >= 1000 else f"约 {distance:.0f} 米"
        )
    share = availability_share(candidate, hours)
    time_note = (
        "随时可服务" if not candidate.availability
        else "时段完全吻合" if share >= 1 else f"时段吻合 {share:.0%}"
    )  # fmt: skip
    load = 1 - candidate.load / max(candidate.capacity, 1)
    load_note = f"在办 {candidate.load} 单 / 每周可服务 {candidate.capacity} 次"
    mean = (candidate.rating_sum + PRIOR_STARS * PRIOR_COUNT) / (
        candidate.rating_count + PRIOR_COUNT
    )
    rating = min(max((mean - 1) / 4, 0.0), 1.0)  # a hand-edited row may hold > 5 per rating
    rating_note = (
        f"{candidate.rating_sum / candidate.rating_count:.1f} 星（{candidate.rating_count} 次评价）"
        if candidate.rating_count else "暂无评价"
    )  # fmt: skip
    if candidate.last_assigned_at is None:
        rotation, rotation_note = 1.0, "从未派单"
    else:
        days = (request.window_start - candidate.last_assigned_at).total_seconds() / 86400
        rotation = min(max(days, 0.0) / ROTATION_DAYS, 1.0)
        rotation_note = f"距上次派单 {max(days, 0):.0f} 天"
    values = {
        "skill": (skill, skill_note), "distance": (near, near_note),
        "availability": (share, time_note), "load": (load, load_note),
        "rating": (rating, rating_note), "rotation": (rotation, rotation_note),
    }  # fmt: skip
    return tuple(
        Factor(name, values[name][0], _weight(weights.get(name, 0.0)), values[name][1])
        for name in FACTORS
    )


def _weight(value: object) -> float:
    """A usable weight: negative, infinite, NaN or non-numeric ones count as 0."""
    try:
        number = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0.0
    return number if math.isfinite(number) and number > 0 else 0.0


def score(factors: Iterable[Factor]) -> float:
    """The weighted mean of the factors, in [0, 1]. The weights are scaled by the largest
    first, so that even absurdly large ones cannot overflow the sums."""
    rows = [(_weight(f.weight), f.value) for f in factors]
    top = max((w for w, _ in rows), default=0.0)
    if top <= 0:
        return 0.0
    total = sum(w / top for w, _ in rows)
    return min(sum(w / top * v for w, v in rows) / total, 1.0)


def rank(
    request: Request,
    candidates: Iterable[Candidate],
    *,
    weights: Mapping[str, float] | None = None,
    k: int = 10,
) -> list[Match]:
    """The top ``k`` candidates that may serve the order, best first, each explained."""
    if k <= 0:
        return []
    weights = DEFAULT_WEIGHTS if weights is None else weights
    hours = window_hours(request.window_start, request.window_end)
    best: list[tuple[float, int, Match]] = []
    for candidate in candidates:
        if refusal(request, candidate, hours):
            continue
        factors = _factors(request, candidate, hours, weights)
        match = Match(candidate.offer_id, score(factors), factors, candidate.label)
        # A min-heap of the best k: (score, -id) so that among equals the lower id is kept.
        key = (match.score, -candidate.offer_id, match)
        if len(best) < k:
            heapq.heappush(best, key)
        elif key[:2] > best[0][:2]:
            heapq.heapreplace(best, key)
    return [m for _, _, m in sorted(best, key=lambda row: (-row[0], -row[1]))]


def rank_all(
    request: Request,
    candidates: Iterable[Candidate],
    *,
    weights: Mapping[str, float] | None = None,
) -> list[Match]:
    """Brute force: every candidate scored and fully sorted (the benchmark's floor, and the
    tests' oracle for ``rank``)."""
    weights = DEFAULT_WEIGHTS if weights is None else weights
    hours = window_hours(request.window_start, request.window_end)
    out = [
        Match(c.offer_id, score(f := _factors(request, c, hours, weights)), f, c.label)
        for c in candidates
        if not refusal(request, c, hours)
    ]
    out.sort(key=lambda m: (-m.score, m.offer_id))
    return out
