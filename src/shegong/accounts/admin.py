"""Django admin for accounts (superusers only): users by phone, memberships, departments, tokens.

ID numbers are never shown in plaintext here: the list shows them masked and the form leaves the
encrypted field out (reveal is a separate, audited action). Every change made through the admin
writes an audit row, like the actions do.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import BaseUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, HttpResponse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from shegong.core import audit
from shegong.core.admin import ReadOnlyAdmin, SuperuserOnlyMixin
from shegong.core.audit import Verb
from shegong.core.perms import SEPARATED_ROLES
from shegong.core.pii import validate_phone

from .models import ApiToken, Department, Membership, User


class UserCreationForm(BaseUserCreationForm):
    """Django's creation form (password twice, validators) keyed on the mobile number."""

    class Meta:
        model = User
        fields = ("phone", "name")

    def clean_phone(self) -> str:
        try:
            return validate_phone(self.cleaned_data["phone"])
        except forms.ValidationError as exc:
            raise forms.ValidationError(exc.messages) from exc

    def save(self, commit: bool = True) -> User:
        user = super().save(commit=False)
        user.must_change_password = True  # a password someone else chose is temporary
        if commit:
            user.save()
        return user


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = ("phone", "name", "is_active", "is_staff", "is_superuser", "must_change_password")


class MembershipFormSet(BaseInlineFormSet):
    """The rules of ``actions.grant_membership`` for the admin's role rows: nobody changes their
    own roles, and one account holds at most one of the three separated roles (三员)."""

    request: HttpRequest

    def clean(self) -> None:
        super().clean()
        kept = [
            f for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]  # fmt: skip
        changed = any(f.has_changed() for f in self.forms if f.cleaned_data)
        if changed and self.instance.pk and self.instance.pk == self.request.user.pk:
            raise forms.ValidationError("不能给自己授予或修改角色，请由其他管理员操作")
        separated = {f.cleaned_data["role"] for f in kept} & SEPARATED_ROLES
        if len(separated) > 1:
            raise forms.ValidationError("系统管理员、安全管理员、审计管理员不能由同一账号兼任")


class MembershipInline(admin.TabularInline):
    model = Membership
    formset = MembershipFormSet
    extra = 0
    fields = ["role", "region", "department", "created_at"]
    readonly_fields = ["created_at"]
    raw_id_fields = ["region", "department"]

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.request = request
        return formset


@admin.register(User)
class UserAdmin(SuperuserOnlyMixin, DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    list_display = ["phone", "name", "is_active", "is_superuser", "id_masked", "date_joined"]
    list_filter = ["is_active", "is_superuser", "memberships__role"]
    search_fields = ["phone", "name"]
    ordering = ["id"]
    filter_horizontal = ()
    readonly_fields = [
        "id_masked",
        "birth_date",
        "sex",
        "date_joined",
        "last_login",
        "password_changed_at",
        "created_by",
    ]
    fieldsets = [
        (None, {"fields": ["phone", "password"]}),
        ("个人信息", {"fields": ["name", "id_masked", "birth_date", "sex"]}),
        ("状态", {"fields": ["is_active", "is_staff", "is_superuser", "must_change_password"]}),
        ("记录", {"fields": ["date_joined", "last_login", "password_changed_at", "created_by"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["phone", "name", "password1", "password2"]}),
    ]
    inlines = [MembershipInline]

    def get_inline_instances(self, request: HttpRequest, obj: Any = None) -> list[Any]:
        # Like Django's own user admin, adding is two steps: the account, then its roles.
        return super().get_inline_instances(request, obj) if obj is not None else []

    @admin.display(description="身份证号")
    def id_masked(self, obj: User) -> str:
        return obj.id_number_masked or "—"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # accounts are deactivated, never deleted: the audit trail names them

    def save_model(self, request: HttpRequest, obj: User, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        if change:
            fields = sorted(set(form.changed_data) - {"password"})
            if fields:
                audit.record(
                    Verb.USER_UPDATED,
                    actor=request.user,
                    target=obj,
                    data={"fields": fields, "via": "admin"},
                )
        else:
            audit.record(Verb.USER_CREATED, actor=request.user, target=obj, data={"via": "admin"})

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        super().save_formset(request, form, formset, change)
        if formset.model is not Membership:
            return
        for membership in formset.new_objects:
            audit.record(
                Verb.MEMBERSHIP_ADDED,
                actor=request.user,
                target=form.instance,
                region=membership.region_id,
                data={"role": membership.role, "region": membership.region_id, "via": "admin"},
            )
        for membership in formset.deleted_objects:
            audit.record(
                Verb.MEMBERSHIP_REMOVED,
                actor=request.user,
                target=form.instance,
                region=membership.region_id,
                data={"role": membership.role, "region": membership.region_id, "via": "admin"},
            )

    def user_change_password(
        self, request: HttpRequest, id: str, form_url: str = ""
    ) -> HttpResponse:
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            # A password set by someone else is temporary: the owner must replace it.
            User.objects.filter(pk=user.pk).update(must_change_password=True)
            audit.record(
                Verb.PASSWORD_RESET, actor=request.user, target=user, data={"via": "admin"}
            )
        return response


@admin.register(Department)
class DepartmentAdmin(SuperuserOnlyMixin, admin.ModelAdmin):
    list_display = ["code", "name", "region", "is_active"]
    list_filter = ["is_active"]
    search_fields = ["code", "name"]
    raw_id_fields = ["region"]


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens are created and revoked by their owners on the tokens page; the hash never shows."""

    list_display = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_select_related = ["user"]
    fields = ["name", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = fields


# django-otp's own admin pages would show an authenticator's secret and the recovery codes in
# plaintext; a lost phone is reset on the account page instead (actions.reset_second_factor).
for _model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
