import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from shegong.core import pii


def test_it_accepts_the_standard_examples():
    assert pii.validate_id_number("11010519491231002x") == "11010519491231002X"
    facts = pii.id_facts("11010519491231002X")
    assert (str(facts.birth_date), facts.sex) == ("1949-12-31", "F")
    assert pii.id_facts("440524188001010014").sex == "M"


@pytest.mark.parametrize(
    "number, message",
    [
        ("110105194912310021", "身份证号校验位不正确"),
        ("1101051949123100", "身份证号应为18位"),
        ("110105194913310021", "身份证号中的出生日期无效"),
    ],
)
def test_it_refuses_bad_id_numbers_with_a_chinese_reason(number, message):
    with pytest.raises(ValidationError) as exc:
        pii.validate_id_number(number)
    assert exc.value.messages == [message]


def test_it_validates_credit_codes_and_phones():
    assert pii.validate_credit_code("51110105MJ0000018D") == "51110105MJ0000018D"
    with pytest.raises(ValidationError):
        pii.validate_credit_code("51110105MJ0000018E")
    assert pii.validate_phone("+86 138-0013-8000") == "13800138000"
    with pytest.raises(ValidationError):
        pii.validate_phone("12800138000")


def test_it_masks_names_phones_and_ids():
    assert pii.mask_name("张三") == "张*"
    assert pii.mask_name("欧阳娜娜") == "欧***"
    assert pii.mask_phone("13812341234") == "138****1234"
    assert pii.mask_id_number("34120119900101123X") == "3412**********123X"


def test_encryption_round_trips_and_is_not_deterministic():
    a, b = pii.encrypt("11010519491231002X"), pii.encrypt("11010519491231002X")
    assert a != b
    assert pii.decrypt(a) == "11010519491231002X"
    assert pii.blind_index("x") == pii.blind_index("x") != pii.blind_index("y")


def test_the_database_never_holds_a_plaintext_id_number(district):
    from shegong import testing

    account = testing.user("resident", district["community_a"], id_number="11010519491231002X")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id_number, id_number_index FROM accounts_user WHERE id = %s", [account.pk]
        )
        stored, index = cursor.fetchone()
    assert "11010519491231002X" not in stored and stored.startswith("v1:")
    assert index == pii.blind_index("11010519491231002X")
    account.refresh_from_db()
    assert account.id_number == "11010519491231002X"
    assert (account.sex, str(account.birth_date)) == ("F", "1949-12-31")
    assert account.id_number_masked == "1101**********002X"


def _database_contains(text: str, tmp_path) -> bool:
    """Search the whole database for ``text``: the file's bytes on SQLite, every column on PG."""
    if connection.vendor == "sqlite":
        copy = tmp_path / f"copy-{len(list(tmp_path.iterdir()))}.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        data = copy.read_bytes()
        return text.encode() in data or text.encode("utf-16-le") in data
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'public' AND data_type IN ('text', 'character varying', 'jsonb')"
        )
        for table, column in cursor.fetchall():
            cursor.execute(
                f'SELECT 1 FROM "{table}" WHERE "{column}"::text LIKE %s LIMIT 1', [f"%{text}%"]
            )
            if cursor.fetchone():
                return True
    return False


@pytest.mark.django_db(transaction=True)
def test_the_database_file_never_contains_a_plaintext_id_number(district, street_a_staff, tmp_path):
    from shegong import testing
    from shegong.accounts import actions
    from shegong.core.perms import Role

    user = actions.create_user(
        actor=street_a_staff,
        phone="13700001111",
        name="王五",
        password="Temp#2026pass",
        role=Role.RESIDENT,
        region=district["community_a"],
        id_number="440524188001010014",
    )
    actions.reveal_pii(user, actor=street_a_staff, field="id_number")
    testing.user(Role.RESIDENT, district["community_a"], id_number="11010519491231002X")
    assert _database_contains("13700001111", tmp_path)  # the search itself works
    assert not _database_contains("440524188001010014", tmp_path)
    assert not _database_contains("11010519491231002X", tmp_path)
