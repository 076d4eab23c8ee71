"""The check-in poster: signed tokens (forged, altered or re-pointed → 404) and the PNG/PDF."""

from __future__ import annotations

import io
from urllib.parse import quote

import pytest
from django.core import signing
from django.urls import reverse
from PIL import Image

from shegong import testing
from shegong.core.errors import NotFound
from shegong.stations import qr

from .visit_fixtures import station, worker


@pytest.fixture
def stations(district):
    return station("东关驿站", testing.POINT_A), station("西城驿站", testing.POINT_B)


def test_token_round_trip_and_forgeries(stations):
    a, b = stations
    token = qr.checkin_token(a)
    assert qr.station_from_token(token) == a
    assert qr.checkin_token(a) != qr.checkin_token(b)
    forged = [
        "garbage",
        token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        signing.dumps({"s": b.pk}, salt="another.salt", compress=True),
        # another station's pk with A's signature: the signature covers the payload
        signing.dumps({"s": b.pk}, salt=qr.SALT).split(":")[0] + ":" + token.split(":")[-1],
    ]
    for bad in forged:
        with pytest.raises(NotFound):
            qr.station_from_token(bad)


def test_checkin_url_with_a_forged_token_is_404(client, stations, district):
    rider = worker(district["community_a"])
    client.force_login(rider.person.user)
    assert client.get(f"/m/checkin/{qr.checkin_token(stations[0])}x/").status_code == 404
    assert client.get(reverse("stations_m:checkin", args=["nope"])).status_code == 404


def test_poster_png_and_pdf(client, street_a_staff, stations):
    client.force_login(street_a_staff)
    a = stations[0]
    response = client.get(reverse("stations:poster", args=[a.pk, "png"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    image = Image.open(io.BytesIO(response.content))
    assert image.format == "PNG" and image.size == qr.POSTER_SIZE
    pdf = client.get(reverse("stations:poster", args=[a.pk, "pdf"]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    # A Chinese file name with an ASCII one for old clients.
    assert pdf["Content-Disposition"] == (
        f'attachment; filename="station-{a.pk}-poster.pdf"; '
        f"filename*=UTF-8''{quote(f'驿站签到海报-{a.name}.pdf', safe='')}"
    )
    assert client.get(reverse("stations:poster", args=[a.pk, "gif"])).status_code == 404


def test_poster_of_another_street_is_404(client, street_a_staff, stations):
    client.force_login(street_a_staff)
    assert client.get(reverse("stations:poster", args=[stations[1].pk, "png"])).status_code == 404


def test_poster_without_cjk_font_is_qr_only(monkeypatch, stations):
    monkeypatch.setattr(qr, "CJK_FONTS", ())
    image = qr.poster_image(stations[0], "https://example.invalid/m/checkin/x/")
    assert image.size == qr.POSTER_SIZE
