"""The map kit: the tile configuration (none without a key; its coordinate system), the points,
and the one include every map page renders."""

from __future__ import annotations

import json
from html import unescape

from django.template import engines
from django.test import RequestFactory

from shegong.web import maps


def render(settings, **context) -> str:
    template = engines["django"].from_string('{% include "includes/map.html" %}')
    return template.render(context, RequestFactory().get("/"))


def data(html: str, name: str) -> str:
    start = html.index(f'data-{name}="') + len(f'data-{name}="')
    return unescape(html[start : html.index('"', start)])


def test_without_a_key_there_are_no_tiles_and_nothing_is_shifted(settings):
    settings.SHEGONG_MAP_TK = ""
    settings.SHEGONG_MAP_CRS = "gcj02"
    assert maps.map_config() == {"tiles": [], "tk": "", "subdomains": "01234567", "crs": "wgs84"}


def test_with_a_key_the_tiles_carry_their_coordinate_system(settings):
    settings.SHEGONG_MAP_TK = "k"
    settings.SHEGONG_MAP_TILES = ["https://t{s}.example.cn/{z}/{x}/{y}?tk={tk}"]
    settings.SHEGONG_MAP_CRS = "gcj02"
    config = maps.map_config()
    assert config["tiles"] == settings.SHEGONG_MAP_TILES and config["crs"] == "gcj02"


def test_points_are_rounded_capped_and_marked_closed():
    point = maps.point(32.123456789, 115.987654321, "甲", url="/x/", closed=True)
    assert point == {
        "lat": 32.123457, "lon": 115.987654, "title": "甲", "url": "/x/", "open": False
    }  # fmt: skip
    many = json.loads(maps.points_json(maps.point(32, 115) for _ in range(maps.MAX_POINTS + 5)))
    assert len(many) == maps.MAX_POINTS


def test_the_include_points_a_staff_map_at_the_scoped_outlines(settings):
    settings.SHEGONG_MAP_TK = ""
    html = render(
        settings,
        map_id="m",
        boundaries="staff",
        root="341271001000",
        points=maps.points_json([maps.point(32.9, 115.8, "<b>甲</b>")]),
        MAP_TILES=maps.tiles_json,
    )
    assert data(html, "boundaries") == "/regions/boundaries/?root=341271001000"
    assert data(html, "levels") == "street,community,grid"
    assert json.loads(data(html, "tiles"))["tiles"] == []
    assert json.loads(data(html, "points"))[0]["title"] == "<b>甲</b>"  # text, escaped in HTML
    assert "<b>" not in html


def test_the_include_gives_a_public_map_no_grids(settings):
    html = render(settings, boundaries="public", MAP_TILES=maps.tiles_json)
    assert data(html, "boundaries") == "/public/regions/boundaries/"
    assert data(html, "levels") == "street,community"
    assert "data-points" not in html
