"""The rules of registration events (issue 14 §2) with their legal sources, as data in code.

- ``ApplicationKind``/``ChangeItem``: what an organization applies for (变更登记 and its items,
  章程核准, 延续登记, 注销登记).
- ``MATERIALS`` and ``required_materials``: the attachments each application needs (a
  submission missing one is refused naming it).
- ``CHANGE_DAYS``/``DEREGISTER_DAYS``: the clocks (变更登记 within 30 days of the business
  supervisor's approval, 注销登记 within 15 days after the liquidation ends).
- ``GROUNDS``: the statutory grounds of an administrative penalty, each with its article.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models

from .choices import SocialOrgType

# 《社会团体登记管理条例》第十八条、《民办非企业单位登记管理暂行条例》第十四条、《基金会管理条例》
# 第十五条: a change is applied for within 30 days of the business supervisor's approval.
CHANGE_DAYS = 30
# 《社会团体登记管理条例》第二十一条、《民办非企业单位登记管理暂行条例》第十七条、《基金会管理条例》
# 第十八条: 注销登记 within 15 days after the liquidation ends.
DEREGISTER_DAYS = 15

SOCIETY = "《社会团体登记管理条例》"
PRIVATE = "《民办非企业单位登记管理暂行条例》"
FOUNDATION = "《基金会管理条例》"

CHANGE_ARTICLE = {
    SocialOrgType.ASSOCIATION: f"{SOCIETY}第十八条",
    SocialOrgType.SERVICE: f"{PRIVATE}第十四条",
    SocialOrgType.FOUNDATION: f"{FOUNDATION}第十五条",
}
DEREGISTER_ARTICLE = {
    SocialOrgType.ASSOCIATION: f"{SOCIETY}第十九条、第二十一条",
    SocialOrgType.SERVICE: f"{PRIVATE}第十五条、第十七条",
    SocialOrgType.FOUNDATION: f"{FOUNDATION}第十六条、第十八条",
}


class ApplicationKind(models.TextChoices):
    CHANGE = "change", "变更登记"
    CHARTER = "charter", "章程核准"
    RENEWAL = "renewal", "延续登记"
    DEREGISTRATION = "deregistration", "注销登记"


class ApplicationState(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已核准"
    RETURNED = "returned", "已退回"
    WITHDRAWN = "withdrawn", "已撤回"


# States in which the applicant may still edit, attach and submit.
EDITABLE = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED})
# States in which the application is still open (not decided, not withdrawn).
OPEN = frozenset({ApplicationState.DRAFT, ApplicationState.RETURNED, ApplicationState.SUBMITTED})


class ChangeItem(models.TextChoices):
    """The items of a 变更登记; ``name``, ``address`` and ``legal_rep`` are published (公告)."""

    NAME = "name", "名称"
    ADDRESS = "address", "住所"
    LEGAL_REP = "legal_rep", "法定代表人"
    BUSINESS_SCOPE = "business_scope", "业务范围"
    CAPITAL = "capital", "注册资金（万元）"
    SUPERVISOR = "supervisor", "业务主管单位"
    ACTIVITY_AREA = "activity_area", "活动地域"
    REELECTION = "reelection", "换届（新一届起始日期）"


# Changes that produce a 公告 (with its kind in ``AnnouncementKind``).
PUBLISHED_ITEMS = {
    ChangeItem.NAME: "name_changed",
    ChangeItem.ADDRESS: "address_changed",
    ChangeItem.LEGAL_REP: "legal_rep_changed",
}
# Changes that need a financial audit report on file (换届 and a new legal representative).
AUDITED_ITEMS = frozenset({ChangeItem.LEGAL_REP, ChangeItem.REELECTION})


class Material(models.TextChoices):
    APPLICATION_FORM = "application_form", "申请书"
    SUPERVISOR_APPROVAL = "supervisor_approval", "业务主管单位批准文件"
    MINUTES = "minutes", "会议纪要"
    AUDIT_REPORT = "audit_report", "财务审计报告"
    CHARTER_DRAFT = "charter_draft", "章程（修改稿）"
    LIQUIDATION_REPORT = "liquidation_report", "清算报告"
    DEREGISTRATION_FORM = "deregistration_form", "注销申请书"
    CERTIFICATES = "certificates", "登记证书正副本"
    OTHER = "other", "其他材料"


# The attachments each kind needs; the supervisor's approval only when the organization has a
# business supervisor, the audit report only for the items in ``AUDITED_ITEMS``.
MATERIALS: dict[str, list[str]] = {
    ApplicationKind.CHANGE: [
        Material.APPLICATION_FORM,
        Material.SUPERVISOR_APPROVAL,
        Material.MINUTES,
        Material.AUDIT_REPORT,
    ],
    ApplicationKind.CHARTER: [
        Material.APPLICATION_FORM,
        Material.SUPERVISOR_APPROVAL,
        Material.MINUTES,
        Material.CHARTER_DRAFT,
    ],
    ApplicationKind.RENEWAL: [Material.APPLICATION_FORM, Material.SUPERVISOR_APPROVAL],
    ApplicationKind.DEREGISTRATION: [
        Material.DEREGISTRATION_FORM,
        Material.SUPERVISOR_APPROVAL,
        Material.LIQUIDATION_REPORT,
        Material.CERTIFICATES,
    ],
}


def required_materials(kind: str, *, has_supervisor: bool, items: list[str]) -> list[str]:
    """The materials an application of ``kind`` must carry before it is submitted."""
    found = []
    for material in MATERIALS.get(kind, []):
        if material == Material.SUPERVISOR_APPROVAL and not has_supervisor:
            continue
        if material == Material.AUDIT_REPORT and not AUDITED_ITEMS.intersection(items):
            continue
        found.append(str(material))
    return found


class PenaltyKind(models.TextChoices):
    WARNING = "warning", "警告"
    FINE = "fine", "罚款"
    SUSPENSION = "suspension", "限期停止活动"
    CANCELLATION = "cancellation", "撤销登记"


@dataclass(frozen=True)
class Ground:
    """A statutory ground of a penalty: ``article`` and its ``text``; ``types`` the
    organization types it applies to; ``cancel_only`` when the statute's only sanction is
    撤销登记."""

    key: str
    article: str
    text: str
    types: frozenset[str]
    cancel_only: bool = False

    @property
    def citation(self) -> str:
        return f"{self.article}：{self.text}"


_A = frozenset({SocialOrgType.ASSOCIATION})
_S = frozenset({SocialOrgType.SERVICE})
_F = frozenset({SocialOrgType.FOUNDATION})
_SOCIETY_30 = [
    "涂改、出租、出借登记证书，或者出租、出借社会团体印章",
    "超出章程规定的宗旨和业务范围进行活动",
    "拒不接受或者不按照规定接受监督检查",
    "不按照规定办理变更登记",
    "违反规定设立分支机构、代表机构，或者对分支机构、代表机构疏于管理，造成严重后果",
    "从事营利性的经营活动",
    "侵占、私分、挪用社会团体资产或者所接受的捐赠、资助",
    "违反国家有关规定收取费用、筹集资金或者接受、使用捐赠、资助",
]
_PRIVATE_25 = [
    "涂改、出租、出借登记证书，或者出租、出借印章",
    "超出其章程规定的宗旨和业务范围进行活动",
    "拒不接受或者不按照规定接受监督检查",
    "不按照规定办理变更登记",
    "设立分支机构",
    "从事营利性的经营活动",
    "侵占、私分、挪用民办非企业单位的资产或者所接受的捐赠、资助",
    "违反国家有关规定收取费用、筹集资金或者接受使用捐赠、资助",
]
_FOUNDATION_42 = [
    "未按照章程规定的宗旨和公益活动的业务范围进行活动",
    "在填制会计凭证、编制财务会计报告中弄虚作假",
    "不按照规定办理变更登记",
    "未按照规定完成公益事业支出额度",
    "未按照规定接受年度检查，或者年度检查不合格",
    "不履行信息公布义务或者公布虚假信息",
]
_NUMBERS = "一二三四五六七八"

GROUNDS: list[Ground] = [
    Ground("society_29_fraud", f"{SOCIETY}第二十九条", "申请登记时弄虚作假，骗取登记", _A, True),
    Ground(
        "society_29_inactive",
        f"{SOCIETY}第二十九条",
        "自取得《社会团体法人登记证书》之日起1年未开展活动",
        _A,
        True,
    ),
    *[
        Ground(f"society_30_{i + 1}", f"{SOCIETY}第三十条第（{_NUMBERS[i]}）项", text, _A)
        for i, text in enumerate(_SOCIETY_30)
    ],
    Ground(
        "private_24_fraud",
        f"{PRIVATE}第二十四条",
        "申请登记时弄虚作假，骗取登记，或者业务主管单位撤销批准",
        _S,
        True,
    ),
    *[
        Ground(f"private_25_{i + 1}", f"{PRIVATE}第二十五条第（{_NUMBERS[i]}）项", text, _S)
        for i, text in enumerate(_PRIVATE_25)
    ],
    Ground(
        "foundation_41_fraud",
        f"{FOUNDATION}第四十一条第（一）项",
        "在申请登记时弄虚作假骗取登记，或者自取得登记证书之日起12个月内未按章程规定开展活动",
        _F,
        True,
    ),
    Ground(
        "foundation_41_continue",
        f"{FOUNDATION}第四十一条第（二）项",
        "符合注销条件，不按照规定办理注销登记仍继续开展活动",
        _F,
        True,
    ),
    *[
        Ground(f"foundation_42_{i + 1}", f"{FOUNDATION}第四十二条第（{_NUMBERS[i]}）项", text, _F)
        for i, text in enumerate(_FOUNDATION_42)
    ],
]
GROUND_BY_KEY = {ground.key: ground for ground in GROUNDS}


def ground_choices(org_type: str | None = None) -> list[tuple[str, str]]:
    """The grounds (for one organization type, or all), as form choices."""
    return [(g.key, g.citation) for g in GROUNDS if org_type is None or org_type in g.types]
