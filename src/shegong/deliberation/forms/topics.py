"""Forms of the topic pages: the queue's filters, a topic entered by staff, the answer, the
merge, a community's settings, a category. They parse text only; the rules are the actions'
(actions/topics.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.deliberation.choices import TopicSource, TopicStatus
from shegong.deliberation.models import TopicCategory
from shegong.web.forms import NOTE, PhotosField, StyledForm

ALL = [("", "全部")]
CLOCKS = [
    ("", "全部"),
    ("overdue", "超时未答复"),
    ("due_soon", "即将超时"),
    ("agenda", "达到上会支持数"),
]
SORTS = [("newest", "最新提出"), ("supports", "支持最多"), ("due", "答复时限最近")]
ANSWER_CHOICES = [
    (TopicStatus.EVALUATING.value, TopicStatus.EVALUATING.label),
    (TopicStatus.ADOPTED.value, "采纳"),
    (TopicStatus.REJECTED.value, TopicStatus.REJECTED.label),
]


def category_choices(*, blank: str = "请选择", active_only: bool = True) -> list[tuple[str, str]]:
    rows = TopicCategory.objects.order_by("order", "code")
    if active_only:
        rows = rows.filter(is_active=True)
    return [("", blank), *((str(c.pk), c.name) for c in rows)]


class TopicFilterForm(StyledForm):
    compact = True
    community = forms.ChoiceField(label="社区", required=False)
    category = forms.ChoiceField(label="类别", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + TopicStatus.choices)
    source = forms.ChoiceField(label="来源", required=False, choices=ALL + TopicSource.choices)
    clock = forms.ChoiceField(label="答复时限", required=False, choices=CLOCKS)
    q = forms.CharField(
        label="搜索", required=False, max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "议题、内容"}),
    )  # fmt: skip
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["community"].choices = [("", "全部"), *communities]
        self.fields["category"].choices = category_choices(blank="全部", active_only=False)


class TopicForm(StyledForm):
    """A topic entered by staff (for a resident who phoned, from a case, from a need)."""

    region = forms.ChoiceField(label="社区")
    category = forms.ChoiceField(label="类别")
    title = forms.CharField(label="议题", max_length=60)
    body = forms.CharField(
        label="具体内容", max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    place = forms.CharField(label="地点", max_length=100, required=False)
    on_behalf_label = forms.CharField(
        label="提出人", max_length=40, required=False,
        help_text="代为录入时填写，如：居民王某（电话反映）",
    )  # fmt: skip
    photos = PhotosField(label="照片（选填）", required=False)
    report = forms.IntegerField(widget=forms.HiddenInput, required=False)
    need = forms.IntegerField(widget=forms.HiddenInput, required=False)
    confirmed = forms.BooleanField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *communities]
        self.fields["category"].choices = category_choices()


class AnswerForm(StyledForm):
    status = forms.ChoiceField(label="答复", choices=ANSWER_CHOICES)
    reason = forms.CharField(
        label="答复意见", max_length=1000, required=False, widget=NOTE,
        help_text="不予采纳须写明理由",
    )  # fmt: skip


class MergeForm(StyledForm):
    into = forms.IntegerField(
        label="合并至议题", error_messages={"required": "请选择要合并到的议题"}
    )
    reason = forms.CharField(label="合并说明", max_length=200, required=False)


class SettingsForm(StyledForm):
    hall_name = forms.CharField(label="议事厅名称", max_length=40, required=False)
    support_threshold = forms.IntegerField(label="列入议程所需支持数", min_value=1)
    answer_workdays = forms.IntegerField(label="答复时限（工作日）", min_value=1, max_value=60)
    monthly_cadence = forms.BooleanField(label="一月一会", required=False)
    adults = forms.IntegerField(label="十八周岁以上居民数", min_value=0)
    households = forms.IntegerField(label="户数", min_value=0)
    groups = forms.IntegerField(label="居民小组数", min_value=0)
    representatives = forms.IntegerField(label="居民代表数", min_value=0)


class CategoryForm(StyledForm):
    pk = forms.IntegerField(widget=forms.HiddenInput, required=False)
    code = forms.SlugField(label="编码", max_length=40, required=False)
    name = forms.CharField(label="名称", max_length=30)
    order = forms.IntegerField(label="排序", min_value=0, initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
