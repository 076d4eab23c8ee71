"""The charity pages (issue 14 §6): the registrar's lists (qualification applications with
their clocks, fundraising plans with their disclosure state and Excel export, yearly figures with
the ratio flags), an application's and a plan's page, the forms filed on an organization's
behalf, and the organization portal's 慈善募捐 page."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import charity as q
from .. import queries
from ..actions import charity as actions
from ..charity_forms import (
    ApplicationFilter,
    ApplicationForm,
    DecisionForm,
    DisclosureForm,
    FinancialsFilter,
    FinancialsForm,
    PlanFilter,
    PlanForm,
    SupervisionForm,
)
from ..models import SocialOrg
from ..portal import portal_org
from .files import download

PAGE_SIZE = 20
EXPORT_COLUMNS = [
    excel.Column("募捐活动名称", 30), excel.Column("社会组织", 30), excel.Column("募捐目的", 30),
    excel.Column("开始日期", 12), excel.Column("结束日期", 12), excel.Column("募捐方式与渠道", 30),
    excel.Column("目标金额（元）", 14), excel.Column("备案日期", 12), excel.Column("逾期备案", 8),
    excel.Column("阶段", 8), excel.Column("信息公开", 28), excel.Column("监督检查次数", 10),
    excel.Column("信息公开次数", 10),
]  # fmt: skip


def _filters(form: Any) -> dict[str, str]:
    if not form.is_bound or not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _page(request: HttpRequest, qs: Any) -> Any:
    return Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))


def _can_manage(user: Any) -> bool:
    return user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE)


# --- the registrar's lists ------------------------------------------------------------------


@require_safe
def applications(request: HttpRequest) -> HttpResponse:
    """公开募捐资格申请: filtered, with the 20-day clock of each pending one."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ApplicationFilter(request.GET or None)
    page = _page(request, q.applications(user, **_filters(form)))
    return render(
        request, "socialorgs/charity/applications.html",
        {"form": form, "page": page, "rows": [q.application_row(a) for a in page],
         "query": _query(request)},
    )  # fmt: skip


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    """募捐方案: active/ended, the disclosure state, Excel export."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = PlanFilter(request.GET or None)
    page = _page(request, q.plans(user, **_filters(form)))
    return render(
        request, "socialorgs/charity/plans.html",
        {"form": form, "page": page, "rows": [q.plan_row(p) for p in page],
         "query": _query(request)},
    )  # fmt: skip


@require_safe
def plans_export(request: HttpRequest) -> HttpResponse:
    """The plans as filtered, as xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    filters = _filters(PlanFilter(request.GET or None))
    qs = q.plans(user, **filters)

    def rows() -> Iterator[list[Any]]:
        for plan in qs.iterator(chunk_size=500):
            row = q.plan_row(plan)
            yield [
                plan.title, plan.social_org.organization.name, plan.purpose, plan.starts_on,
                plan.ends_on, plan.channels, float(plan.target_amount), plan.filed_on,
                "是" if plan.late else "", row["phase_label"], row["disclosure"],
                plan.supervision.count(), plan.disclosures.count(),
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.FUNDRAISING_PLANS_EXPORTED, table="socialorgs_plans", title="募捐方案",
        columns=EXPORT_COLUMNS, rows=rows(), filters=filters,
    )  # fmt: skip


@require_safe
def financials(request: HttpRequest) -> HttpResponse:
    """慈善组织年度财务: the ratios, flagged where they miss 慈善法 art. 61, and the audits."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = FinancialsFilter(request.GET or None)
    page = _page(request, q.financials(user, **_filters(form)))
    return render(
        request, "socialorgs/charity/financials.html",
        {"form": form, "page": page, "query": _query(request)},
    )  # fmt: skip


@require_safe
def financials_file(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    fin = q.access_financials(request.user, pk)
    found = fin.audit_reports.filter(pk=doc).first()
    if found is None:
        raise NotFound("未找到该文件")
    return download(found)


# --- an application -------------------------------------------------------------------------


def _render_application(
    request: HttpRequest, application: Any, form: DecisionForm | None = None, status: int = 200
) -> HttpResponse:
    return render(
        request, "socialorgs/charity/application.html",
        {"application": application, "clock": actions.clock(application),
         "documents": application.documents.all(), "form": form or DecisionForm(),
         "can_manage": _can_manage(request.user)},
        status=status,
    )  # fmt: skip


@require_safe
def application(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_application(request, q.access_application(request.user, pk))


@require_POST
def decide(request: HttpRequest, pk: int) -> HttpResponse:
    """准予 / 不予 (the buttons ask for confirmation first)."""
    user = request.user
    found = q.access_application(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render_application(request, found, form, status=422)
    done = run_action(
        form, actions.decide_application, found, form.cleaned_data["decision"],
        reasons=form.cleaned_data["reasons"], actor=user,
    )  # fmt: skip
    if done is None:
        return _render_application(request, found, form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, f"已作出决定：{done.get_state_display()}")
    return redirect_after_write(request, reverse("socialorgs:charity_application", args=[pk]))


@require_safe
def application_file(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    found = q.access_application(request.user, pk).documents.filter(pk=doc).first()
    if found is None:
        raise NotFound("未找到该文件")
    return download(found)


# --- a plan ---------------------------------------------------------------------------------


def _render_plan(
    request: HttpRequest,
    plan: Any,
    *,
    supervision_form: SupervisionForm | None = None,
    disclosure_form: DisclosureForm | None = None,
    status: int = 200,
) -> HttpResponse:
    return render(
        request, "socialorgs/charity/plan.html",
        {"row": q.plan_row(plan), "plan": plan, "supervision": plan.supervision.all(),
         "disclosures": plan.disclosures.prefetch_related("documents"),
         "supervision_form": supervision_form or SupervisionForm(),
         "disclosure_form": disclosure_form or DisclosureForm(),
         "can_manage": _can_manage(request.user)},
        status=status,
    )  # fmt: skip


@require_safe
def plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_plan(request, q.access_plan(request.user, pk))


@require_POST
def supervise(request: HttpRequest, pk: int) -> HttpResponse:
    """记录监督检查."""
    user = request.user
    found = q.access_plan(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = SupervisionForm(request.POST)
    if not form.is_valid():
        return _render_plan(request, found, supervision_form=form, status=422)
    done = run_action(form, actions.log_supervision, found, form.cleaned_data, actor=user)
    if done is None:
        return _render_plan(request, found, supervision_form=form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, "已记录监督检查")
    return redirect_after_write(request, reverse("socialorgs:charity_plan", args=[pk]))


@require_POST
def disclose(request: HttpRequest, pk: int) -> HttpResponse:
    """记录信息公开 (by the registrar)."""
    user = request.user
    found = q.access_plan(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = DisclosureForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_plan(request, found, disclosure_form=form, status=422)
    done = run_action(
        form, actions.record_disclosure, found, form.cleaned_data,
        files=request.FILES.getlist("files"), actor=user,
    )  # fmt: skip
    if done is None:
        return _render_plan(request, found, disclosure_form=form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, "已记录信息公开")
    return redirect_after_write(request, reverse("socialorgs:charity_plan", args=[pk]))


@require_safe
def disclosure_file(request: HttpRequest, pk: int, doc: int) -> FileResponse:
    from ..models import DisclosureDocument

    plan_found = q.access_plan(request.user, pk)
    found = DisclosureDocument.objects.filter(pk=doc, disclosure__plan=plan_found).first()
    if found is None:
        raise NotFound("未找到该文件")
    return download(found)


# --- forms filed for an organization (registrar) or by it (portal) --------------------------

Filer = Callable[[SocialOrg, Any, HttpRequest, Any], Any]


def _file_apply(so: SocialOrg, form: Any, request: HttpRequest, user: Any) -> Any:
    return run_action(
        form, actions.file_application, so, form.cleaned_data,
        governance_files=request.FILES.getlist("governance_files"),
        other_files=request.FILES.getlist("other_files"), actor=user,
    )  # fmt: skip


def _file_plan(so: SocialOrg, form: Any, request: HttpRequest, user: Any) -> Any:
    return run_action(form, actions.file_plan, so, form.cleaned_data, actor=user)


def _file_financials(so: SocialOrg, form: Any, request: HttpRequest, user: Any) -> Any:
    return run_action(
        form, actions.save_financials, so, form.cleaned_data,
        audit_files=request.FILES.getlist("audit_files"), actor=user,
    )  # fmt: skip


FORMS: dict[str, tuple[type, str, Filer, str]] = {
    "apply": (ApplicationForm, "申请公开募捐资格", _file_apply, "已提交公开募捐资格申请"),
    "plan": (PlanForm, "募捐方案备案", _file_plan, "募捐方案已备案"),
    "financials": (FinancialsForm, "录入年度财务数据", _file_financials, "已保存年度财务数据"),
}


def _form_page(
    request: HttpRequest, so: SocialOrg, kind: str, *, back: str, portal: bool
) -> HttpResponse:
    form_class, title, filer, done_text = FORMS[kind]

    def page(form: Any, status: int = 200) -> HttpResponse:
        return render(
            request, "socialorgs/charity/form.html",
            {"form": form, "title": title, "so": so, "back": back, "portal": portal,
             "kind": kind},
            status=status,
        )  # fmt: skip

    if request.method in ("GET", "HEAD"):
        return page(form_class())
    form = form_class(request.POST, request.FILES)
    if not form.is_valid():
        return page(form, status=422)
    data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
    form.cleaned_data = data
    done = filer(so, form, request, request.user)
    if done is None:
        return page(form, status=getattr(form, "error_status", 422))
    messages.success(request, done_text)
    return redirect_after_write(request, back)


def _registrar_form(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    so = queries.access_social_org(request.user, pk)  # another street's: 404 before the 403
    require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    back = reverse("socialorgs:detail", args=[pk]) + "#charity"
    return _form_page(request, so, kind, back=back, portal=False)


@require_http_methods(["GET", "HEAD", "POST"])
def org_apply(request: HttpRequest, pk: int) -> HttpResponse:
    return _registrar_form(request, pk, "apply")


@require_http_methods(["GET", "HEAD", "POST"])
def org_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _registrar_form(request, pk, "plan")


@require_http_methods(["GET", "HEAD", "POST"])
def org_financials(request: HttpRequest, pk: int) -> HttpResponse:
    return _registrar_form(request, pk, "financials")


# --- the organization portal ----------------------------------------------------------------


@require_safe
def portal_charity(request: HttpRequest) -> HttpResponse:
    """本组织 · 慈善募捐: the qualification (checklist, clock, decision and its reasons), the
    plans with the disclosures owed, the yearly figures."""
    so = portal_org(request.user)
    apps = so.fundraising_applications.prefetch_related("documents").order_by("-filed_on", "-pk")
    return render(
        request, "socialorgs/charity/portal.html",
        {"so": so, "applications": [q.application_row(a) for a in apps],
         "plans": [q.plan_row(p) for p in so.fundraising_plans.order_by("-starts_on", "-pk")],
         "financials": so.charity_financials.order_by("-year")},
    )  # fmt: skip


def _portal_form(request: HttpRequest, kind: str) -> HttpResponse:
    so = portal_org(request.user)
    return _form_page(request, so, kind, back=reverse("socialorgs:portal_charity"), portal=True)


@require_http_methods(["GET", "HEAD", "POST"])
def portal_apply(request: HttpRequest) -> HttpResponse:
    return _portal_form(request, "apply")


@require_http_methods(["GET", "HEAD", "POST"])
def portal_plan(request: HttpRequest) -> HttpResponse:
    return _portal_form(request, "plan")


@require_http_methods(["GET", "HEAD", "POST"])
def portal_financials(request: HttpRequest) -> HttpResponse:
    return _portal_form(request, "financials")


@require_http_methods(["GET", "HEAD", "POST"])
def portal_disclose(request: HttpRequest, pk: int) -> HttpResponse:
    """记录信息公开 (by the organization, for its own plan)."""
    so = portal_org(request.user)
    found = so.fundraising_plans.filter(pk=pk).first()
    if found is None:
        raise NotFound("未找到该募捐方案，或您无权查看")
    back = reverse("socialorgs:portal_charity")

    def page(form: Any, status: int = 200) -> HttpResponse:
        return render(
            request, "socialorgs/charity/form.html",
            {"form": form, "title": f"记录信息公开：{found.title}", "so": so, "back": back,
             "portal": True, "kind": "disclose"},
            status=status,
        )  # fmt: skip

    if request.method in ("GET", "HEAD"):
        return page(DisclosureForm())
    form = DisclosureForm(request.POST, request.FILES)
    if not form.is_valid():
        return page(form, status=422)
    done = run_action(
        form, actions.record_disclosure, found, form.cleaned_data,
        files=request.FILES.getlist("files"), actor=request.user,
    )  # fmt: skip
    if done is None:
        return page(form, status=getattr(form, "error_status", 422))
    messages.success(request, "已记录信息公开")
    return redirect_after_write(request, back)
