"""The skills taxonomy (技能目录): add, rename, reorder, deactivate. One function per verb.

The taxonomy is one list for the whole deployment (activities require skills by it, volunteers
name theirs by it), so it is changed by a ``volunteers.manage`` holder whose scope is the
district or above: a street cannot rename a skill under every other street's feet. A skill is
never deleted (volunteers and activities point at it); it is deactivated, which hides it from
pickers while keeping what was recorded.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.perms import Perm, require_perm
from shegong.volunteers.models import Skill
from shegong.volunteers.queries.access import may_configure

MAX_NAME = 30
NOT_DISTRICT = "技能目录为全区统一配置，请由区级志愿服务管理人员维护"


def _check(actor: User | None) -> None:
    if actor is None:
        return
    require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    if not may_configure(actor):
        raise NotPermitted(NOT_DISTRICT)


def _name(value: Any, *, exclude: int | None = None) -> str:
    name = str(value or "").strip()
    if not name or len(name) > MAX_NAME:
        raise InvalidInput.field("name", f"请填写技能名称（不超过 {MAX_NAME} 字）")
    clash = Skill.objects.filter(name=name)
    if exclude is not None:
        clash = clash.exclude(pk=exclude)
    if clash.exists():
        raise InvalidInput.field("name", f"已有名为「{name}」的技能")
    return name


def _new_code(name: str) -> str:
    base = slugify(name)[:30] or "skill"
    code, n = base, 1
    while Skill.objects.filter(code=code).exists():
        n += 1
        code = f"{base}-{n}"
    return code


@transaction.atomic(durable=True)
def add_skill(*, actor: User | None, name: str, needs_certificate: bool = False) -> Skill:
    _check(actor)
    name = _name(name)
    last = Skill.objects.aggregate(m=Max("order"))["m"] or 0
    skill = Skill.objects.create(
        code=_new_code(name), name=name, needs_certificate=bool(needs_certificate), order=last + 1
    )
    audit.record(
        Verb.SKILL_SAVED, actor=actor, target=skill,
        data={"created": True, "name": name, "needs_certificate": skill.needs_certificate},
    )  # fmt: skip
    return skill


def _skill(pk: Any) -> Skill:
    skill = Skill.objects.select_for_update().filter(pk=pk).first() if str(pk).isdigit() else None
    if skill is None:
        raise NotFound("未找到该技能")
    return skill


@transaction.atomic(durable=True)
def save_skill(
    pk: Any, *, actor: User | None, name: str, needs_certificate: bool, is_active: bool
) -> Skill:
    """Rename, (un)mark "usually needs a certificate", (de)activate."""
    _check(actor)
    skill = _skill(pk)
    values = {
        "name": _name(name, exclude=skill.pk),
        "needs_certificate": bool(needs_certificate),
        "is_active": bool(is_active),
    }
    changed = {
        field: [getattr(skill, field), new]
        for field, new in values.items()
        if getattr(skill, field) != new
    }
    if not changed:
        return skill
    for field, new in values.items():
        setattr(skill, field, new)
    skill.save()
    audit.record(Verb.SKILL_SAVED, actor=actor, target=skill, data={"changed": changed})
    return skill


@transaction.atomic(durable=True)
def move_skill(pk: Any, *, actor: User | None, direction: str) -> Skill:
    """Move a skill one place up or down the list (the order pickers show)."""
    _check(actor)
    if direction not in {"up", "down"}:
        raise InvalidInput.field("direction", "只能上移或下移")
    skill = _skill(pk)
    ordered = list(Skill.objects.select_for_update().order_by("order", "code"))
    index = next(i for i, s in enumerate(ordered) if s.pk == skill.pk)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(ordered):
        return skill
    ordered[index], ordered[other] = ordered[other], ordered[index]
    for position, row in enumerate(ordered, start=1):
        if row.order != position:
            Skill.objects.filter(pk=row.pk).update(order=position)
    skill.refresh_from_db()
    audit.record(
        Verb.SKILL_SAVED, actor=actor, target=skill,
        data={"moved": direction, "order": skill.order},
    )  # fmt: skip
    return skill
