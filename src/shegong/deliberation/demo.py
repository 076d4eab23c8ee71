"""Demo 议事厅 of the 示范区: the seed's 樟树议事厅 ("专业社工牵头建立'一月一会'议事制度，收集民生
议题134项，落地实事超100件", "6场专题议事").

A community 樟树社区 in 东城街道 (added by this loader: the regions demo names its communities
from another list), with its settings (樟树议事厅, threshold 10, 5 workdays, 一月一会 on) and a
year of deliberation ending last month:

- 12 议事协商会, one a month, closed with their record published (views, votes, decisions with
  owner and due date), invitations of residents, representatives, 驻区单位, 业委会, 物业 and a
  social organization, sign-ins plus paper sign-ins (实到 = the two);
- 6 专题议事 (加装电梯, 停车, 垃圾分类, 一老一小, 老旧小区改造, 党员议事) closed with records;
- 134 topics collected (and 6 duplicates merged into them): 90 delivered, 15 adopted and being
  delivered, 12 not adopted with reasons, 8 under evaluation, 9 waiting for an answer with their
  clock running (2 past it); supports by 40 residents of the community (``support_count`` equals
  the rows; ``agenda_ready_at`` at the 10th), followers (the submitter and the supporters);
- 102 delivered action items (12 topics became two items each; three big ones split into child
  items) with their timelines (进展 with progress, 落实完成, 反馈提出人), and 15 in progress or
  not started (2 past their due date, one re-dated with a reason).

The rows are written through the models (bulk where large) keeping the invariants the actions
keep: ``support_count`` = support rows, ``present_count`` = sign-ins + paper sign-ins, a topic
delivered iff all its items are done, progress 100 iff done, answers mostly within the clock,
nothing public before it was answered. This month has no meeting yet, so the card's 本月未开会
shows 樟树社区.

Logins: 13800000070 (社区工作者, 樟树社区) and 13800000071 (居民, 樟树社区), password as the
other demo logins. Deterministic (its own seed) and idempotent: nothing is added once 樟树社区
has topics.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import Department, Membership, User
from shegong.core import demo
from shegong.core.perms import Role
from shegong.deliberation import rules
from shegong.deliberation.choices import (
    ActionStatus,
    InviteeKind,
    ItemResult,
    MeetingKind,
    MeetingStatus,
    OwnerKind,
    QuorumBase,
    SignInMethod,
    TopicSource,
    TopicStatus,
    UpdateKind,
)
from shegong.deliberation.models import (
    ActionItem,
    ActionUpdate,
    AgendaItem,
    Attendance,
    CommunitySettings,
    Invitation,
    Meeting,
    Topic,
    TopicCategory,
    TopicFollower,
    TopicSupport,
)
from shegong.regions.actions import RegionRow, import_regions
from shegong.regions.models import Region

SEED = 20261616
COMMUNITY_NAME = "樟树社区"
HALL_NAME = "樟树议事厅"
WORKER_PHONE, RESIDENT_PHONE = "13800000070", "13800000071"
SUPPORTERS = 40
# The seed's numbers and how the 134 topics stand.
DELIVERED_TOPICS, ADOPTED_TOPICS, REJECTED_TOPICS = 90, 15, 12
EVALUATING_TOPICS, PENDING_TOPICS, MERGED_TOPICS = 8, 9, 6
TWO_ITEM_TOPICS = 12  # 90 + 12 = 102 delivered items
OVERDUE_ACTIONS, OVERDUE_ANSWERS = 2, 2
THEMES = [
    ("加装电梯", "elevator"), ("停车难", "parking"), ("垃圾分类", "environment"),
    ("一老一小", "elderly_children"), ("老旧小区改造", "facilities"),
    ("党员议事：把关爱建议落到实处", "elderly_children"),
]  # fmt: skip
TITLES = {
    "environment": ["楼道堆物清理", "垃圾分类亭异味", "小区绿化补种", "雨水管堵塞疏通"],
    "parking": ["非机动车充电桩", "小区停车位划线", "僵尸车清理", "消防通道被占"],
    "elevator": ["3号楼加装电梯", "加装电梯费用分摊", "电梯加装协调低层住户"],
    "property": ["物业公示收支", "门禁系统维修", "保洁频次提高"],
    "facilities": ["健身器材更新", "路灯维修", "楼道扶手加装", "休闲座椅增设"],
    "elderly_children": ["老年食堂开餐", "四点半课堂", "适老化改造", "儿童游乐区安全"],
    "culture": ["广场舞噪音协调", "社区读书角", "邻里节活动"],
    "safety": ["电动车入户充电", "高空抛物提醒", "窨井盖破损"],
    "neighbours": ["楼上漏水协调", "宠物管理公约", "公共区域使用约定"],
    "other": ["快递柜设置", "社区公告栏更新"],
}
OWNERS = [
    (OwnerKind.ORGANIZATION, "樟树社区物业服务中心"), (OwnerKind.PERSON, "社区居委会主任"),
    (OwnerKind.ORGANIZATION, "小区业主委员会"), (OwnerKind.DEPARTMENT, "物业服务中心"),
    (OwnerKind.PERSON, "网格员"), (OwnerKind.ORGANIZATION, "樟树社工服务站"),
]  # fmt: skip
FUNDING = ["社区公益金", "为民服务专项经费", "物业维修资金", "驻区单位捐赠", ""]


def load(ctx: Any) -> int:
    """The ``deliberation`` demo loader; returns the number of topics written (0 when 樟树社区
    already has topics, or the regions and users loaders have not run)."""
    try:
        street = ctx.region("street:1")
    except Region.DoesNotExist:
        return 0
    if (
        not TopicCategory.objects.exists()
        or not User.objects.filter(phone=demo.SUPERUSER_PHONE).exists()
    ):
        return 0
    community = Region.objects.filter(parent=street, name=COMMUNITY_NAME).first()
    if community is not None and Topic.objects.filter(region=community).exists():
        return 0
    community = community or _community(street)
    with transaction.atomic():
        loader = _Loader(ctx, community)
        written = loader.run()
    ctx.created["deliberation.topics"] = written
    return written


def _community(street: Region) -> Region:
    """樟树社区 and its one grid: the first free community code of 东城街道 from 090 (no
    boundary: the demo's grids tile the street already)."""
    taken = set(Region.objects.filter(parent=street).values_list("code", flat=True))
    code = next(
        f"{street.code[:9]}{n:03d}"
        for n in range(90, 1000)
        if f"{street.code[:9]}{n:03d}" not in taken
    )
    rows = [
        RegionRow(code=code, name=COMMUNITY_NAME, level="community", parent_code=street.code),
        RegionRow(code=f"{code}001", name=f"{COMMUNITY_NAME}第一网格", level="grid",
                  parent_code=code),
    ]  # fmt: skip
    import_regions(rows, actor=None, source="示范数据（议事厅）")
    return Region.objects.get(code=code)


class _Loader:
    def __init__(self, ctx: Any, community: Region):
        self.ctx = ctx
        self.rng = random.Random(SEED)
        self.community = community
        self.now = timezone.now().replace(second=0, microsecond=0)
        self.today = timezone.localdate()
        first = self.today.replace(day=1)
        self.months = [_add_months(first, -n) for n in range(12, 0, -1)]  # the year, oldest first
        self.start = timezone.make_aware(datetime.combine(self.months[0], time(8)))
        self.categories = {c.code: c for c in TopicCategory.objects.all()}
        self.department = Department.objects.filter(code="wy").first()

    # --- people ---------------------------------------------------------------------------

    def _login(self, phone: str, role: Role, index: int) -> User:
        user = User.objects.filter(phone=phone).first()
        if user is None:
            user = User.objects.create_user(
                phone=phone, password=demo.PASSWORD, name=demo.fake_name(index),
                id_number=demo.fake_id_number(self.rng, 700 + index), must_change_password=False,
            )  # fmt: skip
            Membership.objects.create(user=user, role=role, region=self.community)
        return user

    def _people(self) -> None:
        self.worker = self._login(WORKER_PHONE, Role.COMMUNITY_WORKER, 7)
        self.resident = self._login(RESIDENT_PHONE, Role.RESIDENT, 8)
        self.supporters = [self.resident]
        for n in range(1, SUPPORTERS):
            phone = f"1380007{n:04d}"
            user = User.objects.filter(phone=phone).first()
            if user is None:
                user = User(
                    phone=phone, name=demo.fake_name(n),
                    id_number=demo.fake_id_number(self.rng, 710 + n),
                )  # fmt: skip
                user.set_unusable_password()
                user.save()
                Membership.objects.create(user=user, role=Role.RESIDENT, region=self.community)
            self.supporters.append(user)

    # --- the run --------------------------------------------------------------------------

    def run(self) -> int:
        self._people()
        CommunitySettings.objects.update_or_create(
            region=self.community,
            defaults={
                "hall_name": HALL_NAME, "support_threshold": 10, "answer_workdays": 5,
                "monthly_cadence": True, "adults": 3200, "households": 1350, "groups": 12,
                "representatives": 45,
            },
        )  # fmt: skip
        self._meetings()
        topics = self._topics()
        self._supports(topics)
        self._actions(topics)
        return len(topics)

    def _meeting(self, kind: str, title: str, starts: datetime, theme: str = "") -> Meeting:
        expected = 40 if kind == MeetingKind.CONSULTATION else self.rng.randint(35, 50)
        signed = self.rng.randint(8, 14)
        paper = self.rng.randint(14, 20)
        return Meeting(
            region=self.community, kind=kind, title=title, theme=theme, starts_at=starts,
            place="樟树社区党群服务中心二楼议事厅", host=self.worker, host_name="社区党委书记",
            status=MeetingStatus.CLOSED,
            notice=f"定于{starts:%m月%d日%H:%M}召开{title}，欢迎居民参加。",
            notice_published_at=starts - timedelta(days=rules.rule_for(kind).notice_days + 1),
            quorum_base=QuorumBase.INVITED, expected_count=expected,
            present_count=signed + paper, paper_signins=paper,
            signin_code=f"{self.rng.randint(0, 999999):06d}",
            summary="居民代表、物业、业委会和驻区单位逐项发表意见，社工整理分歧并形成共识。",
            record_published_at=starts + timedelta(days=1), closed_at=starts + timedelta(hours=2),
            created_by=self.worker, created_at=starts - timedelta(days=10),
        )  # fmt: skip

    def _meetings(self) -> None:
        meetings = []
        for month in self.months:
            starts = _at(month.replace(day=15), 19)
            meetings.append(
                self._meeting(
                    MeetingKind.CONSULTATION, f"{HALL_NAME}{month.month}月议事协商会", starts
                )
            )
        for n, (theme, _code) in enumerate(THEMES):
            month = self.months[2 * n + 1]
            meetings.append(
                self._meeting(
                    MeetingKind.THEMATIC,
                    f"专题议事：{theme}",
                    _at(month.replace(day=25), 15),
                    theme,
                )
            )
        Meeting.objects.bulk_create(meetings)
        self.cadence = meetings[:12]
        self.thematic = meetings[12:]
        invitations, attendances, items = [], [], []
        guests = [
            (InviteeKind.PROPERTY, "樟树社区物业服务中心"),
            (InviteeKind.OWNERS_COMMITTEE, "小区业主委员会"),
            (InviteeKind.UNIT, "樟树小学"), (InviteeKind.SOCIAL_ORG, "樟树社工服务站"),
            (InviteeKind.REPRESENTATIVE, "居民代表"),
        ]  # fmt: skip
        for meeting in meetings:
            for kind, name in guests:
                invitations.append(
                    Invitation(
                        meeting=meeting,
                        kind=kind,
                        name=name,
                        notified_at=meeting.notice_published_at,
                    )
                )
            signed = meeting.present_count - meeting.paper_signins
            for n in range(signed):
                user = self.supporters[n] if n < len(self.supporters) else None
                attendances.append(
                    Attendance(
                        meeting=meeting, user=user, name=user.name if user else f"居民{n}",
                        kind=InviteeKind.RESIDENT,
                        method=SignInMethod.QR if n % 3 else SignInMethod.CODE,
                        signed_at=meeting.starts_at - timedelta(minutes=10 - n % 10),
                    )
                )  # fmt: skip
            if meeting.kind == MeetingKind.THEMATIC:
                items.append(
                    self._item(meeting, None, meeting.theme, 1, decision=f"{meeting.theme}实施方案")
                )
        Invitation.objects.bulk_create(invitations)
        Attendance.objects.bulk_create(attendances)
        AgendaItem.objects.bulk_create(items)
        self.ctx.created["deliberation.meetings"] = len(meetings)

    def _item(
        self, meeting: Meeting, topic: Topic | None, title: str, order: int, *, decision: str,
        owner: str = "", due: date | None = None,
    ) -> AgendaItem:  # fmt: skip
        present = meeting.present_count
        needed = rules.decision_needed(
            meeting.kind, present=present, expected=meeting.expected_count
        )
        votes_for = self.rng.randint(needed, present)
        against = self.rng.randint(0, present - votes_for)
        return AgendaItem(
            meeting=meeting, topic=topic, title=title[:60], order=order, is_vote=True,
            views="多数居民赞成；物业提出施工时间安排意见；业委会同意从公益金列支。",
            votes_for=votes_for, votes_against=against,
            votes_abstain=present - votes_for - against, result=ItemResult.PASSED,
            decision=decision[:300], owner_label=owner, due_on=due,
        )  # fmt: skip

    # --- topics ---------------------------------------------------------------------------

    def _topic(self, status: str, created: datetime, n: int) -> Topic:
        code = list(TITLES)[n % len(TITLES)]
        titles = TITLES[code]
        submitter = self.supporters[n % len(self.supporters)]
        due = _workdays(created, 5)
        topic = Topic(
            region=self.community,
            category=self.categories.get(code) or next(iter(self.categories.values())),
            title=f"{titles[n % len(titles)]}（{n + 1}）",
            body="居民反映：希望社区协调解决，具体情况见照片和现场。",
            place=f"樟树社区{n % 12 + 1}号楼",
            source=TopicSource.RESIDENT if n % 5 else TopicSource.PARTY_MEMBER,
            submitter=submitter, submitter_label=submitter.name, status=status, created_at=created,
            answer_due_at=due,
        )  # fmt: skip
        if status != TopicStatus.PENDING:
            late = n % 17 == 0  # a few answered after the clock ran out
            answered = (
                due + timedelta(days=1)
                if late
                else created + timedelta(days=self.rng.randint(1, 5), hours=2)
            )
            topic.answered_at = min(answered, self.now)
            topic.answered_by = self.worker
            topic.public = True
            answers: dict[str, str] = {
                TopicStatus.REJECTED: "经评估，不属于社区可协调范围，已告知相关部门并答复提出人。",
                TopicStatus.EVALUATING: "已受理，正在征求物业和相关部门意见。",
                TopicStatus.MERGED: "与已有议题重复，已合并办理。",
            }
            topic.answer = answers.get(status, "经议事协商会议定采纳，列入落地实事办理。")
        return topic

    def _topics(self) -> list[Topic]:
        span = (self.cadence[-1].starts_at - timedelta(days=5) - self.start).total_seconds()
        order = [TopicStatus.DELIVERED] * DELIVERED_TOPICS + [TopicStatus.ADOPTED] * ADOPTED_TOPICS
        for _ in range(REJECTED_TOPICS):  # the not adopted ones anywhere in the year
            order.insert(self.rng.randrange(len(order) + 1), TopicStatus.REJECTED)
        created: list[datetime] = sorted(
            self.start + timedelta(seconds=self.rng.uniform(0, span)) for _ in order
        )
        topics = [
            self._topic(status, at, n)
            for n, (status, at) in enumerate(zip(order, created, strict=True))
        ]
        recent = max(self.cadence[-1].starts_at + timedelta(days=1), self.now - timedelta(days=25))
        for k in range(EVALUATING_TOPICS):
            at = recent + timedelta(hours=k * 20)
            topics.append(
                self._topic(TopicStatus.EVALUATING, min(at, self.now - timedelta(days=2)), 200 + k)
            )
        for k in range(PENDING_TOPICS):
            if k < OVERDUE_ANSWERS:
                at = self.now - timedelta(days=12 + k)  # the clock (5 workdays) ran out
            else:
                at = self.now - timedelta(hours=6 + 20 * k // PENDING_TOPICS)
            topics.append(self._topic(TopicStatus.PENDING, at, 300 + k))
        Topic.objects.bulk_create(topics)
        merged = []
        for k in range(MERGED_TOPICS):
            target = topics[10 + 13 * k]
            twin = self._topic(TopicStatus.MERGED, target.created_at + timedelta(days=1), 400 + k)
            twin.title = f"{target.title}（重复）"[:60]
            twin.category = target.category
            twin.merged_into = target
            twin.answered_at = twin.created_at + timedelta(hours=20)
            merged.append(twin)
        Topic.objects.bulk_create(merged)
        self.ctx.created["deliberation.merged"] = len(merged)
        return topics

    def _supports(self, topics: list[Topic]) -> None:
        supports, followers = [], []
        for n, topic in enumerate(topics):
            size = self.rng.randint(3, 25) if n % 4 else self.rng.randint(0, 6)
            people = [
                p for p in self.rng.sample(self.supporters, size) if p.pk != topic.submitter_id
            ]
            end = min(topic.answered_at or self.now, self.now)
            times = sorted(
                topic.created_at + (end - topic.created_at) * self.rng.random() for _ in people
            )
            for user, when in zip(people, times, strict=True):
                supports.append(TopicSupport(topic=topic, user=user, created_at=when))
                followers.append(TopicFollower(topic=topic, user=user, created_at=when))
            followers.append(
                TopicFollower(topic=topic, user=topic.submitter, created_at=topic.created_at)
            )
            topic.support_count = len(people)
            topic.agenda_ready_at = times[9] if len(times) >= 10 else None
        TopicSupport.objects.bulk_create(supports)
        TopicFollower.objects.bulk_create(followers)
        Topic.objects.bulk_update(topics, ["support_count", "agenda_ready_at"])
        self.ctx.created["deliberation.supports"] = len(supports)

    # --- action items ---------------------------------------------------------------------

    def _decided_at(self, topic: Topic) -> Meeting:
        """The first 议事协商会 a week after the topic came (its agenda was set by then)."""
        for meeting in self.cadence:
            if meeting.starts_at >= topic.created_at + timedelta(days=3):
                return meeting
        return self.cadence[-1]

    def _actions(self, topics: list[Topic]) -> None:
        adopted = [t for t in topics if t.status in (TopicStatus.DELIVERED, TopicStatus.ADOPTED)]
        delivered_topics = [t for t in adopted if t.status == TopicStatus.DELIVERED]
        two = {t.pk for t in delivered_topics[::7][:TWO_ITEM_TOPICS]}
        items, plans = [], []
        order: dict[int, int] = {}
        for n, topic in enumerate(adopted):
            meeting = self._decided_at(topic)
            kind, owner = OWNERS[n % len(OWNERS)]
            made = meeting.closed_at
            assert made is not None
            count = 2 if topic.pk in two else 1
            for part in range(count):
                due = (made + timedelta(days=self.rng.randint(30, 75))).date()
                order[meeting.pk] = order.get(meeting.pk, 0) + 1
                item = self._item(
                    meeting,
                    topic,
                    topic.title,
                    order[meeting.pk],
                    owner=owner,
                    due=due,
                    decision=f"采纳“{topic.title}”，由{owner}在{due:%Y年%m月%d日}前办结",
                )
                items.append(item)
                plans.append((topic, meeting, kind, owner, due, made, part))
        AgendaItem.objects.bulk_create(items)
        actions: list[ActionItem] = []
        for item, (topic, meeting, kind, owner, due, made, part) in zip(items, plans, strict=True):
            action = ActionItem(
                region=self.community, category=topic.category,
                title=(topic.title if part == 0 else f"{topic.title}（二期）")[:60],
                description=item.decision, topic=topic, agenda_item=item, meeting=meeting,
                owner_kind=kind, owner_name=owner,
                owner_department=self.department if kind == OwnerKind.DEPARTMENT else None,
                owner_user=self.worker if kind == OwnerKind.PERSON else None,
                due_on=due, budget=Decimal(self.rng.choice([0, 800, 2500, 12000, 56000])) or None,
                funding_source=self.rng.choice(FUNDING), created_by=self.worker, created_at=made,
                updated_at=made, public=True,
            )  # fmt: skip
            if not action.budget:
                action.funding_source = ""
            if topic.status == TopicStatus.DELIVERED:
                latest = self.now - timedelta(days=2)
                done = min(made + timedelta(days=self.rng.randint(10, 60)), latest)
                done = max(done, made + timedelta(hours=20))
                action.status, action.progress, action.done_at = ActionStatus.DONE, 100, done
                action.feedback_at = min(done + timedelta(days=1), self.now)
                action.updated_at = action.feedback_at
            actions.append(action)
        # the open items: 2 past their due date; the rest ahead of it (one re-dated)
        open_items = [a for a in actions if a.status != ActionStatus.DONE]
        for k, action in enumerate(open_items):
            if k < OVERDUE_ACTIONS:
                action.due_on = self.today - timedelta(days=5 + 7 * k)
            elif action.due_on <= self.today:
                action.due_on = self.today + timedelta(days=10 + k)
            action.status = ActionStatus.IN_PROGRESS if k % 4 else ActionStatus.PLANNED
            action.progress = (
                0 if action.status == ActionStatus.PLANNED else self.rng.choice([20, 40, 60, 80])
            )
        ActionItem.objects.bulk_create(actions)
        delivered = [a for a in actions if a.status == ActionStatus.DONE]
        # topics delivered when all their items are done
        for topic in topics:
            if topic.status == TopicStatus.DELIVERED:
                topic.delivered_at = max(a.done_at for a in delivered if a.topic_id == topic.pk)  # type: ignore[type-var]
        Topic.objects.bulk_update(topics, ["delivered_at"])
        self._children(delivered[:3])
        self._timelines(actions, open_items)
        self.ctx.created["deliberation.delivered"] = len(delivered)
        self.ctx.created["deliberation.open_actions"] = len(open_items)

    def _children(self, parents: list[ActionItem]) -> None:
        children = []
        for parent in parents:
            assert parent.done_at is not None
            for k, name in enumerate(("方案设计", "施工实施")):
                children.append(
                    ActionItem(
                        region=self.community, category=parent.category, parent=parent,
                        title=f"{parent.title[:50]}·{name}", topic=parent.topic,
                        meeting=parent.meeting, owner_kind=parent.owner_kind,
                        owner_name=parent.owner_name, due_on=parent.due_on,
                        status=ActionStatus.DONE, progress=100, created_at=parent.created_at,
                        done_at=parent.done_at - timedelta(hours=12 * (2 - k)),
                        updated_at=parent.done_at, created_by=self.worker, public=True,
                    )
                )  # fmt: skip
        ActionItem.objects.bulk_create(children)

    def _timelines(self, actions: list[ActionItem], open_items: list[ActionItem]) -> None:
        updates = []
        for action in actions:
            start = action.created_at
            if action.status == ActionStatus.DONE:
                assert action.done_at is not None and action.feedback_at is not None
                middle = start + (action.done_at - start) / 2
                updates += [
                    ActionUpdate(action=action, kind=UpdateKind.PROGRESS, progress=50,
                                 text="已完成方案并开始施工", by=self.worker, at=middle),
                    ActionUpdate(action=action, kind=UpdateKind.DONE, progress=100,
                                 text="已完成并经居民代表验收", by=self.worker, at=action.done_at),
                    ActionUpdate(action=action, kind=UpdateKind.FEEDBACK,
                                 text="已向提出人和支持的居民反馈办理结果", by=self.worker,
                                 at=action.feedback_at),
                ]  # fmt: skip
            elif action.progress:
                updates.append(
                    ActionUpdate(action=action, kind=UpdateKind.PROGRESS, progress=action.progress,
                                 text="正在推进", by=self.worker,
                                 at=min(start + timedelta(days=7), self.now))
                )  # fmt: skip
        redated = open_items[OVERDUE_ACTIONS]
        old = redated.due_on - timedelta(days=20)
        updates.append(
            ActionUpdate(action=redated, kind=UpdateKind.REDATED, old_due_on=old,
                         new_due_on=redated.due_on, text="施工队伍排期调整，经居民代表同意延期",
                         by=self.worker, at=min(redated.created_at + timedelta(days=10), self.now))
        )  # fmt: skip
        ActionItem.objects.filter(pk=redated.pk).update(redate_count=1)
        ActionUpdate.objects.bulk_create(updates)
        self.ctx.created["deliberation.updates"] = len(updates)


def _add_months(day: date, n: int) -> date:
    y, m = divmod(day.year * 12 + day.month - 1 + n, 12)
    return date(y, m + 1, 1)


def _at(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def _workdays(start: datetime, days: int) -> datetime:
    """``days`` working days (Monday–Friday) after ``start``."""
    out = start
    while days:
        out += timedelta(days=1)
        if out.weekday() < 5:
            days -= 1
    return out
