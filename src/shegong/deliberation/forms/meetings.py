"""Forms of the meeting pages (议事会): the meeting itself, the notice, the agenda, invitations,
sign-in, the minutes (one group of fields per agenda item), cancel; and the H5 code form."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.deliberation.choices import InviteeKind, ItemResult, MeetingKind, QuorumBase
from shegong.deliberation.models import AgendaItem
from shegong.web.forms import DATE, DATE_ERRORS, StyledForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_ERRORS = {"invalid": "时间格式应为 YYYY-MM-DD HH:MM", "required": "请填写召开时间"}


class MeetingForm(StyledForm):
    region = forms.ChoiceField(label="社区", error_messages={"required": "请选择社区"})
    kind = forms.ChoiceField(label="会议类型", choices=[("", "请选择"), *MeetingKind.choices])
    title = forms.CharField(label="会议名称", max_length=60)
    starts_at = forms.DateTimeField(
        label="召开时间", widget=DATETIME, input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        error_messages=DATETIME_ERRORS,
    )  # fmt: skip
    place = forms.CharField(label="地点", max_length=100)
    theme = forms.CharField(label="专题（可不填）", max_length=60, required=False)
    quorum_base = forms.ChoiceField(
        label="应到口径", required=False, choices=[("", "按会议类型默认"), *QuorumBase.choices]
    )
    expected_count = forms.IntegerField(
        label="应到人数（不填则取社区设置或受邀人数）", min_value=0, required=False
    )
    requested_by = forms.CharField(
        label="提议召开方（可不填）", max_length=100, required=False,
        help_text="如：五分之一以上居民、三分之一以上居民小组提议",
    )  # fmt: skip

    def __init__(self, *args: Any, regions: list[tuple[str, str]], **kwargs: Any) -> None:
        editing = kwargs.pop("editing", False)
        super().__init__(*args, **kwargs)
        self.fields["region"].choices = [("", "请选择"), *regions]
        if editing:
            del self.fields["region"]
            del self.fields["kind"]


class NoticeForm(StyledForm):
    notice = forms.CharField(
        label="会议通知", max_length=2000, widget=forms.Textarea(attrs={"rows": 5}),
        error_messages={"required": "请填写会议通知"},
    )  # fmt: skip


class AgendaAddForm(StyledForm):
    topic = forms.ChoiceField(label="议题", required=False)
    title = forms.CharField(label="或其他事项", max_length=60, required=False)
    is_vote = forms.BooleanField(label="付诸表决", required=False)

    def __init__(self, *args: Any, topics: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["topic"].choices = [("", "（不选议题）"), *topics]


class InviteForm(StyledForm):
    kind = forms.ChoiceField(label="类别", choices=InviteeKind.choices)
    user = forms.ChoiceField(label="本社区居民账号", required=False)
    name = forms.CharField(label="或名称（单位、组织、姓名）", max_length=100, required=False)

    def __init__(self, *args: Any, people: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["user"].choices = [("", "（不选账号）"), *people]


class SignInForForm(StyledForm):
    name = forms.CharField(label="姓名或单位", max_length=100)
    kind = forms.ChoiceField(label="身份", choices=InviteeKind.choices)


class PaperForm(StyledForm):
    paper_signins = forms.IntegerField(label="纸质签到人数", min_value=0, max_value=100000)


class CancelForm(StyledForm):
    reason = forms.CharField(label="取消原因", max_length=200)


RESULT_CHOICES = [(v, label) for v, label in ItemResult.choices]


class RecordForm(StyledForm):
    """纪要: the summary, the paper sign-ins, and per agenda item ``<field>_<pk>``."""

    summary = forms.CharField(
        label="议事情况（各方意见）", max_length=5000, required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
    )  # fmt: skip
    paper_signins = forms.IntegerField(
        label="纸质签到人数", min_value=0, max_value=100000, required=False
    )

    def __init__(self, *args: Any, items: list[AgendaItem], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = items
        for item in items:
            pk = item.pk
            self.fields[f"views_{pk}"] = forms.CharField(
                label="各方意见", max_length=3000, required=False,
                widget=forms.Textarea(attrs={"rows": 2}), initial=item.views,
            )  # fmt: skip
            for key, label in (("votes_for", "赞成"), ("votes_against", "反对"),
                               ("votes_abstain", "弃权")):  # fmt: skip
                self.fields[f"{key}_{pk}"] = forms.IntegerField(
                    label=label, min_value=0, required=False, initial=getattr(item, key)
                )
            self.fields[f"result_{pk}"] = forms.ChoiceField(
                label="结果（表决事项按票数计算）", choices=RESULT_CHOICES, initial=item.result
            )
            self.fields[f"decision_{pk}"] = forms.CharField(
                label="决定事项", max_length=300, required=False, initial=item.decision
            )
            self.fields[f"owner_label_{pk}"] = forms.CharField(
                label="责任方", max_length=100, required=False, initial=item.owner_label
            )
            self.fields[f"due_on_{pk}"] = forms.DateField(
                label="完成时限", widget=DATE, error_messages=DATE_ERRORS, required=False,
                initial=item.due_on,
            )  # fmt: skip
        for name, field in self.fields.items():  # the kit styled only the fields above
            if "_" in name and name.rsplit("_", 1)[1].isdigit():
                kind = "form-select" if isinstance(field.widget, forms.Select) else "form-control"
                field.widget.attrs.setdefault("class", kind + " form-control-sm")

    def groups(self) -> list[tuple[AgendaItem, list[Any]]]:
        names = ("views", "votes_for", "votes_against", "votes_abstain", "result", "decision",
                 "owner_label", "due_on")  # fmt: skip
        return [(item, [self[f"{n}_{item.pk}"] for n in names]) for item in self.items]

    def values(self) -> dict[str, Any]:
        data = self.cleaned_data
        rows = []
        for item in self.items:
            pk = item.pk
            rows.append({
                "pk": pk, "views": data.get(f"views_{pk}", ""),
                "votes_for": data.get(f"votes_for_{pk}") or 0,
                "votes_against": data.get(f"votes_against_{pk}") or 0,
                "votes_abstain": data.get(f"votes_abstain_{pk}") or 0,
                "result": data.get(f"result_{pk}") or "pending",
                "decision": data.get(f"decision_{pk}", ""),
                "owner_label": data.get(f"owner_label_{pk}", ""),
                "due_on": data.get(f"due_on_{pk}"),
            })  # fmt: skip
        return {
            "summary": data.get("summary", ""), "paper_signins": data.get("paper_signins"),
            "items": rows,
        }  # fmt: skip


class CodeForm(StyledForm):
    code = forms.CharField(
        label="签到码", max_length=8, error_messages={"required": "请输入签到码"},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip


class ButtonForm(StyledForm):
    """A button without fields (close, publish, remove): carries the action's error."""
