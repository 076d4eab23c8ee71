"""The form kit of every page: one Bootstrap styler, the shared widgets and fields, and the
helpers that put an action's domain errors on a form.

Forms only parse text; the rules live in each app's actions. An action's ``InvalidInput``
names fields (``reason``, ``note``, ``photos`` …), so a form whose field names match shows each
message beside its field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any, TypeVar

import pydantic
from django import forms
from django.utils import timezone

from shegong.core import periods
from shegong.core import photos as photo_intake
from shegong.core.api import validation_message
from shegong.core.errors import DomainError

R = TypeVar("R")
S = TypeVar("S", bound=pydantic.BaseModel)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATE_ERRORS = {"invalid": "日期格式应为 YYYY-MM-DD"}
NOTE = forms.Textarea(attrs={"rows": 2})


def _css_class(widget: forms.Widget, *, compact: bool = False) -> str:
    if isinstance(widget, forms.CheckboxInput):
        return "form-check-input"
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select form-select-sm" if compact else "form-select"
    return "form-control form-control-sm" if compact else "form-control"


class BootstrapMixin:
    """Bootstrap's class on every widget (unless the form set one), ``is-invalid`` on fields with
    an error. Mixed into any Django form, e.g. ``AuthenticationForm``."""

    fields: dict[str, forms.Field]
    # The small controls of a filter bar above a list.
    compact: bool = False
    # The status a page answers with when run_action put a domain error on the form.
    error_status: int = 422

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("class", _css_class(field.widget, compact=self.compact))

    def add_error(self, field: str | None, error: Any) -> None:
        super().add_error(field, error)  # type: ignore[misc]
        self._mark_invalid()

    def full_clean(self) -> None:
        super().full_clean()  # type: ignore[misc]
        self._mark_invalid()

    def _mark_invalid(self) -> None:
        for name in getattr(self, "_errors", None) or {}:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = widget.attrs.get("class", "") + " is-invalid"


class StyledForm(BootstrapMixin, forms.Form):
    """A plain form with the kit's styling."""


class PhotoInput(forms.FileInput):
    allow_multiple_selected = True


class PhotosField(forms.Field):
    """Several uploaded photos; checked and re-encoded by ``core.photos`` in the action."""

    widget = PhotoInput(attrs={"accept": photo_intake.ACCEPT})

    def to_python(self, value: Any) -> list:
        if not value:
            return []
        return list(value) if isinstance(value, list | tuple) else [value]


def add_domain_error(
    form: forms.Form, exc: DomainError, field_map: dict[str, str] | None = None
) -> None:
    """Show a domain error on ``form``: each message beside its field, the messages that name no
    field of the form (skills, availability, age…) on top, and the summary when none is named."""
    field_map = field_map or {}
    if not exc.errors:
        form.add_error(None, exc.detail)
    for error in exc.errors:
        field = field_map.get(error.get("field", ""), error.get("field", ""))
        form.add_error(field if field in form.fields else None, error["message"])


def first_error(form: forms.Form) -> str:
    """The form's first message, for a page that answers a small posted form with a flash
    message instead of re-rendering it."""
    for errors in form.errors.values():
        return str(errors[0])
    return "输入有误"


def run_action(
    form: forms.Form,
    action: Callable[..., R],
    /,
    *args: Any,
    field_map: dict[str, str] | None = None,
    **kwargs: Any,
) -> R | None:
    """Call ``action(*args, **kwargs)`` for a page. A ``DomainError`` goes onto ``form`` (each
    message beside the field it names) and None is returned; the status to answer with is kept
    as ``form.error_status`` (409, 422 …). "Not yours" (``AccessDenied``) is not caught: the
    middleware answers it with the 404 or 403 page. So a view reads::

        campaign = run_action(form, care.create_campaign, actor=user, name=data["name"])
        if form.errors:
            return render(request, "stations/campaign_form.html", {"form": form},
                          status=form.error_status)
    """
    try:
        return action(*args, **kwargs)
    except DomainError as exc:
        add_domain_error(form, exc, field_map)
        form.error_status = exc.status  # type: ignore[attr-defined]  # any Form, not only the kit's
        return None


def add_schema_errors(
    form: forms.Form, exc: pydantic.ValidationError, field_map: dict[str, str] | None = None
) -> None:
    """Show an API schema's validation errors beside the form's fields they name (the same
    Chinese messages as the API); one message on top when none of them is a form field."""
    field_map = field_map or {}
    placed = False
    for error in exc.errors(include_url=False):
        name = str(error["loc"][0]) if error["loc"] else ""
        name = field_map.get(name, name)
        if name in form.fields:
            form.add_error(name, validation_message(error))
            placed = True
    if not placed:
        form.add_error(None, "输入有误，请检查后重试")


def schema_data(
    form: forms.Form,
    schema: type[S],
    payload: dict[str, Any],
    *,
    field_map: dict[str, str] | None = None,
) -> S | None:
    """``payload`` validated by the API's ``schema`` (the one contract of pages, API and Excel),
    or None with the errors on ``form`` (``form.error_status`` 422)."""
    try:
        return schema.model_validate(payload)
    except pydantic.ValidationError as exc:
        add_schema_errors(form, exc, field_map)
        form.error_status = 422  # type: ignore[attr-defined]  # any Form, not only the kit's
        return None


def save_through(
    form: forms.Form,
    schema: type[pydantic.BaseModel],
    payload: dict[str, Any],
    *,
    obj: Any,
    create: Callable[..., R],
    update: Callable[..., R],
    actor: Any,
    field_map: dict[str, str] | None = None,
) -> R | None:
    """The create-or-update form view's work, once: validate ``payload`` with the API's
    ``schema``, then ``create(data, actor=)`` when ``obj`` is None or ``update(obj, data,
    actor=)``. Returns what the action saved, or None with every error on ``form``."""
    data = schema_data(form, schema, payload, field_map=field_map)
    if data is None:
        return None
    if obj is None:
        return run_action(form, create, data, actor=actor, field_map=field_map)
    return run_action(form, update, obj, data, actor=actor, field_map=field_map)


class PeriodFilter(StyledForm):
    """A statistics page's filter: a range of dates (at most ``core.periods.MAX_DAYS``; empty
    means ``default_period``) and a community of the user's scope (``communities``: the
    queryset of the ones offered)."""

    compact = True
    default_period = staticmethod(periods.this_month)

    start = forms.DateField(label="开始日期", required=False, widget=DATE)
    end = forms.DateField(label="结束日期", required=False, widget=DATE)
    community = forms.ChoiceField(label="社区", required=False)

    def __init__(self, *args: Any, communities: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        field = self.fields["community"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", "全部社区"),
            *((r.code, r.name) for r in communities.only("code", "name")),
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "start" in self.errors or "end" in self.errors:
            return data
        default = self.default_period(timezone.localdate())
        start = data.get("start") or default.start
        end = data.get("end") or default.end
        if end < start:
            self.add_error("end", "结束日期不能早于开始日期")
        elif end - start > timedelta(days=periods.MAX_DAYS):
            self.add_error("start", "统计期不能超过 3 年")
        data["start"], data["end"] = start, end
        return data

    def period(self) -> periods.Period:
        return periods.Period(self.cleaned_data["start"], self.cleaned_data["end"])
