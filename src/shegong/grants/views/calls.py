"""Staff pages of 公益创投: calls (list, new, the call's page with its tabs 申报 / 资格审查 / 评审 /
立项 / 项目 and the committee ranking), the Excel export of applications with scores, the review
desk of a reviewer, the disbursement queue and a project's page with its timeline."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.documents import ACCEPT, stored_response
from shegong.core.errors import NotFound, NotPermitted
from shegong.grants.actions import applications as app_verbs
from shegong.grants.actions import calls as call_verbs
from shegong.grants.actions import projects as project_verbs
from shegong.grants.actions import reviews as review_verbs
from shegong.grants.actions._grants import FOLDER
from shegong.grants.choices import ApplicationStatus, VisitKind, VisitRating
from shegong.grants.forms import calls as parse
from shegong.grants.forms.calls import VerbForm
from shegong.grants.queries import calls as q
from shegong.grants.queries import may_manage_grants, may_review, may_view_grants
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

PAGE = 20
CHECK_TAB = (ApplicationStatus.SUBMITTED, ApplicationStatus.ELIGIBLE, ApplicationStatus.INELIGIBLE)
TABS = (("apply", "申报"), ("check", "资格审查"), ("review", "评审"), ("award", "立项"),
        ("projects", "项目"))  # fmt: skip


def _viewer(request: HttpRequest) -> Any:
    if not may_view_grants(request.user):
        raise NotPermitted("您当前的角色不能查看公益创投")
    return request.user


def _errors(request: HttpRequest, form: VerbForm) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_safe
def call_list(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    qs = q.calls(user).select_related("region")
    year = request.GET.get("year", "")
    if year.isdigit():
        qs = qs.filter(year=int(year))
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    figures = q.numbers(
        q.applications(user), q.projects(user), year=int(year) if year.isdigit() else None
    )
    return render(
        request, "grants/calls/call_list.html",
        {"page": page, "rows": list(page.object_list), "year": year, "figures": figures,
         "can_manage": may_manage_grants(user)},
    )  # fmt: skip


def _regions(user: Any) -> Any:
    return Region.objects.visible_to(user).filter(level__in=("district", "street")).order_by("code")


@require_http_methods(["GET", "HEAD", "POST"])
def call_new(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    if not may_manage_grants(user):
        raise NotPermitted("您当前的角色不能发布公益创投")
    form = VerbForm()
    values: dict[str, Any] = {
        "criteria": "需求契合度,30,100\n项目设计,30,100\n组织能力,20,100\n预算合理性,20,100",
        "year": timezone.localdate().year,
    }
    if request.method == "POST":
        values = request.POST.dict()
        call = run_action(
            form, call_verbs.save_call, user,
            region=values.get("region"), title=values.get("title"), year=values.get("year"),
            description=values.get("description"), needs=values.get("needs"),
            budget=values.get("budget"), max_per_project=values.get("max_per_project"),
            categories=values.get("categories", ""), opens_on=values.get("opens_on"),
            closes_on=values.get("closes_on"), review_by=values.get("review_by") or None,
            require_inspection=bool(values.get("require_inspection")),
            drop_extremes=bool(values.get("drop_extremes")),
            criteria=parse.criteria(values.get("criteria")),
        )  # fmt: skip
        if call is not None:
            messages.success(request, "已保存申报草稿")
            return redirect("grants:call", pk=call.pk)
    return render(
        request, "grants/calls/call_new.html",
        {"form": form, "values": values, "regions": _regions(user)},
        status=getattr(form, "error_status", 200),
    )  # fmt: skip


@require_safe
def call_detail(request: HttpRequest, pk: int, tab: str = "") -> HttpResponse:
    user = _viewer(request)
    call = q.access_call(user, pk)
    tab = tab or request.GET.get("tab") or "apply"
    if tab not in dict(TABS):
        tab = "apply"
    apps = q.applications(user).filter(call=call).exclude(status=ApplicationStatus.DRAFT)
    apps = apps.select_related("social_org__organization").order_by("rank", "-submitted_at", "pk")
    context: dict[str, Any] = {
        "call": call, "tab": tab, "tabs": TABS, "apps": list(apps),
        "can_manage": q.may_manage_call(user, call),
        "figures": q.numbers(q.applications(user), q.projects(user), call=call),
    }  # fmt: skip
    if tab == "check":
        context["apps"] = [a for a in context["apps"] if a.status in CHECK_TAB]
    if tab in ("review", "award"):
        context["ranking"] = q.ranking(call)
        context["reviewers"] = review_verbs.reviewer_choices(call)
    if tab == "projects":
        context["projects"] = list(
            q.projects(user).filter(call=call).select_related("social_org__organization")
        )
    return render(request, "grants/calls/call_detail.html", context)


def ranking(request: HttpRequest, pk: int) -> HttpResponse:
    """The committee ranking (the call's 评审 tab)."""
    return call_detail(request, pk, "review")


@require_POST
def call_verb(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = _viewer(request)
    call = q.access_call(user, pk)
    form = VerbForm()
    post = request.POST
    tab = "apply"
    if verb == "open":
        run_action(form, call_verbs.open_call, user, call)
    elif verb in ("reviewing", "closed"):
        run_action(form, call_verbs.move_call, user, call, verb)
        tab = "check"
    elif verb == "assign":
        run_action(form, review_verbs.assign, user, call, reviewers=post.getlist("reviewers"),
                   applications=post.getlist("applications") or None)  # fmt: skip
        tab = "review"
    elif verb == "rank":
        run_action(form, review_verbs.rank, user, call)
        tab = "review"
    elif verb == "decide":
        awards = {k: post.get(f"amount_{k}", "") for k in post.getlist("award")}
        if run_action(form, review_verbs.rank, user, call) is not None:
            run_action(form, review_verbs.decide, user, call, awards=awards, note=post.get("note"))
        tab = "award" if form.errors else "projects"
    else:
        return redirect("grants:call", pk=call.pk)
    if form.errors:
        _errors(request, form)
    else:
        messages.success(request, "已完成")
    return redirect(f"{reverse('grants:call', args=[call.pk])}?tab={tab}")


@require_POST
def application_check(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    app = q.access_application(user, pk)
    form = VerbForm()
    passed = {"1": True, "0": False}.get(request.POST.get("passed", ""))
    run_action(form, app_verbs.check, user, app, passed=passed, note=request.POST.get("note"))
    _errors(request, form) if form.errors else messages.success(request, "已记录资格审查结论")
    return redirect(f"{reverse('grants:call', args=[app.call_id])}?tab=check")


@require_safe
def application_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    app = q.access_application(user, pk)
    return render(request, "grants/calls/application_detail.html", {"app": app})


EXPORT_COLUMNS = [
    excel.Column("编号", 8), excel.Column("申报组织", 24), excel.Column("项目名称", 24),
    excel.Column("类别", 10), excel.Column("申请金额（元）", 12), excel.Column("状态", 12),
    excel.Column("评审得分", 10), excel.Column("排名", 6), excel.Column("评分专家数", 8),
    excel.Column("资格审查意见", 24),
]  # fmt: skip


@require_safe
def applications_export(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    call = q.access_call(user, pk)
    ranked = {r.application.pk: r for r in q.ranking(call)}
    apps = q.applications(user).filter(call=call).exclude(status=ApplicationStatus.DRAFT)

    def rows() -> Any:
        for a in apps.select_related("social_org__organization").order_by("pk"):
            r = ranked.get(a.pk)
            yield [
                a.pk, a.social_org.organization.name, a.title, a.category, float(a.amount),
                a.get_status_display(), float(r.score) if r and r.score is not None else "",
                (r.rank or "") if r else "", len(r.totals) if r else 0, a.eligibility_note,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.GRANTS_EXPORTED, table="grant_applications", title="公益创投申报与评分",
        columns=EXPORT_COLUMNS, rows=rows(), masked=False, filters={"call": call.pk}, target=call,
    )  # fmt: skip


# --- review desk ------------------------------------------------------------------------------


@require_safe
def review_desk(request: HttpRequest) -> HttpResponse:
    if not may_review(request.user):
        raise NotPermitted("此页面供评审专家使用")
    todo = request.GET.get("todo") == "1"
    qs = q.reviews_to_do(request.user) if todo else q.my_reviews(request.user)
    rows = list(qs.order_by("submitted_at", "pk"))
    return render(request, "grants/calls/review_desk.html", {"rows": rows, "todo": todo})


@require_safe
def check_queue(request: HttpRequest) -> HttpResponse:
    """Submitted applications of every call waiting for the manual eligibility check."""
    user = _viewer(request)
    qs = (
        q.to_check(user)
        .select_related("call", "social_org__organization")
        .order_by("submitted_at", "pk")
    )
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request, "grants/calls/check_queue.html", {"page": page, "rows": list(page.object_list)}
    )


@require_http_methods(["GET", "HEAD", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = q.access_review(request.user, pk)
    app = review.application
    criteria = list(app.call.criteria.all())
    form = VerbForm()
    if request.method == "POST":
        post = request.POST
        if "conflict" in post:
            conflict = {"1": True, "0": False}.get(post.get("conflict", ""))
            run_action(form, review_verbs.declare, request.user, review, conflict=conflict,
                       note=post.get("note"))  # fmt: skip
        else:
            scores = {c.pk: post.get(f"score_{c.pk}", "") for c in criteria}
            run_action(form, review_verbs.score, request.user, review, scores=scores,
                       comment=post.get("comment"))  # fmt: skip
        if not form.errors:
            messages.success(request, "已保存")
            return redirect("grants:review", pk=review.pk)
        review.refresh_from_db()
    return render(
        request, "grants/calls/review_detail.html",
        {"review": review, "app": app, "criteria": criteria, "form": form,
         "scores": {s.criterion_id: s.score for s in review.scores.all()}},
        status=getattr(form, "error_status", 200),
    )  # fmt: skip


# --- files -----------------------------------------------------------------------------------


@require_safe
def file_download(request: HttpRequest, kind: str, pk: int, index: int) -> FileResponse:
    """A stored file of an application, agreement, tranche or visit, to who may see it
    (``queries.calls.files_of``); anyone else, a missing file or index: 404."""
    records = q.files_of(request.user, kind, pk)
    if not 0 <= index < len(records):
        raise NotFound(q.FILE_NOT_FOUND)
    return stored_response(records[index], FOLDER, missing=q.FILE_NOT_FOUND)


# --- projects and tranches --------------------------------------------------------------------


@require_safe
def tranche_queue(request: HttpRequest) -> HttpResponse:
    user = _viewer(request)
    qs = q.tranche_queue(user)
    status = request.GET.get("status", "")
    if status in ("requested", "approved"):
        qs = qs.filter(status=status)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    return render(
        request, "grants/calls/tranche_queue.html",
        {"page": page, "rows": list(page.object_list), "can_manage": may_manage_grants(user)},
    )  # fmt: skip


@require_POST
def tranche_verb(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = _viewer(request)
    tranche = q.access_tranche(user, pk)
    form = VerbForm()
    if verb == "approve":
        run_action(form, project_verbs.decide_tranche, user, tranche, approve=True,
                   note=request.POST.get("note"))  # fmt: skip
    elif verb == "reject":
        run_action(form, project_verbs.decide_tranche, user, tranche, approve=False,
                   note=request.POST.get("note"))  # fmt: skip
    elif verb == "pay":
        run_action(form, project_verbs.pay_tranche, user, tranche,
                   voucher_no=request.POST.get("voucher_no"),
                   paid_on=request.POST.get("paid_on") or None)  # fmt: skip
    _errors(request, form) if form.errors else messages.success(request, "已完成")
    return redirect(request.POST.get("next") or "grants:tranches")


@require_safe
def project_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = _viewer(request)
    project = q.access_project(user, pk)
    from shegong.notices.queries import holding

    return render(
        request, "grants/calls/project_detail.html",
        {"project": project, "timeline": q.timeline(project), "held": holding(project).exists(),
         "tranches": list(project.tranches.all()), "visits": list(project.visits.all()),
         "can_manage": q.may_manage_call(user, project.call) or may_manage_grants(user),
         "visit_kinds": VisitKind.choices, "ratings": VisitRating.choices,
         "today": timezone.localdate(), "accept": ACCEPT},
    )  # fmt: skip


@require_POST
def project_verb(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    user = _viewer(request)
    project = q.access_project(user, pk)
    post = request.POST
    form = VerbForm()
    if verb == "sign":
        run_action(
            form, project_verbs.sign, user, project, agreement_no=post.get("agreement_no"),
            signed_on=post.get("signed_on"), tranches=parse.tranches(post.get("tranches")),
            agreement=request.FILES.getlist("agreement"),
            confirm_early=bool(post.get("confirm_early")),
        )  # fmt: skip
    elif verb == "visit":
        run_action(
            form, project_verbs.record_visit, user, project, kind=post.get("kind"),
            visited_on=post.get("visited_on"), visitor=post.get("visitor"),
            findings=post.get("findings"), rating=post.get("rating", ""),
            attachments=request.FILES.getlist("attachments"),
        )  # fmt: skip
    elif verb == "complete":
        run_action(
            form, project_verbs.complete, user, project,
            indicators_achieved=parse.achieved(post.get("indicators_achieved")),
            beneficiaries_reached=post.get("beneficiaries_reached"),
            returned=post.get("returned"), note=post.get("note"),
        )  # fmt: skip
    elif verb == "terminate":
        run_action(form, project_verbs.terminate, user, project, reason=post.get("reason"),
                   returned=post.get("returned"))  # fmt: skip
    _errors(request, form) if form.errors else messages.success(request, "已完成")
    return redirect("grants:project", pk=project.pk)
