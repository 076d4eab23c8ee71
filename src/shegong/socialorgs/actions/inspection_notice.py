"""发布年检结果公示 (issue 17 §3, kind ``socialorgs.inspection``): when the registrar publishes a
year's results, the concluded organizations of that 年检年度 are also published as a notice
(公示) with the supervision phone and the objection form. Organizations' names are public
(the kind shows them in full); nothing personal is listed (no legal representative, no phone).

The notice points at the ``InspectionPlan`` (``notices.queries.notices_of(plan)``). It does not
hold anything: a conclusion stands until the registrar changes it after answering an objection.
A year is published once while its notice is current (a second publication then is refused, 409);
after the window ends the registrar may publish it again (e.g. with late conclusions).

One durable transaction: the notice (``notices.make_notice``) and one audit entry.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.errors import DomainError, InvalidInput, NotFound
from shegong.notices.actions.notices import make_notice
from shegong.notices.choices import NoticeStatus
from shegong.notices.models import Notice
from shegong.notices.queries import notices_of

from ..models import AnnualReport, InspectionConclusion, InspectionPlan
from ._checks import _check_actor

__all__ = ["KIND", "publish_results_notice", "result_rows"]

KIND = "socialorgs.inspection"
PLAN_NOT_FOUND = "未找到该年检年度，或您无权查看"


def result_rows(plan: InspectionPlan) -> list[AnnualReport]:
    """The concluded reports of ``plan``, by conclusion then name."""
    order = {value: i for i, value in enumerate(InspectionConclusion.values)}
    rows = list(plan.reports.exclude(conclusion="").select_related("social_org__organization"))
    rows.sort(key=lambda r: (order.get(r.conclusion, 99), r.social_org.organization.name, r.pk))
    return rows


def results_body(plan: InspectionPlan, rows: list[AnnualReport]) -> str:
    lines = [
        f"根据《社会团体登记管理条例》《民办非企业单位登记管理暂行条例》等规定，{plan.authority}"
        f"已完成{plan.year}年度社会组织年度检查，现将 {len(rows)} 家社会组织的年检结论予以公示。",
        "公示期内如对年检结论有异议，请通过本页“提出异议”或拨打监督电话反映。",
    ]
    numerals = "一二三四"
    for i, conclusion in enumerate(InspectionConclusion):
        group = [r for r in rows if r.conclusion == conclusion.value]
        if not group:
            continue
        lines += ["", f"{numerals[i]}、年检{conclusion.label}（{len(group)} 家）"]
        lines += [
            f"{n}．{r.social_org.organization.name}（{r.social_org.get_org_type_display()}）"
            for n, r in enumerate(group, start=1)
        ]
    return "\n".join(lines)


@transaction.atomic(durable=True)
def publish_results_notice(plan: Any, *, actor: User | None) -> Notice:
    """发布年检结果公示 of ``plan``'s year: every concluded organization, named in full."""
    pk = getattr(plan, "pk", plan)
    plans = (
        InspectionPlan.objects.all() if actor is None else InspectionPlan.objects.visible_to(actor)
    )
    found = (
        plans.select_for_update(of=("self",)).filter(pk=pk).first() if str(pk).isdigit() else None
    )
    if found is None:  # another region's year is the same 404 as a missing one
        raise NotFound(PLAN_NOT_FOUND)
    _check_actor(actor)
    now = timezone.now()
    current = (
        notices_of(found)
        .filter(kind=KIND, status=NoticeStatus.PUBLISHED, starts_at__lte=now, ends_at__gt=now)
        .first()
    )
    if current is not None:
        raise DomainError(
            f"{found.year}年度年检结果正在公示（至 {current.ends_at:%Y-%m-%d}），无需重复发布"
        )
    rows = result_rows(found)
    if not rows:
        raise InvalidInput.field(
            "plan", f"{found.year}年度还没有作出年检结论的社会组织，暂无可公示的结果"
        )
    notice = make_notice(
        kind=KIND, region=found.region_id, target=found, actor=actor,
        title=f"{found.authority}{found.year}年度社会组织年检结果公示",
        body=results_body(found, rows),
    )  # fmt: skip
    audit.record(
        Verb.INSPECTION_RESULTS_NOTICED, actor=actor, target=notice, region=found.region_id,
        data={"plan": found.pk, "year": found.year, "count": len(rows)},
    )  # fmt: skip
    return notice
