"""The forms of the credit-list pages (issue 14 §4). They collect text; ``actions.credit``
validates and its Chinese messages land beside the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from .credit_rules import RULE_CHOICES
from .models import ListKind

BLANK = [("", "全部")]
TEXT_AREA = forms.Textarea(attrs={"rows": 2})
STATES = [
    ("open", "在册"),
    ("removed", "已移出"),
    ("recent", "近7日新列入"),
    ("due", "待移出"),
    ("eligible", "可申请移出"),
    ("applied", "已申请移出"),
]
SORTS = [("", "最新列入在前"), ("oldest", "最早列入在前")]


class CreditFilterForm(StyledForm):
    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    kind = forms.ChoiceField(label="名录", required=False, choices=BLANK + ListKind.choices)
    state = forms.ChoiceField(label="状态", required=False, choices=BLANK + STATES)
    rule = forms.ChoiceField(label="列入规则", required=False, choices=BLANK + RULE_CHOICES)
    region = forms.ChoiceField(label="区划", required=False)
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = BLANK + regions


class RectificationForm(StyledForm):
    matter = forms.CharField(
        label="整改事项",
        max_length=1000,
        widget=TEXT_AREA,
        error_messages={"required": "请填写整改事项"},
    )
    deadline = forms.DateField(label="整改期限", widget=DATE, error_messages=DATE_ERRORS)
    ordered_by = forms.CharField(
        label="责令机关", max_length=100, required=False, help_text="默认为登记管理机关"
    )


class VerifyForm(StyledForm):
    verification_note = forms.CharField(
        label="核实情况",
        max_length=1000,
        widget=TEXT_AREA,
        error_messages={"required": "请填写核实情况"},
    )


class LetterForm(StyledForm):
    sent_on = forms.DateField(label="寄出日期", widget=DATE, error_messages=DATE_ERRORS)
    returned_on = forms.DateField(label="退回日期", widget=DATE, error_messages=DATE_ERRORS)
    tracking_number = forms.CharField(label="挂号信编号", max_length=50, required=False)
    address = forms.CharField(
        label="寄送地址", max_length=300, required=False, help_text="默认为登记的住所"
    )


class RemoveForm(StyledForm):
    removal_reason = forms.CharField(
        label="移出事由",
        max_length=500,
        widget=TEXT_AREA,
        help_text="社会组织将看到此事由",
        error_messages={"required": "请填写移出事由"},
    )


class LeaveForm(StyledForm):
    leave_statement = forms.CharField(
        label="申请说明",
        max_length=2000,
        widget=TEXT_AREA,
        help_text="请说明已履行的义务、已纠正的行为，以及列入以来未再发生失信情形",
        error_messages={"required": "请填写申请说明"},
    )


class LookupForm(forms.Form):
    q = forms.CharField(label="社会组织名称或统一社会信用代码", max_length=100, required=False)
