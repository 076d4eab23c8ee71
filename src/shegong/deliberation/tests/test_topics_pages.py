"""The topic pages: the staff queue (filters, clocks, paging total, export), a topic (answer,
merge), a topic entered by staff with the compare step and from a case, settings and
categories, the to-dos; the H5 hall, 提议题 with its compare step, 支持 and 我的议题."""

from __future__ import annotations

import io
from datetime import timedelta

from django.utils import timezone
from openpyxl import load_workbook

from shegong import testing
from shegong.core.models import AuditEvent
from shegong.core.verbs import Verb
from shegong.deliberation.actions import topics
from shegong.deliberation.choices import TopicStatus
from shegong.deliberation.models import CommunitySettings, Topic, TopicSupport


def raise_topic(actor, region, category, title="3号楼加装电梯", body="老人上下楼困难"):
    return topics.submit(actor, region=region, category=category, title=title, body=body)


# --- the staff queue -------------------------------------------------------------------------


def test_the_queue_filters_by_clock_and_shows_it(
    client, district, resident, outsider, community_a_worker, topic_category
):
    late = raise_topic(resident, district["community_a"], topic_category, title="路灯不亮")
    Topic.objects.filter(pk=late.pk).update(answer_due_at=timezone.now() - timedelta(days=2))
    raise_topic(resident, district["community_a"], topic_category, title="3号楼加装电梯")
    raise_topic(outsider, district["community_b"], topic_category, title="西关停车难")
    client.force_login(community_a_worker)
    page = client.get("/deliberation/topics/")
    assert page.status_code == 200
    assert (
        "路灯不亮" in page.text and "3号楼加装电梯" in page.text and "西关停车难" not in page.text
    )
    assert 'data-sg-total="2"' in page.text and "已超时 2 天" in page.text
    assert "剩余" in page.text
    overdue = client.get("/deliberation/topics/", {"clock": "overdue"})
    assert "路灯不亮" in overdue.text and "3号楼加装电梯" not in overdue.text
    assert 'data-sg-total="1"' in overdue.text
    searched = client.get("/deliberation/topics/", {"q": "电梯", "sort": "supports"})
    assert 'data-sg-total="1"' in searched.text


def test_the_todos_count_the_lists_they_open(
    client, district, resident, neighbour, community_a_worker, topic_category
):
    CommunitySettings.objects.create(region=district["community_a"], support_threshold=1)
    late = raise_topic(resident, district["community_a"], topic_category, title="路灯不亮")
    Topic.objects.filter(pk=late.pk).update(answer_due_at=timezone.now() - timedelta(hours=1))
    ready = raise_topic(resident, district["community_a"], topic_category, title="加装电梯")
    topics.support(neighbour, ready)
    assert testing.todo_of(community_a_worker, "deliberation.topics_overdue")["count"] == 1
    assert testing.todo_of(community_a_worker, "deliberation.topics_agenda")["count"] == 1
    client.force_login(community_a_worker)
    agenda = client.get("/deliberation/topics/", {"clock": "agenda"})
    assert 'data-sg-total="1"' in agenda.text and "加装电梯" in agenda.text


def test_the_export_is_audited_scoped_and_masked(
    client, district, resident, outsider, community_a_worker, topic_category
):
    raise_topic(resident, district["community_a"], topic_category)
    raise_topic(outsider, district["community_b"], topic_category, title="西关停车难")
    client.force_login(community_a_worker)
    response = client.get("/deliberation/topics/export/")
    assert response.status_code == 200 and response["X-Export-Rows"] == "1"
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    assert sheet.cell(2, 4).value == "3号楼加装电梯"
    assert sheet.cell(2, 8).value == "东***"  # 东关居民, masked
    entry = AuditEvent.objects.get(verb=int(Verb.DELIBERATION_EXPORTED))
    assert entry.data["table"] == "topics" and entry.data["masked"] is True


def test_a_resident_has_no_staff_pages(client, resident):
    client.force_login(resident)
    assert client.get("/deliberation/topics/").status_code == 403


# --- a topic ---------------------------------------------------------------------------------


def test_a_worker_answers_on_the_page(
    client, district, resident, community_a_worker, topic_category
):
    topic = raise_topic(resident, district["community_a"], topic_category)
    client.force_login(community_a_worker)
    page = client.get(f"/deliberation/topics/{topic.pk}/")
    assert page.status_code == 200 and "提交答复" in page.text and "东***" in page.text
    refused = client.post(
        f"/deliberation/topics/{topic.pk}/answer/", {"status": "rejected", "reason": ""}
    )
    assert refused.status_code == 422 and "请填写不予采纳的理由" in refused.text
    done = client.post(
        f"/deliberation/topics/{topic.pk}/answer/", {"status": "adopted", "reason": "列入年度计划"}
    )
    assert done.status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.ADOPTED and topic.answer == "列入年度计划"


def test_merge_on_the_page_and_its_refusals(
    client, district, resident, neighbour, community_a_worker, topic_category
):
    into = raise_topic(resident, district["community_a"], topic_category, title="3号楼加装电梯")
    source = raise_topic(neighbour, district["community_a"], topic_category, title="三号楼装电梯")
    topics.support(resident, source)
    client.force_login(community_a_worker)
    page = client.get(f"/deliberation/topics/{source.pk}/")
    assert f'value="{into.pk}"' in page.text  # offered as a similar topic
    search = client.get(f"/deliberation/topics/{source.pk}/", {"q": "3号楼"})
    assert f'value="{into.pk}"' in search.text
    itself = client.post(f"/deliberation/topics/{source.pk}/merge/", {"into": source.pk})
    assert itself.status_code == 422 and "不能将议题合并到其自身" in itself.text
    done = client.post(f"/deliberation/topics/{source.pk}/merge/", {"into": into.pk})
    assert done.status_code == 302 and done["Location"] == f"/deliberation/topics/{into.pk}/"
    into.refresh_from_db()
    assert into.support_count == 1
    again = client.post(f"/deliberation/topics/{source.pk}/merge/", {"into": into.pk})
    assert again.status_code == 409 and "不能再合并" in again.text


def test_another_streets_topic_is_404(
    client, district, outsider, community_a_worker, topic_category
):
    far = raise_topic(outsider, district["community_b"], topic_category)
    client.force_login(community_a_worker)
    assert client.get(f"/deliberation/topics/{far.pk}/").status_code == 404
    assert (
        client.post(f"/deliberation/topics/{far.pk}/answer/", {"status": "adopted"}).status_code
        == 404
    )


# --- entered by staff ------------------------------------------------------------------------


def test_staff_form_shows_similar_topics_first(
    client, district, resident, community_a_worker, topic_category
):
    existing = raise_topic(resident, district["community_a"], topic_category)
    client.force_login(community_a_worker)
    assert client.get("/deliberation/topics/new/").status_code == 200
    data = {
        "region": district["community_a"].code, "category": topic_category.pk,
        "title": "三号楼装电梯的事", "body": "居民电话反映",
        "on_behalf_label": "居民王某（电话反映）",
    }  # fmt: skip
    compare = client.post("/deliberation/topics/new/", data)
    assert compare.status_code == 200 and "已有相似议题" in compare.text
    assert existing.title in compare.text and "仍要提交" in compare.text
    assert Topic.objects.count() == 1
    done = client.post("/deliberation/topics/new/", {**data, "confirmed": "1"})
    assert done.status_code == 302
    saved = Topic.objects.latest("id")
    assert saved.source == "staff" and saved.submitter_label == "居民王某（电话反映）"


def test_staff_form_errors_write_nothing(client, district, community_a_worker, topic_category):
    client.force_login(community_a_worker)
    bad = client.post("/deliberation/topics/new/", {
        "region": district["community_a"].code, "category": topic_category.pk, "title": "",
        "body": "x",
    })  # fmt: skip
    assert bad.status_code == 200 or bad.status_code == 422
    assert "这个字段是必填项" in bad.text or "请填写议题" in bad.text
    assert not Topic.objects.exists()


def test_a_snap_report_prefills_the_form(
    client, district, resident, community_a_worker, topic_category
):
    from shegong.reports.actions.reports import submit_report

    report = submit_report(
        actor=resident, category=testing.report_category(), description="井盖缺失",
        lat=testing.POINT_A[0], lon=testing.POINT_A[1],
    )  # fmt: skip
    client.force_login(community_a_worker)
    page = client.get("/deliberation/topics/new/", {"report": report.pk})
    assert page.status_code == 200 and "井盖缺失" in page.text and "随手拍工单" in page.text
    done = client.post(f"/deliberation/topics/new/?report={report.pk}", {
        "region": district["community_a"].code, "category": topic_category.pk,
        "title": "井盖缺失", "body": "井盖缺失", "report": report.pk,
    })  # fmt: skip
    assert done.status_code == 302
    assert Topic.objects.get().report == report


# --- settings and categories -----------------------------------------------------------------


def test_settings_page_saves_and_refuses(client, district, community_a_worker):
    client.force_login(community_a_worker)
    assert client.get("/deliberation/settings/").status_code == 200
    data = {
        "hall_name": "樟树议事厅", "support_threshold": 12, "answer_workdays": 5,
        "monthly_cadence": "on", "adults": 1000, "households": 400, "groups": 8,
        "representatives": 30,
    }  # fmt: skip
    code = district["community_a"].code
    done = client.post(f"/deliberation/settings/?community={code}", data)
    assert done.status_code == 302
    assert CommunitySettings.objects.get(region=district["community_a"]).support_threshold == 12
    bad = client.post(f"/deliberation/settings/?community={code}", {**data, "answer_workdays": 0})
    assert bad.status_code == 422
    other = district["community_b"].code
    assert client.get(f"/deliberation/settings/?community={other}").status_code == 404


def test_categories_page(client, district_admin, community_a_worker, topic_category):
    client.force_login(district_admin)
    page = client.get("/deliberation/categories/")
    assert page.status_code == 200 and "加装电梯" in page.text
    done = client.post(
        "/deliberation/categories/",
        {"code": "greening", "name": "绿化", "order": 5, "is_active": "on"},
    )
    assert done.status_code == 302
    dup = client.post("/deliberation/categories/", {"code": "g2", "name": "绿化", "order": 5})
    assert dup.status_code == 422 and "已有同名的议题类别" in dup.text
    client.force_login(community_a_worker)
    assert "议题类别由区级工作人员统一维护" in client.get("/deliberation/categories/").text
    assert (
        client.post("/deliberation/categories/", {"code": "x", "name": "y", "order": 1}).status_code
        == 403
    )


# --- H5 --------------------------------------------------------------------------------------


def test_the_hall_shows_the_communitys_topics(client, district, resident, outsider, topic_category):
    raise_topic(resident, district["community_a"], topic_category)
    raise_topic(outsider, district["community_b"], topic_category, title="西关停车难")
    client.force_login(resident)
    hall = client.get("/m/deliberation/")
    assert (
        hall.status_code == 200 and "3号楼加装电梯" in hall.text and "西关停车难" not in hall.text
    )
    assert "东关社区议事厅" in hall.text
    assert client.get("/m/deliberation/", {"tab": "answered"}).status_code == 200
    mine = client.get("/m/deliberation/mine/")
    assert "3号楼加装电梯" in mine.text


def test_proposing_on_the_phone_compares_first(
    client, district, resident, neighbour, topic_category
):
    existing = raise_topic(neighbour, district["community_a"], topic_category)
    client.force_login(resident)
    assert client.get("/m/deliberation/new/").status_code == 200
    data = {"category": topic_category.pk, "title": "三号楼装电梯的事", "body": "希望尽快加装"}
    compare = client.post("/m/deliberation/new/", data)
    assert compare.status_code == 200 and "已有相似议题，您可以直接支持" in compare.text
    assert existing.title in compare.text and "支持此议题" in compare.text
    assert Topic.objects.count() == 1
    done = client.post("/m/deliberation/new/", {**data, "confirmed": "1", "party": "1"})
    assert done.status_code == 302
    saved = Topic.objects.latest("id")
    assert saved.submitter == resident and saved.source == "party_member"


def test_phone_proposal_errors_are_shown(client, resident, topic_category):
    client.force_login(resident)
    bad = client.post(
        "/m/deliberation/new/", {"category": topic_category.pk, "title": "", "body": ""}
    )
    assert bad.status_code == 422 and "请填写议题" in bad.text
    assert not Topic.objects.exists()


def test_supporting_on_the_phone(client, district, resident, neighbour, outsider, topic_category):
    topic = raise_topic(neighbour, district["community_a"], topic_category)
    client.force_login(resident)
    page = client.get(f"/m/deliberation/topics/{topic.pk}/")
    assert page.status_code == 200 and 'id="support"' in page.text
    done = client.post(f"/m/deliberation/topics/{topic.pk}/", {"action": "support"})
    assert done.status_code == 302
    page = client.get(f"/m/deliberation/topics/{topic.pk}/")
    assert "已支持" in page.text and 'id="support-count">1<' in page.text
    again = client.post(f"/m/deliberation/topics/{topic.pk}/", {"action": "support"})
    assert again.status_code == 409 and "您已支持过该议题" in again.text
    assert TopicSupport.objects.count() == 1
    client.force_login(outsider)
    assert client.get(f"/m/deliberation/topics/{topic.pk}/").status_code == 404
    assert (
        client.post(f"/m/deliberation/topics/{topic.pk}/", {"action": "support"}).status_code == 404
    )


def _photo(name="电梯.jpg"):
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (200, 30, 30)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_phone_proposal_keeps_its_photo_and_shows_it_to_the_community(
    client, district, resident, neighbour, outsider, topic_category
):
    client.force_login(resident)
    done = client.post("/m/deliberation/new/", {
        "category": topic_category.pk, "title": "楼道堆物", "body": "消防通道被堵",
        "photos": [_photo()],
    })  # fmt: skip
    assert done.status_code == 302
    topic = Topic.objects.get()
    assert len(topic.photos) == 1 and topic.photos[0]["path"].startswith("deliberation/")
    client.force_login(neighbour)
    thumb = client.get(f"/m/deliberation/topics/{topic.pk}/photos/0/thumb/")
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/jpeg"
    client.force_login(outsider)
    assert client.get(f"/m/deliberation/topics/{topic.pk}/photos/0/thumb/").status_code == 404


def test_a_bad_photo_writes_nothing(client, resident, topic_category):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(resident)
    bad = client.post("/m/deliberation/new/", {
        "category": topic_category.pk, "title": "楼道堆物", "body": "消防通道被堵",
        "photos": [SimpleUploadedFile("x.jpg", b"not an image", content_type="image/jpeg")],
    })  # fmt: skip
    assert bad.status_code == 422 and 'id="error-photos"' in bad.text
    assert not Topic.objects.exists()


def test_the_queue_asks_a_bounded_number_of_queries(
    client, district, resident, community_a_worker, topic_category, django_assert_max_num_queries
):
    for n in range(3):
        raise_topic(resident, district["community_a"], topic_category, title=f"议题{n}")
    client.force_login(community_a_worker)
    client.get("/deliberation/topics/")  # warm the session and the menu
    with django_assert_max_num_queries(25) as few:
        client.get("/deliberation/topics/")
    for n in range(3, 15):
        raise_topic(resident, district["community_a"], topic_category, title=f"议题{n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/deliberation/topics/")
