"""The checks every app's actions share (core.values): each refusal names the field in Chinese."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import models

from shegong.core.errors import IllegalTransition, InvalidInput, NotFound
from shegong.core.models import JobRun
from shegong.core.values import lock, long_text, money, move, text


def _message(call) -> tuple[str, str]:
    with pytest.raises(InvalidInput) as caught:
        call()
    (error,) = caught.value.errors
    return error["field"], error["message"]


def test_text_collapses_spaces_and_bounds_the_length():
    assert text("  东关   社区 ", "title", "标题", 10) == "东关 社区"
    assert _message(lambda: text(" ", "title", "标题", 10)) == ("title", "请填写标题")
    assert _message(lambda: text("长" * 11, "title", "标题", 10)) == ("title", "标题不能超过 10 字")
    assert text("", "note", "摘要", 10, required=False) == ""
    assert long_text(" 第一行\n第二行 ", "body", "正文", 20) == "第一行\n第二行"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("1,200.5", Decimal("1200.50")),
        (0, Decimal("0.00")),
        ("999999999.99", Decimal("999999999.99")),
    ],
)
def test_money_reads_yuan(value, expected):
    assert money(value, "amount", "金额") == expected


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("abc", "金额应为金额（元）"),
        ("NaN", "金额应在 0 到 9.99 亿元之间"),
        ("1e999", "金额应在 0 到 9.99 亿元之间"),
        ("-1", "金额应在 0 到 9.99 亿元之间"),
        ("1.005", "金额最多精确到分"),
        ("", "请填写金额"),
    ],
)
def test_money_refuses_what_is_not_yuan(value, message):
    assert _message(lambda: money(value, "amount", "金额")) == ("amount", message)


def test_money_positive_refuses_zero_and_empty_may_be_optional():
    assert _message(lambda: money("0", "amount", "金额", positive=True)) == (
        "amount",
        "金额应大于 0",
    )
    assert money(None, "self_funded", "自筹", required=False) == Decimal("0.00")


class _Status(models.TextChoices):
    DRAFT = "draft", "草稿"
    OPEN = "open", "申报中"
    CLOSED = "closed", "已结束"


def test_move_follows_the_transition_table():
    table = {"draft": frozenset({"open"}), "open": frozenset({"closed"}), "closed": frozenset()}

    class Row:
        status = "draft"

    row = Row()
    move(row, "open", table, _Status)
    assert row.status == "open"
    with pytest.raises(IllegalTransition) as caught:
        move(row, "draft", table, _Status)
    assert "申报中" in str(caught.value) and "已结束" in str(caught.value)


@pytest.mark.django_db
def test_lock_reads_a_missing_or_malformed_key_as_not_found():
    with pytest.raises(NotFound, match="未找到该任务"):
        lock(JobRun, 999999, "未找到该任务")
    with pytest.raises(NotFound):
        lock(JobRun, "1 OR 1=1", "未找到该任务")
