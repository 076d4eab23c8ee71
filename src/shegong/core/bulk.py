"""Plain multi-row INSERTs for large imports, without Django's per-row model machinery.

``bulk_create`` builds a model instance per row and sends every value of every field through
the SQL compiler; on a 100k-row import that is most of the time spent in Python. ``insert_rows``
takes tuples and sends them with PostgreSQL's ``COPY … FROM STDIN`` (psycopg's ``cursor.copy``:
one stream, no statement per row — psycopg's ``executemany`` sends one INSERT per row), or on
SQLite builds ONE ``INSERT INTO t (cols) VALUES (?, …)`` and runs it with ``executemany`` per
batch (a loop in C over one prepared statement). Values are prepared by their field
(``get_db_prep_save``) only where the field changes them — encrypted text, dates, datetimes,
JSON, decimals, anything not in ``PLAIN`` — so ``EncryptedTextField`` still encrypts and dates
are adapted for the backend.

What it does NOT do, unlike ``save()``/``bulk_create``: call ``pre_save`` (``auto_now``, blind
indexes), run signals, or return the new primary keys. The caller passes derived values itself
and reads the keys back by a unique column with ``pks_by``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any

from django.db import connection, models

if TYPE_CHECKING:
    from django.db.models.options import Options

__all__ = ["PLAIN", "insert_rows", "pks_by"]

# Fields whose database value is the Python value itself on SQLite and PostgreSQL.
PLAIN: frozenset[type[models.Field]] = frozenset({
    models.CharField, models.TextField, models.IntegerField, models.PositiveIntegerField,
    models.SmallIntegerField, models.PositiveSmallIntegerField, models.BigIntegerField,
    models.PositiveBigIntegerField, models.BooleanField, models.FloatField,
})  # fmt: skip


def _model_field(meta: Options[Any], name: str) -> models.Field:
    """The field ``name`` of the model itself: a reverse relation (``get_field`` returns those
    too) has no column to insert into."""
    field = meta.get_field(name)
    if not isinstance(field, models.Field):
        raise ValueError(f"{meta.label}: {name!r} is a reverse relation, not a column")
    return field


def _column(field: models.Field) -> str:
    # The stubs make ``column`` optional for a ForeignObject without a column of its own; the
    # fields inserted into are the concrete ones, which always have a column.
    assert field.column is not None
    return field.column


def _plain(field: models.Field) -> bool:
    if isinstance(field, models.ForeignKey):
        target = field.target_field
        return type(target) in PLAIN or type(target) in (models.AutoField, models.BigAutoField)
    return type(field) in PLAIN


COPY_CHUNK = 20_000  # rows gathered per COPY on PostgreSQL


def _copy(cursor: Any, table: str, names: str, rows: list[tuple[Any, ...]]) -> int:
    with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
    return len(rows)


def insert_rows(
    model: type[models.Model],
    field_names: Sequence[str],
    rows: Iterable[Sequence[Any]],
    *,
    fixed: Mapping[str, Any] | None = None,
    batch: int = 1000,
) -> int:
    """Insert ``rows`` (one tuple per row, values in the order of ``field_names``); return how
    many were inserted.

    ``field_names`` are field names or attnames (``region`` or ``region_id``; a foreign key
    takes the related primary key, never an instance). Concrete fields not named get their
    default, evaluated ONCE for the whole call (``get_default()``: NULL, ``""``, the declared
    default) — name a column whose default must differ per row (a UUID) explicitly.
    ``fixed``: ``{field: value}`` the same for every row (a timestamp), prepared once — never
    an encrypted field, whose one ciphertext every row would then share.
    """
    meta = model._meta
    fixed = dict(fixed or {})
    fields = [_model_field(meta, name) for name in field_names]
    given = [_model_field(meta, name) for name in fixed]
    named = {f.attname for f in (*fields, *given)}
    if len(named) != len(fields) + len(given):
        raise ValueError(f"{model.__name__}: a column is named twice in {list(field_names)}")
    rest = [
        f
        for f in meta.concrete_fields
        if f.attname not in named and not (f.primary_key and isinstance(f, models.AutoField))
    ]
    tail = tuple(
        [
            f.get_db_prep_save(value, connection)
            for f, value in zip(given, fixed.values(), strict=True)
        ]
        + [f.get_db_prep_save(f.get_default(), connection) for f in rest]
    )
    prepare = [(i, f) for i, f in enumerate(fields) if not _plain(f)]
    quote = connection.ops.quote_name
    columns = [_column(f) for f in (*fields, *given, *rest)]
    table = quote(meta.db_table)
    names = ", ".join(quote(c) for c in columns)

    def prepared() -> Iterator[tuple[Any, ...]]:
        for row in rows:
            if len(row) != len(fields):
                raise ValueError(f"{model.__name__}: row has {len(row)} values, not {len(fields)}")
            if prepare:
                row = list(row)
                for i, f in prepare:
                    row[i] = f.get_db_prep_save(row[i], connection)
            yield (*row, *tail)

    count = 0
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # ``rows`` may be a generator that queries the same connection, which a COPY in
            # progress holds: each chunk is gathered first, then copied. Table and column
            # names come from the model; the values go as COPY data.
            chunk = max(batch, COPY_CHUNK)
            gathered: list[tuple[Any, ...]] = []
            for row in prepared():
                gathered.append(row)
                if len(gathered) >= chunk:
                    count += _copy(cursor, table, names, gathered)
                    gathered = []
            if gathered:
                count += _copy(cursor, table, names, gathered)
            return count
        # Table and column names come from the model; every value is a query parameter.
        sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
        pending: list[tuple[Any, ...]] = []
        for row in prepared():
            pending.append(row)
            if len(pending) >= batch:
                cursor.executemany(sql, pending)
                count += len(pending)
                pending = []
        if pending:
            cursor.executemany(sql, pending)
            count += len(pending)
    return count


def pks_by(
    queryset: models.QuerySet, field_name: str, keys: Collection[Any], *, batch: int = 1000
) -> dict[Any, Any]:
    """``{key: pk}`` for the rows of ``queryset`` whose ``field_name`` is in ``keys`` — one
    query per ``batch`` keys. Meant for a unique column (a later duplicate would win)."""
    keys = list(keys)
    found: dict[Any, Any] = {}
    for start in range(0, len(keys), batch):
        part = keys[start : start + batch]
        found.update(
            queryset.filter(**{f"{field_name}__in": part}).order_by().values_list(field_name, "pk")
        )
    return found
