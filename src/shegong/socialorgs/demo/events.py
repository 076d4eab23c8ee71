"""Demo registration events (issue 14 §2) for this year (``report_year() + 1``), through the
actions (actor None: the system), backdated:

- ``active`` pool (this step): 13 延续登记 and 38 事项变更 approved (some changes of address,
  legal representative, name or 业务范围), then a few open applications so the queue is not empty
  (submitted, returned with reasons, a draft past its deadline);
- the year's 21 注销登记 (dissolution → liquidation → application, ``deregister``) and 2 撤销登记
  penalties (``cancel``) are organizations of the dormant clean-up: the 换届 and dormant step
  (``demo.election``) calls these helpers once each organization's dormant case is open (and,
  for a 撤销, its 60-day 公告 has ended), and the approval or penalty clears the case.

At ``small`` size the figures are ``TARGETS["small"]``. Idempotent: nothing is added once the
active pool has an application.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from ..actions import events
from ..choices import SocialOrgType
from ..models import Application, SocialOrg
from ..statutes import ChangeItem, Material, required_materials
from . import DORMANT_OUTCOMES, pool, report_year

SEED = 1414
# The seed's figures: 延续登记13家、事项变更38家、撤销登记2家、注销登记21家 (the last two are
# the dormant clean-up's, ``DORMANT_OUTCOMES``).
_CLOSURES = {
    size: {"cancellation": outcomes["cancellation"], "deregistration": outcomes["deregistration"]}
    for size, outcomes in DORMANT_OUTCOMES.items()
}
TARGETS = {
    size: {"renewal": renewal, "change": change, **_CLOSURES[size]}
    for size, renewal, change in (("seed", 13, 38), ("small", 1, 2))
}
# A dormant organization's 撤销: it has not taken the annual inspection (不接受监督检查/年度检查).
CANCEL_GROUND = {
    SocialOrgType.ASSOCIATION: "society_30_3",
    SocialOrgType.SERVICE: "private_25_3",
    SocialOrgType.FOUNDATION: "foundation_42_5",
}
PDF = b"%PDF-1.4\n% demo\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n"


def targets(size: str) -> dict[str, int]:
    return TARGETS["small" if size == "small" else "seed"]


def _at(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(10)))


class _Days:
    """Days of this year up to a week ago, drawn in order so each story runs forward."""

    def __init__(self, rng: random.Random, today: date) -> None:
        self.rng = rng
        self.start = date(report_year(today) + 1, 1, 5)
        self.last = max(self.start, today - timedelta(days=7))

    def pick(self) -> date:
        span = (self.last - self.start).days
        return self.start + timedelta(days=self.rng.randint(0, max(span - 5, 0)))


def _attach(app: Application, so: SocialOrg) -> None:
    need = required_materials(app.kind, has_supervisor=bool(so.supervisor), items=app.items)
    for material in need:
        name = f"{Material(material).label}.pdf"
        doc = SimpleUploadedFile(name, PDF, content_type="application/pdf")
        events.add_attachments(app, material, [doc], actor=None)


def _file(so: SocialOrg, data: dict[str, Any], day: date) -> Application:
    app = events.save_application(so, data, actor=None, at=_at(day - timedelta(days=1)))
    _attach(app, so)
    return events.submit_application(app, actor=None, at=_at(day))


def _change(so: SocialOrg, index: int, rng: random.Random) -> dict[str, Any]:
    org = so.organization
    items: dict[str, str] = {}
    kind = index % 5
    if kind == 0:
        items[ChangeItem.ADDRESS] = f"{org.region.name}新址{rng.randint(1, 300)}号"
    elif kind == 1:
        items[ChangeItem.LEGAL_REP] = f"新任代表{index:02d}"
    elif kind == 2:
        items[ChangeItem.BUSINESS_SCOPE] = "开展公益服务、业务培训、交流合作、咨询服务"
    elif kind == 3:
        new = org.name.replace("协会", "联合会").replace("中心", "服务社")
        if new != org.name:
            items[ChangeItem.NAME] = new
        else:
            items[ChangeItem.ACTIVITY_AREA] = f"{org.region.name}及周边"
    else:
        items[ChangeItem.ACTIVITY_AREA] = f"{org.region.name}及周边"
    return {"kind": "change", "items": list(items), "requested": items}


def load(ctx: Any) -> int:
    """The events demo; returns how many applications and penalties it made."""
    active = pool(ctx, "active")
    if not active or Application.objects.filter(social_org__in=active).exists():
        return 0
    rng = random.Random(SEED)
    today = timezone.localdate()
    days = _Days(rng, today)
    goal = targets(ctx.size)
    made = 0
    renewals = active[: goal["renewal"]]
    changes = active[goal["renewal"] : goal["renewal"] + goal["change"]]
    rest = active[goal["renewal"] + goal["change"] :]
    for so in renewals:
        day = days.pick()
        app = _file(so, {"kind": "renewal", "reason": "登记证书有效期届满，申请延续"}, day)
        events.approve_application(app, actor=None, on=day + timedelta(days=3))
        made += 1
    for index, so in enumerate(changes):
        day = days.pick()
        data = _change(so, index, rng)
        data["supervisor_approved_on"] = (day - timedelta(days=rng.randint(3, 25))).isoformat()
        app = _file(so, data, day)
        events.approve_application(app, actor=None, on=day + timedelta(days=4))
        made += 1
    made += _open_applications(rest, today)
    return made


def deregister(so: SocialOrg, day: date, rng: random.Random) -> Application:
    """注销登记: the council resolved to dissolve, the liquidation ended, the application is
    filed on ``day`` and approved five days later (which clears an open dormant case)."""
    data = {
        "kind": "deregistration",
        "reason": "经登记管理机关督促，会员大会决议解散",
        "dissolved_on": (day - timedelta(days=70)).isoformat(),
        "liquidation_ended_on": (day - timedelta(days=rng.randint(2, 14))).isoformat(),
    }
    app = _file(so, data, day)
    return events.approve_application(app, actor=None, on=day + timedelta(days=5))


def cancel(so: SocialOrg, index: int, day: date) -> Any:
    """撤销登记, an administrative penalty decided on ``day`` (which clears an open dormant case
    whose 60-day 公告 has ended)."""
    return events.impose_penalty(
        so,
        {
            "kind": "cancellation",
            "ground": CANCEL_GROUND[SocialOrgType(so.org_type)],
            "decision_number": f"民罚决字〔{day.year}〕{index + 1}号",
            "decided_on": day.isoformat(),
            "facts": "经核查，该组织连续两年未参加年度检查，经督促仍未整改，属于“僵尸型”社会组织；"
            "拟撤销登记公告期满，未提出陈述、申辩",
        },
        actor=None,
    )


def _open_applications(rest: list[SocialOrg], today: date) -> int:
    """A few applications still open: submitted, returned with reasons, an overdue draft."""
    made = 0
    week = today - timedelta(days=6)
    for index, so in enumerate(rest[:4]):
        if index == 0:
            _file(so, {"kind": "renewal", "reason": "申请延续登记"}, week)
        elif index == 1:
            data = _change(so, 0, random.Random(index))
            data["supervisor_approved_on"] = (week - timedelta(days=10)).isoformat()
            _file(so, data, week + timedelta(days=1))
        elif index == 2:
            app = _file(so, {"kind": "charter", "party_building": True}, week)
            events.return_application(
                app, "章程修改稿未附会员大会表决结果，请补充后重新提交", actor=None
            )
        else:
            data = _change(so, 1, random.Random(index))
            data["supervisor_approved_on"] = (today - timedelta(days=45)).isoformat()
            events.save_application(so, data, actor=None, at=_at(today - timedelta(days=40)))
        made += 1
    return made
