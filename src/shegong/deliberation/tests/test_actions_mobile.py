"""落地实事 on the phone: a resident sees the public items of their community and those of the
topics they follow, never another community's or a hidden one; the owner account updates the
progress there, with the action's checks."""

from __future__ import annotations

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from shegong.deliberation.actions.actions import create_action
from shegong.deliberation.models import ActionItem, Topic, TopicFollower


def _item(worker, region, category, **more):
    fields = {
        "region": region, "category": category, "title": "修缮路灯", "owner_kind": "person",
        "owner_name": "东关社区居委会", "due_on": timezone.localdate() + timedelta(days=20),
    }  # fmt: skip
    return create_action(worker, **{**fields, **more})


def test_a_resident_sees_their_community_and_followed_topics(
    client, district, topic_category, community_a_worker, street_b_staff, resident, outsider
):
    mine = _item(community_a_worker, district["community_a"], topic_category, title="东关路灯")
    hidden = _item(community_a_worker, district["community_a"], topic_category, title="内部",
                   public=False)  # fmt: skip
    topic_b = Topic.objects.create(
        region=district["community_b"], category=topic_category, title="西关议题", body="b"
    )
    followed = _item(street_b_staff, district["community_b"], topic_category, title="西关路灯",
                     topic=topic_b)  # fmt: skip
    other = _item(street_b_staff, district["community_b"], topic_category, title="西关其他")
    TopicFollower.objects.create(topic=topic_b, user=resident)
    client.force_login(resident)
    html = client.get(reverse("deliberation_m:actions")).content.decode()
    assert "东关路灯" in html and "西关路灯" in html
    assert "内部" not in html and "西关其他" not in html
    assert client.get(reverse("deliberation_m:action", args=[followed.pk])).status_code == 200
    for pk in (hidden.pk, other.pk):
        assert client.get(reverse("deliberation_m:action", args=[pk])).status_code == 404
    client.force_login(outsider)
    assert client.get(reverse("deliberation_m:action", args=[mine.pk])).status_code == 404


def test_the_owner_updates_progress_on_the_phone(
    client, district, topic_category, community_a_worker, resident, neighbour
):
    item = _item(community_a_worker, district["community_a"], topic_category, public=False,
                 owner_user=resident, owner_name="")  # fmt: skip
    url = reverse("deliberation_m:action", args=[item.pk])
    client.force_login(resident)
    assert 'id="m-progress"' in client.get(url).content.decode()
    response = client.post(url, {"progress": "150", "text": "x"})
    assert response.status_code == 422 and "0 到 100" in response.content.decode()
    response = client.post(url, {"progress": "35", "text": "已联系施工队"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.progress == 35 and item.status == "in_progress"
    client.force_login(neighbour)
    html = client.get(reverse("deliberation_m:action", args=[item.pk]))
    assert html.status_code == 404  # not public, not theirs
    ActionItem.objects.filter(pk=item.pk).update(public=True)
    assert 'id="m-progress"' not in client.get(url).content.decode()
    client.post(url, {"progress": "90", "text": "冒充"})
    item.refresh_from_db()
    assert item.progress == 35
