"""The organization portal of 公益创投 (/grants/portal/): open calls, apply (a draft with its
budget lines, beneficiaries, indicators and uploaded attachments, added or removed while a draft;
submit runs the eligibility check),
my applications, my projects and their tranches (request with a progress report and evidence).
Only an organization account reaches these pages (``portal_org``)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core.documents import ACCEPT
from shegong.grants.actions import applications as app_verbs
from shegong.grants.actions import projects as project_verbs
from shegong.grants.forms import calls as parse
from shegong.grants.forms.calls import VerbForm
from shegong.grants.queries import calls as q
from shegong.socialorgs.portal import portal_org


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    org = portal_org(request.user)
    return render(
        request, "grants/calls/portal_home.html",
        {"org": org, "calls": list(q.open_calls()),
         "apps": list(q.org_applications(org).order_by("-pk")),
         "projects": list(q.org_projects(org).prefetch_related("tranches"))},
    )  # fmt: skip


def _fields(post: Any) -> dict[str, Any]:
    return {
        "title": post.get("title"), "category": post.get("category"),
        "summary": post.get("summary"), "beneficiaries": post.get("beneficiaries"),
        "beneficiary_count": post.get("beneficiary_count"), "amount": post.get("amount"),
        "self_funded": post.get("self_funded"),
        "budget_lines": parse.budget_lines(post.get("budget_lines")),
        "indicators": parse.indicators(post.get("indicators")),
        "starts_on": post.get("starts_on") or None, "ends_on": post.get("ends_on") or None,
        "contact_name": post.get("contact_name"), "contact_phone": post.get("contact_phone"),
    }  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def apply(request: HttpRequest, call: int) -> HttpResponse:
    portal_org(request.user)
    found = q.open_calls().filter(pk=call).first()
    if found is None:
        raise Http404("该申报不在申报期内")
    form = VerbForm()
    values: dict[str, Any] = {}
    if request.method == "POST":
        values = request.POST.dict()
        uploads = request.FILES.getlist("attachments")
        app = run(
            form, app_verbs.save_application, request.user, found, attachments=uploads,
            **_fields(request.POST),
        )  # fmt: skip
        if app is not None:
            messages.success(request, "申报书已保存为草稿，请核对后提交")
            return redirect("grants:portal_application", pk=app.pk)
    return render(
        request, "grants/calls/portal_apply.html",
        {"call": found, "form": form, "values": values, "accept": ACCEPT},
        status=getattr(form, "error_status", 200),
    )  # fmt: skip


def run(form: VerbForm, *args: Any, **kwargs: Any) -> Any:
    from shegong.web.forms import run_action

    return run_action(form, *args, **kwargs)


@require_safe
def application(request: HttpRequest, pk: int) -> HttpResponse:
    org = portal_org(request.user)
    app = q.access_org_application(org, pk)
    return render(
        request, "grants/calls/portal_application.html",
        {"app": app, "org": org, "accept": ACCEPT, "form": VerbForm()},
    )  # fmt: skip


@require_POST
def files(request: HttpRequest, pk: int) -> HttpResponse:
    """Add files to the draft and/or remove attached ones (checked: a bad file keeps nothing)."""
    org = portal_org(request.user)
    app = q.access_org_application(org, pk)
    form = VerbForm()
    run(form, app_verbs.application_files, request.user, app,
        attachments=request.FILES.getlist("attachments"),
        remove=request.POST.getlist("remove"))  # fmt: skip
    if form.errors:
        app.refresh_from_db()
        return render(
            request, "grants/calls/portal_application.html",
            {"app": app, "org": org, "accept": ACCEPT, "form": form},
            status=getattr(form, "error_status", 422),
        )  # fmt: skip
    messages.success(request, "附件已保存")
    return redirect("grants:portal_application", pk=app.pk)


@require_POST
def submit(request: HttpRequest, pk: int) -> HttpResponse:
    org = portal_org(request.user)
    app = q.access_org_application(org, pk)
    form = VerbForm()
    run(form, app_verbs.submit, request.user, app)
    if form.errors:
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, error)
    else:
        messages.success(request, "已提交，资格预审通过，等待人工审查")
    return redirect("grants:portal_application", pk=app.pk)


@require_http_methods(["GET", "HEAD", "POST"])
def project(request: HttpRequest, pk: int) -> HttpResponse:
    org = portal_org(request.user)
    found = q.access_org_project(org, pk)
    form = VerbForm()
    if request.method == "POST":
        tranche = q.org_tranche(org, request.POST.get("tranche"))
        run(form, project_verbs.request_tranche, request.user, tranche,
            report=request.POST.get("report"),
            evidence=request.FILES.getlist("evidence"))  # fmt: skip
        if not form.errors:
            messages.success(request, "已提交拨付申请")
            return redirect("grants:portal_project", pk=found.pk)
    return render(
        request, "grants/calls/portal_project.html",
        {"project": found, "tranches": list(found.tranches.all()), "form": form,
         "timeline": q.timeline(found), "accept": ACCEPT},
        status=getattr(form, "error_status", 200),
    )  # fmt: skip
