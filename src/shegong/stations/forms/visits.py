"""Forms of the visit pages: the anonymous tally, the named visit and the statistics' year."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone

from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from ..actions import visits
from ..models import Station

YEARS_BACK = 5


class TallyForm(StyledForm):
    on = forms.DateField(label="日期", widget=DATE, error_messages=DATE_ERRORS)
    count = forms.IntegerField(
        label="人次", min_value=1, max_value=visits.MAX_TALLY,
        error_messages={"min_value": "人次至少为 1", "max_value": "人次不能超过 10,000"},
    )  # fmt: skip
    note = forms.CharField(label="说明", max_length=200, required=False)


AT_FORMAT = "%Y-%m-%dT%H:%M"


class VisitForm(StyledForm):
    """登记实名服务: who (ID number or phone), the services used, when (blank: now)."""

    who = forms.CharField(
        label="身份证号或手机号", max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        error_messages={"required": "请填写身份证号或手机号", "max_length": "身份证号或手机号有误"},
    )  # fmt: skip
    services = forms.MultipleChoiceField(
        label="使用的服务", required=False, widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": "本驿站没有该服务：%(value)s"},
    )  # fmt: skip
    at = forms.DateTimeField(
        label="服务时间", required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=AT_FORMAT),
        input_formats=[AT_FORMAT, "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        error_messages={"invalid": "服务时间格式应为 YYYY-MM-DD HH:MM"},
        help_text="默认现在；可补登 7 天内的服务",
    )  # fmt: skip

    def __init__(self, *args: Any, station: Station, **kwargs: Any):
        kwargs.setdefault("auto_id", "visit-%s")  # the station page holds other forms too
        super().__init__(*args, **kwargs)
        facilities = [f for f in station.facilities.all() if f.is_active]
        self.fields["services"].choices = [(f.code, f.name) for f in facilities]
        self.fields["services"].widget.attrs["class"] = "form-check-input"
        now = timezone.localtime()
        attrs = self.fields["at"].widget.attrs
        attrs["max"] = f"{now:{AT_FORMAT}}"
        attrs["min"] = f"{now - visits.STAFF_BACKDATE:{AT_FORMAT}}"
        if not self.is_bound:
            self.initial.setdefault("at", now.replace(second=0, microsecond=0))


class PeriodForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, required=False)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        this_year = timezone.localdate().year
        years = range(this_year, this_year - YEARS_BACK - 1, -1)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["year"].widget.attrs["class"] = "form-select"
