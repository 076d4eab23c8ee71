"""Small builders for the record tests: valid credit codes and ID numbers, and rows made
through the real actions (``actor=None``, the command line), so every row has its audit entry."""

from __future__ import annotations

from itertools import count
from typing import Any

from stdnum.cn import ric, uscc

from shegong.ledger.actions.party import create_party_org
from shegong.ledger.actions.records import create_organization, create_person
from shegong.ledger.models import Organization, PartyOrganization, Person
from shegong.ledger.schemas import OrganizationIn, PartyOrgIn, PersonIn

_serial = count(1)


def credit_code(n: int | None = None) -> str:
    """A valid 统一社会信用代码 (GB 32100 checksum), different for each ``n``."""
    n = next(_serial) if n is None else n
    body = f"91341200{n:09d}"
    return body + uscc.calc_check_digit(body)


def id_number(n: int | None = None) -> str:
    """A valid 18-digit citizen ID number (GB 11643 checksum), different for each ``n``."""
    n = next(_serial) if n is None else n
    body = f"341202{1960 + n // 1000 % 40}0101{n % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def org(region: Any, name: str = "测试企业", **fields: Any) -> Organization:
    data = {"kind": "enterprise", "name": name, "credit_code": credit_code(),
            "region": getattr(region, "code", region), **fields}  # fmt: skip
    return create_organization(OrganizationIn(**data), actor=None)


def person(region: Any, name: str = "张三", **fields: Any) -> Person:
    data = {"name": name, "id_number": id_number(), "region": getattr(region, "code", region),
            **fields}  # fmt: skip
    return create_person(PersonIn(**data), actor=None)


def party_member(region: Any, name: str = "李党员", **fields: Any) -> Person:
    return person(region, name, political_status="party_full", **fields)


def party_org(
    region: Any, name: str = "测试党支部", type: str = "branch", *, secretary: Any = None,
    **fields: Any,
) -> PartyOrganization:  # fmt: skip
    data = {"name": name, "type": type, "region": getattr(region, "code", region), **fields}
    return create_party_org(PartyOrgIn(**data), actor=None, secretary=secretary)
