"""Forms of 下派 (assigning a case down) and the holder's answer."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.accounts.models import User
from shegong.regions.models import Region
from shegong.web.forms import StyledForm

from .. import queries
from ..models import Report


class AssignDownForm(StyledForm):
    """One choice: ``c:<community code>`` or ``u:<user id>``, grouped 社区 / 网格员."""

    target = forms.ChoiceField(
        label="下派给",
        error_messages={
            "required": "请选择下派的社区或网格员",
            "invalid_choice": "所选社区或网格员不可选，请重新选择",
        },
    )
    note = forms.CharField(
        label="说明（可不填）",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2, "placeholder": "例如：请到现场核实并反馈"}),
        error_messages={"max_length": "说明不能超过2000字"},
    )

    def __init__(
        self, *args: Any, communities: list[Region], workers: list[User], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.communities = {c.pk: c for c in communities}
        self.workers = {w.pk: w for w in workers}
        groups: list[Any] = [("", "请选择")]
        if communities:
            groups.append(("社区", [(f"c:{c.pk}", c.name) for c in communities]))
        if workers:
            groups.append(("网格员", [(f"u:{w.pk}", w.name) for w in workers]))
        self.fields["target"].choices = groups

    def chosen(self) -> tuple[Region | None, User | None]:
        kind, _, key = self.cleaned_data["target"].partition(":")
        if kind == "c":
            return self.communities[key], None
        return None, self.workers[int(key)]


class AnswerDownForm(StyledForm):
    answer = forms.CharField(
        label="回复",
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "placeholder": "现场情况、处理结果"}),
        error_messages={
            "required": "请填写回复内容：现场情况或处理结果",
            "max_length": "回复不能超过2000字",
        },
    )


def down_form(user: Any, report: Report, data: Any = None) -> AssignDownForm | None:
    """The case page's 下派 form, or None when the user may not assign this case down."""
    communities, workers = queries.down_targets(user, report)
    if not communities and not workers:
        return None
    return AssignDownForm(data, communities=communities, workers=workers, prefix="down")
