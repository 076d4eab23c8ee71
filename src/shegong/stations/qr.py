"""A station's check-in QR poster.

The check-in URL carries a signed token (``django.core.signing``, salt ``stations.checkin``):
it names the station and never expires (a poster stays on the wall for years); a forged or
altered token is a 404, and a token cannot be pointed at another station. The poster is a PNG
(Pillow) with the station's name, facilities and opening hours in Chinese when the CJK font is
installed (``fonts-noto-cjk``), else a QR-only poster with a short Latin note; the PDF is the
same image.
"""

from __future__ import annotations

import io
from pathlib import Path

import segno
from django.core import signing
from PIL import Image, ImageDraw, ImageFont

from shegong.core.errors import NotFound

from . import schedule
from .models import Station

SALT = "stations.checkin"
CJK_FONTS = (
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
)
POSTER_SIZE = (1240, 1754)  # A4 at 150 dpi
PDF_RESOLUTION = 150.0
TAGLINE = "扫码签到 · 暖新驿站"


def checkin_token(station: Station) -> str:
    return signing.dumps({"s": station.pk}, salt=SALT, compress=True)


def station_from_token(token: str) -> Station:
    """The station a token names; a bad token or a missing station is NotFound."""
    try:
        data = signing.loads(token, salt=SALT)
        pk = int(data["s"])
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise NotFound("二维码无效") from None
    station = Station.objects.prefetch_related("facilities").filter(pk=pk).first()
    if station is None:
        raise NotFound("二维码无效")
    return station


def checkin_path(station: Station) -> str:
    from django.urls import reverse

    return reverse("stations_m:checkin", args=[checkin_token(station)])


def _font_path() -> Path | None:
    return next((p for p in CJK_FONTS if p.exists()), None)


def _qr_image(url: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=10, border=2)
    buffer.seek(0)
    image = Image.open(buffer).convert("RGB")
    return image.resize((size, size), Image.Resampling.NEAREST)


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int
) -> list[str]:
    lines, line = [], ""
    for char in text:
        if draw.textlength(line + char, font=font) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def poster_image(station: Station, url: str) -> Image.Image:
    """The printable poster (A4 portrait, white) for ``url`` (the absolute check-in URL)."""
    width, height = POSTER_SIZE
    image = Image.new("RGB", POSTER_SIZE, "white")
    draw = ImageDraw.Draw(image)
    qr_size = 760
    font_path = _font_path()
    margin = 100
    if font_path is None:
        image.paste(_qr_image(url, qr_size), ((width - qr_size) // 2, 300))
        note = ImageFont.load_default()
        draw.text(
            (margin, 1150),
            "Scan to check in (install fonts-noto-cjk for text)",
            fill="black",
            font=note,
        )
        return image
    title = ImageFont.truetype(str(font_path), 72)
    big = ImageFont.truetype(str(font_path), 52)
    body = ImageFont.truetype(str(font_path), 34)
    draw.rectangle((0, 0, width, 220), fill=(200, 40, 40))
    draw.text((width // 2, 110), TAGLINE, fill="white", font=title, anchor="mm")
    y = 270
    for line in _wrap(draw, station.name, big, width - 2 * margin):
        draw.text((width // 2, y), line, fill="black", font=big, anchor="mt")
        y += 70
    image.paste(_qr_image(url, qr_size), ((width - qr_size) // 2, y + 20))
    y += qr_size + 60
    draw.text(
        (width // 2, y),
        "微信或浏览器扫码，登记一次驿站服务",
        fill=(90, 90, 90),
        font=body,
        anchor="mt",
    )
    y += 80
    names = "、".join(f.name for f in station.facilities.all() if f.is_active) or "—"
    hours = "；".join(f"{d} {t}" for d, t in schedule.describe(station.schedule or {})) or "—"
    for label, text in (("服务设施：", names), ("开放时间：", hours), ("地址：", station.address)):
        for line in _wrap(draw, label + text, body, width - 2 * margin):
            draw.text((margin, y), line, fill="black", font=body)
            y += 48
        y += 12
        if y > height - 80:
            break
    return image


def poster_png(station: Station, url: str) -> bytes:
    buffer = io.BytesIO()
    poster_image(station, url).save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()


def poster_pdf(station: Station, url: str) -> bytes:
    buffer = io.BytesIO()
    poster_image(station, url).save(buffer, format="PDF", resolution=PDF_RESOLUTION)
    return buffer.getvalue()
