"""Assigning a case down (下派: 街道 → 社区 → 网格员) and the holder's answer.

A street's staff give a case in their street to the community it lies in, or straight to a grid
worker there; a community's worker passes it to one of its grid workers. The case keeps its
place in the lifecycle and its clock: whatever deadline runs (the department's 24-hour response,
its resolution limit) runs on, and nothing restarts it. The case records who holds it on the
ground now (``holder_region``, ``holder``, ``held_since``); the holder answers (回复) and the
one who assigned it hears of the answer. Both steps are internal entries on the timeline.

Only downwards: an actor sitting in a street (or above) may pick the community or a grid worker,
a community's worker only a grid worker of their community; departments never push their work
down (国办函〔2025〕66号).
"""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.notify import notify
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name
from shegong.regions.models import Region

from .. import queries
from ..choices import FINISHED, EventKind
from ..models import Report, ReportEvent
from .reports import _audit, _event, _link, _lock, _save

__all__ = ["answer_down", "assign_down"]

ANSWER_MAX = 2000


def _holder_text(community: Region, worker: User | None) -> str:
    if worker is None:
        return community.name
    return f"{community.name}网格员 {mask_name(worker.name)}"


@transaction.atomic(durable=True)
def assign_down(
    report: Report,
    *,
    actor: User,
    community: Region | None = None,
    worker: User | None = None,
    note: str = "",
) -> Report:
    """Give the case to ``community`` (the one it lies in) or to ``worker``, a grid worker of
    that community (下派). The clock runs on; the case records its new holder."""
    report = _lock(report)
    require_perm(actor, Perm.REPORTS_VIEW)
    membership = actor.active_membership
    if not actor.is_superuser and membership is not None and membership.department_id:
        raise NotPermitted("部门承办的工单不能下派给社区或网格员")
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotPermitted("该工单不在您的工作范围内")
    if report.status in FINISHED:
        raise DomainError(f"工单{report.status_label}，不能下派")
    if (community is None) == (worker is None):
        raise InvalidInput.field("target", "请选择下派的社区或网格员（选一项）")
    note = (note or "").strip()
    if len(note) > ANSWER_MAX:
        raise InvalidInput.field("note", f"说明不能超过{ANSWER_MAX}字")
    home = queries.community_of(report)
    if home is None:
        raise DomainError("该工单只定位到街道，没有所在社区，不能下派")
    communities, workers = queries.down_targets(actor, report)
    if not communities and not workers:
        raise NotPermitted("您不能下派这件工单：只能由街道下派给社区，或由社区派给网格员")
    if community is not None:
        if community.pk not in {c.pk for c in communities}:
            if community.pk == home.pk:
                raise NotPermitted("只能向下派单：社区工作者只能把工单派给本社区的网格员")
            raise InvalidInput.field(
                "target", f"只能下派给工单所在的社区（{home.name}），不能派给{community.name}"
            )
    if worker is not None and worker.pk not in {w.pk for w in workers}:
        raise InvalidInput.field("target", f"所选人员不是{home.name}的网格员，请重新选择")
    target_community = community or home
    if (
        report.holder_region_id == target_community.pk
        and report.holder_id == (worker.pk if worker else None)
        and report.held_answered_at is None
    ):
        raise InvalidInput.field(
            "target", f"工单已下派给{_holder_text(target_community, worker)}，正在等待回复"
        )
    before_holder = report.holder_region_id, report.holder_id
    now = timezone.now()
    report.holder_region = target_community
    report.holder = worker
    report.held_since = now
    report.held_answered_at = None
    _save(report, "holder_region", "holder", "held_since", "held_answered_at")
    text = f"下派至{_holder_text(target_community, worker)}" + (f"：{note}" if note else "")
    _event(
        report,
        EventKind.ASSIGNED_DOWN,
        actor=actor,
        before=report.status,
        note=text,
        public=False,
        data={"community": target_community.pk, "worker": worker.pk if worker else None},
    )
    _audit(
        Verb.REPORT_ASSIGNED_DOWN,
        report,
        actor,
        community=target_community.pk,
        worker=worker.pk if worker else None,
        previous={"community": before_holder[0], "worker": before_holder[1]},
    )
    recipients = [worker] if worker is not None else queries.community_workers_of(target_community)
    for user in recipients:
        if user.pk == actor.pk:
            continue
        notify(
            user,
            "reports.assigned_down",
            {
                "number": report.number,
                "category": report.category.name,
                "by": _event_label(actor),
                "note": note,
                "url": _task_link(report),
            },
        )
    return report


@transaction.atomic(durable=True)
def answer_down(report: Report, *, actor: User, answer: str) -> Report:
    """The holder answers the case assigned down to them (回复): what they found or did. The
    one who assigned it hears of the answer; the clock is not touched."""
    report = _lock(report)
    if report.holder_region_id is None:
        raise DomainError("该工单没有下派，无需回复")
    if not queries.may_answer_down(actor, report):
        raise NotPermitted("该工单没有下派给您")
    if report.status in FINISHED:
        raise DomainError(f"工单{report.status_label}，不能再回复")
    if report.held_answered_at is not None:
        raise DomainError("您已回复过这件下派工单")
    text = (answer or "").strip()
    if not text:
        raise InvalidInput.field("answer", "请填写回复内容：现场情况或处理结果")
    if len(text) > ANSWER_MAX:
        raise InvalidInput.field("answer", f"回复不能超过{ANSWER_MAX}字")
    report.held_answered_at = timezone.now()
    _save(report, "held_answered_at")
    assert report.holder_region is not None
    _event(
        report,
        EventKind.DOWN_ANSWERED,
        actor=actor,
        before=report.status,
        note=text,
        public=False,
        label=report.holder_region.name,
        data={"community": report.holder_region_id},
    )
    _audit(Verb.REPORT_DOWN_ANSWERED, report, actor, community=report.holder_region_id)
    assigned = (
        ReportEvent.objects.filter(report=report, kind=EventKind.ASSIGNED_DOWN)
        .exclude(actor=None)
        .select_related("actor")
        .order_by("-at", "-id")
        .first()
    )
    if assigned is not None and assigned.actor is not None and assigned.actor.pk != actor.pk:
        notify(
            assigned.actor,
            "reports.down_answered",
            {
                "number": report.number,
                "holder": report.holder_region.name,
                "answer": text,
                "url": _link(report, staff=True),
            },
        )
    return report


def _event_label(actor: User) -> str:
    membership = actor.active_membership
    return membership.region.name if membership is not None else "上级"


def _task_link(report: Report) -> str:
    return reverse("reports_m:task_detail", args=[report.pk])
