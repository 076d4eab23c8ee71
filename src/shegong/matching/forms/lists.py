"""Forms of the list pages: filters, a need, an offer, the review, the catalogue, settings,
the import upload. They parse text only; the rules are the actions' (actions/lists.py)."""

from __future__ import annotations

from typing import Any

from django import forms

from shegong.matching.choices import (
    DAY_PART_HOURS,
    Cost,
    DispatchMode,
    Frequency,
    NeedStatus,
    OfferStatus,
    ProviderKind,
    Urgency,
)
from shegong.matching.models import Category
from shegong.web.forms import DATE, DATE_ERRORS, NOTE, StyledForm

ALL = [("", "全部")]
WEEKDAYS = ["一", "二", "三", "四", "五", "六", "日"]
PARTS = {"am": "上午", "pm": "下午", "eve": "晚上"}
SLOTS = [
    (f"{day}-{part}", f"周{WEEKDAYS[day - 1]}{PARTS[part]}")
    for day in range(1, 8)
    for part in DAY_PART_HOURS
]


def category_choices(*, blank: str = "请选择") -> list[tuple[str, str]]:
    rows = Category.objects.filter(is_active=True).order_by("order", "code")
    return [("", blank), *((str(c.pk), c.name) for c in rows)]


def slots_to_availability(slots: list[str]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for slot in slots:
        day, _, part = slot.partition("-")
        result.setdefault(day, []).append(part)
    return result


def availability_to_slots(availability: dict[str, list[str]]) -> list[str]:
    return [f"{day}-{part}" for day, parts in (availability or {}).items() for part in parts]


class _Communities:
    def _communities(self, communities: list[tuple[str, str]], blank: str) -> None:
        self.fields["community" if "community" in self.fields else "region"].choices = [  # type: ignore[attr-defined]
            ("", blank),
            *communities,
        ]


class NeedFilterForm(_Communities, StyledForm):
    compact = True
    community = forms.ChoiceField(label="社区", required=False)
    category = forms.ChoiceField(label="类别", required=False)
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + NeedStatus.choices)
    urgency = forms.ChoiceField(label="紧急程度", required=False, choices=ALL + Urgency.choices)
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "需求描述、备注"}),
    )

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._communities(communities, "全部")
        self.fields["category"].choices = category_choices(blank="全部")


class NeedForm(_Communities, StyledForm):
    region = forms.ChoiceField(label="社区")
    category = forms.ChoiceField(label="类别")
    description = forms.CharField(label="需求描述", max_length=200, widget=NOTE)
    people_count = forms.IntegerField(
        label="涉及人数", initial=1, error_messages={"invalid": "涉及人数应为整数"}
    )
    frequency = forms.ChoiceField(label="频次", choices=Frequency.choices)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    sensitive = forms.BooleanField(label="服务对象敏感（独居老人、儿童、残疾人等）", required=False)
    note = forms.CharField(label="备注", max_length=200, required=False)

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._communities(communities, "请选择")
        self.fields["category"].choices = category_choices()


class NeedStatusForm(StyledForm):
    status = forms.ChoiceField(label="状态", choices=NeedStatus.choices)
    note = forms.CharField(label="说明", max_length=200, required=False)


class OfferFilterForm(_Communities, StyledForm):
    compact = True
    community = forms.ChoiceField(label="社区", required=False)
    category = forms.ChoiceField(label="类别", required=False)
    provider_kind = forms.ChoiceField(
        label="提供方", required=False, choices=ALL + ProviderKind.choices
    )
    status = forms.ChoiceField(label="状态", required=False, choices=ALL + OfferStatus.choices)
    cost = forms.ChoiceField(label="收费", required=False, choices=ALL + Cost.choices)
    risky = forms.ChoiceField(
        label="风险服务",
        required=False,
        choices=[("", "全部"), ("yes", "可承接"), ("no", "不承接")],
    )
    q = forms.CharField(
        label="搜索",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "服务名称、提供方"}),
    )
    sort = forms.ChoiceField(
        label="排序", required=False, choices=[("", "最新登记在前"), ("oldest", "最早登记在前")]
    )

    def __init__(self, *args: Any, communities: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._communities(communities, "全部")
        self.fields["category"].choices = category_choices(blank="全部")


class OfferForm(_Communities, StyledForm):
    region = forms.ChoiceField(label="服务社区")
    category = forms.ChoiceField(label="类别")
    title = forms.CharField(label="服务名称", max_length=60)
    description = forms.CharField(label="服务内容", max_length=300, required=False, widget=NOTE)
    provider_kind = forms.ChoiceField(label="提供方类型", choices=ProviderKind.choices)
    provider_name = forms.CharField(
        label="提供方名称",
        max_length=100,
        required=False,
        help_text="选择志愿者或队伍时可不填，自动取其姓名或队名",
    )
    volunteer_number = forms.CharField(
        label="志愿者编号（提供方为志愿者时）", max_length=20, required=False
    )
    team = forms.ChoiceField(label="志愿服务队（提供方为队伍时）", required=False)
    helper_phone = forms.CharField(
        label="接单账号（手机号）",
        max_length=11,
        required=False,
        help_text="接收派单、在手机上接单的账号；志愿者、队伍不填时取本人或队长的账号",
    )
    contact_phone = forms.CharField(label="联系电话", max_length=20, required=False)
    gives = forms.CharField(label="提供的资源/服务", max_length=200, required=False)
    gets_back = forms.CharField(label="希望换取（资源置换）", max_length=200, required=False)
    capacity_per_week = forms.IntegerField(
        label="每周可服务次数", initial=5, error_messages={"invalid": "应为整数"}
    )
    slots = forms.MultipleChoiceField(
        label="可服务时段", choices=SLOTS, required=False, widget=forms.CheckboxSelectMultiple
    )
    lat = forms.FloatField(label="服务中心纬度（WGS-84）", required=False)
    lon = forms.FloatField(label="服务中心经度（WGS-84）", required=False)
    radius_m = forms.IntegerField(label="服务半径（米）", initial=3000)
    cost = forms.ChoiceField(label="收费", choices=Cost.choices)
    price_note = forms.CharField(label="收费说明", max_length=100, required=False)
    risky_ok = forms.BooleanField(label="可承接有风险的服务（须已投保）", required=False)
    insurance_note = forms.CharField(
        label="保险说明（险种、保单号）", max_length=200, required=False
    )
    insured_until = forms.DateField(
        label="保险有效期至", required=False, widget=DATE, error_messages=DATE_ERRORS
    )

    def __init__(
        self,
        *args: Any,
        communities: list[tuple[str, str]],
        teams: list[tuple[str, str]],
        **kwargs: Any,
    ):
        super().__init__(*args, **kwargs)
        self._communities(communities, "请选择")
        self.fields["category"].choices = category_choices()
        self.fields["team"].choices = [("", "（不适用）"), *teams]
        self.fields["slots"].widget.attrs["class"] = "form-check-input"


class ReviewForm(StyledForm):
    status = forms.ChoiceField(
        label="操作",
        choices=[
            (OfferStatus.APPROVED, "上架"),
            (OfferStatus.PAUSED, "暂停"),
            (OfferStatus.BLOCKED, "停用"),
        ],
    )
    reason = forms.CharField(label="原因", max_length=200, required=False)


class CategoryForm(StyledForm):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    code = forms.CharField(label="编码", max_length=40)
    name = forms.CharField(label="名称", max_length=30)
    dispatch_mode = forms.ChoiceField(label="派单方式", choices=DispatchMode.choices)
    sensitive = forms.BooleanField(label="服务对象通常为敏感人群", required=False)
    order = forms.IntegerField(label="排序", initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class ItemForm(StyledForm):
    pk = forms.IntegerField(required=False, widget=forms.HiddenInput)
    category = forms.ChoiceField(label="类别")
    name = forms.CharField(label="服务项目", max_length=40)
    typical_minutes = forms.IntegerField(label="通常时长（分钟）", initial=60)
    frequency = forms.ChoiceField(label="频次", choices=Frequency.choices)
    urgency = forms.ChoiceField(label="紧急程度", choices=Urgency.choices)
    sensitive = forms.BooleanField(label="服务对象敏感", required=False)
    risky = forms.BooleanField(label="有人身风险（须投保）", required=False)
    order = forms.IntegerField(label="排序", initial=0)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = category_choices()


WEIGHT_LABELS = {
    "skill": "技能匹配",
    "distance": "距离",
    "availability": "时间吻合",
    "load": "当前负荷",
    "rating": "历史评价",
    "rotation": "轮换公平",
}


class SettingsForm(StyledForm):
    accept_minutes = forms.IntegerField(
        label="接单时限（分钟）", required=False, help_text="不填则用系统默认（120 分钟）"
    )
    record_team = forms.ChoiceField(label="记录服务时长的队伍", required=False)

    def __init__(self, *args: Any, teams: list[tuple[str, str]], **kwargs: Any):
        super().__init__(*args, **kwargs)
        for name, label in WEIGHT_LABELS.items():
            self.fields[f"weight_{name}"] = forms.FloatField(
                label=f"{label}权重",
                min_value=0,
                error_messages={"invalid": "权重应为数字", "min_value": "权重不能小于 0"},
            )
        self.fields["record_team"].choices = [("", "（未指定）"), *teams]


class ImportForm(StyledForm):
    file = forms.FileField(label="Excel 文件（.xlsx）")
