"""The shell renders whatever is registered: a new app's menu entry and card appear on the
workbench without a line changed in the shell or in another app."""

from __future__ import annotations

import pytest
from django.template import engines

from shegong.core import registry
from shegong.core.perms import Perm


@pytest.fixture
def new_app(settings):
    """A menu group and a card of an app the shell has never heard of."""
    asked = []

    def leads_something(user):
        asked.append(user.pk)
        return True

    entries = [
        # Street staff lack SYSTEM_VIEW: the predicate opens both entries, asked once a page.
        registry.MenuEntry("供需对接", 60, "需求清单", "home", "list", perm=Perm.SYSTEM_VIEW,
                           or_if=leads_something),
        registry.MenuEntry("供需对接", 60, "供给清单", "inbox:list", "list", perm=Perm.SYSTEM_VIEW,
                           or_if=leads_something),
    ]  # fmt: skip
    card = registry.Card(
        "needs", "web/tests/needs_card.html", lambda user: {"open": 7}, order=15,
        perm=Perm.WORKBENCH,
    )  # fmt: skip
    template = '<div id="card-needs">待对接需求 {{ card.open }} 条</div>'
    engine = engines["django"].engine
    loader = ("django.template.loaders.locmem.Loader", {"web/tests/needs_card.html": template})
    original_loaders = engine.loaders
    engine.loaders = [loader, *original_loaders]
    engine.template_loaders = engine.get_template_loaders(engine.loaders)
    registry.menu.add(*entries)
    registry.cards.add(card)
    yield asked
    registry.menu.remove(entries[0].key)
    registry.menu.remove(entries[1].key)
    registry.cards.remove(card.name)
    engine.loaders = original_loaders
    engine.template_loaders = engine.get_template_loaders(engine.loaders)


def test_a_registered_menu_group_and_card_show_on_the_workbench(client, street_a_staff, new_app):
    client.force_login(street_a_staff)
    page = client.get("/").content.decode()
    assert '<div id="card-needs">待对接需求 7 条</div>' in page
    assert "供需对接" in page and "需求清单" in page and "供给清单" in page
    # The group sits by its order: after 暖新驿站 (40) and 志愿服务 (50), before 系统管理.
    assert page.index("志愿服务") < page.index("供需对接") < page.index("系统管理")
    assert new_app == [street_a_staff.pk]  # the predicate is asked once a page


def test_nothing_of_it_shows_once_unregistered(client, street_a_staff):
    client.force_login(street_a_staff)
    page = client.get("/").content.decode()
    assert "供需对接" not in page and "card-needs" not in page
