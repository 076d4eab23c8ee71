"""The whole tree of static files collects as `shegong serve` collects it: every url() of every
stylesheet resolves (a vendored file naming a missing font or image fails the collection), the
hashed copies have brotli and gzip beside them, and Leaflet's images stay findable."""

from __future__ import annotations

import json
import re

from shegong import testing


def test_every_static_file_collects_hashed_and_compressed():
    root = testing.collected_static()
    paths = json.loads((root / "staticfiles.json").read_text())["paths"]

    icons = paths["vendor/bootstrap-icons-1.13.2/bootstrap-icons.min.css"]
    fonts = re.findall(r'url\("(fonts/[^"?]+)', (root / icons).read_text())
    assert fonts and all(re.search(r"\.[0-9a-f]{12}\.woff2?$", f) for f in fonts)
    folder = icons.rsplit("/", 1)[0]
    assert all((root / folder / f).is_file() for f in fonts)

    for name in ("vendor/bootstrap-5.3.9/css/bootstrap.min.css", "shegong/shell.css",
                 "shegong/h5.css", "vendor/leaflet-1.9.4/leaflet.js"):  # fmt: skip
        hashed = root / paths[name]
        assert (root / f"{paths[name]}.br").is_file() and (root / f"{paths[name]}.gz").is_file()
        assert (root / f"{paths[name]}.br").stat().st_size < hashed.stat().st_size / 2

    # Leaflet reads its marker image's url() to find its images folder: left as written.
    leaflet = (root / paths["vendor/leaflet-1.9.4/leaflet.css"]).read_text()
    assert "url(images/marker-icon.png)" in leaflet
