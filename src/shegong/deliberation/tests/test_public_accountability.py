"""The public accountability pages (no login): only public items, no personal data, the seed's
counts on hand-built data, the breakdowns, paging and filters; an item's public timeline."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shegong import testing
from shegong.core.perms import Role
from shegong.deliberation.actions import actions as verbs
from shegong.deliberation.models import ActionItem, Meeting, Topic, TopicCategory
from shegong.deliberation.queries import public


def _item(worker, district, category, **more):
    fields = {
        "region": district["community_a"], "category": category, "title": "修缮路灯",
        "due_on": timezone.localdate() + timedelta(days=20), "owner_kind": "person",
        "owner_name": "张三丰",
    }  # fmt: skip
    return verbs.create_action(worker, **{**fields, **more})


def test_only_public_items_and_no_personal_data(
    client, district, topic_category, community_a_worker, resident, department_a
):
    shown = _item(community_a_worker, district, topic_category, title="公开的实事",
                  owner_user=resident)  # fmt: skip
    _item(community_a_worker, district, topic_category, title="内部的实事", public=False)
    by_department = _item(community_a_worker, district, topic_category, title="部门的实事",
                          owner_kind="department", owner_department=department_a,
                          owner_name="")  # fmt: skip
    verbs.update_progress(community_a_worker, shown, 60, "进展顺利")
    html = client.get(reverse("deliberation_public:accountability")).content.decode()
    assert "公开的实事" in html and "部门的实事" in html and "内部的实事" not in html
    assert "张三丰" not in html and resident.phone not in html and resident.name not in html
    assert "社区居委会" in html and "城管局" in html
    assert 'data-sg-total="2"' in html and "60%" in html
    detail = client.get(reverse("deliberation_public:action", args=[shown.pk]))
    assert detail.status_code == 200
    text = detail.content.decode()
    assert "进展顺利" in text and "张三丰" not in text and community_a_worker.name not in text
    hidden = ActionItem.objects.get(title="内部的实事")
    assert client.get(reverse("deliberation_public:action", args=[hidden.pk])).status_code == 404
    assert by_department.owner_name == "城管局"


def test_the_counts_are_the_defined_queries(client, district, topic_category, community_a_worker):
    region = district["community_a"]
    for i in range(3):
        Topic.objects.create(region=region, category=topic_category, title=f"议题{i}", body="b")
    Topic.objects.create(region=region, category=topic_category, title="重复", body="b",
                         status="merged")  # fmt: skip
    Topic.objects.create(region=district["community_b"], category=topic_category, title="西",
                         body="b")  # fmt: skip
    now = timezone.now()
    Meeting.objects.create(region=region, kind="thematic", title="专题", starts_at=now,
                           place="会议室", status="closed")  # fmt: skip
    Meeting.objects.create(region=region, kind="thematic", title="筹备", starts_at=now,
                           place="会议室")  # fmt: skip
    done = _item(community_a_worker, district, topic_category, title="已落实")
    verbs.complete(community_a_worker, done, "完成")
    _item(community_a_worker, district, topic_category, title="推进中")
    hidden = _item(community_a_worker, district, topic_category, title="内部", public=False)
    verbs.complete(community_a_worker, hidden, "完成")  # counted (the one definition), not listed
    counts = public.seed_counts(public.parse_filter({"region": region.code}))
    assert counts == {"topics": 3, "actions": 2, "thematic": 1}
    everywhere = public.seed_counts(public.parse_filter({}))
    assert everywhere["topics"] == 4
    html = client.get(reverse("deliberation_public:accountability"), {"region": region.code})
    text = html.content.decode()
    assert 'id="count-topics">3<' in text and 'id="count-actions">2<' in text
    assert "内部" not in text
    assert 'id="count-thematic">1<' in text
    rows = public.by_category(public.parse_filter({}))
    assert rows == [{"category_id": topic_category.pk, "total": 2, "done": 1, "progress": 50,
                     "name": "加装电梯"}]  # fmt: skip
    html = client.get(reverse("deliberation_public:accountability"), {"status": "done"})
    assert "已落实" in html.content.decode() and 'data-sg-total="1"' in html.content.decode()


def test_paging_and_filters(client, district, topic_category, community_a_worker):
    other = TopicCategory.objects.get(code="parking")
    for i in range(public.PAGE_SIZE + 3):
        _item(
            community_a_worker, district, topic_category if i % 2 else other, title=f"实事{i:02d}"
        )
    url = reverse("deliberation_public:accountability")
    first = client.get(url).content.decode()
    assert f'data-sg-total="{public.PAGE_SIZE + 3}"' in first and "下一页" in first
    second = client.get(url, {"page": 2}).content.decode()
    assert second.count("data-action=") == 3
    by_category = client.get(url, {"category": other.pk}).content.decode()
    assert 'data-sg-total="12"' in by_category
    worker_b = testing.user(Role.COMMUNITY_WORKER, district["community_b"])
    verbs.create_action(
        worker_b, region=district["community_b"], category=other, title="西关实事",
        due_on=timezone.localdate(), owner_kind="person", owner_name="某人",
    )  # fmt: skip
    only_b = client.get(url, {"region": district["community_b"].code}).content.decode()
    assert "西关实事" in only_b and "实事00" not in only_b
    assert client.get(url, {"page": "x", "region": "abc", "category": "y"}).status_code == 200
