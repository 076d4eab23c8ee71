"""Certificates (志愿服务记录证明): issue, revoke, the PDF, the public check."""

from __future__ import annotations

import re
import zlib
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.ledger.models import Organization
from shegong.volunteers.actions import certificates, hours
from shegong.volunteers.models import Certificate
from shegong.volunteers.queries import certificates as certificate_queries

pytestmark = pytest.mark.django_db

START = date(2020, 1, 1)


@pytest.fixture
def served(hours_record, hours_leader_user):
    """Two approved records (3.5 h and 2 h), a correction of +0.5 h, a pending one and a
    transfer, all of ``hours_team``."""
    first = hours_record(hours="3.50", content="陪伴独居老人")
    second = hours_record(hours="2.00", content="社区义诊")
    hours.approve_many([first, second], hours_leader_user)
    hours.adjust(first, hours_leader_user, "0.50", "补记")
    hours_record(hours="9.00")  # pending: not certified
    transfer = hours_record(hours="50.00", kind="transfer", source_organization="外单位")
    hours.approve(transfer, hours_leader_user)
    return first, second


def test_a_certificate_sums_the_teams_approved_hours_and_freezes_the_issuer(
    served, hours_member, hours_team, hours_leader_user, hours_member_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user, "用于评优"
    )
    assert cert.hours == Decimal("6.00") and cert.records == 2  # no pending, no transfer
    assert re.fullmatch(rf"ZM{timezone.localdate():%Y%m%d}[A-Z2-7]{{8}}", cert.serial)
    # The issuer's profile (民发〔2015〕149号): its 负责人, 经办人 and seal, not the leader's name.
    assert cert.issuer_name == "东关助老服务队" and cert.issuer_head == "吴负责人"
    assert cert.issuer_handler == "郑经办" and cert.issuer_phone == "0551-6000001"
    assert cert.issuer_seal == cert.issuer.seal.name and cert.issuer_seal
    assert cert.note == "用于评优" and cert.issued_by == hours_leader_user
    event = AuditEvent.objects.get(verb=int(Verb.CERTIFICATE_ISSUED))
    assert event.region_id == hours_team.region_id and event.data["hours"] == "6.00"
    assert (
        cert.serial
        in Notification.objects.get(
            recipient=hours_member_user, event="volunteers.certificate_issued"
        ).title
    )


def test_an_unregistered_team_without_a_registered_parent_is_refused_with_what_to_do(
    served, hours_member, hours_team, hours_leader_user, district
):
    hours_team.organization = Organization.objects.create(
        kind="social_org", name="东关志愿者协会", region=district["community_a"], legal_rep="张会长"
    )  # no 统一社会信用代码: not 依法设立
    hours_team.save()
    with pytest.raises(DomainError, match=r"未依法登记.*关联已登记的社会组织"):
        testing.issued_certificate(
            hours_member, hours_team, START, timezone.localdate(), hours_leader_user
        )
    assert not Certificate.objects.exists()


def test_serials_differ_and_cannot_be_derived_from_each_other(
    served, hours_member, hours_team, hours_leader_user
):
    serials = {
        testing.issued_certificate(
            hours_member, hours_team, START, timezone.localdate(), hours_leader_user
        ).serial
        for _ in range(3)
    }
    assert len(serials) == 3


@pytest.mark.parametrize(
    ("start", "end", "field", "message"),
    [
        (date(2030, 1, 2), date(2030, 1, 1), "period_end", "不能早于"),
        (START, date(2999, 1, 1), "period_end", "不能晚于今天"),
        (date(2001, 1, 1), date(2001, 12, 31), "period_end", "没有本队伍已确认的服务时长"),
        (None, date(2001, 12, 31), "period_start", "起始日期"),
    ],
)
def test_a_certificate_needs_a_real_period_with_hours(
    served, hours_member, hours_team, hours_leader_user, start, end, field, message
):
    with pytest.raises(InvalidInput) as caught:
        testing.issued_certificate(hours_member, hours_team, start, end, hours_leader_user)
    assert caught.value.errors[0]["field"] == field and message in caught.value.detail
    assert Certificate.objects.count() == 0


def test_only_those_who_run_the_team_issue_and_revoke(
    served, hours_member, hours_team, hours_other_leader_user, street_b_staff, hours_leader_user
):
    for outsider in (hours_other_leader_user, street_b_staff):
        with pytest.raises(NotFound):
            testing.issued_certificate(
                hours_member, hours_team, START, timezone.localdate(), outsider
            )
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user
    )
    for outsider in (hours_other_leader_user, street_b_staff):
        with pytest.raises(NotFound):
            certificates.revoke(cert, outsider, "冒名")
    cert.refresh_from_db()
    assert cert.revoked_at is None


def test_a_revoked_certificate_checks_as_void_and_an_unknown_serial_as_missing(
    served, hours_member, hours_team, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user
    )
    assert certificate_queries.verify(cert.serial.lower()).pk == cert.pk
    with pytest.raises(InvalidInput):
        certificates.revoke(cert, hours_leader_user, "")
    certificates.revoke(cert, hours_leader_user, "时长统计有误，重新出具")
    assert AuditEvent.objects.filter(verb=int(Verb.CERTIFICATE_REVOKED)).count() == 1
    with pytest.raises(certificate_queries.Revoked) as caught:
        certificate_queries.verify(cert.serial)
    assert caught.value.status == 410 and caught.value.detail == "该证明已作废"
    with pytest.raises(NotFound, match="未找到该证明"):
        certificate_queries.verify("ZM20250101AAAAAAAA")
    with pytest.raises(NotFound):
        certificate_queries.verify("../../etc/passwd")


def test_the_pdf_is_a_one_page_a4_with_the_page_image(
    served, hours_member, hours_team, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user
    )
    pdf = certificates.render_pdf(
        cert, f"https://sg.example.gov.cn/public/certificates/{cert.serial}/"
    )
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert len(pdf) < 300_000
    assert b"/MediaBox [0 0 595.2 841.92]" in pdf  # A4 in points
    # Every cross-reference offset points at its object, and the page image decompresses.
    offsets = [int(o) for o in re.findall(rb"(\d{10}) 00000 n", pdf)]
    for number, offset in enumerate(offsets, start=1):
        assert pdf[offset:].startswith(b"%d 0 obj" % number)
    start = re.search(rb"/Length (\d+) >>\nstream\n", pdf)
    pixels = zlib.decompress(pdf[start.end() : start.end() + int(start.group(1))])
    assert len(pixels) == certificates.PAGE[0] * certificates.PAGE[1]


def test_the_page_draws_chinese_text(served, hours_member, hours_team, hours_leader_user):
    """With the CJK font the title's glyphs are drawn: the title band is not blank."""
    if certificates.font_file() is None:
        pytest.skip("no Chinese font installed (fonts-noto-cjk)")
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user
    )
    image = certificates.render_image(cert, "https://x/")
    band = image.crop((300, 200, 940, 290)).convert("L")
    assert band.getextrema()[0] < 80  # dark pixels of 志愿服务记录证明


def test_the_certificate_text_uses_full_width_commas(
    served, hours_member, hours_team, hours_leader_user
):
    """Typed names and notes often carry ASCII commas; on a Chinese certificate they are set
    full-width, while a number's thousands separator stays."""
    hours_team.organization.certificate_issuer.name = "东关志愿服务队,第一分队"
    hours_team.organization.certificate_issuer.save(update_fields=["name"])
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user,
        note="表现突出, 服务认真;共服务 1,200 人次",
    )  # fmt: skip
    paragraphs, block, note = certificates.certificate_text(cert)
    text = "".join(paragraphs) + "".join(value for _, value in block) + note
    assert "东关志愿服务队，第一分队" in text
    assert note == "表现突出，服务认真；共服务 1,200 人次"
    assert "," not in text.replace("1,200", "")


def test_without_a_chinese_font_the_pdf_is_refused_clearly(
    served, hours_member, hours_team, hours_leader_user, monkeypatch
):
    cert = testing.issued_certificate(
        hours_member, hours_team, START, timezone.localdate(), hours_leader_user
    )
    monkeypatch.setattr(certificates, "font_file", lambda: None)
    with pytest.raises(certificates.FontMissing, match="fonts-noto-cjk"):
        certificates.render_pdf(cert, "https://x/")


def test_the_public_view_shows_only_the_masked_name(
    served, hours_member, hours_team, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, timezone.localdate() - timedelta(days=30), timezone.localdate(),
        hours_leader_user,
    )  # fmt: skip
    view = certificate_queries.public_view(cert)
    assert view["name"] == "李**" and view["status"] == "valid"
    assert "李小红" not in str(view) and hours_member.person.id_number not in str(view)


def test_a_leader_does_not_certify_their_own_hours(
    hours_record, hours_team, hours_leader_user, street_a_staff, client
):
    from shegong.core.errors import DomainError
    from shegong.volunteers.models import TeamMember

    own = TeamMember.objects.get(team=hours_team, role="leader").volunteer
    record = hours_record(own, hours="4.00")
    hours.approve(record, street_a_staff)  # approved by staff, as the rule wants
    day = record.served_on
    with pytest.raises(DomainError, match="不能为本人出具记录证明"):
        testing.issued_certificate(own, hours_team, day, day, hours_leader_user)
    client.force_login(hours_leader_user)
    response = client.post("/volunteers/certificates/new/", {
        "number": own.number, "team": hours_team.pk, "period_start": day, "period_end": day,
        "purpose": "评优",
    })  # fmt: skip
    assert response.status_code == 409 and "不能为本人出具记录证明" in response.content.decode()
    assert not Certificate.objects.exists()
    cert = testing.issued_certificate(own, hours_team, day, day, street_a_staff)
    assert cert.hours == Decimal("4.00")
