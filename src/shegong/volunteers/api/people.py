"""/api/v1/volunteers: volunteers (list, create by staff, detail, the caller's own profile),
teams and professional social workers. Mounted in shegong.core.api.

Thin adapters: check the permission, find the object with an ``access`` helper (another
street's volunteer or team is a 404, the same as a missing one), call one action. Names, phones
and ID numbers are always masked; a volunteer is named to the outside by their number.

This module uses ``@idempotent`` and so must not use ``from __future__ import annotations``.
"""

from typing import Any

from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest
from ninja import Query, Router
from ninja.pagination import paginate
from ninja.responses import Status

from shegong.core.errors import NotFound
from shegong.core.idempotency import idempotent
from shegong.core.perms import Perm, require_perm
from shegong.core.schemas import PagePagination, problem_responses
from shegong.volunteers.actions import registration
from shegong.volunteers.choices import (
    AwardLevel,
    Incubation,
    Qualification,
    TeamKind,
    VolunteerStatus,
)
from shegong.volunteers.models import (
    GuidanceLog,
    Pairing,
    SocialWorker,
    Stationing,
    TeamMember,
    Volunteer,
    VolunteerSkill,
)
from shegong.volunteers.queries import access
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.queries import people as queries
from shegong.volunteers.queries import socialwork as socialwork_queries
from shegong.volunteers.queries import training as training_queries
from shegong.volunteers.schemas.people import (
    SocialWorkerFilter,
    SocialWorkerOut,
    TeamDetail,
    TeamFilter,
    TeamOut,
    VolunteerCreate,
    VolunteerDetail,
    VolunteerFilter,
    VolunteerOut,
    VolunteerRecordOut,
)

router = Router()
ERRORS = problem_responses(400, 401, 403, 404, 409, 422, 429)
NOT_A_VOLUNTEER = "您还没有注册为志愿者"
RECORD_LIMIT = 100


# --- building the answers ---------------------------------------------------------------------


def _skill_rows() -> Prefetch:
    return Prefetch("skill_rows", VolunteerSkill.objects.select_related("skill"))


def volunteer_out(v: Volunteer) -> dict[str, Any]:
    minor = registration.is_minor(v)
    return {
        "id": v.pk, "number": v.number, "name": v.person.name_masked, "sex": v.person.sex,
        "age": registration.age_of(v), "phone": v.person.phone_masked, "region": v.region_id,
        "region_name": v.region.name, "status": v.status,
        "status_label": VolunteerStatus(v.status).label, "star": v.star, "hours": float(v.hours),
        "skills": [
            {"code": r.skill.code, "name": r.skill.name, "certificate_name": r.certificate_name}
            for r in v.skill_rows.all()
        ],
        "availability": v.availability or {}, "registered_at": v.created_at,
        "guardian_consent": (v.guardian_consent_at is not None) if minor else None,
        "sign_up_block": registration.sign_up_block(v),
    }  # fmt: skip


def volunteer_detail(v: Volunteer) -> dict[str, Any]:
    memberships = v.memberships.select_related("team").order_by("left_on", "-joined_on")
    return {
        **volunteer_out(v), "id_number": v.person.id_number_masked,
        "consent_version": v.consent_version,
        "teams": [
            {"team_id": m.team_id, "team_name": m.team.name, "role": m.role,
             "joined_on": m.joined_on, "left_on": m.left_on}
            for m in memberships
        ],
    }  # fmt: skip


def _volunteer(pk: int) -> Volunteer:
    return (
        Volunteer.objects.select_related("person", "region")
        .prefetch_related(_skill_rows())
        .get(pk=pk)
    )


def team_out(t: Any) -> dict[str, Any]:
    return {
        "id": t.pk, "name": t.name, "kind": t.kind, "kind_label": TeamKind(t.kind).label,
        "region": t.region_id, "region_name": t.region.name,
        "organization": t.organization.name if t.organization_id else None,
        "parent_id": t.parent_id, "incubation": t.incubation,
        "incubation_label": Incubation(t.incubation).label,
        "incubation_started_on": t.incubation_started_on, "incubated_on": t.incubated_on,
        "members": getattr(t, "current", 0), "is_active": t.is_active,
    }  # fmt: skip


def _period(row: Any) -> dict[str, Any]:
    return {
        "id": row.pk, "region": row.region_id, "region_name": row.region.name,
        "starts_on": row.starts_on, "ends_on": row.ends_on,
    }  # fmt: skip


def social_worker_out(sw: SocialWorker) -> dict[str, Any]:
    return {
        "id": sw.pk, "name": sw.person.name_masked, "qualification": sw.qualification,
        "qualification_label": Qualification(sw.qualification).label,
        "certificate_number": sw.certificate_number,
        "employer": sw.employer.name if sw.employer_id else None, "region": sw.region_id,
        "region_name": sw.region.name,
        "stationings": [_period(s) for s in sw.now_stationings],
        "pairings": [
            {**_period(p), "logs": [
                {"id": g.pk, "on": g.on, "mode": g.mode, "topic": g.topic} for g in p.logs.all()
            ]}
            for p in sw.now_pairings
        ],
    }  # fmt: skip


# --- volunteers -------------------------------------------------------------------------------


@router.get(
    "",
    response={200: list[VolunteerOut], **ERRORS},
    summary="志愿者列表（脱敏）",
    operation_id="volunteers_list",
)
@paginate(PagePagination)
def list_volunteers(request: HttpRequest, filters: Query[VolunteerFilter]) -> Any:
    """本人工作范围内的志愿者，可按区划（含下级）、技能、状态、星级、队伍、姓名或编号筛选。
    姓名、手机号脱敏；身份证号不出现在列表中。"""
    require_perm(request.auth, Perm.VOLUNTEERS_VIEW)
    qs = (
        queries.volunteers(request.auth, filters.dict())
        .select_related("person", "region")
        .prefetch_related(_skill_rows())
        .order_by("-created_at", "-pk")
    )
    return _Mapped(qs, volunteer_out)


@router.post(
    "",
    response={201: VolunteerDetail, **ERRORS},
    summary="登记志愿者（工作人员代登记）",
    operation_id="volunteers_create",
)
@idempotent
def create_volunteer(request: HttpRequest, payload: VolunteerCreate) -> Any:
    """为本人工作范围内的居民登记志愿者：身份证号按 GB 11643 校验，年龄由身份证号按当地日期
    计算；未满最低年龄（SHEGONG_VOLUNTEER_MIN_AGE，默认14周岁）的不予登记（422）；最低年龄设得
    低于14周岁时，未满14周岁的须同时登记监护人并确认监护人同意（`guardian` +
    `guardian_consent`）。`consent` 须为 true（已告知本人并取得同意）。
    同一身份证号只能登记一次。支持 Idempotency-Key。"""
    volunteer = registration.register_volunteer(
        actor=request.auth, name=payload.name, id_number=payload.id_number, phone=payload.phone,
        region=payload.region, skills=[s.dict() for s in payload.skills],
        availability=payload.availability, consent=payload.consent, self_service=False,
        guardian=payload.guardian.dict() if payload.guardian else None,
        guardian_consent=payload.guardian_consent,
    )  # fmt: skip
    return Status(201, volunteer_detail(_volunteer(volunteer.pk)))


@router.get(
    "/me",
    response={200: VolunteerDetail, **ERRORS},
    summary="我的志愿者档案（本人）",
    operation_id="volunteers_me",
)
def me(request: HttpRequest) -> Any:
    """调用者本人的志愿者档案（脱敏）、队伍、星级、累计时长，以及暂不能报名的原因。未注册为志愿者
    时返回 404。"""
    volunteer = access.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound(NOT_A_VOLUNTEER)
    return volunteer_detail(_volunteer(volunteer.pk))


@router.get(
    "/me/record",
    response={200: VolunteerRecordOut, **ERRORS},
    summary="我的培训、表彰与评价（本人）",
    operation_id="volunteers_me_record",
)
def me_record(request: HttpRequest) -> Any:
    """调用者本人志愿服务记录中的培训情况（参加的培训、次数与总时长；培训时长不计入服务时长）
    、表彰奖励情况（含已撤销的记录及撤销原因）和评价情况（各评价等级的次数）。未注册为志愿者时返回
    404。"""
    volunteer = access.volunteer_of(request.auth)
    if volunteer is None:
        raise NotFound(NOT_A_VOLUNTEER)
    count, hours = training_queries.totals_of(volunteer)
    trainings = training_queries.of_volunteer(volunteer)[:RECORD_LIMIT]
    awards = volunteer.awards.select_related("team").order_by("-awarded_on", "-pk")
    return {
        "training_count": count, "training_hours": float(hours),
        "evaluations": hours_queries.evaluations_of(volunteer),
        "trainings": [
            {"id": t.pk, "title": t.title, "held_on": t.held_on, "hours": float(t.hours),
             "trainer": t.trainer, "team_id": t.team_id, "team_name": t.team.name}
            for t in trainings
        ],
        "awards": [
            {"id": a.pk, "title": a.title, "level": a.level,
             "level_label": AwardLevel(a.level).label, "awarded_by": a.awarded_by,
             "awarded_on": a.awarded_on, "note": a.note,
             "team_name": a.team.name if a.team_id else None,
             "revoked": a.revoked_at is not None, "revoked_at": a.revoked_at,
             "revoked_reason": a.revoked_reason}
            for a in awards[:RECORD_LIMIT]
        ],
    }  # fmt: skip


@router.get(
    "/{int:volunteer_id}",
    response={200: VolunteerDetail, **ERRORS},
    summary="志愿者详情（脱敏）",
    operation_id="volunteers_detail",
)
def volunteer_detail_op(request: HttpRequest, volunteer_id: int) -> Any:
    """本人工作范围内的志愿者；其他区划的志愿者与不存在的一样返回 404。"""
    volunteer = access.access_volunteer(request.auth, volunteer_id)
    return volunteer_detail(_volunteer(volunteer.pk))


# --- teams ------------------------------------------------------------------------------------


@router.get(
    "/teams",
    response={200: list[TeamOut], **ERRORS},
    summary="志愿服务队伍列表",
    operation_id="volunteers_teams_list",
)
@paginate(PagePagination)
def list_teams(request: HttpRequest, filters: Query[TeamFilter]) -> Any:
    """本人工作范围内的队伍和本人担任负责人的队伍，可按区划、类型、孵化状态、名称筛选；
    `incubation=incubated` 即"已孵化"的队伍，返回的 `count` 就是支数。"""
    qs = (
        queries.teams(request.auth, filters.dict())
        .select_related("region", "organization")
        .annotate(current=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("region_id", "name")
    )
    return _Mapped(qs, team_out)


@router.get(
    "/teams/{team_id}",
    response={200: TeamDetail, **ERRORS},
    summary="队伍详情与名册（脱敏）",
    operation_id="volunteers_teams_detail",
)
def team_detail(request: HttpRequest, team_id: int) -> Any:
    """本人工作范围内（志愿服务管理权限）或本人担任负责人的队伍；其他队伍返回 404。"""
    team = access.access_team(request.auth, team_id)
    roster = (
        TeamMember.objects.filter(team=team, left_on__isnull=True)
        .select_related("volunteer__person")
        .order_by("role", "joined_on", "pk")
    )
    team.current = len(roster)
    return {
        **team_out(team), "description": team.description, "phone": team.phone,
        "roster": [
            {"id": m.volunteer_id, "number": m.volunteer.number,
             "name": m.volunteer.person.name_masked, "role": m.role, "joined_on": m.joined_on,
             "star": m.volunteer.star, "hours": float(m.volunteer.hours)}
            for m in roster
        ],
    }  # fmt: skip


# --- social workers ---------------------------------------------------------------------------


@router.get(
    "/social-workers",
    response={200: list[SocialWorkerOut], **ERRORS},
    summary="专业社工列表（脱敏）",
    operation_id="volunteers_social_workers_list",
)
@paginate(PagePagination)
def list_social_workers(request: HttpRequest, filters: Query[SocialWorkerFilter]) -> Any:
    """本人工作范围内的专业社工（社工本人可看到自己的记录），含当前驻点、当前结对及指导记录；
    可按职业资格、驻点社区、是否驻点中、姓名筛选。"""
    user = request.auth
    if socialwork_queries.own_social_worker(user) is None:
        require_perm(user, Perm.VOLUNTEERS_VIEW)
    stationings = socialwork_queries.current(Stationing.objects.select_related("region"))
    pairings = socialwork_queries.current(
        Pairing.objects.select_related("region").prefetch_related(
            Prefetch("logs", GuidanceLog.objects.order_by("-on", "-pk"))
        )
    )
    qs = (
        queries.social_workers(user, filters.dict())
        .select_related("person", "employer", "region")
        .prefetch_related(
            Prefetch("stationings", stationings, to_attr="now_stationings"),
            Prefetch("pairings", pairings, to_attr="now_pairings"),
        )
        .order_by("region_id", "pk")
    )
    return _Mapped(qs, social_worker_out)


# --- a queryset the paginator slices, each row shaped by a function --------------------------


class _Mapped:
    """Lets ``PagePagination`` count and slice a QuerySet while each row of the page is turned
    into the answer's dict (masking and derived fields live in one function)."""

    def __init__(self, qs: Any, shape: Any) -> None:
        self.qs, self.shape = qs, shape

    def count(self) -> int:
        return self.qs.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: Any) -> Any:
        rows = self.qs[item]
        return [self.shape(row) for row in rows] if isinstance(item, slice) else self.shape(rows)
