"""Forms of the staff 新就业群体 pages: the profile, registration and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.web.forms import StyledForm

from .. import consent
from ..actions import workers

YES_NO = [("", "全部"), ("1", "是"), ("0", "否")]


def _platform_choices() -> list[tuple[str, str]]:
    return [("", "（无/不清楚）"), *((str(o.pk), o.name) for o in workers.platforms())]


class WorkerProfileForm(StyledForm):
    kind = forms.ChoiceField(label="从业类型", choices=workers.WORKER_KINDS)
    platform = forms.ChoiceField(label="所属平台企业", required=False)
    delivery_site = forms.CharField(label="配送站点", max_length=100, required=False)
    party_member = forms.BooleanField(label="党员", required=False)
    region = forms.ChoiceField(label="服务区域（街道/社区）")

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["platform"].choices = _platform_choices()
        self.fields["region"].choices = [("", "请选择"), *regions]


class WorkerRegisterForm(WorkerProfileForm):
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(label="身份证号", max_length=18)
    phone = forms.CharField(label="手机号", max_length=11, required=False)
    consent = forms.BooleanField(label=consent.STAFF_CONSENT_LABEL, required=False)
    field_order = ["name", "id_number", "phone", "kind", "platform", "delivery_site",
                   "party_member", "region", "consent"]  # fmt: skip


class WorkerFilterForm(StyledForm):
    q = forms.CharField(
        label="姓名", required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "按姓名搜索"}),
    )  # fmt: skip
    kind = forms.ChoiceField(label="从业类型", required=False)
    platform = forms.ChoiceField(label="平台企业", required=False)
    party = forms.ChoiceField(label="党员", required=False, choices=YES_NO)
    region = forms.ChoiceField(label="街道/社区", required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *workers.WORKER_KINDS]
        self.fields["platform"].choices = [
            ("", "全部"), *((str(o.pk), o.name) for o in workers.platforms())
        ]  # fmt: skip
        self.fields["region"].choices = [("", "全部"), *regions]
