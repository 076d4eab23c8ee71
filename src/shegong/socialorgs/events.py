"""Registration events (issue 14 §2): the scoped reads of applications and penalties, their
clocks, and the part's registrations (worklists, the organization page's card, the portal
section, statistics indicators, the public 公告 page). ``parts`` imports this module.

Who sees an application: the registrar within their scope (``socialorgs.view``), and the
organization's own ``org_account`` user (its own organization's only). Anything else is a 404.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db.models import Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from shegong.core.errors import NotFound
from shegong.core.perms import Perm, require_perm
from shegong.core.registry import Todo

from .event_forms import PenaltyForm
from .models import Announcement, Application, Penalty, SocialOrg
from .statutes import EDITABLE, ApplicationKind, ApplicationState, PenaltyKind, ground_choices
from .workbench import (
    DetailPanel,
    Indicator,
    PortalSection,
    PublicPage,
    Worklist,
    detail_panels,
    indicators,
    portal_sections,
    public_pages,
    worklists,
)

NOT_FOUND = "未找到该申请，或您无权查看"
PENALTY_LIST_LIMIT = 20


def own_org_pk(user: Any) -> int | None:
    """The organization an ``org_account`` user speaks for (None for anyone else)."""
    if not getattr(user, "is_authenticated", False) or not user.has_perm_in_scope(Perm.ORG_PORTAL):
        return None
    account = getattr(user, "org_account", None)
    return account.social_org_id if account is not None else None


def applications(user: Any) -> QuerySet[Application]:
    """The applications ``user`` may see: its own organization's for an organization account,
    the registrar's scope otherwise."""
    own = own_org_pk(user)
    if own is not None:
        qs = Application.objects.filter(social_org_id=own)
    else:
        require_perm(user, Perm.SOCIALORGS_VIEW)
        qs = Application.objects.visible_to(user)
    return qs.select_related("social_org__organization__region")


def filtered(
    user: Any,
    *,
    kind: str = "",
    state: str = "",
    overdue: str = "",
    year: int | str | None = None,
    q: str = "",
    sort: str = "",
    social_org: int | None = None,
) -> QuerySet[Application]:
    """The queue with its filters. ``overdue``: "1" an application submitted late or still
    unsubmitted past its deadline; "pending" only the latter (the worklist). ``year``: approved
    in that year. ``sort=oldest``: the longest waiting first."""
    qs = applications(user)
    today = timezone.localdate()
    if kind:
        qs = qs.filter(kind=kind)
    if state:
        qs = qs.filter(state=state)
    if overdue == "pending":
        qs = qs.filter(state__in=EDITABLE, due_on__lt=today)
    elif overdue:
        qs = qs.filter(Q(late=True) | Q(state__in=EDITABLE, due_on__lt=today))
    if year:
        qs = qs.filter(decided_on__year=int(year), state=ApplicationState.APPROVED)
    if social_org:
        qs = qs.filter(social_org_id=social_org)
    if q:
        text = q.strip()
        qs = qs.filter(
            Q(social_org__organization__name__icontains=text)
            | Q(social_org__organization__credit_code=text.upper())
        )
    if sort == "oldest":
        return qs.order_by("submitted_at", "created_at", "pk")
    return qs.order_by("-created_at", "-pk")


def access_application(user: Any, pk: int) -> Application:
    found = applications(user).filter(pk=pk).first()
    if found is None:
        raise NotFound(NOT_FOUND)
    return found


def penalties(
    user: Any, *, kind: str = "", year: int | str | None = None, q: str = ""
) -> QuerySet[Penalty]:
    require_perm(user, Perm.SOCIALORGS_VIEW)
    qs = Penalty.objects.visible_to(user).select_related("social_org__organization__region")
    if kind:
        qs = qs.filter(kind=kind)
    if year:
        qs = qs.filter(decided_on__year=int(year))
    if q:
        qs = qs.filter(social_org__organization__name__icontains=q.strip())
    return qs.order_by("-decided_on", "-pk")


def public_announcements(*, kind: str = "", q: str = "") -> QuerySet[Announcement]:
    """The published 公告 (anyone may read them): published today or earlier, not withdrawn."""
    qs = Announcement.objects.filter(
        published_on__lte=timezone.localdate(), withdrawn_at__isnull=True
    )
    if kind:
        qs = qs.filter(kind=kind)
    if q:
        text = q.strip()
        qs = qs.filter(Q(title__icontains=text) | Q(body__icontains=text))
    return qs.select_related("region").order_by("-published_on", "-pk")


def clock(application: Application, today: date | None = None) -> dict[str, Any]:
    """The statutory clock: remaining or overdue days while unsubmitted; on time or late once
    submitted. ``text`` is "" when the kind has no deadline."""
    due = application.due_on
    if due is None:
        return {"text": "", "overdue": False, "days": None}
    today = today or timezone.localdate()
    if application.submitted_at is not None and application.state != ApplicationState.RETURNED:
        days = (timezone.localdate(application.submitted_at) - due).days
        if days > 0:
            return {"text": f"逾期{days}天提交", "overdue": True, "days": -days}
        return {"text": "按期提交", "overdue": False, "days": -days}
    if application.state not in EDITABLE:
        return {"text": "", "overdue": False, "days": None}
    days = (due - today).days
    if days < 0:
        return {"text": f"已逾期{-days}天", "overdue": True, "days": days}
    return {"text": f"剩余{days}天", "overdue": False, "days": days}


# --- registrations ---------------------------------------------------------------------------


def _count(**filters: Any) -> Any:
    def count(user: Any) -> int | None:
        return filtered(user, **filters).count()

    return count


worklists.add(
    Worklist(
        "events",
        Todo(
            key="socialorgs_applications_submitted",
            label="待审核的登记事项申请",
            count=_count(state=ApplicationState.SUBMITTED, sort="oldest"),
            url_name="socialorgs:applications",
            query="state=submitted&sort=oldest",
            order=510,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="file-earmark-check",
            hint="已提交、等待登记管理机关审核的变更、章程核准、延续和注销申请",
        ),
    ),
    Worklist(
        "events",
        Todo(
            key="socialorgs_applications_overdue",
            label="逾期未提交的登记事项申请",
            count=_count(overdue="pending", sort="oldest"),
            url_name="socialorgs:applications",
            query="overdue=pending&sort=oldest",
            order=511,
            perm=Perm.SOCIALORGS_MANAGE,
            icon="alarm",
            hint="已过法定申请期限（变更30日、注销15日）仍未提交的申请",
        ),
        on_home=False,
    ),
)


def _panel_context(so: SocialOrg, user: Any) -> dict[str, Any] | None:
    if not user.has_perm_in_scope(Perm.SOCIALORGS_VIEW):
        return None
    found = Penalty.objects.filter(social_org=so).order_by("-decided_on", "-pk")
    apps = filtered(user, social_org=so.pk)[:10]
    return {
        "penalties": found[:PENALTY_LIST_LIMIT],
        "penalty_count": found.count(),
        "applications": [{"app": a, "clock": clock(a)} for a in apps],
        "penalty_form": PenaltyForm(org_type=so.org_type),
        "can_penalize": so.status not in {"deregistered", "cancelled", "revoked"},
    }


detail_panels.add(
    DetailPanel(
        "events",
        "socialorgs/events/panel.html",
        _panel_context,
        order=10,
    )
)


def _portal_summary(so: SocialOrg) -> str:
    latest = Application.objects.filter(social_org=so).order_by("-created_at", "-pk").first()
    if latest is None:
        return "可在线申请变更登记、章程核准、延续登记和注销登记"
    label = ApplicationKind(latest.kind).label
    return f"最近一次：{label}，{ApplicationState(latest.state).label}"


portal_sections.add(
    PortalSection(
        "events",
        "登记事项申请",
        "socialorgs:portal_applications",
        icon="file-earmark-text",
        order=20,
        summary=_portal_summary,
    )
)

public_pages.add(
    PublicPage(
        "announcements",
        "社会组织公告",
        "socialorgs_public:announcements",
        description="成立、注销、名称住所法定代表人变更及撤销登记等公告",
        icon="megaphone",
        order=10,
    )
)


def _approved(kind: str) -> Any:
    def value(user: Any, year: int) -> int:
        return filtered(user, kind=kind, state=ApplicationState.APPROVED, year=year).count()

    return value


def _applications_url(kind: str) -> Any:
    def url(year: int) -> str:
        return reverse("socialorgs:applications") + f"?kind={kind}&state=approved&year={year}"

    return url


def _cancellations(user: Any, year: int) -> int:
    return penalties(user, kind=PenaltyKind.CANCELLATION, year=year).count()


indicators.add(
    Indicator(
        "renewals", "延续登记", "events", _approved(ApplicationKind.RENEWAL), order=10,
        definition="当年核准的延续登记申请数（核准日期在该年度内）",
        url=_applications_url(ApplicationKind.RENEWAL),
    ),
    Indicator(
        "changes", "事项变更", "events", _approved(ApplicationKind.CHANGE), order=11,
        definition="当年核准的变更登记申请数（核准日期在该年度内；一次申请可含多个变更事项）",
        url=_applications_url(ApplicationKind.CHANGE),
    ),
    Indicator(
        "cancellations", "撤销登记", "events", _cancellations, order=12,
        definition="当年作出的撤销登记行政处罚数（处罚决定日期在该年度内）",
        url=lambda year: reverse("socialorgs:penalties") + f"?kind=cancellation&year={year}",
    ),
    Indicator(
        "deregistrations", "注销登记", "events", _approved(ApplicationKind.DEREGISTRATION),
        order=13, definition="当年核准的注销登记申请数（核准日期在该年度内）",
        url=_applications_url(ApplicationKind.DEREGISTRATION),
    ),
)  # fmt: skip

__all__ = [
    "access_application",
    "applications",
    "clock",
    "filtered",
    "ground_choices",
    "penalties",
    "public_announcements",
]
