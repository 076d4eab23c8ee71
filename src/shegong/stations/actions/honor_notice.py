"""发布先进典型公示 (issue 17 §3, kind ``stations.honors``): the published role models (先进典型)
of a year in a street's or community's subtree become one notice (公示) with the supervision
phone and the objection form. A role model's name is public — that is what an honour roll is
for — so the kind shows names in full; the notice lists the name, the title and the region
only (no ID number, phone or birth date).

Each listed role model remembers the notice (``RoleModel.notice``); while an objection that
holds is open on it, the role model leaves the public honour roll (``queries.honor_roll``) and
comes back when the objection is answered (or, if it was upheld, staff unpublish or change it).

Staff with stations.manage, for a region in their scope; ``actor=None`` (command line, demo)
skips the checks. One durable transaction: the notice, the role models' link and one audit
entry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.notices.actions.notices import make_notice
from shegong.notices.models import Notice
from shegong.regions.choices import Level
from shegong.regions.models import Region

from ..models import RoleModel

__all__ = ["KIND", "NOTICE_LEVELS", "listed", "publish_honor_notice"]

KIND = "stations.honors"
NOTICE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
ROW_LIMIT = 200


def notice_region(actor: User | None, region: Any) -> Region:
    code = str(getattr(region, "code", region) or "").strip()
    regions = Region.objects.all() if actor is None else Region.objects.visible_to(actor)
    found = regions.filter(code=code, level__in=NOTICE_LEVELS).first() if code else None
    if found is None:
        raise InvalidInput.field("region", "请选择公示范围（您工作范围内的区县、街道或社区）")
    return found


def year_of(value: Any) -> int:
    try:
        return int(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidInput.field("year", "请填写年度（四位数字）") from None


def listed(region: Region, year: int) -> QuerySet[RoleModel]:
    """The published role models of ``year`` in ``region``'s subtree, as the notice lists them."""
    qs = RoleModel.objects.filter(published=True, year=year)
    return in_subtree(qs, region.prefix).order_by("region_id", "title", "pk")


def honor_body(region: Region, year: int, rows: list[RoleModel]) -> str:
    lines = [
        f"经推荐、审核，{region.name}拟将以下 {len(rows)} 名同志评为{year}年度先进典型，"
        "现予公示。公示期内如有异议，请通过本页“提出异议”或拨打监督电话反映；"
        "异议处理期间，相关人员暂不在光荣榜展示。",
        "",
        "序号　姓名　荣誉称号　所属区划",
    ]
    lines += [
        f"{i}．{m.person.name}　{m.title}　{m.region.name}" for i, m in enumerate(rows, start=1)
    ]
    return "\n".join(lines)


@transaction.atomic(durable=True)
def publish_honor_notice(*, actor: User | None, region: Any, year: Any) -> Notice:
    """发布先进典型公示: the published role models of ``year`` in ``region``, as one notice."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    found = notice_region(actor, region)
    year = year_of(year)
    rows = list(
        listed(found, year)
        .select_for_update(of=("self",))
        .select_related("person", "region")[:ROW_LIMIT]
    )
    if not rows:
        raise InvalidInput.field("year", f"{found.name}{year}年度没有公开展示的先进典型，无需公示")
    notice = make_notice(
        kind=KIND, region=found, actor=actor,
        title=f"{found.name}{year}年度先进典型公示", body=honor_body(found, year, rows),
    )  # fmt: skip
    RoleModel.objects.filter(pk__in=[m.pk for m in rows]).update(notice=notice)
    audit.record(
        Verb.ROLE_MODELS_NOTICED, actor=actor, target=notice, region=found.code,
        data={"year": year, "count": len(rows), "role_models": [m.pk for m in rows]},
    )  # fmt: skip
    return notice
