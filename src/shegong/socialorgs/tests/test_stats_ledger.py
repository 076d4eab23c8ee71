"""§1 leftover: the ledger shows a social organization's row but never edits it — its update
action, page and API refuse it (the registrar's record keeps the 51/52/53 rule and the
history), and its page links to the record in 社会组织登记 instead of an edit button."""

from __future__ import annotations

import json
from datetime import date

import pytest
from django.urls import reverse

from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput
from shegong.core.models import AuditEvent
from shegong.ledger.actions.campaigns import complete_task, create_campaign, organization_input
from shegong.ledger.actions.records import update_organization
from shegong.ledger.models import Organization
from shegong.ledger.tests import records_fixtures as build

pytestmark = pytest.mark.django_db

REFUSED = "社会组织登记"


def _record(org, **changes):
    return {
        "kind": org.kind, "name": org.name, "credit_code": org.credit_code,
        "region": org.region_id, **changes,
    }  # fmt: skip


def test_the_update_action_refuses_a_social_org(social_org, street_a_staff):
    org = social_org.organization
    with pytest.raises(DomainError, match=REFUSED):
        update_organization(org, organization_input(org, name="改名"), actor=street_a_staff)
    with pytest.raises(DomainError, match=REFUSED):  # the status too (闭户 in the ledger)
        update_organization(org, organization_input(org, status="closed"), actor=None)
    org.refresh_from_db()
    assert org.name == "东关书法家协会" and org.status == "active"
    assert not AuditEvent.objects.filter(target_type="ledger.organization").exists()


def test_the_ledger_cannot_turn_a_row_into_a_social_org(district, street_a_staff):
    org = build.org(district["grid_a"], "东关面馆")
    with pytest.raises(InvalidInput) as refused:
        update_organization(org, organization_input(org, kind="social_org"), actor=street_a_staff)
    assert refused.value.errors[0]["field"] == "kind"
    org.refresh_from_db()
    assert org.kind == "enterprise"


def test_other_rows_are_still_edited(district, street_a_staff):
    org = build.org(district["grid_a"], "东关面馆")
    update_organization(org, organization_input(org, name="东关面馆（总店）"), actor=street_a_staff)
    assert Organization.objects.get(pk=org.pk).name == "东关面馆（总店）"


def test_the_api_refuses_with_409(client, social_org, street_a_staff):
    client.force_login(street_a_staff)
    org = social_org.organization
    url = f"/api/v1/ledger/organizations/{org.pk}"
    response = client.generic("PUT", url, json.dumps(_record(org, name="改名")), "application/json")
    assert response.status_code == 409 and REFUSED in response.json()["detail"]
    assert client.get(url).json()["name"] == "东关书法家协会"  # still read


def test_the_pages_show_it_read_only_and_link_to_the_record(client, social_org, street_a_staff):
    client.force_login(street_a_staff)
    org = social_org.organization
    page = client.get(reverse("ledger:organization", args=[org.pk])).content.decode()
    assert reverse("ledger:organization_edit", args=[org.pk]) not in page
    link = reverse("socialorgs:by_organization", args=[org.pk])
    assert link in page and 'id="kept-elsewhere"' in page
    assert client.get(link)["Location"] == reverse("socialorgs:detail", args=[social_org.pk])
    listed = client.get(reverse("ledger:organizations"), {"q": "书法"}).content.decode()
    assert "东关书法家协会" in listed
    edit = reverse("ledger:organization_edit", args=[org.pk])
    assert client.get(edit).status_code == 409
    response = client.post(edit, {"kind": "social_org", "name": "改名", "region": org.region_id})
    assert response.status_code == 409 and REFUSED in response.content.decode()
    assert Organization.objects.get(pk=org.pk).name == "东关书法家协会"


def test_a_ledger_only_social_org_row_links_to_the_search(client, district, street_a_staff):
    org = build.org(district["grid_a"], "东关老年协会", kind="social_org")
    client.force_login(street_a_staff)
    answer = client.get(reverse("socialorgs:by_organization", args=[org.pk]))
    assert answer.status_code == 302 and org.credit_code in answer["Location"]


def test_a_review_task_cannot_change_a_social_org(social_org, street_a_staff, district):
    campaign = create_campaign(
        actor=street_a_staff, name="回头看", region=district["street_a"],
        criteria={"kind": "social_org"}, due_on=date(2099, 1, 1), assignee=street_a_staff,
    )  # fmt: skip
    task = campaign.tasks.get()
    with pytest.raises(DomainError, match=REFUSED):
        complete_task(task, actor=street_a_staff, outcome="closed", note="已注销")
    task.refresh_from_db()
    assert task.done_at is None
    assert not AuditEvent.objects.filter(verb=Verb.REVIEW_TASK_COMPLETED).exists()


def test_an_import_cannot_change_a_social_org(tmp_path, social_org, district):
    from shegong.ledger.actions.imports import import_file
    from shegong.ledger.tests.test_import_files import ORG_HEADER, write_xlsx

    org = social_org.organization
    header = ORG_HEADER[:4]  # type, name, credit code, region
    same = [header, ["社会组织", org.name, org.credit_code, org.region_id]]
    unchanged = import_file("organizations", write_xlsx(tmp_path / "a.xlsx", same), actor=None)
    assert unchanged.errors == [] and unchanged.unchanged == 1  # a round trip still passes
    renamed = [header, ["社会组织", "改名协会", org.credit_code, org.region_id]]
    refused = import_file("organizations", write_xlsx(tmp_path / "b.xlsx", renamed), actor=None)
    assert REFUSED in refused.errors[0]["message"] and refused.errors[0]["row"] == 2
    assert Organization.objects.get(pk=org.pk).name == "东关书法家协会"
