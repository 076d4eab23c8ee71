"""Region pages: the caller's scoped tree, search, add a child, import a file, locate a point."""

from __future__ import annotations

import hashlib
import json
import uuid
from pathlib import Path
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.db.models.functions import Substr
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import quote_etag
from django.views.decorators.http import require_POST, require_safe

from shegong.core import geo
from shegong.core.api import problem
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted
from shegong.core.models import JobRun
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import scope_prefix

from . import actions, queries
from .actions import RegionRow
from .choices import ORDER, PREFIX_LENGTH, Level, child_level
from .models import Region, ancestor_codes

PAGE_SIZE = 50


def _css(form: forms.Form) -> None:
    for field in form.fields.values():
        css = (
            "form-select form-select-sm"
            if isinstance(field, forms.ChoiceField)
            else ("form-control form-control-sm")
        )
        field.widget.attrs.setdefault("class", css)


class RegionSearchForm(forms.Form):
    q = forms.CharField(label="名称或代码", required=False, max_length=50)
    level = forms.ChoiceField(
        label="层级", required=False, choices=[("", "全部层级"), *Level.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["level"].error_messages["invalid_choice"] = "未知的层级"
        _css(self)


class ChildRegionForm(forms.Form):
    code = forms.CharField(label="代码", max_length=15, error_messages={"required": "请填写代码"})
    name = forms.CharField(label="名称", max_length=100, error_messages={"required": "请填写名称"})
    level = forms.ChoiceField(label="层级", choices=Level.choices)
    centroid_lat = forms.FloatField(
        label="中心纬度", required=False, error_messages={"invalid": "纬度应为数字"}
    )
    centroid_lon = forms.FloatField(
        label="中心经度", required=False, error_messages={"invalid": "经度应为数字"}
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["level"].error_messages["invalid_choice"] = "未知的层级"
        _css(self)


class LocateForm(forms.Form):
    lat = forms.FloatField(
        label="纬度", error_messages={"required": "请填写纬度", "invalid": "纬度应为数字"}
    )
    lon = forms.FloatField(
        label="经度", error_messages={"required": "请填写经度", "invalid": "经度应为数字"}
    )
    crs = forms.ChoiceField(
        label="坐标系",
        initial="wgs84",
        choices=[
            ("wgs84", "WGS-84（GPS/天地图）"),
            ("gcj02", "GCJ-02（高德/腾讯/微信）"),
            ("bd09", "BD-09（百度）"),
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["crs"].error_messages["invalid_choice"] = "坐标系应为 wgs84、gcj02 或 bd09"
        _css(self)


def _add_domain_errors(form: forms.Form, exc: DomainError) -> None:
    """Put an action's per-field errors on the form; unknown fields become form errors."""
    for error in exc.errors or [{"field": None, "message": exc.detail}]:
        field = error.get("field")
        form.add_error(field if field in form.fields else None, error["message"])


# --- the tree --------------------------------------------------------------------------------


def _scope_root(user: Any) -> Region | None:
    """The region the caller's scope starts at (None for a superuser: the whole deployment)."""
    if user.is_superuser:
        return None
    membership = user.active_membership
    if membership is None:
        raise Http404("您没有任何工作范围")
    return membership.region


def _grid_counts(root: Region | None, children: list[Region]) -> dict[str, int]:
    """Grids below each child, in one GROUP BY over the prefix of the children's level."""
    if not children:
        return {}
    length = PREFIX_LENGTH[Level(children[0].level)]
    grids = Region.objects.filter(level=Level.GRID)
    if root is not None:
        grids = grids.subtree(root.prefix)
    rows = (
        grids.annotate(prefix=Substr("code", 1, length))
        .values("prefix")
        .annotate(n=Count("code"))
        .order_by()
    )
    return {row["prefix"]: row["n"] for row in rows}


def _breadcrumb(user: Any, root: Region | None) -> list[tuple[Region, bool]]:
    """Ancestors of ``root`` (and root itself), each with whether it is inside the scope."""
    if root is None:
        return []
    prefix = scope_prefix(user) or ""
    codes = ancestor_codes(root.code)
    by_code = Region.objects.in_bulk(codes)
    return [(by_code[c], c.startswith(prefix)) for c in codes if c in by_code]


def _tree_page(
    request: HttpRequest,
    root: Region | None,
    *,
    child_form: ChildRegionForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    search = RegionSearchForm(request.GET or None)
    searching = search.is_bound and search.is_valid() and any(search.cleaned_data.values())
    context: dict[str, Any] = {
        "root": root,
        "breadcrumb": _breadcrumb(user, root),
        "search": search,
        "searching": searching,
        "can_manage": user.has_perm_in_scope(Perm.REGIONS_MANAGE),
        "error": error,
    }
    if searching:
        found = Region.objects.visible_to(user).select_related("parent")
        if root is not None:
            found = found.subtree(root.prefix)
        if keyword := search.cleaned_data["q"].strip():
            found = found.filter(Q(name__icontains=keyword) | Q(code__startswith=keyword))
        if level := search.cleaned_data["level"]:
            found = found.filter(level=level)
        page = Paginator(found.order_by("code"), PAGE_SIZE).get_page(request.GET.get("page"))
        context["page"] = page
        params = request.GET.copy()
        params.pop("page", None)
        context["querystring"] = params.urlencode()
    else:
        children_qs = (
            Region.objects.filter(parent=root) if root else Region.objects.filter(parent=None)
        )
        children = list(children_qs.order_by("code"))
        counts = _grid_counts(root, children)
        context["children"] = [
            (child, None if child.level == Level.GRID else counts.get(child.prefix, 0))
            for child in children
        ]
    next_level = child_level(root.level) if root is not None else None
    if context["can_manage"] and root is not None and next_level:
        context["child_form"] = child_form or ChildRegionForm(
            initial={"level": next_level, "code": root.prefix}
        )
    context["locate"] = _locate(request)
    # The map draws the region and every level below it, one level at a time as it is zoomed.
    first = ORDER.index(Level(root.level)) if root is not None else 0
    context["map_levels"] = ",".join(level.value for level in ORDER[first:])
    return render(request, "regions/tree.html", context, status=status)


def _locate(request: HttpRequest) -> dict[str, Any]:
    """The locate tool: runs when the page is asked with ``?lat=…&lon=…``."""
    if "lat" not in request.GET and "lon" not in request.GET:
        return {"form": LocateForm(), "result": None}
    form = LocateForm(request.GET)
    if not form.is_valid():
        return {"form": form, "result": None}
    data = form.cleaned_data
    try:
        located = queries.locate(data["lat"], data["lon"], data["crs"])
    except InvalidInput as exc:
        if exc.detail == queries.OUT_OF_SERVICE:
            return {"form": form, "result": None, "outside": exc.detail}
        _add_domain_errors(form, exc)
        return {"form": form, "result": None}
    prefix = scope_prefix(request.user)
    return {
        "form": form,
        "result": located,
        "level_label": Level(located.region.level).label,
        "in_scope": prefix is not None and located.region.code.startswith(prefix),
        "wgs84": geo.to_wgs84(data["lat"], data["lon"], data["crs"]),
    }


def region_list(request: HttpRequest) -> HttpResponse:
    """The caller's scoped tree, starting at their scope region."""
    require_perm(request.user, Perm.REGIONS_VIEW)
    return _tree_page(request, _scope_root(request.user))


def region_detail(request: HttpRequest, code: str) -> HttpResponse:
    """One region and its children; outside the scope is 404, the same as missing."""
    require_perm(request.user, Perm.REGIONS_VIEW)
    return _tree_page(request, queries.access_region(request.user, code))


@require_POST
def create_child(request: HttpRequest, code: str) -> HttpResponse:
    """Add a child (typically a grid) under ``code`` through ``actions.create_region``."""
    require_perm(request.user, Perm.REGIONS_VIEW)
    parent = queries.access_region(request.user, code)
    form = ChildRegionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        row = RegionRow(
            code=data["code"].strip(),
            name=data["name"].strip(),
            level=data["level"],
            parent_code=parent.code,
            centroid_lat=data["centroid_lat"],
            centroid_lon=data["centroid_lon"],
        )
        try:
            region = actions.create_region(row, actor=request.user)
        except NotFound as exc:
            raise Http404(exc.detail) from exc
        except NotPermitted as exc:
            return _tree_page(request, parent, error=exc.detail, status=403)
        except InvalidInput as exc:
            _add_domain_errors(form, exc)
        else:
            messages.success(
                request, f"已新增{Level(region.level).label}「{region.name}」（{region.code}）"
            )
            return redirect("regions:detail", code=parent.code)
    return _tree_page(request, parent, child_form=form, status=422)


# --- boundaries for the maps ----------------------------------------------------------------

# A map asks for one level at a time (the next one when it is zoomed in far enough), so every
# answer is small and cached on its own; boundaries change with an import, rarely.
BOUNDARIES_MAX_AGE = 600


def _geojson(request: HttpRequest, body: dict[str, Any], *, public: bool) -> HttpResponse:
    """The FeatureCollection with an ETag of its content: a map that asks again within the
    cache time gets it from the browser, after that a 304 if nothing changed."""
    text = json.dumps(body, ensure_ascii=False, separators=(",", ":"))
    etag = quote_etag(hashlib.blake2b(text.encode(), digest_size=12).hexdigest())
    cache = f"{'public' if public else 'private'}, max-age={BOUNDARIES_MAX_AGE}"
    if etag in request.headers.get("If-None-Match", ""):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(text, content_type="application/geo+json; charset=utf-8")
    response["ETag"] = etag
    response["Cache-Control"] = cache
    if not public:
        response["Vary"] = "Cookie"
    return response


def _bad_level(exc: InvalidInput) -> HttpResponse:
    return problem(400, exc.detail, title="参数有误", errors=exc.errors)


@require_safe
def boundaries(request: HttpRequest) -> HttpResponse:
    """GeoJSON outlines of one level (``?level=street``) inside the caller's scope, or inside
    ``?root=<code>`` when that region is in the scope (else 404, the same as missing)."""
    require_perm(request.user, Perm.REGIONS_VIEW)
    try:
        level = queries.parse_level(request.GET.get("level"))
    except InvalidInput as exc:
        return _bad_level(exc)
    regions = Region.objects.visible_to(request.user)
    if root_code := request.GET.get("root", "").strip():
        try:
            root = queries.access_region(request.user, root_code[:15])
        except NotFound as exc:
            return problem(404, exc.detail, title="未找到", slug="not-found")
        regions = regions.subtree(root.prefix)
    return _geojson(request, queries.boundary_features(regions, level), public=False)


@login_not_required
@require_safe
def public_boundaries(request: HttpRequest) -> HttpResponse:
    """The public maps' base layer: the district, street and community outlines of the whole
    deployment (no login; grids are staff only)."""
    try:
        level = queries.parse_level(request.GET.get("level"), queries.PUBLIC_LEVELS)
    except InvalidInput as exc:
        return _bad_level(exc)
    return _geojson(request, queries.boundary_features(Region.objects.all(), level), public=True)


# --- import ----------------------------------------------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="区划文件（CSV 或 xlsx）",
        error_messages={"required": "请选择要导入的文件", "empty": "文件是空的"},
    )

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"class": "form-control", "accept": ".csv,.xlsx"})


MAX_UPLOAD_BYTES = 20 * 1024 * 1024
SHOWN_ERRORS = 1_000


def _store(upload: Any) -> Path:
    """Keep the upload under DATA_DIR/imports (the worker reads it from there)."""
    from . import tasks

    suffix = Path(upload.name).suffix.lower()
    suffix = suffix if suffix.isascii() and suffix[1:].isalnum() and len(suffix) <= 6 else ".bin"
    target = tasks.imports_dir() / f"regions-{uuid.uuid4().hex}{suffix}"
    with target.open("wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return target


def region_import(request: HttpRequest) -> HttpResponse:
    """Upload a CSV/xlsx of regions. The request stores the file and looks only at its kind and
    zip directory; reading and checking every row and importing them (all or none) is a job, run
    here for a small file and by the worker otherwise (``regions.tasks``)."""
    require_perm(request.user, Perm.REGIONS_MANAGE)
    from . import importer, tasks

    posted = request.method == "POST"
    form = ImportForm(request.POST, request.FILES) if posted else ImportForm()
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            form.add_error("file", f"文件过大（超过 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）")
        else:
            path = _store(upload)
            try:
                size = importer.check_upload(path)
            except importer.FileError as exc:
                path.unlink(missing_ok=True)
                form.add_error("file", str(exc))
            else:
                job = tasks.start_import_job(
                    user=request.user, path=path, filename=Path(upload.name).name, size=size
                )
                return redirect("regions:import_job", pk=job.pk)
    recent = JobRun.objects.filter(kind=tasks.JOB_KIND, created_by_id=request.user.pk)[:10]
    return render(
        request,
        "regions/import.html",
        {"form": form, "columns": importer.COLUMNS, "recent": recent},
        status=422 if form.errors else 200,
    )


def region_import_job(request: HttpRequest, pk: int) -> HttpResponse:
    """One import job: its progress while it runs, then what it imported or every error."""
    from . import importer

    job = _import_job(request, pk)  # someone else's job is 404, as if missing
    require_perm(request.user, Perm.REGIONS_MANAGE)
    context: dict[str, Any] = {"job": job, "result": job.result}
    if job.status in (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED):
        context["errors"] = [
            {**e, "label": importer.FIELD_LABELS.get(e.get("field") or "", e.get("field") or "")}
            for e in job.result.get("errors", [])[:SHOWN_ERRORS]
        ]
        context["more_errors"] = max(job.result.get("error_count", 0) - SHOWN_ERRORS, 0)
    return render(request, "regions/import_job.html", context)


def region_import_progress(request: HttpRequest, pk: int) -> HttpResponse:
    """The job's state, polled by htmx; once the job ends the page reloads to show its result."""
    job = _import_job(request, pk)  # someone else's job is 404, as if missing
    require_perm(request.user, Perm.REGIONS_MANAGE)
    response = render(request, "regions/import_progress.html", {"job": job})
    if job.status in (JobRun.Status.SUCCEEDED, JobRun.Status.FAILED):
        response["HX-Refresh"] = "true"
    return response


def _import_job(request: HttpRequest, pk: int) -> JobRun:
    try:
        return queries.access_import_job(request.user, pk)
    except NotFound as exc:
        raise Http404(exc.detail) from exc
