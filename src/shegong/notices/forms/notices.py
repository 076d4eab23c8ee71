"""The forms of the notice pages: the manager's filters, a draft, withdraw, the public objection
form, staff recording one, assign and answer."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.core import registry
from shegong.core.documents import ACCEPT
from shegong.notices import queries
from shegong.notices.choices import ObjectionVerdict
from shegong.web.forms import StyledForm

AT_FORMAT = "%Y-%m-%dT%H:%M"
AT_INPUTS = [AT_FORMAT, "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"]


def kind_choices() -> list[tuple[str, str]]:
    """The kinds the staff form offers: every registered ``core.registry.notice_kinds``."""
    kinds = sorted(registry.notice_kinds, key=lambda k: (k.order, k.key))
    return [(k.key, k.label) for k in kinds]


def kind_label(key: str) -> str:
    kind = registry.notice_kinds.get(key)
    return kind.label if kind is not None else key


def _at() -> forms.DateTimeField:
    return forms.DateTimeField(
        required=False,
        input_formats=AT_INPUTS,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=AT_FORMAT),
    )


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (the action checks them: type by content, size)."""

    def clean(self, data: Any, initial: Any = None) -> Any:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return [super().clean(data, initial)] if data else []


class NoticeFilterForm(StyledForm):
    kind = forms.ChoiceField(label="类型", required=False)
    state = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部"), *queries.STATES.items()]
    )
    region = forms.ChoiceField(label="范围", required=False)
    open = forms.ChoiceField(
        label="异议", required=False, choices=[("", "全部"), ("1", "有未结异议")]
    )
    q = forms.CharField(label="标题", required=False, max_length=60)

    def __init__(self, *args: Any, regions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", "全部"), *kind_choices()]  # type: ignore[attr-defined]
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            ("", "全部"), *[(r.code, r.name) for r in regions]
        ]  # fmt: skip


class NoticeForm(StyledForm):
    kind = forms.ChoiceField(label="公示类型")
    region = forms.ChoiceField(label="公示范围", help_text="社区、街道或区（本人工作范围内）")
    title = forms.CharField(label="标题", max_length=120)
    body = forms.CharField(label="正文", max_length=20000, widget=forms.Textarea(attrs={"rows": 8}))
    starts_at = _at()
    ends_at = _at()
    phone = forms.CharField(label="监督电话", max_length=30, required=False)
    attachments = MultipleFileField(
        label="附件",
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT}),
        help_text="PDF、图片或 Office 文档，每个不超过 20 MB，最多 10 个",
    )

    def __init__(self, *args: Any, regions: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = kind_choices()  # type: ignore[attr-defined]
        self.fields["region"].choices = [  # type: ignore[attr-defined]
            (r.code, f"{r.name}（{r.get_level_display()}）") for r in regions
        ]
        self.fields["starts_at"].label = "公示开始"
        self.fields["starts_at"].help_text = "留空为发布时开始"
        self.fields["ends_at"].label = "公示结束"
        self.fields["ends_at"].help_text = "留空按公示类型的默认天数（一般 7 天）"


class WithdrawForm(StyledForm):
    reason = forms.CharField(label="撤回原因", max_length=200)


class ObjectionForm(StyledForm):
    """The public form: name optional, phone and content required."""

    name = forms.CharField(label="姓名（可不填）", max_length=40, required=False)
    phone = forms.CharField(label="联系电话", max_length=20, required=False)
    content = forms.CharField(
        label="异议内容", max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 5})
    )


class RecordObjectionForm(ObjectionForm):
    holds = forms.BooleanField(label="答复前暂停公示事项", required=False, initial=True)


class AssignForm(StyledForm):
    assignee = forms.ChoiceField(label="承办人")

    def __init__(self, *args: Any, staff: Any = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].choices = [  # type: ignore[attr-defined]
            (u.pk, u.name) for u in staff
        ]


class AnswerForm(StyledForm):
    verdict = forms.ChoiceField(label="处理结论", choices=ObjectionVerdict.choices)
    answer = forms.CharField(
        label="答复内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
