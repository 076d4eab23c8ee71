"""scrub_text: what the public may see of words a resident typed."""

from __future__ import annotations

import pytest

from shegong.core.pii import scrub_text


@pytest.mark.parametrize(
    ("typed", "public"),
    [
        ("请联系我13812345678谢谢", "请联系我138****5678谢谢"),
        ("电话 138-1234-5678", "电话 138****5678"),
        ("+86 139 1234 5678", "139****5678"),
        ("１３８１２３４５６７８", "138****5678"),  # full-width digits
        ("身份证341202199001011234", "身份证3412**********1234"),
        ("34120219900101123X", "3412**********123X"),
        ("老证341202900101123", "老证3412*******1123"),  # 15 digits
        ("座机0558-2345678", "座机0558-****78"),
        ("卡号6222021234567890123", "卡号62***************23"),
        ("邮箱 zhang.san@example.com", "邮箱 z***@example.com"),
    ],
)
def test_numbers_that_identify_a_person_are_masked(typed, public):
    assert scrub_text(typed) == public


@pytest.mark.parametrize(
    "plain",
    [
        "门牌号 12 号 3 单元 502 室",
        "2026年12月6日下午3点",
        "井盖缺失，直径约60厘米，深1.5米",
        "",
    ],
)
def test_everything_else_is_left_as_typed(plain):
    assert scrub_text(plain) == plain


def test_none_is_empty():
    assert scrub_text(None) == ""
