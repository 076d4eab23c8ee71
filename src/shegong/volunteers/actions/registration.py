"""Volunteers: registering, changing the profile and status, a minor's guardian consent, and
whether a volunteer may sign up for activities. One function per verb.

A volunteer is a profile of a ledger ``Person`` (one per ID number), never a copy: the Person is
found by the ID number's blind index or created (``ledger.actions.records.ensure_person``). A
volunteer registers themself on H5 (``self_service=True``: the Person is linked to their account
and the consent to ``consent.CONSENT_VERSION`` is required) or staff (``volunteers.manage``, the
region in their scope) register them, confirming the volunteer was told and agreed.

Age comes from the ID number's birth date on the local date (DOMAIN.md 4.1): nobody under
``SHEGONG_VOLUNTEER_MIN_AGE`` (14, as Beijing and 团中央's rules) is registered, by anyone; where
a place sets it lower, a child under 14 cannot register themself (a guardian comes to the
community, and staff register the child with the guardian's consent, PIPL art. 31); 14–17 may
register but cannot sign up until staff record the guardian's consent
(``record_guardian_consent``). ``sign_up_block`` is what the activities area asks before a
sign-up.

The precise location at a geofenced check-in is a separate consent (PIPL art. 29), given and
withdrawn by the volunteer themself (``give_location_consent``, ``withdraw_location_consent``),
never implied by registration.

Each entry point runs in one durable transaction and writes one audit entry. ``actor=None``
(command line, demo) skips the permission and scope checks.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date
from typing import Any

import pydantic
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit, pii
from shegong.core.api import field_errors
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm, require_perm
from shegong.ledger.actions.records import file_person
from shegong.ledger.models import Person
from shegong.ledger.schemas import PersonIn
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.volunteers.choices import DAY_PARTS, WEEKDAY_LABELS, VolunteerStatus
from shegong.volunteers.consent import (
    CONSENT_REQUIRED,
    CONSENT_VERSION,
    LOCATION_CONSENT_VERSION,
    STAFF_CONSENT_REQUIRED,
    min_age,
)
from shegong.volunteers.models import Skill, TeamMember, Volunteer, VolunteerSkill
from shegong.volunteers.queries import access

__all__ = [
    "ADULT_AGE",
    "MIN_SELF_SERVICE_AGE",
    "can_sign_up",
    "change_status",
    "give_location_consent",
    "record_guardian_consent",
    "register_volunteer",
    "sign_up_block",
    "update_volunteer",
    "withdraw_location_consent",
]

MIN_SELF_SERVICE_AGE = 14  # PIPL art. 31: under 14 only with the guardian
ADULT_AGE = 18  # 14–17: the guardian's consent before any sign-up (团中央 rules)
AREA_LEVELS = {Level.STREET, Level.COMMUNITY, Level.GRID}
MAX_CERT = 60
MAX_REASON = 200
EDITABLE = {"skills", "availability", "region"}

# Which status may follow which (a volunteer who left may come back).
STATUS_NEXT: dict[str, set[str]] = {
    VolunteerStatus.ACTIVE: {VolunteerStatus.PAUSED, VolunteerStatus.LEFT},
    VolunteerStatus.PAUSED: {VolunteerStatus.ACTIVE, VolunteerStatus.LEFT},
    VolunteerStatus.LEFT: {VolunteerStatus.ACTIVE},
}

register_event(
    "volunteers.status_changed",
    title="您的志愿者状态已变更为「{{ status }}」",
    body="{% if reason %}说明：{{ reason }}{% endif %}",
    link="/m/volunteer/",
)
register_event(
    "volunteers.guardian_consent",
    title="监护人同意已登记，您现在可以报名志愿服务活动",
    link="/m/volunteer/",
)


# --- checks shared by the people area (teams, social workers use them too) -------------------


def pick_region(
    actor: User | None, value: Any, levels: Collection[str], *, anywhere: bool = False
) -> Region | None:
    """A region of one of ``levels`` by code: anywhere in the deployment when ``anywhere`` (a
    volunteer picks their own service area), inside the actor's scope otherwise."""
    code = str(value.code if isinstance(value, Region) else value or "").strip()
    if not code:
        return None
    regions = Region.objects.all()
    if actor is not None and not anywhere:
        regions = Region.objects.visible_to(actor)
    return regions.filter(code=code, level__in=levels).first()


def person_data(
    name: Any, id_number: Any, phone: Any, region: Region | None, errors: list[dict[str, str]]
) -> PersonIn | None:
    """Name, ID number (GB 11643) and phone checked as the ledger checks them."""
    try:
        return PersonIn(
            name=name, id_number=id_number, phone=phone,
            region=region.code if region is not None else "",
        )  # fmt: skip
    except pydantic.ValidationError as exc:
        errors.extend(e for e in field_errors(exc) if e["field"] != "region")
        return None


# --- age, skills, availability ----------------------------------------------------------------


def age_on(birth: date | None, on: date | None = None) -> int | None:
    if birth is None:
        return None
    on = on or timezone.localdate()
    return on.year - birth.year - ((on.month, on.day) < (birth.month, birth.day))


def age_of(volunteer: Volunteer) -> int | None:
    """Age from the birth date derived from the ID number (no decryption needed)."""
    return age_on(volunteer.person.birth_date)


def is_minor(volunteer: Volunteer) -> bool:
    age = age_of(volunteer)
    return age is not None and age < ADULT_AGE


def needs_guardian(volunteer: Volunteer) -> bool:
    """A minor whose guardian's consent has not been recorded yet."""
    return is_minor(volunteer) and volunteer.guardian_consent_at is None


def volunteer_number(region: Region, person: Person) -> str:
    """志愿者编号: the county code of the service area + the Person's number (8 digits); the ID
    number is never the public identifier (DOMAIN.md 4.4)."""
    return f"{region.code[:6]}{person.pk:08d}"


def _text(value: Any) -> str:
    return str(value or "").strip()


def skill_rows(values: Any, errors: list[dict[str, str]]) -> list[tuple[Skill, str, str]]:
    """``[code | Skill | {"skill": code, "certificate_name", "certificate_number"}]`` → rows of
    active skills; an unknown or inactive skill is an error on ``skills``."""
    items: list[dict[str, Any]] = []
    for value in values or []:
        if isinstance(value, dict):
            items.append(value)
        else:
            items.append({"skill": value})
    codes = [i["skill"].code if isinstance(i["skill"], Skill) else _text(i["skill"]) for i in items]
    known = {s.code: s for s in Skill.objects.filter(code__in=codes, is_active=True)}
    rows: list[tuple[Skill, str, str]] = []
    seen: set[str] = set()
    for code, item in zip(codes, items, strict=True):
        skill = known.get(code)
        if skill is None:
            errors.append({"field": "skills", "message": f"技能「{code}」不存在或已停用"})
            continue
        if code in seen:
            continue
        seen.add(code)
        cert_name = _text(item.get("certificate_name"))
        cert_number = _text(item.get("certificate_number"))
        if len(cert_name) > MAX_CERT or len(cert_number) > MAX_CERT:
            errors.append(
                {
                    "field": "skills",
                    "message": f"{skill.name}的证书名称和编号不能超过 {MAX_CERT} 字",
                }
            )
            continue
        if cert_number and not cert_name:
            errors.append(
                {"field": "skills", "message": f"请填写{skill.name}的资质证书名称（已填写编号）"}
            )
            continue
        rows.append((skill, cert_name, cert_number))
    return rows


def clean_availability(value: Any, errors: list[dict[str, str]]) -> dict[str, list[str]]:
    """``{"1": ["am", "pm"], "6": ["eve"]}`` (ISO weekday → parts of the day), normalised; the
    H5 and staff forms send "1-am" tokens, also accepted here."""
    if value in (None, ""):
        return {}
    if isinstance(value, list | tuple | set):
        pairs: dict[str, list[str]] = {}
        for token in value:
            day, _, part = _text(token).partition("-")
            pairs.setdefault(day, []).append(part)
        value = pairs
    if not isinstance(value, dict):
        errors.append({"field": "availability", "message": "可服务时间格式不正确"})
        return {}
    out: dict[str, list[str]] = {}
    for day, parts in value.items():
        day = _text(day)
        if day not in WEEKDAY_LABELS or not isinstance(parts, list | tuple | set):
            errors.append(
                {"field": "availability", "message": "可服务时间应为周一至周日的上午、下午、晚上"}
            )
            return {}
        clean = [p for p in DAY_PARTS if p in {_text(x) for x in parts}]
        if len(clean) != len({_text(x) for x in parts}):
            errors.append(
                {"field": "availability", "message": "可服务时间应为周一至周日的上午、下午、晚上"}
            )
            return {}
        if clean:
            out[day] = clean
    return {day: out[day] for day in sorted(out)}


def describe_availability(value: dict[str, list[str]] | None) -> list[tuple[str, str]]:
    """[("周一", "上午、下午"), …] for display."""
    value = value or {}
    return [
        (label, "、".join(DAY_PARTS[p] for p in value[day] if p in DAY_PARTS))
        for day, label in WEEKDAY_LABELS.items()
        if value.get(day)
    ]


def _set_skills(volunteer: Volunteer, rows: list[tuple[Skill, str, str]]) -> bool:
    """Replace the volunteer's skills; True if anything changed."""
    current = {
        r.skill_id: (r.certificate_name, r.certificate_number)
        for r in VolunteerSkill.objects.filter(volunteer=volunteer)
    }
    wanted = {skill.pk: (name, number) for skill, name, number in rows}
    if current == wanted:
        return False
    VolunteerSkill.objects.filter(volunteer=volunteer).exclude(skill_id__in=wanted).delete()
    for skill_id, (name, number) in wanted.items():
        VolunteerSkill.objects.update_or_create(
            volunteer=volunteer, skill_id=skill_id,
            defaults={"certificate_name": name, "certificate_number": number},
        )  # fmt: skip
    return True


def _guardian_values(guardian: Any, errors: list[dict[str, str]]) -> dict[str, str]:
    guardian = guardian or {}
    values = {
        "guardian_name": _text(guardian.get("name")),
        "guardian_phone": _text(guardian.get("phone")),
        "guardian_relation": _text(guardian.get("relation")),
    }
    if not any(values.values()):
        return {}
    if not values["guardian_name"] or len(values["guardian_name"]) > 50:
        errors.append({"field": "guardian_name", "message": "请填写监护人姓名（不超过50字）"})
    if not values["guardian_relation"] or len(values["guardian_relation"]) > 20:
        errors.append(
            {"field": "guardian_relation", "message": "请填写监护人与本人的关系，如父亲、母亲"}
        )
    try:
        values["guardian_phone"] = pii.validate_phone(values["guardian_phone"])
    except DjangoValidationError:
        errors.append({"field": "guardian_phone", "message": "监护人手机号应为以1开头的11位数字"})
    return values


# --- register ---------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def register_volunteer(
    *,
    actor: User | None,
    name: str,
    id_number: str,
    phone: str = "",
    region: Any,
    skills: Any = (),
    availability: Any = None,
    consent: bool,
    self_service: bool,
    guardian: dict[str, Any] | None = None,
    guardian_consent: bool = False,
) -> Volunteer:
    """File a volunteer profile for the Person with this ID number (found or created).

    ``guardian`` ({"name", "phone", "relation"}) is a minor's guardian; staff confirm the
    guardian's consent with ``guardian_consent`` (required under 14). On H5 the guardian's
    details are kept, and staff confirm them later (``record_guardian_consent``).
    """
    if actor is not None and not self_service:
        require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    errors: list[dict[str, str]] = []
    place = pick_region(actor, region, AREA_LEVELS, anywhere=self_service)
    if place is None:
        where = "" if self_service else "（须在您的工作范围内）"
        errors.append({"field": "region", "message": f"请选择服务区域：街道或社区{where}"})
    rows = skill_rows(skills, errors)
    days = clean_availability(availability, errors)
    if not consent:
        message = CONSENT_REQUIRED if self_service else STAFF_CONSENT_REQUIRED
        errors.append({"field": "consent", "message": message})
    data = person_data(name, id_number, phone, place, errors)
    age = age_on(pii.id_facts(data.id_number).birth_date) if data is not None else None
    youngest = min_age()
    if age is not None and age < youngest:
        # Refused whoever registers (the person, staff, the API, the demo): no guardian's
        # consent makes a child under the place's minimum age a volunteer.
        errors.append({
            "field": "id_number",
            "message": f"未满{youngest}周岁不能注册为志愿者（按身份证号计算，现年{age}周岁）",
        })  # fmt: skip
    guardian_values = _guardian_values(guardian, errors) if age is not None and age < 18 else {}
    if age is not None and youngest <= age < MIN_SELF_SERVICE_AGE:
        if self_service:
            errors.append({
                "field": "id_number",
                "message": "未满14周岁的未成年人不能自行注册，请由监护人陪同到所在社区登记",
            })  # fmt: skip
        elif not guardian_values or not guardian_consent:
            errors.append({
                "field": "guardian_consent",
                "message": "未满14周岁须登记监护人信息并确认监护人同意",
            })  # fmt: skip
    InvalidInput.raise_if_any(errors)
    assert data is not None and place is not None and age is not None

    if self_service and actor is not None:
        if Volunteer.objects.filter(person__user=actor).exists():
            raise DomainError("您已注册为志愿者")
    person, created, linked = file_person(
        data, actor=actor, region=place, self_service=self_service
    )
    if not created and Volunteer.objects.filter(person=person).exists():
        raise InvalidInput.field("id_number", "该身份证号已注册为志愿者")
    now = timezone.now()
    consented_by_guardian = bool(guardian_values) and guardian_consent and not self_service
    volunteer = Volunteer.objects.create(
        person=person, number=volunteer_number(place, person), region=place,
        availability=days, consent_version=CONSENT_VERSION, consent_at=now,
        registered_by=None if self_service else actor,
        guardian_consent_at=now if consented_by_guardian else None, **guardian_values,
    )  # fmt: skip
    _set_skills(volunteer, rows)
    audit.record(
        Verb.VOLUNTEER_REGISTERED, actor=actor, target=volunteer, region=place,
        data={
            "number": volunteer.number, "self_service": self_service, "person_created": created,
            "linked_account": linked, "consent_version": volunteer.consent_version,
            "minor": age < ADULT_AGE, "guardian_consent": consented_by_guardian,
            "skills": sorted(s.code for s, _, _ in rows),
        },
    )  # fmt: skip
    return volunteer


# --- update -----------------------------------------------------------------------------------


def _is_self(actor: User | None, volunteer: Volunteer) -> bool:
    return actor is not None and volunteer.person.user_id == actor.pk


def _check_staff(actor: User, volunteer: Volunteer) -> None:
    require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    if not Volunteer.objects.visible_to(actor).filter(pk=volunteer.pk).exists():
        raise NotFound(access.VOLUNTEER_NOT_FOUND)


@transaction.atomic(durable=True)
def update_volunteer(volunteer: Volunteer, *, actor: User | None, **changes: Any) -> Volunteer:
    """Change skills (with certificates), weekly availability and the service area: the
    volunteer themself (H5) or staff in scope. Name, ID number and phone belong to the Person
    and are changed in the ledger."""
    unknown = set(changes) - EDITABLE
    if unknown:
        raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
    volunteer = Volunteer.objects.select_for_update().select_related("person").get(pk=volunteer.pk)
    self_service = _is_self(actor, volunteer)
    if actor is not None and not self_service:
        _check_staff(actor, volunteer)
    errors: list[dict[str, str]] = []
    rows = skill_rows(changes["skills"], errors) if "skills" in changes else None
    days = (
        clean_availability(changes["availability"], errors) if "availability" in changes else None
    )
    place = None
    if "region" in changes:
        place = pick_region(actor, changes["region"], AREA_LEVELS, anywhere=self_service)
        if place is None:
            errors.append({"field": "region", "message": "请选择服务区域：街道或社区"})
    InvalidInput.raise_if_any(errors)
    changed: list[str] = []
    if rows is not None and _set_skills(volunteer, rows):
        changed.append("skills")
    if days is not None and days != (volunteer.availability or {}):
        volunteer.availability = days
        changed.append("availability")
    if place is not None and place.code != volunteer.region_id:
        volunteer.region = place
        changed.append("region")
    if not changed:
        return volunteer
    volunteer.save()
    audit.record(
        Verb.VOLUNTEER_UPDATED, actor=actor, target=volunteer, region=volunteer.region,
        data={"changed": changed, "self_service": self_service},
    )  # fmt: skip
    return volunteer


# --- status -----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def change_status(
    volunteer: Volunteer, *, actor: User | None, status: str, reason: str = ""
) -> Volunteer:
    """在册 → 暂停服务 / 已退出, and back. The volunteer may change their own status; staff in
    scope anyone's. Leaving ends the volunteer's current team memberships today."""
    volunteer = Volunteer.objects.select_for_update().select_related("person").get(pk=volunteer.pk)
    self_service = _is_self(actor, volunteer)
    if actor is not None and not self_service:
        _check_staff(actor, volunteer)
    if status not in VolunteerStatus.values:
        raise InvalidInput.field("status", "请选择状态：在册、暂停服务或已退出")
    reason = _text(reason)
    if len(reason) > MAX_REASON:
        raise InvalidInput.field("reason", f"说明不能超过 {MAX_REASON} 字")
    old = volunteer.status
    if status not in STATUS_NEXT[old]:
        labels = [VolunteerStatus(s).label for s in sorted(STATUS_NEXT[old])]
        raise IllegalTransition(VolunteerStatus(old).label, VolunteerStatus(status).label, labels)
    ended = 0
    if status == VolunteerStatus.LEFT:
        ended = TeamMember.objects.filter(volunteer=volunteer, left_on__isnull=True).update(
            left_on=timezone.localdate()
        )
    volunteer.status = status
    volunteer.save(update_fields=["status"])
    audit.record(
        Verb.VOLUNTEER_STATUS_CHANGED, actor=actor, target=volunteer, region=volunteer.region,
        data={"status": [old, status], "reason": reason, "self_service": self_service,
              "memberships_ended": ended},
    )  # fmt: skip
    user = volunteer.person.user
    if user is not None and not self_service:
        notify(
            user, "volunteers.status_changed",
            {"status": VolunteerStatus(status).label, "reason": reason},
        )  # fmt: skip
    return volunteer


# --- a minor's guardian -----------------------------------------------------------------------


@transaction.atomic(durable=True)
def record_guardian_consent(
    volunteer: Volunteer, *, actor: User | None, name: str, phone: str, relation: str
) -> Volunteer:
    """Staff record that a minor volunteer's guardian agreed (name, phone, relation, now)."""
    volunteer = Volunteer.objects.select_for_update().select_related("person").get(pk=volunteer.pk)
    if actor is not None:
        _check_staff(actor, volunteer)
    if not is_minor(volunteer):
        raise DomainError("该志愿者已年满18周岁，无需登记监护人同意")
    errors: list[dict[str, str]] = []
    values = _guardian_values({"name": name, "phone": phone, "relation": relation}, errors)
    if not values:
        errors.append({"field": "guardian_name", "message": "请填写监护人姓名、手机号和关系"})
    InvalidInput.raise_if_any(errors)
    first = volunteer.guardian_consent_at is None
    for field, value in values.items():
        setattr(volunteer, field, value)
    volunteer.guardian_consent_at = timezone.now()
    volunteer.save()
    audit.record(
        Verb.GUARDIAN_CONSENT_RECORDED, actor=actor, target=volunteer, region=volunteer.region,
        data={"relation": volunteer.guardian_relation, "first": first},
    )  # fmt: skip
    user = volunteer.person.user
    if user is not None and first:
        notify(user, "volunteers.guardian_consent", {})
    return volunteer


# --- the separate consent to the check-in location (PIPL art. 29) -------------------------------


def _own_for_write(actor: User, volunteer: Volunteer) -> Volunteer:
    """The volunteer, locked, if it is the actor's own profile: only the person consents."""
    found = (
        Volunteer.objects.select_for_update(of=("self",))
        .filter(pk=volunteer.pk, person__user_id=actor.pk)
        .first()
    )
    if found is None:
        raise NotFound(access.VOLUNTEER_NOT_FOUND)
    return found


@transaction.atomic(durable=True)
def give_location_consent(volunteer: Volunteer, *, actor: User) -> Volunteer:
    """The volunteer agrees to ``consent.LOCATION_CONSENT_VERSION``: their phone's position is
    read at geofenced check-in and check-out. Giving it again while it stands changes nothing."""
    volunteer = _own_for_write(actor, volunteer)
    if (
        volunteer.location_consent_at is not None
        and volunteer.location_consent_version == LOCATION_CONSENT_VERSION
    ):
        return volunteer
    previous = volunteer.location_consent_version
    volunteer.location_consent_version = LOCATION_CONSENT_VERSION
    volunteer.location_consent_at = timezone.now()
    volunteer.save(update_fields=["location_consent_version", "location_consent_at"])
    audit.record(
        Verb.LOCATION_CONSENT_GIVEN, actor=actor, target=volunteer, region=volunteer.region,
        data={"version": LOCATION_CONSENT_VERSION, "previous_version": previous},
    )  # fmt: skip
    return volunteer


@transaction.atomic(durable=True)
def withdraw_location_consent(volunteer: Volunteer, *, actor: User) -> Volunteer:
    """The volunteer withdraws the location consent (PIPL art. 15): no position is read or kept
    from now on; check-ins go by the code alone. Records already made keep their distance
    (a withdrawal does not undo what was done before it)."""
    volunteer = _own_for_write(actor, volunteer)
    if volunteer.location_consent_at is None:
        raise DomainError("您没有同意签到时使用位置信息，无需撤回")
    given = {
        "version": volunteer.location_consent_version,
        "given_at": volunteer.location_consent_at.isoformat(),
    }
    volunteer.location_consent_version = ""
    volunteer.location_consent_at = None
    volunteer.save(update_fields=["location_consent_version", "location_consent_at"])
    audit.record(
        Verb.LOCATION_CONSENT_WITHDRAWN, actor=actor, target=volunteer, region=volunteer.region,
        data=given,
    )  # fmt: skip
    return volunteer


def has_location_consent(volunteer: Volunteer) -> bool:
    """Whether the volunteer's current location consent stands (a newer notice asks again)."""
    return (
        volunteer.location_consent_at is not None
        and volunteer.location_consent_version == LOCATION_CONSENT_VERSION
    )


# --- may this volunteer sign up? ----------------------------------------------------------------


def sign_up_block(volunteer: Volunteer, *, for_self: bool = True) -> str | None:
    """Why this volunteer may not sign up for an activity now (a Chinese reason, addressed to the
    volunteer, or to the leader signing them up when ``for_self`` is false), or None."""
    who = "您" if for_self else "该志愿者"
    if volunteer.status != VolunteerStatus.ACTIVE:
        label = VolunteerStatus(volunteer.status).label
        return f"{who}的志愿者状态为「{label}」，暂不能报名活动"
    if volunteer.consent_at is None:
        if for_self:
            return "请先阅读并同意志愿者个人信息处理告知书"
        return "该志愿者尚未同意志愿者个人信息处理告知书，须本人在手机端确认后才能报名"
    age = age_of(volunteer)
    if age is not None and age < ADULT_AGE and volunteer.guardian_consent_at is None:
        return "未满18周岁的志愿者须由监护人同意并经社区登记后才能报名，请联系所在社区"
    return None


def can_sign_up(volunteer: Volunteer) -> tuple[bool, str]:
    reason = sign_up_block(volunteer)
    return reason is None, reason or ""
