"""Forms of the staff pages: the queue's filters and one small form per action verb.

They only parse text; the rules live in ``actions`` (one place). Each action form's field names
are the ``field`` names the action's ``InvalidInput`` errors use (``reason``, ``note``,
``department``, ``into``, ``result``, ``photos`` …), so ``add_domain_error`` puts an action's
message beside the field it names. On the case page every form has its verb as prefix
(``transfer-department``), so the forms can share field names on one page.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet

from shegong.accounts.models import Department
from shegong.accounts.queries import department_queryset
from shegong.core import photos as photo_intake
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import DATE, DATE_ERRORS, NOTE, PhotosField, StyledForm

from ..choices import FollowupSatisfaction, RejectReason, Status
from ..models import Category, Report, ResponseTemplate
from ..queries import (
    ALL_FILTER,
    AWAITING_FILTER,
    OLDEST,
    OPEN_FILTER,
    REHANDLE_DUE,
    REHANDLE_OVERDUE,
)

STATUS_FILTERS = [
    (OPEN_FILTER, "在办"), (ALL_FILTER, "全部"), (AWAITING_FILTER, "待响应（已派单、已重启）"),
    *Status.choices,
]  # fmt: skip
SORTS = [("", "期限最近在前"), (OLDEST, "最早上报在前")]
REHANDLE_FILTERS = [("", "不限"), (REHANDLE_DUE, "差评待重办"), (REHANDLE_OVERDUE, "差评重办超期")]


def departments_for(user: Any) -> list[Department]:
    """Departments a user may pick: in their scope, plus the district-level ones above it."""
    return list(department_queryset(user).order_by("code"))


class DepartmentField(forms.ModelChoiceField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault("error_messages", {"invalid_choice": "所选部门不可选"})
        super().__init__(queryset=Department.objects.none(), **kwargs)


class DepartmentsField(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs: Any):
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": "所选部门不可选", "invalid_pk_value": "所选部门不可选"},
        )
        super().__init__(queryset=Department.objects.none(), **kwargs)


def _departments_queryset(departments: list[Department]) -> QuerySet:
    return Department.objects.filter(pk__in=[d.pk for d in departments]).order_by("code")


# --- the queue's filters --------------------------------------------------------------------------


class QueueFilterForm(StyledForm):
    q = forms.CharField(label="编号/描述/地址", required=False, max_length=60)
    status = forms.ChoiceField(label="状态", required=False, choices=STATUS_FILTERS)
    category = forms.ChoiceField(label="类别", required=False)
    department = forms.ChoiceField(label="主办部门", required=False)
    region = forms.ChoiceField(label="区划", required=False)
    date_from = forms.DateField(
        label="上报日期起", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    date_to = forms.DateField(
        label="上报日期止", required=False, widget=DATE, error_messages=DATE_ERRORS
    )
    overdue = forms.BooleanField(label="仅超时", required=False)
    escalated = forms.BooleanField(label="仅督办", required=False)
    rehandle = forms.ChoiceField(label="差评重办", required=False, choices=REHANDLE_FILTERS)
    sort = forms.ChoiceField(label="排序", required=False, choices=SORTS)

    def __init__(self, *args: Any, user: Any, visible: QuerySet, departments: list, **kwargs):
        super().__init__(*args, **kwargs)
        # Only categories that occur among the user's cases: the catalogue is global, and a
        # street should not learn of another street's local categories from a dropdown.
        categories = Category.objects.filter(pk__in=visible.order_by().values("category_id")).only(
            "pk", "name"
        )
        self.fields["category"].choices = [
            ("", "全部类别"),
            *[(str(c.pk), c.name) for c in categories],
        ]
        self.fields["department"].choices = [
            ("", "全部部门"),
            ("none", "（未派单）"),
            *[(str(d.pk), d.name) for d in departments],
        ]
        indent = {Level.STREET: "", Level.COMMUNITY: "　", Level.GRID: "　　"}
        regions = (
            Region.objects.visible_to(user)
            .filter(level__in=[Level.STREET, Level.COMMUNITY, Level.GRID])
            .order_by("code")
            .values_list("code", "name", "level")  # rows, not models: thousands in a city
        )
        self.fields["region"].choices = [
            ("", "全部区划"),
            *[(code, f"{indent.get(level, '')}{name}") for code, name, level in regions],
        ]
        for name in ("category", "department", "region"):
            self.fields[name].error_messages["invalid_choice"] = "所选项不在您的工作范围内"
        self.fields["status"].error_messages["invalid_choice"] = "未知的状态"
        self.fields["sort"].error_messages["invalid_choice"] = "未知的排序方式"
        self.fields["rehandle"].error_messages["invalid_choice"] = "未知的差评筛选"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        start, end = data.get("date_from"), data.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", "结束日期不能早于开始日期")
        return data


# --- one form per verb ----------------------------------------------------------------------------


class ActionForm(StyledForm):
    """Base of the action forms: knows the case and who acts."""

    def __init__(self, *args: Any, report: Report, user: Any, **kwargs: Any):
        self.report, self.user = report, user
        super().__init__(*args, **kwargs)


class TemplateMixin:
    """A "回复模板" pick for forms with a text field: an empty text takes the template's."""

    template_status: str = ""
    text_field: str = "note"

    def setup_templates(self, templates: list[ResponseTemplate]) -> None:
        field = self.fields["template"]  # type: ignore[attr-defined]
        self.templates = {str(t.pk): t for t in templates}
        field.choices = [("", "（不使用模板）"), *[(str(t.pk), t.title) for t in templates]]
        field.widget.attrs["data-template-for"] = self.add_prefix(self.text_field)  # type: ignore[attr-defined]

    def chosen_template(self) -> ResponseTemplate | None:
        return self.templates.get(self.cleaned_data.get("template") or "")  # type: ignore[attr-defined]


def templates_for(report: Report) -> dict[str, list[ResponseTemplate]]:
    """The category's reply templates (and the general ones), by status."""
    by_status: dict[str, list[ResponseTemplate]] = {}
    rows = ResponseTemplate.objects.filter(Q(category=report.category_id) | Q(category=None))
    for template in rows.order_by("category_id", "title"):
        by_status.setdefault(template.status, []).append(template)
    return by_status


def fill_template(template: ResponseTemplate, report: Report) -> str:
    """The template's text with ``{{ number }}``, ``{{ category }}``, ``{{ department }}`` and
    ``{{ due }}`` filled in (the same placeholders as the automatic replies)."""
    from django.utils import timezone

    due = report.resolution_due_at or report.response_due_at
    department = report.lead_department.name if report.lead_department_id else ""
    return (
        template.text.replace("{{ number }}", report.number)
        .replace("{{ category }}", report.category.name)
        .replace("{{ department }}", department)
        .replace("{{ due }}", timezone.localtime(due).strftime("%Y-%m-%d %H:%M") if due else "")
    )


class AcceptForm(ActionForm):
    note = forms.CharField(label="受理说明", required=False, max_length=500, widget=NOTE)


class RejectForm(TemplateMixin, ActionForm):
    template_status = Status.REJECTED
    reason = forms.ChoiceField(
        label="不予受理原因",
        choices=[("", "请选择"), *RejectReason.choices],
        error_messages={"required": "请选择不予受理的原因", "invalid_choice": "请选择原因"},
    )
    template = forms.ChoiceField(label="回复模板", required=False)
    note = forms.CharField(label="向上报人说明的理由", required=False, max_length=1000, widget=NOTE)


class TransferForm(ActionForm):
    department = DepartmentField(
        label="主办部门", empty_label="请选择", error_messages={"required": "请选择主办部门"}
    )
    assisting = DepartmentsField(label="协办部门", required=False)
    note = forms.CharField(label="派单说明", required=False, max_length=500, widget=NOTE)

    def set_departments(self, departments: list[Department]) -> None:
        queryset = _departments_queryset(departments)
        self.fields["department"].queryset = queryset
        self.fields["assisting"].queryset = queryset
        self.fields["assisting"].widget.attrs["size"] = min(max(len(departments), 2), 6)


class ReassignForm(ActionForm):
    department = DepartmentField(
        label="改派至", empty_label="请选择", error_messages={"required": "请选择新的主办部门"}
    )
    note = forms.CharField(label="改派理由", required=False, max_length=500, widget=NOTE)

    def set_departments(self, departments: list[Department]) -> None:
        current = self.report.lead_department_id
        self.fields["department"].queryset = _departments_queryset(
            [d for d in departments if d.pk != current]
        )


class AssistForm(ActionForm):
    department = DepartmentField(
        label="协办部门", empty_label="请选择", error_messages={"required": "请选择协办部门"}
    )

    def set_departments(self, departments: list[Department]) -> None:
        self.fields["department"].queryset = _departments_queryset(departments)


class MergeForm(ActionForm):
    into = forms.CharField(
        label="并入工单编号", max_length=12, error_messages={"required": "请填写工单编号"}
    )

    def clean_into(self) -> int:
        value = self.cleaned_data["into"].strip()
        if not value.isdigit() or int(value) == 0:
            raise forms.ValidationError("工单编号应为数字，例如 00000012")
        return int(value)


class RespondForm(TemplateMixin, ActionForm):
    template_status = Status.RESPONDED
    template = forms.ChoiceField(label="回复模板", required=False)
    note = forms.CharField(
        label="响应说明", required=False, max_length=1000, widget=NOTE,
        help_text="群众可见；留空则为“已收到，正在处理”",
    )  # fmt: skip


class ReturnForm(ActionForm):
    reason = forms.CharField(label="退单理由", required=False, max_length=500, widget=NOTE)


class ResolveForm(TemplateMixin, ActionForm):
    template_status = Status.RESOLVED
    text_field = "result"
    template = forms.ChoiceField(label="回复模板", required=False)
    result = forms.CharField(
        label="办理结果", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(
        label="办理后照片",
        required=False,
        help_text=f"JPEG、PNG 或 WebP，每张不超过 10 MB，最多 {photo_intake.MAX_PHOTOS} 张",
    )


class NoteForm(TemplateMixin, ActionForm):
    template = forms.ChoiceField(label="回复模板", required=False)
    note = forms.CharField(label="备注内容", required=False, max_length=2000, widget=NOTE)
    public = forms.BooleanField(label="群众可见", required=False)


class VerifyForm(ActionForm):
    note = forms.CharField(
        label="核实说明", required=False, max_length=500, widget=NOTE,
        help_text="留空则为“核查属实”",
    )  # fmt: skip


class ReopenForm(ActionForm):
    reason = forms.CharField(label="返工理由", required=False, max_length=500, widget=NOTE)


class FollowupForm(ActionForm):
    """The 回访: the requester's own answers (解决率, 差评)."""

    solved = forms.ChoiceField(
        label="群众反映问题是否解决",
        choices=[("", "请选择"), ("yes", "已解决"), ("no", "未解决")],
        error_messages={"required": "请选择问题是否已解决", "invalid_choice": "请选择是否解决"},
    )
    satisfaction = forms.ChoiceField(
        label="群众满意度",
        choices=[("", "请选择"), *FollowupSatisfaction.choices],
        error_messages={"required": "请选择群众的满意度", "invalid_choice": "请选择满意度"},
        help_text="不满意即为差评，主办部门须在规定工作日内重新办理",
    )
    note = forms.CharField(label="回访记录", required=False, max_length=500, widget=NOTE)


class RehandleForm(ActionForm):
    result = forms.CharField(
        label="重新办理情况", required=False, max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}), help_text="群众可见",
    )  # fmt: skip


class HideForm(ActionForm):
    reason = forms.CharField(label="原因", required=False, max_length=200)


class PublicTextForm(ActionForm):
    """What the public sees of the reporter's words; empty = the words with numbers masked."""

    description = forms.CharField(
        label="公开描述", required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}),
        help_text="留空则公开群众原话（电话、身份证号等已自动打码）",
    )  # fmt: skip
    address = forms.CharField(label="公开地址", required=False, max_length=200)
    reason = forms.CharField(label="原因", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial = {
                "description": self.report.public_text or self.report.public_description,
                "address": self.report.public_place or self.report.public_address,
            }


class RedactForm(ActionForm):
    index = forms.TypedChoiceField(
        label="照片", coerce=int, error_messages={"invalid_choice": "没有这张照片"}
    )
    reason = forms.CharField(label="原因", required=False, max_length=200)

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["index"].choices = [
            (str(i), f"第{i + 1}张")
            for i, photo in enumerate(self.report.photos or [])
            if not photo.get("redacted")
        ]


FORMS: dict[str, type[ActionForm]] = {
    "accept": AcceptForm,
    "reject": RejectForm,
    "transfer": TransferForm,
    "reassign": ReassignForm,
    "assist": AssistForm,
    "merge": MergeForm,
    "respond": RespondForm,
    "return": ReturnForm,
    "resolve": ResolveForm,
    "note": NoteForm,
    "verify": VerifyForm,
    "reopen": ReopenForm,
    "hide": HideForm,
    "show": HideForm,
    "redact": RedactForm,
    "public_text": PublicTextForm,
    "followup": FollowupForm,
    "rehandle": RehandleForm,
}


def action_form(
    verb: str,
    report: Report,
    user: Any,
    *,
    data: Any = None,
    files: Any = None,
    departments: list[Department],
    templates: dict[str, list[ResponseTemplate]],
) -> ActionForm:
    form = FORMS[verb](data, files, prefix=verb, report=report, user=user)
    if hasattr(form, "set_departments"):
        form.set_departments(departments)
    if isinstance(form, TemplateMixin):
        status = form.template_status or report.status
        form.setup_templates(templates.get(status, []))
    return form
