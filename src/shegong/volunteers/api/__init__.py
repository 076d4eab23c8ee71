"""/api/v1 routers of volunteer service, one module per noun. ``ROUTERS`` is what the project's
API mounts: (prefix, router, tag)."""

from shegong.volunteers.api import activities, hours, people, star_awards

ROUTERS = [
    ("/volunteers", people.router, "志愿者"),
    ("/activities", activities.router, "志愿服务活动"),
    ("/service-records", hours.router, "服务时长"),
    ("/star-awards", star_awards.router, "星级认定"),
]
