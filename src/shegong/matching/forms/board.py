"""Forms of the dispatch board, the order pages and 代为点单. They only parse text; the rules
are the order actions'."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.matching.choices import Channel, OrderStatus, Urgency
from shegong.matching.models import Category
from shegong.web.forms import DATE, DATE_ERRORS, NOTE, StyledForm

AT_FORMAT = "%Y-%m-%dT%H:%M"
AT_INPUTS = [AT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]
AT_ERRORS = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM", "required": "请填写时间"}


def _category_choices() -> list[tuple[Any, str]]:
    return [("", "全部类别"), *Category.objects.filter(is_active=True).values_list("pk", "name")]


def _community_field(communities: Any, *, empty: str = "全部社区") -> forms.ChoiceField:
    return forms.ChoiceField(
        label="社区",
        required=False,
        choices=[("", empty), *((r.code, r.name) for r in communities)],
    )


class BoardFilterForm(StyledForm):
    compact = True

    def __init__(self, *args: Any, communities: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "community": _community_field(communities),
            "category": forms.TypedChoiceField(
                label="类别",
                required=False,
                coerce=int,
                empty_value=None,
                choices=_category_choices(),
            ),
            "urgency": forms.ChoiceField(
                label="紧急程度", required=False, choices=[("", "全部"), *Urgency.choices]
            ),
        }
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")


class OrderFilterForm(StyledForm):
    compact = True

    def __init__(self, *args: Any, communities: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "status": forms.ChoiceField(
                label="状态", required=False, choices=[("", "全部状态"), *OrderStatus.choices]
            ),
            "category": forms.TypedChoiceField(
                label="类别",
                required=False,
                coerce=int,
                empty_value=None,
                choices=_category_choices(),
            ),
            "community": _community_field(communities),
            "channel": forms.ChoiceField(
                label="来源", required=False, choices=[("", "全部来源"), *Channel.choices]
            ),
            "date_from": forms.DateField(
                label="点单日期起", required=False, widget=DATE, error_messages=DATE_ERRORS
            ),
            "date_to": forms.DateField(
                label="点单日期止", required=False, widget=DATE, error_messages=DATE_ERRORS
            ),
        }
        for name, field in self.fields.items():
            css = "form-control" if name.startswith("date") else "form-select"
            field.widget.attrs.setdefault("class", f"{css} {css}-sm")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


class ReasonForm(StyledForm):
    reason = forms.CharField(label="原因", max_length=200, widget=NOTE)


class RateForm(StyledForm):
    stars = forms.TypedChoiceField(
        label="评分", coerce=int, choices=[(n, f"{n} 星") for n in range(5, 0, -1)],
        error_messages={"required": "请选择 1 到 5 星", "invalid_choice": "请选择 1 到 5 星"},
    )  # fmt: skip
    comment = forms.CharField(label="评价", max_length=300, required=False, widget=NOTE)
    closing_note = forms.CharField(label="结项说明", max_length=300, required=False, widget=NOTE)


class DispatchForm(StyledForm):
    offer = forms.IntegerField(
        label="服务方", widget=forms.HiddenInput, error_messages={"required": "请选择服务方"}
    )


class StaffOrderForm(StyledForm):
    """代为点单 / 随手拍转服务需求."""

    def __init__(
        self, *args: Any, communities: Any = (), people: Any = (), from_report: bool = False,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields = {
            "region": _community_field(communities, empty="请选择社区"),
            "category": forms.TypedChoiceField(
                label="服务类别",
                coerce=int,
                choices=_category_choices()[1:],
                error_messages={"required": "请选择服务类别"},
            ),
            "beneficiary": forms.TypedChoiceField(
                label="服务对象",
                coerce=int,
                required=not from_report,
                empty_value=None,
                choices=[("", "请选择服务对象"), *((p.pk, p.label) for p in people)],
                error_messages={"required": "代为点单须选择服务对象"},
            ),
            "description": forms.CharField(label="需求描述", max_length=300, widget=NOTE),
            "window_start": forms.DateTimeField(
                label="期望服务开始",
                input_formats=AT_INPUTS,
                error_messages=AT_ERRORS,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=AT_FORMAT),
            ),
            "window_end": forms.DateTimeField(
                label="期望服务结束",
                input_formats=AT_INPUTS,
                error_messages=AT_ERRORS,
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=AT_FORMAT),
            ),
            "address": forms.CharField(label="服务地址", max_length=200, required=False),
            "contact_phone": forms.CharField(label="联系电话", max_length=20, required=False),
            "lat": forms.FloatField(required=False, widget=forms.HiddenInput),
            "lon": forms.FloatField(required=False, widget=forms.HiddenInput),
            "report": forms.IntegerField(required=False, widget=forms.HiddenInput),
        }
        self.fields["region"].required = True
        self.fields["region"].error_messages["required"] = "请选择社区"
        for field in self.fields.values():
            if not isinstance(field.widget, forms.HiddenInput):
                field.widget.attrs.setdefault(
                    "class",
                    "form-select" if isinstance(field.widget, forms.Select) else "form-control",
                )
