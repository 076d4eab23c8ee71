"""Access helpers of the ledger's records, shared by pages and the API (STYLE.md rule 12).

Each returns one row visible to the user or raises ``NotFound``: missing and out-of-scope give
the same message, so nobody can probe another street's ledger.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from shegong.core.errors import NotFound
from shegong.core.pii import blind_index, normalize_id_number

from .models import Organization, PartyOrganization, Person

__all__ = [
    "ORG_NOT_FOUND",
    "PARTY_ORG_NOT_FOUND",
    "PERSON_NOT_FOUND",
    "access_organization",
    "access_party_org",
    "access_person",
    "find_person_by_id_number",
]

ORG_NOT_FOUND = "未找到该组织，或不在您的工作范围内"
PERSON_NOT_FOUND = "未找到该人员，或不在您的工作范围内"
PARTY_ORG_NOT_FOUND = "未找到该党组织，或不在您的工作范围内"


def _one(qs: QuerySet, pk: Any, *, for_write: bool, message: str) -> Any:
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if for_write:
        qs = qs.select_for_update()
    row = qs.filter(pk=pk).first()
    if row is None:
        raise NotFound(message)
    return row


def access_organization(user: Any, pk: Any, *, for_write: bool = False) -> Organization:
    qs = Organization.objects.visible_to(user).select_related("region", "container")
    return _one(qs, pk, for_write=for_write, message=ORG_NOT_FOUND)


def access_person(user: Any, pk: Any, *, for_write: bool = False) -> Person:
    qs = Person.objects.visible_to(user).select_related("region")
    return _one(qs, pk, for_write=for_write, message=PERSON_NOT_FOUND)


def access_party_org(user: Any, pk: Any, *, for_write: bool = False) -> PartyOrganization:
    qs = PartyOrganization.objects.visible_to(user).select_related(
        "region", "parent", "secretary", "converted_to"
    )
    return _one(qs, pk, for_write=for_write, message=PARTY_ORG_NOT_FOUND)


def find_person_by_id_number(user: Any, id_number: str) -> Person | None:
    """The person with this ID number, looked up by its blind index, if the user may see them."""
    text = normalize_id_number(id_number or "")
    if not text:
        return None
    return Person.objects.visible_to(user).filter(id_number_index=blind_index(text)).first()
