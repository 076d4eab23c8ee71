"""Forms of the 回头看 campaign, review task, instructor and visit pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet

from shegong.core import photos as photo_intake
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import DATE, BootstrapMixin

from ..choices import CoverageMode, Industry, OrgKind, OrgStatus, ReviewOutcome
from ..models import Organization
from ..queries import campaigns as queries


def _regions_for_campaigns(actor: Any) -> QuerySet:
    return (
        Region.objects.visible_to(actor)
        .filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
        .order_by("code")
    )


class CampaignForm(BootstrapMixin, forms.Form):
    name = forms.CharField(label="名称", max_length=200)
    due_on = forms.DateField(
        label="截止日期", widget=DATE, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"}
    )
    region = forms.ChoiceField(label="区划")
    kind = forms.MultipleChoiceField(
        label="组织类型", required=False, choices=OrgKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    status = forms.ChoiceField(
        label="状态", required=False, initial=OrgStatus.ACTIVE,
        choices=[("", "全部"), *OrgStatus.choices],
    )  # fmt: skip
    coverage = forms.ChoiceField(
        label="覆盖方式", required=False, choices=[("", "全部"), *CoverageMode.choices]
    )
    industry = forms.ChoiceField(
        label="行业门类", required=False, choices=[("", "全部"), *Industry.choices]
    )
    has_party_members = forms.ChoiceField(
        label="有在职党员", required=False, choices=[("", "不限"), ("1", "是"), ("0", "否")]
    )
    assignee = forms.ModelChoiceField(
        label="统一核查人", required=False, queryset=None, empty_label="（按街道指定）",
        help_text="未逐街道指定核查人的单位，都交给此人核查",
    )  # fmt: skip

    CRITERIA = ("kind", "status", "coverage", "industry", "has_party_members")

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor = actor
        regions = list(_regions_for_campaigns(actor))
        indent = {Level.DISTRICT: "", Level.STREET: "　", Level.COMMUNITY: "　　"}
        self.fields["region"].choices = [
            (r.code, indent.get(r.level, "") + r.name) for r in regions
        ]
        self.fields["region"].error_messages["invalid_choice"] = "所选区划不在您的工作范围内"
        self.fields["kind"].widget.attrs["class"] = "sg-checks"
        self.fields["assignee"].queryset = queries.eligible_assignees(actor)
        self.fields["assignee"].label_from_instance = lambda u: u.name_masked
        self.streets = [r for r in regions if r.level == Level.STREET]
        for street in self.streets:
            field = forms.ModelChoiceField(
                label=street.name, required=False, empty_label="（用统一核查人）",
                queryset=queries.eligible_assignees(actor, street),
            )  # fmt: skip
            field.label_from_instance = lambda u: u.name_masked
            field.widget.attrs["class"] = "form-select"
            self.fields[f"street_{street.code}"] = field

    def street_fields(self) -> list:
        return [self[f"street_{s.code}"] for s in self.streets]

    def main_fields(self) -> list:
        return [self[name] for name in ("name", "due_on", "region")]

    def filter_fields(self) -> list:
        return [self[name] for name in self.CRITERIA]

    def criteria(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {key: data.get(key) for key in self.CRITERIA if data.get(key)}

    def by_street(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {s.code: data.get(f"street_{s.code}") for s in self.streets}


class TaskForm(BootstrapMixin, forms.Form):
    outcome = forms.ChoiceField(
        label="核查结果", choices=ReviewOutcome.choices, widget=forms.RadioSelect,
        error_messages={"required": "请选择核查结果"},
    )  # fmt: skip
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["outcome"].widget.attrs["class"] = "form-check-input"


class OrganizationChangesForm(BootstrapMixin, forms.Form):
    """The fields of an organization a reviewer may correct on the spot."""

    name = forms.CharField(label="名称", max_length=200)
    legal_rep = forms.CharField(label="法定代表人/负责人", max_length=50, required=False)
    legal_rep_phone = forms.CharField(label="负责人电话", max_length=20, required=False)
    address = forms.CharField(label="地址", max_length=300, required=False)
    industry = forms.ChoiceField(
        label="行业门类", required=False, choices=[("", "—"), *Industry.choices]
    )
    employee_count = forms.IntegerField(label="从业人员数", required=False, min_value=0)
    party_member_count = forms.IntegerField(label="党员人数（申报）", required=False, min_value=0)
    party_contact = forms.CharField(label="党务联络员", max_length=50, required=False)

    @classmethod
    def initial_for(cls, org: Organization) -> dict[str, Any]:
        return {name: getattr(org, name) for name in cls.base_fields}


class VisitFilterForm(BootstrapMixin, forms.Form):
    instructor = forms.ModelChoiceField(
        label="指导员", required=False, queryset=None, empty_label="全部"
    )
    q = forms.CharField(label="单位名称", required=False, max_length=100)
    date_from = forms.DateField(label="开始日期", required=False, widget=DATE)
    date_to = forms.DateField(label="结束日期", required=False, widget=DATE)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["instructor"].queryset = queries.eligible_instructors(actor)
        self.fields["instructor"].label_from_instance = lambda u: u.name_masked
        self.fields["instructor"].error_messages["invalid_choice"] = "未找到该指导员"
        for name in ("date_from", "date_to"):
            self.fields[name].error_messages["invalid"] = "日期格式应为 YYYY-MM-DD"


class MultiplePhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several uploaded photos; checked and re-encoded by ``core.photos`` in the action."""

    widget = MultiplePhotoInput(attrs={"accept": photo_intake.ACCEPT})

    def to_python(self, value: Any) -> list:
        if not value:
            return []
        return list(value) if isinstance(value, (list, tuple)) else [value]


class VisitForm(BootstrapMixin, forms.Form):
    organization = forms.ModelChoiceField(label="单位", queryset=None)
    visited_on = forms.DateField(
        label="走访日期", widget=DATE, error_messages={"invalid": "日期格式应为 YYYY-MM-DD"}
    )
    topic = forms.CharField(label="主题", max_length=200)
    round = forms.IntegerField(label="轮次", min_value=1, initial=1)
    notes = forms.CharField(label="记录", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    photos = PhotosField(
        label="照片",
        required=False,
        help_text=f"JPEG、PNG 或 WebP，每张不超过 10 MB，最多 {photo_intake.MAX_PHOTOS} 张；"
        "保存时重新编码并去除位置等元数据",
    )

    def __init__(self, *args: Any, organizations: QuerySet, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["organization"].queryset = organizations
        self.fields["organization"].error_messages["invalid_choice"] = "所选单位不可选"


class AssignForm(BootstrapMixin, forms.Form):
    instructor = forms.ModelChoiceField(label="党建指导员", queryset=None)
    organization = forms.CharField(
        label="单位", max_length=200, help_text="统一社会信用代码或单位全称"
    )
    started_on = forms.DateField(label="派驻日期", required=False, widget=DATE)

    def __init__(self, *args: Any, actor: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.actor = actor
        self.fields["instructor"].queryset = queries.eligible_instructors(actor)
        self.fields["instructor"].label_from_instance = lambda u: u.name_masked
        self.fields["instructor"].error_messages["invalid_choice"] = "未找到该指导员"

    def clean_organization(self) -> Organization:
        text = self.cleaned_data["organization"].strip().upper()
        orgs = Organization.objects.visible_to(self.actor)
        org = (
            orgs.filter(credit_code=text).first()
            or orgs.filter(name=self.cleaned_data["organization"].strip()).first()
        )
        if org is None:
            raise forms.ValidationError("未找到该单位，或不在您的工作范围内")
        return org


class CampaignDeadlineForm(BootstrapMixin, forms.Form):
    """修改回头看截止日期: never earlier than the latest of its tasks' deadlines."""

    due_on = forms.DateField(
        label="新的截止日期",
        widget=DATE,
        error_messages={"invalid": "日期格式应为 YYYY-MM-DD", "required": "请填写截止日期"},
    )
    move_tasks = forms.BooleanField(
        label="未完成且截止日期与回头看相同的任务一并调整", required=False, initial=True
    )

    def __init__(self, *args: Any, latest_task_due: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.latest_task_due = latest_task_due
        if latest_task_due is not None:
            self.fields[
                "due_on"
            ].help_text = f"不能早于其中任务的最晚截止日期 {latest_task_due:%Y-%m-%d}"
