"""The forms of the social-organization pages. They collect text; the action
(``actions.records``) validates and its Chinese messages land beside the fields they name."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core.documents import ACCEPT
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from .choices import DEFAULT_TERM_YEARS, Grade, SocialOrgStatus, SocialOrgType
from .statutes import GROUND_BY_KEY, ground_choices

# Statuses reached by a penalty: their legal basis is a statutory ground.
CLOSING_PENALTIES = {SocialOrgStatus.CANCELLED, SocialOrgStatus.REVOKED}

BLANK = [("", "全部")]
TEXT_AREA = forms.Textarea(attrs={"rows": 2})
YEAR_ERRORS = {
    "invalid": "年度应为四位数字，如 2025",
    "min_value": "年度不能早于1949年",
    "max_value": "年度不能晚于2100年",
}


class FilterForm(StyledForm):
    q = forms.CharField(label="名称或信用代码", required=False, max_length=100)
    org_type = forms.ChoiceField(
        label="类型", required=False, choices=BLANK + SocialOrgType.choices
    )
    status = forms.ChoiceField(
        label="登记状态", required=False, choices=BLANK + SocialOrgStatus.choices
    )
    region = forms.ChoiceField(label="区划", required=False)
    grade = forms.ChoiceField(label="评估等级", required=False, choices=BLANK + Grade.choices)
    registered_year = forms.IntegerField(
        label="登记年度", required=False, min_value=1949, max_value=2100,
        error_messages=YEAR_ERRORS,
    )  # fmt: skip
    closed_year = forms.IntegerField(
        label="撤销/吊销/注销年度", required=False, min_value=1949, max_value=2100,
        error_messages=YEAR_ERRORS,
    )  # fmt: skip

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = BLANK + regions


def _optional_date(label: str) -> forms.DateField:
    return forms.DateField(label=label, required=False, widget=DATE, error_messages=DATE_ERRORS)


class SocialOrgForm(StyledForm):
    org_type = forms.ChoiceField(label="类型", choices=SocialOrgType.choices)
    name = forms.CharField(label="名称", max_length=200)
    credit_code = forms.CharField(
        label="统一社会信用代码",
        max_length=30,
        help_text="18位；前两位为51社会团体、52社会服务机构、53基金会",
    )
    registration_number = forms.CharField(label="登记证号", max_length=50)
    registration_authority = forms.CharField(label="登记管理机关", max_length=100)
    registered_on = forms.DateField(label="登记日期", widget=DATE, error_messages=DATE_ERRORS)
    region = forms.ChoiceField(label="所属区划")
    address = forms.CharField(label="住所", max_length=300, required=False)
    supervisor = forms.CharField(label="业务主管单位", max_length=100, required=False)
    business_scope = forms.CharField(label="业务范围", required=False, widget=TEXT_AREA)
    activity_area = forms.CharField(label="活动地域", max_length=100, required=False)
    legal_rep = forms.CharField(label="法定代表人", max_length=50, required=False)
    legal_rep_phone = forms.CharField(label="法定代表人手机号", max_length=20, required=False)
    term_start = _optional_date("本届理事会起始日期")
    term_years = forms.IntegerField(
        label="每届任期（年）", initial=DEFAULT_TERM_YEARS, help_text="按章程规定，默认5年",
        error_messages={"invalid": "每届任期应为整数"},
    )  # fmt: skip
    charity = forms.BooleanField(label="已认定为慈善组织", required=False)
    charity_on = _optional_date("慈善组织认定日期")
    public_fundraising = forms.BooleanField(label="具有公开募捐资格", required=False)
    public_fundraising_on = _optional_date("取得公开募捐资格日期")
    grade = forms.ChoiceField(
        label="评估等级", required=False, choices=[("", "未评估"), *Grade.choices]
    )
    grade_valid_until = _optional_date("评估等级有效期至")
    status = forms.ChoiceField(
        label="登记状态",
        choices=[(s.value, s.label) for s in (SocialOrgStatus.NORMAL, SocialOrgStatus.PREPARING)],
    )

    def __init__(
        self, *args: Any, regions: list[tuple[str, str]], editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = regions
        if editing:
            del self.fields["status"]  # changed only by the status form, with its legal basis


class StatusForm(StyledForm):
    status = forms.ChoiceField(label="新状态", choices=SocialOrgStatus.choices)
    ground = forms.ChoiceField(
        label="法定事由（撤销、吊销时选择）", required=False,
        choices=[("", "（不适用）"), *ground_choices()],
    )  # fmt: skip
    legal_basis = forms.CharField(
        label="法律依据或说明", max_length=400, widget=TEXT_AREA, required=False,
        help_text="撤销、吊销请选择上面的法定事由，并可填写处罚决定书文号；其他变更填写依据",
    )  # fmt: skip

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        status = data.get("status")
        if status in CLOSING_PENALTIES and not data.get("ground"):
            self.add_error("ground", "撤销登记、吊销登记证书须选择法定事由")
        elif not data.get("ground") and not data.get("legal_basis"):
            self.add_error("legal_basis", "请填写变更状态的法律依据")
        return data

    def basis(self) -> str:
        """The chosen ground's article and text, then the free text."""
        ground = GROUND_BY_KEY.get(self.cleaned_data.get("ground") or "")
        parts = [ground.citation if ground else "", self.cleaned_data.get("legal_basis") or ""]
        return "；".join(p for p in parts if p)


class CharterForm(StyledForm):
    version_date = forms.DateField(label="章程核准日期", widget=DATE, error_messages=DATE_ERRORS)
    party_building = forms.BooleanField(label="党建入章", required=False)
    party_building_on = _optional_date("党建入章日期")
    file = forms.FileField(
        label="章程文件", required=False, widget=forms.ClearableFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF、图片或办公文档，不超过20 MB",
    )  # fmt: skip


class AccountForm(StyledForm):
    phone = forms.CharField(label="组织账号手机号", max_length=20)


class StatsForm(StyledForm):
    """The statistics page's year and region (both optional: last year, the whole scope)."""

    year = forms.TypedChoiceField(label="统计年度", coerce=int, required=False)
    region = forms.ChoiceField(label="区划", required=False)

    def __init__(
        self, *args: Any, years: list[int], regions: list[tuple[str, str]], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["year"].choices = [(y, f"{y}年") for y in years]
        self.fields["year"].error_messages["invalid_choice"] = "请选择列表中的统计年度"
        self.fields["region"].choices = [("", "全部范围"), *regions]
        self.fields["region"].error_messages["invalid_choice"] = "该区划不在您的工作范围内"


# --- §5: 换届 and dormant organizations ------------------------------------------------------


class ExtensionForm(StyledForm):
    new_date = forms.DateField(label="申请延期至", widget=DATE, error_messages=DATE_ERRORS,
                               help_text="最长不超过本届任期届满后1年")  # fmt: skip
    reason = forms.CharField(label="延期理由", widget=TEXT_AREA, max_length=1000)


class DecisionForm(StyledForm):
    decision = forms.ChoiceField(
        label="审批意见", choices=[("approve", "批准"), ("reject", "不予批准")]
    )
    note = forms.CharField(label="理由", required=False, widget=TEXT_AREA, max_length=1000)


class StepForm(StyledForm):
    done_on = forms.DateField(label="完成日期", widget=DATE, error_messages=DATE_ERRORS)
    note = forms.CharField(
        label="情况说明（结果）", required=False, widget=TEXT_AREA, max_length=2000
    )


class RectifyForm(StyledForm):
    deadline = forms.DateField(label="整改期限", widget=DATE, error_messages=DATE_ERRORS)
    note = forms.CharField(label="整改要求", widget=TEXT_AREA, max_length=1000)


class CloseCaseForm(StyledForm):
    outcome = forms.ChoiceField(
        label="处置结果",
        choices=[
            ("cancelled", "撤销登记"),
            ("revoked", "吊销登记证书"),
            ("deregistered", "注销登记"),
        ],
    )
    legal_basis = forms.CharField(label="法律依据", required=False, max_length=500,
                                  help_text="不填写则按默认依据记录")  # fmt: skip


class RectifiedForm(StyledForm):
    note = forms.CharField(label="整改核实情况", widget=TEXT_AREA, max_length=1000)
