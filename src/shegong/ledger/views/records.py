"""Record pages of the ledger: organizations, people, party organizations.

Thin adapters (STYLE.md rule 11): check the permission, find the object with an ``access_*``
helper (another street's object is the same 404 as a missing one), validate with the schema the
API and the Excel import use, call one action, show its errors beside the fields.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from shegong.core import registry
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.htmx import redirect_after_write, render_partial_or_full
from shegong.core.models import AuditEvent, AuditTarget
from shegong.core.perms import Perm, require_perm
from shegong.web.forms import add_domain_error, run_action, save_through, schema_data

from .. import rules
from ..actions.party import (
    add_party_member,
    convert_temporary_branch,
    create_party_org,
    develop_party_member,
    dissolve_temporary_branch,
    extend_term,
    remove_party_member,
    update_party_org,
)
from ..actions.records import (
    create_organization,
    create_person,
    end_employment,
    set_coverage,
    start_employment,
    update_organization,
    update_person,
)
from ..choices import (
    CONTAINER_KINDS,
    OWNED_ELSEWHERE,
    OWNED_ELSEWHERE_PAGE,
    CoverageMode,
    Industry,
    OrgKind,
    OrgStatus,
    PartyOrgType,
)
from ..forms.records import (
    ConvertForm,
    CoverageForm,
    DateForm,
    DevelopForm,
    DissolveForm,
    EmploymentForm,
    ExtensionForm,
    OrganizationFilterForm,
    OrganizationForm,
    PartyMemberForm,
    PartyOrgFilterForm,
    PartyOrgForm,
    PersonFilterForm,
    PersonForm,
)
from ..models import Organization, PartyMembership, PartyOrganization, Person
from ..queries import records as queries
from ..schemas import CoverageIn, OrganizationIn, PartyOrgIn, PersonIn

PAGE_SIZE = 20
HISTORY_LIMIT = 100


def _query(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


def _status(form: Any) -> int:
    return 422 if form.errors else 200


# --- history ---------------------------------------------------------------------------------

# Choice fields whose stored values the history shows by their Chinese labels.
_VALUE_LABELS: dict[str, dict[str, str]] = {
    "kind": dict(OrgKind.choices),
    "status": dict(OrgStatus.choices),
    "industry": dict(Industry.choices),
    "type": dict(PartyOrgType.choices),
    "mode": dict(CoverageMode.choices),
}


def _label_of(model: type, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except Exception:
        return {"container": "所在商圈/楼宇/园区", "parent": "上级党组织"}.get(name, name)


def _shown(name: str, value: Any) -> str:
    if value in (None, "", []):
        return "（空）"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "，".join(str(v) for v in value)
    return _VALUE_LABELS.get(name, {}).get(str(value), str(value))


def history(user: Any, obj: Any) -> list[dict[str, Any]]:
    """The audit entries of ``obj``, newest first, each with the fields it changed — its own
    entries and the imports that created it (an ``AuditTarget`` row of their one entry)."""
    label, pk = obj._meta.label_lower, str(obj.pk)
    visible = AuditEvent.objects.visible_to(user)
    events = list(
        visible.filter(target_type=label, target_id=pk).order_by("-at", "-id")[:HISTORY_LIMIT]
    )
    details: dict[int, list[AuditTarget]] = {}  # entry → its rows naming ``obj``
    for detail in AuditTarget.objects.filter(target_type=label, target_id=pk).order_by("-id")[
        :HISTORY_LIMIT
    ]:
        details.setdefault(detail.event_id, []).append(detail)
    # The import that created ``obj`` is shown as its own creation entry was: to whoever may
    # see ``obj`` (the caller's page checked that), though the entry carries the importer's
    # region, which may be above the caller's scope.
    events += AuditEvent.objects.filter(pk__in=details)
    events.sort(key=lambda e: (e.at, e.id), reverse=True)
    rows = []
    for event in events[:HISTORY_LIMIT]:
        if not event.target_type and event.pk in details:
            rows += [{"event": event, "verb_label": d.verb_label, "changes": [],
                      "note": _detail_note(d)} for d in details[event.pk]]  # fmt: skip
            continue
        changed = (event.data or {}).get("changed")
        changes = []
        if isinstance(changed, dict):
            for name, pair in changed.items():
                old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
                changes.append(
                    {"label": _label_of(type(obj), name), "old": _shown(name, old),
                     "new": _shown(name, new)}
                )  # fmt: skip
        elif isinstance(changed, list):  # personal data: field names only
            changes = [{"label": _label_of(type(obj), name)} for name in changed]
        rows.append({"event": event, "verb_label": event.verb_label, "changes": changes,
                     "note": _note(event)})  # fmt: skip
    return rows


def _detail_note(detail: AuditTarget) -> str:
    """The note of a record an import created: which import, and the person of a new job."""
    if detail.verb == Verb.EMPLOYMENT_STARTED and detail.detail:
        return f"导入台账，人员编号 {detail.detail}"
    return "导入台账"


def _note(event: AuditEvent) -> str:
    data = event.data or {}
    verb = event.verb
    if verb == Verb.COVERAGE_SET:
        return f"覆盖方式：{_shown('mode', data.get('mode'))}"
    if verb in (Verb.EMPLOYMENT_STARTED, Verb.EMPLOYMENT_ENDED):
        return f"人员编号 {data.get('person')}" + (
            f"，职务：{data['position']}" if data.get("position") else ""
        )
    if verb in (Verb.PARTY_MEMBER_ADDED, Verb.PARTY_MEMBER_REMOVED):
        return f"人员编号 {data.get('person')}"
    if verb == Verb.PARTY_ORG_CONVERTED:
        return f"转为「{data.get('name', '')}」（{_shown('type', data.get('type'))}）"
    return ""


# --- organizations ---------------------------------------------------------------------------


def _completeness(qs: QuerySet, value: str) -> QuerySet:
    """六清楚 filter ("incomplete" or a score 0–6), with the rules of ``ledger.rules``."""
    from .. import rules

    qs = qs.annotate(**rules.completeness_annotations()).annotate(score=rules.score_expression())
    if value == "incomplete":
        return qs.filter(score__lt=len(rules.SECTIONS))
    if value == "complete":
        return qs.filter(score=len(rules.SECTIONS))
    return qs


def organizations(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    form = OrganizationFilterForm(request.GET or None, user=request.user)
    criteria = form.criteria()
    completeness = criteria.pop("completeness", "")
    try:
        qs = queries.organization_list(request.user, criteria)
    except InvalidInput as exc:
        add_domain_error(form, exc)
        qs = Organization.objects.none()
    if completeness:
        qs = _completeness(qs, completeness)
    qs = qs.order_by("region_id", "name", "pk")
    if request.GET.get("format") == "xlsx":
        from ..excel import export_organizations

        require_perm(request.user, Perm.LEDGER_IMPORT)  # 导入导出台账

        return export_organizations(qs, request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "can_manage": request.user.has_perm_in_scope(Perm.LEDGER_MANAGE),
        "can_export": request.user.has_perm_in_scope(Perm.LEDGER_IMPORT),
    }
    return render_partial_or_full(
        request, "ledger/organizations.html", context, "ledger/organization_table.html"
    )


def _org_context(request: HttpRequest, org: Organization, **extra: Any) -> dict[str, Any]:
    user = request.user
    coverage = getattr(org, "coverage", None)
    employments = org.employments.select_related("person").order_by("ended_on", "-is_manager", "id")
    context = {
        "org": org,
        "coverage": coverage,
        "current_jobs": [j for j in employments if j.ended_on is None],
        "past_jobs": [j for j in employments if j.ended_on is not None][:20],
        "assignments": org.instructor_assignments.select_related("instructor").order_by(
            "-started_on"
        ),
        "visits": org.guidance_visits.select_related("instructor")[:20],
        "is_container": org.kind in CONTAINER_KINDS,
        "tenants": Organization.objects.visible_to(user).filter(container=org).order_by("name")
        if org.kind in CONTAINER_KINDS
        else [],
        "container": Organization.objects.visible_to(user).filter(pk=org.container_id).first()
        if org.container_id
        else None,
        "history": history(user, org),
        "can_manage": user.has_perm_in_scope(Perm.LEDGER_MANAGE),
        "kept_elsewhere": OWNED_ELSEWHERE.get(org.kind, ""),
        "owner_url": _owner_url(org),
        "employment_form": EmploymentForm(prefix="job"),
        "coverage_form": CoverageForm(
            user=user,
            prefix="coverage",
            initial={
                "mode": coverage.mode if coverage else CoverageMode.NONE,
                "party_org_id": str(coverage.party_org_id or "") if coverage else "",
                "since": coverage.since if coverage else None,
                "note": coverage.note if coverage else "",
            },
        ),
        **extra,
    }
    try:
        from ..queries.coverage import organization_completeness

        context["completeness"] = organization_completeness(org)
    except ImportError:
        context["completeness"] = None
    return context


def _owner_url(org: Organization) -> str:
    """The page of the registry that keeps this row (a social organization's record), as the
    owning app registered it (``ObjectPage`` under ``OWNED_ELSEWHERE_PAGE``), or ""."""
    if org.kind not in OWNED_ELSEWHERE:
        return ""
    page = next((p for p in registry.object_pages if p.model == OWNED_ELSEWHERE_PAGE), None)
    return reverse(page.url_name, args=[org.pk]) if page is not None else ""


def organization(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.user, pk)
    return render(request, "ledger/organization_detail.html", _org_context(request, org))


def _save_organization(request: HttpRequest, org: Organization | None) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    initial = (
        OrganizationForm.initial_of(org) if org else {"kind": "enterprise", "status": "active"}
    )
    form = OrganizationForm(request.POST or None, user=request.user, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = save_through(
            form, OrganizationIn, form.payload(), obj=org, actor=request.user,
            create=create_organization, update=update_organization,
        )  # fmt: skip
        if saved is not None:
            messages.success(request, f"已登记组织：{saved.name}" if org is None else "已保存修改")
            return redirect_after_write(request, reverse("ledger:organization", args=[saved.pk]))
    return render(
        request, "ledger/organization_form.html", {"form": form, "org": org}, status=_status(form)
    )


def organization_create(request: HttpRequest) -> HttpResponse:
    return _save_organization(request, None)


def organization_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.user, pk)
    require_perm(request.user, Perm.LEDGER_MANAGE)
    if org.kind in OWNED_ELSEWHERE:  # a social organization: its registrar's record
        context = _org_context(request, org)
        return render(request, "ledger/organization_detail.html", context, status=409)
    return _save_organization(request, org)


@require_POST
def organization_employ(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a current job at this organization for a person found by ID number."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.user, pk)
    form = EmploymentForm(request.POST, prefix="job")
    if form.is_valid():
        person = queries.find_person_by_id_number(request.user, form.cleaned_data["id_number"])
        if person is None:
            form.add_error(
                "id_number", "未找到该身份证号的人员（或不在您的工作范围内），请先新建人员"
            )
        else:
            run_action(
                form, start_employment,
                person, org, actor=request.user,
                position=form.cleaned_data["position"],
                is_manager=form.cleaned_data["is_manager"],
                started_on=form.cleaned_data["started_on"],
                field_map={"organization_credit_code": "id_number"},
            )  # fmt: skip
            if not form.errors:
                messages.success(request, f"已登记在职：{person.name_masked}")
                return redirect_after_write(request, reverse("ledger:organization", args=[pk]))
    context = _org_context(request, org, employment_form=form, open_employment=True)
    return render(request, "ledger/organization_detail.html", context, status=422)


@require_POST
def organization_employment_end(request: HttpRequest, pk: int, job: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.user, pk)
    found = org.employments.select_related("person", "organization").filter(pk=job).first()
    if found is None:
        raise Http404("未找到该任职记录")
    form = DateForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput.field("ended_on", "日期格式应为 YYYY-MM-DD")
        end_employment(found, actor=request.user, ended_on=form.cleaned_data["on"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已结束任职：{found.person.name_masked}")
    return redirect_after_write(request, reverse("ledger:organization", args=[pk]))


@require_POST
def organization_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    org = queries.access_organization(request.user, pk)
    form = CoverageForm(request.POST, user=request.user, prefix="coverage")
    if form.is_valid():
        data = schema_data(form, CoverageIn, form.payload())
        if data is not None:
            run_action(form, set_coverage, org, data, actor=request.user)
        if not form.errors:
            messages.success(request, "已更新党建覆盖情况")
            return redirect_after_write(request, reverse("ledger:organization", args=[pk]))
    context = _org_context(request, org, coverage_form=form, open_coverage=True)
    return render(request, "ledger/organization_detail.html", context, status=422)


# --- people ----------------------------------------------------------------------------------


def people(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    form = PersonFilterForm(request.GET or None, user=request.user)
    try:
        qs = queries.people_list(request.user, form.criteria())
    except InvalidInput as exc:
        add_domain_error(form, exc)
        qs = Person.objects.none()
    if request.GET.get("format") == "xlsx":
        from ..excel import export_people

        require_perm(request.user, Perm.LEDGER_IMPORT)  # 导入导出台账

        return export_people(qs, request.user)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "query": _query(request),
        "can_manage": request.user.has_perm_in_scope(Perm.LEDGER_MANAGE),
        "can_export": request.user.has_perm_in_scope(Perm.LEDGER_IMPORT),
    }
    return render_partial_or_full(
        request, "ledger/people.html", context, "ledger/person_table.html"
    )


def _person_context(request: HttpRequest, person: Person, **extra: Any) -> dict[str, Any]:
    user = request.user
    return {
        "person": person,
        "jobs": person.employments.select_related("organization").order_by("ended_on", "-id"),
        "memberships": person.party_memberships.select_related("party_org").order_by(
            "left_on", "-id"
        ),
        "history": history(user, person),
        "can_manage": user.has_perm_in_scope(Perm.LEDGER_MANAGE),
        "can_reveal": user.has_perm_in_scope(Perm.PII_REVEAL),
        **extra,
    }


def person(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_person(request.user, pk)
    return render(request, "ledger/person_detail.html", _person_context(request, found))


@require_POST
def person_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the full ID number once; ``reveal_pii`` checks PII_REVEAL and audits it."""
    from shegong.accounts.actions import reveal_pii

    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_person(request.user, pk)
    try:
        value = reveal_pii(found, actor=request.user, field="id_number")
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect_after_write(request, reverse("ledger:person", args=[pk]))
    context = _person_context(request, found, revealed=value or "（未登记）")
    response = render_partial_or_full(
        request, "ledger/person_detail.html", context, "ledger/person_revealed.html"
    )
    response["Cache-Control"] = "no-store"
    return response


def _save_person(request: HttpRequest, found: Person | None) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    editing = found is not None
    initial = PersonForm.initial_of(found) if found else {}
    if not found and request.GET.get("org"):
        org = Organization.objects.visible_to(request.user).filter(pk=request.GET["org"]).first()
        if org is not None and org.credit_code:
            initial = {"organization_credit_code": org.credit_code, "region": org.region_id}
    form = PersonForm(request.POST or None, user=request.user, editing=editing, initial=initial)
    if request.method == "POST" and form.is_valid():
        payload = dict(form.cleaned_data)
        if found is not None:
            payload["id_number"] = found.id_number
        saved = save_through(
            form, PersonIn, payload, obj=found, actor=request.user,
            create=create_person, update=update_person,
        )  # fmt: skip
        if saved is not None:
            messages.success(
                request, f"已登记人员：{saved.name_masked}" if found is None else "已保存修改"
            )
            return redirect_after_write(request, reverse("ledger:person", args=[saved.pk]))
    return render(
        request, "ledger/person_form.html", {"form": form, "person": found}, status=_status(form)
    )


def person_create(request: HttpRequest) -> HttpResponse:
    return _save_person(request, None)


def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    return _save_person(request, queries.access_person(request.user, pk))


# --- party organizations ---------------------------------------------------------------------


def _tree(rows: list[PartyOrganization]) -> list[tuple[PartyOrganization, int]]:
    """(party org, depth) in tree order; a parent outside the list makes a root."""
    ids = {p.pk for p in rows}
    children: dict[int | None, list[PartyOrganization]] = {}
    for row in rows:
        children.setdefault(row.parent_id if row.parent_id in ids else None, []).append(row)
    out: list[tuple[PartyOrganization, int]] = []
    stack = [(row, 0) for row in reversed(children.get(None, []))]
    while stack:
        row, depth = stack.pop()
        out.append((row, depth))
        stack.extend((child, depth + 1) for child in reversed(children.get(row.pk, [])))
    return out


def party_orgs(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    data = request.GET.copy() if request.GET else None
    form = PartyOrgFilterForm(data, user=request.user, initial={"active": "1"})
    criteria = form.criteria() if data is not None else {"active": "1"}
    try:
        rows = list(queries.party_org_list(request.user, criteria).order_by("region_id", "name"))
    except InvalidInput as exc:
        add_domain_error(form, exc)
        rows = []
    context = {
        "form": form,
        "tree": _tree(rows),
        "today": timezone.localdate(),
        "can_manage": request.user.has_perm_in_scope(Perm.LEDGER_MANAGE),
    }
    return render(request, "ledger/party_orgs.html", context)


def _party_org_context(request: HttpRequest, party_org: PartyOrganization, **extra: Any) -> dict:
    user = request.user
    return {
        "party_org": party_org,
        "today": timezone.localdate(),
        "children": PartyOrganization.objects.visible_to(user)
        .filter(parent=party_org)
        .order_by("name"),
        "members": party_org.memberships.select_related("person").order_by("left_on", "role", "id"),
        "covered": party_org.covered.select_related("organization").order_by("organization__name"),
        "converted_from": party_org.converted_from.all(),
        "history": history(user, party_org),
        "can_manage": user.has_perm_in_scope(Perm.LEDGER_MANAGE) and party_org.is_active,
        "member_form": PartyMemberForm(
            prefix="member",
            initial={"transferred": party_org.type != PartyOrgType.TEMPORARY_BRANCH},
        ),
        "convert_form": ConvertForm(),
        "extension_form": ExtensionForm(),
        "dissolve_form": DissolveForm(),
        "develop_form": DevelopForm(),
        "has_reelection": rules.has_reelection(party_org.type),
        "reelection_status": rules.reelection_status(
            party_org.term_end, timezone.localdate(), party_org.extended_to
        )
        if party_org.is_active and rules.has_reelection(party_org.type)
        else None,
        "reelection_labels": rules.Reelection.LABELS,
        "rules": rules.RULES,
        **extra,
    }


def party_org(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_party_org(request.user, pk)
    return render(request, "ledger/party_org_detail.html", _party_org_context(request, found))


def _save_party_org(request: HttpRequest, found: PartyOrganization | None) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_MANAGE)
    initial = PartyOrgForm.initial_of(found) if found else {"type": "branch"}
    form = PartyOrgForm(request.POST or None, user=request.user, editing=found, initial=initial)
    if request.method == "POST" and form.is_valid():
        secretary = None
        number = form.cleaned_data.get("secretary")
        if number:
            secretary = queries.find_person_by_id_number(request.user, number)
            if secretary is None:
                form.add_error("secretary", "未找到该身份证号的人员，或不在您的工作范围内")
        if not form.errors:
            saved = save_through(
                form, PartyOrgIn, form.payload(), obj=found, actor=request.user,
                create=partial(create_party_org, secretary=secretary), update=update_party_org,
            )  # fmt: skip
            if saved is not None:
                messages.success(
                    request, f"已新建党组织：{saved.name}" if found is None else "已保存修改"
                )
                return redirect_after_write(request, reverse("ledger:party_org", args=[saved.pk]))
    return render(
        request,
        "ledger/party_org_form.html",
        {"form": form, "party_org": found},
        status=_status(form),
    )


def party_org_create(request: HttpRequest) -> HttpResponse:
    return _save_party_org(request, None)


def party_org_edit(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    return _save_party_org(request, queries.access_party_org(request.user, pk))


@require_POST
def party_org_member_add(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_party_org(request.user, pk)
    form = PartyMemberForm(request.POST, prefix="member")
    if form.is_valid():
        person_ = queries.find_person_by_id_number(request.user, form.cleaned_data["id_number"])
        if person_ is None:
            form.add_error("id_number", "未找到该身份证号的人员，或不在您的工作范围内")
        else:
            run_action(
                form, add_party_member,
                found, person_, actor=request.user, role=form.cleaned_data["role"],
                joined_on=form.cleaned_data["joined_on"],
                transferred=form.cleaned_data["transferred"], field_map={"person": "id_number"},
            )  # fmt: skip
            if not form.errors:
                messages.success(request, f"已转入党员：{person_.name_masked}")
                return redirect_after_write(request, reverse("ledger:party_org", args=[pk]))
    context = _party_org_context(request, found, member_form=form, open_member=True)
    return render(request, "ledger/party_org_detail.html", context, status=422)


@require_POST
def party_org_member_remove(request: HttpRequest, pk: int, membership: int) -> HttpResponse:
    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_party_org(request.user, pk)
    row = PartyMembership.objects.filter(party_org=found, pk=membership).select_related("person")
    row = row.first()
    if row is None:
        raise Http404("未找到该党员记录")
    form = DateForm(request.POST)
    try:
        if not form.is_valid():
            raise InvalidInput.field("left_on", "日期格式应为 YYYY-MM-DD")
        remove_party_member(row, actor=request.user, left_on=form.cleaned_data["on"])
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, f"已转出党员：{row.person.name_masked}")
    return redirect_after_write(request, reverse("ledger:party_org", args=[pk]))


def _party_org_step(
    request: HttpRequest, pk: int, form_class: type[Any], form_key: str, open_key: str,
    act: Callable[[PartyOrganization, dict[str, Any]], tuple[str, int]],
    field_map: dict[str, str] | None = None,
) -> HttpResponse:  # fmt: skip
    """One of a party organization's forms (转为正式, 延期换届, 撤销): ``act(found, cleaned_data)``
    runs the action and returns the success message and the pk of the page to go to. A refusal
    that concerns no field (a wrong type, no longer active) is a message on the page; field
    errors re-render the page with that form open (422)."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    found = queries.access_party_org(request.user, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            message, target = act(found, form.cleaned_data)
        except DomainError as exc:
            if not exc.errors:
                messages.error(request, exc.detail)
                return redirect_after_write(request, reverse("ledger:party_org", args=[pk]))
            add_domain_error(form, exc, field_map)
        else:
            messages.success(request, message)
            return redirect_after_write(request, reverse("ledger:party_org", args=[target]))
    context = _party_org_context(request, found, **{form_key: form, open_key: True})
    return render(request, "ledger/party_org_detail.html", context, status=422)


@require_POST
def party_org_convert(request: HttpRequest, pk: int) -> HttpResponse:
    def act(found: PartyOrganization, data: dict[str, Any]) -> tuple[str, int]:
        formal = convert_temporary_branch(
            found, actor=request.user, new_type=data["new_type"], name=data["name"],
            converted_on=data["converted_on"],
        )  # fmt: skip
        return f"临时党支部已转为：{formal.name}", formal.pk

    return _party_org_step(request, pk, ConvertForm, "convert_form", "open_convert", act)


@require_POST
def party_org_extend(request: HttpRequest, pk: int) -> HttpResponse:
    """延期换届: record an approved extension of the term."""

    def act(found: PartyOrganization, data: dict[str, Any]) -> tuple[str, int]:
        extend_term(found, actor=request.user, **data)
        return f"已登记延期换届，延期至 {data['extended_to']}", found.pk

    return _party_org_step(request, pk, ExtensionForm, "extension_form", "open_extend", act)


@require_POST
def party_org_develop(request: HttpRequest, pk: int) -> HttpResponse:
    """发展党员: the organization admits a person of the ledger as a 预备党员."""

    def act(found: PartyOrganization, data: dict[str, Any]) -> tuple[str, int]:
        applicant = queries.find_person_by_id_number(request.user, data["id_number"])
        if applicant is None:
            raise InvalidInput.field("id_number", "未找到该身份证号的人员，或不在您的工作范围内")
        develop_party_member(found, applicant, actor=request.user, admitted_on=data["admitted_on"])
        return f"已接收 {applicant.name_masked} 为预备党员", found.pk

    # The action names the person; the form has their ID number.
    return _party_org_step(
        request, pk, DevelopForm, "develop_form", "open_develop", act,
        field_map={"person": "id_number"},
    )  # fmt: skip


@require_POST
def party_org_dissolve(request: HttpRequest, pk: int) -> HttpResponse:
    """Dissolve a 临时党支部 whose body (project, class, group) has ended."""

    def act(found: PartyOrganization, data: dict[str, Any]) -> tuple[str, int]:
        dissolve_temporary_branch(
            found, actor=request.user, reason=data["reason"], dissolved_on=data["dissolved_on"]
        )
        return f"临时党支部已撤销：{found.name}", found.pk

    return _party_org_step(request, pk, DissolveForm, "dissolve_form", "open_dissolve", act)
