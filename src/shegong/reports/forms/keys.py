"""The form of the Open311 API-key page."""

from __future__ import annotations

from django import forms

from shegong.web.forms import BootstrapMixin


class ApiKeyForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="用途",
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：12345热线对接、市级城市管理平台"}),
    )
