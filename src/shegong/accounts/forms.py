"""Forms of the account pages. They parse input; the rules live in ``actions`` (one place).

Domain errors raised by an action are put back on the form with ``add_domain_error`` so they show
next to the field they name, never as a server error.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm

from shegong.core.perms import GRANTABLE, Role
from shegong.regions.choices import Level
from shegong.regions.models import Region
from shegong.web.forms import BootstrapMixin

from .models import Department, User
from .queries import department_queryset

GENERIC_LOGIN_ERROR = "手机号或密码不正确"
LOCKED_OUT_MESSAGE = "登录失败次数过多，账号已锁定，请15分钟后再试或联系管理员解锁"


def password_help() -> list[str]:
    """The password policy as the validators state it (one line each)."""
    return password_validation.password_validators_help_texts()


class LoginForm(BootstrapMixin, AuthenticationForm):
    """Mobile number + password. Every failure gets the same message (no account probing)."""

    username = forms.CharField(
        label="手机号",
        max_length=20,
        widget=forms.TextInput(
            attrs={
                "autofocus": True,
                "autocomplete": "username",
                "inputmode": "numeric",
                "placeholder": "请输入11位手机号",
            }
        ),
    )
    password = forms.CharField(
        label="密码",
        strip=False,
        widget=forms.PasswordInput(
            attrs={
                "autocomplete": "current-password",
                "placeholder": "请输入密码",
            }
        ),
    )
    error_messages = {
        "invalid_login": GENERIC_LOGIN_ERROR,
        # An inactive account is reported exactly like a wrong password.
        "inactive": GENERIC_LOGIN_ERROR,
    }

    def clean_username(self) -> str:
        return "".join(self.cleaned_data["username"].split())


class PasswordChangeForm(BootstrapMixin, forms.Form):
    old_password = forms.CharField(
        label="原密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    new_password = forms.CharField(
        label="新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    new_password2 = forms.CharField(
        label="确认新密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if (
            data.get("new_password")
            and data.get("new_password2")
            and data["new_password"] != data["new_password2"]
        ):
            self.add_error("new_password2", "两次输入的新密码不一致")
        return data


def grantable_roles(actor: User) -> list[tuple[str, str]]:
    if actor.is_superuser:
        allowed = set(Role)
    else:
        allowed = set(GRANTABLE.get(actor.active_role, frozenset()))
    return [(r.value, r.label) for r in Role if r in allowed]


def region_choices_queryset(actor: User):
    """Regions an actor may pick: inside their scope (grids excluded: roles sit above them)."""
    return Region.objects.visible_to(actor).exclude(level=Level.GRID).order_by("code")


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        indent = {"district": "", "street": "　", "community": "　　"}.get(obj.level, "")
        return f"{indent}{obj.name}（{obj.get_level_display()}）"


class MembershipFields(BootstrapMixin, forms.Form):
    """Role × region × department, limited to what the actor may grant."""

    role = forms.ChoiceField(
        label="角色",
        error_messages={"invalid_choice": "您不能授予这个角色", "required": "请选择角色"},
    )
    region = RegionChoiceField(
        label="区划",
        queryset=Region.objects.none(),
        empty_label="请选择",
        error_messages={
            "invalid_choice": "请选择您工作范围内的区划",
            "required": "请选择区划",
        },
    )
    department = forms.ModelChoiceField(
        label="部门",
        queryset=Department.objects.none(),
        required=False,
        empty_label="（部门处置人员必选）",
        error_messages={"invalid_choice": "请选择列表中的部门"},
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = [("", "请选择"), *grantable_roles(actor)]
        self.fields["region"].queryset = region_choices_queryset(actor)
        self.fields["department"].queryset = department_queryset(actor)


class UserCreateForm(MembershipFields):
    phone = forms.CharField(label="手机号", max_length=20)
    name = forms.CharField(label="姓名", max_length=50)
    id_number = forms.CharField(
        label="身份证号",
        max_length=20,
        required=False,
        help_text="选填；加密保存，页面只显示脱敏号码",
    )
    password = forms.CharField(
        label="初始密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="用户首次登录时必须修改",
    )

    field_order = ["phone", "name", "id_number", "role", "region", "department", "password"]


class GrantForm(MembershipFields):
    pass


class ResetPasswordForm(BootstrapMixin, forms.Form):
    new_password = forms.CharField(
        label="临时密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text="用户下次登录时必须修改",
    )


class UserFilterForm(BootstrapMixin, forms.Form):
    q = forms.CharField(
        label="关键字",
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"placeholder": "姓名或手机号"}),
    )
    role = forms.ChoiceField(
        label="角色", required=False, choices=[("", "全部角色"), *Role.choices]
    )
    region = RegionChoiceField(
        label="区划",
        queryset=Region.objects.none(),
        required=False,
        empty_label="全部区划",
        error_messages={"invalid_choice": "请选择您工作范围内的区划"},
    )
    active = forms.ChoiceField(
        label="状态", required=False, choices=[("", "全部状态"), ("1", "启用"), ("0", "停用")]
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices_queryset(actor).filter(
            level__in=[Level.DISTRICT, Level.STREET, Level.COMMUNITY]
        )


class TokenForm(BootstrapMixin, forms.Form):
    name = forms.CharField(
        label="用途",
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "例如：网格员App、数据对接"}),
    )


class SecondFactorForm(BootstrapMixin, forms.Form):
    code = forms.CharField(
        label="验证码",
        max_length=20,
        help_text="验证器应用显示的6位数字；手机不在身边时可输入一个恢复码",
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "placeholder": "6位数字"}
        ),
    )


class DisableSecondFactorForm(BootstrapMixin, forms.Form):
    password = forms.CharField(
        label="登录密码",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
