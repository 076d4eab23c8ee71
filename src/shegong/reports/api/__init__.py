"""The closed loop's REST API (django-ninja), one module per noun, each with its ``router``:
``reports`` (cases and their categories, under ``/api/v1/reports``).

``ROUTERS`` lists ``(prefix, router, tag)`` for the project's API to mount.
"""

from .reports import router as reports_router

ROUTERS = [("/reports", reports_router, "随手拍")]
