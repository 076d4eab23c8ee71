"""A favicon for every page: no browser tab asks for a file that is not there."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

import shegong

SRC = Path(shegong.__file__).parent
ICON_LINK = re.compile(r'<link rel="icon" href="\{% static \'shegong/favicon\.svg\' %\}"')


def test_favicon_ico_is_served_at_the_root_without_a_login():
    client = Client()
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] in ("image/x-icon", "image/vnd.microsoft.icon")
    assert b"".join(response.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO header
    assert client.head("/favicon.ico").status_code == 200


def test_the_svg_icon_is_a_static_file():
    response = Client().get("/static/shegong/favicon.svg")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/svg+xml")


def test_every_template_with_a_head_links_the_icon():
    """A new base template (an H5 shell, a print page) must link it too. A document that is
    never served (the work brief's HTML, printed to PDF from a file) says so with
    ``{# not served #}``."""
    heads = [
        p for p in SRC.glob("*/templates/**/*.html")
        if "<head" in p.read_text() and "{# not served" not in p.read_text()
    ]  # fmt: skip
    assert len(heads) >= 5
    missing = [str(p.relative_to(SRC)) for p in heads if not ICON_LINK.search(p.read_text())]
    assert missing == []
