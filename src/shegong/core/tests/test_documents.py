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


def test_store_documents_keeps_every_file_and_serves_it_with_its_name(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    files = [SimpleUploadedFile(name, data) for name, data in GOOD[:2]]
    stored = documents.store_documents(files, "things", field="files")
    assert [r["name"] for r in stored] == ["年检报告书.pdf", "证书.jpg"]
    assert all(r["path"].startswith("things/") for r in stored)
    assert stored[0]["size"] == len(GOOD[0][1])
    assert (tmp_path / stored[0]["path"]).read_bytes() == GOOD[0][1]
    response = documents.stored_response(stored[0], "things")
    assert b"".join(response.streaming_content) == GOOD[0][1]
    assert response["Content-Type"] == "application/pdf"
    assert "attachment;" in response["Content-Disposition"]
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert documents.file_records([*stored, "x", {"name": "no path"}]) == stored


def test_store_documents_writes_nothing_when_one_file_is_bad(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    files = [SimpleUploadedFile(*GOOD[0]), SimpleUploadedFile("病毒.exe", b"MZ\x90\x00")]
    with pytest.raises(InvalidInput) as caught:
        documents.store_documents(files, "things", field="evidence")
    assert "病毒.exe" in caught.value.detail
    assert caught.value.errors[0]["field"] == "evidence"
    assert not any(tmp_path.rglob("*.pdf"))


def test_store_documents_counts_the_files_already_kept(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(InvalidInput, match="最多上传 1 个文件"):
        documents.store_documents(
            [SimpleUploadedFile(*GOOD[0]), SimpleUploadedFile(*GOOD[0])], "things",
            have=documents.MAX_FILES - 1,
        )  # fmt: skip
    assert documents.store_documents([], "things") == []


@pytest.mark.parametrize(
    "record", [{"name": "a.pdf", "path": "other/a.pdf"}, {"name": "a.pdf", "path": "things/../x"},
               {"name": "a.pdf", "path": "things/gone.pdf"}, "things/a.pdf"],
)  # fmt: skip
def test_stored_response_refuses_what_is_not_a_stored_file_of_the_folder(
    record, tmp_path, settings
):
    from shegong.core.errors import NotFound

    settings.MEDIA_ROOT = tmp_path
    with pytest.raises(NotFound):
        documents.stored_response(record, "things")
