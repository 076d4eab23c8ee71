"""Pages of service hours, certificates and statistics.

Staff and team leaders (/volunteers/): the review queue of the teams the caller runs with bulk
approval behind a confirmation, decline with a note, correction of an approved record, paper
records (补录) and transfers (转入); certificates (issue, revoke, PDF); statistics with ECharts
and an Excel export. Volunteers (/m/volunteer/hours/): my records, total, star, next star, my
certificates, and the request for one (申请记录证明: the team, the period, the purpose;
withdrawn while it waits). The workbench's certificate page queues the requests of the
caller's teams, oldest first: 出具 opens the issue form filled from the request, 不予出具 asks
for a reason.
The public new-star list and certificate check are in ``views.public``.

Thin adapters (STYLE.md rule 11): find the object among those the caller may see (another
team's is the same 404 as a missing one), parse the form, call ONE action, render.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.downloads import content_disposition
from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.volunteers import stars
from shegong.volunteers.actions import certificate_requests, certificates, hours
from shegong.volunteers.choices import CertificateRequestStatus, RecordKind, RecordStatus
from shegong.volunteers.forms.hours import (
    ALL,
    AdjustForm,
    CertificateRequestForm,
    DeclineForm,
    FilterForm,
    IssueForm,
    ManualForm,
    NoteForm,
    ObjectionAnswerForm,
    ObjectionForm,
    RequestDeclineForm,
    RevokeForm,
    TransferForm,
    YearForm,
)
from shegong.volunteers.models import (
    ZERO,
    Certificate,
    CertificateRequest,
    ServiceRecord,
    Volunteer,
)
from shegong.volunteers.queries import access, statistics
from shegong.volunteers.queries import certificates as certificate_queries
from shegong.volunteers.queries import disputes as dispute_queries
from shegong.volunteers.queries import hours as hours_queries
from shegong.volunteers.views import issuers as issuer_views
from shegong.volunteers.views import training as training_views
from shegong.web.forms import run_action

LIST_LIMIT = 200
RECORDS_PAGE = 50  # the records and certificates lists
PERSON_SECRETS = ("volunteer__person__id_number", "volunteer__person__id_number_index")


# --- what the forms offer ---------------------------------------------------------------------


def _team_choices(user: Any) -> list[tuple[int, str]]:
    return [
        (t.pk, t.name)
        for t in access.teams_run_by(user).order_by("name", "pk").only("pk", "name")[:LIST_LIMIT]
    ]


def _activity_choices(user: Any) -> list[tuple[int, str]]:
    rows = (
        access.activities_run_by(user)
        .select_related("team")
        .order_by("-starts_at", "-pk")
        .only("pk", "title", "starts_at", "team__name")[:LIST_LIMIT]
    )
    return [
        (a.pk, f"{timezone.localtime(a.starts_at):%Y-%m-%d} {a.title}（{a.team.name}）")
        for a in rows
    ]


def _volunteer_by_number(form: forms.Form, field: str = "number") -> Volunteer | None:
    number = (form.cleaned_data.get(field) or "").strip()
    found = Volunteer.objects.select_related("person").filter(number=number).first()
    if found is None:
        form.add_error(field, "未找到该志愿者编号，请核对")
    return found


# --- helpers ----------------------------------------------------------------------------------


def _without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def _records(qs: Any) -> Any:
    return qs.defer(*PERSON_SECRETS)


# --- the review queue -------------------------------------------------------------------------


@require_safe
def records(request: HttpRequest) -> HttpResponse:
    """服务时长审核: the records of the teams the caller runs, pending first."""
    user = request.user
    access.require_runner(user)
    teams = _team_choices(user)
    activities = _activity_choices(user)
    form = FilterForm(request.GET or None, teams=teams, activities=activities)
    filters: dict[str, Any] = {"status": RecordStatus.PENDING}
    status = 200
    if form.is_bound:
        if form.is_valid():
            data = form.cleaned_data
            chosen = data.get("status") or RecordStatus.PENDING
            filters = {
                "team": data.get("team"), "activity": data.get("activity"),
                "status": None if chosen == ALL else chosen, "date_from": data.get("date_from"),
                "date_to": data.get("date_to"),
                "auto_closed": True if data.get("auto_closed") else None,
                "volunteer_number": data.get("number") or "", "sort": data.get("sort") or "",
            }  # fmt: skip
        else:
            status = 422
    qs = (
        _records(hours_queries.queue(user, **filters))
        if status == 200
        else ServiceRecord.objects.none()
    )
    page = Paginator(qs, RECORDS_PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    context = {
        "form": form,
        "rows": rows,
        "page": page,
        "query": _without_page(request),
        "pending_view": filters.get("status") == RecordStatus.PENDING,
        # The export takes the same filters, and so exports what the list shows.
        "export_query": request.GET.urlencode(),
        "has_teams": bool(teams),
        "note_form": NoteForm(),
    }
    return render(request, "volunteers/records_list.html", context, status=status)


def _selected_ids(request: HttpRequest) -> list[int]:
    return [int(v) for v in request.POST.getlist("ids") if v.strip().isdigit()][: hours.BULK_MAX]


@require_POST
def records_approve(request: HttpRequest) -> HttpResponse:
    """批量确认: the first post shows what will be approved; the confirmed post approves."""
    user = request.user
    access.require_runner(user)
    ids = _selected_ids(request)
    if not ids:
        messages.error(request, "请先勾选要确认的记录")
        return redirect_after_write(request, reverse("volunteers:records"))
    form = NoteForm(request.POST)
    form.is_valid()
    chosen = list(_records(hours_queries.queue(user, status=None).filter(pk__in=ids)))
    if len(chosen) != len(set(ids)):
        raise NotFound(access.RECORD_NOT_FOUND)
    status = 200
    if request.POST.get("confirm") == "1" and form.is_valid():
        done = run_action(
            form, hours.approve_many,
            ids, user, form.cleaned_data.get("note", ""),
            evaluation=form.cleaned_data.get("evaluation", ""),
        )  # fmt: skip
        if form.errors:
            status = form.error_status
        else:
            total = sum((r.hours for r in done), start=ZERO)
            messages.success(request, f"已确认 {len(done)} 条记录，共 {total} 小时")
            return redirect_after_write(request, reverse("volunteers:records"))
    total = sum((r.hours for r in chosen), start=ZERO)
    context = {"rows": chosen, "total": total, "form": form}
    return render(request, "volunteers/records_confirm.html", context, status=status)


def _render_record(
    request: HttpRequest, record: ServiceRecord, *, decline_form: Any = None,
    adjust_form: Any = None, status: int = 200,
) -> HttpResponse:  # fmt: skip
    corrections = list(
        record.corrections.select_related("reviewed_by").order_by("created_at", "pk")
    )
    corrected = (
        hours_queries.corrected_hours(record) if record.status == RecordStatus.APPROVED else None
    )
    adjustable = record.status == RecordStatus.APPROVED and record.kind != RecordKind.ADJUSTMENT
    context = {
        "record": record,
        "corrections": corrections,
        "corrected": corrected,
        "pending": record.status == RecordStatus.PENDING,
        "adjustable": adjustable,
        "decline_form": decline_form or DeclineForm(prefix="decline"),
        "adjust_form": adjust_form or AdjustForm(prefix="adjust"),
        "note_form": NoteForm(),
    }
    return render(request, "volunteers/records_detail.html", context, status=status)


def _record(user: Any, pk: int) -> ServiceRecord:
    found = access.access_record(user, pk)
    return (
        ServiceRecord.objects.select_related(
            "volunteer__person", "team", "activity", "corrects", "recorded_by", "reviewed_by"
        )
        .defer(*PERSON_SECRETS)
        .get(pk=found.pk)
    )


@require_safe
def record(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_record(request, _record(request.user, pk))


@require_POST
def record_approve(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = _record(user, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            hours.approve(
                found, user, form.cleaned_data.get("note", ""),
                evaluation=form.cleaned_data.get("evaluation", ""),
            )  # fmt: skip
        except DomainError as exc:
            messages.error(request, exc.detail)
            return _render_record(request, _record(user, pk), status=exc.status)
        messages.success(request, f"已确认 {found.hours} 小时")
        return redirect_after_write(request, reverse("volunteers:record", args=[pk]))
    return _render_record(request, found, status=422)


@require_POST
def record_decline(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = _record(user, pk)
    form = DeclineForm(request.POST, prefix="decline")
    if form.is_valid():
        run_action(form, hours.decline, found, user, form.cleaned_data["note"])
        if form.errors:
            return _render_record(request, found, decline_form=form, status=form.error_status)
        messages.success(request, "已退回该记录（不予确认）")
        return redirect_after_write(request, reverse("volunteers:record", args=[pk]))
    return _render_record(request, found, decline_form=form, status=422)


@require_POST
def record_adjust(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = _record(user, pk)
    form = AdjustForm(request.POST, prefix="adjust")
    if form.is_valid():
        data = form.cleaned_data
        correction = run_action(
            form, hours.adjust, found, user, data["hours_delta"], data["reason"]
        )
        if form.errors:
            return _render_record(request, found, adjust_form=form, status=form.error_status)
        messages.success(request, f"已更正 {correction.hours:+} 小时")
        return redirect_after_write(request, reverse("volunteers:record", args=[pk]))
    return _render_record(request, found, adjust_form=form, status=422)


def _entry(request: HttpRequest, *, transfer: bool) -> HttpResponse:
    user = request.user
    access.require_runner(user)
    teams = _team_choices(user)
    kwargs: dict[str, Any] = {"teams": teams}
    if not transfer:
        kwargs["activities"] = _activity_choices(user)
    form_class = TransferForm if transfer else ManualForm
    form = form_class(request.POST or None, **kwargs)
    status = 200
    if request.method == "POST":
        status = 422
        volunteer = _volunteer_by_number(form) if form.is_valid() else None
        if volunteer is not None:
            data = form.cleaned_data
            common = {"actor": user, "served_on": data["served_on"], "hours": data["hours"],
                      "content": data["content"], "service_kind": data["service_kind"]}  # fmt: skip
            if transfer:
                action = hours.transfer_in
                extra = {"source_organization": data["source_organization"],
                         "proof_note": data["proof_note"]}  # fmt: skip
            else:
                action = hours.enter_manual
                extra = {"reason": data["reason"], "activity": data.get("activity")}
            created = run_action(
                form, action, volunteer, data["team"], **extra, **common,
                field_map={"volunteer": "number"},
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            else:
                what = "转入" if transfer else "补录"
                messages.success(
                    request,
                    f"已{what} {volunteer.person.name_masked} {created.hours} 小时，待审核确认",
                )
                url = reverse("volunteers:record", args=[created.pk])
                return redirect_after_write(request, url)
    context = {"form": form, "transfer": transfer, "has_teams": bool(teams)}
    return render(request, "volunteers/records_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def record_new(request: HttpRequest) -> HttpResponse:
    """补录: a paper record entered by the team, pending review."""
    return _entry(request, transfer=False)


@require_http_methods(["GET", "HEAD", "POST"])
def record_transfer(request: HttpRequest) -> HttpResponse:
    """转入: service recorded by another organisation, with its proof."""
    return _entry(request, transfer=True)


# --- certificates -----------------------------------------------------------------------------


@require_safe
def certificate_list(request: HttpRequest) -> HttpResponse:
    """记录证明: the certificates of the teams the caller runs or sees."""
    user = request.user
    access.require_runner(user)
    number = (request.GET.get("number") or "").strip()[:20]
    qs = (
        certificate_queries.certificates_visible_to(user)
        .select_related("volunteer__person", "team")
        .defer(*PERSON_SECRETS)
        .order_by("-issued_at", "-pk")
    )
    if number:
        qs = qs.filter(volunteer__number=number)
    waiting = certificate_queries.queue(user)
    page = Paginator(qs, RECORDS_PAGE).get_page(request.GET.get("page"))
    context = {
        "rows": list(page.object_list),
        "page": page,
        "query": _without_page(request),
        "number": number,
        "can_issue": access.teams_run_by(user).exists(),
        "can_manage": user.has_perm_in_scope(Perm.VOLUNTEERS_MANAGE),
        "requests": list(waiting[:LIST_LIMIT]),
        "request_count": waiting.count(),
        "in_publicity": list(
            certificate_queries.requests_run_by(user)
            .filter(status__in=(CertificateRequestStatus.PUBLICITY, CertificateRequestStatus.HELD))
            .select_related("volunteer__person", "team")
            .defer(*PERSON_SECRETS)
            .order_by("publicity_ends_at", "pk")[:LIST_LIMIT]
        ),
    }
    return render(request, "volunteers/certificate_list.html", context)


@require_POST
def certificate_request_approve(request: HttpRequest, pk: int) -> HttpResponse:
    """受理: the request goes to the internal 公示 (refused, with what to do, when the team has
    no 依法设立 issuer with a seal and both names)."""
    user = request.user
    found = certificate_queries.access_request(user, pk)
    try:
        done = certificate_requests.approve_request(found, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect_after_write(request, reverse("volunteers:certificates"))
    ends = timezone.localtime(done.publicity_ends_at)
    messages.success(
        request,
        f"已受理 {found.volunteer.person.name_masked} 的申请，内部公示至 {ends:%Y-%m-%d} 24:00",
    )
    return redirect_after_write(request, reverse("volunteers:certificates"))


@require_safe
def certificate_publicity(request: HttpRequest) -> HttpResponse:
    """记录证明公示 (internal): the requests in 公示 of the teams the caller belongs to or runs,
    with the form to object."""
    user = request.user
    rows = list(certificate_queries.publicity(request.user)[:LIST_LIMIT])
    runs = set(access.teams_run_by(user).values_list("pk", flat=True))
    context = {"rows": rows, "form": ObjectionForm(), "runs": runs,
               "days": settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS}  # fmt: skip
    return render(request, "volunteers/certificate_publicity.html", context)


@require_POST
def certificate_publicity_object(request: HttpRequest, pk: int) -> HttpResponse:
    """异议 on a request in 公示 (a member of its team or one who runs it)."""
    user = request.user
    found = certificate_queries.access_publicity(user, pk)
    form = ObjectionForm(request.POST)
    if form.is_valid():
        run_action(
            form, certificate_requests.object_to_publicity, found, actor=user,
            reason=form.cleaned_data["reason"],
        )  # fmt: skip
    if form.errors:
        messages.error(request, "；".join(e for errs in form.errors.values() for e in errs))
        return redirect_after_write(request, reverse("volunteers:certificate_publicity"))
    messages.success(request, "已提出异议，公示暂停，队伍核实后处理")
    return redirect_after_write(request, reverse("volunteers:certificate_publicity"))


@require_http_methods(["GET", "HEAD", "POST"])
def certificate_request_objection(request: HttpRequest, pk: int) -> HttpResponse:
    """处理公示异议: upheld (不予出具) or set aside (继续公示)."""
    user = request.user
    found = certificate_queries.access_request(user, pk)
    form = ObjectionAnswerForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            run_action(
                form, certificate_requests.answer_objection, found, actor=user,
                upheld=data["upheld"], answer=data["answer"],
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            else:
                messages.success(request, "已处理公示异议")
                return redirect_after_write(request, reverse("volunteers:certificates"))
    context = {"req": found, "form": form, "open": found.status == CertificateRequestStatus.HELD}
    return render(request, "volunteers/certificate_objection.html", context, status=status)


def _answering(request: HttpRequest) -> CertificateRequest | None:
    """The request the issue form answers (``?request=`` or the hidden field): one of a team the
    caller runs, else 404 before anything else is looked at."""
    source = request.POST if request.method == "POST" else request.GET
    pk = (source.get("request") or "").strip()
    return certificate_queries.access_request(request.user, pk) if pk else None


@require_http_methods(["GET", "HEAD", "POST"])
def certificate_new(request: HttpRequest) -> HttpResponse:
    """出具证明 for a request whose internal 公示 has ended (``?request=``); without one,
    登记并公示: a request registered on the volunteer's behalf goes into the 公示
    (民发〔2015〕149号)."""
    user = request.user
    access.require_runner(user)
    answering = _answering(request)
    if answering is not None and request.method in ("GET", "HEAD"):
        if answering.status == CertificateRequestStatus.REQUESTED:
            messages.info(request, "该申请尚未受理：请先受理，内部公示期满后再出具")
            return redirect_after_write(request, reverse("volunteers:certificates"))
        if answering.status != CertificateRequestStatus.PUBLICITY:
            messages.info(request, f"该申请{answering.get_status_display()}，无需再处理")
            return redirect_after_write(request, reverse("volunteers:certificates"))
        if not answering.publicity_over:
            ends = timezone.localtime(answering.publicity_ends_at)
            messages.info(request, f"该申请公示至 {ends:%Y-%m-%d} 24:00，期满后方可出具")
            return redirect_after_write(request, reverse("volunteers:certificates"))
        initial = {
            "number": answering.volunteer.number, "team": answering.team_id,
            "period_start": answering.period_start, "period_end": answering.period_end,
            "request": answering.pk,
        }  # fmt: skip
    else:
        initial = {"number": request.GET.get("number", "")[:20]}
    teams = _team_choices(user)
    form = IssueForm(
        request.POST or None, teams=teams, initial=initial, answering=answering is not None
    )
    status = 200
    if request.method == "POST":
        status = 422
        volunteer = _volunteer_by_number(form) if form.is_valid() else None
        if volunteer is not None and answering is None:
            # 民发〔2015〕149号: no certificate without an internal 公示 — register the request on
            # the volunteer's behalf; it is issued from the 公示期满 list.
            data = form.cleaned_data
            req = run_action(
                form, certificate_requests.register_for_publicity,
                volunteer, data["team"], actor=user, period_start=data["period_start"],
                period_end=data["period_end"], purpose=data["purpose"],
                field_map={"volunteer": "number"},
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            else:
                ends = timezone.localtime(req.publicity_ends_at)
                messages.success(
                    request,
                    f"已登记并开始内部公示，公示至 {ends:%Y-%m-%d} 24:00，期满后在待出具列表中出具",
                )
                return redirect_after_write(request, reverse("volunteers:certificates"))
        elif volunteer is not None:
            data = form.cleaned_data
            cert = run_action(
                form, certificates.issue,
                volunteer, data["team"], data["period_start"], data["period_end"], user,
                data.get("note", ""), request=answering,
                field_map={"volunteer": "number"},
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            else:
                messages.success(
                    request, f"已出具证明 {cert.serial}（{cert.hours} 小时），申请已办结"
                )
                return redirect_after_write(
                    request, reverse("volunteers:certificate", args=[cert.pk])
                )
    context = {
        "form": form, "has_teams": bool(teams), "answering": answering,
        "publicity_days": settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS,
    }  # fmt: skip
    return render(request, "volunteers/certificate_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def certificate_request_decline(request: HttpRequest, pk: int) -> HttpResponse:
    """不予出具: a request of one of the caller's teams, with a reason the volunteer is told."""
    user = request.user
    found = certificate_queries.access_request(user, pk)
    form = RequestDeclineForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            run_action(
                form, certificate_requests.decline_request,
                found, actor=user, reason=form.cleaned_data["reason"],
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            else:
                messages.success(
                    request, f"已告知 {found.volunteer.person.name_masked}：不予出具记录证明"
                )
                return redirect_after_write(request, reverse("volunteers:certificates"))
    is_open = found.status in (
        CertificateRequestStatus.REQUESTED,
        CertificateRequestStatus.PUBLICITY,
    )
    context = {"req": found, "form": form, "open": is_open}
    return render(request, "volunteers/certificate_request_decline.html", context, status=status)


def _render_certificate(
    request: HttpRequest, cert: Certificate, *, form: Any = None, status: int = 200
) -> HttpResponse:
    can_revoke = access.teams_run_by(request.user).filter(pk=cert.team_id).exists()
    context = {
        "cert": cert,
        "form": form or RevokeForm(),
        "can_revoke": can_revoke and cert.revoked_at is None,
        "verify_url": request.build_absolute_uri(certificates.verify_path(cert)),
        "summary": certificate_queries.content_summary(cert),
    }
    return render(request, "volunteers/certificate_detail.html", context, status=status)


@require_safe
def certificate(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_certificate(request, certificate_queries.access_certificate(request.user, pk))


@require_safe
def certificate_seal(request: HttpRequest, pk: int) -> HttpResponse:
    """The seal image frozen on a certificate the caller may see."""
    found = certificate_queries.access_certificate(request.user, pk)
    return issuer_views.seal_response(found.issuer_seal)


@require_POST
def certificate_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    found = certificate_queries.access_certificate(user, pk)
    form = RevokeForm(request.POST)
    if form.is_valid():
        run_action(form, certificates.revoke, found, user, form.cleaned_data["reason"])
        if form.errors:
            return _render_certificate(request, found, form=form, status=form.error_status)
        messages.success(request, f"证明 {found.serial} 已作废")
        return redirect_after_write(request, reverse("volunteers:certificate", args=[pk]))
    return _render_certificate(request, found, form=form, status=422)


def _pdf_response(request: HttpRequest, cert: Certificate) -> HttpResponse:
    url = request.build_absolute_uri(certificates.verify_path(cert))
    try:
        body = certificates.render_pdf(cert, url)
    except certificates.FontMissing as exc:
        return HttpResponse(exc.detail, status=exc.status, content_type="text/plain; charset=utf-8")
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        f"志愿服务证明-{cert.serial}.pdf", fallback=f"certificate-{cert.serial}.pdf", inline=True
    )
    response["Cache-Control"] = "private, no-store"
    return response


@require_safe
def certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    return _pdf_response(request, certificate_queries.access_certificate(request.user, pk))


# --- statistics -------------------------------------------------------------------------------


def _year(request: HttpRequest) -> tuple[YearForm, int | None]:
    form = YearForm(request.GET or None)
    this_year = timezone.localdate().year
    if not form.is_bound:
        return form, this_year
    if not form.is_valid():
        return form, None
    return form, form.cleaned_data.get("year") or this_year


@require_safe
def statistics_page(request: HttpRequest) -> HttpResponse:
    """志愿服务统计: hours by month, volunteers by star, activities and people served, by
    community."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_VIEW)
    form, year = _year(request)
    stats = statistics.for_user(user, year) if year else None
    context = {"form": form, "stats": stats, "chart": stats.chart() if stats else None}
    return render(request, "volunteers/statistics.html", context, status=200 if stats else 422)


@require_safe
def statistics_export(request: HttpRequest) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_VIEW)
    _form, year = _year(request)
    stats = statistics.for_user(user, year) if year else None
    if stats is None:
        return HttpResponse("统计年度有误", status=422, content_type="text/plain; charset=utf-8")
    if request.GET.get("table") == "month":
        columns = [excel.Column("月份", 10), excel.Column("确认服务时长（小时）", 20),
                   excel.Column("活动场次", 12), excel.Column("服务群众人次", 14)]  # fmt: skip
        series = zip(stats.months, stats.hours, stats.activities, stats.served, strict=True)
        rows = [(m, float(h), a, s) for m, h, a, s in series]
        name = f"志愿服务统计（按月）{year}.xlsx"
    else:
        columns = [excel.Column("区划代码", 16), excel.Column("社区", 20),
                   excel.Column("确认服务时长（小时）", 20), excel.Column("活动场次", 12),
                   excel.Column("服务群众人次", 14), excel.Column("在册志愿者", 12),
                   excel.Column("培训人次", 10)]  # fmt: skip
        rows = [
            (c.code, c.name, float(c.hours), c.activities, c.served, c.volunteers, c.trained)
            for c in stats.communities
        ]
        name = f"志愿服务统计（按社区）{year}.xlsx"
    return excel.xlsx_response(name, columns, rows, sheet_name="志愿服务统计")


# --- H5: my hours -----------------------------------------------------------------------------


def _render_m_hours(
    request: HttpRequest, *, form: CertificateRequestForm | None = None, status: int = 200
) -> HttpResponse:
    volunteer = access.volunteer_of(request.user)
    context: dict[str, Any] = {"volunteer": volunteer}
    if volunteer is not None:
        teams = certificate_queries.requestable_teams(volunteer)
        if form is None:
            first = min((t.first_served_on for t in teams), default=None)
            initial = {"period_start": first, "period_end": timezone.localdate()}
            form = CertificateRequestForm(teams=teams, initial=initial)
        context.update(
            request_form=form,
            request_teams=teams,
            my_requests=list(certificate_queries.my_requests(volunteer)[:LIST_LIMIT]),
        )
        context.update(
            records=list(
                volunteer.records.select_related("team", "activity").order_by("-served_on", "-pk")[
                    :LIST_LIMIT
                ]
            ),
            certificates=list(volunteer.certificates.select_related("team").order_by("-issued_at")),
            next_star=stars.next_star(stars.counted_hours(volunteer)),
            stars=stars.stars_label(volunteer.star),
            pending=volunteer.records.filter(status=RecordStatus.PENDING).count(),
            my_disputes=list(dispute_queries.my_disputes(volunteer)[:LIST_LIMIT]),
        )
        context.update(training_views.record_context(volunteer))  # 我的培训与表彰
    return render(request, "volunteers/m_hours.html", context, status=status)


@require_safe
def m_hours(request: HttpRequest) -> HttpResponse:
    """我的时长: my records, total, star and the next one, my certificates, my requests for one
    and the form to ask, my trainings and awards."""
    return _render_m_hours(request)


@require_safe
def m_certificates(request: HttpRequest) -> HttpResponse:
    """我的记录证明 (linked from 我的): my certificates to download and my requests for one; the
    form to ask for one stays on 我的时长, which shows the hours each team recorded."""
    volunteer = access.volunteer_of(request.user)
    context: dict[str, Any] = {"volunteer": volunteer}
    if volunteer is not None:
        context.update(
            certificates=list(volunteer.certificates.select_related("team").order_by("-issued_at")),
            my_requests=list(certificate_queries.my_requests(volunteer)[:LIST_LIMIT]),
        )
    return render(request, "volunteers/m_certificates.html", context)


@require_POST
def m_certificate_request(request: HttpRequest) -> HttpResponse:
    """申请记录证明 from a team that recorded my hours; errors re-render the page (4xx)."""
    user = request.user
    volunteer = access.volunteer_of(user)
    if volunteer is None:
        raise NotFound("您还没有注册为志愿者")
    teams = certificate_queries.requestable_teams(volunteer)
    form = CertificateRequestForm(request.POST, teams=teams)
    if not form.is_valid():
        return _render_m_hours(request, form=form, status=422)
    data = form.cleaned_data
    req = run_action(
        form, certificate_requests.request_certificate,
        volunteer, data["team"], actor=user, period_start=data["period_start"],
        period_end=data["period_end"], purpose=data["purpose"],
    )  # fmt: skip
    if form.errors:
        return _render_m_hours(request, form=form, status=form.error_status)
    if req.created:
        messages.success(request, f"已向「{req.team.name}」提交申请，队伍受理后会通知您")
    else:
        messages.info(request, f"您已向「{req.team.name}」提交过相同的申请，正在等待受理")
    return redirect_after_write(request, reverse("volunteers_m:hours"))


@require_POST
def m_certificate_request_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回 my request while it waits (anyone else's is a 404)."""
    user = request.user
    found = certificate_queries.access_my_request(user, pk)
    try:
        certificate_requests.withdraw_request(found, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_m_hours(request, status=exc.status)
    messages.success(request, f"已撤回向「{found.team.name}」的申请")
    return redirect_after_write(request, reverse("volunteers_m:hours"))


@require_safe
def m_certificate_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """My own, valid certificate as PDF (anyone else's is a 404)."""
    volunteer = access.volunteer_of(request.user)
    found = (
        Certificate.objects.select_related("volunteer__person", "team")
        .filter(pk=pk, volunteer=volunteer, revoked_at__isnull=True)
        .first()
        if volunteer is not None
        else None
    )
    if found is None:
        raise NotFound(certificate_queries.CERTIFICATE_NOT_FOUND)
    return _pdf_response(request, found)


# --- public -----------------------------------------------------------------------------------
