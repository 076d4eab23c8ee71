"""Organizations, people, employment and coverage: create, change, audit."""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import blind_index
from shegong.regions.choices import Level
from shegong.regions.models import Region

from ..choices import (
    CONTAINER_KINDS,
    CREDIT_CODE_OPTIONAL,
    JOINT_BRANCH_MAX_UNITS,
    OWNED_ELSEWHERE,
    CoverageMode,
    OrgKind,
)
from ..models import Coverage, Employment, Organization, PartyOrganization, Person
from ..schemas import CoverageIn, OrganizationIn, PersonIn

__all__ = [
    "amend_organization",
    "change_organization",
    "check_kept_here",
    "check_ledger_region",
    "coverage_problem",
    "create_organization",
    "create_person",
    "end_employment",
    "ensure_person",
    "file_organization",
    "organization_errors",
    "set_coverage",
    "start_employment",
    "update_organization",
    "update_person",
]

# Fields of OrganizationIn that map one-to-one onto Organization columns.
ORG_FIELDS = [
    "kind", "name", "credit_code", "former_names", "legal_rep", "legal_rep_phone", "investors",
    "address", "lat", "lon", "industry", "employee_count", "party_member_count",
    "party_contact", "status", "is_platform",
]  # fmt: skip
PERSON_FIELDS = [
    "name", "phone", "occupation", "political_status", "party_joined_on",
    "party_registered_at", "is_mobile_member",
]  # fmt: skip
LEDGER_LEVELS = {Level.STREET, Level.COMMUNITY, Level.GRID}


def check_ledger_region(actor: User | None, code: str, *, field: str = "region") -> Region:
    """The region a ledger row is filed under: a street, community or grid in the actor's scope.

    ``actor=None`` (command line, demo) skips the scope check, as shell access implies it.
    """
    region = Region.objects.filter(code=code).first()
    if region is not None and actor is not None:
        region = Region.objects.visible_to(actor).filter(code=code).first()
    if region is None:
        raise InvalidInput.field(field, f"区划代码 {code or '（空）'} 不存在或不在您的工作范围内")
    if region.level not in LEDGER_LEVELS:
        raise InvalidInput.field(field, "台账须登记到街道、社区或网格")
    return region


def check_kept_here(org: Organization | None, data: OrganizationIn | None = None) -> None:
    """Refuse to change a row another registry keeps (a social organization: its registrar's
    record, with the 51/52/53 credit-code rule and its history), or to turn a row into one."""
    if org is not None and org.kind in OWNED_ELSEWHERE:
        raise DomainError(OWNED_ELSEWHERE[org.kind])
    if data is not None and data.kind in OWNED_ELSEWHERE:
        raise InvalidInput.field("kind", OWNED_ELSEWHERE[data.kind])


def organization_errors(data: OrganizationIn, *, existing: Organization | None = None) -> list:
    """Rules across fields and rows (the schema checked each field alone)."""
    errors = []
    if not data.credit_code and OrgKind(data.kind) not in CREDIT_CODE_OPTIONAL:
        errors.append({"field": "credit_code", "message": "该类型的组织须填写统一社会信用代码"})
    if data.credit_code:
        clash = Organization.objects.filter(credit_code=data.credit_code)
        if existing is not None:
            clash = clash.exclude(pk=existing.pk)
        other = clash.first()
        if other is not None:
            errors.append(
                {"field": "credit_code", "message": f"统一社会信用代码已登记：{other.name}"}
            )
    return errors


def _container(data: OrganizationIn) -> Organization | None:
    """The place holding this tenant, named by id (pages, API) or credit code (files)."""
    if data.container_id is None and not data.container_credit_code:
        return None
    places = Organization.objects.filter(kind__in=CONTAINER_KINDS)
    if data.container_id is not None:
        container = places.filter(pk=data.container_id).first()
    else:
        container = places.filter(credit_code=data.container_credit_code).first()
    if container is None:
        field = "container_id" if data.container_id is not None else "container_credit_code"
        raise InvalidInput.field(field, "所在商圈/楼宇/园区不存在")
    return container


def _diff(obj: Any, values: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
            setattr(obj, name, new)
    return changed


def _jsonable(value: Any) -> Any:
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Region):
        return value.code
    if isinstance(value, Organization):  # a tenant's container
        return value.pk
    return value


@transaction.atomic(durable=True)
def create_organization(data: OrganizationIn, *, actor: User | None) -> Organization:
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    region = check_ledger_region(actor, data.region)
    errors = organization_errors(data)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    values = {name: getattr(data, name) for name in ORG_FIELDS}
    values["credit_code"] = values["credit_code"] or None
    org = Organization.objects.create(region=region, container=_container(data), **values)
    Coverage.objects.create(organization=org, region=region, mode=CoverageMode.NONE)
    audit.record(Verb.ORG_CREATED, actor=actor, target=org, data={"kind": org.kind})
    return org


@transaction.atomic(savepoint=False)
def file_organization(data: OrganizationIn, *, region: Region) -> Organization:
    """``create_organization`` inside the caller's transaction, for another app's action that
    files an organization as one step of its own (a social organization's registration). The
    caller has checked its permission and the region's scope, and writes the one audit entry."""
    errors = organization_errors(data)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    values = {name: getattr(data, name) for name in ORG_FIELDS}
    values["credit_code"] = values["credit_code"] or None
    org = Organization.objects.create(region=region, container=_container(data), **values)
    Coverage.objects.create(organization=org, region=region, mode=CoverageMode.NONE)
    return org


@transaction.atomic(savepoint=False)
def amend_organization(
    org: Organization, data: OrganizationIn, *, region: Region
) -> dict[str, list[Any]]:
    """``change_organization`` for another app's action (as ``file_organization``): returns the
    fields that changed, for the caller's own audit entry."""
    org = Organization.objects.select_for_update().get(pk=org.pk)
    errors = organization_errors(data, existing=org)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    values = {name: getattr(data, name) for name in ORG_FIELDS}
    values["credit_code"] = values["credit_code"] or None
    values["region"] = region
    values["container"] = _container(data)
    changed = _diff(org, values)
    if changed:
        org.updated_at = timezone.now()
        org.save()
        if "region" in changed:
            Coverage.objects.filter(organization=org).update(region=region)
    return changed


@transaction.atomic(durable=True)
def update_organization(
    org: Organization, data: OrganizationIn, *, actor: User | None
) -> Organization:
    """Apply a full record; the audit entry lists exactly the fields that changed."""
    return change_organization(org, data, actor=actor)


@transaction.atomic(savepoint=False)
def change_organization(
    org: Organization, data: OrganizationIn, *, actor: User | None
) -> Organization:
    """``update_organization`` inside the caller's transaction, for actions that change an
    organization as one step of their own (a 回头看 task completed as "updated")."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    org = Organization.objects.select_for_update().get(pk=org.pk)
    check_kept_here(org, data)
    region = check_ledger_region(actor, data.region)
    errors = organization_errors(data, existing=org)
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    values = {name: getattr(data, name) for name in ORG_FIELDS}
    values["credit_code"] = values["credit_code"] or None
    values["region"] = region
    values["container"] = _container(data)
    old_status = org.status
    changed = _diff(org, values)
    if not changed:
        return org
    org.updated_at = timezone.now()
    org.save()
    if "region" in changed:
        Coverage.objects.filter(organization=org).update(region=region)
    verb = Verb.ORG_STATUS_CHANGED if org.status != old_status else Verb.ORG_UPDATED
    audit.record(verb, actor=actor, target=org, data={"changed": changed})
    return org


def _person_by_id_number(id_number: str) -> Person | None:
    return Person.objects.filter(id_number_index=blind_index(id_number)).first()


@transaction.atomic(savepoint=False)
def ensure_person(data: PersonIn, *, actor: User | None, region: Region) -> tuple[Person, bool]:
    """The Person with this ID number, or a new one — inside the caller's transaction, for
    another app's action that files a profile of a Person (a 新就业群体 worker). The caller
    checked its own permission and ``region``; no Employment is recorded. Returns
    ``(person, created)``; a new Person gets the same PERSON_CREATED entry as ``create_person``."""
    person = _person_by_id_number(data.id_number)
    if person is not None:
        return person, False
    values = {name: getattr(data, name) for name in PERSON_FIELDS}
    person = Person.objects.create(id_number=data.id_number, region=region, **values)
    audit.record(Verb.PERSON_CREATED, actor=actor, target=person)
    return person, True


def file_person(
    data: PersonIn,
    *,
    actor: User | None,
    region: Region,
    self_service: bool,
    check: Callable[[Person], None] | None = None,
) -> tuple[Person, bool, bool]:
    """The Person a registration (a volunteer, a 新就业群体 worker) is filed for, found by ID
    number or created, inside the caller's transaction, with the account-link rules of a
    self-service registration. The one place personal data is linked for every app.

    - An existing Person is locked, and the name given must be the name on record.
    - ``check(person)`` then runs the caller's own rule on an existing Person (e.g. "already
      registered here").
    - Self-service: the Person is linked to the actor's account, unless it is linked to another
      account, or the account is linked to another Person.
    - A phone is filled in only where the record has none.

    Returns ``(person, created, linked)``.
    """
    person, created = ensure_person(data, actor=actor, region=region)
    if not created:
        person = Person.objects.select_for_update().get(pk=person.pk)
        if person.name != data.name:
            raise InvalidInput.field("name", "姓名与该身份证号的登记信息不符")
        if check is not None:
            check(person)
    linked = False
    if self_service and actor is not None:
        if person.user_id is not None and person.user_id != actor.pk:
            raise InvalidInput.field("id_number", "该身份证号已关联其他账号，请联系社区工作人员")
        other = Person.objects.filter(user=actor).exclude(pk=person.pk).first()
        if other is not None:
            raise DomainError("您的账号已关联其他身份信息，请联系社区工作人员")
        if person.user_id is None:
            person.user = actor
            linked = True
    if not created and not person.phone and data.phone:
        person.phone = data.phone
    if linked or not created:
        person.updated_at = timezone.now()
        person.save()
    return person, created, linked


@transaction.atomic(durable=True)
def create_person(data: PersonIn, *, actor: User | None) -> Person:
    """A new identity; one per ID number. Its current job is recorded if an org is named."""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    region = check_ledger_region(actor, data.region)
    if _person_by_id_number(data.id_number) is not None:
        raise InvalidInput.field("id_number", "该身份证号已登记")
    values = {name: getattr(data, name) for name in PERSON_FIELDS}
    person = Person.objects.create(id_number=data.id_number, region=region, **values)
    audit.record(Verb.PERSON_CREATED, actor=actor, target=person)
    if data.organization_credit_code:
        org = _org_in_scope(actor, data.organization_credit_code)
        _start(person, org, position=data.position, is_manager=data.is_manager, actor=actor)
    return person


@transaction.atomic(durable=True)
def update_person(person: Person, data: PersonIn, *, actor: User | None) -> Person:
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    person = Person.objects.select_for_update().get(pk=person.pk)
    if data.id_number != person.id_number:
        raise InvalidInput.field("id_number", "身份证号不能修改；如登记有误请联系区管理员")
    values = {name: getattr(data, name) for name in PERSON_FIELDS}
    values["region"] = check_ledger_region(actor, data.region)
    changed = _diff(person, values)
    if changed:
        person.updated_at = timezone.now()
        person.save()
        # Field names only: the values are personal data and the audit log is not a copy of it.
        audit.record(Verb.PERSON_UPDATED, actor=actor, target=person,
                     data={"changed": sorted(changed)})  # fmt: skip
    return person


def _org_in_scope(actor: User | None, credit_code: str) -> Organization:
    qs = Organization.objects.filter(credit_code=credit_code)
    if actor is not None:
        qs = qs.visible_to(actor)
    org = qs.first()
    if org is None:
        raise InvalidInput.field(
            "organization_credit_code", f"单位 {credit_code} 未登记或不在您的工作范围内"
        )
    return org


def _start(
    person: Person, org: Organization, *, position: str, is_manager: bool, actor: User | None,
    started_on: date | None = None,
) -> Employment:  # fmt: skip
    current = Employment.objects.filter(person=person, organization=org, ended_on=None).first()
    if current is not None:
        raise InvalidInput.field("organization_credit_code", "此人已在该单位任职")
    job = Employment.objects.create(
        person=person, organization=org, position=position, is_manager=is_manager,
        started_on=started_on,
    )  # fmt: skip
    audit.record(
        Verb.EMPLOYMENT_STARTED, actor=actor, target=org,
        data={"person": person.pk, "position": position, "manager": is_manager},
    )  # fmt: skip
    return job


@transaction.atomic(durable=True)
def start_employment(
    person: Person, org: Organization, *, actor: User | None, position: str = "",
    is_manager: bool = False, started_on: date | None = None,
) -> Employment:  # fmt: skip
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    return _start(
        person, org, position=position, is_manager=is_manager, actor=actor, started_on=started_on
    )


@transaction.atomic(durable=True)
def end_employment(
    job: Employment, *, actor: User | None, ended_on: date | None = None
) -> Employment:
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    if job.ended_on is not None:
        raise InvalidInput.field("ended_on", "该任职已结束")
    job.ended_on = ended_on or timezone.localdate()
    if job.started_on and job.ended_on < job.started_on:
        raise InvalidInput.field("ended_on", "离职日期不能早于入职日期")
    job.save(update_fields=["ended_on"])
    audit.record(
        Verb.EMPLOYMENT_ENDED, actor=actor, target=job.organization,
        data={"person": job.person_id, "ended_on": job.ended_on.isoformat()},
    )  # fmt: skip
    return job


PARTY_ORG_MODES = {CoverageMode.STANDALONE, CoverageMode.JOINT, CoverageMode.AFFILIATED}


def coverage_problem(
    org: Organization | None, mode: CoverageMode, party_org: PartyOrganization | None,
    *, also_joint: Collection[int] = (),
) -> str | None:  # fmt: skip
    """Why ``org`` cannot be covered by ``mode`` through ``party_org`` (None: it can).

    Not durable: ``set_coverage`` and the coverage import both ask it inside their transaction.
    ``also_joint``: pks of other organizations the same write puts under ``party_org`` jointly
    (rows of the same import file), counted with the ones already recorded.
    """
    if mode in PARTY_ORG_MODES and party_org is None:
        return f"「{mode.label}」须指定党组织"
    if mode == CoverageMode.JOINT:
        units = set(
            Coverage.objects.filter(party_org=party_org, mode=CoverageMode.JOINT)
            .exclude(organization=org)
            .values_list("organization_id", flat=True)
        )
        units.update(also_joint)
        units.discard(org and org.pk)
        if len(units) >= JOINT_BRANCH_MAX_UNITS:
            return f"联合党支部覆盖的单位一般不超过{JOINT_BRANCH_MAX_UNITS}个"
    return None


@transaction.atomic(durable=True)
def set_coverage(org: Organization, data: CoverageIn, *, actor: User | None) -> Coverage:
    """How party work reaches ``org``: its own organization, a joint branch, an instructor …"""
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)
    mode = CoverageMode(data.mode)
    party_org = None
    if mode in PARTY_ORG_MODES and data.party_org_id is not None:
        qs = PartyOrganization.objects.filter(pk=data.party_org_id, is_active=True)
        if actor is not None:
            qs = qs.visible_to(actor)
        party_org = qs.first()
        if party_org is None:
            raise NotFound("未找到该党组织，或不在您的工作范围内")
    problem = coverage_problem(org, mode, party_org)
    if problem:
        raise InvalidInput.field("party_org_id", problem)
    coverage, _ = Coverage.objects.select_for_update().get_or_create(
        organization=org, defaults={"region_id": org.region_id}
    )
    before = {"mode": coverage.mode, "party_org": coverage.party_org_id}
    coverage.mode, coverage.party_org = mode, party_org
    coverage.since, coverage.note, coverage.region_id = data.since, data.note, org.region_id
    coverage.save()
    audit.record(
        Verb.COVERAGE_SET, actor=actor, target=org,
        data={"before": before, "mode": mode.value, "party_org": party_org and party_org.pk},
    )  # fmt: skip
    return coverage
