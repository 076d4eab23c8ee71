"""State changes of accounts: one function per verb, one transaction, one audit entry each."""

from __future__ import annotations

import secrets
from typing import Any

from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import InvalidInput, NotFound, NotPermitted
from shegong.core.perms import (
    DEPARTMENT_ROLES,
    GRANTABLE,
    SEPARATED_ROLES,
    Perm,
    Role,
    require_perm,
)
from shegong.core.pii import blind_index, validate_id_number, validate_phone
from shegong.regions.models import Region

from .models import ApiToken, Department, Membership, User


def _require_region_in_scope(actor: User, region: Region) -> None:
    if actor.is_superuser:
        return
    membership = actor.active_membership
    if membership is None or not region.code.startswith(membership.region.prefix):
        raise NotFound("未找到该区划，或不在您的工作范围内")


def _validate_password(password: str, user: User | None = None, field: str = "password") -> None:
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise InvalidInput(
            "；".join(exc.messages), errors=[{"field": field, "message": m} for m in exc.messages]
        ) from exc


def check_grant(actor: User, role: Role, region: Region, *, perm: Perm = Perm.ROLES_GRANT) -> None:
    """An actor may grant only roles below their own, only inside their scope. Granting needs
    ``ROLES_GRANT``; opening an account with its first role needs ``ACCOUNTS_MANAGE``."""
    require_perm(actor, perm)
    _require_region_in_scope(actor, region)
    own = actor.active_role
    if not actor.is_superuser and (own is None or role not in GRANTABLE.get(own, frozenset())):
        raise NotPermitted(f"您不能授予「{role.label}」角色")


@transaction.atomic(durable=True)
def create_user(
    *,
    actor: User,
    phone: str,
    name: str,
    password: str,
    role: Role,
    region: Region,
    department: Department | None = None,
    id_number: str = "",
) -> User:
    """Create an account with one role; it must change its password at first login."""
    check_grant(actor, role, region, perm=Perm.ACCOUNTS_MANAGE)
    errors = []
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        errors.append({"field": "phone", "message": exc.messages[0]})
    if not name.strip():
        errors.append({"field": "name", "message": "请填写姓名"})
    if id_number:
        try:
            id_number = validate_id_number(id_number)
        except ValidationError as exc:
            errors.append({"field": "id_number", "message": exc.messages[0]})
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    if User.objects.filter(phone=phone).exists():
        raise InvalidInput.field("phone", "该手机号已注册")
    if id_number and User.objects.filter(id_number_index=blind_index(id_number)).exists():
        raise InvalidInput.field("id_number", "该身份证号已绑定其他账号")
    _validate_password(password, User(phone=phone, name=name))
    if role in DEPARTMENT_ROLES and department is None:
        raise InvalidInput.field("department", f"{Role(role).label}须指定所属部门")
    user = User(phone=phone, name=name.strip(), id_number=id_number, created_by=actor)
    user.set_password(password)
    user.must_change_password = True
    user.save()
    membership = Membership.objects.create(
        user=user, role=role, region=region, department=department
    )
    audit.record(
        Verb.USER_CREATED,
        actor=actor,
        target=user,
        region=region,
        data={"role": role.value, "region": region.code, "membership": membership.pk},
    )
    return user


@transaction.atomic(durable=True)
def create_superuser(*, actor: User | None, phone: str, name: str, password: str) -> User:
    """A superuser (sees everything, uses /admin/): created from the command line."""
    errors = []
    try:
        phone = validate_phone(phone)
    except ValidationError as exc:
        errors.append({"field": "phone", "message": exc.messages[0]})
    if not name.strip():
        errors.append({"field": "name", "message": "请填写姓名"})
    if errors:
        raise InvalidInput(errors[0]["message"], errors=errors)
    _validate_password(password, User(phone=phone, name=name))
    if User.objects.filter(phone=phone).exists():
        raise InvalidInput.field("phone", f"该手机号已注册（{phone}）")
    user = User.objects.create_superuser(phone=phone, password=password, name=name.strip())
    audit.record(Verb.USER_CREATED, actor=actor, target=user, data={"superuser": True})
    return user


@transaction.atomic(durable=True)
def grant_membership(
    user: User, *, actor: User, role: Role, region: Region, department: Department | None = None
) -> Membership:
    if user.pk == actor.pk:
        raise NotPermitted("不能给自己授予角色，请由其他有权限的管理员授予")
    check_grant(actor, role, region)
    if role in DEPARTMENT_ROLES and department is None:
        raise InvalidInput.field("department", f"{Role(role).label}须指定所属部门")
    # The account row is locked so that two grants at once cannot both pass the check below.
    User.objects.select_for_update().filter(pk=user.pk).first()
    check_separated_roles(user, role)
    try:
        with transaction.atomic():
            membership = Membership.objects.create(
                user=user, role=role, region=region, department=department
            )
    except IntegrityError as exc:
        raise InvalidInput.field("role", "该用户在此区划已有这个角色") from exc
    audit.record(
        Verb.MEMBERSHIP_ADDED,
        actor=actor,
        target=user,
        region=region,
        data={"role": role.value, "region": region.code},
    )
    return membership


def check_separated_roles(user: User, role: Role | str) -> None:
    """三员: an account holds at most one of the system, security and audit administrator."""
    if role not in SEPARATED_ROLES:
        return
    held = (
        Membership.objects.filter(user=user, role__in=SEPARATED_ROLES)
        .exclude(role=role)
        .values_list("role", flat=True)
        .first()
    )
    if held:
        raise InvalidInput.field(
            "role",
            f"系统管理员、安全管理员、审计管理员不能由同一账号兼任（该账号已是{Role(held).label}）",
        )


@transaction.atomic(durable=True)
def revoke_membership(membership: Membership, *, actor: User) -> None:
    check_grant(actor, Role(membership.role), membership.region)
    user = membership.user
    if user.memberships.count() == 1:
        raise InvalidInput.field("role", "这是该用户唯一的角色；如需停用请使用「停用账号」")
    data = {"role": membership.role, "region": membership.region_id}
    membership.delete()
    audit.record(
        Verb.MEMBERSHIP_REMOVED, actor=actor, target=user, region=data["region"], data=data
    )


@transaction.atomic(durable=True)
def change_password(user: User, *, actor: User, old_password: str, new_password: str) -> User:
    """The user changes their own password (also the forced first-login change)."""
    user = User.objects.select_for_update().get(pk=user.pk)
    if not user.check_password(old_password):
        raise InvalidInput.field("old_password", "原密码不正确")
    if old_password == new_password:
        raise InvalidInput.field("new_password", "新密码不能与原密码相同")
    _validate_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.must_change_password = False
    user.password_changed_at = timezone.now()
    user.save(update_fields=["password", "must_change_password", "password_changed_at"])
    revoked = _revoke_tokens(user)
    audit.record(
        Verb.PASSWORD_CHANGED, actor=actor, target=user, region=_home_region(user),
        data={"tokens_revoked": revoked},
    )  # fmt: skip
    return user


def _revoke_tokens(user: User) -> int:
    """A new password ends every API token of the account: a token made by whoever knew the
    old password must not outlive it (等保: credentials change together)."""
    return user.api_tokens.filter(revoked_at=None).update(revoked_at=timezone.now())


@transaction.atomic(durable=True)
def reset_password(user: User, *, actor: User, new_password: str) -> User:
    """Staff set a temporary password; the user must change it at next login."""
    _require_manage(actor, user)
    _validate_password(new_password, user, field="new_password")
    user.set_password(new_password)
    user.must_change_password = True
    user.save(update_fields=["password", "must_change_password"])
    revoked = _revoke_tokens(user)
    audit.record(
        Verb.PASSWORD_RESET, actor=actor, target=user, region=_home_region(user),
        data={"tokens_revoked": revoked},
    )  # fmt: skip
    return user


@transaction.atomic(durable=True)
def set_active(user: User, *, actor: User, active: bool) -> User:
    _require_manage(actor, user)
    if user.pk == actor.pk:
        raise InvalidInput.field("is_active", "不能停用自己的账号")
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        user.api_tokens.filter(revoked_at=None).update(revoked_at=timezone.now())
    verb = Verb.USER_REACTIVATED if active else Verb.USER_DEACTIVATED
    audit.record(verb, actor=actor, target=user, region=_home_region(user))
    return user


@transaction.atomic(durable=True)
def clear_lockout(user: User, *, actor: User) -> int:
    """Lift a login lockout before it expires (the user called the office)."""
    from axes.models import AccessAttempt

    _require_manage(actor, user, perm=Perm.SECURITY_MANAGE)
    cleared, _ = AccessAttempt.objects.filter(username=user.phone).delete()
    audit.record(Verb.LOCKOUT_CLEARED, actor=actor, target=user, region=_home_region(user))
    return cleared


@transaction.atomic(durable=True)
def switch_scope(user: User, *, actor: User, membership_id: int) -> Membership:
    """Choose which of one's own memberships the workbench acts in."""
    membership = next((m for m in user.membership_list() if m.pk == membership_id), None)
    if membership is None:
        raise NotFound("未找到该工作范围")
    user.activate_membership(membership.pk)
    audit.record(
        Verb.SCOPE_SWITCHED,
        actor=actor,
        target=user,
        region=membership.region,
        data={"membership": membership.pk, "role": membership.role},
    )
    return membership


@transaction.atomic(durable=True)
def create_token(user: User, *, actor: User, name: str) -> tuple[ApiToken, str]:
    """Create a bearer token; returns the row and the plaintext, which is never stored."""
    name = name.strip()
    if not name:
        raise InvalidInput.field("name", "请填写令牌用途")
    if len(name) > 60:
        raise InvalidInput.field("name", "令牌用途不超过60字")
    key = f"sg_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=user, name=name, prefix=key[:10], key_hash=ApiToken.hash(key)
    )
    audit.record(Verb.TOKEN_CREATED, actor=actor, target=token, region=_home_region(user))
    return token, key


@transaction.atomic(durable=True)
def revoke_token(token: ApiToken, *, actor: User) -> ApiToken:
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(Verb.TOKEN_REVOKED, actor=actor, target=token, region=_home_region(token.user))
    return token


@transaction.atomic(durable=True)
def reveal_pii(obj: Any, *, actor: User, field: str) -> str:
    """Return one personal-data field in full, for a role that may reveal it; audited."""
    require_perm(actor, Perm.PII_REVEAL)
    value = getattr(obj, field)
    audit.record(
        Verb.PII_REVEALED,
        actor=actor,
        target=obj,
        region=getattr(obj, "region_id", None) or _home_region(obj),
        data={"field": field},
    )
    return value


def record_login(user: User, *, success: bool = True) -> None:
    audit.record(Verb.LOGIN, actor=user, target=user, region=_home_region(user))


def record_logout(user: User) -> None:
    audit.record(Verb.LOGOUT, actor=user, target=user, region=_home_region(user))


def _require_manage(actor: User, user: User, perm: Perm = Perm.ACCOUNTS_MANAGE) -> None:
    require_perm(actor, perm)
    if not User.objects.visible_to(actor).filter(pk=user.pk).exists():
        raise NotFound("未找到该账号，或不在您的工作范围内")


def _home_region(obj: Any) -> str | None:
    """The region an account event is filed under: the user's first membership's region."""
    if not isinstance(obj, User):
        return None
    memberships = obj.membership_list()
    return memberships[0].region_id if memberships else None


# --- second factor (TOTP + recovery codes) ----------------------------------------------------


def _normalize_code(code: str) -> str:
    return "".join(str(code).split()).replace("-", "").lower()


@transaction.atomic(durable=True)
def start_totp_enrolment(user: User, *, actor: User) -> Any:
    """The not-yet-confirmed authenticator of ``user`` (made on first call). Nothing is audited
    until it is confirmed with a code: an unconfirmed device verifies nobody."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import TOTP_DEVICE_NAME

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InvalidInput("您已启用两步验证")
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=TOTP_DEVICE_NAME, confirmed=False)
    return device


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .twofactor import RECOVERY_CODE_COUNT, RECOVERY_DEVICE_NAME

    device, _ = StaticDevice.objects.get_or_create(
        user=user, name=RECOVERY_DEVICE_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic(durable=True)
def confirm_totp(user: User, *, actor: User, code: str) -> tuple[Any, list[str]]:
    """Activate the authenticator once it shows the right code; returns the device and ten new
    recovery codes (shown once, never again)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InvalidInput("您已启用两步验证")
    device = (
        TOTPDevice.objects.select_for_update()
        .filter(user=user, confirmed=False)
        .order_by("-id")
        .first()
    )
    if device is None:
        raise InvalidInput.field("code", "请先打开启用页面，用验证器应用扫描二维码")
    code = _normalize_code(code)
    if not (code.isdigit() and len(code) == 6):
        raise InvalidInput.field("code", "请输入验证器应用显示的6位数字")
    if not device.verify_token(code):
        raise InvalidInput.field("code", "验证码不正确，请确认手机时间准确后输入最新的验证码")
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    codes = _new_recovery_codes(user)
    audit.record(Verb.TOTP_ENROLLED, actor=actor, target=user, region=_home_region(user))
    return device, codes


@transaction.atomic(durable=True)
def regenerate_recovery_codes(user: User, *, actor: User) -> list[str]:
    """Ten new recovery codes; the old ones stop working."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        raise InvalidInput("请先启用两步验证")
    codes = _new_recovery_codes(user)
    audit.record(
        Verb.RECOVERY_CODES_REGENERATED, actor=actor, target=user, region=_home_region(user)
    )
    return codes


@transaction.atomic(durable=True)
def disable_second_factor(user: User, *, actor: User, password: str) -> None:
    """Remove one's own authenticator and recovery codes (after the password again); refused
    to those for whom the second factor is required."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import is_required

    if is_required(user):
        raise NotPermitted(
            "区管理员、三员（系统、安全、审计管理员）和超级管理员必须使用两步验证，不能停用"
        )
    if not user.check_password(password):
        raise InvalidInput.field("password", "密码不正确")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if not deleted:
        raise InvalidInput("您尚未启用两步验证")
    audit.record(Verb.TOTP_DISABLED, actor=actor, target=user, region=_home_region(user))


@transaction.atomic(durable=True)
def reset_second_factor(user: User, *, actor: User) -> None:
    """A security administrator removes another account's authenticator and recovery codes
    (a lost phone); an account that requires them enrols again at its next login."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    _require_manage(actor, user, perm=Perm.SECURITY_MANAGE)
    if user.pk == actor.pk:
        raise NotPermitted("不能重置自己的两步验证")
    deleted, _ = TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    if not deleted:
        raise InvalidInput("该账号尚未启用两步验证")
    audit.record(
        Verb.TOTP_DISABLED, actor=actor, target=user, region=_home_region(user),
        data={"reset": True},
    )  # fmt: skip


def verify_second_factor(user: User, *, code: str) -> Any:
    """The login's second step: a 6-digit code from the app, or one recovery code (used up).

    Returns the device that accepted it. A wrong code is audited and counts toward
    django-otp's throttling (each failure doubles the wait before the next try); the count is
    committed before the refusal is raised, so a refusal never rolls it back.
    """
    device, refusal = _check_second_factor(user, code)
    if refusal:
        raise InvalidInput.field("code", refusal)
    return device


@transaction.atomic(durable=True)
def _check_second_factor(user: User, code: str) -> tuple[Any, str]:
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import RECOVERY_DEVICE_NAME

    code = _normalize_code(code)
    recovery = not code.isdigit()
    if recovery:
        model: Any = StaticDevice
        devices = StaticDevice.objects.filter(user=user, name=RECOVERY_DEVICE_NAME)
    else:
        model = TOTPDevice
        devices = TOTPDevice.objects.filter(user=user, confirmed=True)
    device = devices.select_for_update().order_by("id").first()
    if device is None:
        if not recovery:
            raise InvalidInput("您尚未启用两步验证")
        device = TOTPDevice.objects.select_for_update().filter(user=user, confirmed=True).first()
        if device is None:
            raise InvalidInput("您尚未启用两步验证")
        model = TOTPDevice
    allowed, info = device.verify_is_allowed()
    if allowed and code and device.verify_token(code):
        if model is StaticDevice:
            audit.record(
                Verb.RECOVERY_CODE_USED, actor=user, target=user, region=_home_region(user),
                data={"left": device.token_set.count()},
            )  # fmt: skip
        else:
            audit.record(
                Verb.SECOND_FACTOR_VERIFIED, actor=user, target=user, region=_home_region(user)
            )
        return device, ""
    if allowed and not code:
        return None, "请输入验证码"
    device.refresh_from_db()
    audit.record(
        Verb.SECOND_FACTOR_FAILED, actor=user, target=user, region=_home_region(user),
        success=False,
        data={"kind": "recovery" if model is StaticDevice else "totp",
              "failures": device.throttling_failure_count, "throttled": not allowed},
    )  # fmt: skip
    if not allowed:
        until = (info or {}).get("locked_until") or timezone.now()
        wait = max(1, int((until - timezone.now()).total_seconds()) + 1)
        return None, f"验证失败次数过多，请{wait}秒后再试"
    return None, "验证码不正确" if model is TOTPDevice else "恢复码不正确或已使用"
