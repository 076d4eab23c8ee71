"""Pages of the party-building rules: coverage dashboard, 应建未建, 六清楚 and 换届 worklists.

Read-only pages: parse the filters, call one query (``queries/coverage.py``), render. Every
page needs ``LEDGER_VIEW`` and shows only the caller's scope.
"""

from __future__ import annotations

from typing import Any

from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_safe

from shegong.core import audit, excel
from shegong.core.audit import Verb
from shegong.core.perms import Perm, require_perm
from shegong.regions.choices import Level

from .. import rules
from ..choices import CONTAINER_KINDS, CoverageGroup, CoverageMode, OrgKind, OrgStatus
from ..forms.coverage import CompletenessForm, FilterForm, ShouldEstablishForm
from ..queries import coverage as queries
from ..queries import records
from ..rules import Establishment, Reelection, TemporaryBranch
from . import exports

PAGE_SIZE = 50
EXPORT_MAX_ROWS = 100_000


def _querystring_without_page(request: HttpRequest) -> str:
    params = request.GET.copy()
    params.pop("page", None)
    params.pop("format", None)
    return params.urlencode()


# --- coverage dashboard -----------------------------------------------------------------------


@require_safe
def coverage(request: HttpRequest) -> HttpResponse:
    """覆盖统计: coverage rates and modes per child region of the scope, with a chart."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    form = FilterForm(request.GET or None, user=request.user, kinds=queries.UNIT_KINDS)
    summary = queries.coverage_summary(
        request.user, form.value("region") or None, kind=form.value("kind")
    )
    if request.GET.get("format") == "xlsx":
        return exports.coverage_xlsx(request.user, summary)
    modes = [(m.value, m.label) for m in CoverageMode]
    chart = {
        "names": [row.name for row in summary.rows],
        # 组织覆盖率 of each group: one series per group, never a rate over mixed kinds.
        "organization_rate": [
            {
                "label": f"{CoverageGroup(group).label}组织覆盖率",
                "data": [row.groups[group].organization_rate for row in summary.rows],
            }
            for group in summary.groups
        ],
        "modes": [
            {"label": label, "data": [row.counts.by_mode.get(mode, 0) for row in summary.rows]}
            for mode, label in modes
        ],
    }
    kind_labels = dict(OrgKind.choices)
    group_labels = dict(CoverageGroup.choices)
    links = _list_links(form, summary)
    return render(
        request,
        "ledger/coverage.html",
        {
            "form": form,
            "summary": summary,
            "modes": modes,
            "chart": chart,
            "kind_rows": [
                (kind_labels[k], c, group_labels.get(rules.coverage_group(k) or "", ""))
                for k, c in summary.by_kind.items()
            ],
            "group_cards": [
                {
                    "counts": c,
                    "units_url": links["group"](g),
                    "covered_url": links["group"](g, coverage=records.COVERED),
                    "standalone_url": links["group"](g, coverage=CoverageMode.STANDALONE.value),
                }
                for g, c in summary.groups.items()
            ],
            "container_rows": [
                (kind_labels[k], c, links["carriers"](k), links["carriers"](k, covered=True))
                for k, c in summary.containers_by_kind.items()
            ],
            "links": links,
            "rules": rules.RULES,
        },
    )


def _list_links(form: FilterForm, summary: queries.CoverageSummary) -> dict[str, Any]:
    """The lists behind the page's figures, with the page's region and kind: each figure
    equals the total of the list it links to (the same definitions, ``queries.records``)."""
    region = form.value("region")
    # The organization list filters streets, communities and grids; above that its scope is
    # the caller's own, as the summary's.
    in_list = region and summary.region is not None and summary.region.level != Level.DISTRICT
    units = {"status": OrgStatus.ACTIVE.value, "kind": form.value("kind") or records.UNITS}
    if in_list:
        units["region"] = region
    organizations = reverse("ledger:organizations")
    worklist = {k: v for k, v in (("region", region), ("kind", form.value("kind"))) if v}

    def carriers(kind: str, *, covered: bool = False) -> str:
        params = {**units, "kind": kind, **({"coverage": records.COVERED} if covered else {})}
        return f"{organizations}?{urlencode(params)}"

    def group(group: str, *, coverage: str = "") -> str:
        """A group's units (its kinds, or the page's kind), or those with ``coverage``."""
        params = {**units, "kind": form.value("kind") or group}
        if coverage:
            params["coverage"] = coverage
        return f"{organizations}?{urlencode(params)}"

    return {
        "units": f"{organizations}?{urlencode(units)}",
        "with_members": f"{organizations}?{urlencode({**units, 'has_party_members': '1'})}",
        "should_establish": f"{reverse('ledger:should_establish')}?"
        + urlencode({**worklist, "status": Establishment.SHOULD_ESTABLISH}),
        "carriers": carriers,
        "group": group,
    }


# --- 应建未建 ----------------------------------------------------------------------------------


SHOULD_ESTABLISH_HEADERS = [
    ("名称", 32), ("统一社会信用代码", 22), ("类型", 10), ("街道", 12), ("所属社区/网格", 20),
    ("在职正式党员", 12), ("在职党员（含预备）", 14), ("覆盖方式", 14), ("判定", 14),
    ("应当", 28), ("建议组建", 20),
]  # fmt: skip


@require_safe
def should_establish(request: HttpRequest) -> HttpResponse:
    """应建未建 worklist; ``?format=xlsx`` exports the filtered list."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    form = ShouldEstablishForm(request.GET or None, user=request.user, kinds=queries.UNIT_KINDS)
    filters = queries.WorklistFilter(
        region=form.value("region"),
        kind=form.value("kind"),
        status=form.value("status"),
        sort=form.value("sort"),
    )
    orgs = queries.should_establish_worklist(request.user, filters)
    if form.is_bound and form.errors:
        orgs = orgs.none()
    streets = queries.street_names(request.user)
    mode_labels = dict(CoverageMode.choices)

    if request.GET.get("format") == "xlsx":
        return _export_should_establish(request, orgs, streets, mode_labels, filters)

    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    # The list holds two verdicts under one roof; the count names each (the coverage page's
    # 应建未建 is the first alone).
    threshold = rules.RULES.establish_min_full_members
    verdicts = orgs.order_by().aggregate(
        should_establish=Count("pk", filter=Q(n_full__gte=threshold)),
        members_uncovered=Count("pk", filter=Q(n_full__lt=threshold)),
    )
    rows = [
        (org, queries.classification(org), queries.street_of(org.region_id, streets))
        for org in page.object_list
    ]
    return render(
        request,
        "ledger/should_establish.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "verdicts": verdicts,
            "mode_labels": mode_labels,
            "querystring": _querystring_without_page(request),
            "export_max_rows": EXPORT_MAX_ROWS,
            "rules": rules.RULES,
        },
    )


def _export_should_establish(
    request: HttpRequest,
    orgs: Any,
    streets: dict[str, str],
    mode_labels: dict[str, str],
    filters: queries.WorklistFilter,
) -> HttpResponse:
    kind_labels = dict(OrgKind.choices)

    def rows() -> Any:
        for org in orgs.iterator(chunk_size=2000):
            c = queries.classification(org)
            yield (
                org.name, org.credit_code or "", kind_labels.get(org.kind, org.kind),
                queries.street_of(org.region_id, streets), org.region.name, c.full_members,
                c.members, mode_labels.get(c.mode, c.mode), c.label, c.expected, c.suggestion,
            )  # fmt: skip

    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    response = excel.xlsx_response(
        f"应建未建-{stamp}.xlsx",
        [excel.Column(header, width) for header, width in SHOULD_ESTABLISH_HEADERS],
        rows(),
        sheet_name="应建未建",
        max_rows=EXPORT_MAX_ROWS,
    )
    # The rows carry no personal data (organizations and counts), but every ledger export is
    # on record: who took which list out, with which filters (issue 3 §4).
    audit.record(
        Verb.LEDGER_EXPORTED,
        actor=request.user,
        region=filters.region or getattr(request.user.active_membership, "region_id", None),
        data={
            "list": "should_establish",
            "rows": int(response["X-Export-Rows"]),
            "filters": {"region": filters.region, "kind": filters.kind, "status": filters.status},
        },
    )
    return response


# --- 六清楚 -----------------------------------------------------------------------------------


@require_safe
def completeness(request: HttpRequest) -> HttpResponse:
    """六清楚 worklist: the least complete organizations first, with what is missing."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    form = CompletenessForm(request.GET or None, user=request.user, kinds=list(OrgKind))
    orgs = queries.completeness_worklist(
        request.user,
        region=form.value("region"),
        kind=form.value("kind"),
        score=form.value("score"),
    )
    if form.is_bound and form.errors:
        orgs = orgs.none()
    if request.GET.get("format") == "xlsx":
        filters = {k: form.value(k) for k in ("region", "kind", "score")}
        return exports.completeness_xlsx(request.user, orgs, filters)
    page = Paginator(orgs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = [(org, queries.completeness_of(org)) for org in page.object_list]
    return render(
        request,
        "ledger/completeness.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "sections": rules.SECTIONS,
            "querystring": _querystring_without_page(request),
        },
    )


# --- 换届 -------------------------------------------------------------------------------------


@require_safe
def reelection(request: HttpRequest) -> HttpResponse:
    """换届提醒: organizations past or near their term end; temporary branches to convert."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    formal_due_only = request.GET.get("temporary") == TemporaryBranch.FORMAL_DUE
    report = queries.reelection_due(request.user, formal_due_only=formal_due_only)
    return render(
        request,
        "ledger/reelection.html",
        {
            "report": report,
            "formal_due_only": formal_due_only,
            "labels": Reelection.LABELS,
            "rules": rules.RULES,
            "temporary_min": rules.temporary_branch_min_members(),
            "container_kinds": CONTAINER_KINDS,
        },
    )


@require_safe
def rules_page(request: HttpRequest) -> HttpResponse:
    """统计规则: the rules behind the coverage numbers and the worklists, in words, with the
    thresholds read from ``rules.RULES`` so the page never says another number than the code."""
    require_perm(request.user, Perm.LEDGER_VIEW)
    return render(
        request,
        "ledger/rules.html",
        {"rules": rules.RULES, "temporary_min": rules.temporary_branch_min_members()},
    )
