"""Re-election (换届) and dormant ("僵尸型") organizations (issue 14 §5).

- ``Election``: one 换届 of one organization, walked through the 换届乱象专项整治 checklist
  (``ElectionStep`` rows, one per step, in ``STEP_ORDER``); the last step (备案) completes it and
  starts the new term.
- ``TermExtension``: a request to postpone the 换届 (延期换届, at most one year past the term's
  end), approved or rejected by the registrar.
- ``TermReminder``: that the −6/−3 month reminder for one term end was sent (once each).
- ``DormantCase``: a dormant-organization case (民发〔2021〕63号) opened by the detection, with its
  outcome: 限期整改, 撤销/吊销 after a 60-day 公告, or 注销 (the last two count as cleared).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from shegong.core.scope import ScopedQuerySet

SCOPE = "social_org__organization__region"


class StepKind(models.TextChoices):
    PLAN = "plan", "筹备：制定换届工作方案"
    CANDIDATES = "candidates", "筹备：候选人审核"
    REVIEW = "review", "筹备：业务主管单位（党组织）审核"
    MEETING = "meeting", "选举：召开会员（代表）大会/理事会"
    FILING = "filing", "备案：负责人变更备案及法定代表人变更登记"


# The checklist's order; REVIEW is skipped when no review is required.
STEP_ORDER = [
    StepKind.PLAN,
    StepKind.CANDIDATES,
    StepKind.REVIEW,
    StepKind.MEETING,
    StepKind.FILING,
]
STAGE_OF = {
    StepKind.PLAN: "筹备",
    StepKind.CANDIDATES: "筹备",
    StepKind.REVIEW: "筹备",
    StepKind.MEETING: "选举",
    StepKind.FILING: "备案",
}


class Election(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="elections",
        verbose_name="社会组织",
    )  # fmt: skip
    opened_on = models.DateField("启动日期")
    review_required = models.BooleanField("需业务主管单位（党组织）审核", default=False)
    old_term_end = models.DateField("原任期届满日期", null=True, blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True, db_index=True)
    new_term_start = models.DateField("新一届起始日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "换届"
        verbose_name_plural = "换届"
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["social_org"],
                condition=Q(completed_on__isnull=True),
                name="one_open_election_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.social_org} 换届（{self.opened_on:%Y-%m-%d}）"

    def steps_required(self) -> list[str]:
        return [s for s in STEP_ORDER if s != StepKind.REVIEW or self.review_required]


class ElectionStep(models.Model):
    election = models.ForeignKey(
        Election, on_delete=models.CASCADE, related_name="steps", verbose_name="换届"
    )
    kind = models.CharField("步骤", max_length=20, choices=StepKind.choices)
    done_on = models.DateField("完成日期")
    note = models.TextField("情况说明（结果）", blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="登记人",
    )  # fmt: skip
    created_at = models.DateTimeField("登记时间", default=timezone.now)

    class Meta:
        verbose_name = "换届步骤"
        verbose_name_plural = "换届步骤"
        ordering = ["done_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["election", "kind"], name="election_step_once")
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.done_on:%Y-%m-%d}"


class ExtensionState(models.TextChoices):
    PENDING = "pending", "待审批"
    APPROVED = "approved", "已批准"
    REJECTED = "rejected", "不予批准"


class TermExtension(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="term_extensions",
        verbose_name="社会组织",
    )  # fmt: skip
    term_end = models.DateField("原任期届满日期")
    new_date = models.DateField("申请延期至")
    reason = models.TextField("延期理由")
    state = models.CharField(
        "审批状态", max_length=10, choices=ExtensionState.choices,
        default=ExtensionState.PENDING, db_index=True,
    )  # fmt: skip
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="申请人",
    )  # fmt: skip
    decided_at = models.DateTimeField("审批时间", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
        related_name="+", verbose_name="审批人",
    )  # fmt: skip
    decision_note = models.TextField("审批意见", blank=True)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "延期换届申请"
        verbose_name_plural = "延期换届申请"
        ordering = ["requested_at", "pk"]

    def __str__(self) -> str:
        return f"{self.social_org} 延期换届至 {self.new_date:%Y-%m-%d}"


class TermReminder(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.CASCADE, related_name="+", verbose_name="社会组织"
    )
    term_end = models.DateField("任期届满日期")
    months = models.PositiveSmallIntegerField("提前月数")
    sent_at = models.DateTimeField("提醒时间", default=timezone.now)

    class Meta:
        verbose_name = "换届提醒"
        verbose_name_plural = "换届提醒"
        constraints = [
            models.UniqueConstraint(
                fields=["social_org", "term_end", "months"], name="term_reminder_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term_end:%Y-%m-%d} 前{self.months}个月提醒"


class DormantGround(models.TextChoices):
    NOT_INSPECTED = "not_inspected", "连续两年未参加年检"
    NO_ACTIVITY = "no_activity", "成立后一年内未开展活动"
    UNREACHABLE = "unreachable", "通过登记的住所无法联系"


class DormantState(models.TextChoices):
    OPEN = "open", "待处置"
    RECTIFYING = "rectifying", "限期整改中"
    NOTICE = "notice", "拟撤销公告中"
    RECTIFIED = "rectified", "整改完成"
    CLEARED = "cleared", "已清理"


class DormantOutcome(models.TextChoices):
    CANCELLED = "cancelled", "撤销登记"
    REVOKED = "revoked", "吊销登记证书"
    DEREGISTERED = "deregistered", "注销登记"


class DormantCase(models.Model):
    social_org = models.ForeignKey(
        "socialorgs.SocialOrg", on_delete=models.PROTECT, related_name="dormant_cases",
        verbose_name="社会组织",
    )  # fmt: skip
    opened_on = models.DateField("发现日期")
    grounds = models.JSONField("认定情形", default=list)
    unreachable = models.BooleanField("无法联系", default=False)
    state = models.CharField(
        "处置状态", max_length=12, choices=DormantState.choices, default=DormantState.OPEN,
        db_index=True,
    )  # fmt: skip
    deadline = models.DateField("整改期限", null=True, blank=True)
    announcement = models.ForeignKey(
        "socialorgs.Announcement", on_delete=models.PROTECT, null=True, blank=True,
        related_name="+", verbose_name="拟撤销公告",
    )  # fmt: skip
    notice_ends_on = models.DateField("公告期满日期", null=True, blank=True, db_index=True)
    outcome = models.CharField(
        "处置结果", max_length=14, choices=DormantOutcome.choices, blank=True
    )
    legal_basis = models.CharField("法律依据", max_length=500, blank=True)
    closed_on = models.DateField("结案日期", null=True, blank=True, db_index=True)
    note = models.TextField("处置说明", blank=True)
    created_at = models.DateTimeField("创建时间", default=timezone.now)

    objects = ScopedQuerySet.as_manager()
    scope_field = SCOPE

    class Meta:
        verbose_name = "僵尸型社会组织案件"
        verbose_name_plural = "僵尸型社会组织案件"
        ordering = ["opened_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["social_org"],
                condition=Q(closed_on__isnull=True),
                name="one_open_dormant_case_per_org",
            )
        ]

    def __str__(self) -> str:
        return f"{self.social_org} 僵尸型社会组织（{self.opened_on:%Y-%m-%d}）"

    @property
    def ground_labels(self) -> list[str]:
        labels = dict(DormantGround.choices)
        return [labels.get(g, g) for g in self.grounds]
