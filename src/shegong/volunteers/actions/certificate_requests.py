"""志愿服务记录证明申请: a volunteer asks, the team answers (DOMAIN.md 4.2).

《志愿服务条例》 art. 19: an organisation must issue a 记录证明 **free and truthfully on request**;
the flow is 申请 → 受理 → 开具 → 公示, and 谁记录谁证明 — so a volunteer asks the team that
recorded the hours, never anyone else.

* ``request_certificate`` (申请) — the volunteer themself, to a team that has approved,
  certifiable hours for them (``queries.hours.certifiable``: what the team organised, never what
  it took over) in the period. A team without any is "not found" (the volunteer cannot probe other
  teams). Asking again with the same period and purpose finds the open request (a double tap
  or a retry); asking for something else while one is open is a clear 409: withdraw first. The
  team's leaders and the nearest staff who manage volunteers are told.
* ``approve_request`` (受理) — by those who run the team, once the team has a 依法设立 issuer with
  its seal and names (``queries.issuers``): it starts the internal 公示 of
  ``SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS`` calendar days (民发〔2015〕149号: at least 7;
  a last day on a holiday moves to the next working day, like every deadline in ``core.workdays``).
  The team's members and those who run it see it on the 公示 page (internal: never public).
* ``register_for_publicity`` (登记并公示) — by those who run the team, for a volunteer who asked
  in person: the same checks as 申请 and 受理, and the request goes straight into the 公示. There
  is no other way to a certificate: ``certificates.issue`` refuses without a request whose 公示
  has ended.
* ``object_to_publicity`` (异议) — a member of the team or someone who runs it, during the
  公示: the request is held (公示有异议) and cannot be issued; ``answer_objection`` by those who run
  the team either upholds it (不予出具, the volunteer told) or sets it aside (back to 公示中).
* 出具 is ``certificates.issue(..., request=req)`` once the 公示 has ended: the request becomes
  已出具 in the same transaction as the certificate, and the volunteer hears of it from ``issue``.
* ``decline_request`` (不予出具) — by those who run the team, with a reason the volunteer is told.
* ``withdraw_request`` (撤回) — by the volunteer, while it waits.

Those who decide are those who run the team (``access.teams_run_by``); anything else is a
``NotFound``, the same as a missing request. A volunteer who has left or paused may still ask:
the proof of past service is theirs. Each action is one durable transaction with one audit entry;
notifications are rows written in it and sent after commit (``core.notify``).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.perms import PERMISSIONS, Perm
from shegong.core.workdays import add_calendar_days
from shegong.regions.models import ancestor_codes
from shegong.volunteers.actions import certificates
from shegong.volunteers.choices import CERTIFICATE_REQUEST_OPEN, TeamRole
from shegong.volunteers.choices import CertificateRequestStatus as Status
from shegong.volunteers.models import ZERO, CertificateRequest, Team, TeamMember
from shegong.volunteers.queries import access
from shegong.volunteers.queries.certificates import (
    REQUEST_NOT_FOUND,
    access_my_request,
    access_publicity,
    access_request,
)
from shegong.volunteers.queries.hours import certifiable
from shegong.volunteers.queries.issuers import issuer_for

__all__ = [
    "answer_objection",
    "approve_request",
    "deciders",
    "decline_request",
    "object_to_publicity",
    "register_for_publicity",
    "request_certificate",
    "withdraw_request",
]

TEAM_WITHOUT_HOURS = "未找到该队伍，或您在该队伍还没有已确认的服务时长"
ONLY_THE_VOLUNTEER = "只有志愿者本人可以申请记录证明"
PURPOSE_MAX = 100
REASON_MAX = 200
RECIPIENT_LIMIT = 20

register_event(
    "volunteers.certificate_requested",
    title="新的志愿服务记录证明申请（{{ team }}）",
    body=(
        "{{ volunteer }}（志愿者编号 {{ number }}）申请出具 {{ start }} 至 {{ end }} "
        "的志愿服务记录证明，用途：{{ purpose }}。请在“记录证明”中出具，或说明不予出具的原因。"
    ),
    link="{{ url }}",
)
register_event(
    "volunteers.certificate_publicity_started",
    title="您的志愿服务记录证明申请已受理，正在公示（{{ team }}）",
    body="{{ start }} 至 {{ end }}，用途：{{ purpose }}。内部公示至 {{ ends }}，期满无异议即出具。",
    link="{{ url }}",
)
register_event(
    "volunteers.certificate_publicity_objected",
    title="记录证明公示收到异议（{{ team }}）",
    body=(
        "{{ volunteer }}（志愿者编号 {{ number }}）的记录证明公示收到异议：{{ reason }}。"
        "请核实处理。"
    ),
    link="{{ url }}",
)
register_event(
    "volunteers.certificate_request_declined",
    title="您的志愿服务记录证明申请未予出具（{{ team }}）",
    body="{{ start }} 至 {{ end }}，用途：{{ purpose }}。原因：{{ reason }}",
    link="{{ url }}",
)


# --- helpers ----------------------------------------------------------------------------------


def deciders(team: Team) -> list[Any]:
    """Who hears of a new request: the team's current leaders with an account, and the staff
    who manage volunteers at the nearest level above the team (its community, else its street…)
    — not every district officer."""
    from shegong.accounts.models import Membership

    ids = set(
        TeamMember.objects.filter(
            team=team, role=TeamRole.LEADER, left_on__isnull=True,
            volunteer__person__user__is_active=True,
        ).values_list("volunteer__person__user_id", flat=True)
    )  # fmt: skip
    roles = [str(r) for r, perms in PERMISSIONS.items() if Perm.VOLUNTEERS_MANAGE in perms]
    codes = ancestor_codes(team.region_id)
    staff = Membership.objects.filter(
        role__in=roles, region_id__in=codes, user__is_active=True
    ).values_list("user_id", "region_id")
    by_level: dict[str, set[int]] = {}
    for user_id, code in staff:
        by_level.setdefault(code, set()).add(user_id)
    nearest = max(by_level, key=codes.index, default=None)
    if nearest is not None:
        ids |= by_level[nearest]
    users = User.objects.filter(pk__in=ids).order_by("pk").only("pk", "phone")
    return list(users[:RECIPIENT_LIMIT])


def _tell_volunteer(req: CertificateRequest, event: str, context: dict[str, Any]) -> None:
    user = (
        User.objects.filter(person__volunteer__pk=req.volunteer_id, is_active=True)
        .only("pk", "phone")
        .first()
    )
    if user is not None:
        notify(user, event, {"url": reverse("volunteers_m:hours"), **context})


def _locked(req: Any) -> CertificateRequest:
    """The request by pk, locked, for callers without an actor (demo, command line)."""
    pk = getattr(req, "pk", req)
    found = (
        CertificateRequest.objects.select_for_update(of=("self",))
        .select_related("team")
        .filter(pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    return found


def _period_text(req: CertificateRequest) -> dict[str, str]:
    return {"start": req.period_start.isoformat(), "end": req.period_end.isoformat()}


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def request_certificate(
    volunteer: Any,
    team: Any,
    *,
    actor: User | None,
    period_start: date,
    period_end: date,
    purpose: str,
) -> CertificateRequest:
    """申请: the volunteer asks ``team`` for a certificate of the period, for ``purpose``.

    Returns the request; its ``created`` attribute is False when an identical open request was
    found instead (nothing new written, nobody told twice)."""
    found = access.volunteer_or_404(volunteer)
    if actor is not None:
        own = access.volunteer_of(actor)
        if own is None or own.pk != found.pk:
            raise NotPermitted(ONLY_THE_VOLUNTEER)
    team_pk = getattr(team, "pk", team)
    found_team = Team.objects.filter(pk=team_pk).first() if str(team_pk).isdigit() else None
    # 谁记录谁证明: only a team that recorded (and approved) hours for them is asked.
    if found_team is None or not certifiable(found_team, found).exists():
        raise NotFound(TEAM_WITHOUT_HOURS)
    start, end, purpose, hours = _checked(
        found_team, found, period_start, period_end, purpose,
        no_hours="您在此期间没有该队伍已确认的服务时长，请调整服务期间",
    )  # fmt: skip
    existing = (
        CertificateRequest.objects.select_for_update()
        .filter(volunteer=found, team=found_team, status__in=CERTIFICATE_REQUEST_OPEN)
        .first()
    )
    if existing is not None:
        return _same_or_refuse(existing, start, end, purpose)
    try:
        # The partial unique constraint settles two simultaneous first requests: the loser's
        # insert fails inside this savepoint and it returns the winner's row.
        with transaction.atomic():
            req = CertificateRequest.objects.create(
                volunteer=found, team=found_team, period_start=start, period_end=end,
                purpose=purpose,
            )  # fmt: skip
    except IntegrityError:
        existing = CertificateRequest.objects.get(
            volunteer=found, team=found_team, status__in=CERTIFICATE_REQUEST_OPEN
        )
        return _same_or_refuse(existing, start, end, purpose)
    audit.record(
        Verb.CERTIFICATE_REQUESTED, actor=actor, target=req, region=found_team.region_id,
        data={"volunteer": found.number, "team": found_team.pk, "purpose": purpose,
              "period": [start.isoformat(), end.isoformat()], "hours": str(hours)},
    )  # fmt: skip
    context = {
        "team": found_team.name, "volunteer": found.person.name_masked, "number": found.number,
        "purpose": purpose, "url": reverse("volunteers:certificates"), **_period_text(req),
    }  # fmt: skip
    for user in deciders(found_team):
        if user.pk != getattr(actor, "pk", None):
            notify(user, "volunteers.certificate_requested", context)
    req.created = True
    return req


def _checked(
    team: Team, volunteer: Any, period_start: Any, period_end: Any, purpose: Any, *,
    no_hours: str,
) -> tuple[date, date, str, Decimal]:  # fmt: skip
    """The period, purpose and certifiable hours of a request (申请 or 登记), else InvalidInput."""
    start, end = certificates.check_period(period_start, period_end)
    purpose = access.one_line(purpose)
    if not purpose:
        raise InvalidInput.field("purpose", "请填写证明用途，如升学、评优、求职")
    if len(purpose) > PURPOSE_MAX:
        raise InvalidInput.field("purpose", f"用途不能超过 {PURPOSE_MAX} 字")
    total = (
        certifiable(team, volunteer)
        .filter(served_on__gte=start, served_on__lte=end)
        .aggregate(h=Sum("hours"))["h"]
    )
    hours = Decimal(total or ZERO).quantize(Decimal("0.01"))
    if hours <= 0:
        raise InvalidInput.field("period_end", no_hours)
    return start, end, purpose, hours


def _same_or_refuse(
    existing: CertificateRequest, start: date, end: date, purpose: str
) -> CertificateRequest:
    if (existing.period_start, existing.period_end, existing.purpose) == (start, end, purpose):
        existing.created = False
        return existing
    asked = timezone.localdate(existing.created_at)
    raise DomainError(
        f"您已于 {asked:%Y-%m-%d} 向该队伍申请记录证明（{existing.period_start:%Y-%m-%d} 至 "
        f"{existing.period_end:%Y-%m-%d}，用途：{existing.purpose}），当前{existing.get_status_display()}；"
        "如需修改，请先撤回该申请"
    )


@transaction.atomic(durable=True)
def decline_request(req: Any, *, actor: User | None, reason: str) -> CertificateRequest:
    """不予出具: by those who run the team, with a reason the volunteer is told."""
    found = access_request(actor, req, for_write=True) if actor is not None else _locked(req)
    reason = access.one_line(reason)
    if not reason:
        raise InvalidInput.field("reason", "请填写不予出具的原因（将告知志愿者）")
    if len(reason) > REASON_MAX:
        raise InvalidInput.field("reason", f"原因不能超过 {REASON_MAX} 字")
    certificates.check_request_move(found, Status.DECLINED)
    found.status = Status.DECLINED
    found.decline_reason = reason
    found.decided_by = access.actor_or_none(actor)
    found.decided_at = timezone.now()
    found.save(update_fields=["status", "decline_reason", "decided_by", "decided_at"])
    team = found.team
    audit.record(
        Verb.CERTIFICATE_REQUEST_DECLINED, actor=actor, target=found, region=team.region_id,
        data={"team": team.pk, "reason": reason},
    )  # fmt: skip
    _tell_volunteer(
        found, "volunteers.certificate_request_declined",
        {"team": team.name, "purpose": found.purpose, "reason": reason, **_period_text(found)},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def withdraw_request(req: Any, *, actor: User) -> CertificateRequest:
    """撤回: the volunteer takes back a request that still waits."""
    found = access_my_request(actor, req, for_write=True)
    certificates.check_request_move(found, Status.WITHDRAWN)
    found.status = Status.WITHDRAWN
    found.decided_by = access.actor_or_none(actor)
    found.decided_at = timezone.now()
    found.save(update_fields=["status", "decided_by", "decided_at"])
    audit.record(
        Verb.CERTIFICATE_REQUEST_WITHDRAWN, actor=actor, target=found,
        region=found.team.region_id, data={"team": found.team_id},
    )  # fmt: skip
    return found


# --- internal publicity (民发〔2015〕149号) -------------------------------------------------------

OBJECTION_MAX = 200


def _publicity_url() -> str:
    return reverse("volunteers:certificate_publicity")


def _start_publicity(found: CertificateRequest, actor: User | None) -> tuple[Any, Any]:
    """Put ``found`` into the internal 公示 (民发〔2015〕149号) and tell the volunteer. Refused
    when the team has no 依法设立 issuer with a seal and the two names. Returns the issuer and
    the local end of the 公示; the caller records the audit entry."""
    team = found.team
    issuer = issuer_for(team, actor)
    now = timezone.now()
    found.status = Status.PUBLICITY
    found.approved_by = access.actor_or_none(actor)
    found.approved_at = now
    found.publicity_ends_at = add_calendar_days(
        now, settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS
    )
    found.save(update_fields=["status", "approved_by", "approved_at", "publicity_ends_at"])
    ends = timezone.localtime(found.publicity_ends_at)
    _tell_volunteer(
        found, "volunteers.certificate_publicity_started",
        {"team": team.name, "purpose": found.purpose, "ends": f"{ends:%Y-%m-%d} 24:00",
         **_period_text(found)},
    )  # fmt: skip
    return issuer, ends


@transaction.atomic(durable=True)
def approve_request(req: Any, *, actor: User | None) -> CertificateRequest:
    """受理: the request goes to the internal 公示; issuing waits for its end. Refused when the
    team has no 依法设立 issuer with a seal and the two names (the message says what to do)."""
    found = access_request(actor, req, for_write=True) if actor is not None else _locked(req)
    certificates.check_request_move(found, Status.PUBLICITY)
    issuer, ends = _start_publicity(found, actor)
    team = found.team
    audit.record(
        Verb.CERTIFICATE_PUBLICITY_STARTED, actor=actor, target=found, region=team.region_id,
        data={"team": team.pk, "issuer": issuer.pk, "ends": ends.date().isoformat(),
              "days": settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def register_for_publicity(
    volunteer: Any,
    team: Any,
    *,
    actor: User | None,
    period_start: date,
    period_end: date,
    purpose: str,
) -> CertificateRequest:
    """登记并公示: those who run ``team`` register a request on the volunteer's behalf (the
    volunteer asked in person or by phone) and it goes straight into the internal 公示; it is
    issued from the 公示期满 list like any other (``certificates.issue(..., request=req)``).

    The checks of 申请 (hours in the period, one open request per volunteer and team — an open
    one is named, never replaced) and of 受理 (a 依法设立 issuer with its seal and names)."""
    team_pk = getattr(team, "pk", team)
    if actor is None:
        found_team = Team.objects.filter(pk=team_pk).first() if str(team_pk).isdigit() else None
        if found_team is None:
            raise NotFound(access.TEAM_NOT_FOUND)
    else:
        found_team = access.access_team(actor, team_pk)
    found = access.volunteer_or_404(volunteer)
    user_id = found.person.user_id
    if actor is not None and user_id is not None and user_id == actor.pk:
        raise DomainError(
            certificates.SELF_CERTIFICATE,
            errors=[{"field": "number", "message": certificates.SELF_CERTIFICATE}],
        )
    start, end, purpose, hours = _checked(
        found_team, found, period_start, period_end, purpose,
        no_hours="该志愿者在此期间没有本队伍已确认的服务时长，不能出具证明",
    )  # fmt: skip
    existing = (
        CertificateRequest.objects.select_for_update()
        .filter(volunteer=found, team=found_team, status__in=CERTIFICATE_REQUEST_OPEN)
        .first()
    )
    if existing is not None:
        raise _already_open(existing)
    try:
        with transaction.atomic():
            req = CertificateRequest.objects.create(
                volunteer=found, team=found_team, period_start=start, period_end=end,
                purpose=purpose,
            )  # fmt: skip
    except IntegrityError:
        existing = CertificateRequest.objects.get(
            volunteer=found, team=found_team, status__in=CERTIFICATE_REQUEST_OPEN
        )
        raise _already_open(existing) from None
    issuer, ends = _start_publicity(req, actor)
    audit.record(
        Verb.CERTIFICATE_REGISTERED_FOR_PUBLICITY, actor=actor, target=req,
        region=found_team.region_id,
        data={"volunteer": found.number, "team": found_team.pk, "purpose": purpose,
              "period": [start.isoformat(), end.isoformat()], "hours": str(hours),
              "issuer": issuer.pk, "ends": ends.date().isoformat(),
              "days": settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS},
    )  # fmt: skip
    req.created = True
    return req


def _already_open(existing: CertificateRequest) -> DomainError:
    asked = timezone.localdate(existing.created_at)
    return DomainError(
        f"该志愿者已有一份向该队伍的记录证明申请（{asked:%Y-%m-%d} 登记，"
        f"{existing.period_start:%Y-%m-%d} 至 {existing.period_end:%Y-%m-%d}，"
        f"用途：{existing.purpose}），当前{existing.get_status_display()}；"
        "请先在“记录证明”中办理该申请"
    )


@transaction.atomic(durable=True)
def object_to_publicity(req: Any, *, actor: User, reason: str) -> CertificateRequest:
    """异议 during the 公示, by a member of the team or one who runs it (not the volunteer):
    the request is held until those who run the team answer."""
    found = access_publicity(actor, req, for_write=True)
    reason = access.one_line(reason)
    if not reason:
        raise InvalidInput.field("reason", "请填写异议的事实和理由")
    if len(reason) > OBJECTION_MAX:
        raise InvalidInput.field("reason", f"异议不能超过 {OBJECTION_MAX} 字")
    if found.volunteer.person.user_id == actor.pk:
        raise DomainError("申请人本人不能对自己的公示提出异议；如需修改，请撤回申请")
    if found.status == Status.PUBLICITY and found.publicity_over:
        raise DomainError("公示期已满，不再受理异议；如发现证明有误，请联系队伍作废该证明")
    certificates.check_request_move(found, Status.HELD)
    found.status = Status.HELD
    found.objection = reason
    found.objection_by = actor
    found.objection_at = timezone.now()
    found.objection_answer = ""
    found.save(update_fields=["status", "objection", "objection_by", "objection_at",
                              "objection_answer"])  # fmt: skip
    team = found.team
    audit.record(
        Verb.CERTIFICATE_PUBLICITY_OBJECTED, actor=actor, target=found, region=team.region_id,
        data={"team": team.pk, "reason": reason},
    )  # fmt: skip
    context = {
        "team": team.name, "volunteer": found.volunteer.person.name_masked,
        "number": found.volunteer.number, "reason": reason, "url": _publicity_url(),
    }  # fmt: skip
    for user in deciders(team):
        if user.pk != actor.pk:
            notify(user, "volunteers.certificate_publicity_objected", context)
    return found


@transaction.atomic(durable=True)
def answer_objection(
    req: Any, *, actor: User | None, upheld: bool, answer: str
) -> CertificateRequest:
    """处理异议: upheld → 不予出具 (the answer is the reason the volunteer is told); set aside →
    back to 公示中 (issued once the 公示 has ended)."""
    found = access_request(actor, req, for_write=True) if actor is not None else _locked(req)
    answer = access.one_line(answer)
    if not answer:
        raise InvalidInput.field("answer", "请填写核实情况和处理意见")
    if len(answer) > REASON_MAX:
        raise InvalidInput.field("answer", f"处理意见不能超过 {REASON_MAX} 字")
    if found.status != Status.HELD:
        raise DomainError(f"该申请{found.get_status_display()}，没有待处理的公示异议")
    target = Status.DECLINED if upheld else Status.PUBLICITY
    certificates.check_request_move(found, target)
    found.status = target
    found.objection_answer = answer
    fields = ["status", "objection_answer"]
    if upheld:
        found.decline_reason = answer
        found.decided_by = access.actor_or_none(actor)
        found.decided_at = timezone.now()
        fields += ["decline_reason", "decided_by", "decided_at"]
    found.save(update_fields=fields)
    team = found.team
    audit.record(
        Verb.CERTIFICATE_OBJECTION_ANSWERED, actor=actor, target=found, region=team.region_id,
        data={"team": team.pk, "upheld": upheld, "answer": answer},
    )  # fmt: skip
    if upheld:
        _tell_volunteer(
            found, "volunteers.certificate_request_declined",
            {"team": team.name, "purpose": found.purpose, "reason": answer, **_period_text(found)},
        )  # fmt: skip
    return found
