"""Excel/CSV imports of the ledger: every row validated, then all of it written or none of it.

Each row goes through the schema the API uses (``OrganizationIn``, ``PersonIn``, ``PartyOrgIn``)
and the rules across rows (the same credit code or ID number twice in one file, a region outside
the importer's scope, an employer that is not registered). The region column takes a code or a
name ("东关社区", "东城街道东关社区"), resolved within the importer's scope by
``regions.queries.RegionNames`` (read once per import; docs/regions.md) and then checked as a
code. Coverage and guidance-visit files
(hundreds of rows) are written row by row under the rules of ``set_coverage`` (through the shared
``coverage_problem``) and ``record_visit``. Any error → nothing is written and
every error comes back as ``{row, column, label, message}``.

Why the writes are not one ``create_organization`` call per row: a 100k-row file would take an
hour. Rows are validated and written in chunks of ``CHUNK`` inside ONE durable transaction; the
first error stops the writing (validation goes on, so one pass lists every error) and the
transaction is rolled back at the end. The audit trail: a record the import changed gets the
per-record actions' entry (``ORG_UPDATED``, ``PERSON_UPDATED``…, with the changed fields; person
entries carry field names, never values); the records it created (``ORG_CREATED``,
``PERSON_CREATED``, ``EMPLOYMENT_STARTED``) are the per-row detail of the import's ONE
``LEDGER_IMPORTED`` entry — an ``AuditTarget`` row each (verb, record, label), whose digest the
entry holds (``audit.record_with_targets``; docs/ledger-import.md, "Audit trail") — instead of a
hashed JSON entry per row. A record's history and the audit search read both.

Why new rows are not ``bulk_create``d either: building a model instance per row and sending
every value through Django's SQL compiler was most of the Python time of a large import. New
organizations, coverage rows, people, jobs and the audit entries go in as plain tuples with one
prepared ``INSERT`` per batch (``core.bulk.insert_rows``; values the field changes — the
encrypted ID number, dates, JSON — are still prepared by the field); the keys of new
organizations and people are read back by credit code / blind index (places without a credit
code: by name among this import's rows). Updates of existing records stay ``bulk_update``.
``shegong bench ledger_import`` (SQLite): 20k rows 20.3 s → 12.4 s (27× → 17× the raw read),
100k rows 114 s → 66 s (30× → 18×). On PostgreSQL ``insert_rows`` sends COPY (psycopg's
executemany was one INSERT per row) and the created records are one audit entry's rows instead
of an entry each: 20k rows 36.0× → 14.6× the raw read (same loaded machine, same run's floor).

Nothing here calls ``Person.save()``, so the derived identity fields (blind index, birth date,
sex) are computed here; ``EncryptedTextField`` still encrypts on the way in.
"""

from __future__ import annotations

import functools
import uuid
from collections.abc import Callable, Collection, Iterable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import models, transaction
from django.utils import timezone
from pydantic import BaseModel, ValidationError, field_validator, model_validator

from shegong.accounts.models import User
from shegong.core import audit, pii
from shegong.core.audit import Verb
from shegong.core.bulk import insert_rows, pks_by
from shegong.core.errors import InvalidInput
from shegong.core.models import AuditEvent, ImportMapping
from shegong.core.perms import Perm, Role, require_perm
from shegong.core.pii import blind_index, id_facts
from shegong.core.scope import scope_prefix
from shegong.regions.models import Region
from shegong.regions.queries import RegionNames

from .. import rules
from ..choices import (
    CONTAINER_KINDS,
    CREDIT_CODE_OPTIONAL,
    OWNED_ELSEWHERE,
    CoverageMode,
    OrgKind,
    PartyOrgType,
)
from ..excel import (
    COVERAGE,
    IMPORTABLE,
    ORGANIZATIONS,
    PARTY_ORGS,
    PEOPLE,
    VISITS,
    FileError,
    Mapping,
    Sheet,
    Table,
    header_key,
    open_sheet,
    write_error_workbook,
)
from ..models import (
    Coverage,
    Employment,
    GuidanceVisit,
    Organization,
    PartyOrganization,
    Person,
)
from ..queries.campaigns import holds_role_over
from ..schemas import OrganizationIn, PartyOrgIn, PersonIn, _choice, _code_text, _text
from .records import (
    ORG_FIELDS,
    PARTY_ORG_MODES,
    PERSON_FIELDS,
    _jsonable,
    check_ledger_region,
    coverage_problem,
)

__all__ = [
    "ImportResult",
    "import_coverage",
    "import_file",
    "import_organizations",
    "import_party_orgs",
    "import_people",
    "import_visits",
    "save_import_mapping",
    "saved_import_mapping",
]

CHUNK = 2000
PROGRESS_EVERY = 1000
BATCH = 500  # rows per INSERT/UPDATE statement (SQLite allows 32766 variables)

Rows = Iterable[tuple[int, dict[str, Any]]]
Progress = Callable[[int], None] | None


@dataclass
class ImportResult:
    """What an import did (or, for a dry run or a file with errors, would have done)."""

    table: str
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rows: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    dry_run: bool = False
    error_workbook: str = ""  # path of the marked-up copy of the file, when it has errors
    needs_mapping: bool = False  # stopped at the header: the user maps the columns first
    mapping: dict[str, Any] | None = None  # the column mapping the rows were read through

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class _Rollback(Exception):
    pass


def _fast(schema: type[BaseModel]) -> type[BaseModel]:
    """The API's schema without ninja's DjangoGetter wrapper, which serves ORM objects and costs
    half the validation time on plain dicts; every field and validator is inherited as is."""

    class Rows(schema):  # type: ignore[misc, valid-type]
        @model_validator(mode="wrap")
        @classmethod
        def _run_root_validator(cls, values: Any, handler: Any, info: Any) -> Any:
            return handler(values)

    Rows.__name__ = Rows.__qualname__ = f"{schema.__name__}Rows"
    return Rows


OrganizationRows = _fast(OrganizationIn)
PersonRows = _fast(PersonIn)
PartyOrgRows = _fast(PartyOrgIn)

PYDANTIC_MESSAGES = {
    "missing": "不能为空",
    "int_parsing": "应为整数",
    "int_from_float": "应为整数",
    "int_type": "应为整数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "bool_parsing": "应填「是」或「否」",
    "bool_type": "应填「是」或「否」",
    "date_parsing": "日期格式应为 2024-01-31",
    "date_type": "日期格式应为 2024-01-31",
    "date_from_datetime_parsing": "日期格式应为 2024-01-31",
    "date_from_datetime_inexact": "日期格式应为 2024-01-31",
    "string_type": "应为文字",
    "list_type": "格式不正确",
}


class _Import:
    """State of one import run: the actor's scope, caches, counts, errors, pending audit rows."""

    def __init__(
        self, table: Table, rows: Rows, *, actor: User | None, dry_run: bool, progress: Progress,
        columns: Collection[str] | None,
    ) -> None:  # fmt: skip
        self.table = table
        self.rows = rows
        self.actor = actor
        self.prefix = "" if actor is None else (scope_prefix(actor) or None)
        self.result = ImportResult(table=table.key, dry_run=dry_run)
        self.progress = progress
        self.columns = set(columns) if columns is not None else {f.name for f in table.fields}
        self.regions: dict[str, str | None] = {}  # code → error message (None: fine)
        # Region names (files rarely carry codes) within the actor's scope; loaded on the
        # first name, once per import.
        self.region_names = RegionNames.for_user(actor)
        # verb, target type, target id, target label, region, data: see event
        self.events: list[tuple[int, str, str, str, str | None, dict[str, Any]]] = []
        # The records this import created (verb, type, id, label, detail): the per-row detail
        # of its one LEDGER_IMPORTED entry (audit.record_with_targets), not an entry each.
        self.targets: list[audit.Target] = []
        self.now = timezone.now()
        ctx = audit.current_context()
        self.ip, self.via = ctx.get("ip") or None, ctx.get("via", "system")
        self.actor_obj = actor if getattr(actor, "pk", None) else None
        self.actor_label = str(actor) if actor is not None else "系统"

    # -- helpers ---------------------------------------------------------------------------

    @property
    def writing(self) -> bool:
        return not self.result.dry_run and not self.result.errors

    def error(self, row: int, column: str, message: str) -> None:
        label = ""
        if column:
            try:
                label = self.table.field(column).label
            except StopIteration:
                label = column
        self.result.errors.append(
            {"row": row, "column": column, "label": label, "message": message}
        )

    def in_scope(self, region_code: str) -> bool:
        return self.prefix is not None and region_code.startswith(self.prefix)

    def chunks(self) -> Iterator[list[tuple[int, dict[str, Any]]]]:
        chunk: list[tuple[int, dict[str, Any]]] = []
        for item in self.rows:
            chunk.append(item)
            self.result.rows += 1
            if self.progress is not None and self.result.rows % PROGRESS_EVERY == 0:
                self.progress(self.result.rows)
            if len(chunk) >= CHUNK:
                yield chunk
                chunk = []
        if chunk:
            yield chunk
        if self.progress is not None:
            self.progress(self.result.rows)

    def validate(self, schema: type[BaseModel], number: int, values: dict[str, Any]) -> Any:
        try:
            return schema.model_validate(values)
        except ValidationError as exc:
            failed = set()
            for item in exc.errors(include_url=False):
                column = str(item["loc"][0]) if item.get("loc") else ""
                if item["type"] == "value_error":
                    message = str(item.get("ctx", {}).get("error", item["msg"]))
                else:
                    message = PYDANTIC_MESSAGES.get(item["type"], "格式不正确")
                    if item["type"] == "missing" and column:
                        message = f"{self.table.field(column).label}{message}"
                self.error(number, column, message)
                failed.add(column)
            self.check_scope_of_invalid(number, values, failed)
            return None

    def check_scope_of_invalid(self, number: int, values: dict[str, Any], failed: set[str]) -> None:
        """A row whose format is wrong is still checked against the importer's scope (its
        region, the registered unit it names), so one pass lists a row's format and scope
        errors together instead of the scope error only once the format is fixed."""
        if "region" in values and "region" not in failed:
            try:
                text = _code_text(values["region"])
            except ValueError:
                text = ""
            if text:
                self.region_code(number, text)
        column = "organization_credit_code"
        if column in values and column not in failed and self.actor is not None:
            try:
                code = _org_code(values[column])
            except ValueError:
                code = ""
            if code:
                org = Organization.objects.filter(credit_code=code).only("region").first()
                if org is None or not self.in_scope(org.region_id):
                    self.error(number, column, f"单位 {code} 未登记或不在您的工作范围内")

    def region_code(self, number: int, text: str) -> str | None:
        """The code of the region a row names — its code, or its name resolved within the
        importer's scope (``RegionNames``) — once it passes ``check_region``; else None, the
        error recorded on the row's region column."""
        try:
            code = self.region_names.resolve(text)
        except InvalidInput as exc:
            self.error(number, "region", exc.errors[0]["message"])
            return None
        return code if self.check_region(number, code) else None

    def resolve_region(self, number: int, data: Any) -> bool:
        """``region_code`` of a validated row, whose ``region`` becomes the code."""
        code = self.region_code(number, data.region)
        if code is not None:
            data.region = code
        return code is not None

    def check_region(self, number: int, code: str) -> bool:
        if code not in self.regions:
            try:
                check_ledger_region(self.actor, code)
                self.regions[code] = None
            except InvalidInput as exc:
                self.regions[code] = exc.errors[0]["message"] if exc.errors else exc.detail
        message = self.regions[code]
        if message is not None:
            self.error(number, "region", message)
        return message is None

    def check_lengths(self, number: int, model: type[models.Model], values: dict) -> bool:
        ok = True
        for name, value in values.items():
            if isinstance(value, str) and value:
                limit = _max_length(model, name)
                if limit and len(value) > limit:
                    self.error(number, name, f"不能超过{limit}个字")
                    ok = False
        return ok

    def event(self, verb: Verb, target: models.Model, data: dict[str, Any]) -> None:
        """Queue one audit entry, the same fields ``audit.record`` would write."""
        self.events.append((
            int(verb), target._meta.label_lower, str(target.pk), str(target)[:200],
            getattr(target, "region_id", None), data,
        ))  # fmt: skip

    def touched(
        self, verb: Verb, model: type[models.Model], pk: Any, label: str, detail: str = ""
    ) -> None:
        """Note a record this import created, for the import's entry (``self.targets``)."""
        self.targets.append((int(verb), model._meta.label_lower, str(pk), label[:200], detail))

    def flush_events(self) -> None:
        """Insert the queued audit entries in bulk (``insert_rows``: COPY on PostgreSQL).

        Not ``bulk_create``: building an AuditEvent instance and preparing each of its twelve
        fields per row made the audit trail half the cost of a large import. What is the same
        for every entry of this import (time, actor, ip, channel) is prepared once.
        """
        if self.writing and self.events:
            fixed = {
                "at": self.now, "actor_id": self.actor_obj.pk if self.actor_obj else None,
                "actor_label": self.actor_label, "ip": self.ip, "via": self.via,
                "success": True,
            }  # fmt: skip
            varying = ["verb", "target_type", "target_id", "target_label", "region_id", "data"]
            entries = [
                dict(fixed, **dict(zip(varying, event, strict=True))) for event in self.events
            ]
            # Linked into the audit hash chain (takes the chain lock until this import commits).
            AuditEvent.objects.seal(entries)
            insert_rows(
                AuditEvent, [*varying, "prev_hash", "hash"],
                ([*(e[n] for n in varying), e["prev_hash"], e["hash"]] for e in entries),
                fixed=fixed, batch=BATCH * 4,
            )  # fmt: skip
        self.events = []

    def finish(self, source: str) -> None:
        if not self.writing:
            return
        r = self.result
        region = None
        if self.actor is not None and self.prefix:
            membership = self.actor.active_membership
            assert membership is not None  # a non-empty scope prefix is its region's
            region = membership.region_id
        data = {"table": r.table, "source": source, "rows": r.rows, "created": r.created,
                "updated": r.updated, "unchanged": r.unchanged}  # fmt: skip
        if self.targets:
            audit.record_with_targets(Verb.LEDGER_IMPORTED, actor=self.actor, region=region,
                                      data=data, targets=self.targets)  # fmt: skip
        else:
            audit.record(Verb.LEDGER_IMPORTED, actor=self.actor, region=region, data=data)


@functools.cache
def _max_length(model: type[models.Model], name: str) -> int | None:
    """The field's ``max_length`` (looked up once per field: it was per cell)."""
    return getattr(model._meta.get_field(name), "max_length", None)


def _run(importer: _Import, body: Callable[[], None], source: str) -> ImportResult:
    """Run ``body`` in one durable transaction; roll it back on any error or for a dry run."""
    if importer.actor is not None:
        require_perm(importer.actor, Perm.LEDGER_IMPORT)
    try:
        with transaction.atomic(durable=True):
            body()
            importer.finish(source)
            if not importer.result.written:
                raise _Rollback
    except _Rollback:
        pass
    importer.result.errors.sort(key=lambda e: e["row"])
    return importer.result


def _changes(obj: models.Model, values: dict[str, Any]) -> dict[str, list[Any]]:
    changed = {}
    for name, new in values.items():
        old = getattr(obj, name)
        if old != new:
            changed[name] = [_jsonable(old), _jsonable(new)]
            setattr(obj, name, new)
    return changed


# --- organizations ---------------------------------------------------------------------------


def import_organizations(
    rows: Rows, *, actor: User | None, dry_run: bool = False, progress: Progress = None,
    columns: Collection[str] | None = None, source: str = "",
) -> ImportResult:  # fmt: skip
    """Upsert organizations by credit code (by name for places without one).

    ``columns``: the fields the file has; an existing record keeps the values of fields the
    file lacks (None: the file has them all). New organizations get their coverage row (未覆盖).
    """
    imp = _Import(ORGANIZATIONS, rows, actor=actor, dry_run=dry_run, progress=progress,
                  columns=columns)  # fmt: skip
    seen_codes: dict[str, int] = {}  # credit code → first row
    seen_names: dict[str, int] = {}  # name (kinds without a credit code) → first row
    file_containers: dict[str, int] = {}  # credit code of a place → its row in this file
    created_pks: dict[str, int] = {}  # credit code → pk of organizations created by this file
    fields = [name for name in ORG_FIELDS if name in imp.columns or name in ("kind", "name")]

    def body() -> None:
        for chunk in imp.chunks():
            plans = []
            for number, values in chunk:
                data = imp.validate(OrganizationRows, number, values)
                if data is None:
                    continue
                plan = _plan_organization(imp, number, data, seen_codes, seen_names,
                                          file_containers)  # fmt: skip
                if plan is not None:
                    plans.append(plan)
            _resolve_organizations(imp, plans, created_pks, file_containers)
            _write_organizations(imp, plans, created_pks, fields)
            imp.flush_events()

    return _run(imp, body, source)


@dataclass
class _OrgPlan:
    number: int
    data: Any
    values: dict[str, Any]
    container_code: str
    existing: Organization | None = None


def _plan_organization(
    imp: _Import, number: int, data: Any, seen_codes: dict[str, int],
    seen_names: dict[str, int], file_containers: dict[str, int],
) -> _OrgPlan | None:  # fmt: skip
    ok = imp.resolve_region(number, data)
    kind = OrgKind(data.kind)
    if data.credit_code:
        first = seen_codes.setdefault(data.credit_code, number)
        if first != number:
            imp.error(number, "credit_code", f"与第{first}行的统一社会信用代码重复")
            ok = False
    elif kind not in CREDIT_CODE_OPTIONAL:
        imp.error(number, "credit_code", "该类型的组织须填写统一社会信用代码")
        ok = False
    else:
        first = seen_names.setdefault(data.name, number)
        if first != number:
            imp.error(number, "name", f"与第{first}行的名称重复")
            ok = False
    for name in ("employee_count", "party_member_count"):
        if (getattr(data, name) or 0) < 0:
            imp.error(number, name, "不能为负数")
            ok = False
    container = data.container_credit_code
    if container and container == data.credit_code:
        imp.error(number, "container_credit_code", "不能填写本单位自己的信用代码")
        ok = False
    values = {name: getattr(data, name) for name in ORG_FIELDS}
    values["credit_code"] = values["credit_code"] or None
    ok = imp.check_lengths(number, Organization, values) and ok
    if data.credit_code and kind in CONTAINER_KINDS:
        file_containers.setdefault(data.credit_code, number)
    if not ok:
        return None
    values["region_id"] = data.region
    return _OrgPlan(number, data, values, container)


def _resolve_organizations(
    imp: _Import, plans: list[_OrgPlan], created_pks: dict[str, int],
    file_containers: dict[str, int],
) -> None:  # fmt: skip
    """Find the existing record of each plan and its container, in a few queries per chunk."""
    codes = [p.values["credit_code"] for p in plans if p.values["credit_code"]]
    by_code = {o.credit_code: o for o in Organization.objects.filter(credit_code__in=codes)}
    names = [p.data.name for p in plans if not p.values["credit_code"]]
    by_name: dict[str, Organization] = {}
    if names:
        qs = Organization.objects.filter(credit_code=None, name__in=names)
        if imp.actor is not None:
            qs = qs.visible_to(imp.actor)
        for org in qs.order_by("pk"):
            by_name.setdefault(org.name, org)
    container_codes = {p.container_code for p in plans if p.container_code}
    containers = {
        o.credit_code: o
        for o in Organization.objects.filter(credit_code__in=container_codes).only(
            "pk", "kind", "credit_code", "region"
        )
    }
    keep = []
    for plan in plans:
        code = plan.values["credit_code"]
        existing = by_code.get(code) if code else by_name.get(plan.data.name)
        if existing is not None and not imp.in_scope(existing.region_id):
            imp.error(plan.number, "credit_code",
                      "该统一社会信用代码已由您工作范围以外的区划登记，请联系区管理员")  # fmt: skip
            continue
        plan.existing = existing
        if plan.container_code:
            container = containers.get(plan.container_code)
            if container is not None and (
                OrgKind(container.kind) not in CONTAINER_KINDS
                or not imp.in_scope(container.region_id)
            ):
                container = None
            if container is not None:
                plan.values["container_id"] = container.pk
            elif file_containers.get(plan.container_code, plan.number) < plan.number:
                # A place on an earlier row of this file; its pk is known once it is written.
                plan.values["container_id"] = created_pks.get(plan.container_code)
            else:
                imp.error(plan.number, "container_credit_code",
                          f"所在商圈/楼宇/园区 {plan.container_code} 未登记")  # fmt: skip
                continue
        elif "container_credit_code" in imp.columns:
            plan.values["container_id"] = None
        keep.append(plan)
    plans[:] = keep


def _write_organizations(
    imp: _Import, plans: list[_OrgPlan], created_pks: dict[str, int], fields: list[str]
) -> None:
    new: list[_OrgPlan] = []
    changed: list[Organization] = []
    changed_fields: set[str] = set()
    moved: list[Organization] = []
    for plan in plans:
        values = dict(plan.values)
        container_id = values.pop("container_id", "keep")
        if plan.existing is None:
            plan.values["container_id"] = None if container_id == "keep" else container_id
            new.append(plan)
            continue
        org = plan.existing
        update = {name: values[name] for name in fields}
        update["region_id"] = values["region_id"]
        if container_id != "keep":
            update["container_id"] = container_id
        old_status, old_region, old_kind = org.status, org.region_id, org.kind
        diff = _changes(org, update)
        if not diff:
            imp.result.unchanged += 1
            continue
        kept_elsewhere = OWNED_ELSEWHERE.get(old_kind) or OWNED_ELSEWHERE.get(org.kind)
        if kept_elsewhere:  # a social organization: changed only by its registrar
            imp.error(plan.number, "kind" if old_kind != org.kind else "name", kept_elsewhere)
            continue
        imp.result.updated += 1
        org.updated_at = imp.now
        changed.append(org)
        changed_fields.update(diff)
        if org.region_id != old_region:
            moved.append(org)
        verb = Verb.ORG_STATUS_CHANGED if org.status != old_status else Verb.ORG_UPDATED
        imp.event(verb, org, {"changed": diff, "import": True})
    imp.result.created += len(new)
    if not imp.writing:
        return  # a dry run, or an error somewhere: count on, write nothing
    if new:
        _create_organizations(imp, new, created_pks)
    if changed:
        names = sorted(changed_fields | {"updated_at"})
        names = ["region" if n == "region_id" else "container" if n == "container_id" else n
                 for n in names]  # fmt: skip
        Organization.objects.bulk_update(changed, names, batch_size=BATCH)
    for org in moved:
        Coverage.objects.filter(organization=org).update(region_id=org.region_id)


NEW_ORG_COLUMNS = [*ORG_FIELDS, "region_id", "container_id"]


def _create_organizations(imp: _Import, new: list[_OrgPlan], created_pks: dict[str, int]) -> None:
    """Insert new organizations and their coverage rows as plain rows (``insert_rows``), then
    read their keys back: by credit code, or — for places without one, unique by name in the
    file — by name among the rows without a credit code stamped with this import's time."""
    insert_rows(
        Organization, NEW_ORG_COLUMNS,
        [(*(p.values[n] for n in ORG_FIELDS), p.values["region_id"], p.values["container_id"])
         for p in new],
        fixed={"created_at": imp.now, "updated_at": imp.now}, batch=BATCH,
    )  # fmt: skip
    by_code = pks_by(Organization.objects.all(), "credit_code",
                     [p.values["credit_code"] for p in new if p.values["credit_code"]])  # fmt: skip
    names = [p.values["name"] for p in new if not p.values["credit_code"]]
    by_name = (
        pks_by(Organization.objects.filter(credit_code=None, created_at=imp.now), "name", names)
        if names
        else {}
    )
    pks = [
        by_code[p.values["credit_code"]] if p.values["credit_code"] else by_name[p.values["name"]]
        for p in new
    ]
    insert_rows(
        Coverage, ["organization_id", "region_id"],
        [(pk, p.values["region_id"]) for p, pk in zip(new, pks, strict=True)],
        fixed={"mode": CoverageMode.NONE}, batch=BATCH,
    )  # fmt: skip
    late: dict[int, list[int]] = {}  # container pk → tenants created before it was known
    for plan, pk in zip(new, pks, strict=True):
        if plan.values["credit_code"]:
            created_pks[plan.values["credit_code"]] = pk
    for plan, pk in zip(new, pks, strict=True):
        values = plan.values
        imp.touched(Verb.ORG_CREATED, Organization, pk, values["name"])
        if plan.container_code and plan.values["container_id"] is None:
            container = created_pks.get(plan.container_code)
            if container is not None:
                late.setdefault(container, []).append(pk)
    for container, tenants in late.items():
        for start in range(0, len(tenants), BATCH):
            Organization.objects.filter(pk__in=tenants[start : start + BATCH]).update(
                container_id=container
            )


# --- people ----------------------------------------------------------------------------------


def import_people(
    rows: Rows, *, actor: User | None, dry_run: bool = False, progress: Progress = None,
    columns: Collection[str] | None = None, source: str = "",
) -> ImportResult:  # fmt: skip
    """Upsert people by ID number (its blind index); a named employer (registered, in scope)
    becomes the person's current job."""
    imp = _Import(PEOPLE, rows, actor=actor, dry_run=dry_run, progress=progress, columns=columns)
    seen: dict[str, int] = {}  # blind index → first row
    fields = [name for name in PERSON_FIELDS if name in imp.columns or name == "name"]

    def body() -> None:
        for chunk in imp.chunks():
            plans = []
            for number, values in chunk:
                data = imp.validate(PersonRows, number, values)
                if data is None:
                    continue
                ok = imp.resolve_region(number, data)
                index = blind_index(data.id_number)
                first = seen.setdefault(index, number)
                if first != number:
                    imp.error(number, "id_number", f"与第{first}行是同一人（身份证号相同）")
                    ok = False
                person_values = {name: getattr(data, name) for name in PERSON_FIELDS}
                ok = imp.check_lengths(number, Person, person_values) and ok
                ok = imp.check_lengths(number, Employment, {"position": data.position}) and ok
                if ok:
                    plans.append(_PersonPlan(number, data, index, person_values))
            _resolve_people(imp, plans)
            _write_people(imp, plans, fields)
            imp.flush_events()

    return _run(imp, body, source)


@dataclass
class _PersonPlan:
    number: int
    data: Any
    index: str
    values: dict[str, Any]
    existing: Person | None = None
    org_id: int | None = None
    job: Employment | None = None
    person_id: int | None = None


def _resolve_people(imp: _Import, plans: list[_PersonPlan]) -> None:
    existing = {
        p.id_number_index: p
        for p in Person.objects.filter(id_number_index__in=[p.index for p in plans]).defer(
            "id_number"
        )
    }
    codes = {p.data.organization_credit_code for p in plans if p.data.organization_credit_code}
    orgs = Organization.objects.filter(credit_code__in=codes).only("pk", "credit_code", "region")
    org_ids = {o.credit_code: o.pk for o in orgs if imp.in_scope(o.region_id)}
    person_ids = [p.pk for p in existing.values()]
    jobs = {
        (job.person_id, job.organization_id): job
        for job in Employment.objects.filter(person_id__in=person_ids, ended_on=None)
    }
    keep = []
    for plan in plans:
        person = existing.get(plan.index)
        if person is not None and not imp.in_scope(person.region_id):
            imp.error(plan.number, "id_number",
                      "此人已由您工作范围以外的区划登记，请联系区管理员")  # fmt: skip
            continue
        plan.existing = person
        code = plan.data.organization_credit_code
        if code:
            plan.org_id = org_ids.get(code)
            if plan.org_id is None:
                imp.error(plan.number, "organization_credit_code",
                          f"单位 {code} 未登记或不在您的工作范围内")  # fmt: skip
                continue
            if person is not None:
                plan.job = jobs.get((person.pk, plan.org_id))
        keep.append(plan)
    plans[:] = keep


def _write_people(imp: _Import, plans: list[_PersonPlan], fields: list[str]) -> None:
    new: list[_PersonPlan] = []
    changed: list[Person] = []
    changed_fields: set[str] = set()
    new_jobs: list[_PersonPlan] = []
    changed_jobs: list[Employment] = []
    for plan in plans:
        data = plan.data
        if plan.existing is None:
            new.append(plan)
        else:
            person = plan.existing
            plan.person_id = person.pk
            update = {name: plan.values[name] for name in fields}
            update["region_id"] = data.region
            diff = _changes(person, update)
            job_changed = False
            if plan.job is not None:
                job_update = {}
                if "position" in imp.columns:
                    job_update["position"] = data.position
                if "is_manager" in imp.columns:
                    job_update["is_manager"] = data.is_manager
                if _changes(plan.job, job_update):
                    changed_jobs.append(plan.job)
                    job_changed = True
            if diff:
                person.updated_at = imp.now
                changed.append(person)
                changed_fields.update(diff)
                names = sorted("region" if n == "region_id" else n for n in diff)
                # Field names only: the values are personal data, not for the audit log.
                imp.event(Verb.PERSON_UPDATED, person, {"changed": names, "import": True})
            if diff or job_changed or (plan.org_id and plan.job is None):
                imp.result.updated += 1
            else:
                imp.result.unchanged += 1
        if plan.org_id is not None and plan.job is None:
            new_jobs.append(plan)
    imp.result.created += len(new)
    if not imp.writing:
        return  # a dry run, or an error somewhere: count on, write nothing
    if new:
        _create_people(imp, new)
    if changed:
        names = sorted(changed_fields | {"updated_at"})
        names = ["region" if n == "region_id" else n for n in names]
        Person.objects.bulk_update(changed, names, batch_size=BATCH)
    if new_jobs:
        insert_rows(
            Employment, ["person_id", "organization_id", "position", "is_manager"],
            [(p.person_id, p.org_id, p.data.position, p.data.is_manager) for p in new_jobs],
            batch=BATCH,
        )  # fmt: skip
        orgs = {
            o.pk: o
            for o in Organization.objects.filter(pk__in={p.org_id for p in new_jobs}).only(
                "pk", "name", "region"
            )
        }
        for plan in new_jobs:
            assert plan.org_id is not None  # new_jobs holds only plans with an organization
            imp.touched(Verb.EMPLOYMENT_STARTED, Organization, plan.org_id,
                        str(orgs[plan.org_id]), str(plan.person_id))  # fmt: skip
    if changed_jobs:
        Employment.objects.bulk_update(changed_jobs, ["position", "is_manager"], batch_size=BATCH)


NEW_PERSON_COLUMNS = [
    "id_number", "id_number_index", "birth_date", "sex", "region_id", *PERSON_FIELDS,
]  # fmt: skip


def _create_people(imp: _Import, new: list[_PersonPlan]) -> None:
    """Insert new people as plain rows (``insert_rows``: the ID number is still encrypted by its
    field) with the identity facts ``Person.save()`` would derive, then read their keys back by
    blind index."""
    rows = []
    for plan in new:
        facts = id_facts(plan.data.id_number)
        rows.append((
            plan.data.id_number, plan.index, facts.birth_date, facts.sex, plan.data.region,
            *(plan.values[n] for n in PERSON_FIELDS),
        ))  # fmt: skip
    insert_rows(Person, NEW_PERSON_COLUMNS, rows, fixed={"created_at": imp.now,
                "updated_at": imp.now}, batch=BATCH)  # fmt: skip
    pks = pks_by(Person.objects.all(), "id_number_index", [p.index for p in new])
    for plan in new:
        plan.person_id = pks[plan.index]
        label = Person.__str__(SimpleNamespace(name=plan.values["name"],  # type: ignore[arg-type]
                                               phone=plan.values["phone"]))  # fmt: skip
        imp.touched(Verb.PERSON_CREATED, Person, plan.person_id, label)


# --- party organizations ---------------------------------------------------------------------


def import_party_orgs(
    rows: Rows, *, actor: User | None, dry_run: bool = False, progress: Progress = None,
    columns: Collection[str] | None = None, source: str = "",
) -> ImportResult:  # fmt: skip
    """Upsert party organizations by region and name. Files hold hundreds of rows, not
    thousands, so rows are written one by one; the parent may be a row above in the file."""
    imp = _Import(PARTY_ORGS, rows, actor=actor, dry_run=dry_run, progress=progress,
                  columns=columns)  # fmt: skip
    seen: dict[tuple[str, str], int] = {}
    in_file: dict[str, PartyOrganization | None] = {}  # name → created/updated by this file

    def body() -> None:
        for chunk in imp.chunks():
            for number, values in chunk:
                values = dict(values)
                parent_name = str(values.pop("parent_name", "") or "").strip()
                data = imp.validate(PartyOrgRows, number, values)
                if data is None:
                    continue
                _import_party_org(imp, number, data, parent_name, seen, in_file)
            imp.flush_events()

    return _run(imp, body, source)


def _import_party_org(
    imp: _Import, number: int, data: Any, parent_name: str,
    seen: dict[tuple[str, str], int], in_file: dict[str, PartyOrganization | None],
) -> None:  # fmt: skip
    name = data.name.strip()
    ok = imp.resolve_region(number, data)
    if not name:
        imp.error(number, "name", "党组织名称不能为空")
        ok = False
    first = seen.setdefault((data.region, name), number)
    if first != number:
        imp.error(number, "name", f"与第{first}行的党组织重复")
        ok = False
    if data.founded_on and data.term_end and data.term_end < data.founded_on:
        imp.error(number, "term_end", "届满日期不能早于成立日期")
        ok = False
    ok = imp.check_lengths(number, PartyOrganization, {"name": name}) and ok
    visible = PartyOrganization.objects.all()
    if imp.actor is not None:
        visible = visible.visible_to(imp.actor)
    parent: PartyOrganization | None = None
    parent_known = False
    if parent_name:
        if parent_name in in_file:
            parent, parent_known = in_file[parent_name], True
        else:
            parent = visible.filter(name=parent_name, is_active=True).order_by("pk").first()
            parent_known = parent is not None
        if not parent_known:
            imp.error(
                number, "parent_name", f"上级党组织「{parent_name}」未登记或不在您的工作范围内"
            )
            ok = False
        elif parent_name == name:
            imp.error(number, "parent_name", "上级党组织不能是它自己")
            ok = False
    if not ok:
        return
    existing = PartyOrganization.objects.filter(region_id=data.region, name=name).first()
    if existing is not None and not imp.in_scope(existing.region_id):
        imp.error(number, "name", "该党组织不在您的工作范围内")
        return
    if existing is not None and existing.type == PartyOrgType.TEMPORARY_BRANCH != data.type:
        imp.error(number, "type", "临时党支部转为正式党组织请在党组织页面使用「转为正式党组织」")
        return
    if data.term_end and not rules.has_reelection(data.type):
        imp.error(number, "term_end", "临时党支部不实行换届，不填届满日期")
        return
    values: dict[str, Any] = {"type": data.type, "region_id": data.region}
    for name_ in ("founded_on", "term_end"):
        if name_ in imp.columns or existing is None:
            values[name_] = getattr(data, name_)
    if "parent_name" in imp.columns:
        values["parent_id"] = parent.pk if parent is not None else None
    if existing is None:
        imp.result.created += 1
        if imp.writing:
            party_org = PartyOrganization.objects.create(name=name, **values)
            imp.event(
                Verb.PARTY_ORG_CREATED,
                party_org,
                {"type": party_org.type, "parent": party_org.parent_id, "import": True},
            )
        else:
            party_org = None
        in_file[name] = party_org
        return
    diff = _changes(existing, values)
    in_file[name] = existing
    if not diff:
        imp.result.unchanged += 1
        return
    imp.result.updated += 1
    if imp.writing:
        existing.save()
        imp.event(Verb.PARTY_ORG_UPDATED, existing, {"changed": diff, "import": True})


# --- coverage and guidance visits ------------------------------------------------------------


def _org_code(value: Any) -> str:
    text = pii.normalize_code(_code_text(value))
    if not text:
        return ""
    try:
        return pii.validate_credit_code(text)
    except DjangoValidationError as exc:
        raise ValueError("；".join(exc.messages)) from exc


class CoverageRows(BaseModel):
    """One row of a coverage file (the fields of ``CoverageIn``, the organization and party
    organization named instead of given by id)."""

    organization_credit_code: str = ""
    organization_name: str = ""
    mode: str
    party_org_name: str = ""
    since: date | None = None
    note: str = ""

    @field_validator("organization_credit_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> str:
        return _org_code(value)

    @field_validator("organization_name", "party_org_name", "note", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> str:
        return _text(value)

    @field_validator("mode", mode="before")
    @classmethod
    def _mode(cls, value: Any) -> str:
        return _choice(value, CoverageMode, "覆盖方式")


class VisitRows(BaseModel):
    """One row of a guidance-visit file (the arguments of ``record_visit``, the instructor named
    by phone)."""

    organization_credit_code: str = ""
    organization_name: str = ""
    instructor_phone: str
    visited_on: date
    topic: str
    round: int = 1
    notes: str = ""

    @field_validator("organization_credit_code", mode="before")
    @classmethod
    def _code(cls, value: Any) -> str:
        return _org_code(value)

    @field_validator("instructor_phone", mode="before")
    @classmethod
    def _phone(cls, value: Any) -> str:
        return pii.normalize_code(_code_text(value))

    @field_validator("organization_name", "notes", mode="before")
    @classmethod
    def _texts(cls, value: Any) -> str:
        return _text(value)

    @field_validator("topic", mode="before")
    @classmethod
    def _topic(cls, value: Any) -> str:
        text = _text(value)
        if not text:
            raise ValueError("请填写走访主题")
        return text


def _find_organization(
    imp: _Import, number: int, code: str, name: str, seen: dict[int, int]
) -> Organization | None:
    """The organization a row names: by credit code, or by name among the places without one in
    the importer's scope. Missing and outside the scope get the same message."""
    column = "organization_credit_code" if code else "organization_name"
    if code:
        org = Organization.objects.filter(credit_code=code).first()
        shown = code
    elif name:
        qs = Organization.objects.filter(credit_code=None, name=name)
        if imp.actor is not None:
            qs = qs.visible_to(imp.actor)
        found = list(qs.order_by("pk")[:2])
        if len(found) > 1:
            imp.error(number, column, f"有多个名为「{name}」的单位，请填写统一社会信用代码")
            return None
        org = found[0] if found else None
        shown = f"「{name}」"
    else:
        imp.error(number, "organization_credit_code",
                  "请填写单位信用代码（没有信用代码的商圈、楼宇等填写单位名称）")  # fmt: skip
        return None
    if org is None or not imp.in_scope(org.region_id):
        imp.error(number, column, f"单位 {shown} 未登记或不在您的工作范围内")
        return None
    first = seen.setdefault(org.pk, number)
    if first != number:
        imp.error(number, column, f"与第{first}行是同一单位")
        return None
    return org


def import_coverage(
    rows: Rows, *, actor: User | None, dry_run: bool = False, progress: Progress = None,
    columns: Collection[str] | None = None, source: str = "",
) -> ImportResult:  # fmt: skip
    """Set the coverage of organizations, by the rules of ``set_coverage`` (``coverage_problem``):
    a party organization for 单独组建/联合组建/挂靠, at most ``JOINT_BRANCH_MAX_UNITS`` units per
    joint branch — rows above in the same file included. Files hold hundreds of rows; they are
    written one by one. An existing row keeps the start date and note if the file lacks them."""
    imp = _Import(COVERAGE, rows, actor=actor, dry_run=dry_run, progress=progress,
                  columns=columns)  # fmt: skip
    seen: dict[int, int] = {}  # organization pk → first row
    joint: dict[int, set[int]] = {}  # party org pk → organizations this file puts under it jointly

    def body() -> None:
        for chunk in imp.chunks():
            for number, values in chunk:
                data = imp.validate(CoverageRows, number, values)
                if data is not None:
                    _import_coverage_row(imp, number, data, seen, joint)
            imp.flush_events()

    return _run(imp, body, source)


def _import_coverage_row(
    imp: _Import, number: int, data: CoverageRows, seen: dict[int, int],
    joint: dict[int, set[int]],
) -> None:  # fmt: skip
    org = _find_organization(imp, number, data.organization_credit_code,
                             data.organization_name, seen)  # fmt: skip
    ok = org is not None
    mode = CoverageMode(data.mode)
    party_org: PartyOrganization | None = None
    if mode in PARTY_ORG_MODES and data.party_org_name:
        qs = PartyOrganization.objects.filter(name=data.party_org_name, is_active=True)
        if imp.actor is not None:
            qs = qs.visible_to(imp.actor)
        party_org = qs.order_by("pk").first()
        if party_org is None:
            imp.error(number, "party_org_name",
                      f"党组织「{data.party_org_name}」未登记或不在您的工作范围内")  # fmt: skip
            ok = False
    if mode not in PARTY_ORG_MODES or party_org is not None or not data.party_org_name:
        also = joint.get(party_org.pk, set()) if party_org is not None else set()
        problem = coverage_problem(org, mode, party_org, also_joint=also)
        if problem:
            imp.error(number, "party_org_name", problem)
            ok = False
    ok = imp.check_lengths(number, Coverage, {"note": data.note}) and ok
    if not ok or org is None:
        return
    if mode == CoverageMode.JOINT and party_org is not None:
        joint.setdefault(party_org.pk, set()).add(org.pk)
    coverage = Coverage.objects.filter(organization=org).first()
    values: dict[str, Any] = {"mode": mode.value, "party_org_id": party_org and party_org.pk,
                              "region_id": org.region_id}  # fmt: skip
    for name in ("since", "note"):
        if name in imp.columns or coverage is None:
            values[name] = getattr(data, name)
    data_ = {"mode": mode.value, "party_org": party_org and party_org.pk, "import": True}
    if coverage is None:
        imp.result.created += 1
        if imp.writing:
            Coverage.objects.create(organization=org, **values)
            imp.event(Verb.COVERAGE_SET, org, {"before": None, **data_})
        return
    before = {"mode": coverage.mode, "party_org": coverage.party_org_id}
    if not _changes(coverage, values):
        imp.result.unchanged += 1
        return
    imp.result.updated += 1
    if imp.writing:
        coverage.save()
        imp.event(Verb.COVERAGE_SET, org, {"before": before, **data_})


def import_visits(
    rows: Rows, *, actor: User | None, dry_run: bool = False, progress: Progress = None,
    columns: Collection[str] | None = None, source: str = "",
) -> ImportResult:  # fmt: skip
    """Record guidance visits from a file, by the rules of ``record_visit``: a topic, a date not
    after today, a positive round; the instructor (by phone) holds 党建指导员 in a region that
    contains the organization. Create only: a visit already recorded (same organization,
    instructor, date and topic) counts as unchanged. No photos come through a file."""
    imp = _Import(VISITS, rows, actor=actor, dry_run=dry_run, progress=progress,
                  columns=columns)  # fmt: skip
    seen: dict[tuple, int] = {}  # (org, instructor, date, topic) → first row
    instructors: dict[str, User | None] = {}

    def body() -> None:
        today = timezone.localdate()
        for chunk in imp.chunks():
            for number, values in chunk:
                data = imp.validate(VisitRows, number, values)
                if data is not None:
                    _import_visit_row(imp, number, data, today, seen, instructors)
            imp.flush_events()

    return _run(imp, body, source)


def _import_visit_row(
    imp: _Import, number: int, data: VisitRows, today: date, seen: dict[tuple, int],
    instructors: dict[str, User | None],
) -> None:  # fmt: skip
    org = _find_organization(imp, number, data.organization_credit_code,
                             data.organization_name, {})  # fmt: skip
    ok = org is not None
    if data.visited_on > today:
        imp.error(number, "visited_on", "走访日期不能晚于今天")
        ok = False
    if data.round < 1:
        imp.error(number, "round", "轮次应为正整数")
        ok = False
    ok = imp.check_lengths(number, GuidanceVisit, {"topic": data.topic}) and ok
    phone = data.instructor_phone
    if phone not in instructors:
        instructors[phone] = User.objects.filter(phone=phone, is_active=True).first()
    instructor = instructors[phone]
    if org is not None and (
        instructor is None
        or not holds_role_over(instructor, [Role.PARTY_INSTRUCTOR], org.region_id)
    ):
        imp.error(number, "instructor_phone", f"{phone} 不是该单位所在区划的党建指导员")
        ok = False
    if not ok or org is None or instructor is None:
        return
    key = (org.pk, instructor.pk, data.visited_on, data.topic)
    first = seen.setdefault(key, number)
    if first != number:
        imp.error(number, "topic", f"与第{first}行是同一次走访")
        return
    same = GuidanceVisit.objects.filter(
        organization=org, instructor=instructor, visited_on=data.visited_on, topic=data.topic
    )
    if same.exists():
        imp.result.unchanged += 1
        return
    imp.result.created += 1
    if imp.writing:
        visit = GuidanceVisit.objects.create(
            organization=org, instructor=instructor, visited_on=data.visited_on,
            topic=data.topic, round=data.round, notes=data.notes, region_id=org.region_id,
        )  # fmt: skip
        imp.event(Verb.VISIT_RECORDED, org, {
            "visit": visit.pk, "visited_on": data.visited_on.isoformat(), "round": data.round,
            "photos": 0, "instructor": instructor.pk, "import": True,
        })  # fmt: skip


IMPORTERS: dict[str, Callable[..., ImportResult]] = {
    "organizations": import_organizations,
    "people": import_people,
    "party-orgs": import_party_orgs,
    "coverage": import_coverage,
    "visits": import_visits,
}


# --- the preview of a checked file ---------------------------------------------------------

ROW_SCHEMAS: dict[str, type[BaseModel]] = {
    "organizations": OrganizationRows,
    "people": PersonRows,
    "party-orgs": PartyOrgRows,
    "coverage": CoverageRows,
    "visits": VisitRows,
}
# Shown masked in the preview, as on the list pages (the preview is kept in a side file).
MASKED = {"id_number": pii.mask_id_number, "phone": pii.mask_phone,
          "legal_rep_phone": pii.mask_phone, "instructor_phone": pii.mask_phone}  # fmt: skip


def preview_rows(sheet: Sheet, limit: int = 20, *, actor: User | None = None) -> dict[str, Any]:
    """The first ``limit`` rows of a file as they will be written: each value as the schema
    reads it (codes normalised, defaults filled in, choices and 是/否 in words, dates as
    2024-01-31), regions and registered units by name (a region the file names by a near miss
    or a path, as ``actor``'s import resolves it), ID numbers and phones masked; the file's
    columns in the template's order and names. ``{"headers": [...], "rows": [[row, [cells]]]}``.
    """
    table = sheet.table
    schema = ROW_SCHEMAS[table.key]
    specs = [f for f in table.fields if f.name in sheet.columns or f.name in sheet.constants]
    picked: list[tuple[int, dict[str, Any]]] = []
    for number, values in sheet.rows():
        try:
            data: Any = schema.model_validate(values)
        except ValidationError:
            data = None  # not shown as written (a passed check has none): the cells as read
        picked.append((number, {
            f.name: getattr(data, f.name, values.get(f.name, "")) if data is not None
            else values.get(f.name, "") for f in specs
        }))  # fmt: skip
        if len(picked) >= limit:
            break
    region_names = RegionNames.for_user(actor)
    resolved: dict[str, str] = {}  # as the file has it → code
    for _, row in picked:
        text = str(row.get("region") or "")
        if text and text not in resolved:
            try:
                resolved[text] = region_names.resolve(text)
            except InvalidInput:
                resolved[text] = text  # shown as written (a checked file has no such row)
    regions = dict(
        Region.objects.filter(code__in=set(resolved.values())).values_list("code", "name")
    )
    units = {str(row.get(name) or "") for _, row in picked
             for name in ("organization_credit_code", "container_credit_code")} - {""}  # fmt: skip
    names = dict(
        Organization.objects.filter(credit_code__in=units).values_list("credit_code", "name")
    )
    rows = []
    for number, row in picked:
        cells = []
        for spec in specs:
            value = row[spec.name]
            if spec.name == "region":
                value = regions.get(resolved.get(str(value), str(value)), value)
            elif spec.name in ("organization_credit_code", "container_credit_code") and value:
                value = f"{names[value]}（{value}）" if value in names else value
            elif spec.name in MASKED and value:
                value = MASKED[spec.name](str(value))
            cells.append(_shown(spec, value))
        rows.append([number, cells])
    headers = []
    for spec in specs:
        label = "所属区划" if spec.name == "region" else spec.label
        if spec.name in sheet.constants:
            label = f"{label}（统一值）"
        elif header_key(sheet.label_of(spec.name)) != header_key(spec.label):
            label = f"{sheet.label_of(spec.name)} → {label}"
        headers.append(label)
    return {"headers": headers, "rows": rows, **mapping_summary(sheet)}


def mapping_summary(sheet: Sheet) -> dict[str, Any]:
    """The mapped columns as the preview lists them: ``{"mapping": [[file header, field label
    or 不导入], ...], "constants": [[field label, value], ...]}``."""
    table = sheet.table
    columns = [
        [header, table.field(name).label if name else "不导入"]
        for header, name in zip(sheet.headers, sheet.columns, strict=False)
        if header.strip()
    ]
    constants = [[table.field(name).label, str(value)] for name, value in sheet.constants.items()]
    return {"mapping": columns, "constants": constants}


def _shown(spec: Any, value: Any) -> str:
    if value is None or value == "":
        return ""
    if spec.choices is not None and value in spec.choices.values:
        return str(spec.choices(value).label)
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "、".join(str(v) for v in value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def import_file(
    table: str, path: str | Path, *, actor: User | None, dry_run: bool = False,
    progress: Progress = None, source: str = "", opened: Callable[[Sheet], None] | None = None,
    mapping: Mapping | None = None, ask: Callable[[Sheet], None] | None = None,
) -> ImportResult:  # fmt: skip
    """Read ``path`` (xlsx or CSV) and import it as ``table``; on errors, write the error
    workbook (each bad cell red with its reason) under ``DATA_DIR/imports``.

    A file that cannot be read at all, or not within the import limits (``core.sheets``), gives
    one error on row 0 and no workbook. ``opened(sheet)`` is called once the file is checked
    and its header found, before any row is imported (the job learns its row count there).

    The columns: through ``mapping`` if given (a mapping made for other headers is an error);
    else, with ``ask``, a file whose headers all name fields (the template) goes through as
    guessed and any other stops at the header: ``ask(sheet)`` is called and the result says
    ``needs_mapping``; without either, the headers as guessed, a missing required column refused.
    """
    spec = IMPORTABLE[table]
    path = Path(path)
    try:
        sheet = open_sheet(path, spec, strict=mapping is None and ask is None)
        if mapping is None and ask is not None:
            if not sheet.matches_template():
                ask(sheet)
                return ImportResult(table=table, dry_run=dry_run, needs_mapping=True)
            mapping = sheet.guessed_mapping()
        if mapping is not None:
            sheet.apply(mapping)
        if opened is not None:
            opened(sheet)
        columns = {name for name in sheet.columns if name}
        result = IMPORTERS[table](
            sheet.rows(), actor=actor, dry_run=dry_run, progress=progress,
            columns=columns | set(sheet.constants), source=source or path.name,
        )  # fmt: skip
        result.mapping = mapping.as_dict() if mapping is not None else None
    except FileError as exc:  # also one found while reading the rows: nothing was written
        result = ImportResult(table=table, dry_run=dry_run)
        result.errors.append({"row": 0, "column": "", "label": "", "message": str(exc)})
        return result
    if result.errors:
        for error in result.errors:
            if error["column"] in columns:
                error["label"] = sheet.label_of(error["column"])
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        target = settings.DATA_DIR / "imports" / f"错误-{table}-{stamp}-{uuid.uuid4().hex[:6]}.xlsx"
        result.error_workbook = str(write_error_workbook(sheet, result.errors, target))
    return result


# --- saved column mappings -------------------------------------------------------------------


def importer_key(table: str) -> str:
    return f"ledger.{table}"


def saved_import_mapping(user: User, table: str) -> ImportMapping | None:
    """The user's own saved mapping for ``table`` (mappings are personal, like import jobs)."""
    return ImportMapping.objects.filter(user_id=user.pk, importer=importer_key(table)).first()


@transaction.atomic(durable=True)
def save_import_mapping(user: User, table: str, mapping: Mapping) -> ImportMapping:
    """Keep ``mapping`` as the user's mapping for ``table`` (replacing the one before), to be
    offered when a file with the same headers arrives. Refused (InvalidInput) if unusable."""
    require_perm(user, Perm.LEDGER_IMPORT)
    spec = IMPORTABLE[table]
    InvalidInput.raise_if_any(
        [{"field": "mapping", "message": message} for message in mapping.problems(spec)]
    )
    saved, created = ImportMapping.objects.select_for_update().update_or_create(
        user=user, importer=importer_key(table),
        defaults={"signature": mapping.signature, "headers": list(mapping.headers),
                  "columns": list(mapping.columns), "constants": dict(mapping.constants),
                  "updated_at": timezone.now()},
    )  # fmt: skip
    membership = user.active_membership
    region = membership.region_id if membership is not None and scope_prefix(user) else None
    audit.record(Verb.IMPORT_MAPPING_SAVED, actor=user, target=saved, region=region, data={
        "table": table, "created": created, "columns": len(mapping.headers),
        "mapped": sorted(name for name in mapping.columns if name),
        "constants": sorted(mapping.constants),
    })  # fmt: skip
    return saved
