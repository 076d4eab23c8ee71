"""The staff pages of 落地实事: the board (filters, overdue, data-sg-total, export), a new item,
the item page and its forms (errors re-render with the field's message)."""

from __future__ import annotations

import io
from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.deliberation.actions.actions import create_action
from shegong.deliberation.models import ActionItem, ActionUpdate


def _item(worker, district, category, **more):
    fields = {
        "region": district["community_a"], "category": category, "title": "修缮路灯",
        "due_on": timezone.localdate() + timedelta(days=20), "owner_kind": "person",
        "owner_name": "张三",
    }  # fmt: skip
    return create_action(worker, **{**fields, **more})


def test_the_board_filters_and_counts(client, district, topic_category, community_a_worker):
    late = _item(community_a_worker, district, topic_category, title="逾期的实事")
    ActionItem.objects.filter(pk=late.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    _item(community_a_worker, district, topic_category, title="按期的实事")
    client.force_login(community_a_worker)
    html = client.get(reverse("deliberation:actions")).content.decode()
    assert 'data-sg-total="2"' in html and "逾期的实事" in html and "逾期</span>" in html
    html = client.get(reverse("deliberation:actions"), {"overdue": "1"}).content.decode()
    assert 'data-sg-total="1"' in html and "按期的实事" not in html
    month = (timezone.localdate() + timedelta(days=20)).strftime("%Y-%m")
    html = client.get(reverse("deliberation:actions"), {"due_month": month}).content.decode()
    assert "按期的实事" in html
    html = client.get(reverse("deliberation:actions"), {"owner": "李四"}).content.decode()
    assert 'data-sg-total="0"' in html and "没有符合条件的落地实事" in html
    response = client.get(reverse("deliberation:actions_export"), {"overdue": "1"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert AuditEvent.objects.filter(verb=Verb.DELIBERATION_EXPORTED).exists()


def test_new_item_form_re_renders_with_errors_then_saves(
    client, district, topic_category, community_a_worker
):
    client.force_login(community_a_worker)
    url = reverse("deliberation:action_new")
    assert client.get(url).status_code == 200
    data = {
        "region": district["community_a"].code, "category": topic_category.pk, "title": "修缮路灯",
        "owner_kind": "person", "owner_name": "", "due_on": "", "budget": "-5", "public": "on",
    }  # fmt: skip
    response = client.post(url, data)
    assert response.status_code == 422 and "请填写完成时限" in response.content.decode()
    data["due_on"] = (timezone.localdate() + timedelta(days=10)).isoformat()
    response = client.post(url, data)
    assert response.status_code == 422
    assert not ActionItem.objects.exists()
    data.update(budget="5000", owner_name="东关社区居委会")
    response = client.post(url, data)
    item = ActionItem.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/actions/{item.pk}/")


def _jpeg():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), (10, 120, 40)).save(buffer, "JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def test_the_item_page_runs_its_verbs(client, district, topic_category, community_a_worker):
    item = _item(community_a_worker, district, topic_category)
    client.force_login(community_a_worker)
    page = reverse("deliberation:action", args=[item.pk])
    html = client.get(page).content.decode()
    assert 'id="form-progress"' in html and 'id="form-redate"' in html
    act = lambda verb: reverse("deliberation:action_act", args=[item.pk, verb])  # noqa: E731
    response = client.post(act("progress"), {"progress": "40", "text": "施工中", "photos": _jpeg()})
    assert response.status_code == 302
    entry = ActionUpdate.objects.get(action=item)
    assert len(entry.photos) == 1
    html = client.get(page).content.decode()
    photo = reverse("deliberation:action_photo", args=[item.pk, entry.pk, 0, "thumb"])
    assert photo in html and client.get(photo).status_code == 200
    response = client.post(act("redate"), {"new_due_on": "2099-01-01", "reason": ""})
    assert response.status_code == 422 and "请填写调整原因" in response.content.decode()
    response = client.post(act("progress"), {"progress": "10", "text": ""})
    assert response.status_code == 422 and "低于当前的 40%" in response.content.decode()
    child_form = {
        "child-category": topic_category.pk, "child-title": "采购灯具",
        "child-owner_kind": "person", "child-owner_name": "王五",
        "child-due_on": item.due_on.isoformat(),
    }  # fmt: skip
    response = client.post(act("child"), child_form)
    assert response.status_code == 302
    response = client.post(act("complete"), {"text": "完成"})
    assert response.status_code == 409 and "尚有 1 项子事项未完成" in response.content.decode()
    child = item.children.get()
    client.post(reverse("deliberation:action_act", args=[child.pk, "complete"]), {"text": "已购"})
    response = client.post(act("complete"), {"text": "路灯亮了"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.status == "done" and item.progress == 100
    assert client.post(act("nonsense"), {}).status_code == 404


def test_out_of_scope_pages_are_404(client, district, topic_category, community_a_worker,
                                    street_b_staff, resident):  # fmt: skip
    item = _item(community_a_worker, district, topic_category)
    client.force_login(street_b_staff)
    assert client.get(reverse("deliberation:action", args=[item.pk])).status_code == 404
    response = client.post(
        reverse("deliberation:action_act", args=[item.pk, "progress"]), {"progress": 5, "text": "x"}
    )
    assert response.status_code == 404
    client.force_login(resident)
    assert client.get(reverse("deliberation:actions")).status_code == 403
