"""The /api/v1/ API of the project: the authenticators, and every router the apps registered
(``core.registry.api_routers``), mounted in their order."""

from shegong.accounts.auth import TokenAuth
from shegong.core import registry
from shegong.core.api import CookieAuth, make_api

api = make_api(auth=[TokenAuth(), CookieAuth()])

for entry in registry.api_routers:
    api.add_router(entry.prefix, entry.router, tags=[entry.tag])
