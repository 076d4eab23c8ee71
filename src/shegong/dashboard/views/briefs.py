"""工作简报: the page that makes a region's brief (region within the caller's scope, period,
kind, format → a download) and the one that keeps the uploaded .docx templates."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shegong.core.errors import DomainError, NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.pii import mask_name
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm, add_domain_error

from .. import actions, brief
from ..models import BriefTemplate

LEVELS = (Level.DISTRICT, Level.STREET, Level.COMMUNITY)
REGION_NOT_FOUND = "未找到该区划，或您无权查看"


def _regions(user: Any) -> list[Region]:
    qs = Region.objects.visible_to(user).filter(level__in=LEVELS).order_by("code")
    return list(qs.only("code", "name", "level")[:2000])


def _region(user: Any, code: str) -> Region:
    """The region ``code`` if it lies in the caller's scope, else 404."""
    found = Region.objects.visible_to(user).filter(code=code, level__in=LEVELS).first()
    if found is None:
        raise NotFound(REGION_NOT_FOUND)
    return found


class BriefForm(StyledForm):
    region = forms.CharField(label="区划", widget=forms.Select)
    start = forms.DateField(label="起始日期", widget=DATE, error_messages=DATE_ERRORS)
    end = forms.DateField(label="截止日期", widget=DATE, error_messages=DATE_ERRORS)
    kind = forms.ChoiceField(label="简报类型", choices=[(k, k) for k in brief.KINDS])
    format = forms.ChoiceField(
        label="格式", choices=[("docx", "文档（docx）"), ("md", "纯文本（带脚注）"), ("pdf", "PDF")]
    )

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = [(r.code, r.name) for r in regions]
        self.fields["region"].error_messages = {"required": "请选择区划"}
        self.fields["start"].error_messages["required"] = "请填写起始日期"
        self.fields["end"].error_messages["required"] = "请填写截止日期"


class TemplateForm(StyledForm):
    kind = forms.ChoiceField(label="简报类型", choices=[(k, k) for k in brief.KINDS])
    region = forms.CharField(label="适用区划", widget=forms.Select)
    file = forms.FileField(label="模板文件（.docx）", error_messages={"required": "请选择模板文件"})

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].widget.choices = [(r.code, r.name) for r in regions]


def _initial(user: Any, regions: list[Region]) -> dict[str, Any]:
    start, end = brief.last_month(timezone.localdate())
    code = regions[0].code if regions else ""
    return {"region": code, "start": start, "end": end, "kind": "月报", "format": "docx"}


@require_http_methods(["GET", "HEAD", "POST"])
def briefs(request: HttpRequest) -> HttpResponse:
    """工作简报: choose the region, period, kind and format; POST answers the document."""
    user = request.user
    require_perm(user, Perm.DASHBOARD_VIEW)
    regions = _regions(user)
    if request.method != "POST":
        form = BriefForm(initial=_initial(user, regions), regions=regions)
        return render(request, "dashboard/briefs/index.html", _context(user, form))
    form = BriefForm(request.POST, regions=regions)
    if form.is_valid():
        data = form.cleaned_data
        region = _region(user, data["region"])
        try:
            period = brief.check_period(data["start"], data["end"])
            made = brief.compose(region, period, data["kind"], user=user)
            content = brief.render(made, data["format"])
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            actions.record_generated(made, data["format"], actor=user)
            response = HttpResponse(content, content_type=brief.CONTENT_TYPES[data["format"]])
            response["Content-Disposition"] = _attachment(brief.filename(made, data["format"]))
            return response
    elif form.data.get("region"):
        _region(user, str(form.data["region"]))  # a region outside the scope is a 404 first
    return render(request, "dashboard/briefs/index.html", _context(user, form), status=400)


def _attachment(name: str) -> str:
    from urllib.parse import quote

    return (
        f"attachment; filename=\"brief.{name.rsplit('.', 1)[-1]}\"; filename*=UTF-8''{quote(name)}"
    )


def _context(user: Any, form: BriefForm) -> dict[str, Any]:
    return {
        "form": form,
        "may_manage": user.has_perm_in_scope(Perm.BRIEFS_MANAGE),
        "kinds": brief.KINDS,
    }


@require_http_methods(["GET", "HEAD", "POST"])
def brief_templates(request: HttpRequest) -> HttpResponse:
    """简报模板: the uploaded templates within the caller's scope, upload one (``action=upload``)
    or deactivate one (``action=remove&template=<id>``); ``?default=<kind>`` downloads a default
    template and ``?file=<id>`` an uploaded one, to edit."""
    user = request.user
    require_perm(user, Perm.BRIEFS_MANAGE)
    regions = _regions(user)
    visible = BriefTemplate.objects.visible_to(user)
    if request.method != "POST":
        if "default" in request.GET:
            kind = request.GET["default"]
            if kind not in brief.KINDS:
                raise NotFound("没有该类型的默认模板")
            return _docx(brief.default_template(kind).read_bytes(), f"{kind}默认模板.docx")
        if "file" in request.GET:
            found = visible.filter(pk=_int(request.GET["file"])).first()
            if found is None:
                raise NotFound(actions.TEMPLATE_NOT_FOUND)
            with found.file.open("rb") as handle:
                return _docx(handle.read(), found.name or f"{found.kind}模板.docx")
        form = TemplateForm(regions=regions, initial={"region": regions[0].code if regions else ""})
        return render(request, "dashboard/briefs/templates.html", _templates_context(user, form))
    if request.POST.get("action") == "remove":
        found = visible.filter(pk=_int(request.POST.get("template", ""))).first()
        if found is None:
            raise NotFound(actions.TEMPLATE_NOT_FOUND)
        try:
            actions.remove_template(found, actor=user)
        except DomainError as exc:
            messages.error(request, exc.detail)
        else:
            messages.success(request, f"已停用「{found.name}」，该类型将使用上级或默认模板")
        return redirect("dashboard:brief_templates")
    form = TemplateForm(request.POST, request.FILES, regions=regions)
    if form.is_valid():
        data = form.cleaned_data
        region = _region(user, data["region"])
        upload = data["file"]
        try:
            actions.upload_template(actor=user, kind=data["kind"], region=region,
                                    name=upload.name, data=upload.read())  # fmt: skip
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已上传{data['kind']}模板「{upload.name}」")
            return redirect("dashboard:brief_templates")
    context = _templates_context(user, form)
    return render(request, "dashboard/briefs/templates.html", context, status=400)


def _int(text: str) -> int:
    return int(text) if text.isdigit() and len(text) < 12 else 0


def _docx(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type=brief.CONTENT_TYPES["docx"])
    response["Content-Disposition"] = _attachment(name)
    return response


def _templates_context(user: Any, form: TemplateForm) -> dict[str, Any]:
    rows = list(
        BriefTemplate.objects.visible_to(user)
        .select_related("region", "uploaded_by")
        .order_by("-active", "kind", "-uploaded_at")[:200]
    )
    for row in rows:  # a list: the uploader's name masked
        name = mask_name(row.uploaded_by.name) if row.uploaded_by else "—"
        row.uploader = name  # type: ignore[attr-defined]
    return {
        "form": form,
        "rows": rows,
        "kinds": brief.KINDS,
        "context_keys": sorted(brief.CONTEXT_KEYS),
    }
