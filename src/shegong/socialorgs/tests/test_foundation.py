"""What every part of the registrar's work shares: binding an organization's portal account,
the portal's home, the registrar's workbench, 公告 and the registered detail panels."""

from __future__ import annotations

import pytest
from django.urls import reverse

from shegong import testing
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role
from shegong.socialorgs.actions import accounts, announcements
from shegong.socialorgs.models import Announcement, OrgAccount
from shegong.socialorgs.portal import portal_org


def test_link_and_unlink_an_org_account(registrar, social_org, district):
    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="秘书长")
    account = accounts.link_org_account(social_org, user.phone, actor=registrar)
    assert portal_org(user) == social_org
    assert AuditEvent.objects.filter(verb=Verb.ORG_ACCOUNT_LINKED).count() == 1
    with pytest.raises(DomainError, match="已绑定本组织"):
        accounts.link_org_account(social_org, user.phone, actor=registrar)
    accounts.unlink_org_account(social_org, account.pk, actor=registrar)
    assert not OrgAccount.objects.exists()
    assert AuditEvent.objects.filter(verb=Verb.ORG_ACCOUNT_UNLINKED).count() == 1
    with pytest.raises(NotPermitted, match="尚未绑定"):
        portal_org(user)


def test_link_refuses_unknown_phones_and_other_roles(registrar, social_org, district):
    with pytest.raises(InvalidInput, match="未找到手机号"):
        accounts.link_org_account(social_org, "13900000000", actor=registrar)
    staff = testing.user(Role.STREET_STAFF, district["street_a"], name="街道干部")
    with pytest.raises(InvalidInput, match="没有“社会组织账号”角色"):
        accounts.link_org_account(social_org, staff.phone, actor=registrar)
    assert not OrgAccount.objects.exists()


def test_link_is_refused_outside_the_registrars_scope(registrar_b, social_org, district):
    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="秘书长")
    with pytest.raises(Exception, match="未找到该社会组织"):
        accounts.link_org_account(social_org, user.phone, actor=registrar_b)


def test_link_account_page_answers_bad_input_with_422(client, registrar, social_org):
    client.force_login(registrar)
    url = reverse("socialorgs:link_account", args=[social_org.pk])
    response = client.post(url, {"phone": "13900000000"})
    assert response.status_code == 422
    assert "未找到手机号为 13900000000 的有效账号" in response.content.decode()
    assert not OrgAccount.objects.exists()


def test_link_account_page_binds_and_the_portal_opens(client, registrar, social_org, district):
    user = testing.user(Role.ORG_ACCOUNT, district["district"], name="秘书长")
    client.force_login(registrar)
    response = client.post(
        reverse("socialorgs:link_account", args=[social_org.pk]), {"phone": user.phone}
    )
    assert response.status_code == 302
    page = client.get(reverse("socialorgs:detail", args=[social_org.pk])).content.decode()
    assert 'id="org-accounts"' in page and "解绑" in page
    client.force_login(user)
    portal = client.get(reverse("socialorgs:portal"))
    assert portal.status_code == 200
    assert social_org.organization.name in portal.content.decode()
    home = client.get("/").content.decode()
    assert reverse("socialorgs:portal") in home


def test_portal_refuses_staff_and_unbound_accounts(client, registrar, district):
    client.force_login(registrar)
    assert client.get(reverse("socialorgs:portal")).status_code == 403
    unbound = testing.user(Role.ORG_ACCOUNT, district["district"], name="未绑定")
    client.force_login(unbound)
    response = client.get(reverse("socialorgs:portal"))
    assert response.status_code == 403
    assert "尚未绑定社会组织" in response.content.decode()


def test_workbench_page_lists_sections_or_says_nothing_to_do(client, registrar):
    client.force_login(registrar)
    response = client.get(reverse("socialorgs:workbench"))
    assert response.status_code == 200
    assert "登记管理工作台" in response.content.decode()


def test_publish_announcement_writes_one_row_and_one_audit_entry(registrar, social_org):
    found = announcements.publish(
        social_org, "other", title="关于某事的公告", body="正文", days=60, actor=registrar
    )
    assert Announcement.objects.get(kind="other") == found
    assert (found.ends_on - found.published_on).days == 60
    assert AuditEvent.objects.filter(verb=Verb.ANNOUNCEMENT_PUBLISHED).count() == 1
    with pytest.raises(InvalidInput):
        announcements.publish(social_org, "other", title="", body="", actor=registrar)
    assert Announcement.objects.filter(kind="other").count() == 1


def test_public_index_opens_without_login(client):
    response = client.get(reverse("socialorgs_public:index"))
    assert response.status_code == 200
    assert "社会组织信息公开" in response.content.decode()
