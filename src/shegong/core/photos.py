"""Photo intake: check, decode and re-encode uploaded photos, then store them under MEDIA_ROOT.

An upload is never stored as sent. Each file is decoded with Pillow, turned upright
(``exif_transpose``), converted to RGB, shrunk to at most ``MAX_SIDE`` pixels on the long side
and saved again as a JPEG with no metadata at all — no EXIF (so no GPS position), no ICC
profile, no comments. A thumbnail is made the same way.

Two steps, so a caller can refuse a bad photo before writing anything:

- ``process_photos(files)`` is pure: it reads the uploads and returns ``ProcessedPhoto`` objects,
  or raises ``InvalidInput`` naming every bad file with a Chinese reason;
- ``store_photos(processed)`` writes them to the default storage under
  ``photos/<yyyy>/<mm>/<uuid>.jpg`` (thumbnail ``<uuid>_thumb.jpg``) and returns JSON-ready dicts
  ``{"path", "thumb", "width", "height"}`` with paths relative to MEDIA_ROOT.
  ``delete_stored(records)`` removes them again (used when the database write that follows fails).
"""

from __future__ import annotations

import io
import uuid
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from PIL import Image, ImageOps, UnidentifiedImageError

from .errors import InvalidInput

__all__ = [
    "MAX_BYTES",
    "MAX_PHOTOS",
    "ProcessedPhoto",
    "delete_stored",
    "process_photos",
    "store_photos",
]

MAX_BYTES = 10 * 1024 * 1024
MAX_PHOTOS = 9
MAX_PIXELS = 40_000_000  # 40 MP: more than any phone camera, far less than a decompression bomb
MAX_SIDE = 2560
THUMB_SIDE = 320
QUALITY = 85
ALLOWED_FORMATS = ("JPEG", "PNG", "WEBP")
ACCEPT = "image/jpeg,image/png,image/webp"

# Pillow's own guard: beyond this it warns, beyond twice this it raises. We check the header size
# ourselves first; this is the second line of defence for anything that slips through.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


@dataclass(frozen=True)
class ProcessedPhoto:
    """A re-encoded photo ready to store (JPEG bytes, no metadata)."""

    name: str
    full: bytes
    thumb: bytes
    width: int
    height: int


def _display_name(upload: Any, index: int) -> str:
    name = str(getattr(upload, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = name or f"第{index}张"
    return name if len(name) <= 60 else name[:57] + "…"


def _flatten(img: Image.Image) -> Image.Image:
    """RGB with transparency composited onto white (JPEG has no alpha)."""
    if img.mode in ("RGBA", "LA", "PA") or (img.mode == "P" and "transparency" in img.info):
        rgba = img.convert("RGBA")
        background = Image.new("RGB", rgba.size, (255, 255, 255))
        background.paste(rgba, mask=rgba.getchannel("A"))
        return background
    return img.convert("RGB")


def _encode(img: Image.Image, side: int) -> bytes:
    out = img.copy()
    out.thumbnail((side, side), Image.Resampling.LANCZOS)
    out.info = {}  # nothing from the upload travels on: no exif, icc_profile, comment, dpi …
    buffer = io.BytesIO()
    out.save(buffer, format="JPEG", quality=QUALITY, optimize=True)
    return buffer.getvalue()


def _unsupported_format(data: bytes) -> str | None:
    """The format name when Pillow recognises the bytes as some other image kind."""
    try:
        with Image.open(io.BytesIO(data)) as other:
            return other.format
    except Exception:
        return None


def _process_one(data: bytes, name: str) -> ProcessedPhoto:
    """Decode and re-encode one photo; ``ValueError`` carries the Chinese reason."""
    try:
        with warnings.catch_warnings():
            # Between 1× and 2× the limit Pillow only warns; the size check below refuses it.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            img = Image.open(io.BytesIO(data), formats=ALLOWED_FORMATS)
    except UnidentifiedImageError:
        other = _unsupported_format(data)
        if other:
            raise ValueError(
                f"{name}：不支持的图片格式（{other}），请上传 JPEG、PNG 或 WebP 照片"
            ) from None
        raise ValueError(f"{name}：不是图片文件，请上传 JPEG、PNG 或 WebP 照片") from None
    except Image.DecompressionBombError:
        raise ValueError(f"{name}：图片像素过多，疑似恶意文件，已拒收") from None
    except Exception:
        raise ValueError(f"{name}：图片已损坏，无法读取") from None
    with img:
        width, height = img.size
        if width < 1 or height < 1 or width * height > MAX_PIXELS:
            raise ValueError(
                f"{name}：图片尺寸过大（{width}×{height}），最多 {MAX_PIXELS // 1_000_000} 百万像素"
            )
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", Image.DecompressionBombWarning)
                img.load()
                upright = ImageOps.exif_transpose(img)
                rgb = _flatten(upright)
        except (Image.DecompressionBombError, Image.DecompressionBombWarning):
            raise ValueError(f"{name}：图片像素过多，疑似恶意文件，已拒收") from None
        except Exception:
            raise ValueError(f"{name}：图片已损坏或不完整，无法读取") from None
    full = _encode(rgb, MAX_SIDE)
    thumb = _encode(rgb, THUMB_SIDE)
    with Image.open(io.BytesIO(full)) as stored:
        width, height = stored.size
    return ProcessedPhoto(name=name, full=full, thumb=thumb, width=width, height=height)


def process_photos(
    files: Sequence[Any] | None, *, field: str = "photos", max_photos: int = MAX_PHOTOS
) -> list[ProcessedPhoto]:
    """Check and re-encode uploaded files; raise ``InvalidInput`` on ``field`` naming each bad
    file. Nothing is written anywhere."""
    files = [f for f in (files or []) if f is not None]
    if len(files) > max_photos:
        raise InvalidInput.field(field, f"最多上传 {max_photos} 张照片，本次选择了 {len(files)} 张")
    problems: list[str] = []
    processed: list[ProcessedPhoto] = []
    for index, upload in enumerate(files, start=1):
        name = _display_name(upload, index)
        size = getattr(upload, "size", None)
        if size is not None and size > MAX_BYTES:
            problems.append(f"{name}：文件过大（{size / 1024 / 1024:.1f} MB），每张不超过 10 MB")
            continue
        if hasattr(upload, "seek"):
            upload.seek(0)
        data = upload.read(MAX_BYTES + 1)
        if len(data) > MAX_BYTES:
            problems.append(f"{name}：文件过大，每张不超过 10 MB")
            continue
        if not data:
            problems.append(f"{name}：是空文件")
            continue
        try:
            processed.append(_process_one(data, name))
        except ValueError as exc:
            problems.append(str(exc))
    if problems:
        message = "；".join(problems)
        raise InvalidInput(message, errors=[{"field": field, "message": p} for p in problems])
    return processed


def store_photos(photos: Iterable[ProcessedPhoto], *, folder: str = "photos") -> list[dict]:
    """Write processed photos to the default storage; return their JSON records."""
    today = timezone.localdate()
    records: list[dict] = []
    try:
        for photo in photos:
            stem = f"{folder}/{today:%Y}/{today:%m}/{uuid.uuid4().hex}"
            path = default_storage.save(f"{stem}.jpg", ContentFile(photo.full))
            records.append(
                {"path": path, "thumb": None, "width": photo.width, "height": photo.height}
            )
            records[-1]["thumb"] = default_storage.save(
                f"{stem}_thumb.jpg", ContentFile(photo.thumb)
            )
    except BaseException:
        delete_stored(records)
        raise
    return records


def delete_stored(records: Iterable[dict]) -> None:
    """Remove stored photo files (best effort; a missing file is fine)."""
    for record in records:
        for key in ("path", "thumb"):
            path = record.get(key)
            if path:
                try:
                    default_storage.delete(path)
                except OSError:
                    pass
