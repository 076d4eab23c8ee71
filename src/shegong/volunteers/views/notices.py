"""发布星级认定公示 / 发布记录证明公示: the staff form (region and period), with a preview of the
rows the notice will list, that calls ONE action of ``actions/notices.py``."""

from __future__ import annotations

from datetime import timedelta
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
from shegong.volunteers.actions import notices
from shegong.volunteers.queries import notices as notice_queries
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm, run_action

PREVIEW_LIMIT = 50


class NoticeForm(StyledForm):
    region = forms.ChoiceField(label="公示范围")
    since = forms.DateField(label="期间自", widget=DATE, error_messages=DATE_ERRORS)
    until = forms.DateField(label="至", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        regions = Region.objects.visible_to(user).filter(level__in=notices.NOTICE_LEVELS)
        self.fields["region"].choices = [
            (r.code, r.name) for r in regions.order_by("code").only("code", "name")[:500]
        ]


KINDS: dict[str, dict[str, Any]] = {
    "stars": {
        "title": "发布星级认定公示",
        "intro": "列出所选范围内在该期间新达到星级的志愿者（姓名遮挡、所在队伍、星级、累计时长）。"
        "北京、广东等地要求星级认定前公示不少于5个工作日，本公示默认10天。",
        "rows": notice_queries.star_rows,
        "action": notices.publish_star_notice,
        "back": "volunteers:list",
        "columns": ["姓名", "所在队伍", "认定星级", "累计服务时长（小时）"],
        "cells": ("name", "teams", "star_label", "hours"),
    },
    "certificates": {
        "title": "发布记录证明公示",
        "intro": "列出所选范围内各队伍在该期间出具的志愿服务记录证明（姓名遮挡、出具单位、"
        "服务期间、时长），按民发〔2015〕149号公示不少于7天；异议成立的证明请在证明页面作废。",
        "rows": notice_queries.certificate_rows,
        "action": notices.publish_certificate_notice,
        "back": "volunteers:certificates",
        "columns": ["姓名", "出具单位", "服务起始", "服务截止", "服务时长（小时）"],
        "cells": ("name", "issuer", "period_start", "period_end", "hours"),
    },
}


def _page(request: HttpRequest, key: str) -> HttpResponse:
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    kind = KINDS[key]
    today = timezone.localdate()
    initial = {"since": today - timedelta(days=30), "until": today}
    status = 200
    if request.method == "POST":
        form = NoticeForm(request.POST, user=user)
        if form.is_valid():
            data = form.cleaned_data
            notice = run_action(
                form, kind["action"], actor=user, region=data["region"], since=data["since"],
                until=data["until"],
            )  # fmt: skip
            if not form.errors and notice is not None:
                messages.success(request, f"已发布公示：{notice.title}")
                return redirect_after_write(request, reverse(kind["back"]))
        status = getattr(form, "error_status", 422)
    else:
        form = NoticeForm(request.GET or None, user=user, initial=initial)
    rows: list[dict[str, Any]] = []
    hidden: dict[str, str] = {}
    if form.is_bound and form.is_valid() and not form.errors:
        data = form.cleaned_data
        region = Region.objects.filter(code=data["region"]).first()
        if region is not None:
            rows = kind["rows"](region, data["since"], data["until"])
        hidden = {
            "region": data["region"], "since": data["since"].isoformat(),
            "until": data["until"].isoformat(),
        }  # fmt: skip
    context = {
        "form": form,
        "kind": kind,
        "key": key,
        "rows": [[row[c] for c in kind["cells"]] for row in rows[:PREVIEW_LIMIT]],
        "total": len(rows),
        "previewed": form.is_bound,
        "hidden": hidden,
        "back_url": reverse(kind["back"]),
    }
    return render(request, "volunteers/notice_form.html", context, status=status)


@require_http_methods(["GET", "HEAD", "POST"])
def star_notice(request: HttpRequest) -> HttpResponse:
    """发布星级认定公示."""
    return _page(request, "stars")


@require_http_methods(["GET", "HEAD", "POST"])
def certificate_notice(request: HttpRequest) -> HttpResponse:
    """发布记录证明公示."""
    return _page(request, "certificates")
