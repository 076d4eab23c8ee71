"""The demo of community charity funds (``DemoLoader("funds", order=111)``): 示范区慈善会 hosts
the community fund of 樟树社区 (the 议事厅 demo's community; else the first community of the
first street) with an active committee of 7, 110 resources over the last six months — cash
donations (some anonymous), goods, and 资源置换 from merchants — nine projects paid (the
community's 落地实事 where the 议事厅 demo made them, named projects otherwise) reaching 18,000
人次, and the monthly disclosures published. Idempotent: nothing is written if the fund exists.

"整合资源超百项，落地公益项目9个，惠及1.8万人次" is then ``queries.funds.headline``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from django.utils import timezone

from shegong.grants.models import Fund
from shegong.regions.models import Region

FUND_NAME = "樟树社区慈善基金"
HOST_NAME = "示范区慈善会"
COMMITTEE = [
    ("周建华", "chair", "社区党委书记"), ("陈美玲", "member", "居民代表"),
    ("刘志强", "member", "辖区企业代表"), ("王秀英", "member", "退休教师"),
    ("赵立新", "member", "物业公司代表"), ("孙丽", "member", "社会组织代表"),
    ("李国庆", "supervisor", "社区监督委员会主任"),
]  # fmt: skip
MERCHANTS = [
    ("老王理发店", "免费理发", "次", "15", "爱心商户挂牌、公示栏致谢"),
    ("康宁大药房", "义诊与测血压", "次", "30", "社区公众号宣传"),
    ("惠民超市", "米面粮油", "份", "80", "爱心商户挂牌"),
    ("阳光家政", "上门保洁", "次", "60", "优先推荐给居民"),
    ("小太阳托管", "课后托管", "课时", "40", "社区活动冠名致谢"),
]  # fmt: skip
PROJECTS = [
    ("高龄老人助餐", 5200), ("四点半课堂", 2600), ("困难家庭慰问", 1200), ("健康义诊进社区", 2400),
    ("楼道微改造", 1800), ("邻里节", 2200), ("防诈骗宣讲", 1300), ("残疾人康复陪伴", 500),
    ("环境美化行动", 800),
]  # fmt: skip


def _community() -> Region | None:
    from shegong.deliberation.demo import COMMUNITY_NAME

    found = Region.objects.filter(level="community", name=COMMUNITY_NAME).first()
    return found or Region.objects.filter(level="community").order_by("code").first()


def load(ctx: Any) -> int:
    """Returns the number of resources recorded (0 when the fund exists or regions are absent)."""
    community = _community()
    if community is None or Fund.objects.filter(name=FUND_NAME).exists():
        return 0
    from shegong.grants.actions import disclosures, funds, ledger, spending

    district = Region.objects.filter(level="district", code__startswith=community.code[:6]).first()
    rnd = random.Random(17)
    host = funds.save_host(
        None, name=HOST_NAME, region=district or community, account_name="示范区慈善会",
        bank="示范农村商业银行营业部", account_no="6228480000001234567", receipt_prefix="SFCS",
    )  # fmt: skip
    fund = funds.create_fund(
        None, host=host, region=community, name=FUND_NAME, agreement_no="SFCS-2026-003",
        purpose="汇聚社区内外爱心资源，推出“资源置换+商业反哺”，支持社区公益项目",
        use_scope="扶老助困、儿童关爱、社区治理与环境改善等本社区公益项目",
        termination_terms="协议期满未续签、连续一年无收支或管委会决议终止",
        leftover_terms="剩余资金及物资转入示范区慈善会用于同类社区公益项目",
    )  # fmt: skip
    now = timezone.now()
    start = now - timedelta(days=180)
    Fund.objects.filter(pk=fund.pk).update(created_at=start - timedelta(days=10))
    for name, role, unit in COMMITTEE:
        funds.add_member(None, fund, name=name, role=role, unit=unit,
                         started_on=(start - timedelta(days=10)).date())  # fmt: skip
    funds.activate(None, fund)

    def moment(i: int, of: int) -> datetime:
        return start + (now - start - timedelta(days=3)) * (i / of)

    resources = 0
    for i in range(60):  # cash donations, every fifth anonymous
        company = i % 3 == 0
        person = f"居民{chr(0x5F20 + i % 40)}先生"
        ledger.record_donation(
            None, fund, kind="cash",
            donor_name=f"爱心企业{i % 12 + 1:02d}" if company else person,
            donor_kind="company" if company else "person", anonymous=i % 5 == 4,
            amount_value=Decimal(rnd.choice([200, 500, 1000, 2000, 5000])),
            occurred_at=moment(i, 60),
        )  # fmt: skip
        resources += 1
    for i in range(25):  # goods
        ledger.record_donation(
            None, fund, kind="goods", donor_name=f"爱心单位{i % 6 + 1}", donor_kind="company",
            item_name=rnd.choice(["大米", "食用油", "棉被", "书包", "口罩"]), unit="份",
            quantity_value=rnd.randint(10, 60), unit_value=rnd.choice(["30", "50", "80"]),
            occurred_at=moment(i, 25),
        )  # fmt: skip
        resources += 1
    for i in range(25):  # 资源置换
        merchant, item, unit, price, recognition = MERCHANTS[i % len(MERCHANTS)]
        ledger.record_donation(
            None, fund, kind="exchange", donor_name=merchant, donor_kind="merchant",
            item_name=item, unit=unit, quantity_value=rnd.randint(10, 40), unit_value=price,
            is_service=unit != "份", recognition=recognition, occurred_at=moment(i, 25),
        )  # fmt: skip
        resources += 1
    _pay_projects(fund, community, spending, moment)
    today = timezone.localdate()
    for back in range(6, 0, -1):
        month = (today.replace(day=1) - timedelta(days=28 * back)).strftime("%Y-%m")
        disclosures.disclose(None, fund, month)
    ctx.created["grants.fund_resources"] = resources
    return resources


def _pay_projects(fund: Fund, community: Region, spending: Any, moment: Any) -> None:
    from shegong.grants.queries.targets import candidates

    supervisor = fund.committee.get(role="supervisor")
    # The community's action items a fund may pay (未开始 or 推进中): a done one is not paid again.
    items = list(candidates(fund, "action_item").order_by("pk")[:3])
    for n, (title, people) in enumerate(PROJECTS):
        linked = {"target": "other"}
        if n < len(items):
            linked = {"target": "action_item", "action_item": items[n].pk}
        s = spending.request_spending(
            None, fund, title=title, purpose=f"{title}：由管委会审议通过，资金拨付至项目执行方",
            payee="樟树社区居委会", amount_value=Decimal(1500 + 300 * n), beneficiaries=people,
            **linked,
        )  # fmt: skip
        spending.decide(
            None, s, approve=True, resolution=f"管委会第{n + 1}次会议审议通过", votes_for=6,
            votes_against=0, supervisor=supervisor, supervisor_opinion="程序合规，同意支出",
        )  # fmt: skip
        spending.pay(None, s, occurred_at=moment(n + 1, len(PROJECTS) + 1))
