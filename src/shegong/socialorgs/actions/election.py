"""Re-election (换届) and dormant organizations (issue 14 §5): the verbs.

Each runs in one durable transaction, checks permission and scope first (``actor`` None is the
system: the demo, the daily scan), validates with Chinese messages naming the field, and writes
one audit entry last. Any action on a 注销 (or otherwise closed) organization is refused.

A closing outcome of a dormant case (撤销/吊销/注销) changes the registration status by the
rules of §1 (``choices.TRANSITIONS``, the ledger organization closed alongside), inside this
transaction: ``records.change_status`` is itself a durable entry point and cannot be nested.

The same outcome may also be carried out as a registration event (§2): an approved 注销登记
application or a 撤销登记 penalty of an organization with an open case closes that case as
cleared inside the event's own transaction (``close_case_by_event``; a 撤销 only once the case's
60-day 公告 has ended, ``check_strike_off_allowed``), so each closure happens once and is
counted both as the event and as the clean-up's outcome.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm

from .. import terms
from ..choices import CLOSED_STATUSES, SocialOrgStatus
from ..models import (
    AnnouncementKind,
    DormantCase,
    DormantOutcome,
    DormantState,
    Election,
    ElectionStep,
    ExtensionState,
    OrgAccount,
    SocialOrg,
    StepKind,
    TermExtension,
    add_years,
)
from .announcements import make_announcement
from .records import _check_actor, _check_scope, _date, _text, apply_status

__all__ = [
    "check_strike_off_allowed",
    "close_case_by_event",
    "decide_extension",
    "deregister_dormant",
    "mark_rectified",
    "open_election",
    "order_rectification",
    "publish_strike_off_notice",
    "record_step",
    "request_extension",
    "run_detection",
    "strike_off",
]

NOTICE_DAYS = 60
CASE_NOT_FOUND = "未找到该僵尸型社会组织案件，或您无权查看"


def _locked(so: SocialOrg) -> SocialOrg:
    so = SocialOrg.objects.select_for_update().select_related("organization").get(pk=so.pk)
    if so.status in CLOSED_STATUSES:
        raise DomainError(
            f"该社会组织已{SocialOrgStatus(so.status).label}，不能再办理换届或清理事项"
        )
    return so


def _today(on: date | None, actor: User | None) -> date:
    """The action's date: an explicit ``on`` only for the system actor (backdated demo data)."""
    return on if (on is not None and actor is None) else timezone.localdate()


def _region(so: SocialOrg) -> Any:
    return so.organization.region_id


# --- term extension (延期换届) ----------------------------------------------------------------


def _check_org_or_registrar(actor: User | None, so: SocialOrg) -> None:
    """The organization's own account, or a registrar with the organization in scope."""
    if actor is None:
        return
    if OrgAccount.objects.filter(user=actor, social_org=so).exists() and actor.has_perm_in_scope(
        Perm.ORG_PORTAL
    ):
        return
    if not actor.has_perm_in_scope(Perm.SOCIALORGS_MANAGE):
        if not SocialOrg.objects.visible_to(actor).filter(pk=so.pk).exists():
            raise NotFound("未找到该社会组织，或您无权查看")
        require_perm(actor, Perm.SOCIALORGS_MANAGE)
    _check_scope(actor, so)


def _check_new_date(so: SocialOrg, value: Any, errors: list) -> date | None:
    new_date = _date({"new_date": value}, "new_date", "延期至日期", errors, required=True)
    if new_date is None:
        return None
    limit = add_years(so.term_end, terms.MAX_EXTENSION_YEARS) if so.term_end else None
    if so.term_end is None:
        errors.append({"field": "new_date", "message": "该社会组织尚未登记任期，不能申请延期换届"})
    elif new_date <= so.term_end:
        errors.append({"field": "new_date", "message": "延期至日期应晚于本届任期届满日期"})
    elif limit is not None and new_date > limit:
        errors.append(
            {
                "field": "new_date",
                "message": f"延期换届最长不超过1年，即不晚于{limit:%Y-%m-%d}",
            }
        )
    return new_date


@transaction.atomic(durable=True)
def request_extension(
    so: SocialOrg, data: Mapping[str, Any], *, actor: User | None, on: date | None = None
) -> TermExtension:
    """Ask to postpone the 换届 (reason and the new date, at most one year past the term end)."""
    _check_org_or_registrar(actor, so)
    so = _locked(so)
    errors: list[dict[str, str]] = []
    reason = _text(data.get("reason"))
    if not reason:
        errors.append({"field": "reason", "message": "请填写延期换届的理由"})
    elif len(reason) > 1000:
        errors.append({"field": "reason", "message": "延期理由不能超过1000个字"})
    new_date = _check_new_date(so, data.get("new_date"), errors)
    InvalidInput.raise_if_any(errors)
    term_end = so.term_end
    assert term_end is not None and new_date is not None  # checked above
    if TermExtension.objects.filter(social_org=so, state=ExtensionState.PENDING).exists():
        raise DomainError("已有一份延期换届申请待审批，请等待审批结果")
    if TermExtension.objects.filter(
        social_org=so, term_end=term_end, state=ExtensionState.APPROVED
    ).exists():
        raise DomainError("本届任期已批准过延期换届，不能再次延期")
    extension = TermExtension.objects.create(
        social_org=so, term_end=term_end, new_date=new_date, reason=reason,
        requested_by=actor, requested_at=timezone.now() if on is None else _at(on),
    )  # fmt: skip
    audit.record(
        Verb.TERM_EXTENSION_REQUESTED, actor=actor, target=so, region=_region(so),
        data={"extension": extension.pk, "term_end": term_end.isoformat(),
              "new_date": new_date.isoformat()},
    )  # fmt: skip
    return extension


def _at(on: date) -> Any:
    from datetime import datetime, time

    return timezone.make_aware(datetime.combine(on, time(10, 0)))


@transaction.atomic(durable=True)
def decide_extension(
    extension: TermExtension,
    *,
    approve: bool,
    note: str = "",
    actor: User | None,
    on: date | None = None,
) -> TermExtension:
    """The registrar approves (the deadline moves to ``new_date``) or rejects (with a reason)."""
    _check_actor(actor)
    _check_scope(actor, extension.social_org)
    so = _locked(extension.social_org)
    extension = TermExtension.objects.select_for_update().get(pk=extension.pk)
    if extension.state != ExtensionState.PENDING:
        raise IllegalTransition(
            ExtensionState(extension.state).label, "已审批", [ExtensionState.PENDING.label]
        )
    note = _text(note)
    if not approve and not note:
        raise InvalidInput.field("note", "不予批准时请填写理由")
    if approve:
        errors: list[dict[str, str]] = []
        _check_new_date(so, extension.new_date, errors)
        InvalidInput.raise_if_any(errors)
    extension.state = ExtensionState.APPROVED if approve else ExtensionState.REJECTED
    extension.decided_at = timezone.now() if on is None else _at(on)
    extension.decided_by = actor
    extension.decision_note = note
    extension.save()
    audit.record(
        Verb.TERM_EXTENSION_DECIDED, actor=actor, target=so, region=_region(so),
        data={"extension": extension.pk, "approved": approve,
              "new_date": extension.new_date.isoformat(), "note": note},
    )  # fmt: skip
    return extension


# --- the 换届 checklist ------------------------------------------------------------------------


@transaction.atomic(durable=True)
def open_election(so: SocialOrg, *, actor: User | None, on: date | None = None) -> Election:
    """Start a 换届 (筹备 first). The supervisor's (and its party organization's) review of the
    candidates is required when the organization has a business supervisor."""
    _check_actor(actor)
    _check_scope(actor, so)
    so = _locked(so)
    if Election.objects.filter(social_org=so, completed_on__isnull=True).exists():
        raise DomainError("该社会组织已有进行中的换届，请在原换届中继续登记")
    election = Election.objects.create(
        social_org=so, opened_on=_today(on, actor), review_required=bool(so.supervisor),
        old_term_end=so.term_end,
    )  # fmt: skip
    audit.record(
        Verb.ELECTION_OPENED, actor=actor, target=so, region=_region(so),
        data={"election": election.pk, "review_required": election.review_required},
    )  # fmt: skip
    return election


def next_step(election: Election) -> str | None:
    done = set(election.steps.values_list("kind", flat=True))
    for kind in election.steps_required():
        if kind not in done:
            return str(kind)
    return None


@transaction.atomic(durable=True)
def record_step(
    election: Election, kind: str, data: Mapping[str, Any], *, actor: User | None
) -> ElectionStep:
    """Record one checklist step (date, note/results), in order; the 备案 step completes the
    换届 and starts the new term on the election's date (the 会员大会/理事会)."""
    _check_actor(actor)
    _check_scope(actor, election.social_org)
    so = _locked(election.social_org)
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.completed_on is not None:
        raise DomainError("该换届已完成备案，不能再登记步骤")
    labels = dict(StepKind.choices)
    if kind not in labels:
        raise InvalidInput.field("kind", "换届步骤不在可选范围内")
    expected = next_step(election)
    if kind != expected:
        raise IllegalTransition(
            "已完成的步骤", labels[kind], [labels[expected]] if expected else []
        )
    errors: list[dict[str, str]] = []
    done_on = _date(data, "done_on", "完成日期", errors, required=True)
    note = _text(data.get("note"))
    if kind == StepKind.MEETING and not note:
        errors.append({"field": "note", "message": "请填写选举结果（当选的理事长、理事等）"})
    if len(note) > 2000:
        errors.append({"field": "note", "message": "情况说明不能超过2000个字"})
    if done_on is not None:
        last = election.steps.order_by("-done_on").values_list("done_on", flat=True).first()
        if done_on > timezone.localdate():
            errors.append({"field": "done_on", "message": "完成日期不能晚于今天"})
        elif done_on < (last or election.opened_on):
            floor = last or election.opened_on
            message = f"完成日期不能早于上一步骤或启动日期（{floor:%Y-%m-%d}）"
            errors.append({"field": "done_on", "message": message})
    InvalidInput.raise_if_any(errors)
    step = ElectionStep.objects.create(
        election=election, kind=kind, done_on=done_on, note=note, done_by=actor
    )
    verb = Verb.ELECTION_STEP_RECORDED
    audit_data: dict[str, Any] = {
        "election": election.pk,
        "step": labels[kind],
        "done_on": done_on.isoformat(),
    }
    if kind == StepKind.FILING:
        meeting = election.steps.get(kind=StepKind.MEETING).done_on
        election.completed_on = done_on
        election.new_term_start = meeting
        election.save(update_fields=["completed_on", "new_term_start"])
        old = [so.term_start, so.term_end]
        so.term_start = meeting
        so.term_end = add_years(meeting, so.term_years)
        so.updated_at = timezone.now()
        so.save(update_fields=["term_start", "term_end", "updated_at"])
        verb = Verb.ELECTION_COMPLETED
        audit_data["changed"] = {
            "term_start": [old[0].isoformat() if old[0] else None, so.term_start.isoformat()],
            "term_end": [old[1].isoformat() if old[1] else None, so.term_end.isoformat()],
        }
    audit.record(verb, actor=actor, target=so, region=_region(so), data=audit_data)
    return step


# --- dormant organizations ------------------------------------------------------------------


@transaction.atomic(durable=True)
def run_detection(
    *, actor: User | None, on: date | None = None, among: list[int] | None = None
) -> list[DormantCase]:
    """Open a case for each candidate in the actor's scope (all for the system; ``among``
    narrows the system's run to these organizations, for the demo) that has none open:
    running it twice opens nothing new."""
    _check_actor(actor)
    today = _today(on, actor)
    qs = SocialOrg.objects.all() if actor is None else SocialOrg.objects.visible_to(actor)
    if among is not None and actor is None:
        qs = qs.filter(pk__in=among)
    found = terms.candidates(qs, today)
    opened = []
    for pk in sorted(found):
        grounds = found[pk]
        opened.append(
            DormantCase.objects.create(
                social_org_id=pk,
                opened_on=today,
                grounds=grounds,
                unreachable="unreachable" in grounds,
            )
        )
    if opened or actor is not None:
        audit.record(
            Verb.DORMANT_DETECTION_RUN, actor=actor, target=None,
            region=_actor_region(actor),
            data={"opened": len(opened), "on": today.isoformat(),
                  "cases": [c.pk for c in opened][:200]},
        )  # fmt: skip
    return opened


def _actor_region(actor: User | None) -> Any:
    membership = actor.active_membership if actor is not None else None
    return membership.region_id if membership is not None else None


def _case(case: DormantCase, actor: User | None) -> tuple[DormantCase, SocialOrg]:
    _check_actor(actor)
    if actor is not None and not DormantCase.objects.visible_to(actor).filter(pk=case.pk).exists():
        raise NotFound(CASE_NOT_FOUND)
    so = _locked(case.social_org)
    case = DormantCase.objects.select_for_update().get(pk=case.pk)
    if case.closed_on is not None:
        raise DomainError(f"该案件已结案（{DormantState(case.state).label}），不能再处置")
    return case, so


def _audit_case(
    verb: Verb, case: DormantCase, so: SocialOrg, actor: User | None, **data: Any
) -> None:
    audit.record(
        verb, actor=actor, target=so, region=_region(so),
        data={"case": case.pk, "state": DormantState(case.state).label, **data},
    )  # fmt: skip


@transaction.atomic(durable=True)
def order_rectification(
    case: DormantCase, data: Mapping[str, Any], *, actor: User | None, on: date | None = None
) -> DormantCase:
    """限期整改: a deadline after today and what to put right."""
    case, so = _case(case, actor)
    today = _today(on, actor)
    errors: list[dict[str, str]] = []
    deadline = _date(data, "deadline", "整改期限", errors, required=True)
    if deadline is not None and deadline <= today:
        errors.append({"field": "deadline", "message": "整改期限应晚于今天"})
    note = _text(data.get("note"))
    if not note:
        errors.append({"field": "note", "message": "请填写整改要求"})
    InvalidInput.raise_if_any(errors)
    if case.state == DormantState.NOTICE:
        raise IllegalTransition(DormantState.NOTICE.label, "限期整改", ["撤销登记", "注销登记"])
    case.state, case.deadline, case.note = DormantState.RECTIFYING, deadline, note
    case.save(update_fields=["state", "deadline", "note"])
    _audit_case(Verb.DORMANT_RECTIFICATION_ORDERED, case, so, actor, deadline=deadline.isoformat())
    return case


@transaction.atomic(durable=True)
def mark_rectified(
    case: DormantCase, data: Mapping[str, Any], *, actor: User | None, on: date | None = None
) -> DormantCase:
    """整改完成: the organization resumed normal activity; the case closes (not "cleared")."""
    case, so = _case(case, actor)
    if case.state != DormantState.RECTIFYING:
        raise IllegalTransition(DormantState(case.state).label, "整改完成", ["限期整改"])
    note = _text(data.get("note"))
    if not note:
        raise InvalidInput.field("note", "请填写整改核实情况")
    case.state, case.closed_on = DormantState.RECTIFIED, _today(on, actor)
    case.note = f"{case.note}\n整改核实：{note}".strip()
    case.save(update_fields=["state", "closed_on", "note"])
    _audit_case(Verb.DORMANT_RECTIFIED, case, so, actor, note=note)
    return case


@transaction.atomic(durable=True)
def publish_strike_off_notice(
    case: DormantCase, *, actor: User | None, on: date | None = None, days: int = NOTICE_DAYS
) -> DormantCase:
    """The 60-day 拟撤销登记公告 (published on the public page); the strike-off waits for it."""
    case, so = _case(case, actor)
    if case.state == DormantState.NOTICE:
        raise DomainError("已发布拟撤销登记公告，请等待公告期满")
    today = _today(on, actor)
    grounds = "、".join(case.ground_labels) or "未开展活动"
    announcement = make_announcement(
        so, AnnouncementKind.STRIKE_OFF_NOTICE,
        title=f"关于拟撤销{so.organization.name}登记的公告",
        body=(f"{so.organization.name}（统一社会信用代码{so.organization.credit_code}）存在"
              f"{grounds}的情形，属于“僵尸型”社会组织。依据《民政部关于铲除非法社会组织滋生土壤"
              f"净化社会组织生态空间的通知》（民发〔2021〕63号）及相关登记管理法规，本机关拟撤销其"
              f"登记。自公告之日起{days}日内，该组织可向本机关陈述、申辩；期满无异议的，依法撤销登记。"),
        published_on=today, days=days,
    )  # fmt: skip
    case.state, case.announcement, case.notice_ends_on = (
        DormantState.NOTICE, announcement, announcement.ends_on,
    )  # fmt: skip
    case.save(update_fields=["state", "announcement", "notice_ends_on"])
    _audit_case(
        Verb.DORMANT_NOTICE_PUBLISHED, case, so, actor, announcement=announcement.pk,
        ends_on=str(announcement.ends_on),
    )  # fmt: skip
    return case


def _set_status(so: SocialOrg, new: str, *, basis: str, on: date) -> str:
    """§1's status change inside this transaction (``records.apply_status``: its TRANSITIONS,
    the ledger organization closed alongside, ``closed_on`` and the 公告). Returns the old
    status."""
    _, data = apply_status(so, new, legal_basis=basis, effective_on=on)
    return str(data["status"][0])


def _basis(value: Any, default: str) -> str:
    basis = _text(value) or default
    if len(basis) > 500:
        raise InvalidInput.field("legal_basis", "法律依据不能超过500个字")
    return basis


STRIKE_OFF_BASIS = "《社会团体登记管理条例》第三十条；民发〔2021〕63号"
DEREGISTER_BASIS = "《社会团体登记管理条例》第十九条；民发〔2021〕63号"


@transaction.atomic(durable=True)
def strike_off(
    case: DormantCase,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    on: date | None = None,
) -> DormantCase:
    """撤销登记 (or 吊销登记证书), only once the 60-day 公告 has ended; the case is cleared."""
    case, so = _case(case, actor)
    today = _today(on, actor)
    outcome = _text(data.get("outcome")) or DormantOutcome.CANCELLED
    if outcome not in (DormantOutcome.CANCELLED, DormantOutcome.REVOKED):
        raise InvalidInput.field("outcome", "处置结果应为撤销登记或吊销登记证书")
    if case.state != DormantState.NOTICE or case.notice_ends_on is None:
        raise DomainError("撤销登记前须先发布拟撤销登记公告（公告期60日）")
    if today < case.notice_ends_on:
        raise DomainError(
            f"拟撤销登记公告期至{case.notice_ends_on:%Y-%m-%d}届满，公告期满前不能撤销登记"
        )
    basis = _basis(data.get("legal_basis"), STRIKE_OFF_BASIS)
    old = _set_status(so, outcome, basis=basis, on=today)
    case.state, case.outcome, case.legal_basis, case.closed_on = (
        DormantState.CLEARED, outcome, basis, today,
    )  # fmt: skip
    case.save(update_fields=["state", "outcome", "legal_basis", "closed_on"])
    _audit_case(
        Verb.DORMANT_STRUCK_OFF, case, so, actor, status=[old, outcome], legal_basis=basis,
        effective_on=today.isoformat(),
    )  # fmt: skip
    return case


@transaction.atomic(durable=True)
def deregister_dormant(
    case: DormantCase, data: Mapping[str, Any], *, actor: User | None, on: date | None = None
) -> DormantCase:
    """注销登记 (the organization applied for dissolution, or after liquidation): cleared."""
    case, so = _case(case, actor)
    today = _today(on, actor)
    basis = _basis(data.get("legal_basis"), DEREGISTER_BASIS)
    old = _set_status(so, SocialOrgStatus.DEREGISTERED, basis=basis, on=today)
    case.state, case.outcome, case.legal_basis, case.closed_on = (
        DormantState.CLEARED, DormantOutcome.DEREGISTERED, basis, today,
    )  # fmt: skip
    case.save(update_fields=["state", "outcome", "legal_basis", "closed_on"])
    _audit_case(
        Verb.DORMANT_DEREGISTERED, case, so, actor, status=[old, SocialOrgStatus.DEREGISTERED],
        legal_basis=basis, effective_on=today.isoformat(),
    )  # fmt: skip
    return case


# --- a dormant case's outcome carried out as a registration event (§2) -----------------------


def _open_case(so: SocialOrg) -> DormantCase | None:
    return (
        DormantCase.objects.select_for_update()
        .filter(social_org_id=so.pk, closed_on__isnull=True)
        .first()
    )


def check_strike_off_allowed(so: SocialOrg, on: date) -> None:
    """Inside a 撤销登记 penalty's transaction: an organization with an open dormant case is
    struck off only once the case's 60-day 拟撤销登记公告 has ended (the dormant flow's rule)."""
    case = _open_case(so)
    if case is None:
        return
    if case.state != DormantState.NOTICE or case.notice_ends_on is None:
        raise DomainError(
            "该社会组织有未结的僵尸型社会组织案件，撤销登记前须先发布拟撤销登记公告（公告期60日）"
        )
    if on < case.notice_ends_on:
        raise DomainError(
            f"拟撤销登记公告期至{case.notice_ends_on:%Y-%m-%d}届满，公告期满前不能撤销登记"
        )


def close_case_by_event(
    so: SocialOrg, outcome: str, *, basis: str, on: date, actor: User | None
) -> DormantCase | None:
    """Inside an events action's transaction, once it has closed the registration (注销 on an
    approved application, 撤销 by a penalty): the organization's open dormant case, if any, is
    cleared with that outcome, its legal basis and date (one audit entry of the case)."""
    case = _open_case(so)
    if case is None:
        return None
    old_state = case.state
    case.state, case.outcome, case.legal_basis, case.closed_on = (
        DormantState.CLEARED, outcome, basis[:500], on,
    )  # fmt: skip
    case.save(update_fields=["state", "outcome", "legal_basis", "closed_on"])
    verb = (
        Verb.DORMANT_DEREGISTERED
        if outcome == DormantOutcome.DEREGISTERED
        else Verb.DORMANT_STRUCK_OFF
    )
    _audit_case(
        verb, case, so, actor, status=[old_state, outcome], legal_basis=case.legal_basis,
        effective_on=on.isoformat(), by_event=True,
    )  # fmt: skip
    return case
