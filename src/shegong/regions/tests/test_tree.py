"""Region tree rules, subtree ranges and locate()."""

import pytest

from shegong.core import geo
from shegong.core.errors import InvalidInput
from shegong.regions import actions, queries
from shegong.regions.actions import RegionRow
from shegong.regions.models import Region, ancestor_codes, join_names


def test_a_prefix_range_selects_exactly_the_subtree(district):
    codes = set(Region.objects.subtree("341271001").values_list("code", flat=True))
    assert codes == {"341271001000", "341271001001", "341271001001001"}


def test_ancestors_run_from_province_to_the_grid():
    assert ancestor_codes("341271001001001") == [
        "340000000000",
        "341200000000",
        "341271000000",
        "341271001000",
        "341271001001",
        "341271001001001",
    ]
    assert ancestor_codes("340000000000") == ["340000000000"]


def test_region_path_and_full_name(district):
    assert district["grid_a"].full_name == "安徽省阜阳市示范区东城街道东关社区第一网格"


@pytest.mark.parametrize(
    "row, field, message",
    [
        (RegionRow("341271001001", "重复", "community", "341271001000"), "code", "已存在"),
        (RegionRow("34127100100", "短", "community", "341271001000"), "code", "12位"),
        (RegionRow("341271002009", "越界", "community", "341271001000"), "code", "范围"),
        (RegionRow("341271001009", "层级错", "grid", "341271001000"), "code", "15位"),
        (RegionRow("341271001009", "层级错", "street", "341271001000"), "level", "下级应为"),
        (RegionRow("341271001009", "无上级", "community", "341271009000"), "parent_code", "不存在"),
        (RegionRow("341271001000", "", "community", "341271001000"), "name", "不能为空"),
        (RegionRow("341271001001000", "零", "grid", "341271001001"), "code", "全为0"),
        # A grid has no lower level (this was a crash: Level(None)).
        (
            RegionRow("341271001001002", "网格下", "grid", "341271001001001"),
            "level",
            "其下不能再设下级",
        ),
        (
            RegionRow(
                "341271001009", "坏边界", "community", "341271001000", boundary={"type": "Point"}
            ),
            "boundary",
            "不是有效",
        ),
    ],
)
def test_rows_breaking_the_tree_rules_name_the_field(district, row, field, message):
    errors = actions.validate_rows([row])
    assert any(e["field"] == field and message in e["message"] for e in errors), errors


def test_an_import_with_one_bad_row_writes_nothing(district):
    rows = [
        RegionRow("341271001002", "新社区", "community", "341271001000", row=2),
        RegionRow("341271001002", "重复行", "community", "341271001000", row=3),
    ]
    with pytest.raises(InvalidInput) as exc:
        actions.import_regions(rows, actor=None)
    assert exc.value.errors[0]["row"] == 3
    assert not Region.objects.filter(code="341271001002").exists()


def test_an_import_creates_parents_before_children(district):
    rows = [
        RegionRow("341271001002001", "新网格", "grid", "341271001002", row=3),
        RegionRow("341271001002", "新社区", "community", "341271001000", row=2),
    ]
    created = actions.import_regions(rows, actor=None)
    assert [r.code for r in created] == ["341271001002", "341271001002001"]


def test_locate_finds_the_grid_then_the_community_then_the_nearest(district):
    assert queries.locate(32.87, 115.75).region == district["grid_a"]
    assert queries.locate(32.93, 115.75).region == district["community_a"]
    fallback = queries.locate(32.81, 115.71)  # in street A, between community polygons
    assert fallback.method == "nearest" and fallback.region == district["community_a"]


def test_locate_accepts_gcj02_and_bd09_input(district):
    for crs in ("gcj02", "bd09"):
        lat, lon = geo.from_wgs84(32.87, 115.85, crs)
        assert queries.locate(lat, lon, crs).region == district["grid_b"]


def test_locate_refuses_points_outside_the_deployment(district):
    with pytest.raises(InvalidInput, match="不在服务范围内"):
        queries.locate(39.9, 116.4)
    with pytest.raises(InvalidInput, match="坐标系"):
        queries.locate(32.87, 115.75, "mars")


def test_a_grid_named_after_its_community_says_the_community_once(district):
    # The demo's grids carry their community's name ("东关社区第一网格"); the full name must not
    # print it twice ("…东关社区东关社区第一网格"), on pages nor in the API.
    assert district["grid_a"].full_name.count("东关社区") == 1
    assert join_names(["东城街道", "东关社区", "东关社区第一网格"]) == "东城街道东关社区第一网格"
    assert join_names(["东城街道", "东关社区", "第一网格"]) == "东城街道东关社区第一网格"
