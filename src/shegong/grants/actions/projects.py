"""Funded projects (立项项目): sign the agreement with its tranche plan (refused while an open
objection holds the project, and before the 公示 window ends unless the manager confirms), the
organization requests a tranche with its progress report and evidence, staff approve or send
it back and mark it paid (``Project.paid``, which the database keeps ≤ the amount), supervision
visits and the mid-term evaluation, 结项 (indicators, beneficiaries, money returned) or
termination."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.values import lock, long_text, money, move, text
from shegong.grants.actions._grants import (
    a_date,
    count,
    require_manager,
    store,
    uploads,
)
from shegong.grants.actions._tell import tell_org
from shegong.grants.choices import (
    PROJECT_TRANSITIONS,
    TRANCHE_TRANSITIONS,
    ProjectStatus,
    TrancheStatus,
    VisitKind,
    VisitRating,
)
from shegong.grants.models import Project, Tranche, Visit
from shegong.grants.queries.calls import PROJECT_NOT_FOUND, TRANCHE_NOT_FOUND
from shegong.notices.choices import NoticeStatus
from shegong.notices.queries import is_held, notices_of
from shegong.socialorgs.portal import portal_org

__all__ = [
    "complete", "decide_tranche", "pay_tranche", "record_visit", "request_tranche", "sign",
    "terminate",
]  # fmt: skip

MAX_TRANCHES = 12


def _tell_tranche(actor: Any, tranche: Tranche, what: str) -> None:
    """The organization's accounts: a tranche approved, returned (with the reason) or paid."""
    project = tranche.project
    tell_org(actor, project.social_org_id, f"grants.tranche_{what}", {
        "title": project.title, "seq": tranche.seq, "amount": tranche.amount,
        "note": tranche.decision_note, "paid_on": tranche.paid_on,
        "voucher_no": tranche.voucher_no, "pk": project.pk,
    })  # fmt: skip


def _plan(project: Project, value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput.field("tranches", "请按节点安排拨付期次")
    if len(value) > MAX_TRANCHES:
        raise InvalidInput.field("tranches", f"拨付期次不能超过 {MAX_TRANCHES} 期")
    out: list[dict[str, Any]] = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidInput.field("tranches", "拨付期次格式不正确")
        amount = money(entry.get("amount"), "tranches", "每期金额")
        if amount <= 0:
            raise InvalidInput.field("tranches", "每期金额须大于 0")
        out.append(
            {
                "milestone": text(entry.get("milestone"), "tranches", "拨付节点", 200),
                "amount": amount,
                "due_on": a_date(entry.get("due_on"), "tranches", "计划时间", required=False),
            }
        )
    total = sum((t["amount"] for t in out), Decimal("0.00"))
    if total != project.amount:
        raise InvalidInput.field(
            "tranches", f"各期金额合计 {total} 元，须等于资助金额 {project.amount} 元"
        )
    return out


@transaction.atomic(durable=True)
def sign(
    actor: Any, project: Any, *, agreement_no: Any, signed_on: Any, tranches: Any,
    agreement: Any = None, confirm_early: bool = False,
) -> Project:  # fmt: skip
    """Sign the agreement and fix the tranche plan (Σ = the amount); ``agreement``: the signed
    agreement's uploaded file(s). Refused while an open objection holds the project; before the
    公示 window has ended only when the manager confirms (``confirm_early``)."""
    found = lock(Project, project, PROJECT_NOT_FOUND)
    require_manager(actor, found.region_id, PROJECT_NOT_FOUND)
    if is_held(found):
        raise DomainError("该项目的公示有尚未处理完毕的异议，异议办结前不能签约")
    running = (
        notices_of(found).filter(status=NoticeStatus.PUBLISHED, ends_at__gt=timezone.now()).first()
    )
    if running is not None and not confirm_early:
        raise DomainError(
            f"公示期至 {timezone.localtime(running.ends_at):%Y-%m-%d %H:%M} 结束，"
            "公示期满后签约，或由管理人员确认提前签约"
        )
    number = text(agreement_no, "agreement_no", "协议编号", 40)
    day = a_date(signed_on, "signed_on", "签约日期")
    plan = _plan(found, tranches)
    move(found, ProjectStatus.SIGNED, PROJECT_TRANSITIONS, ProjectStatus)
    found.agreement_no, found.signed_on = number, day
    found.agreement = store(agreement, "agreements", "agreement")
    found.save(update_fields=["status", "agreement_no", "signed_on", "agreement"])
    found.tranches.all().delete()
    Tranche.objects.bulk_create(
        Tranche(project=found, region_id=found.region_id, seq=i, **entry)
        for i, entry in enumerate(plan, start=1)
    )
    audit.record(
        Verb.GRANT_PROJECT_SIGNED, actor=actor, target=found,
        data={"agreement_no": number, "tranches": len(plan), "early": running is not None},
    )  # fmt: skip
    tell_org(actor, found.social_org_id, "grants.project_signed", {
        "title": found.title, "agreement_no": number, "tranches": len(plan), "pk": found.pk,
    })  # fmt: skip
    return found


def _active(project: Project) -> None:
    if project.status not in (ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS):
        raise IllegalTransition(project.get_status_display(), "拨付", ["签约后、结项前才能拨付"])


@transaction.atomic(durable=True)
def request_tranche(actor: Any, tranche: Any, *, report: Any, evidence: Any = None) -> Tranche:
    """The organization (portal) requests a tranche with its progress report and evidence (uploaded
    files, required; a re-request after a send-back replaces the evidence)."""
    org = portal_org(actor)
    found = lock(Tranche, tranche, TRANCHE_NOT_FOUND)
    project = Project.objects.get(pk=found.project_id)
    if project.social_org_id != org.pk:
        raise NotFound(TRANCHE_NOT_FOUND)
    _active(project)
    found.report = long_text(report, "report", "进展报告", 5000)
    if not uploads(evidence, "evidence"):
        raise InvalidInput.field("evidence", "请上传佐证材料")
    move(found, TrancheStatus.REQUESTED, TRANCHE_TRANSITIONS, TrancheStatus)
    found.evidence = store(evidence, "evidence", "evidence")
    found.requested_at = timezone.now()
    found.save(update_fields=["status", "report", "evidence", "requested_at"])
    audit.record(Verb.GRANT_TRANCHE_REQUESTED, actor=actor, target=found, data={"seq": found.seq})
    return found


@transaction.atomic(durable=True)
def decide_tranche(actor: Any, tranche: Any, *, approve: Any, note: Any = "") -> Tranche:
    """Approve a requested tranche, or send it back (a note required)."""
    found = lock(Tranche, tranche, TRANCHE_NOT_FOUND)
    require_manager(actor, found.region_id, TRANCHE_NOT_FOUND)
    if approve not in (True, False):
        raise InvalidInput.field("approve", "请选择审核结论")
    note = text(note, "note", "审核意见", 500, required=not approve)
    to = TrancheStatus.APPROVED if approve else TrancheStatus.REJECTED
    move(found, to, TRANCHE_TRANSITIONS, TrancheStatus)
    found.decision_note = note
    found.approved_by = actor if getattr(actor, "pk", None) else None
    found.approved_at = timezone.now()
    found.save(update_fields=["status", "decision_note", "approved_by", "approved_at"])
    audit.record(Verb.GRANT_TRANCHE_DECIDED, actor=actor, target=found, data={"approve": approve})
    _tell_tranche(actor, found, "approved" if approve else "returned")
    return found


@transaction.atomic(durable=True)
def pay_tranche(actor: Any, tranche: Any, *, voucher_no: Any, paid_on: Any = None) -> Tranche:
    """Mark an approved tranche paid (voucher number); the project's ``paid`` grows by its
    amount under the project's row lock (the database refuses paid > amount)."""
    found = lock(Tranche, tranche, TRANCHE_NOT_FOUND)
    require_manager(actor, found.region_id, TRANCHE_NOT_FOUND)
    project = lock(Project, found.project_id, PROJECT_NOT_FOUND)
    _active(project)
    voucher = text(voucher_no, "voucher_no", "拨付凭证号", 40)
    day = a_date(paid_on, "paid_on", "拨付日期", required=False) or timezone.localdate()
    if project.paid + found.amount > project.amount:
        raise InvalidInput.field("amount", "拨付后累计金额将超过资助金额")
    move(found, TrancheStatus.PAID, TRANCHE_TRANSITIONS, TrancheStatus)
    found.voucher_no, found.paid_on = voucher, day
    found.save(update_fields=["status", "voucher_no", "paid_on"])
    Project.objects.filter(pk=project.pk).update(paid=F("paid") + found.amount)
    if project.status == ProjectStatus.SIGNED:
        Project.objects.filter(pk=project.pk).update(status=ProjectStatus.IN_PROGRESS)
    audit.record(
        Verb.GRANT_TRANCHE_PAID, actor=actor, target=found,
        data={"amount": str(found.amount), "voucher_no": voucher},
    )  # fmt: skip
    _tell_tranche(actor, found, "paid")
    return found


@transaction.atomic(durable=True)
def record_visit(
    actor: Any, project: Any, *, kind: Any, visited_on: Any, visitor: Any, findings: Any,
    rating: Any = "", attachments: Any = None,
) -> Visit:  # fmt: skip
    """A supervision visit, the mid-term evaluation or the final evaluation of a signed
    project; ``attachments``: uploaded files (the visit's record, photos)."""
    found = lock(Project, project, PROJECT_NOT_FOUND)
    require_manager(actor, found.region_id, PROJECT_NOT_FOUND)
    if found.status not in (ProjectStatus.SIGNED, ProjectStatus.IN_PROGRESS):
        raise IllegalTransition(found.get_status_display(), "督导评估", ["签约后、结项前"])
    if kind not in VisitKind.values:
        raise InvalidInput.field("kind", "请选择督导或评估类型")
    if rating not in ("", *VisitRating.values):
        raise InvalidInput.field("rating", "评价不在可选范围内")
    day = a_date(visited_on, "visited_on", "日期")
    assert day is not None
    if day > timezone.localdate():
        raise InvalidInput.field("visited_on", "日期不能晚于今天")
    who = text(visitor, "visitor", "督导人员", 60)
    what = long_text(findings, "findings", "发现与建议", 3000)
    visit = Visit.objects.create(
        project=found, region_id=found.region_id, kind=kind, visited_on=day,
        visitor=who, findings=what, rating=rating,
        attachments=store(attachments, "visits", "attachments"),
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    audit.record(Verb.GRANT_VISIT_RECORDED, actor=actor, target=found, data={"kind": kind})
    tell_org(actor, found.social_org_id, "grants.visit_recorded", {
        "title": found.title, "kind": visit.get_kind_display(), "visited_on": day,
        "rating": visit.get_rating_display() if rating else "", "findings": visit.findings,
        "pk": found.pk,
    })  # fmt: skip
    return visit


def _achieved(project: Project, value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        value = []
    if not isinstance(value, list | tuple) or len(value) > 20:
        raise InvalidInput.field("indicators_achieved", "指标完成情况格式不正确")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidInput.field("indicators_achieved", "指标完成情况格式不正确")
        out.append(
            {
                "name": text(entry.get("name"), "indicators_achieved", "指标名称", 60),
                "target": count(entry.get("target"), "indicators_achieved", "目标值"),
                "achieved": count(entry.get("achieved"), "indicators_achieved", "完成值"),
                "unit": text(entry.get("unit"), "indicators_achieved", "单位", 10,
                             required=False),
            }
        )  # fmt: skip
    return out


@transaction.atomic(durable=True)
def complete(
    actor: Any, project: Any, *, indicators_achieved: Any, beneficiaries_reached: Any,
    returned: Any = None, note: Any = "", completed_on: Any = None,
) -> Project:  # fmt: skip
    """结项 of a project under way: after its mid-term evaluation, with the indicators achieved,
    the beneficiaries reached and the unused money returned (≤ what was paid)."""
    found = lock(Project, project, PROJECT_NOT_FOUND)
    require_manager(actor, found.region_id, PROJECT_NOT_FOUND)
    if (
        found.status == ProjectStatus.IN_PROGRESS
        and not found.visits.filter(kind=VisitKind.MIDTERM).exists()
    ):
        raise InvalidInput.field("visits", "请先完成中期评估再结项")
    if found.tranches.filter(status__in=(TrancheStatus.REQUESTED, TrancheStatus.APPROVED)).exists():
        raise InvalidInput.field("tranches", "尚有待审核或待拨付的期次，请先处理")
    back = money(returned, "returned", "结余退回金额", required=False)
    if back > found.paid:
        raise InvalidInput.field("returned", f"退回金额不能超过已拨付金额 {found.paid} 元")
    day: date | None = a_date(completed_on, "completed_on", "结项日期", required=False)
    move(found, ProjectStatus.COMPLETED, PROJECT_TRANSITIONS, ProjectStatus)
    found.indicators_achieved = _achieved(found, indicators_achieved)
    found.beneficiaries_reached = count(
        beneficiaries_reached, "beneficiaries_reached", "实际受益人次"
    )
    found.returned = back
    found.completion_note = long_text(note, "note", "结项意见", 3000, required=False)
    found.completed_on = day or timezone.localdate()
    found.save()
    audit.record(
        Verb.GRANT_PROJECT_COMPLETED, actor=actor, target=found,
        data={"returned": str(back), "beneficiaries": found.beneficiaries_reached},
    )  # fmt: skip
    tell_org(actor, found.social_org_id, "grants.project_completed", {
        "title": found.title, "beneficiaries": found.beneficiaries_reached, "returned": back,
        "pk": found.pk,
    })  # fmt: skip
    return found


@transaction.atomic(durable=True)
def terminate(actor: Any, project: Any, *, reason: Any, returned: Any = None) -> Project:
    """Terminate a project (an upheld objection, a breach of the agreement), with the reason
    and any money returned; an award never signed sets its application back to 未立项."""
    found = lock(Project, project, PROJECT_NOT_FOUND)
    require_manager(actor, found.region_id, PROJECT_NOT_FOUND)
    why = text(reason, "reason", "终止原因", 300)
    back = money(returned, "returned", "退回金额", required=False)
    if back > found.paid:
        raise InvalidInput.field("returned", f"退回金额不能超过已拨付金额 {found.paid} 元")
    before = found.status
    move(found, ProjectStatus.TERMINATED, PROJECT_TRANSITIONS, ProjectStatus)
    found.terminated_reason, found.returned = why, back
    found.save(update_fields=["status", "terminated_reason", "returned"])
    if before == ProjectStatus.PUBLICIZING:
        from shegong.grants.models import Application

        Application.objects.filter(pk=found.application_id).update(status="not_awarded")
    audit.record(Verb.GRANT_PROJECT_TERMINATED, actor=actor, target=found, data={"reason": why})
    tell_org(actor, found.social_org_id, "grants.project_terminated",
             {"title": found.title, "reason": why, "pk": found.pk})  # fmt: skip
    return found
