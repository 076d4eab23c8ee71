"""The demo's 换届 and dormant clean-up (issue 14 §5), through the actions (the system actor,
backdated):

- ``ELECTIONS`` (36 at seed size) 社会团体 complete a 换届 this year (``report_year() + 1``):
  associations of the ``active`` pool first, then of the ``new`` pool if the active pool has too
  few; the figure "指导社会团体完成换届" counts completed 换届 of associations in the year;
- two more 换届 in progress; three organizations whose term ends within six/three months and
  two overdue ones with an extension (one approved, one pending) — their terms come from a 换届
  completed five years ago;
- the ``dormant`` pool (32): 未参检 for ``report_year() − 2`` and ``− 1``; the detection run on
  10 January opens a case each, and every case is concluded before 31 May ("清理僵尸型社会组织
  32家"), split by ``demo.dormant_split``: 21 organizations apply for 注销 and are approved in
  February–April (``demo.events.deregister``: the year's 21 注销登记), 2 get the 60-day
  拟撤销登记公告 on 15 January and a 撤销登记 penalty on 20 March (``demo.events.cancel``: the
  year's 2 撤销登记) — the approval or penalty clears the case, so each closure happens once —
  and 9 are ordered to rectify (限期整改) on 20 January and found rectified (整改完成) in April.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from ..actions import election as actions
from ..choices import SocialOrgType
from ..models import AnnualReport, Election, InspectionConclusion, SocialOrg
from . import dormant_split, pool, report_year
from . import events as events_demo

SEED = 1415
ELECTIONS = {"small": 1, "seed": 36}


def _size(ctx: Any) -> str:
    return "small" if ctx.size == "small" else "seed"


def _complete(so: SocialOrg, start: date, today: date) -> Election:
    """A whole 换届 from ``start`` (each step a few days apart, never after ``today``)."""
    election = actions.open_election(so, actor=None, on=min(start, today))
    day = min(start, today)
    for kind, gap, note in [
        ("plan", 5, "制定换届工作方案"),
        ("candidates", 10, "审核候选人资格"),
        ("review", 5, "业务主管单位及党组织审核同意"),
        ("meeting", 10, "会员大会选举产生新一届理事会"),
        ("filing", 10, "负责人变更备案"),
    ]:
        if kind == "review" and not election.review_required:
            continue
        day = min(day + timedelta(days=gap), today)
        actions.record_step(election, kind, {"done_on": day, "note": note}, actor=None)
    return election


def _add_months(start: date, months: int) -> date:
    from ..terms import add_months

    return add_months(start, months)


def load(ctx: Any) -> int:
    active = pool(ctx, "active")
    district_orgs = [so.pk for so in active] + [so.pk for so in pool(ctx, "dormant")]
    if Election.objects.filter(social_org__in=district_orgs).exists():
        return 0
    today = date.today()
    year = report_year(today) + 1
    size = _size(ctx)
    created = 0

    # 1. this year's completed 换届 of associations
    associations = [so for so in active if so.org_type == SocialOrgType.ASSOCIATION]
    associations += [so for so in pool(ctx, "new") if so.org_type == SocialOrgType.ASSOCIATION]
    chosen = associations[: ELECTIONS[size]]
    for i, so in enumerate(chosen):
        _complete(so, date(year, 1, 5) + timedelta(days=3 * i), today)
        created += 1

    # 2. the worklists' examples, on other active organizations
    rest = [so for so in active if so not in chosen]
    five_ago = today.replace(year=today.year - 5, day=min(today.day, 28))
    examples = [  # (meeting date five years ago → the term's end from today)
        ("due6", _add_months(five_ago, 4)),
        ("due3", _add_months(five_ago, 1)),
        ("due3", _add_months(five_ago, 2)),
        ("approved", _add_months(five_ago, -2)),
        ("pending", _add_months(five_ago, -1)),
    ]
    for so, (kind, meeting) in zip(rest[2:], examples, strict=False):
        _complete(so, meeting - timedelta(days=25), meeting + timedelta(days=1))
        so.refresh_from_db()
        if kind in ("approved", "pending"):
            ext = actions.request_extension(
                so,
                {
                    "new_date": _add_months(so.term_end, 10),
                    "reason": "会员分散，需延期召开会员大会",
                },
                actor=None,
            )
            if kind == "approved":
                actions.decide_extension(ext, approve=True, note="同意延期换届", actor=None)
        created += 1
    for so in rest[:2]:
        election = actions.open_election(so, actor=None, on=today - timedelta(days=20))
        actions.record_step(
            election,
            "plan",
            {"done_on": today - timedelta(days=15), "note": "制定换届工作方案"},
            actor=None,
        )
        created += 1

    # 3. the dormant pool: two years without inspection, detected, cleared before 31 May
    dormant = pool(ctx, "dormant")
    for so in dormant:
        for y in (report_year(today) - 2, report_year(today) - 1):
            AnnualReport.objects.get_or_create(
                social_org=so,
                year=y,
                defaults={"state": "concluded", "conclusion": InspectionConclusion.ABSENT},
            )
    cases = actions.run_detection(actor=None, on=date(year, 1, 10), among=[so.pk for so in dormant])
    case_of = {case.social_org_id: case for case in cases}
    split = dormant_split(ctx)
    rng = random.Random(SEED)
    # 注销: the organization applies (after dissolution and liquidation); the approval clears it
    for i, so in enumerate(split["deregistration"]):
        events_demo.deregister(so, date(year, 2, 1) + timedelta(days=3 * i), rng)
        created += 1
    # 撤销: the 60-day 公告, then the penalty once it has ended; the penalty clears the case
    for i, so in enumerate(split["cancellation"]):
        actions.publish_strike_off_notice(case_of[so.pk], actor=None, on=date(year, 1, 15))
        events_demo.cancel(so, i, date(year, 3, 20))
        created += 1
    # 限期整改, then 整改完成: the organization resumes activity and stays registered
    for i, so in enumerate(split["rectification"]):
        case = actions.order_rectification(
            case_of[so.pk],
            {"deadline": date(year, 4, 30), "note": "限期补报近两年年度工作报告，恢复正常活动"},
            actor=None,
            on=date(year, 1, 20),
        )
        actions.mark_rectified(
            case,
            {"note": "已补报年度工作报告，召开理事会并恢复开展活动"},
            actor=None,
            on=date(year, 4, 10) + timedelta(days=2 * i),
        )
        created += 1
    return created
