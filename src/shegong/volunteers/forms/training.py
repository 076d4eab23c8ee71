"""Forms of trainings and awards: shapes only; the rules live in ``training`` and ``awards``."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.volunteers.actions.training import CONTENT_MAX, NUMBERS_MAX
from shegong.volunteers.choices import AwardLevel
from shegong.web.forms import DATE, StyledForm

NUMBERS_HELP = f"每行一个，或用空格、逗号分隔；重复的编号只记一次，一次最多 {NUMBERS_MAX} 个"


def _numbers(**kwargs: Any) -> forms.CharField:
    return forms.CharField(
        label="参训志愿者编号", help_text=NUMBERS_HELP, max_length=NUMBERS_MAX * 30,
        widget=forms.Textarea(attrs={"rows": 6, "class": "form-control sg-mono",
                                     "placeholder": "如 34127100001234"}),
        **kwargs,
    )  # fmt: skip


class TrainingForm(StyledForm):
    title = forms.CharField(
        label="培训主题", max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如 应急救护（心肺复苏/AED）培训"}),
    )  # fmt: skip
    held_on = forms.DateField(label="培训日期", widget=DATE)
    hours = forms.DecimalField(
        label="培训时长（小时）", max_digits=4, decimal_places=1,
        help_text="0.5 至 24 小时；培训时长不计入志愿服务时长",
        widget=forms.NumberInput(attrs={"step": "0.5", "min": "0.5", "max": "24"}),
    )  # fmt: skip
    trainer = forms.CharField(
        label="授课人/单位", max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如 区红十字会、驻点社工 王**"}),
    )  # fmt: skip
    content = forms.CharField(
        label="培训内容", max_length=CONTENT_MAX, required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )  # fmt: skip
    numbers = _numbers()


class TraineesForm(StyledForm):
    numbers = _numbers()


class AwardForm(StyledForm):
    title = forms.CharField(
        label="表彰名称", max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如 优秀志愿者"}),
    )  # fmt: skip
    level = forms.ChoiceField(
        label="级别", choices=AwardLevel.choices, initial=AwardLevel.COMMUNITY
    )
    awarded_by = forms.CharField(
        label="授予单位", max_length=100,
        widget=forms.TextInput(attrs={"placeholder": "如 东关社区居民委员会"}),
    )  # fmt: skip
    awarded_on = forms.DateField(label="授予日期", widget=DATE)
    team = forms.ChoiceField(label="记录队伍", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, teams: list[Any] = (), without_team: bool = True, **kw: Any):
        super().__init__(*args, **kw)
        choices = [(str(t.pk), t.name) for t in teams]
        if without_team:
            choices.insert(0, ("", "不以队伍名义（工作人员记录）"))
        self.fields["team"].choices = choices
        self.fields["team"].required = not without_team


class AwardRevokeForm(StyledForm):
    reason = forms.CharField(label="撤销原因", max_length=200)
