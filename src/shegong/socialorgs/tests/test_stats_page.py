"""统计分析 (issue 14 §8): every figure equals the list it links to (hand-built data), the
登记概况 definitions, the region and year filters, the charts' data, the audited export, the
API, and the workbench's key figures."""

from __future__ import annotations

import io
import re
from datetime import date

import openpyxl
import pytest

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.socialorgs import stats
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.workbench import Indicator, indicators

pytestmark = pytest.mark.django_db

FIGURE = re.compile(r'<a href="([^"]+)" data-sg-count="(\d+)"')
TOTAL = re.compile(r'data-sg-total="(\d+)"')
TYPE_CODES = {"association": 1, "service": 2, "foundation": 3}


@pytest.fixture
def county(registrar, org_data, district):
    """Seven organizations: registered 2022–2024 in streets A and B; in 2024 one 注销, one
    撤销, one 撤销 then 注销 (counts as 注销), one 吊销 in 2023; one 限期停止活动; one 筹备."""

    def make(serial, org_type, registered, region, status="normal"):
        return records.register_social_org(
            org_data(
                org_type=org_type, name=f"测试社会组织{serial:02d}",
                credit_code=credit_code(org_type, "341271", serial + 100),
                registration_number=f"皖民证字第{serial:05d}号", registered_on=registered,
                region=district[region].code, status=status,
            ),
            actor=registrar,
        )  # fmt: skip

    made = {
        "a": make(1, "association", "2022-03-01", "community_a"),
        "b": make(2, "service", "2024-01-15", "community_a"),
        "c": make(3, "service", "2024-12-31", "community_b"),
        "d": make(4, "foundation", "2023-06-01", "community_b"),
        "e": make(5, "association", "2024-05-05", "community_a", status="preparing"),
        "f": make(6, "association", "2022-08-08", "community_b"),
        "g": make(7, "service", "2023-02-02", "community_a"),
    }

    def move(key, status, on):
        records.change_status(
            made[key], status, legal_basis="测试依据", actor=registrar, effective_on=date(*on)
        )

    move("a", "deregistered", (2024, 3, 1))
    move("d", "cancelled", (2024, 7, 1))
    move("f", "cancelled", (2024, 2, 1))
    move("f", "deregistered", (2024, 9, 1))
    move("g", "revoked", (2023, 11, 30))
    move("b", "suspended", (2024, 4, 1))
    return made


def _figures(client, url):
    html = client.get(url).content.decode()
    return {href.replace("&amp;", "&"): int(n) for href, n in FIGURE.findall(html)}, html


def _row(html, key):
    match = re.search(rf'data-indicator="{re.escape(key)}".*?</tr>', html, re.S)
    assert match, key
    return match.group(0)


def test_record_figures_on_hand_built_data(client, registrar, county):
    client.force_login(registrar)
    response = client.get("/socialorgs/stats/", {"year": 2024})
    assert response.status_code == 200
    html = response.content.decode()
    expect = {
        "records.normal": 1,  # c
        "records.normal_association": 0,
        "records.normal_service": 1,
        "records.normal_foundation": 0,
        "records.suspended": 1,  # b
        "records.preparing": 1,  # e
        "records.registered": 3,  # b, c, e (2024)
        "records.deregistered": 2,  # a, f (f was 撤销 first)
        "records.cancelled": 1,  # d
        "records.revoked": 0,  # g was 吊销 in 2023
    }
    for key, value in expect.items():
        assert f'data-sg-count="{value}"' in _row(html, key), key
    assert "登记概况" in html and "登记日期在所选年度" in html  # the section and a definition
    back = client.get("/socialorgs/stats/", {"year": 2023}).content.decode()
    assert 'data-sg-count="1"' in _row(back, "records.revoked")
    assert 'data-sg-count="2"' in _row(back, "records.registered")  # d, g


def test_every_figure_equals_its_list(client, registrar, county, district):
    client.force_login(registrar)
    for params in ("?year=2024", "?year=2023", f"?year=2024&region={district['street_b'].code}"):
        found, _ = _figures(client, "/socialorgs/stats/" + params)
        assert found
        for href, count in found.items():
            answer = client.get(href).content.decode()
            assert int(TOTAL.findall(answer)[0]) == count, href


def test_region_narrows_and_other_parts_show_a_dash(client, registrar, county, district):
    indicators.add(
        Indicator(
            key="test.rate",
            label="测试比率",
            section="inspection",
            value=lambda user, year: (89, 99),
            definition="测试口径",
        )
    )
    try:
        client.force_login(registrar)
        whole = client.get("/socialorgs/stats/", {"year": 2024}).content.decode()
        assert "89 / 99 = 89.9%" in whole and "测试口径" in whole
        street_b = client.get(
            "/socialorgs/stats/", {"year": 2024, "region": district["street_b"].code}
        ).content.decode()
        assert 'data-sg-count="1"' in _row(street_b, "records.registered")  # c only
        assert "89 / 99" not in street_b and "该指标暂不按区划细分" in street_b
    finally:
        indicators.remove("test.rate")


def test_scope_bad_input_and_charts(client, registrar_b, registrar, county, district):
    client.force_login(registrar_b)  # street B sees c, d, f only
    html = client.get("/socialorgs/stats/", {"year": 2024}).content.decode()
    assert 'data-sg-count="1"' in _row(html, "records.registered")
    assert 'id="socialorg-stats-data"' in html and "<script>" not in html
    refused = client.get("/socialorgs/stats/", {"region": district["street_a"].code})
    assert refused.status_code == 422 and "该区划不在您的工作范围内" in refused.content.decode()
    assert client.get("/socialorgs/stats/", {"year": "1800"}).status_code == 422
    client.force_login(registrar)
    tables = stats.charts(registrar, 2024)
    assert {r["label"]: r["n"] for r in tables["by_type"]} == {
        "社会团体": 1,
        "社会服务机构（民办非企业单位）": 2,
        "基金会": 0,
    }  # fmt: skip  (existing: c, b, e)
    assert sum(r["n"] for r in tables["by_status"]) == 7
    assert [(r["year"], r["registered"], r["closed"]) for r in tables["by_year"]] == [
        (2020, 0, 0), (2021, 0, 0), (2022, 2, 0), (2023, 2, 1), (2024, 3, 3),
    ]  # fmt: skip
    assert [r["n"] for r in tables["by_street"]] == [2, 1]  # street A: b, e; B: c
    data = stats.chart_data(tables)
    assert data["by_year"]["labels"][-1] == "2024年"


def test_export_is_audited_and_carries_the_figures(client, registrar, county):
    client.force_login(registrar)
    response = client.get("/socialorgs/stats/export/", {"year": 2024})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheetnames == ["指标", "按类型", "按登记状态", "按街道", "按年度"]
    sheet = list(book["指标"].iter_rows(min_row=2, values_only=True))
    rows = {row[1]: row for row in sheet}
    assert rows["本年度新登记"][2] == 3 and rows["本年度注销登记"][2] == 2
    assert "登记日期在所选年度" in rows["本年度新登记"][7]
    years = list(book["按年度"].iter_rows(min_row=2, values_only=True))
    assert years[-1] == (2024, 3, 3)
    event = AuditEvent.objects.get(verb=Verb.SOCIAL_ORG_STATS_EXPORTED)
    assert event.data["filters"] == {"year": "2024"} and event.data["rows"] == len(sheet)


def test_api_returns_the_same_figures(client, registrar, registrar_b, county, district):
    client.force_login(registrar)
    body = client.get("/api/v1/socialorgs/stats", {"year": 2024}).json()
    records_section = next(s for s in body["sections"] if s["key"] == "records")
    values = {row["key"]: row["value"] for row in records_section["rows"]}
    assert values["records.registered"] == 3 and values["records.cancelled"] == 1
    assert body["by_year"][-1] == {"year": 2024, "registered": 3, "closed": 3}
    client.force_login(registrar_b)
    refused = client.get("/api/v1/socialorgs/stats", {"region": district["street_a"].code})
    assert refused.status_code == 422


def test_closed_on_follows_the_status(registrar, county):
    county["f"].refresh_from_db()
    county["c"].refresh_from_db()
    assert county["f"].closed_on == date(2024, 9, 1)  # the latest move into a closed status
    assert county["c"].closed_on is None


def test_workbench_key_figures_and_quick_links(client, registrar, county):
    client.force_login(registrar)
    html = client.get("/socialorgs/workbench/").content.decode()
    assert 'id="key-figures"' in html and "本年度新登记" in html
    for href, count in FIGURE.findall(html):
        if "registered_year" in href or "closed_year" in href or "status=normal" in href:
            answer = client.get(href.replace("&amp;", "&")).content.decode()
            assert int(TOTAL.findall(answer)[0]) == int(count), href
    assert "/socialorgs/stats/" in html and "/socialorgs/new/" in html
    assert "/public/socialorgs/" in html


def test_list_filters_by_year(client, registrar, county):
    client.force_login(registrar)
    html = client.get("/socialorgs/", {"closed_year": 2024}).content.decode()
    assert TOTAL.findall(html) == ["3"]  # the 2024 closures: a, d, f
    bad = client.get("/socialorgs/", {"registered_year": "abc"}).content.decode()
    assert "年度应为四位数字" in bad
