"""Configuration pages of the closed loop: categories (with their extra questions), routing rules
and reply templates.

Thin adapters (STYLE.md rule 11): parse the form, check the permission, call one action of
``actions.categories``, ``actions.routing`` or ``actions.templates``, render. Every page needs
``reports.configure`` (403 without it). Categories and templates are district-wide
configuration; routing rules are listed and changed only inside the caller's region scope
(another region's rule is a 404).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q, QuerySet
from django.forms import formset_factory
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST

from shegong.accounts.models import Department
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.core.scope import scope_prefix
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import BootstrapMixin, add_domain_error

from .actions.categories import save_category, set_category_active
from .actions.routing import delete_routing_rule, save_routing_rule
from .actions.templates import save_template
from .choices import AttributeType, LimitUnit, Status
from .models import Category, ResponseTemplate, RoutingRule
from .queries import access_category_by_pk, route

ROUTING_HINT = "更具体的区划优先，没有规则的进入区派单中心"


def _require(request: HttpRequest) -> None:
    require_perm(request.user, Perm.REPORTS_CONFIGURE)


def _checkboxes(form: forms.Form) -> None:
    for field in form.fields.values():
        if isinstance(field.widget, forms.CheckboxInput):
            field.widget.attrs["class"] = "form-check-input"


# --- categories --------------------------------------------------------------------------------


class CategoryForm(BootstrapMixin, forms.Form):
    service_code = forms.CharField(
        label="类别编码", max_length=40,
        help_text="Open311 接口中的 service_code：小写英文字母、数字、- 或 _，创建后不能修改",
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
    is_active = forms.BooleanField(label="启用", required=False)
    order = forms.IntegerField(label="排序", min_value=0, required=False, initial=0)

    FLAGS = ("urgent", "public_may_reopen", "anonymous_allowed", "staff_only", "is_active")

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


def _attribute_initial(category: Category | None) -> list[dict[str, Any]]:
    if category is None:
        return []
    return [
        {
            "code": a.get("code", ""),
            "datatype": a.get("datatype", ""),
            "description": a.get("description", ""),
            "required": a.get("required", False),
            "values": format_options(a.get("values") or []),
        }
        for a in sorted(category.attributes or [], key=lambda a: a.get("order", 0))
    ]


def _with_one_more_row(data: Any, prefix: str) -> Any:
    data = data.copy()
    key = f"{prefix}-TOTAL_FORMS"
    try:
        data[key] = str(int(data.get(key, "0")) + 1)
    except ValueError:
        data[key] = "1"
    return data


def _place_attribute_errors(
    exc: DomainError, formset: Any, kept: list[int], form: CategoryForm
) -> None:
    """Put ``attributes.<row>.<field>`` messages beside the row's field; the rest on the form."""
    rest: list[dict[str, str]] = []
    for error in exc.errors:
        parts = error.get("field", "").split(".")
        if parts[0] == "attributes" and len(parts) == 3 and parts[1].isdigit():
            row = int(parts[1])
            if row < len(kept):
                target = formset.forms[kept[row]]
                name = parts[2] if parts[2] in target.fields else None
                target.add_error(name, error["message"])
                continue
        rest.append(error)
    if rest or not exc.errors:
        add_domain_error(form, InvalidInput(exc.detail, errors=rest))


def categories(request: HttpRequest) -> HttpResponse:
    """The catalogue: every category with its clock, flags, questions and district routing."""
    _require(request)
    qs = Category.objects.prefetch_related(
        Prefetch("rules", queryset=RoutingRule.objects.select_related("department", "region"))
    ).annotate(n_reports=Count("reports"))
    group = request.GET.get("group", "")
    active = request.GET.get("active", "")
    q = request.GET.get("q", "").strip()
    if group:
        qs = qs.filter(group=group)
    if active in ("1", "0"):
        qs = qs.filter(is_active=active == "1")
    if q:
        qs = qs.filter(
            Q(name__icontains=q) | Q(service_code__icontains=q) | Q(keywords__icontains=q)
        )
    rows = list(qs.order_by("order", "group", "service_code"))
    groups = list(
        Category.objects.order_by("group").values_list("group", flat=True).distinct()
    )  # fmt: skip
    return render(
        request,
        "reports/config_categories.html",
        {
            "rows": rows,
            "groups": groups,
            "filters": {"group": group, "active": active, "q": q},
        },
    )


def category_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    """Create (``pk`` None) or edit a category and its extra questions."""
    _require(request)
    category = access_category_by_pk(pk) if pk is not None else None
    post = request.POST if request.method == "POST" else None
    adding_row = post is not None and "add_row" in post
    if adding_row:
        post = _with_one_more_row(post, "attr")
    form = CategoryForm(post, category=category, initial=CategoryForm.initial_for(category))
    formset = AttributeFormSet(post, prefix="attr", initial=_attribute_initial(category))
    status = 200
    if post is not None and not adding_row:
        if form.is_valid() and formset.is_valid():
            kept = [
                i
                for i, row_form in enumerate(formset.forms)
                if not row_form.cleaned_data.get("DELETE") and not row_form.is_blank()
            ]
            data = dict(form.cleaned_data)
            data["service_code"] = category.service_code if category else data["service_code"]
            data["attributes"] = [formset.forms[i].row() for i in kept]
            try:
                saved = save_category(category, actor=request.user, data=data)
            except DomainError as exc:
                _place_attribute_errors(exc, formset, kept, form)
            else:
                verb = "已保存" if category else "已新增"
                messages.success(request, f"{verb}问题类别「{saved.name}」")
                return redirect_after_write(request, reverse("reports:categories"))
        status = 422
    groups = Category.objects.order_by("group").values_list("group", flat=True).distinct()
    return render(
        request,
        "reports/config_category_form.html",
        {
            "form": form,
            "formset": formset,
            "category": category,
            "groups": list(groups),
            "choice_types": [AttributeType.SINGLE.value, AttributeType.MULTI.value],
        },
        status=status,
    )


@require_POST
def category_active(request: HttpRequest, pk: int) -> HttpResponse:
    """停用 / 启用 a category (categories are never deleted: their cases keep them)."""
    _require(request)
    category = access_category_by_pk(pk)
    active = request.POST.get("active") == "1"
    set_category_active(category, actor=request.user, active=active)
    messages.success(request, f"已{'启用' if active else '停用'}问题类别「{category.name}」")
    return redirect_after_write(request, reverse("reports:categories"))


# --- routing rules -----------------------------------------------------------------------------


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


def explain_route(category: Category, region: Region) -> dict[str, Any]:
    """The department ``queries.route`` picks for a case of ``category`` in ``region``, and the
    rule that decided it (None: no rule, the dispatch desk)."""
    department = route(category, region.code)
    rule = None
    if department is not None:
        candidates = [
            r
            for r in RoutingRule.objects.filter(
                category=category, department=department
            ).select_related("region")
            if region.code.startswith(r.region.prefix)
        ]
        rule = max(candidates, key=lambda r: len(r.region.prefix), default=None)
    return {"category": category, "region": region, "department": department, "rule": rule}


def routing(request: HttpRequest) -> HttpResponse:
    """Routing rules in the scope, filtered by category; add a rule; check where a case goes."""
    _require(request)
    user = request.user
    form = RoutingRuleForm(request.POST if request.method == "POST" else None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = save_routing_rule(
                actor=user,
                category=data["category"],
                region=data["region"],
                department=data["department"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request,
                f"已保存派单规则：{rule.category.name} · {rule.region.name} → {rule.department}",
            )
            query = f"?category={rule.category_id}"
            return redirect_after_write(request, reverse("reports:routing") + query)
    rules = RoutingRule.objects.visible_to(user).select_related("category", "region", "department")
    selected = request.GET.get("category", "")
    if selected.isdigit():
        rules = rules.filter(category_id=int(selected))
    rules = rules.order_by("category__order", "category_id", "region_id")
    check_form = RouteCheckForm(
        request.GET if "check-category" in request.GET else None, user=user, prefix="check"
    )
    explained = None
    if check_form.is_bound and check_form.is_valid():
        explained = explain_route(
            check_form.cleaned_data["category"], check_form.cleaned_data["region"]
        )
    routed = set(RoutingRule.objects.values_list("category_id", flat=True))
    return render(
        request,
        "reports/config_routing.html",
        {
            "form": form,
            "rules": list(rules),
            "categories": Category.objects.order_by("order", "group", "pk"),
            "selected": selected,
            "check_form": check_form,
            "explained": explained,
            "unrouted": Category.objects.filter(is_active=True).exclude(pk__in=routed),
            "hint": ROUTING_HINT,
        },
        status=422 if form.errors else 200,
    )


@require_POST
def routing_delete(request: HttpRequest, pk: int) -> HttpResponse:
    _require(request)
    rule = RoutingRule.objects.visible_to(request.user).filter(pk=pk).first()
    if rule is None:
        raise NotFound("未找到该派单规则")
    name = f"{rule.category.name} · {rule.region.name} → {rule.department}"
    delete_routing_rule(rule, actor=request.user)
    messages.success(request, f"已删除派单规则：{name}")
    return redirect_after_write(request, reverse("reports:routing"))


# --- reply templates ---------------------------------------------------------------------------


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


def templates(request: HttpRequest) -> HttpResponse:
    _require(request)
    rows = ResponseTemplate.objects.select_related("category").order_by(
        "status", "category__order", "title"
    )
    labels = dict(Status.choices)
    return render(
        request,
        "reports/config_templates.html",
        {"rows": [(t, labels.get(t.status, t.status)) for t in rows]},
    )


def template_form(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require(request)
    template = None
    if pk is not None:
        template = ResponseTemplate.objects.filter(pk=pk).select_related("category").first()
        if template is None:
            raise NotFound("未找到该回复模板")
    initial = {}
    if template is not None:
        initial = {
            "category": template.category, "status": template.status, "title": template.title,
            "text": template.text, "auto": template.auto,
        }  # fmt: skip
    form = TemplateForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            saved = save_template(
                template,
                actor=request.user,
                category=data["category"],
                status=data["status"],
                title=data["title"],
                text=data["text"],
                auto=data["auto"],
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, f"已保存回复模板「{saved.title}」")
            return redirect_after_write(request, reverse("reports:templates"))
    return render(
        request,
        "reports/config_template_form.html",
        {"form": form, "template": template},
        status=422 if form.errors else 200,
    )
