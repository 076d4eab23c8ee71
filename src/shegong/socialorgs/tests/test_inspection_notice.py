"""年检结果公示: a year's concluded results published as a notice (issue 17 §3)."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.core.models import AuditEvent
from shegong.core.registry import notice_kinds
from shegong.notices.models import Notice
from shegong.notices.queries import notices_of
from shegong.socialorgs.actions import inspection_notice
from shegong.socialorgs.models import AnnualReport

from .inspection_helpers import open_year, org

pytestmark = pytest.mark.django_db

YEAR = timezone.localdate().year - 1


@pytest.fixture
def plan(registrar, org_data, district):
    org(org_data, 1, name="东关书法家协会")
    org(org_data, 2, name="西关象棋协会", region=district["community_b"].code)
    org(org_data, 3, name="东关舞蹈协会")
    found = open_year(district, YEAR, registrar)
    reports = {r.social_org.organization.name: r for r in found.reports.all()}
    AnnualReport.objects.filter(pk=reports["东关书法家协会"].pk).update(
        conclusion="pass", state="concluded"
    )
    AnnualReport.objects.filter(pk=reports["西关象棋协会"].pk).update(
        conclusion="fail", state="concluded"
    )
    return found


def test_the_kind_shows_names_in_full():
    kind = notice_kinds.get("socialorgs.inspection")
    assert kind.names == "full" and kind.holds is False


def test_the_notice_lists_concluded_organizations_by_conclusion(plan, registrar):
    notice = inspection_notice.publish_results_notice(plan, actor=registrar)
    assert notice.kind == "socialorgs.inspection" and notice.region_id == plan.region_id
    assert str(YEAR) in notice.title
    body = notice.body
    assert "年检合格（1 家）" in body and "年检不合格（1 家）" in body
    assert "东关书法家协会（社会团体）" in body and "西关象棋协会" in body
    assert body.index("东关书法家协会") < body.index("西关象棋协会")
    assert "东关舞蹈协会" not in body  # not concluded yet
    assert list(notices_of(plan)) == [notice]
    event = AuditEvent.objects.get(verb=int(Verb.INSPECTION_RESULTS_NOTICED))
    assert event.data == {"plan": plan.pk, "year": YEAR, "count": 2}
    with pytest.raises(DomainError):  # still current: not twice
        inspection_notice.publish_results_notice(plan, actor=registrar)
    assert Notice.objects.count() == 1


def test_refused_without_results_or_out_of_scope(registrar, registrar_b, org_data, district):
    org(org_data, 1)
    empty = open_year(district, YEAR, registrar)
    with pytest.raises(InvalidInput):
        inspection_notice.publish_results_notice(empty, actor=registrar)
    with pytest.raises(NotFound):  # a district plan is not the street registrar's
        inspection_notice.publish_results_notice(empty, actor=registrar_b)
    with pytest.raises(NotFound):
        inspection_notice.publish_results_notice("x", actor=registrar)
    assert not Notice.objects.exists()


def test_the_plans_page_button_publishes(client, plan, registrar):
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:inspection_plans")).content.decode()
    assert f'id="inspection-notice-{plan.pk}"' in page and "发布年检结果公示" in page
    url = reverse("socialorgs:inspection_notice", args=[plan.pk])
    done = client.post(url)
    assert done.status_code == 302 and Notice.objects.count() == 1
    again = client.post(url)
    assert again.status_code == 409 and "无需重复发布" in again.content.decode()
    assert Notice.objects.count() == 1


def test_the_button_is_refused_without_the_permission(client, plan, street_a_staff):
    client.force_login(street_a_staff)
    assert client.post(reverse("socialorgs:inspection_notice", args=[plan.pk])).status_code in (
        403,
        404,
    )
    assert not Notice.objects.exists()
