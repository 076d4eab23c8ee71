"""Registration events through the actions: applications (draft → submitted → approved |
returned → resubmitted | withdrawn) applied to the record with their 公告, penalties with their
statutory grounds, and every bad input the issue names (nothing half-written)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.documents import MAX_BYTES
from shegong.core.errors import DomainError, IllegalTransition, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.ledger.choices import OrgStatus
from shegong.socialorgs.actions import events, records
from shegong.socialorgs.models import (
    Announcement,
    Application,
    ApplicationAttachment,
    CharterVersion,
    Penalty,
    SocialOrg,
)


def pdf(name="申请书.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def attach_all(application, actor, materials):
    for material in materials:
        events.add_attachments(application, material, [pdf(f"{material}.pdf")], actor=actor)


def change(social_org, actor, **extra):
    data = {
        "kind": "change",
        "items": ["name", "legal_rep"],
        "requested": {"name": "东关书画协会", "legal_rep": "李四光"},
        "supervisor_approved_on": (timezone.localdate() - timedelta(days=5)).isoformat(),
        "reason": "会员大会决议更名",
        **extra,
    }
    return events.save_application(social_org, data, actor=actor)


def test_org_account_files_change_and_registrar_approves_it(org_user, registrar, social_org):
    app = change(social_org, org_user)
    assert app.state == "draft" and not app.on_behalf and app.filed_by == org_user
    assert app.due_on == date.fromisoformat(app.supervisor_approved_on.isoformat()) + timedelta(30)
    # a change of legal representative needs the audit report: named when missing
    attach_all(app, org_user, ["application_form", "minutes"])
    with pytest.raises(InvalidInput) as exc:
        events.submit_application(app, actor=org_user)
    assert "财务审计报告" in str(exc.value.detail)
    app.refresh_from_db()
    assert app.state == "draft"
    attach_all(app, org_user, ["audit_report"])
    events.submit_application(app, actor=org_user)
    app.refresh_from_db()
    assert app.state == "submitted" and not app.late
    events.approve_application(app, actor=registrar)
    app.refresh_from_db()
    so = SocialOrg.objects.get(pk=social_org.pk)
    assert app.state == "approved" and app.decided_by == registrar
    assert so.organization.name == "东关书画协会" and so.organization.legal_rep == "李四光"
    kinds = set(Announcement.objects.values_list("kind", flat=True))
    assert {"founded", "name_changed", "legal_rep_changed"} <= kinds
    rep = Announcement.objects.get(kind="legal_rep_changed")
    assert "李*" in rep.body and "李四光" not in rep.body  # masked personal name
    approved = AuditEvent.objects.get(verb=Verb.APPLICATION_APPROVED)
    assert approved.data["changed"]["name"] == ["东关书法家协会", "东关书画协会"]


def test_supervisor_approval_needed_only_when_the_org_has_a_supervisor(
    registrar, org_data, social_org
):
    so = records.register_social_org(
        org_data(
            name="示范教育协会", supervisor="示范区教育局",
            credit_code=__import__("shegong.socialorgs.demo", fromlist=["x"]).credit_code(
                "association", "341271", 9
            ),
            registration_number="皖民证字第00009号",
        ),
        actor=registrar,
    )  # fmt: skip
    app = events.save_application(so, {"kind": "renewal", "reason": "延续"}, actor=registrar)
    assert app.on_behalf
    attach_all(app, registrar, ["application_form"])
    with pytest.raises(InvalidInput, match="业务主管单位批准文件"):
        events.submit_application(app, actor=registrar)
    plain = events.save_application(social_org, {"kind": "renewal"}, actor=registrar)
    attach_all(plain, registrar, ["application_form"])
    assert events.submit_application(plain, actor=registrar).state == "submitted"


def test_return_with_reasons_then_resubmit(org_user, registrar, social_org):
    app = events.save_application(social_org, {"kind": "renewal"}, actor=org_user)
    attach_all(app, org_user, ["application_form"])
    events.submit_application(app, actor=org_user)
    with pytest.raises(InvalidInput) as exc:
        events.return_application(app, "  ", actor=registrar)
    assert exc.value.errors[0]["field"] == "reasons"
    app.refresh_from_db()
    assert app.state == "submitted"
    events.return_application(app, "申请书缺少盖章", actor=registrar)
    app.refresh_from_db()
    assert app.state == "returned" and app.return_reasons == "申请书缺少盖章"
    with pytest.raises(IllegalTransition):
        events.approve_application(app, actor=registrar)
    events.save_application(social_org, {"kind": "renewal", "reason": "补章"}, application=app,
                            actor=org_user)  # fmt: skip
    events.submit_application(app, actor=org_user)
    events.approve_application(app, actor=registrar)
    app.refresh_from_db()
    assert app.state == "approved" and app.times_returned == 1


def test_deregistration_clock_and_approval_close_the_org(org_user, registrar, social_org):
    today = timezone.localdate()
    with pytest.raises(InvalidInput) as exc:
        events.save_application(
            social_org,
            {"kind": "deregistration", "dissolved_on": today.isoformat(),
             "liquidation_ended_on": (today - timedelta(days=1)).isoformat()},
            actor=org_user,
        )  # fmt: skip
    assert exc.value.errors[0]["field"] == "liquidation_ended_on"
    assert not Application.objects.exists()
    app = events.save_application(
        social_org,
        {"kind": "deregistration", "dissolved_on": (today - timedelta(days=60)).isoformat(),
         "liquidation_ended_on": (today - timedelta(days=20)).isoformat()},
        actor=org_user,
    )  # fmt: skip
    assert app.due_on == today - timedelta(days=5)
    attach_all(app, org_user, ["deregistration_form", "liquidation_report", "certificates"])
    events.submit_application(app, actor=org_user)
    app.refresh_from_db()
    assert app.late  # 20 days after the liquidation ended: past the 15 days
    events.approve_application(app, actor=registrar)
    so = SocialOrg.objects.get(pk=social_org.pk)
    assert so.status == "deregistered" and so.organization.status == OrgStatus.CLOSED
    assert Announcement.objects.filter(kind="deregistered", social_org=so).count() == 1
    # any further application for the 注销 organization is refused with the reason
    with pytest.raises(DomainError, match="注销"):
        events.save_application(so, {"kind": "renewal"}, actor=registrar)
    assert Application.objects.count() == 1


def test_charter_approval_adds_a_version_with_the_file(org_user, registrar, social_org):
    app = events.save_application(
        social_org, {"kind": "charter", "party_building": True}, actor=org_user
    )
    attach_all(app, org_user, ["application_form", "minutes", "charter_draft"])
    events.submit_application(app, actor=org_user)
    events.approve_application(app, actor=registrar)
    charter = CharterVersion.objects.get(social_org=social_org)
    assert charter.party_building and charter.file_name == "charter_draft.pdf"


def test_bad_files_are_named_and_nothing_is_kept(org_user, social_org):
    app = events.save_application(social_org, {"kind": "renewal"}, actor=org_user)
    bad = SimpleUploadedFile("病毒.exe", b"MZ....")
    big = SimpleUploadedFile("大文件.pdf", b"%PDF-" + b"0" * (MAX_BYTES + 1))
    fake = SimpleUploadedFile("假的.pdf", b"not a pdf")
    with pytest.raises(InvalidInput) as exc:
        events.add_attachments(app, "application_form", [pdf(), bad, big, fake], actor=org_user)
    message = str(exc.value.detail)
    assert "病毒.exe" in message and "大文件.pdf" in message and "假的.pdf" in message
    assert not ApplicationAttachment.objects.exists()


def test_other_orgs_account_and_other_street_registrar_get_404(
    registrar_b, org_user, registrar, social_org, org_data, district
):
    app = events.save_application(social_org, {"kind": "renewal"}, actor=org_user)
    with pytest.raises(NotFound):
        events.save_application(social_org, {"kind": "renewal"}, actor=registrar_b)
    with pytest.raises(NotFound):
        events.return_application(app, "理由", actor=registrar_b)
    assert Application.objects.count() == 1


def test_withdraw(org_user, social_org):
    app = events.save_application(social_org, {"kind": "renewal"}, actor=org_user)
    events.withdraw_application(app, actor=org_user)
    app.refresh_from_db()
    assert app.state == "withdrawn"
    with pytest.raises(DomainError):
        events.save_application(social_org, {"kind": "renewal"}, application=app, actor=org_user)


def test_change_needs_items_values_and_date(org_user, social_org):
    with pytest.raises(InvalidInput) as exc:
        events.save_application(
            social_org, {"kind": "change", "items": ["capital"], "requested": {"capital": "-3"}},
            actor=org_user,
        )  # fmt: skip
    fields = {e["field"] for e in exc.value.errors}
    assert fields == {"requested_capital", "supervisor_approved_on"}
    with pytest.raises(InvalidInput) as exc:
        events.save_application(social_org, {"kind": "change"}, actor=org_user)
    assert {e["field"] for e in exc.value.errors} >= {"items"}
    assert not Application.objects.exists()


def penalty(kind="warning", **extra):
    return {
        "kind": kind,
        "ground": "society_30_2",
        "decision_number": "示民罚字〔2026〕1号",
        "decided_on": timezone.localdate().isoformat(),
        "facts": "超范围开展培训",
        **extra,
    }


def test_penalties_warning_fine_suspension_cancellation(registrar, social_org):
    events.impose_penalty(social_org, penalty(), actor=registrar)
    fine = events.impose_penalty(social_org, penalty("fine", amount="5000"), actor=registrar)
    assert str(fine.amount) == "5000.00"
    until = (timezone.localdate() + timedelta(days=90)).isoformat()
    events.impose_penalty(social_org, penalty("suspension", suspended_until=until), actor=registrar)
    assert SocialOrg.objects.get(pk=social_org.pk).status == "suspended"
    events.impose_penalty(
        social_org, penalty("cancellation", ground="society_29_inactive"), actor=registrar
    )
    so = SocialOrg.objects.get(pk=social_org.pk)
    assert so.status == "cancelled" and so.organization.status == OrgStatus.CLOSED
    notice = Announcement.objects.get(kind="penalty", social_org=so)
    assert "第二十九条" in notice.body
    assert Penalty.objects.count() == 4
    assert AuditEvent.objects.filter(verb=Verb.PENALTY_IMPOSED).count() == 4


def test_penalty_bad_input_refused_and_nothing_written(registrar, social_org):
    for data, field in [
        (penalty("fine", amount="0"), "amount"),
        (penalty("fine", amount="-10"), "amount"),
        (penalty("fine", amount="abc"), "amount"),
        (penalty(ground="foundation_42_1"), "ground"),  # not for an association
        (penalty("warning", ground="society_29_fraud"), "kind"),  # only 撤销
        (penalty(decision_number=""), "decision_number"),
        (penalty("suspension"), "suspended_until"),
    ]:
        with pytest.raises(InvalidInput) as exc:
            events.impose_penalty(social_org, data, actor=registrar)
        assert field in {e["field"] for e in exc.value.errors}, data
    assert not Penalty.objects.exists()
    assert SocialOrg.objects.get(pk=social_org.pk).status == "normal"


def test_status_change_to_deregistered_publishes_and_keeps_old_tests(registrar, social_org):
    records.change_status(social_org, "deregistered", legal_basis="依申请", actor=registrar)
    assert Announcement.objects.filter(kind="deregistered").count() == 1
