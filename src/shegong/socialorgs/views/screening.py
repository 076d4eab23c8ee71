"""§7's pages: the screening cases (list with filters and export, registration, a case with its
visits, interviews, opinion and outcome), rounds, the visit and interview lists the year's
figures link to, and the party-building page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import fields
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.htmx import redirect_after_write
from shegong.core.paging import KeyPaginator
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import screening_queries as sq
from ..actions import screening
from ..choices import SocialOrgStatus
from ..models import Lead, LeadOutcome, LeadSource
from ..screening_forms import (
    InterviewForm,
    LeadFilterForm,
    LeadForm,
    OpinionForm,
    OutcomeForm,
    RoundForm,
    VisitForm,
)
from .files import download
from .records import PAGE_SIZE, _query, _regions

EXPORT_COLUMNS = [
    excel.Column("收到日期", 12), excel.Column("来源", 10), excel.Column("来源说明", 18),
    excel.Column("疑似组织名称", 30), excel.Column("活动地点", 30), excel.Column("区划", 14),
    excel.Column("走访次数", 8), excel.Column("约谈次数", 8), excel.Column("办理状态", 8),
    excel.Column("处置结果", 12), excel.Column("移交部门", 16), excel.Column("办结日期", 12),
    excel.Column("挽回群众损失（元）", 14),
]  # fmt: skip


def _round_choices(user: Any) -> list[tuple[str, str]]:
    return [(str(r.pk), r.name) for r in sq.rounds(user).order_by("-starts_on", "-pk")]


def _lead_filter(request: HttpRequest) -> tuple[LeadFilterForm, sq.LeadFilter]:
    user = request.user
    form = LeadFilterForm(request.GET or None, rounds=_round_choices(user))
    names = {f.name for f in fields(sq.LeadFilter)}
    values = {k: v.strip() for k, v in request.GET.items() if k in names}
    if form.is_bound and not form.is_valid():
        values = {k: v for k, v in values.items() if k not in form.errors}
    return form, sq.LeadFilter(**values)


@require_safe
def leads(request: HttpRequest) -> HttpResponse:
    """非法社会组织线索: the cases in scope, filtered by round, source, state and outcome."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form, filters = _lead_filter(request)
    qs = sq.filtered_leads(user, filters)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    for lead in page:
        lead.state = sq.state_of(lead)  # type: ignore[attr-defined]
    return render(
        request,
        "socialorgs/screening/leads.html",
        {
            "form": form, "page": page, "query": _query(request), "filters": filters,
            "recovered": sq.recovered_total(qs) if filters.recovered == "1" else None,
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
    )  # fmt: skip


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The cases as filtered, as xlsx (audited)."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    _form, filters = _lead_filter(request)
    qs = sq.filtered_leads(user, filters)

    def rows() -> Iterator[list[Any]]:
        for lead in qs.iterator(chunk_size=500):
            yield [
                lead.received_on, LeadSource(lead.source).label, lead.source_detail,
                lead.org_name, lead.place, lead.region.name, lead.n_visits, lead.n_interviews,
                sq.state_of(lead).label,
                LeadOutcome(lead.outcome).label if lead.outcome else "", lead.referred_to,
                lead.outcome_on, float(lead.losses_recovered),
            ]  # fmt: skip

    used = {k: v for k, v in vars(filters).items() if v}
    return audited_xlsx(
        user, verb=Verb.SCREENING_EXPORTED, table="socialorgs_screening",
        title="非法社会组织线索", columns=EXPORT_COLUMNS, rows=rows(), filters=used,
    )  # fmt: skip


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """登记线索."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    regions = _regions(user, ["street", "community", "grid"])
    if request.method in ("GET", "HEAD"):
        form = LeadForm(regions=regions)
        return render(request, "socialorgs/screening/lead_form.html", {"form": form})
    form = LeadForm(request.POST, regions=regions)
    lead = None
    if form.is_valid():
        lead = run_action(form, screening.file_lead, dict(form.cleaned_data), actor=user)
    if lead is None:
        status = getattr(form, "error_status", 422)
        return render(request, "socialorgs/screening/lead_form.html", {"form": form}, status=status)
    messages.success(request, f"已登记线索「{lead.org_name}」")
    return redirect_after_write(request, reverse("socialorgs:screening_lead", args=[lead.pk]))


def _render_lead(
    request: HttpRequest, lead: Lead, *, status: int = 200, **forms: Any
) -> HttpResponse:
    user = request.user
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    rounds = _round_choices(user)
    interviews = [
        {
            "interview": i,
            "people": i.people if reveal else [mask_name(p) for p in i.people],
            "attachments": list(i.attachments.all()),
        }
        for i in lead.interviews.order_by("-interviewed_on", "-pk")
    ]
    context = {
        "lead": lead,
        "state": sq.state_of(lead),
        "visits": lead.visits.select_related("round").order_by("-visited_on", "-pk"),
        "interviews": interviews,
        "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        "visit_form": forms.get("visit_form") or VisitForm(rounds=rounds),
        "interview_form": forms.get("interview_form") or InterviewForm(),
        "opinion_form": forms.get("opinion_form") or OpinionForm(initial={"opinion": lead.opinion}),
        "outcome_form": forms.get("outcome_form") or OutcomeForm(),
    }
    return render(request, "socialorgs/screening/lead.html", context, status=status)


@require_safe
def lead(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_lead(request, sq.access_lead(request.user, pk))


def _write(
    request: HttpRequest, pk: int, form_name: str, form: Any, action: Any, *, done: str,
    anchor: str,
) -> HttpResponse:  # fmt: skip
    """Run one of a case's forms: 422 with the message beside the field, or back to the case."""
    user = request.user
    found = sq.access_lead(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    result = None
    if form.is_valid():
        data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
        files = data.pop("files", [])
        kwargs: dict[str, Any] = {"actor": user}
        if files:
            kwargs["files"] = files
        result = run_action(form, action, found, data, **kwargs)
    if result is None:
        status = getattr(form, "error_status", 422)
        return _render_lead(request, found, status=status, **{form_name: form})
    messages.success(request, done)
    url = reverse("socialorgs:screening_lead", args=[pk]) + f"#{anchor}"
    return redirect_after_write(request, url)


@require_POST
def visit(request: HttpRequest, pk: int) -> HttpResponse:
    """记录走访."""
    form = VisitForm(request.POST, rounds=_round_choices(request.user))
    return _visit(request, pk, form)


def _visit(request: HttpRequest, pk: int, form: VisitForm) -> HttpResponse:
    user = request.user
    found = sq.access_lead(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    result = None
    if form.is_valid():
        data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
        result = run_action(form, screening.record_visit, data, actor=user, lead=found)
    if result is None:
        status = getattr(form, "error_status", 422)
        return _render_lead(request, found, status=status, visit_form=form)
    messages.success(request, "已记录走访")
    url = reverse("socialorgs:screening_lead", args=[pk]) + "#visits"
    return redirect_after_write(request, url)


@require_POST
def interview(request: HttpRequest, pk: int) -> HttpResponse:
    """记录约谈 (attachments optional)."""
    form = InterviewForm(request.POST, request.FILES)
    return _write(
        request, pk, "interview_form", form, screening.record_interview,
        done="已记录约谈", anchor="interviews",
    )  # fmt: skip


@require_POST
def opinion(request: HttpRequest, pk: int) -> HttpResponse:
    """提出处置意见."""
    form = OpinionForm(request.POST)
    return _write(
        request, pk, "opinion_form", form, screening.give_opinion,
        done="已保存处置意见", anchor="opinion",
    )  # fmt: skip


@require_POST
def outcome(request: HttpRequest, pk: int) -> HttpResponse:
    """作出处置结果 (the button asks for confirmation first; final)."""
    form = OutcomeForm(request.POST)
    return _write(
        request, pk, "outcome_form", form, screening.decide_outcome,
        done="已办结该线索", anchor="outcome",
    )  # fmt: skip


@require_safe
def attachment(request: HttpRequest, pk: int) -> FileResponse:
    """An interview's attachment, for a reader who may see its case."""
    return download(sq.access_attachment(request.user, pk))


@require_http_methods(["GET", "HEAD", "POST"])
def rounds(request: HttpRequest) -> HttpResponse:
    """排查轮次: the rounds (``?year=``) with their visits; a registrar opens a new one."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    regions = _regions(user, ["district", "street", "community"])
    form = RoundForm(regions=regions)
    status = 200
    if request.method == "POST":
        require_perm(user, Perm.SOCIALORGS_MANAGE)
        form = RoundForm(request.POST, regions=regions)
        found = None
        if form.is_valid():
            data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items()}
            found = run_action(form, screening.create_round, data, actor=user)
        if found is not None:
            messages.success(request, f"已新建排查轮次「{found.name}」")
            return redirect_after_write(request, reverse("socialorgs:screening_rounds"))
        status = getattr(form, "error_status", 422)
    year = request.GET.get("year", "").strip()
    qs = sq.rounds(user).order_by("-starts_on", "-pk")
    if year.isdigit():
        qs = qs.filter(starts_on__year=int(year))
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "socialorgs/screening/rounds.html",
        {"page": page, "form": form, "year": year, "query": _query(request),
         "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE)},
        status=status,
    )  # fmt: skip


@require_safe
def visit_list(request: HttpRequest) -> HttpResponse:
    """排查走访 (``?year=``, ``?round=``): the list the year's visit figure counts."""
    user = request.user
    year, round_ = request.GET.get("year", "").strip(), request.GET.get("round", "").strip()
    qs = sq.visits(user, year=year, round=round_)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request, "socialorgs/screening/visits.html",
        {"page": page, "year": year, "query": _query(request)},
    )  # fmt: skip


@require_safe
def interview_list(request: HttpRequest) -> HttpResponse:
    """约谈 (``?year=``): the list the year's interview figure counts."""
    user = request.user
    year = request.GET.get("year", "").strip()
    qs = sq.interviews(user, year=year)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    rows = [
        {"interview": i, "people": i.people if reveal else [mask_name(p) for p in i.people]}
        for i in page
    ]
    return render(
        request, "socialorgs/screening/interviews.html",
        {"page": page, "rows": rows, "year": year, "query": _query(request)},
    )  # fmt: skip


PARTY_LISTS = {
    sq.PARTY_WITH: "党建入章的社会组织",
    sq.PARTY_WITHOUT: "未党建入章的社会组织",
    sq.GUIDED: "党建指导员指导的社会组织",
    sq.INSTRUCTORS: "党建指导员",
    sq.SHOULD_ESTABLISH: "应建未建党组织的社会组织",
}


@require_safe
def party(request: HttpRequest) -> HttpResponse:
    """党建工作: 党建入章 or not, instructors and the organizations they guide (with the ledger's
    visits), 应建未建; ``?show=`` picks the list, ``?status=`` filters 党建入章 lists."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    show = request.GET.get("show", sq.PARTY_WITH)
    if show not in PARTY_LISTS:
        show = sq.PARTY_WITH
    status = request.GET.get("status", "")
    status = status if status in SocialOrgStatus.values else ""
    sort = request.GET.get("sort", "")
    n_instructors, n_guided = sq.instructor_figures(user)
    charters = sq.charter_figures(user, status)
    figures = [
        (sq.PARTY_WITH, charters[sq.PARTY_WITH], "家"),
        (sq.PARTY_WITHOUT, charters[sq.PARTY_WITHOUT], "家"),
        (sq.INSTRUCTORS, n_instructors, "人"),
        (sq.GUIDED, n_guided, "家"),
        (sq.SHOULD_ESTABLISH, sq.should_establish(user).count(), "家"),
    ]
    rows: Any
    if show == sq.INSTRUCTORS:
        rows = sq.instructors(user)
    elif show == sq.GUIDED:
        rows = sq.guided_orgs(user)
    elif show == sq.SHOULD_ESTABLISH:
        rows = sq.should_establish(user, sort=sort)
    else:
        rows = sq.party_charter_list(user, show, status=status, sort=sort)
    # 党建入章 lists run to every organization: their totals were counted with the figures (the
    # same filter), and a page reads its rows by key (core.paging).
    if show in (sq.PARTY_WITH, sq.PARTY_WITHOUT):
        paginator: Paginator = KeyPaginator(rows, PAGE_SIZE, count=charters[f"{show}_status"])
    else:
        paginator = Paginator(rows, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    chart = {
        "labels": ["党建入章", "未党建入章"],
        "values": [figures[0][1], figures[1][1]],
    }
    return render(
        request, "socialorgs/screening/party.html",
        {
            "figures": [
                {"key": k, "label": PARTY_LISTS[k], "count": n, "unit": u,
                 "url": reverse("socialorgs:party") + f"?show={k}"}
                for k, n, u in figures
            ],
            "show": show, "title": PARTY_LISTS[show], "page": page, "query": _query(request),
            "status": status, "statuses": SocialOrgStatus.choices, "chart": chart,
        },
    )  # fmt: skip
