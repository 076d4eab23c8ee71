"""/api/v1/stations/: one router per noun. ``stations``: the public nearest-station search and
station detail (no login); ``me``: the worker's own /me and /checkin (login required). Both sit
under the same prefix and tag."""

from . import me, stations

ROUTERS = [
    ("/stations", stations.router, "驿站"),
    ("/stations", me.router, "驿站"),
]
