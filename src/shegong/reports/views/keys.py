"""The Open311 API-key page: list the keys, create one (its plaintext shown once), revoke.

Keys are district-wide configuration (they let an integration file cases anywhere in the
deployment), so the page needs ``reports.configure``, which only the district holds.
"""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shegong.core.errors import NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.web.forms import run_action

from ..actions.keys import create_api_key, revoke_api_key
from ..forms.keys import ApiKeyForm
from ..models import ApiKey


def api_keys(request: HttpRequest) -> HttpResponse:
    require_perm(request.user, Perm.REPORTS_CONFIGURE)
    form = ApiKeyForm(request.POST or None)
    plaintext = None
    status = 200
    if request.method == "POST" and form.is_valid():
        created = run_action(
            form, create_api_key, actor=request.user, name=form.cleaned_data["name"]
        )
        if form.errors:
            status = form.error_status
        else:
            api_key, plaintext = created
            form = ApiKeyForm()
            messages.success(request, f"已创建接口密钥「{api_key.name}」")
    elif form.errors:
        status = 422
    context = {
        "form": form,
        "plaintext": plaintext,
        "keys": ApiKey.objects.select_related("created_by"),
        "base_url": request.build_absolute_uri(
            reverse("open311:discovery", kwargs={"fmt": "xml"}).removesuffix("discovery.xml")
        ),
    }
    response = render(request, "reports/api_keys.html", context, status=status)
    if plaintext:
        response["Cache-Control"] = "no-store"  # the plaintext must not linger in a cache
    return response


@require_POST
def api_key_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    # A missing key is 404 for everyone; an existing one needs the permission (403).
    api_key = ApiKey.objects.filter(pk=pk).first()
    if api_key is None:
        raise NotFound("未找到该接口密钥")
    require_perm(request.user, Perm.REPORTS_CONFIGURE)
    revoke_api_key(api_key, actor=request.user)
    messages.success(request, f"已吊销接口密钥「{api_key.name}」")
    return redirect_after_write(request, reverse("reports:api_keys"))
