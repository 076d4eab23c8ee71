"""Professional social workers (专业社工): the register, stationing at communities (驻点),
pairing of senior social workers with communities (结对帮扶) and their guidance logs. One
function per verb.

Who may do what:
- staff with ``socialwork.manage`` register and edit social workers, station and pair them, in
  their scope (the social worker's region, and the community, must both be in it);
- anyone with ``volunteers.view`` sees the social workers of their scope;
- a social worker (the Person linked to the account) sees their own record and logs guidance
  for their own pairings; staff with ``socialwork.manage`` log for any pairing in scope.
Anything outside is a ``NotFound``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.ledger.actions.records import file_person
from shegong.ledger.models import Organization
from shegong.regions.choices import Level
from shegong.volunteers.actions.registration import person_data, pick_region
from shegong.volunteers.choices import GuidanceMode, Qualification
from shegong.volunteers.models import GuidanceLog, Pairing, SocialWorker, Stationing
from shegong.volunteers.queries.socialwork import (
    PAIRING_NOT_FOUND,
    access_pairing,
    access_social_worker,
    current,
    employers,
)

STATIONING_NOT_FOUND = "驻点记录不存在或不在您的管理范围内"
SW_LEVELS = {Level.DISTRICT, Level.STREET, Level.COMMUNITY}
EDITABLE = {"qualification", "certificate_number", "employer", "region"}
MAX_TOPIC = 100
MAX_CONTENT = 2000
_YEAR = timedelta(days=366)


# --- checks -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _employer(value: Any, errors: list[dict[str, str]]) -> Organization | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Organization) else value
    org = employers().filter(pk=pk).first() if str(pk).isdigit() else None
    if org is None:
        errors.append(
            {"field": "employer", "message": "所选社工机构不存在（须为台账中的社会组织）"}
        )
    return org


def _profile(
    actor: User | None, data: dict[str, Any], errors: list[dict[str, str]]
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    if "qualification" in data:
        qualification = _text(data["qualification"]) or Qualification.NONE
        if qualification not in Qualification.values:
            errors.append({"field": "qualification", "message": "请选择职业资格"})
        values["qualification"] = qualification
    if "certificate_number" in data:
        number = _text(data["certificate_number"])
        if len(number) > 40:
            errors.append({"field": "certificate_number", "message": "证书编号不能超过40位"})
        values["certificate_number"] = number
    if values.get("qualification") == Qualification.NONE and values.get("certificate_number"):
        errors.append(
            {"field": "certificate_number", "message": "无职业资格的不填证书编号，或请选择职业资格"}
        )
    if "employer" in data:
        values["employer"] = _employer(data["employer"], errors)
    if "region" in data:
        region = pick_region(actor, data["region"], SW_LEVELS)
        if region is None:
            errors.append(
                {
                    "field": "region",
                    "message": "请选择所属区划：区、街道或社区（须在您的工作范围内）",
                }
            )
        values["region"] = region
    return values


def _dates(starts_on: Any, ends_on: Any) -> tuple[date, date | None]:
    errors: list[dict[str, str]] = []
    if not isinstance(starts_on, date):
        errors.append({"field": "starts_on", "message": "请填写开始日期"})
    if ends_on is not None and not isinstance(ends_on, date):
        errors.append({"field": "ends_on", "message": "结束日期格式不正确"})
    InvalidInput.raise_if_any(errors)
    if ends_on is not None and ends_on < starts_on:
        raise InvalidInput.field("ends_on", "结束日期不能早于开始日期")
    if starts_on > timezone.localdate() + _YEAR:
        raise InvalidInput.field("starts_on", "开始日期不能晚于一年以后")
    return starts_on, ends_on


def _overlapping(qs: QuerySet, starts_on: date, ends_on: date | None) -> Any:
    """The first row of ``qs`` whose period overlaps [starts_on, ends_on] (open = forever)."""
    qs = qs.filter(Q(ends_on__isnull=True) | Q(ends_on__gte=starts_on))
    if ends_on is not None:
        qs = qs.filter(starts_on__lte=ends_on)
    return qs.order_by("starts_on").first()


def _community(actor: User | None, value: Any) -> Any:
    region = pick_region(actor, value, {Level.COMMUNITY})
    if region is None:
        raise InvalidInput.field("region", "请选择社区（须在您的工作范围内）")
    return region


def _locked_worker(actor: User | None, sw: SocialWorker) -> SocialWorker:
    if actor is not None:
        access_social_worker(actor, sw.pk, manage=True)
    return SocialWorker.objects.select_for_update().select_related("person").get(pk=sw.pk)


# --- register and edit ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def register_social_worker(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    phone: str = "",
    qualification: str = Qualification.NONE,
    certificate_number: str = "",
    employer: Any = None,
    region: Any,
) -> SocialWorker:
    """File a social-worker record for the Person with this ID number (found or created)."""
    if actor is not None:
        require_perm(actor, Perm.SOCIAL_WORK_MANAGE)
    errors: list[dict[str, str]] = []
    data = {
        "qualification": qualification, "certificate_number": certificate_number,
        "employer": employer, "region": region,
    }  # fmt: skip
    values = _profile(actor, data, errors)
    person = person_data(name, id_number, phone, values.get("region"), errors)
    InvalidInput.raise_if_any(errors)
    assert person is not None
    found, created, _ = file_person(
        person, actor=actor, region=values["region"], self_service=False
    )
    if not created and SocialWorker.objects.filter(person=found).exists():
        raise InvalidInput.field("id_number", "该身份证号已登记为专业社工")
    sw = SocialWorker.objects.create(person=found, **values)
    audit.record(
        Verb.SOCIAL_WORKER_SAVED, actor=actor, target=sw,
        data={"created": True, "person_created": created, "qualification": sw.qualification,
              "employer": sw.employer_id},
    )  # fmt: skip
    return sw


@transaction.atomic(durable=True)
def update_social_worker(sw: SocialWorker, *, actor: User | None, **changes: Any) -> SocialWorker:
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
    sw = _locked_worker(actor, sw)
    errors: list[dict[str, str]] = []
    if "qualification" in changes and "certificate_number" not in changes:
        changes["certificate_number"] = sw.certificate_number
    values = _profile(actor, changes, errors)
    InvalidInput.raise_if_any(errors)
    if (
        values.get("qualification", sw.qualification) != Qualification.SENIOR
        and current(sw.pairings.all()).exists()
    ):
        raise DomainError("该社工有进行中的结对帮扶，职业资格须为高级社会工作师；请先结束结对")
    changed = {}
    for field, new in values.items():
        old = getattr(sw, field)
        if old != new:
            changed[field] = [getattr(old, "pk", old), getattr(new, "pk", new)]
            setattr(sw, field, new)
    if not changed:
        return sw
    sw.save()
    audit.record(Verb.SOCIAL_WORKER_SAVED, actor=actor, target=sw, data={"changed": changed})
    return sw


# --- stationing (驻点) ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def add_stationing(
    sw: SocialWorker,
    *,
    actor: User | None,
    region: Any,
    starts_on: date,
    ends_on: date | None = None,
) -> Stationing:
    """Station a social worker at a community from ``starts_on`` (to ``ends_on``): one
    stationing per worker per community at a time."""
    sw = _locked_worker(actor, sw)
    community = _community(actor, region)
    starts_on, ends_on = _dates(starts_on, ends_on)
    clash = _overlapping(sw.stationings.filter(region=community), starts_on, ends_on)
    if clash is not None:
        until = f"至 {clash.ends_on:%Y-%m-%d}" if clash.ends_on else "起，尚未结束"
        raise InvalidInput.field(
            "region", f"该社工已在{community.name}驻点（{clash.starts_on:%Y-%m-%d}{until}）"
        )
    stationing = Stationing.objects.create(
        social_worker=sw, region=community, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        Verb.STATIONING_SAVED, actor=actor, target=stationing,
        data={"social_worker": sw.pk, "starts_on": starts_on.isoformat(),
              "ends_on": ends_on.isoformat() if ends_on else None},
    )  # fmt: skip
    return stationing


def _period_row(
    model: type[Stationing] | type[Pairing], actor: User | None, pk: Any, message: str
) -> Any:
    row = model.objects.select_for_update().filter(pk=pk).first() if str(pk).isdigit() else None
    if row is None:
        raise NotFound(message)
    if actor is not None:
        require_perm(actor, Perm.SOCIAL_WORK_MANAGE)
        if not SocialWorker.objects.visible_to(actor).filter(pk=row.social_worker_id).exists():
            raise NotFound(message)
    return row


def _end(row: Any, ends_on: Any, what: str) -> None:
    if not isinstance(ends_on, date):
        raise InvalidInput.field("ends_on", "请填写结束日期")
    if row.ends_on is not None and row.ends_on <= timezone.localdate():
        raise DomainError(f"该{what}已于 {row.ends_on:%Y-%m-%d} 结束")
    if ends_on < row.starts_on:
        raise InvalidInput.field("ends_on", f"结束日期不能早于开始日期 {row.starts_on:%Y-%m-%d}")
    if ends_on > timezone.localdate():
        raise InvalidInput.field("ends_on", "结束日期不能晚于今天")


@transaction.atomic(durable=True)
def end_stationing(pk: Any, *, actor: User | None, ends_on: date | None = None) -> Stationing:
    stationing = _period_row(Stationing, actor, pk, STATIONING_NOT_FOUND)
    ends_on = ends_on or timezone.localdate()
    _end(stationing, ends_on, "驻点")
    stationing.ends_on = ends_on
    stationing.save(update_fields=["ends_on"])
    audit.record(
        Verb.STATIONING_SAVED, actor=actor, target=stationing,
        data={"ended": ends_on.isoformat()},
    )  # fmt: skip
    return stationing


# --- pairing (结对帮扶) -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def add_pairing(
    sw: SocialWorker,
    *,
    actor: User | None,
    region: Any,
    starts_on: date,
    ends_on: date | None = None,
) -> Pairing:
    """Pair a SENIOR social worker (高级社会工作师) with a community."""
    sw = _locked_worker(actor, sw)
    if sw.qualification != Qualification.SENIOR:
        raise InvalidInput.field("social_worker", "只有高级社会工作师可以与社区结对帮扶")
    community = _community(actor, region)
    starts_on, ends_on = _dates(starts_on, ends_on)
    clash = _overlapping(sw.pairings.filter(region=community), starts_on, ends_on)
    if clash is not None:
        raise InvalidInput.field(
            "region", f"该社工已与{community.name}结对（{clash.starts_on:%Y-%m-%d} 起）"
        )
    pairing = Pairing.objects.create(
        social_worker=sw, region=community, starts_on=starts_on, ends_on=ends_on
    )
    audit.record(
        Verb.PAIRING_SAVED, actor=actor, target=pairing,
        data={"social_worker": sw.pk, "starts_on": starts_on.isoformat()},
    )  # fmt: skip
    return pairing


@transaction.atomic(durable=True)
def end_pairing(pk: Any, *, actor: User | None, ends_on: date | None = None) -> Pairing:
    pairing = _period_row(Pairing, actor, pk, PAIRING_NOT_FOUND)
    ends_on = ends_on or timezone.localdate()
    _end(pairing, ends_on, "结对")
    pairing.ends_on = ends_on
    pairing.save(update_fields=["ends_on"])
    audit.record(
        Verb.PAIRING_SAVED, actor=actor, target=pairing, data={"ended": ends_on.isoformat()}
    )
    return pairing


# --- guidance logs ----------------------------------------------------------------------------


@transaction.atomic(durable=True)
def log_guidance(
    pairing: Any, *, actor: User | None, on: date, mode: str, topic: str, content: str = ""
) -> GuidanceLog:
    """A guidance visit (线下走访) or online answer (线上答疑) of a pairing, on a day within it."""
    pk = pairing.pk if isinstance(pairing, Pairing) else pairing
    pairing = access_pairing(actor, pk)
    errors: list[dict[str, str]] = []
    if mode not in GuidanceMode.values:
        errors.append({"field": "mode", "message": "请选择方式：线下走访或线上答疑"})
    topic, content = _text(topic), _text(content)
    if not topic or len(topic) > MAX_TOPIC:
        errors.append({"field": "topic", "message": f"请填写主题（不超过 {MAX_TOPIC} 字）"})
    if len(content) > MAX_CONTENT:
        errors.append({"field": "content", "message": f"内容不能超过 {MAX_CONTENT} 字"})
    if not isinstance(on, date):
        errors.append({"field": "on", "message": "请填写日期"})
    InvalidInput.raise_if_any(errors)
    if on > timezone.localdate():
        raise InvalidInput.field("on", "日期不能晚于今天")
    if on < pairing.starts_on or (pairing.ends_on is not None and on > pairing.ends_on):
        until = f"至 {pairing.ends_on:%Y-%m-%d}" if pairing.ends_on else "起"
        raise InvalidInput.field(
            "on", f"日期须在结对期间内（{pairing.starts_on:%Y-%m-%d} {until}）"
        )
    log = GuidanceLog.objects.create(
        pairing=pairing, on=on, mode=mode, topic=topic, content=content,
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.GUIDANCE_LOGGED, actor=actor, target=log, region=pairing.region,
        data={"pairing": pairing.pk, "mode": mode, "on": on.isoformat()},
    )  # fmt: skip
    return log
