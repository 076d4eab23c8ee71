"""The registries the shell renders: what each app shows and plugs in, without the shell (or any
other app) importing it.

Every app fills them from its ``AppConfig.ready()``::

    def ready(self) -> None:
        from shegong.core import registry

        from . import cards, menu
        registry.menu.add(*menu.ENTRIES)
        registry.cards.add(*cards.CARDS)
        registry.api_routers.add(registry.ApiRouter("/things", "shegong.things.api.router", "事项"))
        registry.demo_loaders.add(registry.DemoLoader("things", "shegong.things.demo.load"))

The workbench home shows the registered to-dos (``todos``: "待办", each a count linking to
its filtered list, oldest first) and cards, the left menu the registered entries, the H5 home
(``/m/``) the registered ``h5_tiles`` (and its bottom navigation and 我的 page the ones marked
for them), ``shegong check`` runs the registered checks, ``/api/v1/`` mounts the registered
routers and ``shegong loaddemo`` runs the registered loaders, each in ``order`` (then
registration order, which is the order of ``INSTALLED_APPS``). The audit pages link an entry's
object to the page its app registered for the model (``object_pages``). The dashboard rolls up,
shows and writes into the work brief every registered ``indicators`` entry (an app's
``indicators.py``), so no app imports the dashboard. Periodic scans have
their own registry (``core.scans``), and so do notification events (``core.notify``).

Menu predicates, card and to-do functions are callables (the app's ``menu.py``, ``cards.py``
and ``todos.py`` import its queries). Routers, checks and demo loaders may be dotted paths,
imported on first use, so ``ready()`` does not import an app's API or demo data.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar

from django.utils.module_loading import import_string

from .perms import Perm


class _Keyed(Protocol):
    @property
    def key(self) -> str: ...

    @property
    def order(self) -> int: ...


T = TypeVar("T", bound=_Keyed)


class Registry(Generic[T]):
    """Items by key, in ``order`` then registration order. Registering the same key again
    replaces the item (``ready()`` may run more than once in tests), never duplicates it."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._items: dict[str, T] = {}

    def add(self, *items: T) -> None:
        for item in items:
            self._items[item.key] = item

    def remove(self, key: str) -> None:
        self._items.pop(key, None)

    def __iter__(self) -> Iterator[T]:
        ranked = sorted(enumerate(self._items.values()), key=lambda pair: (pair[1].order, pair[0]))
        return iter([item for _, item in ranked])

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, key: object) -> bool:
        return key in self._items

    def get(self, key: str) -> T | None:
        return self._items.get(key)


def resolve(function: Callable[..., Any] | str) -> Callable[..., Any]:
    """A callable, or the callable a dotted path names."""
    return import_string(function) if isinstance(function, str) else function


# --- the left menu --------------------------------------------------------------------------


@dataclass(frozen=True)
class MenuEntry:
    """One entry of the left menu, in the group ``group`` (groups are ordered by
    ``group_order``; entries inside a group by ``order``). ``perm`` is needed to see it, unless
    ``or_if(user)`` is true (a volunteer leading a team sees the team's workbench pages). With
    ``or_if`` and no ``perm``, ``or_if(user)`` alone decides (a department user who supervises
    a social organization); with neither, everyone sees it."""

    group: str
    group_order: int
    label: str
    url_name: str
    icon: str
    order: int = 0
    perm: Perm | None = None
    or_if: Callable[[Any], bool] | None = None

    @property
    def key(self) -> str:
        return f"{self.group}:{self.url_name}"


# --- workbench cards ------------------------------------------------------------------------


@dataclass(frozen=True)
class Card:
    """A card on the workbench home. ``context(user)`` reads the app's own scoped queries and
    returns the template's context, or None to leave the card out; ``template`` renders the
    card with its Bootstrap column. Shown only to users with ``perm`` (when given)."""

    name: str
    template: str
    context: Callable[[Any], dict[str, Any] | None]
    order: int = 0
    perm: Perm | None = None

    @property
    def key(self) -> str:
        return self.name


# --- the workbench's to-dos ----------------------------------------------------------------


@dataclass(frozen=True)
class Todo:
    """One line of the workbench's "待办" panel: ``label`` with the number ``count(user)``,
    linking to ``url_name`` with the query ``query`` (the list filtered to exactly those items,
    oldest first). ``count`` must be computed by the very query the list shows, so the two
    always agree; it returns None when the to-do does not apply to ``user``. Shown to users
    with ``perm`` (when given) or for whom ``or_if(user)`` is true (a team's leader); ``hint``
    says in a few words what is counted."""

    key: str
    label: str
    count: Callable[[Any], int | None]
    url_name: str
    query: str = ""
    order: int = 0
    perm: Perm | None = None
    or_if: Callable[[Any], bool] | None = None
    icon: str = "check2-square"
    hint: str = ""

    def applies_to(self, user: Any) -> bool:
        """Whether ``user`` may see this to-do (before counting)."""
        if self.perm is None or user.has_perm_in_scope(self.perm):
            return True
        return self.or_if is not None and bool(self.or_if(user))


# --- deployment checks ----------------------------------------------------------------------


@dataclass(frozen=True)
class Check:
    """A deployment self-check run by ``shegong check`` and at start-up: ``function()`` returns a
    list of ``core.checks.Result``."""

    name: str
    function: Callable[[], list[Any]] | str
    order: int = 0

    @property
    def key(self) -> str:
        return self.name


# --- API routers ----------------------------------------------------------------------------


@dataclass(frozen=True)
class ApiRouter:
    """A django-ninja router mounted at ``/api/v1{prefix}`` with the OpenAPI tag ``tag``;
    ``router`` is a Router or the dotted path of one."""

    prefix: str
    router: Any
    tag: str
    order: int = 0

    @property
    def key(self) -> str:
        # Two routers may share a prefix (an app's pages and its "me" endpoints).
        return f"{self.prefix}|{self.router if isinstance(self.router, str) else id(self.router)}"


# --- demo loaders ---------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLoader:
    """A step of ``shegong loaddemo``: ``function(ctx: core.demo.DemoContext) -> int`` (rows
    created). Idempotent: it skips what already exists, so a second run adds nothing."""

    name: str
    function: Callable[[Any], int] | str
    order: int = 0

    @property
    def key(self) -> str:
        return self.name


# --- object pages ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ObjectPage:
    """The staff page that shows one kind of object, so the audit trail can link the objects
    it names: ``model`` is the model's label (``reports.report``, as ``AuditEvent.target_type``
    stores it); ``url_name`` takes the object's primary key, or nothing when ``pk`` is False (a
    list that holds the object, for objects without a page of their own). A label with the
    suffix ``.owner`` (``ledger.organization.owner``) names instead the page of the app that
    owns such rows, which the lower app links to without importing it."""

    model: str
    url_name: str
    pk: bool = True
    order: int = 0

    @property
    def key(self) -> str:
        return self.model


# --- H5 (phone) tiles -----------------------------------------------------------------------


@dataclass(frozen=True)
class H5Tile:
    """An entry of the phone shell (``/m/``), rendered by ``web`` without knowing the app.

    ``url`` is a URL name (``"reports_m:report"``) or ``url(user) -> str``; ``icon`` names one
    of the shell's inline SVG icons (``web/templates/includes/h5_icon.html``: camera, list,
    home, station, heart, badge, shield, certificate, clock, map, bell, user, lock, qr);
    ``visible(user)`` decides whether the user sees it (everyone when None); ``badge(user)``
    returns a count shown on the tile (None or 0: no badge) and ``note(user)`` a short line
    under the label. ``places`` says where it shows: ``"home"`` (a tile on /m/), ``"nav"`` (an
    entry of the bottom navigation, between 首页 and 消息: keep it to the app's main entry) and
    ``"me"`` (a link on the 我的 page). The predicates run on every H5 page (the bottom navigation):
    keep them to one cached query per user (the apps' ``h5.py`` memoise on the user object)."""

    key: str
    label: str
    url: str | Callable[[Any], str]
    icon: str
    order: int = 0
    visible: Callable[[Any], bool] | None = None
    badge: Callable[[Any], int | None] | None = None
    note: Callable[[Any], str] | None = None
    places: tuple[str, ...] = ("home",)
    nav_label: str = ""  # a shorter label for the bottom navigation (default: ``label``)


# --- public-notice kinds ---------------------------------------------------------------------


@dataclass(frozen=True)
class NoticeKind:
    """A kind of public notice (公示) an app publishes: ``key`` is stored on the notice
    (``grants.award``); ``days`` the default window (calendar days, overridden per deployment
    by ``settings.SHEGONG_NOTICE_DAYS[key]``); ``holds`` whether an open objection stops the
    publicised thing (the app asks ``notices.queries.is_held``); ``names`` what the kind may show
    of a person on the public page: ``"masked"`` (张*) or ``"full"`` (an organization, a role
    model who consented)."""

    key: str
    label: str
    days: int = 7
    holds: bool = True
    names: str = "masked"
    order: int = 0


# --- indicators (the dashboard's figures and the work brief's numbers) --------------------------

# The brief's sections and the dashboard's groups, in the seed's order (DESIGN.md §1).
INDICATOR_SECTIONS = {
    "ledger": "党建台账与组织覆盖",
    "reports": "随手拍闭环",
    "stations": "暖新驿站与新就业群体",
    "volunteers": "志愿服务与专业社工",
    "socialorgs": "社会组织监管",
    "matching": "需求与资源对接",
    "deliberation": "民主协商议事",
    "grants": "公益创投与社区慈善基金",
}


@dataclass(frozen=True)
class Indicator:
    """One figure of the dashboard and the work brief (docs/indicators.md is generated from these).

    ``kind``:

    - ``"flow"``: what happened in a period — the sum, over the period's days, of the records
      whose ``date_field`` falls on the day (a count, or the sum of ``measure``). Rolled up per
      (region, day).
    - ``"stock"``: what stands at the period's end — records whose ``date_field`` is on or before
      the day and whose ``end_field`` (when given) is empty or after it. Rolled up as daily
      changes (+ on ``date_field``, − on ``end_field``) and summed from the beginning.
    - ``"rate"``: ``numerator`` ÷ ``denominator``, two flow (or stock) indicators' codes over the
      same records' cohort date, in per cent; never rolled up itself.
    - ``"sum"``: the sum of ``parts``, indicators of the same kind and unit counted from
      different records (a station's scanned visits and its tallied ones); never rolled up
      itself, and its drill-down is its parts'.

    ``source`` (a dotted path or callable, no argument) returns the base queryset of the records
    counted — every filter of the definition except the date and the region. ``date_field`` may
    be a DateField or a DateTimeField (its local date, Asia/Shanghai), or the name of a date the
    source annotates from the record's own columns (a cohort day: an inspection year's 12-31);
    so may ``end_field`` (the day after an inclusive end date).
    ``region_field`` names the
    records' region foreign key (its code is stored, truncated to the community). ``dim_field``
    (optional) is a breakdown kept in the rollups (e.g. the lead department's id). The records
    behind a figure (``records``) are the source filtered by the period and the region prefix;
    ``columns`` are what the drill-down list shows of each, ``(label, attribute path)`` — never a
    person's name or number unmasked. ``touched_by`` says which audit targets change the records:
    ``(model label, lookup on the source)``, e.g. ``("volunteers.activity", "activity_id")`` —
    the source itself (``"pk"``) is implied. ``clock_fields`` name the deadlines a definition
    compares with now (应响应: answered, or past ``response_due_at``): time alone changes whether
    such a record counts, so each incremental step also re-rolls the days of the records whose
    deadline passed since the step before.

    ``sentence`` is the brief's phrase with ``{value}`` (and for a rate ``{numerator}`` and
    ``{denominator}``); ``seed`` the seed sentence the figure reproduces.
    """

    code: str
    name: str
    unit: str
    section: str
    definition: str
    kind: str = "flow"
    source: Any = None
    date_field: str = ""
    end_field: str = ""
    measure: str = ""
    region_field: str = "region"
    dim_field: str = ""
    touched_by: tuple[tuple[str, str], ...] = ()
    clock_fields: tuple[str, ...] = ()
    numerator: str = ""
    denominator: str = ""
    parts: tuple[str, ...] = ()
    columns: tuple[tuple[str, str], ...] = ()
    sentence: str = ""
    seed: str = ""
    perm: Perm | None = None
    order: int = 0

    @property
    def key(self) -> str:
        return self.code

    def queryset(self) -> Any:
        """The source's base queryset (rates have none)."""
        return resolve(self.source)()


menu: Registry[MenuEntry] = Registry("menu")
cards: Registry[Card] = Registry("cards")
todos: Registry[Todo] = Registry("todos")
checks: Registry[Check] = Registry("checks")
api_routers: Registry[ApiRouter] = Registry("api_routers")
demo_loaders: Registry[DemoLoader] = Registry("demo_loaders")
object_pages: Registry[ObjectPage] = Registry("object_pages")
h5_tiles: Registry[H5Tile] = Registry("h5_tiles")
notice_kinds: Registry[NoticeKind] = Registry("notice_kinds")
indicators: Registry[Indicator] = Registry("indicators")
