"""The registrar's pages: list with filters and export, detail with history, register/edit
forms (bad input → 422 with a Chinese message, nothing written), status change."""

from __future__ import annotations

import io

from django.urls import reverse
from openpyxl import load_workbook

from shegong.core.audit import Verb
from shegong.core.models import AuditEvent
from shegong.ledger.models import Organization
from shegong.socialorgs.actions import records
from shegong.socialorgs.demo import credit_code
from shegong.socialorgs.models import SocialOrg


def _two(registrar, org_data, district):
    a = records.register_social_org(org_data(), actor=registrar)
    b = records.register_social_org(
        org_data(
            org_type="foundation", name="西关教育发展基金会",
            credit_code=credit_code("foundation", "341271", 2),
            registration_number="皖民证字第00002号", region=district["community_b"].code,
            grade="4A", grade_valid_until="2027-12-31",
        ),
        actor=registrar,
    )  # fmt: skip
    return a, b


def test_list_filters_and_counts(client, registrar, org_data, district):
    a, b = _two(registrar, org_data, district)
    client.force_login(registrar)
    page = client.get(reverse("socialorgs:list"))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-sg-total="2"' in html and "东关书法家协会" in html
    for params, shown, hidden in [
        ({"org_type": "foundation"}, b, a),
        ({"grade": "4A"}, b, a),
        ({"region": district["street_a"].code}, a, b),
        ({"q": b.organization.credit_code}, b, a),
        ({"q": "书法"}, a, b),
    ]:
        html = client.get(reverse("socialorgs:list"), params).content.decode()
        assert shown.organization.name in html and hidden.organization.name not in html, params
        assert 'data-sg-total="1"' in html


def test_list_is_scoped(client, registrar, registrar_b, org_data, district):
    a, b = _two(registrar, org_data, district)
    client.force_login(registrar_b)
    html = client.get(reverse("socialorgs:list")).content.decode()
    assert b.organization.name in html and a.organization.name not in html
    assert client.get(reverse("socialorgs:detail", args=[a.pk])).status_code == 404


def test_others_without_the_perm_are_refused(client, community_a_worker):
    client.force_login(community_a_worker)
    assert client.get(reverse("socialorgs:list")).status_code == 403


def test_export_is_the_filtered_list_and_audited(client, registrar, org_data, district):
    _two(registrar, org_data, district)
    client.force_login(registrar)
    response = client.get(reverse("socialorgs:export"), {"org_type": "foundation"})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "名称" and len(rows) == 2 and rows[1][0] == "西关教育发展基金会"
    assert AuditEvent.objects.filter(verb=Verb.SOCIAL_ORGS_EXPORTED).count() == 1


def _post_data(org_data, **overrides):
    data = org_data(**overrides)
    return {k: v for k, v in data.items() if v not in (None, False)}


def test_register_through_the_form(client, registrar, org_data):
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:new")).status_code == 200
    response = client.post(reverse("socialorgs:new"), _post_data(org_data))
    assert response.status_code == 302
    so = SocialOrg.objects.get()
    assert response["Location"] == reverse("socialorgs:detail", args=[so.pk])
    html = client.get(response["Location"]).content.decode()
    assert "东关书法家协会" in html and "登记社会组织" in html  # the history


def test_form_with_a_wrong_category_code_is_422_and_writes_nothing(client, registrar, org_data):
    client.force_login(registrar)
    response = client.post(
        reverse("socialorgs:new"), _post_data(org_data, credit_code="91341271MA2N12345W")
    )
    assert response.status_code == 422
    assert "不是民政部门登记的社会组织代码" in response.content.decode()
    response = client.post(reverse("socialorgs:new"), _post_data(org_data, registered_on="昨天"))
    assert response.status_code == 422
    assert "日期格式" in response.content.decode()
    assert not Organization.objects.exists()
    assert not AuditEvent.objects.filter(verb=Verb.SOCIAL_ORG_REGISTERED).exists()


def test_edit_form(client, registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:edit", args=[so.pk])).status_code == 200
    response = client.post(
        reverse("socialorgs:edit", args=[so.pk]), _post_data(org_data, supervisor="示范区文联")
    )
    assert response.status_code == 302
    so.refresh_from_db()
    assert so.supervisor == "示范区文联"
    response = client.post(reverse("socialorgs:edit", args=[so.pk]), _post_data(org_data, name=""))
    assert response.status_code == 422


def test_status_change_page_needs_legal_basis(client, registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    client.force_login(registrar)
    url = reverse("socialorgs:status", args=[so.pk])
    response = client.post(url, {"status": "suspended", "legal_basis": ""})
    assert response.status_code == 422 and "请填写变更状态的法律依据" in response.content.decode()
    response = client.post(url, {"status": "suspended", "legal_basis": "条例第三十条"})
    assert response.status_code == 302
    so.refresh_from_db()
    assert so.status == "suspended"
    html = client.get(reverse("socialorgs:detail", args=[so.pk])).content.decode()
    assert "法律依据：条例第三十条" in html and 'data-confirm="' in html
    response = client.post(url, {"status": "preparing", "legal_basis": "x"})
    assert response.status_code == 409 and "允许的下一步" in response.content.decode()


def test_charter_version_form(client, registrar, org_data):
    so = records.register_social_org(org_data(), actor=registrar)
    client.force_login(registrar)
    url = reverse("socialorgs:charter", args=[so.pk])
    response = client.post(url, {"version_date": "2021-06-01", "party_building": "on"})
    assert response.status_code == 422 and "请填写党建入章日期" in response.content.decode()
    assert not so.charters.exists()
    response = client.post(
        url,
        {"version_date": "2021-06-01", "party_building": "on", "party_building_on": "2021-06-01"},
    )
    assert response.status_code == 302
    html = client.get(reverse("socialorgs:detail", args=[so.pk])).content.decode()
    assert "党建入章</span>（2021-06-01）" in html and 'data-sg-count="1"' in html
