"""Hosts, funds and committees (社区慈善基金): register a host charity, set up a fund with its
agreement, keep its committee, and move the fund through 筹备 → 运行 → 清算 → 终止.

A fund is not a legal person: it has no account of its own, every receipt goes to the host's
account. It is activated only when its committee has at least 5 active members, an odd number,
at least one supervisor, and the agreement (purpose, use, termination, leftover funds) is filled.
Each verb is one durable transaction with one audit entry.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput
from shegong.core.values import lock, long_text, money, text
from shegong.grants.actions._funds import (
    FUND_NOT_FOUND,
    HOST_NOT_FOUND,
    MEMBER_NOT_FOUND,
    post,
    require_manager,
)
from shegong.grants.choices import FUND_TRANSITIONS, CommitteeRole, FundStatus, MovementKind
from shegong.grants.models import CommitteeMember, Fund, Host, Movement
from shegong.regions.models import Region

__all__ = [
    "activate", "activation_problems", "add_member", "close", "create_fund", "edit_agreement",
    "end_member", "save_host", "wind_up",
]  # fmt: skip

AGREEMENT_FIELDS = (
    ("purpose", "设立宗旨"), ("use_scope", "资金使用范围"), ("termination_terms", "终止情形"),
    ("leftover_terms", "剩余财产处理"),
)  # fmt: skip
MIN_COMMITTEE = 5


def _region(value: Any, field: str, label: str, *, community: bool) -> Region:
    code = str(getattr(value, "code", value) or "")
    found = Region.objects.filter(code=code).first() if code else None
    if found is None or (community and found.level != "community"):
        raise InvalidInput.field(field, f"请选择{label}")
    return found


@transaction.atomic(durable=True)
def save_host(
    actor: Any, *, host: Any = None, name: Any = "", region: Any = None, social_org: Any = None,
    account_name: Any = "", bank: Any = "", account_no: Any = "", receipt_prefix: Any = "JZ",
) -> Host:  # fmt: skip
    """登记 (or edit) a host charity: its name, its registration record if any, the account that
    receives every yuan of its funds, and the prefix of its receipt numbers."""
    if host not in (None, ""):
        found = lock(Host, host, HOST_NOT_FOUND)
        require_manager(actor, found.region_id, HOST_NOT_FOUND)
    else:
        found = Host(region=_region(region, "region", "所在区域", community=False))
        require_manager(actor, found.region_id, "未找到该区域")
    found.name = text(name, "name", "托管慈善组织名称", 80)
    found.account_name = text(account_name, "account_name", "收款户名", 80)
    found.bank = text(bank, "bank", "开户银行", 80, required=False)
    found.account_no = text(account_no, "account_no", "银行账号", 40, required=False)
    prefix = text(receipt_prefix, "receipt_prefix", "票据编号前缀", 12)
    if not prefix.isascii() or not prefix.isalnum():
        raise InvalidInput.field("receipt_prefix", "票据编号前缀只能是字母和数字")
    found.receipt_prefix = prefix.upper()
    found.social_org_id = None
    if social_org not in (None, ""):
        from shegong.socialorgs.models import SocialOrg

        pk = getattr(social_org, "pk", social_org)
        org = SocialOrg.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        if org is None:
            raise InvalidInput.field("social_org", "未找到该社会组织登记信息")
        found.social_org = org
    found.save()
    audit.record(
        Verb.FUND_HOST_SAVED, actor=actor, target=found,
        data={"name": found.name, "account_name": found.account_name},
    )  # fmt: skip
    return found


def _agreement(found: Fund, fields: dict[str, Any]) -> None:
    for name, label in AGREEMENT_FIELDS:
        if name in fields:
            setattr(found, name, long_text(fields[name], name, label, 2000, required=False))
    if "agreement_no" in fields:
        found.agreement_no = text(fields["agreement_no"], "agreement_no", "协议编号", 40,
                                  required=False)  # fmt: skip
    if "agreement_signed_on" in fields:
        signed = fields["agreement_signed_on"]
        if signed not in (None, "") and not isinstance(signed, date):
            raise InvalidInput.field("agreement_signed_on", "请填写正确的协议签订日期")
        found.agreement_signed_on = signed or None


@transaction.atomic(durable=True)
def create_fund(actor: Any, *, host: Any, region: Any, name: Any, **agreement: Any) -> Fund:
    """设立 a community fund with its host (in the same district) and its agreement; it starts
    筹备中 until activated."""
    community = _region(region, "region", "基金所在社区", community=True)
    require_manager(actor, community.code, "未找到该社区")
    pk = getattr(host, "pk", host)
    found_host = Host.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found_host is None or not community.code.startswith(found_host.region_id[:6]):
        raise InvalidInput.field("host", "请选择本区的托管慈善组织")
    fund = Fund(
        region=community, host=found_host, name=text(name, "name", "基金名称", 80),
        created_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    _agreement(fund, agreement)
    fund.save()
    audit.record(
        Verb.FUND_SAVED, actor=actor, target=fund,
        data={"name": fund.name, "host": found_host.name, "status": fund.status},
    )  # fmt: skip
    return fund


@transaction.atomic(durable=True)
def edit_agreement(actor: Any, fund: Any, **agreement: Any) -> Fund:
    """Edit the agreement (purpose, use, termination, leftover funds, number, signing date)."""
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    if found.status == FundStatus.CLOSED:
        raise IllegalTransition(found.get_status_display(), "修改协议", [])
    _agreement(found, agreement)
    found.save()
    audit.record(Verb.FUND_SAVED, actor=actor, target=found, data={"agreement": True})
    return found


def active_members(fund: Fund) -> Any:
    today = timezone.localdate()
    return fund.committee.filter(started_on__lte=today).exclude(ended_on__lte=today)


def activation_problems(fund: Fund) -> list[str]:
    """What still stands between the fund and its activation, one message per missing rule."""
    problems = []
    members = list(active_members(fund))
    if len(members) < MIN_COMMITTEE:
        problems.append(f"管委会成员不少于 {MIN_COMMITTEE} 人（现有 {len(members)} 人）")
    if len(members) % 2 == 0:
        problems.append(f"管委会成员应为单数（现有 {len(members)} 人）")
    if not any(m.role == CommitteeRole.SUPERVISOR for m in members):
        problems.append("管委会至少要有一名监督员")
    missing = [label for name, label in AGREEMENT_FIELDS if not getattr(fund, name).strip()]
    if missing:
        problems.append(f"协议尚未填写：{'、'.join(missing)}")
    return problems


@transaction.atomic(durable=True)
def add_member(
    actor: Any, fund: Any, *, name: Any, role: Any, unit: Any = "", phone: Any = "",
    started_on: Any = None,
) -> CommitteeMember:  # fmt: skip
    """增补 a committee member (unpaid): chair, member or supervisor."""
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    if found.status == FundStatus.CLOSED:
        raise IllegalTransition(found.get_status_display(), "增补管委会成员", [])
    if role not in CommitteeRole.values:
        raise InvalidInput.field("role", "请选择职务（主任、委员或监督员）")
    cleaned_phone = text(phone, "phone", "联系电话", 20, required=False)
    if cleaned_phone and not cleaned_phone.replace("-", "").isdigit():
        raise InvalidInput.field("phone", "联系电话只能是数字")
    if started_on not in (None, "") and not isinstance(started_on, date):
        raise InvalidInput.field("started_on", "请填写正确的任职日期")
    member = CommitteeMember.objects.create(
        fund=found, name=text(name, "name", "姓名", 40), role=role,
        unit=text(unit, "unit", "工作单位/身份", 80, required=False), phone=cleaned_phone,
        started_on=started_on or timezone.localdate(),
    )  # fmt: skip
    audit.record(
        Verb.FUND_COMMITTEE_SAVED, actor=actor, target=found,
        data={"member": member.pk, "name": member.name, "role": role, "change": "added"},
    )  # fmt: skip
    return member


@transaction.atomic(durable=True)
def end_member(actor: Any, member: Any) -> CommitteeMember:
    """A member leaves the committee today. An active fund keeps its rules: leaving is refused
    if the committee would break them (add the successor first)."""
    found = lock(CommitteeMember, member, MEMBER_NOT_FOUND)
    fund = lock(Fund, found.fund_id, FUND_NOT_FOUND)
    require_manager(actor, fund.region_id, MEMBER_NOT_FOUND)
    if found.ended_on is not None:
        raise InvalidInput.field("member", "该成员已离任")
    found.ended_on = timezone.localdate()
    found.save(update_fields=["ended_on"])
    if fund.status == FundStatus.ACTIVE:
        problems = [p for p in activation_problems(fund) if not p.startswith("协议")]
        if problems:
            raise InvalidInput.field("member", "离任后管委会不符合要求：" + "；".join(problems))
    audit.record(
        Verb.FUND_COMMITTEE_SAVED, actor=actor, target=fund,
        data={"member": found.pk, "name": found.name, "change": "ended"},
    )  # fmt: skip
    return found


def _move(found: Fund, to: str) -> None:
    allowed = FUND_TRANSITIONS[found.status]
    if to not in allowed:
        raise IllegalTransition(
            found.get_status_display(), FundStatus(to).label,
            [FundStatus(s).label for s in sorted(allowed)],
        )  # fmt: skip
    found.status = to


@transaction.atomic(durable=True)
def activate(actor: Any, fund: Any) -> Fund:
    """启用 the fund (from 筹备中, or back from 清算中): refused with every missing rule named."""
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    _move(found, FundStatus.ACTIVE)
    problems = activation_problems(found)
    if problems:
        raise InvalidInput.field("committee", "暂不能启用：" + "；".join(problems))
    found.dormant_flagged_at = None
    if found.last_movement_at is None:
        found.last_movement_at = timezone.now()
    found.save(update_fields=["status", "dormant_flagged_at", "last_movement_at"])
    audit.record(Verb.FUND_SAVED, actor=actor, target=found, data={"status": found.status})
    return found


@transaction.atomic(durable=True)
def wind_up(actor: Any, fund: Any, reason: Any) -> Fund:
    """进入清算 (a dormant fund, or a termination case of the agreement): no new income or
    spending requests; approved spendings may still be paid."""
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    why = text(reason, "reason", "清算原因", 200)
    _move(found, FundStatus.WINDING_UP)
    found.save(update_fields=["status"])
    audit.record(
        Verb.FUND_SAVED, actor=actor, target=found, data={"status": found.status, "reason": why}
    )
    return found


def close(actor: Any, fund: Any, *, leftover_to: Any, note: Any = "") -> Fund:
    """终止: the leftover cash goes where the agreement says (``leftover_to``, a cash line that
    brings the balance to zero), the final disclosure is published, the fund is closed."""
    from shegong.grants.actions import disclosures

    found = _close(actor, fund, leftover_to, note)
    disclosures.final_disclosure(found)
    return Fund.objects.get(pk=found.pk)


@transaction.atomic(durable=True)
def _close(actor: Any, fund: Any, leftover_to: Any, note: Any) -> Fund:
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    _move(found, FundStatus.CLOSED)
    if found.spendings.filter(status__in=("requested", "approved")).exists():
        raise InvalidInput.field("fund", "尚有待审议或待支付的支出申请，请先处理")
    payee = text(leftover_to, "leftover_to", "剩余财产去向", 80)
    leftover = found.cash_balance
    now = timezone.now()
    if leftover > 0:
        money(leftover, "leftover", "剩余资金", positive=True)
        post(Movement(
            fund=found, host_id=found.host_id, region_id=found.region_id,
            kind=MovementKind.CASH_OUT, occurred_at=now, amount=leftover, balance_after=0,
            note=f"剩余资金按协议转交：{payee}"[:200], recorded_by=_user(actor),
        ))  # fmt: skip
    Fund.objects.filter(pk=found.pk).update(
        cash_balance=F("cash_balance") - leftover, status=FundStatus.CLOSED, last_movement_at=now
    )
    found.refresh_from_db()
    audit.record(
        Verb.FUND_SAVED, actor=actor, target=found,
        data={"status": found.status, "leftover": str(leftover), "leftover_to": payee,
              "note": text(note, "note", "说明", 200, required=False)},
    )  # fmt: skip
    return found


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None
