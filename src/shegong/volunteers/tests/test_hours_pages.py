"""Pages of service hours: the review queue, bulk approval, decline, adjust, paper records,
transfers, certificates, my hours (H5), the public new-star list and certificate check."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.volunteers.actions import certificates, hours
from shegong.volunteers.models import (
    Certificate,
    CertificateRequest,
    ServiceRecord,
    Team,
    Volunteer,
)

pytestmark = pytest.mark.django_db


def _total(volunteer) -> Decimal:
    return Volunteer.objects.get(pk=volunteer.pk).hours


# --- the queue ---------------------------------------------------------------------------------


def test_the_queue_shows_the_pending_records_of_my_team_only(
    client, hours_record, hours_leader_user, hours_other_leader_user
):
    mine = hours_record(content="陪伴独居老人", auto_closed=True)
    hours_record(team=Team.objects.get(name="东关环保队"), content="别队的清扫河道")
    client.force_login(hours_leader_user)
    response = client.get(reverse("volunteers:records"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "陪伴独居老人" in body and "别队的清扫河道" not in body
    assert "自动签退" in body and f'value="{mine.pk}"' in body
    assert "李**" in body and "李小红" not in body


def test_the_queue_filters_by_status_date_and_number(client, hours_record, hours_leader_user):
    old = hours_record(content="去年的服务", served_on=timezone.localdate() - timedelta(days=400))
    hours_record(content="已确认的服务", status="approved")
    client.force_login(hours_leader_user)
    since = (timezone.localdate() - timedelta(days=30)).isoformat()
    body = client.get(reverse("volunteers:records"), {"date_from": since}).content.decode()
    assert "去年的服务" not in body
    body = client.get(reverse("volunteers:records"), {"status": "approved"}).content.decode()
    assert "已确认的服务" in body and "去年的服务" not in body
    body = client.get(
        reverse("volunteers:records"), {"status": "all", "number": old.volunteer.number}
    ).content.decode()
    assert "去年的服务" in body and "已确认的服务" in body
    response = client.get(reverse("volunteers:records"), {"date_from": "2025-13-45"})
    assert response.status_code == 422 and "日期格式" in response.content.decode()


def test_a_resident_without_a_team_is_refused(client, resident):
    client.force_login(resident)
    assert client.get(reverse("volunteers:records")).status_code == 403


def test_bulk_approval_asks_for_confirmation_then_approves(
    client, hours_record, hours_member, hours_leader_user
):
    first, second = hours_record(hours="1.50"), hours_record(hours="2.00")
    client.force_login(hours_leader_user)
    url = reverse("volunteers:records_approve")
    response = client.post(url, {"ids": [first.pk, second.pk]})
    body = response.content.decode()
    assert response.status_code == 200 and "3.50" in body and 'name="confirm"' in body
    first.refresh_from_db()
    assert first.status == "pending"  # nothing approved before the confirmation
    response = client.post(url, {"ids": [first.pk, second.pk], "confirm": "1", "note": "核实无误"})
    assert response.status_code == 302
    assert _total(hours_member) == Decimal("3.50")
    assert ServiceRecord.objects.filter(status="approved", review_note="核实无误").count() == 2


def test_bulk_approval_of_another_teams_record_is_404_and_writes_nothing(
    client, hours_record, hours_leader_user, hours_other_leader_user
):
    mine = hours_record()
    theirs = hours_record(team=Team.objects.get(name="东关环保队"))
    client.force_login(hours_leader_user)
    response = client.post(
        reverse("volunteers:records_approve"), {"ids": [mine.pk, theirs.pk], "confirm": "1"}
    )
    assert response.status_code == 404
    assert ServiceRecord.objects.filter(status="approved").count() == 0


def test_bulk_approval_of_a_record_approved_meanwhile_says_so(
    client, hours_record, hours_leader_user, street_a_staff
):
    first, second = hours_record(), hours_record()
    hours.approve(second, street_a_staff)
    client.force_login(hours_leader_user)
    response = client.post(
        reverse("volunteers:records_approve"), {"ids": [first.pk, second.pk], "confirm": "1"}
    )
    assert response.status_code == 409 and "已确认" in response.content.decode()
    first.refresh_from_db()
    assert first.status == "pending"


def test_a_record_page_approves_declines_and_adjusts(
    client, hours_record, hours_member, hours_leader_user
):
    record = hours_record(hours="3.00")
    client.force_login(hours_leader_user)
    url = reverse("volunteers:record", args=[record.pk])
    assert "不予确认" in client.get(url).content.decode()
    response = client.post(
        reverse("volunteers:record_decline", args=[record.pk]), {"decline-note": ""}
    )
    assert response.status_code == 422 and "必填" in response.content.decode()
    response = client.post(reverse("volunteers:record_approve", args=[record.pk]), {"note": ""})
    assert response.status_code == 302 and _total(hours_member) == Decimal("3.00")
    page = client.get(url).content.decode()
    assert "更正时长" in page and "不予确认" not in page

    adjust = reverse("volunteers:record_adjust", args=[record.pk])
    response = client.post(adjust, {"adjust-hours_delta": "-5", "adjust-reason": "多记"})
    assert response.status_code == 422 and "不能为负数" in response.content.decode()
    response = client.post(adjust, {"adjust-hours_delta": "-0.5", "adjust-reason": "多记半小时"})
    assert response.status_code == 302 and _total(hours_member) == Decimal("2.50")
    page = client.get(url).content.decode()
    assert "多记半小时" in page and "更正后 2.50 小时" in page


def test_another_teams_record_page_is_404(
    client, hours_record, hours_other_leader_user, street_b_staff
):
    record = hours_record()
    for outsider in (hours_other_leader_user, street_b_staff):
        client.force_login(outsider)
        assert client.get(reverse("volunteers:record", args=[record.pk])).status_code == 404
        for verb in ("record_approve", "record_decline", "record_adjust"):
            assert client.post(reverse(f"volunteers:{verb}", args=[record.pk])).status_code == 404
    record.refresh_from_db()
    assert record.status == "pending"


def test_a_paper_record_and_a_transfer_are_entered_on_their_forms(
    client, hours_team, hours_member, hours_leader_user
):
    client.force_login(hours_leader_user)
    served = (timezone.localdate() - timedelta(days=2)).isoformat()
    response = client.post(
        reverse("volunteers:record_new"),
        {"number": hours_member.number, "team": hours_team.pk, "served_on": served,
         "hours": "2.5", "content": "义诊", "reason": "纸质签到表"},
    )  # fmt: skip
    assert response.status_code == 302
    record = ServiceRecord.objects.get(kind="manual")
    assert record.hours == Decimal("2.50") and record.status == "pending"

    response = client.post(
        reverse("volunteers:record_transfer"),
        {"number": hours_member.number, "team": hours_team.pk, "served_on": served,
         "hours": "10", "content": "往年服务", "source_organization": "外区志愿者协会",
         "proof_note": "证明编号 ZM2024"},
    )  # fmt: skip
    assert response.status_code == 302
    assert ServiceRecord.objects.get(kind="transfer").source_organization == "外区志愿者协会"


def test_a_bad_paper_record_shows_the_reason_and_writes_nothing(
    client, hours_team, hours_member, hours_leader_user
):
    client.force_login(hours_leader_user)
    today = timezone.localdate().isoformat()
    data = {"number": "NOSUCH", "team": hours_team.pk, "served_on": today, "hours": "2",
            "content": "义诊", "reason": "补录"}  # fmt: skip
    response = client.post(reverse("volunteers:record_new"), data)
    assert response.status_code == 422 and "未找到该志愿者编号" in response.content.decode()
    data["number"] = hours_member.number
    data["hours"] = "30"
    response = client.post(reverse("volunteers:record_new"), data)
    assert response.status_code == 422 and "不超过 24 小时" in response.content.decode()
    assert ServiceRecord.objects.count() == 0


# --- certificates ------------------------------------------------------------------------------


@pytest.fixture
def approved(hours_record, hours_leader_user):
    record = hours_record(hours="6.00", content="陪伴独居老人")
    hours.approve(record, hours_leader_user)
    return record


def test_a_certificate_is_issued_shown_downloaded_and_revoked(
    client, approved, hours_team, hours_member, hours_leader_user
):
    client.force_login(hours_leader_user)
    new = reverse("volunteers:certificate_new")
    form = client.get(new).content.decode()
    assert "登记并公示" in form and 'name="purpose"' in form and 'name="note"' not in form
    today = timezone.localdate().isoformat()
    period = {"number": hours_member.number, "team": hours_team.pk,
              "period_start": "2020-01-01", "period_end": today}  # fmt: skip
    # 民发〔2015〕149号: the form registers a request on the volunteer's behalf, into the 公示;
    # nothing is issued yet.
    response = client.post(new, {**period, "purpose": "评优"}, follow=True)
    req = CertificateRequest.objects.get()
    ends = timezone.localtime(req.publicity_ends_at)
    assert req.status == "publicity" and req.approved_by == hours_leader_user
    assert (
        f"已登记并开始内部公示，公示至 {ends:%Y-%m-%d} 24:00，期满后在待出具列表中出具"
        in response.content.decode()
    )
    assert not Certificate.objects.exists()
    # Issuing it before the 公示 ends is refused, on the page and by a forged POST.
    response = client.get(f"{new}?request={req.pk}", follow=True)
    assert "期满后方可出具" in response.content.decode()
    response = client.post(new, {**period, "request": req.pk, "note": "评优"})
    assert response.status_code == 409 and "公示期未满" in response.content.decode()
    assert not Certificate.objects.exists()
    testing.publicity_over(req)
    form = client.get(f"{new}?request={req.pk}").content.decode()
    assert 'id="answering"' in form and 'name="note"' in form
    response = client.post(new, {**period, "request": req.pk, "note": "评优"})
    assert response.status_code == 302
    cert = Certificate.objects.get()
    req.refresh_from_db()
    assert req.status == "issued" and req.certificate == cert and cert.note == "评优"
    page = client.get(reverse("volunteers:certificate", args=[cert.pk])).content.decode()
    assert cert.serial in page and "6.00" in page and "李**" in page and "李小红" not in page
    pdf = client.get(reverse("volunteers:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # Named in Chinese (RFC 5987), with an ASCII name for old clients.
    assert pdf["Content-Disposition"] == (
        f'inline; filename="certificate-{cert.serial}.pdf"; '
        f"filename*=UTF-8''{quote('志愿服务证明')}-{cert.serial}.pdf"
    )
    listing = client.get(reverse("volunteers:certificates")).content.decode()
    assert cert.serial in listing
    response = client.post(reverse("volunteers:certificate_revoke", args=[cert.pk]), {"reason": ""})
    assert response.status_code == 422
    response = client.post(
        reverse("volunteers:certificate_revoke", args=[cert.pk]), {"reason": "重开"}
    )
    assert response.status_code == 302
    cert.refresh_from_db()
    assert cert.revoked_at is not None


def test_a_certificate_without_hours_in_the_period_is_refused(
    client, approved, hours_team, hours_member, hours_leader_user
):
    client.force_login(hours_leader_user)
    response = client.post(
        reverse("volunteers:certificate_new"),
        {"number": hours_member.number, "team": hours_team.pk, "period_start": "2001-01-01",
         "period_end": "2001-12-31", "purpose": "评优"},
    )  # fmt: skip
    assert response.status_code == 422 and "没有本队伍已确认的服务时长" in response.content.decode()
    assert Certificate.objects.count() == 0


def test_another_teams_certificate_is_404(
    client, approved, hours_team, hours_member, hours_leader_user, hours_other_leader_user,
    street_b_staff,
):  # fmt: skip
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    for outsider in (hours_other_leader_user, street_b_staff):
        client.force_login(outsider)
        for name in ("certificate", "certificate_pdf"):
            assert client.get(reverse(f"volunteers:{name}", args=[cert.pk])).status_code == 404
        response = client.post(
            reverse("volunteers:certificate_revoke", args=[cert.pk]), {"reason": "x"}
        )
        assert response.status_code == 404


# --- H5 ----------------------------------------------------------------------------------------


def test_my_hours_show_the_total_star_next_star_and_my_certificates(
    client, approved, hours_team, hours_member, hours_member_user, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    client.force_login(hours_member_user)
    page = client.get(reverse("volunteers_m:hours")).content.decode()
    assert "6.00" in page and "再服务 94.00 小时可达 1 星" in page
    # No star yet: one phrase, not "星级：— 暂未评星".
    assert re.search(r'id="my-star">星级：暂未评星</div>', page)
    assert cert.serial in page and "陪伴独居老人" in page
    pdf = client.get(reverse("volunteers_m:certificate_pdf", args=[cert.pk]))
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")


def test_nobody_downloads_someone_elses_certificate(
    client, approved, hours_team, hours_member, hours_leader_user, district
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    other = testing.user("volunteer", district["community_a"], name="别人")
    testing.volunteer(district["community_a"], name="别人", account=other)
    client.force_login(other)
    assert client.get(reverse("volunteers_m:certificate_pdf", args=[cert.pk])).status_code == 404
    assert cert.serial not in client.get(reverse("volunteers_m:hours")).content.decode()


def test_my_hours_without_a_profile_says_so(client, resident):
    client.force_login(resident)
    assert "还没有注册为志愿者" in client.get(reverse("volunteers_m:hours")).content.decode()


# --- public ------------------------------------------------------------------------------------


def test_the_public_check_shows_masked_facts_or_not_found_or_void(
    client, approved, hours_team, hours_member, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    response = client.get(reverse("volunteers_public:certificate", args=[cert.serial]))
    body = response.content.decode()
    assert response.status_code == 200 and "证明有效" in body and "李**" in body
    assert "6.00" in body and "东关助老服务队" in body
    assert "李小红" not in body and hours_member.number not in body
    # Neither the number nor its masked form (whose last four digits a random page number
    # could repeat by chance, so the stars are part of the search).
    id_number = hours_member.person.id_number
    assert id_number not in body and not re.search(rf"\*{{2,}}{id_number[-4:]}", body)
    response = client.get(reverse("volunteers_public:certificate", args=["ZM20990101FORGED00"]))
    assert response.status_code == 404 and "未找到该证明" in response.content.decode()
    certificates.revoke(cert, hours_leader_user, "重开")
    response = client.get(reverse("volunteers_public:certificate", args=[cert.serial]))
    assert response.status_code == 410 and "该证明已作废" in response.content.decode()
    assert "6.00" not in response.content.decode()


CHECK = reverse("volunteers_public:certificate_check")


def test_the_public_check_page_offers_a_form_to_type_the_serial(client):
    response = client.get(CHECK)
    body = response.content.decode()
    assert response.status_code == 200 and "输入证明编号查验" in body
    assert 'name="serial"' in body and "以 ZM 开头" in body
    assert 'id="verify-result"' not in body


def test_a_typed_serial_is_checked_as_typed_by_a_person(
    client, approved, hours_team, hours_member, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    # Lower case, spaces and a dash as people copy it from paper.
    typed = f" {cert.serial[:10].lower()} {cert.serial[10:14]}-{cert.serial[14:]} "
    response = client.get(CHECK, {"serial": typed})
    body = response.content.decode()
    assert response.status_code == 200 and "证明有效" in body and "李**" in body
    assert cert.serial in body and "李小红" not in body and "查验其他证明" in body


def test_a_typed_serial_gets_clear_messages_for_unknown_revoked_malformed_and_empty(
    client, approved, hours_team, hours_member, hours_leader_user
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    response = client.get(CHECK, {"serial": "ZM20990101FORGED00"})
    assert response.status_code == 404 and "未找到该证明" in response.content.decode()
    response = client.get(CHECK, {"serial": "证明123"})
    body = response.content.decode()
    assert response.status_code == 404 and "证明编号格式不正确" in body
    response = client.get(CHECK, {"serial": "  "})
    assert response.status_code == 422 and "请输入证明编号" in response.content.decode()
    certificates.revoke(cert, hours_leader_user, "重开")
    response = client.get(CHECK, {"serial": cert.serial})
    body = response.content.decode()
    assert response.status_code == 410 and "该证明已作废" in body and "6.00" not in body


def test_checks_are_throttled_per_address_typed_or_scanned(
    client, approved, hours_team, hours_member, hours_leader_user, monkeypatch
):
    from shegong.volunteers.views import public

    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    monkeypatch.setattr(public, "VERIFY_LIMIT", 3)
    for _ in range(2):
        assert client.get(CHECK, {"serial": "ZM20990101FORGED00"}).status_code == 404
    scan = reverse("volunteers_public:certificate", args=[cert.serial])
    assert client.get(scan).status_code == 200
    response = client.get(CHECK, {"serial": cert.serial})
    body = response.content.decode()
    assert response.status_code == 429 and "查验过于频繁" in body and "李**" not in body
    assert client.get(scan).status_code == 429
    # Another address is not held back.
    other = client.get(CHECK, {"serial": cert.serial}, REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 200


def test_the_public_new_star_list_shows_masked_name_star_and_team_only(
    client, hours_record, hours_team, hours_member, hours_leader_user, settings
):
    from shegong.volunteers.models import TeamMember

    TeamMember.objects.create(team=hours_team, volunteer=hours_member)
    # A star awarded now (星级认定: star_awards.award sets both).
    Volunteer.objects.filter(pk=hours_member.pk).update(
        hours=Decimal("301.00"), star=2, star_reached_at=timezone.now()
    )
    response = client.get(reverse("volunteers_public:stars"))
    body = response.content.decode()
    assert response.status_code == 200
    assert "李**" in body and "2星" in body and "东关助老服务队" in body
    assert "李小红" not in body and hours_member.number not in body
    Volunteer.objects.filter(pk=hours_member.pk).update(
        star_reached_at=timezone.now()
        - timedelta(days=settings.SHEGONG_VOLUNTEER_NEW_STAR_DAYS + 1)
    )
    assert "李**" not in client.get(reverse("volunteers_public:stars")).content.decode()


def test_the_record_page_approves_with_an_evaluation(
    client, hours_record, hours_member, hours_leader_user, hours_member_user
):
    record = hours_record()
    client.force_login(hours_leader_user)
    approve = reverse("volunteers:record_approve", args=[record.pk])
    response = client.post(approve, {"evaluation": "棒", "note": ""})
    assert response.status_code == 422
    record.refresh_from_db()
    assert record.status == "pending"
    response = client.post(approve, {"evaluation": "excellent", "note": "表现突出"})
    assert response.status_code == 302
    page = client.get(reverse("volunteers:record", args=[record.pk])).content.decode()
    assert 'id="record-evaluation">优秀' in page
    client.force_login(hours_member_user)
    assert "评价：优秀" in client.get(reverse("volunteers_m:hours")).content.decode()


def test_the_records_list_pages_with_its_filters(client, hours_record, hours_leader_user):
    from shegong.volunteers.views.hours import RECORDS_PAGE

    for _ in range(RECORDS_PAGE + 1):
        hours_record()
    hours_record(status="approved")
    client.force_login(hours_leader_user)
    body = client.get(reverse("volunteers:records")).content.decode()
    assert f"共 {RECORDS_PAGE + 1} 条，第 1/2 页" in body
    assert body.count('name="ids"') == RECORDS_PAGE
    assert "status=pending&amp;page=2" not in body and "?page=2" in body
    body = client.get(reverse("volunteers:records"), {"status": "pending", "page": 2}).content
    assert body.decode().count('name="ids"') == 1
    body = client.get(reverse("volunteers:records"), {"status": "all"}).content.decode()
    assert f"共 {RECORDS_PAGE + 2} 条" in body and "status=all&amp;page=2" in body


def test_my_certificates_are_listed_in_the_phone_shell(
    client, approved, hours_team, hours_member, hours_member_user, hours_leader_user, district
):
    cert = testing.issued_certificate(
        hours_member, hours_team, approved.served_on, approved.served_on, hours_leader_user
    )
    client.force_login(hours_member_user)
    response = client.get(reverse("volunteers_m:certificates"))
    body = response.content.decode()
    assert response.status_code == 200 and cert.serial in body
    assert reverse("volunteers_m:certificate_pdf", args=[cert.pk]) in body
    assert 'id="h5-nav"' in body and "vendor/bootstrap" not in body  # the one phone shell
    assert reverse("volunteers_m:hours") in body  # where one asks for another
    # An outsider (another volunteer) sees none of it.
    other = testing.user("volunteer", district["community_a"], name="别人")
    testing.volunteer(district["community_a"], name="别人", account=other)
    client.force_login(other)
    body = client.get(reverse("volunteers_m:certificates")).content.decode()
    assert cert.serial not in body and 'id="certificates-empty"' in body


def test_my_certificates_without_a_profile_says_so(client, resident):
    client.force_login(resident)
    body = client.get(reverse("volunteers_m:certificates")).content.decode()
    assert "还没有注册为志愿者" in body
