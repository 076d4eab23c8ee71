"""The public notice pages (no login): current and past notices, a notice with its attachments
(downloadable only while published), window, supervision phone and the objection form (only
while current). Objectors are never listed; nothing personal is shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods, require_safe

from shegong.core.errors import DomainError, NotFound
from shegong.core.net import client_ip
from shegong.notices import queries
from shegong.notices.actions import objections as objection_verbs
from shegong.notices.forms.notices import ObjectionForm, kind_choices, kind_label
from shegong.notices.views.staff import attachment_response
from shegong.regions.models import Region
from shegong.web.forms import add_domain_error

PAGE = 20


@login_not_required
@require_safe
def notice_list(request: HttpRequest) -> HttpResponse:
    tab = "past" if request.GET.get("tab") == "past" else "current"
    qs = queries.public_notices(request.GET)
    page = Paginator(qs, PAGE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for row in rows:
        row.kind_label = kind_label(row.kind)  # type: ignore[attr-defined]
    params = request.GET.copy()
    params.pop("page", None)
    regions = Region.objects.filter(level__in=("district", "street", "community")).order_by("code")
    context = {
        "tab": tab, "rows": rows, "page": page, "query": params.urlencode(),
        "kind": request.GET.get("kind", ""), "region": request.GET.get("region", ""),
        "kinds": kind_choices(), "regions": list(regions.values_list("code", "name")[:500]),
    }  # fmt: skip
    return render(request, "notices/public_list.html", context)


@login_not_required
@require_http_methods(["GET", "HEAD", "POST"])
def notice_page(request: HttpRequest, pk: int) -> HttpResponse:
    """A notice's public page; POST submits an objection (only while the notice is current)."""
    notice = queries.public_notice(pk)
    form = ObjectionForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if not notice.is_current():
            form.add_error(None, "该公示已结束，不再受理异议；如有问题请拨打监督电话")
            status = 409
        elif form.is_valid():
            data = form.cleaned_data
            try:
                objection = objection_verbs.submit_objection(
                    notice, name=data["name"], phone=data["phone"], content=data["content"],
                    ip=client_ip(request), submitter=request.user,
                )  # fmt: skip
            except DomainError as exc:
                add_domain_error(form, exc)
                status = exc.status
            else:
                context = {
                    "notice": notice,
                    "number": objection_verbs.receipt_number(objection),
                }
                return render(request, "notices/public_received.html", context)
        else:
            status = 422
    context = {
        "notice": notice, "kind_label": kind_label(notice.kind), "form": form,
        "is_current": notice.is_current(),
        "files": [a for a in notice.attachments or [] if isinstance(a, dict)],
    }  # fmt: skip
    return render(request, "notices/public_notice.html", context, status=status)


@login_not_required
@require_safe
def notice_file(request: HttpRequest, pk: int, index: int) -> FileResponse:
    """An attachment, only while the notice is published (a withdrawn notice's are gone)."""
    notice = queries.public_notice(pk)
    if notice is None:
        raise NotFound(queries.NOTICE_NOT_FOUND)
    return attachment_response(notice, index, public=True)
