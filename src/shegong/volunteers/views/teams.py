"""Team pages under /volunteers/teams/: the list with incubation counts, create/edit, and the
team page — the team's workbench: roster, members joining and leaving, leaders, incubation,
and the way to the team's activities and service records.

A team's leader (a volunteer, often without any workbench role) reaches their own team's pages
through ``access.access_team``; another team is a 404 for them, as for staff out of scope.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.volunteers.actions import teams
from shegong.volunteers.choices import Incubation, TeamRole
from shegong.volunteers.forms.people import (
    IncubationForm,
    MemberAddForm,
    MemberLeaveForm,
    TeamFilterForm,
    TeamForm,
    TeamLeaderForm,
)
from shegong.volunteers.models import Team, TeamMember
from shegong.volunteers.queries import access, statistics
from shegong.volunteers.queries import people as queries
from shegong.volunteers.views import training as training_views
from shegong.web.forms import first_error, run_action

PAGE_SIZE = 20
ROSTER_PAGE = 20  # the team page's roster; a team of hundreds is searched by number or name
FORMER_SHOWN = 100


@require_safe
def team_list(request: HttpRequest) -> HttpResponse:
    """志愿服务队伍: with "已孵化 N 支 / 孵化中 M 支" over the same filters."""
    user = request.user
    form = TeamFilterForm(request.GET or None, user=user)
    data: dict[str, Any] = {}
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
    qs = queries.teams(user, data, with_incubation=False)
    if form.is_bound and not form.is_valid():
        qs = qs.none()
    incubation = data.get("incubation") or ""
    counts = dict(
        qs.values_list("incubation").annotate(n=Count("pk")).values_list("incubation", "n")
    )
    if incubation:
        qs = qs.filter(incubation=incubation)
    qs = (
        qs.select_related("region", "organization", "parent")
        .annotate(current=Count("members", filter=Q(members__left_on__isnull=True)))
        .order_by("region_id", "name")
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "query": params.urlencode(),
        "incubated": counts.get(Incubation.INCUBATED, 0),
        "incubating": counts.get(Incubation.INCUBATING, 0),
        "total": sum(counts.values()),
        "can_manage": access.can_manage(user),
    }
    return render(request, "volunteers/team_list.html", context)


def _team_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": data["name"], "kind": data["kind"], "region": data["region"],
        "organization": data.get("organization") or None, "parent": data.get("parent") or None,
        "description": data.get("description", ""), "phone": data.get("phone", ""),
    }  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def team_new(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    if request.method in ("GET", "HEAD"):
        form = TeamForm(user=user)
        return render(request, "volunteers/team_form.html", {"form": form, "team": None})
    form = TeamForm(request.POST, user=user)
    if form.is_valid():
        team = run_action(form, teams.create_team, actor=user, **_team_values(form.cleaned_data))
        if not form.errors:
            messages.success(request, f"已建立队伍「{team.name}」")
            return redirect_after_write(request, reverse("volunteers:team", args=[team.pk]))
    return render(request, "volunteers/team_form.html", {"form": form, "team": None}, status=422)


@require_safe
def team_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The team workbench: facts, roster, incubation, trainings, links to activities and
    hours."""
    user = request.user
    team = access.access_team(user, pk)
    members = TeamMember.objects.filter(team=team).select_related("volunteer__person")
    current = members.filter(left_on__isnull=True)
    text = request.GET.get("q", "").strip()[:40]
    shown = current.filter(
        Q(volunteer__number=text) | Q(volunteer__person__name__contains=text)
    ) if text else current  # fmt: skip
    page = Paginator(shown.order_by("role", "joined_on", "pk"), ROSTER_PAGE).get_page(
        request.GET.get("page")
    )
    is_staff = access.can_manage(user) and Team.objects.visible_to(user).filter(pk=pk).exists()
    query = f"team={team.pk}"
    context = {
        "team": Team.objects.select_related("region", "organization", "parent").get(pk=team.pk),
        "page": page,
        "q": text,
        "pager_query": urlencode({"q": text}) if text else "",
        "current_count": current.count(),
        "former": list(
            members.filter(left_on__isnull=False).order_by("-left_on", "-pk")[:FORMER_SHOWN]
        ),
        "former_count": members.filter(left_on__isnull=False).count(),
        "leaders": list(current.filter(role=TeamRole.LEADER).order_by("joined_on", "pk")),
        "children": list(team.children.order_by("name")),
        "is_staff": is_staff,
        "add_form": MemberAddForm(),
        "leave_form": MemberLeaveForm(),
        "incubation_form": IncubationForm(),
        "next_states": [
            (s, Incubation(s).label) for s in sorted(teams.INCUBATION_NEXT[team.incubation])
        ],
        "leader_role": TeamRole.LEADER,
        "activities_url": reverse("volunteers:activities") + "?" + query,
        "activity_new_url": reverse("volunteers:activity_new") + "?" + query,
        "records_url": reverse("volunteers:records") + "?" + query,
        "certificates_url": reverse("volunteers:certificates") + "?" + query,
        **training_views.team_context(team),
        "year_figures": statistics.team_year(team, timezone.localdate().year),
    }
    return render(request, "volunteers/team_detail.html", context)


@require_http_methods(["GET", "HEAD", "POST"])
def team_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Staff edit everything; the team's leader its phone and description."""
    user = request.user
    team = access.access_team(user, pk)
    is_staff = access.can_manage(user) and Team.objects.visible_to(user).filter(pk=pk).exists()
    form_class = TeamForm if is_staff else TeamLeaderForm
    kwargs = {"user": user, "exclude": team} if is_staff else {}
    if request.method in ("GET", "HEAD"):
        initial = {
            "name": team.name, "kind": team.kind, "region": team.region_id,
            "organization": team.organization_id or "", "parent": team.parent_id or "",
            "description": team.description, "phone": team.phone,
        }  # fmt: skip
        form = form_class(initial=initial, **kwargs)
        return render(request, "volunteers/team_form.html", {"form": form, "team": team})
    form = form_class(request.POST, **kwargs)
    if form.is_valid():
        data = form.cleaned_data
        values = _team_values(data) if is_staff else {
            "description": data["description"], "phone": data["phone"]
        }  # fmt: skip
        run_action(form, teams.update_team, team, actor=user, **values)
        if not form.errors:
            messages.success(request, "已保存")
            return redirect_after_write(request, reverse("volunteers:team", args=[pk]))
    return render(request, "volunteers/team_form.html", {"form": form, "team": team}, status=422)


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect_after_write(request, reverse("volunteers:team", args=[pk]))


@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = access.access_team(user, pk)
    form = MemberAddForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, pk)
    data = form.cleaned_data
    try:
        member = teams.add_member(
            team, actor=user, volunteer=data["number"].strip(), role=data["role"],
            joined_on=data.get("joined_on"),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        who = member.volunteer.person.name_masked
        messages.success(request, f"{who}（{member.volunteer.number}）已加入本队")
    return _back(request, pk)


@require_POST
def member_leave(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    user = request.user
    team = access.access_team(user, pk)
    form = MemberLeaveForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, pk)
    try:
        row = teams.remove_member(
            team, member, actor=user, left_on=form.cleaned_data.get("left_on"),
            reason=form.cleaned_data.get("reason", ""),
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已登记 {row.volunteer.person.name_masked} 退出本队")
    return _back(request, pk)


@require_POST
def member_role(request: HttpRequest, pk: int, member: int) -> HttpResponse:
    user = request.user
    team = access.access_team(user, pk)
    try:
        row = teams.set_member_role(team, member, actor=user, role=request.POST.get("role", ""))
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, f"{row.volunteer.person.name_masked} 现为{row.get_role_display()}"
        )
    return _back(request, pk)


@require_POST
def incubation(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    team = access.access_team(user, pk)
    form = IncubationForm(request.POST)
    if not form.is_valid():
        messages.error(request, first_error(form))
        return _back(request, pk)
    try:
        changed = teams.change_incubation(
            team, actor=user, state=form.cleaned_data["state"], on=form.cleaned_data.get("on")
        )
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"孵化状态已变更为「{changed.get_incubation_display()}」")
    return _back(request, pk)
