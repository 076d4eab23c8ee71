"""The demo district's departments and one login per role, and the table of logins printed
by ``shegong demo`` and ``shegong loaddemo``."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import password_validation
from django.db import transaction

from shegong.core.demo import (
    CITY,
    PASSWORD,
    PROVINCE,
    SUPERUSER_PHONE,
    DemoContext,
    fake_id_number,
    fake_name,
)
from shegong.core.perms import Role

from .models import Department, Membership, User

# "{district}" is the district's name: 教育局 is also the 业务主管单位 the demo's social
# organizations name (示范区教育局), and a supervisor is matched by the department's name.
DEPARTMENTS = [
    ("cgj", "城管局"), ("scjg", "市场监管局"), ("zjj", "住建局"), ("jj", "交警大队"),
    ("yjj", "应急管理局"), ("rsj", "人社局"), ("jyj", "{district}教育局"), ("wy", "物业服务中心"),
    ("dispatch", "区派单中心"),
]  # fmt: skip


@dataclass(frozen=True)
class DemoLogin:
    phone: str
    role: Role | None  # None: superuser
    scope: str  # "district", "street:1", "community:1:1" (street 1, its first community)
    department: str = ""


DEMO_LOGINS = [
    DemoLogin(SUPERUSER_PHONE, None, "all"),
    DemoLogin("13800000001", Role.DISTRICT_ADMIN, "district"),
    DemoLogin("13800000002", Role.STREET_STAFF, "street:1"),
    DemoLogin("13800000003", Role.STREET_STAFF, "street:2"),
    DemoLogin("13800000004", Role.COMMUNITY_WORKER, "community:1:1"),
    DemoLogin("13800000005", Role.DEPARTMENT_HANDLER, "district", "cgj"),
    DemoLogin("13800000006", Role.REGISTRAR, "district"),
    DemoLogin("13800000007", Role.PARTY_INSTRUCTOR, "street:1"),
    DemoLogin("13800000008", Role.SOCIAL_WORKER, "community:1:1"),
    DemoLogin("13800000009", Role.VOLUNTEER, "community:1:1"),
    DemoLogin("13800000010", Role.WORKER, "street:1"),
    DemoLogin("13800000011", Role.RESIDENT, "community:1:1"),
    DemoLogin("13800000012", Role.ORG_ACCOUNT, "district"),
    DemoLogin("13800000013", Role.DISPATCHER, "district"),
    DemoLogin("13800000014", Role.DEPARTMENT_SUPERVISOR, "district", "cgj"),
    DemoLogin("13800000015", Role.VOLUNTEER, "community:1:1"),  # leads 东关's volunteer team
    # 三员 (separated duties): one account each.
    DemoLogin("13800000016", Role.SYSTEM_ADMIN, "district"),
    DemoLogin("13800000017", Role.SECURITY_ADMIN, "district"),
    DemoLogin("13800000018", Role.AUDIT_ADMIN, "district"),
    # 教育局: the 业务主管单位's 初审 of its social organizations' annual reports
    DemoLogin("13800000019", Role.DEPARTMENT_HANDLER, "district", "jyj"),
    # 需求对接（四单）: 东关社区's dispatcher, a helper volunteer who takes orders, a resident
    DemoLogin("13800000060", Role.COMMUNITY_WORKER, "community:1:1"),
    DemoLogin("13800000061", Role.VOLUNTEER, "community:1:1"),
    DemoLogin("13800000062", Role.RESIDENT, "community:1:1"),
]


# --- the loaders -----------------------------------------------------------------------------


def load_departments(ctx: DemoContext) -> int:
    district = ctx.region("district")
    created = 0
    with transaction.atomic():
        for code, name in DEPARTMENTS:
            _, is_new = Department.objects.get_or_create(
                code=code,
                defaults={"name": name.format(district=district.name), "region": district},
            )
            created += is_new
    return created


def load_users(ctx: DemoContext) -> int:
    password_validation.validate_password(PASSWORD)  # the printed password obeys the policy
    created = 0
    with transaction.atomic():
        for index, login in enumerate(DEMO_LOGINS):
            id_number = fake_id_number(ctx.rng, 100 + index)
            if User.objects.filter(phone=login.phone).exists():
                continue
            if login.role is None:
                User.objects.create_superuser(
                    phone=login.phone, password=PASSWORD, name="系统管理员"
                )
            else:
                user = User.objects.create_user(
                    phone=login.phone,
                    password=PASSWORD,
                    name=fake_name(index),
                    id_number=id_number,
                    must_change_password=False,
                )
                department = (
                    Department.objects.get(code=login.department) if login.department else None
                )
                Membership.objects.create(
                    user=user,
                    role=login.role,
                    region=ctx.region(login.scope),
                    department=department,
                )
            created += 1
    return created


# --- the logins table ------------------------------------------------------------------------


def logins_table() -> list[tuple[str, str, str, str]]:
    """(角色, 手机号, 密码, 工作范围) for every demo login, read from the database."""
    rows = []
    users = User.objects.in_bulk([login.phone for login in DEMO_LOGINS], field_name="phone")
    for login in DEMO_LOGINS:
        user = users.get(login.phone)
        if user is None:
            continue
        if login.role is None:
            rows.append(("超级管理员", login.phone, PASSWORD, "全部"))
            continue
        membership = user.membership_list()[0]
        scope = membership.region.full_name.removeprefix(PROVINCE[1] + CITY[1])
        if membership.department_id:
            scope += f" · {membership.department.name}"
        rows.append((login.role.label, login.phone, PASSWORD, scope))
    return rows


def format_logins() -> str:
    rows = [("角色", "手机号", "密码", "工作范围"), *logins_table()]
    widths = [max(_width(r[i]) for r in rows) for i in range(4)]
    lines = []
    for row in rows:
        cells = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
    return "\n".join(lines)


def _width(text: str) -> int:
    """Display width in a terminal: CJK characters take two columns."""
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in text)
