"""Roles and what each may do: the one permission table (documented in docs/roles.md).

A role is held in a region (membership); the permission applies within that region's subtree.
"""

from __future__ import annotations

from typing import Any

from django.db import models

from .errors import NotPermitted


class Role(models.TextChoices):
    DISTRICT_ADMIN = "district_admin", "区管理员"
    STREET_STAFF = "street_staff", "街道工作人员"
    COMMUNITY_WORKER = "community_worker", "社区工作者"
    DEPARTMENT_HANDLER = "department_handler", "部门处置人员"
    DEPARTMENT_SUPERVISOR = "department_supervisor", "部门督办负责人"
    DISPATCHER = "dispatcher", "区指挥中心派单员"
    REGISTRAR = "registrar", "民政登记人员"
    PARTY_INSTRUCTOR = "party_instructor", "党建指导员"
    SOCIAL_WORKER = "social_worker", "社工"
    VOLUNTEER = "volunteer", "志愿者"
    WORKER = "worker", "新就业群体"
    RESIDENT = "resident", "群众"
    ORG_ACCOUNT = "org_account", "社会组织账号"
    GRANT_REVIEWER = "grant_reviewer", "公益创投评审专家"
    # 三员 (separated duties, 等保): never two of these in one account (SEPARATED_ROLES).
    SYSTEM_ADMIN = "system_admin", "系统管理员"
    SECURITY_ADMIN = "security_admin", "安全管理员"
    AUDIT_ADMIN = "audit_admin", "审计管理员"


class Perm(models.TextChoices):
    WORKBENCH = "workbench", "使用工作台"
    REGIONS_VIEW = "regions.view", "查看区划与网格"
    REGIONS_MANAGE = "regions.manage", "维护区划与网格"
    ACCOUNTS_VIEW = "accounts.view", "查看辖区账号"
    ACCOUNTS_MANAGE = "accounts.manage", "创建和管理辖区账号"
    ROLES_GRANT = "accounts.grant", "授予和撤销角色"
    SECURITY_MANAGE = "security.manage", "解除登录锁定、查看账号安全状态"
    AUDIT_VIEW = "audit.view", "查询审计日志"
    AUDIT_FULL = "audit.full", "查阅全部审计日志（含账号与安全事件）"
    PII_REVEAL = "pii.reveal", "查看个人信息明文"
    SYSTEM_VIEW = "system.view", "查看系统运行状态"
    DASHBOARD_VIEW = "dashboard.view", "查看数据看板、大屏和工作简报"
    BRIEFS_MANAGE = "dashboard.briefs", "维护工作简报模板"
    LEDGER_VIEW = "ledger.view", "查看台账"
    LEDGER_MANAGE = "ledger.manage", "维护台账与党建覆盖"
    LEDGER_IMPORT = "ledger.import", "导入导出台账"
    GUIDANCE = "ledger.guidance", "记录党建指导走访"
    REPORTS_VIEW = "reports.view", "查看辖区随手拍工单"
    REPORTS_DISPATCH = "reports.dispatch", "受理、派单、核实随手拍工单"
    REPORTS_HANDLE = "reports.handle", "处置本部门工单"
    REPORTS_SUPERVISE = "reports.supervise", "督办与查看三率统计"
    REPORTS_MODERATE = "reports.moderate", "审核公开内容"
    REPORTS_CONFIGURE = "reports.configure", "维护问题类别、派单规则与监督员"
    STATIONS_VIEW = "stations.view", "查看驿站"
    STATIONS_MANAGE = "stations.manage", "维护驿站与检查记录"
    VOLUNTEERS_VIEW = "volunteers.view", "查看志愿者、队伍与活动"
    VOLUNTEERS_MANAGE = "volunteers.manage", "管理志愿者、队伍、活动与服务时长"
    ACTIVITIES_REVIEW = "activities.review", "审核发布志愿服务活动"
    SOCIAL_WORK_MANAGE = "socialwork.manage", "管理专业社工驻点与结对"
    SOCIALORGS_VIEW = "socialorgs.view", "查看社会组织登记信息"
    SOCIALORGS_MANAGE = "socialorgs.manage", "登记社会组织、变更其信息与状态"
    ORG_PORTAL = "socialorgs.portal", "以社会组织身份在线填报年报、提交申请"
    MATCHING_VIEW = "matching.view", "查看需求、供给清单与服务订单"
    MATCHING_MANAGE = "matching.manage", "维护两张清单、审核派单与评单"
    DELIBERATION_VIEW = "deliberation.view", "查看议题、议事会与落地实事"
    DELIBERATION_MANAGE = "deliberation.manage", "答复与合并议题、召开议事会、推进落地实事"
    NOTICES_VIEW = "notices.view", "查看公示与异议"
    NOTICES_MANAGE = "notices.manage", "发布公示、处理异议"
    GRANTS_VIEW = "grants.view", "查看公益创投申报、评审与项目"
    GRANTS_MANAGE = "grants.manage", "发布公益创投、资格审查、组织评审、立项签约与拨付"
    GRANTS_REVIEW = "grants.review", "评审分配给本人的公益创投项目"
    FUNDS_VIEW = "funds.view", "查看社区慈善基金及其收支"
    FUNDS_MANAGE = "funds.manage", "登记基金收入、审议支出、发布信息披露"


STAFF_ROLES = {
    Role.DISTRICT_ADMIN,
    Role.STREET_STAFF,
    Role.COMMUNITY_WORKER,
    Role.DEPARTMENT_HANDLER,
    Role.DEPARTMENT_SUPERVISOR,
    Role.DISPATCHER,
    Role.REGISTRAR,
    Role.PARTY_INSTRUCTOR,
    Role.SOCIAL_WORKER,
    Role.SYSTEM_ADMIN,
    Role.SECURITY_ADMIN,
    Role.AUDIT_ADMIN,
}

# 三员: the system, security and audit administrators. One account holds at most one of them
# (accounts.actions refuses the second), so no one both acts and reviews the acts.
SEPARATED_ROLES = frozenset({Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN, Role.AUDIT_ADMIN})

PERMISSIONS: dict[Role, frozenset[Perm]] = {
    # Everything but the full audit trail, which is the audit administrator's alone.
    Role.DISTRICT_ADMIN: frozenset(Perm) - {Perm.AUDIT_FULL},
    Role.STREET_STAFF: frozenset(
        {
            Perm.ROLES_GRANT,
            Perm.SECURITY_MANAGE,
            Perm.LEDGER_VIEW,
            Perm.LEDGER_MANAGE,
            Perm.LEDGER_IMPORT,
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.ACCOUNTS_VIEW,
            Perm.ACCOUNTS_MANAGE,
            Perm.AUDIT_VIEW,
            Perm.PII_REVEAL,
            Perm.REPORTS_VIEW,
            Perm.REPORTS_SUPERVISE,
            Perm.STATIONS_VIEW,
            Perm.STATIONS_MANAGE,
            Perm.VOLUNTEERS_VIEW,
            Perm.VOLUNTEERS_MANAGE,
            Perm.ACTIVITIES_REVIEW,
            Perm.SOCIAL_WORK_MANAGE,
            Perm.SOCIALORGS_VIEW,
            Perm.MATCHING_VIEW,
            Perm.MATCHING_MANAGE,
            Perm.DELIBERATION_VIEW,
            Perm.DELIBERATION_MANAGE,
            Perm.NOTICES_VIEW,
            Perm.NOTICES_MANAGE,
            Perm.GRANTS_VIEW,
            Perm.GRANTS_MANAGE,
            Perm.FUNDS_VIEW,
            Perm.FUNDS_MANAGE,
            Perm.DASHBOARD_VIEW,
            Perm.BRIEFS_MANAGE,
        }
    ),
    Role.COMMUNITY_WORKER: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.ACCOUNTS_VIEW,
            Perm.LEDGER_VIEW,
            Perm.LEDGER_MANAGE,
            Perm.REPORTS_VIEW,
            Perm.STATIONS_VIEW,
            Perm.STATIONS_MANAGE,
            Perm.VOLUNTEERS_VIEW,
            Perm.VOLUNTEERS_MANAGE,
            Perm.MATCHING_VIEW,
            Perm.MATCHING_MANAGE,
            Perm.DELIBERATION_VIEW,
            Perm.DELIBERATION_MANAGE,
            Perm.NOTICES_VIEW,
            Perm.NOTICES_MANAGE,
            Perm.GRANTS_VIEW,
            Perm.FUNDS_VIEW,
            Perm.FUNDS_MANAGE,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.DEPARTMENT_HANDLER: frozenset(
        {Perm.WORKBENCH, Perm.REGIONS_VIEW, Perm.REPORTS_VIEW, Perm.REPORTS_HANDLE}
    ),
    Role.DEPARTMENT_SUPERVISOR: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.REPORTS_VIEW,
            Perm.REPORTS_HANDLE,
            Perm.REPORTS_SUPERVISE,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.DISPATCHER: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.REPORTS_VIEW,
            Perm.REPORTS_DISPATCH,
            Perm.REPORTS_SUPERVISE,
            Perm.REPORTS_MODERATE,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.REGISTRAR: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.PII_REVEAL,
            Perm.LEDGER_VIEW,
            Perm.SOCIALORGS_VIEW,
            Perm.SOCIALORGS_MANAGE,
            Perm.NOTICES_VIEW,
            Perm.NOTICES_MANAGE,
            Perm.GRANTS_VIEW,
            Perm.GRANTS_MANAGE,
            Perm.DASHBOARD_VIEW,
        }
    ),
    Role.PARTY_INSTRUCTOR: frozenset(
        {Perm.WORKBENCH, Perm.REGIONS_VIEW, Perm.LEDGER_VIEW, Perm.GUIDANCE}
    ),
    Role.SOCIAL_WORKER: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.VOLUNTEERS_VIEW,
            Perm.VOLUNTEERS_MANAGE,
            Perm.MATCHING_VIEW,
            Perm.MATCHING_MANAGE,
            Perm.DELIBERATION_VIEW,
            Perm.DELIBERATION_MANAGE,
            Perm.FUNDS_VIEW,
        }
    ),
    Role.VOLUNTEER: frozenset(),
    Role.WORKER: frozenset(),
    Role.RESIDENT: frozenset(),
    Role.ORG_ACCOUNT: frozenset({Perm.WORKBENCH, Perm.ORG_PORTAL}),
    # An expert on a 公益创投 committee: scores the applications assigned to them, nothing else.
    Role.GRANT_REVIEWER: frozenset({Perm.WORKBENCH, Perm.GRANTS_REVIEW}),
    Role.SYSTEM_ADMIN: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.REGIONS_MANAGE,
            Perm.ACCOUNTS_VIEW,
            Perm.ACCOUNTS_MANAGE,
            Perm.SYSTEM_VIEW,
            Perm.REPORTS_CONFIGURE,
        }
    ),
    Role.SECURITY_ADMIN: frozenset(
        {
            Perm.WORKBENCH,
            Perm.REGIONS_VIEW,
            Perm.ACCOUNTS_VIEW,
            Perm.ROLES_GRANT,
            Perm.SECURITY_MANAGE,
        }
    ),
    Role.AUDIT_ADMIN: frozenset({Perm.WORKBENCH, Perm.AUDIT_VIEW, Perm.AUDIT_FULL}),
}
assert set(PERMISSIONS) == set(Role), "every role needs a row in the permission table"

# Roles held for a department (a membership of these names one).
DEPARTMENT_ROLES = {Role.DEPARTMENT_HANDLER, Role.DEPARTMENT_SUPERVISOR}

# Which roles a manager may grant: never a role above their own. The three separated roles are
# granted by the security administrator alone (or a superuser); a system administrator opens
# accounts with an ordinary role (create_user) and grants nothing after that (no ROLES_GRANT).
GRANTABLE: dict[Role, frozenset[Role]] = {
    Role.DISTRICT_ADMIN: frozenset(Role) - SEPARATED_ROLES,
    Role.STREET_STAFF: frozenset(Role) - {Role.DISTRICT_ADMIN} - SEPARATED_ROLES,
    Role.SYSTEM_ADMIN: frozenset(Role) - {Role.DISTRICT_ADMIN} - SEPARATED_ROLES,
    Role.SECURITY_ADMIN: frozenset(Role),
}


def permissions_markdown() -> str:
    """The table in docs/roles.md, generated from PERMISSIONS (a test keeps them equal)."""
    perms = list(Perm)
    head = "| 角色 role | " + " | ".join(f"{p.label} `{p.value}`" for p in perms) + " |"
    rule = "|---|" + "---|" * len(perms)
    rows = [
        f"| {r.label} `{r.value}` | "
        + " | ".join("✓" if p in PERMISSIONS[r] else "" for p in perms)
        + " |"
        for r in Role
    ]
    return "\n".join([head, rule, *rows])


def reads_full_audit(user: Any) -> bool:
    """Whether ``user`` reads the whole audit trail (every region, every verb): the audit
    administrator's active role only. Superusers are no exception here."""
    role = user.active_role
    return role is not None and Perm.AUDIT_FULL in PERMISSIONS[role]


def may_manage_calendar(user: Any) -> bool:
    """Whether ``user`` enters the holiday calendar (/system/calendar/): one calendar serves
    every clock of the deployment, so only a superuser or a district administrator (active
    role) may."""
    if getattr(user, "is_superuser", False):
        return True
    return getattr(user, "active_role", None) == Role.DISTRICT_ADMIN


def require_calendar_admin(user: Any) -> None:
    if not may_manage_calendar(user):
        raise NotPermitted("只有区管理员可以维护节假日日历")


def require_perm(user: Any, perm: Perm) -> None:
    """Refuse (403) unless the user's active role grants ``perm``: for pages, API and actions."""
    if not user.has_perm_in_scope(perm):
        raise NotPermitted("您当前的角色没有此操作的权限")
