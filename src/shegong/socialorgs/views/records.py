"""The registrar's pages: the list (filters, Excel export), the record with its history, the
register and edit forms, and the status change (legal basis, confirmation)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from shegong.core import excel
from shegong.core.audit import VERB_LABELS, Verb
from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name, mask_phone
from shegong.ledger.models import Organization
from shegong.regions.models import Region
from shegong.web.exports import audited_xlsx
from shegong.web.forms import run_action

from .. import queries
from ..actions import accounts, records
from ..choices import TRANSITIONS, SocialOrgStatus, SocialOrgType
from ..forms import AccountForm, CharterForm, FilterForm, SocialOrgForm, StatusForm
from ..models import SocialOrg
from .workbench import account_rows, panels

PAGE_SIZE = 20
FORM_LEVELS = ["street", "community", "grid"]
EXPORT_COLUMNS = [
    excel.Column("名称", 36), excel.Column("统一社会信用代码", 22), excel.Column("类型", 14),
    excel.Column("登记证号", 22), excel.Column("登记管理机关", 18), excel.Column("登记日期", 12),
    excel.Column("业务主管单位", 18), excel.Column("区划", 14), excel.Column("住所", 30),
    excel.Column("任期届满", 12), excel.Column("慈善组织", 8), excel.Column("公开募捐资格", 10),
    excel.Column("评估等级", 8), excel.Column("等级有效期至", 12), excel.Column("登记状态", 12),
]  # fmt: skip


def _regions(user: Any, levels: list[str]) -> list[tuple[str, str]]:
    found = Region.objects.visible_to(user).filter(level__in=levels).order_by("code")
    return [(r.code, r.name if r.level == "street" else f"　{r.name}") for r in found]


def _filters(form: FilterForm) -> dict[str, str]:
    if not form.is_bound or not form.is_valid():
        return {}
    return {k: v for k, v in form.cleaned_data.items() if v}


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


@require_safe
def social_org_list(request: HttpRequest) -> HttpResponse:
    """社会组织登记: the organizations in scope, filtered, with their counts."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = FilterForm(request.GET or None, regions=_regions(user, ["street", "community"]))
    qs = queries.filtered(user, **_filters(form))
    counts = qs.order_by().aggregate(
        total=Count("id"),
        normal=Count("id", filter=Q(status=SocialOrgStatus.NORMAL)),
        charity=Count("id", filter=Q(charity=True)),
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "socialorgs/list.html",
        {
            "form": form,
            "page": page,
            "counts": counts,
            "query": _query(request),
            "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        },
    )


@require_safe
def export(request: HttpRequest) -> HttpResponse:
    """The list as filtered, as xlsx; the export is audited."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    form = FilterForm(request.GET or None, regions=_regions(user, ["street", "community"]))
    filters = _filters(form)
    qs = queries.filtered(user, **filters)

    def rows() -> Iterator[list[Any]]:
        for so in qs.iterator(chunk_size=500):
            org = so.organization
            yield [
                org.name, org.credit_code or "", SocialOrgType(so.org_type).label,
                so.registration_number, so.registration_authority, so.registered_on,
                so.supervisor, org.region.name, org.address, so.term_end,
                "是" if so.charity else "", "是" if so.public_fundraising else "", so.grade,
                so.grade_valid_until, SocialOrgStatus(so.status).label,
            ]  # fmt: skip

    return audited_xlsx(
        user, verb=Verb.SOCIAL_ORGS_EXPORTED, table="socialorgs", title="社会组织",
        columns=EXPORT_COLUMNS, rows=rows(), filters=filters,
    )  # fmt: skip


def _history(so: SocialOrg) -> list[dict[str, Any]]:
    labels = dict(SocialOrgStatus.choices)

    def pair(event: Any) -> list[str]:
        value = event.data.get("status")
        return value if isinstance(value, list) and len(value) == 2 else ["", ""]

    return [
        {
            "at": event.at,
            "verb": VERB_LABELS.get(Verb(event.verb), str(event.verb)),
            "actor": event.actor_label,
            "from": labels.get(pair(event)[0], ""),
            "to": labels.get(pair(event)[1], ""),
            "legal_basis": event.data.get("legal_basis", ""),
            "changed": ", ".join(sorted(event.data.get("changed", {}))),
        }
        for event in queries.history(so)
    ]


def _render_detail(
    request: HttpRequest,
    so: SocialOrg,
    *,
    status_form: StatusForm | None = None,
    charter_form: CharterForm | None = None,
    account_form: Any = None,
    panel_forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:

    user = request.user
    org = so.organization
    reveal = user.has_perm_in_scope(Perm.PII_REVEAL)
    allowed = TRANSITIONS[SocialOrgStatus(so.status)]
    form = status_form or StatusForm()
    form.fields["status"].choices = [(s.value, s.label) for s in SocialOrgStatus if s in allowed]
    found_panels = panels(so, user)
    for column in found_panels.values():  # a card's own form, re-shown with its errors
        for panel in column:
            for key, value in (panel_forms or {}).items():
                if key in panel["context"]:
                    panel["context"][key] = value
    context = {
        "so": so,
        "org": org,
        "legal_rep": org.legal_rep if reveal else mask_name(org.legal_rep),
        "legal_rep_phone": org.legal_rep_phone if reveal else mask_phone(org.legal_rep_phone),
        "charters": so.charters.all(),
        "history": _history(so),
        "can_manage": user.has_perm_in_scope(Perm.SOCIALORGS_MANAGE),
        "status_form": form if allowed else None,
        "charter_form": charter_form or CharterForm(),
        "accounts": account_rows(so),
        "account_form": account_form or AccountForm(),
        "panels": found_panels,
    }
    return render(request, "socialorgs/detail.html", context, status=status)


@require_safe
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, queries.access_social_org(request.user, pk))


@require_safe
def by_organization(request: HttpRequest, org_pk: int) -> HttpResponse:
    """The record of the social organization that is this ledger row (the ledger's page of a
    social organization links here): its page, or the list searched by the row's credit code
    when it was never registered here."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_VIEW)
    found = queries.social_orgs(user).filter(organization_id=org_pk).first()
    if found is not None:
        return redirect("socialorgs:detail", pk=found.pk)
    org = Organization.objects.visible_to(user).filter(pk=org_pk).first()
    if org is None:
        raise NotFound(queries.NOT_FOUND)
    return redirect(
        reverse("socialorgs:list") + "?" + urlencode({"q": org.credit_code or org.name})
    )


def _render_form(
    request: HttpRequest, form: SocialOrgForm, so: SocialOrg | None, status: int = 200
) -> HttpResponse:
    return render(request, "socialorgs/form.html", {"form": form, "so": so}, status=status)


def _values(form: SocialOrgForm) -> dict[str, Any]:
    data = dict(form.cleaned_data)
    return {k: ("" if v is None else v) for k, v in data.items()}


@require_http_methods(["GET", "HEAD", "POST"])
def new(request: HttpRequest) -> HttpResponse:
    """登记社会组织."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    regions = _regions(user, FORM_LEVELS)
    if request.method in ("GET", "HEAD"):
        initial = _from_ledger(user, request.GET.get("ledger", ""))
        return _render_form(request, SocialOrgForm(initial=initial, regions=regions), None)
    form = SocialOrgForm(request.POST, regions=regions)
    if not form.is_valid():
        return _render_form(request, form, None, status=422)
    so = run_action(form, records.register_social_org, _values(form), actor=user)
    if so is None:
        return _render_form(request, form, None, status=getattr(form, "error_status", 422))
    messages.success(request, f"已登记社会组织「{so.organization.name}」")
    return redirect_after_write(request, reverse("socialorgs:detail", args=[so.pk]))


def _from_ledger(user: Any, pk: str) -> dict[str, Any]:
    """The registration form filled from an unregistered ledger row (``?ledger=<id>`` from the
    list 台账中尚未登记建档的社会组织); nothing for a row that is not one of those in scope."""
    org = queries.unregistered(user).filter(pk=int(pk)).first() if pk.isdigit() else None
    if org is None:
        return {}
    return {
        "name": org.name, "credit_code": org.credit_code or "", "address": org.address,
        "region": org.region_id, "legal_rep": org.legal_rep,
        "legal_rep_phone": org.legal_rep_phone,
    }  # fmt: skip


@require_safe
def unregistered(request: HttpRequest) -> HttpResponse:
    """台账中尚未登记建档的社会组织: each with 登记建档 (the form, filled from the ledger)."""
    user = request.user
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    q = request.GET.get("q", "")[:100]
    page = Paginator(queries.unregistered(user, q), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({"q": q}) if q else ""
    return render(request, "socialorgs/unregistered.html", {"page": page, "q": q, "query": query})


def _initial(so: SocialOrg) -> dict[str, Any]:
    org = so.organization
    values = {name: getattr(so, name) for name in records.PROFILE_FIELDS if name != "term_end"}
    values.update(
        name=org.name, credit_code=org.credit_code, address=org.address, region=org.region_id,
        legal_rep=org.legal_rep, legal_rep_phone=org.legal_rep_phone,
    )  # fmt: skip
    return values


@require_http_methods(["GET", "HEAD", "POST"])
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    """修改登记信息 (the status only through the status form)."""
    user = request.user
    so = queries.access_social_org(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    regions = _regions(user, FORM_LEVELS)
    if request.method in ("GET", "HEAD"):
        form = SocialOrgForm(initial=_initial(so), regions=regions, editing=True)
        return _render_form(request, form, so)
    form = SocialOrgForm(request.POST, regions=regions, editing=True)
    if not form.is_valid():
        return _render_form(request, form, so, status=422)
    done = run_action(form, records.update_social_org, so, _values(form), actor=user)
    if done is None:
        return _render_form(request, form, so, status=getattr(form, "error_status", 422))
    messages.success(request, "已保存登记信息")
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]))


@require_POST
def change_status(request: HttpRequest, pk: int) -> HttpResponse:
    """变更登记状态, with its legal basis (the button asks for confirmation first)."""
    user = request.user
    so = queries.access_social_org(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, so, status_form=form, status=422)
    done = run_action(
        form, records.change_status, so, form.cleaned_data["status"],
        legal_basis=form.basis(), actor=user,
    )  # fmt: skip
    if done is None:
        return _render_detail(request, so, status_form=form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, f"登记状态已变更为「{SocialOrgStatus(done.status).label}」")
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]))


@require_POST
def add_charter(request: HttpRequest, pk: int) -> HttpResponse:
    """登记章程版本 (with 党建入章 and its date)."""
    user = request.user
    so = queries.access_social_org(user, pk)  # another street's: 404 before the 403
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = CharterForm(request.POST, request.FILES)
    if not form.is_valid():
        return _render_detail(request, so, charter_form=form, status=422)
    data = {k: ("" if v is None else v) for k, v in form.cleaned_data.items() if k != "file"}
    files = request.FILES.getlist("file")
    done = run_action(form, records.add_charter_version, so, data, files=files, actor=user)
    if done is None:
        return _render_detail(request, so, charter_form=form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, "已登记章程版本")
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]))


def _back(request: HttpRequest, pk: int) -> HttpResponse:
    return redirect_after_write(request, reverse("socialorgs:detail", args=[pk]) + "#accounts")


@require_POST
def link_account(request: HttpRequest, pk: int) -> HttpResponse:
    """绑定组织账号 (by the account's phone number)."""
    user = request.user
    so = queries.access_social_org(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    form = AccountForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, so, account_form=form, status=422)
    done = run_action(form, accounts.link_org_account, so, form.cleaned_data["phone"], actor=user)
    if done is None:
        return _render_detail(request, so, account_form=form, status=form.error_status)  # type: ignore[attr-defined]
    messages.success(request, "已绑定组织账号，该账号登录后可进入“本组织”办理年报和申请")
    return _back(request, pk)


@require_POST
def unlink_account(request: HttpRequest, pk: int, account: int) -> HttpResponse:
    """解绑组织账号 (the button asks for confirmation first)."""
    user = request.user
    so = queries.access_social_org(user, pk)
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    accounts.unlink_org_account(so, account, actor=user)
    messages.success(request, "已解绑组织账号")
    return _back(request, pk)
