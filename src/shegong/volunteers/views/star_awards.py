"""星级认定 pages: the staff list (/volunteers/stars/, tabs 待审核 / 公示中 / 公示期满待认定 /
已办结), an application's page with its decisions (审核通过, 驳回, 公示异议, 认定, each asked
for confirmation), staff applying on a volunteer's behalf (from the volunteer's page), and the
volunteer's own apply and withdraw buttons on H5 (/m/volunteer/).

Thin adapters: check the permission, find the object with an access helper (another street's
application is the same 404 as a missing one), call ONE action, say what happened.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_POST, require_safe

from shegong.core.errors import DomainError
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm
from shegong.volunteers import stars
from shegong.volunteers.actions import star_awards
from shegong.volunteers.queries import access
from shegong.volunteers.queries import star_awards as queries

PAGE_SIZE = 20

# The decisions on an application's page: action, the form field it reads, what it says after.
DECISIONS = {
    "approve": (star_awards.approve, "note", "已审核通过，开始公示"),
    "reject": (star_awards.reject, "reason", "已驳回申请，已告知志愿者"),
    "object": (star_awards.object_to, "reason", "已登记公示异议，申请退回重新审核"),
    "award": (star_awards.award, None, "已认定星级，已告知志愿者"),
}


@require_safe
def award_list(request: HttpRequest) -> HttpResponse:
    """星级认定: the applications of volunteers in the caller's scope, by tab."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_VIEW)
    tab = request.GET.get("tab") or "review"
    if tab not in queries.TABS:
        tab = "review"
    qs = queries.listing(user, tab)
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    counts = {key: queries.listing(user, key).count() for key in ("review", "publicity", "due")}
    context = {
        "tabs": [(key, label, counts.get(key)) for key, label in queries.TABS.items()],
        "tab": tab,
        "rows": list(page.object_list),
        "page": page,
        "query": f"tab={tab}",
        "thresholds": stars.thresholds(),
    }
    return render(request, "volunteers/star_award_list.html", context)


def _detail(request: HttpRequest, pk: int, *, status: int = 200) -> HttpResponse:
    user = request.user
    found = queries.access_award(user, pk)
    eligibility = stars.eligibility(found.volunteer)
    context = {
        "award": found,
        "eligibility": eligibility,
        "shortfall": eligibility.shortfall(found.star),
        "can_manage": access.can_manage(user),
        "star_name": stars.star_name(found.star),
        "stars": stars.stars_label(found.star),
        "excluded": stars.excluded_labels(),
    }
    return render(request, "volunteers/star_award_detail.html", context, status=status)


@require_safe
def award_detail(request: HttpRequest, pk: int) -> HttpResponse:
    require_perm(request.user, Perm.VOLUNTEERS_VIEW)
    return _detail(request, pk)


@require_POST
def award_decide(request: HttpRequest, pk: int, decision: str) -> HttpResponse:
    """One decision on the application (``DECISIONS``)."""
    user = request.user
    require_perm(user, Perm.VOLUNTEERS_MANAGE)
    if decision not in DECISIONS:
        raise Http404
    found = queries.access_award(user, pk)
    action, field, done = DECISIONS[decision]
    kwargs = {field: request.POST.get(field, "")} if field else {}
    try:
        action(found.pk, actor=user, **kwargs)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _detail(request, found.pk, status=exc.status)
    messages.success(request, done)
    return redirect_after_write(request, reverse("volunteers:star_award", args=[found.pk]))


@require_POST
def apply_on_behalf(request: HttpRequest, pk: int) -> HttpResponse:
    """代为申请: staff apply for the star the volunteer is eligible for."""
    user = request.user
    volunteer = access.managed_volunteer(user, pk)
    back = reverse("volunteers:volunteer", args=[volunteer.pk])
    try:
        created = star_awards.apply(volunteer, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return redirect_after_write(request, back)
    messages.success(request, f"已代为申请{stars.star_name(created.star)}志愿者认定，待审核")
    return redirect_after_write(request, reverse("volunteers:star_award", args=[created.pk]))


# --- H5 -----------------------------------------------------------------------------------------


@require_POST
def m_apply(request: HttpRequest) -> HttpResponse:
    """申请星级认定 (H5): the volunteer applies for the star they are eligible for."""
    volunteer = access.my_volunteer(request.user)
    try:
        created = star_awards.apply(volunteer, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(
            request, f"已提交{stars.star_name(created.star)}志愿者认定申请，审核通过后将公示"
        )
    return redirect_after_write(request, reverse("volunteers_m:home"))


@require_POST
def m_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    """撤回星级认定申请 (H5): the volunteer's own open application (the page asks first)."""
    try:
        star_awards.withdraw(pk, actor=request.user)
    except DomainError as exc:
        messages.error(request, exc.detail)
    else:
        messages.success(request, "已撤回星级认定申请")
    return redirect_after_write(request, reverse("volunteers_m:home"))
