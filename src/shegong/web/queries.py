"""Read side of the platform tables: audit search, the inbox, the system status page."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from shegong.core import registry
from shegong.core.audit import VERB_LABELS, Verb
from shegong.core.errors import NotFound
from shegong.core.models import (
    VIA_LABELS,
    AuditEvent,
    AuditTarget,
    JobRun,
    Notification,
    ScanState,
    WorkerHeartbeat,
    model_name,
)
from shegong.core.perms import reads_full_audit
from shegong.core.scans import SCANS
from shegong.core.scope import in_subtree
from shegong.core.verbs import SECURITY_VERBS
from shegong.regions.choices import Level
from shegong.regions.models import Region

# --- audit -----------------------------------------------------------------------------------

# Levels at or above which a district admin is the deployment's platform administrator.
_PLATFORM_LEVELS = {Level.PROVINCE, Level.CITY, Level.DISTRICT}


def sees_platform_events(user: Any) -> bool:
    """Whether ``user`` may see rows that belong to no region (logins, purges, demo loads …).

    Such rows concern the platform as a whole, so only its administrators see them: superusers
    and a district admin acting in a district-level (or higher) scope. A street or community
    user sees only rows of their own subtree, and a district admin acting in a street scope is,
    for that session, a street user.
    """
    if user.is_superuser:
        return True
    membership = user.active_membership
    return (
        membership is not None
        and membership.role == "district_admin"
        and membership.region.level in _PLATFORM_LEVELS
    )


def audit_events_visible_to(user: Any) -> QuerySet[AuditEvent]:
    """The audit rows ``user`` may see.

    The audit administrator (三员) reads the whole trail: every region, regionless rows, and the
    account and security events (logins, roles, passwords, second factor: ``SECURITY_VERBS``),
    which record what the system and security administrators do. Everyone else with
    ``audit.view`` (superusers included) reads their region scope, plus regionless rows for
    platform administrators (see ``sees_platform_events``), without the security events.
    """
    if reads_full_audit(user):
        return AuditEvent.objects.all()
    visible = AuditEvent.objects.visible_to(user)
    if sees_platform_events(user) and not user.is_superuser:
        visible = visible | AuditEvent.objects.filter(region__isnull=True)
    return visible.exclude(verb__in=SECURITY_VERBS)


def access_audit_event(user: Any, pk: int) -> AuditEvent:
    """One audit row inside the caller's scope; missing and forbidden both raise NotFound."""
    event = audit_events_visible_to(user).select_related("region").filter(pk=pk).first()
    if event is None:
        raise NotFound("未找到该审计记录，或不在您的工作范围内")
    return event


@dataclass(frozen=True)
class AuditFilter:
    """A parsed audit search. Dates are calendar days in Asia/Shanghai (TIME_ZONE)."""

    actor: str = ""
    verb: int | None = None
    target: str = ""
    region: str = ""  # a region code inside the caller's scope; its subtree is searched
    date_from: date | None = None
    date_to: date | None = None
    success: bool | None = None


def _day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def search_audit(user: Any, search: AuditFilter) -> QuerySet[AuditEvent]:
    """Audit rows visible to ``user`` matching ``search``, newest first.

    The actor keyword matches the stored label (name with masked phone) or, when it is a whole
    11-digit mobile number, the actor's phone exactly: a partial-phone search would let a user
    recover a masked number digit by digit.
    """
    qs = audit_events_visible_to(user)
    if search.actor:
        keyword = search.actor.strip()
        # Labels are stored masked, so a name is matched on the account itself.
        condition = Q(actor_label__icontains=keyword) | Q(actor__name=keyword)
        if keyword.isdigit() and len(keyword) == 11:
            condition |= Q(actor__phone=keyword)
        qs = qs.filter(condition)
    if search.verb is not None:
        qs = qs.filter(verb=search.verb)
    if search.target:
        keyword = search.target.strip()
        # The page shows an object's kind by its Chinese name ("志愿服务队伍"): search by it too.
        kinds = [
            model._meta.label_lower
            for model in django_apps.get_models()
            if keyword in str(model._meta.verbose_name)
        ]
        # A record created by an import is a row of the import's one entry (AuditTarget).
        bulk = AuditTarget.objects.filter(
            Q(target_type__in=kinds) | Q(target_id=keyword) | Q(target_label__icontains=keyword)
        )
        qs = qs.filter(
            Q(target_type__icontains=keyword)
            | Q(target_type__in=kinds)
            | Q(target_id=keyword)
            | Q(target_label__icontains=keyword)
            | Q(pk__in=bulk.values("event_id"))
        )
    if search.region:
        region = Region.objects.visible_to(user).filter(code=search.region).first()
        qs = in_subtree(qs, region.prefix) if region else qs.none()
    if search.date_from:
        qs = qs.filter(at__gte=_day_start(search.date_from))
    if search.date_to:
        qs = qs.filter(at__lt=_day_start(search.date_to + timedelta(days=1)))
    if search.success is not None:
        qs = qs.filter(success=search.success)
    return qs.select_related("region").order_by("-at", "-id")


def audit_region_choices(user: Any) -> list[tuple[str, str]]:
    """Regions offered in the audit filter: the caller's subtree down to communities."""
    rows = (
        Region.objects.visible_to(user)
        .exclude(level=Level.GRID)
        .exclude(level__in=[Level.PROVINCE, Level.CITY])
        .values_list("code", "name", "level")
        .order_by("code")
    )
    indent = {Level.DISTRICT: 0, Level.STREET: 1, Level.COMMUNITY: 2}
    return [(code, "　" * indent.get(Level(level), 0) + name) for code, name, level in rows]


def object_url(event: AuditEvent) -> str:
    """The page of the object an entry names, as its app registered it (``object_pages``), or
    "" when there is none. The page checks access itself: a link is no permission."""
    page = next((p for p in registry.object_pages if p.model == event.target_type), None)
    if page is None or (page.pk and not event.target_id):
        return ""
    try:
        return reverse(page.url_name, args=[event.target_id] if page.pk else [])
    except NoReverseMatch:
        return ""


# Chinese names of the keys actions put into an entry's ``data`` that are not a field of the
# target's model (a field is named by its own verbose_name).
DETAIL_LABELS = {
    "regions": "区划",
    "departments": "部门",
    "users": "账号",
    "ledger": "台账组织",
    "ledger.organizations": "组织",
    "ledger.people": "人员",
    "ledger.party_members": "党员",
    "ledger.party_orgs": "党组织",
    "ledger.instructor_assignments": "指导员派驻",
    "ledger.visits": "指导走访",
    "ledger.review_tasks": "核查任务",
    "reports": "随手拍工单",
    "reports.categories": "问题类别",
    "reports.appointments": "监督员聘任",
    "stations": "驿站",
    "stations.visits": "驿站服务记录",
    "workers": "新就业群体",
    "volunteers": "志愿者",
    "volunteers.teams": "志愿服务队伍",
    "volunteers.social_workers": "专业社工",
    "volunteers.activities": "志愿服务活动",
    "volunteers.signups": "活动报名",
    "volunteers.records": "服务记录",
    "volunteers.stars": "星级志愿者",
    "volunteers.certificates": "记录证明",
    "volunteers.trainings": "培训",
    "volunteers.training_attendances": "参训记录",
    "volunteers.awards": "表彰奖励",
    "socialorgs": "社会组织",
    "matching": "服务订单",
    "matching.needs": "需求清单条目",
    "matching.offers": "供给清单条目",
    "matching.orders": "服务订单",
    "matching.placed": "点单",
    "matching.refused": "不予受理",
    "matching.cancelled": "取消",
    "matching.declined": "婉拒（未满足）",
    "matching.completed": "完成服务",
    "matching.rated": "评单",
    "matching.satisfied": "满意评单（4–5星）",
    # deliberation (议事厅) demo counts
    "deliberation": "议题",
    "deliberation.topics": "议题",
    "deliberation.meetings": "议事会",
    "deliberation.merged": "合并的议题",
    "deliberation.supports": "议题支持",
    "deliberation.delivered": "落地实事（已落实）",
    "deliberation.open_actions": "落地实事（推进中）",
    "deliberation.updates": "实事进展记录",
    # 公益创投 and 社区慈善基金 (grants) demo counts and audit data
    "grants": "公益创投立项项目",
    "funds": "社区慈善基金",
    "grants.fund_resources": "基金整合资源",
    "fund": "基金",
    "start": "开始日期",
    "end": "结束日期",
    "notice": "公示",
    "host": "托管慈善组织",
    "account_name": "收款户名",
    "agreement": "协议",
    "change": "变更",
    "member": "管委会成员",
    "movement": "收支记录",
    "receipt_no": "票据号",
    "anonymous": "对外匿名",
    "pledge": "认捐",
    "votes_for": "赞成票",
    "votes_against": "反对票",
    "supervisor": "监督员",
    "balance_after": "支付后余额",
    "leftover": "剩余资金",
    "leftover_to": "剩余资金去向",
    "item": "物资",
    "target": "去向",
    "role": "职务",
    "month": "月份",
    # socialorgs credit lists
    "letter": "挂号信",
    "letters": "挂号信",
    "sent_on": "寄出日期",
    "returned_on": "退回日期",
    "listing": "信用名录记录",
    "rule": "列入规则",
    "fact": "认定事实",
    "listed_on": "列入日期",
    "basis": "依据",
    "moved_from": "由此记录转入",
    "clock_from": "计时起点",
    "removed_on": "移出日期",
    "rectification": "整改",
    "deadline": "整改期限",
    "first": "第一封寄出",
    "second": "第二封寄出",
    "status_label": "登记状态",
    "matter": "整改事项",
    "legal_basis": "法律依据",
    # socialorgs registration events
    "application": "登记事项申请",
    "penalty": "行政处罚",
    "amount": "罚款金额（元）",
    "capital": "注册资金（万元）",
    "material": "材料类别",
    "files": "文件",
    "file": "文件",
    "effective_on": "生效日期",
    "charter": "章程版本",
    "version_date": "章程核准日期",
    "party_building": "党建入章",
    # socialorgs §7 screening
    "visit": "走访记录",
    "round": "排查轮次",
    "visited_on": "走访日期",
    "interview": "约谈记录",
    "people": "约谈人数",
    "attachments": "附件数",
    "opinion_length": "处置意见字数",
    "credit_code": "统一社会信用代码",
    "legal_rep": "法定代表人",
    "legal_rep_phone": "法定代表人电话",
    # socialorgs §5: 换届 and dormant organizations
    "extension": "延期换届申请",
    "new_date": "申请延期至",
    "election": "换届",
    "review_required": "需主管单位（党组织）审核",
    "step": "换届步骤",
    "done_on": "完成日期",
    "case": "僵尸型社会组织案件",
    "announcement": "公告",
    "opened": "新立案数",
    "cases": "案件",
    "state": "办理状态",
    "address": "住所",
    "already": "此前已有",
    "anchor": "链锚点哈希",
    "approved": "是否通过",
    "assignees": "核查人",
    "assisting": "协办部门",
    "auto": "自动",
    "awarded_by": "授予单位",
    "awarded_on": "授予日期",
    "benefit": "关爱内容",
    "by_reporter": "由上报人确认",
    "campaign": "回头看",
    "category": "问题类别",
    "changed": "修改的字段",
    "channel": "上报渠道",
    "consent_version": "同意书版本",
    "corrects": "更正的记录",
    "count": "数量",
    "created": "新建",
    "criteria": "范围条件",
    "defects": "发现问题",
    "deleted": "删除条数",
    "department": "部门",
    "distribution": "发放记录",
    "due_on": "截止日期",
    "employer": "所在机构",
    "ends_on": "结束日期",
    "enrolled": "参保人数",
    "failed": "不合格项",
    "facilities": "服务设施",
    "fields": "字段",
    "guardian_consent": "监护人同意",
    "held_on": "日期",
    "holders": "责任人数",
    "hours": "时长",
    "hours_delta": "时长变化",
    "incubation": "孵化状态",
    "inspection": "检查记录",
    "into": "并入工单",
    "kind": "类型",
    "level": "级别",
    "linked_account": "关联账号",
    "minor": "未成年",
    "mode": "方式",
    "name": "名称",
    "note": "说明",
    "number": "编号",
    "on": "日期",
    "outcome": "核查结果",
    "outside": "不在范围内",
    "pairing": "结对帮扶",
    "parent": "上级",
    "period": "期间",
    "person": "人员",
    "person_created": "新建人员",
    "photos": "照片数",
    "policy_number": "保单号",
    "position": "候补序号",
    "published": "公开",
    "purpose": "用途",
    "qualification": "资质",
    "quantity": "数量",
    "rating": "评分",
    "reason": "原因",
    "region": "区划",
    "seeded": "内置预设",
    "self_service": "本人办理",
    "served_on": "服务日期",
    "service_code": "接口编码",
    "services": "服务项目",
    "shift": "班次",
    "shifts": "班次数",
    "signups": "报名人数",
    "size": "规模",
    "skills": "技能",
    "social_worker": "社工",
    "source": "来源",
    "starts_on": "开始日期",
    "station": "驿站",
    "status": "状态",
    "tally": "人次记录",
    "task": "核查任务",
    "tasks": "任务数",
    "team": "队伍",
    "template": "回复模板",
    "through_id": "清理至",
    "title": "名称",
    "total": "合计",
    "trainees": "参训人数",
    "type": "类型",
    "user": "用户",
    "volunteer": "志愿者",
    "worker": "新就业群体",
    "year": "年度",
    # socialorgs: charities and fundraising (issue 14 §6)
    "fundraising_application": "公开募捐资格申请",
    "fundraising_plan": "募捐方案",
    "supervision_entry": "监督检查记录",
    "disclosure": "信息公开记录",
    "financials": "年度财务记录",
    "documents": "材料份数",
    "eligible": "资格条件全部符合",
    "reasons": "理由",
    "days": "办理天数",
    "late": "逾期",
    "checked_on": "检查日期",
    "final": "全面公开",
    "audited": "已完成年度审计",
    "flagged": "支出比例不达标",
    # matching: standing orders
    "matching_standing": "常态化服务",
    # the demo's last step (issue 19)
    "dashboard": "数据看板汇总",
    "until": "暂停至",
    "skipped": "暂停免做",
    "day": "日期",
    "at": "服务时间",
    "funding": "经费来源",
    "rota": "排班",
    "revived": "恢复的任务",
    "dropped": "删除的任务",
    "service_record": "志愿服务记录",
}


# The demo's sizes (``shegong loaddemo --size``).
DEMO_SIZES = {"small": "小", "seed": "标准", "large": "大"}

# Keys whose value is a pair [old, new] (a change the action made), and [start, end] ranges.
CHANGE_KEYS = {"incubation", "quantity", "hours", "status"}
RANGE_KEYS = {"period"}


@dataclass(frozen=True)
class DetailRow:
    """One line of an entry's details: a value, or a change from ``old`` to ``new``."""

    label: str
    value: str = ""
    old: str = ""
    new: str = ""
    changed: bool = False


def audit_details(event: AuditEvent) -> list[DetailRow]:
    """An entry's ``data`` as lines a person reads: Chinese names (the target model's field
    names, else ``DETAIL_LABELS``), choice values by their labels, yes/no, lists joined, and
    each field of ``changed`` as old → new. Never raw JSON."""
    model = event.target_model
    rows: list[DetailRow] = []
    for key, value in (event.data or {}).items():
        if key == "changed" and isinstance(value, dict):
            for name, pair in value.items():
                old, new = pair if isinstance(pair, list) and len(pair) == 2 else (None, pair)
                rows.append(
                    DetailRow(
                        _detail_label(model, name),
                        old=_detail_value(model, name, old),
                        new=_detail_value(model, name, new),
                        changed=True,
                    )
                )
        elif key == "changed" and isinstance(value, list):  # personal data: field names only
            names = "、".join(_detail_label(model, str(name)) for name in value)
            rows.append(DetailRow("修改的字段", names))
        elif key in CHANGE_KEYS and isinstance(value, list) and len(value) == 2:
            old, new = (_detail_value(model, key, item) for item in value)
            rows.append(DetailRow(_detail_label(model, key), old=old, new=new, changed=True))
        elif key in RANGE_KEYS and isinstance(value, list) and len(value) == 2:
            start, end = (_detail_value(model, key, item) for item in value)
            rows.append(DetailRow(_detail_label(model, key), f"{start} 至 {end}"))
        else:
            rows.append(DetailRow(_detail_label(model, key), _detail_value(model, key, value)))
    return rows


def _model_field(model: Any, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except FieldDoesNotExist:
        return None


def _detail_label(model: Any, key: str) -> str:
    field = _model_field(model, key)
    name = str(getattr(field, "verbose_name", "") or "")
    if name and not name.isascii():
        return name
    return DETAIL_LABELS.get(key, key)


def _detail_value(model: Any, key: str, value: Any) -> str:
    if value is None or value == "" or value == []:
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, list):
        return "、".join(_detail_value(model, key, item) for item in value)
    if isinstance(value, dict):
        return "；".join(
            f"{_detail_label(None, str(k))}：{_detail_value(None, str(k), v)}"
            for k, v in value.items()
        )
    if key == "size" and value in DEMO_SIZES:
        return DEMO_SIZES[value]
    if key == "source" and isinstance(value, str):
        if value.startswith("demo:"):
            return f"演示数据（{DEMO_SIZES.get(value[5:], value[5:])}）"
        return VIA_LABELS.get(value, value)
    field = _model_field(model, key)
    choices = dict(getattr(field, "flatchoices", None) or [])
    if value in choices:
        return str(choices[value])
    return str(value)


AUDIT_EXPORT_HEADERS = [
    ("时间", 20),
    ("操作人", 22),
    ("操作", 16),
    ("对象类型", 18),
    ("对象编号", 18),
    ("对象", 28),
    ("区划代码", 17),
    ("区划", 16),
    ("来源IP", 16),
    ("渠道", 8),
    ("结果", 8),
]


def audit_export_rows(qs: QuerySet[AuditEvent]) -> Iterator[list[Any]]:
    """The rows of an audit export, read in chunks (no model instances, constant memory)."""
    fields = (
        "at",
        "actor_label",
        "verb",
        "target_type",
        "target_id",
        "target_label",
        "region_id",
        "region__name",
        "ip",
        "via",
        "success",
    )
    for at, actor, verb, ttype, tid, label, code, rname, ip, via, ok in qs.values_list(
        *fields
    ).iterator(chunk_size=2000):
        try:
            verb_label = VERB_LABELS[Verb(verb)]
        except ValueError:
            verb_label = str(verb)
        yield [
            at,
            actor,
            verb_label,
            model_name(ttype),
            tid,
            label,
            code or "",
            rname or "",
            ip or "",
            VIA_LABELS.get(via, via),
            "成功" if ok else "失败",
        ]


# --- inbox -----------------------------------------------------------------------------------


def inbox(user: Any, *, unread_only: bool = False) -> QuerySet[Notification]:
    """The user's own notifications (never anyone else's): unread first, then newest."""
    qs = Notification.objects.filter(recipient_id=user.pk)
    if unread_only:
        qs = qs.filter(read_at__isnull=True)
    unread_rank = Case(
        When(read_at__isnull=True, then=Value(0)), default=Value(1), output_field=IntegerField()
    )
    return qs.order_by(unread_rank, "-created_at", "-id")


def unread_count(user: Any) -> int:
    """How many of the user's notifications are unread (for the badge in the top bar)."""
    if user is None or not getattr(user, "is_authenticated", False):
        return 0
    return inbox(user, unread_only=True).order_by().count()  # the inbox's 未读 tab, counted


def access_notification(user: Any, pk: int) -> Notification:
    notification = Notification.objects.filter(recipient_id=user.pk, pk=pk).first()
    if notification is None:
        raise NotFound("未找到该消息")
    return notification


# --- system status ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ScanRow:
    name: str
    title: str
    interval: timedelta
    state: ScanState | None

    @property
    def interval_label(self) -> str:
        seconds = int(self.interval.total_seconds())
        for size, unit, single in (
            (86400, "天", "每天"),
            (3600, "小时", "每小时"),
            (60, "分钟", "每分钟"),
        ):
            if seconds % size == 0:
                count = seconds // size
                return single if count == 1 else f"每 {count} {unit}"
        return f"每 {seconds} 秒"

    @property
    def overdue(self) -> bool:
        """Due for longer than two intervals: the worker is not picking it up."""
        if self.state is None:
            return False
        return timezone.now() - self.state.next_run_at > 2 * self.interval


@dataclass(frozen=True)
class SystemStatus:
    heartbeats: list[WorkerHeartbeat]
    worker_running: bool
    scans: list[ScanRow]
    jobs: list[JobRun]
    task_counts: dict[str, int]
    audit_retention_days: int
    stale_after_seconds: int


TASK_STATUS_LABELS = {
    "READY": "等待执行",
    "RUNNING": "执行中",
    "SUCCESSFUL": "已完成",
    "FAILED": "失败",
}


def system_status(user: Any, *, jobs: int = 20) -> SystemStatus:
    """Everything the 运行状态 page shows, in a fixed number of queries."""
    from django_tasks_db.models import DBTaskResult

    heartbeats = list(WorkerHeartbeat.objects.order_by("name"))
    states = ScanState.objects.in_bulk(list(SCANS))
    scans = [
        ScanRow(scan.name, scan.title, scan.interval, states.get(scan.name))
        for scan in sorted(SCANS.values(), key=lambda s: s.name)
    ]
    job_rows = JobRun.objects.visible_to(user)
    if sees_platform_events(user) and not user.is_superuser:
        job_rows = job_rows | JobRun.objects.filter(region__isnull=True)
    counts = {status: 0 for status in TASK_STATUS_LABELS}
    for row in DBTaskResult.objects.values("status").annotate(n=Count("id")).order_by():
        counts[row["status"]] = row["n"]
    return SystemStatus(
        heartbeats=heartbeats,
        worker_running=any(not hb.is_stale for hb in heartbeats),
        scans=scans,
        jobs=list(job_rows.order_by("-created_at")[:jobs]),
        task_counts=counts,
        audit_retention_days=max(settings.AUDIT_RETENTION_DAYS, 180),
        stale_after_seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS,
    )
