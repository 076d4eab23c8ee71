"""The registries the shell renders: order, replacement, and what the apps registered."""

from __future__ import annotations

from dataclasses import dataclass

from shegong.core import registry
from shegong.core.registry import Registry


@dataclass(frozen=True)
class Item:
    key: str
    order: int = 0


def test_items_come_in_order_then_in_registration_order():
    items: Registry[Item] = Registry("test")
    items.add(Item("c", 20), Item("a", 10), Item("b", 10))
    assert [i.key for i in items] == ["a", "b", "c"]
    assert len(items) == 3 and "a" in items


def test_registering_a_key_again_replaces_it_and_never_duplicates():
    items: Registry[Item] = Registry("test")
    items.add(Item("a", 10))
    items.add(Item("a", 30), Item("b", 20))
    assert [(i.key, i.order) for i in items] == [("b", 20), ("a", 30)]
    items.remove("a")
    assert [i.key for i in items] == ["b"]


def test_resolve_takes_a_callable_or_a_dotted_path():
    assert registry.resolve(len) is len
    assert registry.resolve("shegong.core.registry.resolve") is registry.resolve


def test_an_h5_tile_is_a_home_tile_unless_placed_elsewhere():
    tiles: Registry[registry.H5Tile] = Registry("h5")
    tiles.add(
        registry.H5Tile("b", "乙", "x:b", "list", order=2, places=("nav", "me")),
        registry.H5Tile("a", "甲", "x:a", "camera", order=1),
    )
    assert [t.key for t in tiles] == ["a", "b"]
    first = next(iter(tiles))
    assert first.places == ("home",) and first.visible is None and first.badge is None
    assert "h5_tiles" == registry.h5_tiles.name
