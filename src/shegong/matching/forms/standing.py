"""Forms of the standing-order pages: the order itself, the rota, pause and end."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from ..actions.standing import WEEKDAY_NAMES
from ..choices import StandingStatus

TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
WEEKDAY_CHOICES = [(str(d), name) for d, name in WEEKDAY_NAMES.items()]


class StandingForm(StyledForm):
    region = forms.ChoiceField(label="社区")
    beneficiary = forms.ChoiceField(label="服务对象（台账人员）")
    category = forms.ChoiceField(label="服务类别")
    item = forms.ChoiceField(label="服务项目", required=False)
    title = forms.CharField(label="服务内容", max_length=60, initial="上门送餐")
    weekdays = forms.MultipleChoiceField(
        label="服务日", choices=WEEKDAY_CHOICES, widget=forms.CheckboxSelectMultiple,
        initial=[str(d) for d in WEEKDAY_NAMES],
        error_messages={"required": "请至少选择一个服务日"},
    )  # fmt: skip
    at_time = forms.TimeField(
        label="服务时间", widget=TIME, error_messages={"invalid": "时间格式应为 HH:MM"}
    )
    minutes = forms.IntegerField(label="每次时长（分钟）", min_value=1, max_value=480, initial=30)
    starts_on = forms.DateField(label="开始日期", widget=DATE, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(
        label="结束日期（可不填）", widget=DATE, error_messages=DATE_ERRORS, required=False
    )
    address = forms.CharField(label="服务地址", max_length=200, required=False)
    funding_source = forms.CharField(
        label="经费来源", max_length=100, required=False,
        help_text="例如：社区公益基金（慈善会+企业）",
    )  # fmt: skip

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], people: list[tuple[str, str]],
        categories: list[tuple[str, str]], items: list[tuple[str, str]], **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *regions]
        self.fields["beneficiary"].choices = [("", "请选择"), *people]
        self.fields["category"].choices = [("", "请选择"), *categories]
        self.fields["item"].choices = [("", "（不指定）"), *items]


class RotaForm(StyledForm):
    """排班: one select per weekday of the standing order."""

    def __init__(
        self, *args: Any, weekdays: list[int], offers: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        for day in weekdays:
            self.fields[f"day_{day}"] = forms.ChoiceField(
                label=WEEKDAY_NAMES[day], required=False, choices=[("", "（无人）"), *offers]
            )


class PauseForm(StyledForm):
    until = forms.DateField(label="暂停至（含当天）", widget=DATE, error_messages=DATE_ERRORS)
    reason = forms.CharField(label="暂停原因", max_length=100, initial="住院")


class EndForm(StyledForm):
    reason = forms.CharField(label="结束原因", max_length=100, required=False)


class FilterForm(StyledForm):
    compact = True
    community = forms.ChoiceField(label="社区", required=False)
    category = forms.ChoiceField(label="类别", required=False)
    status = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), *StandingStatus.choices]
    )

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], categories: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "全部社区"), *regions]
        self.fields["category"].choices = [("", "全部类别"), *categories]


class DoneForm(StyledForm):
    note = forms.CharField(label="说明", max_length=200, required=False)
