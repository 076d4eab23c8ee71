"""Action items (落地实事): a decision being delivered, its owner, due date, budget, progress
and timeline.

Each verb runs in one durable transaction and writes one audit entry. ``create_action`` is also
called inside a meeting's close (``meetings.close``) for each decision of the record: it then
runs in that transaction (``_create``) and is audited as the meeting's close.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction

from shegong.accounts.models import Department, User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.deliberation.actions._common import a_date, lock, long_text, require_manager, text
from shegong.deliberation.choices import OwnerKind
from shegong.deliberation.models import ActionItem, AgendaItem, Meeting, Topic, TopicCategory
from shegong.ledger.models import Organization
from shegong.regions.models import Region

__all__ = ["create_action"]

ACTION_NOT_FOUND = "未找到该落地实事"
TITLE_MAX = 60
OWNER_MAX = 100
FUNDING_MAX = 100
BUDGET_MAX = Decimal("9999999999.99")


def _budget(value: Any) -> Decimal | None:
    if value in (None, ""):
        return None
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"))
    except (InvalidOperation, ValueError):
        raise InvalidInput.field("budget", "预算应为金额（元）") from None
    if amount < 0 or amount > BUDGET_MAX:
        raise InvalidInput.field("budget", "预算应在 0 到 99.99 亿元之间")
    return amount


def _owner(
    community: Region, kind: Any, *, user: Any, department: Any, organization: Any, name: Any
) -> dict[str, Any]:
    """The owner fields: a person (an account, or a name), a department of the district, or an
    organization of the ledger; the shown name defaults to the chosen row's."""
    if kind not in OwnerKind.values:
        raise InvalidInput.field("owner_kind", "请选择责任方类型（个人、部门或组织）")
    found_user = found_department = found_organization = None
    if kind == OwnerKind.PERSON and user not in (None, ""):
        found_user = User.objects.filter(pk=getattr(user, "pk", user), is_active=True).first()
        if found_user is None:
            raise InvalidInput.field("owner_user", "未找到该责任人账号")
    if kind == OwnerKind.DEPARTMENT:
        pk = getattr(department, "pk", department)
        found_department = (
            Department.objects.select_related("region").filter(pk=pk, is_active=True).first()
            if str(pk).isdigit()
            else None
        )
        if found_department is None or not found_department.region.contains_code(community.code):
            raise InvalidInput.field("owner_department", "请选择负责该社区的部门")
    if kind == OwnerKind.ORGANIZATION and organization not in (None, ""):
        pk = getattr(organization, "pk", organization)
        found_organization = (
            Organization.objects.filter(pk=pk).first() if str(pk).isdigit() else None
        )
        if found_organization is None:
            raise InvalidInput.field("owner_organization", "未找到该组织，请先在台账中登记")
    shown = text(name, "owner_name", "责任方", OWNER_MAX, required=False) or str(
        found_user.name if found_user else found_department or found_organization or ""
    )
    if not shown:
        raise InvalidInput.field("owner_name", "请填写责任方")
    return {
        "owner_kind": kind, "owner_user": found_user, "owner_department": found_department,
        "owner_organization": found_organization, "owner_name": shown[:OWNER_MAX],
    }  # fmt: skip


def _create(
    actor: User | None, *, region: Any, category: Any, title: Any, due_on: Any,
    owner_kind: Any, owner_user: Any = None, owner_department: Any = None,
    owner_organization: Any = None, owner_name: Any = "", description: Any = "",
    budget: Any = None, funding_source: Any = "", topic: Topic | None = None,
    agenda_item: AgendaItem | None = None, meeting: Meeting | None = None,
    parent: ActionItem | None = None, public: bool = True,
) -> ActionItem:  # fmt: skip
    """Validate and write an action item (no transaction, no audit: the caller's)."""
    code = getattr(region, "code", region) or ""
    community = Region.objects.filter(code=code).first() if code else None
    if community is None or community.level != "community":
        raise InvalidInput.field("region", "请选择实事所在的社区")
    require_manager(actor, community.code, "未找到该社区")
    found_category = TopicCategory.objects.filter(
        pk=getattr(category, "pk", category)
        if str(getattr(category, "pk", category)).isdigit()
        else 0
    ).first()
    if found_category is None or not found_category.is_active:
        raise InvalidInput.field("category", "请选择实事类别")
    due = a_date(due_on, "due_on", "完成时限")
    if parent is not None and parent.region_id != community.code:
        raise InvalidInput.field("parent", "子事项须与上级事项在同一社区")
    if parent is not None and due > parent.due_on:
        raise InvalidInput.field(
            "due_on", f"子事项的完成时限不能晚于上级事项（{parent.due_on:%Y-%m-%d}）"
        )
    return ActionItem.objects.create(
        region=community, category=found_category,
        title=text(title, "title", "实事名称", TITLE_MAX),
        description=long_text(description, "description", "内容", 2000, required=False),
        topic=topic, agenda_item=agenda_item, meeting=meeting, parent=parent, due_on=due,
        budget=_budget(budget),
        funding_source=text(
            funding_source, "funding_source", "资金来源", FUNDING_MAX, required=False
        ),
        public=bool(public), created_by=actor,
        **_owner(community, owner_kind, user=owner_user, department=owner_department,
                 organization=owner_organization, name=owner_name),
    )  # fmt: skip


@transaction.atomic(durable=True)
def create_action(actor: User, **fields: Any) -> ActionItem:
    """建立 an action item by hand (or a child item, ``parent=``): the community in the actor's
    scope, a category, a title, an owner (person, department or organization), a due date, an
    optional budget and its source. A child item is due no later than its parent."""
    parent = fields.pop("parent", None)
    if parent not in (None, ""):
        parent = lock(ActionItem, parent, ACTION_NOT_FOUND)
        require_manager(actor, parent.region_id, ACTION_NOT_FOUND)
        fields.setdefault("region", parent.region_id)
        fields.setdefault("topic", parent.topic)
    item = _create(actor, parent=parent or None, **fields)
    audit.record(
        Verb.ACTION_CREATED, actor=actor, target=item,
        data={"owner": item.owner_name, "due_on": item.due_on.isoformat(),
              "parent": item.parent_id, "budget": str(item.budget or "")},
    )  # fmt: skip
    return item
