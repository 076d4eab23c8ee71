"""The import page's upload form."""

from __future__ import annotations

from typing import Any

from django import forms

from .. import excel

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class ImportForm(forms.Form):
    table = forms.ChoiceField(
        label="导入到", choices=[(key, t.title) for key, t in excel.IMPORTABLE.items()]
    )
    file = forms.FileField(
        label="文件（.xlsx 或 .csv）",
        error_messages={"required": "请选择要上传的文件", "empty": "文件是空的（0 字节）"},
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv", "class": "form-control"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["table"].widget.attrs["class"] = "form-select"

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError("文件超过 200 MB，请分成几个文件导入")
        return upload
