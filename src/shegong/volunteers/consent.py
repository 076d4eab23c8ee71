"""The personal-information notices a volunteer agrees to.

1. The registration notice (PIPL arts. 14, 17, 31; 《志愿服务条例》 art. 20: a volunteer's
   information is not disclosed without their consent), agreed to on registration. A volunteer's
   profile records which version and when (``Volunteer.consent_version`` / ``consent_at``).
2. The location notice (``LOCATION_*``): the precise position used at a geofenced check-in is
   sensitive personal information (PIPL art. 28, 行踪轨迹), so it needs a *separate* consent
   (单独同意, art. 29), asked at the first geofenced check-in, never bundled with registration
   and withdrawable at any time (art. 15). Recorded as ``Volunteer.location_consent_version`` /
   ``location_consent_at``; declining it still lets the volunteer check in by the code alone.

Change a text → change its version. The registration notice names the minimum age of
``SHEGONG_VOLUNTEER_MIN_AGE`` (``consent_sections``), a per-place setting of the same text.
"""

from __future__ import annotations

from django.conf import settings

# V2: the check-in location left this notice for its own separate consent; the minimum age.
CONSENT_VERSION = "2026-V2"
CONSENT_TITLE = "志愿者个人信息处理告知书"
CONSENT_SUMMARY = (
    "为登记志愿者身份、安排志愿服务、记录服务时长并出具志愿服务记录证明，我们需要收集您的姓名、"
    "身份证号、手机号、技能和可服务时间等信息。请阅读以下告知书全文，同意后再提交注册。"
)
CONSENT_SECTIONS: list[tuple[str, str]] = [
    (
        "一、处理者",
        "本系统由所在区的社会工作部门、街道和社区（以下简称“我们”）运行，负责处理您在注册和参加"
        "志愿服务时登记的个人信息。",
    ),
    (
        "二、收集哪些信息",
        "姓名、居民身份证号码（用于核实身份、计算年龄）、手机号码、服务区域、技能及资质证书、"
        "每周可服务时间，以及您参加活动的报名、签到签退时间、服务时长、星级与表彰。"
        "身份证号码和手机号码属于敏感个人信息。未满18周岁的，还需登记监护人的姓名、手机号和关系。"
        "签到、签退时手机的精确位置不在本告知书范围内：只有您另行单独同意《签到位置信息处理"
        "告知书》后才会使用，不同意不影响注册、报名和签到。",
    ),
    (
        "三、为什么收集",
        "依照《志愿服务条例》和《志愿服务记录与证明出具办法》，如实记录您的个人基本信息、"
        "志愿服务情况、培训和表彰情况，按您的年龄、技能安排适合的服务，核算服务时长，"
        "并按您的申请出具志愿服务记录证明。",
    ),
    (
        "四、不公开、不提供",
        "未经您本人同意，我们不会公开或向他人提供您的个人信息（《志愿服务条例》第二十条），"
        "法律、行政法规另有规定的除外。公开的活动页面和证明查验页面只显示遮挡后的姓名、志愿者编号、"
        "服务时长和出具单位，不显示身份证号和手机号。",
    ),
    (
        "五、如何保护",
        "身份证号码加密存储；页面和导出文件中只显示部分遮挡的姓名、手机号和身份证号；"
        "只有您服务区域的工作人员和您所在队伍的负责人可以查看必要的信息，查看和导出均有审计记录。",
    ),
    (
        "六、未成年人",
        "未满{min_age}周岁的不能注册为志愿者。{under_14}"
        "14至17周岁的，可以自行注册，但须由监护人同意并经社区工作人员登记后，才能报名参加活动。",
    ),
    (
        "七、保存多久与您的权利",
        "在您作为志愿者期间及服务记录依法需要保存的期间内保存。您有权查阅、复制、更正、补充、"
        "删除您的个人信息，有权撤回同意、暂停或退出志愿服务；撤回同意不影响撤回前已进行的处理。"
        "您可以向所在社区或队伍负责人提出，我们将在十五个工作日内答复。",
    ),
    (
        "八、同意",
        "勾选“我已阅读并同意《志愿者个人信息处理告知书》”并提交，即表示您同意我们按本告知书处理"
        "您的个人信息，包括其中的敏感个人信息。",
    ),
]
CONSENT_REQUIRED = "请阅读并同意志愿者个人信息处理告知书"
STAFF_CONSENT_LABEL = "已告知本人并取得同意"
STAFF_CONSENT_REQUIRED = "请确认已向本人告知并取得同意"
GUARDIAN_CONSENT_LABEL = "监护人已到场或书面同意"
UNDER_14 = "{min_age}至13周岁的，不能自行注册，须由监护人陪同到所在社区登记并同意。"


def min_age() -> int:
    """The youngest age at which a volunteer may be registered (``SHEGONG_VOLUNTEER_MIN_AGE``)."""
    return int(settings.SHEGONG_VOLUNTEER_MIN_AGE)


def consent_sections() -> list[tuple[str, str]]:
    """The registration notice with this place's minimum age filled in."""
    age = min_age()
    under_14 = UNDER_14.format(min_age=age) if age < 14 else ""
    return [
        (heading, text.format(min_age=age, under_14=under_14)) for heading, text in CONSENT_SECTIONS
    ]


# --- the separate consent to the location at a geofenced check-in (PIPL arts. 28, 29) ---------

LOCATION_CONSENT_VERSION = "2026-L1"
LOCATION_CONSENT_TITLE = "签到位置信息处理告知书"
LOCATION_CONSENT_SUMMARY = (
    "本活动使用“电子围栏”核实到场：签到、签退时读取您手机的精确位置，判断您是否在活动地点附近。"
    "精确位置属于敏感个人信息，需要您单独同意；不同意也可以签到，由活动负责人核实到场。"
)
LOCATION_CONSENT_SECTIONS: list[tuple[str, str]] = [
    (
        "一、收集什么",
        "只在您点击“签到”或“签退”的那一刻，读取一次手机的精确位置（经纬度和定位精度）。"
        "其他任何时候都不读取、不跟踪您的位置，也不记录您的行动轨迹。",
    ),
    (
        "二、为什么收集",
        "仅用于核实您当时在活动地点的签到范围内，防止代签、远程签到，保证服务时长记录真实"
        "（《志愿服务记录与证明出具办法（试行）》要求如实记录）。不用于其他目的，不提供给他人。",
    ),
    (
        "三、保存什么、保存多久",
        "系统只保存您与活动地点的距离（米），不保存经纬度；距离随该次服务记录保存，"
        "与服务记录的保存期限相同。",
    ),
    (
        "四、不同意会怎样",
        "不同意不影响注册、报名和签到：您可以选择“不使用位置签到”，只扫码签到、签退，"
        "系统不读取、不保存任何位置，该次记录标注“未定位”，由活动负责人审核时核实您是否到场。",
    ),
    (
        "五、如何撤回",
        "您可以随时在“我的志愿服务”页面撤回本同意。撤回后不再读取您的位置，"
        "撤回不影响撤回前已进行的处理。",
    ),
]
LOCATION_CONSENT_REQUIRED = (
    "您尚未单独同意签到时使用位置信息，不能提交位置；请先阅读并同意《签到位置信息处理告知书》，"
    "或不带位置签到（由活动负责人核实到场）"
)
