"""志愿者培训 (培训情况): a team records a training it held and who took part in it.

Under 民政部令第67号 a volunteer's record holds 个人基本信息, 志愿服务情况, **培训情况**,
表彰奖励情况 and 评价情况 (DOMAIN.md 4.2); this module keeps the third. A training belongs to the
team that organised it (a social worker may have given it: ``trainer`` is free text, a name or
a 单位); the trainees are named by their volunteer numbers (志愿者编号), as a leader types them
from a sign-in sheet.

* ``record_training`` — one training with its trainees, all or nothing: an unknown number is an
  ``InvalidInput`` listing every unknown number, and nothing is written.
* ``add_trainees`` / ``remove_trainee`` — the roster afterwards (a late sheet, a wrong number).

Training hours are the training's length, **not service hours**: they never touch
``Volunteer.hours``, a service record or a star. Who: those who run the team
(``access.access_team``: staff in scope with volunteers.manage, or the team's leaders); anyone
else gets a ``NotFound``, the same as a missing training. Each action is one durable
transaction with one audit entry.
"""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound
from shegong.volunteers.models import Team, Training, TrainingAttendance, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.training import TRAINING_NOT_FOUND, access_training

__all__ = [
    "add_trainees",
    "parse_numbers",
    "record_training",
    "remove_trainee",
]

TRAINEE_NOT_FOUND = "该志愿者不在本次培训的参训名单中"
NUMBERS_MAX = 500
TITLE_MAX = 100
TRAINER_MAX = 100
CONTENT_MAX = 500
HOURS_MIN, HOURS_MAX = Decimal("0.5"), Decimal("24")
UNKNOWN_SHOWN = 30  # unknown numbers listed in the message; the rest are counted
SEPARATORS = re.compile(r"[\s,，、;；]+")


# --- checks -----------------------------------------------------------------------------------


def parse_numbers(value: Any) -> list[str]:
    """The distinct volunteer numbers in ``value`` (text separated by whitespace, newlines,
    commas, 、 or semicolons; or a list), in the order given."""
    if isinstance(value, list | tuple | set):
        value = " ".join(str(v) for v in value)
    return list(dict.fromkeys(n for n in SEPARATORS.split(str(value or "")) if n))


def _trainees(numbers: Any, *, required: bool) -> list[Volunteer]:
    """The volunteers the numbers name; any unknown number is an InvalidInput naming them."""
    parsed = parse_numbers(numbers)
    if not parsed:
        if required:
            raise InvalidInput.field("numbers", "请填写参训志愿者的编号")
        return []
    if len(parsed) > NUMBERS_MAX:
        raise InvalidInput.field(
            "numbers", f"一次最多登记 {NUMBERS_MAX} 名参训志愿者（本次 {len(parsed)} 个编号）"
        )
    found = {v.number: v for v in Volunteer.objects.filter(number__in=parsed).only("pk", "number")}
    unknown = [n for n in parsed if n not in found]
    if unknown:
        shown = "、".join(unknown[:UNKNOWN_SHOWN])
        more = f" 等 {len(unknown)} 个" if len(unknown) > UNKNOWN_SHOWN else ""
        raise InvalidInput.field(
            "numbers", f"以下志愿者编号不存在，请核对后重新提交：{shown}{more}"
        )
    return [found[n] for n in parsed]


def _hours(value: Any) -> Decimal | None:
    try:
        hours = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    return hours if hours.is_finite() else None


def _values(*, title: Any, held_on: Any, hours: Any, trainer: Any, content: Any) -> dict[str, Any]:
    """The training's fields, checked together: every problem is reported at once."""
    errors: list[dict[str, str]] = []

    def error(field: str, message: str) -> None:
        errors.append({"field": field, "message": message})

    title, trainer = access.one_line(title), access.one_line(trainer)
    content = str(content or "").strip()
    if not title:
        error("title", "请填写培训主题")
    elif len(title) > TITLE_MAX:
        error("title", f"培训主题不能超过 {TITLE_MAX} 字")
    if not isinstance(held_on, date):
        error("held_on", "请填写培训日期")
    elif held_on > timezone.localdate():
        error("held_on", "培训日期不能晚于今天（培训结束后再登记）")
    length = _hours(hours)
    if length is None:
        error("hours", "请填写培训时长（小时）")
    elif not HOURS_MIN <= length <= HOURS_MAX:
        error("hours", f"培训时长应在 {HOURS_MIN} 至 {HOURS_MAX} 小时之间")
    elif length != length.quantize(Decimal("0.1")):
        error("hours", "培训时长最多保留一位小数，如 1.5")
    if not trainer:
        error("trainer", "请填写授课人或授课单位")
    elif len(trainer) > TRAINER_MAX:
        error("trainer", f"授课人/单位不能超过 {TRAINER_MAX} 字")
    if len(content) > CONTENT_MAX:
        error("content", f"培训内容不能超过 {CONTENT_MAX} 字")
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    assert length is not None  # else "请填写培训时长" was raised above
    return {
        "title": title, "held_on": held_on, "hours": length.quantize(Decimal("0.1")),
        "trainer": trainer, "content": content,
    }  # fmt: skip


def _team(actor: User | None, team: Any) -> Team:
    """The team, if the actor runs it (NotFound otherwise); any team for the system (None)."""
    pk = getattr(team, "pk", team)
    if actor is not None:
        return access.access_team(actor, pk)
    found = Team.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(access.TEAM_NOT_FOUND)
    return found


def _locked(actor: User | None, training: Any) -> Training:
    if actor is not None:
        return access_training(actor, training, for_write=True)
    pk = getattr(training, "pk", training)
    found = (
        Training.objects.select_for_update(of=("self",)).select_related("team").filter(pk=pk)
        if str(pk).isdigit()
        else Training.objects.none()
    ).first()
    if found is None:
        raise NotFound(TRAINING_NOT_FOUND)
    return found


# --- actions ----------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def record_training(
    team: Any, *, actor: User | None, title: str, held_on: date, hours: Any, trainer: str,
    content: str = "", numbers: Any,
) -> Training:  # fmt: skip
    """登记培训: a training ``team`` held, with its trainees by volunteer number (duplicates
    ignored, up to 500). Every field and every number is checked before anything is written."""
    found_team = _team(actor, team)
    values = _values(title=title, held_on=held_on, hours=hours, trainer=trainer, content=content)
    trainees = _trainees(numbers, required=True)
    training = Training.objects.create(
        team=found_team,
        region_id=found_team.region_id,
        created_by=access.actor_or_none(actor),
        **values,
    )
    TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=training, volunteer=v) for v in trainees]
    )
    audit.record(
        Verb.TRAINING_RECORDED, actor=actor, target=training, region=found_team.region_id,
        data={"team": found_team.pk, "title": training.title,
              "held_on": training.held_on.isoformat(), "hours": str(training.hours),
              "trainees": len(trainees)},
    )  # fmt: skip
    return training


@transaction.atomic(durable=True)
def add_trainees(training: Any, *, actor: User | None, numbers: Any) -> list[TrainingAttendance]:
    """补登参训志愿者: numbers already on the roster are ignored; an unknown one refuses the
    whole batch. Returns the rows added (none: nothing written, nothing audited)."""
    found = _locked(actor, training)
    trainees = _trainees(numbers, required=True)
    present = set(
        TrainingAttendance.objects.filter(training=found).values_list("volunteer_id", flat=True)
    )
    new = [v for v in trainees if v.pk not in present]
    if not new:
        return []
    # The training row is locked above, so two batches for one training queue up here; the
    # unique constraint is the last word all the same.
    rows = TrainingAttendance.objects.bulk_create(
        [TrainingAttendance(training=found, volunteer=v) for v in new]
    )
    audit.record(
        Verb.TRAINEES_CHANGED, actor=actor, target=found, region=found.region_id,
        data={"added": [v.number for v in new]},
    )  # fmt: skip
    return rows


@transaction.atomic(durable=True)
def remove_trainee(training: Any, attendance: Any, *, actor: User | None) -> TrainingAttendance:
    """移出参训名单: a volunteer recorded by mistake leaves the training's roster."""
    found = _locked(actor, training)
    pk = getattr(attendance, "pk", attendance)
    row = (
        TrainingAttendance.objects.select_related("volunteer__person")
        .filter(training=found, pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if row is None:
        raise NotFound(TRAINEE_NOT_FOUND)
    number = row.volunteer.number
    row.delete()
    audit.record(
        Verb.TRAINEES_CHANGED, actor=actor, target=found, region=found.region_id,
        data={"removed": [number]},
    )  # fmt: skip
    return row
