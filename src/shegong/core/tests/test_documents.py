"""Attachments are accepted by what they are (PDF, image, Office) and refused by name otherwise."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from shegong.core import documents
from shegong.core.errors import InvalidInput


def _docx() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


GOOD = [
    ("年检报告书.pdf", b"%PDF-1.7\n%%EOF"),
    ("证书.jpg", b"\xff\xd8\xff\xe0" + b"\0" * 20),
    ("证书.png", b"\x89PNG\r\n\x1a\n" + b"\0" * 20),
    ("财务报表.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 20),
    ("整改报告.docx", _docx()),
]


def test_accepts_pdf_images_and_office_files():
    files = [SimpleUploadedFile(name, data) for name, data in GOOD]
    checked = documents.check_documents(files)
    assert [c.name for c in checked] == [name for name, _ in GOOD]
    assert checked[0].content_type == "application/pdf"
    assert documents.attachment_fields(checked[0])["size"] == len(GOOD[0][1])


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("病毒.exe", b"MZ\x90\x00", "「病毒.exe」不是允许的文件类型"),
        ("假的.pdf", b"MZ\x90\x00", "「假的.pdf」的内容与扩展名不符"),
        ("坏的.docx", b"PK\x03\x04broken", "「坏的.docx」的内容与扩展名不符"),
        ("空.pdf", b"", "「空.pdf」是空文件"),
    ],
)
def test_refuses_other_files_naming_them(name, data, message):
    with pytest.raises(InvalidInput, match=message):
        documents.check_documents(
            [SimpleUploadedFile("ok.pdf", b"%PDF-1"), SimpleUploadedFile(name, data)]
        )


def test_refuses_a_file_over_the_limit_naming_it(monkeypatch):
    monkeypatch.setattr(documents, "MAX_BYTES", 10)
    with pytest.raises(InvalidInput, match=r"「大\.pdf」超过"):
        documents.check_documents([SimpleUploadedFile("大.pdf", b"%PDF-" + b"x" * 20)])


def test_refuses_too_many_files():
    files = [SimpleUploadedFile(f"{i}.pdf", b"%PDF-1") for i in range(documents.MAX_FILES + 1)]
    with pytest.raises(InvalidInput, match="最多上传"):
        documents.check_documents(files)
