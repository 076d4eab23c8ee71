"""HEAD is answered wherever GET is (issue 13, part 7): link checkers, uptime monitors and
proxies ask HEAD first, and a 405 there reads as a broken page.

The walk is generic, like the scope walk (tests/scope_walk.py): every URL pattern (with a
street-B object where it takes one) and every API GET operation, as a superuser who may open
them all and as an anonymous visitor. Wherever GET is not refused with 405, HEAD must answer
with the same status and no body.
"""

from __future__ import annotations

import pytest
from django.test import Client

from shegong import testing

from . import scope_walk
from .test_scope_walk import street_b_objects  # noqa: F401 - a fixture, asked for by name

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("static/", "media/")
# Django's admin login redirects a signed-in GET to the admin index, but renders the form for
# HEAD ("if request.method == 'GET' and self.has_permission(request)"): Django's own view.
SAME_STATUS_NOT_NEEDED = {"/admin/login/"}


def _page_urls(objects) -> list[str]:
    urls = []
    for route in scope_walk.iter_routes():
        if route.pattern.startswith(SKIPPED_PREFIXES) or "(?P<" in route.pattern:
            continue  # the admin's regex patterns are Django's own
        if route.params:
            make = scope_walk.OBJECT_URLS.get(route.name)
            if make is None:
                continue  # unscoped by design (public, open311): their own tests open them
            urls.append(scope_walk.fill(route.pattern, make(objects)))
        else:
            urls.append(scope_walk.fill(route.pattern, {}))
    return urls


def _api_urls(objects) -> list[str]:
    from shegong.api import api

    urls = []
    for path, operations in api.get_openapi_schema()["paths"].items():
        if "get" not in operations:
            continue
        if "{" in path:
            make = scope_walk.API_OBJECT_PATHS.get(path)
            if make is None:
                continue
            path = path.format(**make(objects))
        urls.append(path)
    return urls


def head_refusals(client, urls: list[str]) -> list[str]:
    """Every URL whose HEAD answer differs from its GET answer's status, or carries a body."""
    wrong = []
    for url in urls:
        get = client.get(url)
        if get.status_code == 405:
            continue
        head = client.head(url)
        if head.status_code == 405 or (
            head.status_code != get.status_code and url not in SAME_STATUS_NOT_NEEDED
        ):
            wrong.append(f"HEAD {url} → {head.status_code}（GET → {get.status_code}）")
        elif b"".join(head.streaming_content if head.streaming else [head.content]):
            wrong.append(f"HEAD {url} 带有正文")
    return wrong


def test_every_page_and_api_read_answers_head_like_get(client, superuser, request):
    objects = request.getfixturevalue("street_b_objects")  # street B has something of each kind
    urls = _page_urls(objects) + _api_urls(objects)
    assert len(urls) > 100
    client.force_login(superuser)
    assert head_refusals(client, urls) == []
    assert head_refusals(Client(), urls) == []


def test_a_view_that_writes_on_post_takes_head_for_a_get(client, district):
    """A view showing a page on GET and writing on POST must not take HEAD for a POST: HEAD is
    exempt from the CSRF check. The scanned check-in page records a visit on POST only."""
    from shegong.stations.models import Visit
    from shegong.stations.qr import checkin_token
    from shegong.stations.tests.visit_fixtures import station, worker

    rider = worker(district["community_a"])
    place = station("东关驿站", testing.POINT_A)
    client.force_login(rider.person.user)
    response = client.head(f"/m/checkin/{checkin_token(place)}/")
    assert response.status_code == 200
    assert not Visit.objects.exists()


def test_the_walk_reports_a_view_that_refuses_head(client, superuser):
    """A test of the test: a GET-only view is caught."""
    from django.http import HttpResponse
    from django.test import override_settings
    from django.urls import clear_url_caches, path
    from django.views.decorators.http import require_GET

    import shegong.urls

    @require_GET
    def get_only(request):
        return HttpResponse("ok")

    class Urls:
        urlpatterns = [path("get-only/", get_only), *shegong.urls.urlpatterns]

    client.force_login(superuser)
    with override_settings(ROOT_URLCONF=Urls):
        clear_url_caches()
        try:
            assert head_refusals(client, ["/get-only/"]) == ["HEAD /get-only/ → 405（GET → 200）"]
        finally:
            clear_url_caches()
