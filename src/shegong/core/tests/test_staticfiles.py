"""Static files as a real site serves them (core.staticfiles): hashed names once collected, gzip
and brotli copies, an immutable cache for the hashed names, plain names while the collection is
missing or stale. On a tiny tree of its own, so a collection takes a moment."""

from __future__ import annotations

import os
import re

import pytest
from django.templatetags.static import static
from django.test import Client

from shegong.core import staticfiles
from shegong.core.staticfiles import StaticStorage

HASHED = r"[0-9a-f]{12}"


@pytest.fixture
def tree(settings, tmp_path):
    """Sources: a stylesheet with an image, a script, a source map and Leaflet's stylesheet."""
    src = tmp_path / "src"
    (src / "app").mkdir(parents=True)
    (src / "vendor/leaflet-1.9.4/images").mkdir(parents=True)
    css = "body { background: url(bg.png) }\n" + "p { margin: 0 }\n" * 200
    (src / "app/site.css").write_text(css)
    (src / "app/bg.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (src / "app/site.js").write_text('console.log("shegong");\n' * 200)
    (src / "app/site.js.map").write_text('{"version": 3, "mappings": ""}' + " " * 4000)
    (src / "vendor/leaflet-1.9.4/leaflet.css").write_text(
        ".leaflet-default-icon-path { background-image: url(images/marker-icon.png) }\n" * 20
    )
    (src / "vendor/leaflet-1.9.4/images/marker-icon.png").write_bytes(b"\x89PNG" + bytes(32))
    settings.STATICFILES_DIRS = [src]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STATIC_ROOT = tmp_path / "root"
    settings.STATIC_ROOT.mkdir()
    return src


def test_before_a_collection_pages_link_the_plain_names(tree):
    assert static("app/site.css") == "/static/app/site.css"
    assert not staticfiles.is_current(tree.parent / "root")


def test_a_collection_links_hashed_names_with_gzip_and_brotli_copies(tree, settings):
    assert staticfiles.collect() is True
    root = settings.STATIC_ROOT
    css = static("app/site.css")
    assert re.fullmatch(rf"/static/app/site\.{HASHED}\.css", css)
    name = css.removeprefix("/static/")
    assert (root / f"{name}.br").is_file() and (root / f"{name}.gz").is_file()
    # The stylesheet's own references are hashed too.
    assert re.search(rf"url\(\"?bg\.{HASHED}\.png\"?\)", (root / name).read_text())
    # Only the hashed copies are kept; the plain names are served from the sources.
    assert not (root / "app/site.css").exists()
    # Source maps are collected but not compressed (only a developer console fetches them).
    (source_map,) = (root / "app").glob("site.js.*.map")
    assert not list((root / "app").glob("*.map.br"))
    assert source_map.is_file()
    # Nothing changed: the next start does not collect again.
    assert staticfiles.collect() is False


def test_leaflet_keeps_its_marker_image_reference_plain(tree, settings):
    """Leaflet cuts "marker-icon.png" off the url() it reads to find its images."""
    staticfiles.collect()
    name = static("vendor/leaflet-1.9.4/leaflet.css").removeprefix("/static/")
    assert re.search(HASHED, name)
    assert "url(images/marker-icon.png)" in (settings.STATIC_ROOT / name).read_text()
    response = Client().get("/static/vendor/leaflet-1.9.4/images/marker-icon.png")
    assert response.status_code == 200


def test_an_edited_source_makes_the_collection_stale_until_collected_again(tree, caplog):
    staticfiles.collect()
    before = static("app/site.js")
    script = tree / "app/site.js"
    script.write_text('console.log("changed");\n' * 300)
    later = os.stat(script).st_mtime_ns + 10**9
    os.utime(script, ns=(later, later))

    stale = StaticStorage()
    assert stale.url("app/site.js") == "/static/app/site.js"
    assert "收集已过期" in caplog.text

    assert staticfiles.collect() is True
    after = StaticStorage().url("app/site.js")
    assert re.fullmatch(rf"/static/app/site\.{HASHED}\.js", after) and after != before


def test_an_interrupted_collection_counts_as_none(tree, settings):
    staticfiles.collect()
    (settings.STATIC_ROOT / staticfiles.SOURCES_NAME).unlink()
    assert StaticStorage().url("app/site.css") == "/static/app/site.css"


def test_hashed_names_are_served_compressed_with_an_immutable_year_long_cache(tree):
    staticfiles.collect()
    url = static("app/site.css")
    client = Client()

    brotli = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
    assert brotli.status_code == 200
    assert brotli["Content-Encoding"] == "br"
    cache = brotli["Cache-Control"]
    assert "immutable" in cache
    assert int(re.search(r"max-age=(\d+)", cache)[1]) >= 365 * 24 * 3600

    assert client.get(url, HTTP_ACCEPT_ENCODING="gzip")["Content-Encoding"] == "gzip"
    plain = client.get(url)
    assert not plain.has_header("Content-Encoding")
    assert b"".join(plain.streaming_content).startswith(b"body")

    head = client.head(url, HTTP_ACCEPT_ENCODING="br")
    assert head.status_code == 200 and head["Content-Encoding"] == "br"


def test_plain_names_get_a_short_cache(tree):
    response = Client().get("/static/app/site.css")
    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]
