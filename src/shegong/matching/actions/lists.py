"""The two lists (需求清单, 供给清单/项目超市), the catalogue and a community's settings.

The catalogue is the deployment's: only district-level staff with matching.manage (or a
superuser) edit it. Everything else belongs to one community, which must lie in the actor's
scope (another street's community is the same 404 as a missing one). Each verb is one durable
transaction with one audit entry. The ``clean_*`` functions check one entry without writing;
the Excel import (``matching.imports``) runs them over every row before writing any.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, geo
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.scope import scope_prefix
from shegong.ledger.models import Organization, Person
from shegong.matching import queries
from shegong.matching.choices import (
    DAY_PART_HOURS,
    OFFER_TRANSITIONS,
    Cost,
    DispatchMode,
    Frequency,
    NeedStatus,
    OfferStatus,
    ProviderKind,
    Urgency,
)
from shegong.matching.models import CatalogueItem, Category, CommunitySettings, Need, Offer
from shegong.regions.models import Region
from shegong.regions.queries import RegionNames
from shegong.volunteers.choices import VolunteerStatus
from shegong.volunteers.models import Team, TeamMember, Volunteer

__all__ = [
    "clean_need",
    "clean_offer",
    "import_rows",
    "propose_offer",
    "review_offer",
    "save_category",
    "save_item",
    "save_need",
    "save_offer",
    "save_settings",
    "set_need_status",
]

WIDE_LEVELS = frozenset({"province", "city", "district"})
WEIGHTS = ("skill", "distance", "availability", "load", "rating", "rotation")
WEIGHT_MAX = 100.0
ACCEPT_MINUTES_MAX = 7 * 24 * 60
CAPACITY_MAX = 500
RADIUS_MAX = 100_000
NEED_FIELDS = (
    "category",
    "item",
    "beneficiary",
    "people_count",
    "description",
    "frequency",
    "urgency",
    "sensitive",
    "note",
)
OFFER_FIELDS = (
    "category",
    "title",
    "description",
    "provider_kind",
    "provider_name",
    "volunteer",
    "team",
    "organization",
    "helper",
    "contact_phone",
    "gives",
    "gets_back",
    "capacity_per_week",
    "availability",
    "lat",
    "lon",
    "radius_m",
    "cost",
    "price_note",
    "risky_ok",
    "insurance_note",
    "insured_until",
)


# --- small checks ---------------------------------------------------------------------------


def _text(value: Any, field: str, label: str, limit: int, *, required: bool = False) -> str:
    text = " ".join(str(value or "").split())
    if required and not text:
        raise InvalidInput.field(field, f"请填写{label}")
    if len(text) > limit:
        raise InvalidInput.field(field, f"{label}不能超过 {limit} 字")
    return text


def _int(value: Any, field: str, label: str, low: int, high: int, default: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(str(value).strip().split(".")[0]) if isinstance(value, str) else int(value)
    except (TypeError, ValueError):
        raise InvalidInput.field(field, f"{label}应为整数") from None
    if not low <= number <= high:
        raise InvalidInput.field(field, f"{label}应在 {low} 到 {high} 之间")
    return number


def _choice(value: Any, choices: Any, field: str, label: str, default: str) -> str:
    if value in (None, ""):
        return default
    text = str(value).strip()
    for code, name in choices.choices:
        if text in (code, name):
            return str(code)
    raise InvalidInput.field(
        field, f"{label}应为：{'、'.join(str(n) for _c, n in choices.choices)}"
    )


def _bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "yes", "on", "是", "y")
    return bool(value)


def _by_pk(model: Any, value: Any) -> Any:
    pk = getattr(value, "pk", value)
    return model.objects.filter(pk=pk).first() if str(pk).isdigit() else None


def _require_manager(actor: Any) -> None:
    if not queries.may_manage(actor):
        raise NotPermitted("您当前的角色不能维护需求、供给清单")


def _community(actor: Any, region: Any) -> Region:
    """The community, which must lie in the actor's scope (else NotFound)."""
    code = getattr(region, "code", region)
    found = Region.objects.filter(code=str(code)).first() if code not in (None, "") else None
    if found is None:
        raise InvalidInput.field("region", "请选择社区")
    prefix = scope_prefix(actor)
    if prefix is None or not found.code.startswith(prefix):
        raise NotFound("未找到该社区")
    if found.level != "community":
        raise InvalidInput.field("region", "清单按社区登记，请选择一个社区")
    return found


def _category(value: Any) -> Category:
    found = _by_pk(Category, value) if not isinstance(value, str) or value.isdigit() else None
    if found is None and isinstance(value, str) and value.strip():
        text = value.strip()
        found = (
            Category.objects.filter(code=text).first() or Category.objects.filter(name=text).first()
        )
    if found is None or not found.is_active:
        raise InvalidInput.field("category", "请选择服务类别")
    return found


def may_edit_catalogue(actor: Any) -> bool:
    """District-level (or wider) staff with matching.manage, or a superuser."""
    if getattr(actor, "is_superuser", False) and actor.is_active:
        return True
    if not queries.may_manage(actor):
        return False
    membership = actor.active_membership
    return membership is not None and membership.region.level in WIDE_LEVELS


def _require_catalogue(actor: Any) -> None:
    if not may_edit_catalogue(actor):
        raise NotPermitted("服务目录由区级工作人员统一维护")


# --- the catalogue --------------------------------------------------------------------------


@transaction.atomic(durable=True)
def save_category(
    actor: User,
    *,
    category: Category | None = None,
    code: str,
    name: str,
    dispatch_mode: str = DispatchMode.MANUAL,
    sensitive: bool = False,
    order: Any = 0,
    is_active: bool = True,
) -> Category:
    """Add or change a category of the catalogue (its name, dispatch mode, sensitivity)."""
    _require_catalogue(actor)
    errors: list[dict[str, str]] = []
    code = str(code or "").strip()
    if not code or not all(c.isascii() and (c.isalnum() or c in "-_") for c in code):
        errors.append({"field": "code", "message": "编码应为英文字母、数字、- 或 _"})
    elif Category.objects.filter(code=code).exclude(pk=category.pk if category else 0).exists():
        errors.append({"field": "code", "message": "该编码已被其他类别使用"})
    InvalidInput.raise_if_any(errors)
    target = category or Category()
    target.code = code[:40]
    target.name = _text(name, "name", "名称", 30, required=True)
    target.dispatch_mode = _choice(
        dispatch_mode, DispatchMode, "dispatch_mode", "派单方式", DispatchMode.MANUAL
    )
    target.sensitive = _bool(sensitive)
    target.order = _int(order, "order", "排序", 0, 9999, 0)
    target.is_active = _bool(is_active)
    target.save()
    audit.record(
        Verb.MATCH_CATALOGUE_SAVED,
        actor=actor,
        target=target,
        data={"kind": "category", "code": target.code, "new": category is None},
    )
    return target


@transaction.atomic(durable=True)
def save_item(
    actor: User,
    *,
    item: CatalogueItem | None = None,
    category: Any,
    name: str,
    typical_minutes: Any = 60,
    frequency: str = Frequency.ONCE,
    urgency: str = Urgency.NORMAL,
    sensitive: bool = False,
    risky: bool = False,
    order: Any = 0,
    is_active: bool = True,
) -> CatalogueItem:
    """Add or change a service item of a category."""
    _require_catalogue(actor)
    found = _category(category)
    text = _text(name, "name", "服务项目名称", 40, required=True)
    clash = CatalogueItem.objects.filter(category=found, name=text)
    if clash.exclude(pk=item.pk if item else 0).exists():
        raise InvalidInput.field("name", "该类别下已有同名服务项目")
    target = item or CatalogueItem()
    target.category = found
    target.name = text
    target.typical_minutes = _int(typical_minutes, "typical_minutes", "通常时长", 5, 1440, 60)
    target.frequency = _choice(frequency, Frequency, "frequency", "频次", Frequency.ONCE)
    target.urgency = _choice(urgency, Urgency, "urgency", "紧急程度", Urgency.NORMAL)
    target.sensitive, target.risky = _bool(sensitive), _bool(risky)
    target.order = _int(order, "order", "排序", 0, 9999, 0)
    target.is_active = _bool(is_active)
    target.save()
    audit.record(
        Verb.MATCH_CATALOGUE_SAVED,
        actor=actor,
        target=target,
        data={"kind": "item", "category": found.code, "new": item is None},
    )
    return target


# --- a community's settings -----------------------------------------------------------------


@transaction.atomic(durable=True)
def save_settings(
    region: Any,
    actor: User,
    *,
    accept_minutes: Any = None,
    record_team: Any = None,
    **weights: Any,
) -> CommunitySettings:
    """A community's engine weights (each ≥ 0, not all zero), acceptance timeout (minutes; empty:
    the deployment's default) and the team recording its orders' hours (one of its teams)."""
    _require_manager(actor)
    community = _community(actor, region)
    unknown = set(weights) - {f"weight_{w}" for w in WEIGHTS}
    if unknown:
        raise InvalidInput.field(sorted(unknown)[0], "未知的权重")
    current = queries.settings_of(community.code)
    errors: list[dict[str, str]] = []
    values: dict[str, float] = {}
    for name in WEIGHTS:
        key = f"weight_{name}"
        raw = weights.get(key, getattr(current, key))
        try:
            number = float(raw)
        except (TypeError, ValueError):
            errors.append({"field": key, "message": "权重应为数字"})
            continue
        if not 0 <= number <= WEIGHT_MAX:
            errors.append({"field": key, "message": f"权重应在 0 到 {WEIGHT_MAX:g} 之间"})
        values[key] = number
    if not errors and not any(values.values()):
        errors.append({"field": "weight_skill", "message": "各项权重不能全为 0"})
    minutes = None
    try:
        if accept_minutes not in (None, ""):
            minutes = _int(
                accept_minutes, "accept_minutes", "接单时限（分钟）", 5, ACCEPT_MINUTES_MAX, 0
            )
    except InvalidInput as exc:
        errors.extend(exc.errors)
    team = None
    if record_team not in (None, ""):
        team = _by_pk(Team, record_team)
        if team is None or team.region_id != community.code:
            errors.append({"field": "record_team", "message": "记录服务时长的队伍须是本社区的队伍"})
    InvalidInput.raise_if_any(errors)
    found = CommunitySettings.objects.select_for_update().filter(region=community).first()
    target = found or CommunitySettings(region=community)
    for key, number in values.items():
        setattr(target, key, number)
    target.accept_minutes = minutes
    target.record_team = team
    target.updated_at = timezone.now()
    target.save()
    audit.record(
        Verb.MATCH_SETTINGS_SAVED,
        actor=actor,
        target=target,
        region=community.code,
        data={**values, "accept_minutes": minutes, "record_team": team.pk if team else None},
    )
    return target


# --- the needs list -------------------------------------------------------------------------


def clean_need(actor: Any, region: Any, values: dict[str, Any]) -> dict[str, Any]:
    """One needs-list entry checked (nothing written): the model's field values."""
    _require_manager(actor)
    community = _community(actor, region)
    category = _category(values.get("category"))
    item = None
    if values.get("item") not in (None, ""):
        item = _by_pk(CatalogueItem, values["item"])
        if item is None or item.category_id != category.pk:
            raise InvalidInput.field("item", "所选服务项目不属于该类别")
    person = None
    if values.get("beneficiary") not in (None, ""):
        person = _by_pk(Person, values["beneficiary"])
        if person is None or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
            raise InvalidInput.field("beneficiary", "未找到该服务对象，请先在台账中登记")
    return {
        "region": community,
        "category": category,
        "item": item,
        "beneficiary": person,
        "people_count": _int(values.get("people_count"), "people_count", "涉及人数", 1, 100_000, 1),
        "description": _text(
            values.get("description"), "description", "需求描述", 200, required=True
        ),
        "frequency": _choice(
            values.get("frequency"),
            Frequency,
            "frequency",
            "频次",
            item.frequency if item else Frequency.ONCE,
        ),
        "urgency": _choice(
            values.get("urgency"),
            Urgency,
            "urgency",
            "紧急程度",
            item.urgency if item else Urgency.NORMAL,
        ),
        "sensitive": _bool(values.get("sensitive"))
        or category.sensitive
        or bool(item and item.sensitive),
        "note": _text(values.get("note"), "note", "备注", 200),
    }


@transaction.atomic(durable=True)
def save_need(actor: User, *, need: Need | None = None, region: Any = None, **values: Any) -> Need:
    """Add an entry to a community's needs list (from 摸排), or change one."""
    if need is not None:
        need = _own_need(actor, need)
        region = need.region_id
    cleaned = clean_need(actor, region, values)
    target = need or Need(created_by=actor)
    for key, value in cleaned.items():
        setattr(target, key, value)
    target.save()
    audit.record(
        Verb.NEED_SAVED,
        actor=actor,
        target=target,
        data={"category": target.category.code, "new": need is None},
    )
    return target


def _own_need(actor: Any, need: Any) -> Need:
    _require_manager(actor)
    found = (
        Need.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=getattr(need, "pk", need))
        .first()
    )
    if found is None:
        raise NotFound("未找到该需求")
    return found


@transaction.atomic(durable=True)
def set_need_status(need: Any, actor: User, status: str, note: str = "") -> Need:
    """待满足 ↔ 已对接 / 已关闭: closing or marking served says why."""
    target = _own_need(actor, need)
    status = _choice(status, NeedStatus, "status", "状态", "")
    if not status:
        raise InvalidInput.field("status", "请选择状态")
    if status == target.status:
        raise InvalidInput.field("status", "需求已是该状态")
    text = _text(note, "note", "说明", 200)
    if status == NeedStatus.CLOSED and not text:
        raise InvalidInput.field("note", "关闭需求须说明原因")
    before = target.status
    target.status = status
    if text:
        target.note = text
    target.save(update_fields=["status", "note"])
    audit.record(
        Verb.NEED_STATUS_CHANGED,
        actor=actor,
        target=target,
        data={"from": before, "to": status, "note": text},
    )
    return target


# --- the supply list ------------------------------------------------------------------------


def _availability(value: Any) -> dict[str, list[str]]:
    if value in (None, "", {}):
        return {}
    if not isinstance(value, dict):
        raise InvalidInput.field("availability", "可服务时段格式有误")
    result: dict[str, list[str]] = {}
    for day, parts in value.items():
        if str(day) not in {str(d) for d in range(1, 8)}:
            raise InvalidInput.field("availability", "可服务时段的星期应为 1（周一）到 7（周日）")
        if not isinstance(parts, list | tuple) or any(p not in DAY_PART_HOURS for p in parts):
            raise InvalidInput.field("availability", "可服务时段只能是上午、下午或晚上")
        if parts:
            result[str(day)] = [p for p in DAY_PART_HOURS if p in parts]
    return dict(sorted(result.items()))


def _insured_until(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip()[:10])
    except ValueError:
        raise InvalidInput.field("insured_until", "保险有效期应为日期，如 2026-12-31") from None


def _provider(kind: str, community: Region, values: dict[str, Any], errors: list) -> dict:
    """The volunteer, team or organization behind the offer, and the account receiving
    orders (the volunteer's own, the team leader's, or the one chosen)."""
    found: dict[str, Any] = {"volunteer": None, "team": None, "organization": None}
    helper = _by_pk(User, values["helper"]) if values.get("helper") not in (None, "") else None
    if values.get("helper") not in (None, "") and (helper is None or not helper.is_active):
        errors.append({"field": "helper", "message": "未找到接单账号"})
    name = ""
    if kind == ProviderKind.VOLUNTEER:
        volunteer = _by_pk(Volunteer, values.get("volunteer"))
        if volunteer is None or volunteer.status != VolunteerStatus.ACTIVE:
            errors.append({"field": "volunteer", "message": "请选择一名在册志愿者"})
        else:
            found["volunteer"] = volunteer
            name = volunteer.person.name
            helper = helper or volunteer.person.user
    elif kind == ProviderKind.TEAM:
        team = _by_pk(Team, values.get("team"))
        if team is None or not team.is_active:
            errors.append({"field": "team", "message": "请选择一支在运行的志愿服务队"})
        else:
            found["team"] = team
            name = team.name
            if helper is None:
                leader = TeamMember.objects.filter(team=team, role="leader", left_on__isnull=True)
                member = leader.select_related("volunteer__person").first()
                helper = member.volunteer.person.user if member else None
    elif values.get("organization") not in (None, ""):
        organization = _by_pk(Organization, values.get("organization"))
        if organization is None:
            errors.append({"field": "organization", "message": "未在台账中找到该单位"})
        else:
            found["organization"] = organization
            name = organization.name
    found["helper"] = helper
    found["provider_name"] = name
    return found


def clean_offer(
    actor: Any, region: Any, values: dict[str, Any], *, today: date | None = None
) -> dict[str, Any]:
    """One supply-list entry checked (nothing written): the model's field values (skills
    apart, under ``skills``)."""
    community = _community(actor, region)
    today = today or timezone.localdate()
    errors: list[dict[str, str]] = []
    result: dict[str, Any] = {"region": community}
    checks = [
        ("category", lambda: _category(values.get("category"))),
        ("title", lambda: _text(values.get("title"), "title", "服务名称", 60, required=True)),
        ("description", lambda: _text(values.get("description"), "description", "服务内容", 300)),
        (
            "provider_kind",
            lambda: _choice(
                values.get("provider_kind"), ProviderKind, "provider_kind", "提供方类型", ""
            ),
        ),
        (
            "contact_phone",
            lambda: _text(values.get("contact_phone"), "contact_phone", "联系电话", 20),
        ),
        ("gives", lambda: _text(values.get("gives"), "gives", "提供的资源", 200)),
        ("gets_back", lambda: _text(values.get("gets_back"), "gets_back", "希望换取", 200)),
        (
            "capacity_per_week",
            lambda: _int(
                values.get("capacity_per_week"),
                "capacity_per_week",
                "每周可服务次数",
                1,
                CAPACITY_MAX,
                5,
            ),
        ),
        ("availability", lambda: _availability(values.get("availability"))),
        (
            "radius_m",
            lambda: _int(values.get("radius_m"), "radius_m", "服务半径", 100, RADIUS_MAX, 3000),
        ),
        ("cost", lambda: _choice(values.get("cost"), Cost, "cost", "收费", Cost.FREE)),
        ("price_note", lambda: _text(values.get("price_note"), "price_note", "收费说明", 100)),
        (
            "insurance_note",
            lambda: _text(values.get("insurance_note"), "insurance_note", "保险说明", 200),
        ),
        ("insured_until", lambda: _insured_until(values.get("insured_until"))),
    ]
    for key, check in checks:
        try:
            result[key] = check()
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if "provider_kind" in result and not result["provider_kind"]:
        errors.append({"field": "provider_kind", "message": "请选择提供方类型"})
    result["risky_ok"] = _bool(values.get("risky_ok"))
    if result["risky_ok"]:
        if not result.get("insurance_note"):
            errors.append(
                {
                    "field": "insurance_note",
                    "message": "可承接有风险的服务须登记保险（志愿服务条例第十七条）",
                }
            )
        until = result.get("insured_until")
        if "insured_until" in result and (until is None or until < today):
            errors.append({"field": "insured_until", "message": "保险有效期须填写且不能已过期"})
    lat, lon = values.get("lat"), values.get("lon")
    result["lat"] = result["lon"] = None
    if lat not in (None, "") or lon not in (None, ""):
        try:
            result["lat"], result["lon"] = geo.check_point(lat, lon)
        except InvalidInput as exc:
            errors.extend(exc.errors)
    if result.get("provider_kind"):
        result.update(_provider(result["provider_kind"], community, values, errors))
        typed = _text(values.get("provider_name"), "provider_name", "提供方", 100)
        result["provider_name"] = typed or result["provider_name"]
        if not result["provider_name"]:
            errors.append({"field": "provider_name", "message": "请填写提供方名称"})
    skills = values.get("skills") or []
    result["skills"] = [getattr(s, "pk", s) for s in skills]
    InvalidInput.raise_if_any(errors)
    return result


def _write_offer(target: Offer, cleaned: dict[str, Any]) -> Offer:
    skills = cleaned.pop("skills", [])
    for key, value in cleaned.items():
        setattr(target, key, value)
    target.save()
    from shegong.volunteers.models import Skill

    target.skills.set(Skill.objects.filter(pk__in=[s for s in skills if str(s).isdigit()]))
    return target


@transaction.atomic(durable=True)
def save_offer(
    actor: User, *, offer: Offer | None = None, region: Any = None, **values: Any
) -> Offer:
    """Staff add or change an entry of the supply list, for any kind of provider. A new entry
    waits for the community's review (待审核); a change keeps the entry's status."""
    _require_manager(actor)
    if offer is not None:
        offer = _own_offer(actor, offer)
        region = offer.region_id
    cleaned = clean_offer(actor, region, values)
    target = _write_offer(offer or Offer(created_by=actor), cleaned)
    audit.record(
        Verb.OFFER_SAVED,
        actor=actor,
        target=target,
        data={"category": target.category.code, "kind": target.provider_kind, "new": offer is None},
    )
    return target


def _own_offer(actor: Any, offer: Any) -> Offer:
    _require_manager(actor)
    found = (
        Offer.objects.visible_to(actor)
        .select_for_update()
        .filter(pk=getattr(offer, "pk", offer))
        .first()
    )
    if found is None:
        raise NotFound("未找到该供给")
    return found


@transaction.atomic(durable=True)
def review_offer(offer: Any, actor: User, to_status: str, reason: str = "") -> Offer:
    """The community's review: 待审核 → 上架/停用; 上架 → 暂停/停用; back to 上架. Pausing and
    blocking say why."""
    target = _own_offer(actor, offer)
    to_status = _choice(to_status, OfferStatus, "status", "状态", "")
    allowed = OFFER_TRANSITIONS[target.status]
    if to_status not in allowed:
        raise IllegalTransition(
            target.get_status_display(),
            OfferStatus(to_status).label if to_status else "",
            [OfferStatus(s).label for s in OfferStatus if s in allowed],
        )
    text = _text(reason, "reason", "原因", 200)
    if to_status in (OfferStatus.PAUSED, OfferStatus.BLOCKED) and not text:
        raise InvalidInput.field("reason", "暂停或停用须说明原因")
    if (
        to_status == OfferStatus.APPROVED
        and target.risky_ok
        and not target.insured_on(timezone.localdate())
    ):
        raise InvalidInput.field("status", "该供给登记的保险已过期，请先更新保险信息再上架")
    before = target.status
    target.status = to_status
    target.status_reason = text
    target.reviewed_by = actor
    target.reviewed_at = timezone.now()
    target.save(update_fields=["status", "status_reason", "reviewed_by", "reviewed_at"])
    audit.record(
        Verb.OFFER_STATUS_CHANGED,
        actor=actor,
        target=target,
        data={"from": before, "to": to_status, "reason": text},
    )
    return target


@transaction.atomic(durable=True)
def propose_offer(user: User, *, region: Any = None, **values: Any) -> Offer:
    """A registered volunteer proposes their own offer: it waits for the community's review,
    and its orders come to them."""
    volunteer = (
        Volunteer.objects.select_related("person")
        .filter(person__user=user, status=VolunteerStatus.ACTIVE)
        .first()
        if getattr(user, "is_authenticated", False)
        else None
    )
    if volunteer is None:
        raise NotPermitted("只有在册志愿者可以提交服务供给")
    code = getattr(region, "code", region) or volunteer.region_id
    community = Region.objects.filter(code=str(code), level="community").first()
    if community is None:
        raise InvalidInput.field("region", "请选择服务社区")
    values = {
        **values,
        "provider_kind": ProviderKind.VOLUNTEER,
        "volunteer": volunteer.pk,
        "helper": user.pk,
        "provider_name": "",
    }

    class _Everywhere:  # the community is checked above, not by the volunteer's scope
        is_authenticated = is_active = is_superuser = True

    cleaned = clean_offer(_Everywhere(), community, values)
    target = _write_offer(Offer(created_by=user), cleaned)
    audit.record(
        Verb.OFFER_SAVED,
        actor=user,
        target=target,
        data={"category": target.category.code, "kind": "volunteer", "new": True, "proposed": True},
    )
    return target


# --- the Excel import -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def import_rows(actor: User, kind: str, rows: list[tuple[int, dict[str, Any]]]) -> int:
    """Every row checked first; one wrong row and nothing is written (InvalidInput listing
    each error by row and column). Else every row is added (offers wait for review) and one
    audit entry counts them."""
    from shegong.matching import excel

    _require_manager(actor)
    if kind not in excel.IMPORT_COLUMNS:
        raise InvalidInput.field("kind", "未知的清单")
    clean = clean_need if kind == excel.NEEDS else clean_offer
    errors: list[dict[str, Any]] = []
    cleaned: list[dict[str, Any]] = []
    today = timezone.localdate()
    names = RegionNames.for_user(actor)  # a community by code or by name, within the scope
    for number, values in rows:
        data = dict(values)
        region = data.pop("region", "")
        try:
            region = names.resolve(region)
            if kind == excel.NEEDS:
                cleaned.append(clean(actor, region, data))
            else:
                cleaned.append(clean_offer(actor, region, data, today=today))
        except NotFound:
            errors.append(
                {
                    "row": number,
                    "column": excel.header_of(kind, "region"),
                    "field": "file",
                    "message": f"第 {number} 行：社区不在您的辖区内",
                }
            )
        except InvalidInput as exc:
            for error in exc.errors or [{"field": "", "message": exc.detail}]:
                column = excel.header_of(kind, error.get("field", "")) or "—"
                errors.append(
                    {
                        "row": number,
                        "column": column,
                        "field": "file",
                        "message": f"第 {number} 行【{column}】：{error['message']}",
                    }
                )
    if errors:
        raise InvalidInput(f"有 {len(errors)} 处错误，未导入任何数据", errors=errors)
    if kind == excel.NEEDS:
        Need.objects.bulk_create([Need(created_by=actor, **c) for c in cleaned])
    else:
        for c in cleaned:
            _write_offer(Offer(created_by=actor), c)
    membership = actor.active_membership
    audit.record(
        Verb.MATCH_LISTS_IMPORTED,
        actor=actor,
        region=membership.region_id if membership is not None else None,
        data={"table": kind, "rows": len(cleaned)},
    )
    return len(cleaned)
