"""The quorum and decision rules of each meeting kind (pure; DOMAIN.md "Deliberation").

Defaults follow the law; a deployment overrides any of them per kind with
``SHEGONG_DELIBERATION_MEETING_RULES = {"residents": {"quorum": "2/3"}, …}`` (keys as in
``MeetingRule``; fractions as "n/d" strings). "More than" is strict: with 应到 40 and a quorum of
1/2, 21 must be present (20 is exactly half, not more than half).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from fractions import Fraction
from typing import Any

from django.conf import settings

from shegong.deliberation.choices import MeetingKind, QuorumBase

__all__ = ["MeetingRule", "decision_needed", "quorum_needed", "rule_for"]


@dataclass(frozen=True)
class MeetingRule:
    """``quorum``: present must be more than this share of 应到 (0: no quorum, a consultation
    still records who came); ``decision_of``: "present" or "expected" — a decision passes with
    votes for more than ``majority`` of that number; ``notice_days``: the notice is published at
    least this many days ahead; ``cadence``: the meeting counts for 一月一会."""

    quorum: Fraction
    majority: Fraction
    decision_of: str
    notice_days: int
    base: str
    cadence: bool
    basis: str


HALF = Fraction(1, 2)

MEETING_RULES: dict[str, MeetingRule] = {
    MeetingKind.RESIDENTS: MeetingRule(
        HALF, HALF, "present", 7, QuorumBase.ADULTS, True,
        "城市居民委员会组织法第九条：应有过半数的十八周岁以上居民、户的代表或居民小组代表参加，"
        "决定经到会人员过半数通过",
    ),
    MeetingKind.REPRESENTATIVES: MeetingRule(
        HALF, HALF, "present", 7, QuorumBase.REPRESENTATIVES, True,
        "参照城市居民委员会组织法第九条：过半数代表到会，决定经到会代表过半数通过",
    ),
    MeetingKind.CONSULTATION: MeetingRule(
        Fraction(0), HALF, "present", 7, QuorumBase.INVITED, True,
        "中办发〔2015〕41号：协商结果经到会人员过半数同意形成意见，采纳、落实、反馈",
    ),
    MeetingKind.PARTY: MeetingRule(
        HALF, HALF, "expected", 7, QuorumBase.PARTY_MEMBERS, True,
        "党章及支部工作条例：有表决权的党员到会超过半数方能召开，"
        "赞成人数超过应到会有表决权党员的半数为通过",
    ),
    MeetingKind.THEMATIC: MeetingRule(
        Fraction(0), HALF, "present", 7, QuorumBase.INVITED, True,
        "专题议事：围绕单一议题协商，结果经到会人员过半数同意",
    ),
    MeetingKind.VILLAGE: MeetingRule(
        HALF, HALF, "present", 10, QuorumBase.ADULTS, True,
        "村民委员会组织法第二十二条：应有过半数十八周岁以上村民或三分之二以上户的代表参加，"
        "决定经到会人员过半数通过；提前十天通知",
    ),
}  # fmt: skip


def _fraction(value: Any) -> Fraction:
    return Fraction(str(value))


def rule_for(kind: str) -> MeetingRule:
    """The rule of a meeting kind: the default, with the deployment's overrides applied."""
    rule = MEETING_RULES[MeetingKind(kind)]
    override = dict(getattr(settings, "SHEGONG_DELIBERATION_MEETING_RULES", {}).get(kind, {}))
    for key in ("quorum", "majority"):
        if key in override:
            override[key] = _fraction(override[key])
    return replace(rule, **override) if override else rule


def _more_than(share: Fraction, of: int) -> int:
    """The least whole number strictly more than ``share`` of ``of`` (0 when share is 0)."""
    if share <= 0:
        return 0
    return int(share * of) + 1


def quorum_needed(kind: str, expected: int) -> int:
    """How many must be present for the meeting to be quorate (实到 ≥ this)."""
    return _more_than(rule_for(kind).quorum, expected)


def decision_needed(kind: str, *, present: int, expected: int) -> int:
    """How many votes for a decision needs to pass (赞成 ≥ this)."""
    rule = rule_for(kind)
    base = expected if rule.decision_of == "expected" else present
    return _more_than(rule.majority, base)
