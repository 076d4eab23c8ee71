"""Every state change of the stations app, one module per noun: ``stations`` (a station and its
inspections), ``visits`` (check-ins and tallies), ``workers`` (新就业群体 profiles), ``care``
(care campaigns and insurance batches) and ``vanguard`` (党员先锋岗/责任区 and role models).

Import the module or the function itself, e.g.
``from shegong.stations.actions.visits import record_visit``; nothing is re-exported here.
"""
