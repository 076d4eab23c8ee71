"""Photo intake: uploads are decoded, re-encoded without metadata, thumbnailed, or refused with a
Chinese reason naming the file. Exercised through the guidance-visit action and page."""

from __future__ import annotations

import io
import struct
import zlib
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import ExifTags, Image

from shegong import testing
from shegong.core import photos
from shegong.core.errors import InvalidInput
from shegong.core.perms import Role
from shegong.ledger.actions import guidance as actions
from shegong.ledger.models import GuidanceVisit
from shegong.ledger.tests.test_guidance import make_org


def image_bytes(fmt: str = "JPEG", size=(64, 32), mode: str = "RGB", **save) -> bytes:
    color = (10, 120, 200, 128) if mode in ("RGBA", "LA") else (10, 120, 200)
    if mode == "LA":
        color = (120, 128)
    buffer = io.BytesIO()
    Image.new(mode, size, color).save(buffer, format=fmt, **save)
    return buffer.getvalue()


def upload(name: str, data: bytes, content_type: str = "image/jpeg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)


def gps_jpeg() -> bytes:
    """A 40×20 JPEG that a phone would take sideways: orientation 6 and a GPS position."""
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "PhoneMaker"
    exif[ExifTags.Base.Orientation] = 6
    exif[ExifTags.IFD.GPSInfo] = {
        ExifTags.GPS.GPSLatitudeRef: "N",
        ExifTags.GPS.GPSLatitude: (32.0, 53.0, 0.0),
        ExifTags.GPS.GPSLongitudeRef: "E",
        ExifTags.GPS.GPSLongitude: (115.0, 48.0, 0.0),
    }
    return image_bytes("JPEG", size=(40, 20), exif=exif.tobytes())


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims ``width``×``height`` (a decompression bomb's shape)."""
    data = bytearray(image_bytes("PNG", size=(1, 1)))
    data[16:24] = struct.pack(">II", width, height)
    data[29:33] = struct.pack(">I", zlib.crc32(bytes(data[12:29])))
    return bytes(data)


def media_files(settings) -> list[Path]:
    return [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]


@pytest.fixture
def setup(district, street_a_staff):
    instructor = testing.user(Role.PARTY_INSTRUCTOR, district["street_a"], name="东城指导员")
    org = make_org(district["grid_a"], "阜阳市东关照片科技有限公司")
    actions.assign_instructor(org, instructor, actor=street_a_staff)
    return {"instructor": instructor, "org": org}


def visit_with(setup, files, **extra) -> GuidanceVisit:
    values = {"visited_on": timezone.localdate(), "topic": "指导组建党支部", **extra}
    return actions.record_visit(setup["org"], actor=setup["instructor"], photos=files, **values)


# --- the action ------------------------------------------------------------------------------


def test_a_phone_photo_is_stored_upright_without_exif_or_gps(setup, settings):
    source = Image.open(io.BytesIO(gps_jpeg()))
    assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)  # the fixture really carries GPS
    visit = visit_with(setup, [upload("现场.jpg", gps_jpeg())])
    [record] = visit.photos
    today = timezone.localdate()
    assert record["path"].startswith(f"photos/{today:%Y}/{today:%m}/")
    assert record["path"].endswith(".jpg") and record["thumb"].endswith("_thumb.jpg")
    assert (record["width"], record["height"]) == (20, 40)  # turned upright by its orientation
    for key in ("path", "thumb"):
        raw = (Path(settings.MEDIA_ROOT) / record[key]).read_bytes()
        assert b"Exif" not in raw and b"PhoneMaker" not in raw
        with Image.open(io.BytesIO(raw)) as stored:
            assert stored.format == "JPEG"
            assert not stored.getexif() and "exif" not in stored.info
            assert "icc_profile" not in stored.info
    assert len(media_files(settings)) == 2


def test_a_png_with_alpha_and_a_webp_are_re_encoded_as_jpeg(setup, settings):
    files = [
        upload("透明.png", image_bytes("PNG", mode="RGBA"), "image/png"),
        upload("会议.webp", image_bytes("WEBP"), "image/webp"),
    ]
    visit = visit_with(setup, files)
    assert len(visit.photos) == 2
    for record in visit.photos:
        with Image.open(Path(settings.MEDIA_ROOT) / record["path"]) as stored:
            assert stored.format == "JPEG" and stored.mode == "RGB"


def test_a_large_photo_is_shrunk_and_thumbnailed(setup, settings):
    visit = visit_with(setup, [upload("大图.jpg", image_bytes(size=(3000, 1500)))])
    [record] = visit.photos
    assert (record["width"], record["height"]) == (photos.MAX_SIDE, photos.MAX_SIDE // 2)
    with Image.open(Path(settings.MEDIA_ROOT) / record["thumb"]) as thumb:
        assert max(thumb.size) == photos.THUMB_SIDE


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("说明.jpg", "这不是图片".encode(), "说明.jpg：不是图片文件"),
        ("动图.gif", image_bytes("GIF"), "动图.gif：不支持的图片格式（GIF）"),
        ("残缺.jpg", image_bytes(size=(400, 300))[:600], "残缺.jpg：图片已损坏"),
        ("炸弹.png", png_claiming(20_000, 20_000), "炸弹.png：图片像素过多"),
        ("巨幅.png", png_claiming(8_000, 6_000), "巨幅.png：图片尺寸过大"),
        ("空.jpg", b"", "空.jpg：是空文件"),
    ],
    ids=["text", "gif", "truncated", "bomb", "too-many-pixels", "empty"],
)
def test_a_bad_file_is_refused_by_name_and_nothing_is_written(setup, settings, name, data, reason):
    good = upload("好.jpg", image_bytes())
    with pytest.raises(InvalidInput) as caught:
        visit_with(setup, [good, upload(name, data)])
    assert reason in caught.value.detail
    assert caught.value.errors[0]["field"] == "photos"
    assert not GuidanceVisit.objects.exists() and not media_files(settings)


def test_a_file_over_10_mb_is_refused(setup, settings):
    big = upload("超大.jpg", b"\xff\xd8" + b"\0" * (11 * 1024 * 1024))
    with pytest.raises(InvalidInput, match=r"超大\.jpg：文件过大（11\.0 MB），每张不超过 10 MB"):
        visit_with(setup, [big])
    assert not GuidanceVisit.objects.exists() and not media_files(settings)


def test_ten_photos_are_refused(setup, settings):
    files = [upload(f"{i}.jpg", image_bytes()) for i in range(10)]
    with pytest.raises(InvalidInput, match="最多上传 9 张照片，本次选择了 10 张"):
        visit_with(setup, files)
    assert not media_files(settings)
    assert len(visit_with(setup, files[:9]).photos) == 9


def test_photos_are_removed_again_when_the_visit_is_refused(setup, settings):
    with pytest.raises(InvalidInput, match="请填写走访主题"):
        visit_with(setup, [upload("好.jpg", image_bytes())], topic=" ")
    assert not GuidanceVisit.objects.exists() and not media_files(settings)


# --- the pages -------------------------------------------------------------------------------


def test_the_form_uploads_photos_and_the_list_shows_thumbnails(client, setup, settings):
    client.force_login(setup["instructor"])
    form = client.get(reverse("ledger:visit_create")).content.decode()
    assert 'enctype="multipart/form-data"' in form
    assert 'accept="image/jpeg,image/png,image/webp"' in form and "multiple" in form
    response = client.post(
        reverse("ledger:visit_create"),
        {"organization": setup["org"].pk, "visited_on": timezone.localdate().isoformat(),
         "topic": "指导组建党支部", "round": 1,
         "photos": [upload("现场.jpg", gps_jpeg()), upload("透明.png", image_bytes("PNG"))]},
    )  # fmt: skip
    assert response.status_code == 302
    visit = GuidanceVisit.objects.get()
    assert len(visit.photos) == 2
    thumb_url = reverse("ledger:visit_photo", args=[visit.pk, 0, "thumb"])
    assert thumb_url in client.get(reverse("ledger:visits")).content.decode()
    photo = client.get(thumb_url)
    assert photo.status_code == 200 and photo["Content-Type"] == "image/jpeg"
    assert b"Exif" not in b"".join(photo.streaming_content)
    full = client.get(reverse("ledger:visit_photo", args=[visit.pk, 1, "full"]))
    assert full.status_code == 200
    for bad in ([visit.pk, 2, "thumb"], [visit.pk, 0, "raw"]):
        assert client.get(reverse("ledger:visit_photo", args=bad)).status_code == 404


def test_the_organization_page_shows_the_thumbnails(client, setup, street_a_staff):
    visit = visit_with(setup, [upload("现场.jpg", image_bytes())])
    client.force_login(street_a_staff)
    body = client.get(reverse("ledger:organization", args=[setup["org"].pk])).content.decode()
    assert reverse("ledger:visit_photo", args=[visit.pk, 0, "thumb"]) in body


def test_a_bad_photo_is_shown_next_to_the_field(client, setup, settings):
    client.force_login(setup["instructor"])
    response = client.post(
        reverse("ledger:visit_create"),
        {"organization": setup["org"].pk, "visited_on": timezone.localdate().isoformat(),
         "topic": "指导组建党支部", "round": 1,
         "photos": [upload("说明.jpg", "这不是图片".encode())]},
    )  # fmt: skip
    body = response.content.decode()
    assert response.status_code == 422
    assert "说明.jpg：不是图片文件" in body and "is-invalid" in body
    assert not GuidanceVisit.objects.exists() and not media_files(settings)


def test_an_outsider_gets_404_for_a_photo(client, setup, street_b_staff, street_a_staff):
    visit = visit_with(setup, [upload("现场.jpg", image_bytes())])
    url = reverse("ledger:visit_photo", args=[visit.pk, 0, "full"])
    client.force_login(street_b_staff)
    assert client.get(url).status_code == 404
    client.force_login(street_a_staff)
    assert client.get(url).status_code == 200
