"""/api/v1/ledger/: organizations, people, party organizations (all scoped).

Endpoints are thin adapters: check the permission, find the object with an ``access_*`` helper
(another street's object is 404, the same as a missing one), call one action. A PUT finds its
object *before* it validates the body, so an outsider learns nothing, not even "your body is
wrong", about somebody else's record.
"""

from typing import Any

from django.http import HttpRequest
from ninja import Body, Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.api import body_doc, parse_body
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.idempotency import idempotent
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses

from ..actions import party as party_actions
from ..actions import records as record_actions
from ..queries import records as queries
from ..schemas import (
    CoverageIn,
    CoverageOut,
    OrganizationDetail,
    OrganizationFilter,
    OrganizationIn,
    OrganizationOut,
    PartyOrgCreate,
    PartyOrgDetail,
    PartyOrgFilter,
    PartyOrgOut,
    PersonFilter,
    PersonIn,
    PersonOut,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)


# --- organizations ----------------------------------------------------------------------------


@router.get(
    "/organizations",
    response={200: list[OrganizationOut], **ERRORS},
    summary="组织列表",
    operation_id="ledger_organizations_list",
)
@paginate(PagePagination)
def list_organizations(request: HttpRequest, filters: Query[OrganizationFilter]) -> Any:
    """本人工作范围内的组织，可按区划、类型、状态、覆盖方式、有无在职党员、名称/信用代码筛选。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.organization_list(request.auth, filters.dict()).order_by("region_id", "name")


@router.post(
    "/organizations",
    response={201: OrganizationDetail, **ERRORS},
    summary="新建组织",
    operation_id="ledger_organizations_create",
)
@idempotent
def create_organization(request: HttpRequest, payload: OrganizationIn) -> Any:
    """登记一个组织（统一社会信用代码唯一）。支持 Idempotency-Key。"""
    org = record_actions.create_organization(payload, actor=request.auth)
    return Status(201, queries.access_organization(request.auth, org.pk))


@router.get(
    "/organizations/{org_id}",
    response={200: OrganizationDetail, **ERRORS},
    summary="组织详情",
    operation_id="ledger_organizations_detail",
)
def organization_detail(request: HttpRequest, org_id: int) -> Any:
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.access_organization(request.auth, org_id)


@router.put(
    "/organizations/{org_id}",
    response={200: OrganizationDetail, **ERRORS},
    summary="修改组织（整条记录）",
    operation_id="ledger_organizations_update",
    openapi_extra=body_doc(OrganizationIn, required=True),
)
def update_organization(request: HttpRequest, org_id: int, payload: Body[dict[str, Any]]) -> Any:
    """以整条记录替换；审计日志记下改动的字段。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.auth, org_id)
    data = parse_body(OrganizationIn, payload)
    record_actions.update_organization(org, data, actor=request.auth)
    return queries.access_organization(request.auth, org_id)


@router.put(
    "/organizations/{org_id}/coverage",
    response={200: CoverageOut, **ERRORS},
    summary="设置党建覆盖方式",
    operation_id="ledger_organizations_coverage",
    openapi_extra=body_doc(CoverageIn, required=True),
)
def set_coverage(request: HttpRequest, org_id: int, payload: Body[dict[str, Any]]) -> Any:
    """单独组建、联合组建、挂靠须指定本人工作范围内的党组织。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.auth, org_id)
    data = parse_body(CoverageIn, payload)
    return record_actions.set_coverage(org, data, actor=request.auth)


# --- people ----------------------------------------------------------------------------------


@router.get(
    "/people",
    response={200: list[PersonOut], **ERRORS},
    summary="人员列表（脱敏）",
    operation_id="ledger_people_list",
)
@paginate(PagePagination)
def list_people(request: HttpRequest, filters: Query[PersonFilter]) -> Any:
    """姓名、手机号、身份证号均脱敏；可按身份证号精确查找。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.people_list(request.auth, filters.dict())


@router.post(
    "/people",
    response={201: PersonOut, **ERRORS},
    summary="新建人员",
    operation_id="ledger_people_create",
)
@idempotent
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    """登记一个人员（每个身份证号一人）；填写单位信用代码时同时登记在职。支持 Idempotency-Key。"""
    return Status(201, record_actions.create_person(payload, actor=request.auth))


@router.get(
    "/people/{person_id}",
    response={200: PersonOut, **ERRORS},
    summary="人员详情（脱敏）",
    operation_id="ledger_people_detail",
)
def person_detail(request: HttpRequest, person_id: int) -> Any:
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.access_person(request.auth, person_id)


# --- party organizations ---------------------------------------------------------------------


@router.get(
    "/party-orgs",
    response={200: list[PartyOrgOut], **ERRORS},
    summary="党组织列表",
    operation_id="ledger_party_orgs_list",
)
@paginate(PagePagination)
def list_party_orgs(request: HttpRequest, filters: Query[PartyOrgFilter]) -> Any:
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.party_org_list(request.auth, filters.dict()).order_by("region_id", "name")


@router.post(
    "/party-orgs",
    response={201: PartyOrgDetail, **ERRORS},
    summary="新建党组织",
    operation_id="ledger_party_orgs_create",
)
@idempotent
def create_party_org(request: HttpRequest, payload: PartyOrgCreate) -> Any:
    """上级党组织须在本人工作范围内；书记须为党员。支持 Idempotency-Key。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    secretary = None
    if payload.secretary_id is not None:
        try:
            secretary = queries.access_person(request.auth, payload.secretary_id)
        except NotFound as exc:
            raise InvalidInput.field("secretary_id", exc.detail) from None
    party_org = party_actions.create_party_org(payload, actor=request.auth, secretary=secretary)
    return Status(201, queries.access_party_org(request.auth, party_org.pk))


@router.get(
    "/party-orgs/{party_org_id}",
    response={200: PartyOrgDetail, **ERRORS},
    summary="党组织详情",
    operation_id="ledger_party_orgs_detail",
)
def party_org_detail(request: HttpRequest, party_org_id: int) -> Any:
    require_perm(request.auth, Perm.LEDGER_VIEW)
    return queries.access_party_org(request.auth, party_org_id)
