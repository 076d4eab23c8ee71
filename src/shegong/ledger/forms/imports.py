"""The import page's upload form."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings

from .. import excel


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
        # Django spools an upload over FILE_UPLOAD_MAX_MEMORY_SIZE (2.5 MB) to a temporary file,
        # so a large one never sits in memory; it cannot be bigger than it inflates to.
        upload = self.cleaned_data["file"]
        mb = settings.SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB
        if upload.size > mb * 1024 * 1024:
            raise forms.ValidationError(
                f"文件超过 {mb} MB 的上限（SHEGONG_IMPORT_MAX_UNCOMPRESSED_MB），请拆分后再导入"
            )
        return upload
