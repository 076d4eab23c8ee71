"""党员先锋岗 / 党员责任区 and 先进典型 (the honour roll): one function per verb.

A post's holders and a role model's person are ledger ``Person`` rows the actor may see, found
by primary key or by ID number (the blind index); a post's holders must be party members (full
or probationary, ``ledger.choices.PARTY_STATUSES``). Staff need ``stations.manage`` and the
region inside their scope; ``actor=None`` (command line, demo) skips those checks.

A role model's photos are decoded and re-encoded (``core.photos``) before the transaction; if
the transaction fails the stored files are removed again. Each save runs in one durable
transaction and writes one audit entry.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core import photos as photo_intake
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import blind_index, normalize_id_number
from shegong.ledger.choices import PARTY_STATUSES
from shegong.ledger.models import Organization, Person
from shegong.regions.choices import Level
from shegong.regions.models import Region

from ..models import RoleModel, VanguardPost
from ..queries import MODEL_NOT_FOUND, POST_NOT_FOUND

__all__ = [
    "KINDS",
    "MAX_ROLE_PHOTOS",
    "PHOTO_FOLDER",
    "save_role_model",
    "save_vanguard_post",
]

KINDS = dict(VanguardPost.KIND_CHOICES)
PHOTO_FOLDER = "honor"
MAX_ROLE_PHOTOS = 3
MAX_HOLDERS = 50
MAX_CITATION = 2000
FIRST_YEAR = 1949
REGION_LEVELS = {Level.STREET, Level.COMMUNITY, Level.GRID}
NOT_A_MEMBER = "{name} 不是中共党员（含预备党员），不能设为先锋岗/责任区党员"
PERSON_MISSING = "未找到身份证号为 {number} 的人员，或不在您的工作范围内"


def _bad(errors: list[dict[str, str]], field: str, message: str) -> None:
    errors.append({"field": field, "message": message})


def _raise(errors: list[dict[str, str]]) -> None:
    if errors:
        raise InvalidInput("；".join(e["message"] for e in errors), errors=errors)


def _text(value: Any) -> str:
    return str(value or "").strip()


def _people(actor: User | None) -> Any:
    return Person.objects.all() if actor is None else Person.objects.visible_to(actor)


def _region(actor: User | None, value: Any, errors: list[dict[str, str]]) -> Region | None:
    code = _text(value.code if isinstance(value, Region) else value)
    regions = Region.objects.all() if actor is None else Region.objects.visible_to(actor)
    region = regions.filter(code=code, level__in=REGION_LEVELS).first() if code else None
    if region is None:
        _bad(errors, "region", "请选择所属街道、社区或网格（须在您的工作范围内）")
    return region


def _by_number(actor: User | None, number: str) -> Person | None:
    text = normalize_id_number(number)
    if not text:
        return None
    return _people(actor).filter(id_number_index=blind_index(text)).first()


def _by_pk(actor: User | None, value: Any) -> Person | None:
    pk = value.pk if isinstance(value, Person) else value
    if not str(pk).isdigit():
        return None
    return _people(actor).filter(pk=int(pk)).first()


def _date(value: Any, errors: list[dict[str, str]]) -> date | None:
    if isinstance(value, date):
        found = value
    else:
        try:
            found = date.fromisoformat(_text(value))
        except ValueError:
            _bad(errors, "since", "请填写设立日期（如 2026-07-01）")
            return None
    if found > timezone.localdate():
        _bad(errors, "since", "设立日期不能晚于今天")
        return None
    return found


def _store(files: Sequence[Any] | None, *, room: int) -> list[dict]:
    processed = photo_intake.process_photos(files, field="photos", max_photos=max(room, 0))
    return photo_intake.store_photos(processed, folder=PHOTO_FOLDER) if processed else []


# --- 党员先锋岗 / 党员责任区 ------------------------------------------------------------------


def _holders(
    actor: User | None,
    holders: Iterable[Any] | None,
    numbers: Iterable[str] | None,
    errors: list[dict[str, str]],
) -> list[Person]:
    found: dict[int, Person] = {}
    for value in holders or []:
        person = _by_pk(actor, value)
        if person is None:
            _bad(errors, "holders", "所选人员不存在或不在您的工作范围内")
        else:
            found[person.pk] = person
    for raw in numbers or []:
        number = _text(raw)
        if not number:
            continue
        person = _by_number(actor, number)
        if person is None:
            masked = number[:6] + "…" if len(number) > 6 else number
            _bad(errors, "holders", PERSON_MISSING.format(number=masked))
        else:
            found[person.pk] = person
    people = list(found.values())
    for person in people:
        if person.political_status not in PARTY_STATUSES:
            _bad(errors, "holders", NOT_A_MEMBER.format(name=person.name_masked))
    if not people and not any(e["field"] == "holders" for e in errors):
        _bad(errors, "holders", "请至少填写一名岗位党员")
    if len(people) > MAX_HOLDERS:
        _bad(errors, "holders", f"岗位党员不能超过 {MAX_HOLDERS} 人")
    return people


def _organization(
    actor: User | None, value: Any, errors: list[dict[str, str]]
) -> Organization | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Organization) else value
    qs = Organization.objects.all() if actor is None else Organization.objects.visible_to(actor)
    found = qs.filter(pk=int(pk)).first() if str(pk).isdigit() else None
    if found is None:
        _bad(errors, "organization", "所在单位不存在或不在您的工作范围内")
    return found


@transaction.atomic(durable=True)
def save_vanguard_post(
    post: VanguardPost | None = None,
    *,
    actor: User | None,
    kind: str,
    name: str,
    organization: Any = None,
    area: str = "",
    holders: Iterable[Any] | None = None,
    holder_id_numbers: Iterable[str] | None = None,
    region: Any,
    since: Any,
    active: bool = True,
) -> VanguardPost:
    """Create (``post=None``) or change a 党员先锋岗/责任区. Every bad field is reported at once
    (InvalidInput) and nothing is written then."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    if post is not None:
        scoped = (
            VanguardPost.objects.all() if actor is None else VanguardPost.objects.visible_to(actor)
        )
        post = scoped.select_for_update().filter(pk=post.pk).first()
        if post is None:
            raise NotFound(POST_NOT_FOUND)
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {"kind": _text(kind), "name": _text(name), "area": _text(area)}
    if values["kind"] not in KINDS:
        _bad(errors, "kind", "请选择类型（党员先锋岗或党员责任区）")
    if not values["name"]:
        _bad(errors, "name", "请填写名称")
    elif len(values["name"]) > 100:
        _bad(errors, "name", "名称不能超过100字")
    if len(values["area"]) > 200:
        _bad(errors, "area", "责任区域不能超过200字")
    elif values["kind"] == "area" and not values["area"]:
        _bad(errors, "area", "党员责任区须填写责任区域")
    values["organization"] = _organization(actor, organization, errors)
    values["region"] = _region(actor, region, errors)
    values["since"] = _date(since, errors)
    values["active"] = bool(active)
    people = _holders(actor, holders, holder_id_numbers, errors)
    _raise(errors)

    created = post is None
    if post is None:
        post = VanguardPost.objects.create(**values)
        changed = sorted([*values, "holders"])
    else:
        changed = [f for f, v in values.items() if getattr(post, f) != v]
        for field in changed:
            setattr(post, field, values[field])
        if changed:
            post.save(update_fields=changed)
        if set(post.holders.values_list("pk", flat=True)) != {p.pk for p in people}:
            changed.append("holders")
    post.holders.set(people)
    audit.record(
        Verb.VANGUARD_SAVED, actor=actor, target=post,
        data={"created": created, "kind": post.kind, "changed": changed,
              "holders": len(people)},
    )  # fmt: skip
    return post


# --- 先进典型 ---------------------------------------------------------------------------------


def _year(value: Any, errors: list[dict[str, str]]) -> int | None:
    this_year = timezone.localdate().year
    try:
        year = int(_text(value))
    except ValueError:
        _bad(errors, "year", "请填写年度（四位数字）")
        return None
    if year > this_year:
        _bad(errors, "year", f"年度不能晚于 {this_year} 年")
        return None
    if year < FIRST_YEAR:
        _bad(errors, "year", f"年度不能早于 {FIRST_YEAR} 年")
        return None
    return year


def save_role_model(
    model: RoleModel | None = None,
    *,
    actor: User | None,
    title: str,
    year: Any,
    person: Any = None,
    person_id_number: str = "",
    citation: str,
    photos: Sequence[Any] | None = None,
    remove_photos: Iterable[int] | None = None,
    region: Any,
    published: bool = True,
) -> RoleModel:
    """Create (``model=None``) or change a 先进典型; new photos are appended, ``remove_photos``
    names indices to drop. Bad input → InvalidInput, nothing written (no file kept)."""
    if actor is not None:
        require_perm(actor, Perm.STATIONS_MANAGE)
    if model is not None:
        scoped = RoleModel.objects.all() if actor is None else RoleModel.objects.visible_to(actor)
        model = scoped.filter(pk=model.pk).first()
        if model is None:
            raise NotFound(MODEL_NOT_FOUND)
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {"title": _text(title), "citation": _text(citation)}
    if not values["title"]:
        _bad(errors, "title", "请填写荣誉称号")
    elif len(values["title"]) > 100:
        _bad(errors, "title", "荣誉称号不能超过100字")
    if not values["citation"]:
        _bad(errors, "citation", "请填写事迹")
    elif len(values["citation"]) > MAX_CITATION:
        _bad(errors, "citation", f"事迹不能超过 {MAX_CITATION} 字")
    values["year"] = _year(year, errors)
    who = None
    if person not in (None, ""):
        who = _by_pk(actor, person)
    elif _text(person_id_number):
        who = _by_number(actor, _text(person_id_number))
    if who is None:
        field = "person_id_number" if _text(person_id_number) or person in (None, "") else "person"
        _bad(errors, field, "未找到该人员，或不在您的工作范围内（请填写台账中人员的身份证号）")
    values["person"] = who
    values["region"] = _region(actor, region, errors)
    values["published"] = bool(published)
    remove = {int(i) for i in remove_photos or []}
    kept = [p for i, p in enumerate(model.photo or []) if i not in remove] if model else []
    try:
        processed = photo_intake.process_photos(
            photos, field="photos", max_photos=max(MAX_ROLE_PHOTOS - len(kept), 0)
        )
    except InvalidInput as exc:
        errors.extend(exc.errors or [{"field": "photos", "message": exc.detail}])
        processed = []
    _raise(errors)
    stored = photo_intake.store_photos(processed, folder=PHOTO_FOLDER) if processed else []
    try:
        return _save_model(model.pk if model else None, actor, values, remove, stored)
    except BaseException:
        photo_intake.delete_stored(stored)
        raise


@transaction.atomic(durable=True)
def _save_model(
    pk: int | None, actor: User | None, values: dict[str, Any], remove: set[int], stored: list[dict]
) -> RoleModel:
    if pk is None:
        model = RoleModel.objects.create(**values, photo=stored)
        changed = sorted([*values, *(["photo"] if stored else [])])
        created = True
    else:
        model = RoleModel.objects.select_for_update().get(pk=pk)
        changed = [f for f, v in values.items() if getattr(model, f) != v]
        for field in changed:
            setattr(model, field, values[field])
        if remove or stored:
            old = model.photo if isinstance(model.photo, list) else []
            removed = [p for i, p in enumerate(old) if i in remove]
            model.photo = [p for i, p in enumerate(old) if i not in remove] + stored
            changed.append("photo")
            transaction.on_commit(lambda: photo_intake.delete_stored(removed))
        if changed:
            model.save(update_fields=changed)
        created = False
    audit.record(
        Verb.ROLE_MODEL_SAVED, actor=actor, target=model,
        data={"created": created, "year": model.year, "changed": changed,
              "published": model.published},
    )  # fmt: skip
    return model
