"""Staff pages of the closed loop: the department workbench (queue), the dispatch desk and the
case page with every staff action.

Thin adapters (STYLE.md rule 11): check the permission, find the case with ``access_report``
(another department's or another street's case is the same 404 as a missing one), parse one
small form, call ONE action, and show its ``DomainError`` beside the form — a wrong step (409)
as the Chinese message listing the allowed next steps, bad input (422) beside its fields.

The case page offers only the actions that apply to THIS user and THIS status
(``queries.available_verbs``: the transition table ``choices.ALLOWED`` plus the checks
the actions make), so no button leads to a 403; the actions check everything again anyway.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, ShegongError
from shegong.core.htmx import redirect_after_write, render_partial_or_full
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name, mask_phone
from shegong.web import maps
from shegong.web.exports import audited_xlsx
from shegong.web.forms import add_domain_error

from .. import queries
from ..actions.followup import record_followup, rehandle_days, rehandle_report
from ..actions.reports import (
    accept_report,
    add_assist,
    add_note,
    correct_public_text,
    hide_report,
    merge_reports,
    reassign_report,
    redact_photo,
    reject_report,
    reopen_report,
    resolve_report,
    respond_report,
    return_report,
    transfer_report,
    verify_report,
)
from ..choices import (
    FINISHED,
    EventKind,
    RejectReason,
    Status,
)
from ..forms.holding import AssignDownForm, down_form
from ..forms.staff import (
    ALL_FILTER,
    FORMS,
    OPEN_FILTER,
    ActionForm,
    QueueFilterForm,
    TemplateMixin,
    action_form,
    departments_for,
    fill_template,
    templates_for,
)
from ..models import Report, ReportEvent

PAGE_SIZE = 20
# What 在办 and 全部 count (docs/metrics.md, "The queue's tabs"), shown on hover.
TAB_TITLES = {
    OPEN_FILTER: "正在办理的工单：部门为本部门当前承办（主办或协办）的，"
    "不含已退回、已改派他部门的；派单台和街道为辖区内未办结、未不予受理、未并单的",
    ALL_FILTER: "您可查看的全部工单",
}
DESK_LIMIT = queries.DESK_LIMIT
BULK_LIMIT = 200
ESCALATION_LABELS = {0: "未督办", 1: "督办（响应超时）", 2: "再次督办（办理超期）"}
# verb → (title of its form on the case page, Bootstrap colour of its button)
VERB_TITLES: dict[str, tuple[str, str]] = {
    "accept": ("受理", "success"), "transfer": ("派单", "primary"),
    "reject": ("不予受理", "danger"), "reassign": ("改派", "primary"),
    "assist": ("增加协办部门", "secondary"), "merge": ("并单", "secondary"),
    "respond": ("响应", "primary"), "resolve": ("办理完毕", "success"),
    "return": ("退回派单台", "danger"), "verify": ("核实办结", "success"),
    "reopen": ("重启返工", "warning"), "note": ("添加备注", "secondary"),
    "hide": ("设为不公开", "dark"), "show": ("恢复公开", "dark"),
    "redact": ("照片打码", "dark"), "public_text": ("更正公开文本", "dark"),
    "followup": ("记录回访", "info"), "rehandle": ("差评重新办理", "warning"),
}  # fmt: skip
PHOTO_KEYS = {"thumb": "thumb", "full": "path", "public": "public", "public_thumb": "public_thumb"}


# --- the queue ------------------------------------------------------------------------------------


def _criteria(form: QueueFilterForm) -> dict[str, Any]:
    if not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v not in (None, "", False)}


def _tabs(request: HttpRequest, counts: dict[str, int], current: str) -> list[dict[str, Any]]:
    entries = [(OPEN_FILTER, "在办", counts[OPEN_FILTER])]
    entries += [(s.value, s.label, counts.get(s.value, 0)) for s in Status]
    entries.append((ALL_FILTER, "全部", counts[ALL_FILTER]))
    tabs = []
    for value, label, count in entries:
        if not count and value not in (current, OPEN_FILTER, ALL_FILTER):
            continue
        params = request.GET.copy()
        params.pop("page", None)
        params["status"] = value
        tabs.append({"value": value, "label": label, "count": count, "query": params.urlencode(),
                     "active": value == current, "title": TAB_TITLES.get(value, "")})  # fmt: skip
    return tabs


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def queue(request: HttpRequest) -> HttpResponse:
    """工单: a department's cases (or, for the desk and the streets, the area's), soonest
    deadline first, with live countdowns."""
    user = request.user
    require_perm(user, Perm.REPORTS_VIEW)
    now = timezone.now()
    visible = Report.objects.visible_to(user)
    departments = departments_for(user)
    form = QueueFilterForm(request.GET or None, user=user, visible=visible, departments=departments)
    criteria = _criteria(form)
    if form.is_bound and not form.is_valid():
        rows, counts = Report.objects.none(), {OPEN_FILTER: 0, ALL_FILTER: 0}
    else:
        rows = queries.queue_rows(user, criteria, now)
        counts = queries.queue_tab_counts(user, criteria, now)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    can_dispatch = user.has_perm_in_scope(Perm.REPORTS_DISPATCH)
    context = {
        "form": form,
        "page": page,
        "rows": [(report, queries.clock_of(report, now)) for report in page],
        **_queue_map(rows),
        "tabs": _tabs(request, counts, criteria.get("status", OPEN_FILTER)),
        "query": _query(request),
        "can_dispatch": can_dispatch,
        "departments": departments if can_dispatch else [],
        "next": request.get_full_path(),
    }
    return render_partial_or_full(
        request, "reports/staff_queue.html", context, "reports/staff_queue_results.html"
    )


def _queue_map(rows: QuerySet) -> dict[str, Any]:
    """The listed cases (as filtered, every page) that have a point, for the list's map."""
    found = rows.filter(lat__isnull=False, lon__isnull=False).values_list(
        "pk", "lat", "lon", "category__name", "status"
    )[: maps.MAX_POINTS]
    points = [
        maps.point(lat, lon, f"{pk:08d} · {category}", url=reverse("reports:detail", args=[pk]),
                   closed=status in FINISHED)
        for pk, lat, lon, category, status in found
    ]  # fmt: skip
    return {"map_points": maps.points_json(points), "map_point_count": len(points)}


EXPORT_COLUMNS = [
    excel.Column("工单编号", 12), excel.Column("类别", 14), excel.Column("状态", 10),
    excel.Column("问题描述", 40), excel.Column("地址", 30), excel.Column("所属区划", 16),
    excel.Column("区划代码", 16), excel.Column("主办部门", 16), excel.Column("上报人", 22),
    excel.Column("渠道", 12), excel.Column("上报时间", 19), excel.Column("派单时间", 19),
    excel.Column("响应期限", 19), excel.Column("响应时间", 19), excel.Column("办理期限", 19),
    excel.Column("办理完毕时间", 19), excel.Column("办结时间", 19), excel.Column("督办级别", 18),
    excel.Column("当前超时", 8), excel.Column("评价", 10),
]  # fmt: skip


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The queue as filtered, as a streaming xlsx; reporters masked (anonymous to departments),
    and the export is audited like the ledger's."""
    user = request.user
    require_perm(user, Perm.REPORTS_VIEW)
    now = timezone.now()
    visible = Report.objects.visible_to(user)
    form = QueueFilterForm(
        request.GET or None, user=user, visible=visible, departments=departments_for(user)
    )
    if form.is_bound and not form.is_valid():
        errors = "；".join(str(e) for errs in form.errors.values() for e in errs)
        messages.error(request, f"筛选条件有误，未导出：{errors}")
        return redirect_after_write(request, reverse("reports:queue"))
    criteria = _criteria(form)
    qs = queries.queue_rows(user, criteria, now).select_related("reporter")
    department_member = queries.department_id_of(user) is not None
    statuses, channels = dict(Status.choices), dict(Report._meta.get_field("channel").choices)

    def rows() -> Iterator[list[Any]]:
        for r in qs.iterator(chunk_size=2000):
            reporter = "匿名" if r.anonymous and department_member else _export_reporter(r)
            yield [
                r.number, r.category.name, statuses.get(r.status, r.status), r.description,
                r.address, r.region.name, r.region_id,
                r.lead_department.name if r.lead_department_id else "", reporter,
                channels.get(r.channel, r.channel), r.submitted_at, r.transferred_at,
                r.response_due_at, r.responded_at, r.resolution_due_at, r.resolved_at,
                r.closed_at, ESCALATION_LABELS.get(r.escalation_level, ""), r.overdue(now),
                r.satisfaction,
            ]  # fmt: skip

    # ``criteria`` holds no empty value (``_criteria`` drops them), so the entry lists them all.
    return audited_xlsx(
        user, verb=Verb.REPORTS_EXPORTED, table="reports", title="随手拍工单", sheet_name="工单",
        columns=EXPORT_COLUMNS, rows=rows(), masked=True, filters=criteria,
    )  # fmt: skip


def _export_reporter(report: Report) -> str:
    if report.reporter_id:
        return str(report.reporter)  # masked name and phone
    if report.caller_name or report.caller_phone:
        return f"{mask_name(report.caller_name)}（{mask_phone(report.caller_phone)}）"
    return "匿名"


def _safe_next(request: HttpRequest, fallback: str) -> str:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return fallback


@require_POST
def bulk_transfer(request: HttpRequest) -> HttpResponse:
    """批量派单: each ticked case is transferred in its own transaction; one that fails (already
    transferred by someone else, say) does not stop the others, and the message names it."""
    user = request.user
    require_perm(user, Perm.REPORTS_DISPATCH)
    back = _safe_next(request, reverse("reports:queue"))
    ids = list(dict.fromkeys(request.POST.getlist("ids")))[:BULK_LIMIT]
    chosen = request.POST.get("department", "")
    department = next((d for d in departments_for(user) if str(d.pk) == chosen), None)
    if not ids:
        messages.error(request, "请先勾选要派单的工单")
        return redirect_after_write(request, back)
    if department is None:
        messages.error(request, "请选择主办部门")
        return redirect_after_write(request, back)
    note = request.POST.get("note", "").strip()[:500]
    done: list[str] = []
    failed: list[str] = []
    for raw in ids:
        number = f"{int(raw):08d}" if raw.isdigit() else raw[:20]
        try:
            report = queries.access_report(user, raw)
            transfer_report(report, actor=user, department=department, note=note)
        except ShegongError as exc:  # one case out of reach or refused does not stop the others
            failed.append(f"{number}（{exc.detail}）")
        else:
            done.append(number)
    if done:
        text = f"已派至{department.name} {len(done)} 件：{'、'.join(done)}"
        if failed:
            text += f"；{len(failed)} 件未派出：{'；'.join(failed)}"
            messages.warning(request, text)
        else:
            messages.success(request, text)
    else:
        messages.error(request, f"{len(failed)} 件均未派出：{'；'.join(failed)}")
    return redirect_after_write(request, back)


# --- the dispatch desk ----------------------------------------------------------------------------


@require_safe
def dispatch(request: HttpRequest) -> HttpResponse:
    """派单台: cases waiting for the desk, cases departments sent back, suspected duplicates."""
    user = request.user
    require_perm(user, Perm.REPORTS_DISPATCH)
    now = timezone.now()
    visible = Report.objects.visible_to(user)
    related = visible.select_related("category", "region")
    waiting_qs = related.filter(
        status__in=[Status.SUBMITTED, Status.ACCEPTED], lead_department__isnull=True
    )
    returned_qs = related.filter(status=Status.RETURNED)
    waiting = list(waiting_qs.order_by("submitted_at", "pk")[:DESK_LIMIT])
    returned = list(returned_qs.order_by("updated_at", "pk")[:DESK_LIMIT])
    reasons: dict[int, ReportEvent] = {}
    events = ReportEvent.objects.filter(
        report_id__in=[r.pk for r in returned], kind=EventKind.RETURNED
    ).select_related("department")
    for event in events.order_by("at", "id"):
        reasons[event.report_id] = event  # the latest return wins
    context = {
        "waiting": waiting,
        "waiting_total": waiting_qs.count() if len(waiting) == DESK_LIMIT else len(waiting),
        "returned": [(r, reasons.get(r.pk)) for r in returned],
        "returned_total": returned_qs.count() if len(returned) == DESK_LIMIT else len(returned),
        "pairs": queries.duplicate_pairs(visible, now),
        "departments": departments_for(user),
        "reject_reasons": RejectReason.choices,
        "next": reverse("reports:dispatch"),
    }
    return render(request, "reports/staff_dispatch.html", context)


# --- the case page --------------------------------------------------------------------------------


def _photos(report: Report, photo_set: str, records: list[dict]) -> list[dict[str, Any]]:
    out = []
    for index, record in enumerate(records or []):
        if not isinstance(record, dict):
            continue
        args = [report.pk, photo_set, index]
        out.append({
            "index": index,
            "thumb": reverse("reports:photo", args=[*args, "thumb"]),
            "full": reverse("reports:photo", args=[*args, "full"]),
            "public": reverse("reports:photo", args=[*args, "public"])
            if record.get("redacted") and record.get("public") else "",
            "redacted": bool(record.get("redacted")),
        })  # fmt: skip
    return out


def _timeline(user: Any, report: Report) -> list[dict[str, Any]]:
    show_reporter = queries.may_see_reporter(user, report)
    rows = []
    events = report.events.select_related("department", "actor").order_by("at", "id")
    for event in events:
        person = ""
        if event.actor_id and (show_reporter or event.actor_id != report.reporter_id):
            person = str(event.actor)
        rows.append({
            "event": event,
            "person": person,
            "photos": _photos(report, f"e{event.pk}", event.photos) if event.photos else [],
        })  # fmt: skip
    return rows


def _render_detail(
    request: HttpRequest,
    report: Report,
    *,
    failed: tuple[str, ActionForm] | None = None,
    down: AssignDownForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    """The case page; ``failed``/``down``: a form sent back with its errors."""
    user = request.user
    now = timezone.now()
    assignments = list(
        report.assignments.select_related("department").order_by("-active", "role", "assigned_at")
    )
    verbs = queries.available_verbs(user, report, assignments)
    needs_departments = {"transfer", "reassign", "assist"} & set(verbs)
    departments = departments_for(user) if needs_departments else []
    templates = (
        templates_for(report) if {"reject", "respond", "resolve", "note"} & set(verbs) else {}
    )
    forms = {
        verb: action_form(verb, report, user, departments=departments, templates=templates)
        for verb in verbs
    }
    open_verb = ""
    if failed is not None and failed[0] in forms:
        forms[failed[0]] = failed[1]
        open_verb = failed[0]
    template_texts = {
        str(t.pk): fill_template(t, report) for rows in templates.values() for t in rows
    }
    merged = list(
        Report.objects.visible_to(user).filter(merged_into=report).order_by("pk").only("pk")
    )
    context = {
        "report": report,
        "clock": queries.clock_of(report, now),
        "overdue": report.overdue(now),
        "rehandle_overdue": report.rehandle_overdue(now),
        "escalation": ESCALATION_LABELS.get(report.escalation_level, ""),
        "region_name": report.region.full_name,
        "answers": queries.answers_of(report),
        "photos": _photos(report, "report", report.photos),
        "result_photos": _photos(report, "result", report.result_photos),
        "reporter": queries.reporter_shown(user, report),
        "show_caller": queries.may_see_reporter(user, report),
        "assignments": assignments,
        "timeline": _timeline(user, report),
        "merged": merged,
        "merged_into": Report.objects.visible_to(user).filter(pk=report.merged_into_id).first()
        if report.merged_into_id
        else None,
        "action_forms": [(verb, forms[verb], *VERB_TITLES[verb]) for verb in verbs],
        "open_verb": open_verb,
        "error": error,
        "template_texts": template_texts,
        "is_finished": report.status in FINISHED,
        "map_points": maps.points_json(
            [maps.point(report.lat, report.lon, report.category.name,
                        closed=report.status in FINISHED)]
        ) if report.lat is not None and report.lon is not None else "",
        # 下派 (its own include, reports/staff_assign_down.html)
        "down_form": down if down is not None else down_form(user, report),
        "down_open": down is not None,
    }  # fmt: skip
    return render(request, "reports/staff_detail.html", context, status=status)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_VIEW)
    return _render_detail(request, queries.access_report(request.user, pk))


# One small function per verb: the cleaned form in, ONE action called, the message out.
Runner = Callable[[Report, Any, dict[str, Any], ActionForm], str]


def _text(form: ActionForm, data: dict[str, Any], field: str) -> str:
    text = (data.get(field) or "").strip()
    if not text and isinstance(form, TemplateMixin):
        template = form.chosen_template()
        if template is not None:
            text = fill_template(template, form.report)
    return text


def _accept(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    accept_report(report, actor=user, note=data["note"].strip())
    return f"已受理工单 {report.number}"


def _reject(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    reject_report(report, actor=user, reason=data["reason"], note=_text(form, data, "note"))
    return f"工单 {report.number} 不予受理，已告知上报人"


def _transfer(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    department = data["department"]
    transfer_report(
        report, actor=user, department=department, assisting=list(data["assisting"]),
        note=data["note"].strip(),
    )  # fmt: skip
    return f"工单 {report.number} 已派至{department.name}"


def _reassign(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    department = data["department"]
    reassign_report(report, actor=user, department=department, note=data["note"])
    return f"工单 {report.number} 已改派至{department.name}"


def _assist(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    department = data["department"]
    add_assist(report, actor=user, department=department)
    return f"已增加协办部门：{department.name}"


def _merge(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    number = f"{data['into']:08d}"
    try:
        into = queries.access_report(user, data["into"])
    except NotFound:
        raise InvalidInput.field("into", f"未找到工单 {number}，或您无权查看") from None
    merge_reports(report, into=into, actor=user)
    return f"工单 {report.number} 已并入工单 {into.number}"


def _respond(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    respond_report(report, actor=user, note=_text(form, data, "note"))
    return f"已响应工单 {report.number}"


def _return(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    return_report(report, actor=user, reason=data["reason"])
    return f"工单 {report.number} 已退回派单台"


def _resolve(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    resolve_report(report, actor=user, result=_text(form, data, "result"), photos=data["photos"])
    return f"工单 {report.number} 已办理完毕，等待核实"


def _note(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    add_note(report, actor=user, note=_text(form, data, "note"), public=data["public"])
    return "已添加备注（群众可见）" if data["public"] else "已添加内部备注"


def _verify(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    verify_report(report, actor=user, note=data["note"].strip())
    return f"工单 {report.number} 已核实办结"


def _reopen(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    reopen_report(report, actor=user, reason=data["reason"])
    return f"工单 {report.number} 已重启，退回主办部门返工"


def _followup(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    report = record_followup(
        report, actor=user, solved=data["solved"] == "yes", satisfaction=data["satisfaction"],
        note=data["note"],
    )  # fmt: skip
    if report.awaiting_rehandle:
        return f"已记录回访：差评，已通知主办部门在{rehandle_days()}个工作日内重新办理"
    return f"已记录工单 {report.number} 的回访"


def _rehandle(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    rehandle_report(report, actor=user, result=data["result"])
    return f"工单 {report.number} 已重新办理，已告知上报人和派单台"


def _hide(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    hide_report(report, actor=user, hidden=True, reason=data["reason"])
    return "已设为不公开"


def _show(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    hide_report(report, actor=user, hidden=False, reason=data["reason"])
    return "已恢复公开"


def _redact(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    redact_photo(report, actor=user, index=data["index"], reason=data["reason"])
    return f"第{data['index'] + 1}张照片已打码，公开页面只显示打码后的照片"


def _public_text(report: Report, user: Any, data: dict, form: ActionForm) -> str:
    correct_public_text(
        report, actor=user, description=data["description"], address=data["address"],
        reason=data["reason"],
    )  # fmt: skip
    return "已更正公开文本：公开页面与 Open311 显示更正后的文字"


RUNNERS: dict[str, Runner] = {
    "accept": _accept, "reject": _reject, "transfer": _transfer, "reassign": _reassign,
    "assist": _assist, "merge": _merge, "respond": _respond, "return": _return,
    "resolve": _resolve, "note": _note, "verify": _verify, "reopen": _reopen, "hide": _hide,
    "show": _show, "redact": _redact, "public_text": _public_text, "followup": _followup,
    "rehandle": _rehandle,
}  # fmt: skip
assert set(RUNNERS) == set(FORMS), "every verb needs a form and a runner"


@require_POST
def act(request: HttpRequest, pk: int, verb: str) -> HttpResponse:
    """One form on the case page (or the dispatch desk) → one action."""
    user = request.user
    require_perm(user, Perm.REPORTS_VIEW)
    report = queries.access_report(user, pk)
    if verb not in RUNNERS:
        raise Http404("未知操作")
    departments = departments_for(user) if verb in ("transfer", "reassign", "assist") else []
    templates = templates_for(report) if issubclass(FORMS[verb], TemplateMixin) else {}
    form = action_form(
        verb, report, user, data=request.POST, files=request.FILES, departments=departments,
        templates=templates,
    )  # fmt: skip
    if not form.is_valid():
        return _render_detail(request, report, failed=(verb, form), status=422,
                              error="输入有误，请按提示修改")  # fmt: skip
    try:
        message = RUNNERS[verb](report, user, form.cleaned_data, form)
    except DomainError as exc:
        add_domain_error(form, exc)
        report = queries.access_report(user, pk)
        return _render_detail(request, report, failed=(verb, form), error=exc.detail,
                              status=exc.status)  # fmt: skip
    messages.success(request, message)
    return redirect_after_write(
        request, _safe_next(request, reverse("reports:detail", args=[report.pk]))
    )


@require_safe
def photo(request: HttpRequest, pk: int, photo_set: str, index: int, kind: str) -> FileResponse:
    """One stored photo of a case in the caller's reach: the reporter's (``report``), the
    department's after-photos (``result``) or a timeline step's (``e<event id>``); staff see
    originals (``thumb``/``full``) and the blurred public copy of a redacted one."""
    require_perm(request.user, Perm.REPORTS_VIEW)
    report = queries.access_report(request.user, pk)
    if photo_set == "report":
        records = report.photos
    elif photo_set == "result":
        records = report.result_photos
    elif photo_set.startswith("e") and photo_set[1:].isdigit():
        event = report.events.filter(pk=int(photo_set[1:])).only("photos").first()
        records = event.photos if event is not None else []
    else:
        records = []
    records = records if isinstance(records, list) else []
    if kind not in PHOTO_KEYS or not 0 <= index < len(records):
        raise NotFound("未找到该照片")
    record = records[index] if isinstance(records[index], dict) else {}
    path = record.get(PHOTO_KEYS[kind]) or ""
    if not path.startswith("reports/") or ".." in path or not default_storage.exists(path):
        raise NotFound("未找到该照片")
    response = FileResponse(default_storage.open(path, "rb"), content_type="image/jpeg")
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response
