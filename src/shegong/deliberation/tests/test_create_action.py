"""Creating an action item by hand: the owner kinds, a child item within its parent's due date,
the community in scope, and bad input refused with nothing written."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.deliberation.actions.actions import create_action
from shegong.deliberation.models import ActionItem, TopicCategory


@pytest.fixture
def category(db):
    return TopicCategory.objects.get(code="elevator")


def fields(district, category, **more):
    return {
        "region": district["community_a"], "category": category, "title": "3号楼加装电梯",
        "due_on": timezone.localdate() + timedelta(days=60), "owner_kind": "person",
        "owner_name": "东关社区居委会", **more,
    }  # fmt: skip


def test_a_worker_creates_an_item_and_a_child_due_within_it(
    district, category, community_a_worker, department_a
):
    item = create_action(
        community_a_worker,
        **fields(district, category, budget="120000", funding_source="社区公益基金"),
    )
    assert item.budget == Decimal("120000.00") and item.owner_name == "东关社区居委会"
    child = create_action(
        community_a_worker, parent=item.pk, category=category, title="征求低层住户意见",
        due_on=item.due_on, owner_kind="department", owner_department=department_a,
    )  # fmt: skip
    assert child.region_id == item.region_id and child.owner_name == "城管局"
    assert AuditEvent.objects.filter(verb=Verb.ACTION_CREATED).count() == 2
    with pytest.raises(InvalidInput) as late:
        create_action(
            community_a_worker, parent=item, category=category, title="晚于上级",
            due_on=item.due_on + timedelta(days=1), owner_kind="person", owner_name="王某",
        )  # fmt: skip
    assert "不能晚于上级事项" in str(late.value.errors)


def test_bad_input_is_refused_and_nothing_is_written(
    district, category, community_a_worker, street_b_staff, resident
):
    with pytest.raises(InvalidInput):
        create_action(community_a_worker, **fields(district, category, title=""))
    with pytest.raises(InvalidInput):
        create_action(community_a_worker, **fields(district, category, budget="-1"))
    with pytest.raises(InvalidInput):
        create_action(community_a_worker, **fields(district, category, owner_kind="x"))
    with pytest.raises(NotFound):
        create_action(street_b_staff, **fields(district, category))
    with pytest.raises(NotPermitted):
        create_action(resident, **fields(district, category))
    assert not ActionItem.objects.exists()
