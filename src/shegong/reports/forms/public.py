"""The filter of the public case list (no login)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from shegong.regions.choices import Level
from shegong.regions.models import Region

from ..choices import OPEN311_CLOSED
from ..models import Category


class PublicFilterForm(forms.Form):
    category = forms.ChoiceField(label="问题类别", required=False)
    status = forms.ChoiceField(
        label="状态",
        required=False,
        choices=[("", "全部"), ("open", "处理中"), ("closed", "已处理")],
    )
    street = forms.ChoiceField(label="街道", required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        categories = Category.objects.filter(is_active=True).values_list("service_code", "name")
        self.fields["category"].choices = [("", "全部"), *categories]
        streets = Region.objects.filter(level=Level.STREET).values_list("code", "name")
        self.fields["street"].choices = [("", "全部"), *streets]
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
            field.error_messages["invalid_choice"] = "请从列表中选择"

    def filter(self, cases: QuerySet) -> QuerySet:
        if not self.is_bound:
            return cases
        if not self.is_valid():
            return cases.none()
        data = self.cleaned_data
        if data["category"]:
            cases = cases.filter(category__service_code=data["category"])
        if data["status"] == "open":
            cases = cases.exclude(status__in=OPEN311_CLOSED)
        elif data["status"] == "closed":
            cases = cases.filter(status__in=OPEN311_CLOSED)
        if data["street"]:
            street = data["street"][:9]
            cases = cases.filter(region_id__gte=street, region_id__lt=street + ":")
        return cases
