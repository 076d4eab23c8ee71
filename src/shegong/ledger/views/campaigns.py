"""Pages of 回头看 campaigns, review tasks, party-building instructors and their visits.

Thin adapters (STYLE.md rule 11): parse the form, check access, call one action, render. A
campaign, task or assignment outside the caller's scope is a 404, the same as a missing one.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import Count, Q, QuerySet
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST
from pydantic import ValidationError

from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.htmx import redirect_after_write, render_partial_or_full
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import in_subtree
from shegong.regions.models import Region
from shegong.web.forms import add_domain_error, run_action

from ..actions.campaigns import close_campaign, complete_task, create_campaign, organization_input
from ..actions.guidance import assign_instructor, end_instructor_assignment, record_visit
from ..choices import CampaignStatus, OrgStatus, ReviewOutcome
from ..forms.campaigns import (
    AssignForm,
    CampaignForm,
    OrganizationChangesForm,
    TaskForm,
    VisitFilterForm,
    VisitForm,
)
from ..models import GuidanceVisit, InstructorAssignment, Organization
from ..queries import campaigns as queries
from ..queries.records import describe_criteria, filter_organizations

PAGE_SIZE = 30


def _query_without_page(request: HttpRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


# --- campaigns -------------------------------------------------------------------------------


def campaigns(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    page = Paginator(queries.campaigns_with_progress(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    open_tasks = queries.tasks_visible_to(request.user).filter(assignee=request.user, done_at=None)
    return render(
        request,
        "ledger/campaigns.html",
        {
            "page": page,
            "can_manage": request.user.has_perm_in_scope(Perm.LEDGER_MANAGE),
            "my_open": open_tasks.count(),
        },
    )


def _preview(form: CampaignForm) -> dict[str, Any]:
    """How many organizations the form's filter picks, per street."""
    data = form.cleaned_data
    region = Region.objects.filter(code=data.get("region")).first()
    orgs = Organization.objects.visible_to(form.actor)
    if region is not None:
        orgs = in_subtree(orgs, region.prefix)
    orgs = filter_organizations(orgs, form.criteria())
    rows = orgs.order_by().values("region_id").annotate(n=Count("pk")).values_list("region_id", "n")
    per_street: dict[str, int] = {}
    for code, n in rows:
        per_street[code[:9] + "000"] = per_street.get(code[:9] + "000", 0) + n
    names = dict(Region.objects.filter(code__in=per_street).values_list("code", "name"))
    return {
        "count": sum(per_street.values()),
        "per_street": [(names.get(c, c), n) for c, n in sorted(per_street.items())],
    }


def campaign_preview(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    form = CampaignForm(request.GET or None, actor=request.user)
    form.is_valid()  # name/due date may still be empty: only the filter matters here
    preview = None
    if form.is_bound and not any(f in form.errors for f in ("region", *CampaignForm.CRITERIA)):
        preview = _preview(form)
    return render(request, "ledger/campaign_preview.html", {"preview": preview, "form": form})


def campaign_create(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    initial = {"status": OrgStatus.ACTIVE}
    form = CampaignForm(request.POST or None, actor=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        campaign = run_action(
            form,
            create_campaign,
            actor=request.user,
            name=data["name"],
            region=data["region"],
            criteria=form.criteria(),
            due_on=data["due_on"],
            assignee_by_street=form.by_street(),
            assignee=data["assignee"],
            field_map={"criteria": "region"},
        )
        if not form.errors:
            count = campaign.tasks.count()
            messages.success(request, f"已创建回头看「{campaign.name}」，共{count}项核查任务")
            return redirect_after_write(request, reverse("ledger:campaign", args=[campaign.pk]))
    preview = _preview(form) if form.is_bound and "region" in form.cleaned_data else None
    return render(
        request,
        "ledger/campaign_form.html",
        {"form": form, "preview": preview},
        status=422 if form.errors else 200,
    )


TASK_FILTERS = {
    "open": Q(done_at__isnull=True),
    "done": Q(done_at__isnull=False),
}


def _filtered_tasks(request: HttpRequest, tasks: QuerySet) -> QuerySet:
    status = request.GET.get("status", "")
    if status in TASK_FILTERS:
        tasks = tasks.filter(TASK_FILTERS[status])
    outcome = request.GET.get("outcome", "")
    if outcome in ReviewOutcome.values:
        tasks = tasks.filter(outcome=outcome)
    if request.GET.get("overdue") == "1":
        tasks = tasks.filter(done_at__isnull=True, due_on__lt=timezone.localdate())
    assignee = request.GET.get("assignee", "")
    if assignee.isdigit():
        tasks = tasks.filter(assignee_id=int(assignee))
    return tasks


def campaign_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    campaign = queries.access_campaign(request.user, pk)
    all_tasks = campaign.tasks.all()
    by_person = queries.progress_by_assignee(all_tasks)
    tasks = _filtered_tasks(request, all_tasks).select_related("organization", "assignee")
    tasks = tasks.order_by("done_at", "due_on", "region_id", "pk")
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "campaign": campaign,
        "criteria": describe_criteria(campaign.criteria),
        "total": queries.campaign_progress(campaign),
        "by_street": queries.progress_by_street(all_tasks),
        "by_person": by_person,
        "page": page,
        "query": _query_without_page(request),
        "outcomes": ReviewOutcome.choices,
        "today": timezone.localdate(),
        "can_manage": request.user.has_perm_in_scope(Perm.LEDGER_MANAGE),
        "is_open": campaign.status == CampaignStatus.OPEN,
    }
    return render_partial_or_full(
        request, "ledger/campaign_detail.html", context, "ledger/task_table.html"
    )


@require_POST
def campaign_close(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    campaign = queries.access_campaign(request.user, pk)
    try:
        close_campaign(campaign, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"回头看「{campaign.name}」已结束")
    return redirect_after_write(request, reverse("ledger:campaign", args=[pk]))


# --- tasks -----------------------------------------------------------------------------------


def my_tasks(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    tasks = queries.my_open_tasks(request.user)
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "ledger/task_list.html",
        {"page": page, "today": timezone.localdate(), "query": ""},
    )


def _pydantic_errors(form: forms.Form, exc: ValidationError) -> None:
    for error in exc.errors():
        field = str(error["loc"][0]) if error.get("loc") else None
        message = str(error.get("msg", "输入有误")).removeprefix("Value error, ")
        form.add_error(field if field in form.fields else None, message)


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    task = queries.access_task(request.user, pk)
    org = task.organization
    post = request.POST if request.method == "POST" else None
    form = TaskForm(post)
    changes_form = OrganizationChangesForm(
        post, prefix="org", initial=OrganizationChangesForm.initial_for(org)
    )
    if post is not None and form.is_valid():
        outcome = form.cleaned_data["outcome"]
        changes = None
        ok = True
        if outcome == ReviewOutcome.UPDATED:
            ok = changes_form.is_valid()
            if ok:
                values = {k: v for k, v in changes_form.cleaned_data.items()}
                values["industry"] = values["industry"] or ""
                try:
                    changes = organization_input(org, **values)
                except ValidationError as exc:
                    _pydantic_errors(changes_form, exc)
                    ok = False
        if ok:
            try:
                complete_task(
                    task, actor=request.user, outcome=outcome,
                    note=form.cleaned_data["note"], changes=changes,
                )  # fmt: skip
            except InvalidInput as exc:
                target = (
                    changes_form
                    if exc.errors and exc.errors[0]["field"] in (changes_form.fields)
                    else form
                )
                add_domain_error(target, exc, {"changes": "__all__"})
                if target is changes_form and not changes_form.errors:
                    form.add_error(None, exc.detail)
            except DomainError as exc:
                form.add_error(None, exc.detail)
            else:
                label = ReviewOutcome(outcome).label
                messages.success(request, f"已完成对 {org.name} 的核查：{label}")
                return redirect_after_write(request, reverse("ledger:my_tasks"))
    errors = bool(form.errors or changes_form.errors)
    return render(
        request,
        "ledger/task_detail.html",
        {
            "task": task,
            "org": org,
            "form": form,
            "changes_form": changes_form,
            "today": timezone.localdate(),
            "can_complete": task.done_at is None and task.campaign.status == CampaignStatus.OPEN,
        },
        status=422 if errors else 200,
    )


# --- instructors and visits ------------------------------------------------------------------


def visits(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    user = request.user
    form = VisitFilterForm(request.GET or None, actor=user)
    qs = GuidanceVisit.objects.visible_to(user).select_related("organization", "instructor")
    assignments = (
        InstructorAssignment.objects.visible_to(user)
        .filter(ended_on=None)
        .select_related("organization", "instructor")
        .order_by("organization__name", "pk")
    )
    if queries.is_instructor(user):
        qs = qs.filter(instructor=user)
        assignments = assignments.filter(instructor=user)
    if form.is_valid():
        data = form.cleaned_data
        if data["instructor"]:
            qs = qs.filter(instructor=data["instructor"])
            assignments = assignments.filter(instructor=data["instructor"])
        if data["q"]:
            qs = qs.filter(organization__name__contains=data["q"])
            assignments = assignments.filter(organization__name__contains=data["q"])
        if data["date_from"]:
            qs = qs.filter(visited_on__gte=data["date_from"])
        if data["date_to"]:
            qs = qs.filter(visited_on__lte=data["date_to"])
    elif form.is_bound:
        qs = qs.none()
    page = Paginator(qs.order_by("-visited_on", "-pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = user.has_perm_in_scope(Perm.LEDGER_MANAGE)
    context = {
        "form": form,
        "page": page,
        "query": _query_without_page(request),
        "assignments": assignments[:200],
        "assignment_count": assignments.count(),
        "can_manage": can_manage,
        "can_visit": can_manage or user.has_perm_in_scope(Perm.GUIDANCE),
        "assign_form": AssignForm(actor=user, prefix="assign") if can_manage else None,
    }
    return render_partial_or_full(request, "ledger/visits.html", context, "ledger/visit_table.html")


def visit_create(request: HttpRequest) -> HttpResponse:
    user = request.user
    if not user.has_perm_in_scope(Perm.LEDGER_MANAGE):
        require_perm(user, Perm.GUIDANCE)
    form = VisitForm(
        request.POST or None,
        request.FILES or None,
        organizations=queries.visit_organizations(user),
        initial={"visited_on": timezone.localdate(), "round": 1},
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        visit = run_action(
            form, record_visit,
            data["organization"], actor=user, visited_on=data["visited_on"],
            topic=data["topic"], round=data["round"], notes=data["notes"],
            photos=data["photos"],
        )  # fmt: skip
        if not form.errors:
            messages.success(request, f"已记录对 {visit.organization.name} 的走访")
            return redirect_after_write(request, reverse("ledger:visits"))
    return render(
        request, "ledger/visit_form.html", {"form": form}, status=422 if form.errors else 200
    )


def visit_photo(request: HttpRequest, pk: int, index: int, kind: str) -> FileResponse:
    """One stored photo of a visit in the caller's scope (``thumb`` or ``full``)."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    visit = GuidanceVisit.objects.visible_to(request.user).filter(pk=pk).first()
    photos = visit.photos if visit is not None and isinstance(visit.photos, list) else []
    if kind not in ("thumb", "full") or not 0 <= index < len(photos):
        raise NotFound("未找到该照片")
    record = photos[index] if isinstance(photos[index], dict) else {}
    path = record.get("path" if kind == "full" else "thumb") or ""
    if not path.startswith("photos/") or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def instructor_assign(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    form = AssignForm(request.POST or None, actor=request.user, prefix="assign")
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        run_action(
            form, assign_instructor,
            data["organization"], data["instructor"], actor=request.user,
            started_on=data["started_on"],
        )  # fmt: skip
        if not form.errors:
            messages.success(
                request,
                f"已派驻 {data['instructor'].name_masked} 到 {data['organization'].name}",
            )
            return redirect_after_write(request, reverse("ledger:visits"))
    return render(
        request,
        "ledger/instructor_form.html",
        {"form": form},
        status=422 if form.errors else 200,
    )


@require_POST
def instructor_end(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    assignment = queries.access_assignment(request.user, pk)
    try:
        end_instructor_assignment(assignment, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request,
            f"已结束 {assignment.instructor.name_masked} 在 {assignment.organization.name} 的派驻",
        )
    return redirect_after_write(request, reverse("ledger:visits"))
