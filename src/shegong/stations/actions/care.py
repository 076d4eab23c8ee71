"""Care for outdoor workers: care campaigns (清凉"新"力量, 腊八粥 …) handing one benefit per worker
out of the stock each station received, and accident-insurance enrolment batches.

A worker never receives the same campaign's benefit twice: ``give_benefit`` checks first (for a
clear message naming when and where it was received) and the database constraint
``distribution_once_per_worker`` settles a race, answered with the same message and nothing
written. What a station has left is its stock minus its distributions; the stock row is locked
while giving, so two hand-outs racing for the last item are serialised.

A campaign or batch is seen by staff whose scope lies inside it (a district campaign is run by
every street and community) or contains it; a street-B one is invisible to street A.

Each entry point runs in one durable transaction and writes one audit entry. ``actor=None``
(command line, demo, tests) skips the permission and scope checks.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.regions.models import Region

from ..models import (
    WORKER_WITHDRAWN,
    CampaignStock,
    CareCampaign,
    Distribution,
    Enrollment,
    InsuranceBatch,
    Station,
    Worker,
)
from ..queries import BATCH_NOT_FOUND, CAMPAIGN_NOT_FOUND, batches_visible_to, campaigns_visible_to

__all__ = [
    "AlreadyReceived",
    "EnrolmentResult",
    "create_campaign",
    "create_insurance_batch",
    "enroll_workers",
    "give_benefit",
    "set_stock",
]

STATION_NOT_FOUND = "未找到该驿站，或您无权查看"
WORKER_NOT_FOUND = "未找到该人员，或您无权查看"
OUT_OF_STOCK = "该驿站物资已发完"
MAX_STOCK = 1_000_000
MAX_ENROL = 5_000


class AlreadyReceived(DomainError):
    """The worker already received this campaign's benefit (when and where in the message)."""

    title = "已领取"

    def __init__(self, previous: Distribution | None):
        if previous is None:  # the race: the other transaction's row is not visible yet
            super().__init__("该人员已领取过本次活动物资")
        else:
            local = timezone.localtime(previous.given_at)
            super().__init__(
                f"该人员已领取过本次活动物资（{local:%Y-%m-%d %H:%M}，{previous.station.name}）"
            )
        self.previous = previous


# --- checks ---------------------------------------------------------------------------------


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)


def _text(errors: list, field: str, label: str, value: Any, limit: int) -> str:
    text = str(value or "").strip()
    if not text:
        errors.append({"field": field, "message": f"请填写{label}"})
    elif len(text) > limit:
        errors.append({"field": field, "message": f"{label}不能超过 {limit} 字"})
    return text


def _period(errors: list, starts_on: Any, ends_on: Any) -> None:
    if not isinstance(starts_on, date):
        errors.append({"field": "starts_on", "message": "请填写开始日期"})
    if not isinstance(ends_on, date):
        errors.append({"field": "ends_on", "message": "请填写结束日期"})
    if isinstance(starts_on, date) and isinstance(ends_on, date) and ends_on < starts_on:
        errors.append({"field": "ends_on", "message": "结束日期不能早于开始日期"})


def _region(errors: list, actor: User | None, value: Any) -> Region | None:
    code = str(value.code if isinstance(value, Region) else value or "").strip()
    regions = Region.objects.all() if actor is None else Region.objects.visible_to(actor)
    region = regions.filter(code=code).first() if code else None
    if region is None:
        errors.append({"field": "region", "message": "请选择范围（须在您的工作范围内）"})
    return region


def _campaign_in_scope(actor: User | None, campaign: CareCampaign) -> None:
    if actor is not None and not campaigns_visible_to(actor).filter(pk=campaign.pk).exists():
        raise NotFound(CAMPAIGN_NOT_FOUND)


def _station_for(actor: User | None, campaign: CareCampaign, station: Station) -> Station:
    """The station, in the actor's scope and inside the campaign's region."""
    if actor is not None and not Station.objects.visible_to(actor).filter(pk=station.pk).exists():
        raise NotFound(STATION_NOT_FOUND)
    station = Station.objects.get(pk=station.pk)
    if not station.region_id.startswith(campaign.region.prefix):
        raise InvalidInput.field("station", f"该驿站不在本次活动范围（{campaign.region.name}）内")
    return station


# --- campaigns ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_campaign(
    *, actor: User | None, name: str, benefit: str, region: Any, starts_on: date, ends_on: date
) -> CareCampaign:
    """A care campaign in ``region`` (in the actor's scope), running from ``starts_on`` to
    ``ends_on`` inclusive."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    errors: list[dict[str, str]] = []
    name = _text(errors, "name", "活动名称", name, 100)
    benefit = _text(errors, "benefit", "发放物品/服务", benefit, 100)
    place = _region(errors, actor, region)
    _period(errors, starts_on, ends_on)
    _raise(errors)
    assert place is not None  # else _region added an error and _raise refused it
    campaign = CareCampaign.objects.create(
        name=name, benefit=benefit, region=place, starts_on=starts_on, ends_on=ends_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.CARE_CAMPAIGN_SAVED, actor=actor, target=campaign,
        data={"name": name, "benefit": benefit, "starts_on": starts_on.isoformat(),
              "ends_on": ends_on.isoformat()},
    )  # fmt: skip
    return campaign


@transaction.atomic(durable=True)
def set_stock(
    campaign: CareCampaign, station: Station, quantity: int, *, actor: User | None
) -> Any:
    """配发: ``station`` received ``quantity`` of the benefit in all (not fewer than it has
    already given out)."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    _campaign_in_scope(actor, campaign)
    station = _station_for(actor, campaign, station)
    whole = isinstance(quantity, int) and not isinstance(quantity, bool)
    if not whole or not 0 <= quantity <= MAX_STOCK:
        raise InvalidInput.field("quantity", f"配发数量应为 0 到 {MAX_STOCK:,} 之间的整数")
    stock = CampaignStock.objects.select_for_update().filter(campaign=campaign, station=station)
    row = stock.first()
    given = Distribution.objects.filter(campaign=campaign, station=station).count()
    if quantity < given:
        raise InvalidInput.field("quantity", f"该驿站已发放 {given} 份，配发数量不能少于已发放数")
    old = row.quantity if row is not None else None
    if row is None:
        row = CampaignStock.objects.create(campaign=campaign, station=station, quantity=quantity)
    else:
        row.quantity = quantity
        row.save(update_fields=["quantity"])
    audit.record(
        Verb.STOCK_SET, actor=actor, target=campaign, region=station.region_id,
        data={"station": station.pk, "quantity": [old, quantity]},
    )  # fmt: skip
    return row


def _previous(campaign: CareCampaign, worker: Worker) -> Distribution | None:
    """The worker's earlier distribution of this campaign, if any."""
    return (
        Distribution.objects.filter(campaign=campaign, worker_id=worker.pk)
        .select_related("station")
        .first()
    )


@transaction.atomic(durable=True)
def give_benefit(
    campaign: CareCampaign,
    *,
    worker: Worker,
    station: Station,
    actor: User | None,
    at: datetime | None = None,
) -> Distribution:
    """Hand the campaign's benefit to ``worker`` at ``station``: within the campaign's dates,
    at a station inside its region with stock left, once per worker per campaign; never to a
    withdrawn (anonymised) profile."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    _campaign_in_scope(actor, campaign)
    Worker.objects.require_live(worker)
    at = at or timezone.now()
    campaign = CareCampaign.objects.select_related("region").get(pk=campaign.pk)
    today = timezone.localdate(at)
    if today < campaign.starts_on:
        raise DomainError(f"活动尚未开始（{campaign.starts_on:%Y-%m-%d} 起）")
    if today > campaign.ends_on:
        raise DomainError(f"活动已结束（{campaign.ends_on:%Y-%m-%d} 止）")
    station = _station_for(actor, campaign, station)
    previous = _previous(campaign, worker)
    if previous is not None:
        raise AlreadyReceived(previous)
    stock = (
        CampaignStock.objects.select_for_update().filter(campaign=campaign, station=station).first()
    )
    given = Distribution.objects.filter(campaign=campaign, station=station).count()
    if stock is None or given >= stock.quantity:
        raise DomainError(OUT_OF_STOCK)
    try:
        with transaction.atomic():  # a savepoint: the constraint settles a race
            distribution = Distribution.objects.create(
                campaign=campaign, worker_id=worker.pk, station=station, given_at=at,
                given_by=actor if getattr(actor, "pk", None) else None,
            )  # fmt: skip
    except IntegrityError:
        raise AlreadyReceived(_previous(campaign, worker)) from None
    audit.record(
        Verb.BENEFIT_GIVEN, actor=actor, target=campaign, region=station.region_id,
        data={"distribution": distribution.pk, "worker": worker.pk, "station": station.pk},
    )  # fmt: skip
    return distribution


# --- insurance ------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_insurance_batch(
    *,
    actor: User | None,
    name: str,
    insurer: str,
    policy_number: str,
    region: Any,
    starts_on: date,
    ends_on: date,
) -> InsuranceBatch:
    """An insurance batch (insurer, policy number, cover period) for workers of ``region``."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    errors: list[dict[str, str]] = []
    name = _text(errors, "name", "批次名称", name, 100)
    insurer = _text(errors, "insurer", "保险公司", insurer, 100)
    policy_number = _text(errors, "policy_number", "保单号", policy_number, 60)
    place = _region(errors, actor, region)
    _period(errors, starts_on, ends_on)
    _raise(errors)
    assert place is not None  # else _region added an error and _raise refused it
    batch = InsuranceBatch.objects.create(
        name=name, insurer=insurer, policy_number=policy_number, region=place,
        starts_on=starts_on, ends_on=ends_on,
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(
        Verb.INSURANCE_BATCH_SAVED, actor=actor, target=batch,
        data={"name": name, "insurer": insurer, "policy_number": policy_number,
              "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )  # fmt: skip
    return batch


@dataclass(frozen=True)
class EnrolmentResult:
    enrolled: int  # newly enrolled
    already: int  # skipped: enrolled before
    outside: int  # skipped: not in the batch's region or not in the actor's scope

    @property
    def message(self) -> str:
        parts = [f"新增参保 {self.enrolled} 人"]
        if self.already:
            parts.append(f"已参保跳过 {self.already} 人")
        if self.outside:
            parts.append(f"不在投保范围跳过 {self.outside} 人")
        return "，".join(parts)


@transaction.atomic(durable=True)
def enroll_workers(
    batch: InsuranceBatch, workers: Iterable[Worker], *, actor: User | None
) -> EnrolmentResult:
    """Enrol ``workers`` (each once; those enrolled before are skipped, and so are those outside
    the batch's region or the actor's scope) and report the counts. A withdrawn (anonymised)
    profile among them refuses the whole enrolment, nothing written."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
        if not batches_visible_to(actor).filter(pk=batch.pk).exists():
            raise NotFound(BATCH_NOT_FOUND)
    batch = InsuranceBatch.objects.select_for_update().select_related("region").get(pk=batch.pk)
    ids = list(dict.fromkeys(w.pk for w in workers))
    if len(ids) > MAX_ENROL:
        raise InvalidInput.field("workers", f"一次最多登记 {MAX_ENROL:,} 人")
    if Worker.objects.filter(pk__in=ids, person__isnull=True).exists():
        raise DomainError(WORKER_WITHDRAWN)
    allowed = Worker.objects.all() if actor is None else Worker.objects.visible_to(actor)
    allowed = in_subtree(allowed, batch.region.prefix).filter(pk__in=ids)
    inside = set(allowed.values_list("pk", flat=True))
    before = set(
        Enrollment.objects.filter(batch=batch, worker_id__in=inside).values_list(
            "worker_id", flat=True
        )
    )
    new = [pk for pk in ids if pk in inside and pk not in before]
    Enrollment.objects.bulk_create([Enrollment(batch=batch, worker_id=pk) for pk in new])
    result = EnrolmentResult(enrolled=len(new), already=len(before), outside=len(ids) - len(inside))
    audit.record(
        Verb.WORKERS_ENROLLED, actor=actor, target=batch,
        data={"enrolled": result.enrolled, "already": result.already, "outside": result.outside},
    )  # fmt: skip
    return result
