"""Document intake: check uploaded attachments (PDF, images, Office files) before they are kept.

A file is accepted by what it *is*, not by its name: the first bytes must be a PDF (``%PDF-``),
a JPEG, PNG or WebP image, an Office 97–2003 file (the OLE2 compound header: .doc/.xls/.ppt) or
an Office Open XML / OpenDocument file (a ZIP holding ``[Content_Types].xml`` or a ``mimetype``
entry: .docx/.xlsx/.pptx/.odt/.ods), and its extension must be one of those kinds. Anything
else — or a file over ``MAX_BYTES`` — is refused with a Chinese message naming the file, and
nothing is written.

``check_documents(files)`` is pure (reads, never stores) and returns ``CheckedDocument``s; a
model with ``AttachmentBase``'s fields stores one with ``attachment_fields(doc)``. A JSON list of
files (notices, grants) keeps the records ``store_documents(files, folder)`` returns —
``{"name", "path", "size"}``, every file checked before the first is written — and a download
view answers with ``stored_response(record, folder)``.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse
from django.utils import timezone

from .downloads import content_disposition
from .errors import InvalidInput, NotFound

__all__ = [
    "ACCEPT",
    "MAX_BYTES",
    "MAX_FILES",
    "CheckedDocument",
    "attachment_fields",
    "check_documents",
    "file_records",
    "store_documents",
    "stored_response",
]

MAX_BYTES = 20 * 1024 * 1024
MAX_FILES = 10

# extension → (kind, content type)
_TYPES: dict[str, tuple[str, str]] = {
    "pdf": ("pdf", "application/pdf"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "png": ("png", "image/png"),
    "webp": ("webp", "image/webp"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "ppt": ("ole", "application/vnd.ms-powerpoint"),
    "docx": ("ooxml", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "xlsx": ("ooxml", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": ("ooxml", "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
    "odt": ("odf", "application/vnd.oasis.opendocument.text"),
    "ods": ("odf", "application/vnd.oasis.opendocument.spreadsheet"),
}
ACCEPT = ",".join(f".{ext}" for ext in _TYPES)
KINDS_TEXT = "PDF、图片（JPG/PNG/WebP）或 Office 文档（Word/Excel/PPT/WPS 可另存为这些格式）"


@dataclass(frozen=True)
class CheckedDocument:
    name: str
    content: bytes
    content_type: str

    @property
    def size(self) -> int:
        return len(self.content)


def _display_name(upload: Any, index: int) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = name or f"第{index}个文件"
    return name if len(name) <= 100 else name[:97] + "…"


def _sniff(data: bytes) -> str | None:
    """The kind the bytes are, or None."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError):
            return None
        if "[Content_Types].xml" in names:
            return "ooxml"
        if "mimetype" in names:
            return "odf"
    return None


def _problem(data: bytes, name: str) -> str | None:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if ext not in _TYPES:
        return f"「{name}」不是允许的文件类型，请上传{KINDS_TEXT}"
    if not data:
        return f"「{name}」是空文件"
    if len(data) > MAX_BYTES:
        return f"「{name}」超过 {MAX_BYTES // 1024 // 1024} MB，请压缩后再上传"
    if _sniff(data) != _TYPES[ext][0]:
        return f"「{name}」的内容与扩展名不符或文件已损坏，请上传{KINDS_TEXT}"
    return None


def check_documents(
    files: Sequence[Any], *, field: str = "files", max_files: int = MAX_FILES
) -> list[CheckedDocument]:
    """Read and check uploads; raise ``InvalidInput`` on ``field`` naming every bad file."""
    if len(files) > max_files:
        raise InvalidInput.field(field, f"最多上传 {max_files} 个文件，本次选择了 {len(files)} 个")
    checked: list[CheckedDocument] = []
    problems: list[str] = []
    for index, upload in enumerate(files, start=1):
        name = _display_name(upload, index)
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            problems.append(f"「{name}」超过 {MAX_BYTES // 1024 // 1024} MB，请压缩后再上传")
            continue
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1) if hasattr(upload, "read") else bytes(upload)
        problem = _problem(data, name)
        if problem:
            problems.append(problem)
            continue
        ext = name.rsplit(".", 1)[-1].lower()
        checked.append(CheckedDocument(name, data, _TYPES[ext][1]))
    if problems:
        raise InvalidInput(
            "；".join(problems), errors=[{"field": field, "message": p} for p in problems]
        )
    return checked


def attachment_fields(doc: CheckedDocument) -> dict[str, Any]:
    """The fields of an ``AttachmentBase`` model for ``doc`` (the file is saved on ``save()``)."""
    return {
        "file": ContentFile(doc.content, name=doc.name),
        "name": doc.name,
        "size": doc.size,
        "content_type": doc.content_type,
    }


def store_documents(
    files: Sequence[Any], folder: str, *, field: str = "files", have: int = 0
) -> list[dict[str, Any]]:
    """Check uploads (``check_documents``; at most ``MAX_FILES`` counting the ``have`` already
    kept) and save them in the default storage under ``folder/<YYYYMM>/``: the records
    ``{"name", "path", "size"}`` a JSON list keeps. Nothing is written unless every file passes.
    """
    files = [f for f in files if f]
    if not files:
        return []
    checked = check_documents(files, field=field, max_files=max(MAX_FILES - have, 0))
    stamp = f"{timezone.now():%Y%m}"
    stored = []
    for doc in checked:
        path = default_storage.save(f"{folder}/{stamp}/{doc.name}", ContentFile(doc.content))
        stored.append({"name": doc.name, "path": path, "size": doc.size})
    return stored


def file_records(value: Any) -> list[dict[str, Any]]:
    """The stored records of a JSON list of files (anything else in it skipped)."""
    if not isinstance(value, list):
        return []
    return [a for a in value if isinstance(a, dict) and a.get("path")]


def stored_response(
    record: Any, folder: str, *, cache: str = "private, no-store", missing: str = "未找到该附件"
) -> FileResponse:
    """The file of a ``store_documents`` record as an attachment with its (Chinese) name; 404
    when the record is not a file under ``folder/`` or the stored file is gone."""
    path = str(record.get("path") or "") if isinstance(record, dict) else ""
    if not path.startswith(f"{folder}/") or ".." in path or not default_storage.exists(path):
        raise NotFound(missing)
    name = str(record.get("name") or "附件")
    response = FileResponse(default_storage.open(path, "rb"), content_type=_content_type(name))
    response["Content-Disposition"] = content_disposition(name)
    response["Cache-Control"] = cache
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _content_type(name: str) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    return _TYPES[ext][1] if ext in _TYPES else "application/octet-stream"
