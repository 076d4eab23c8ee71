"""Download names: Chinese for current browsers (RFC 5987), ASCII for old ones (RFC 6266)."""

from __future__ import annotations

from shegong.core.downloads import ascii_name, content_disposition


def test_a_chinese_name_comes_with_an_ascii_fallback():
    assert content_disposition("审计日志-20261206-2200.xlsx") == (
        'attachment; filename="20261206-2200.xlsx"; '
        "filename*=UTF-8''%E5%AE%A1%E8%AE%A1%E6%97%A5%E5%BF%97-20261206-2200.xlsx"
    )


def test_the_fallback_may_be_given_and_a_pdf_shown_inline():
    header = content_disposition("证明-ZM1.pdf", fallback="certificate-ZM1.pdf", inline=True)
    assert header.startswith("inline; filename=\"certificate-ZM1.pdf\"; filename*=UTF-8''%E8%AF%81")


def test_an_ascii_name_needs_no_encoded_twin():
    assert content_disposition("report.xlsx") == 'attachment; filename="report.xlsx"'


def test_the_ascii_name_never_carries_quotes_or_paths():
    assert ascii_name('a "b"/../c.pdf') == "a-b-..-c.pdf"
    assert ascii_name("志愿服务统计.xlsx") == "download.xlsx"
    assert content_disposition('x"y.pdf').startswith('attachment; filename="x-y.pdf"; filename*=')
