"""Regions named in imports (``queries.RegionNames``): codes as before, names and paths within
the importer's scope, near misses accepted when only one region fits, and every other name
refused with the reason: the candidates, out of scope, or the closest names."""

import pytest

from shegong import testing
from shegong.core.errors import InvalidInput
from shegong.regions.queries import RegionNames

DONGGUAN_A, DONGGUAN_B = "341271001001", "341271002002"  # 东关社区 of 东城街道, of 西城街道
GULOU, XIGUAN, GRID_A = "341271001002", "341271002001", "341271001001001"


@pytest.fixture
def namesakes(district):
    return testing.add_namesakes(district)


@pytest.fixture
def names(namesakes):
    """The district administrator's view: the whole of 示范区."""
    return RegionNames("341271")


def refusal(names: RegionNames, text) -> str:
    with pytest.raises(InvalidInput) as caught:
        names.resolve(text)
    assert caught.value.errors[0]["field"] == "region"
    return caught.value.errors[0]["message"]


@pytest.mark.parametrize(
    "text, code",
    [
        ("鼓楼社区", GULOU),
        ("西关社区", XIGUAN),
        ("东城街道", "341271001000"),
        ("东关社区第一网格", GRID_A),
        (" 鼓楼社区 ", GULOU),
        ("鼓楼社区\u3000", GULOU),
    ],
)
def test_an_exact_name_in_scope_gives_its_code(names, text, code):
    assert names.resolve(text) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("东城街道东关社区", DONGGUAN_A),
        ("东城街道 东关社区", DONGGUAN_A),
        ("东城街道/东关社区", DONGGUAN_A),
        ("东城街道／东关社区", DONGGUAN_A),
        ("西城街道东关社区", DONGGUAN_B),
        ("示范区东城街道东关社区", DONGGUAN_A),
        ("阜阳市 示范区 西城街道 东关社区", DONGGUAN_B),
        ("示范区东关社区第一网格", GRID_A),
        ("东城街道东关社区第一网格", GRID_A),
        ("东关社区 东关社区第一网格", GRID_A),
    ],
)
def test_a_path_of_names_from_any_level_down_gives_its_code(names, text, code):
    assert names.resolve(text) == code


@pytest.mark.parametrize(
    "text, code",
    [
        ("鼓楼社区居委会", GULOU),
        ("鼓楼社区居民委员会", GULOU),
        ("鼓楼居委会", GULOU),
        ("东城街道办事处", "341271001000"),
        ("东城街道办事处东关社区居委会", DONGGUAN_A),
        ("东关社区第1网格", GRID_A),
        ("东关社区1网格", GRID_A),
        ("东关社区1号网格", GRID_A),
        ("东城街道东关社区一网格", GRID_A),
        ("鼓楼", GULOU),
        ("西关", XIGUAN),
    ],
)
def test_a_near_miss_that_fits_one_region_is_accepted(names, text, code):
    assert names.resolve(text) == code


def test_a_misspelt_name_suggests_the_closest_names(names):
    assert refusal(names, "鼓搂社区") == "找不到「鼓搂社区」，是否为：鼓楼社区？"
    # A suggestion shared by two communities names both with their street.
    assert refusal(names, "东官社区") == (
        "找不到「东官社区」，是否为：东城街道东关社区、西城街道东关社区？"
    )


def test_a_name_like_none_in_scope_says_what_to_write(names):
    message = refusal(names, "火星社区")
    assert message.startswith("找不到「火星社区」：请填写您工作范围内的街道、社区或网格名称")
    assert "12位区划代码" in message


@pytest.mark.parametrize("text", ["东关社区", "东关社区居委会", "东关"])
def test_a_name_two_regions_share_is_refused_naming_both_with_their_street(names, text):
    assert refusal(names, text) == (
        f"「{text}」有2个：东城街道东关社区、西城街道东关社区，请写明街道"
    )


def test_a_name_that_exists_only_outside_the_scope_is_named_as_such(names):
    assert refusal(names, "清河社区") == "「清河社区」不在您的工作范围内"
    assert refusal(names, "北关街道清河社区") == "「北关街道清河社区」不在您的工作范围内"


def test_within_a_street_a_namesake_of_another_street_is_no_ambiguity(namesakes):
    names = RegionNames("341271001")  # 东城街道
    assert names.resolve("东关社区") == DONGGUAN_A
    assert refusal(names, "西关社区") == "「西关社区」不在您的工作范围内"
    assert refusal(names, "西城街道东关社区") == "「西城街道东关社区」不在您的工作范围内"
    assert refusal(names, "示范区") == "「示范区」不在您的工作范围内"


def test_for_user_uses_the_users_scope(namesakes, street_a_staff, street_b_staff):
    assert RegionNames.for_user(street_a_staff).resolve("东关社区") == DONGGUAN_A
    assert RegionNames.for_user(street_b_staff).resolve("东关社区") == DONGGUAN_B
    # The command line (no actor) sees every region, so the name is ambiguous there.
    assert "有2个" in refusal(RegionNames.for_user(None), "东关社区")


def test_no_scope_resolves_no_name(namesakes):
    assert refusal(RegionNames(None), "鼓楼社区") == "「鼓楼社区」不在您的工作范围内"


@pytest.mark.parametrize(
    "value, code",
    [
        ("341271001001", DONGGUAN_A),
        (341271001001, DONGGUAN_A),
        (341271001001.0, DONGGUAN_A),
        (341271001001001.0, GRID_A),
        ("３４１２７１００１００１", DONGGUAN_A),
        (" 341271001001 ", DONGGUAN_A),
        ("999999999999", "999999999999"),  # not looked up here: the caller's checks refuse it
        ("", ""),
        (None, ""),
    ],
)
def test_a_code_is_returned_as_is_also_as_excel_stored_it(names, value, code):
    assert names.resolve(value) == code


@pytest.mark.parametrize("value", [3.41271001001e17, "3.41271E+11"])
def test_a_code_in_scientific_notation_is_refused(names, value):
    assert "科学计数法" in refusal(names, value)


def test_the_names_are_loaded_once_and_codes_cost_no_query(names, django_assert_num_queries):
    with django_assert_num_queries(0):
        assert names.resolve("341271001001") == DONGGUAN_A
    with django_assert_num_queries(1):
        assert names.resolve("鼓楼社区") == GULOU
    with django_assert_num_queries(0):
        for _ in range(100):
            names.resolve("东城街道东关社区")
            names.resolve("鼓楼居委会")
        refusal(names, "东关社区")
    # The regions outside the scope: once, on the first name not found inside it.
    with django_assert_num_queries(1):
        refusal(names, "清河社区")
    with django_assert_num_queries(0):
        refusal(names, "清河社区")
        refusal(names, "火星社区")
