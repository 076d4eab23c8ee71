"""The form renderer draws select widgets in Python: the same markup as Django's templates,
without a template per option."""

from __future__ import annotations

from django import forms
from django.forms.renderers import DjangoTemplates
from django.test.signals import template_rendered
from django.utils.safestring import mark_safe

from shegong.web.forms import StyledForm
from shegong.web.renderer import FormRenderer


class Everything(StyledForm):
    plain = forms.ChoiceField(choices=[("", "全部"), ("1", "一"), ("2", '二 <b> & "q"')])
    optional = forms.ChoiceField(required=False, choices=[("a", "甲"), ("b", "乙")])
    grouped = forms.ChoiceField(
        choices=[("", "请选择"), ("街道", [("s1", "东关街道"), ("s2", "西关")]), ("x", "其他")]
    )
    many = forms.MultipleChoiceField(choices=[(1, "一"), (2, "二"), (3, "三")])
    flagged = forms.NullBooleanField(required=False)
    odd = forms.ChoiceField(
        choices=[("<&>", mark_safe("<i>已转义</i>")), ("v", "v")],
        widget=forms.Select(attrs={"data-x": 'a"b', "disabled": True, "hidden": False}),
    )


def _both(data: dict | None) -> tuple[str, str]:
    fast = Everything(data, renderer=FormRenderer())
    django = Everything(data, renderer=DjangoTemplates())
    if data is not None:
        fast.full_clean()
        django.full_clean()
    return (
        "".join(str(fast[name]) for name in fast.fields),
        "".join(str(django[name]) for name in django.fields),
    )


def test_select_widgets_render_byte_for_byte_as_djangos_templates_do():
    for data in (
        None,
        {"plain": "2", "grouped": "s2", "many": ["1", "3"], "flagged": "true", "odd": "<&>"},
        {"plain": "9", "optional": "b", "flagged": "false"},  # an invalid choice: is-invalid
    ):
        fast, django = _both(data)
        assert fast == django
        assert fast.count("<option") == 17


def test_the_pages_render_selects_without_a_template_per_option(settings):
    assert settings.FORM_RENDERER == "shegong.web.renderer.FormRenderer"
    rendered: list[str] = []

    def seen(sender, template, context, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(seen)
    try:
        html = str(Everything({"plain": "1"})["plain"])  # the configured renderer
    finally:
        template_rendered.disconnect(seen)
    assert '<option value="1" selected>一</option>' in html
    assert "django/forms/widgets/select_option.html" not in rendered
    assert "django/forms/widgets/select.html" not in rendered


def test_a_select_with_its_own_option_template_is_left_to_the_templates():
    class Radioish(forms.Select):
        option_template_name = "django/forms/widgets/radio_option.html"

    field = forms.ChoiceField(choices=[("1", "一")], widget=Radioish)
    fast = _with(field, FormRenderer())
    assert "<label><input" in fast  # radio_option.html drew the option
    assert fast == _with(field, DjangoTemplates())


def _with(field: forms.Field, renderer: object) -> str:
    form = forms.Form(renderer=renderer)
    form.fields["pick"] = field
    return str(form["pick"])
