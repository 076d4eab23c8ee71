"""The forms of the inspection pages (issue 14 §3). They collect text; the actions
(``actions.inspection``) validate, and their Chinese messages land beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core.documents import ACCEPT
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from .choices import SocialOrgType
from .inspections import WORKLISTS
from .models import (
    Cutoff,
    Ground,
    InspectionConclusion,
    MaterialKind,
    PartyOrg,
    ReportState,
)

BLANK = [("", "全部")]
TEXT_AREA = forms.Textarea(attrs={"rows": 3})


class ReportFilterForm(StyledForm):
    year = forms.ChoiceField(label="年度", required=False)
    region = forms.ChoiceField(label="区划", required=False)
    org_type = forms.ChoiceField(
        label="类型", required=False, choices=BLANK + SocialOrgType.choices
    )
    state = forms.ChoiceField(label="办理状态", required=False, choices=BLANK + ReportState.choices)
    conclusion = forms.ChoiceField(
        label="年检结论",
        required=False,
        choices=[*BLANK, ("none", "尚无结论"), *InspectionConclusion.choices],
    )
    late = forms.ChoiceField(
        label="逾期提交", required=False, choices=[*BLANK, ("1", "逾期"), ("0", "按期")]
    )
    worklist = forms.ChoiceField(
        label="工作清单", required=False, choices=BLANK + list(WORKLISTS.items())
    )
    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], years: list[int], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = BLANK + regions
        self.fields["year"].choices = BLANK + [(str(y), f"{y}年度") for y in years]


def _money(label: str) -> forms.CharField:
    return forms.CharField(label=f"{label}（元）", required=False, max_length=20)


class ReportForm(StyledForm):
    """年度工作报告书 (the organization's form)."""

    activities = forms.CharField(
        label="年度业务活动情况", required=False, widget=forms.Textarea(attrs={"rows": 5}),
        help_text="开展的主要活动、服务对象和人次、取得的成效",
    )  # fmt: skip
    income = _money("本年收入")
    expenditure = _money("本年支出")
    charitable_spending = _money("公益慈善活动支出")
    management_cost = _money("管理费用")
    net_assets = _money("年末净资产")
    staff_count = forms.CharField(label="专职工作人员（人）", required=False, max_length=10)
    party_org = forms.ChoiceField(
        label="党组织建设情况", required=False, choices=[("", "请选择"), *PartyOrg.choices]
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the action checks them: type by content, size)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class UploadForm(StyledForm):
    kind = forms.ChoiceField(label="材料类型", choices=MaterialKind.choices)
    files = MultipleFileField(
        label="文件",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF、图片或 Office 文档，每个不超过20MB",
    )


class SupervisorForm(StyledForm):
    result = forms.ChoiceField(
        label="初审结果", choices=[("pass", "初审通过"), ("return", "退回修改")]
    )
    note = forms.CharField(label="初审意见", required=False, widget=TEXT_AREA)


class VerifyForm(StyledForm):
    verified_on = forms.DateField(label="核验日期", widget=DATE, error_messages=DATE_ERRORS)
    verified_by = forms.CharField(
        label="核验人", required=False, max_length=100, help_text="不填则记为您本人"
    )
    findings = forms.CharField(label="核验情况", required=False, widget=TEXT_AREA)


class ReturnForm(StyledForm):
    reasons = forms.CharField(label="退回原因", required=False, widget=TEXT_AREA)


class ConcludeForm(StyledForm):
    conclusion = forms.ChoiceField(
        label="年检结论",
        choices=[
            (c.value, c.label)
            for c in (
                InspectionConclusion.PASS,
                InspectionConclusion.BASIC,
                InspectionConclusion.FAIL,
            )
        ],
    )
    grounds = forms.MultipleChoiceField(
        label="结论依据", required=False, widget=forms.CheckboxSelectMultiple,
        help_text="基本合格、不合格须至少选择一项",
    )  # fmt: skip
    note = forms.CharField(label="结论说明", required=False, widget=TEXT_AREA)

    def __init__(self, *args: Any, grounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["grounds"].choices = grounds


class PlanForm(StyledForm):
    authority = forms.CharField(label="登记管理机关", max_length=100)
    region = forms.ChoiceField(label="所在区划")
    year = forms.IntegerField(label="年度", error_messages={"invalid": "年度应为整数"})
    cutoff = forms.ChoiceField(label="参检范围", choices=Cutoff.choices)
    supervisor_due = forms.DateField(
        label="初审截止日期", required=False, widget=DATE, error_messages=DATE_ERRORS,
        help_text="不填为次年3月31日",
    )  # fmt: skip
    registrar_due = forms.DateField(
        label="年检截止日期", required=False, widget=DATE, error_messages=DATE_ERRORS,
        help_text="不填为次年5月31日",
    )  # fmt: skip
    require_certificate = forms.BooleanField(
        label="须提交登记证书副本", required=False, initial=True
    )
    grounds = forms.MultipleChoiceField(
        label="结论依据清单", required=False, widget=forms.CheckboxSelectMultiple,
        choices=Ground.choices, initial=Ground.values,
    )  # fmt: skip

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions


class RequireForm(StyledForm):
    registration_number = forms.CharField(label="登记证号", max_length=50)
    reason = forms.CharField(label="补充原因", max_length=500)


# --- the business supervisor's 初审 page ------------------------------------------------------


class SupervisionFilterForm(StyledForm):
    year = forms.ChoiceField(label="年度", required=False)
    state = forms.ChoiceField(label="初审状态", required=False)

    def __init__(self, *args: Any, years: list[int], states: dict[str, str], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = BLANK + [(str(y), f"{y}年度") for y in years]
        self.fields["state"].choices = list(states.items())


class SupervisionReviewForm(StyledForm):
    result = forms.ChoiceField(
        label="初审意见",
        choices=[
            ("pass", "通过（报送登记管理机关）"),
            ("return", "退回/不通过（组织修改后重新提交）"),
        ],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label="初审说明",
        required=False,
        widget=TEXT_AREA,
        help_text="退回/不通过时必填：写明需要修改或补充的内容",
    )
