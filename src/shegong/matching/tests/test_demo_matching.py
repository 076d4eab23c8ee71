"""The matching demo (small size): both lists, a month of orders played through the actions,
and the statistics page's figures equal to what the loader counted."""

from __future__ import annotations

import pytest
from django.utils import timezone

from shegong.accounts.models import User
from shegong.core import demo, periods
from shegong.matching import demo as matching_demo
from shegong.matching.models import Need, Offer, Order
from shegong.matching.queries import statistics
from shegong.volunteers.models import ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture
def ctx(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    for name in ("regions", "departments", "users", "ledger", "volunteers"):
        dict(demo.loaders())[name](ctx)
    return ctx


def test_the_demo_lists_orders_and_figures(ctx, client):
    placed = matching_demo.load(ctx)
    created = ctx.created
    assert placed == Order.objects.count() == created["matching.placed"] > 20
    assert Offer.objects.count() == created["matching.offers"]
    assert Need.objects.count() == created["matching.needs"] == 2 * 10
    kinds = set(Offer.objects.values_list("provider_kind", flat=True))
    assert kinds == {"volunteer", "team", "social_org", "enterprise", "merchant"}
    assert Offer.objects.exclude(gets_back="").exists()  # 资源置换
    assert Offer.objects.filter(risky_ok=True).exclude(insurance_note="").exists()
    # The hours of completed volunteer orders are pending service records.
    assert ServiceRecord.objects.filter(kind="order", status="pending").exists()

    dispatcher = User.objects.get(phone=matching_demo.DISPATCHER_PHONE)
    admin = User.objects.get(phone=matching_demo.ADMIN_PHONE)
    # Local dates, as the figures count them (UTC dates drop the last orders after 16:00 UTC).
    period = periods.Period(
        timezone.localtime(
            demo_now := Order.objects.order_by("created_at").first().created_at
        ).date(),
        timezone.localtime(Order.objects.order_by("-created_at").first().created_at).date(),
    )
    assert demo_now
    whole = statistics.figures(admin, period)
    assert whole.placed == created["matching.placed"]
    assert whole.refused == created.get("matching.refused", 0)
    assert whole.finished == created["matching.completed"]
    assert whole.rated == created["matching.rated"]
    assert whole.satisfied == created["matching.satisfied"]
    assert whole.satisfaction is not None and whole.completion_rate is not None
    assert whole.unmet_total == created["matching.declined"] > 0
    gaps = {name for row in whole.coverage for name in row["missing"]}
    assert {"就业帮扶", "助残服务"} <= gaps
    # The dispatcher login sees 东关社区's share on the page.
    home = statistics.figures(dispatcher, period)
    assert 0 < home.placed < whole.placed
    client.force_login(dispatcher)
    assert client.get("/matching/statistics/").status_code == 200
    # Idempotent.
    assert matching_demo.load(ctx) == 0
