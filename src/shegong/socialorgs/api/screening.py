"""/api/v1/socialorgs/screening: illegal social organizations screening (leads, rounds,
visits, interviews, opinion, outcome). Thin adapters: ``screening_queries`` scopes every read
(another street's lead is a 404, the same as a missing one), one action per write. Names of the
people interviewed are masked unless the caller may reveal personal data."""

from datetime import date
from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.perms import Perm
from shegong.core.pii import mask_name
from shegong.core.schemas import PagePagination, problem_responses

from .. import screening_queries as sq
from ..actions import screening
from ..models import Lead, LeadOutcome, LeadSource

router = Router()
ERRORS = problem_responses(400, 403, 404, 409, 422)


class RoundIn(Schema):
    name: str = ""
    starts_on: str = ""
    ends_on: str = ""
    region: str = ""


class RoundOut(Schema):
    id: int
    name: str
    starts_on: date
    ends_on: date
    region: str
    visits: int


class LeadIn(Schema):
    source: str = ""
    report: str = ""
    source_detail: str = ""
    org_name: str = ""
    place: str = ""
    description: str = ""
    received_on: str = ""
    region: str = ""


class LeadFilterIn(Schema):
    round: str = ""
    source: str = ""
    outcome: str = ""
    state: str = ""
    year: str = ""
    recovered: str = ""
    q: str = ""
    sort: str = ""


class LeadOut(Schema):
    id: int
    org_name: str
    place: str
    source: str
    source_label: str
    received_on: date
    region: str
    state: str
    state_label: str
    outcome: str
    outcome_label: str
    outcome_on: date | None
    referred_to: str
    losses_recovered: str


class VisitIn(Schema):
    round: str = ""
    visited_on: str = ""
    place: str = ""
    visitors: str = ""
    findings: str = ""


class ScreeningVisitOut(Schema):
    id: int
    round: int
    round_name: str
    visited_on: date
    place: str
    visitors: str
    findings: str


class InterviewIn(Schema):
    people: list[str] = []
    interviewed_on: str = ""
    record: str = ""


class InterviewOut(Schema):
    id: int
    interviewed_on: date
    people: list[str]
    record: str
    attachments: list[str]


class LeadDetail(LeadOut):
    source_detail: str
    report: int | None
    description: str
    opinion: str
    opinion_on: date | None
    outcome_note: str
    visits: list[ScreeningVisitOut]
    interviews: list[InterviewOut]


class OpinionIn(Schema):
    opinion: str = ""


class LeadOutcomeIn(Schema):
    outcome: str = ""
    referred_to: str = ""
    losses_recovered: str = ""
    outcome_on: str = ""
    outcome_note: str = ""


def lead_out(lead: Lead) -> dict[str, Any]:
    state = sq.state_of(lead)
    return {
        "id": lead.pk, "org_name": lead.org_name, "place": lead.place, "source": lead.source,
        "source_label": LeadSource(lead.source).label, "received_on": lead.received_on,
        "region": lead.region_id, "state": state.value, "state_label": state.label,
        "outcome": lead.outcome,
        "outcome_label": LeadOutcome(lead.outcome).label if lead.outcome else "",
        "outcome_on": lead.outcome_on, "referred_to": lead.referred_to,
        "losses_recovered": str(lead.losses_recovered),
    }  # fmt: skip


def lead_detail(lead: Lead, user: Any) -> dict[str, Any]:
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    return {
        **lead_out(lead),
        "source_detail": lead.source_detail, "report": lead.report_id,
        "description": lead.description, "opinion": lead.opinion, "opinion_on": lead.opinion_on,
        "outcome_note": lead.outcome_note,
        "visits": [
            {"id": v.pk, "round": v.round_id, "round_name": v.round.name,
             "visited_on": v.visited_on, "place": v.place, "visitors": v.visitors,
             "findings": v.findings}
            for v in lead.visits.select_related("round").order_by("-visited_on", "-pk")
        ],
        "interviews": [
            {"id": i.pk, "interviewed_on": i.interviewed_on,
             "people": i.people if reveal else [mask_name(p) for p in i.people],
             "record": i.record, "attachments": [a.name for a in i.attachments.all()]}
            for i in lead.interviews.order_by("-interviewed_on", "-pk")
        ],
    }  # fmt: skip


def _detail(request: HttpRequest, pk: int) -> dict[str, Any]:
    return lead_detail(sq.access_lead(request.auth, pk), request.auth)


@router.get(
    "/screening/rounds", response={200: list[RoundOut], **ERRORS},
    summary="排查轮次列表", operation_id="socialorgs_screening_rounds",
)  # fmt: skip
@paginate(PagePagination)
def list_rounds(request: HttpRequest) -> Any:
    """本人工作范围内的非法社会组织排查轮次（最新在前），含各轮走访次数。"""
    return [
        {"id": r.pk, "name": r.name, "starts_on": r.starts_on, "ends_on": r.ends_on,
         "region": r.region_id, "visits": r.n_visits}
        for r in sq.rounds(request.auth).order_by("-starts_on", "-pk")
    ]  # fmt: skip


@router.post(
    "/screening/rounds", response={201: RoundOut, **ERRORS},
    summary="新建排查轮次", operation_id="socialorgs_screening_round_create",
)  # fmt: skip
def create_round(request: HttpRequest, payload: RoundIn) -> Any:
    """新建一轮排查：名称、起止日期、排查区划（本人工作范围内）。"""
    found = screening.create_round(payload.dict(), actor=request.auth)
    return Status(201, {
        "id": found.pk, "name": found.name, "starts_on": found.starts_on,
        "ends_on": found.ends_on, "region": found.region_id, "visits": 0,
    })  # fmt: skip


@router.get(
    "/screening/leads", response={200: list[LeadOut], **ERRORS},
    summary="非法社会组织线索列表", operation_id="socialorgs_screening_leads",
)  # fmt: skip
@paginate(PagePagination)
def list_leads(request: HttpRequest, filters: Query[LeadFilterIn]) -> Any:
    """可按排查轮次、来源、办理状态（unvisited 待走访、pending 待处置、closed 已办结）、处置结果、
    年度筛选；`recovered=1` 只列挽回群众损失的已办结线索。"""
    qs = sq.filtered_leads(request.auth, sq.LeadFilter(**filters.dict()))
    return [lead_out(lead) for lead in qs]


@router.post(
    "/screening/leads", response={201: LeadDetail, **ERRORS},
    summary="登记非法社会组织线索", operation_id="socialorgs_screening_lead_create",
)  # fmt: skip
def create_lead(request: HttpRequest, payload: LeadIn) -> Any:
    """来源为随手拍（report：工单编号，须在本人工作范围内，否则 404）、群众举报或部门移交
    （source_detail 必填，写明移交部门）。"""
    lead = screening.file_lead(payload.dict(), actor=request.auth)
    return Status(201, _detail(request, lead.pk))


@router.get(
    "/screening/leads/{pk}", response={200: LeadDetail, **ERRORS},
    summary="线索详情（走访、约谈、处置）", operation_id="socialorgs_screening_lead",
)  # fmt: skip
def get_lead(request: HttpRequest, pk: int) -> Any:
    """一条线索及其走访、约谈、处置意见和处置结果；约谈对象姓名按权限脱敏。"""
    return _detail(request, pk)


@router.post(
    "/screening/leads/{pk}/visits", response={201: LeadDetail, **ERRORS},
    summary="记录排查走访", operation_id="socialorgs_screening_visit",
)  # fmt: skip
def add_visit(request: HttpRequest, pk: int, payload: VisitIn) -> Any:
    """在某一排查轮次内走访该线索（走访日期须在轮次期间）。"""
    lead = sq.access_lead(request.auth, pk)
    screening.record_visit(payload.dict(), actor=request.auth, lead=lead)
    return Status(201, _detail(request, pk))


@router.post(
    "/screening/leads/{pk}/interviews", response={201: LeadDetail, **ERRORS},
    summary="记录约谈", operation_id="socialorgs_screening_interview",
)  # fmt: skip
def add_interview(request: HttpRequest, pk: int, payload: InterviewIn) -> Any:
    """约谈对象至少一人；附件请在页面上传。"""
    lead = sq.access_lead(request.auth, pk)
    screening.record_interview(lead, payload.dict(), actor=request.auth)
    return Status(201, _detail(request, pk))


@router.post(
    "/screening/leads/{pk}/opinion", response={200: LeadDetail, **ERRORS},
    summary="提出处置意见", operation_id="socialorgs_screening_opinion",
)  # fmt: skip
def set_opinion(request: HttpRequest, pk: int, payload: OpinionIn) -> Any:
    """办结前可修改。"""
    lead = sq.access_lead(request.auth, pk)
    screening.give_opinion(lead, payload.dict(), actor=request.auth)
    return _detail(request, pk)


@router.post(
    "/screening/leads/{pk}/outcome", response={200: LeadDetail, **ERRORS},
    summary="作出处置结果（办结）", operation_id="socialorgs_screening_outcome",
)  # fmt: skip
def set_outcome(request: HttpRequest, pk: int, payload: LeadOutcomeIn) -> Any:
    """outcome：banned 依法取缔、referred 移交有关部门（referred_to 必填）、no_case 不予立案；
    losses_recovered 挽回群众损失（元，不能为负）。须先提出处置意见；办结后不能再改（409）。"""
    lead = sq.access_lead(request.auth, pk)
    screening.decide_outcome(lead, payload.dict(), actor=request.auth)
    return _detail(request, pk)
