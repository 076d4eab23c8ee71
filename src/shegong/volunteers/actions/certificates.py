"""志愿服务记录证明 (DOMAIN.md 4.2; issue §8): issue, revoke, verify, render as PDF.

谁记录谁证明: a team certifies the approved hours it recorded for a volunteer in a period — the
service it organised and their corrections, never records it took over from another
organisation (their source certifies those). The issuer's details the national rules require
(name, person in charge, handler, contact) are frozen on the certificate when it is issued, so a
later change of leader does not rewrite an issued certificate.

The serial is "ZM" + the issue date (yyyymmdd) + 8 random base32 characters from ``secrets``: it
cannot be guessed from another one. Anyone may check a serial at /public/certificates/<serial>/,
which shows only the masked name, hours, period, issuer and status; an unknown serial is "未找到
该证明" (404) and a revoked one "该证明已作废" (410).

A volunteer may ask for one (``certificate_requests``, art. 19 of 《志愿服务条例》: free and
truthful, on request), or those who run the team register the request on their behalf; either
way the request goes through an internal 公示 (民发〔2015〕149号) and ``issue(..., request=req)``
answers it once the 公示 has ended, in the same transaction: the request becomes 已出具 and
points at the certificate. Without such a request ``issue`` refuses.

The PDF is drawn with Pillow, like the stations' QR posters, in a CJK font found on the machine
(Debian's ``fonts-noto-cjk``, which ``.ci/run`` installs; else whatever ``fc-match`` finds for
Chinese): name, ID type and masked number, volunteer number, hours and a summary of the service,
the period, the issuer's name / head / handler / contact, serial, issue date, note, and a QR code
of the public verification URL. Without any Chinese font it refuses with a clear message rather
than print boxes.
"""

from __future__ import annotations

import io
import re
import secrets
import shutil
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import segno
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Q, Sum
from django.urls import reverse
from django.utils import timezone
from PIL import Image, ImageChops, ImageDraw, ImageFont

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.notify import notify, register_event
from shegong.volunteers.choices import (
    CERTIFICATE_REQUEST_ALLOWED,
    CertificateRequestStatus,
    RecordKind,
)
from shegong.volunteers.models import Certificate, CertificateRequest, Team, Volunteer
from shegong.volunteers.queries import access
from shegong.volunteers.queries.certificates import (
    CERTIFICATE_NOT_FOUND,
    REQUEST_NOT_FOUND,
    access_certificate,
    content_summary,
)
from shegong.volunteers.queries.hours import certifiable
from shegong.volunteers.queries.issuers import issuer_for

__all__ = [
    "FontMissing",
    "certificate_text",
    "check_period",
    "check_request_move",
    "chinese_punctuation",
    "issue",
    "render_pdf",
    "revoke",
]

NO_PUBLICITY = "出具记录证明前须经内部公示：请先登记申请并公示，公示期满后再出具"
SELF_CERTIFICATE = "不能为本人出具记录证明，请由队伍其他负责人或社区工作人员出具"
SERIAL_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"  # RFC 4648 base32
ID_TYPE = "居民身份证"

register_event(
    "volunteers.certificate_issued",
    title="您的志愿服务记录证明已出具（{{ serial }}）",
    body="{{ issuer }}：{{ start }} 至 {{ end }}，服务时长 {{ hours }} 小时。可在“我的时长”下载。",
    link="{{ url }}",
)
register_event(
    "volunteers.certificate_revoked",
    title="志愿服务记录证明 {{ serial }} 已作废",
    body="原因：{{ reason }}",
    link="{{ url }}",
)


class FontMissing(DomainError):
    """No Chinese font on the server: the PDF cannot be drawn (HTTP 503)."""

    status = 503
    title = "缺少中文字体"

    def __init__(self) -> None:
        super().__init__("服务器缺少中文字体（请安装 fonts-noto-cjk），暂不能生成证明 PDF")


# --- issue and revoke -------------------------------------------------------------------------


def new_serial(today: date | None = None) -> str:
    today = today or timezone.localdate()
    for _ in range(5):
        tail = "".join(secrets.choice(SERIAL_ALPHABET) for _ in range(8))
        serial = f"ZM{today:%Y%m%d}{tail}"
        if not Certificate.objects.filter(serial=serial).exists():
            return serial
    raise DomainError("生成证明编号失败，请重试")  # 32**8 serials a day: practically never


def check_period(start: Any, end: Any) -> tuple[date, date]:
    """A certificate's period: both dates, in order, not in the future (else InvalidInput)."""
    if not isinstance(start, date):
        raise InvalidInput.field("period_start", "请填写服务起始日期")
    if not isinstance(end, date):
        raise InvalidInput.field("period_end", "请填写服务截止日期")
    if end < start:
        raise InvalidInput.field("period_end", "截止日期不能早于起始日期")
    if end > timezone.localdate():
        raise InvalidInput.field("period_end", "截止日期不能晚于今天")
    return start, end


def _user_of(volunteer_id: int) -> Any:
    return (
        User.objects.filter(person__volunteer__pk=volunteer_id, is_active=True)
        .only("pk", "phone")
        .first()
    )


def _my_url() -> str:
    return reverse("volunteers_m:hours")


def _open_request(
    request: Any, actor: User | None, team: Team, volunteer: Volunteer
) -> CertificateRequest:
    """The open request being answered, locked: one of a team the actor runs (else NotFound),
    for this volunteer and team, still 待受理."""
    pk = getattr(request, "pk", request)
    qs = CertificateRequest.objects.select_for_update()
    if actor is not None:
        qs = qs.filter(team__in=access.teams_run_by(actor).values("pk"))
    found = qs.filter(pk=pk).first() if str(pk).isdigit() else None
    if found is None:
        raise NotFound(REQUEST_NOT_FOUND)
    if found.team_id != team.pk:
        raise InvalidInput.field("team", "出具单位须为志愿者申请的队伍")
    if found.volunteer_id != volunteer.pk:
        raise InvalidInput.field("volunteer", "志愿者编号与申请人不符")
    check_request_move(found, CertificateRequestStatus.ISSUED)
    if not found.publicity_over:
        ends = timezone.localtime(found.publicity_ends_at)
        raise DomainError(
            f"该申请正在内部公示，公示至 {ends:%Y-%m-%d} 24:00，公示期满后方可出具",
            errors=[{"field": "request", "message": "公示期未满"}],
        )
    return found


def check_request_move(req: CertificateRequest, target: str) -> None:
    """An illegal move of a request (e.g. answering a withdrawn one) is IllegalTransition (409),
    naming the steps still allowed."""
    allowed = CERTIFICATE_REQUEST_ALLOWED[req.status]
    if target not in allowed:
        raise IllegalTransition(
            CertificateRequestStatus(req.status).label, CertificateRequestStatus(target).label,
            [CertificateRequestStatus(s).label for s in CertificateRequestStatus if s in allowed],
        )  # fmt: skip


@transaction.atomic(durable=True)
def issue(
    volunteer: Any, team: Any, period_start: date, period_end: date, actor: User | None,
    note: str = "", *, request: Any = None,
) -> Certificate:  # fmt: skip
    """出具: a certificate of ``team``'s approved hours for ``volunteer`` in the period (which
    must be more than zero), by someone who runs the team. ``request`` (a ``CertificateRequest``
    or its pk) is required: the request whose internal 公示 has ended (民发〔2015〕149号; staff
    register one with ``certificate_requests.register_for_publicity``). It becomes 已出具 and
    links the certificate, in this same transaction (the volunteer is told once, below)."""
    team_pk = getattr(team, "pk", team)
    if actor is None:
        found_team = Team.objects.filter(pk=team_pk).first()
        if found_team is None:
            raise NotFound(access.TEAM_NOT_FOUND)
    else:
        found_team = access.access_team(actor, team_pk)
    volunteer_pk = getattr(volunteer, "pk", volunteer)
    person = (
        Volunteer.objects.select_related("person").filter(pk=volunteer_pk).first()
        if str(volunteer_pk).isdigit()
        else None
    )
    if person is None:
        raise InvalidInput.field("volunteer", "未找到该志愿者，请核对志愿者编号")
    # As nobody approves their own hours, nobody certifies them: a leader's own certificate is
    # issued by another leader of the team or by staff.
    if (
        actor is not None
        and person.person.user_id is not None
        and person.person.user_id == actor.pk
    ):
        raise DomainError(
            SELF_CERTIFICATE, errors=[{"field": "number", "message": SELF_CERTIFICATE}]
        )
    if request is None:
        # 民发〔2015〕149号: every certificate follows an internal 公示 of its request.
        raise DomainError(
            NO_PUBLICITY, errors=[{"field": "request", "message": "须先登记申请并公示"}]
        )
    answered = _open_request(request, actor, found_team, person)
    start, end = check_period(period_start, period_end)
    note = str(note or "").strip()
    if len(note) > 200:
        raise InvalidInput.field("note", "备注不能超过 200 字")
    totals = (
        certifiable(found_team, person)
        .filter(served_on__gte=start, served_on__lte=end)
        .aggregate(h=Sum("hours"), n=Count("pk", filter=~Q(kind=RecordKind.ADJUSTMENT)))
    )
    hours = Decimal(totals["h"] or 0).quantize(Decimal("0.01"))
    if hours <= 0:
        raise InvalidInput.field(
            "period_end", "该志愿者在此期间没有本队伍已确认的服务时长，不能出具证明"
        )
    # 民发〔2015〕149号: a 依法设立 issuer, its seal and the names of its 负责人 and 经办人.
    issuer = issuer_for(found_team, actor)
    cert = Certificate.objects.create(
        serial=new_serial(), volunteer=person, team=found_team, period_start=start,
        period_end=end, hours=hours, records=totals["n"] or 0, issuer=issuer,
        issuer_name=issuer.name, issuer_head=issuer.head_name,
        issuer_handler=issuer.handler_name, issuer_phone=issuer.phone or found_team.phone,
        issuer_seal=issuer.seal.name or "", note=note,
        issued_by=actor if getattr(actor, "pk", None) else None,
    )  # fmt: skip
    data = {"volunteer": person.number, "team": found_team.pk, "hours": str(hours),
            "period": [start.isoformat(), end.isoformat()], "issuer": issuer.pk}  # fmt: skip
    if answered is not None:
        answered.status = CertificateRequestStatus.ISSUED
        answered.certificate = cert
        answered.decided_by = cert.issued_by
        answered.decided_at = cert.issued_at
        answered.save(update_fields=["status", "certificate", "decided_by", "decided_at"])
        data["request"] = answered.pk
    audit.record(
        Verb.CERTIFICATE_ISSUED, actor=actor, target=cert, region=found_team.region_id, data=data
    )
    user = _user_of(person.pk)
    if user is not None:
        notify(
            user, "volunteers.certificate_issued",
            {"serial": cert.serial, "issuer": cert.issuer_name, "start": start.isoformat(),
             "end": end.isoformat(), "hours": hours, "url": _my_url()},
        )  # fmt: skip
    return cert


@transaction.atomic(durable=True)
def revoke(cert: Any, actor: User | None, reason: str) -> Certificate:
    """作废: the serial then checks as "该证明已作废"; the row stays."""
    reason = str(reason or "").strip()
    if not reason:
        raise InvalidInput.field("reason", "请填写作废原因")
    if len(reason) > 200:
        raise InvalidInput.field("reason", "作废原因不能超过 200 字")
    pk = getattr(cert, "pk", cert)
    if actor is None:
        found = Certificate.objects.select_for_update().filter(pk=pk).first()
        if found is None:
            raise NotFound(CERTIFICATE_NOT_FOUND)
    else:
        found = access_certificate(actor, pk, for_write=True)
    if found.revoked_at is not None:
        raise DomainError("该证明已作废，无需重复操作")
    found.revoked_at = timezone.now()
    found.revoked_reason = reason
    found.save(update_fields=["revoked_at", "revoked_reason"])
    region = Team.objects.filter(pk=found.team_id).values_list("region_id", flat=True).first()
    audit.record(
        Verb.CERTIFICATE_REVOKED, actor=actor, target=found, region=region,
        data={"reason": reason},
    )  # fmt: skip
    user = _user_of(found.volunteer_id)
    if user is not None:
        notify(
            user, "volunteers.certificate_revoked",
            {"serial": found.serial, "reason": reason, "url": _my_url()},
        )  # fmt: skip
    return found


# --- the PDF ----------------------------------------------------------------------------------

FONT_FILES = (
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSerifCJK-Regular.ttc"),
    Path("/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/truetype/arphic/uming.ttc"),
)
PAGE = (1240, 1754)  # A4 portrait at 150 dpi
RESOLUTION = 150.0
MARGIN = 120


@lru_cache(maxsize=1)
def font_file() -> tuple[str, int] | None:
    """(path, face index) of a Simplified-Chinese font; None if the machine has none."""
    candidates = [p for p in FONT_FILES if p.exists()]
    if not candidates and shutil.which("fc-match"):
        try:
            found = subprocess.run(
                ["fc-match", "-f", "%{file}", ":lang=zh-cn"],  # noqa: S607
                capture_output=True, text=True, timeout=5, check=False,
            ).stdout.strip()  # fmt: skip
        except (OSError, subprocess.SubprocessError):
            found = ""
        if found and Path(found).exists():
            candidates = [Path(found)]
    for path in candidates:
        for index in range(10):  # a .ttc holds JP/KR/SC/TC faces: take the SC one
            try:
                face = ImageFont.truetype(str(path), 12, index=index)
            except OSError:
                break
            if " SC" in (face.getname()[0] or ""):
                return str(path), index
        try:
            ImageFont.truetype(str(path), 12)
        except OSError:
            continue
        return str(path), 0
    return None


def _font(size: int) -> ImageFont.FreeTypeFont:
    found = font_file()
    if found is None:
        raise FontMissing()
    return ImageFont.truetype(found[0], size, index=found[1])


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: Any, width: int) -> list[str]:
    lines, line = [], ""
    for char in text:
        if char == "\n":
            lines.append(line)
            line = ""
        elif draw.textlength(line + char, font=font) > width and line:
            lines.append(line)
            line = char
        else:
            line += char
    return [*lines, line] if line else lines


def _qr(url: str, size: int) -> Image.Image:
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="png", scale=8, border=2)
    buffer.seek(0)
    return Image.open(buffer).convert("RGB").resize((size, size), Image.Resampling.NEAREST)


def _hours_text(value: Decimal) -> str:
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return text or "0"


def _day(value: date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


# A half-width comma or semicolon between words (not inside a number such as 1,234) is set
# full-width: the certificate is Chinese text, and typed names and notes often carry ASCII ones.
_HALF_WIDTH = re.compile(r"(?<!\d)\s*([,;])\s*|([,;])\s*(?!\d)")


def chinese_punctuation(text: str) -> str:
    """``text`` with its half-width commas and semicolons (outside numbers) made full-width."""
    return _HALF_WIDTH.sub(lambda m: "，" if (m.group(1) or m.group(2)) == "," else "；", text)


def certificate_text(cert: Certificate) -> tuple[list[str], list[tuple[str, str]], str]:
    """The words on the certificate: the body's paragraphs, the issuer's block (label, value)
    and the note, in Chinese punctuation."""
    person = cert.volunteer.person
    id_text = f"{ID_TYPE} {person.id_number_masked}" if person.id_number else "—"
    paragraphs = [
        f"兹证明 {person.name}（证件类型及号码：{id_text}；志愿者编号：{cert.volunteer.number}）"
        f"于 {_day(cert.period_start)}至{_day(cert.period_end)}期间，"
        f"在{cert.issuer_name}参加志愿服务，经核实，累计服务时长 {_hours_text(cert.hours)} 小时"
        f"（服务记录 {cert.records} 条，不含往返交通时间）。",
    ]
    summary = content_summary(cert)
    if summary:
        items = "；".join(f"{c}（{n} 次，{_hours_text(h)} 小时）" for c, n, h in summary)
        paragraphs.append(f"主要服务内容：{items}。")
    paragraphs.append("特此证明。")
    issued_on = timezone.localdate(cert.issued_at)
    block = [
        ("出具单位", cert.issuer_name),
        ("单位负责人", cert.issuer_head or "—"),
        ("经办人", cert.issuer_handler or "—"),
        ("联系电话", cert.issuer_phone or "—"),
        ("出具日期", _day(issued_on)),
    ]
    return (
        [chinese_punctuation(p) for p in paragraphs],
        [(label, chinese_punctuation(value)) for label, value in block],
        chinese_punctuation(cert.note or ""),
    )


def render_image(cert: Certificate, verify_url: str) -> Image.Image:
    """The certificate page (A4 portrait, white)."""
    width, height = PAGE
    image = Image.new("RGB", PAGE, "white")
    draw = ImageDraw.Draw(image)
    title, body, small = _font(64), _font(30), _font(24)
    text_width = width - 2 * MARGIN
    draw.rectangle((50, 50, width - 50, height - 50), outline=(160, 30, 30), width=4)
    draw.rectangle((62, 62, width - 62, height - 62), outline=(160, 30, 30), width=1)
    serial = f"证明编号：{cert.serial}"
    draw.text((width - MARGIN, 110), serial, fill="black", font=small, anchor="rt")
    draw.text((width // 2, 210), "志愿服务记录证明", fill="black", font=title, anchor="mt")
    paragraphs, block, note = certificate_text(cert)
    y = 340
    for paragraph in paragraphs:
        for index, line in enumerate(_wrap(draw, paragraph, body, text_width - 60)):
            draw.text((MARGIN + (60 if index == 0 else 0), y), line, fill="black", font=body)
            y += 50
        y += 20
    y = max(y + 30, 960)
    block_top = y
    for label, value in block:
        for line in _wrap(draw, f"{label}：{value}", body, text_width // 2 + 120):
            draw.text((width // 2 - 60, y), line, fill="black", font=body)
            y += 48
    draw.text((width // 2 - 60, y + 10), "（出具单位盖章）", fill=(110, 110, 110), font=small)
    seal = seal_image(cert)
    if seal is not None:
        # The seal sits over the issuer's name, as a stamped paper certificate has it.
        image.paste(seal, (width // 2 + 120, block_top - 40), seal)
    y += 70
    if note:
        for line in _wrap(draw, f"备注：{note}", small, text_width):
            draw.text((MARGIN, y), line, fill="black", font=small)
            y += 36
    qr_size = 240
    qr_top = height - 120 - qr_size
    image.paste(_qr(verify_url, qr_size), (MARGIN, qr_top))
    note_x = MARGIN + qr_size + 30
    draw.text((note_x, qr_top + 40), "扫码核验本证明真伪", fill="black", font=body)
    for index, line in enumerate(_wrap(draw, verify_url, small, width - note_x - MARGIN)):
        draw.text((note_x, qr_top + 100 + index * 34), line, fill=(90, 90, 90), font=small)
    draw.text(
        (note_x, qr_top + qr_size - 30),
        "依据《志愿服务记录与证明出具办法（试行）》出具",
        fill=(90, 90, 90),
        font=small,
    )
    if cert.revoked_at is not None:
        _stamp(image, "已作废")
    return image


SEAL_SIZE = 280


def seal_image(cert: Certificate) -> Image.Image | None:
    """The issuer's seal frozen on the certificate, as a translucent RGBA picture of
    ``SEAL_SIZE`` pixels at most (white made transparent); None without one."""
    name = cert.issuer_seal
    if not name or not default_storage.exists(name):
        return None
    try:
        with default_storage.open(name, "rb") as handle, Image.open(handle) as raw:
            seal = raw.convert("RGBA")
    except (OSError, ValueError):
        return None
    seal.thumbnail((SEAL_SIZE, SEAL_SIZE))
    white_out = seal.convert("L").point(lambda v: 0 if v > 235 else 210)
    seal.putalpha(ImageChops.darker(white_out, seal.getchannel("A")))
    return seal


def _stamp(image: Image.Image, text: str) -> None:
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    draw.text(
        (image.size[0] // 2, image.size[1] // 2), text, fill=(200, 0, 0, 150), font=_font(220),
        anchor="mm",
    )  # fmt: skip
    layer = layer.rotate(30, center=(image.size[0] // 2, image.size[1] // 2))
    image.paste(layer, (0, 0), layer)


def render_pdf(cert: Certificate, verify_url: str) -> bytes:
    """The certificate as a one-page A4 PDF."""
    return pdf_from_image(render_image(cert, verify_url), title=f"志愿服务记录证明 {cert.serial}")


def _pdf_text(text: str) -> bytes:
    """A PDF text string in UTF-16BE with its byte-order mark (Chinese in document info)."""
    return b"<" + ("\ufeff" + text).encode("utf-16-be").hex().upper().encode() + b">"


def pdf_from_image(image: Image.Image, *, title: str = "", dpi: float = RESOLUTION) -> bytes:
    """A one-page PDF holding ``image`` as a lossless (Flate) indexed-colour picture.

    Pillow's own PDF writer stores a palette image as ASCII hex (megabytes) and a colour image
    as JPEG (fuzzy text); a page of black text on white with a little red compresses to about
    60 KB this way, sharp at any zoom the print needs.
    """
    page = image.convert("RGB").convert("P", palette=Image.Palette.ADAPTIVE, colors=32)
    palette = bytes(page.getpalette() or [])[: 3 * 256]
    width, height = page.size
    points = (round(width * 72 / dpi, 2), round(height * 72 / dpi, 2))
    pixels = zlib.compress(page.tobytes(), 9)
    drawing = f"q {points[0]} 0 0 {points[1]} 0 0 cm /Im0 Do Q".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %s %s] "
        b"/Resources << /XObject << /Im0 4 0 R >> >> /Contents 5 0 R >>"
        % (str(points[0]).encode(), str(points[1]).encode()),
        b"<< /Type /XObject /Subtype /Image /Width %d /Height %d "
        b"/ColorSpace [/Indexed /DeviceRGB %d <%s>] /BitsPerComponent 8 "
        b"/Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream"
        % (width, height, len(palette) // 3 - 1, palette.hex().encode(), len(pixels), pixels),
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(drawing), drawing),
        b"<< /Title %s /Producer (shegong) >>" % _pdf_text(title),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R /Info %d 0 R >>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, len(objects), xref)
    )
    return out.getvalue()


def verify_path(cert: Certificate) -> str:
    return reverse("volunteers_public:certificate", args=[cert.serial])
