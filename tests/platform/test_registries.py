"""What the apps registered with core's registries from their ready()."""

from __future__ import annotations

from shegong.core import registry


def test_the_apps_registered_their_menus_cards_routers_checks_and_demo_loaders():
    groups = {entry.group for entry in registry.menu}
    assert {"工作台", "基础数据", "台账与党建", "随手拍", "暖新驿站", "志愿服务"} <= groups
    assert {"需求对接"} <= groups
    assert {"公示", "公益创投", "社区慈善基金"} <= groups
    assert {"系统管理", "个人"} <= groups
    assert [card.name for card in registry.cards] == [
        "regions", "inbox", "dashboard", "ledger", "matching_board", "matching", "deliberation",
        "notices", "grants.funds", "grants.calls", "workers", "audit",
    ]  # fmt: skip
    prefixes = [router.prefix for router in registry.api_routers]
    assert prefixes[0] == "" and "/volunteers" in prefixes and "/service-records" in prefixes
    assert [loader.name for loader in registry.demo_loaders] == [
        "regions", "departments", "users", "ledger", "reports", "stations", "workers",
        "volunteers", "socialorgs", "matching", "matching_standing", "deliberation", "grants",
        "funds", "dashboard",
    ]  # fmt: skip
    assert {"notices.general", "grants.award", "grants.disclosure", "volunteers.stars"} <= {
        kind.key for kind in registry.notice_kinds
    }
    assert "holiday_calendar" in registry.checks and "dashboard.rollups" in registry.checks
    assert "volunteers.activities" in registry.indicators
