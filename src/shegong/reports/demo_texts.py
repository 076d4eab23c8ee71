"""Made-up texts of the demo cases (reports/demo.py): what riders write, what departments answer.

Every place in them is ``{place}``, filled in with an address of the demo district.
"""

from .choices import RejectReason

# How often each category is reported (relative).
WEIGHTS = {
    "street-vending": 14, "ebike-parking": 14, "garbage-overflow": 10, "illegal-parking": 10,
    "road-damage": 8, "streetlight": 7, "illegal-ads": 6, "shared-bikes": 5,
    "fire-lane-blocked": 5, "ebike-charging": 4, "construction-waste": 4, "outdoor-barbecue": 4,
    "manhole-cover": 3, "construction-noise": 3, "property-service": 3, "abandoned-vehicle": 2,
    "traffic-signal": 2, "public-toilet": 2, "tree-hazard": 2, "school-surroundings": 2,
    "food-safety": 2, "road-obstacle": 1, "building-hazard": 1, "fire-facility": 1,
    "gas-smell": 1, "wage-arrears": 1,
}  # fmt: skip

DESCRIPTIONS = {
    "garbage-overflow": ["{place}的垃圾桶满了，垃圾堆在地上没人清运，味道很大",
                         "{place}垃圾箱周边散落大量生活垃圾，招苍蝇",
                         "{place}餐厨垃圾桶溢出，污水流到人行道上"],
    "street-vending": ["{place}有流动摊贩占道卖水果，行人只能走机动车道",
                       "{place}早餐摊占用人行道经营，桌椅摆满路面",
                       "{place}商户把货物摆到店外人行道上经营"],
    "illegal-ads": ["{place}电线杆和墙面上贴满了开锁、办证小广告",
                    "{place}新刷的墙面被人乱涂乱画", "{place}路口私自挂了好几条商业横幅"],
    "construction-waste": ["{place}路边夜里被人偷倒了一大堆装修垃圾",
                           "{place}渣土车运输遗撒，路面全是泥土",
                           "{place}空地上堆满建筑垃圾，很久没人清理"],
    "outdoor-barbecue": ["{place}烧烤摊晚上在路边露天烧烤，油烟很大，楼上住户没法开窗",
                         "{place}饭店油烟直排到居民楼，味道呛人"],
    "construction-noise": ["{place}工地晚上十一点以后还在施工，噪音很大影响休息",
                           "{place}工地一早五点多就开始打桩"],
    "illegal-parking": ["{place}有车辆长时间违停在路口，影响转弯车辆通行",
                        "{place}机动车停在人行道上，堵住了小区出入口",
                        "{place}车辆并排停车，把整条路堵住了"],
    "traffic-signal": ["{place}路口红绿灯不亮，车辆和行人抢行，很危险",
                       "{place}信号灯一直黄闪，早高峰很堵", "{place}人行横道信号灯倒计时不显示"],
    "abandoned-vehicle": ["{place}有一辆落满灰尘的轿车停了半年多没人动，轮胎都瘪了",
                          "{place}路边停放的报废面包车长期占用车位"],
    "road-obstacle": ["{place}路面上散落了一堆砖块，车辆要绕行",
                      "{place}有货车掉下来的木板横在车道上"],
    "manhole-cover": ["{place}人行道上的井盖缺失，只剩一个黑洞，晚上很危险",
                      "{place}车行道井盖破损下陷，车压上去响声很大",
                      "{place}井盖移位，露出一条缝，小孩容易踩空"],
    "building-hazard": ["{place}沿街楼房外墙瓷砖脱落，下面就是人行道",
                        "{place}商铺招牌松动，刮风时摇摇晃晃"],
    "gas-smell": ["{place}路边燃气管道附近能闻到明显的燃气味", "{place}燃气调压箱的门被撞坏了"],
    "tree-hazard": ["{place}行道树被风刮得倾斜，随时可能倒下",
                    "{place}树上有一根很大的枯枝悬着，下面是公交站"],
    "school-surroundings": ["{place}学校门口上下学时段车辆乱停，学生过马路很危险",
                            "{place}校门口流动摊贩售卖三无零食"],
    "fire-lane-blocked": ["{place}小区消防通道被私家车占用，消防车进不去",
                          "{place}商场安全出口被杂物堵死", "{place}消防通道上停满了电动车"],
    "ebike-charging": ["{place}有住户从楼上拉电线给电动车充电",
                       "{place}楼道里停了好几辆电动车在充电", "{place}楼道堆满纸箱杂物，影响疏散"],
    "fire-facility": ["{place}消火栓被撞坏了，一直在漏水",
                      "{place}楼道灭火器已过期，压力表指针在红区"],
    "ebike-parking": ["{place}电动车乱停乱放，把盲道全占了",
                      "{place}商场门口非机动车停得密密麻麻，行人走不过去",
                      "{place}人行道上电动车停了好几排"],
    "shared-bikes": ["{place}共享单车堆积成山，倒了一地", "{place}路口禁停区停满了共享单车"],
    "road-damage": ["{place}路面有个大坑，下雨天积水看不见，电动车容易摔倒",
                    "{place}人行道地砖松动，一踩就溅水",
                    "{place}路面塌陷了一块，已经有车轮陷进去过"],
    "streetlight": ["{place}路灯晚上不亮，整段路黑漆漆的",
                    "{place}连续几盏路灯都不亮，走夜路很不安全", "{place}路灯白天一直亮着"],
    "public-toilet": ["{place}公厕冲水坏了好几天，气味很大",
                      "{place}公厕洗手池水龙头坏了，一直流水"],
    "wage-arrears": ["在{place}附近工地干活，老板拖欠三个月工资不发",
                     "{place}一家餐馆拖欠服务员两个月工资"],
    "food-safety": ["{place}一家小饭店后厨卫生很差，老鼠乱窜",
                    "{place}超市在卖过期的面包和牛奶"],
    "property-service": ["{place}小区电梯坏了一个多星期，物业一直不修",
                         "{place}小区楼道灯坏了，物业说没人管",
                         "{place}小区垃圾好几天没有清运"],
}  # fmt: skip
# Unrouted categories: the dispatch desk picks the department from what the case says.
DISPATCHED = {
    "other": [("{place}路边废弃的广告牌架子一直没人拆", "cgj"),
              ("{place}小区门口快递柜占用了人行道", "wy"),
              ("{place}新开的培训机构在路口发传单，堵住了路", "scjg"),
              ("{place}地下通道里积水很深，行人没法通过", "zjj"),
              ("{place}附近的农贸市场缺斤短两", "scjg")],
    "hotline": [("来电反映{place}药店哄抬口罩价格", "scjg"),
                ("来电反映{place}工地拖欠农民工工资", "rsj"),
                ("来电反映{place}小区二次供水水质发黄", "zjj"),
                ("来电反映{place}校外托管机构消防条件差", "jyj")],
}  # fmt: skip
RESULTS = {
    "cgj": ["已安排执法队员到现场处置，问题已整改，将加强日常巡查",
            "已通知环卫作业单位清理，现场已恢复整洁", "已约谈当事人并责令整改，现场已规范"],
    "jj": ["已安排民警到现场处置，违停车辆已驶离，将加强该路段巡逻",
           "已通知设施维护单位抢修，信号灯已恢复正常"],
    "zjj": ["已安排市政维修队完成修复，现场已恢复通行", "已更换损坏部件，经测试恢复正常"],
    "yjj": ["已会同消防救援站现场检查，通道已清理，已对物业下达整改通知",
            "已通知产权单位维修，隐患已消除"],
    "wy": ["物业已安排人员处理完毕，并在楼道张贴安全提示", "已督促物业整改，问题已解决"],
    "scjg": ["已对商户开展检查，责令下架问题商品并立案调查", "已现场检查并责令整改，将跟踪复查"],
    "rsj": ["已约谈用工单位负责人，拖欠工资已全部支付", "已立案调查，用工单位已制定支付计划"],
    "jyj": ["已会同属地街道对机构开展检查，责令停业整改", "已协调学校和交警加强上下学时段疏导"],
    "street": ["街道已组织网格员和志愿者现场整治，现场已规范", "街道已安排人员清理完毕"],
}  # fmt: skip
RESPONSES = ["已收到，已安排工作人员现场核查", "已受理，正在协调处置", "已派人前往现场，请耐心等待"]
RETURN_REASONS = [
    "经现场核实，该处为小区内部区域，不属于本部门职责，请转物业服务中心",
    "该问题属于其他部门管理的设施，请重新派单",
    "现场核实位置与描述不符，不属于本部门辖区，请重新派单",
]
REJECTIONS = {
    RejectReason.INVALID: ["照片和描述无法对应，现场核实未发现问题", "上报内容不完整，无法核实"],
    RejectReason.NOT_OURS: ["属于邻里纠纷，建议通过社区人民调解委员会解决",
                            "属于商品房合同纠纷，建议通过法律途径解决"],
}  # fmt: skip
REOPEN_REASONS = ["回访时群众反映问题没有彻底解决，返工", "问题反弹，现场又出现同样情况"]
REPORTER_REOPEN = ["过了两天又是老样子，问题没有解决", "只处理了一部分，还有很多没清理"]
COMMENTS = {
    5: ["处理很及时，点赞！", "效率很高，谢谢", ""],
    4: ["处理得不错", "", "满意"],
    3: ["解决了，但是有点慢", ""],
    2: ["拖了很久才处理", "处理得不彻底"],
    1: ["问题没有彻底解决", "等了很多天"],
}
