"""/api/v1/grants/funds: community charity funds (社区慈善基金) — funds, the ledger (list with
a period filter, record a donation), items, spending (request, decide, pay), disclosures.

Thin adapters over ``actions``. A fund or spending is found in the caller's scope before the body
is read (another street's is a 404 like a missing one). A pay beyond the balance is a 409/422
problem, never a 500."""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.grants.actions import disclosures, ledger, spending
from shegong.grants.models import Disclosure, Movement, Spending
from shegong.grants.queries import funds as fund_queries
from shegong.grants.queries import targets
from shegong.grants.schemas.funds import (
    FundDecisionIn,
    FundDetailOut,
    FundDiscloseIn,
    FundDisclosureOut,
    FundDonationIn,
    FundItemOut,
    FundMovementFilter,
    FundMovementOut,
    FundOut,
    FundPayIn,
    FundSpendingIn,
    FundSpendingOut,
    FundTargetOut,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


@router.get(
    "/funds", response={200: list[FundOut], **ERRORS}, summary="社区慈善基金（辖区内）",
    operation_id="grants_funds_list",
)  # fmt: skip
@paginate(PagePagination)
def list_funds(request: HttpRequest) -> Any:
    require_perm(request.auth, Perm.FUNDS_VIEW)
    return fund_queries.funds_for_staff(request.auth).select_related("host").order_by("pk")


@router.get(
    "/funds/{fund_id}", response={200: FundDetailOut, **ERRORS}, summary="基金详情（协议、管委会）",
    operation_id="grants_funds_detail",
)  # fmt: skip
def fund_detail(request: HttpRequest, fund_id: int) -> Any:
    return fund_queries.access_fund(request.auth, fund_id)


@router.get(
    "/funds/{fund_id}/movements", response={200: list[FundMovementOut], **ERRORS},
    summary="收支流水（可按类型、月份、日期、捐赠方筛选）", operation_id="grants_funds_movements",
)  # fmt: skip
@paginate(PagePagination)
def movements(request: HttpRequest, fund_id: int, filters: Query[FundMovementFilter]) -> Any:
    fund = fund_queries.access_fund(request.auth, fund_id)
    params = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    return fund_queries.ledger(Movement.objects.filter(fund=fund), params)


@router.post(
    "/funds/{fund_id}/movements", response={201: FundMovementOut, **ERRORS},
    summary="登记捐赠（现金、物资、资源置换）", operation_id="grants_funds_donate",
    openapi_extra=body_doc(FundDonationIn),
)  # fmt: skip
def donate(request: HttpRequest, fund_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    """缺少类型、捐赠方、金额或资源置换的回馈方式 → 422；基金未启用 → 422。"""
    fund = fund_queries.access_fund(request.auth, fund_id, for_write=True)
    data = parse_body(FundDonationIn, payload)
    line = ledger.record_donation(
        request.auth, fund, kind=data.kind, donor_name=data.donor_name,
        donor_kind=data.donor_kind, anonymous=data.anonymous, amount_value=data.amount,
        item_name=data.item_name, unit=data.unit, quantity_value=data.quantity,
        unit_value=data.unit_value, is_service=data.is_service, recognition=data.recognition,
        pledge=data.pledge, note=data.note,
    )  # fmt: skip
    return Status(201, line)


@router.get(
    "/funds/{fund_id}/items", response={200: list[FundItemOut], **ERRORS},
    summary="物资与服务资源（含结存）", operation_id="grants_funds_items",
)  # fmt: skip
@paginate(PagePagination)
def items(request: HttpRequest, fund_id: int) -> Any:
    return fund_queries.access_fund(request.auth, fund_id).items.order_by("-received_on", "-pk")


@router.get(
    "/funds/{fund_id}/disclosures", response={200: list[FundDisclosureOut], **ERRORS},
    summary="信息披露", operation_id="grants_funds_disclosures",
)  # fmt: skip
@paginate(PagePagination)
def fund_disclosures(request: HttpRequest, fund_id: int) -> Any:
    return fund_queries.disclosures_of(fund_queries.access_fund(request.auth, fund_id))


@router.post(
    "/funds/{fund_id}/disclosures", response={201: FundDisclosureOut, **ERRORS},
    summary="生成并公示某月收支", operation_id="grants_funds_disclose",
    openapi_extra=body_doc(FundDiscloseIn),
)  # fmt: skip
def disclose(request: HttpRequest, fund_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    fund = fund_queries.access_fund(request.auth, fund_id, for_write=True)
    data = parse_body(FundDiscloseIn, payload)
    made = disclosures.disclose(request.auth, fund, data.month)
    return Status(201, Disclosure.objects.get(pk=made.pk))


@router.get(
    "/funds/{fund_id}/spending", response={200: list[FundSpendingOut], **ERRORS},
    summary="基金的支出申请", operation_id="grants_funds_spending_list",
)  # fmt: skip
@paginate(PagePagination)
def fund_spending(request: HttpRequest, fund_id: int) -> Any:
    fund = fund_queries.access_fund(request.auth, fund_id)
    return Spending.objects.filter(fund=fund).order_by("-requested_at", "-pk")


@router.get(
    "/funds/{fund_id}/targets", response={200: list[FundTargetOut], **ERRORS},
    summary="可选的支出去向（本社区已签约或实施中的公益创投项目、推进中的落地实事、服务中的常态化服务）",
    operation_id="grants_funds_targets",
)  # fmt: skip
def spending_targets(request: HttpRequest, fund_id: int, kind: str = "") -> Any:
    """kind：project（公益创投项目）、action_item（落地实事）、standing_order（常态化服务）；
    最新的在前，至多 200 项。其他 kind → 422；辖区外的基金 → 404。"""
    fund = fund_queries.access_fund(request.auth, fund_id)
    if targets.kind_of(kind[:20]) is None:
        raise InvalidInput.field("kind", "请选择去向类型：project、action_item 或 standing_order")
    return targets.spending_targets(fund, kind)


@router.post(
    "/funds/{fund_id}/spending", response={201: FundSpendingOut, **ERRORS},
    summary="申请支出（现金或物资）", operation_id="grants_funds_spending_request",
    openapi_extra=body_doc(FundSpendingIn),
)  # fmt: skip
def request_spending(
    request: HttpRequest, fund_id: int, payload: Body[dict[str, Any]] = None
) -> Any:
    fund = fund_queries.access_fund(request.auth, fund_id, for_write=True)
    data = parse_body(FundSpendingIn, payload)
    found = spending.request_spending(
        request.auth, fund, title=data.title, purpose=data.purpose, target=data.target,
        project=data.project, action_item=data.action_item, standing_order=data.standing_order,
        payee=data.payee, amount_value=data.amount, item=data.item, quantity_value=data.quantity,
        beneficiaries=data.beneficiaries,
    )  # fmt: skip
    return Status(201, found)


@router.get(
    "/spending", response={200: list[FundSpendingOut], **ERRORS},
    summary="待审议、待支付的支出（辖区内）", operation_id="grants_funds_spending_queue",
)  # fmt: skip
@paginate(PagePagination)
def queue(request: HttpRequest, status: str = "") -> Any:
    require_perm(request.auth, Perm.FUNDS_VIEW)
    return fund_queries.spending_queue(request.auth, status[:12])


@router.get(
    "/spending/{spending_id}", response={200: FundSpendingOut, **ERRORS}, summary="支出详情",
    operation_id="grants_funds_spending_detail",
)  # fmt: skip
def spending_detail(request: HttpRequest, spending_id: int) -> Any:
    return fund_queries.access_spending(request.auth, spending_id)


@router.post(
    "/spending/{spending_id}/decide", response={200: FundSpendingOut, **ERRORS},
    summary="管委会审议（须记录监督员意见）", operation_id="grants_funds_spending_decide",
    openapi_extra=body_doc(FundDecisionIn),
)  # fmt: skip
def decide(request: HttpRequest, spending_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = fund_queries.access_spending(request.auth, spending_id, for_write=True)
    data = parse_body(FundDecisionIn, payload)
    spending.decide(
        request.auth, found, approve=bool(data.approve), resolution=data.resolution,
        votes_for=data.votes_for, votes_against=data.votes_against,
        supervisor=data.supervisor, supervisor_opinion=data.supervisor_opinion,
    )  # fmt: skip
    return Spending.objects.get(pk=found.pk)


@router.post(
    "/spending/{spending_id}/pay", response={200: FundSpendingOut, **ERRORS},
    summary="支付（余额不足 → 409）", operation_id="grants_funds_spending_pay",
    openapi_extra=body_doc(FundPayIn),
)  # fmt: skip
def pay(request: HttpRequest, spending_id: int, payload: Body[dict[str, Any]] = None) -> Any:
    found = fund_queries.access_spending(request.auth, spending_id, for_write=True)
    data = parse_body(FundPayIn, payload)
    spending.pay(request.auth, found, note=data.note)
    return Spending.objects.get(pk=found.pk)
