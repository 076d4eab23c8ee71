"""Every state change of a case (随手拍工单): one function per verb.

Each entry point runs in one durable transaction, locks the case row it changes (STYLE.md rule
14), checks the move against ``choices.ALLOWED`` (an illegal move is ``IllegalTransition``: HTTP
409 listing the allowed next steps), writes one ``ReportEvent`` (the timeline), one audit entry,
and queues the notifications, which are sent after commit.

Who may do what:

- anyone signed in may submit, follow, and — for their own case — verify, reopen and rate;
- the dispatch desk (``reports.dispatch``: 区指挥中心) accepts, rejects, transfers, reassigns,
  merges and verifies cases in its region;
- the lead department's handlers (``reports.handle`` with that department) respond, return
  and resolve; assisting departments add notes;
- ``reports.moderate`` hides a case from the public or redacts a photo.

Photos are decoded and re-encoded (``core.photos``) before the transaction; if the transaction
fails, the stored files are removed again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from shegong.accounts.models import Department, User
from shegong.core import audit, geo
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotPermitted
from shegong.core.notify import notify
from shegong.core.perms import STAFF_ROLES, Perm, Role, require_perm
from shegong.core.workdays import add_limit
from shegong.regions.models import Region
from shegong.regions.queries import locate

from .. import intake_cache
from ..choices import (
    ALLOWED,
    WITH_DEPARTMENT,
    Channel,
    EventKind,
    RejectReason,
    Status,
)
from ..choices import Role as AssignmentRole
from ..models import (
    Assignment,
    Category,
    Follower,
    Report,
    ReportEvent,
)
from ..queries import department_members, dispatchers_for, route
from ..schemas import validate_answers

__all__ = [
    "accept_report",
    "add_assist",
    "add_note",
    "follow_report",
    "hide_report",
    "merge_reports",
    "rate_report",
    "reassign_report",
    "redact_photo",
    "reject_report",
    "reopen_report",
    "resolve_report",
    "respond_report",
    "return_report",
    "submit_report",
    "transfer_report",
    "verify_report",
]

SYSTEM = "系统"
REOPEN_WINDOW_DAYS = 7


# --- helpers --------------------------------------------------------------------------------


def _lock(report: Report) -> Report:
    """Reload the case with its row locked (PostgreSQL: SELECT … FOR UPDATE; SQLite: the
    IMMEDIATE transaction already holds the write lock). Checks run on this fresh copy, so of
    two concurrent steps the second sees the first one's result."""
    return Report.objects.select_for_update().select_related("category").get(pk=report.pk)


def _move(report: Report, target: str) -> str:
    current = report.status
    if target not in ALLOWED[current]:
        allowed = sorted(ALLOWED[current], key=Status.values.index)
        raise IllegalTransition(
            Status(current).label, Status(target).label, [Status(s).label for s in allowed]
        )
    report.status = target
    return current


def _actor_label(actor: User | None, department: Department | None = None) -> str:
    """What the reporter and the public see: a department's name, never the handler's."""
    if department is not None:
        return department.name
    if actor is None:
        return SYSTEM
    membership = getattr(actor, "active_membership", None)
    if membership is not None and membership.role == Role.DISPATCHER:
        return "区指挥中心"
    if membership is not None and membership.role in STAFF_ROLES:
        return membership.region.name
    return "上报人"


def _event(
    report: Report,
    kind: str,
    *,
    actor: User | None,
    before: str = "",
    department: Department | None = None,
    note: str = "",
    photos: list | None = None,
    public: bool = True,
    data: dict | None = None,
    label: str = "",
) -> ReportEvent:
    event = ReportEvent.objects.create(
        report=report,
        kind=kind,
        from_status=before,
        to_status=report.status,
        actor=actor if getattr(actor, "pk", None) else None,
        actor_label=label or _actor_label(actor, department),
        department=department,
        at=timezone.now(),
        note=note,
        photos=photos or [],
        public=public,
        data=data or {},
    )
    if report.written_events is not None:
        report.written_events.append(event)
    return event


def _save(report: Report, *fields: str) -> None:
    report.updated_at = timezone.now()
    report.save(update_fields=[*fields, "updated_at"])


def _audit(verb: Verb, report: Report, actor: User | None, **data: Any) -> None:
    if report.audit_later is not None:  # a case written in this transaction: at its end
        report.audit_later.append((verb, actor, data))
        return
    audit.record(verb, actor=actor, target=report, data=data)


def _link(report: Report, *, staff: bool) -> str:
    if staff:
        return reverse("reports:detail", args=[report.pk])
    return reverse("reports_m:my_detail", args=[report.pk])


def _tell_reporters(report: Report, event: str, *, new: bool = False, **context: Any) -> None:
    """The reporter and every follower (merged duplicates' reporters too) hear of each step
    (``new``: the case was created in this transaction, so it has no followers yet)."""
    recipients: dict[int, User] = {}
    if report.reporter is not None:
        recipients[report.reporter.pk] = report.reporter
    if not new:
        for follower in Follower.objects.filter(report=report).select_related("user"):
            recipients.setdefault(follower.user_id, follower.user)
    for user in recipients.values():
        notify(
            user,
            event,
            {
                "number": report.number,
                "category": report.category.name,
                "status": report.status_label,
                "url": _link(report, staff=False),
                **context,
            },
        )


def _require_dispatch(actor: User | None, report: Report) -> None:
    if actor is None:
        return
    require_perm(actor, Perm.REPORTS_DISPATCH)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotPermitted("该工单不在您的工作范围内")


def _require_lead_handler(actor: User | None, report: Report) -> Department:
    """The actor's department, which must be the case's lead department."""
    lead = report.lead_department
    if actor is None:
        if lead is None:
            raise DomainError("该工单尚未派给任何部门")
        return lead
    require_perm(actor, Perm.REPORTS_HANDLE)
    membership = actor.active_membership
    department_id = membership.department_id if membership else None
    if lead is None or department_id != lead.pk:
        raise NotPermitted("只有主办部门可以办理此工单")
    return lead


def _is_reporter(actor: User | None, report: Report) -> bool:
    return actor is not None and report.reporter_id is not None and actor.pk == report.reporter_id


# --- intake ----------------------------------------------------------------------------------


def submit_report(
    *,
    actor: User | None,
    category: Category,
    description: str,
    lat: float | None = None,
    lon: float | None = None,
    crs: str = "wgs84",
    address: str = "",
    region: Region | None = None,
    attributes: dict[str, Any] | None = None,
    photos: Sequence[Any] | None = None,
    anonymous: bool = False,
    channel: str = Channel.H5,
    caller_name: str = "",
    caller_phone: str = "",
    require_photo: bool = False,
    then: Callable[[Report], None] | None = None,
) -> Report:
    """File a case. ``actor`` is the reporter (a rider, a resident…), a staff member entering
    a caller's report (``caller_name``/``caller_phone`` given), or None for an Open311 client
    (the caller's details, if any, in ``caller_*``).

    The location is a point (``lat``/``lon`` in ``crs``, located to its grid/community) or an
    address with the ``region`` it lies in; a point outside the deployment is refused with
    "不在服务范围内". A routed category goes to its department at once (即时转); otherwise the
    case waits at the dispatch desk. ``require_photo`` (the H5 page, 随手拍) makes a missing
    photo a field error (``photos``) reported together with the others.

    ``then(report)`` runs inside the submission's transaction once everything is written: the
    API and the H5 page store their idempotent answer there, so the case and the answer commit
    together (one transaction per submission). The case comes back with the timeline rows and
    assignments just written (``Report.written_events``/``written_assignments``), for an answer
    built without reading them back.
    """
    staff_entry = bool(caller_name or caller_phone) and actor is not None
    errors = _check_intake(
        actor, category, description, lat, lon, address, region, anonymous, staff_entry
    )
    if require_photo and not [f for f in (photos or []) if f is not None]:
        errors.append({"field": "photos", "message": "请至少拍摄或选择一张照片"})
    answers: dict[str, Any] = {}
    try:
        answers = validate_answers(category, attributes or {})
    except InvalidInput as exc:
        errors.extend(exc.errors)
    located_region: Region | None = region
    if lat is not None and lon is not None and not errors:
        try:
            located_region = locate(lat, lon, crs).region
        except InvalidInput as exc:
            errors.extend(exc.errors or [{"field": "lat", "message": exc.detail}])
        else:
            lat, lon = geo.to_wgs84(lat, lon, crs)
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    # _check_intake refused a case with neither a point (located above) nor a region.
    assert located_region is not None
    processed = photo_intake.process_photos(photos, field="photos")
    stored = photo_intake.store_photos(processed, folder="reports") if processed else []
    try:
        return _submit(
            actor=actor,
            category=category,
            description=description.strip(),
            lat=lat,
            lon=lon,
            address=address.strip(),
            region=located_region,
            answers=answers,
            photos=stored,
            anonymous=anonymous,
            channel=channel,
            caller_name=caller_name.strip(),
            caller_phone=caller_phone.strip(),
            staff_entry=staff_entry,
            then=then,
        )
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


def _check_intake(
    actor: User | None,
    category: Category,
    description: str,
    lat: float | None,
    lon: float | None,
    address: str,
    region: Region | None,
    anonymous: bool,
    staff_entry: bool,
) -> list[dict[str, str]]:
    errors: list[dict[str, str]] = []

    def bad(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    if actor is not None and not getattr(actor, "is_active", False):
        raise NotPermitted("账号已停用")
    if not category.is_active:
        bad("category", f"类别「{category.name}」已停用")
    is_staff = actor is not None and (
        actor.is_superuser or getattr(actor.active_role, "value", None) in STAFF_ROLES
    )
    if category.staff_only and not is_staff and actor is not None:
        bad("category", f"类别「{category.name}」仅限工作人员上报")
    if staff_entry and not is_staff:
        raise NotPermitted("只有工作人员可以代群众上报")
    text = (description or "").strip()
    if not text:
        bad("description", "请描述问题")
    elif len(text) > 4000:
        bad("description", "问题描述不能超过4000字")
    has_point = lat is not None and lon is not None
    if (lat is None) != (lon is None):
        bad("lat", "经纬度须同时填写")
    if not has_point and not (address or "").strip():
        bad("location", "请在地图上选点，或填写地址")
    if not has_point and (address or "").strip() and region is None:
        bad("region", "只填写地址时，请选择所在社区或街道")
    if anonymous and not category.anonymous_allowed:
        bad("anonymous", f"类别「{category.name}」不支持对处置部门匿名")
    return errors


@transaction.atomic(durable=True)
def _submit(
    *,
    actor: User | None,
    category: Category,
    description: str,
    lat: float | None,
    lon: float | None,
    address: str,
    region: Region,
    answers: dict,
    photos: list,
    anonymous: bool,
    channel: str,
    caller_name: str,
    caller_phone: str,
    staff_entry: bool,
    then: Callable[[Report], None] | None,
) -> Report:
    reporter = actor if actor is not None and not staff_entry else None
    report = Report(
        category=category,
        description=description,
        lat=lat,
        lon=lon,
        address=address,
        region=region,
        attributes=answers,
        photos=photos,
        channel=Channel.STAFF if staff_entry else channel,
        reporter=reporter,
        entered_by=actor if staff_entry else None,
        caller_name=caller_name,
        caller_phone=caller_phone,
        anonymous=anonymous,
    )
    report.save(force_insert=True)
    report.written_events, report.written_assignments, report.audit_later = [], [], []
    _event(
        report,
        EventKind.SUBMITTED,
        actor=actor,
        label="工作人员代报" if staff_entry else ("上报人" if actor else "Open311"),
        photos=photos,
        data={"channel": report.channel},
    )
    _audit(
        Verb.REPORT_SUBMITTED,
        report,
        actor,
        category=category.service_code,
        channel=report.channel,
        photos=len(photos),
    )
    department = route(category, region.code)
    if department is not None and getattr(settings, "SHEGONG_REPORTS_AUTO_ROUTE", True):
        _transfer(
            report,
            department=department,
            assisting=[],
            actor=None,
            note=f"按派单规则自动派至{department.name}",
            tell=False,
        )
    else:
        for user in dispatchers_for(region.code):
            notify(
                user,
                "reports.to_dispatch",
                {
                    "number": report.number,
                    "category": category.name,
                    "url": _link(report, staff=True),
                },
            )
    handled_by = (
        f"已转{department.name}办理。"
        if department is not None and report.status == Status.TRANSFERRED
        else ""
    )
    _tell_reporters(report, "reports.received", new=True, handled_by=handled_by)
    if then is not None:
        then(report)
    entries, report.audit_later = report.audit_later, None
    for verb, who, data in entries:
        audit.record(verb, actor=who, target=report, data=data)
    return report


# --- dispatch ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def accept_report(report: Report, *, actor: User | None, note: str = "") -> Report:
    """The dispatch desk takes the case in (受理)."""
    report = _lock(report)
    _require_dispatch(actor, report)
    before = _move(report, Status.ACCEPTED)
    _save(report, "status")
    _event(report, EventKind.ACCEPTED, actor=actor, before=before, note=note)
    _audit(Verb.REPORT_ACCEPTED, report, actor)
    _tell_reporters(report, "reports.status", note=note)
    return report


@transaction.atomic(durable=True)
def reject_report(report: Report, *, actor: User | None, reason: str, note: str) -> Report:
    """Refuse the case: invalid, a duplicate, or not our responsibility; the reporter sees
    the reason."""
    report = _lock(report)
    _require_dispatch(actor, report)
    if reason not in RejectReason.values:
        raise InvalidInput.field("reason", "请选择不予受理的原因")
    if not (note or "").strip():
        raise InvalidInput.field("note", "请填写向上报人说明的理由")
    before = _move(report, Status.REJECTED)
    report.reject_reason = reason
    report.closed_at = timezone.now()
    _save(report, "status", "reject_reason", "closed_at")
    Assignment.objects.filter(report=report, active=True).update(active=False)
    text = f"{RejectReason(reason).label}：{note.strip()}"
    _event(report, EventKind.REJECTED, actor=actor, before=before, note=text)
    _audit(Verb.REPORT_REJECTED, report, actor, reason=reason)
    _tell_reporters(report, "reports.status", note=text)
    return report


@transaction.atomic(durable=True)
def transfer_report(
    report: Report,
    *,
    actor: User | None,
    department: Department,
    assisting: Sequence[Department] = (),
    note: str = "",
) -> Report:
    """Send the case to ``department`` (the lead, 首接负责) and any assisting ones (即时转);
    starts the response and resolution clocks."""
    report = _lock(report)
    _require_dispatch(actor, report)
    return _transfer(
        report, department=department, assisting=list(assisting), actor=actor, note=note
    )


def _transfer(
    report: Report,
    *,
    department: Department,
    assisting: list[Department],
    actor: User | None,
    note: str,
    tell: bool = True,
) -> Report:
    if not department.is_active:
        raise InvalidInput.field("department", f"部门「{department.name}」已停用")
    if any(d.pk == department.pk for d in assisting):
        raise InvalidInput.field("assisting", "协办部门不能与主办部门相同")
    before = _move(report, Status.TRANSFERRED)
    now = timezone.now()
    _start_clock(report, now)
    assert report.response_due_at is not None  # _start_clock set it
    report.lead_department = department
    report.transferred_at = now
    _save(
        report,
        "status",
        "lead_department",
        "transferred_at",
        "response_due_at",
        "resolution_due_at",
        "escalation_level",
        "responded_at",
    )
    written = report.written_assignments
    if written is None or written:  # a case written in this transaction has none to end
        Assignment.objects.filter(report=report, active=True).update(active=False)
        for assignment in written or []:
            assignment.active = False
    roles = [(department, AssignmentRole.LEAD)]
    roles += [(other, AssignmentRole.ASSIST) for other in {d.pk: d for d in assisting}.values()]
    for unit, role in roles:
        assignment = Assignment.objects.create(report=report, department=unit, role=role)
        if written is not None:
            written.append(assignment)
    names = "、".join(d.name for d in assisting)
    text = note or f"已派至{department.name}" + (f"，协办：{names}" if names else "")
    _event(
        report,
        EventKind.TRANSFERRED,
        actor=actor,
        before=before,
        note=text,
        data={
            "department": department.code,
            "assisting": [d.code for d in assisting],
            "response_due_at": report.response_due_at.isoformat(),
        },
    )
    _audit(
        Verb.REPORT_TRANSFERRED,
        report,
        actor,
        department=department.code,
        assisting=[d.code for d in assisting],
    )
    _notify_departments(report, [department, *assisting])
    _auto_reply(report, Status.TRANSFERRED, department)
    if tell:
        _tell_reporters(report, "reports.status", note=f"已转{department.name}办理")
    return report


def _start_clock(report: Report, now: Any) -> None:
    category = report.category
    report.response_due_at = now + timedelta(hours=category.response_hours)
    due = add_limit(now, category.resolution_limit, category.resolution_unit)
    # In UTC, as the database gives it back: an answer built from this copy reads the same.
    report.resolution_due_at = due.astimezone(UTC)
    report.escalation_level = 0
    report.responded_at = None


def _notify_departments(report: Report, departments: Iterable[Department]) -> None:
    for department in departments:
        lead = department.pk == report.lead_department_id
        for user in department_members(
            department, [Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_SUPERVISOR]
        ):
            notify(
                user,
                "reports.transferred",
                {
                    "number": report.number,
                    "category": report.category.name,
                    "part": "主办" if lead else "协办",
                    "due": timezone.localtime(report.response_due_at).strftime("%m-%d %H:%M"),
                    "url": _link(report, staff=True),
                },
            )


def _auto_reply(report: Report, status: str, department: Department) -> None:
    """The category's automatic reply for this status (the acknowledgement on transfer): a note
    in the department's name (``department``), which the timeline labels as the system's
    automatic reply (``ReportEvent.is_automatic``), never as the department's own note."""
    template = intake_cache.auto_template(report.category, status)
    if template is None:
        return
    due = timezone.localtime(report.response_due_at) if report.response_due_at else None
    text = (
        template.text.replace("{{ number }}", report.number)
        .replace("{{ category }}", report.category.name)
        .replace("{{ department }}", department.name)
        .replace("{{ due }}", due.strftime("%Y-%m-%d %H:%M") if due else "")
    )
    _event(
        report,
        EventKind.NOTE,
        actor=None,
        department=department,
        note=text,
        data={"template": template.pk, "auto": True},
    )


@transaction.atomic(durable=True)
def reassign_report(
    report: Report, *, actor: User | None, department: Department, note: str
) -> Report:
    """Change the lead department of a case a department already holds (改派); the clocks
    start again for the new department."""
    report = _lock(report)
    _require_dispatch(actor, report)
    if report.status not in WITH_DEPARTMENT:
        raise DomainError(f"当前状态为「{report.status_label}」，只有在办工单可以改派")
    if department.pk == report.lead_department_id:
        raise InvalidInput.field("department", "新部门与当前主办部门相同")
    if not (note or "").strip():
        raise InvalidInput.field("note", "请填写改派理由")
    previous = report.lead_department
    report.status = Status.RETURNED  # passes through the dispatch desk on the timeline
    _transfer(
        report,
        department=department,
        assisting=[],
        actor=actor,
        note=f"由{previous.name if previous else '—'}改派至{department.name}：{note.strip()}",
    )
    return report


@transaction.atomic(durable=True)
def add_assist(report: Report, *, actor: User | None, department: Department) -> Report:
    """Ask one more department to help (协办) on a case in hand."""
    report = _lock(report)
    _require_dispatch(actor, report)
    if report.status not in WITH_DEPARTMENT:
        raise DomainError(f"当前状态为「{report.status_label}」，不能增加协办部门")
    if Assignment.objects.filter(report=report, department=department, active=True).exists():
        raise InvalidInput.field("department", f"{department.name}已在办理此工单")
    Assignment.objects.create(report=report, department=department, role=AssignmentRole.ASSIST)
    _event(
        report,
        EventKind.ASSIST_ADDED,
        actor=actor,
        before=report.status,
        note=f"增加协办部门：{department.name}",
        data={"department": department.code},
    )
    _audit(Verb.REPORT_ASSIST_ADDED, report, actor, department=department.code)
    _notify_departments(report, [department])
    return report


@transaction.atomic(durable=True)
def merge_reports(duplicate: Report, *, into: Report, actor: User | None, note: str = "") -> Report:
    """Merge a duplicate into the case it repeats (并单): the duplicate ends as merged and its
    reporter follows the main case, so every merged reporter gets the result."""
    if duplicate.pk == into.pk:
        raise InvalidInput.field("into", "不能与自身并单")
    locked = {
        r.pk: r
        for r in Report.objects.select_for_update()
        .filter(pk__in=[duplicate.pk, into.pk])
        .select_related("category")
    }
    duplicate, into = locked[duplicate.pk], locked[into.pk]
    _require_dispatch(actor, duplicate)
    _require_dispatch(actor, into)
    if not into.is_open:
        raise DomainError(f"工单 {into.number} 已{into.status_label}，不能并入")
    if into.merged_into_id:
        raise DomainError(f"工单 {into.number} 本身已并入其他工单")
    before = _move(duplicate, Status.MERGED)
    duplicate.merged_into = into
    duplicate.closed_at = timezone.now()
    _save(duplicate, "status", "merged_into", "closed_at")
    Assignment.objects.filter(report=duplicate, active=True).update(active=False)
    followers = set(Follower.objects.filter(report=duplicate).values_list("user_id", flat=True))
    for user_id in ({duplicate.reporter_id} | followers) - {None, into.reporter_id}:
        assert user_id is not None  # taken out by the set difference
        Follower.objects.get_or_create(report=into, user_id=user_id)
    text = f"与工单 {into.number} 为同一问题，已并单办理" + (f"：{note}" if note else "")
    _event(
        duplicate, EventKind.MERGED, actor=actor, before=before, note=text, data={"into": into.pk}
    )
    _event(
        into,
        EventKind.MERGED,
        actor=actor,
        before=into.status,
        note=f"并入工单 {duplicate.number}",
        data={"merged": duplicate.pk},
    )
    _audit(Verb.REPORT_MERGED, duplicate, actor, into=into.pk)
    _tell_reporters(duplicate, "reports.status", note=text)
    return duplicate


# --- the department's work ----------------------------------------------------------------------


@transaction.atomic(durable=True)
def respond_report(report: Report, *, actor: User | None, note: str = "") -> Report:
    """The lead department acknowledges the case (响应): the response clock stops."""
    report = _lock(report)
    department = _require_lead_handler(actor, report)
    before = _move(report, Status.RESPONDED)
    report.responded_at = timezone.now()
    _save(report, "status", "responded_at")
    _event(
        report,
        EventKind.RESPONDED,
        actor=actor,
        before=before,
        department=department,
        note=note or "已收到，正在处理",
    )
    _audit(Verb.REPORT_RESPONDED, report, actor, department=department.code)
    _tell_reporters(report, "reports.status", note=note)
    return report


@transaction.atomic(durable=True)
def return_report(report: Report, *, actor: User | None, reason: str) -> Report:
    """The department says the case is not theirs (退单): back to the dispatch desk."""
    report = _lock(report)
    department = _require_lead_handler(actor, report)
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "请填写退单理由")
    before = _move(report, Status.RETURNED)
    report.lead_department = None
    report.response_due_at = report.resolution_due_at = None
    _save(report, "status", "lead_department", "response_due_at", "resolution_due_at")
    Assignment.objects.filter(report=report, active=True).update(active=False)
    _event(
        report,
        EventKind.RETURNED,
        actor=actor,
        before=before,
        department=department,
        note=reason.strip(),
        public=False,
    )
    _audit(Verb.REPORT_RETURNED, report, actor, department=department.code)
    for user in dispatchers_for(report.region_id):
        notify(
            user,
            "reports.returned",
            {
                "number": report.number,
                "department": department.name,
                "reason": reason.strip(),
                "url": _link(report, staff=True),
            },
        )
    return report


def resolve_report(
    report: Report, *, actor: User | None, result: str, photos: Sequence[Any] | None = None
) -> Report:
    """The lead department reports the work done, with the result and after-photos."""
    if not (result or "").strip():
        raise InvalidInput.field("result", "请填写办理结果")
    processed = photo_intake.process_photos(photos, field="photos")
    stored = photo_intake.store_photos(processed, folder="reports") if processed else []
    try:
        return _resolve(report, actor=actor, result=result.strip(), photos=stored)
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


@transaction.atomic(durable=True)
def _resolve(report: Report, *, actor: User | None, result: str, photos: list[dict]) -> Report:
    report = _lock(report)
    department = _require_lead_handler(actor, report)
    before = _move(report, Status.RESOLVED)
    now = timezone.now()
    if report.responded_at is None:
        report.responded_at = now  # resolving answers the case too
    report.resolved_at = now
    report.result = result
    report.result_photos = photos
    _save(report, "status", "responded_at", "resolved_at", "result", "result_photos")
    _event(
        report,
        EventKind.RESOLVED,
        actor=actor,
        before=before,
        department=department,
        note=result,
        photos=photos,
    )
    _audit(Verb.REPORT_RESOLVED, report, actor, department=department.code, photos=len(photos))
    _tell_reporters(report, "reports.resolved", result=result, department=department.name)
    return report


@transaction.atomic(durable=True)
def add_note(report: Report, *, actor: User | None, note: str, public: bool = False) -> Report:
    """A note on the timeline by a department working on the case or the dispatch desk."""
    report = _lock(report)
    if not (note or "").strip():
        raise InvalidInput.field("note", "请填写内容")
    membership = actor.active_membership if actor is not None else None
    department = None
    if membership is not None and membership.department_id:
        require_perm(actor, Perm.REPORTS_HANDLE)
        if not Assignment.objects.filter(
            report=report, active=True, department_id=membership.department_id
        ).exists():
            raise NotPermitted("您的部门没有承办此工单")
        department = membership.department
    else:
        _require_dispatch(actor, report)
    _event(
        report,
        EventKind.NOTE,
        actor=actor,
        before=report.status,
        department=department,
        note=note.strip(),
        public=public,
    )
    _audit(Verb.REPORT_NOTE_ADDED, report, actor, public=public)
    return report


# --- verification, closing, reopening, rating ----------------------------------------------------


@transaction.atomic(durable=True)
def verify_report(report: Report, *, actor: User | None, note: str = "") -> Report:
    """Confirm the work (核实): by the reporter, or staff in the case's region (a grid worker,
    the dispatch desk); None = the auto-verification after the objection period. The case is
    then closed (办结)."""
    report = _lock(report)
    if actor is not None and not _is_reporter(actor, report):
        membership = actor.active_membership
        if membership is not None and membership.department_id and not actor.is_superuser:
            raise NotPermitted("处置部门不能核实自己办理的工单，请由上报人或辖区工作人员核实")
        if not (
            actor.has_perm_in_scope(Perm.REPORTS_DISPATCH)
            or actor.has_perm_in_scope(Perm.REPORTS_VIEW)
        ):
            raise NotPermitted("只有上报人或辖区工作人员可以核实")
        if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
            raise NotPermitted("该工单不在您的工作范围内")
    before = _move(report, Status.VERIFIED)
    label = "上报人" if _is_reporter(actor, report) else ""
    text = note or (
        "上报人确认已解决" if label else ("无异议，系统自动核实" if actor is None else "核查属实")
    )
    _event(report, EventKind.VERIFIED, actor=actor, before=before, note=text, label=label)
    _audit(Verb.REPORT_VERIFIED, report, actor, auto=actor is None)
    before = _move(report, Status.CLOSED)
    report.closed_at = timezone.now()
    _save(report, "status", "closed_at")
    _event(report, EventKind.CLOSED, actor=None, before=before, note="工单已办结")
    _audit(Verb.REPORT_CLOSED, report, actor)
    _tell_reporters(report, "reports.closed")
    return report


@transaction.atomic(durable=True)
def reopen_report(report: Report, *, actor: User | None, reason: str) -> Report:
    """The reporter disputes the result within 7 days of its resolution (where the category
    allows), or staff send the work back (返工): the lead department's clocks start again."""
    report = _lock(report)
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "请说明问题为何没有解决")
    if _is_reporter(actor, report):
        if not report.category.public_may_reopen:
            raise DomainError(f"「{report.category.name}」类问题不支持群众申请重办，请拨打热线")
        resolved = report.resolved_at or report.closed_at
        if resolved is None or timezone.now() - resolved > timedelta(days=REOPEN_WINDOW_DAYS):
            raise DomainError(f"办理完毕已超过{REOPEN_WINDOW_DAYS}天，不能再申请重办")
    else:
        _require_dispatch(actor, report)
    if report.lead_department is None:
        raise DomainError("该工单没有主办部门，不能重启")
    before = _move(report, Status.REOPENED)
    _start_clock(report, timezone.now())
    report.reopen_count += 1
    report.closed_at = None
    report.rating = None
    report.rated_at = None
    report.rating_comment = ""
    # The requester is asked again at the next closing (a pending 差评 clock runs on).
    report.followup_at = report.followup_solved = None
    report.followup_satisfaction = report.followup_note = ""
    _save(
        report,
        "status",
        "response_due_at",
        "resolution_due_at",
        "escalation_level",
        "responded_at",
        "reopen_count",
        "closed_at",
        "rating",
        "rated_at",
        "rating_comment",
        "followup_at",
        "followup_solved",
        "followup_satisfaction",
        "followup_note",
    )
    # The lead works on it again. A closed case usually kept its active lead row; only when it
    # was stood down does one row come back, never beside an active one (at most one active
    # assignment per department: an earlier return or reassignment leaves inactive rows).
    rows = Assignment.objects.filter(report=report, department=report.lead_department)
    if not rows.filter(active=True).exists():
        latest = rows.order_by("-assigned_at", "-id").first()
        if latest is not None:
            rows.filter(pk=latest.pk).update(active=True, role=AssignmentRole.LEAD)
        else:
            Assignment.objects.create(
                report=report, department=report.lead_department, role=AssignmentRole.LEAD
            )
    _event(
        report,
        EventKind.REOPENED,
        actor=actor,
        before=before,
        note=reason.strip(),
        label="上报人" if _is_reporter(actor, report) else "",
    )
    _audit(Verb.REPORT_REOPENED, report, actor, by_reporter=_is_reporter(actor, report))
    _notify_departments(report, [report.lead_department])
    return report


@transaction.atomic(durable=True)
def rate_report(report: Report, *, actor: User, rating: int, comment: str = "") -> Report:
    """The reporter rates a closed case 1–5 (满意 / 基本满意 / 不满意), once."""
    report = _lock(report)
    if not _is_reporter(actor, report):
        raise NotPermitted("只有上报人可以评价")
    if report.status != Status.CLOSED:
        raise DomainError(f"工单{report.status_label}，办结后才能评价")
    if report.rating is not None:
        raise DomainError("您已评价过此工单")
    if not isinstance(rating, int) or not 1 <= rating <= 5:
        raise InvalidInput.field("rating", "评价应为1到5星")
    if len(comment or "") > 500:
        raise InvalidInput.field("comment", "评价意见不能超过500字")
    report.rating = rating
    report.rating_comment = (comment or "").strip()
    report.rated_at = timezone.now()
    _save(report, "rating", "rating_comment", "rated_at")
    comment_text = f"：{report.rating_comment}" if report.rating_comment else ""
    note = f"{report.satisfaction}（{rating}星）{comment_text}"
    _event(report, EventKind.RATED, actor=actor, before=report.status, label="上报人", note=note)
    _audit(Verb.REPORT_RATED, report, actor, rating=rating)
    return report


@transaction.atomic(durable=True)
def follow_report(report: Report, *, actor: User) -> Follower:
    """Follow an open case instead of reporting it again ("someone reported this")."""
    if actor is None or not actor.is_authenticated:
        raise NotPermitted("请先登录")
    report = _lock(report)
    if not report.is_open:
        raise DomainError(f"工单{report.status_label}，不能再关注")
    public = Report.objects.public().filter(pk=report.pk).exists()
    if not public and not _is_reporter(actor, report):
        raise DomainError("该工单暂不能关注")
    follower, created = Follower.objects.get_or_create(report=report, user=actor)
    if created:
        _audit(Verb.REPORT_FOLLOWED, report, actor)
    return follower


# --- moderation --------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def hide_report(report: Report, *, actor: User, hidden: bool, reason: str) -> Report:
    """Hide a case from the public pages and Open311 (or show it again), with a reason."""
    report = _lock(report)
    require_perm(actor, Perm.REPORTS_MODERATE)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotPermitted("该工单不在您的工作范围内")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "请填写原因")
    report.hidden = hidden
    report.hidden_reason = reason.strip() if hidden else ""
    _save(report, "hidden", "hidden_reason")
    _event(
        report,
        EventKind.MODERATED,
        actor=actor,
        before=report.status,
        public=False,
        note=("不公开：" if hidden else "恢复公开：") + reason.strip(),
    )
    _audit(Verb.REPORT_MODERATED, report, actor, hidden=hidden, reason=reason.strip())
    return report


@transaction.atomic(durable=True)
def correct_public_text(
    report: Report, *, actor: User, description: str, address: str, reason: str
) -> Report:
    """Set what the public sees of the reporter's words: the description and the address on the
    public pages and Open311. Empty text goes back to the reporter's words with phone and ID
    numbers masked. Staff always see the original; the audit entry says that it changed, not
    what the reporter had written."""
    report = _lock(report)
    require_perm(actor, Perm.REPORTS_MODERATE)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotPermitted("该工单不在您的工作范围内")
    description, address, reason = (
        (description or "").strip(),
        (address or "").strip(),
        (reason or "").strip(),
    )
    errors = []
    if not reason:
        errors.append({"field": "reason", "message": "请填写原因"})
    if len(description) > 4000:
        errors.append({"field": "description", "message": "公开描述不能超过4000字"})
    if len(address) > 200:
        errors.append({"field": "address", "message": "公开地址不能超过200字"})
    InvalidInput.raise_if_any(errors)
    report.public_text, report.public_place = description, address
    _save(report, "public_text", "public_place")
    _event(
        report, EventKind.MODERATED, actor=actor, before=report.status, public=False,
        note="更正公开文本：" + reason,
    )  # fmt: skip
    _audit(
        Verb.REPORT_PUBLIC_TEXT_CORRECTED, report, actor, reason=reason,
        description_corrected=bool(description), address_corrected=bool(address),
    )  # fmt: skip
    return report


@transaction.atomic(durable=True)
def redact_photo(report: Report, *, actor: User, index: int, reason: str) -> Report:
    """Replace a photo's public copy with a blurred one (faces, number plates); staff still see
    the original."""
    report = _lock(report)
    require_perm(actor, Perm.REPORTS_MODERATE)
    if not Report.objects.visible_to(actor).filter(pk=report.pk).exists():
        raise NotPermitted("该工单不在您的工作范围内")
    if not (reason or "").strip():
        raise InvalidInput.field("reason", "请填写原因")
    photos = list(report.photos)
    if not 0 <= index < len(photos):
        raise InvalidInput.field("index", "没有这张照片")
    if photos[index].get("redacted"):
        raise DomainError("这张照片已处理过")
    from ..redaction import blur_copy

    photos[index] = {**photos[index], "redacted": True, **blur_copy(photos[index])}
    report.photos = photos
    _save(report, "photos")
    _event(
        report,
        EventKind.MODERATED,
        actor=actor,
        before=report.status,
        public=False,
        note=f"第{index + 1}张照片已打码：{reason.strip()}",
    )
    _audit(Verb.REPORT_MODERATED, report, actor, photo=index, reason=reason.strip())
    return report
