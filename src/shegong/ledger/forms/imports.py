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


class MappingForm(forms.Form):
    """The mapping step: a field (or 「不导入」) for each header of the file, and a constant for
    any field the file lacks. ``mapping`` is the result once valid."""

    def __init__(
        self, *args: Any, table: excel.Table, headers: list[str],
        initial_mapping: excel.Mapping, **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.table, self.headers = table, headers
        options = [(excel.IGNORED, "不导入")] + [
            (f.name, f"{f.label}{'（必填）' if f.required else ''}") for f in table.fields
        ]
        self.column_fields: list[tuple[int, str]] = []
        for index, header in enumerate(headers):
            if not header.strip():
                continue
            name = f"col_{index}"
            guess = initial_mapping.columns[index] if index < len(initial_mapping.columns) else None
            self.fields[name] = forms.ChoiceField(
                label=header, choices=options, initial=guess or excel.IGNORED,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )  # fmt: skip
            self.column_fields.append((index, name))
        for spec in table.fields:
            name = f"const_{spec.name}"
            initial = initial_mapping.constants.get(spec.name, "")
            choices: list[str] = []
            if spec.choices is not None:
                choices = [str(m.label) for m in spec.choices]
            elif spec.kind == "bool":
                choices = list(excel.YES_NO)
            if choices:
                self.fields[name] = forms.ChoiceField(
                    label=spec.label, required=False, initial=initial,
                    choices=[("", "（不填）")] + [(c, c) for c in choices],
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )  # fmt: skip
            else:
                self.fields[name] = forms.CharField(
                    label=spec.label, required=False, initial=initial, max_length=200,
                    widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}),
                )  # fmt: skip

    def columns(self) -> list[tuple[str, Any]]:
        """(header, bound field) per column of the file."""
        return [(self.headers[index], self[name]) for index, name in self.column_fields]

    def constants(self) -> list[tuple[excel.Field, Any]]:
        return [(spec, self[f"const_{spec.name}"]) for spec in self.table.fields]

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        columns: list[str | None] = [None] * len(self.headers)
        for index, name in self.column_fields:
            value = data.get(name)
            columns[index] = None if value in (None, "", excel.IGNORED) else value
        constants = {
            spec.name: str(data[f"const_{spec.name}"]).strip()
            for spec in self.table.fields
            if str(data.get(f"const_{spec.name}") or "").strip()
        }
        self.mapping = excel.Mapping(tuple(self.headers), tuple(columns), constants)
        for problem in self.mapping.problems(self.table):
            self.add_error(None, problem)
        return data
