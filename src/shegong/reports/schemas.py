"""The contract of the reports API and the category questions (Open311 attributes)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from ninja import Schema
from pydantic import Field, ValidationError, field_validator

from shegong.core.errors import InvalidInput

from .choices import AttributeType


class AttributeValue(Schema):
    key: str
    name: str


class AttributeDef(Schema):
    """One extra question of a category (an Open311 service-definition attribute)."""

    code: str = Field(pattern=r"^[A-Za-z0-9_\-]{1,40}$")
    datatype: AttributeType
    description: str = Field(min_length=1, max_length=200)
    required: bool = False
    variable: bool = True
    order: int = 1
    datatype_description: str = ""
    values: list[AttributeValue] = []

    @field_validator("values")
    @classmethod
    def _values(cls, values: list[AttributeValue], info: Any) -> list[AttributeValue]:
        datatype = info.data.get("datatype")
        if datatype in (AttributeType.SINGLE, AttributeType.MULTI) and not values:
            raise ValueError("单选、多选题须列出选项")
        return values


def attribute_defs(raw: Any) -> list[AttributeDef]:
    """Parse a category's ``attributes`` JSON; InvalidInput (field ``attributes``) if wrong."""
    try:
        defs = [AttributeDef.model_validate(item) for item in (raw or [])]
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first.get("loc", ()))
        raise InvalidInput.field("attributes", f"附加问题格式不正确（{where}）") from exc
    codes = [d.code for d in defs]
    if len(codes) != len(set(codes)):
        raise InvalidInput.field("attributes", "附加问题的编码不能重复")
    return sorted(defs, key=lambda d: d.order)


def validate_answers(category: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """Check the answers to a category's questions; return them cleaned (keys = codes).

    Errors name the field ``attribute[CODE]`` (Open311's parameter name) with the question.
    Unknown codes are ignored, as Open311 clients may send more than a definition asks.
    """
    cleaned: dict[str, Any] = {}
    errors: list[dict[str, str]] = []
    for attr in attribute_defs(category.attributes):
        if not attr.variable:
            continue
        value = answers.get(attr.code)
        field = f"attribute[{attr.code}]"
        empty = value is None or value == "" or value == []
        if empty:
            if attr.required:
                errors.append({"field": field, "message": f"请回答：{attr.description}"})
            continue
        keys = {v.key for v in attr.values}
        try:
            cleaned[attr.code] = _coerce(attr, value, keys)
        except ValueError as exc:
            errors.append({"field": field, "message": f"{attr.description}：{exc}"})
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)
    return cleaned


def _coerce(attr: AttributeDef, value: Any, keys: set[str]) -> Any:
    if attr.datatype == AttributeType.NUMBER:
        try:
            number = float(str(value).strip())
        except ValueError:
            raise ValueError("应为数字") from None
        return int(number) if number.is_integer() else number
    if attr.datatype == AttributeType.DATETIME:
        try:
            return datetime.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise ValueError("日期时间格式应为 2026-01-31T08:00") from None
    if attr.datatype == AttributeType.SINGLE:
        text = str(value[0] if isinstance(value, list) and value else value).strip()
        if text not in keys:
            raise ValueError("不是可选的答案")
        return text
    if attr.datatype == AttributeType.MULTI:
        items = value if isinstance(value, list) else str(value).split(",")
        items = [str(v).strip() for v in items if str(v).strip()]
        if any(v not in keys for v in items):
            raise ValueError("含有不可选的答案")
        return items
    text = str(value).strip()
    limit = 200 if attr.datatype == AttributeType.STRING else 2000
    if len(text) > limit:
        raise ValueError(f"不能超过{limit}字")
    return text
