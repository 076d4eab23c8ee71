"""Volunteer pages: the staff list, export, registration, detail, profile, status and guardian
consent under /volunteers/; the skills taxonomy under /volunteers/skills/; and the volunteer's
own H5 pages under /m/volunteer/ (home, register, edit).

Thin adapters (STYLE.md rule 11): check the permission, find the volunteer among those the
caller may see (``access.access_volunteer``: another street's volunteer is the same 404 as a
missing one), parse the form, call ONE action. Names, phones and ID numbers are shown masked
everywhere here, the export included.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_id_number, mask_name, mask_phone
from shegong.regions.choices import PREFIX_LENGTH, Level
from shegong.regions.queries import h5_region_groups
from shegong.volunteers import consent
from shegong.volunteers.actions import registration, skills, teams
from shegong.volunteers.choices import TeamRole, VolunteerStatus
from shegong.volunteers.forms.people import (
    GuardianForm,
    SkillAddForm,
    StatusForm,
    VolunteerFilterForm,
    VolunteerProfileForm,
    VolunteerRegisterForm,
    availability_from_post,
    availability_grid,
    selected_from_post,
    selected_from_volunteer,
    skill_options,
    skills_from_post,
)
from shegong.volunteers.models import Skill, Team, TeamMember, Volunteer, VolunteerSkill
from shegong.volunteers.queries import access
from shegong.volunteers.queries import people as queries
from shegong.volunteers.queries import star_awards as star_award_queries
from shegong.volunteers.stars import eligibility as star_eligibility
from shegong.volunteers.views import training as training_views
from shegong.web.exports import audited_xlsx
from shegong.web.forms import add_domain_error, run_action

PAGE_SIZE = 20


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _skills_of(volunteer: Volunteer) -> list[VolunteerSkill]:
    return list(volunteer.skill_rows.select_related("skill").order_by("skill__order"))


# --- the staff list and export ----------------------------------------------------------------


def _filter_form(request: HttpRequest) -> VolunteerFilterForm:
    user = request.user
    return VolunteerFilterForm(request.GET or None, user=user, teams=Team.objects.visible_to(user))


def _filtered(user: Any, form: VolunteerFilterForm) -> QuerySet:
    if not form.is_bound:
        return Volunteer.objects.visible_to(user)
    if not form.is_valid():
        return Volunteer.objects.none()
    return queries.volunteers(user, form.cleaned_data)


@require_safe
def volunteer_list(request: HttpRequest) -> HttpResponse:
    """志愿者: the volunteers in scope, masked, filtered."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_VIEW)
    form = _filter_form(request)
    qs = (
        _filtered(user, form)
        .select_related("person", "region")
        .prefetch_related(
            Prefetch("skill_rows", queryset=VolunteerSkill.objects.select_related("skill"))
        )
        .order_by("-created_at", "-pk")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = dict(
        Volunteer.objects.visible_to(user)
        .values_list("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "can_manage": access.can_manage(user),
        "counts": [(s.label, counts.get(s.value, 0)) for s in VolunteerStatus],
        "total": sum(counts.values()),
    }
    return render(request, "volunteers/people_list.html", context)


EXPORT_COLUMNS = [
    excel.Column("志愿者编号", 16), excel.Column("姓名", 10), excel.Column("性别", 6),
    excel.Column("年龄", 6), excel.Column("手机号", 14), excel.Column("身份证号", 20),
    excel.Column("服务区域", 16), excel.Column("区划代码", 16), excel.Column("技能", 28),
    excel.Column("状态", 10), excel.Column("星级", 6), excel.Column("累计确认时长（小时）", 12),
    excel.Column("所在队伍", 28), excel.Column("注册时间", 18), excel.Column("告知书版本", 10),
    excel.Column("监护人同意", 12),
]  # fmt: skip


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, masked, as a streaming xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_VIEW)
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        messages.error(request, "筛选条件有误，未导出")
        return redirect_after_write(request, reverse("volunteers:list"))
    qs = (
        _filtered(user, form)
        .select_related("person", "region")
        .prefetch_related(
            Prefetch("skill_rows", queryset=VolunteerSkill.objects.select_related("skill")),
            Prefetch(
                "memberships",
                queryset=TeamMember.objects.filter(left_on__isnull=True).select_related("team"),
                to_attr="current_memberships",
            ),
        )
        .order_by("-created_at", "-pk")
    )
    statuses = dict(VolunteerStatus.choices)

    def rows() -> Iterator[list[Any]]:
        for v in qs.iterator(chunk_size=500):
            p = v.person
            minor = registration.is_minor(v)
            yield [
                v.number, mask_name(p.name), p.get_sex_display(), registration.age_of(v),
                mask_phone(p.phone), mask_id_number(p.id_number), v.region.name, v.region_id,
                "、".join(r.skill.name for r in v.skill_rows.all()),
                statuses.get(v.status, v.status), v.star, float(v.hours),
                "、".join(m.team.name for m in v.current_memberships),
                timezone.localtime(v.created_at).strftime("%Y-%m-%d %H:%M"), v.consent_version,
                ("已同意" if v.guardian_consent_at else "未登记") if minor else "",
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.VOLUNTEERS_EXPORTED, table="volunteers", title="志愿者",
        columns=EXPORT_COLUMNS, rows=rows(), masked=True,
        filters=form.cleaned_data if form.is_bound else None,
    )  # fmt: skip


# --- staff: register, detail, edit, status, guardian ------------------------------------------


def _picker_context(selected: dict[str, tuple[str, str]], availability: Any) -> dict[str, Any]:
    return {
        "skill_options": skill_options(selected),
        "availability": availability_grid(availability),
    }


def _register_context(form: VolunteerRegisterForm, post: Any = None) -> dict[str, Any]:
    selected = selected_from_post(post) if post is not None else {}
    avail = availability_from_post(post) if post is not None else []
    return {
        "form": form, "volunteer": None, "consent_version": consent.CONSENT_VERSION,
        "min_age": consent.min_age(),
        **_picker_context(selected, avail),
    }  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """登记志愿者 (by staff)."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    if request.method in ("GET", "HEAD"):
        form = VolunteerRegisterForm(user=user)
        return render(request, "volunteers/people_form.html", _register_context(form))
    form = VolunteerRegisterForm(request.POST, user=user)
    if form.is_valid():
        data = form.cleaned_data
        guardian = {
            "name": data["guardian_name"], "phone": data["guardian_phone"],
            "relation": data["guardian_relation"],
        }  # fmt: skip
        volunteer = run_action(
            form, registration.register_volunteer,
            actor=user, name=data["name"], id_number=data["id_number"], phone=data["phone"],
            region=data["region"], skills=skills_from_post(request.POST),
            availability=availability_from_post(request.POST), consent=data["consent"],
            self_service=False, guardian=guardian,
            guardian_consent=data["guardian_consent"],
        )  # fmt: skip
        if not form.errors:
            messages.success(
                request, f"已登记志愿者：{volunteer.person.name_masked}（编号 {volunteer.number}）"
            )
            return redirect_after_write(
                request, reverse("volunteers:volunteer", args=[volunteer.pk])
            )
    context = _register_context(form, request.POST)
    return render(request, "volunteers/people_form.html", context, status=422)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = access.access_volunteer(user, pk)
    memberships = list(
        volunteer.memberships.select_related("team", "team__region").order_by(
            "left_on", "-joined_on"
        )
    )
    can_manage = access.can_manage(user)
    context = {
        "volunteer": volunteer,
        "age": registration.age_of(volunteer),
        "minor": registration.is_minor(volunteer),
        "signup_block": registration.sign_up_block(volunteer, for_self=False),
        "skills": _skills_of(volunteer),
        "availability": registration.describe_availability(volunteer.availability),
        "memberships": memberships,
        "can_manage": can_manage,
        "can_ledger": user.has_perm_in_scope(Perm.LEDGER_VIEW),
        "status_form": StatusForm(initial={"status": volunteer.status}) if can_manage else None,
        # Empty on purpose: staff type what the guardian confirms; the page never prints the
        # guardian's phone number.
        "guardian_form": GuardianForm() if can_manage else None,
        "records_url": reverse("volunteers:records") + f"?number={volunteer.number}",
        "stars": range(volunteer.star),
        # 星级认定: the awarded star, what is within reach, the open application.
        "eligibility": star_eligibility(volunteer),
        "open_award": star_award_queries.open_award(volunteer),
        # 培训情况 and 表彰奖励情况 of the volunteer's record, and the award form if allowed.
        **training_views.staff_record_context(user, volunteer),
    }
    return render(request, "volunteers/people_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Service area, skills (with certificates) and availability, by staff."""
    user = request.user
    volunteer = access.managed_volunteer(user, pk)
    if request.method in ("GET", "HEAD"):
        form = VolunteerProfileForm(initial={"region": volunteer.region_id}, user=user)
        context = {
            "form": form, "volunteer": volunteer,
            **_picker_context(selected_from_volunteer(volunteer), volunteer.availability),
        }  # fmt: skip
        return render(request, "volunteers/people_form.html", context)
    form = VolunteerProfileForm(request.POST, user=user)
    if form.is_valid():
        run_action(
            form, registration.update_volunteer,
            volunteer, actor=user, region=form.cleaned_data["region"],
            skills=skills_from_post(request.POST),
            availability=availability_from_post(request.POST),
        )  # fmt: skip
        if not form.errors:
            messages.success(request, "已保存")
            return redirect_after_write(request, reverse("volunteers:volunteer", args=[pk]))
    context = {
        "form": form, "volunteer": volunteer,
        **_picker_context(selected_from_post(request.POST), availability_from_post(request.POST)),
    }  # fmt: skip
    return render(request, "volunteers/people_form.html", context, status=422)


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    volunteer = access.managed_volunteer(user, pk)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            registration.change_status(
                volunteer, actor=user, status=form.cleaned_data["status"],
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.detail)
            return redirect_after_write(request, reverse("volunteers:volunteer", args=[pk]))
        messages.success(
            request, f"状态已变更为「{VolunteerStatus(form.cleaned_data['status']).label}」"
        )
    else:
        messages.error(request, "请选择状态")
    return redirect_after_write(request, reverse("volunteers:volunteer", args=[pk]))


@require_POST
def guardian(request: HttpRequest, pk: int) -> HttpResponse:
    """登记监护人同意 for a minor volunteer."""
    user = request.user
    volunteer = access.managed_volunteer(user, pk)
    form = GuardianForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            registration.record_guardian_consent(
                volunteer, actor=user, name=data["name"], phone=data["phone"],
                relation=data["relation"],
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, "已登记监护人同意，该志愿者现在可以报名活动")
    else:
        messages.error(request, "请填写监护人姓名、手机号和关系")
    return redirect_after_write(request, reverse("volunteers:volunteer", args=[pk]))


# --- the skills taxonomy ----------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def skill_config(request: HttpRequest) -> HttpResponse:
    """技能目录: add, rename, (de)activate, reorder — one page; each row posts its own form."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    add_form = SkillAddForm()
    status = 200
    if request.method == "POST":
        op = request.POST.get("op", "")
        try:
            if op == "add":
                add_form = SkillAddForm(request.POST)
                if add_form.is_valid():
                    skill = skills.add_skill(
                        actor=user, name=add_form.cleaned_data["name"],
                        needs_certificate=add_form.cleaned_data["needs_certificate"],
                    )  # fmt: skip
                    messages.success(request, f"已添加技能「{skill.name}」")
                    return redirect_after_write(request, reverse("volunteers:skills"))
                status = 422
            elif op == "save":
                skill = skills.save_skill(
                    request.POST.get("skill"), actor=user, name=request.POST.get("name", ""),
                    needs_certificate=bool(request.POST.get("needs_certificate")),
                    is_active=bool(request.POST.get("is_active")),
                )  # fmt: skip
                messages.success(request, f"已保存技能「{skill.name}」")
                return redirect_after_write(request, reverse("volunteers:skills"))
            elif op in {"up", "down"}:
                skills.move_skill(request.POST.get("skill"), actor=user, direction=op)
                return redirect_after_write(request, reverse("volunteers:skills"))
            else:
                messages.error(request, "未知操作")
                status = 400
        except DomainError as exc:
            if op == "add":
                add_domain_error(add_form, exc)
            else:
                messages.error(request, exc.detail)
            status = exc.status
    rows = list(Skill.objects.order_by("order", "code"))
    counts = dict(
        VolunteerSkill.objects.filter(volunteer__in=Volunteer.objects.visible_to(user).values("pk"))
        .values_list("skill_id")
        .annotate(n=Count("pk"))
        .values_list("skill_id", "n")
    )
    for row in rows:
        row.volunteer_count = counts.get(row.pk, 0)
    context = {
        "skills": rows,
        "add_form": add_form,
        "may_configure": access.may_configure(user),
        "not_district": skills.NOT_DISTRICT,
    }
    return render(request, "volunteers/people_skills.html", context, status=status)


# --- H5: the volunteer's own pages -------------------------------------------------------------


def _default_region(user: Any) -> str:
    membership = user.active_membership
    if membership is None:
        return ""
    region = membership.region
    if region.level == Level.GRID:
        return region.code[: PREFIX_LENGTH[Level.COMMUNITY]].ljust(12, "0")
    return region.code if region.level in (Level.STREET, Level.COMMUNITY) else ""


M_FIELDS = ["name", "id_number", "phone", "region", "consent", "guardian_name",
            "guardian_phone", "guardian_relation"]  # fmt: skip
M_ERROR_FIELDS = {*M_FIELDS, "skills", "availability"}


def _errors(exc: DomainError) -> dict[str, str]:
    errors: dict[str, str] = {}
    for e in exc.errors:
        if e.get("field") in M_ERROR_FIELDS and e["field"] not in errors:
            errors[e["field"]] = e["message"]
    if not errors:
        errors["top"] = exc.detail
    return errors


def _m_register_render(
    request: HttpRequest, values: dict[str, Any], errors: dict[str, str], *, status: int = 200
) -> HttpResponse:
    post = request.POST if request.method == "POST" else None
    context = {
        "values": values,
        "errors": errors,
        "regions": h5_region_groups(request.user),
        "consent_title": consent.CONSENT_TITLE,
        "consent_summary": consent.CONSENT_SUMMARY,
        "consent_sections": consent.consent_sections(),
        "consent_version": consent.CONSENT_VERSION,
        "min_age": consent.min_age(),
        **_picker_context(
            selected_from_post(post) if post is not None else {},
            availability_from_post(post) if post is not None else [],
        ),
    }
    return render(request, "volunteers/m_volunteer_register.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_register(request: HttpRequest) -> HttpResponse:
    """志愿者注册 (H5): the volunteer registers themself and agrees to the notice."""
    user = request.user
    if access.volunteer_of(user) is not None:
        messages.info(request, "您已注册为志愿者")
        return redirect("volunteers_m:home")
    if request.method in ("GET", "HEAD"):
        values = {"name": user.name, "phone": user.phone, "region": _default_region(user)}
        return _m_register_render(request, values, {})
    post = request.POST
    values = {name: post.get(name, "").strip() for name in M_FIELDS}
    try:
        registration.register_volunteer(
            actor=user, name=values["name"], id_number=values["id_number"],
            phone=values["phone"], region=values["region"], skills=skills_from_post(post),
            availability=availability_from_post(post), consent=bool(values["consent"]),
            self_service=True,
            guardian={
                "name": values["guardian_name"], "phone": values["guardian_phone"],
                "relation": values["guardian_relation"],
            },
        )  # fmt: skip
    except DomainError as exc:
        return _m_register_render(request, values, _errors(exc), status=exc.status)
    messages.success(request, "注册成功，欢迎加入志愿服务")
    return redirect("volunteers_m:home")


@require_safe
def m_home(request: HttpRequest) -> HttpResponse:
    """我的志愿服务 (H5): number, star, approved hours, teams, and the way to activities."""
    volunteer = access.volunteer_of(request.user)
    if volunteer is None:
        return redirect("volunteers_m:register")
    return _render_m_home(request, volunteer)


@require_POST
def m_team_leave(request: HttpRequest, pk: int) -> HttpResponse:
    """退出队伍 (H5): the volunteer leaves one of their own teams (the page asks first)."""
    try:
        # Someone else's membership (or no volunteer profile at all) is NotFound: 404.
        member = teams.leave_team(pk, actor=request.user, reason=request.POST.get("reason", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_m_home(request, access.my_volunteer(request.user), status=exc.status)
    messages.success(request, f"您已退出「{member.team.name}」")
    return redirect_after_write(request, reverse("volunteers_m:home"))


# What the volunteer's own status buttons say after the change (H5 服务状态).
STATUS_DONE = {
    VolunteerStatus.ACTIVE: "已恢复志愿服务",
    VolunteerStatus.PAUSED: "已暂停志愿服务，恢复前不能报名活动",
    VolunteerStatus.LEFT: "您已退出志愿服务",
}


@require_POST
def m_status(request: HttpRequest) -> HttpResponse:
    """暂停、恢复或退出志愿服务 (H5): the volunteer changes their own status (the page asks
    before leaving). Leaving ends their team memberships; hours and certificates stay."""
    volunteer = access.my_volunteer(request.user)
    status = request.POST.get("status", "")
    try:
        registration.change_status(
            volunteer, actor=request.user, status=status, reason=request.POST.get("reason", "")
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_m_home(request, volunteer, status=exc.status)
    messages.success(request, STATUS_DONE[VolunteerStatus(status)])
    return redirect_after_write(request, reverse("volunteers_m:home"))


# --- the separate consent to the check-in location (PIPL art. 29) ----------------------------


def _next_or(request: HttpRequest, fallback: str) -> str:
    """Where to go after the consent page: a local path only (the check-in page sends its own)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_http_methods(["GET", "HEAD", "POST"])
def m_location_consent(request: HttpRequest) -> HttpResponse:
    """签到位置信息 (H5): the separate notice on the check-in location, with the volunteer's own
    consent; POST ``action=give`` agrees, ``action=withdraw`` withdraws (the home page links here,
    the check-in page asks here). Only the volunteer themself: no profile, no page (404)."""
    volunteer = access.my_volunteer(request.user)
    home = reverse("volunteers_m:home")
    error, status = "", 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "give":
                registration.give_location_consent(volunteer, actor=request.user)
                messages.success(request, "已同意签到、签退时使用位置信息，可随时撤回")
            elif action == "withdraw":
                registration.withdraw_location_consent(volunteer, actor=request.user)
                messages.success(request, "已撤回：签到、签退不再读取您的位置")
            else:
                raise InvalidInput.field("action", "请选择同意或撤回")
        except DomainError as exc:
            error, status = exc.detail, exc.status
            volunteer.refresh_from_db()
        else:
            return redirect_after_write(request, _next_or(request, home))
    context = {
        "volunteer": volunteer,
        "given": registration.has_location_consent(volunteer),
        "title": consent.LOCATION_CONSENT_TITLE,
        "summary": consent.LOCATION_CONSENT_SUMMARY,
        "sections": consent.LOCATION_CONSENT_SECTIONS,
        "version": consent.LOCATION_CONSENT_VERSION,
        "next": _next_or(request, home),
        "error": error,
    }
    return render(request, "volunteers/m_location_consent.html", context, status=status)


def _render_m_home(
    request: HttpRequest, volunteer: Volunteer, *, status: int = 200
) -> HttpResponse:
    memberships = list(
        volunteer.memberships.filter(left_on__isnull=True)
        .select_related("team")
        .order_by("team__name")
    )
    context = {
        "volunteer": volunteer,
        "stars": range(volunteer.star),
        "eligibility": star_eligibility(volunteer),
        "open_award": star_award_queries.open_award(volunteer),
        "star_awards": list(star_award_queries.mine(volunteer).filter(legacy=False)[:3]),
        "signup_block": registration.sign_up_block(volunteer),
        "minor": registration.is_minor(volunteer),
        "skills": _skills_of(volunteer),
        "availability": registration.describe_availability(volunteer.availability),
        "memberships": memberships,
        "leader_role": TeamRole.LEADER,
        "statuses": VolunteerStatus,
        "activities_url": reverse("volunteers_m:activities"),
        "my_activities_url": reverse("volunteers_m:my_activities"),
        "hours_url": reverse("volunteers_m:hours"),
        "location_consent": registration.has_location_consent(volunteer),
    }
    return render(request, "volunteers/m_volunteer_home.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def m_edit(request: HttpRequest) -> HttpResponse:
    """修改技能和可服务时间 (H5)."""
    user = request.user
    volunteer = access.volunteer_of(user)
    if volunteer is None:
        return redirect("volunteers_m:register")
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        post = request.POST
        try:
            registration.update_volunteer(
                volunteer, actor=user, skills=skills_from_post(post),
                availability=availability_from_post(post), region=post.get("region", ""),
            )  # fmt: skip
        except DomainError as exc:
            errors, status = _errors(exc), exc.status
        else:
            messages.success(request, "已保存")
            return redirect("volunteers_m:home")
        selected, avail, region = (
            selected_from_post(post),
            availability_from_post(post),
            post.get("region", ""),
        )
    else:
        selected, avail = selected_from_volunteer(volunteer), volunteer.availability
        region = volunteer.region_id
    context = {
        "volunteer": volunteer,
        "errors": errors,
        "values": {"region": region},
        "regions": h5_region_groups(user),
        **_picker_context(selected, avail),
    }
    return render(request, "volunteers/m_volunteer_edit.html", context, status=status)
