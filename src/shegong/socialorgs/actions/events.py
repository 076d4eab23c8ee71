"""Registration events (issue 14 §2): applications and administrative penalties.

An application is filed by the organization itself (its ``org_account`` user, through the
portal) or by a registrar on its behalf; it is saved as a draft, carries its attachments, is
submitted (refused naming each missing material), then approved — the change is applied to the
record through ``records``' helpers inside the same transaction, with its 公告 — or returned
with reasons (edited and submitted again) or withdrawn by the applicant.

A penalty (警告, 罚款, 限期停止活动, 撤销登记) names its statutory ground (``statutes.GROUNDS``);
限期停止活动 and 撤销登记 change the status through ``records.apply_status``.

An approved 注销 or a 撤销 penalty of an organization with an open dormant case (§5) closes that
case as cleared in the same transaction (``election.close_case_by_event``); a 撤销 of such an
organization waits for the case's 60-day 拟撤销登记公告 to end.

Every entry point: one durable transaction, permission and scope first, one audit entry last.
``actor`` None is the system (demo data), which may give the dates (``on``/``at``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, pii
from shegong.core.audit import Verb
from shegong.core.documents import attachment_fields, check_documents
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.perms import Perm

from ..choices import SocialOrgStatus, SocialOrgType
from ..models import Application, ApplicationAttachment, DormantOutcome, Penalty, SocialOrg
from ..statutes import (
    CHANGE_ARTICLE,
    CHANGE_DAYS,
    DEREGISTER_ARTICLE,
    DEREGISTER_DAYS,
    EDITABLE,
    GROUND_BY_KEY,
    PUBLISHED_ITEMS,
    ApplicationKind,
    ApplicationState,
    ChangeItem,
    Material,
    PenaltyKind,
    required_materials,
)
from ._checks import _check_actor, _check_scope
from .announcements import make_announcement
from .election import check_strike_off_allowed, close_case_by_event
from .records import (
    _bool,
    _date,
    _text,
    apply_status,
    apply_update,
    create_charter,
    record_values,
)

__all__ = [
    "add_attachments",
    "approve_application",
    "impose_penalty",
    "remove_attachment",
    "return_application",
    "save_application",
    "submit_application",
    "withdraw_application",
]

APPLICATION_NOT_FOUND = "未找到该申请，或您无权查看"
ITEM_SIZES = {
    ChangeItem.NAME: 200,
    ChangeItem.ADDRESS: 300,
    ChangeItem.LEGAL_REP: 50,
    ChangeItem.SUPERVISOR: 100,
    ChangeItem.ACTIVITY_AREA: 100,
    ChangeItem.BUSINESS_SCOPE: 2000,
}
MAX_FINE = Decimal("100000000")


# --- who may act -----------------------------------------------------------------------------


def _portal_org_pk(actor: User) -> int | None:
    """The organization an ``org_account`` user speaks for, or None."""
    if not actor.has_perm_in_scope(Perm.ORG_PORTAL):
        return None
    account = getattr(actor, "org_account", None)
    return account.social_org_id if account is not None else None


def _check_applicant(actor: User | None, social_org: SocialOrg) -> bool:
    """The organization's own account, or a registrar in scope (True: on the organization's
    behalf). Another organization's account: NotFound."""
    if actor is None:
        return False
    own = _portal_org_pk(actor)
    if own is not None:
        if own != social_org.pk:
            raise NotFound(APPLICATION_NOT_FOUND)
        return False
    _check_actor(actor)
    _check_scope(actor, social_org)
    return True


def _check_application(actor: User | None, application: Application) -> bool:
    return _check_applicant(actor, application.social_org)


def _check_not_closed(social_org: SocialOrg) -> None:
    if social_org.status == SocialOrgStatus.DEREGISTERED:
        raise DomainError(
            f"{social_org.organization.name}已于登记管理机关办理注销登记，不能再提出任何登记事项申请"
        )


def _lock(application: Application) -> Application:
    return (
        Application.objects.select_for_update()
        .select_related("social_org__organization")
        .get(pk=application.pk)
    )


def _region(application: Application) -> str:
    return application.social_org.organization.region_id


# --- validation ------------------------------------------------------------------------------


def _clean(social_org: SocialOrg, data: Mapping[str, Any]) -> dict[str, Any]:
    """The application's fields; one InvalidInput naming every bad field."""
    errors: list[dict[str, str]] = []
    v: dict[str, Any] = {}
    kind = _text(data.get("kind"))
    if kind not in ApplicationKind.values:
        errors.append({"field": "kind", "message": f"申请事项“{kind or '（空）'}”不在可选范围内"})
    v["kind"] = kind
    v["reason"] = _text(data.get("reason"))
    if len(v["reason"]) > 2000:
        errors.append({"field": "reason", "message": "申请事由不能超过2000个字"})
    v["items"], v["requested"] = [], {}
    v["supervisor_approved_on"] = v["dissolved_on"] = v["liquidation_ended_on"] = None
    v["party_building"] = False
    today = timezone.localdate()
    if kind == ApplicationKind.CHANGE:
        raw = data.get("items") or []
        items = [raw] if isinstance(raw, str) else list(raw)
        items = [str(item) for item in items if str(item)]
        bad = [item for item in items if item not in ChangeItem.values]
        if bad or not items:
            errors.append(
                {"field": "items", "message": "请选择变更事项（名称、住所、法定代表人等）"}
            )
        v["items"] = [item.value for item in ChangeItem if item in items]
        requested = data.get("requested") or {}
        for item in v["items"]:
            label = ChangeItem(item).label
            value = _text(requested.get(item) if isinstance(requested, Mapping) else "")
            field = f"requested_{item}"
            if not value:
                errors.append({"field": field, "message": f"请填写变更后的{label}"})
                continue
            if item == ChangeItem.CAPITAL:
                try:
                    amount = Decimal(value)
                except InvalidOperation:
                    amount = Decimal(0)
                if not amount.is_finite() or amount <= 0:
                    errors.append({"field": field, "message": "注册资金应为大于0的数（万元）"})
                    continue
                value = str(amount.normalize())
            elif item == ChangeItem.REELECTION:
                try:
                    when = date.fromisoformat(value)
                except ValueError:
                    errors.append({"field": field, "message": "新一届起始日期格式应为 年-月-日"})
                    continue
                if when > today:
                    errors.append({"field": field, "message": "新一届起始日期不能晚于今天"})
                    continue
            elif len(value) > ITEM_SIZES.get(ChangeItem(item), 200):
                errors.append({"field": field, "message": f"{label}不能超过{ITEM_SIZES[item]}个字"})
                continue
            v["requested"][item] = value
        v["supervisor_approved_on"] = _date(
            data, "supervisor_approved_on", "业务主管单位同意（或内部决议）日期", errors,
            required=True,
        )  # fmt: skip
    elif kind == ApplicationKind.DEREGISTRATION:
        v["dissolved_on"] = _date(
            data, "dissolved_on", "解散（终止）决议日期", errors, required=True
        )
        v["liquidation_ended_on"] = _date(
            data, "liquidation_ended_on", "清算结束日期", errors, required=True
        )
        if v["dissolved_on"] and v["liquidation_ended_on"]:
            if v["liquidation_ended_on"] < v["dissolved_on"]:
                errors.append(
                    {"field": "liquidation_ended_on", "message": "清算结束日期不能早于解散决议日期"}
                )
    elif kind == ApplicationKind.CHARTER:
        v["party_building"] = _bool(data.get("party_building"))
    for field, label in [
        ("supervisor_approved_on", "业务主管单位同意日期"),
        ("dissolved_on", "解散决议日期"),
        ("liquidation_ended_on", "清算结束日期"),
    ]:
        if v[field] and v[field] > today:
            errors.append({"field": field, "message": f"{label}不能晚于今天"})
    InvalidInput.raise_if_any(errors)
    v["due_on"] = None
    if kind == ApplicationKind.CHANGE:
        v["due_on"] = v["supervisor_approved_on"] + timedelta(days=CHANGE_DAYS)
    elif kind == ApplicationKind.DEREGISTRATION:
        v["due_on"] = v["liquidation_ended_on"] + timedelta(days=DEREGISTER_DAYS)
    return v


def missing_materials(application: Application) -> list[str]:
    """The labels of the required materials not attached yet."""
    need = required_materials(
        application.kind,
        has_supervisor=bool(application.social_org.supervisor),
        items=list(application.items or []),
    )
    have = set(application.attachments.values_list("material", flat=True))
    return [Material(m).label for m in need if m not in have]


# --- the applicant's verbs -------------------------------------------------------------------


@transaction.atomic(durable=True)
def save_application(
    social_org: SocialOrg,
    data: Mapping[str, Any],
    *,
    actor: User | None,
    application: Application | None = None,
    at: datetime | None = None,
) -> Application:
    """Create a draft (``application`` None) or save a draft or returned application."""
    on_behalf = _check_applicant(actor, social_org)
    social_org = SocialOrg.objects.select_related("organization").get(pk=social_org.pk)
    _check_not_closed(social_org)
    if application is not None:
        application = _lock(application)
        if application.social_org_id != social_org.pk:
            raise NotFound(APPLICATION_NOT_FOUND)
        if application.state not in EDITABLE:
            raise DomainError(f"该申请{ApplicationState(application.state).label}，不能再修改")
    v = _clean(social_org, data)
    now = at or timezone.now()
    if application is None:
        application = Application(
            social_org=social_org, filed_by=actor, on_behalf=on_behalf, created_at=now
        )
    elif application.kind != v["kind"]:
        raise InvalidInput.field("kind", "已保存的申请不能改变申请事项，请撤回后另行申请")
    for name in (
        "kind", "items", "requested", "reason", "supervisor_approved_on", "dissolved_on",
        "liquidation_ended_on", "party_building", "due_on",
    ):  # fmt: skip
        setattr(application, name, v[name])
    application.updated_at = now
    application.save()
    audit.record(
        Verb.APPLICATION_SAVED,
        actor=actor,
        target=application,
        region=_region(application),
        data={
            "kind": application.kind,
            "items": [ChangeItem(i).label for i in application.items],
            "on_behalf": on_behalf,
        },
    )
    return application


@transaction.atomic(durable=True)
def add_attachments(
    application: Application, material: str, files: Sequence[Any], *, actor: User | None
) -> list[ApplicationAttachment]:
    """Attach checked files (PDF, image, Office; each named when refused) as ``material``."""
    _check_application(actor, application)
    application = _lock(application)
    if application.state not in EDITABLE:
        raise DomainError(f"该申请{ApplicationState(application.state).label}，不能再上传材料")
    if material not in Material.values:
        raise InvalidInput.field("material", "请选择材料类别")
    if not files:
        raise InvalidInput.field("files", "请选择要上传的文件")
    docs = check_documents(list(files), field="files")  # every file checked before any write
    saved = []
    for doc in docs:
        attachment = ApplicationAttachment(
            application=application, material=material, uploaded_by=actor, **attachment_fields(doc)
        )
        attachment.save()
        saved.append(attachment)
    audit.record(
        Verb.APPLICATION_ATTACHMENT_ADDED,
        actor=actor,
        target=application,
        region=_region(application),
        data={"material": Material(material).label, "files": [a.name for a in saved]},
    )
    return saved


@transaction.atomic(durable=True)
def remove_attachment(application: Application, attachment_pk: int, *, actor: User | None) -> None:
    _check_application(actor, application)
    application = _lock(application)
    if application.state not in EDITABLE:
        raise DomainError(f"该申请{ApplicationState(application.state).label}，不能再删除材料")
    attachment = application.attachments.filter(pk=attachment_pk).first()
    if attachment is None:
        raise NotFound("未找到该材料")
    name = attachment.name
    attachment.file.delete(save=False)
    attachment.delete()
    audit.record(
        Verb.APPLICATION_ATTACHMENT_REMOVED,
        actor=actor,
        target=application,
        region=_region(application),
        data={"file": name},
    )


@transaction.atomic(durable=True)
def submit_application(
    application: Application, *, actor: User | None, at: datetime | None = None
) -> Application:
    """Submit a draft or returned application: refused naming each missing material."""
    _check_application(actor, application)
    application = _lock(application)
    _check_not_closed(application.social_org)
    if application.state not in EDITABLE:
        raise IllegalTransition(
            ApplicationState(application.state).label,
            ApplicationState.SUBMITTED.label,
            [ApplicationState.DRAFT.label, ApplicationState.RETURNED.label],
        )
    missing = missing_materials(application)
    if missing:
        raise InvalidInput.field("files", f"缺少申请材料：{'、'.join(missing)}，请上传后再提交")
    now = at or timezone.now()
    application.state = ApplicationState.SUBMITTED
    application.submitted_at = now
    application.late = bool(application.due_on and timezone.localdate(now) > application.due_on)
    application.updated_at = now
    application.save()
    audit.record(
        Verb.APPLICATION_SUBMITTED,
        actor=actor,
        target=application,
        region=_region(application),
        data={"kind": application.kind, "late": application.late},
    )
    return application


@transaction.atomic(durable=True)
def withdraw_application(application: Application, *, actor: User | None) -> Application:
    """The applicant withdraws an application not yet decided."""
    _check_application(actor, application)
    application = _lock(application)
    if application.state not in {*EDITABLE, ApplicationState.SUBMITTED}:
        raise IllegalTransition(
            ApplicationState(application.state).label, ApplicationState.WITHDRAWN.label, []
        )
    application.state = ApplicationState.WITHDRAWN
    application.updated_at = timezone.now()
    application.save(update_fields=["state", "updated_at"])
    audit.record(
        Verb.APPLICATION_WITHDRAWN,
        actor=actor,
        target=application,
        region=_region(application),
        data={"kind": application.kind},
    )
    return application


# --- the registrar's verbs -------------------------------------------------------------------


def _check_registrar(actor: User | None, social_org: SocialOrg) -> None:
    _check_actor(actor)
    _check_scope(actor, social_org)


def _check_submitted(application: Application, target: ApplicationState) -> None:
    if application.state != ApplicationState.SUBMITTED:
        raise IllegalTransition(
            ApplicationState(application.state).label,
            target.label,
            [ApplicationState.SUBMITTED.label],
        )


def _apply_change(application: Application, *, actor: User | None, on: date) -> dict[str, Any]:
    """Write the requested items onto the record; the 公告 of a new name, address or legal
    representative. Returns the changed fields."""
    social_org = application.social_org
    old_name = social_org.organization.name
    values = record_values(social_org)
    requested = application.requested or {}
    for item in application.items:
        if item == ChangeItem.REELECTION:
            values["term_start"] = requested[item]
        elif item != ChangeItem.CAPITAL:
            values[item] = requested[item]
    social_org, changed = apply_update(social_org, values, actor=None)
    if ChangeItem.CAPITAL in application.items:
        changed["capital"] = ["", requested[ChangeItem.CAPITAL]]
    org = social_org.organization
    for item, kind in PUBLISHED_ITEMS.items():
        if item not in application.items:
            continue
        label = ChangeItem(item).label
        shown = pii.mask_name(org.legal_rep) if item == ChangeItem.LEGAL_REP else requested[item]
        make_announcement(
            social_org,
            kind,
            title=f"{old_name}{label}变更公告",
            body=(
                f"经审查，{social_org.registration_authority or '本机关'}准予{old_name}"
                f"（统一社会信用代码：{org.credit_code or '—'}）变更{label}。\n"
                f"变更后的{label}：{shown}\n依据：{CHANGE_ARTICLE[SocialOrgType(social_org.org_type)]}\n特此公告。"
            ),
            published_on=on,
        )
    return changed


def _deregistration_basis(application: Application) -> str:
    return (
        f"{DEREGISTER_ARTICLE[SocialOrgType(application.social_org.org_type)]}；"
        f"注销登记申请第{application.pk}号（清算结束日期 {application.liquidation_ended_on}）"
    )


@transaction.atomic(durable=True)
def approve_application(
    application: Application, *, actor: User | None, on: date | None = None
) -> Application:
    """Approve a submitted application and apply it: a change onto the record (with its 公告),
    a charter version (with the attached charter), 注销 through the status (with its 公告); a
    延续登记 is recorded as approved."""
    _check_registrar(actor, application.social_org)
    application = _lock(application)
    _check_submitted(application, ApplicationState.APPROVED)
    _check_not_closed(application.social_org)
    day = on or timezone.localdate()
    data: dict[str, Any] = {"kind": ApplicationKind(application.kind).label}
    if application.kind == ApplicationKind.CHANGE:
        data["changed"] = _apply_change(application, actor=actor, on=day)
    elif application.kind == ApplicationKind.CHARTER:
        charter_file = application.attachments.filter(material=Material.CHARTER_DRAFT).first()
        stored = (
            (str(charter_file.file.name), charter_file.name, charter_file.content_type)
            if charter_file
            else None
        )
        charter = create_charter(
            application.social_org,
            {
                "version_date": day,
                "party_building": application.party_building,
                "party_building_on": day,
            },
            stored=stored,
        )
        data["charter"] = charter.pk
    elif application.kind == ApplicationKind.DEREGISTRATION:
        basis = _deregistration_basis(application)
        _, status = apply_status(
            application.social_org,
            SocialOrgStatus.DEREGISTERED,
            legal_basis=basis,
            effective_on=day,
        )
        data.update(status)
        case = close_case_by_event(
            application.social_org, DormantOutcome.DEREGISTERED, basis=basis, on=day,
            actor=actor,
        )  # fmt: skip
        if case is not None:
            data["dormant_case"] = case.pk
    application.state = ApplicationState.APPROVED
    application.decided_at = (
        timezone.now() if on is None else timezone.make_aware(datetime.combine(day, time(10)))
    )
    application.decided_on = day
    application.decided_by = actor
    application.updated_at = timezone.now()
    application.save()
    audit.record(
        Verb.APPLICATION_APPROVED,
        actor=actor,
        target=application.social_org,
        region=_region(application),
        data={**data, "application": application.pk},
    )
    return application


@transaction.atomic(durable=True)
def return_application(
    application: Application, reasons: str, *, actor: User | None, at: datetime | None = None
) -> Application:
    """Return a submitted application with reasons the organization sees (required)."""
    _check_registrar(actor, application.social_org)
    text = _text(reasons)
    if not text:
        raise InvalidInput.field("reasons", "请填写退回理由，告知申请人需要补正的内容")
    if len(text) > 2000:
        raise InvalidInput.field("reasons", "退回理由不能超过2000个字")
    application = _lock(application)
    _check_submitted(application, ApplicationState.RETURNED)
    application.state = ApplicationState.RETURNED
    application.return_reasons = text
    application.times_returned += 1
    application.decided_at = at or timezone.now()
    application.decided_by = actor
    application.updated_at = application.decided_at
    application.save()
    audit.record(
        Verb.APPLICATION_RETURNED,
        actor=actor,
        target=application,
        region=_region(application),
        data={"kind": application.kind, "return_reasons": text},
    )
    return application


# --- penalties -------------------------------------------------------------------------------


def _clean_penalty(
    social_org: SocialOrg, data: Mapping[str, Any], actor: User | None
) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    v: dict[str, Any] = {"amount": None, "suspended_until": None}
    kind = _text(data.get("kind"))
    if kind not in PenaltyKind.values:
        errors.append({"field": "kind", "message": "请选择处罚种类"})
    v["kind"] = kind
    ground = GROUND_BY_KEY.get(_text(data.get("ground")))
    if ground is None or social_org.org_type not in ground.types:
        errors.append({"field": "ground", "message": "请选择适用于该类型社会组织的法定处罚事由"})
    elif ground.cancel_only and kind and kind != PenaltyKind.CANCELLATION:
        errors.append({"field": "kind", "message": f"依据{ground.article}，该事由应予撤销登记"})
    v["ground"] = ground
    v["decision_number"] = _text(data.get("decision_number"))
    if not v["decision_number"]:
        errors.append({"field": "decision_number", "message": "请填写处罚决定书文号"})
    elif len(v["decision_number"]) > 100:
        errors.append({"field": "decision_number", "message": "处罚决定书文号不能超过100个字"})
    v["facts"] = _text(data.get("facts"))
    if len(v["facts"]) > 2000:
        errors.append({"field": "facts", "message": "违法事实不能超过2000个字"})
    v["decided_on"] = _date(data, "decided_on", "处罚决定日期", errors, required=True)
    today = timezone.localdate()
    # the system (the demo's year, on fixed dates) may date a decision like the dormant actions
    if v["decided_on"] and v["decided_on"] > today and actor is not None:
        errors.append({"field": "decided_on", "message": "处罚决定日期不能晚于今天"})
    if kind == PenaltyKind.FINE:
        text = _text(data.get("amount"))
        try:
            amount = Decimal(text)
        except InvalidOperation:
            amount = None
        if amount is None or not amount.is_finite() or amount <= 0:
            errors.append({"field": "amount", "message": "罚款金额应为大于0的数（元）"})
        elif amount > MAX_FINE or amount != amount.quantize(Decimal("0.01")):
            errors.append({"field": "amount", "message": "罚款金额应精确到分，且不超过1亿元"})
        else:
            v["amount"] = amount.quantize(Decimal("0.01"))
    if kind == PenaltyKind.SUSPENSION:
        until = _date(data, "suspended_until", "停止活动期限", errors, required=True)
        if until and v["decided_on"] and until <= v["decided_on"]:
            errors.append({"field": "suspended_until", "message": "停止活动期限应晚于处罚决定日期"})
        v["suspended_until"] = until
    InvalidInput.raise_if_any(errors)
    return v


@transaction.atomic(durable=True)
def impose_penalty(
    social_org: SocialOrg, data: Mapping[str, Any], *, actor: User | None
) -> Penalty:
    """Record an administrative penalty on its statutory ground; 限期停止活动 and 撤销登记
    change the registration status (撤销 closes the ledger row and publishes its 公告)."""
    _check_registrar(actor, social_org)
    social_org = SocialOrg.objects.select_related("organization").get(pk=social_org.pk)
    _check_not_closed(social_org)
    v = _clean_penalty(social_org, data, actor)
    ground = v["ground"]
    status_data: dict[str, Any] = {}
    target = {
        PenaltyKind.SUSPENSION: SocialOrgStatus.SUSPENDED,
        PenaltyKind.CANCELLATION: SocialOrgStatus.CANCELLED,
    }.get(PenaltyKind(v["kind"]))
    if target is not None:
        basis = f"{ground.citation}；处罚决定书 {v['decision_number']}"
        if target == SocialOrgStatus.CANCELLED:
            check_strike_off_allowed(social_org, v["decided_on"])
        _, status_data = apply_status(
            social_org, target, legal_basis=basis, effective_on=v["decided_on"]
        )
        if target == SocialOrgStatus.CANCELLED:
            case = close_case_by_event(
                social_org, DormantOutcome.CANCELLED, basis=basis, on=v["decided_on"],
                actor=actor,
            )  # fmt: skip
            if case is not None:
                status_data["dormant_case"] = case.pk
    elif social_org.status in {SocialOrgStatus.CANCELLED, SocialOrgStatus.REVOKED}:
        raise DomainError("该社会组织已被撤销登记或吊销登记证书，不能再作出其他处罚")
    penalty = Penalty.objects.create(
        social_org=social_org,
        kind=v["kind"],
        ground=ground.key,
        article=ground.citation[:300],
        facts=v["facts"],
        decision_number=v["decision_number"],
        amount=v["amount"],
        suspended_until=v["suspended_until"],
        decided_on=v["decided_on"],
        decided_by=actor,
    )
    audit.record(
        Verb.PENALTY_IMPOSED,
        actor=actor,
        target=social_org,
        region=social_org.organization.region_id,
        data={
            "penalty": penalty.pk,
            "kind": PenaltyKind(penalty.kind).label,
            "legal_basis": ground.citation,
            "amount": str(penalty.amount) if penalty.amount is not None else None,
            **status_data,
        },
    )
    return penalty
