"""State changes of the routing rules (派单规则): which department gets a category's cases in a
region.

Like every verb of the closed loop's configuration (see ``categories``): a keyword-only
``actor`` with ``reports.configure``, one durable transaction with its audit entry. A routing
rule belongs to a region, so it is made and removed only inside the actor's scope, and only for
a department whose region covers it.
"""

from __future__ import annotations

from django.db import transaction

from shegong.accounts.models import Department, User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region

from ..models import Category, RoutingRule
from .categories import _Errors

__all__ = ["delete_routing_rule", "save_routing_rule"]


@transaction.atomic(durable=True)
def save_routing_rule(
    *, actor: User, category: Category, region: Region, department: Department
) -> RoutingRule:
    """Route ``category`` in ``region``'s subtree to ``department`` (replacing the department of
    an existing rule for the same category and region). The region must be in the actor's
    scope and inside the department's own region."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    errors = _Errors()
    if not Region.objects.visible_to(actor).filter(pk=region.pk).exists():
        errors.add("region", "所选区划不在您的工作范围内")
    if not department.is_active:
        errors.add("department", f"部门「{department.name}」已停用")
    elif not region.code.startswith(department.region.prefix):
        errors.add(
            "department",
            f"「{department.name}」负责{department.region.name}，不能承办{region.name}的工单",
        )
    errors.raise_if_any()
    rule = (
        RoutingRule.objects.select_for_update()
        .select_related("department")
        .filter(category=category, region=region)
        .first()
    )
    previous = rule.department.code if rule is not None else None
    if rule is not None and rule.department_id == department.pk:
        return rule  # nothing changes
    if rule is None:
        rule = RoutingRule.objects.create(category=category, region=region, department=department)
    else:
        rule.department = department
        rule.save(update_fields=["department"])
    audit.record(
        Verb.ROUTING_RULE_SAVED,
        actor=actor,
        target=rule,
        data={
            "category": category.service_code,
            "region": region.code,
            "department": department.code,
            "previous": previous,
        },
    )
    return rule


@transaction.atomic(durable=True)
def delete_routing_rule(rule: RoutingRule, *, actor: User) -> None:
    """Remove a rule: the category's cases in that region then follow the next wider rule, or
    wait at the dispatch desk."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    found = (
        RoutingRule.objects.visible_to(actor)
        .select_for_update()
        .select_related("category", "department")
        .filter(pk=rule.pk)
        .first()
    )
    if found is None:
        raise NotFound("未找到该派单规则")
    rule = found
    audit.record(
        Verb.ROUTING_RULE_DELETED,
        actor=actor,
        target=rule,
        data={
            "category": rule.category.service_code,
            "region": rule.region_id,
            "department": rule.department.code,
        },
    )
    rule.delete()
