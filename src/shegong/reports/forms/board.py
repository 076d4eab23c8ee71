"""Forms of the supervisor board (the period) and of the appointments (filter, appoint)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.accounts.models import User
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import DATE, BootstrapMixin

from ..choices import AppointmentKind
from ..metrics import Period

MAX_PERIOD_DAYS = 3 * 366
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}


class PeriodForm(BootstrapMixin, forms.Form):
    period = forms.ChoiceField(
        label="统计期间",
        required=False,
        choices=[("this_month", "本月"), ("last_month", "上月"), ("custom", "自定义")],
    )
    start = forms.DateField(
        label="开始日期", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    end = forms.DateField(label="结束日期", required=False, widget=DATE, error_messages=DATE_ERRORS)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("period") != "custom":
            return data
        start, end = data.get("start"), data.get("end")
        if start is None and "start" not in self.errors:
            self.add_error("start", "自定义期间请填写开始日期")
        if end is None and "end" not in self.errors:
            self.add_error("end", "自定义期间请填写结束日期")
        if start and end:
            if end < start:
                self.add_error("end", "结束日期不能早于开始日期")
            elif (end - start).days > MAX_PERIOD_DAYS:
                self.add_error("end", "统计期间不能超过3年")
        return data

    def chosen(self) -> Period:
        """The period asked for; this month when the form is empty or invalid."""
        data = self.cleaned_data if self.is_bound and self.is_valid() else {}
        choice = data.get("period") or "this_month"
        if choice == "last_month":
            return Period.last_month()
        if choice == "custom":
            return Period(data["start"], data["end"])
        return Period.this_month()


INDENT = {Level.DISTRICT: "", Level.STREET: "　", Level.COMMUNITY: "　　", Level.GRID: "　　　"}


def _region_choices(regions: list[Region], *, grids: bool) -> list[tuple[str, str]]:
    return [
        (r.code, INDENT.get(r.level, "") + r.name)
        for r in regions
        if grids or r.level != Level.GRID
    ]


class AppointmentFilterForm(BootstrapMixin, forms.Form):
    kind = forms.ChoiceField(
        label="聘任类型", required=False, choices=[("", "全部"), *AppointmentKind.choices]
    )
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("1", "在任"), ("0", "已解聘"), ("", "全部")]
    )
    region = forms.ChoiceField(label="负责区域", required=False)

    def __init__(self, *args: Any, regions: list[Region], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "全部"), *_region_choices(regions, grids=False)]
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"


class AppointForm(BootstrapMixin, forms.Form):
    phone = forms.CharField(label="手机号", max_length=11, help_text="被聘人员登录用的手机号")
    kind = forms.ChoiceField(label="聘任类型", choices=AppointmentKind.choices)
    appointed_by = forms.CharField(label="聘任单位", max_length=100)
    appointed_on = forms.DateField(label="聘任日期", widget=DATE, error_messages=DATE_ERRORS)
    region = forms.ChoiceField(label="负责区域")

    def __init__(self, *args: Any, actor: Any, regions: list[Region], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["region"].choices = _region_choices(regions, grids=True)
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        self.fields["phone"].error_messages["required"] = "请填写被聘人员的手机号"

    def clean_phone(self) -> User:
        phone = self.cleaned_data["phone"].strip()
        if not (len(phone) == 11 and phone.isdigit()):
            raise forms.ValidationError("请输入11位手机号")
        user = User.objects.visible_to(self.actor).filter(phone=phone, is_active=True).first()
        if user is None:
            raise forms.ValidationError("未找到该手机号的用户，或其不在您的工作范围内")
        return user

    def clean_region(self) -> Region:
        return Region.objects.get(code=self.cleaned_data["region"])
