"""Applications (项目申报) through the organization portal: save a draft (budget lines summing
to the amount asked, within the call's cap; beneficiaries, indicators, attachments), submit
(while the call is open; the automatic eligibility check against the social-organization
records runs and refuses an organization that fails it — a credit listing is named), withdraw;
staff's manual eligibility check (pass/fail with a note)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput, NotFound
from shegong.core.values import lock, long_text, money, move, text
from shegong.grants.actions._grants import (
    a_date,
    count,
    drop_later,
    require_manager,
    store,
)
from shegong.grants.actions._tell import tell_org
from shegong.grants.choices import APPLICATION_TRANSITIONS, ApplicationStatus, CallStatus
from shegong.grants.models import Application, BudgetLine, Call
from shegong.grants.queries.calls import APPLICATION_NOT_FOUND, CALL_NOT_FOUND, eligibility
from shegong.socialorgs.portal import portal_org

__all__ = ["application_files", "check", "save_application", "submit", "withdraw"]

MAX_LINES = 30


def _lines(value: Any) -> list[dict[str, Any]]:
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput.field("budget_lines", "请填写预算明细")
    if len(value) > MAX_LINES:
        raise InvalidInput.field("budget_lines", f"预算明细不能超过 {MAX_LINES} 行")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidInput.field("budget_lines", "预算明细格式不正确")
        out.append(
            {
                "item": text(entry.get("item"), "budget_lines", "支出科目", 60),
                "amount": money(entry.get("amount"), "budget_lines", "预算金额"),
                "note": text(entry.get("note"), "budget_lines", "测算依据", 200, required=False),
            }
        )
    return out


def _indicators(value: Any) -> list[dict[str, Any]]:
    if value in (None, ""):
        return []
    if not isinstance(value, list | tuple) or len(value) > 20:
        raise InvalidInput.field("indicators", "绩效指标格式不正确（最多 20 项）")
    out = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidInput.field("indicators", "绩效指标格式不正确")
        out.append(
            {
                "name": text(entry.get("name"), "indicators", "指标名称", 60),
                "target": count(entry.get("target"), "indicators", "目标值"),
                "unit": text(entry.get("unit"), "indicators", "单位", 10, required=False),
            }
        )
    return out


def _fields(call: Call, data: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    lines = _lines(data.get("budget_lines"))
    amount = money(data.get("amount"), "amount", "申请金额")
    if amount <= 0:
        raise InvalidInput.field("amount", "申请金额须大于 0")
    if amount > call.max_per_project:
        raise InvalidInput.field(
            "amount", f"申请金额不能超过单个项目资助上限 {call.max_per_project} 元"
        )
    total = sum((line["amount"] for line in lines), Decimal("0.00"))
    if total != amount:
        raise InvalidInput.field(
            "budget_lines", f"预算明细合计 {total} 元，须等于申请金额 {amount} 元"
        )
    category = text(data.get("category"), "category", "项目类别", 30)
    if call.categories and category not in call.categories:
        raise InvalidInput.field("category", "项目类别不在本次申报的类别范围内")
    starts = a_date(data.get("starts_on"), "starts_on", "计划开始日期", required=False)
    ends = a_date(data.get("ends_on"), "ends_on", "计划结束日期", required=False)
    if starts and ends and ends < starts:
        raise InvalidInput.field("ends_on", "计划结束日期不能早于开始日期")
    phone = text(data.get("contact_phone"), "contact_phone", "联系电话", 20, required=False)
    if phone and not phone.replace("-", "").isdigit():
        raise InvalidInput.field("contact_phone", "联系电话只能包含数字和“-”")
    fields = {
        "title": text(data.get("title"), "title", "项目名称", 80),
        "category": category,
        "summary": long_text(data.get("summary"), "summary", "项目概述", 5000),
        "beneficiaries": text(data.get("beneficiaries"), "beneficiaries", "服务对象", 200),
        "beneficiary_count": count(data.get("beneficiary_count"), "beneficiary_count",
                                   "预计受益人次"),
        "indicators": _indicators(data.get("indicators")),
        "amount": amount,
        "self_funded": money(data.get("self_funded"), "self_funded", "自筹金额", required=False),
        "starts_on": starts, "ends_on": ends,
        "contact_name": text(data.get("contact_name"), "contact_name", "联系人", 40,
                             required=False),
        "contact_phone": phone,
    }  # fmt: skip
    return fields, lines


def _open_for_applying(call: Call) -> None:
    today = timezone.localdate()
    if call.status != CallStatus.OPEN or today < call.opens_on:
        raise IllegalTransition(call.get_status_display(), "申报", ["申报期内才能申报"])
    if today > call.closes_on:
        raise InvalidInput.field("call", f"申报已于 {call.closes_on:%Y-%m-%d} 截止")


def _kept(found: Application, remove: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The draft's attachments split by ``remove`` (indexes into the list): kept, dropped."""
    drop = {int(i) for i in (remove or ()) if str(i).strip().isdigit()}
    have = [a for a in found.attachments or [] if isinstance(a, dict)]
    return (
        [a for i, a in enumerate(have) if i not in drop],
        [a for i, a in enumerate(have) if i in drop],
    )


@transaction.atomic(durable=True)
def save_application(
    actor: Any, call: Any = None, application: Any = None, *, attachments: Any = None,
    remove: Any = (), **data: Any,
) -> Application:  # fmt: skip
    """Create (on ``call``) or edit (``application``) the portal organization's draft;
    ``attachments`` are uploaded files added to it, ``remove`` the indexes of attached files to
    drop (a bad file refuses the whole save, nothing stored)."""
    org = portal_org(actor)
    if application is None:
        pk = getattr(call, "pk", call)
        found_call = Call.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if found_call is None:
            raise NotFound(CALL_NOT_FOUND)
        _open_for_applying(found_call)
        fields, lines = _fields(found_call, data)
        fields["attachments"] = store(attachments, "applications", "attachments")
        found = Application.objects.create(
            call=found_call, social_org=org, region_id=org.organization.region_id,
            created_by=actor, **fields,
        )  # fmt: skip
    else:
        found = lock(Application, application, APPLICATION_NOT_FOUND)
        if found.social_org_id != org.pk:
            raise NotFound(APPLICATION_NOT_FOUND)
        if found.status != ApplicationStatus.DRAFT:
            raise IllegalTransition(found.get_status_display(), "修改", ["草稿状态下才能修改"])
        found_call = found.call
        _open_for_applying(found_call)
        fields, lines = _fields(found_call, data)
        kept, dropped = _kept(found, remove)
        kept += store(attachments, "applications", "attachments", have=len(kept))
        fields["attachments"] = kept
        drop_later(dropped)
        for name, value in fields.items():
            setattr(found, name, value)
        found.save()
        found.budget_lines.all().delete()
    BudgetLine.objects.bulk_create(
        BudgetLine(application=found, order=i, **line) for i, line in enumerate(lines)
    )
    audit.record(
        Verb.GRANT_APPLICATION_SAVED, actor=actor, target=found,
        data={"amount": str(found.amount), "created": application is None},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def application_files(
    actor: Any, application: Any, *, attachments: Any = None, remove: Any = ()
) -> Application:
    """Add uploaded files to the organization's draft and/or drop attached ones (``remove``:
    indexes), while the call is open; a bad file refuses it all, nothing stored."""
    org = portal_org(actor)
    found = lock(Application, application, APPLICATION_NOT_FOUND)
    if found.social_org_id != org.pk:
        raise NotFound(APPLICATION_NOT_FOUND)
    if found.status != ApplicationStatus.DRAFT:
        raise IllegalTransition(found.get_status_display(), "修改附件", ["草稿状态下才能修改"])
    _open_for_applying(found.call)
    kept, dropped = _kept(found, remove)
    added = store(attachments, "applications", "attachments", have=len(kept))
    if not added and not dropped:
        raise InvalidInput.field("attachments", "请选择要上传的文件或要删除的附件")
    found.attachments = kept + added
    found.save(update_fields=["attachments"])
    drop_later(dropped)
    audit.record(
        Verb.GRANT_APPLICATION_SAVED, actor=actor, target=found,
        data={"files_added": len(added), "files_removed": len(dropped)},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def submit(actor: Any, application: Any) -> Application:
    """Hand in a draft while the call is open. The automatic eligibility check runs first: an
    organization that is not 正常, whose latest 年检 is not 合格 (when the call requires it), or
    that is on a credit list is refused (422, nothing written), the failing rules named."""
    org = portal_org(actor)
    found = lock(Application, application, APPLICATION_NOT_FOUND)
    if found.social_org_id != org.pk:
        raise NotFound(APPLICATION_NOT_FOUND)
    call = Call.objects.select_for_update(of=("self",)).get(pk=found.call_id)
    _open_for_applying(call)
    findings = eligibility(org, call)
    failed = [f.detail for f in findings if not f.ok]
    if failed:
        raise InvalidInput.field("social_org", "资格预审未通过，不能提交：" + "；".join(failed))
    if call.applications.filter(
        social_org=org, status__in=[s for s in ApplicationStatus.values if s not in (
            ApplicationStatus.DRAFT, ApplicationStatus.WITHDRAWN)]
    ).exists():  # fmt: skip
        raise InvalidInput.field("call", "本组织已向本次申报提交过项目，每个组织限报一项")
    move(found, ApplicationStatus.SUBMITTED, APPLICATION_TRANSITIONS, ApplicationStatus)
    found.eligibility = [f.as_dict() for f in findings]
    found.submitted_at = timezone.now()
    found.save(update_fields=["status", "eligibility", "submitted_at"])
    audit.record(Verb.GRANT_APPLICATION_SUBMITTED, actor=actor, target=found, data={})
    return found


@transaction.atomic(durable=True)
def withdraw(actor: Any, application: Any) -> Application:
    """The organization withdraws its application before the committee decides."""
    org = portal_org(actor)
    found = lock(Application, application, APPLICATION_NOT_FOUND)
    if found.social_org_id != org.pk:
        raise NotFound(APPLICATION_NOT_FOUND)
    move(found, ApplicationStatus.WITHDRAWN, APPLICATION_TRANSITIONS, ApplicationStatus)
    found.save(update_fields=["status"])
    audit.record(Verb.GRANT_APPLICATION_WITHDRAWN, actor=actor, target=found, data={})
    return found


@transaction.atomic(durable=True)
def check(actor: Any, application: Any, *, passed: Any, note: Any = "") -> Application:
    """Staff's manual eligibility check of a submitted application (复核 of a failed one on
    appeal): pass or fail, a note required on failing."""
    found = lock(Application, application, APPLICATION_NOT_FOUND)
    require_manager(actor, found.region_id, APPLICATION_NOT_FOUND)
    if passed not in (True, False):
        raise InvalidInput.field("passed", "请选择资格审查结论")
    note = text(note, "note", "审查意见", 500, required=not passed)
    to = ApplicationStatus.ELIGIBLE if passed else ApplicationStatus.INELIGIBLE
    move(found, to, APPLICATION_TRANSITIONS, ApplicationStatus)
    found.eligibility_note = note
    found.checked_by = actor if getattr(actor, "pk", None) else None
    found.checked_at = timezone.now()
    found.save(update_fields=["status", "eligibility_note", "checked_by", "checked_at"])
    audit.record(Verb.GRANT_ELIGIBILITY_CHECKED, actor=actor, target=found, data={"passed": passed})
    tell_org(actor, found.social_org_id, f"grants.application_{'' if passed else 'in'}eligible",
             {"title": found.title, "note": note, "pk": found.pk})  # fmt: skip
    return found
