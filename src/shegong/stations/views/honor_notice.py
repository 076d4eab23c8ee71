"""发布先进典型公示: the staff form (region and year) with a preview of the role models the
notice will list, calling ONE action, ``actions.honor_notice.publish_honor_notice``."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.regions.models import Region
from shegong.web.forms import StyledForm, run_action

from ..actions import honor_notice


class HonorNoticeForm(StyledForm):
    region = forms.ChoiceField(label="公示范围")
    year = forms.IntegerField(label="年度", min_value=1949, max_value=9999)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.visible_to(user).filter(level__in=honor_notice.NOTICE_LEVELS)
        self.fields["region"].choices = [
            (r.code, r.name) for r in regions.order_by("code").only("code", "name")[:500]
        ]


@require_http_methods(["GET", "HEAD", "POST"])
def honor_notice_page(request: HttpRequest) -> HttpResponse:
    """发布先进典型公示."""
    user = request.user
    require_perm(user, Perm.STATIONS_MANAGE)
    back = reverse("stations:vanguard") + "?tab=models"
    status = 200
    if request.method == "POST":
        form = HonorNoticeForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            notice = run_action(
                form, honor_notice.publish_honor_notice, actor=user, region=data["region"],
                year=data["year"],
            )  # fmt: skip
            if not form.errors and notice is not None:
                messages.success(request, f"已发布公示：{notice.title}")
                return redirect_after_write(request, back)
        status = getattr(form, "error_status", 422)
    else:
        initial = {"year": timezone.localdate().year}
        form = HonorNoticeForm(request.GET or None, user=user, initial=initial)
    rows: list[Any] = []
    hidden: dict[str, str] = {}
    if form.is_bound and form.is_valid() and not form.errors:
        data = form.cleaned_data
        region = Region.objects.filter(code=data["region"]).first()
        if region is not None:
            rows = list(
                honor_notice.listed(region, data["year"]).select_related("person", "region")[
                    : honor_notice.ROW_LIMIT
                ]
            )
        hidden = {"region": data["region"], "year": str(data["year"])}
    context = {
        "form": form,
        "rows": rows,
        "hidden": hidden,
        "previewed": form.is_bound,
        "back_url": back,
    }
    return render(request, "stations/honor_notice.html", context, status=status)
