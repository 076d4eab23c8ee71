"""/api/v1/socialorgs: the registrar's social organizations (list, detail, register, status
change). Thin adapters: ``queries`` scopes every read (another county's organization is a 404,
the same as a missing one), one action per write. The legal representative's name and phone are
masked unless the caller may reveal personal data."""

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.audit import VERB_LABELS, Verb
from shegong.core.perms import Perm
from shegong.core.pii import mask_name, mask_phone
from shegong.core.schemas import PagePagination, problem_responses

from .. import queries
from ..actions import records
from ..choices import SocialOrgStatus, SocialOrgType
from ..models import SocialOrg
from ..schemas import SocialOrgDetail, SocialOrgFilter, SocialOrgIn, SocialOrgOut, StatusChangeIn

router = Router()
DETAIL_FIELDS = [
    "registration_authority", "supervisor", "business_scope", "activity_area", "term_start",
    "term_years", "term_end", "charity", "charity_on", "public_fundraising",
    "public_fundraising_on", "grade_valid_until",
]  # fmt: skip
ERRORS = problem_responses(400, 403, 404, 409, 422)


def social_org_out(so: SocialOrg) -> dict[str, Any]:
    org = so.organization
    return {
        "id": so.pk,
        "name": org.name,
        "credit_code": org.credit_code or "",
        "org_type": so.org_type,
        "org_type_label": SocialOrgType(so.org_type).label,
        "registration_number": so.registration_number,
        "registered_on": so.registered_on,
        "region": org.region_id,
        "region_name": org.region.name,
        "status": so.status,
        "status_label": SocialOrgStatus(so.status).label,
        "grade": so.grade,
    }


def social_org_detail(so: SocialOrg, user: Any) -> dict[str, Any]:
    org = so.organization
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    return {
        **social_org_out(so),
        **{name: getattr(so, name) for name in DETAIL_FIELDS},
        "address": org.address,
        "legal_rep": org.legal_rep if reveal else mask_name(org.legal_rep),
        "legal_rep_phone": org.legal_rep_phone if reveal else mask_phone(org.legal_rep_phone),
        "history": [
            {
                "at": event.at.isoformat(),
                "verb": VERB_LABELS.get(Verb(event.verb), str(event.verb)),
                "actor": event.actor_label,
                "data": event.data,
            }
            for event in queries.history(so)
        ],
    }


@router.get(
    "",
    response={200: list[SocialOrgOut], **ERRORS},
    summary="社会组织列表",
    operation_id="socialorgs_list",
)
@paginate(PagePagination)
def list_social_orgs(request: HttpRequest, filters: Query[SocialOrgFilter]) -> Any:
    """本人工作范围内登记的社会组织，可按类型、登记状态、区划（含下级）、评估等级筛选，按名称或统一
    社会信用代码搜索。"""
    return [social_org_out(so) for so in queries.filtered(request.auth, **filters.dict())]


@router.get(
    "/{int:pk}",
    response={200: SocialOrgDetail, **ERRORS},
    summary="社会组织详情（含变更历史）",
    operation_id="socialorgs_detail",
)
def detail(request: HttpRequest, pk: int) -> Any:
    """一个社会组织的登记信息和全部变更历史（最新在前）；法定代表人姓名和电话按权限脱敏。"""
    return social_org_detail(queries.access_social_org(request.auth, pk), request.auth)


@router.post(
    "",
    response={201: SocialOrgDetail, **ERRORS},
    summary="登记社会组织",
    operation_id="socialorgs_create",
)
def create(request: HttpRequest, payload: SocialOrgIn) -> Any:
    """登记一个社会组织（台账中“社会组织”类的组织及其登记信息）。统一社会信用代码按 GB 32100
    校验，且前两位须为 51 社会团体、52 社会服务机构或 53 基金会，并与类型一致。"""
    so = records.register_social_org(payload.dict(), actor=request.auth)
    so = queries.access_social_org(request.auth, so.pk)
    return Status(201, social_org_detail(so, request.auth))


@router.post(
    "/{int:pk}/status",
    response={200: SocialOrgDetail, **ERRORS},
    summary="变更社会组织登记状态",
    operation_id="socialorgs_status",
)
def change_status(request: HttpRequest, pk: int, payload: StatusChangeIn) -> Any:
    """按法律依据变更登记状态（筹备、正常、限期停止活动、撤销、吊销、注销）；`legal_basis` 必填，
    不允许的变更返回 409 并列出允许的下一步。"""
    so = queries.access_social_org(request.auth, pk)
    records.change_status(so, payload.status, legal_basis=payload.legal_basis, actor=request.auth)
    return social_org_detail(queries.access_social_org(request.auth, pk), request.auth)
