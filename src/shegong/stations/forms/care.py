"""Forms of the care pages: care campaigns (stock, hand-outs) and insurance batches."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

from ..actions import care

MAX_LINES = care.MAX_ENROL


class _PeriodForm(StyledForm):
    region = forms.ChoiceField(label="范围")
    starts_on = forms.DateField(label="开始日期", widget=DATE, error_messages=DATE_ERRORS)
    ends_on = forms.DateField(label="结束日期", widget=DATE, error_messages=DATE_ERRORS)

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *regions]


class CampaignForm(_PeriodForm):
    name = forms.CharField(label="活动名称", max_length=100)
    benefit = forms.CharField(label="发放物品/服务", max_length=100)
    field_order = ["name", "benefit", "region", "starts_on", "ends_on"]


class BatchForm(_PeriodForm):
    name = forms.CharField(label="批次名称", max_length=100)
    insurer = forms.CharField(label="保险公司", max_length=100)
    policy_number = forms.CharField(label="保单号", max_length=60)
    field_order = ["name", "insurer", "policy_number", "region", "starts_on", "ends_on"]


class StockForm(StyledForm):
    station = forms.TypedChoiceField(label="驿站", coerce=int)
    quantity = forms.IntegerField(
        label="配发数量", min_value=0, max_value=care.MAX_STOCK,
        error_messages={"min_value": "配发数量不能为负数", "max_value": "配发数量过大"},
    )  # fmt: skip

    def __init__(self, *args: Any, stations: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", "请选择"), *stations]


class GiveForm(StyledForm):
    who = forms.CharField(
        label="身份证号或手机号", max_length=18,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip
    station = forms.TypedChoiceField(label="发放驿站", coerce=int)

    def __init__(self, *args: Any, stations: list[tuple[int, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["station"].choices = [("", "请选择"), *stations]


class EnrolForm(StyledForm):
    id_numbers = forms.CharField(
        label="身份证号（每行一个）", required=False,
        widget=forms.Textarea(attrs={"rows": 6, "autocomplete": "off"}),
    )  # fmt: skip
    everyone = forms.BooleanField(label="本范围内全部已登记的新就业群体", required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        lines = [t.strip() for t in (data.get("id_numbers") or "").splitlines() if t.strip()]
        if not lines and not data.get("everyone"):
            raise forms.ValidationError("请填写身份证号，或勾选本范围内全部人员")
        if len(lines) > MAX_LINES:
            raise forms.ValidationError(f"一次最多 {MAX_LINES:,} 行")
        data["lines"] = lines
        return data
