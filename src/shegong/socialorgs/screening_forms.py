"""The forms of §7's pages. They collect text; ``actions.screening`` validates and its Chinese
messages land beside the fields they name (so the fields are not required here)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core import documents
from shegong.web.forms import DATE, StyledForm

from .models import LeadOutcome, LeadSource, LeadState

BLANK = [("", "全部")]
AREA = forms.Textarea(attrs={"rows": 3})


def _text(label: str, size: int, *, area: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label, max_length=size, required=False, help_text=help_text,
        widget=AREA if area else None,
    )  # fmt: skip


def _day(label: str) -> forms.CharField:
    return forms.CharField(label=label, required=False, widget=DATE)


class LeadFilterForm(StyledForm):
    q = forms.CharField(label="名称或地点", required=False, max_length=100)
    round = forms.ChoiceField(label="排查轮次", required=False)
    source = forms.ChoiceField(label="来源", required=False, choices=BLANK + LeadSource.choices)
    state = forms.ChoiceField(label="办理状态", required=False, choices=BLANK + LeadState.choices)
    outcome = forms.ChoiceField(
        label="处置结果", required=False, choices=BLANK + LeadOutcome.choices
    )
    year = forms.CharField(label="年度", required=False, max_length=4)

    def __init__(self, *args: Any, rounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = BLANK + rounds


class LeadForm(StyledForm):
    source = forms.ChoiceField(label="线索来源", choices=LeadSource.choices)
    report = _text("随手拍工单编号", 20, help_text="来源为随手拍时填写，所属区划取工单的区划")
    source_detail = _text("来源说明", 200, help_text="来源为部门移交时填写移交部门")
    org_name = _text("疑似组织名称", 200)
    place = _text("活动地点", 300)
    description = _text("线索内容", 4000, area=True)
    received_on = _day("收到日期")
    region = forms.ChoiceField(label="所属区划", required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *regions]


class RoundForm(StyledForm):
    name = _text("轮次名称", 100, help_text="如：2026年第一轮非法社会组织排查")
    starts_on = _day("开始日期")
    ends_on = _day("结束日期")
    region = forms.ChoiceField(label="排查区划", required=False)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions


class VisitForm(StyledForm):
    round = forms.ChoiceField(label="排查轮次", required=False)
    visited_on = _day("走访日期")
    place = _text("走访地点", 300, help_text="不填则为线索的活动地点")
    visitors = _text("走访人员", 200)
    findings = _text("走访发现", 4000, area=True)

    def __init__(self, *args: Any, rounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["round"].choices = [("", "请选择"), *rounds]


class DocumentsInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class DocumentsField(forms.FileField):
    widget = DocumentsInput(attrs={"accept": documents.ACCEPT})

    def clean(self, data: Any, initial: Any = None) -> list:
        if not data:
            return []
        return list(data) if isinstance(data, list | tuple) else [data]


class InterviewForm(StyledForm):
    people = _text("约谈对象", 1000, help_text="姓名，多人用逗号或顿号分隔")
    interviewed_on = _day("约谈日期")
    record = _text("约谈记录", 10000, area=True)
    files = DocumentsField(
        label="附件", required=False, help_text="可选；PDF、图片或办公文档，单个不超过20MB"
    )


class OpinionForm(StyledForm):
    opinion = _text("处置意见", 4000, area=True)


class OutcomeForm(StyledForm):
    outcome = forms.ChoiceField(label="处置结果", choices=[("", "请选择"), *LeadOutcome.choices],
                                required=False)  # fmt: skip
    referred_to = _text("移交部门", 100, help_text="处置结果为移交有关部门时必填")
    losses_recovered = _text("挽回群众损失（元）", 20)
    outcome_on = _day("办结日期")
    outcome_note = _text("处置说明", 4000, area=True)
