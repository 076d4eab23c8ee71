from datetime import date

import pytest
from django.db import connection
from django.utils import timezone

from shegong.core.bulk import insert_rows, pks_by
from shegong.core.pii import blind_index
from shegong.ledger.models import Coverage, Organization, Person

ID_NUMBER = "11010519491231002X"


def test_it_inserts_rows_and_prepares_dates_json_and_defaults(district):
    grid = district["grid_a"].pk
    now = timezone.now()
    count = insert_rows(
        Organization,
        ["kind", "name", "credit_code", "former_names", "region_id", "employee_count"],
        [("enterprise", f"单位{i}", None, ["旧名"], grid, i) for i in range(5)],
        fixed={"created_at": now, "updated_at": now},
        batch=2,
    )
    assert count == 5
    org = Organization.objects.get(name="单位3")
    assert org.former_names == ["旧名"] and org.employee_count == 3
    assert org.created_at == now and org.region_id == grid
    # Columns not named get the field's default, as a model instance would.
    assert (org.status, org.is_platform, org.legal_rep, org.container_id) == (
        "active", False, "", None
    )  # fmt: skip
    pks = pks_by(Organization.objects.filter(created_at=now), "name", ["单位1", "单位4", "无"])
    assert pks == {"单位1": Organization.objects.get(name="单位1").pk,
                   "单位4": Organization.objects.get(name="单位4").pk}  # fmt: skip
    insert_rows(Coverage, ["organization", "region"], [(org.pk, grid)])
    assert Coverage.objects.get(organization=org).mode == "none"


def test_it_encrypts_an_encrypted_field_on_the_way_in(district):
    now = timezone.now()
    index = blind_index(ID_NUMBER)
    insert_rows(
        Person,
        ["id_number", "id_number_index", "birth_date", "sex", "name", "region_id",
         "created_at", "updated_at"],
        [(ID_NUMBER, index, date(1949, 12, 31), "F", "张三", district["grid_a"].pk, now, now)],
    )  # fmt: skip
    with connection.cursor() as cursor:
        cursor.execute("SELECT id_number FROM ledger_person WHERE id_number_index = %s", [index])
        stored = cursor.fetchone()[0]
    assert ID_NUMBER not in stored and stored.startswith("v1:")
    person = Person.objects.get(pk=pks_by(Person.objects.all(), "id_number_index", [index])[index])
    assert (person.id_number, person.birth_date, person.sex) == (ID_NUMBER, date(1949, 12, 31), "F")


def test_it_refuses_a_row_of_the_wrong_length_or_a_column_named_twice(district):
    with pytest.raises(ValueError, match="row has 1 values"):
        insert_rows(Coverage, ["organization", "region"], [(1,)])
    with pytest.raises(ValueError, match="named twice"):
        insert_rows(Coverage, ["organization", "region"], [], fixed={"region_id": "x"})


def test_rows_from_a_generator_that_queries_the_same_connection(district, monkeypatch):
    """A generator of rows may read the database as it goes (a benchmark, a demo loader): on
    PostgreSQL the COPY must not hold the connection while the generator runs, or it waits on
    itself forever. Chunks larger than one COPY are split."""
    from shegong.core import bulk

    monkeypatch.setattr(bulk, "COPY_CHUNK", 2)
    grid = district["grid_a"].pk
    now = timezone.now()

    def rows():
        for i in range(5):
            seen = Organization.objects.filter(created_at=now).count()  # a query per row
            yield ("enterprise", f"查询单位{i}", None, [], grid, seen)

    count = insert_rows(
        Organization,
        ["kind", "name", "credit_code", "former_names", "region_id", "employee_count"],
        rows(),
        fixed={"created_at": now, "updated_at": now},
        batch=1,
    )
    assert count == 5
    assert Organization.objects.filter(name__startswith="查询单位").count() == 5
