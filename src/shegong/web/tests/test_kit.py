"""The form kit: run_action, schema errors, save_through, the audited export."""

from __future__ import annotations

import pydantic
import pytest
from django import forms

from shegong.core import excel
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.web.exports import audited_xlsx
from shegong.web.forms import StyledForm, run_action, save_through, schema_data


class NameForm(StyledForm):
    name = forms.CharField(label="名称", required=False)
    flag = forms.BooleanField(label="标记", required=False)


class NameIn(pydantic.BaseModel):
    name: str = pydantic.Field(min_length=2)


def _valid_form() -> NameForm:
    form = NameForm({"name": "东关"})
    assert form.is_valid()
    return form


def refuse(*, field: str = "name") -> None:
    raise InvalidInput.field(field, "名称已被占用")


def test_the_styler_gives_each_widget_its_bootstrap_class():
    form = NameForm()
    assert form.fields["name"].widget.attrs["class"] == "form-control"
    assert form.fields["flag"].widget.attrs["class"] == "form-check-input"


def test_run_action_returns_what_the_action_returns():
    form = _valid_form()
    assert run_action(form, lambda a, *, b: a + b, 1, b=2) == 3
    assert not form.errors


def test_run_action_puts_a_domain_error_beside_its_field_and_keeps_the_status():
    form = _valid_form()
    assert run_action(form, refuse) is None
    assert form.errors == {"name": ["名称已被占用"]}
    assert form.error_status == 422
    assert "is-invalid" in form.fields["name"].widget.attrs["class"]


def test_run_action_maps_fields_and_puts_unknown_fields_on_top():
    form = _valid_form()
    run_action(form, refuse, field="title", field_map={"title": "name"})
    assert form.errors["name"] == ["名称已被占用"]
    other = _valid_form()
    run_action(other, refuse, field="skills")
    assert other.non_field_errors() == ["名称已被占用"]


@pytest.mark.parametrize("error", [NotFound("未找到"), NotPermitted("没有权限")])
def test_run_action_lets_not_yours_through_to_the_404_and_403_pages(error):
    def deny() -> None:
        raise error

    form = _valid_form()
    with pytest.raises(type(error)):
        run_action(form, deny)
    assert not form.errors


def test_schema_data_shows_the_apis_chinese_message_beside_the_field():
    form = _valid_form()
    assert schema_data(form, NameIn, {"name": "东"}) is None
    assert form.errors == {"name": ["长度不能少于 2 个字符"]}
    assert form.error_status == 422


def test_schema_errors_naming_no_form_field_go_on_top():
    class OtherIn(pydantic.BaseModel):
        code: int

    form = _valid_form()
    assert schema_data(form, OtherIn, {"code": "x"}) is None
    assert form.non_field_errors() == ["输入有误，请检查后重试"]


def test_save_through_creates_without_an_object_and_updates_with_one():
    calls = []

    def create(data, *, actor):
        calls.append(("create", data.name, actor))
        return "new"

    def update(obj, data, *, actor):
        calls.append(("update", obj, data.name, actor))
        return obj

    form = _valid_form()
    assert save_through(form, NameIn, {"name": "东关"}, obj=None, create=create,
                        update=update, actor="a") == "new"  # fmt: skip
    assert save_through(form, NameIn, {"name": "鼓楼"}, obj="old", create=create,
                        update=update, actor="a") == "old"  # fmt: skip
    assert calls == [("create", "东关", "a"), ("update", "old", "鼓楼", "a")]


def test_save_through_calls_no_action_on_a_payload_the_schema_refuses():
    def never(*args, **kwargs):
        raise AssertionError("called")

    form = _valid_form()
    assert save_through(form, NameIn, {"name": ""}, obj=None, create=never, update=never,
                        actor=None) is None  # fmt: skip
    assert "name" in form.errors


def test_an_audited_export_writes_the_rows_and_one_entry(db, street_a_staff):
    columns = [excel.Column("名称", 10)]
    response = audited_xlsx(
        street_a_staff, verb=Verb.STATIONS_EXPORTED, table="stations", title="驿站",
        columns=columns, rows=[["东关驿站"], ["鼓楼驿站"]],
        filters={"q": "驿站", "region": ""}, masked=True,
    )  # fmt: skip
    assert response["X-Export-Rows"] == "2"
    assert "%E9%A9%BF%E7%AB%99-" in response["Content-Disposition"]  # 驿站-<stamp>.xlsx
    entry = AuditEvent.objects.get(verb=Verb.STATIONS_EXPORTED)
    assert entry.actor == street_a_staff
    assert entry.region_id == street_a_staff.active_membership.region_id
    assert entry.data == {"table": "stations", "rows": 2, "masked": True, "filters": {"q": "驿站"}}
