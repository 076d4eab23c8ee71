"""Volunteer teams (志愿服务队 / 志愿服务组织): create and edit, members joining and leaving with
dates, leaders, and incubation (未纳入孵化 → 孵化中 → 已孵化). One function per verb.

Who may do what (``queries/access.py`` decides who runs a team):
- staff with ``volunteers.manage`` create teams in their scope and change everything;
- a team's current leader (负责人) runs the roster of their own team (add members, record that a
  member left) and its description and phone;
- appointing or removing a leader, the team's name, kind, region, organisation, parent and its
  incubation are the staff's.
Anything else is a ``NotFound`` (another team) or ``NotPermitted`` (a staff-only change).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm, require_perm
from shegong.ledger.models import Organization
from shegong.regions.choices import Level
from shegong.volunteers.actions.registration import pick_region
from shegong.volunteers.choices import Incubation, TeamKind, TeamRole, VolunteerStatus
from shegong.volunteers.models import Team, TeamMember, Volunteer
from shegong.volunteers.queries import access

TEAM_LEVELS = {Level.DISTRICT, Level.STREET, Level.COMMUNITY}
STAFF_FIELDS = {"name", "kind", "region", "organization", "parent"}
LEADER_FIELDS = {"description", "phone"}
MEMBER_NOT_FOUND = "该队员不存在或不在本队"
STAFF_ONLY = "只有志愿服务管理人员可以进行此操作"

# Incubation: none → incubating → incubated; an incubation may be abandoned (→ none).
INCUBATION_NEXT: dict[str, set[str]] = {
    Incubation.NONE: {Incubation.INCUBATING},
    Incubation.INCUBATING: {Incubation.INCUBATED, Incubation.NONE},
    Incubation.INCUBATED: set(),
}

register_event(
    "volunteers.team_joined",
    title="您已加入志愿服务队伍「{{ team }}」",
    body="{% if leader %}您是该队伍的负责人。{% endif %}",
    link="/m/volunteer/",
)
register_event(
    "volunteers.member_left",
    title="{{ name }}（{{ number }}）已退出「{{ team }}」",
    body="{% if reason %}退出原因：{{ reason }}{% endif %}",
    link="/volunteers/teams/{{ team_pk }}/",
)
register_event(
    "volunteers.team_leader",
    title=(
        "{% if leader %}您已被设为「{{ team }}」的负责人"
        "{% else %}您已不再担任「{{ team }}」的负责人{% endif %}"
    ),
    link="/m/volunteer/",
)


# --- checks -----------------------------------------------------------------------------------


def _text(value: Any) -> str:
    return str(value or "").strip()


def _is_staff(actor: User | None) -> bool:
    return actor is None or access.can_manage(actor)


def _run(actor: User | None, team: Team) -> Team:
    """The team, locked, if the actor runs it (staff in scope or its leader); else NotFound."""
    if actor is None:
        return Team.objects.select_for_update().get(pk=team.pk)
    return access.access_team(actor, team.pk, for_write=True)


def _staff_team(actor: User | None, team: Team) -> Team:
    """The team, locked, if the actor manages it as staff in scope."""
    if actor is None:
        return Team.objects.select_for_update().get(pk=team.pk)
    require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    found = Team.objects.visible_to(actor).select_for_update().filter(pk=team.pk).first()
    if found is None:
        raise NotFound(access.TEAM_NOT_FOUND)
    return found


def _org(actor: User | None, value: Any, errors: list[dict[str, str]]) -> Organization | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Organization) else value
    qs = Organization.objects.all()
    if actor is not None:
        qs = qs.visible_to(actor)
    org = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if org is None:
        errors.append({"field": "organization", "message": "所选单位不存在或不在您的工作范围内"})
    return org


def _parent(
    actor: User | None, value: Any, team: Team | None, errors: list[dict[str, str]]
) -> Team | None:
    if value in (None, ""):
        return None
    pk = value.pk if isinstance(value, Team) else value
    qs = Team.objects.all() if actor is None else Team.objects.visible_to(actor)
    parent = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if parent is None:
        errors.append({"field": "parent", "message": "所选上级队伍不存在或不在您的工作范围内"})
        return None
    if team is not None:
        node: Team | None = parent
        for _ in range(50):  # walk up: a team cannot sit under itself or its own sub-team
            if node is None:
                break
            if node.pk == team.pk:
                errors.append({"field": "parent", "message": "上级队伍不能是本队或本队的下级队伍"})
                return None
            node = node.parent
    return parent


def _values(actor: User | None, data: dict[str, Any], team: Team | None) -> dict[str, Any]:
    errors: list[dict[str, str]] = []
    values: dict[str, Any] = {}
    if "name" in data:
        name = _text(data["name"])
        if not name or len(name) > 100:
            errors.append({"field": "name", "message": "请填写队伍名称（不超过100字）"})
        values["name"] = name
    if "kind" in data:
        kind = _text(data["kind"]) or TeamKind.TEAM
        if kind not in TeamKind.values:
            errors.append({"field": "kind", "message": "请选择队伍类型"})
        values["kind"] = kind
    if "region" in data:
        region = pick_region(actor, data["region"], TEAM_LEVELS)
        if region is None:
            errors.append(
                {
                    "field": "region",
                    "message": "请选择所属区划：区、街道或社区（须在您的工作范围内）",
                }
            )
        values["region"] = region
    if "organization" in data:
        values["organization"] = _org(actor, data["organization"], errors)
    if "parent" in data:
        values["parent"] = _parent(actor, data["parent"], team, errors)
    if "description" in data:
        values["description"] = _text(data["description"])
        if len(values["description"]) > 2000:
            errors.append({"field": "description", "message": "简介不能超过2000字"})
    if "phone" in data:
        values["phone"] = _text(data["phone"])
        if len(values["phone"]) > 20:
            errors.append({"field": "phone", "message": "联系电话不能超过20位"})
    InvalidInput.raise_if_any(errors)
    if values.get("name") and values.get("region") is not None:
        clash = Team.objects.filter(name=values["name"], region=values["region"])
        if team is not None:
            clash = clash.exclude(pk=team.pk)
        if clash.exists():
            raise InvalidInput.field("name", "该区划下已有同名队伍")
    return values


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return getattr(value, "code", None) or value.pk
    if isinstance(value, date):
        return value.isoformat()
    return value


# --- create and edit --------------------------------------------------------------------------


@transaction.atomic(durable=True)
def create_team(
    *,
    actor: User | None,
    name: str,
    region: Any,
    kind: str = TeamKind.TEAM,
    organization: Any = None,
    parent: Any = None,
    description: str = "",
    phone: str = "",
) -> Team:
    if actor is not None:
        require_perm(actor, Perm.VOLUNTEERS_MANAGE)
    data = {
        "name": name, "kind": kind, "region": region, "organization": organization,
        "parent": parent, "description": description, "phone": phone,
    }  # fmt: skip
    values = _values(actor, data, None)
    team = Team.objects.create(created_by=actor if getattr(actor, "pk", None) else None, **values)
    audit.record(
        Verb.TEAM_SAVED, actor=actor, target=team,
        data={"created": True, "kind": team.kind, "parent": team.parent_id},
    )  # fmt: skip
    return team


@transaction.atomic(durable=True)
def update_team(team: Team, *, actor: User | None, **changes: Any) -> Team:
    """Staff change anything; the team's leader its description and phone."""
    unknown = set(changes) - STAFF_FIELDS - LEADER_FIELDS
    if unknown:
        raise InvalidInput(f"不能修改：{'、'.join(sorted(unknown))}")
    team = _run(actor, team)
    if set(changes) & STAFF_FIELDS:
        if not _is_staff(actor):
            raise NotPermitted(STAFF_ONLY)
        team = _staff_team(actor, team)
    values = _values(actor, changes, team)
    if "region" in values and "name" not in values:
        clash = Team.objects.filter(name=team.name, region=values["region"]).exclude(pk=team.pk)
        if clash.exists():
            raise InvalidInput.field("name", "该区划下已有同名队伍")
    changed = {
        field: [_plain(getattr(team, field)), _plain(new)]
        for field, new in values.items()
        if getattr(team, field) != new
    }
    if not changed:
        return team
    for field, new in values.items():
        setattr(team, field, new)
    team.save()
    audit.record(Verb.TEAM_SAVED, actor=actor, target=team, data={"changed": changed})
    return team


# --- incubation -------------------------------------------------------------------------------


@transaction.atomic(durable=True)
def change_incubation(
    team: Team, *, actor: User | None, state: str, on: date | None = None
) -> Team:
    """未纳入孵化 → 孵化中 (started on ``on``) → 已孵化 (completed on ``on``); 孵化中 → 未纳入孵化
    abandons it. ``on`` defaults to today, cannot be in the future or before the start."""
    team = _staff_team(actor, team)
    if state not in Incubation.values:
        raise InvalidInput.field("state", "请选择孵化状态")
    on = on or timezone.localdate()
    if on > timezone.localdate():
        raise InvalidInput.field("on", "日期不能晚于今天")
    old = team.incubation
    if state not in INCUBATION_NEXT[old]:
        allowed = [Incubation(s).label for s in sorted(INCUBATION_NEXT[old])]
        raise IllegalTransition(Incubation(old).label, Incubation(state).label, allowed)
    if state == Incubation.INCUBATING:
        team.incubation_started_on, team.incubated_on = on, None
    elif state == Incubation.INCUBATED:
        if team.incubation_started_on and on < team.incubation_started_on:
            raise InvalidInput.field(
                "on", f"孵化完成日期不能早于开始孵化日期 {team.incubation_started_on:%Y-%m-%d}"
            )
        team.incubated_on = on
    else:
        team.incubation_started_on = team.incubated_on = None
    team.incubation = state
    team.save(update_fields=["incubation", "incubation_started_on", "incubated_on"])
    audit.record(
        Verb.TEAM_INCUBATION_CHANGED, actor=actor, target=team,
        data={"incubation": [old, state], "on": on.isoformat()},
    )  # fmt: skip
    return team


# --- members ----------------------------------------------------------------------------------


def find_volunteer(value: Any) -> Volunteer | None:
    """A volunteer by number (志愿者编号, the public identifier a volunteer gives a leader)."""
    if isinstance(value, Volunteer):
        return value
    number = _text(value)
    if not number:
        return None
    return Volunteer.objects.select_related("person").filter(number=number).first()


@transaction.atomic(durable=True)
def add_member(
    team: Team, *, actor: User | None, volunteer: Any, role: str = TeamRole.MEMBER,
    joined_on: date | None = None,
) -> TeamMember:  # fmt: skip
    """A volunteer (by number) joins the team on ``joined_on`` (today by default). Only staff
    appoint a leader."""
    team = _run(actor, team)
    if role not in TeamRole.values:
        raise InvalidInput.field("role", "请选择角色：队员或负责人")
    if role == TeamRole.LEADER and not _is_staff(actor):
        raise NotPermitted(STAFF_ONLY)
    found = find_volunteer(volunteer)
    if found is None:
        raise InvalidInput.field("volunteer", "未找到该志愿者编号")
    found = Volunteer.objects.select_for_update().select_related("person").get(pk=found.pk)
    if found.status != VolunteerStatus.ACTIVE:
        label = VolunteerStatus(found.status).label
        raise InvalidInput.field("volunteer", f"该志愿者状态为「{label}」，不能加入队伍")
    if not team.is_active:
        raise DomainError("该队伍已停止运行，不能加入队员")
    today = timezone.localdate()
    joined_on = joined_on or today
    if joined_on > today:
        raise InvalidInput.field("joined_on", "加入日期不能晚于今天")
    if TeamMember.objects.filter(team=team, volunteer=found, left_on__isnull=True).exists():
        raise InvalidInput.field("volunteer", "该志愿者已是本队队员")
    last = TeamMember.objects.filter(team=team, volunteer=found).order_by("-left_on").first()
    if last is not None and last.left_on and joined_on < last.left_on:
        raise InvalidInput.field(
            "joined_on", f"加入日期不能早于该志愿者上次退出本队的日期 {last.left_on:%Y-%m-%d}"
        )
    member = TeamMember.objects.create(team=team, volunteer=found, role=role, joined_on=joined_on)
    audit.record(
        Verb.TEAM_MEMBER_JOINED, actor=actor, target=member, region=team.region,
        data={"team": team.pk, "volunteer": found.number, "role": role,
              "joined_on": joined_on.isoformat()},
    )  # fmt: skip
    if found.person.user is not None:
        notify(
            found.person.user, "volunteers.team_joined",
            {"team": team.name, "leader": role == TeamRole.LEADER},
        )  # fmt: skip
    return member


def _member(team: Team, pk: Any) -> TeamMember:
    member = (
        TeamMember.objects.select_for_update()
        .select_related("volunteer__person")
        .filter(team=team, pk=pk)
        .first()
        if str(pk).isdigit()
        else None
    )
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    return member


@transaction.atomic(durable=True)
def remove_member(
    team: Team, member_pk: Any, *, actor: User | None, left_on: date | None = None, reason: str = ""
) -> TeamMember:
    """Record that a member left on ``left_on`` (today by default). A leader's leaving is the
    staff's to record."""
    team = _run(actor, team)
    member = _member(team, member_pk)
    if member.left_on is not None:
        raise DomainError(f"该队员已于 {member.left_on:%Y-%m-%d} 退出")
    if member.role == TeamRole.LEADER and not _is_staff(actor):
        raise NotPermitted(STAFF_ONLY)
    today = timezone.localdate()
    left_on = left_on or today
    if left_on > today:
        raise InvalidInput.field("left_on", "退出日期不能晚于今天")
    if left_on < member.joined_on:
        raise InvalidInput.field("left_on", f"退出日期不能早于加入日期 {member.joined_on:%Y-%m-%d}")
    reason = _text(reason)[:200]
    member.left_on = left_on
    member.save(update_fields=["left_on"])
    audit.record(
        Verb.TEAM_MEMBER_LEFT, actor=actor, target=member, region=team.region,
        data={"team": team.pk, "volunteer": member.volunteer.number,
              "left_on": left_on.isoformat(), "reason": reason},
    )  # fmt: skip
    return member


@transaction.atomic(durable=True)
def leave_team(member_pk: Any, *, actor: User, reason: str = "") -> TeamMember:
    """The volunteer leaves one of their own teams today (H5 我的队伍 → 退出队伍). A leader
    cannot leave this way: handing the team over is the staff's (``remove_member``). Someone
    else's membership is NotFound, as if missing. The team's current leaders are told."""
    member = (
        TeamMember.objects.select_for_update()
        .select_related("team", "volunteer__person")
        .filter(pk=member_pk, volunteer__person__user=actor)
        .first()
        if str(member_pk).isdigit()
        else None
    )
    if member is None:
        raise NotFound(MEMBER_NOT_FOUND)
    if member.left_on is not None:
        raise DomainError(f"您已于 {member.left_on:%Y-%m-%d} 退出该队伍")
    if member.role == TeamRole.LEADER:
        raise DomainError("您是该队伍的负责人，退出前请联系社区工作人员办理负责人交接")
    reason = _text(reason)[:200]
    member.left_on = timezone.localdate()
    member.save(update_fields=["left_on"])
    team = member.team
    audit.record(
        Verb.TEAM_LEFT_BY_SELF, actor=actor, target=member, region=team.region,
        data={"team": team.pk, "volunteer": member.volunteer.number, "reason": reason},
    )  # fmt: skip
    leaders = TeamMember.objects.filter(
        team=team, role=TeamRole.LEADER, left_on__isnull=True, volunteer__person__user__isnull=False
    ).select_related("volunteer__person__user")
    for leader in leaders:
        notify(
            leader.volunteer.person.user, "volunteers.member_left",
            {"team": team.name, "team_pk": team.pk, "number": member.volunteer.number,
             "name": member.volunteer.person.name_masked, "reason": reason},
        )  # fmt: skip
    return member


@transaction.atomic(durable=True)
def set_member_role(team: Team, member_pk: Any, *, actor: User | None, role: str) -> TeamMember:
    """Appoint a current member as a leader (负责人), or make a leader a member again: staff."""
    team = _staff_team(actor, team)
    if role not in TeamRole.values:
        raise InvalidInput.field("role", "请选择角色：队员或负责人")
    member = _member(team, member_pk)
    if member.left_on is not None:
        raise DomainError("该队员已退出，不能变更角色")
    old = member.role
    if old == role:
        return member
    member.role = role
    member.save(update_fields=["role"])
    audit.record(
        Verb.TEAM_SAVED, actor=actor, target=team,
        data={"member": member.pk, "volunteer": member.volunteer.number, "role": [old, role]},
    )  # fmt: skip
    user = member.volunteer.person.user
    if user is not None:
        notify(
            user, "volunteers.team_leader", {"team": team.name, "leader": role == TeamRole.LEADER}
        )
    return member
