"""Forms of the configuration pages: a category with its extra questions, a routing rule, the
"where would a case go?" check, a reply template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.forms import formset_factory

from shegong.accounts.models import Department
from shegong.core.scope import scope_prefix
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import BootstrapMixin

from ..choices import AttributeType, LimitUnit, Status
from ..models import Category


def _checkboxes(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"


class CategoryForm(BootstrapMixin, forms.Form):
    service_code = forms.CharField(
        label="类别编码", max_length=40,
        help_text="Open311 接口中的类别编码：小写英文字母、数字、- 或 _，创建后不能修改",
    )  # fmt: skip
    name = forms.CharField(label="名称", max_length=60)
    group = forms.CharField(label="分组", max_length=30, help_text="例如：市容环境、交通秩序")
    description = forms.CharField(
        label="说明", max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    keywords = forms.CharField(
        label="关键词", max_length=200, required=False, help_text="以逗号分隔，帮助群众搜索类别"
    )
    notice = forms.CharField(
        label="上报须知", max_length=200, required=False,
        help_text="上报前向群众显示，例如：如遇火情请立即拨打119",
    )  # fmt: skip
    response_hours = forms.IntegerField(label="响应时限（小时）", min_value=1, max_value=720)
    resolution_limit = forms.IntegerField(label="办理时限", min_value=1, max_value=365)
    resolution_unit = forms.ChoiceField(label="办理时限单位", choices=LimitUnit.choices)
    urgent = forms.BooleanField(label="紧急类（工单排在前面）", required=False)
    public_may_reopen = forms.BooleanField(label="群众可在7日内申请重办", required=False)
    anonymous_allowed = forms.BooleanField(label="可对处置部门匿名", required=False)
    staff_only = forms.BooleanField(label="仅工作人员可选（如热线转办）", required=False)
    public_exact_location = forms.BooleanField(
        label="公开精确位置（默认只公开到约100米）", required=False
    )
    is_active = forms.BooleanField(label="启用", required=False)
    order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)

    FLAGS = (
        "urgent", "public_may_reopen", "anonymous_allowed", "staff_only",
        "public_exact_location", "is_active",
    )  # fmt: skip

    def __init__(self, *args: Any, category: Category | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        _checkboxes(self)
        if category is not None:
            self.fields["service_code"].disabled = True
        self.fields["group"].widget.attrs["list"] = "category-groups"
        for name, field in self.fields.items():
            field.error_messages.setdefault("required", f"请填写{field.label}")
            field.error_messages["invalid"] = f"{field.label}应为整数"
            if name in ("response_hours", "resolution_limit", "order"):
                field.error_messages["min_value"] = f"{field.label}不能小于%(limit_value)s"
                field.error_messages["max_value"] = f"{field.label}不能大于%(limit_value)s"
        self.fields["service_code"].error_messages["required"] = "请填写类别编码"

    @classmethod
    def initial_for(cls, category: Category | None) -> dict[str, Any]:
        if category is None:
            return {
                "response_hours": 24, "resolution_limit": 5,
                "resolution_unit": LimitUnit.WORKDAYS, "public_may_reopen": True,
                "anonymous_allowed": True, "is_active": True, "order": 0,
            }  # fmt: skip
        return {name: getattr(category, name) for name in cls.base_fields}

    def main_fields(self) -> list:
        names = ("service_code", "name", "group", "description", "keywords", "notice")
        return [self[name] for name in names]

    def clock_fields(self) -> list:
        return [self[name] for name in ("response_hours", "resolution_limit", "resolution_unit")]

    def flag_fields(self) -> list:
        return [self[name] for name in self.FLAGS]


class AttributeRowForm(forms.Form):
    """One extra question. Every field is optional here: a row left blank is no question; the
    action checks the rows that are filled in and names the row of each mistake."""

    code = forms.CharField(label="编码", max_length=40, required=False)
    datatype = forms.ChoiceField(label="题型", choices=AttributeType.choices, required=False)
    description = forms.CharField(label="问题", max_length=200, required=False)
    required = forms.BooleanField(label="必答", required=False)
    values = forms.CharField(
        label="选项", required=False, widget=forms.Textarea(attrs={"rows": 2}),
        help_text="单选、多选题每行一项：编码=名称，例如 yes=是",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        number = (self.prefix or "-0").rsplit("-", 1)[-1]
        row = int(number) + 1 if number.isdigit() else ""
        for name, field in self.fields.items():
            css = {"datatype": "form-select form-select-sm", "required": "form-check-input"}
            field.widget.attrs["class"] = css.get(name, "form-control form-control-sm")
            field.widget.attrs["aria-label"] = f"第{row}题{field.label}"
        self.fields["code"].widget.attrs["placeholder"] = "如 position"
        self.fields["description"].widget.attrs["placeholder"] = "如 井盖位置"
        self.fields["values"].widget.attrs["placeholder"] = "roadway=车行道\nsidewalk=人行道"

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not any(str(data.get(k) or "").strip() for k in ("code", "description", "values"))

    def row(self) -> dict[str, Any]:
        data = self.cleaned_data
        return {
            "code": data.get("code", ""),
            "datatype": data.get("datatype", ""),
            "description": data.get("description", ""),
            "required": data.get("required", False),
            "values": parse_options(data.get("values", "")),
        }


AttributeFormSet = formset_factory(AttributeRowForm, extra=1, can_delete=True)


def parse_options(text: str) -> list[dict[str, str]]:
    """ "key=name" per line (a line without "=" is its own key)."""
    options = []
    for line in (text or "").splitlines():
        line = line.strip()
        if not line:
            continue
        key, sep, name = line.replace("＝", "=").partition("=")
        options.append({"key": key.strip(), "name": name.strip() if sep else key.strip()})
    return options


def format_options(values: list[dict[str, str]]) -> str:
    return "\n".join(f"{v['key']}={v['name']}" for v in values)


def _rule_regions(user: Any) -> QuerySet:
    """Regions a rule may name: the district, streets and communities inside the scope."""
    return (
        Region.objects.visible_to(user)
        .filter(level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY])
        .order_by("code")
    )


def _rule_departments(user: Any) -> list[Department]:
    """Active departments working inside the scope or above it (a district department takes
    a street's cases too)."""
    prefix = scope_prefix(user)
    if prefix is None:
        return []
    found = []
    for department in Department.objects.filter(is_active=True).select_related("region"):
        own = department.region.prefix
        if prefix == "" or prefix.startswith(own) or department.region_id.startswith(prefix):
            found.append(department)
    return found


INDENT = {Level.DISTRICT: "", Level.STREET: "　", Level.COMMUNITY: "　　"}


class RoutingRuleForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(
        label="类别", queryset=None, empty_label="请选择类别",
        error_messages={"required": "请选择类别", "invalid_choice": "未找到该类别"},
    )  # fmt: skip
    region = forms.ModelChoiceField(
        label="适用区划", queryset=None, empty_label="请选择区划",
        error_messages={"required": "请选择区划", "invalid_choice": "所选区划不在您的工作范围内"},
    )  # fmt: skip
    department = forms.ModelChoiceField(
        label="承办部门", queryset=None, empty_label="请选择部门",
        error_messages={"required": "请选择承办部门", "invalid_choice": "所选部门不可选"},
    )  # fmt: skip

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("order", "group", "pk")
        self.fields["category"].label_from_instance = lambda c: (
            f"{c.group} · {c.name}" + ("" if c.is_active else "（已停用）")
        )
        self.fields["region"].queryset = _rule_regions(user)
        self.fields["region"].label_from_instance = lambda r: INDENT.get(r.level, "") + r.name
        ids = [d.pk for d in _rule_departments(user)]
        self.fields["department"].queryset = Department.objects.filter(pk__in=ids).order_by("code")


class RouteCheckForm(BootstrapMixin, forms.Form):
    """ "Where would a case go?": a category and a region → the rule that applies."""

    category = forms.ModelChoiceField(label="类别", queryset=None, empty_label="请选择类别")
    region = forms.ModelChoiceField(label="区划", queryset=None, empty_label="请选择区划")

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("order", "group", "pk")
        self.fields["region"].queryset = Region.objects.visible_to(user).order_by("code")
        self.fields["region"].label_from_instance = lambda r: r.name
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "所选项不可用"
            field.error_messages["required"] = f"请选择{field.label}"


class TemplateForm(BootstrapMixin, forms.Form):
    category = forms.ModelChoiceField(
        label="类别", queryset=None, required=False, empty_label="全部类别",
        error_messages={"invalid_choice": "未找到该类别"},
    )  # fmt: skip
    status = forms.ChoiceField(
        label="适用状态", choices=[("", "请选择状态"), *Status.choices],
        error_messages={"required": "请选择适用状态", "invalid_choice": "请选择适用状态"},
    )  # fmt: skip
    title = forms.CharField(
        label="名称", max_length=60, error_messages={"required": "请填写名称"}
    )  # fmt: skip
    text = forms.CharField(
        label="内容", widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": "请填写内容"},
        help_text="可用占位符：{{ number }} 工单编号、{{ category }} 类别、"
        "{{ department }} 承办部门、{{ due }} 响应期限",
    )  # fmt: skip
    auto = forms.BooleanField(
        label="自动发送", required=False,
        help_text="工单进入此状态时由系统自动以承办部门名义回复（目前用于派单时的受理告知）",
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = Category.objects.order_by("order", "group", "pk")
        _checkboxes(self)
