"""The audit verbs: one ``@unique`` IntEnum with a numbered range per domain (STYLE.md rule 6),
and their Chinese labels. ``core.audit`` re-exports them (``audit.Verb``)."""

from __future__ import annotations

from enum import IntEnum, unique


@unique
class Verb(IntEnum):
    """Every audited verb. Ranges per domain: 1xx platform (C1), 2xx reports (C2) … 9xx (C9)."""

    # 100–139 accounts and security
    LOGIN = 100
    LOGIN_FAILED = 101
    LOCKED_OUT = 102
    LOGOUT = 103
    PASSWORD_CHANGED = 104
    PASSWORD_RESET = 105
    USER_CREATED = 106
    USER_UPDATED = 107
    USER_DEACTIVATED = 108
    USER_REACTIVATED = 109
    MEMBERSHIP_ADDED = 110
    MEMBERSHIP_REMOVED = 111
    TOKEN_CREATED = 112
    TOKEN_REVOKED = 113
    SCOPE_SWITCHED = 114
    LOCKOUT_CLEARED = 115
    TOTP_ENROLLED = 116
    TOTP_DISABLED = 117
    RECOVERY_CODE_USED = 118
    SECOND_FACTOR_FAILED = 119
    RECOVERY_CODES_REGENERATED = 120
    SECOND_FACTOR_VERIFIED = 121
    LOGIN_THROTTLED = 130
    # 140–159 personal data
    PII_REVEALED = 140
    PII_EXPORTED = 141
    PII_REKEYED = 142
    # 160–179 regions
    REGION_CREATED = 160
    REGION_UPDATED = 161
    REGIONS_IMPORTED = 162
    # 200–299 snap-and-report closed loop (C2)
    REPORT_SUBMITTED = 200
    REPORT_ACCEPTED = 201
    REPORT_REJECTED = 202
    REPORT_TRANSFERRED = 203
    REPORT_RESPONDED = 204
    REPORT_RETURNED = 205
    REPORT_RESOLVED = 206
    REPORT_VERIFIED = 207
    REPORT_CLOSED = 208
    REPORT_REOPENED = 209
    REPORT_MERGED = 210
    REPORT_ESCALATED = 211
    REPORT_RATED = 212
    REPORT_ASSIST_ADDED = 213
    REPORT_MODERATED = 214
    REPORT_PUBLIC_TEXT_CORRECTED = 218
    REPORT_ASSIGNED_DOWN = 219
    REPORT_DOWN_ANSWERED = 220
    REPORT_FOLLOWED = 215
    REPORT_NOTE_ADDED = 216
    REPORTS_EXPORTED = 217
    CATEGORY_SAVED = 230
    ROUTING_RULE_SAVED = 231
    ROUTING_RULE_DELETED = 232
    TEMPLATE_SAVED = 233
    APPOINTMENT_SAVED = 240
    APPOINTMENT_ENDED = 241
    API_KEY_CREATED = 250
    API_KEY_REVOKED = 251
    # 300–399 stations and worker care (C3)
    STATION_CREATED = 300
    STATION_UPDATED = 301
    STATION_STATUS_CHANGED = 302
    STATION_INSPECTED = 303
    INSPECTION_RESOLVED = 304
    STATIONS_EXPORTED = 305
    WORKER_REGISTERED = 310
    WORKER_UPDATED = 311
    VISIT_RECORDED_AT_STATION = 320
    VISITS_TALLIED = 321
    CARE_CAMPAIGN_SAVED = 330
    BENEFIT_GIVEN = 331
    STOCK_SET = 332
    INSURANCE_BATCH_SAVED = 340
    WORKERS_ENROLLED = 341
    INSURANCE_EXPORTED = 342
    WORKER_WITHDRAWN = 343
    VANGUARD_SAVED = 350
    ROLE_MODEL_SAVED = 351
    # 600–699 volunteers and social workers (C6)
    VOLUNTEER_REGISTERED = 600
    VOLUNTEER_UPDATED = 601
    VOLUNTEER_STATUS_CHANGED = 602
    GUARDIAN_CONSENT_RECORDED = 603
    SKILL_SAVED = 604
    VOLUNTEERS_EXPORTED = 605
    TEAM_SAVED = 610
    TEAM_MEMBER_JOINED = 611
    TEAM_MEMBER_LEFT = 612
    TEAM_INCUBATION_CHANGED = 613
    SOCIAL_WORKER_SAVED = 620
    STATIONING_SAVED = 621
    PAIRING_SAVED = 622
    GUIDANCE_LOGGED = 623
    ACTIVITY_SAVED = 630
    ACTIVITY_SUBMITTED = 631
    ACTIVITY_REVIEWED = 632
    ACTIVITY_CANCELLED = 633
    SIGNED_UP = 640
    SIGNUP_CANCELLED = 641
    SIGNUP_PROMOTED = 642
    CHECKED_IN = 650
    CHECKED_OUT = 651
    ATTENDANCE_AUTO_CLOSED = 652
    ATTENDANCE_CORRECTED = 653
    RECORD_APPROVED = 660
    RECORD_DECLINED = 661
    RECORD_ADJUSTED = 662
    RECORD_ENTERED = 663
    RECORD_TRANSFERRED = 664
    STAR_REACHED = 665
    RECORDS_EXPORTED = 666
    CERTIFICATE_ISSUED = 670
    CERTIFICATE_REVOKED = 671
    CERTIFICATE_REQUESTED = 672
    CERTIFICATE_REQUEST_DECLINED = 673
    CERTIFICATE_REQUEST_WITHDRAWN = 674
    TRAINING_RECORDED = 680
    TRAINEES_CHANGED = 681
    AWARD_RECORDED = 682
    AWARD_REVOKED = 683
    TEAM_LEFT_BY_SELF = 684
    # 400–499 ledger (C4)
    ORG_CREATED = 400
    ORG_UPDATED = 401
    ORG_STATUS_CHANGED = 402
    PERSON_CREATED = 410
    PERSON_UPDATED = 411
    EMPLOYMENT_STARTED = 412
    EMPLOYMENT_ENDED = 413
    PARTY_ORG_CREATED = 420
    PARTY_ORG_UPDATED = 421
    PARTY_ORG_CONVERTED = 422
    PARTY_MEMBER_ADDED = 423
    PARTY_MEMBER_REMOVED = 424
    COVERAGE_SET = 430
    INSTRUCTOR_ASSIGNED = 440
    INSTRUCTOR_UNASSIGNED = 441
    VISIT_RECORDED = 442
    CAMPAIGN_CREATED = 450
    REVIEW_TASK_COMPLETED = 451
    CAMPAIGN_CLOSED = 452
    CAMPAIGN_DEADLINE_CHANGED = 453
    REVIEW_TASKS_DEADLINE_SET = 454
    LEDGER_IMPORTED = 460
    LEDGER_EXPORTED = 461
    # 500–599 social organizations (C5)
    SOCIAL_ORG_REGISTERED = 500
    SOCIAL_ORG_UPDATED = 501
    SOCIAL_ORG_STATUS_CHANGED = 502
    CHARTER_VERSION_ADDED = 503
    SOCIAL_ORGS_EXPORTED = 504
    ORG_ACCOUNT_LINKED = 505
    ORG_ACCOUNT_UNLINKED = 506
    ANNOUNCEMENT_PUBLISHED = 507
    # 545–559 credit lists (民政部令第60号)
    CREDIT_LISTED = 545
    CREDIT_CLOCK_RESTARTED = 546
    CREDIT_REMOVED = 547
    RECTIFICATION_ORDERED = 548
    RECTIFICATION_VERIFIED = 549
    RETURNED_LETTER_RECORDED = 550
    CREDIT_LEAVE_APPLIED = 551
    CREDIT_LISTINGS_EXPORTED = 552
    # 180–199 system
    AUDIT_PURGED = 180
    DEMO_LOADED = 181
    AUDIT_CHAIN_BROKEN = 185
    JOBS_INTERRUPTED = 190


# The account and security events (100–139): read in full by the audit administrator only.
SECURITY_VERBS = frozenset(v for v in Verb if 100 <= v < 140)


VERB_LABELS: dict[Verb, str] = {
    Verb.LOGIN: "登录",
    Verb.LOGIN_FAILED: "登录失败",
    Verb.LOCKED_OUT: "账号锁定",
    Verb.LOGOUT: "退出登录",
    Verb.PASSWORD_CHANGED: "修改密码",
    Verb.PASSWORD_RESET: "重置密码",
    Verb.USER_CREATED: "创建账号",
    Verb.USER_UPDATED: "修改账号",
    Verb.USER_DEACTIVATED: "停用账号",
    Verb.USER_REACTIVATED: "启用账号",
    Verb.MEMBERSHIP_ADDED: "授予角色",
    Verb.MEMBERSHIP_REMOVED: "撤销角色",
    Verb.TOKEN_CREATED: "创建访问令牌",
    Verb.TOKEN_REVOKED: "吊销访问令牌",
    Verb.SCOPE_SWITCHED: "切换工作范围",
    Verb.LOCKOUT_CLEARED: "解除锁定",
    Verb.TOTP_ENROLLED: "启用两步验证",
    Verb.TOTP_DISABLED: "停用两步验证",
    Verb.RECOVERY_CODE_USED: "使用恢复码登录",
    Verb.SECOND_FACTOR_FAILED: "两步验证码错误",
    Verb.RECOVERY_CODES_REGENERATED: "重新生成恢复码",
    Verb.SECOND_FACTOR_VERIFIED: "通过两步验证",
    Verb.LOGIN_THROTTLED: "登录限速",
    Verb.PII_REVEALED: "查看个人信息明文",
    Verb.PII_EXPORTED: "导出个人信息",
    Verb.PII_REKEYED: "个人信息密钥轮换",
    Verb.REPORT_SUBMITTED: "提交随手拍",
    Verb.REPORT_ACCEPTED: "受理工单",
    Verb.REPORT_REJECTED: "不予受理",
    Verb.REPORT_TRANSFERRED: "派单",
    Verb.REPORT_RESPONDED: "部门响应",
    Verb.REPORT_RETURNED: "部门退单",
    Verb.REPORT_RESOLVED: "办理完毕",
    Verb.REPORT_VERIFIED: "核实办结",
    Verb.REPORT_CLOSED: "工单办结",
    Verb.REPORT_REOPENED: "工单重启",
    Verb.REPORT_MERGED: "并单",
    Verb.REPORT_ESCALATED: "超时督办",
    Verb.REPORT_RATED: "群众评价",
    Verb.REPORT_ASSIST_ADDED: "增加协办部门",
    Verb.REPORT_MODERATED: "审核公开内容",
    Verb.REPORT_PUBLIC_TEXT_CORRECTED: "更正公开文本",
    Verb.REPORT_ASSIGNED_DOWN: "下派工单",
    Verb.REPORT_DOWN_ANSWERED: "回复下派工单",
    Verb.REPORT_FOLLOWED: "关注工单",
    Verb.REPORT_NOTE_ADDED: "添加工单备注",
    Verb.REPORTS_EXPORTED: "导出工单",
    Verb.CATEGORY_SAVED: "保存问题类别",
    Verb.ROUTING_RULE_SAVED: "保存派单规则",
    Verb.ROUTING_RULE_DELETED: "删除派单规则",
    Verb.TEMPLATE_SAVED: "保存回复模板",
    Verb.APPOINTMENT_SAVED: "聘任监督员",
    Verb.APPOINTMENT_ENDED: "解聘监督员",
    Verb.API_KEY_CREATED: "创建Open311密钥",
    Verb.API_KEY_REVOKED: "吊销Open311密钥",
    Verb.STATION_CREATED: "新建驿站",
    Verb.STATION_UPDATED: "修改驿站",
    Verb.STATION_STATUS_CHANGED: "变更驿站状态",
    Verb.STATION_INSPECTED: "记录驿站检查",
    Verb.INSPECTION_RESOLVED: "驿站问题整改完成",
    Verb.STATIONS_EXPORTED: "导出驿站",
    Verb.WORKER_REGISTERED: "登记新就业群体",
    Verb.WORKER_UPDATED: "修改新就业群体信息",
    Verb.VISIT_RECORDED_AT_STATION: "驿站签到",
    Verb.VISITS_TALLIED: "登记匿名服务人次",
    Verb.CARE_CAMPAIGN_SAVED: "保存关爱活动",
    Verb.BENEFIT_GIVEN: "发放关爱物资",
    Verb.STOCK_SET: "配发活动物资",
    Verb.INSURANCE_BATCH_SAVED: "保存保险批次",
    Verb.WORKERS_ENROLLED: "登记参保人员",
    Verb.INSURANCE_EXPORTED: "导出参保名单",
    Verb.WORKER_WITHDRAWN: "新就业群体撤回同意并注销",
    Verb.VANGUARD_SAVED: "保存党员先锋岗/责任区",
    Verb.ROLE_MODEL_SAVED: "保存先进典型",
    Verb.VOLUNTEER_REGISTERED: "志愿者注册",
    Verb.VOLUNTEER_UPDATED: "修改志愿者信息",
    Verb.VOLUNTEER_STATUS_CHANGED: "变更志愿者状态",
    Verb.GUARDIAN_CONSENT_RECORDED: "登记监护人同意",
    Verb.SKILL_SAVED: "保存志愿服务技能",
    Verb.VOLUNTEERS_EXPORTED: "导出志愿者",
    Verb.TEAM_SAVED: "保存志愿服务队伍",
    Verb.TEAM_MEMBER_JOINED: "队员加入",
    Verb.TEAM_MEMBER_LEFT: "队员退出",
    Verb.TEAM_INCUBATION_CHANGED: "变更队伍孵化状态",
    Verb.SOCIAL_WORKER_SAVED: "保存专业社工",
    Verb.STATIONING_SAVED: "保存社工驻点",
    Verb.PAIRING_SAVED: "保存结对帮扶",
    Verb.GUIDANCE_LOGGED: "记录帮扶指导",
    Verb.ACTIVITY_SAVED: "保存志愿服务活动",
    Verb.ACTIVITY_SUBMITTED: "提交活动审核",
    Verb.ACTIVITY_REVIEWED: "审核志愿服务活动",
    Verb.ACTIVITY_CANCELLED: "取消志愿服务活动",
    Verb.SIGNED_UP: "活动报名",
    Verb.SIGNUP_CANCELLED: "取消报名",
    Verb.SIGNUP_PROMOTED: "候补转正",
    Verb.CHECKED_IN: "志愿服务签到",
    Verb.CHECKED_OUT: "志愿服务签退",
    Verb.ATTENDANCE_AUTO_CLOSED: "未签退自动结束",
    Verb.ATTENDANCE_CORRECTED: "更正签到签退",
    Verb.RECORD_APPROVED: "确认服务时长",
    Verb.RECORD_DECLINED: "不予确认服务时长",
    Verb.RECORD_ADJUSTED: "更正服务时长",
    Verb.RECORD_ENTERED: "补录服务记录",
    Verb.RECORD_TRANSFERRED: "转入服务记录",
    Verb.STAR_REACHED: "志愿者星级晋升",
    Verb.RECORDS_EXPORTED: "导出志愿服务记录",
    Verb.CERTIFICATE_ISSUED: "出具志愿服务记录证明",
    Verb.CERTIFICATE_REVOKED: "作废志愿服务记录证明",
    Verb.CERTIFICATE_REQUESTED: "申请志愿服务记录证明",
    Verb.CERTIFICATE_REQUEST_DECLINED: "不予出具志愿服务记录证明",
    Verb.CERTIFICATE_REQUEST_WITHDRAWN: "撤回志愿服务记录证明申请",
    Verb.TRAINING_RECORDED: "记录志愿者培训",
    Verb.TRAINEES_CHANGED: "变更参训志愿者",
    Verb.AWARD_RECORDED: "记录志愿者表彰奖励",
    Verb.AWARD_REVOKED: "撤销志愿者表彰奖励记录",
    Verb.TEAM_LEFT_BY_SELF: "志愿者本人退出队伍",
    Verb.ORG_CREATED: "新建组织",
    Verb.ORG_UPDATED: "修改组织",
    Verb.ORG_STATUS_CHANGED: "变更组织状态",
    Verb.PERSON_CREATED: "新建人员",
    Verb.PERSON_UPDATED: "修改人员",
    Verb.EMPLOYMENT_STARTED: "登记任职",
    Verb.EMPLOYMENT_ENDED: "结束任职",
    Verb.PARTY_ORG_CREATED: "新建党组织",
    Verb.PARTY_ORG_UPDATED: "修改党组织",
    Verb.PARTY_ORG_CONVERTED: "临时党支部转正式",
    Verb.PARTY_MEMBER_ADDED: "党员转入",
    Verb.PARTY_MEMBER_REMOVED: "党员转出",
    Verb.COVERAGE_SET: "设置党建覆盖",
    Verb.INSTRUCTOR_ASSIGNED: "派驻党建指导员",
    Verb.INSTRUCTOR_UNASSIGNED: "结束指导员派驻",
    Verb.VISIT_RECORDED: "记录指导走访",
    Verb.CAMPAIGN_CREATED: "发起回头看",
    Verb.REVIEW_TASK_COMPLETED: "完成核查任务",
    Verb.CAMPAIGN_CLOSED: "结束回头看",
    Verb.CAMPAIGN_DEADLINE_CHANGED: "修改回头看截止日期",
    Verb.REVIEW_TASKS_DEADLINE_SET: "调整核查任务截止日期",
    Verb.LEDGER_IMPORTED: "导入台账",
    Verb.LEDGER_EXPORTED: "导出台账",
    Verb.SOCIAL_ORG_REGISTERED: "登记社会组织",
    Verb.SOCIAL_ORG_UPDATED: "修改社会组织信息",
    Verb.SOCIAL_ORG_STATUS_CHANGED: "变更社会组织状态",
    Verb.CHARTER_VERSION_ADDED: "登记章程版本",
    Verb.SOCIAL_ORGS_EXPORTED: "导出社会组织",
    Verb.ORG_ACCOUNT_LINKED: "绑定社会组织账号",
    Verb.ORG_ACCOUNT_UNLINKED: "解绑社会组织账号",
    Verb.ANNOUNCEMENT_PUBLISHED: "发布社会组织公告",
    Verb.CREDIT_LISTED: "列入信用名录",
    Verb.CREDIT_CLOCK_RESTARTED: "信用名录重新计时",
    Verb.CREDIT_REMOVED: "移出信用名录",
    Verb.RECTIFICATION_ORDERED: "责令社会组织整改",
    Verb.RECTIFICATION_VERIFIED: "核实社会组织整改",
    Verb.RETURNED_LETTER_RECORDED: "登记挂号信退回",
    Verb.CREDIT_LEAVE_APPLIED: "申请移出严重违法失信名单",
    Verb.CREDIT_LISTINGS_EXPORTED: "导出信用名录",
    Verb.REGION_CREATED: "新增区划",
    Verb.REGION_UPDATED: "修改区划",
    Verb.REGIONS_IMPORTED: "导入区划",
    Verb.AUDIT_PURGED: "清理过期审计日志",
    Verb.DEMO_LOADED: "加载演示数据",
    Verb.JOBS_INTERRUPTED: "标记中断的后台任务",
    Verb.AUDIT_CHAIN_BROKEN: "发现审计日志被篡改",
}
assert set(VERB_LABELS) == set(Verb), "every verb needs a Chinese label"

VERB_CHOICES = [(v.value, VERB_LABELS[v]) for v in Verb]
