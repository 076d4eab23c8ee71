"""Statuses, kinds and default lists of volunteer service and professional social work (C6)."""

from django.db import models


class VolunteerStatus(models.TextChoices):
    ACTIVE = "active", "在册"
    PAUSED = "paused", "暂停服务"
    LEFT = "left", "已退出"


class TeamKind(models.TextChoices):
    TEAM = "team", "志愿服务队"
    ORGANIZATION = "organization", "志愿服务组织"
    GRASSROOTS = "grassroots", "草根志愿团体"


class Incubation(models.TextChoices):
    NONE = "none", "未纳入孵化"
    INCUBATING = "incubating", "孵化中"
    INCUBATED = "incubated", "已孵化"


class TeamRole(models.TextChoices):
    MEMBER = "member", "队员"
    LEADER = "leader", "负责人"


class Qualification(models.TextChoices):
    """国家社会工作者职业资格 levels."""

    NONE = "none", "无职业资格"
    ASSISTANT = "assistant", "助理社会工作师"
    INTERMEDIATE = "intermediate", "社会工作师"
    SENIOR = "senior", "高级社会工作师"


class GuidanceMode(models.TextChoices):
    OFFLINE = "offline", "线下走访"
    ONLINE = "online", "线上答疑"


class ActivityCategory(models.TextChoices):
    ELDERLY = "elderly", "助老服务"
    DISABLED = "disabled", "助残服务"
    CHILDREN = "children", "关爱儿童"
    COMMUNITY = "community", "社区治理"
    ENVIRONMENT = "environment", "环境保护"
    CIVILITY = "civility", "文明实践"
    HEALTH = "health", "医疗健康"
    LEGAL = "legal", "法律服务"
    EMERGENCY = "emergency", "应急救援"
    CULTURE = "culture", "文体活动"
    OTHER = "other", "其他"


class ActivityStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    PENDING = "pending", "待审核"
    PUBLISHED = "published", "已发布"
    REJECTED = "rejected", "未通过"
    CANCELLED = "cancelled", "已取消"


class SignupStatus(models.TextChoices):
    CONFIRMED = "confirmed", "已报名"
    WAITLISTED = "waitlisted", "候补"
    CANCELLED = "cancelled", "已取消"


ACTIVE_SIGNUP = (SignupStatus.CONFIRMED, SignupStatus.WAITLISTED)


class RecordKind(models.TextChoices):
    ATTENDANCE = "attendance", "签到记录"
    ADJUSTMENT = "adjustment", "更正记录"
    MANUAL = "manual", "补录"
    TRANSFER = "transfer", "转入记录"
    ORDER = "order", "点单服务记录"


class Evaluation(models.TextChoices):
    """评价情况 (民政部令第67号: part of a volunteer's record): the organising team's evaluation
    of one service, given when it approves the hours; optional."""

    EXCELLENT = "excellent", "优秀"
    GOOD = "good", "良好"
    PASS = "pass", "合格"


class RecordStatus(models.TextChoices):
    OPEN = "open", "服务中"
    PENDING = "pending", "待审核"
    APPROVED = "approved", "已确认"
    DECLINED = "declined", "未通过"


# The skills every deployment starts with (configurable afterwards): code, name, whether a
# certificate is usually expected (医疗护理 needs a nurse's licence, 法律咨询 a lawyer's …).
DEFAULT_SKILLS = [
    ("medical", "医疗护理", True),
    ("counselling", "心理疏导", True),
    ("legal", "法律咨询", True),
    ("elderly", "助老", False),
    ("disabled", "助残", False),
    ("childcare", "儿童托管", False),
    ("appliance_repair", "家电维修", False),
    ("haircut", "理发", False),
    ("arts", "文艺", False),
    ("rescue", "应急救援", True),
    ("it", "信息技术", False),
    ("translation", "外语翻译", False),
    ("driving", "驾驶", True),
    ("photography", "摄影摄像", False),
]

WEEKDAY_LABELS = {
    "1": "周一",
    "2": "周二",
    "3": "周三",
    "4": "周四",
    "5": "周五",
    "6": "周六",
    "7": "周日",
}
DAY_PARTS = {"am": "上午", "pm": "下午", "eve": "晚上"}


class CertificateRequestStatus(models.TextChoices):
    """A volunteer's request for a 志愿服务记录证明 (申请 → 受理/开具 or 不予出具)."""

    REQUESTED = "requested", "待受理"
    PUBLICITY = "publicity", "公示中"
    HELD = "held", "公示有异议"
    ISSUED = "issued", "已出具"
    DECLINED = "declined", "不予出具"
    WITHDRAWN = "withdrawn", "已撤回"


# Only an open request moves; issued, declined and withdrawn are final (a new request may follow).
# 受理 starts the internal 公示 (民发〔2015〕149号); only a request whose 公示 has run is issued, an
# objection during it holds the request until the team answers it (held → 公示中 or 不予出具).
CERTIFICATE_REQUEST_ALLOWED: dict[str, set[str]] = {
    CertificateRequestStatus.REQUESTED: {
        CertificateRequestStatus.PUBLICITY,
        CertificateRequestStatus.DECLINED,
        CertificateRequestStatus.WITHDRAWN,
    },
    CertificateRequestStatus.PUBLICITY: {
        CertificateRequestStatus.ISSUED,
        CertificateRequestStatus.HELD,
        CertificateRequestStatus.DECLINED,
        CertificateRequestStatus.WITHDRAWN,
    },
    CertificateRequestStatus.HELD: {
        CertificateRequestStatus.PUBLICITY,
        CertificateRequestStatus.DECLINED,
        CertificateRequestStatus.WITHDRAWN,
    },
    CertificateRequestStatus.ISSUED: set(),
    CertificateRequestStatus.DECLINED: set(),
    CertificateRequestStatus.WITHDRAWN: set(),
}


# The states in which a request is still open (one per volunteer and team).
CERTIFICATE_REQUEST_OPEN = (
    CertificateRequestStatus.REQUESTED,
    CertificateRequestStatus.PUBLICITY,
    CertificateRequestStatus.HELD,
)


class DisputeStatus(models.TextChoices):
    """A volunteer's 异议 on a service record (民政部令第67号: the organisation verifies and
    corrects): 待答复 → 维持 | 已更正 | 已撤回."""

    OPEN = "open", "待答复"
    MAINTAINED = "maintained", "维持原记录"
    CORRECTED = "corrected", "已更正"
    WITHDRAWN = "withdrawn", "已撤回"


class AwardLevel(models.TextChoices):
    """The level of a 表彰奖励 (who gave it: the State down to the volunteer's own team)."""

    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    COUNTY = "county", "区县级"
    STREET = "street", "街道级"
    COMMUNITY = "community", "社区级"
    TEAM = "team", "队伍"


class ServiceKind(models.TextChoices):
    """服务性质: what the hours of a record were for. Some kinds are recorded (谁组织谁记录) but
    do not count towards a star (``SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS``: Beijing leaves out
    community staff's workday duties, school duty and donations)."""

    VOLUNTEER = "volunteer", "志愿服务"
    STAFF_DUTY = "staff_duty", "社区工作者本职工作"
    SCHOOL_DUTY = "school_duty", "学校值日/校内值勤"
    DONATION = "donation", "捐赠（捐款捐物）"


class StarAwardStatus(models.TextChoices):
    """星级认定: 申请 → 审核 (通过则公示) → 公示 → 认定; or 驳回 / 撤回."""

    APPLIED = "applied", "申请中"
    PUBLICIZING = "publicizing", "公示中"
    AWARDED = "awarded", "已认定"
    REJECTED = "rejected", "驳回"
    WITHDRAWN = "withdrawn", "已撤回"


OPEN_STAR_AWARD = (StarAwardStatus.APPLIED, StarAwardStatus.PUBLICIZING)

# An objection upheld during the publicity sends the application back to review (公示中 → 申请中).
STAR_AWARD_ALLOWED: dict[str, set[str]] = {
    StarAwardStatus.APPLIED: {
        StarAwardStatus.PUBLICIZING,
        StarAwardStatus.REJECTED,
        StarAwardStatus.WITHDRAWN,
    },
    StarAwardStatus.PUBLICIZING: {
        StarAwardStatus.AWARDED,
        StarAwardStatus.APPLIED,
        StarAwardStatus.WITHDRAWN,
    },
    StarAwardStatus.AWARDED: set(),
    StarAwardStatus.REJECTED: set(),
    StarAwardStatus.WITHDRAWN: set(),
}
