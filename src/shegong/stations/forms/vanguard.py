"""Forms of the 党员先锋岗/责任区 and 先进典型 pages."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.web.forms import DATE, StyledForm

from ..models import VanguardPost
from .workers import YES_NO


class PostFilterForm(StyledForm):
    kind = forms.ChoiceField(label="类型", required=False)
    street = forms.ChoiceField(label="街道", required=False)
    active = forms.ChoiceField(label="在岗", required=False, choices=YES_NO)

    def __init__(self, *args: Any, streets: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *VanguardPost.KIND_CHOICES]
        self.fields["street"].choices = [("", "全部"), *streets]


class PostForm(StyledForm):
    kind = forms.ChoiceField(label="类型", choices=VanguardPost.KIND_CHOICES)
    name = forms.CharField(label="名称", max_length=100)
    organization = forms.ChoiceField(label="所在单位", required=False)
    area = forms.CharField(label="责任区域", max_length=200, required=False,
                           help_text="党员责任区必填，如“东关路沿线”")  # fmt: skip
    holders = forms.CharField(
        label="岗位党员身份证号（每行一个）", widget=forms.Textarea(attrs={"rows": 4}),
        help_text="须为台账中您工作范围内的中共党员或预备党员",
    )  # fmt: skip
    region = forms.ChoiceField(label="所属区划")
    since = forms.DateField(label="设立日期", widget=DATE)
    active = forms.BooleanField(label="在岗", required=False, initial=True)

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], orgs: list[tuple[str, str]], **kw: Any
    ):
        super().__init__(*args, **kw)
        self.fields["organization"].choices = [("", "（无）"), *orgs]
        self.fields["region"].choices = [("", "请选择"), *regions]


class RoleModelForm(StyledForm):
    title = forms.CharField(label="荣誉称号", max_length=100)
    year = forms.IntegerField(label="年度")
    person_id_number = forms.CharField(
        label="身份证号", max_length=18, required=False,
        help_text="台账中该人员的身份证号；修改时留空表示不变",
    )  # fmt: skip
    citation = forms.CharField(label="事迹", widget=forms.Textarea(attrs={"rows": 6}))
    region = forms.ChoiceField(label="所属区划")
    published = forms.BooleanField(label="在光荣榜公开展示", required=False, initial=True)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *regions]
