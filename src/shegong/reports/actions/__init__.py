"""Every state change of the closed loop, one function per verb, one module per noun.

- ``reports``: a case (随手拍工单) from submission to rating: intake, dispatch, the
  department's work, verification, reopening, rating, following, moderation;
- ``categories``, ``routing``, ``templates``: the configuration (问题类别, 派单规则, 回复模板);
- ``appointments``: 城市流动监督员 / 红骑网格员;
- ``keys``: Open311 ``api_key``s.

Import a verb from its module: ``from shegong.reports.actions.reports import submit_report``.
"""
