"""One way to send a stored attachment: the scoped view finds it, this answers with the file
(404 when the stored file is gone), its Chinese name, never sniffed, never cached."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse

from shegong.core.downloads import content_disposition
from shegong.core.errors import NotFound


def file_response(file: Any, name: str, content_type: str) -> FileResponse:
    try:
        handle = file.open("rb")
    except FileNotFoundError as exc:
        raise NotFound("文件已不存在") from exc
    response = FileResponse(handle, content_type=content_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition(name)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def download(doc: Any) -> FileResponse:
    """An ``AttachmentBase`` row's file."""
    return file_response(doc.file, doc.name, doc.content_type)
