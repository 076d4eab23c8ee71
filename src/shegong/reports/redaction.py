"""Blurred public copies of report photos (moderation: faces, number plates)."""

from __future__ import annotations

import io
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from PIL import Image, ImageFilter

from shegong.core import photos as photo_intake


def blur_copy(record: dict) -> dict:
    """Store a strongly blurred copy of a stored photo and its thumbnail; return
    ``{"public": path, "public_thumb": path}``. The original stays for staff."""
    with default_storage.open(record["path"], "rb") as handle:
        img = Image.open(io.BytesIO(handle.read()))
        img.load()
    radius = max(img.size) / 25
    blurred = img.convert("RGB").filter(ImageFilter.GaussianBlur(radius))
    stem = str(PurePosixPath(record["path"]).with_suffix(""))
    out = {}
    for key, side in (("public", photo_intake.MAX_SIDE), ("public_thumb", photo_intake.THUMB_SIDE)):
        copy = blurred.copy()
        copy.thumbnail((side, side))
        buffer = io.BytesIO()
        copy.save(buffer, "JPEG", quality=photo_intake.QUALITY)
        suffix = "_redacted.jpg" if key == "public" else "_redacted_thumb.jpg"
        out[key] = default_storage.save(stem + suffix, ContentFile(buffer.getvalue()))
    return out


def public_photos(photos: list[dict]) -> list[dict]:
    """What the public may see of a case's photos: redacted ones only as their blurred copy."""
    shown = []
    for photo in photos or []:
        if photo.get("redacted"):
            shown.append({"path": photo.get("public"), "thumb": photo.get("public_thumb"),
                          "redacted": True})  # fmt: skip
        else:
            shown.append({"path": photo.get("path"), "thumb": photo.get("thumb"),
                          "redacted": False})  # fmt: skip
    return shown
