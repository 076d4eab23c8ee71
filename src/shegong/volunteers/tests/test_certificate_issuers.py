"""Certificates under 民发〔2015〕149号 (issue 18 A7): a 依法设立 issuer with its seal and the names
of its 负责人 and 经办人, and the internal 公示 between approving a request and issuing it."""

from __future__ import annotations

import io
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent, Notification
from shegong.core.perms import Role
from shegong.core.workdays import add_calendar_days
from shegong.ledger.models import Organization
from shegong.volunteers import todos
from shegong.volunteers.actions import certificate_requests, certificates, hours, issuers
from shegong.volunteers.models import (
    Certificate,
    CertificateIssuer,
    CertificateRequest,
    Volunteer,
)
from shegong.volunteers.queries.issuers import NoIssuer

START = date(2020, 1, 1)


@pytest.fixture
def served(hours_record, hours_leader_user):
    records = [hours_record(hours="3.50"), hours_record(hours="2.00", content="社区义诊")]
    hours.approve_many(records, hours_leader_user)
    return records


@pytest.fixture
def req(served, hours_member, hours_team, hours_member_user):
    return certificate_requests.request_certificate(
        hours_member, hours_team, actor=hours_member_user, period_start=START,
        period_end=timezone.localdate(), purpose="升学",
    )  # fmt: skip


@pytest.fixture
def grassroots(district, hours_team, hours_member, hours_leader_user):
    """An unregistered grassroots team in community A with no parent, led by the hours leader,
    with 2 approved hours of the member."""
    leader = Volunteer.objects.get(person__user=hours_leader_user)
    team = testing.team(district["community_a"], name="东关草根互助组", kind="grassroots")
    team.members.create(volunteer=leader, role="leader")
    record = hours.enter_manual(
        hours_member, team, actor=hours_leader_user, served_on=timezone.localdate(),
        hours="2", content="楼道清扫", reason="纸质签到表",
    )  # fmt: skip
    hours.approve(record, hours_leader_user)
    return team


def _issue(volunteer, team, actor, **kwargs):
    if "request" in kwargs:
        return certificates.issue(volunteer, team, START, timezone.localdate(), actor, **kwargs)
    return testing.issued_certificate(volunteer, team, START, timezone.localdate(), actor)


def _png(size=(200, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 20, 20)).save(buffer, format="PNG")
    return buffer.getvalue()


def _over(request):
    CertificateRequest.objects.filter(pk=request.pk).update(
        publicity_ends_at=timezone.now() - timedelta(minutes=1)
    )


# --- who issues -------------------------------------------------------------------------------


def test_an_unregistered_team_issues_through_its_registered_parent(
    district, served, hours_member, hours_team, hours_leader_user, street_a_staff
):
    child = testing.team(district["community_a"], name="东关助老一分队", parent=hours_team)
    record = hours.enter_manual(
        hours_member, child, actor=street_a_staff, served_on=timezone.localdate(), hours="1",
        content="送餐", reason="纸质签到表",
    )  # fmt: skip
    hours.approve(record, street_a_staff)
    cert = _issue(hours_member, child, street_a_staff)
    # In the name of the registered parent (东关助老服务队, its seal and names).
    assert cert.issuer.organization == hours_team.organization
    assert cert.issuer_name == "东关助老服务队" and cert.issuer_head == "吴负责人"
    assert cert.team == child and cert.issuer_seal


def test_staff_certify_an_unregistered_team_in_the_name_of_their_office(
    grassroots, hours_member, hours_leader_user, community_a_worker, district
):
    # The leader cannot: the team is not 依法设立 and has no registered parent.
    with pytest.raises(NoIssuer, match=r"未依法登记.*社区/街道工作人员"):
        _issue(hours_member, grassroots, hours_leader_user)
    # Staff without an office profile are told to register one.
    with pytest.raises(NoIssuer, match="先在“记录证明 → 出具单位”中登记"):
        _issue(hours_member, grassroots, community_a_worker)
    testing.certificate_issuer(
        region=district["community_a"], name="东关社区居民委员会", head_name="孙主任",
        handler_name="钱干事",
    )  # fmt: skip
    cert = _issue(hours_member, grassroots, community_a_worker)
    assert cert.issuer_name == "东关社区居民委员会"
    assert (cert.issuer_head, cert.issuer_handler) == ("孙主任", "钱干事")
    assert AuditEvent.objects.filter(verb=int(Verb.CERTIFICATE_ISSUED)).get().data["issuer"]


def test_the_nearest_office_in_the_staffs_scope_issues(
    grassroots, hours_member, street_a_staff, district
):
    testing.certificate_issuer(region=district["street_a"], name="东关街道办事处")
    cert = _issue(hours_member, grassroots, street_a_staff)
    assert cert.issuer_name == "东关街道办事处"
    testing.certificate_issuer(region=district["community_a"], name="东关社区居民委员会")
    assert _issue(hours_member, grassroots, street_a_staff).issuer_name == "东关社区居民委员会"


@pytest.mark.parametrize(
    ("field", "missing"),
    [("seal", "印章图片"), ("head_name", "单位负责人"), ("handler_name", "经办人")],
)
def test_an_issuer_without_its_seal_or_a_name_is_refused(
    served, hours_member, hours_team, hours_leader_user, field, missing
):
    profile = hours_team.organization.certificate_issuer
    setattr(profile, field, "")
    profile.save()
    with pytest.raises(NoIssuer, match=f"缺少{missing}"):
        _issue(hours_member, hours_team, hours_leader_user)
    assert not Certificate.objects.exists()


def test_a_registered_team_without_a_profile_is_told_to_register_one(
    served, hours_member, hours_team, hours_leader_user
):
    CertificateIssuer.objects.all().delete()
    with pytest.raises(NoIssuer, match="还没有登记出具单位信息"):
        _issue(hours_member, hours_team, hours_leader_user)


# --- the issuer profile -----------------------------------------------------------------------


def test_a_leader_keeps_the_profile_of_the_organization_of_the_team(
    district, hours_team, hours_leader_user, hours_other_leader_user
):
    org = Organization.objects.create(
        kind="social_org", name="东关志愿者协会", region=district["community_a"],
        credit_code="51341202MJ0000002B",
    )  # fmt: skip
    team = testing.team(district["community_a"], name="东关协会服务队", organization=org)
    team.members.create(
        volunteer=Volunteer.objects.get(person__user=hours_leader_user), role="leader"
    )
    seal = SimpleUploadedFile("seal.png", _png(), content_type="image/png")
    saved = issuers.save_issuer(
        hours_leader_user, organization=org.pk, head_name="赵会长", handler_name="钱经办",
        seal=seal,
    )  # fmt: skip
    assert saved.name == "东关志愿者协会" and saved.seal.name.endswith(".png")
    event = AuditEvent.objects.get(verb=int(Verb.CERTIFICATE_ISSUER_SAVED))
    assert event.data["created"] is True and event.data["seal_replaced"] is True
    # Another team's leader may not touch it (not found, like a missing one).
    with pytest.raises(NotFound):
        issuers.save_issuer(
            hours_other_leader_user, organization=org.pk, head_name="x", handler_name="y"
        )
    # Changing the names keeps the seal.
    again = issuers.save_issuer(
        hours_leader_user, organization=org.pk, head_name="赵会长", handler_name="李经办"
    )
    assert again.seal.name == saved.seal.name and again.handler_name == "李经办"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("seal.png", b"%PDF-1.4 not a picture", "内容与扩展名不符"),
        ("seal.pdf", b"%PDF-1.4 a pdf", "PNG 或 JPG"),
        ("seal.png", b"\x89PNG\r\n\x1a\n broken", "已损坏"),
        ("seal.png", None, "边长"),  # 20 × 20: too small to be a seal
        ("seal.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024 + 1), "不能超过 1024 KB"),
    ],
)
def test_a_bad_seal_is_refused_with_a_clear_message_and_nothing_is_written(
    district, community_a_worker, name, content, message
):
    data = _png((20, 20)) if content is None else content
    with pytest.raises(InvalidInput, match=message) as raised:
        issuers.save_issuer(
            community_a_worker, region=district["community_a"].code, name="东关社区居民委员会",
            head_name="孙主任", handler_name="钱干事", seal=SimpleUploadedFile(name, data),
        )  # fmt: skip
    assert raised.value.errors[0]["field"] == "seal"
    assert not CertificateIssuer.objects.filter(region=district["community_a"]).exists()


def test_a_new_profile_needs_a_seal_and_staff_speak_only_for_their_own_office(
    district, community_a_worker, street_b_staff
):
    with pytest.raises(InvalidInput, match="请上传出具单位的印章图片"):
        issuers.save_issuer(
            community_a_worker, region=district["community_a"].code, name="东关社区居民委员会",
            head_name="孙主任", handler_name="钱干事",
        )  # fmt: skip
    with pytest.raises(NotFound):
        issuers.save_issuer(
            street_b_staff, region=district["community_a"].code, name="东关社区居民委员会",
            head_name="孙主任", handler_name="钱干事",
            seal=SimpleUploadedFile("seal.png", _png()),
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="请填写经办人"):
        issuers.save_issuer(
            community_a_worker, region=district["community_a"].code, name="东关社区居民委员会",
            head_name="孙主任", handler_name=" ", seal=SimpleUploadedFile("seal.png", _png()),
        )  # fmt: skip


# --- internal publicity -----------------------------------------------------------------------


def test_approving_starts_the_publicity_and_issuing_waits_for_its_end(
    req, hours_member, hours_team, hours_leader_user, hours_member_user
):
    before = timezone.now()
    certificate_requests.approve_request(req, actor=hours_leader_user)
    req.refresh_from_db()
    assert req.status == "publicity" and req.approved_by == hours_leader_user
    assert req.publicity_ends_at == add_calendar_days(req.approved_at, 7)
    assert req.publicity_ends_at.date() >= (before + timedelta(days=7)).date()
    assert AuditEvent.objects.filter(verb=int(Verb.CERTIFICATE_PUBLICITY_STARTED)).count() == 1
    assert Notification.objects.filter(
        recipient=hours_member_user, event="volunteers.certificate_publicity_started"
    ).exists()
    with pytest.raises(DomainError, match="公示期满后方可出具"):
        _issue(hours_member, hours_team, hours_leader_user, request=req)
    assert not Certificate.objects.exists()
    _over(req)
    cert = _issue(hours_member, hours_team, hours_leader_user, request=req)
    req.refresh_from_db()
    assert req.status == "issued" and req.certificate == cert


def test_no_certificate_is_issued_without_a_request_whose_publicity_has_ended(
    served, hours_member, hours_team, hours_leader_user
):
    # 民发〔2015〕149号: the internal 公示 precedes every certificate, staff's included.
    with pytest.raises(DomainError, match="出具记录证明前须经内部公示：请先登记申请并公示"):
        certificates.issue(hours_member, hours_team, START, timezone.localdate(), hours_leader_user)
    with pytest.raises(DomainError, match="须经内部公示"):
        certificates.issue(hours_member, hours_team, START, timezone.localdate(), None)
    assert not Certificate.objects.exists()
    assert not AuditEvent.objects.filter(verb=int(Verb.CERTIFICATE_ISSUED)).exists()


def _register(volunteer, team, actor, **kwargs):
    return certificate_requests.register_for_publicity(
        volunteer, team, actor=actor, period_start=kwargs.get("start", START),
        period_end=timezone.localdate(), purpose=kwargs.get("purpose", "评优"),
    )  # fmt: skip


def test_staff_register_a_request_on_the_volunteers_behalf_straight_into_publicity(
    served, hours_member, hours_team, hours_leader_user, hours_member_user, settings
):
    settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS = 9
    found = _register(hours_member, hours_team, hours_leader_user)
    found.refresh_from_db()
    assert found.status == "publicity" and found.approved_by == hours_leader_user
    assert found.volunteer == hours_member and found.purpose == "评优"
    assert found.publicity_ends_at == add_calendar_days(found.approved_at, 9)
    event = AuditEvent.objects.get(verb=int(Verb.CERTIFICATE_REGISTERED_FOR_PUBLICITY))
    assert event.data["hours"] == "5.50" and event.data["days"] == 9
    assert event.region_id == hours_team.region_id
    # One entry: neither 申请 nor 受理 is recorded besides.
    assert not AuditEvent.objects.filter(
        verb__in=[int(Verb.CERTIFICATE_REQUESTED), int(Verb.CERTIFICATE_PUBLICITY_STARTED)]
    ).exists()
    assert Notification.objects.filter(
        recipient=hours_member_user, event="volunteers.certificate_publicity_started"
    ).exists()
    assert not Certificate.objects.exists()
    # Issued like any request: refused before the 公示 ends, issued after.
    with pytest.raises(DomainError, match="公示期满后方可出具"):
        _issue(hours_member, hours_team, hours_leader_user, request=found)
    _over(found)
    cert = _issue(hours_member, hours_team, hours_leader_user, request=found)
    found.refresh_from_db()
    assert found.status == "issued" and found.certificate == cert and cert.hours == Decimal("5.50")


def test_registering_needs_hours_in_the_period(served, hours_member, hours_team, hours_leader_user):
    with pytest.raises(InvalidInput, match="没有本队伍已确认的服务时长"):
        certificate_requests.register_for_publicity(
            hours_member, hours_team, actor=hours_leader_user, period_start=date(2001, 1, 1),
            period_end=date(2001, 12, 31), purpose="评优",
        )  # fmt: skip
    with pytest.raises(InvalidInput, match="请填写证明用途"):
        _register(hours_member, hours_team, hours_leader_user, purpose=" ")
    assert (
        not CertificateRequest.objects.exists()
        and not AuditEvent.objects.filter(
            verb=int(Verb.CERTIFICATE_REGISTERED_FOR_PUBLICITY)
        ).exists()
    )


def test_registering_refuses_while_another_request_is_open_and_names_it(
    req, hours_member, hours_team, hours_leader_user
):
    with pytest.raises(
        DomainError, match=r"已有一份向该队伍的记录证明申请.*用途：升学.*当前待受理"
    ):
        _register(hours_member, hours_team, hours_leader_user)
    assert CertificateRequest.objects.get() == req
    certificate_requests.approve_request(req, actor=hours_leader_user)
    with pytest.raises(DomainError, match="当前公示中"):
        _register(hours_member, hours_team, hours_leader_user)
    assert CertificateRequest.objects.count() == 1


def test_registering_needs_an_issuer_and_a_team_the_actor_runs(
    served, grassroots, hours_member, hours_team, hours_leader_user, hours_other_leader_user
):
    with pytest.raises(NoIssuer, match="未依法登记"):
        _register(hours_member, grassroots, hours_leader_user)
    with pytest.raises(NotFound):
        _register(hours_member, hours_team, hours_other_leader_user)
    assert not CertificateRequest.objects.exists()  # nothing half-written


def test_the_publicity_length_is_a_setting(req, hours_leader_user, settings):
    settings.SHEGONG_VOLUNTEER_CERTIFICATE_PUBLICITY_DAYS = 10
    certificate_requests.approve_request(req, actor=hours_leader_user)
    req.refresh_from_db()
    assert req.publicity_ends_at == add_calendar_days(req.approved_at, 10)


def test_a_request_of_a_team_without_an_issuer_is_not_approved(
    grassroots, hours_member, hours_member_user, hours_leader_user
):
    found = certificate_requests.request_certificate(
        hours_member, grassroots, actor=hours_member_user, period_start=START,
        period_end=timezone.localdate(), purpose="求职",
    )  # fmt: skip
    with pytest.raises(NoIssuer, match="未依法登记"):
        certificate_requests.approve_request(found, actor=hours_leader_user)
    found.refresh_from_db()
    assert found.status == "requested" and found.publicity_ends_at is None


def test_an_objection_holds_the_request_until_it_is_answered(
    req, district, hours_member, hours_team, hours_leader_user, hours_member_user
):
    member_user = testing.user(Role.VOLUNTEER, district["community_a"], name="队员甲")
    member = testing.volunteer(district["community_a"], name="队员甲", account=member_user)
    hours_team.members.create(volunteer=member)
    hours_team.members.create(volunteer=hours_member)
    certificate_requests.approve_request(req, actor=hours_leader_user)
    # The applicant cannot object to their own publicity.
    with pytest.raises(DomainError, match="申请人本人"):
        certificate_requests.object_to_publicity(req, actor=hours_member_user, reason="不对")
    with pytest.raises(InvalidInput, match="请填写异议"):
        certificate_requests.object_to_publicity(req, actor=member_user, reason=" ")
    certificate_requests.object_to_publicity(req, actor=member_user, reason="3月那次没有到场")
    req.refresh_from_db()
    assert req.status == "held" and req.objection == "3月那次没有到场"
    assert Notification.objects.filter(
        recipient=hours_leader_user, event="volunteers.certificate_publicity_objected"
    ).exists()
    _over(req)
    with pytest.raises(IllegalTransition):
        _issue(hours_member, hours_team, hours_leader_user, request=req)
    # Set aside: back to 公示中; its end already passed, so it may be issued.
    certificate_requests.answer_objection(
        req, actor=hours_leader_user, upheld=False, answer="经核对签到表，当日到场"
    )
    req.refresh_from_db()
    assert req.status == "publicity" and req.objection_answer == "经核对签到表，当日到场"
    assert _issue(hours_member, hours_team, hours_leader_user, request=req).hours > 0


def test_an_upheld_objection_declines_the_request_and_tells_the_volunteer(
    req, district, hours_team, hours_leader_user, hours_member_user, street_a_staff
):
    certificate_requests.approve_request(req, actor=street_a_staff)
    certificate_requests.object_to_publicity(req, actor=hours_leader_user, reason="时长有出入")
    with pytest.raises(DomainError, match="请填写核实情况"):
        certificate_requests.answer_objection(req, actor=street_a_staff, upheld=True, answer="")
    certificate_requests.answer_objection(
        req, actor=street_a_staff, upheld=True, answer="部分记录待核实，核实后请重新申请"
    )
    req.refresh_from_db()
    assert req.status == "declined" and req.decline_reason == "部分记录待核实，核实后请重新申请"
    assert Notification.objects.filter(
        recipient=hours_member_user, event="volunteers.certificate_request_declined"
    ).exists()
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {
        int(Verb.CERTIFICATE_PUBLICITY_OBJECTED),
        int(Verb.CERTIFICATE_OBJECTION_ANSWERED),
    } <= verbs
    with pytest.raises(DomainError, match="没有待处理的公示异议"):
        certificate_requests.answer_objection(req, actor=street_a_staff, upheld=False, answer="x")


def test_no_objection_after_the_publicity_and_none_from_outside_the_team(
    req, hours_leader_user, hours_other_leader_user, street_b_staff
):
    certificate_requests.approve_request(req, actor=hours_leader_user)
    for outsider in (hours_other_leader_user, street_b_staff):
        with pytest.raises(NotFound):
            certificate_requests.object_to_publicity(req, actor=outsider, reason="不对")
    _over(req)
    with pytest.raises(DomainError, match="公示期已满"):
        certificate_requests.object_to_publicity(req, actor=hours_leader_user, reason="不对")


def test_a_to_do_counts_requests_whose_publicity_has_ended(req, hours_leader_user):
    certificate_requests.approve_request(req, actor=hours_leader_user)
    assert todos.certificates_to_issue(hours_leader_user) == 0
    _over(req)
    assert todos.certificates_to_issue(hours_leader_user) == 1


# --- pages ------------------------------------------------------------------------------------


def test_the_certificate_page_and_pdf_carry_the_seal_and_both_names(
    client, served, hours_member, hours_team, hours_leader_user, street_b_staff
):
    cert = _issue(hours_member, hours_team, hours_leader_user)
    client.force_login(hours_leader_user)
    page = client.get(reverse("volunteers:certificate", args=[cert.pk])).content.decode()
    assert "吴负责人" in page and "郑经办" in page and 'id="cert-seal"' in page
    seal = client.get(reverse("volunteers:certificate_seal", args=[cert.pk]))
    assert seal.status_code == 200 and seal["Content-Type"] == "image/png"
    image = certificates.render_image(cert, "http://testserver/x")
    # The red of the seal is on the page beside the issuer's block.
    box = image.crop((image.size[0] // 2 + 120, 800, image.size[0] - 60, 1400))
    reds = sum(1 for r, g, b in box.getdata() if r > 150 and g < 120 and b < 120)
    assert reds > 500
    client.force_login(street_b_staff)
    assert client.get(reverse("volunteers:certificate_seal", args=[cert.pk])).status_code == 404


def test_the_pages_take_a_request_through_publicity(
    client, req, district, hours_team, hours_leader_user, hours_other_leader_user
):
    client.force_login(hours_leader_user)
    # The issue form refuses a request not yet approved.
    early = client.get(reverse("volunteers:certificate_new"), {"request": req.pk})
    assert early.status_code == 302
    response = client.post(reverse("volunteers:certificate_request_approve", args=[req.pk]))
    assert response.status_code == 302
    req.refresh_from_db()
    assert req.status == "publicity"
    listing = client.get(reverse("volunteers:certificates")).content.decode()
    assert f'id="publicity-{req.pk}"' in listing and "公示中" in listing
    publicity = client.get(reverse("volunteers:certificate_publicity")).content.decode()
    assert req.volunteer.number in publicity
    # An outsider's publicity list is empty; objecting is a 404.
    client.force_login(hours_other_leader_user)
    assert (
        req.volunteer.number
        not in client.get(reverse("volunteers:certificate_publicity")).content.decode()
    )
    assert (
        client.post(
            reverse("volunteers:certificate_publicity_object", args=[req.pk]), {"reason": "x"}
        ).status_code
        == 404
    )
    client.force_login(hours_leader_user)
    client.post(
        reverse("volunteers:certificate_publicity_object", args=[req.pk]), {"reason": "时长有误"}
    )
    req.refresh_from_db()
    assert req.status == "held"
    bad = client.post(reverse("volunteers:certificate_request_objection", args=[req.pk]), {})
    assert bad.status_code == 422 and "处理结果" in bad.content.decode()
    ok = client.post(
        reverse("volunteers:certificate_request_objection", args=[req.pk]),
        {"upheld": "0", "answer": "已核实无误"},
    )
    assert ok.status_code == 302
    req.refresh_from_db()
    assert req.status == "publicity"


def test_the_issuer_page_saves_a_seal_upload(client, district, community_a_worker):
    client.force_login(community_a_worker)
    owner = f"region:{district['community_a'].code}"
    assert client.get(reverse("volunteers:issuer_edit"), {"owner": owner}).status_code == 200
    bad = client.post(
        reverse("volunteers:issuer_edit"),
        {"owner": owner, "name": "东关社区居民委员会", "head_name": "孙主任",
         "handler_name": "钱干事", "seal": SimpleUploadedFile("seal.png", b"not an image")},
    )  # fmt: skip
    assert bad.status_code == 422 and not CertificateIssuer.objects.exists()
    ok = client.post(
        reverse("volunteers:issuer_edit"),
        {"owner": owner, "name": "东关社区居民委员会", "head_name": "孙主任",
         "handler_name": "钱干事", "seal": SimpleUploadedFile("seal.png", _png())},
    )  # fmt: skip
    assert ok.status_code == 302
    issuer = CertificateIssuer.objects.get()
    listing = client.get(reverse("volunteers:issuers")).content.decode()
    assert "东关社区居民委员会" in listing and "孙主任" in listing
    assert client.get(reverse("volunteers:issuer_seal", args=[issuer.pk])).status_code == 200
    # Another street's office is not on offer.
    assert client.get(reverse("volunteers:issuer_edit"), {"owner": "region:999"}).status_code == 404
