"""The seeded catalogue of 随手拍: problem categories, their default routing and reply templates.

What a district starts with (and what the demo loads): 33 categories in the groups a 数字城管
or 12345 platform uses (市容环境, 交通秩序, 安全隐患, 公共设施, 消防通道, 非机动车停放,
民生诉求) and the 新就业群体诉求 of riders and couriers (子女入学, 劳动纠纷 …, issue 5), each
with its clock, its extra questions (Open311 attributes) and its rules. The clocks follow
the typical local limits in DOMAIN.md §7: a danger to life or property (消防通道堵塞, 井盖缺失,
信号灯故障 …) is urgent with a 2-hour response; most problems get 24 hours to respond and 1–5
working days to be resolved; a 民生诉求 (wages, property management, prices) gets 7 working days.

``seed_catalogue(departments)`` writes it: categories by ``service_code`` (update_or_create, so
the seeded fields are the catalogue's), and — only where missing, since routing and templates
are each deployment's own — the district routing rules (category → department) and the default
reply templates. Running it twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from shegong.accounts.models import Department
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.regions.models import Region

from .choices import AttributeType, LimitUnit, Status
from .models import Category, ResponseTemplate, RoutingRule
from .schemas import attribute_defs

YES_NO = [{"key": "yes", "name": "是"}, {"key": "no", "name": "否"}]
# The group of new-employment workers' demands (诉求): same lifecycle, clock and rates.
WORKER_GROUP = "新就业群体诉求"
# Groups whose problems have nothing to photograph (wages, school places): the H5 page does not
# insist on a photo for them.
PHOTO_OPTIONAL_GROUPS = {"民生诉求", WORKER_GROUP}


def single(code: str, question: str, values: list[dict[str, str]], *, required: bool = True,
           order: int = 1) -> dict[str, Any]:  # fmt: skip
    return {"code": code, "datatype": AttributeType.SINGLE.value, "description": question,
            "required": required, "order": order, "values": values}  # fmt: skip


def multi(code: str, question: str, values: list[dict[str, str]], *, order: int = 1) -> dict:
    return {"code": code, "datatype": AttributeType.MULTI.value, "description": question,
            "required": False, "order": order, "values": values}  # fmt: skip


def plain(code: str, question: str, datatype: AttributeType = AttributeType.STRING, *,
          required: bool = False, order: int = 1) -> dict[str, Any]:  # fmt: skip
    return {"code": code, "datatype": datatype.value, "description": question,
            "required": required, "order": order, "values": []}  # fmt: skip


def options(*names: tuple[str, str]) -> list[dict[str, str]]:
    return [{"key": key, "name": name} for key, name in names]


@dataclass(frozen=True)
class Seed:
    """One category of the catalogue and the department that handles it district-wide."""

    service_code: str
    name: str
    group: str
    description: str
    keywords: str
    department: str  # code of the handling department; "" = the dispatch desk decides (兜底)
    response_hours: int = 24
    resolution_limit: int = 5
    resolution_unit: str = LimitUnit.WORKDAYS
    urgent: bool = False
    public_may_reopen: bool = True
    anonymous_allowed: bool = True
    staff_only: bool = False
    notice: str = ""
    attributes: list[dict[str, Any]] = field(default_factory=list)

    def fields(self, order: int) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": self.group,
            "description": self.description,
            "keywords": self.keywords,
            "notice": self.notice,
            "attributes": [d.model_dump(mode="json") for d in attribute_defs(self.attributes)],
            "response_hours": self.response_hours,
            "resolution_limit": self.resolution_limit,
            "resolution_unit": str(self.resolution_unit),
            "urgent": self.urgent,
            "public_may_reopen": self.public_may_reopen,
            "anonymous_allowed": self.anonymous_allowed,
            "staff_only": self.staff_only,
            "is_active": True,
            "order": order,
        }


CATALOGUE: tuple[Seed, ...] = (
    # --- 市容环境 ---------------------------------------------------------------------------
    Seed("garbage-overflow", "垃圾满溢", "市容环境",
         "垃圾桶、垃圾箱满溢或垃圾散落未及时清运",
         "垃圾,垃圾桶,满溢,清运,臭,环卫", "cgj", resolution_limit=1,
         attributes=[single("kind", "垃圾类型", options(
             ("household", "生活垃圾"), ("kitchen", "餐厨垃圾"), ("bulky", "大件垃圾"),
             ("other", "其他")), required=False)]),
    Seed("street-vending", "占道经营", "市容环境",
         "流动摊贩、店外经营占用道路或人行道",
         "摆摊,摊贩,小贩,占道,出店经营,店外经营", "cgj", resolution_limit=3,
         attributes=[single("affects_traffic", "是否影响通行", YES_NO)]),
    Seed("illegal-ads", "乱贴乱画", "市容环境",
         "小广告、乱涂乱画、乱挂横幅", "小广告,牛皮癣,涂鸦,乱贴,乱画,横幅", "cgj",
         resolution_limit=3),
    Seed("construction-waste", "建筑垃圾乱倒", "市容环境",
         "建筑垃圾、渣土偷倒乱倒或运输遗撒", "渣土,建筑垃圾,偷倒,遗撒,装修垃圾", "cgj"),
    Seed("outdoor-barbecue", "露天烧烤油烟", "市容环境",
         "露天烧烤、餐饮油烟直排扰民", "烧烤,油烟,烟熏,夜宵,大排档", "cgj", resolution_limit=3),
    Seed("construction-noise", "施工噪声扰民", "市容环境",
         "夜间施工、机械噪声扰民", "噪音,噪声,施工,夜间施工,吵", "zjj", resolution_limit=3,
         attributes=[single("period", "发生时段", options(
             ("night", "夜间（22:00—次日6:00）"), ("day", "白天")))]),
    # --- 交通秩序 ---------------------------------------------------------------------------
    Seed("illegal-parking", "机动车乱停放", "交通秩序",
         "机动车违停占道、堵塞出入口", "违停,乱停,停车,堵路,占道停车,挡道", "jj",
         response_hours=2, resolution_limit=24, resolution_unit=LimitUnit.HOURS,
         public_may_reopen=False,
         notice="车辆号牌属于他人信息，拍照时请尽量避免正面拍摄车内人员",
         attributes=[multi("impact", "影响情况", options(
             ("blind_lane", "占用盲道"), ("entrance", "堵塞出入口"),
             ("fire_lane", "占用消防通道"), ("sidewalk", "占用人行道")))]),
    Seed("traffic-signal", "信号灯故障", "交通秩序",
         "交通信号灯不亮、黄闪、倒计时故障或灯杆损坏", "红绿灯,信号灯,不亮,黄闪,倒计时", "jj",
         response_hours=2, resolution_limit=1, urgent=True,
         attributes=[single("fault", "故障情况", options(
             ("dark", "全部不亮"), ("flashing", "黄闪"), ("countdown", "倒计时故障"),
             ("damaged", "灯杆倾斜或损坏")))]),
    Seed("abandoned-vehicle", "僵尸车", "交通秩序",
         "长期停放、无人使用的废弃车辆", "僵尸车,废弃车辆,长期停放,报废车", "jj"),
    Seed("road-obstacle", "道路障碍物", "交通秩序",
         "路面散落物、堆放物影响通行", "障碍物,散落物,路面堆放,遗撒物", "cgj",
         response_hours=2, resolution_limit=24, resolution_unit=LimitUnit.HOURS,
         public_may_reopen=False),
    # --- 安全隐患 ---------------------------------------------------------------------------
    Seed("manhole-cover", "井盖缺失或破损", "安全隐患",
         "窨井盖缺失、破损、移位或异响", "井盖,窨井,下水道盖,缺失,破损,塌陷", "zjj",
         response_hours=2, resolution_limit=1, urgent=True,
         notice="如有人员坠落等紧急情况，请立即拨打120或110",
         attributes=[
             single("position", "井盖位置", options(("roadway", "车行道"), ("sidewalk", "人行道"))),
             single("warning", "现场是否已设置警示", YES_NO, required=False, order=2),
         ]),
    Seed("building-hazard", "房屋与高空坠物隐患", "安全隐患",
         "外墙脱落、广告牌松动、危房等高空坠物隐患", "高空坠物,外墙脱落,广告牌,危房,松动",
         "zjj", response_hours=2, resolution_limit=3, urgent=True),
    Seed("gas-smell", "燃气异味", "安全隐患",
         "公共区域闻到燃气异味或燃气设施损坏", "燃气,煤气,天然气,异味,泄漏,漏气", "yjj",
         response_hours=2, resolution_limit=24, resolution_unit=LimitUnit.HOURS, urgent=True,
         public_may_reopen=False,
         notice="如闻到明显燃气味，请勿开关电器、勿动明火，立即拨打119或燃气抢修电话"),
    Seed("tree-hazard", "树木倒伏隐患", "安全隐患",
         "行道树倾斜、枯枝悬挂、树木倒伏", "树木,倒伏,枯枝,断枝,倾斜,园林", "cgj",
         resolution_limit=2),
    Seed("school-surroundings", "校园周边安全", "安全隐患",
         "学校周边交通、摊点、设施等安全隐患", "学校,校园,上下学,学生,校门口", "jyj"),
    # --- 消防通道 ---------------------------------------------------------------------------
    Seed("fire-lane-blocked", "消防通道堵塞", "消防通道",
         "消防车通道、安全出口被车辆或杂物占用堵塞", "消防通道,生命通道,安全出口,堵塞,占用",
         "yjj", response_hours=2, resolution_limit=1, urgent=True,
         notice="如遇火情请立即拨打119",
         attributes=[single("blocker", "堵塞物", options(
             ("car", "机动车"), ("ebike", "非机动车"), ("sundries", "杂物"),
             ("other", "其他")))]),
    Seed("ebike-charging", "楼道堆物与飞线充电", "消防通道",
         "楼道堆放杂物、电动车进楼入户或飞线充电", "飞线充电,楼道,堆物,电动车充电,私拉电线",
         "wy", resolution_limit=2,
         attributes=[single("kind", "问题类型", options(
             ("charging", "飞线充电"), ("indoor", "电动车进楼入户"), ("sundries", "楼道堆物")))]),
    Seed("fire-facility", "消防设施损坏", "消防通道",
         "消火栓、灭火器、应急照明等消防设施损坏或缺失", "消火栓,灭火器,应急灯,消防设施",
         "yjj"),
    # --- 非机动车停放 -----------------------------------------------------------------------
    Seed("ebike-parking", "非机动车乱停放", "非机动车停放",
         "电动车、自行车乱停乱放占用人行道或盲道", "电动车,电瓶车,自行车,乱停,乱放,盲道",
         "cgj", resolution_limit=2,
         attributes=[single("blind_lane", "是否占用盲道", YES_NO)]),
    Seed("shared-bikes", "共享单车堆积", "非机动车停放",
         "共享单车大量堆积、倒伏或停放在禁停区", "共享单车,单车,堆积,禁停区,哈啰,美团",
         "cgj", resolution_limit=1),
    # --- 公共设施 ---------------------------------------------------------------------------
    Seed("road-damage", "道路破损", "公共设施",
         "路面坑洼、塌陷、人行道地砖松动破损", "坑洼,路面,塌陷,地砖,人行道,破损", "zjj",
         attributes=[plain("area", "破损面积约多少平方米", AttributeType.NUMBER)]),
    Seed("streetlight", "路灯不亮", "公共设施",
         "路灯不亮、白天常亮或灯杆损坏", "路灯,不亮,灯杆,照明,黑", "zjj", resolution_limit=3,
         attributes=[
             plain("pole", "灯杆编号（灯杆上的喷码，选填）"),
             plain("count", "不亮的路灯数量", AttributeType.NUMBER, order=2),
         ]),
    Seed("public-toilet", "公厕设施损坏", "公共设施",
         "公厕设施损坏、卫生差或未按时开放", "公厕,厕所,卫生间,冲水,开放时间", "cgj",
         resolution_limit=3),
    # --- 民生诉求 ---------------------------------------------------------------------------
    Seed("wage-arrears", "拖欠工资", "民生诉求",
         "用工单位拖欠劳动者工资", "欠薪,讨薪,拖欠工资,工钱,农民工", "rsj",
         resolution_limit=7, anonymous_allowed=False,
         notice="核实需要联系您本人，此类问题不能对处置部门匿名",
         attributes=[
             plain("employer", "用工单位名称", required=True),
             plain("workers", "涉及人数", AttributeType.NUMBER, required=True, order=2),
             plain("amount", "拖欠金额（元，选填）", AttributeType.NUMBER, order=3),
         ]),
    Seed("food-safety", "食品安全", "民生诉求",
         "无证经营、过期食品、餐饮卫生等食品安全问题", "食品,过期,卫生,无证,餐馆,变质",
         "scjg", resolution_limit=7,
         attributes=[plain("shop", "商户名称（选填）")]),
    Seed("property-service", "物业服务问题", "民生诉求",
         "小区物业服务、公共设施维护、环境卫生等问题", "物业,小区,电梯,保洁,业委会", "wy",
         resolution_limit=7, anonymous_allowed=False,
         attributes=[plain("estate", "小区名称", required=True)]),
    Seed("other", "其他问题", "民生诉求",
         "不属于以上类别的问题，由区指挥中心受理后派单", "其他,建议,咨询", "",
         resolution_limit=7),
    Seed("hotline", "12345热线转办", "民生诉求",
         "工作人员代群众录入的12345热线诉求", "12345,热线,来电,转办", "",
         resolution_limit=7, staff_only=True),
    # --- 新就业群体诉求 (issue 5 §5: riders' demands go through this same loop) --------------
    Seed("worker-school", "子女入学", WORKER_GROUP,
         "新就业群体子女就近入学、转学等诉求", "入学,上学,转学,学位,子女", "jyj",
         resolution_limit=15, anonymous_allowed=False,
         attributes=[plain("child_age", "孩子年龄", AttributeType.NUMBER, required=True),
                     plain("school", "希望就读的学校（选填）", order=2)]),
    Seed("worker-labour-dispute", "劳动纠纷", WORKER_GROUP,
         "与平台、配送站点或用工单位的劳动报酬、工伤、合同纠纷", "工资,工伤,合同,罚款,扣款,纠纷",
         "rsj", resolution_limit=7, anonymous_allowed=False,
         attributes=[plain("employer", "平台或站点名称", required=True)]),
    Seed("worker-parking", "车辆停放", WORKER_GROUP,
         "电动车、配送车辆停放难，被贴条、被锁车", "停车,停放,锁车,贴条,电动车", "cgj",
         resolution_limit=5),
    Seed("worker-drop-point", "配送落脚", WORKER_GROUP,
         "小区、楼宇不让进，取餐送餐没有落脚点、等候点", "进小区,门禁,落脚,等餐,取餐", "wy",
         resolution_limit=5),
    Seed("worker-rights", "权益保障", WORKER_GROUP,
         "社会保险、职业伤害保障、休息休假等权益诉求", "社保,保险,职业伤害,休息,权益", "rsj",
         resolution_limit=7, anonymous_allowed=False),
)  # fmt: skip

AUTO_ACK = "您反映的问题（编号{{ number }}）已转{{ department }}办理，将于{{ due }}前响应。"


@dataclass(frozen=True)
class TemplateSeed:
    category: str  # service_code, "" for every category
    status: str
    title: str
    text: str
    auto: bool = False


TEMPLATES: tuple[TemplateSeed, ...] = (
    TemplateSeed("", Status.TRANSFERRED, "派单自动回复", AUTO_ACK, auto=True),
    TemplateSeed(
        "fire-lane-blocked", Status.TRANSFERRED, "消防通道紧急派单回复",
        "您反映的消防通道堵塞问题（编号{{ number }}）已紧急转{{ department }}，将于{{ due }}前"
        "到场处置。如遇火情请立即拨打119。", auto=True,
    ),
    TemplateSeed("", Status.RESPONDED, "已安排核查",
                 "您好，已收到您反映的问题，我们已安排工作人员到现场核查，请耐心等待。"),
    TemplateSeed("", Status.RESOLVED, "已处理完毕",
                 "经现场核查，您反映的问题已处理完毕。感谢您对城市管理的监督与支持！"),
    TemplateSeed("", Status.RESOLVED, "已纳入计划",
                 "您反映的问题涉及工程改造，已纳入近期维修计划，完成后将及时告知。"),
    TemplateSeed("", Status.REJECTED, "不属于受理范围",
                 "经核实，该问题不属于随手拍受理范围，建议您拨打12345政务服务便民热线咨询。"),
    TemplateSeed("", Status.RETURNED, "非本部门职责",
                 "经核实，该问题不属于本部门职责范围，请区指挥中心重新派单。"),
)  # fmt: skip


@dataclass
class SeedResult:
    categories: int = 0  # created
    updated: int = 0
    rules: int = 0
    templates: int = 0

    @property
    def created(self) -> int:
        return self.categories + self.rules + self.templates


def _departments_by_code(departments: Mapping[str, Department] | Iterable[Department]) -> dict:
    if isinstance(departments, Mapping):
        return dict(departments)
    return {d.code: d for d in departments}


def _district_of(departments: dict[str, Department]) -> Region | None:
    """The widest region among the departments' (the district the catalogue routes for)."""
    regions = [d.region for d in departments.values()]
    return min(regions, key=lambda r: len(r.prefix), default=None)


@transaction.atomic
def seed_catalogue(
    departments: Mapping[str, Department] | Iterable[Department],
    *,
    region: Region | None = None,
    actor: Any = None,
) -> SeedResult:
    """Write the catalogue, its district routing and the default reply templates.

    ``departments``: the deployment's departments (a ``code → Department`` mapping or a list);
    a category whose department is missing stays unrouted (the dispatch desk decides).
    ``region``: where the routing rules apply, by default the widest region of the departments.
    Idempotent: categories are updated in place by ``service_code``; rules and templates are
    only added where missing, so an administrator's own routing survives a second run.
    """
    by_code = _departments_by_code(departments)
    region = region or _district_of(by_code)
    result = SeedResult()
    categories: dict[str, Category] = {}
    for order, seed in enumerate(CATALOGUE, start=1):
        wanted = seed.fields(order * 10)
        category = Category.objects.filter(service_code=seed.service_code).first()
        if category is None:
            category = Category.objects.create(service_code=seed.service_code, **wanted)
            result.categories += 1
            changed = list(wanted)
        else:
            changed = [k for k, v in wanted.items() if getattr(category, k) != v]
            for key in changed:
                setattr(category, key, wanted[key])
            if changed:
                category.save(update_fields=changed)
                result.updated += 1
        if changed:
            audit.record(
                Verb.CATEGORY_SAVED,
                actor=actor,
                target=category,
                data={"service_code": category.service_code, "seeded": True, "fields": changed},
            )
        categories[seed.service_code] = category
        department = by_code.get(seed.department)
        if region is None or department is None:
            continue
        rule, created = RoutingRule.objects.get_or_create(
            category=category, region=region, defaults={"department": department}
        )
        if created:
            result.rules += 1
            audit.record(
                Verb.ROUTING_RULE_SAVED,
                actor=actor,
                target=rule,
                data={
                    "category": category.service_code,
                    "region": region.code,
                    "department": department.code,
                    "seeded": True,
                },
            )
    for seed in TEMPLATES:
        category = categories.get(seed.category) if seed.category else None
        template, created = ResponseTemplate.objects.get_or_create(
            category=category,
            status=seed.status,
            title=seed.title,
            defaults={"text": seed.text, "auto": seed.auto},
        )
        if created:
            result.templates += 1
            audit.record(
                Verb.TEMPLATE_SAVED,
                actor=actor,
                target=template,
                data={"status": seed.status, "auto": seed.auto, "seeded": True},
            )
    return result
