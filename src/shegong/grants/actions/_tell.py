"""Who the grants actions tell (``core.notify``), and the events they tell: the applicant
organization's portal accounts (the 社会组织账号 bound to it, ``socialorgs.OrgAccount``) of each
step of their application and project, and a fund's managers (funds.manage in the fund's
community or above it) of the committee's decision on a spending. Called next to the action's
audit entry, inside its transaction: the messages live or die with the action."""

from __future__ import annotations

from typing import Any

from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm

__all__ = ["tell_fund_managers", "tell_org"]

PORTAL_APPLICATION = "/grants/portal/applications/{{ pk }}/"
PORTAL_PROJECT = "/grants/portal/projects/{{ pk }}/"

# 公益创投: the applicant organization's accounts.
register_event(
    "grants.application_eligible",
    title="公益创投资格审查通过：{{ title }}",
    body="您的申报项目「{{ title }}」已通过资格审查，进入评审。"
    "{% if note %}审查意见：{{ note }}{% endif %}",
    link=PORTAL_APPLICATION,
)
register_event(
    "grants.application_ineligible",
    title="公益创投资格审查未通过：{{ title }}",
    body="您的申报项目「{{ title }}」未通过资格审查。原因：{{ note }}",
    link=PORTAL_APPLICATION,
)
register_event(
    "grants.application_funded",
    title="公益创投拟立项：{{ title }}",
    body="您的申报项目「{{ title }}」经评审委员会决定拟立项，资助金额 {{ amount }} 元，"
    "公示期满且无异议后签约。",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.application_not_funded",
    title="公益创投未立项：{{ title }}",
    body="您的申报项目「{{ title }}」本次未获立项。感谢参与，欢迎关注后续申报。",
    link=PORTAL_APPLICATION,
)
register_event(
    "grants.project_signed",
    title="公益创投项目已签约：{{ title }}",
    body="项目「{{ title }}」已签约（协议编号 {{ agreement_no }}），共 {{ tranches }} 期拨付。",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.tranche_approved",
    title="拨付申请已审核通过：{{ title }} 第{{ seq }}期",
    body="项目「{{ title }}」第{{ seq }}期（{{ amount }} 元）拨付申请已审核通过，待拨付。",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.tranche_returned",
    title="拨付申请被退回：{{ title }} 第{{ seq }}期",
    body="项目「{{ title }}」第{{ seq }}期拨付申请被退回。原因：{{ note }}",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.tranche_paid",
    title="项目资金已拨付：{{ title }} 第{{ seq }}期",
    body="项目「{{ title }}」第{{ seq }}期 {{ amount }} 元已于 {{ paid_on }} 拨付"
    "（凭证号 {{ voucher_no }}）。",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.visit_recorded",
    title="项目{{ kind }}已记录：{{ title }}",
    body="项目「{{ title }}」的{{ kind }}（{{ visited_on }}）已记录{% if rating %}，"
    "评价：{{ rating }}{% endif %}。发现与建议：{{ findings }}",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.project_completed",
    title="公益创投项目已结项：{{ title }}",
    body="项目「{{ title }}」已结项，实际受益 {{ beneficiaries }} 人次，"
    "结余退回 {{ returned }} 元。",
    link=PORTAL_PROJECT,
)
register_event(
    "grants.project_terminated",
    title="公益创投项目已终止：{{ title }}",
    body="项目「{{ title }}」已终止。原因：{{ reason }}",
    link=PORTAL_PROJECT,
)

# 社区慈善基金: the fund's managers.
register_event(
    "grants.fund_spending_approved",
    title="社区慈善基金支出已批准：{{ title }}",
    body="{{ fund }}的支出申请“{{ title }}”（{{ value }}元）经管委会审议批准"
    "（赞成 {{ votes_for }} 票），待支付。",
    link="/grants/funds/spending/{{ pk }}/",
)
register_event(
    "grants.fund_spending_rejected",
    title="社区慈善基金支出未获批准：{{ title }}",
    body="{{ fund }}的支出申请“{{ title }}”（{{ value }}元）经管委会审议未获批准。"
    "决议：{{ resolution }}",
    link="/grants/funds/spending/{{ pk }}/",
)


def tell_org(actor: Any, social_org_id: int, event: str, context: dict[str, Any]) -> int:
    """Notify the portal accounts of the organization (active users; not the actor)."""
    from shegong.socialorgs.models import OrgAccount

    accounts = OrgAccount.objects.filter(social_org_id=social_org_id, user__is_active=True)
    told = 0
    for account in accounts.select_related("user").order_by("user_id"):
        if account.user_id != getattr(actor, "pk", None):
            notify(account.user, event, context)
            told += 1
    return told


def tell_fund_managers(actor: Any, region_code: str, event: str, context: dict[str, Any]) -> int:
    """Notify the holders of funds.manage in the fund's community or above it (not the actor)."""
    from shegong.accounts.queries import holders

    told = 0
    for user in holders(Perm.FUNDS_MANAGE, region_code):
        if user.pk != getattr(actor, "pk", None):
            notify(user, event, context)
            told += 1
    return told
