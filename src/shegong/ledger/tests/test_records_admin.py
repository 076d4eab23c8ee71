"""The ledger admin: read-only, superusers only, ID numbers masked."""

from __future__ import annotations

from django.urls import reverse

from . import records_fixtures as build


def test_the_admin_shows_people_masked_and_read_only(client, district, superuser):
    person = build.person(district["grid_a"], "张小明", phone="13912345678")
    client.force_login(superuser)
    for url in (
        reverse("admin:ledger_person_changelist"),
        reverse("admin:ledger_person_change", args=[person.pk]),
    ):
        body = client.get(url).content.decode()
        assert person.id_number_masked in body
        assert person.id_number not in body and "张小明" not in body and "13912345678" not in body
    assert client.get(reverse("admin:ledger_person_add")).status_code == 403


def test_the_admin_lists_every_ledger_table(client, district, superuser):
    org = build.org(district["grid_a"], "东关面馆")
    client.force_login(superuser)
    assert (
        "东关面馆" in client.get(reverse("admin:ledger_organization_changelist")).content.decode()
    )
    assert client.get(reverse("admin:ledger_organization_change", args=[org.pk])).status_code == 200
    models = ["employment", "partyorganization", "partymembership", "coverage",
              "instructorassignment", "guidancevisit", "reviewcampaign", "reviewtask"]  # fmt: skip
    for model in models:
        assert client.get(reverse(f"admin:ledger_{model}_changelist")).status_code == 200


def test_staff_without_superuser_cannot_open_the_ledger_admin(client, district, street_a_staff):
    street_a_staff.is_staff = True
    street_a_staff.save()
    client.force_login(street_a_staff)
    assert client.get(reverse("admin:ledger_person_changelist")).status_code in (302, 403)
