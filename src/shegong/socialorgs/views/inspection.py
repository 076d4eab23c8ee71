"""The registrar's inspection pages (issue 14 §3): the list (filters, worklists, Excel export),
a report with its materials and the review forms (初审 on paper, 线下核验, return, conclusion),
the years (open a year, add a later-qualifying organization), the 年检率 table, and the public
results page."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import inspections
from ..actions import inspection as actions
from ..choices import SocialOrgType
from ..inspection_forms import (
    ConcludeForm,
    PlanForm,
    ReportFilterForm,
    RequireForm,
    ReturnForm,
    SupervisorForm,
    VerifyForm,
)
from ..models import (
    AnnualReport,
    Ground,
    InspectionConclusion,
    InspectionPlan,
    ReportState,
    SocialOrg,
)
from .files import download
from .records import _regions

PAGE_SIZE = 20
EXTRA_PARAMS = ("done", "required", "audit", "sort")
EXPORT_COLUMNS = [
    excel.Column("名称", 36), excel.Column("统一社会信用代码", 22), excel.Column("类型", 14),
    excel.Column("区划", 14), excel.Column("年度", 8), excel.Column("办理状态", 14),
    excel.Column("提交时间", 18), excel.Column("逾期提交", 8), excel.Column("初审", 10),
    excel.Column("核验日期", 12), excel.Column("年检结论", 10), excel.Column("结论依据", 40),
    excel.Column("结论时间", 18),
]  # fmt: skip


def _filter_form(request: HttpRequest) -> ReportFilterForm:
    user = request.user
    return ReportFilterForm(
        request.GET or None,
        regions=_regions(user, ["street", "community"]),
        years=inspections.report_years(),
    )


def _filters(request: HttpRequest, form: ReportFilterForm) -> dict[str, str]:
    found: dict[str, str] = {}
    if form.is_bound and form.is_valid():
        found = {k: v for k, v in form.cleaned_data.items() if v}
    for key in EXTRA_PARAMS:
        value = request.GET.get(key, "")
        if value in ("1", "oldest"):
            found[key] = value
    return found


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _grounds_text(report: AnnualReport) -> str:
    labels = dict(Ground.choices)
    return "；".join(labels.get(g, g) for g in report.grounds or [])


@require_safe
def report_list(request: HttpRequest) -> HttpResponse:
    """年检年报: the reports in scope, filtered (a worklist, oldest first, from the workbench)."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = _filter_form(request)
    filters = _filters(request, form)
    qs = inspections.filtered(user, **filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/inspection/list.html",
        {
            "form": form,
            "page": page,
            "query": _query(request),
            "worklist": inspections.WORKLISTS.get(filters.get("worklist", ""), ""),
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
    )


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    filters = _filters(request, _filter_form(request))
    qs = inspections.filtered(user, **filters)

    def rows() -> Iterator[list[Any]]:
        for r in qs.iterator(chunk_size=500):
            org = r.social_org.organization
            yield [
                org.name, org.credit_code or "", SocialOrgType(r.social_org.org_type).label,
                org.region.name, r.year, r.get_state_display(),
                timezone.localtime(r.submitted_at).strftime("%Y-%m-%d %H:%M")
                if r.submitted_at else "",
                "是" if r.late else "", {"pass": "通过", "return": "退回"}.get(
                    r.supervisor_result, ""),
                r.verified_on, r.get_conclusion_display() if r.conclusion else "",
                _grounds_text(r),
                timezone.localtime(r.concluded_at).strftime("%Y-%m-%d %H:%M")
                if r.concluded_at else "",
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.ANNUAL_REPORTS_EXPORTED, table="socialorgs_inspections",
        title="社会组织年检结果", columns=EXPORT_COLUMNS, rows=rows(), filters=filters,
    )  # fmt: skip


def _render_report(
    request: HttpRequest, report: AnnualReport, *, forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    plan = report.plan
    grounds = plan.ground_labels() if plan else list(Ground.choices)
    forms = forms or {}
    can_manage = user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE)
    state = report.state
    needs_supervisor = bool(report.social_org.supervisor)
    context = {
        "report": report,
        "so": report.social_org,
        "attachments": report.attachments.all(),
        "missing": actions.missing_materials(report),
        "due": actions.filing_due(report),
        "grounds_text": _grounds_text(report),
        "can_manage": can_manage,
        "supervisor_form": forms.get("supervisor") or SupervisorForm(),
        "verify_form": forms.get("verify")
        or VerifyForm(initial={"verified_on": timezone.localdate()}),
        "return_form": forms.get("return") or ReturnForm(),
        "conclude_form": forms.get("conclude") or ConcludeForm(grounds=grounds),
        "show_supervisor": can_manage and needs_supervisor and state == ReportState.SUBMITTED,
        "show_verify": can_manage
        and state == (ReportState.SUPERVISOR_PASSED if needs_supervisor else ReportState.SUBMITTED),
        "show_return": can_manage and state in actions.RETURNABLE,
        "show_conclude": can_manage and state == ReportState.VERIFIED,
    }
    return render(request, "socialorgs/inspection/report.html", context, status=status)


@require_safe
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_report(request, inspections.access_report(request.user, pk))


def _write(request: HttpRequest, pk: int, key: str, form: Any, call: Any) -> HttpResponse:
    user = request.user
    report = inspections.access_report(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    if not form.is_valid():
        return _render_report(request, report, forms={key: form}, status=422)
    done = run_action(form, call, report)
    if done is None:
        status = getattr(form, "error_status", 422)
        return _render_report(request, report, forms={key: form}, status=status)
    return redirect_after_write(request, reverse("socialorgs:inspection", args=[pk]))


@require_POST
def supervisor(request: HttpRequest, pk: int) -> HttpResponse:
    """代录业务主管单位初审 (the paper 初审's result)."""
    form = SupervisorForm(request.POST)

    def call(report: AnnualReport) -> AnnualReport:
        data = form.cleaned_data
        return actions.supervisor_review(
            report, passed=data["result"] == "pass", note=data["note"], actor=request.user
        )

    response = _write(request, pk, "supervisor", form, call)
    if response.status_code < 400:
        messages.success(request, "已记录初审结果")
    return response


@require_POST
def verify(request: HttpRequest, pk: int) -> HttpResponse:
    """记录线下核验 (who, when, findings)."""
    form = VerifyForm(request.POST)

    def call(report: AnnualReport) -> AnnualReport:
        return actions.verify_report(report, form.cleaned_data, actor=request.user)

    response = _write(request, pk, "verify", form, call)
    if response.status_code < 400:
        messages.success(request, "已记录线下核验情况")
    return response


@require_POST
def return_report(request: HttpRequest, pk: int) -> HttpResponse:
    """退回组织修改 (the reasons are shown to the organization)."""
    form = ReturnForm(request.POST)

    def call(report: AnnualReport) -> AnnualReport:
        return actions.return_report(report, form.cleaned_data["reasons"], actor=request.user)

    response = _write(request, pk, "return", form, call)
    if response.status_code < 400:
        messages.success(request, "已退回组织修改")
    return response


@require_POST
def conclude(request: HttpRequest, pk: int) -> HttpResponse:
    """作出年检结论 (基本合格/不合格 with its grounds)."""
    report = inspections.access_report(request.user, pk)
    grounds = report.plan.ground_labels() if report.plan else list(Ground.choices)
    form = ConcludeForm(request.POST, grounds=grounds)

    def call(report: AnnualReport) -> AnnualReport:
        data = form.cleaned_data
        return actions.conclude_report(
            report, data["conclusion"], grounds=data["grounds"], note=data["note"],
            actor=request.user,
        )  # fmt: skip

    response = _write(request, pk, "conclude", form, call)
    if response.status_code < 400:
        messages.success(request, "已作出年检结论")
    return response


def attachment_response(report: AnnualReport, attachment: int) -> FileResponse:
    found = report.attachments.filter(pk=attachment).first()
    if found is None:
        raise NotFound("未找到该材料")
    return download(found)


@require_safe
def attachment(request: HttpRequest, pk: int, attachment: int) -> FileResponse:
    """下载年检材料 (the report in scope)."""
    return attachment_response(inspections.access_report(request.user, pk), attachment)


# --- the years --------------------------------------------------------------------------------


def _plan_form(request: HttpRequest, data: Any = None) -> PlanForm:
    user = request.user
    regions = _regions(user, ["district", "street"])
    year = timezone.localdate().year - 1
    return PlanForm(
        data,
        regions=regions,
        initial={"year": year, "authority": _default_authority(user), "grounds": Ground.values},
    )


def _default_authority(user: Any) -> str:
    found = SocialOrg.objects.visible_to(user).values_list("registration_authority", flat=True)
    return found.first() or ""


def _render_plans(
    request: HttpRequest, *, form: PlanForm | None = None, require: RequireForm | None = None,
    status: int = 200,
) -> HttpResponse:  # fmt: skip
    user = request.user
    plans = InspectionPlan.objects.visible_to(user).order_by("-year", "authority")
    rows = [
        {"plan": plan, "required": plan.reports.count(), "grounds": plan.ground_labels()}
        for plan in plans
    ]
    return render(
        request,
        "socialorgs/inspection/plans.html",
        {
            "rows": rows,
            "form": form or _plan_form(request),
            "require_form": require or RequireForm(),
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
        status=status,
    )


@require_safe
def plans(request: HttpRequest) -> HttpResponse:
    """年检年度: each year's configuration and required set."""
    require_perm(request.user, Perm.SOCIALORGS_VIEW)
    return _render_plans(request)


@require_POST
def open_plan(request: HttpRequest) -> HttpResponse:
    """开启年检年度 (creates the required set; the button asks for confirmation first)."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = _plan_form(request, request.POST)
    if not form.is_valid():
        return _render_plans(request, form=form, status=422)
    data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
    plan = run_action(form, actions.open_year, data, actor=user)
    if plan is None:
        return _render_plans(request, form=form, status=getattr(form, "error_status", 422))
    messages.success(
        request, f"已开启{plan.year}年度年检，应参检 {plan.reports.count()} 家社会组织"
    )
    return redirect_after_write(request, reverse("socialorgs:inspection_plans"))


@require_POST
def require_org(request: HttpRequest, pk: int) -> HttpResponse:
    """补充年检对象: add a later-qualifying organization to a year's required set."""
    user = request.user
    plan = InspectionPlan.objects.visible_to(user).filter(pk=pk).first()
    if plan is None:
        raise NotFound("未找到该年检年度")
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = RequireForm(request.POST)
    if not form.is_valid():
        return _render_plans(request, require=form, status=422)
    number = form.cleaned_data["registration_number"].strip()
    so = SocialOrg.objects.visible_to(user).filter(registration_number=number).first()
    if so is None:
        form.add_error("registration_number", f"您的工作范围内没有登记证号为 {number} 的社会组织")
        return _render_plans(request, require=form, status=422)
    done = run_action(
        form, actions.require_report, plan, so, reason=form.cleaned_data["reason"], actor=user
    )
    if done is None:
        return _render_plans(request, require=form, status=getattr(form, "error_status", 422))
    messages.success(request, f"已将「{so.organization.name}」补充为{plan.year}年度年检对象")
    return redirect_after_write(request, reverse("socialorgs:inspection_plans"))


# --- 年检率 -------------------------------------------------------------------------------------


@require_safe
def rate(request: HttpRequest) -> HttpResponse:
    """年检率: completed ÷ required for a year, in total, per street and per type."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    years = inspections.report_years()
    text = request.GET.get("year", "")
    year = int(text) if text.isdigit() and int(text) in years else (years[0] if years else None)
    table = inspections.rate_table(user, year) if year else None
    return render(
        request,
        "socialorgs/inspection/rate.html",
        {"years": years, "year": year, "table": table},
    )


# --- public -----------------------------------------------------------------------------------


def _public_years() -> list[int]:
    qs = (
        AnnualReport.objects.exclude(conclusion="")
        .order_by("-year")
        .values_list("year", flat=True)
        .distinct()
    )
    return list(qs)


@login_not_required
@require_safe
def public_latest(request: HttpRequest) -> HttpResponse:
    """年检结果公告: the latest year with results."""
    years = _public_years()
    if years:
        return redirect("socialorgs_public:inspection_results", year=years[0])
    return render(
        request,
        "socialorgs/inspection/public.html",
        {"year": None, "years": [], "page": None, "counts": {}},
    )


@login_not_required
@require_safe
def public_results(request: HttpRequest, year: int) -> HttpResponse:
    """年检结果公告 for ``year``: every concluded organization (name, type, conclusion)."""
    conclusion = request.GET.get("conclusion", "")
    if conclusion not in InspectionConclusion.values:
        conclusion = ""
    qs = inspections.public_results(year, conclusion)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    counts = {
        c.label: inspections.public_results(year, c.value).count() for c in InspectionConclusion
    }
    return render(
        request,
        "socialorgs/inspection/public.html",
        {
            "year": year,
            "years": _public_years(),
            "page": page,
            "counts": counts,
            "conclusion": conclusion,
            "conclusions": InspectionConclusion.choices,
            "query": f"conclusion={conclusion}" if conclusion else "",
        },
    )
