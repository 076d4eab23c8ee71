"""§5's pages: the term, extension, 换届 and dormant lists (filters, Excel export), the
organization card's forms, and the portal's 换届 page."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.exports import audited_xlsx
from shegong.web.forms import StyledForm, run_action

from .. import queries, terms
from ..actions import election as actions
from ..choices import SocialOrgType
from ..election_registry import dormant_list, election_list, extension_list, term_list
from ..forms import (
    BLANK,
    CloseCaseForm,
    DecisionForm,
    ExtensionForm,
    RectifiedForm,
    RectifyForm,
    StepForm,
)
from ..models import DormantCase, DormantState, Election, ExtensionState, StepKind, TermExtension
from ..portal import portal_org

PAGE_SIZE = 20


class ListFilter(StyledForm):
    state = forms.ChoiceField(label="状态", required=False)
    year = forms.IntegerField(
        label="完成年度",
        required=False,
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位数字"},
    )
    org_type = forms.ChoiceField(
        label="类型", required=False, choices=BLANK + SocialOrgType.choices
    )

    def __init__(self, *args: Any, states: list[tuple[str, str]], fields: Iterable[str], **kw: Any):
        super().__init__(*args, **kw)
        self.fields["state"].choices = states
        for name in list(self.fields):
            if name not in fields:
                del self.fields[name]


def _cleaned(form: ListFilter) -> dict[str, Any]:
    if form.is_valid():
        return {k: v for k, v in form.cleaned_data.items() if v}
    return {}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _list_page(
    request: HttpRequest,
    *,
    title: str,
    form: ListFilter,
    qs: Any,
    columns: list[str],
    row: Callable[[Any], list[Any]],
    export_name: str,
    link: Callable[[Any], str],
) -> HttpResponse:
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/election_list.html",
        {
            "title": title,
            "form": form,
            "page": page,
            "columns": columns,
            "rows": [(link(obj), row(obj)) for obj in page],
            "query": _query(request),
            "export_url": (
                reverse(export_name) + (f"?{_query(request)}" if _query(request) else "")
            )
            if export_name
            else "",
            "reset_url": request.path,
            "detect": export_name == "socialorgs:dormant_export"
            and request.user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
    )


def _export(
    user: Any,
    *,
    verb: Verb,
    table: str,
    title: str,
    columns: list[str],
    qs: Any,
    row: Callable[[Any], list[Any]],
    filters: dict[str, Any],
) -> HttpResponse:
    return audited_xlsx(
        user,
        verb=verb,
        table=table,
        title=title,
        columns=[excel.Column("名称", 36)] + [excel.Column(c, 16) for c in columns[1:]],
        rows=(row(o) for o in qs.iterator(chunk_size=500)),
        filters=filters,
    )


def _d(value: date | None) -> str:
    return value.isoformat() if value else ""


# --- terms -----------------------------------------------------------------------------------

TERM_FILTER = [
    ("late", "逾期未换届（含严重逾期）"),
    ("due6", "届满前6个月"),
    ("due3", "届满前3个月"),
    ("overdue", "逾期未换届（1年内）"),
    ("serious", "严重逾期"),
    ("extended", "已批准延期"),
    ("normal", "正常"),
]
TERM_COLUMNS = ["名称", "类型", "区划", "本届起始", "任期届满"]


def _term_row(so: Any) -> list[Any]:
    return [
        so.organization.name,
        SocialOrgType(so.org_type).label,
        so.organization.region.name,
        _d(so.term_start),
        _d(so.term_end),
    ]


def _term_qs(request: HttpRequest) -> tuple[ListFilter, Any, dict[str, Any]]:
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ListFilter(
        request.GET or {"state": "late"}, states=TERM_FILTER, fields=["state", "org_type"]
    )
    filters = _cleaned(form)
    qs = term_list(user, filters.get("state") or "late")
    if filters.get("org_type"):
        qs = qs.filter(org_type=filters["org_type"])
    return form, qs, filters


@require_safe
def terms_page(request: HttpRequest) -> HttpResponse:
    """任期与换届提醒: organizations by term state."""
    form, qs, _ = _term_qs(request)
    return _list_page(
        request,
        title="任期届满与逾期换届",
        form=form,
        qs=qs,
        columns=TERM_COLUMNS,
        row=_term_row,
        export_name="socialorgs:election_terms_export",
        link=lambda so: reverse("socialorgs:detail", args=[so.pk]) + "#election",
    )


@require_safe
def terms_export(request: HttpRequest) -> HttpResponse:
    _, qs, filters = _term_qs(request)
    return _export(
        request.user,
        verb=Verb.ELECTIONS_EXPORTED,
        table="socialorgs_terms",
        title="任期届满名单",
        columns=TERM_COLUMNS,
        qs=qs,
        row=_term_row,
        filters=filters,
    )


# --- 换届 -------------------------------------------------------------------------------------

ELECTION_COLUMNS = ["名称", "类型", "区划", "启动日期", "当前步骤", "完成日期", "新一届起始"]


def _election_row(e: Election) -> list[Any]:
    done = [s.kind for s in e.steps.all()]
    step = StepKind(done[-1]).label if done else "已启动"
    return [
        e.social_org.organization.name,
        SocialOrgType(e.social_org.org_type).label,
        e.social_org.organization.region.name,
        _d(e.opened_on),
        step,
        _d(e.completed_on),
        _d(e.new_term_start),
    ]


def _election_qs(request: HttpRequest) -> tuple[ListFilter, Any, dict[str, Any]]:
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ListFilter(
        request.GET,
        states=[("", "全部"), ("open", "进行中"), ("completed", "已完成")],
        fields=["state", "year", "org_type"],
    )
    f = _cleaned(form)
    qs = election_list(user, f.get("state", ""), f.get("year"), f.get("org_type", ""))
    return form, qs.prefetch_related("steps"), f


@require_safe
def elections_page(request: HttpRequest) -> HttpResponse:
    """换届名单: in progress or completed (in a year)."""
    form, qs, _ = _election_qs(request)
    return _list_page(
        request,
        title="换届名单",
        form=form,
        qs=qs,
        columns=ELECTION_COLUMNS,
        row=_election_row,
        export_name="socialorgs:election_list_export",
        link=lambda e: reverse("socialorgs:detail", args=[e.social_org_id]) + "#election",
    )


@require_safe
def elections_export(request: HttpRequest) -> HttpResponse:
    _, qs, filters = _election_qs(request)
    return _export(
        request.user,
        verb=Verb.ELECTIONS_EXPORTED,
        table="socialorgs_elections",
        title="换届名单",
        columns=ELECTION_COLUMNS,
        qs=qs,
        row=_election_row,
        filters=filters,
    )


# --- extensions ------------------------------------------------------------------------------

EXTENSION_COLUMNS = ["名称", "原届满日期", "申请延期至", "理由", "状态", "申请时间"]


def _extension_row(x: TermExtension) -> list[Any]:
    return [
        x.social_org.organization.name,
        _d(x.term_end),
        _d(x.new_date),
        x.reason,
        ExtensionState(x.state).label,
        x.requested_at.strftime("%Y-%m-%d"),
    ]


@require_safe
def extensions_page(request: HttpRequest) -> HttpResponse:
    """延期换届申请."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ListFilter(request.GET, states=BLANK + ExtensionState.choices, fields=["state"])
    qs = extension_list(user, _cleaned(form).get("state", ""))
    return _list_page(
        request,
        title="延期换届申请",
        form=form,
        qs=qs,
        columns=EXTENSION_COLUMNS,
        row=_extension_row,
        export_name="",
        link=lambda x: reverse("socialorgs:detail", args=[x.social_org_id]) + "#election",
    )


# --- dormant ---------------------------------------------------------------------------------

DORMANT_FILTER = [
    ("", "全部"),
    ("todo", "待处置（含限期整改中）"),
    ("notice", "公告期内"),
    ("notice_due", "公告期满待决定"),
    ("cleared", "已清理"),
    ("concluded", "已结案（已清理或整改完成）"),
    ("open", "未结案"),
]
DORMANT_COLUMNS = [
    "名称",
    "区划",
    "发现日期",
    "认定情形",
    "处置状态",
    "公告期满",
    "处置结果",
    "结案日期",
]


def _dormant_row(c: DormantCase) -> list[Any]:
    return [
        c.social_org.organization.name,
        c.social_org.organization.region.name,
        _d(c.opened_on),
        "、".join(c.ground_labels),
        DormantState(c.state).label,
        _d(c.notice_ends_on),
        c.get_outcome_display(),
        _d(c.closed_on),
    ]


def _dormant_qs(request: HttpRequest) -> tuple[ListFilter, Any, dict[str, Any]]:
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = ListFilter(request.GET, states=DORMANT_FILTER, fields=["state", "year"])
    f = _cleaned(form)
    return form, dormant_list(user, f.get("state", ""), f.get("year")), f


@require_safe
def dormant_page(request: HttpRequest) -> HttpResponse:
    """僵尸型社会组织: the cases and their outcomes."""
    form, qs, _ = _dormant_qs(request)
    return _list_page(
        request,
        title="僵尸型社会组织",
        form=form,
        qs=qs,
        columns=DORMANT_COLUMNS,
        row=_dormant_row,
        export_name="socialorgs:dormant_export",
        link=lambda c: reverse("socialorgs:detail", args=[c.social_org_id]) + "#election",
    )


@require_safe
def dormant_export(request: HttpRequest) -> HttpResponse:
    _, qs, filters = _dormant_qs(request)
    return _export(
        request.user,
        verb=Verb.DORMANT_CASES_EXPORTED,
        table="socialorgs_dormant",
        title="僵尸型社会组织",
        columns=DORMANT_COLUMNS,
        qs=qs,
        row=_dormant_row,
        filters=filters,
    )


@require_POST
def detect(request: HttpRequest) -> HttpResponse:
    """排查僵尸型社会组织 (the button runs the daily scan's detection in the user's scope)."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    opened = actions.run_detection(actor=user)
    messages.success(request, f"排查完成，新发现{len(opened)}家疑似僵尸型社会组织")
    return redirect_after_write(request, reverse("socialorgs:dormant_list") + "?state=todo")


# --- the card's forms ------------------------------------------------------------------------


def _form_page(
    request: HttpRequest, so: Any, form: forms.Form, title: str, status: int
) -> HttpResponse:
    return render(
        request,
        "socialorgs/election_form.html",
        {"so": so, "form": form, "title": title},
        status=status,
    )


def _back(pk: int, request: HttpRequest) -> HttpResponse:
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]) + "#election")


def _post(
    request: HttpRequest,
    so: Any,
    form: forms.Form,
    title: str,
    call: Callable[[dict], Any],
    done: str,
) -> HttpResponse:
    if not form.is_valid():
        return _form_page(request, so, form, title, 422)
    data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
    result = run_action(form, call, data)
    if result is None:
        return _form_page(request, so, form, title, getattr(form, "error_status", 422))
    messages.success(request, done)
    return _back(so.pk, request)


def _manage(request: HttpRequest, pk: int) -> Any:
    so = queries.access_social_org(request.user, pk)  # another street's: 404 before the 403
    require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    return so


@require_POST
def open_election(request: HttpRequest, pk: int) -> HttpResponse:
    so = _manage(request, pk)
    form = StyledForm(request.POST)
    return _post(
        request,
        so,
        form,
        "启动换届",
        lambda d: actions.open_election(so, actor=request.user),
        "已启动换届，请按筹备、选举、备案的顺序登记各步骤",
    )


@require_POST
def record_step(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    user = request.user
    election = Election.objects.visible_to(user).filter(pk=pk).select_related("social_org").first()
    if election is None:
        raise NotFound("未找到该换届，或您无权查看")
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    so = election.social_org
    label = dict(StepKind.choices).get(kind, "换届步骤")
    return _post(
        request,
        so,
        StepForm(request.POST),
        f"登记：{label}",
        lambda d: actions.record_step(election, kind, d, actor=user),
        f"已登记：{label}",
    )


@require_POST
def request_extension(request: HttpRequest, pk: int) -> HttpResponse:
    so = _manage(request, pk)
    return _post(
        request,
        so,
        ExtensionForm(request.POST),
        "延期换届申请",
        lambda d: actions.request_extension(so, d, actor=request.user),
        "已登记延期换届申请",
    )


@require_POST
def decide_extension(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    ext = TermExtension.objects.visible_to(user).filter(pk=pk).select_related("social_org").first()
    if ext is None:
        raise NotFound("未找到该延期换届申请，或您无权查看")
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    return _post(
        request,
        ext.social_org,
        DecisionForm(request.POST),
        "审批延期换届",
        lambda d: actions.decide_extension(
            ext, approve=d["decision"] == "approve", note=d["note"], actor=user
        ),
        "已审批延期换届申请",
    )


def _dormant_case(request: HttpRequest, pk: int) -> DormantCase:
    case = (
        DormantCase.objects.visible_to(request.user)
        .filter(pk=pk)
        .select_related("social_org")
        .first()
    )
    if case is None:
        raise NotFound(actions.CASE_NOT_FOUND)
    require_perm(request.user, Perm.SOCIALORGS_MANAGE)
    return case


@require_POST
def dormant_rectify(request: HttpRequest, pk: int) -> HttpResponse:
    case = _dormant_case(request, pk)
    return _post(
        request,
        case.social_org,
        RectifyForm(request.POST),
        "责令限期整改",
        lambda d: actions.order_rectification(case, d, actor=request.user),
        "已责令限期整改",
    )


@require_POST
def dormant_rectified(request: HttpRequest, pk: int) -> HttpResponse:
    case = _dormant_case(request, pk)
    return _post(
        request,
        case.social_org,
        RectifiedForm(request.POST),
        "整改完成",
        lambda d: actions.mark_rectified(case, d, actor=request.user),
        "已登记整改完成，案件结案",
    )


@require_POST
def dormant_notice(request: HttpRequest, pk: int) -> HttpResponse:
    case = _dormant_case(request, pk)
    return _post(
        request,
        case.social_org,
        StyledForm(request.POST),
        "发布拟撤销登记公告",
        lambda d: actions.publish_strike_off_notice(case, actor=request.user),
        "已发布拟撤销登记公告，公告期60日",
    )


@require_POST
def dormant_close(request: HttpRequest, pk: int) -> HttpResponse:
    case = _dormant_case(request, pk)

    def call(d: dict) -> Any:
        if d["outcome"] == "deregistered":
            return actions.deregister_dormant(case, d, actor=request.user)
        return actions.strike_off(case, d, actor=request.user)

    return _post(
        request,
        case.social_org,
        CloseCaseForm(request.POST),
        "作出处置决定",
        call,
        "已作出处置决定，该组织已清理",
    )


# --- the portal ------------------------------------------------------------------------------


@require_http_methods(["GET", "HEAD", "POST"])
def portal_election(request: HttpRequest) -> HttpResponse:
    """本组织 · 换届: the term, the checklist so far, and the extension request."""
    so = portal_org(request.user)
    form = ExtensionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
            if run_action(form, actions.request_extension, so, data, actor=request.user):
                messages.success(request, "已提交延期换届申请，请等待登记管理机关审批")
                return redirect_after_write(request, reverse("socialorgs:portal_election"))
        status = getattr(form, "error_status", 422)
    state = terms.term_state(so)
    election = so.elections.order_by("-opened_on", "-pk").first()
    return render(
        request,
        "socialorgs/portal_election.html",
        {
            "so": so,
            "form": form,
            "term_label": terms.TERM_STATES.get(state, "未登记任期"),
            "election": election,
            "steps": list(election.steps.all()) if election else [],
            "extensions": list(so.term_extensions.order_by("-requested_at")),
        },
        status=status,
    )
