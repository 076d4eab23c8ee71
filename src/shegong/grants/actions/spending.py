"""Spending (支出): a request to a project — a funded grant project, an action item of the
议事厅, a standing service of 四单, or another named project — in cash or from an in-kind item;
the committee's decision with the supervisor's recorded opinion (required on every decision,
approved or rejected); the payment.

**The balance never goes negative.** ``pay`` locks the fund's row (and the item's), checks the
balance, moves ``Fund.cash_balance`` (or ``Item.quantity_left``) with an ``F()`` update and writes
the movement's ``balance_after``; the database's check constraints refuse a negative whatever
the code does, and an ``IntegrityError`` is answered as a plain refusal with nothing written.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput
from shegong.core.notify import notify, register_event
from shegong.core.values import lock, long_text, money, text
from shegong.grants.actions._funds import (
    FUND_NOT_FOUND,
    ITEM_NOT_FOUND,
    SPENDING_NOT_FOUND,
    post,
    quantity,
    require_manager,
    when,
)
from shegong.grants.actions._tell import tell_fund_managers
from shegong.grants.choices import (
    SPENDING_TRANSITIONS,
    CommitteeRole,
    FundStatus,
    MovementKind,
    SpendingStatus,
    SpendingTarget,
)
from shegong.grants.models import Fund, Item, Movement, Spending
from shegong.grants.queries.targets import candidates

__all__ = ["cancel", "decide", "pay", "request_spending"]

register_event(
    "grants.fund_spending_requested",
    title="社区慈善基金支出待审议：{{ title }}",
    body="{{ fund }}的支出申请“{{ title }}”（{{ value }}元）待管委会审议。",
    link="{{ url }}",
)


# The target kinds linked to a row: the spending's field and the row's name.
LINKED = {
    SpendingTarget.GRANT: ("project", "公益创投项目"),
    SpendingTarget.ACTION_ITEM: ("action_item", "落地实事"),
    SpendingTarget.STANDING_ORDER: ("standing_order", "常态化服务"),
}


def _target(target: Any, fields: dict[str, Any], fund: Fund) -> dict[str, Any]:
    """The linked row of the target kind: one the fund may pay (``queries.targets``: in the
    fund's community and signed / under way / active). Refused with the reason otherwise."""
    if target not in SpendingTarget.values:
        raise InvalidInput.field("target", "请选择支出去向")
    linked: dict[str, Any] = {"target": target}
    if target not in LINKED:
        return linked
    field, noun = LINKED[SpendingTarget(target)]
    offered = candidates(fund, target)
    raw = fields.get(field)
    pk = str(getattr(raw, "pk", raw) or "").strip()
    if not pk.isdigit():
        raise InvalidInput.field(field, f"请选择本社区的{noun}")
    found = offered.filter(pk=pk).first()
    if found is None:
        row = offered.model.objects.filter(pk=pk).first()
        if row is None:
            raise InvalidInput.field(field, f"未找到该{noun}，请从列表中选择")
        if not fund.region.contains_code(row.region_id):
            raise InvalidInput.field(field, f"该{noun}不在本基金所在社区，不能作为支出去向")
        raise InvalidInput.field(field, f"该{noun}{row.get_status_display()}，不能作为支出去向")
    linked[field] = found
    return linked


@transaction.atomic(durable=True)
def request_spending(
    actor: Any, fund: Any, *, title: Any, purpose: Any, target: Any = SpendingTarget.OTHER,
    payee: Any = "", amount_value: Any = None, item: Any = None, quantity_value: Any = None,
    beneficiaries: Any = 0, project: Any = None, action_item: Any = None,
    standing_order: Any = None,
) -> Spending:  # fmt: skip
    """申请支出: cash (``amount_value``) or an item of the fund (``item`` × ``quantity_value``),
    the project it lands, the payee and the expected beneficiaries (惠及人次)."""
    found = lock(Fund, fund, FUND_NOT_FOUND)
    require_manager(actor, found.region_id, FUND_NOT_FOUND)
    if found.status != FundStatus.ACTIVE:
        raise DomainError(f"该基金{found.get_status_display()}，不能申请支出")
    linked = _target(
        target, {"project": project, "action_item": action_item,
                 "standing_order": standing_order}, found,
    )  # fmt: skip
    spending = Spending(
        fund=found, region_id=found.region_id, title=text(title, "title", "项目名称", 80),
        purpose=long_text(purpose, "purpose", "用途说明", 2000),
        payee=text(payee, "payee", "收款方", 80, required=False),
        requested_by=actor if getattr(actor, "pk", None) else None, **linked,
    )  # fmt: skip
    try:
        spending.beneficiaries = int(str(beneficiaries or 0).strip())
    except ValueError:
        raise InvalidInput.field("beneficiaries", "惠及人次应为整数") from None
    if not 0 <= spending.beneficiaries <= 10_000_000:
        raise InvalidInput.field("beneficiaries", "惠及人次应为 0 到 1000 万之间的整数")
    if item not in (None, ""):
        pk = getattr(item, "pk", item)
        found_item = Item.objects.filter(pk=pk, fund=found).first() if str(pk).isdigit() else None
        if found_item is None:
            raise InvalidInput.field("item", "请选择本基金的物资或服务")
        count = quantity(quantity_value, "quantity")
        if count > found_item.quantity_left:
            raise InvalidInput.field(
                "quantity",
                f"{found_item.name}结存 {found_item.quantity_left}{found_item.unit}，不足 {count}",
            )
        spending.item, spending.quantity = found_item, count
        spending.amount = (count * found_item.unit_value).quantize(Decimal("0.01"))
    else:
        spending.amount = money(amount_value, "amount", "支出金额", positive=True)
    spending.save()
    audit.record(
        Verb.FUND_SPENDING_REQUESTED, actor=actor, target=spending,
        data={"fund": found.pk, "amount": str(spending.amount), "item": spending.item_id,
              "quantity": str(spending.quantity), "target": spending.target},
    )  # fmt: skip
    from shegong.accounts.queries import holders
    from shegong.core.perms import Perm

    for user in holders(Perm.FUNDS_MANAGE, found.region_id):
        if getattr(actor, "pk", None) != user.pk:
            notify(user, "grants.fund_spending_requested", {
                "title": spending.title, "fund": found.name, "value": spending.amount,
                "url": f"/grants/funds/spending/{spending.pk}/",
            })  # fmt: skip
    return spending


def _move(found: Spending, to: str) -> None:
    allowed = SPENDING_TRANSITIONS[found.status]
    if to not in allowed:
        raise IllegalTransition(
            found.get_status_display(), SpendingStatus(to).label,
            [SpendingStatus(s).label for s in sorted(allowed)],
        )  # fmt: skip
    found.status = to


def _votes(value: Any, field: str, label: str) -> int:
    try:
        number = int(str(value if value not in (None, "") else "x").strip())
    except ValueError:
        raise InvalidInput.field(field, f"请填写{label}（整数）") from None
    if not 0 <= number <= 99:
        raise InvalidInput.field(field, f"{label}应在 0 到 99 之间")
    return number


@transaction.atomic(durable=True)
def decide(
    actor: Any, spending: Any, *, approve: Any, resolution: Any, votes_for: Any,
    votes_against: Any, supervisor: Any, supervisor_opinion: Any,
) -> Spending:  # fmt: skip
    """管委会审议: the resolution, the votes (a majority of the active committee for an
    approval), the supervisor member and their opinion — required whatever the decision."""
    from shegong.grants.actions.funds import active_members

    found = lock(Spending, spending, SPENDING_NOT_FOUND)
    fund = Fund.objects.get(pk=found.fund_id)
    require_manager(actor, fund.region_id, SPENDING_NOT_FOUND)
    _move(found, SpendingStatus.APPROVED if approve else SpendingStatus.REJECTED)
    found.resolution = text(resolution, "resolution", "管委会决议", 300)
    found.votes_for = _votes(votes_for, "votes_for", "赞成票")
    found.votes_against = _votes(votes_against, "votes_against", "反对票")
    members = list(active_members(fund))
    if found.votes_for + found.votes_against > len(members):
        raise InvalidInput.field(
            "votes_for", f"票数合计超过管委会在任成员人数（{len(members)} 人）"
        )
    if approve and found.votes_for * 2 <= len(members):
        raise InvalidInput.field("votes_for", f"批准须经管委会过半数（在任 {len(members)} 人）同意")
    pk = getattr(supervisor, "pk", supervisor)
    member = next((m for m in members if str(m.pk) == str(pk)), None)
    if member is None or member.role != CommitteeRole.SUPERVISOR:
        raise InvalidInput.field("supervisor", "请选择在任的监督员")
    found.supervisor = member
    found.supervisor_opinion = long_text(
        supervisor_opinion, "supervisor_opinion", "监督员意见", 1000
    )
    found.decided_by = actor if getattr(actor, "pk", None) else None
    found.decided_at = timezone.now()
    found.save()
    audit.record(
        Verb.FUND_SPENDING_DECIDED, actor=actor, target=found,
        data={"status": found.status, "votes_for": found.votes_for,
              "votes_against": found.votes_against, "supervisor": member.name},
    )  # fmt: skip
    tell_fund_managers(actor, fund.region_id, f"grants.fund_spending_{found.status}", {
        "title": found.title, "fund": fund.name, "value": found.amount, "pk": found.pk,
        "votes_for": found.votes_for, "resolution": found.resolution,
    })  # fmt: skip
    return found


def pay(actor: Any, spending: Any, *, occurred_at: Any = None, note: Any = "") -> Movement:
    """支付 an approved spending. Refused with nothing written when the balance (or the item's
    quantity left) does not cover it — also when the database's constraint is what refuses."""
    try:
        return _pay(actor, spending, occurred_at, note)
    except IntegrityError:
        raise DomainError("余额不足，支付未成功（数据库拒绝了会使余额为负的支付）") from None


@transaction.atomic(durable=True)
def _pay(actor: Any, spending: Any, occurred_at: Any, note: Any) -> Movement:
    found = lock(Spending, spending, SPENDING_NOT_FOUND)
    fund = lock(Fund, found.fund_id, FUND_NOT_FOUND)
    require_manager(actor, fund.region_id, SPENDING_NOT_FOUND)
    _move(found, SpendingStatus.PAID)
    if fund.status not in (FundStatus.ACTIVE, FundStatus.WINDING_UP):
        raise DomainError(f"该基金{fund.get_status_display()}，不能支付")
    if found.supervisor_id is None or not found.supervisor_opinion:
        raise DomainError("缺少监督员意见，不能支付")
    now = timezone.now()
    at = when(occurred_at)
    line = Movement(
        fund=fund, host_id=fund.host_id, region_id=fund.region_id, occurred_at=at,
        amount=found.amount, spending=found, donor_name=found.payee,
        note=text(note, "note", "摘要", 200, required=False) or found.title[:200],
        recorded_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    if found.item_id is not None:
        item = lock(Item, found.item_id, ITEM_NOT_FOUND)
        if item.quantity_left < found.quantity:
            raise DomainError(
                f"{item.name}结存 {item.quantity_left}{item.unit}，不足 {found.quantity}，"
                "不能重复使用"
            )
        line.kind, line.item, line.quantity = MovementKind.GOODS_OUT, item, found.quantity
        line.balance_after = fund.cash_balance
        with transaction.atomic():
            Item.objects.filter(pk=item.pk).update(
                quantity_left=F("quantity_left") - found.quantity
            )
            Fund.objects.filter(pk=fund.pk).update(last_movement_at=now, dormant_flagged_at=None)
            post(line)
    else:
        if fund.cash_balance < found.amount:
            raise DomainError(
                f"余额不足：基金现金余额 {fund.cash_balance} 元，本次支付 {found.amount} 元"
            )
        line.kind = MovementKind.CASH_OUT
        with transaction.atomic():
            Fund.objects.filter(pk=fund.pk).update(
                cash_balance=F("cash_balance") - found.amount,
                last_movement_at=now,
                dormant_flagged_at=None,
            )
            fund.refresh_from_db(fields=["cash_balance"])
            line.balance_after = fund.cash_balance
            post(line)
    found.paid_at = now
    found.save(update_fields=["status", "paid_at"])
    audit.record(
        Verb.FUND_SPENDING_PAID, actor=actor, target=found,
        data={"movement": line.pk, "amount": str(found.amount), "item": found.item_id,
              "balance_after": str(line.balance_after)},
    )  # fmt: skip
    return line


@transaction.atomic(durable=True)
def cancel(actor: Any, spending: Any, reason: Any) -> Spending:
    """撤销 a request not yet paid, with the reason."""
    found = lock(Spending, spending, SPENDING_NOT_FOUND)
    require_manager(actor, found.region_id, SPENDING_NOT_FOUND)
    why = text(reason, "reason", "撤销原因", 200)
    _move(found, SpendingStatus.CANCELLED)
    found.save(update_fields=["status"])
    audit.record(Verb.FUND_SPENDING_CANCELLED, actor=actor, target=found, data={"reason": why})
    return found
