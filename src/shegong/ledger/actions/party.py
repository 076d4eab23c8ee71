"""Party organizations and their members: create, change, convert or dissolve a temporary
branch, record an approved 延期换届, develop a member (发展党员), audit.

How an organization is covered by a party organization (单独组建, 联合组建, 挂靠 …) is recorded by
``records.set_coverage``; a party organization created here covers nobody until then.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.perms import Perm, require_perm

from .. import rules
from ..choices import CoverageMode, PartyOrgType, PartyRole, PoliticalStatus
from ..models import Coverage, PartyMembership, PartyOrganization, Person
from ..schemas import PartyOrgIn
from .records import _jsonable, check_ledger_region

__all__ = [
    "FORMAL_TYPES",
    "add_party_member",
    "convert_temporary_branch",
    "create_party_org",
    "develop_party_member",
    "dissolve_temporary_branch",
    "extend_term",
    "remove_party_member",
    "update_party_org",
]

# What a 临时党支部 may become: an ordinary basic-level organization (not another temporary
# or functional one, which are themselves provisional arrangements).
FORMAL_TYPES = (
    PartyOrgType.BRANCH,
    PartyOrgType.JOINT_BRANCH,
    PartyOrgType.GENERAL_BRANCH,
    PartyOrgType.COMMITTEE,
)
PARTY_ORG_FIELDS = ["name", "type", "founded_on", "term_end"]


def _require_manage(actor: User | None) -> None:
    if actor is not None:
        require_perm(actor, Perm.LEDGER_MANAGE)


def _parent(
    actor: User | None, parent_id: int | None, *, child: PartyOrganization | None = None
) -> Any:
    """The parent named by id: active, in the actor's scope, and not the child's own subtree."""
    if parent_id is None:
        return None
    qs = PartyOrganization.objects.filter(pk=parent_id, is_active=True)
    if actor is not None:
        qs = qs.visible_to(actor)
    parent = qs.first()
    if parent is None:
        raise InvalidInput.field("parent_id", "上级党组织不存在、已撤销或不在您的工作范围内")
    if child is not None:
        node: PartyOrganization | None
        node, seen = parent, set()
        while node is not None and node.pk not in seen:
            if node.pk == child.pk:
                raise InvalidInput.field("parent_id", "上级党组织不能是它自己或它的下级党组织")
            seen.add(node.pk)
            node = node.parent
    return parent


def _check_dates(data: PartyOrgIn) -> None:
    if data.term_end and not rules.has_reelection(data.type):
        raise InvalidInput.field("term_end", "临时党支部不实行换届，不填届满日期")
    if data.founded_on and data.term_end and data.term_end < data.founded_on:
        raise InvalidInput.field("term_end", "届满日期不能早于成立日期")


def _check_member(person: Person, *, field: str = "person") -> None:
    if not person.is_party_member:
        status = PoliticalStatus(person.political_status).label
        raise InvalidInput.field(
            field,
            f"只有中共党员（正式或预备）可以加入党组织；{person.name_masked}的政治面貌为「{status}」",
        )


@transaction.atomic(durable=True)
def create_party_org(
    data: PartyOrgIn, *, actor: User | None, secretary: Person | None = None
) -> PartyOrganization:
    """A new party organization under an optional parent; ``secretary`` becomes its first member."""
    _require_manage(actor)
    region = check_ledger_region(actor, data.region)
    parent = _parent(actor, data.parent_id)
    _check_dates(data)
    if secretary is not None:
        _check_member(secretary, field="secretary")
    party_org = PartyOrganization.objects.create(
        name=data.name.strip(),
        type=data.type,
        parent=parent,
        region=region,
        secretary=secretary,
        founded_on=data.founded_on,
        term_end=data.term_end,
    )
    if secretary is not None:
        PartyMembership.objects.create(
            party_org=party_org,
            person=secretary,
            role=PartyRole.SECRETARY,
            joined_on=data.founded_on or timezone.localdate(),
        )
    audit.record(
        Verb.PARTY_ORG_CREATED,
        actor=actor,
        target=party_org,
        data={"type": party_org.type, "parent": parent and parent.pk,
              "secretary": secretary and secretary.pk},
    )  # fmt: skip
    return party_org


@transaction.atomic(durable=True)
def update_party_org(
    party_org: PartyOrganization, data: PartyOrgIn, *, actor: User | None
) -> PartyOrganization:
    """Apply a full record; the audit entry lists the fields that changed (old and new value).

    A 临时党支部 becomes formal only through ``convert_temporary_branch``, which keeps the
    history of both; changing its type here is refused.
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if not party_org.is_active:
        raise DomainError("该党组织已撤销或已转建，不能再修改")
    if (
        party_org.type == PartyOrgType.TEMPORARY_BRANCH
        and data.type != PartyOrgType.TEMPORARY_BRANCH
    ):
        raise InvalidInput.field("type", "临时党支部转为正式党组织请使用「转为正式党组织」")
    _check_dates(data)
    values: dict[str, Any] = {name: getattr(data, name) for name in PARTY_ORG_FIELDS}
    values["name"] = values["name"].strip()
    values["region"] = check_ledger_region(actor, data.region)
    values["parent"] = _parent(actor, data.parent_id, child=party_org)
    changed = {}
    for name, new in values.items():
        old = getattr(party_org, name)
        if old != new:
            old_out = old.pk if isinstance(old, PartyOrganization) else _jsonable(old)
            new_out = new.pk if isinstance(new, PartyOrganization) else _jsonable(new)
            changed[name] = [old_out, new_out]
            setattr(party_org, name, new)
    if "term_end" in changed and party_org.extended_to is not None:
        # A new term (换届 held, or the date corrected) ends the approved extension.
        changed["extended_to"] = [party_org.extended_to.isoformat(), None]
        _clear_extension(party_org)
    if changed:
        party_org.save()
        audit.record(
            Verb.PARTY_ORG_UPDATED, actor=actor, target=party_org, data={"changed": changed}
        )
    return party_org


def _clear_extension(party_org: PartyOrganization) -> None:
    party_org.extended_to = party_org.extension_approved_on = None
    party_org.extension_approved_by = party_org.extension_document_no = ""


@transaction.atomic(durable=True)
def extend_term(
    party_org: PartyOrganization,
    *,
    actor: User | None,
    extended_to: date,
    approved_by: str,
    document_no: str,
    approved_on: date,
) -> PartyOrganization:
    """Record an approved 延期换届: the organization is not overdue until ``extended_to``.

    The extension reaches at most ``RULES.reelection_max_extension_months`` beyond the term end
    and carries its approval (approving body, document number, date). A later extension replaces
    the earlier one, within the same limit from the original term end.
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if not party_org.is_active:
        raise DomainError("该党组织已撤销或已转建，不能延期换届")
    if not rules.has_reelection(party_org.type):
        raise DomainError("临时党支部不实行换届，无需延期")
    approved_by, document_no = (approved_by or "").strip(), (document_no or "").strip()
    if not approved_by:
        raise InvalidInput.field("approved_by", "请填写批准延期的机关")
    if not document_no:
        raise InvalidInput.field("document_no", "请填写批准文号")
    if approved_on is None:
        raise InvalidInput.field("approved_on", "请填写批准日期")
    if approved_on > timezone.localdate():
        raise InvalidInput.field("approved_on", "批准日期不能晚于今天")
    if extended_to is None:
        raise InvalidInput.field("extended_to", "请填写延期后的换届日期")
    error = rules.extension_error(party_org.term_end, extended_to)
    if error:
        raise InvalidInput.field("extended_to", error)
    previous = party_org.extended_to
    party_org.extended_to = extended_to
    party_org.extension_approved_by = approved_by
    party_org.extension_document_no = document_no
    party_org.extension_approved_on = approved_on
    party_org.save(
        update_fields=[
            "extended_to", "extension_approved_by", "extension_document_no",
            "extension_approved_on",
        ]
    )  # fmt: skip
    audit.record(
        Verb.PARTY_ORG_TERM_EXTENDED,
        actor=actor,
        target=party_org,
        data={"term_end": party_org.term_end and party_org.term_end.isoformat(),
              "extended_to": extended_to.isoformat(), "approved_by": approved_by,
              "document_no": document_no, "approved_on": approved_on.isoformat(),
              "previous": previous and previous.isoformat()},
    )  # fmt: skip
    return party_org


@transaction.atomic(durable=True)
def dissolve_temporary_branch(
    party_org: PartyOrganization,
    *,
    actor: User | None,
    reason: str,
    dissolved_on: date | None = None,
) -> PartyOrganization:
    """A 临时党支部 dissolves with its body (the project, class or group has ended).

    Its members leave it on that day (their relations were never transferred), the
    organizations it covered fall back to 未覆盖 with the reason as the note, and the branch
    stays on record as dissolved.
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if party_org.type != PartyOrgType.TEMPORARY_BRANCH:
        label = PartyOrgType(party_org.type).label
        raise DomainError(f"这里只撤销临时党支部；「{party_org.name}」是{label}")
    if not party_org.is_active:
        raise DomainError("该临时党支部已转建或已撤销")
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写撤销原因（如项目结束、培训班结业）")
    on = dissolved_on or timezone.localdate()
    if on > timezone.localdate():
        raise InvalidInput.field("dissolved_on", "撤销日期不能晚于今天")
    if party_org.founded_on and on < party_org.founded_on:
        raise InvalidInput.field("dissolved_on", "撤销日期不能早于临时党支部的成立日期")
    if PartyOrganization.objects.filter(parent=party_org, is_active=True).exists():
        raise DomainError("该临时党支部还有下级党组织，请先调整其隶属关系")
    left = PartyMembership.objects.filter(party_org=party_org, left_on=None).update(left_on=on)
    covered = Coverage.objects.filter(party_org=party_org).update(
        party_org=None, mode=CoverageMode.NONE, note=f"临时党支部已撤销：{reason}"[:300]
    )
    party_org.is_active, party_org.dissolved_on = False, on
    party_org.dissolved_reason = reason[:200]
    party_org.save(update_fields=["is_active", "dissolved_on", "dissolved_reason"])
    audit.record(
        Verb.PARTY_ORG_DISSOLVED,
        actor=actor,
        target=party_org,
        data={"on": on.isoformat(), "reason": reason, "members": left, "covered": covered},
    )
    return party_org


@transaction.atomic(durable=True)
def convert_temporary_branch(
    party_org: PartyOrganization,
    *,
    actor: User | None,
    new_type: str,
    name: str | None = None,
    converted_on: date | None = None,
) -> PartyOrganization:
    """Turn a 临时党支部 into a formal organization and return the new one.

    The temporary branch stays on record (inactive, ``converted_to`` the new one): its members
    leave it and join the new one on the conversion day with the same roles, and every
    organization it covered, and every child, moves to the new one.
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if party_org.type != PartyOrgType.TEMPORARY_BRANCH:
        label = PartyOrgType(party_org.type).label
        raise DomainError(f"只有临时党支部可以转为正式党组织；「{party_org.name}」是{label}")
    if party_org.converted_to_id is not None or not party_org.is_active:
        raise DomainError("该临时党支部已转建或已撤销，不能再次转建")
    try:
        target_type = PartyOrgType(new_type)
    except ValueError:
        target_type = None
    if target_type not in FORMAL_TYPES:
        allowed = "、".join(t.label for t in FORMAL_TYPES)
        raise InvalidInput.field("new_type", f"临时党支部只能转为：{allowed}")
    on = converted_on or timezone.localdate()
    if party_org.founded_on and on < party_org.founded_on:
        raise InvalidInput.field("converted_on", "转建日期不能早于临时党支部的成立日期")
    new_name = (name or "").strip() or party_org.name.replace("临时", "", 1).strip()
    formal = PartyOrganization.objects.create(
        name=new_name or party_org.name,
        type=target_type,
        parent=party_org.parent,
        region_id=party_org.region_id,
        secretary=party_org.secretary,
        founded_on=on,
    )
    members = list(PartyMembership.objects.filter(party_org=party_org, left_on=None))
    PartyMembership.objects.bulk_create(
        PartyMembership(
            party_org=formal,
            person_id=m.person_id,
            role=m.role,
            joined_on=on,
            transferred=m.transferred,
        )
        for m in members
    )
    PartyMembership.objects.filter(pk__in=[m.pk for m in members]).update(left_on=on)
    covered = Coverage.objects.filter(party_org=party_org).update(party_org=formal)
    PartyOrganization.objects.filter(parent=party_org).update(parent=formal)
    party_org.converted_to, party_org.converted_on, party_org.is_active = formal, on, False
    party_org.save(update_fields=["converted_to", "converted_on", "is_active"])
    audit.record(
        Verb.PARTY_ORG_CONVERTED,
        actor=actor,
        target=party_org,
        data={"to": formal.pk, "type": target_type.value, "name": formal.name,
              "on": on.isoformat(), "members": len(members), "covered": covered},
    )  # fmt: skip
    return formal


@transaction.atomic(durable=True)
def add_party_member(
    party_org: PartyOrganization,
    person: Person,
    *,
    actor: User | None,
    role: str = PartyRole.MEMBER,
    joined_on: date | None = None,
    transferred: bool | None = None,
) -> PartyMembership:
    """A party member joins ``party_org``; a 书记 also becomes its secretary (the former
    secretary, if any, stays as an ordinary member).

    ``transferred``: whether the member's relation moves here (组织关系转入). By default it does
    for every organization but a 临时党支部, whose members keep it elsewhere (组织关系不转接).
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if not party_org.is_active:
        raise DomainError("该党组织已撤销或已转建，不能再转入党员")
    try:
        role = PartyRole(role)
    except ValueError:
        labels = "、".join(r.label for r in PartyRole)
        raise InvalidInput.field("role", f"党内职务无效，应为：{labels}") from None
    _check_member(person)
    if PartyMembership.objects.filter(party_org=party_org, person=person, left_on=None).exists():
        raise InvalidInput.field("person", f"{person.name_masked}已是该党组织的党员")
    if role == PartyRole.SECRETARY:
        PartyMembership.objects.filter(
            party_org=party_org, role=PartyRole.SECRETARY, left_on=None
        ).update(role=PartyRole.MEMBER)
        party_org.secretary = person
        party_org.save(update_fields=["secretary"])
    if transferred is None:
        transferred = party_org.type != PartyOrgType.TEMPORARY_BRANCH
    membership = PartyMembership.objects.create(
        party_org=party_org,
        person=person,
        role=role,
        joined_on=joined_on or timezone.localdate(),
        transferred=transferred,
    )
    audit.record(
        Verb.PARTY_MEMBER_ADDED,
        actor=actor,
        target=party_org,
        data={"person": person.pk, "role": role.value, "transferred": transferred},
    )
    return membership


@transaction.atomic(durable=True)
def develop_party_member(
    party_org: PartyOrganization,
    person: Person,
    *,
    actor: User | None,
    admitted_on: date | None = None,
) -> PartyMembership:
    """发展党员: the organization admits ``person`` as a 预备党员 (probationary member).

    The person becomes a probationary member of this organization with the relation here. A
    临时党支部 does no member development (its members' relations are elsewhere), so it is
    refused for one.
    """
    _require_manage(actor)
    party_org = PartyOrganization.objects.select_for_update().get(pk=party_org.pk)
    if party_org.type == PartyOrgType.TEMPORARY_BRANCH:
        raise DomainError("临时党支部不发展党员：发展党员由党员组织关系所在的正式党组织负责")
    if not party_org.is_active:
        raise DomainError("该党组织已撤销或已转建，不能发展党员")
    person = Person.objects.select_for_update().get(pk=person.pk)
    if person.is_party_member:
        raise InvalidInput.field("person", f"{person.name_masked}已是中共党员，无需发展")
    on = admitted_on or timezone.localdate()
    if on > timezone.localdate():
        raise InvalidInput.field("admitted_on", "接收预备党员的日期不能晚于今天")
    previous = person.political_status
    person.political_status = PoliticalStatus.PARTY_PROBATIONARY
    person.party_joined_on = on
    person.party_registered_at = party_org.name[:200]
    person.updated_at = timezone.now()
    person.save(
        update_fields=["political_status", "party_joined_on", "party_registered_at", "updated_at"]
    )
    membership = PartyMembership.objects.create(
        party_org=party_org, person=person, role=PartyRole.MEMBER, joined_on=on, transferred=True
    )
    audit.record(
        Verb.PARTY_MEMBER_DEVELOPED,
        actor=actor,
        target=party_org,
        data={"person": person.pk, "on": on.isoformat(), "previous_status": previous},
    )
    return membership


@transaction.atomic(durable=True)
def remove_party_member(
    membership: PartyMembership, *, actor: User | None, left_on: date | None = None
) -> PartyMembership:
    """A member leaves (转出); the row stays as history with ``left_on``."""
    _require_manage(actor)
    membership = PartyMembership.objects.select_for_update().get(pk=membership.pk)
    if membership.left_on is not None:
        raise InvalidInput.field("left_on", "该党员已转出")
    on = left_on or timezone.localdate()
    if membership.joined_on and on < membership.joined_on:
        raise InvalidInput.field("left_on", "转出日期不能早于转入日期")
    membership.left_on = on
    membership.save(update_fields=["left_on"])
    party_org = membership.party_org
    if party_org.secretary_id == membership.person_id:
        party_org.secretary = None
        party_org.save(update_fields=["secretary"])
    audit.record(
        Verb.PARTY_MEMBER_REMOVED,
        actor=actor,
        target=party_org,
        data={"person": membership.person_id, "left_on": on.isoformat()},
    )
    return membership
