"""The actions of notices: drafts (the window checked, attachments kept), objections (public,
by staff), assign and answer, holds released, counters, scope and audit."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound, NotPermitted, RateLimited
from shegong.core.models import AuditEvent
from shegong.core.notify import Notification
from shegong.core.perms import Role
from shegong.notices import queries
from shegong.notices.actions import notices as verbs
from shegong.notices.actions import objections
from shegong.notices.choices import NoticeStatus, ObjectionStatus
from shegong.notices.models import Notice, Objection

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _draft(actor, region, **more):
    fields = {"kind": "notices.general", "region": region, "title": "社区议事结果公示",
              "body": "经议事会讨论……"}  # fmt: skip
    fields.update(more)
    return verbs.create_draft(actor=actor, **fields)


def test_a_draft_takes_the_kinds_days_and_the_default_phone(settings, district, community_a_worker):
    settings.SHEGONG_NOTICE_PHONE = "0558-12345"
    pdf = SimpleUploadedFile("名单.pdf", PDF, content_type="application/pdf")
    notice = _draft(community_a_worker, district["community_a"].code, files=[pdf])
    assert notice.status == NoticeStatus.DRAFT and notice.phone == "0558-12345"
    assert notice.ends_at - notice.starts_at == timedelta(days=7)
    assert notice.attachments[0]["name"] == "名单.pdf"
    assert notice.attachments[0]["path"].startswith("notices/")
    assert default_storage.exists(notice.attachments[0]["path"])
    assert AuditEvent.objects.filter(verb=Verb.NOTICE_DRAFTED, target_id=str(notice.pk)).exists()


def test_a_window_that_ends_before_it_starts_is_refused(district, community_a_worker):
    start = timezone.now() + timedelta(days=2)
    with pytest.raises(InvalidInput) as caught:
        _draft(community_a_worker, district["community_a"], starts_at=start,
               ends_at=start - timedelta(hours=1))  # fmt: skip
    assert caught.value.errors[0]["field"] == "ends_at"
    assert Notice.objects.count() == 0


def test_a_bad_attachment_is_refused_and_nothing_is_written(district, community_a_worker):
    fake = SimpleUploadedFile("名单.pdf", b"MZ not a pdf", content_type="application/pdf")
    with pytest.raises(InvalidInput, match="内容与扩展名不符"):
        _draft(community_a_worker, district["community_a"], files=[fake])
    assert Notice.objects.count() == 0


def test_scope_of_drafts(district, community_a_worker, resident):
    with pytest.raises(NotFound):
        _draft(community_a_worker, district["community_b"])
    with pytest.raises(InvalidInput, match="社区、街道或区"):
        _draft(community_a_worker, district["grid_a"])
    with pytest.raises(NotPermitted):
        _draft(resident, district["community_a"])


def test_edit_publish_and_withdraw(district, street_a_staff):
    community_a_worker = street_a_staff
    notice = _draft(community_a_worker, district["community_a"])
    start = timezone.now() + timedelta(days=1)
    edited = verbs.edit_draft(
        notice, actor=community_a_worker, kind="notices.general", region=district["street_a"],
        title="改后的标题", body="正文", starts_at=start, ends_at=start + timedelta(days=3),
    )  # fmt: skip
    assert edited.title == "改后的标题" and edited.region_id == district["street_a"].code
    verbs.publish(notice, actor=community_a_worker)
    with pytest.raises(DomainError):
        verbs.edit_draft(notice, actor=community_a_worker, kind="notices.general",
                         region=district["street_a"], title="x", body="y")  # fmt: skip
    verbs.withdraw(notice, reason="内容有误", actor=community_a_worker)
    assert Notice.objects.get(pk=notice.pk).status == NoticeStatus.WITHDRAWN


def test_a_public_objection_holds_until_answered(district, notice, community_a_worker):
    target = district["grid_a"]
    objection = objections.submit_objection(
        notice, name="王小明", phone="13912345678", content="该项目申报材料不实", ip="10.0.0.1"
    )
    notice.refresh_from_db()
    assert (notice.open_objections, notice.objection_count) == (1, 1)
    assert objection.holds and queries.is_held(target)
    assert objection.masked_name == "王**" and objection.phone == "13912345678"
    assert objections.receipt_number(objection).startswith("YY")
    # the community's staff are told
    assert Notification.objects.filter(recipient=community_a_worker).exists()
    objections.assign_objection(objection, actor=community_a_worker, assignee=community_a_worker)
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.ASSIGNED
    assert queries.is_held(target)
    objections.answer_objection(
        objection, actor=community_a_worker, verdict="rejected", answer="经核实材料属实"
    )
    notice.refresh_from_db()
    assert (notice.open_objections, notice.objection_count) == (0, 1)
    assert not queries.is_held(target)
    verbs_seen = set(
        AuditEvent.objects.filter(target_id=str(objection.pk)).values_list("verb", flat=True)
    )
    assert {Verb.OBJECTION_SUBMITTED, Verb.OBJECTION_ASSIGNED, Verb.OBJECTION_ANSWERED} <= {
        Verb(v) for v in verbs_seen
    }


def test_bad_objections_are_refused_and_nothing_is_written(notice, past_notice):
    with pytest.raises(InvalidInput) as caught:
        objections.submit_objection(notice, phone="123", content="")
    assert {e["field"] for e in caught.value.errors} == {"phone", "content"}
    with pytest.raises(DomainError, match="公示期满结束"):
        objections.submit_objection(past_notice, phone="13912345678", content="有异议")
    withdrawn = verbs.make_notice(kind="notices.general", region=notice.region, title="t",
                                  body="b")  # fmt: skip
    Notice.objects.filter(pk=withdrawn.pk).update(status=NoticeStatus.WITHDRAWN)
    with pytest.raises(NotFound):
        objections.submit_objection(withdrawn, phone="13912345678", content="有异议")
    assert Objection.objects.count() == 0
    notice.refresh_from_db()
    assert notice.objection_count == 0


def test_objections_are_rate_limited_per_phone(notice):
    for i in range(objections.PER_PHONE):
        objections.submit_objection(
            notice, phone="13912345678", content=f"第{i}条", ip=f"10.0.0.{i}"
        )
    with pytest.raises(RateLimited):
        objections.submit_objection(notice, phone="13912345678", content="再来", ip="10.0.0.9")
    assert Objection.objects.count() == objections.PER_PHONE


def test_staff_record_a_phoned_objection_that_does_not_hold(district, notice, community_a_worker):
    objection = objections.record_objection(
        notice, actor=community_a_worker, name="李四", phone="13812345678", content="电话反映",
        holds=False,
    )  # fmt: skip
    assert not objection.holds and not queries.is_held(district["grid_a"])
    notice.refresh_from_db()
    assert notice.open_objections == 1


def test_answer_and_assign_need_input_and_scope(district, notice, community_a_worker,
                                                street_b_staff):  # fmt: skip
    objection = objections.submit_objection(notice, phone="13912345678", content="有异议")
    with pytest.raises(InvalidInput) as caught:
        objections.answer_objection(objection, actor=community_a_worker, verdict="", answer="")
    assert {e["field"] for e in caught.value.errors} == {"verdict", "answer"}
    with pytest.raises(NotFound):
        objections.answer_objection(objection, actor=street_b_staff, verdict="upheld", answer="x")
    with pytest.raises(InvalidInput):
        objections.assign_objection(objection, actor=community_a_worker, assignee=street_b_staff)
    other = testing.user(Role.RESIDENT, district["community_a"])
    with pytest.raises(NotPermitted):
        objections.assign_objection(objection, actor=other, assignee=community_a_worker)
    assert Objection.objects.get(pk=objection.pk).status == ObjectionStatus.OPEN
    objections.answer_objection(objection, actor=community_a_worker, verdict="upheld", answer="x")
    with pytest.raises(DomainError):
        objections.answer_objection(objection, actor=community_a_worker, verdict="upheld",
                                    answer="again")  # fmt: skip
