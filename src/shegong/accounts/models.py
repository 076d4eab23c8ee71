"""Users (login by mobile number), departments, memberships (role × region × department), tokens."""

from __future__ import annotations

import hashlib
from typing import Any

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.utils import timezone

from shegong.core.perms import PERMISSIONS, STAFF_ROLES, Perm, Role
from shegong.core.pii import IdentityFields, mask_name, mask_phone
from shegong.core.scope import ScopedQuerySet, in_subtree, scope_prefix


class UserQuerySet(models.QuerySet):
    def visible_to(self, user: Any) -> UserQuerySet:
        """Accounts holding at least one role inside the caller's scope, and the caller."""
        prefix = scope_prefix(user)
        if prefix is None:
            return self.none()
        if prefix == "":
            return self
        inside = in_subtree(Membership.objects.all(), prefix).values("user_id")
        return self.filter(models.Q(pk__in=inside) | models.Q(pk=user.pk))


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):  # type: ignore[misc]
    use_in_migrations = True

    def create_user(self, phone: str, password: str | None = None, **extra: Any) -> User:
        user = self.model(phone=phone, **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, phone: str, password: str | None = None, **extra: Any) -> User:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        extra.setdefault("name", "系统管理员")
        return self.create_user(phone, password, **extra)


class User(IdentityFields, AbstractBaseUser, PermissionsMixin):
    """A person who logs in with a mobile number and password."""

    phone = models.CharField("手机号", max_length=11, unique=True)
    name = models.CharField("姓名", max_length=50)
    is_active = models.BooleanField("启用", default=True)
    is_staff = models.BooleanField("可进入后台", default=False)
    must_change_password = models.BooleanField("首次登录须改密", default=False)
    password_changed_at = models.DateTimeField("上次改密时间", null=True, blank=True)
    date_joined = models.DateTimeField("创建时间", default=timezone.now)
    created_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="创建人",
    )

    objects = UserManager()

    USERNAME_FIELD = "phone"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["id"]

    def __str__(self) -> str:
        # Masked: this label lands in audit rows, admin lists and messages.
        return f"{mask_name(self.name)}（{mask_phone(self.phone)}）"

    @property
    def name_masked(self) -> str:
        return mask_name(self.name)

    @property
    def phone_masked(self) -> str:
        return mask_phone(self.phone)

    # --- memberships and scope ---------------------------------------------------------------

    def membership_list(self) -> list[Membership]:
        """This user's memberships, loaded once per request."""
        cached = getattr(self, "_membership_cache", None)
        if cached is None:
            cached = list(self.memberships.select_related("region", "department").order_by("id"))
            self._membership_cache = cached
        return cached

    @property
    def active_membership(self) -> Membership | None:
        """The membership chosen with the scope switcher, else the first one."""
        memberships = self.membership_list()
        wanted = getattr(self, "_active_membership_id", None)
        for membership in memberships:
            if membership.pk == wanted:
                return membership
        return memberships[0] if memberships else None

    def activate_membership(self, membership_id: int | None) -> None:
        self._active_membership_id = membership_id

    @property
    def active_role(self) -> Role | None:
        membership = self.active_membership
        return Role(membership.role) if membership else None

    def has_perm_in_scope(self, perm: Perm) -> bool:
        """Whether the active role grants ``perm`` (superusers: always)."""
        if self.is_superuser:
            return True
        role = self.active_role
        return role is not None and perm in PERMISSIONS[role]

    @property
    def is_workbench_user(self) -> bool:
        return self.is_superuser or self.has_perm_in_scope(Perm.WORKBENCH)

    @property
    def is_field_user(self) -> bool:
        role = self.active_role
        return role is not None and role not in STAFF_ROLES and role != Role.ORG_ACCOUNT


class Department(models.Model):
    """A functional department (城管, 市场监管 …) or a unit such as a street office."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=100)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="departments",
        verbose_name="所属区划",
    )
    is_active = models.BooleanField("启用", default=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "部门"
        verbose_name_plural = "部门"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Membership(models.Model):
    """A role held by a user in a region's subtree (and, for handlers, a department)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField("角色", max_length=30, choices=Role.choices)
    region = models.ForeignKey(
        "regions.Region",
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name="区划",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="memberships",
        verbose_name="部门",
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "角色授予"
        verbose_name_plural = "角色授予"
        constraints = [
            # Two partial constraints instead of nulls_distinct=False, which SQLite lacks.
            models.UniqueConstraint(
                fields=["user", "role", "region"],
                condition=models.Q(department__isnull=True),
                name="membership_unique_without_department",
            ),
            models.UniqueConstraint(
                fields=["user", "role", "region", "department"],
                condition=models.Q(department__isnull=False),
                name="membership_unique_with_department",
            ),
        ]
        indexes = [models.Index(fields=["region", "role"])]

    def __str__(self) -> str:
        dept = f" · {self.department.name}" if self.department_id else ""
        return f"{self.region.name} · {self.get_role_display()}{dept}"


class ApiToken(models.Model):
    """A bearer token for apps. Only its SHA-256 is stored; the plaintext is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField("用途", max_length=60)
    prefix = models.CharField("前缀", max_length=12)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)
    revoked_at = models.DateTimeField("吊销时间", null=True, blank=True)

    class Meta:
        verbose_name = "访问令牌"
        verbose_name_plural = "访问令牌"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None
