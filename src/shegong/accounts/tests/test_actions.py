"""Account actions: each writes exactly one audit entry and refuses what the actor may not do."""

import pytest

from shegong.accounts import actions
from shegong.accounts.models import User
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.models import AuditEvent
from shegong.core.perms import Role


def _create(actor, region, **overrides):
    values = dict(
        actor=actor,
        phone="13711112222",
        name="李四",
        password="Temp#2026pass",
        role=Role.COMMUNITY_WORKER,
        region=region,
    )
    values.update(overrides)
    return actions.create_user(**values)


def test_staff_create_an_account_that_must_change_its_password(district, street_a_staff):
    user = _create(street_a_staff, district["community_a"])
    assert user.must_change_password
    assert user.memberships.get().region == district["community_a"]
    event = AuditEvent.objects.get(verb=Verb.USER_CREATED)
    assert (event.actor, event.target_id, event.region_id) == (
        street_a_staff,
        str(user.pk),
        "341271001001",
    )


def test_it_refuses_a_region_outside_the_actors_street(district, street_a_staff):
    with pytest.raises(NotFound):
        _create(street_a_staff, district["community_b"])
    assert not User.objects.filter(phone="13711112222").exists()
    assert not AuditEvent.objects.filter(verb=Verb.USER_CREATED).exists()


def test_it_refuses_to_grant_a_role_above_the_actors_own(district, street_a_staff):
    with pytest.raises(NotPermitted, match="区管理员"):
        _create(street_a_staff, district["street_a"], role=Role.DISTRICT_ADMIN)


def test_a_community_worker_cannot_create_accounts(district, community_a_worker):
    with pytest.raises(NotPermitted):
        _create(community_a_worker, district["community_a"])


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"phone": "12345"}, "phone"),
        ({"name": "  "}, "name"),
        ({"id_number": "110105194912310021"}, "id_number"),
        ({"password": "short"}, "password"),
        ({"password": "alllowercase"}, "password"),
    ],
)
def test_bad_input_names_the_field_and_writes_nothing(district, street_a_staff, overrides, field):
    before = User.objects.count()
    with pytest.raises(InvalidInput) as exc:
        _create(street_a_staff, district["community_a"], **overrides)
    assert field in {e["field"] for e in exc.value.errors}
    assert User.objects.count() == before


def test_phone_and_id_number_are_unique(district, street_a_staff):
    _create(street_a_staff, district["community_a"], id_number="11010519491231002X")
    with pytest.raises(InvalidInput, match="手机号已注册"):
        _create(street_a_staff, district["community_a"])
    with pytest.raises(InvalidInput, match="身份证号已绑定"):
        _create(
            street_a_staff,
            district["community_a"],
            phone="13711113333",
            id_number="11010519491231002x",
        )


def test_changing_the_password_clears_the_first_login_flag(district, street_a_staff):
    user = _create(street_a_staff, district["community_a"])
    with pytest.raises(InvalidInput, match="原密码不正确"):
        actions.change_password(user, actor=user, old_password="nope", new_password="New#2026pw")
    actions.change_password(
        user, actor=user, old_password="Temp#2026pass", new_password="New#2026pass"
    )
    user.refresh_from_db()
    assert not user.must_change_password and user.check_password("New#2026pass")
    assert AuditEvent.objects.filter(verb=Verb.PASSWORD_CHANGED, actor=user).count() == 1


def test_a_new_password_revokes_every_api_token_of_the_account(district, street_a_staff):
    user = _create(street_a_staff, district["community_a"])
    actions.change_password(
        user, actor=user, old_password="Temp#2026pass", new_password="New#2026pass"
    )
    token, _ = actions.create_token(user, actor=user, name="巡查App")
    other, _ = actions.create_token(street_a_staff, actor=street_a_staff, name="另一个人的")
    actions.change_password(
        user, actor=user, old_password="New#2026pass", new_password="Newer#2026pass"
    )
    token.refresh_from_db()
    other.refresh_from_db()
    assert token.revoked_at is not None and other.revoked_at is None
    entry = AuditEvent.objects.filter(verb=Verb.PASSWORD_CHANGED, actor=user).latest("id")
    assert entry.data == {"tokens_revoked": 1}
    again, _ = actions.create_token(user, actor=user, name="巡查App")
    actions.reset_password(user, actor=street_a_staff, new_password="Reset#2026pass")
    again.refresh_from_db()
    assert again.revoked_at is not None
    reset = AuditEvent.objects.get(verb=Verb.PASSWORD_RESET)
    assert reset.data == {"tokens_revoked": 1}


def test_switching_scope_only_to_ones_own_memberships(district, street_a_staff, street_b_staff):
    other = street_b_staff.memberships.get()
    with pytest.raises(NotFound):
        actions.switch_scope(street_a_staff, actor=street_a_staff, membership_id=other.pk)
    mine = actions.grant_membership(
        street_a_staff,
        actor=_admin(district),
        role=Role.COMMUNITY_WORKER,
        region=district["community_a"],
    )
    street_a_staff._membership_cache = None
    actions.switch_scope(street_a_staff, actor=street_a_staff, membership_id=mine.pk)
    assert street_a_staff.active_membership == mine


def _admin(district):
    from shegong import testing

    return testing.user(Role.DISTRICT_ADMIN, district["district"], name="区管理员")


def test_revealing_an_id_number_is_audited_and_needs_the_permission(
    district, street_a_staff, community_a_worker
):
    user = _create(street_a_staff, district["community_a"], id_number="11010519491231002X")
    assert actions.reveal_pii(user, actor=street_a_staff, field="id_number") == (
        "11010519491231002X"
    )
    assert AuditEvent.objects.filter(verb=Verb.PII_REVEALED, actor=street_a_staff).count() == 1
    with pytest.raises(NotPermitted):
        actions.reveal_pii(user, actor=community_a_worker, field="id_number")


def test_tokens_are_stored_hashed_and_revocable(district, street_a_staff):
    token, key = actions.create_token(street_a_staff, actor=street_a_staff, name="巡查App")
    assert key.startswith("sg_") and key not in token.key_hash
    actions.revoke_token(token, actor=street_a_staff)
    token.refresh_from_db()
    assert not token.is_active
    verbs = list(AuditEvent.objects.values_list("verb", flat=True))
    assert Verb.TOKEN_CREATED in verbs and Verb.TOKEN_REVOKED in verbs


def test_deactivating_revokes_tokens_and_a_manager_cannot_deactivate_themselves(
    district, street_a_staff
):
    user = _create(street_a_staff, district["community_a"])
    token, _ = actions.create_token(user, actor=user, name="x")
    actions.set_active(user, actor=street_a_staff, active=False)
    token.refresh_from_db()
    assert not token.is_active
    with pytest.raises(InvalidInput):
        actions.set_active(street_a_staff, actor=street_a_staff, active=False)
