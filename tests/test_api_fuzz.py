"""Schemathesis fuzzes every operation of /api/v1/ (issue 12): no answer may be a 5xx, and every
answer must be one the OpenAPI document declares (status code, content type, body schema).

In process and bounded: the schema is read from the WSGI application and every case is sent to
it directly (no server, the test's own database connection), on the small demo district. The
cases go in turn as real users with real bearer tokens (a district admin, a dispatcher, a
department handler, a volunteer who leads a team, a resident, a station worker). Each operation
gets ``EXAMPLES`` cases that fit its schema, two in three of them aimed at real objects (every
path parameter, and about half of the query parameters and body fields, that names an object
then names one that exists), and ``EXAMPLES`` cases that do not fit it. Hypothesis is
derandomized, so a run is reproducible and CI never flakes on a new draw. State-changing
operations run too: they are the ones that 500.

Open311 (/open311/v2/) is plain Django views with no OpenAPI document, so it is not fuzzed
here; reports/tests/test_open311.py covers its wire format.
"""

from __future__ import annotations

import importlib
import itertools
import os
import random
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.cache import cache
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from shegong import testing
from shegong.accounts import actions as account_actions
from shegong.accounts.models import ApiToken, User
from shegong.core import demo
from shegong.core.perms import Role

SCHEMA_PATH = "/api/v1/openapi.json"
# Cases per operation and generation mode; SHEGONG_FUZZ_EXAMPLES=200 digs deeper by hand.
EXAMPLES = int(os.environ.get("SHEGONG_FUZZ_EXAMPLES", "10"))
STATUSES: defaultdict[str, Counter[int]] = defaultdict(Counter)
CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]

# The demo logins the cases are sent as (core.demo / accounts.demo): roles that see much.
IDENTITIES = {
    "district_admin": "13800000001",
    "dispatcher": "13800000013",
    "department_handler": "13800000005",
    "team_leader": "13800000015",
    "resident": "13800000011",
    "station_worker": "13800000010",
}


def _ids(model_path: str, field: str = "pk") -> Callable[[], list[Any]]:
    def load() -> list[Any]:
        from django.apps import apps

        model = apps.get_model(model_path)
        return list(model.objects.order_by(field).values_list(field, flat=True)[:50])

    return load


# Real objects, by the name of the path or query parameter or the body field that names one
# (``code`` names a region or a category, so it is told apart by the path).
REGIONS = _ids("regions.Region", "code")
REAL: dict[str, Callable[[], list[Any]]] = {
    # path parameters
    "token_id": _ids("accounts.ApiToken"),
    "org_id": _ids("ledger.Organization"),
    "person_id": _ids("ledger.Person"),
    "party_org_id": _ids("ledger.PartyOrganization"),
    "report_id": _ids("reports.Report"),
    "station_id": _ids("stations.Station"),
    "volunteer_id": _ids("volunteers.Volunteer"),
    "team_id": _ids("volunteers.Team"),
    "activity_id": _ids("volunteers.Activity"),
    "signup_id": _ids("volunteers.Signup"),
    "request_id": _ids("volunteers.CertificateRequest"),
    "record_id": _ids("volunteers.ServiceRecord"),
    "serial": _ids("volunteers.Certificate", "serial"),
    "index": lambda: [0, 1, 2],
    "/regions/{code}": REGIONS,
    "/reports/categories/{code}": _ids("reports.Category", "service_code"),
    # query parameters and body fields
    "region": REGIONS,
    "parent": REGIONS,
    "parent_code": REGIONS,
    "community": REGIONS,
    "category": _ids("reports.Category", "service_code"),
    "department": _ids("accounts.Department", "code"),
    "team": _ids("volunteers.Team"),
    "activity": _ids("volunteers.Activity"),
    "shift_id": _ids("volunteers.Shift"),
    "into": _ids("reports.Report"),
    "parent_id": _ids("ledger.PartyOrganization"),
    "secretary_id": _ids("ledger.Person"),
    "container_id": _ids("ledger.Organization"),
    "number": _ids("volunteers.Volunteer", "number"),
    "volunteer_number": _ids("volunteers.Volunteer", "number"),
    # points inside the demo district (core.demo.DISTRICT_BOX), for locating and searching
    "lat": lambda: [32.87, 32.95, 33.02],
    "lon": lambda: [115.72, 115.8, 115.91],
    "ids": lambda: [[pk] for pk in _ids("volunteers.ServiceRecord")()],
}


@pytest.fixture
def wsgi_app():
    """Django's WSGI handler, without the per-request connection recycling: the test and the
    requests share the test thread's connection, as Django's own test client does."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def _real_values() -> dict[str, list[Any]]:
    return {name: found for name, load in REAL.items() if (found := load())}


def _for_operation(operation: Any, real: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """The real values of an operation, by name (its path decides what ``code`` names)."""
    path = operation.path.removeprefix("/api/v1")
    return {
        **{name: values for name, values in real.items() if not name.startswith("/")},
        **{p.name: real[path] for p in operation.path_parameters if path in real},
    }


def _aim_at_real_objects(case: Any, real: dict[str, list[Any]], rng: random.Random) -> None:
    """Every path parameter, and about half of the query parameters and body fields, that
    names an object gets a real one."""
    for name in case.path_parameters or {}:
        if name in real:
            case.path_parameters[name] = rng.choice(real[name])
    for container in (case.query, case.body if isinstance(case.body, dict) else None):
        for name in list(container or {}):
            if name in real and rng.random() < 0.5:
                container[name] = rng.choice(real[name])


def _fuzz(
    operation: Any, mode: GenerationMode, tokens: dict[str, str], real: dict[str, list[Any]]
) -> None:
    real = _for_operation(operation, real) if mode is GenerationMode.POSITIVE else {}
    mine = ApiToken.objects.filter(key_hash__in=[ApiToken.hash(t) for t in tokens.values()])
    # Who sends a case and whether it aims at real objects go round in turn (hypothesis, left
    # to draw them, keeps to its simplest choice: the first identity, no real objects).
    identities = itertools.cycle(sorted(tokens))
    turns = itertools.count()
    rng = random.Random(f"{operation.label} {mode.value}")

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        # No shrinking: a failure is reported with its curl as found (and the identity and the
        # real objects of a case depend on its turn, which a shrinking replay changes).
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    def run(case: Any) -> None:
        who = next(identities)
        if real and next(turns) % 3:
            _aim_at_real_objects(case, real, rng)
        mine.update(revoked_at=None)  # a fuzzed DELETE /tokens/{id} may hit our own token
        response = case.call(
            # identity: the in-process WSGI client does not undo the gzip pages and JSON get
            headers={"Authorization": f"Bearer {tokens[who]}", "Accept-Encoding": "identity"}
        )
        STATUSES[f"{operation.label} {mode.value}"][response.status_code] += 1
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except Unsatisfiable:
        # Every parameter of the operation takes any string (GET .../certificates/{serial}/
        # verify): there is no request that breaks its schema to send.
        if mode is not GenerationMode.NEGATIVE:
            raise


def _restore_migration_rows() -> None:
    """The rows the data migrations add (station facilities, volunteer skills), which the demo
    loaders need: a transactional test that ran before this one on the same database flushed
    them away with everything else."""
    from django.apps import apps

    for migration in (
        "shegong.stations.migrations.0002_default_facilities",
        "shegong.volunteers.migrations.0002_default_skills",
    ):
        module = importlib.import_module(migration)
        forwards = module.Migration.operations[0].code
        forwards(apps, None)


@pytest.fixture
def no_submission_limit(settings):
    """No per-reporter limit (reports.limits) in the way of the cases the fuzzer submits."""
    settings.SHEGONG_REPORTS_RATE_LIMIT = 10_000
    cache.clear()
    yield
    cache.clear()


# Real transactions, as in production: every action's durable transaction commits, and a
# database error in one request cannot poison the next one.
@pytest.mark.django_db(transaction=True)
def test_no_operation_answers_a_server_error_or_breaks_its_schema(wsgi_app, no_submission_limit):
    started = time.monotonic()
    _restore_migration_rows()
    demo.load("small")
    tokens = {}
    for role, phone in IDENTITIES.items():
        user = User.objects.get(phone=phone)
        tokens[role] = account_actions.create_token(user, actor=user, name="fuzz")[1]
    schema = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)
    real = _real_values()
    failures = []
    count = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        count += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, tokens, real)
            except BaseException as exc:  # schemathesis raises an exception group
                if isinstance(exc, KeyboardInterrupt | SystemExit):
                    raise
                failures.append(f"== {operation.label} ({mode.value})\n{exc}")
    print(f"fuzzed {count} operations in {time.monotonic() - started:.1f} s")
    if os.environ.get("SHEGONG_FUZZ_STATS"):
        for label, statuses in STATUSES.items():
            print(label, dict(sorted(statuses.items())))
    assert count > 70  # the document was read whole
    assert not failures, "\n\n".join(failures)


def test_the_fuzzer_fails_on_a_server_error(wsgi_app, db, monkeypatch):
    """The net has no hole: an endpoint that raises is caught, whatever the case."""
    user = testing.user(Role.DISTRICT_ADMIN, testing.build_district()["district"])
    tokens = {"admin": account_actions.create_token(user, actor=user, name="fuzz")[1]}
    operation = schemathesis.openapi.from_wsgi(SCHEMA_PATH, wsgi_app)["/api/v1/me"]["GET"]
    _fuzz(operation, GenerationMode.POSITIVE, tokens, {})  # passes as it is

    def broken(self):
        raise RuntimeError("boom")

    monkeypatch.setattr(User, "membership_list", broken)
    with pytest.raises(BaseException, match="Server error"):
        _fuzz(operation, GenerationMode.POSITIVE, tokens, {})
