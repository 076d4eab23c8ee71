"""发布年检结果公示: the registrar's button on the 年检年度 page (with confirmation) calls ONE
action, ``actions.inspection_notice.publish_results_notice``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.http import require_POST

from shegong.core.errors import DomainError, NotFound
from shegong.core.htmx import redirect_after_write
from shegong.core.perms import Perm, require_perm

from ..actions import inspection_notice
from ..models import InspectionPlan
from .inspection import _render_plans


@require_POST
def publish_results(request: HttpRequest, pk: int) -> HttpResponse:
    """发布年检结果公示 of one 年检年度."""
    user = request.user
    if not InspectionPlan.objects.visible_to(user).filter(pk=pk).exists():
        raise NotFound(inspection_notice.PLAN_NOT_FOUND)  # another region's year: 404 first
    require_perm(user, Perm.SOCIALORGS_MANAGE)
    try:
        notice = inspection_notice.publish_results_notice(pk, actor=user)
    except DomainError as exc:
        messages.error(request, exc.detail)
        return _render_plans(request, status=exc.status)
    messages.success(request, f"已发布公示：{notice.title}")
    return redirect_after_write(request, reverse("socialorgs:inspection_plans"))
