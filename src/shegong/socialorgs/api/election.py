"""/api/v1/socialorgs: 换届 (list, detail, open, steps), 延期换届 (list, request, decision) and
dormant cases (list, detection, outcome) — issue 14 §5. Thin adapters over
``actions.election``; every read is scoped (another street's object is a 404)."""

from datetime import date, datetime
from typing import Any

from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses

from .. import queries
from ..actions import election as actions
from ..election_registry import dormant_list, election_list, extension_list
from ..models import DormantCase, Election, StepKind, TermExtension

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


class StepOut(Schema):
    kind: str
    kind_label: str
    done_on: date
    note: str


class ElectionOut(Schema):
    id: int
    social_org: int
    name: str
    opened_on: date
    review_required: bool
    completed_on: date | None
    new_term_start: date | None
    next_step: str | None
    steps: list[StepOut]


class ElectionFilter(Schema):
    state: str = ""
    year: int | None = Field(None, ge=1949, le=2100, description="年度")
    org_type: str = ""


class StepIn(Schema):
    kind: str = ""
    done_on: str = ""
    note: str = ""


class ExtensionOut(Schema):
    id: int
    social_org: int
    name: str
    term_end: date
    new_date: date
    reason: str
    state: str
    requested_at: datetime
    decision_note: str


class ExtensionIn(Schema):
    new_date: str = ""
    reason: str = ""


class ExtensionDecisionIn(Schema):
    approve: bool = False
    note: str = ""


class CaseOut(Schema):
    id: int
    social_org: int
    name: str
    opened_on: date
    grounds: list[str]
    state: str
    state_label: str
    deadline: date | None
    notice_ends_on: date | None
    outcome: str
    legal_basis: str
    closed_on: date | None


class CaseFilter(Schema):
    state: str = ""
    year: int | None = Field(None, ge=1949, le=2100, description="年度")


class DormantOutcomeIn(Schema):
    outcome: str = ""
    deadline: str = ""
    note: str = ""
    legal_basis: str = ""


def election_out(e: Election) -> dict[str, Any]:
    labels = dict(StepKind.choices)
    return {
        "id": e.pk,
        "social_org": e.social_org_id,
        "name": e.social_org.organization.name,
        "opened_on": e.opened_on,
        "review_required": e.review_required,
        "completed_on": e.completed_on,
        "new_term_start": e.new_term_start,
        "next_step": actions.next_step(e) if e.completed_on is None else None,
        "steps": [
            {"kind": s.kind, "kind_label": labels[s.kind], "done_on": s.done_on, "note": s.note}
            for s in e.steps.all()
        ],
    }


def extension_out(x: TermExtension) -> dict[str, Any]:
    return {
        "id": x.pk,
        "social_org": x.social_org_id,
        "name": x.social_org.organization.name,
        "term_end": x.term_end,
        "new_date": x.new_date,
        "reason": x.reason,
        "state": x.state,
        "requested_at": x.requested_at,
        "decision_note": x.decision_note,
    }


def case_out(c: DormantCase) -> dict[str, Any]:
    return {
        "id": c.pk,
        "social_org": c.social_org_id,
        "name": c.social_org.organization.name,
        "opened_on": c.opened_on,
        "grounds": c.grounds,
        "state": c.state,
        "state_label": c.get_state_display(),
        "deadline": c.deadline,
        "notice_ends_on": c.notice_ends_on,
        "outcome": c.outcome,
        "legal_basis": c.legal_basis,
        "closed_on": c.closed_on,
    }


def _election(user: Any, pk: int) -> Election:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    found = (
        Election.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("social_org__organization")
        .first()
    )
    if found is None:
        raise NotFound("未找到该换届，或您无权查看")
    return found


def _case(user: Any, pk: int) -> DormantCase:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    found = (
        DormantCase.objects.visible_to(user)
        .filter(pk=pk)
        .select_related("social_org__organization")
        .first()
    )
    if found is None:
        raise NotFound(actions.CASE_NOT_FOUND)
    return found


@router.get(
    "/elections",
    response={200: list[ElectionOut], **ERRORS},
    summary="换届名单",
    operation_id="socialorgs_elections",
)
@paginate(PagePagination)
def list_elections(request: HttpRequest, filters: Query[ElectionFilter]) -> Any:
    """换届：`state` 为 open（进行中）或 completed（已完成）；`year` 为备案完成年度；`org_type`
    按类型（association 社会团体）。"""
    require_perm(request.auth, Perm.SOCIALORGS_VIEW)
    qs = election_list(request.auth, filters.state, filters.year, filters.org_type)
    return [election_out(e) for e in qs.prefetch_related("steps")]


@router.get(
    "/elections/{int:pk}",
    response={200: ElectionOut, **ERRORS},
    summary="换届详情",
    operation_id="socialorgs_election",
)
def get_election(request: HttpRequest, pk: int) -> Any:
    """一次换届及其已登记的步骤（筹备、选举、备案）。"""
    return election_out(_election(request.auth, pk))


@router.post(
    "/{int:pk}/elections",
    response={201: ElectionOut, **ERRORS},
    summary="启动换届",
    operation_id="socialorgs_election_open",
)
def open_election(request: HttpRequest, pk: int) -> Any:
    """启动换届；该组织已有进行中的换届或已注销时返回 409。"""
    so = queries.access_social_org(request.auth, pk)
    election = actions.open_election(so, actor=request.auth)
    return Status(201, election_out(election))


@router.post(
    "/elections/{int:pk}/steps",
    response={200: ElectionOut, **ERRORS},
    summary="登记换届步骤",
    operation_id="socialorgs_election_step",
)
def record_step(request: HttpRequest, pk: int, payload: StepIn) -> Any:
    """按顺序登记步骤：plan 工作方案、candidates 候选人审核、review 主管单位（党组织）
    审核（有业务主管单位时）、meeting 选举（`note` 填写结果）、filing 备案（完成换届，
    更新任期）；顺序不对返回 409。"""
    election = _election(request.auth, pk)
    actions.record_step(election, payload.kind, payload.dict(), actor=request.auth)
    return election_out(_election(request.auth, pk))


@router.get(
    "/extensions",
    response={200: list[ExtensionOut], **ERRORS},
    summary="延期换届申请",
    operation_id="socialorgs_extensions",
)
@paginate(PagePagination)
def list_extensions(request: HttpRequest, state: str = "") -> Any:
    """延期换届申请：`state` 为 pending（待审批）、approved 或 rejected。"""
    require_perm(request.auth, Perm.SOCIALORGS_VIEW)
    return [extension_out(x) for x in extension_list(request.auth, state)]


@router.post(
    "/{int:pk}/extensions",
    response={201: ExtensionOut, **ERRORS},
    summary="申请延期换届",
    operation_id="socialorgs_extension_request",
)
def request_extension(request: HttpRequest, pk: int, payload: ExtensionIn) -> Any:
    """登记延期换届申请：`new_date` 最晚为本届任期届满后1年，超过返回 422。"""
    so = queries.access_social_org(request.auth, pk)
    return Status(
        201, extension_out(actions.request_extension(so, payload.dict(), actor=request.auth))
    )


@router.post(
    "/extensions/{int:pk}/decision",
    response={200: ExtensionOut, **ERRORS},
    summary="审批延期换届",
    operation_id="socialorgs_extension_decide",
)
def decide_extension(request: HttpRequest, pk: int, payload: ExtensionDecisionIn) -> Any:
    """批准（`approve` 为 true）或不予批准（须填写 `note` 理由）。"""
    require_perm(request.auth, Perm.SOCIALORGS_VIEW)
    ext = TermExtension.objects.visible_to(request.auth).filter(pk=pk).first()
    if ext is None:
        raise NotFound("未找到该延期换届申请，或您无权查看")
    done = actions.decide_extension(
        ext, approve=payload.approve, note=payload.note, actor=request.auth
    )
    return extension_out(done)


@router.get(
    "/dormant-cases",
    response={200: list[CaseOut], **ERRORS},
    summary="僵尸型社会组织案件",
    operation_id="socialorgs_dormant_cases",
)
@paginate(PagePagination)
def list_cases(request: HttpRequest, filters: Query[CaseFilter]) -> Any:
    """`state`：todo 待处置、notice 公告期内、notice_due 公告期满待决定、cleared 已清理、concluded
    已结案（已清理或整改完成）（两者按 `year` 结案年度）、open 未结案。"""
    require_perm(request.auth, Perm.SOCIALORGS_VIEW)
    return [case_out(c) for c in dormant_list(request.auth, filters.state, filters.year)]


@router.post(
    "/dormant-cases/detect",
    response={200: list[CaseOut], **ERRORS},
    summary="排查僵尸型社会组织",
    operation_id="socialorgs_dormant_detect",
)
def detect(request: HttpRequest) -> Any:
    """按规则排查（连续两年未参检、成立后一年内未开展活动），为新发现的组织立案；重复排查不重复立案。"""
    return [case_out(c) for c in actions.run_detection(actor=request.auth)]


OUTCOMES = {"rectify", "rectified", "notice", "cancelled", "revoked", "deregistered"}


@router.post(
    "/dormant-cases/{int:pk}/outcome",
    response={200: CaseOut, **ERRORS},
    summary="处置僵尸型社会组织",
    operation_id="socialorgs_dormant_outcome",
)
def outcome(request: HttpRequest, pk: int, payload: DormantOutcomeIn) -> Any:
    """`outcome`：rectify 限期整改（`deadline`、`note`）、rectified 整改完成、notice 发布60日拟撤销
    公告、cancelled 撤销登记 / revoked 吊销（公告期满后）、deregistered 注销登记。"""
    case = _case(request.auth, pk)
    data, user, kind = payload.dict(), request.auth, payload.outcome
    if kind not in OUTCOMES:
        raise InvalidInput.field("outcome", "处置结果不在可选范围内")
    if kind == "rectify":
        actions.order_rectification(case, data, actor=user)
    elif kind == "rectified":
        actions.mark_rectified(case, data, actor=user)
    elif kind == "notice":
        actions.publish_strike_off_notice(case, actor=user)
    elif kind == "deregistered":
        actions.deregister_dormant(case, data, actor=user)
    else:
        actions.strike_off(case, data, actor=user)
    return case_out(_case(request.auth, pk))


__all__ = ["router"]
