"""Filter forms of the party-building rules pages (coverage, 应建未建, 六清楚)."""

from __future__ import annotations

from typing import Any

from django import forms

from .. import rules
from ..queries import coverage as queries
from ..rules import Establishment


class FilterForm(forms.Form):
    """Region (within the caller's scope) and kind; subclasses add their own fields."""

    region = forms.ChoiceField(label="区划", required=False)
    kind = forms.ChoiceField(label="类型", required=False)

    def __init__(self, *args: Any, user: Any, kinds: list, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [
            ("", "全部（本人工作范围）"),
            *queries.region_choices(user),
        ]
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        self.fields["kind"].choices = [("", "全部类型"), *[(k.value, k.label) for k in kinds]]
        self.fields["kind"].error_messages["invalid_choice"] = "未知的组织类型"
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", "form-select form-select-sm")

    def value(self, name: str) -> str:
        if self.is_bound and self.is_valid():
            return self.cleaned_data.get(name) or ""
        return ""


class ShouldEstablishForm(FilterForm):
    status = forms.ChoiceField(
        label="判定",
        required=False,
        choices=[
            ("", "全部"),
            (Establishment.SHOULD_ESTABLISH, "应建未建（≥3名正式党员）"),
            (Establishment.MEMBERS_UNCOVERED, "有党员未覆盖（1–2名）"),
        ],
    )
    sort = forms.ChoiceField(
        label="排序",
        required=False,
        choices=[("", "正式党员多的在前"), (queries.OLDEST, "建档最早的在前")],
        error_messages={"invalid_choice": "未知的排序方式"},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name in ("status", "sort"):
            self.fields[name].widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["status"].error_messages["invalid_choice"] = "未知的判定类型"


class CompletenessForm(FilterForm):
    score = forms.ChoiceField(
        label="得分",
        required=False,
        choices=[
            ("", "全部"),
            ("incomplete", "未完成（低于6分）"),
            *[(str(n), f"{n} 分") for n in range(len(rules.SECTIONS) + 1)],
        ],
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["score"].widget.attrs.setdefault("class", "form-select form-select-sm")
        self.fields["score"].error_messages["invalid_choice"] = "得分应为 0–6"
