"""The forms of the registration-event pages (issue 14 §2). They collect text and files; the
actions (``actions.events``) validate, and their Chinese messages land beside the fields."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core.documents import ACCEPT
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from .statutes import (
    ApplicationKind,
    ApplicationState,
    ChangeItem,
    Material,
    PenaltyKind,
    ground_choices,
)

BLANK = [("", "全部")]
TEXT_AREA = forms.Textarea(attrs={"rows": 3})


class DocumentsInput(forms.FileInput):
    allow_multiple_selected = True


class DocumentsField(forms.Field):
    """Several uploaded documents; checked by ``core.documents`` in the action."""

    widget = DocumentsInput(attrs={"accept": ACCEPT})

    def to_python(self, value: Any) -> list:
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def _date(label: str, help_text: str = "") -> forms.DateField:
    return forms.DateField(
        label=label, required=False, widget=DATE, error_messages=DATE_ERRORS, help_text=help_text
    )


class ApplicationFilterForm(StyledForm):
    compact = True
    q = forms.CharField(label="组织名称或信用代码", required=False, max_length=100)
    kind = forms.ChoiceField(
        label="申请事项", required=False, choices=BLANK + ApplicationKind.choices
    )
    state = forms.ChoiceField(
        label="办理状态", required=False, choices=BLANK + ApplicationState.choices
    )
    overdue = forms.ChoiceField(
        label="期限",
        required=False,
        choices=[("", "全部"), ("1", "逾期（含逾期提交）"), ("pending", "逾期未提交")],
    )
    year = forms.IntegerField(label="核准年度", required=False, min_value=2000, max_value=2100)
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("", "最新在前"), ("oldest", "等待最久在前")]
    )


class PenaltyFilterForm(StyledForm):
    compact = True
    q = forms.CharField(label="组织名称", required=False, max_length=100)
    kind = forms.ChoiceField(label="处罚种类", required=False, choices=BLANK + PenaltyKind.choices)
    year = forms.IntegerField(label="决定年度", required=False, min_value=2000, max_value=2100)


class ApplicationForm(StyledForm):
    kind = forms.ChoiceField(label="申请事项", choices=ApplicationKind.choices)
    items = forms.MultipleChoiceField(
        label="变更事项（变更登记时选择）",
        required=False,
        choices=ChangeItem.choices,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    requested_name = forms.CharField(label="变更后的名称", required=False, max_length=200)
    requested_address = forms.CharField(label="变更后的住所", required=False, max_length=300)
    requested_legal_rep = forms.CharField(label="变更后的法定代表人", required=False, max_length=50)
    requested_business_scope = forms.CharField(
        label="变更后的业务范围", required=False, widget=TEXT_AREA
    )
    requested_capital = forms.CharField(label="变更后的注册资金（万元）", required=False)
    requested_supervisor = forms.CharField(
        label="变更后的业务主管单位", required=False, max_length=100
    )
    requested_activity_area = forms.CharField(
        label="变更后的活动地域", required=False, max_length=100
    )
    requested_reelection = forms.CharField(
        label="新一届起始日期（换届时填写）", required=False, widget=DATE
    )
    supervisor_approved_on = _date(
        "业务主管单位同意日期",
        "变更登记填写；无业务主管单位的填写内部决议日期。应自该日起30日内申请",
    )
    dissolved_on = _date("解散（终止）决议日期", "注销登记填写")
    liquidation_ended_on = _date("清算结束日期", "注销登记填写；应自清算结束之日起15日内申请")
    party_building = forms.BooleanField(label="章程写入党建内容（章程核准时选择）", required=False)
    reason = forms.CharField(label="申请事由", required=False, widget=TEXT_AREA, max_length=2000)

    def values(self) -> dict[str, Any]:
        """The action's input: the requested values of the chosen items, by item."""
        data = self.cleaned_data
        items = list(data.get("items") or [])
        return {
            "kind": data.get("kind", ""),
            "items": items,
            "requested": {item: data.get(f"requested_{item}") or "" for item in items},
            "supervisor_approved_on": data.get("supervisor_approved_on") or "",
            "dissolved_on": data.get("dissolved_on") or "",
            "liquidation_ended_on": data.get("liquidation_ended_on") or "",
            "party_building": bool(data.get("party_building")),
            "reason": data.get("reason") or "",
        }


def application_initial(app: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        name: getattr(app, name)
        for name in (
            "kind", "items", "supervisor_approved_on", "dissolved_on", "liquidation_ended_on",
            "party_building", "reason",
        )
    }  # fmt: skip
    for item, value in (app.requested or {}).items():
        values[f"requested_{item}"] = value
    return values


class AttachmentForm(StyledForm):
    material = forms.ChoiceField(label="材料类别", choices=Material.choices)
    files = DocumentsField(
        label="文件",
        required=False,
        help_text="PDF、图片或办公文档，单个不超过20 MB，可多选",
    )


class ReturnForm(StyledForm):
    reasons = forms.CharField(
        label="退回理由",
        required=False,
        widget=TEXT_AREA,
        max_length=2000,
        help_text="申请人将看到退回理由，请写明需要补正的内容",
    )


class PenaltyForm(StyledForm):
    kind = forms.ChoiceField(label="处罚种类", choices=PenaltyKind.choices)
    ground = forms.ChoiceField(label="处罚事由及法律依据")
    decision_number = forms.CharField(label="处罚决定书文号", max_length=100, required=False)
    decided_on = _date("处罚决定日期")
    amount = forms.CharField(label="罚款金额（元）", required=False, help_text="罚款时填写")
    suspended_until = _date("停止活动期限至", "限期停止活动时填写")
    facts = forms.CharField(label="违法事实", required=False, widget=TEXT_AREA, max_length=2000)

    def __init__(self, *args: Any, org_type: str | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["ground"].choices = ground_choices(org_type)

    def values(self) -> dict[str, Any]:
        return {k: ("" if v is None else v) for k, v in self.cleaned_data.items()}
