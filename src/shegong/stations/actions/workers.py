"""新就业群体: registering a worker, changing the profile and withdrawing; one function per verb.

A worker is a profile of a ledger ``Person`` (one per ID number), never a copy: the Person is
found by the ID number's blind index or created (``ledger.actions.ensure_person``). A worker
registers themself on H5 (``self_service=True``: the Person is linked to their account and the
consent to ``consent.CONSENT_VERSION`` is required), or staff (``stations.manage``, the region
in their scope) register them, confirming the worker was told and agreed. The worker edits their
own work details on H5 too (``update_worker(self_service=True)``), and may withdraw the consent
(``withdraw_worker``): the profile is anonymised, not deleted, so the statistics stay true.

Each entry point runs in one durable transaction and writes one audit entry. ``actor=None``
(command line, demo) skips the permission and scope checks.
"""

from __future__ import annotations

from typing import Any

import pydantic
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.api import field_errors
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.ledger.actions import records as ledger_actions
from shegong.ledger.choices import NEW_EMPLOYMENT_OCCUPATIONS, Occupation, OrgKind
from shegong.ledger.models import Organization, Person
from shegong.ledger.schemas import PersonIn
from shegong.regions.choices import Level
from shegong.regions.models import Region

from ..consent import CONSENT_REQUIRED, CONSENT_VERSION, STAFF_CONSENT_REQUIRED
from ..models import WORKER_WITHDRAWN, Worker

__all__ = [
    "WORKER_KINDS", "WORKER_WITHDRAWN", "platforms", "register_worker", "update_worker",
    "withdraw_worker",
]  # fmt: skip

# The kinds a worker may be: the new-employment occupations, then "other".
WORKER_KINDS = [
    (o.value, o.label)
    for o in Occupation
    if o in NEW_EMPLOYMENT_OCCUPATIONS or o == Occupation.OTHER
]
WORKER_LEVELS = {Level.STREET, Level.COMMUNITY, Level.GRID}
WORKER_NOT_FOUND = "未找到该人员，或您无权查看"
EDITABLE = {"kind", "platform", "delivery_site", "party_member", "region"}
MAX_SITE = 100
MAX_REASON = 200
STAFF_REGION_MESSAGE = "请选择所在街道或社区（须在您的工作范围内）"
SELF_REGION_MESSAGE = "请选择所在街道或社区"


def platforms() -> Any:
    """Platform enterprises a worker may name (district-wide: a platform serves every street)."""
    return Organization.objects.filter(Q(kind=OrgKind.PLATFORM) | Q(is_platform=True)).order_by(
        "name"
    )


# --- checks ---------------------------------------------------------------------------------


def _region(actor: User | None, code: Any, *, self_service: bool) -> Region | None:
    """A street, community or grid: anywhere in the deployment for the worker themself (riders
    move across the district), inside the actor's scope for staff."""
    code = str(code.code if isinstance(code, Region) else code or "").strip()
    regions = Region.objects.all()
    if actor is not None and not self_service:
        regions = Region.objects.visible_to(actor)
    region = regions.filter(code=code, level__in=WORKER_LEVELS).first() if code else None
    return region


def _platform(value: Any) -> Organization | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Organization) else value
    try:
        return platforms().filter(pk=int(pk)).first()
    except (TypeError, ValueError):
        return None


def _profile_errors(values: dict[str, Any], errors: list[dict[str, str]]) -> None:
    if values["kind"] not in dict(WORKER_KINDS):
        errors.append({"field": "kind", "message": "请选择从业类型"})
    if len(values["delivery_site"]) > MAX_SITE:
        errors.append({"field": "delivery_site", "message": f"配送站点不能超过 {MAX_SITE} 字"})


# --- register -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def register_worker(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    phone: str,
    kind: str,
    platform: Any = None,
    delivery_site: str = "",
    party_member: bool = False,
    region: Any,
    consent: bool,
    self_service: bool,
) -> Worker:
    """File a worker profile for the Person with this ID number (found or created)."""
    if actor is not None and not self_service:
        require_perm(actor, Perm.STATIONS_MANAGE)
    errors: list[dict[str, str]] = []
    values = {
        "kind": str(kind or "").strip(),
        "delivery_site": str(delivery_site or "").strip(),
        "party_member": bool(party_member),
    }
    _profile_errors(values, errors)
    place = _region(actor, region, self_service=self_service)
    if place is None:
        errors.append({"field": "region", "message": STAFF_REGION_MESSAGE})
    org = _platform(platform)
    if platform not in (None, "") and org is None:
        errors.append({"field": "platform", "message": "所选平台企业不存在"})
    if not consent:
        message = CONSENT_REQUIRED if self_service else STAFF_CONSENT_REQUIRED
        errors.append({"field": "consent", "message": message})
    data = None
    try:
        data = PersonIn(
            name=name, id_number=id_number, phone=phone,
            occupation=values["kind"] if values["kind"] in dict(WORKER_KINDS) else "other",
            region=place.code if place is not None else "",
        )  # fmt: skip
    except pydantic.ValidationError as exc:
        errors.extend(e for e in field_errors(exc) if e["field"] != "region")
    InvalidInput.raise_if_any(errors)
    assert data is not None and place is not None

    if self_service and actor is not None:
        if Worker.objects.filter(person__user=actor).exists():
            raise DomainError("您已登记过新就业群体档案")

    def not_yet_a_worker(person: Person) -> None:
        if Worker.objects.filter(person=person).exists():
            raise InvalidInput.field("id_number", "该身份证号已登记为新就业群体")

    person, created, linked = ledger_actions.file_person(
        data, actor=actor, region=place, self_service=self_service, check=not_yet_a_worker
    )
    worker = Worker.objects.create(
        person=person, platform=org, region=place,
        consent_version=CONSENT_VERSION, consent_at=timezone.now(),
        registered_by=None if self_service else actor, **values,
    )  # fmt: skip
    audit.record(
        Verb.WORKER_REGISTERED, actor=actor, target=worker, region=place,
        data={
            "kind": worker.kind, "self_service": self_service, "person_created": created,
            "linked_account": linked, "consent_version": worker.consent_version,
        },
    )  # fmt: skip
    return worker


# --- update ---------------------------------------------------------------------------------


def _own_or_in_scope(worker: Worker, actor: User | None, *, self_service: bool) -> None:
    """The actor may act on this live profile: their own (self-service), or in their scope
    with stations.manage (staff); anything else is the same NotFound as a missing one."""
    if actor is None:
        return
    live = Worker.objects.live().filter(pk=worker.pk)
    if self_service:
        if not getattr(actor, "pk", None) or not live.filter(person__user=actor).exists():
            raise NotFound(WORKER_NOT_FOUND)
        return
    require_perm(actor, Perm.STATIONS_MANAGE)
    if not live.visible_to(actor).exists():
        raise NotFound(WORKER_NOT_FOUND)


def _locked_live(worker: Worker) -> Worker:
    worker = Worker.objects.select_for_update().get(pk=worker.pk)
    if worker.is_withdrawn:
        raise DomainError(WORKER_WITHDRAWN)
    return worker


@transaction.atomic(durable=True)
def update_worker(
    worker: Worker, *, actor: User | None, self_service: bool = False, **changes: Any
) -> Worker:
    """Change the profile (kind, platform, delivery site, party member, region): by staff in
    scope, or by the worker themself on H5 (``self_service``: the actor must be the worker's
    own account; the region may be anywhere in the deployment, as when registering).
    Name, ID number and phone belong to the Person and are changed in the ledger."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
    _own_or_in_scope(worker, actor, self_service=self_service)
    worker = _locked_live(worker)
    values = {
        "kind": str(changes.get("kind", worker.kind) or "").strip(),
        "delivery_site": str(changes.get("delivery_site", worker.delivery_site) or "").strip(),
        "party_member": bool(changes.get("party_member", worker.party_member)),
    }
    errors: list[dict[str, str]] = []
    _profile_errors(values, errors)
    if "region" in changes:
        place = _region(actor, changes["region"], self_service=self_service)
        if place is None:
            message = SELF_REGION_MESSAGE if self_service else STAFF_REGION_MESSAGE
            errors.append({"field": "region", "message": message})
        values["region"] = place
    if "platform" in changes:
        org = _platform(changes["platform"])
        if changes["platform"] not in (None, "") and org is None:
            errors.append({"field": "platform", "message": "所选平台企业不存在"})
        values["platform"] = org
    InvalidInput.raise_if_any(errors)
    changed: dict[str, list[Any]] = {}
    for field, new in values.items():
        old = getattr(worker, field)
        if old != new:
            changed[field] = [_plain(old), _plain(new)]
            setattr(worker, field, new)
    if not changed:
        return worker
    worker.save()
    audit.record(
        Verb.WORKER_UPDATED, actor=actor, target=worker, region=worker.region,
        data={"changed": changed, "self_service": self_service},
    )  # fmt: skip
    return worker


# --- withdraw -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def withdraw_worker(
    worker: Worker, *, actor: User | None, self_service: bool, reason: str = ""
) -> Worker:
    """撤回同意并注销 (PIPL arts. 15, 47; the notice's sections 五 and 六): anonymise the profile.

    The row stays, so the 服务人次, benefits and insurance statistics it is part of stay true,
    but nothing ties it to a person any more: ``person`` is cleared (the ledger Person is the
    ledger's and stays), so are the delivery site (free text that may name someone), and
    ``withdrawn_at`` is set; ``consent_version``/``consent_at`` are kept as the record of what
    had been agreed to. The Person may register again afterwards (a new profile).

    The worker withdraws their own (``self_service``, reason optional); staff (stations.manage,
    the worker in scope) withdraw on the worker's request, with a reason. The audit entry holds
    no personal data."""
    _own_or_in_scope(worker, actor, self_service=self_service)
    reason = str(reason or "").strip()
    if not reason and not self_service:
        raise InvalidInput.field("reason", "请填写注销原因（如：本人申请撤回同意）")
    if len(reason) > MAX_REASON:
        raise InvalidInput.field("reason", f"注销原因不能超过 {MAX_REASON} 字")
    worker = _locked_live(worker)
    worker.person = None
    worker.delivery_site = ""
    worker.withdrawn_at = timezone.now()
    worker.save(update_fields=["person", "delivery_site", "withdrawn_at"])
    audit.record(
        Verb.WORKER_WITHDRAWN, actor=actor, target=worker, region=worker.region,
        data={"self_service": self_service, "reason": reason},
    )  # fmt: skip
    return worker


def _plain(value: Any) -> Any:
    if isinstance(value, Region):
        return value.code
    if isinstance(value, Organization):
        return value.pk
    return value
