"""Review (评审): staff assign reviewers (holders of grants.review) to eligible applications of a
call under review; a reviewer declares a conflict of interest before scoring (a declared
conflict blocks scoring that application); scores per criterion are final once handed in; the
committee ranks (mean of the totals, extremes dropped when the call says so) and decides within
the budget: awarded applications become projects (公示中), each with a 公示 (grants.award)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.accounts.queries import holders
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import IllegalTransition, InvalidInput, NotFound, NotPermitted
from shegong.core.notify import notify, register_event
from shegong.core.perms import Perm
from shegong.core.values import lock, money, move, text
from shegong.grants.actions._grants import (
    require_manager,
)
from shegong.grants.actions._tell import tell_org
from shegong.grants.choices import (
    APPLICATION_TRANSITIONS,
    CALL_TRANSITIONS,
    ApplicationStatus,
    CallStatus,
)
from shegong.grants.models import Application, Call, Project, Review, Score
from shegong.grants.queries.calls import (
    CALL_NOT_FOUND,
    REVIEW_NOT_FOUND,
    ranking,
    weighted_total,
)
from shegong.notices.actions.notices import make_notice

__all__ = ["assign", "decide", "declare", "rank", "score"]

register_event(
    "grants.review_assigned",
    title="公益创投评审任务：{{ count }} 个项目",
    body="「{{ call.title }}」分配给您 {{ count }} 个项目，请先声明利益冲突再评分。",
    link="/grants/reviews/",
)


def _reviewing(call: Call) -> None:
    if call.status != CallStatus.REVIEWING:
        raise IllegalTransition(call.get_status_display(), "评审", ["评审中才能评审"])


@transaction.atomic(durable=True)
def assign(actor: Any, call: Any, *, reviewers: Any, applications: Any = None) -> list[Review]:
    """Assign ``reviewers`` (ids) to the call's eligible applications (``applications``: ids,
    all eligible ones when None). An existing assignment is kept."""
    found = lock(Call, call, CALL_NOT_FOUND)
    require_manager(actor, found.region_id, CALL_NOT_FOUND)
    _reviewing(found)
    ids = [getattr(r, "pk", r) for r in (reviewers or [])]
    if not ids or not all(str(i).isdigit() for i in ids):
        raise InvalidInput.field("reviewers", "请选择评审专家")
    allowed = {u.pk: u for u in holders(Perm.GRANTS_REVIEW, found.region_id, inherited=True)}
    chosen = [allowed.get(int(i)) for i in ids]
    if any(u is None for u in chosen):
        raise InvalidInput.field("reviewers", "所选人员不是本区域的评审专家")
    apps = found.applications.filter(status=ApplicationStatus.ELIGIBLE)
    if applications is not None:
        app_ids = [getattr(a, "pk", a) for a in applications]
        if not all(str(i).isdigit() for i in app_ids):
            raise InvalidInput.field("applications", "请选择申报项目")
        apps = apps.filter(pk__in=app_ids)
        if apps.count() != len(set(app_ids)):
            raise InvalidInput.field("applications", "只能为资格审查通过的项目分配评审")
    rows = list(apps)
    if not rows:
        raise InvalidInput.field("applications", "没有资格审查通过的项目可分配")
    made = []
    for user in chosen:
        assert user is not None
        for app in rows:
            review, created = Review.objects.get_or_create(
                application=app, reviewer=user,
                defaults={"region_id": app.region_id, "assigned_by": actor},
            )  # fmt: skip
            if created:
                made.append(review)
    for user in chosen:
        mine = len([r for r in made if user is not None and r.reviewer_id == user.pk])
        if mine:
            notify(user, "grants.review_assigned", {"call": found, "count": mine})
    audit.record(
        Verb.GRANT_REVIEWERS_ASSIGNED, actor=actor, target=found,
        data={"reviewers": [u.pk for u in chosen if u], "reviews": len(made)},
    )  # fmt: skip
    return made


def _own_review(actor: Any, review: Any) -> Review:
    found = lock(Review, review, REVIEW_NOT_FOUND)
    if found.reviewer_id != getattr(actor, "pk", None):
        raise NotFound(REVIEW_NOT_FOUND)
    if not actor.has_perm_in_scope(Perm.GRANTS_REVIEW):
        raise NotPermitted("您当前的角色不能评审公益创投项目")
    return found


@transaction.atomic(durable=True)
def declare(actor: Any, review: Any, *, conflict: Any, note: Any = "") -> Review:
    """The reviewer's declaration of interest, made once before scoring; a conflict (with a
    note) blocks scoring this application."""
    found = _own_review(actor, review)
    _reviewing(Call.objects.get(pk=Application.objects.get(pk=found.application_id).call_id))
    if found.conflict is not None:
        raise IllegalTransition("已声明", "重新声明", [])
    if conflict not in (True, False):
        raise InvalidInput.field("conflict", "请声明是否存在利益冲突")
    found.conflict = conflict
    found.conflict_note = text(note, "note", "利益冲突说明", 300, required=conflict)
    found.declared_at = timezone.now()
    found.save(update_fields=["conflict", "conflict_note", "declared_at"])
    audit.record(
        Verb.GRANT_CONFLICT_DECLARED, actor=actor, target=found, data={"conflict": conflict}
    )
    return found


@transaction.atomic(durable=True)
def score(actor: Any, review: Any, *, scores: Any, comment: Any = "") -> Review:
    """Score each criterion (0…its maximum) and hand in: the weighted total is kept and the
    scores are final. Refused before the declaration and after a declared conflict."""
    found = _own_review(actor, review)
    app = Application.objects.select_related("call").get(pk=found.application_id)
    call = app.call
    _reviewing(call)
    if found.conflict is None:
        raise InvalidInput.field("conflict", "请先声明是否存在利益冲突，再评分")
    if found.conflict:
        raise IllegalTransition(
            "已声明利益冲突", "评分", ["已声明利益冲突的项目不能评分（由其他专家评审）"]
        )
    if found.submitted_at is not None:
        raise IllegalTransition("评分已提交", "修改评分", [])
    if not isinstance(scores, dict):
        raise InvalidInput.field("scores", "请为每项指标评分")
    given: dict[int, Decimal] = {}
    for criterion in call.criteria.all():
        raw = scores.get(criterion.pk, scores.get(str(criterion.pk)))
        value = money(raw, f"score_{criterion.pk}", f"「{criterion.name}」得分")
        if value > criterion.max_score:
            raise InvalidInput.field(
                f"score_{criterion.pk}", f"「{criterion.name}」得分不能超过 {criterion.max_score}"
            )
        given[criterion.pk] = value
    Score.objects.bulk_create(
        Score(review=found, criterion_id=pk, score=value) for pk, value in given.items()
    )
    found.total = weighted_total(call, given)
    found.comment = text(comment, "comment", "评审意见", 2000, required=False)
    found.submitted_at = timezone.now()
    found.save(update_fields=["total", "comment", "submitted_at"])
    audit.record(Verb.GRANT_SCORED, actor=actor, target=found, data={"total": str(found.total)})
    return found


@transaction.atomic(durable=True)
def rank(actor: Any, call: Any) -> Call:
    """Write each eligible application's committee score and rank (the ranking page's)."""
    found = lock(Call, call, CALL_NOT_FOUND)
    require_manager(actor, found.region_id, CALL_NOT_FOUND)
    _reviewing(found)
    rows = ranking(found)
    for row in rows:
        Application.objects.filter(pk=row.application.pk).update(score=row.score, rank=row.rank)
    audit.record(Verb.GRANT_RANKED, actor=actor, target=found, data={"ranked": len(rows)})
    return found


def _award_body(call: Call, project: Project) -> str:
    return (
        f"经资格审查和评审委员会评审，拟对以下项目予以资助：\n"
        f"项目名称：{project.title}\n承接组织：{project.social_org.organization.name}\n"
        f"资助金额：{project.amount} 元\n所属申报：{call.year}年度「{call.title}」\n"
        f"公示期内如有异议，请通过异议表单或监督电话反映。"
    )


@transaction.atomic(durable=True)
def decide(actor: Any, call: Any, *, awards: Any, note: Any = "") -> list[Project]:
    """The committee's decision: ``awards`` maps eligible application ids to the amount granted
    (None or "" grants the amount asked). The sum must stay within the call's budget (refused
    otherwise, nothing written). Awarded applications become projects (公示中), each published
    for 公示 (grants.award); the other eligible ones are 未立项; the call is 已立项."""
    found = lock(Call, call, CALL_NOT_FOUND)
    require_manager(actor, found.region_id, CALL_NOT_FOUND)
    if not isinstance(awards, dict) or not awards:
        raise InvalidInput.field("awards", "请选择拟立项的项目")
    eligible = {
        a.pk: a
        for a in found.applications.select_for_update(of=("self",)).filter(
            status=ApplicationStatus.ELIGIBLE
        ).select_related("social_org__organization")
    }  # fmt: skip
    chosen: list[tuple[Application, Decimal]] = []
    for key, raw in awards.items():
        app = eligible.get(int(key)) if str(key).isdigit() else None
        if app is None:
            raise InvalidInput.field("awards", "只能对资格审查通过的项目立项")
        amount = app.amount if raw in (None, "") else money(raw, "awards", "资助金额")
        if amount <= 0 or amount > app.amount or amount > found.max_per_project:
            raise InvalidInput.field(
                "awards", f"「{app.title}」的资助金额须大于 0 且不超过申请金额和单项上限"
            )
        chosen.append((app, amount))
    total = sum((amount for _, amount in chosen), Decimal("0.00"))
    if total > found.budget:
        raise InvalidInput.field(
            "awards", f"拟资助合计 {total} 元，超出本次资助总额 {found.budget} 元"
        )
    move(found, CallStatus.DECIDED, CALL_TRANSITIONS, CallStatus)
    found.save(update_fields=["status"])
    made = []
    for app, amount in chosen:
        move(app, ApplicationStatus.AWARDED, APPLICATION_TRANSITIONS, ApplicationStatus)
        app.save(update_fields=["status"])
        project = Project.objects.create(
            application=app, call=found, social_org=app.social_org, region_id=app.region_id,
            title=app.title, amount=amount,
        )  # fmt: skip
        make_notice(
            kind="grants.award", region=found.region, target=project,
            title=f"{found.year}年度公益创投拟立项公示：{project.title}",
            body=_award_body(found, project), actor=actor,
        )  # fmt: skip
        tell_org(actor, app.social_org_id, "grants.application_funded",
                 {"title": project.title, "amount": amount, "pk": project.pk})  # fmt: skip
        made.append(project)
    for pk, app in eligible.items():
        if pk not in {a.pk for a, _ in chosen}:
            move(app, ApplicationStatus.NOT_AWARDED, APPLICATION_TRANSITIONS, ApplicationStatus)
            app.save(update_fields=["status"])
            tell_org(actor, app.social_org_id, "grants.application_not_funded",
                     {"title": app.title, "pk": app.pk})  # fmt: skip
    audit.record(
        Verb.GRANT_DECIDED, actor=actor, target=found,
        data={"projects": [p.pk for p in made], "total": str(total),
              "note": text(note, "note", "决定说明", 500, required=False)},
    )  # fmt: skip
    return made


def reviewer_choices(call: Call) -> list[User]:
    """Who may be assigned to review the call: the holders of grants.review for its region."""
    return holders(Perm.GRANTS_REVIEW, call.region_id, inherited=True)
