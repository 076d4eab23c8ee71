"""The stations pages, one module per noun: ``stations`` (list, export, form, station page),
``visits`` (poster, tally, named visit, statistics; the H5 check-in and my visits), ``workers``
(staff 新就业群体 pages; the worker's own H5 pages), ``care`` (campaigns, insurance; my care),
``vanguard`` (党员先锋岗/责任区, 先进典型 and the public honour roll) and ``public`` (the H5
nearest-station page and the public map). Nothing is re-exported here."""
