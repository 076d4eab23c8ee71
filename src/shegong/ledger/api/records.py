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
    PartyMemberAdd,
    PartyMemberDevelop,
    PartyMemberLeave,
    PartyOrgCreate,
    PartyOrgDetail,
    PartyOrgFilter,
    PartyOrgOut,
    PersonFilter,
    PersonIn,
    PersonOut,
    TemporaryBranchConvert,
    TemporaryBranchDissolve,
    TermExtension,
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


def _person_in_body(request: HttpRequest, person_id: int) -> Any:
    """The person a body names, in the caller's scope; otherwise a 422 on ``person_id``."""
    try:
        return queries.access_person(request.auth, person_id)
    except NotFound as exc:
        raise InvalidInput.field("person_id", exc.detail) from None


def _party_org_step(path: str, summary: str, operation: str, body: type[Any]) -> Any:
    """A POST on a party organization; the body is read after the organization is found, so
    an outsider gets 404 whatever they send."""
    return router.post(
        f"/party-orgs/{{party_org_id}}/{path}",
        response={200: PartyOrgDetail, **ERRORS},
        summary=summary,
        operation_id=f"ledger_party_orgs_{operation}",
        openapi_extra=body_doc(body, required=True),
    )


@router.post(
    "/party-orgs/{party_org_id}/members",
    response={201: PartyOrgDetail, **ERRORS},
    summary="转入党员",
    operation_id="ledger_party_orgs_member_add",
    openapi_extra=body_doc(PartyMemberAdd, required=True),
)
def add_party_member(request: HttpRequest, party_org_id: int, payload: Body[dict[str, Any]]) -> Any:
    """人员须为党员且在本人工作范围内；同一党员不能同时在两个党组织（临时党支部除外）。
    临时党支部的党员组织关系一般不转接（transferred 不填即为否）。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(PartyMemberAdd, payload)
    person = _person_in_body(request, data.person_id)
    party_actions.add_party_member(
        party_org, person, actor=request.auth, role=data.role, joined_on=data.joined_on,
        transferred=data.transferred,
    )  # fmt: skip
    return Status(201, queries.access_party_org(request.auth, party_org_id))


@_party_org_step("members/{membership_id}/leave", "转出党员", "member_leave", PartyMemberLeave)
def remove_party_member(
    request: HttpRequest, party_org_id: int, membership_id: int, payload: Body[dict[str, Any]]
) -> Any:
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(PartyMemberLeave, payload)
    membership = party_org.memberships.filter(pk=membership_id).first()
    if membership is None:
        raise NotFound("未找到该党员记录")
    party_actions.remove_party_member(membership, actor=request.auth, left_on=data.left_on)
    return queries.access_party_org(request.auth, party_org_id)


@_party_org_step("develop", "发展党员（接收预备党员）", "develop", PartyMemberDevelop)
def develop_party_member(
    request: HttpRequest, party_org_id: int, payload: Body[dict[str, Any]]
) -> Any:
    """正式党组织接收非党员为预备党员，组织关系在本党组织。临时党支部不发展党员（409）。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(PartyMemberDevelop, payload)
    person = _person_in_body(request, data.person_id)
    party_actions.develop_party_member(
        party_org, person, actor=request.auth, admitted_on=data.admitted_on
    )
    return queries.access_party_org(request.auth, party_org_id)


@_party_org_step("extension", "登记延期换届", "extend", TermExtension)
def extend_term(request: HttpRequest, party_org_id: int, payload: Body[dict[str, Any]]) -> Any:
    """经批准的延期换届（自届满日期起最长12个月，附批准机关、文号和日期）；延期期间不算超期。
    临时党支部不实行换届。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(TermExtension, payload)
    party_actions.extend_term(party_org, actor=request.auth, **data.dict())
    return queries.access_party_org(request.auth, party_org_id)


@_party_org_step("convert", "临时党支部转为正式党组织", "convert", TemporaryBranchConvert)
def convert_temporary_branch(
    request: HttpRequest, party_org_id: int, payload: Body[dict[str, Any]]
) -> Any:
    """返回新建的正式党组织；党员和覆盖的单位随之转入。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(TemporaryBranchConvert, payload)
    formal = party_actions.convert_temporary_branch(
        party_org, actor=request.auth, new_type=data.new_type, name=data.name,
        converted_on=data.converted_on,
    )  # fmt: skip
    return queries.access_party_org(request.auth, formal.pk)


@_party_org_step("dissolve", "撤销临时党支部", "dissolve", TemporaryBranchDissolve)
def dissolve_temporary_branch(
    request: HttpRequest, party_org_id: int, payload: Body[dict[str, Any]]
) -> Any:
    """项目、培训班等结束时撤销临时党支部：党员当日转出，所覆盖的单位恢复为未覆盖。"""
    require_perm(request.auth, Perm.LEDGER_VIEW)
    party_org = queries.access_party_org(request.auth, party_org_id)
    data = parse_body(TemporaryBranchDissolve, payload)
    party_actions.dissolve_temporary_branch(
        party_org, actor=request.auth, reason=data.reason, dissolved_on=data.dissolved_on
    )
    return queries.access_party_org(request.auth, party_org_id)
