"""Volunteers, teams, professional social workers, activities, attendance, service records,
certificates, trainings and awards (C6).

A volunteer and a social worker are profiles of a ledger ``Person`` (name, encrypted ID number,
phone live there), never copies. Hours live on ``ServiceRecord`` rows: one per attendance (or a
manual / transferred / adjusting entry), approved by the organising team; an approved record is
never edited — a correction is a new ``ADJUSTMENT`` row pointing at it. ``Volunteer.hours`` is the
running total of approved hours (kept by ``hours.approve``), so a star level is read, not summed.
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet
from shegong.volunteers.choices import (
    CERTIFICATE_REQUEST_OPEN,
    ActivityCategory,
    ActivityStatus,
    AwardLevel,
    CertificateRequestStatus,
    DisputeStatus,
    Evaluation,
    GuidanceMode,
    Incubation,
    Qualification,
    RecordKind,
    RecordStatus,
    ServiceKind,
    SignupStatus,
    StarAwardStatus,
    TeamKind,
    TeamRole,
    VolunteerStatus,
)

ZERO = Decimal("0.00")


class Skill(models.Model):
    """One skill of the configurable taxonomy (医疗护理, 心理疏导, 法律咨询 …)."""

    code = models.SlugField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=30)
    needs_certificate = models.BooleanField("通常需要资质证书", default=False)
    order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("启用", default=True)

    class Meta:
        verbose_name = "志愿服务技能"
        verbose_name_plural = "志愿服务技能"
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name


class Volunteer(models.Model):
    """A registered volunteer: a profile of a ledger Person with a public volunteer number
    (志愿者编号; the ID number is never the public identifier)."""

    person = models.OneToOneField(
        "ledger.Person", on_delete=models.PROTECT, related_name="volunteer", verbose_name="人员"
    )
    number = models.CharField("志愿者编号", max_length=20, unique=True)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务区域"
    )
    status = models.CharField(
        "状态", max_length=10, choices=VolunteerStatus.choices, default=VolunteerStatus.ACTIVE
    )
    skills = models.ManyToManyField(
        Skill, through="VolunteerSkill", related_name="volunteers", verbose_name="技能"
    )
    # {"1": ["am", "pm"], "6": ["eve"]}: ISO weekday → parts of the day (choices.DAY_PARTS).
    availability = models.JSONField("每周可服务时间", default=dict, blank=True)
    # The personal-data consent (PIPL art. 14; 志愿服务条例 art. 20): which text, when.
    consent_version = models.CharField("同意的告知书版本", max_length=20, blank=True)
    consent_at = models.DateTimeField("同意时间", null=True, blank=True)
    # The separate consent (PIPL art. 29) to the precise location at a geofenced check-in:
    # which text, when; both empty when never given or withdrawn (the audit keeps the history).
    location_consent_version = models.CharField(
        "同意的签到位置告知书版本", max_length=20, blank=True
    )
    location_consent_at = models.DateTimeField("同意使用签到位置时间", null=True, blank=True)
    # A volunteer under 18 needs a guardian's recorded consent before any sign-up (DOMAIN.md 4.1).
    guardian_name = models.CharField("监护人姓名", max_length=50, blank=True)
    guardian_phone = models.CharField("监护人手机号", max_length=11, blank=True)
    guardian_relation = models.CharField("与本人关系", max_length=20, blank=True)
    guardian_consent_at = models.DateTimeField("监护人同意时间", null=True, blank=True)
    # Running total of approved hours (hours.approve keeps it). The star is the AWARDED one
    # (星级认定: star_awards.award sets it after the publicity); eligibility is computed
    # (stars.eligibility), never stored.
    hours = models.DecimalField(
        "累计确认时长（小时）", max_digits=9, decimal_places=2, default=ZERO
    )
    star = models.PositiveSmallIntegerField("认定星级", default=0)
    star_reached_at = models.DateTimeField("认定当前星级时间", null=True, blank=True)
    registered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("注册时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿者"
        verbose_name_plural = "志愿者"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["region", "status"]),
            models.Index(fields=["star", "star_reached_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.person.name_masked}"


class VolunteerSkill(models.Model):
    volunteer = models.ForeignKey(Volunteer, on_delete=models.CASCADE, related_name="skill_rows")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    certificate_name = models.CharField("资质证书", max_length=60, blank=True)
    certificate_number = models.CharField("证书编号", max_length=60, blank=True)

    class Meta:
        verbose_name = "志愿者技能"
        verbose_name_plural = "志愿者技能"
        constraints = [
            models.UniqueConstraint(fields=["volunteer", "skill"], name="volunteer_skill_once")
        ]

    def __str__(self) -> str:
        return f"志愿者技能 {self.pk}"


class Team(models.Model):
    """A 志愿服务队 / 志愿服务组织 / grassroots group, with its incubation state, so "183 teams
    incubated" is a query."""

    name = models.CharField("名称", max_length=100)
    kind = models.CharField("类型", max_length=20, choices=TeamKind.choices, default=TeamKind.TEAM)
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属社区/区划"
    )
    organization = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="volunteer_teams", verbose_name="依托单位/登记的社会组织",
    )  # fmt: skip
    parent = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="children",
        verbose_name="上级队伍",
    )  # fmt: skip
    description = models.TextField("简介", blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    incubation = models.CharField(
        "孵化状态", max_length=12, choices=Incubation.choices, default=Incubation.NONE
    )
    incubation_started_on = models.DateField("开始孵化", null=True, blank=True)
    incubated_on = models.DateField("孵化完成", null=True, blank=True)
    is_active = models.BooleanField("在运行", default=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField("建立时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务队伍"
        verbose_name_plural = "志愿服务队伍"
        ordering = ["region", "name"]
        indexes = [models.Index(fields=["region", "incubation"])]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    """A volunteer's membership of a team, with join/leave dates; ``left_on`` empty = current."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(
        "角色", max_length=10, choices=TeamRole.choices, default=TeamRole.MEMBER
    )
    joined_on = models.DateField("加入日期", default=timezone.localdate)
    left_on = models.DateField("退出日期", null=True, blank=True)

    class Meta:
        verbose_name = "队员"
        verbose_name_plural = "队员"
        ordering = ["team", "-role", "joined_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "volunteer"],
                condition=Q(left_on__isnull=True),
                name="team_member_one_current",
            )
        ]

    def __str__(self) -> str:
        return f"队员 {self.pk}"


class SocialWorker(models.Model):
    """A professional social worker (专业社工): qualification and employer (a social-work agency
    in the ledger)."""

    person = models.OneToOneField(
        "ledger.Person", on_delete=models.PROTECT, related_name="social_worker",
        verbose_name="人员",
    )  # fmt: skip
    qualification = models.CharField(
        "职业资格", max_length=14, choices=Qualification.choices, default=Qualification.NONE
    )
    certificate_number = models.CharField("证书编号", max_length=40, blank=True)
    employer = models.ForeignKey(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="social_workers", verbose_name="所在社工机构",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "专业社工"
        verbose_name_plural = "专业社工"
        ordering = ["region", "id"]

    def __str__(self) -> str:
        return f"{self.person.name_masked}（{self.get_qualification_display()}）"


class Stationing(models.Model):
    """A social worker stationed at a community (驻点), from/to."""

    social_worker = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="stationings"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="驻点社区"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "社工驻点"
        verbose_name_plural = "社工驻点"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"社工驻点 {self.pk}"


class Pairing(models.Model):
    """A senior social worker paired with a community (结对帮扶), with guidance logs."""

    social_worker = models.ForeignKey(
        SocialWorker, on_delete=models.CASCADE, related_name="pairings"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="结对社区"
    )
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("结束日期", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "结对帮扶"
        verbose_name_plural = "结对帮扶"
        ordering = ["-starts_on", "-id"]

    def __str__(self) -> str:
        return f"结对帮扶 {self.pk}"


class GuidanceLog(models.Model):
    pairing = models.ForeignKey(Pairing, on_delete=models.CASCADE, related_name="logs")
    on = models.DateField("日期")
    mode = models.CharField("方式", max_length=10, choices=GuidanceMode.choices)
    topic = models.CharField("主题", max_length=100)
    content = models.TextField("内容", blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "帮扶指导记录"
        verbose_name_plural = "帮扶指导记录"
        ordering = ["-on", "-id"]

    def __str__(self) -> str:
        return f"{self.on} {self.topic}"


class Activity(models.Model):
    """A volunteer activity: organised by a team, at a place with a geofence, in a time window,
    with a quota per shift. Every activity has at least one ``Shift`` (a short one has exactly
    one, spanning the activity)."""

    title = models.CharField("活动名称", max_length=100)
    category = models.CharField("服务类别", max_length=20, choices=ActivityCategory.choices)
    description = models.TextField("活动内容", blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="activities", verbose_name="组织队伍"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="活动区划"
    )
    address = models.CharField("活动地点", max_length=200)
    lat = models.FloatField("纬度（WGS-84）")
    lon = models.FloatField("经度（WGS-84）")
    radius_m = models.PositiveIntegerField("签到范围（米）", default=300)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    required_skills = models.ManyToManyField(
        Skill, blank=True, related_name="activities", verbose_name="所需技能"
    )
    risky = models.BooleanField("有人身风险（须投保）", default=False)
    insurance_note = models.CharField("保险说明", max_length=200, blank=True)
    people_served = models.PositiveIntegerField("服务对象人次", default=0)
    status = models.CharField(
        "状态", max_length=10, choices=ActivityStatus.choices, default=ActivityStatus.DRAFT
    )
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    cancelled_reason = models.CharField("取消原因", max_length=200, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿服务活动"
        verbose_name_plural = "志愿服务活动"
        ordering = ["-starts_at", "-id"]
        indexes = [
            models.Index(fields=["status", "starts_at"]),
            models.Index(fields=["region", "starts_at"]),
        ]

    def __str__(self) -> str:
        return self.title


class Shift(models.Model):
    """A time slot of an activity with its own quota (班次)."""

    activity = models.ForeignKey(Activity, on_delete=models.CASCADE, related_name="shifts")
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    quota = models.PositiveIntegerField("招募人数")

    class Meta:
        verbose_name = "班次"
        verbose_name_plural = "班次"
        ordering = ["starts_at", "id"]

    def __str__(self) -> str:
        return f"班次 {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"


class Signup(models.Model):
    """A volunteer's sign-up for a shift: confirmed within the quota, waitlisted beyond it and
    promoted in order when a confirmed place is cancelled."""

    shift = models.ForeignKey(Shift, on_delete=models.CASCADE, related_name="signups")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="signups")
    status = models.CharField("状态", max_length=12, choices=SignupStatus.choices)
    created_at = models.DateTimeField("报名时间", default=timezone.now)
    promoted_at = models.DateTimeField("候补转正时间", null=True, blank=True)
    cancelled_at = models.DateTimeField("取消时间", null=True, blank=True)

    class Meta:
        verbose_name = "报名"
        verbose_name_plural = "报名"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=~Q(status=SignupStatus.CANCELLED),
                name="signup_one_active_per_shift",
            )
        ]
        indexes = [models.Index(fields=["shift", "status", "created_at"])]

    def __str__(self) -> str:
        return f"报名 {self.pk}（{self.get_status_display()}）"


class ServiceRecord(models.Model):
    """One entry of a volunteer's service time (志愿服务记录).

    An ``ATTENDANCE`` row is opened by check-in and closed by check-out (or by the window's end,
    ``auto_closed``); its ``hours`` are check-out − check-in clipped to the shift. The team that
    organised it approves it (谁组织谁记录); once ``APPROVED`` it is never changed — a correction
    is an ``ADJUSTMENT`` row (signed hours) with ``corrects`` pointing at it. ``region`` and
    ``served_on`` are copied from the activity so totals by community and month need no join.
    """

    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="records")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="records", verbose_name="记录单位"
    )
    activity = models.ForeignKey(
        Activity, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    shift = models.ForeignKey(
        Shift, on_delete=models.PROTECT, null=True, blank=True, related_name="records"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务区划"
    )
    kind = models.CharField(
        "类型", max_length=12, choices=RecordKind.choices, default=RecordKind.ATTENDANCE
    )
    status = models.CharField(
        "状态", max_length=10, choices=RecordStatus.choices, default=RecordStatus.OPEN
    )
    # What the hours were for; the kinds in SHEGONG_VOLUNTEER_STAR_EXCLUDED_KINDS are recorded
    # and certified like any, but do not count towards a star. A correction copies its original's.
    service_kind = models.CharField(
        "服务性质", max_length=12, choices=ServiceKind.choices, default=ServiceKind.VOLUNTEER
    )
    content = models.CharField("服务内容", max_length=200)
    served_on = models.DateField("服务日期")
    check_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_out_at = models.DateTimeField("签退时间", null=True, blank=True)
    check_in_distance_m = models.PositiveIntegerField("签到距离（米）", null=True, blank=True)
    check_out_distance_m = models.PositiveIntegerField("签退距离（米）", null=True, blank=True)
    auto_closed = models.BooleanField("未签退，按活动结束时间自动签退", default=False)
    hours = models.DecimalField("服务时长（小时）", max_digits=7, decimal_places=2, default=ZERO)
    corrects = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrections",
        verbose_name="更正的记录",
    )  # fmt: skip
    reason = models.CharField("说明/更正原因", max_length=200, blank=True)
    source_organization = models.CharField("转出单位", max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="记录人",
    )  # fmt: skip
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审核人",
    )  # fmt: skip
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见", max_length=200, blank=True)
    evaluation = models.CharField("服务评价", max_length=10, choices=Evaluation.choices, blank=True)
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    # Not a column: check_in / check_out set it, True when the record was already checked in
    # (or out) and came back unchanged.
    repeated: bool

    class Meta:
        verbose_name = "志愿服务记录"
        verbose_name_plural = "志愿服务记录"
        ordering = ["-served_on", "-id"]
        constraints = [
            # One attendance row per sign-up slot: a double check-in finds the same record.
            models.UniqueConstraint(
                fields=["shift", "volunteer"],
                condition=Q(kind=RecordKind.ATTENDANCE),
                name="record_one_attendance_per_shift",
            ),
        ]
        indexes = [
            models.Index(fields=["volunteer", "status"]),
            models.Index(fields=["team", "status"]),
            # Totals by community and month read only this index (a covering index on SQLite).
            models.Index(fields=["status", "served_on", "region", "hours"], name="record_totals"),
        ]

    def __str__(self) -> str:
        return f"服务记录 {self.served_on} {self.hours} 小时"


class Certificate(models.Model):
    """A 志愿服务记录证明: issued by a team (谁记录谁证明) for a volunteer's approved hours in a
    period; verifiable at /public/certificates/<serial>; revocable."""

    serial = models.CharField("证明编号", max_length=24, unique=True)
    volunteer = models.ForeignKey(Volunteer, on_delete=models.PROTECT, related_name="certificates")
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="certificates", verbose_name="出具单位"
    )
    period_start = models.DateField("服务起始日期")
    period_end = models.DateField("服务截止日期")
    hours = models.DecimalField("服务时长（小时）", max_digits=9, decimal_places=2)
    records = models.PositiveIntegerField("服务记录条数")
    # The issuer's details the national rules require, frozen at issue time.
    issuer_name = models.CharField("出具单位名称", max_length=100)
    issuer_head = models.CharField("单位负责人", max_length=50, blank=True)
    issuer_handler = models.CharField("经办人", max_length=50, blank=True)
    issuer_phone = models.CharField("联系电话", max_length=20, blank=True)
    # The 依法设立 issuer (a registered organization, or a street/community office) whose seal
    # image the certificate carries; the seal's stored file is frozen like the names.
    issuer = models.ForeignKey(
        "CertificateIssuer", on_delete=models.PROTECT, null=True, blank=True,
        related_name="certificates", verbose_name="出具单位档案",
    )  # fmt: skip
    issuer_seal = models.CharField("出具单位印章（文件）", max_length=200, blank=True)
    note = models.CharField("备注", max_length=200, blank=True)
    issued_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    issued_at = models.DateTimeField("出具时间", default=timezone.now)
    revoked_at = models.DateTimeField("作废时间", null=True, blank=True)
    revoked_reason = models.CharField("作废原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "志愿服务记录证明"
        verbose_name_plural = "志愿服务记录证明"
        ordering = ["-issued_at", "-id"]

    def __str__(self) -> str:
        return self.serial


class CertificateRequest(models.Model):
    """A volunteer's request for a 志愿服务记录证明 from the team that recorded their hours
    (《志愿服务条例》 art. 19: issued free and truthfully on request; 谁记录谁证明).

    申请 → 已出具 (``certificate`` set, by ``certificates.issue(request=…)``) | 不予出具 (with a
    reason) | 已撤回 (by the volunteer). At most one open request per volunteer and team."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="certificate_requests",
        verbose_name="志愿者",
    )  # fmt: skip
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="certificate_requests",
        verbose_name="出具单位（记录时长的队伍）",
    )  # fmt: skip
    period_start = models.DateField("服务起始日期")
    period_end = models.DateField("服务截止日期")
    purpose = models.CharField("用途", max_length=100)
    status = models.CharField(
        "状态", max_length=10, choices=CertificateRequestStatus.choices,
        default=CertificateRequestStatus.REQUESTED,
    )  # fmt: skip
    certificate = models.ForeignKey(
        Certificate, on_delete=models.PROTECT, null=True, blank=True, related_name="requests",
        verbose_name="出具的证明",
    )  # fmt: skip
    decided_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="处理人",
    )  # fmt: skip
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)
    decline_reason = models.CharField("不予出具的原因", max_length=200, blank=True)
    # 受理 starts the internal 公示 (民发〔2015〕149号); issuing waits for its end.
    approved_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="受理人",
    )  # fmt: skip
    approved_at = models.DateTimeField("受理时间（公示开始）", null=True, blank=True)
    publicity_ends_at = models.DateTimeField("公示结束", null=True, blank=True)
    objection = models.CharField("公示异议", max_length=200, blank=True)
    objection_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="异议人",
    )  # fmt: skip
    objection_at = models.DateTimeField("异议时间", null=True, blank=True)
    objection_answer = models.CharField("异议处理意见", max_length=200, blank=True)
    created_at = models.DateTimeField("申请时间", default=timezone.now)

    # Not a column: request_certificate sets it, False when the same request already waited.
    created: bool

    class Meta:
        verbose_name = "记录证明申请"
        verbose_name_plural = "记录证明申请"
        ordering = ["created_at", "id"]
        constraints = [
            # A double tap or a retry finds the open request instead of queueing a second one.
            models.UniqueConstraint(
                fields=["volunteer", "team"],
                condition=Q(status__in=CERTIFICATE_REQUEST_OPEN),
                name="certificate_request_one_open",
            )
        ]
        indexes = [models.Index(fields=["team", "status", "created_at"])]

    def __str__(self) -> str:
        return f"记录证明申请 {self.pk}（{self.get_status_display()}）"

    @property
    def days_waiting(self) -> int:
        """Whole days since the request (the queue shows the oldest first)."""
        return (timezone.localdate() - timezone.localdate(self.created_at)).days

    @property
    def publicity_over(self) -> bool:
        """The internal 公示 has run its course (the request may be issued unless held)."""
        return self.publicity_ends_at is not None and timezone.now() > self.publicity_ends_at


class CertificateIssuer(models.Model):
    """出具单位档案: a 依法设立 issuer of 志愿服务记录证明 (民发〔2015〕149号) — either a registered
    organization of the ledger (one with a 统一社会信用代码) or an authority, the office of a
    street or community (``region``) — with its seal image and the names of its responsible
    person (负责人) and handler (经办人) that every certificate it issues carries."""

    organization = models.OneToOneField(
        "ledger.Organization", on_delete=models.PROTECT, null=True, blank=True,
        related_name="certificate_issuer", verbose_name="登记的组织",
    )  # fmt: skip
    region = models.OneToOneField(
        "regions.Region", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="街道/社区（以其办事处、居委会名义出具）",
    )  # fmt: skip
    name = models.CharField("出具单位名称", max_length=100)
    seal = models.FileField("印章图片", upload_to="volunteers/seals/", max_length=200, blank=True)
    head_name = models.CharField("单位负责人", max_length=50, blank=True)
    handler_name = models.CharField("经办人", max_length=50, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    updated_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField("更新时间", default=timezone.now)

    class Meta:
        verbose_name = "记录证明出具单位"
        verbose_name_plural = "记录证明出具单位"
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(organization__isnull=False) & Q(region__isnull=True))
                | (Q(organization__isnull=True) & Q(region__isnull=False)),
                name="certificate_issuer_org_or_region",
            )
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def missing(self) -> list[str]:
        """What the certificate needs and the profile lacks (印章、负责人、经办人)."""
        lacks = []
        if not self.seal:
            lacks.append("印章图片")
        if not self.head_name:
            lacks.append("单位负责人")
        if not self.handler_name:
            lacks.append("经办人")
        return lacks


class RecordDispute(models.Model):
    """异议: a volunteer's objection to one of their approved service records (民政部令第67号:
    the organisation that recorded it verifies and corrects it). The record's team answers by
    ``due_at`` (``SHEGONG_VOLUNTEER_DISPUTE_ANSWER_WORKDAYS`` working days): 维持 with an
    explanation, or 更正 through an adjustment record (``correction``). One open per record."""

    record = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, related_name="disputes", verbose_name="服务记录"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="disputes", verbose_name="志愿者"
    )
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="disputes", verbose_name="记录单位"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    reason = models.CharField("异议理由", max_length=200)
    claimed_hours = models.DecimalField(
        "本人认为应为（小时）", max_digits=7, decimal_places=2, null=True, blank=True
    )
    status = models.CharField(
        "状态", max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.OPEN
    )
    due_at = models.DateTimeField("答复期限")
    answer = models.CharField("答复意见", max_length=200, blank=True)
    correction = models.ForeignKey(
        ServiceRecord, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="更正记录",
    )  # fmt: skip
    answered_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="答复人",
    )  # fmt: skip
    answered_at = models.DateTimeField("答复时间", null=True, blank=True)
    created_at = models.DateTimeField("提出时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "服务记录异议"
        verbose_name_plural = "服务记录异议"
        ordering = ["due_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=Q(status=DisputeStatus.OPEN),
                name="record_dispute_one_open",
            )
        ]
        indexes = [models.Index(fields=["team", "status", "due_at"])]

    def __str__(self) -> str:
        return f"服务记录异议 {self.pk}（{self.get_status_display()}）"

    @property
    def overdue(self) -> bool:
        return self.status == DisputeStatus.OPEN and timezone.now() > self.due_at


class Training(models.Model):
    """志愿者培训: a training a team organised (or had a social worker give) for volunteers.

    Part of a volunteer's record under 民政部令第67号 (培训情况), next to their service. Its
    ``hours`` are the training's length: they are never service hours and never touch
    ``Volunteer.hours`` or a star. ``region`` is the team's, for scope."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="trainings", verbose_name="组织队伍"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    title = models.CharField("培训主题", max_length=100)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("培训时长（小时）", max_digits=4, decimal_places=1)
    trainer = models.CharField("授课人/单位", max_length=100)
    content = models.CharField("培训内容", max_length=500, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="记录人",
    )  # fmt: skip
    created_at = models.DateTimeField("记录时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "志愿者培训"
        verbose_name_plural = "志愿者培训"
        ordering = ["-held_on", "-id"]
        indexes = [
            models.Index(fields=["region", "held_on"]),
            models.Index(fields=["team", "held_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.held_on} {self.title}"


class TrainingAttendance(models.Model):
    """A volunteer who took part in a training (参训); at most once per training."""

    training = models.ForeignKey(
        Training, on_delete=models.CASCADE, related_name="attendances", verbose_name="培训"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="training_attendances",
        verbose_name="志愿者",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "参训记录"
        verbose_name_plural = "参训记录"
        ordering = ["training", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["training", "volunteer"], name="training_attendance_once"
            )
        ]

    def __str__(self) -> str:
        return f"参训记录 {self.pk}"


class Award(models.Model):
    """表彰奖励: an honour a volunteer received (优秀志愿者 …), at a level, from an issuing body.

    Recorded by a team that runs it (``team``) or by staff; a wrong entry is revoked with a
    reason (``revoked_at``), never deleted. ``region`` is the recording team's, else the
    volunteer's, for scope."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="awards", verbose_name="志愿者"
    )
    title = models.CharField("表彰名称", max_length=100)
    level = models.CharField("级别", max_length=12, choices=AwardLevel.choices)
    awarded_by = models.CharField("授予单位", max_length=100)
    awarded_on = models.DateField("授予日期")
    note = models.CharField("备注", max_length=200, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="awards",
        verbose_name="记录队伍",
    )  # fmt: skip
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="所属区划"
    )
    recorded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="记录人",
    )  # fmt: skip
    created_at = models.DateTimeField("记录时间", default=timezone.now)
    revoked_at = models.DateTimeField("撤销时间", null=True, blank=True)
    revoked_reason = models.CharField("撤销原因", max_length=200, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = "表彰奖励"
        verbose_name_plural = "表彰奖励"
        ordering = ["-awarded_on", "-id"]
        indexes = [
            models.Index(fields=["volunteer", "awarded_on"]),
            models.Index(fields=["region", "awarded_on"]),
        ]

    def __str__(self) -> str:
        return f"{self.title}（{self.get_level_display()}）"


class StarAward(models.Model):
    """星级认定: a volunteer's application for a star, reviewed by staff, publicised for at least
    ``SHEGONG_VOLUNTEER_STAR_PUBLICITY_WORKDAYS`` working days, then awarded (DOMAIN.md 4.3:
    Beijing and Guangdong: 申请 → 审核 → 公示 ≥ 5 个工作日 → 认定).

    ``counted_hours`` and ``months_registered`` are the figures at application (eligibility is
    checked again at review). Only ``star_awards`` actions change ``status``; an upheld objection
    during the publicity sends it back to 申请中. At most one open (申请中 / 公示中) application
    per volunteer. ``region`` is the volunteer's service area, for scope. Rows with
    ``legacy=True`` were written by migration 0007 for stars given under the old automatic rule
    (kept as awarded)."""

    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.PROTECT, related_name="star_awards", verbose_name="志愿者"
    )
    region = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", verbose_name="服务区域"
    )
    star = models.PositiveSmallIntegerField("申请星级")
    counted_hours = models.DecimalField("申请时计入时长（小时）", max_digits=9, decimal_places=2)
    months_registered = models.PositiveIntegerField("申请时注册月数", default=0)
    status = models.CharField(
        "状态", max_length=12, choices=StarAwardStatus.choices, default=StarAwardStatus.APPLIED
    )
    applied_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="申请人",
    )  # fmt: skip
    on_behalf = models.BooleanField("工作人员代为申请", default=False)
    applied_at = models.DateTimeField("申请时间", default=timezone.now)
    reviewed_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="审核人",
    )  # fmt: skip
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    review_note = models.CharField("审核意见/驳回原因", max_length=200, blank=True)
    publicity_starts_at = models.DateTimeField("公示开始", null=True, blank=True)
    publicity_ends_at = models.DateTimeField("公示结束", null=True, blank=True)
    objection_note = models.CharField("公示异议", max_length=200, blank=True)
    objected_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="异议登记人",
    )  # fmt: skip
    objected_at = models.DateTimeField("异议登记时间", null=True, blank=True)
    awarded_by = models.ForeignKey(
        "accounts.User", on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name="认定人",
    )  # fmt: skip
    awarded_at = models.DateTimeField("认定时间", null=True, blank=True)
    withdrawn_at = models.DateTimeField("撤回时间", null=True, blank=True)
    legacy = models.BooleanField("旧规则按时长自动评定", default=False)

    objects = ScopedQuerySet.as_manager()

    # Not a column: apply sets it, False when the same open application was found.
    created: bool

    class Meta:
        verbose_name = "星级认定"
        verbose_name_plural = "星级认定"
        ordering = ["-applied_at", "-id"]
        constraints = [
            # A double tap or a retry finds the open application instead of a second one.
            models.UniqueConstraint(
                fields=["volunteer"],
                condition=Q(status__in=["applied", "publicizing"]),
                name="star_award_one_open",
            )
        ]
        indexes = [
            models.Index(fields=["status", "publicity_ends_at"]),
            models.Index(fields=["region", "status"]),
        ]

    def __str__(self) -> str:
        return f"星级认定 {self.pk}（{self.star}星，{self.get_status_display()}）"
