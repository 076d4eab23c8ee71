"""/api/v1/socialorgs/credit: the credit lists (issue 14 §4) — the registrar's listings (list,
detail with the facts found, removal) and the public lookup. Thin adapters: ``credit_queries``
scopes every read (another county's listing is a 404, the same as a missing one), one action
per write."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate

from shegong.core.schemas import PagePagination, problem_responses

from .. import credit_queries
from ..actions import credit
from ..credit_rules import RULE_NAMES
from ..models import CreditListing, ListKind

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


class CreditFilter(Schema):
    kind: str = ""
    state: str = ""
    rule: str = ""
    region: str = ""
    q: str = ""
    sort: str = ""


class ListingOut(Schema):
    id: int
    social_org: int
    name: str
    credit_code: str
    kind: str
    kind_label: str
    rule: str
    rule_label: str
    reason: str
    how_to_leave: str
    authority: str
    fact: dict
    fact_on: date
    listed_on: date
    clock_from: date
    needs_rectification: bool
    rectification: int | None
    leave_applied_at: str | None
    removed_on: date | None
    removal_reason: str


class CreditEventOut(Schema):
    rule: str
    rule_label: str
    fact: dict
    fact_on: date
    found_at: str


class ListingDetail(ListingOut):
    events: list[CreditEventOut]
    removable: bool
    refusal: str


class RemoveIn(Schema):
    removal_reason: str = ""


class PublicListingOut(Schema):
    kind_label: str
    listed_on: date
    reason: str


class PublicOrgOut(Schema):
    name: str
    credit_code: str
    authority: str
    listings: list[PublicListingOut]


class LookupQuery(Schema):
    q: str = ""


def listing_out(listing: CreditListing) -> dict[str, Any]:
    org = listing.social_org.organization
    return {
        "id": listing.pk,
        "social_org": listing.social_org_id,
        "name": org.name,
        "credit_code": org.credit_code or "",
        "kind": listing.kind,
        "kind_label": ListKind(listing.kind).label,
        "rule": listing.rule,
        "rule_label": RULE_NAMES.get(listing.rule, listing.rule),
        **{
            name: getattr(listing, name)
            for name in [
                "reason",
                "how_to_leave",
                "authority",
                "fact",
                "fact_on",
                "listed_on",
                "clock_from",
                "needs_rectification",
                "removed_on",
                "removal_reason",
            ]
        },
        "rectification": listing.rectification_id,
        "leave_applied_at": listing.leave_applied_at.isoformat()
        if listing.leave_applied_at
        else None,
    }


def listing_detail(listing: CreditListing) -> dict[str, Any]:
    from django.utils import timezone

    refusal = credit.removal_refusal(listing, timezone.localdate())
    return {
        **listing_out(listing),
        "events": [
            {
                "rule": e.rule,
                "rule_label": RULE_NAMES.get(e.rule, e.rule),
                "fact": e.fact,
                "fact_on": e.fact_on,
                "found_at": e.found_at.isoformat(),
            }
            for e in listing.events.order_by("fact_on", "pk")
        ],
        "removable": not refusal,
        "refusal": refusal,
    }


@router.get(
    "/credit/lookup",
    response={200: list[PublicOrgOut], **ERRORS},
    summary="社会组织信用查询（公开，无需登录）",
    operation_id="socialorgs_credit_lookup",
    auth=None,
)
def lookup(request: HttpRequest, q: Query[LookupQuery]) -> Any:
    """按名称（至少2个字）或统一社会信用代码查询社会组织，只返回在册的活动异常名录、严重违法失信
    名单记录及其列入事由；不含任何个人信息。最多20个组织。"""
    return [
        {
            "name": so.organization.name,
            "credit_code": so.organization.credit_code or "",
            "authority": so.registration_authority,
            "listings": [
                {"kind_label": ListKind(x.kind).label, "listed_on": x.listed_on, "reason": x.reason}
                for x in so.open_listings
            ],
        }
        for so in credit_queries.public_lookup(q.q)
    ]


@router.get(
    "/credit",
    response={200: list[ListingOut], **ERRORS},
    summary="信用名录列表",
    operation_id="socialorgs_credit_list",
)
@paginate(PagePagination)
def list_listings(request: HttpRequest, filters: Query[CreditFilter]) -> Any:
    """本人工作范围内的活动异常名录、严重违法失信名单记录。`state`：open 在册、removed 已移出、
    recent 近7日新列入、due 待移出、eligible 可申请移出严重违法失信名单、applied 已申请移出；
    `rule`：列入规则；`region`：区划（含下级）；`q`：名称或统一社会信用代码。"""
    return [listing_out(x) for x in credit_queries.filtered(request.auth, **filters.dict())]


@router.get(
    "/credit/{int:pk}",
    response={200: ListingDetail, **ERRORS},
    summary="信用名录记录详情（含认定事实）",
    operation_id="socialorgs_credit_detail",
)
def detail(request: HttpRequest, pk: int) -> Any:
    """一条名录记录：列入事由、移出条件、计时起点、每一项认定事实，以及现在能否移出（不能时说明原因）。"""
    return listing_detail(credit_queries.access_listing(request.auth, pk))


@router.post(
    "/credit/{int:pk}/remove",
    response={200: ListingDetail, **ERRORS},
    summary="移出信用名录",
    operation_id="socialorgs_credit_remove",
)
def remove(request: HttpRequest, pk: int, payload: RemoveIn) -> Any:
    """移出名录，`removal_reason` 必填（社会组织可见）。须整改的未经核实、严重违法失信名单未满2年或
    未经申请、被撤销或吊销登记的组织未注销的，返回 409 并说明原因。"""
    listing = credit_queries.access_listing(request.auth, pk)
    credit.remove_listing(listing, payload.removal_reason, actor=request.auth)
    return listing_detail(credit_queries.access_listing(request.auth, pk))
