"""Forms of the action board and an action item's page. They only parse text; the rules are the
actions' (``deliberation.actions.actions``)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.deliberation.choices import ActionStatus, OwnerKind
from shegong.deliberation.models import TopicCategory
from shegong.web.forms import DATE, DATE_ERRORS, NOTE, PhotosField, StyledForm

PROGRESS_ERRORS = {
    "invalid": "进度应为 0 到 100 之间的整数",
    "min_value": "进度应为 0 到 100 之间的整数",
    "max_value": "进度应为 0 到 100 之间的整数",
    "required": "请填写进度",
}


def category_choices(empty: str = "全部类别") -> list[tuple[Any, str]]:
    return [("", empty), *TopicCategory.objects.filter(is_active=True).values_list("pk", "name")]


class ActionFilterForm(StyledForm):
    compact = True

    def __init__(self, *args: Any, communities: Any = (), **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields = {
            "community": forms.ChoiceField(
                label="社区", required=False,
                choices=[("", "全部社区"), *((r.code, r.name) for r in communities)],
            ),
            "category": forms.ChoiceField(label="类别", required=False, choices=category_choices()),
            "status": forms.ChoiceField(
                label="状态", required=False,
                choices=[("", "全部状态"), ("open", "未完成"), *ActionStatus.choices],
            ),
            "overdue": forms.ChoiceField(
                label="逾期", required=False, choices=[("", "全部"), ("1", "仅逾期")]
            ),
            "owner": forms.CharField(label="责任方", required=False, max_length=40),
            "due_month": forms.CharField(
                label="到期月份", required=False, max_length=7,
                widget=forms.TextInput(attrs={"type": "month", "placeholder": "YYYY-MM"}),
            ),
        }  # fmt: skip


class ActionForm(StyledForm):
    """建立落地实事 (and a child item: no community)."""

    def __init__(self, *args: Any, communities: Any = (), departments: Any = (),
                 child: bool = False, **kwargs: Any):  # fmt: skip
        super().__init__(*args, **kwargs)
        fields: dict[str, forms.Field] = {}
        if not child:
            fields["region"] = forms.ChoiceField(
                label="社区",
                choices=[("", "请选择"), *((r.code, r.name) for r in communities)],
                error_messages={"required": "请选择实事所在的社区"},
            )
        fields.update({
            "category": forms.ChoiceField(
                label="类别", choices=category_choices("请选择"),
                error_messages={"required": "请选择实事类别"},
            ),
            "title": forms.CharField(label="实事名称", max_length=60),
            "description": forms.CharField(
                label="内容", required=False, max_length=2000, widget=NOTE
            ),
            "owner_kind": forms.ChoiceField(label="责任方类型", choices=OwnerKind.choices),
            "owner_department": forms.ChoiceField(
                label="责任部门", required=False,
                choices=[("", "（不选）"), *((d.pk, d.name) for d in departments)],
            ),
            "owner_name": forms.CharField(
                label="责任方名称", required=False, max_length=100,
                help_text="个人或组织的名称；选部门时可不填",
            ),
            "due_on": forms.DateField(
                label="完成时限", widget=DATE,
                error_messages={**DATE_ERRORS, "required": "请填写完成时限"},
            ),
            "budget": forms.CharField(label="预算（元）", required=False, max_length=20),
            "funding_source": forms.CharField(label="资金来源", required=False, max_length=100),
            "public": forms.BooleanField(label="在公开页展示", required=False, initial=True),
        })  # fmt: skip
        self.fields = fields


class EditForm(StyledForm):
    title = forms.CharField(label="实事名称", max_length=60)
    description = forms.CharField(label="内容", required=False, max_length=2000, widget=NOTE)
    owner_name = forms.CharField(label="责任方名称", max_length=100)
    budget = forms.CharField(label="预算（元）", required=False, max_length=20)
    funding_source = forms.CharField(label="资金来源", required=False, max_length=100)
    public = forms.BooleanField(label="在公开页展示", required=False)


class ProgressForm(StyledForm):
    progress = forms.IntegerField(
        label="进度（%）", min_value=0, max_value=100, error_messages=PROGRESS_ERRORS
    )
    text = forms.CharField(label="进展说明", required=False, max_length=1000, widget=NOTE)
    photos = PhotosField(label="现场照片", required=False)


class RedateForm(StyledForm):
    new_due_on = forms.DateField(
        label="新的完成时限", widget=DATE,
        error_messages={**DATE_ERRORS, "required": "请填写新的完成时限"},
    )  # fmt: skip
    reason = forms.CharField(label="调整原因", max_length=200, required=False)


class CompleteForm(StyledForm):
    text = forms.CharField(label="落实情况", required=False, max_length=1000, widget=NOTE)
    photos = PhotosField(label="完成照片", required=False)


class ReasonForm(StyledForm):
    reason = forms.CharField(label="取消原因", max_length=200, required=False)


class FeedbackForm(StyledForm):
    text = forms.CharField(label="反馈内容", required=False, max_length=1000, widget=NOTE)
