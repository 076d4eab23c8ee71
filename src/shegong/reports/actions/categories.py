"""State changes of the problem categories (问题类别), the first part of the closed loop's
configuration (with ``routing`` and ``templates``).

Like ``reports`` (STYLE.md rules 2–5): one function per verb, a keyword-only ``actor``, one
durable transaction with its audit entry. Every verb needs ``reports.configure``. Categories are
district-wide configuration.

Validation lives here, not in the pages, so the pages, a future API and the CLI refuse the same
input with the same Chinese messages. The extra questions of a category are checked row by row
(``attributes.<row>.<field>`` names the row and field of a message) and then as a whole with
``schemas.attribute_defs``, the parser every reader of ``Category.attributes`` uses.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from django.db import transaction
from pydantic import ValidationError

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput
from shegong.core.perms import Perm, require_perm

from ..choices import AttributeType, LimitUnit
from ..models import Category
from ..schemas import AttributeDef, attribute_defs

__all__ = ["parse_attributes", "save_category", "set_category_active"]

SERVICE_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
CHOICE_TYPES = {AttributeType.SINGLE, AttributeType.MULTI}

ROW_MESSAGES = {
    "code": "编码只能用英文字母、数字、下划线或连字符，不超过40个字符",
    "datatype": "请选择题型",
    "description": "请填写问题（不超过200字）",
    "values": "单选、多选题须列出选项",
}


class _Errors:
    """Collects per-field messages; ``raise_if_any`` raises one InvalidInput with all of them."""

    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, field: str, message: str) -> None:
        self.items.append({"field": field, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise InvalidInput("；".join(e["message"] for e in self.items), errors=self.items)


# --- categories ----------------------------------------------------------------------------------


def parse_attributes(rows: Sequence[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Check a category's extra questions and return them as stored (Open311 attributes).

    Each row: ``code``, ``datatype``, ``description`` (the question), ``required``, ``values``
    (``[{key, name}]``, single and multiple choice only). ``order`` is the row's position.
    Errors name ``attributes.<row>.<field>`` with "第N题" in the message.
    """
    errors = _Errors()
    defs: list[AttributeDef] = []
    seen: dict[str, int] = {}
    for index, row in enumerate(rows):
        label = f"第{index + 1}题"
        values = [
            {"key": str(v.get("key", "")).strip(), "name": str(v.get("name", "")).strip()}
            for v in (row.get("values") or [])
        ]
        datatype = str(row.get("datatype") or "")
        if datatype not in CHOICE_TYPES:
            values = []  # options of a free-text question mean nothing; drop them
        data = {
            "code": str(row.get("code") or "").strip(),
            "datatype": datatype,
            "description": str(row.get("description") or "").strip(),
            "required": bool(row.get("required")),
            "order": index + 1,
            "values": values,
        }
        row_errors = False
        for value in values:
            if not value["key"] or not value["name"]:
                errors.add(f"attributes.{index}.values", f"{label}：每个选项都要有编码和名称")
                row_errors = True
                break
        keys = [v["key"] for v in values]
        if len(keys) != len(set(keys)):
            errors.add(f"attributes.{index}.values", f"{label}：选项编码不能重复")
            row_errors = True
        try:
            definition = AttributeDef.model_validate(data)
        except ValidationError as exc:
            for name in sorted({str(e["loc"][0]) for e in exc.errors() if e.get("loc")}):
                message = ROW_MESSAGES.get(name, "格式不正确")
                errors.add(f"attributes.{index}.{name}", f"{label}：{message}")
            continue
        if row_errors:
            continue
        if definition.code in seen:
            errors.add(
                f"attributes.{index}.code",
                f"{label}：编码「{definition.code}」与第{seen[definition.code] + 1}题重复",
            )
            continue
        seen[definition.code] = index
        defs.append(definition)
    errors.raise_if_any()
    stored = [d.model_dump(mode="json") for d in defs]
    attribute_defs(stored)  # the shared parser must accept what we store
    return stored


def _int(data: Mapping[str, Any], key: str, low: int, high: int, label: str, errors: _Errors,
         default: int) -> int:  # fmt: skip
    raw = data.get(key)
    if raw is None or raw == "":
        raw = default
    try:
        value = int(raw)
    except (TypeError, ValueError):
        errors.add(key, f"{label}应为整数")
        return default
    if not low <= value <= high:
        errors.add(key, f"{label}应在{low}到{high}之间")
    return value


def _text(data: Mapping[str, Any], key: str, limit: int, label: str, errors: _Errors, *,
          required: bool = False) -> str:  # fmt: skip
    value = str(data.get(key) or "").strip()
    if required and not value:
        errors.add(key, f"请填写{label}")
    elif len(value) > limit:
        errors.add(key, f"{label}不能超过{limit}字")
    return value


def _category_values(category: Category | None, data: Mapping[str, Any]) -> dict[str, Any]:
    errors = _Errors()
    code = str(data.get("service_code") or "").strip()
    if category is not None and code and code != category.service_code:
        errors.add("service_code", "类别编码是Open311接口的service_code，创建后不能修改")
    elif not SERVICE_CODE.match(code):
        errors.add(
            "service_code",
            "类别编码只能用小写英文字母、数字、下划线或连字符，以字母或数字开头，不超过40个字符",
        )
    values: dict[str, Any] = {
        "service_code": code,
        "name": _text(data, "name", 60, "名称", errors, required=True),
        "group": _text(data, "group", 30, "分组", errors, required=True),
        "description": _text(data, "description", 300, "说明", errors),
        "keywords": _text(data, "keywords", 200, "关键词", errors),
        "notice": _text(data, "notice", 200, "上报须知", errors),
        "response_hours": _int(data, "response_hours", 1, 720, "响应时限", errors, 24),
        "resolution_limit": _int(data, "resolution_limit", 1, 365, "办理时限", errors, 5),
        "resolution_unit": str(data.get("resolution_unit") or LimitUnit.WORKDAYS),
        "urgent": bool(data.get("urgent")),
        "public_may_reopen": bool(data.get("public_may_reopen")),
        "anonymous_allowed": bool(data.get("anonymous_allowed")),
        "staff_only": bool(data.get("staff_only")),
        "public_exact_location": bool(data.get("public_exact_location")),
        "is_active": bool(data.get("is_active", True)),
        "order": _int(data, "order", 0, 100_000, "排序", errors, 0),
    }
    if values["resolution_unit"] not in LimitUnit.values:
        errors.add("resolution_unit", "请选择办理时限单位")
    try:
        values["attributes"] = parse_attributes(data.get("attributes") or [])
    except InvalidInput as exc:
        errors.items.extend(exc.errors or [{"field": "attributes", "message": exc.detail}])
    others = Category.objects.exclude(pk=category.pk) if category else Category.objects.all()
    if code and others.filter(service_code=code).exists():
        errors.add("service_code", f"类别编码「{code}」已被其他类别使用")
    if values["name"] and others.filter(name=values["name"]).exists():
        errors.add("name", f"已有名为「{values['name']}」的类别")
    errors.raise_if_any()
    return values


@transaction.atomic(durable=True)
def save_category(category: Category | None, *, actor: User, data: Mapping[str, Any]) -> Category:
    """Create (``category`` None) or change a category. ``data`` holds the model's fields, with
    ``attributes`` as rows for ``parse_attributes``. The service code never changes: Open311
    clients keep it. A category is never deleted, only deactivated (its cases keep it)."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    if category is not None:
        category = Category.objects.select_for_update().get(pk=category.pk)
    values = _category_values(category, data)
    created = category is None
    if category is None:
        category = Category.objects.create(**values)
        changed = sorted(values)
    else:
        changed = sorted(k for k, v in values.items() if getattr(category, k) != v)
        for key in changed:
            setattr(category, key, values[key])
        if changed:
            category.save(update_fields=changed)
    if changed:
        audit.record(
            Verb.CATEGORY_SAVED,
            actor=actor,
            target=category,
            data={"service_code": category.service_code, "created": created, "fields": changed},
        )
    return category


@transaction.atomic(durable=True)
def set_category_active(category: Category, *, actor: User, active: bool) -> Category:
    """Deactivate a category (no new cases; its cases and rules stay) or activate it again."""
    require_perm(actor, Perm.REPORTS_CONFIGURE)
    category = Category.objects.select_for_update().get(pk=category.pk)
    if category.is_active != active:
        category.is_active = active
        category.save(update_fields=["is_active"])
        audit.record(
            Verb.CATEGORY_SAVED,
            actor=actor,
            target=category,
            data={"service_code": category.service_code, "fields": ["is_active"], "active": active},
        )
    return category
