"""The read side of volunteer service: who may see and run what (``access``), the filtered
lists and aggregates the pages, the API and the exports share. No writes here.

Callers import the module (``from shegong.volunteers.queries import access``); this package
re-exports nothing.
"""
