"""Every state change of volunteer service: one function per verb, one module per noun.

Callers import the module or the function (``from shegong.volunteers.actions import hours``,
``from shegong.volunteers.actions.hours import approve``); this package re-exports nothing.
"""
