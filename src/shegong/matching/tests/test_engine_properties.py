"""The matching engine's promises (issue 15 §3), as properties over generated input
(hypothesis) and as plain examples of each factor's value and its Chinese note.

The engine is pure (no database, no clock), so these run without a database. The hard rules
are checked against an oracle written here from the issue's words, not by calling the engine's
own ``refusal``: never an unapproved (new, paused, blocked) offer, never one that declined or
let this order expire, never an uninsured (or expired insurance) one for risky work, never one
at capacity, out of its service area or without a slot in the window.
"""

from __future__ import annotations

import math
import random
from datetime import date, datetime, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from shegong.matching import engine
from shegong.matching.choices import DAY_PART_HOURS

MONDAY = datetime(2026, 12, 7)  # an ISO weekday 1
BASE = (23.02, 113.75)  # Dongguan
PARTS = tuple(DAY_PART_HOURS)

settings.register_profile(
    "engine", max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


# --- strategies -----------------------------------------------------------------------------


def _point() -> st.SearchStrategy[tuple[float, float] | None]:
    near = st.tuples(
        st.floats(BASE[0] - 0.05, BASE[0] + 0.05), st.floats(BASE[1] - 0.05, BASE[1] + 0.05)
    )
    return st.one_of(st.none(), near)


availabilities = st.dictionaries(
    st.sampled_from([str(d) for d in range(1, 8)]),
    st.lists(st.sampled_from(PARTS), unique=True, max_size=3),
    max_size=7,
)


@st.composite
def requests(draw: st.DrawFn, ids: list[int] | None = None) -> engine.Request:
    start = MONDAY + timedelta(
        days=draw(st.integers(0, 13)), hours=draw(st.integers(0, 23)),
        minutes=draw(st.sampled_from([0, 15, 30])),
    )  # fmt: skip
    end = start + timedelta(minutes=draw(st.integers(15, 60 * 30)))
    point = draw(_point())
    return engine.Request(
        window_start=start, window_end=end, risky=draw(st.booleans()),
        skills=frozenset(draw(st.lists(st.integers(1, 6), max_size=4))),
        lat=point[0] if point else None, lon=point[1] if point else None,
        today=start.date() if draw(st.booleans()) else None,
        excluded=frozenset(draw(st.lists(st.sampled_from(ids), max_size=5)) if ids else ()),
    )  # fmt: skip


@st.composite
def candidates(draw: st.DrawFn, offer_id: int) -> engine.Candidate:
    point = draw(_point())
    count = draw(st.integers(0, 12))
    last = draw(st.one_of(st.none(), st.integers(-5 * 24, 40 * 24)))
    return engine.Candidate(
        offer_id=offer_id, approved=draw(st.sampled_from([True, True, True, False])),
        skills=frozenset(draw(st.lists(st.integers(1, 6), max_size=5))),
        availability=draw(availabilities),
        lat=point[0] if point else None, lon=point[1] if point else None,
        radius_m=draw(st.sampled_from([0, 500, 1000, 3000, 8000])),
        load=draw(st.integers(0, 6)), capacity=draw(st.integers(0, 6)),
        rating_sum=draw(st.integers(count, 5 * count)), rating_count=count,
        last_assigned_at=MONDAY - timedelta(hours=last) if last is not None else None,
        insured=draw(st.booleans()),
        insured_until=draw(st.one_of(st.none(), st.dates(date(2026, 11, 1), date(2027, 1, 31)))),
        label=f"服务方{offer_id}",
    )  # fmt: skip


@st.composite
def pools(draw: st.DrawFn) -> tuple[engine.Request, list[engine.Candidate]]:
    ids = draw(st.lists(st.integers(1, 10_000), unique=True, min_size=0, max_size=25))
    found = [draw(candidates(offer_id)) for offer_id in ids]
    return draw(requests(ids)), found


weightings = st.one_of(
    st.none(),
    st.fixed_dictionaries({name: st.floats(0, 10) for name in engine.FACTORS}),
)


# --- the oracle -----------------------------------------------------------------------------


def allowed(request: engine.Request, c: engine.Candidate) -> bool:
    """The issue's hard rules, written independently of ``engine.refusal``."""
    if not c.approved or c.offer_id in request.excluded:
        return False
    if request.risky:
        today = request.today or request.window_start.date()
        if not c.insured or (c.insured_until is not None and c.insured_until < today):
            return False
    if c.load >= c.capacity:
        return False
    if None not in (request.lat, request.lon, c.lat, c.lon):
        if engine.distance_m(request.lat, request.lon, c.lat, c.lon) > c.radius_m:  # type: ignore[arg-type]
            return False
    if c.availability:
        slots = {(int(d), p) for d, parts in c.availability.items() for p in parts}
        hours, at = [], request.window_start.replace(minute=0)
        while at < request.window_end:
            for part, (low, high) in DAY_PART_HOURS.items():
                if low <= at.hour < high:
                    hours.append((at.isoweekday(), part))
            at += timedelta(hours=1)
        if not any(hour in slots for hour in hours):
            return False
    return True


def ids(matches: list[engine.Match]) -> list[int]:
    return [m.offer_id for m in matches]


# --- properties -----------------------------------------------------------------------------


@settings(settings.get_profile("engine"))
@given(pools(), weightings)
def test_never_proposes_a_candidate_the_rules_forbid(pool, weights):
    request, found = pool
    ranked = engine.rank_all(request, found, weights=weights)
    by_id = {c.offer_id: c for c in found}
    assert all(allowed(request, by_id[m.offer_id]) for m in ranked)
    # …and every allowed candidate is proposed (the brute force drops nobody else).
    assert sorted(ids(ranked)) == sorted(c.offer_id for c in found if allowed(request, c))


@settings(settings.get_profile("engine"))
@given(pools(), weightings, st.randoms(use_true_random=False))
def test_deterministic_for_equal_and_for_shuffled_input(pool, weights, rnd):
    request, found = pool
    first = engine.rank(request, found, weights=weights)
    assert engine.rank(request, list(found), weights=weights) == first
    shuffled = list(found)
    rnd.shuffle(shuffled)
    assert engine.rank(request, shuffled, weights=weights) == first
    assert engine.rank_all(request, shuffled, weights=weights) == engine.rank_all(
        request, found, weights=weights
    )


@settings(settings.get_profile("engine"))
@given(pools(), weightings, st.integers(0, 30))
def test_rank_k_is_the_brute_force_prefix(pool, weights, k):
    request, found = pool
    assert (
        engine.rank(request, found, weights=weights, k=k)
        == engine.rank_all(request, found, weights=weights)[:k]
    )


@settings(settings.get_profile("engine"))
@given(pools(), weightings)
def test_scores_and_factors_lie_in_zero_one(pool, weights):
    request, found = pool
    for match in engine.rank_all(request, found, weights=weights):
        assert 0.0 <= match.score <= 1.0
        assert all(0.0 <= f.value <= 1.0 and f.note for f in match.factors)
        assert [f.name for f in match.factors] == list(engine.FACTORS)


@settings(
    settings.get_profile("engine"),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
@given(pools(), weightings, st.data())
def test_adding_a_worse_candidate_never_changes_the_top_one(pool, weights, data):
    request, found = pool
    # One candidate every order may take (insured, any time, no point), so there is a top one.
    anchor = engine.Candidate(offer_id=10_001, insured=True, rating_sum=8, rating_count=2)
    found = [*found, anchor]
    request = engine.Request(**{**request.__dict__, "excluded": frozenset()})
    top = engine.rank(request, found, weights=weights, k=1)
    assert top
    newcomer = data.draw(candidates(20_000 + data.draw(st.integers(0, 100))))
    alone = engine.rank_all(request, [newcomer], weights=weights)
    assume(not alone or alone[0].score < top[0].score)
    assert engine.rank(request, [*found, newcomer], weights=weights, k=1) == top
    assert engine.rank(request, [newcomer, *found], weights=weights, k=1) == top


@settings(settings.get_profile("engine"))
@given(pools(), st.fixed_dictionaries({n: st.floats(allow_nan=True) for n in engine.FACTORS}))
def test_any_weights_even_broken_ones_keep_scores_in_zero_one(pool, weights):
    """A community's weights come from a form and a database column: negative, infinite or
    NaN must never give a score outside [0, 1] nor break the order."""
    request, found = pool
    ranked = engine.rank_all(request, found, weights=weights)
    assert all(0.0 <= m.score <= 1.0 for m in ranked)
    assert engine.rank(request, found, weights=weights, k=3) == ranked[:3]


# --- each factor's value and note -----------------------------------------------------------

WINDOW = engine.Request(window_start=MONDAY.replace(hour=9), window_end=MONDAY.replace(hour=11))


def factors(request: engine.Request = WINDOW, **fields) -> dict[str, engine.Factor]:
    candidate = engine.Candidate(offer_id=1, **fields)
    (match,) = engine.rank_all(request, [candidate])
    return {f.name: f for f in match.factors}


def test_skill_factor():
    asks = engine.Request(
        window_start=WINDOW.window_start, window_end=WINDOW.window_end, skills=frozenset({1, 2})
    )
    f = factors(asks, skills=frozenset({2, 5}))["skill"]
    assert (f.value, f.note, f.label) == (0.5, "具备 1/2 项所需技能", "技能")
    f = factors(skills=frozenset({2}))["skill"]
    assert (f.value, f.note) == (1.0, "无特定技能要求")


def test_distance_factor():
    at = engine.Request(
        window_start=WINDOW.window_start, window_end=WINDOW.window_end, lat=BASE[0], lon=BASE[1]
    )
    f = factors(at, lat=BASE[0] + 0.0045, lon=BASE[1], radius_m=1000)["distance"]
    assert f.value == pytest.approx(0.5, abs=0.01) and f.note == "约 500 米"
    f = factors(at, lat=BASE[0] + 0.018, lon=BASE[1], radius_m=4000)["distance"]
    assert f.note == "约 2.0 公里"
    f = factors(lat=BASE[0], lon=BASE[1])["distance"]  # the order has no point
    assert (f.value, f.note) == (engine.UNKNOWN_DISTANCE, "位置未知，按同社区计")


def test_availability_factor():
    f = factors()["availability"]
    assert (f.value, f.note) == (1.0, "随时可服务")
    f = factors(availability={"1": ["am"]})["availability"]
    assert (f.value, f.note) == (1.0, "时段完全吻合")
    half = engine.Request(window_start=MONDAY.replace(hour=11), window_end=MONDAY.replace(hour=13))
    f = factors(half, availability={"1": ["pm"]})["availability"]
    assert (f.value, f.note) == (0.5, "时段吻合 50%")


def test_load_factor():
    f = factors(load=2, capacity=5)["load"]
    assert (f.value, f.note) == (pytest.approx(0.6), "在办 2 单 / 每周可服务 5 次")


def test_rating_factor():
    f = factors()["rating"]
    assert (f.value, f.note) == (0.75, "暂无评价")  # the two 4-star priors
    f = factors(rating_sum=15, rating_count=3)["rating"]
    assert (f.value, f.note) == (pytest.approx(0.9), "5.0 星（3 次评价）")
    f = factors(rating_sum=3, rating_count=3)["rating"]
    assert f.value == pytest.approx((((3 + 8) / 5) - 1) / 4)


def test_rotation_factor():
    f = factors()["rotation"]
    assert (f.value, f.note) == (1.0, "从未派单")
    f = factors(last_assigned_at=WINDOW.window_start - timedelta(days=7))["rotation"]
    assert (f.value, f.note) == (0.5, "距上次派单 7 天")
    f = factors(last_assigned_at=WINDOW.window_start - timedelta(days=30))["rotation"]
    assert f.value == 1.0


def test_rating_factor_stays_in_zero_one_with_inconsistent_figures():
    """rating_sum and rating_count are columns kept by F() updates: a hand-edited or
    half-restored row (more stars than 5 per rating) must not push the score above 1."""
    f = factors(rating_sum=100, rating_count=2)["rating"]
    assert f.value == 1.0
    assert "星" in f.note


UNINSURED = "服务有人身风险，未投保或保险已过期"


@pytest.mark.parametrize(
    ("request_fields", "candidate_fields", "reason"),
    [
        ({}, {"approved": False}, "未上架或已停用"),
        ({"excluded": frozenset({1})}, {}, "已婉拒或超时未接本单"),
        ({"risky": True}, {"insured": False}, UNINSURED),
        ({"risky": True, "today": date(2026, 12, 7)},
         {"insured": True, "insured_until": date(2026, 12, 6)}, UNINSURED),
        ({}, {"load": 5, "capacity": 5}, "已满负荷"),
        ({"lat": BASE[0], "lon": BASE[1]}, {"lat": BASE[0] + 0.1, "lon": BASE[1]},
         "不在服务范围内"),
        ({}, {"availability": {"2": ["am"]}}, "该时段不可服务"),
    ],
)  # fmt: skip
def test_each_hard_rule_gives_its_reason(request_fields, candidate_fields, reason):
    request = engine.Request(
        window_start=WINDOW.window_start, window_end=WINDOW.window_end, **request_fields
    )
    candidate = engine.Candidate(offer_id=1, **candidate_fields)
    hours = engine.window_hours(request.window_start, request.window_end)
    assert engine.refusal(request, candidate, hours) == reason
    assert engine.rank(request, [candidate]) == []


def test_insured_until_today_still_counts():
    request = engine.Request(
        window_start=WINDOW.window_start, window_end=WINDOW.window_end, risky=True,
        today=date(2026, 12, 7),
    )  # fmt: skip
    candidate = engine.Candidate(offer_id=1, insured=True, insured_until=date(2026, 12, 7))
    assert ids(engine.rank(request, [candidate])) == [1]


def test_equal_scores_are_ordered_by_offer_id():
    same = [engine.Candidate(offer_id=i) for i in (9, 3, 7)]
    assert ids(engine.rank(WINDOW, same)) == [3, 7, 9]
    assert ids(engine.rank(WINDOW, same, k=2)) == [3, 7]


def test_a_window_at_night_has_no_hours_so_only_anytime_offers_fit():
    night = engine.Request(
        window_start=MONDAY.replace(hour=23, minute=30), window_end=MONDAY + timedelta(hours=29)
    )
    always, slotted = engine.Candidate(offer_id=1), engine.Candidate(2, availability={"1": ["am"]})
    assert ids(engine.rank(night, [always, slotted])) == [1]


def test_rank_of_a_shuffled_large_pool_equals_the_brute_force():
    rnd = random.Random(15)
    pool = [
        engine.Candidate(
            offer_id=i, load=rnd.randint(0, 4), rating_sum=rnd.randint(0, 20),
            rating_count=4, last_assigned_at=MONDAY - timedelta(days=rnd.randint(0, 20)),
        )
        for i in range(1, 2001)
    ]  # fmt: skip
    assert engine.rank(WINDOW, pool, k=10) == engine.rank_all(WINDOW, pool)[:10]
    assert all(not math.isnan(m.score) for m in engine.rank(WINDOW, pool))
