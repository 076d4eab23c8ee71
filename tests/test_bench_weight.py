"""A tiny run of the weight benchmark, so it does not rot (DESIGN.md §4): a few pages on the
small demo, served compressed from a collection as production serves them."""

from __future__ import annotations

import shutil

import pytest
from django.db import connection

from shegong import testing
from shegong.cli import load_benchmark


@pytest.mark.skipif(connection.vendor != "sqlite", reason="runs its own SQLite sandbox anyway")
@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
def test_the_weight_benchmark_weighs_cold_pages_served_compressed_and_times_staff_pages():
    result = load_benchmark("weight").main(
        2, demo="small", h5=["/m/", "/m/stations/"], maps=["/public/cases/"],
        staff=["/reports/", "/audit/"], static_root=str(testing.collected_static()),
    )  # fmt: skip
    assert result["database"] == "sqlite"
    assert result["static"]["current"] and not result["static"]["collected_now"]
    pages = result["h5"]["pages"]
    assert [p["path"] for p in pages] == ["/m/", "/m/", "/m/stations/"]  # resident, rider, anyone
    for page in [*pages, *result["public_maps"]["pages"]]:
        assert page["status"] == 200 and page["landed"] == page["path"], page
        assert 0 < page["html_kb"] < page["kb"]
        # Scripts and stylesheets came in brotli, as a browser gets them from a production site.
        assert set(page["static_text_encodings"]) == {"br"}, page
    for page in pages:
        assert page["pass"] == (page["kb"] <= result["targets"]["h5_kb"])
    assert result["summary"]["public_case_map_kb"] == result["public_maps"]["pages"][0]["kb"]
    staff = result["staff"]
    assert staff["floor_healthz_p50_ms"] > 0
    assert [p["status"] for p in staff["pages"]] == [200, 200]
    assert all(p["p50_ms"] > 0 for p in staff["pages"])
