"""On the demo's data the brief tells the seed's sentences with the demo's known figures."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from shegong.core.periods import Period
from shegong.dashboard import brief, rollup

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_parts(settings):
    """The demo's regions and logins, its 议事厅 (樟树社区: 134 topics, 102 delivered, 6
    专题议事) and its community fund (resources over 100, 18,000 beneficiaries)."""
    from shegong.core import demo

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    ctx = demo.DemoContext(size="small")
    loaders = dict(demo.loaders())
    for name in ("regions", "departments", "users", "deliberation", "funds"):
        loaders[name](ctx)
    rollup.backfill()


def test_the_demo_community_brief_reads_like_the_seed(demo_parts):
    from shegong.grants.demo import funds as funds_demo
    from shegong.grants.models import Fund
    from shegong.regions.models import Region

    ever = Period(date(2000, 1, 1), timezone.localdate())
    community = Region.objects.get(name="樟树社区")
    made = brief.compose(community, ever, "专项简报")
    sections = {s.key: s.plain for s in made.sections}
    # The seed: "收集民生议题134项，落地实事超100件" and "已开展6场专题议事".
    assert "收集民生议题134项" in sections["deliberation"]
    assert "落地实事102件" in sections["deliberation"]
    assert "开展6场专题议事" in sections["deliberation"]
    assert made.title.startswith("樟树社区") and made.title.endswith("专项简报")
    # Every figure has its note naming the indicator and its definition, in order.
    assert [n.number for n in made.notes] == list(range(1, len(made.notes) + 1))
    topics = next(n for n in made.notes if n.code == "deliberation.topics")
    assert topics.value == "134" and topics.definition
    # Sections without a figure are left out (no 随手拍 in these demo parts).
    assert "reports" not in sections

    fund = Fund.objects.get(name=funds_demo.FUND_NAME)
    fund_brief = brief.compose(fund.region, ever, "年度总结")
    grants = next(s for s in fund_brief.sections if s.key == "grants").plain
    assert "惠及1.8万人次" in grants  # the seed's own words
    served = next(n for n in fund_brief.notes if n.code == "grants.fund_beneficiaries")
    assert served.value == "18000"  # the note keeps the exact figure
    markdown = brief.render_md(fund_brief)
    assert "惠及1.8万人次" in markdown and "[^1]" in markdown
