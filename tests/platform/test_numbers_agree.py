"""Numbers agree everywhere (issue 13, part 4): every figure that links to a list equals the
count of that list, for every demo login.

A figure is an element with ``data-sg-count="N"`` and an ``href`` (a workbench card, a tab
badge, a statistics cell); a list shows its total in ``data-sg-total="M"`` (the pager or the
list header). The walk starts, for each demo login, from the workbench (or the phone home)
and every page of the user's menu, follows every figure's link and compares. A link to a page
without ``data-sg-total`` fails too: a figure must lead to a list that says how many it holds.

The small demo district (``shegong loaddemo --size small``, ~10 s) is loaded once, inside the
one test: the walk is one test so that it loads once per session whatever the workers.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest

from shegong import testing
from shegong.accounts.demo import DEMO_LOGINS
from shegong.accounts.models import User
from shegong.core import demo
from shegong.web.menu import menu_for

pytestmark = pytest.mark.django_db

TOTAL = re.compile(r'data-sg-total="(\d+)"')


class Figures(HTMLParser):
    """(count, href) of every element carrying ``data-sg-count`` and ``href``."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[int, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        count, href = values.get("data-sg-count"), values.get("href")
        if count is not None and href:
            self.found.append((int(count), href))


def figures(html: str) -> list[tuple[int, str]]:
    parser = Figures()
    parser.feed(html)
    return parser.found


def pages_of(account: User) -> list[str]:
    """The workbench (or the phone home) and every page of the account's menu."""
    entries = [item["url"] for group in menu_for(account, "/") for item in group["items"]]
    return list(dict.fromkeys(["/", "/m/", *entries]))


def walk(account: User) -> tuple[int, list[str]]:
    """(figures checked, mismatches) for one account."""
    client = testing.Client()
    client.force_login(account)
    checked, problems, seen = 0, [], set()
    for page in pages_of(account):
        response = client.get(page, follow=True)
        if response.status_code != 200:
            continue
        here = response.request["PATH_INFO"]
        for count, href in figures(response.content.decode()):
            target = urljoin(here, href)
            if urlsplit(target).netloc or (count, target) in seen:
                continue
            seen.add((count, target))
            answer = client.get(target)
            totals = TOTAL.findall(answer.content.decode()) if answer.status_code == 200 else []
            checked += 1
            if not totals:
                problems.append(f"{page}: {count} → {target} ({answer.status_code}, no total)")
            elif int(totals[0]) != count:
                problems.append(f"{page}: {count} → {target} lists {totals[0]}")
    return checked, problems


def test_every_figure_equals_the_list_it_links_to_for_every_demo_login(settings):
    demo.load("small")
    checked, problems = 0, []
    for login in DEMO_LOGINS:
        account = User.objects.get(phone=login.phone)
        n, found = walk(account)
        checked += n
        who = f"{login.phone} {account.active_membership or '超级管理员'}"
        problems += [f"{who}: {p}" for p in found]
    assert not problems, "\n".join(problems)
    assert checked >= 30  # the walk found the figures (cards, tabs, statistics) to compare
