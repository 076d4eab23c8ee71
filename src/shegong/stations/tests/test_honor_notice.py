"""先进典型公示: a year's role models published as a notice; an open objection holds their place
on the public honour roll (issue 17 §3)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.registry import notice_kinds
from shegong.notices.models import Notice, Objection
from shegong.stations import honor_roll
from shegong.stations.actions import honor_notice
from shegong.stations.models import RoleModel
from shegong.stations.tests.test_pages_vanguard import make_model

pytestmark = pytest.mark.django_db


@pytest.fixture
def models(district):
    return {
        "east": make_model(district, district["grid_a"], "十佳骑手", name="刘骑手"),
        "east2": make_model(district, district["community_a"], "最美快递员", name="陈快递"),
        "hidden": make_model(district, district["grid_a"], "未公开", published=False, name="周某"),
        "west": make_model(district, district["grid_b"], "十佳外卖员", name="吴西城"),
    }


def _object(notice, holds=True):
    return Objection.objects.create(
        notice=notice, region_id=notice.region_id, content="事迹不实", holds=holds
    )


def test_the_kind_holds_and_names_in_full():
    kind = notice_kinds.get("stations.honors")
    assert kind.holds is True and kind.names == "full"


def test_the_notice_lists_the_years_published_role_models_of_the_region(
    models, street_a_staff, district
):
    notice = honor_notice.publish_honor_notice(
        actor=street_a_staff, region=district["street_a"].code, year=2026
    )
    assert notice.kind == "stations.honors" and notice.title == "东城街道2026年度先进典型公示"
    body = notice.body
    assert "刘骑手　十佳骑手" in body and "陈快递　最美快递员" in body
    assert "周某" not in body and "吴西城" not in body
    assert "13912345678" not in body and models["east"].person.id_number not in body
    linked = set(RoleModel.objects.filter(notice=notice).values_list("pk", flat=True))
    assert linked == {models["east"].pk, models["east2"].pk}
    event = AuditEvent.objects.get(verb=int(Verb.ROLE_MODELS_NOTICED))
    assert event.data["count"] == 2 and event.data["year"] == 2026


def test_an_open_objection_holds_the_honour_roll_until_answered(
    client, models, street_a_staff, district
):
    notice = honor_notice.publish_honor_notice(
        actor=street_a_staff, region=district["community_a"].code, year=2026
    )
    roll = reverse("stations_public:roll")
    assert "刘骑手" in client.get(roll).content.decode()
    objection = _object(notice)
    page = client.get(roll).content.decode()
    assert "刘骑手" not in page and "陈快递" not in page and "吴西城" in page
    assert honor_roll.is_held(RoleModel.objects.get(pk=models["east"].pk))
    photo = reverse("stations_public:photo", args=[models["east"].pk, 0, "thumb"])
    assert client.get(photo).status_code == 404
    objection.status = "answered"
    objection.save()
    assert "刘骑手" in client.get(roll).content.decode()
    _object(notice, holds=False)  # one staff released does not hold
    assert "刘骑手" in client.get(roll).content.decode()


def test_bad_input_writes_nothing(models, street_a_staff, district, resident):
    for region, year in [
        (district["street_b"].code, 2026),  # not in scope
        (district["street_a"].code, 2001),  # nobody that year
        (district["street_a"].code, "二〇二六"),
        (district["grid_a"].code, 2026),  # a grid is not a notice's scope
    ]:
        with pytest.raises(InvalidInput):
            honor_notice.publish_honor_notice(actor=street_a_staff, region=region, year=year)
    with pytest.raises(NotPermitted):
        honor_notice.publish_honor_notice(actor=resident, region=district["community_a"], year=2026)
    assert not Notice.objects.exists() and not RoleModel.objects.filter(notice__isnull=False)


def test_the_page_previews_and_publishes(client, models, street_a_staff, district):
    client.force_login(street_a_staff)
    tab = client.get(reverse("stations:vanguard"), {"tab": "models"}).content.decode()
    assert 'id="honor-notice-button"' in tab
    url = reverse("stations:honor_notice")
    data = {"region": district["street_a"].code, "year": "2026"}
    preview = client.get(url, data).content.decode()
    assert "刘骑手" in preview and "吴西城" not in preview and "data-confirm" in preview
    bad = client.post(url, {**data, "year": "2001"})
    assert bad.status_code == 422 and "没有公开展示的先进典型" in bad.content.decode()
    done = client.post(url, data)
    assert done.status_code == 302 and Notice.objects.get().kind == "stations.honors"
    assert client.post(url, {**data, "region": district["street_b"].code}).status_code == 422
    assert Notice.objects.count() == 1
