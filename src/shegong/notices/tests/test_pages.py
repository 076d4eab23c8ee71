"""The notice pages with the Django client: the manager (filters, export, draft, publish,
withdraw), the objection queue (assign, answer), the public list and the objection form, the
workbench card and to-do."""

from __future__ import annotations

import re
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from shegong import testing
from shegong.notices.actions import objections
from shegong.notices.choices import NoticeStatus, ObjectionStatus
from shegong.notices.models import Notice, Objection

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
AT = "%Y-%m-%dT%H:%M"


def _total(html: str) -> int:
    return int(re.search(r'data-sg-total="(\d+)"', html).group(1))


def test_the_manager_lists_filters_and_exports(client, district, notice, past_notice,
                                               community_a_worker):  # fmt: skip
    client.force_login(community_a_worker)
    page = client.get("/notices/")
    assert page.status_code == 200 and _total(page.content.decode()) == 2
    current = client.get("/notices/", {"state": "current"}).content.decode()
    assert _total(current) == 1 and notice.title in current
    assert _total(client.get("/notices/", {"open": "1"}).content.decode()) == 0
    by_street = client.get("/notices/", {"region": district["street_a"].code}).content.decode()
    assert _total(by_street) == 2
    export = client.get("/notices/export/", {"state": "past"})
    assert export.status_code == 200 and export["Content-Type"].startswith("application/vnd")


def test_draft_with_an_attachment_publish_and_withdraw(client, district, community_a_worker):
    client.force_login(community_a_worker)
    form = client.get("/notices/new/").content.decode()
    assert "其他公示" in form and 'name="attachments"' in form
    start = timezone.localtime() + timedelta(days=1)
    refused = client.post("/notices/new/", {
        "kind": "notices.general", "region": district["community_a"].code, "title": "公示",
        "body": "正文", "starts_at": start.strftime(AT),
        "ends_at": (start - timedelta(days=1)).strftime(AT),
    })  # fmt: skip
    assert refused.status_code == 422 and "公示结束时间须晚于开始时间" in refused.content.decode()
    assert Notice.objects.count() == 0
    done = client.post("/notices/new/", {
        "kind": "notices.general", "region": district["community_a"].code, "title": "公示",
        "body": "正文", "attachments": SimpleUploadedFile("名单.pdf", PDF),
    })  # fmt: skip
    assert done.status_code == 302
    notice = Notice.objects.get()
    detail = client.get(f"/notices/{notice.pk}/").content.decode()
    assert "名单.pdf" in detail and 'id="notice-publish"' in detail
    assert client.get(f"/notices/{notice.pk}/files/0/").status_code == 200
    assert client.post(f"/notices/{notice.pk}/publish/").status_code == 302
    assert Notice.objects.get().status == NoticeStatus.PUBLISHED
    public = client.get(f"/public/notices/{notice.pk}/files/0/")
    assert public.status_code == 200
    no_reason = client.post(f"/notices/{notice.pk}/withdraw/", {"reason": ""})
    assert no_reason.status_code == 422
    assert client.post(f"/notices/{notice.pk}/withdraw/", {"reason": "有误"}).status_code == 302
    assert client.get(f"/public/notices/{notice.pk}/").status_code == 404
    assert client.get(f"/public/notices/{notice.pk}/files/0/").status_code == 404


def test_the_objection_queue_assigns_and_answers(client, notice, community_a_worker):
    objection = objections.submit_objection(notice, name="王小明", phone="13912345678",
                                            content="材料不实")  # fmt: skip
    client.force_login(community_a_worker)
    queue = client.get("/notices/objections/").content.decode()
    assert "材料不实" in queue and "王**" in queue and "王小明" not in queue
    assert _total(queue) == 1
    page = client.get(f"/notices/objections/{objection.pk}/").content.decode()
    assert "139****5678" in page
    assigned = client.post(f"/notices/objections/{objection.pk}/assign/",
                           {"assignee": community_a_worker.pk})  # fmt: skip
    assert assigned.status_code == 302
    empty = client.post(f"/notices/objections/{objection.pk}/answer/", {"verdict": "rejected"})
    assert empty.status_code == 200 or empty.status_code == 422
    assert Objection.objects.get().status == ObjectionStatus.ASSIGNED
    client.post(f"/notices/objections/{objection.pk}/answer/",
                {"verdict": "rejected", "answer": "经核实属实"})  # fmt: skip
    assert Objection.objects.get().status == ObjectionStatus.ANSWERED
    tabs = client.get("/notices/objections/", {"status": "answered"}).content.decode()
    assert _total(tabs) == 1


def test_staff_record_a_phoned_objection(client, notice, community_a_worker):
    client.force_login(community_a_worker)
    bad = client.post(f"/notices/{notice.pk}/record/", {"phone": "1", "content": ""})
    assert bad.status_code == 422 and Objection.objects.count() == 0
    done = client.post(f"/notices/{notice.pk}/record/",
                       {"phone": "13812345678", "content": "电话反映"})  # fmt: skip
    assert done.status_code == 302
    assert not Objection.objects.get().holds  # the box unticked


def test_the_card_and_the_todo_agree_with_their_lists(client, notice, community_a_worker):
    objections.submit_objection(notice, phone="13912345678", content="有误")
    todo = testing.todo_of(community_a_worker, "notices.open_objections")
    assert todo is not None and todo["count"] == 1
    client.force_login(community_a_worker)
    home = client.get("/").content.decode()
    card = re.search(r'id="card-notices".*?</div>\s*</div>\s*</div>', home, re.S)
    assert card
    for url, count in re.findall(r'href="([^"]+)" data-indicator="[^"]+" data-sg-count="(\d+)"',
                                 card.group(0)):  # fmt: skip
        listed = client.get(url.replace("&amp;", "&")).content.decode()
        assert _total(listed) == int(count)
    assert _total(client.get(todo["url"]).content.decode()) == 1


def test_public_pages_and_the_objection_form(client, notice, past_notice):
    listed = client.get("/public/notices/").content.decode()
    assert notice.title in listed and past_notice.title not in listed
    street = client.get("/public/notices/", {"region": "341271001000"}).content.decode()
    assert notice.title in street
    other = client.get("/public/notices/", {"region": "341271002000"}).content.decode()
    assert notice.title not in other
    past = client.get("/public/notices/", {"tab": "past"}).content.decode()
    assert past_notice.title in past and notice.title not in past
    page = client.get(f"/public/notices/{notice.pk}/").content.decode()
    assert "0558-1234567" in page and 'id="objection-form"' in page
    bad = client.post(f"/public/notices/{notice.pk}/", {"phone": "123", "content": ""})
    assert bad.status_code == 422 and "手机号" in bad.content.decode()
    ok = client.post(f"/public/notices/{notice.pk}/",
                     {"name": "王小明", "phone": "13912345678", "content": "有误"})  # fmt: skip
    assert ok.status_code == 200 and "受理编号" in ok.content.decode()
    again = client.get(f"/public/notices/{notice.pk}/").content.decode()
    assert "王小明" not in again and "13912345678" not in again
    closed = client.get(f"/public/notices/{past_notice.pk}/").content.decode()
    assert 'id="objection-form"' not in closed and "不再受理异议" in closed
    refused = client.post(f"/public/notices/{past_notice.pk}/",
                          {"phone": "13912345678", "content": "有误"})  # fmt: skip
    assert refused.status_code == 409 and Objection.objects.count() == 1
