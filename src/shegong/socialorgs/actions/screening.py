"""Illegal social organizations screening (issue 14 §7): rounds, leads, visits, interviews,
the handling opinion and the outcome.

Each entry point runs in one durable transaction, checks the permission (``socialorgs.manage``)
and the scope first, validates everything before writing and writes one audit entry last.
``actor`` None is the system (demo data, the command line): no permission or scope check, and
the dates may be given explicitly (``on``) to backdate the story.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.documents import attachment_fields, check_documents
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.reports.queries import access_report

from ..models import (
    Interview,
    InterviewAttachment,
    Lead,
    LeadOutcome,
    LeadSource,
    ScreeningRound,
    ScreeningVisit,
)
from .records import _choice, _date, _text

__all__ = [
    "create_round",
    "decide_outcome",
    "file_lead",
    "give_opinion",
    "record_interview",
    "record_visit",
]

LEAD_NOT_FOUND = "未找到该线索，或您无权查看"
ROUND_NOT_FOUND = "未找到该排查轮次，或您无权查看"
REGION_NOT_FOUND = "未找到该区划，或不在您的工作范围内"
MAX_PEOPLE = 20
MAX_LOSSES = Decimal("1000000000")


def _check_actor(actor: User | None) -> None:
    if actor is not None:
        require_perm(actor, Perm.SOCIALORGS_MANAGE)


def _scoped_lead(actor: User | None, lead: Lead | int) -> Lead:
    """The lead locked for writing; NotFound when it is outside the actor's scope."""
    pk = lead.pk if isinstance(lead, Lead) else lead
    qs = Lead.objects.visible_to(actor) if actor is not None else Lead.objects.all()
    found = qs.select_for_update().filter(pk=pk).first()
    if found is None:
        raise NotFound(LEAD_NOT_FOUND)
    return found


def _region(actor: User | None, code: Any, errors: list) -> Region | None:
    text = _text(code)
    if not text:
        errors.append({"field": "region", "message": "请选择所属区划"})
        return None
    qs = Region.objects.visible_to(actor) if actor is not None else Region.objects.all()
    found = qs.filter(code=text).first()
    if found is None:
        errors.append({"field": "region", "message": REGION_NOT_FOUND})
    return found


def _limited(
    data: Mapping[str, Any], field: str, label: str, size: int, errors: list, *, required: bool
) -> str:
    value = _text(data.get(field))
    if required and not value:
        errors.append({"field": field, "message": f"请填写{label}"})
    elif len(value) > size:
        errors.append({"field": field, "message": f"{label}不能超过{size}个字"})
    return value


def _not_future(value: date | None, field: str, label: str, errors: list) -> None:
    if value is not None and value > timezone.localdate():
        errors.append({"field": field, "message": f"{label}不能晚于今天"})


# --- rounds -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_round(data: Mapping[str, Any], *, actor: User | None) -> ScreeningRound:
    """Open a screening round (排查轮次): a name, its period and the region it covers."""
    _check_actor(actor)
    errors: list[dict[str, str]] = []
    name = _limited(data, "name", "轮次名称", 100, errors, required=True)
    starts_on = _date(data, "starts_on", "开始日期", errors, required=True)
    ends_on = _date(data, "ends_on", "结束日期", errors, required=True)
    region = _region(actor, data.get("region"), errors)
    if starts_on and ends_on and ends_on < starts_on:
        errors.append({"field": "ends_on", "message": "结束日期不能早于开始日期"})
    InvalidInput.raise_if_any(errors)
    assert region is not None and starts_on is not None and ends_on is not None
    found = ScreeningRound.objects.create(
        name=name, starts_on=starts_on, ends_on=ends_on, region=region, created_by=actor
    )
    audit.record(
        Verb.SCREENING_ROUND_CREATED, actor=actor, target=found, region=region,
        data={"name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )  # fmt: skip
    return found


# --- leads ------------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def file_lead(data: Mapping[str, Any], *, actor: User | None) -> Lead:
    """Register a lead. From a 随手拍 case, ``report`` is the case number (one the actor may
    see: another street's case is NotFound, 404); the region is then the case's. From the
    public or another department, ``source_detail`` names who brought it (a department is
    required)."""
    _check_actor(actor)
    errors: list[dict[str, str]] = []
    source = _choice(data.get("source"), LeadSource, "source", "线索来源", errors)
    detail = _limited(
        data, "source_detail", "来源说明", 200, errors,
        required=source == LeadSource.DEPARTMENT,
    )  # fmt: skip
    org_name = _limited(data, "org_name", "疑似组织名称", 200, errors, required=True)
    place = _limited(data, "place", "活动地点", 300, errors, required=True)
    description = _limited(data, "description", "线索内容", 4000, errors, required=True)
    received_on = _date(data, "received_on", "收到日期", errors, required=False)
    received_on = received_on or timezone.localdate()
    _not_future(received_on, "received_on", "收到日期", errors)
    report = None
    region: Region | None = None
    if source == LeadSource.REPORT:
        number = _text(data.get("report"))
        if not number:
            errors.append({"field": "report", "message": "请填写随手拍工单编号"})
        elif not number.isdigit():
            errors.append({"field": "report", "message": "随手拍工单编号应为数字"})
        else:
            InvalidInput.raise_if_any(errors)
            if actor is None:
                from shegong.reports.models import Report

                report = Report.objects.filter(pk=int(number)).first()
                if report is None:
                    raise NotFound("未找到该工单")
            else:
                report = access_report(actor, int(number))  # out of scope: 404
            region = report.region
    else:
        region = _region(actor, data.get("region"), errors)
    InvalidInput.raise_if_any(errors)
    assert region is not None
    lead = Lead.objects.create(
        source=source, source_detail=detail, report=report, org_name=org_name, place=place,
        description=description, received_on=received_on, region=region, created_by=actor,
    )  # fmt: skip
    audit.record(
        Verb.SCREENING_LEAD_FILED, actor=actor, target=lead, region=region,
        data={"source": source, "report": report.pk if report else None},
    )  # fmt: skip
    return lead


def _open(lead: Lead) -> None:
    if lead.outcome:
        raise DomainError(
            f"该线索已于 {lead.outcome_on:%Y-%m-%d} 办结（{LeadOutcome(lead.outcome).label}），"
            "不能再修改"
        )


# --- visits and interviews --------------------------------------------------------------------


@transaction.atomic(durable=True)
def record_visit(
    data: Mapping[str, Any], *, actor: User | None, lead: Lead | int | None = None
) -> ScreeningVisit:
    """Record a screening visit (走访) in a round: on ``lead`` (still open), or at a place
    found while patrolling (then ``region`` is required)."""
    _check_actor(actor)
    found = _scoped_lead(actor, lead) if lead is not None else None
    if found is not None:
        _open(found)
    errors: list[dict[str, str]] = []
    rounds = ScreeningRound.objects.visible_to(actor) if actor else ScreeningRound.objects.all()
    round_text = _text(data.get("round"))
    the_round = None
    if not round_text:
        errors.append({"field": "round", "message": "请选择排查轮次"})
    elif not round_text.isdigit() or not (the_round := rounds.filter(pk=int(round_text)).first()):
        errors.append({"field": "round", "message": ROUND_NOT_FOUND})
    visited_on = _date(data, "visited_on", "走访日期", errors, required=True)
    _not_future(visited_on, "visited_on", "走访日期", errors)
    default_place = found.place if found else ""
    place = _limited({"place": data.get("place") or default_place}, "place", "走访地点", 300,
                     errors, required=True)  # fmt: skip
    findings = _limited(data, "findings", "走访发现", 4000, errors, required=True)
    visitors = _limited(data, "visitors", "走访人员", 200, errors, required=True)
    region = found.region if found else _region(actor, data.get("region"), errors)
    if the_round and visited_on and not the_round.starts_on <= visited_on <= the_round.ends_on:
        errors.append(
            {
                "field": "visited_on",
                "message": f"走访日期应在该轮次期间（{the_round.starts_on:%Y-%m-%d} 至 "
                f"{the_round.ends_on:%Y-%m-%d}）",
            }
        )
    InvalidInput.raise_if_any(errors)
    assert the_round is not None and region is not None
    visit = ScreeningVisit.objects.create(
        round=the_round, lead=found, visited_on=visited_on, place=place, findings=findings,
        visitors=visitors, region=region, created_by=actor,
    )  # fmt: skip
    audit.record(
        Verb.SCREENING_VISIT_RECORDED, actor=actor, target=found or visit, region=region,
        data={"visit": visit.pk, "round": the_round.pk, "visited_on": str(visited_on)},
    )  # fmt: skip
    return visit


def _people(value: Any) -> list[str]:
    if isinstance(value, str):
        items = value.replace("，", ",").replace("、", ",").replace("\n", ",").split(",")
    elif isinstance(value, Sequence):
        items = [str(v) for v in value]
    else:
        items = []
    return [item.strip() for item in items if item and item.strip()]


@transaction.atomic(durable=True)
def record_interview(
    lead: Lead | int,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    files: Sequence[Any] = (),
) -> Interview:
    """Record an interview (约谈) on an open lead: the people interviewed (at least one),
    the date and the record; attachments optional (every file is checked before anything is
    written: a bad one refuses the whole interview, naming the file)."""
    _check_actor(actor)
    found = _scoped_lead(actor, lead)
    _open(found)
    errors: list[dict[str, str]] = []
    people = _people(data.get("people"))
    if not people:
        errors.append({"field": "people", "message": "请填写约谈对象（至少一人）"})
    elif len(people) > MAX_PEOPLE:
        errors.append({"field": "people", "message": f"约谈对象不能超过{MAX_PEOPLE}人"})
    elif any(len(p) > 50 for p in people):
        errors.append({"field": "people", "message": "约谈对象的姓名不能超过50个字"})
    interviewed_on = _date(data, "interviewed_on", "约谈日期", errors, required=True)
    _not_future(interviewed_on, "interviewed_on", "约谈日期", errors)
    record = _limited(data, "record", "约谈记录", 10000, errors, required=True)
    try:
        docs = check_documents(list(files), field="files") if files else []
    except InvalidInput as exc:
        errors.extend(exc.errors)
        docs = []
    InvalidInput.raise_if_any(errors)
    interview = Interview.objects.create(
        lead=found, interviewed_on=interviewed_on, people=people, record=record,
        region=found.region, created_by=actor,
    )  # fmt: skip
    for doc in docs:
        InterviewAttachment.objects.create(
            interview=interview, uploaded_by=actor, **attachment_fields(doc)
        )
    audit.record(
        Verb.SCREENING_INTERVIEW_RECORDED, actor=actor, target=found, region=found.region,
        data={"interview": interview.pk, "people": len(people), "attachments": len(docs)},
    )  # fmt: skip
    return interview


# --- opinion and outcome ----------------------------------------------------------------------


@transaction.atomic(durable=True)
def give_opinion(
    lead: Lead | int, data: Mapping[str, Any], *, actor: User | None, on: date | None = None
) -> Lead:
    """Write (or revise, while the lead is open) the handling opinion (处置意见)."""
    _check_actor(actor)
    found = _scoped_lead(actor, lead)
    _open(found)
    errors: list[dict[str, str]] = []
    opinion = _limited(data, "opinion", "处置意见", 4000, errors, required=True)
    InvalidInput.raise_if_any(errors)
    found.opinion = opinion
    found.opinion_on = on if actor is None and on else timezone.localdate()
    found.save(update_fields=["opinion", "opinion_on"])
    audit.record(
        Verb.SCREENING_OPINION_GIVEN, actor=actor, target=found, region=found.region,
        data={"opinion_length": len(opinion)},
    )  # fmt: skip
    return found


def _losses(value: Any, errors: list) -> Decimal:
    text = _text(value).replace(",", "").replace("，", "")
    if not text:
        return Decimal(0)
    try:
        amount = Decimal(text)
    except InvalidOperation:
        errors.append({"field": "losses_recovered", "message": "挽回群众损失应为金额（元）"})
        return Decimal(0)
    if not amount.is_finite():
        errors.append({"field": "losses_recovered", "message": "挽回群众损失应为金额（元）"})
    elif amount < 0:
        errors.append({"field": "losses_recovered", "message": "挽回群众损失不能为负数"})
    elif amount >= MAX_LOSSES:
        errors.append({"field": "losses_recovered", "message": "挽回群众损失金额过大，请核对"})
    elif amount != amount.quantize(Decimal("0.01")):
        errors.append({"field": "losses_recovered", "message": "挽回群众损失最多精确到分"})
    return amount


@transaction.atomic(durable=True)
def decide_outcome(lead: Lead | int, data: Mapping[str, Any], *, actor: User | None) -> Lead:
    """Close a lead with its outcome: 依法取缔, 移交有关部门 (``referred_to`` required) or 不予立案,
    the losses recovered (yuan, not negative) and a note. The handling opinion comes first; an
    outcome is final."""
    _check_actor(actor)
    found = _scoped_lead(actor, lead)
    _open(found)
    if not found.opinion:
        raise DomainError("请先提出处置意见，再作出处置结果")
    errors: list[dict[str, str]] = []
    outcome = _choice(data.get("outcome"), LeadOutcome, "outcome", "处置结果", errors)
    referred_to = _limited(
        data, "referred_to", "移交部门", 100, errors, required=outcome == LeadOutcome.REFERRED
    )
    losses = _losses(data.get("losses_recovered"), errors)
    note = _limited(data, "outcome_note", "处置说明", 4000, errors, required=False)
    outcome_on = _date(data, "outcome_on", "办结日期", errors, required=False)
    outcome_on = outcome_on or timezone.localdate()
    _not_future(outcome_on, "outcome_on", "办结日期", errors)
    if outcome_on < found.received_on:
        errors.append({"field": "outcome_on", "message": "办结日期不能早于收到线索的日期"})
    InvalidInput.raise_if_any(errors)
    found.outcome = outcome
    found.outcome_on = outcome_on
    found.referred_to = referred_to if outcome == LeadOutcome.REFERRED else ""
    found.losses_recovered = losses
    found.outcome_note = note
    found.save(
        update_fields=["outcome", "outcome_on", "referred_to", "losses_recovered", "outcome_note"]
    )
    audit.record(
        Verb.SCREENING_OUTCOME_DECIDED, actor=actor, target=found, region=found.region,
        data={
            "outcome": outcome, "referred_to": found.referred_to,
            "losses_recovered": str(losses), "outcome_on": outcome_on.isoformat(),
        },
    )  # fmt: skip
    return found
