"""Calls (公益创投申报): draft and edit (budget, cap per project, categories, 需求征集, dates,
weighted criteria), open, close applications (→ 评审中), close. Each verb one durable
transaction and one audit entry; staff with grants.manage in the call's region."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput
from shegong.core.values import lock, long_text, money, move, text
from shegong.grants.actions._grants import (
    a_date,
    count,
    require_manager,
)
from shegong.grants.choices import CALL_TRANSITIONS, CallStatus
from shegong.grants.models import Call, Criterion
from shegong.grants.queries.calls import CALL_NOT_FOUND
from shegong.regions.models import Region

__all__ = ["move_call", "open_call", "save_call"]

MAX_CRITERIA = 12


def _categories(value: Any) -> list[str]:
    if isinstance(value, str):
        value = value.replace("，", ",").replace("、", ",").split(",")
    if not isinstance(value, list | tuple):
        raise InvalidInput.field("categories", "项目类别格式不正确")
    out: list[str] = []
    for raw in value:
        name = text(raw, "categories", "项目类别", 30, required=False)
        if name and name not in out:
            out.append(name)
    if len(out) > 20:
        raise InvalidInput.field("categories", "项目类别不能超过 20 个")
    return out


def _criteria(value: Any) -> list[dict[str, Any]]:
    """[{name, weight, max_score, description}]: weights sum to 100."""
    if not isinstance(value, list | tuple) or not value:
        raise InvalidInput.field("criteria", "请至少设置一项评审指标")
    if len(value) > MAX_CRITERIA:
        raise InvalidInput.field("criteria", f"评审指标不能超过 {MAX_CRITERIA} 项")
    out: list[dict[str, Any]] = []
    for entry in value:
        if not isinstance(entry, dict):
            raise InvalidInput.field("criteria", "评审指标格式不正确")
        weight = count(entry.get("weight"), "criteria", "权重", limit=100)
        max_score = count(entry.get("max_score") or 100, "criteria", "满分", limit=1000)
        if weight <= 0 or max_score <= 0:
            raise InvalidInput.field("criteria", "每项指标的权重和满分须大于 0")
        out.append(
            {
                "name": text(entry.get("name"), "criteria", "指标名称", 40),
                "description": text(entry.get("description"), "criteria", "评分说明", 200,
                                    required=False),
                "weight": weight,
                "max_score": max_score,
            }
        )  # fmt: skip
    total = sum(int(c["weight"]) for c in out)
    if total != 100:
        raise InvalidInput.field("criteria", f"评审指标权重之和须为 100（现为 {total}）")
    return out


def _fields(data: dict[str, Any]) -> dict[str, Any]:
    budget = money(data.get("budget"), "budget", "资助总额")
    cap = money(data.get("max_per_project"), "max_per_project", "单个项目资助上限")
    if budget <= 0:
        raise InvalidInput.field("budget", "资助总额须大于 0")
    if cap <= 0 or cap > budget:
        raise InvalidInput.field("max_per_project", "单个项目资助上限须大于 0 且不超过资助总额")
    opens = a_date(data.get("opens_on"), "opens_on", "申报开始日期")
    closes = a_date(data.get("closes_on"), "closes_on", "申报截止日期")
    assert opens is not None and closes is not None
    if closes < opens:
        raise InvalidInput.field("closes_on", "申报截止日期不能早于开始日期")
    review_by = a_date(data.get("review_by"), "review_by", "评审完成日期", required=False)
    if review_by is not None and review_by < closes:
        raise InvalidInput.field("review_by", "评审完成日期不能早于申报截止日期")
    year = count(data.get("year") or opens.year, "year", "年度", limit=2100)
    if year < 2000:
        raise InvalidInput.field("year", "年度应在 2000 到 2100 之间")
    return {
        "title": text(data.get("title"), "title", "名称", 80),
        "year": year,
        "description": long_text(data.get("description"), "description", "申报说明", 10000,
                                 required=False),
        "needs": long_text(data.get("needs"), "needs", "需求征集结果", 5000, required=False),
        "budget": budget, "max_per_project": cap,
        "categories": _categories(data.get("categories") or []),
        "opens_on": opens, "closes_on": closes, "review_by": review_by,
        "require_inspection": bool(data.get("require_inspection", True)),
        "drop_extremes": bool(data.get("drop_extremes", False)),
    }  # fmt: skip


@transaction.atomic(durable=True)
def save_call(actor: Any, call: Any = None, **data: Any) -> Call:
    """Create a draft call (``region``: the district or street that runs it) or edit a draft.
    ``criteria`` replaces the call's criteria (weights sum to 100)."""
    if call is None:
        code = str(getattr(data.get("region"), "code", data.get("region")) or "")
        region = Region.objects.filter(code=code).first() if code else None
        if region is None or region.level not in ("district", "street"):
            raise InvalidInput.field("region", "请选择主办的区或街道")
        require_manager(actor, region.code, "未找到该区域")
        fields = _fields(data)
        criteria = _criteria(data.get("criteria"))
        found = Call.objects.create(
            region=region, created_by=actor if getattr(actor, "pk", None) else None, **fields
        )
    else:
        found = lock(Call, call, CALL_NOT_FOUND)
        require_manager(actor, found.region_id, CALL_NOT_FOUND)
        if found.status != CallStatus.DRAFT:
            raise IllegalTransition(found.get_status_display(), "修改", ["草稿状态下才能修改"])
        fields = _fields(data)
        criteria = _criteria(data.get("criteria"))
        for name, value in fields.items():
            setattr(found, name, value)
        found.save()
        found.criteria.all().delete()
    Criterion.objects.bulk_create(
        Criterion(call=found, order=i, **entry) for i, entry in enumerate(criteria)
    )
    audit.record(
        Verb.GRANT_CALL_SAVED, actor=actor, target=found,
        data={"budget": str(found.budget), "created": call is None},
    )  # fmt: skip
    return found


@transaction.atomic(durable=True)
def open_call(actor: Any, call: Any) -> Call:
    """Publish a draft call: organizations may apply from opens_on to closes_on."""
    found = lock(Call, call, CALL_NOT_FOUND)
    require_manager(actor, found.region_id, CALL_NOT_FOUND)
    if found.status == CallStatus.DRAFT:
        weights = sum(c.weight for c in found.criteria.all())
        if weights != 100:
            raise InvalidInput.field("criteria", "评审指标权重之和须为 100 才能发布")
    move(found, CallStatus.OPEN, CALL_TRANSITIONS, CallStatus)
    found.save(update_fields=["status"])
    audit.record(Verb.GRANT_CALL_OPENED, actor=actor, target=found, data={})
    return found


@transaction.atomic(durable=True)
def move_call(actor: Any, call: Any, to: str) -> Call:
    """Close applications (→ 评审中) or close the call (→ 已结束). 已立项 is reached only by the
    committee's decision (``reviews.decide``)."""
    found = lock(Call, call, CALL_NOT_FOUND)
    require_manager(actor, found.region_id, CALL_NOT_FOUND)
    if to not in (CallStatus.REVIEWING, CallStatus.CLOSED):
        raise InvalidInput.field("to", "只能截止申报或结束本次申报")
    before = found.status
    move(found, to, CALL_TRANSITIONS, CallStatus)
    found.save(update_fields=["status"])
    audit.record(Verb.GRANT_CALL_MOVED, actor=actor, target=found, data={"from": before, "to": to})
    return found
