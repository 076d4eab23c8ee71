"""KeyPaginator: the same pages as Django's Paginator, read by key."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator

from shegong.core.models import ScanState
from shegong.core.paging import KeyPaginator

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    ScanState.objects.bulk_create(ScanState(name=f"scan-{n % 7}-{n:02d}") for n in range(23))
    return ScanState.objects.order_by("name", "pk")


def test_every_page_holds_what_the_ordinary_paginator_holds(rows):
    plain, by_key = Paginator(rows, 5), KeyPaginator(rows, 5)
    assert by_key.num_pages == plain.num_pages == 5
    for number in plain.page_range:
        expected = [row.pk for row in plain.page(number)]
        assert [row.pk for row in by_key.page(number)] == expected
    assert len(by_key.get_page(99)) == 3  # past the end: the last page, as Paginator does


def test_a_total_counted_already_is_not_counted_again(rows, django_assert_num_queries):
    paginator = KeyPaginator(rows, 5, count=23)
    with django_assert_num_queries(2):  # the page's keys, then its rows
        page = paginator.page(2)
    assert len(page) == 5 and page.has_next()
