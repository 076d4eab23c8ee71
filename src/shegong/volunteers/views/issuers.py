"""Pages of the 出具单位 (issuer) profiles: the seal image and the names of the responsible
person and the handler every 志愿服务记录证明 carries (民发〔2015〕149号).

Those who run a team of a registered organization keep that organization's profile; staff who
manage volunteers keep the profile of their own street's or community's office (in whose name
they certify a grassroots team's hours). The seal is shown only to them and on certificates.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.files.storage import default_storage
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.regions.models import Region
from shegong.volunteers.actions import issuers
from shegong.volunteers.forms.hours import IssuerForm
from shegong.volunteers.models import CertificateIssuer
from shegong.volunteers.queries import access
from shegong.volunteers.queries import issuers as issuer_queries
from shegong.web.forms import run_action

SEAL_MISSING = "未找到印章图片"


def _owners(user: Any) -> list[tuple[str, str]]:
    found = issuer_queries.editable_organizations(user).order_by("name")[:100]
    orgs = [(f"org:{o.pk}", f"{o.name}（已登记组织）") for o in found]
    regions = [
        (f"region:{r.code}", f"{r.name}（以街道/社区名义）")
        for r in Region.objects.filter(code__in=issuer_queries.editable_regions(user))
    ]
    return orgs + regions


@require_safe
def issuer_list(request: HttpRequest) -> HttpResponse:
    """出具单位: the profiles the caller keeps, and what each still lacks."""
    user = request.user
    access.require_runner(user)
    rows = list(issuer_queries.issuers_visible_to(user).select_related("organization", "region"))
    context = {"rows": rows, "owners": _owners(user)}
    return render(request, "volunteers/issuer_list.html", context)


def _initial(found: CertificateIssuer | None, owner: str) -> dict[str, Any]:
    if found is None:
        return {"owner": owner}
    return {"owner": owner, "name": found.name, "head_name": found.head_name,
            "handler_name": found.handler_name, "phone": found.phone}  # fmt: skip


def _existing(owner: str) -> CertificateIssuer | None:
    kind, _, key = owner.partition(":")
    if kind == "org" and key.isdigit():
        return CertificateIssuer.objects.filter(organization_id=key).first()
    if kind == "region" and key:
        return CertificateIssuer.objects.filter(region_id=key).first()
    return None


@require_http_methods(["GET", "HEAD", "POST"])
def issuer_edit(request: HttpRequest) -> HttpResponse:
    """登记/修改出具单位信息 (``?owner=org:<id>`` or ``region:<code>``)."""
    user = request.user
    access.require_runner(user)
    owners = _owners(user)
    owner = (request.POST.get("owner") or request.GET.get("owner") or "").strip()[:40]
    if owner and owner not in dict(owners):
        raise NotFound(issuer_queries.ISSUER_NOT_FOUND)
    found = _existing(owner) if owner else None
    form = IssuerForm(
        request.POST or None, request.FILES or None, owners=owners,
        initial=_initial(found, owner),
    )  # fmt: skip
    status = 200
    if request.method == "POST":
        status = 422
        if form.is_valid():
            data = form.cleaned_data
            kind, _, key = data["owner"].partition(":")
            saved = run_action(
                form, issuers.save_issuer, user,
                organization=key if kind == "org" else None,
                region=key if kind == "region" else None, name=data["name"],
                head_name=data["head_name"], handler_name=data["handler_name"],
                phone=data["phone"], seal=data.get("seal"),
            )  # fmt: skip
            if form.errors:
                status = form.error_status
            elif saved is not None:
                messages.success(request, f"已保存出具单位「{saved.name}」的信息")
                return redirect_after_write(request, reverse("volunteers:issuers"))
    context = {"form": form, "found": found, "has_owners": bool(owners)}
    return render(request, "volunteers/issuer_form.html", context, status=status)


def seal_response(name: str) -> FileResponse:
    """A stored seal image, private to the page that shows it."""
    if not name or not name.startswith("volunteers/seals/") or not default_storage.exists(name):
        raise NotFound(SEAL_MISSING)
    content_type = "image/png" if name.lower().endswith(".png") else "image/jpeg"
    response = FileResponse(default_storage.open(name, "rb"), content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def issuer_seal(request: HttpRequest, pk: int) -> FileResponse:
    """The seal image of a profile the caller keeps."""
    found = issuer_queries.access_issuer(request.user, pk)
    return seal_response(found.seal.name)
