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


# --- to-dos -----------------------------------------------------------------------------------


class Person:
    """A user that holds ``perms`` (no database: the registry asks ``has_perm_in_scope``)."""

    def __init__(self, *perms):
        self.perms = set(perms)

    def has_perm_in_scope(self, perm):
        return perm in self.perms


def test_a_todo_applies_to_holders_of_its_permission_or_to_those_its_predicate_opens_it_for():
    from shegong.core.perms import Perm
    from shegong.core.registry import Todo

    def leads(user):
        return getattr(user, "leads", False)

    todo = Todo("t", "待确认", lambda user: 1, "home", perm=Perm.VOLUNTEERS_MANAGE, or_if=leads)
    assert todo.applies_to(Person(Perm.VOLUNTEERS_MANAGE))
    assert not todo.applies_to(Person(Perm.VOLUNTEERS_VIEW))
    leader = Person()
    leader.leads = True
    assert todo.applies_to(leader)
    assert Todo("open", "人人可见", lambda user: 0, "home").applies_to(Person())
    strict = Todo("s", "仅派单", lambda user: 0, "home", perm=Perm.REPORTS_DISPATCH)
    assert not strict.applies_to(leader)


def test_the_apps_register_their_todos_each_with_a_list_to_open():
    keys = {todo.key for todo in registry.todos}
    assert {
        "reports.submitted", "reports.accepted", "reports.returned", "reports.awaiting",
        "reports.overdue", "reports.resolved", "reports.rehandle", "reports.rehandle_overdue",
        "volunteers.review", "volunteers.records",
        "volunteers.certificate_requests", "ledger.tasks", "ledger.should_establish",
        "stations.defects",
    } <= keys  # fmt: skip
    for todo in registry.todos:
        assert todo.label and todo.url_name and todo.hint, todo.key
