"""Publish volunteer lists as 公示 (issue 17 §3; kinds registered in ``apps.py``).

* ``publish_star_notice`` (发布星级认定公示) — the volunteers of a region AWARDED a star in a
  period: masked name, team, star, cumulative hours. The publicity each award waits for (at
  least 5 working days before 认定) is the application's own (``actions.star_awards``, shown on
  /public/volunteers/stars/); this notice is an optional published list of the outcome, with
  the notices' objection channel.
* ``publish_certificate_notice`` (发布记录证明公示) — the 志愿服务记录证明 issued in a period by
  the teams of a region (民发〔2015〕149号: 申请 → 受理 → 开具 → 公示, internal 公示 of at least
  7 days): masked name, issuer, service period, hours. An upheld objection is answered by
  revoking the certificate on its page (``certificates.revoke``), which the public check then
  reports as 已作废.

Staff with volunteers.manage, for a region in their scope; ``actor=None`` (command line, demo)
skips the checks. Each is one durable transaction: the notice (``notices.make_notice``) and one
audit entry. An empty list is refused (nothing to publish).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.notices.actions.notices import make_notice
from shegong.notices.models import Notice
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.volunteers.queries import notices as notice_queries
from shegong.volunteers.queries.notices import CERTIFICATE_KIND, STAR_KIND

__all__ = ["CERTIFICATE_KIND", "STAR_KIND", "publish_certificate_notice", "publish_star_notice"]

NOTICE_LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
OBJECT_HINT = "公示期内如有异议，请通过本页“提出异议”或拨打监督电话反映。"


def notice_region(actor: Any, region: Any) -> Region:
    """The district, street or community the notice is for, in the actor's scope."""
    code = str(getattr(region, "code", region) or "").strip()
    regions = Region.objects.all() if actor is None else Region.objects.visible_to(actor)
    found = regions.filter(code=code, level__in=NOTICE_LEVELS).first() if code else None
    if found is None:
        raise InvalidInput.field("region", "请选择公示范围（您工作范围内的区县、街道或社区）")
    return found


def period(since: Any, until: Any) -> tuple[date, date]:
    """A period of whole days that has started: ``since`` ≤ ``until`` ≤ today."""
    if not isinstance(since, date):
        raise InvalidInput.field("since", "请填写起始日期")
    if not isinstance(until, date):
        raise InvalidInput.field("until", "请填写截止日期")
    if until < since:
        raise InvalidInput.field("until", "截止日期不能早于起始日期")
    if until > timezone.localdate():
        raise InvalidInput.field("until", "截止日期不能晚于今天")
    return since, until


def _check(actor: Any, region: Any, since: Any, until: Any) -> tuple[Region, date, date]:
    if actor is not None:
        require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    found = notice_region(actor, region)
    start, end = period(since, until)
    return found, start, end


def star_body(region: Region, since: date, until: date, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{since:%Y年%m月%d日}至{until:%Y年%m月%d日}，{region.name}以下 {len(rows)} 名志愿者"
        "经申请、审核、公示，认定为星级志愿者，现予公示。",
        OBJECT_HINT,
        "",
        "序号　姓名　所在队伍　认定星级　累计服务时长",
    ]
    lines += [
        f"{i}．{r['name']}　{r['teams']}　{r['star_label']}志愿者　{r['hours']} 小时"
        for i, r in enumerate(rows, start=1)
    ]
    return "\n".join(lines)


def certificate_body(region: Region, since: date, until: date, rows: list[dict[str, Any]]) -> str:
    lines = [
        f"{since:%Y年%m月%d日}至{until:%Y年%m月%d日}，{region.name}各志愿服务队伍共出具 "
        f"{len(rows)} 份志愿服务记录证明，现将证明情况予以公示。",
        OBJECT_HINT,
        "",
        "序号　姓名　出具单位　服务期间　服务时长",
    ]
    lines += [
        f"{i}．{r['name']}　{r['issuer']}　{r['period_start']:%Y-%m-%d} 至 "
        f"{r['period_end']:%Y-%m-%d}　{r['hours']} 小时"
        for i, r in enumerate(rows, start=1)
    ]
    return "\n".join(lines)


@transaction.atomic(durable=True)
def publish_star_notice(*, actor: Any, region: Any, since: Any, until: Any) -> Notice:
    """发布星级认定公示: the new stars of ``region`` in the period, as one notice."""
    found, start, end = _check(actor, region, since, until)
    rows = notice_queries.star_rows(found, start, end)
    if not rows:
        raise InvalidInput.field("until", "该期间该范围内没有新达到星级的志愿者，无需公示")
    notice = make_notice(
        kind=STAR_KIND, region=found, actor=actor,
        title=f"{found.name}星级志愿者认定公示（{start:%Y.%m.%d}—{end:%Y.%m.%d}）",
        body=star_body(found, start, end, rows),
    )  # fmt: skip
    audit.record(
        Verb.VOLUNTEER_STARS_NOTICED, actor=actor, target=notice, region=found.code,
        data={"since": start.isoformat(), "until": end.isoformat(), "count": len(rows)},
    )  # fmt: skip
    return notice


@transaction.atomic(durable=True)
def publish_certificate_notice(*, actor: Any, region: Any, since: Any, until: Any) -> Notice:
    """发布记录证明公示: the certificates issued in ``region`` in the period, as one notice."""
    found, start, end = _check(actor, region, since, until)
    rows = notice_queries.certificate_rows(found, start, end)
    if not rows:
        raise InvalidInput.field("until", "该期间该范围内没有出具的志愿服务记录证明，无需公示")
    notice = make_notice(
        kind=CERTIFICATE_KIND, region=found, actor=actor,
        title=f"{found.name}志愿服务记录证明公示（{start:%Y.%m.%d}—{end:%Y.%m.%d}）",
        body=certificate_body(found, start, end, rows),
    )  # fmt: skip
    audit.record(
        Verb.CERTIFICATES_NOTICED, actor=actor, target=notice, region=found.code,
        data={"since": start.isoformat(), "until": end.isoformat(), "count": len(rows)},
    )  # fmt: skip
    return notice
