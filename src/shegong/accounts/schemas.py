"""API contract of accounts: the caller (``/me``) and their API tokens."""

from datetime import datetime

from ninja import Field, Schema


class MembershipOut(Schema):
    id: int
    role: str = Field(description="角色代码，如 street_staff")
    role_label: str = Field(description="角色名称，如 街道工作人员")
    region_code: str
    region_name: str
    region_level: str
    department_code: str | None = None
    department_name: str | None = None


class MeOut(Schema):
    id: int
    name: str = Field(description="姓名（已脱敏，如 张*）")
    phone: str = Field(description="手机号（已脱敏，如 138****1234）")
    is_superuser: bool
    must_change_password: bool
    memberships: list[MembershipOut]
    active_membership: MembershipOut | None = Field(
        description="当前工作范围；令牌认证时可用请求头 X-Shegong-Scope 选择"
    )
    permissions: list[str] = Field(description="当前角色的权限代码")


class TokenIn(Schema):
    name: str = Field(description="用途，如「巡查App」，不超过60字")


class TokenOut(Schema):
    id: int
    name: str
    prefix: str = Field(description="令牌前几位，便于辨认")
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None
    is_active: bool


class TokenCreated(TokenOut):
    key: str = Field(description="令牌明文，仅此一次返回，请立即妥善保存")
