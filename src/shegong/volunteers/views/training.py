"""Training and award pages of the staff workbench (/volunteers/): record a team's training with
its trainees' numbers, the training's page (roster, add, remove), and an award recorded or
revoked from the volunteer's page. Also the context the team page, the volunteer page and the
H5 hours page show of a volunteer's 培训情况 and 表彰奖励情况.

Thin adapters (STYLE.md rule 11): find the object through its access helper (another street's
team, training, volunteer or award is the same 404 as a missing one), parse the form, call ONE
action of ``training`` or ``awards``.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.volunteers.actions import awards, training
from shegong.volunteers.choices import Evaluation
from shegong.volunteers.forms.training import AwardForm, AwardRevokeForm, TraineesForm, TrainingForm
from shegong.volunteers.models import Team, TrainingAttendance, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries import awards as award_queries
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.queries import training as training_queries
from shegong.web.forms import run_action

TEAM_TRAININGS_SHOWN = 10
TRAININGS_PAGE = 20
RECORD_ROWS_SHOWN = 50


# --- context for the team, volunteer and H5 pages ---------------------------------------------


def team_context(team: Team) -> dict[str, Any]:
    """The team page's 培训记录 card: the latest trainings and how many there are."""
    trainings = training_queries.of_team(team)
    return {
        "trainings": list(trainings[:TEAM_TRAININGS_SHOWN]),
        "trainings_total": trainings.count(),
        "training_new_url": reverse("volunteers:training_new", args=[team.pk]),
    }


def record_context(volunteer: Volunteer) -> dict[str, Any]:
    """A volunteer's 培训与表彰: trainings attended with the totals, and every award (revoked
    ones too, shown struck through)."""
    count, hours = training_queries.totals_of(volunteer)
    rated = hours_queries.evaluations_of(volunteer)
    return {
        "evaluations": [(label, rated[code]) for code, label in Evaluation.choices],
        "trained": list(training_queries.of_volunteer(volunteer)[:RECORD_ROWS_SHOWN]),
        "trained_count": count,
        "trained_hours": hours,
        "awards": list(
            volunteer.awards.select_related("team").order_by("-awarded_on", "-pk")[
                :RECORD_ROWS_SHOWN
            ]
        ),
    }


def staff_record_context(user: Any, volunteer: Volunteer) -> dict[str, Any]:
    """``record_context`` plus what the staff member may do: the award form (if allowed) and
    which awards they may revoke."""
    teams = award_queries.teams_for(user, volunteer)
    without_team = award_queries.can_record_without_team(user, volunteer)
    return {
        **record_context(volunteer),
        "award_form": AwardForm(teams=teams, without_team=without_team)
        if teams or without_team
        else None,
        "revocable": set(
            award_queries.awards_writable_by(user)
            .filter(volunteer=volunteer, revoked_at__isnull=True)
            .values_list("pk", flat=True)
        ),
        "revoke_form": AwardRevokeForm(),
    }


# --- trainings --------------------------------------------------------------------------------


def _training_values(data: dict[str, Any]) -> dict[str, Any]:
    return {
        "title": data["title"], "held_on": data["held_on"], "hours": data["hours"],
        "trainer": data["trainer"], "content": data.get("content", ""),
        "numbers": data["numbers"],
    }  # fmt: skip


@require_safe
def team_trainings(request: HttpRequest, pk: int) -> HttpResponse:
    """All of a team's trainings, newest first, 20 a page (the team page shows the latest)."""
    team = access.access_team(request.user, pk)
    page = Paginator(training_queries.of_team(team), TRAININGS_PAGE).get_page(
        request.GET.get("page")
    )
    return render(request, "volunteers/training_list.html", {"team": team, "page": page})


@require_http_methods(["GET", "HEAD", "POST"])
def training_new(request: HttpRequest, pk: int) -> HttpResponse:
    """登记培训 of a team the caller runs: the training and its trainees' numbers at once."""
    user = request.user
    team = access.access_team(user, pk)
    if request.method in ("GET", "HEAD"):
        form = TrainingForm(initial={"held_on": timezone.localdate(), "hours": "2"})
        return render(request, "volunteers/training_form.html", {"form": form, "team": team})
    form = TrainingForm(request.POST)
    if form.is_valid():
        found = run_action(
            form, training.record_training, team, actor=user, **_training_values(form.cleaned_data)
        )
        if not form.errors:
            n = found.attendances.count()
            messages.success(request, f"已登记培训「{found.title}」，参训志愿者 {n} 人")
            return redirect_after_write(request, reverse("volunteers:training", args=[found.pk]))
    context = {"form": form, "team": team}
    return render(request, "volunteers/training_form.html", context, status=422)


def _render_training(
    request: HttpRequest, found: Any, *, form: TraineesForm | None = None, status: int = 200
) -> HttpResponse:
    user = request.user
    can_write = access.teams_run_by(user).filter(pk=found.team_id).exists()
    trainees = list(
        TrainingAttendance.objects.filter(training=found)
        .select_related("volunteer__person")
        .defer("volunteer__person__id_number", "volunteer__person__id_number_index")
        .order_by("volunteer__number", "pk")
    )
    context = {
        "training": found,
        "trainees": trainees,
        "can_write": can_write,
        "add_form": form or TraineesForm(),
    }
    return render(request, "volunteers/training_detail.html", context, status=status)


@require_safe
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The training: its facts and the trainees (masked names, numbers)."""
    return _render_training(request, training_queries.access_training(request.user, pk))


@require_POST
def trainees_add(request: HttpRequest, pk: int) -> HttpResponse:
    """补登参训志愿者 by number; an unknown number re-renders the page (422) naming it."""
    user = request.user
    found = training_queries.access_training(user, pk)
    form = TraineesForm(request.POST)
    if not form.is_valid():
        return _render_training(request, found, form=form, status=422)
    added = run_action(
        form, training.add_trainees, found, actor=user, numbers=form.cleaned_data["numbers"]
    )
    if form.errors:
        return _render_training(request, found, form=form, status=form.error_status)
    if added:
        messages.success(request, f"已补登参训志愿者 {len(added)} 人")
    else:
        messages.info(request, "这些志愿者都已在参训名单中")
    return redirect_after_write(request, reverse("volunteers:training", args=[found.pk]))


@require_POST
def trainee_remove(request: HttpRequest, pk: int, attendance: int) -> HttpResponse:
    """移出参训名单 (a number entered by mistake)."""
    user = request.user
    found = training_queries.access_training(user, pk)
    row = training.remove_trainee(found, attendance, actor=user)
    who = f"{row.volunteer.person.name_masked}（{row.volunteer.number}）"
    messages.success(request, f"已将 {who} 移出参训名单")
    return redirect_after_write(request, reverse("volunteers:training", args=[found.pk]))


# --- awards -----------------------------------------------------------------------------------


def _form_message(form: Any) -> str:
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else ""
        return f"{label}：{errors[0]}" if label else str(errors[0])
    return "输入有误"


@require_POST
def award_add(request: HttpRequest, pk: int) -> HttpResponse:
    """记录表彰 from the volunteer's page (in a team's name, or by staff without one)."""
    user = request.user
    volunteer = access.access_volunteer(user, pk)
    back = reverse("volunteers:volunteer", args=[volunteer.pk]) + "#volunteer-record"
    form = AwardForm(
        request.POST, teams=award_queries.teams_for(user, volunteer),
        without_team=award_queries.can_record_without_team(user, volunteer),
    )  # fmt: skip
    if not form.is_valid():
        messages.error(request, _form_message(form))
        return redirect_after_write(request, back)
    data = form.cleaned_data
    try:
        award = awards.record_award(
            volunteer, actor=user, title=data["title"], level=data["level"],
            awarded_by=data["awarded_by"], awarded_on=data["awarded_on"], note=data["note"],
            team=data.get("team") or None,
        )  # fmt: skip
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已记录表彰「{award.title}」（{award.get_level_display()}）")
    return redirect_after_write(request, back)


@require_POST
def award_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    """撤销表彰记录 with a reason (the entry stays, struck through)."""
    user = request.user
    found = award_queries.access_award(user, pk, for_write=False)
    back = reverse("volunteers:volunteer", args=[found.volunteer_id]) + "#volunteer-record"
    form = AwardRevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, "请填写撤销原因")
        return redirect_after_write(request, back)
    try:
        awards.revoke_award(found, actor=user, reason=form.cleaned_data["reason"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已撤销表彰记录「{found.title}」")
    return redirect_after_write(request, back)
