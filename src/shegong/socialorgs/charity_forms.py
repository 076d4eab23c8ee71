"""The forms of the charity pages (issue 14 §6). They collect text and files; the actions
(``actions.charity``) validate, and their Chinese messages land beside the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core.documents import ACCEPT
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from .models import ApplicationState

BLANK = [("", "全部")]
TEXT_AREA = forms.Textarea(attrs={"rows": 3})


class DocumentsInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.Field):
    """Several documents (PDF, images, Office), checked by ``core.documents`` in the action."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", DocumentsInput(attrs={"accept": ACCEPT, "multiple": True}))
        super().__init__(**kwargs)

    def to_python(self, value: Any) -> list:
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def _date(label: str, required: bool = True) -> forms.DateField:
    return forms.DateField(label=label, required=required, widget=DATE, error_messages=DATE_ERRORS)


class ApplicationForm(StyledForm):
    note = forms.CharField(label="申请说明", required=False, widget=TEXT_AREA, max_length=2000)
    governance_files = DocumentsField(
        label="内部治理制度", help_text="章程、财务管理、募捐管理等内部制度，可多选"
    )
    other_files = DocumentsField(label="其他材料", help_text="可多选")


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label="决定",
        choices=[(ApplicationState.GRANTED, "准予"), (ApplicationState.REFUSED, "不予")],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label="理由", required=False, widget=TEXT_AREA, max_length=2000,
        help_text="不予时必填，申请组织可以看到",
    )  # fmt: skip


class PlanForm(StyledForm):
    title = forms.CharField(label="募捐活动名称", max_length=200)
    purpose = forms.CharField(label="募捐目的", widget=TEXT_AREA, max_length=2000)
    starts_on = _date("募捐开始日期")
    ends_on = _date("募捐结束日期")
    channels = forms.CharField(
        label="募捐方式与渠道", widget=TEXT_AREA, max_length=2000,
        help_text="如：民政部指定的互联网公开募捐信息平台名称、本组织网站、募捐箱设置地点",
    )  # fmt: skip
    target_amount = forms.CharField(label="募捐目标金额（元）", max_length=20)


class SupervisionForm(StyledForm):
    checked_on = _date("检查日期")
    checked = forms.CharField(label="检查内容", widget=TEXT_AREA, max_length=2000)
    findings = forms.CharField(
        label="发现的问题及处理", required=False, widget=TEXT_AREA, max_length=2000
    )


class DisclosureForm(StyledForm):
    disclosed_on = _date("公开日期")
    content = forms.CharField(label="公开内容", widget=TEXT_AREA, max_length=5000)
    final = forms.BooleanField(label="募捐结束后的全面公开", required=False)
    files = DocumentsField(label="附件", help_text="可多选")


class FinancialsForm(StyledForm):
    year = forms.CharField(
        label="年度", max_length=4,
        help_text="已在线提交年检年报的年度，财务数据取自年报、以年报为准，无需在此录入",
    )  # fmt: skip
    income = forms.CharField(label="本年总收入（元）", max_length=20)
    previous_income = forms.CharField(
        label="上年总收入（元）", max_length=20, required=False,
        help_text="不填时取上一年度已录入的总收入，或上一年度已提交年检年报中的本年收入",
    )  # fmt: skip
    total_spending = forms.CharField(label="本年总支出（元）", max_length=20)
    charitable_spending = forms.CharField(label="慈善活动支出（元）", max_length=20)
    management_cost = forms.CharField(label="管理费用（元）", max_length=20)
    audited = forms.BooleanField(label="已完成年度审计", required=False)
    audit_files = DocumentsField(label="审计报告")


class ApplicationFilter(StyledForm):
    state = forms.ChoiceField(
        label="办理状态", required=False, choices=BLANK + ApplicationState.choices
    )
    year = forms.CharField(label="年度", required=False, max_length=4)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("", "最新在前"), ("oldest", "最早在前")]
    )


class PlanFilter(StyledForm):
    q = forms.CharField(label="名称或组织", required=False, max_length=100)
    phase = forms.ChoiceField(
        label="阶段", required=False,
        choices=[*BLANK, ("upcoming", "未开始"), ("active", "募捐中"), ("ended", "已结束")],
    )  # fmt: skip
    disclosure = forms.ChoiceField(
        label="信息公开", required=False,
        choices=[*BLANK, ("overdue", "逾期未公开"), ("done", "已全面公开")],
    )  # fmt: skip
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("", "开始日期最新在前"), ("oldest", "公开期限最早在前")],
    )


class FinancialsFilter(StyledForm):
    year = forms.CharField(label="年度", required=False, max_length=4)
    flagged = forms.ChoiceField(label="支出比例", required=False, choices=[*BLANK, ("1", "不达标")])
    audited = forms.ChoiceField(label="审计", required=False, choices=[*BLANK, ("1", "已审计")])
