"""The 随手拍 submission's hot path (issue 20): one transaction, a pinned number of queries, the
answer built from what was just written, the configuration cached per process and still seen
at once when it changes, and a concurrent request with the same key answered with the first."""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from shegong import testing
from shegong.accounts import actions as account_actions
from shegong.core import idempotency
from shegong.core.models import IdempotencyRecord
from shegong.reports import intake_cache
from shegong.reports.choices import Status
from shegong.reports.models import Report, ReportEvent, ResponseTemplate, RoutingRule

from .test_pages_mobile import submit as submit_form

pytestmark = pytest.mark.django_db

URL = "/api/v1/reports"
LAT, LON = testing.POINT_A
# Token check, key lookup, the caller's membership, the rate counter, locating the point; then
# the transaction: the case, 2 timeline rows, 2 audit entries (each reads the chain's last
# hash), the transfer's update and assignment, the department's members, 2 notifications and
# the stored answer; on PostgreSQL each audit entry also takes the chain's advisory lock. Not
# counted: opening and closing the transaction.
MAX_QUERIES = {"sqlite": 19, "postgresql": 21}
TRANSACTION = ("BEGIN", "COMMIT", "SAVEPOINT", "RELEASE SAVEPOINT")


@pytest.fixture
def token(rider):
    _, key = account_actions.create_token(rider, actor=rider, name="随手拍App")
    return key


def post(client, token, body, key=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    if key is not None:
        headers["HTTP_IDEMPOTENCY_KEY"] = key
    return client.post(URL, json.dumps(body), content_type="application/json", **headers)


def body_for(category, **fields):
    return {"category": category.service_code, "description": "井盖缺失，夜间危险",
            "lat": LAT, "lon": LON, **fields}  # fmt: skip


def test_a_submission_is_one_transaction_with_a_pinned_number_of_queries(
    client, rider, token, category, handler
):
    post(client, token, body_for(category), key=str(uuid.uuid4()))  # the caches are warm
    with CaptureQueriesContext(connection) as queries:
        response = post(client, token, body_for(category), key=str(uuid.uuid4()))
    assert response.status_code == 201, response.content
    sql = [q["sql"] for q in queries.captured_queries]
    statements = [s for s in sql if not s.startswith(TRANSACTION)]
    assert len(statements) <= MAX_QUERIES[connection.vendor], "\n".join(statements)
    # One transaction (a savepoint inside the test's own; PostgreSQL does not log its BEGIN).
    opened = [s for s in sql if s.startswith(("BEGIN", "SAVEPOINT"))]
    assert len(opened) == 1, "\n".join(sql)
    # The answer is stored in the submission's transaction, not after it.
    inserts = [i for i, s in enumerate(sql) if s.startswith('INSERT INTO "core_idempotencyrecord"')]
    cases = [i for i, s in enumerate(sql) if s.startswith('INSERT INTO "reports_report"')]
    assert len(inserts) == len(cases) == 1 and cases[0] < inserts[0]
    assert not any(s.startswith('UPDATE "core_idempotencyrecord"') for s in sql)
    # The audit entries are the last writes: the chain's lock is held until the commit.
    writes = [s.split(" (")[0] for s in statements if s.startswith(("INSERT", "UPDATE"))]
    audits = [i for i, w in enumerate(writes) if w == 'INSERT INTO "core_auditevent"']
    assert audits == [len(writes) - 2, len(writes) - 1], writes


def test_the_answer_built_from_memory_is_what_the_case_reads_back(
    client, rider, token, category, handler
):
    ResponseTemplate.objects.create(
        status=Status.TRANSFERRED, title="受理回复", text="{{ department }}已受理", auto=True
    )
    created = post(client, token, body_for(category, attributes={}), key="k-1")
    assert created.status_code == 201, created.content
    body = created.json()
    detail = client.get(f"{URL}/{body['id']}", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert body == detail.json()
    assert [e["kind"] for e in body["events"]] == ["submitted", "transferred", "note"]
    assert body["departments"] == [
        {"department": {"code": "cgj", "name": "城管局"}, "role": "lead", "role_label": "主办"}
    ]
    replay = post(client, token, body_for(category, attributes={}), key="k-1")
    assert replay["Idempotent-Replayed"] == "true" and replay.content == created.content


def test_a_change_of_routing_or_category_is_seen_by_the_next_submission(
    client, rider, token, category, department_a, department_b, district
):
    first = post(client, token, body_for(category))
    assert first.json()["lead_department"]["code"] == department_a.code
    rule = RoutingRule.objects.get(category=category)
    rule.department = department_b
    rule.save()
    second = post(client, token, body_for(category))
    assert second.json()["lead_department"]["code"] == department_b.code
    department_b.is_active = False
    department_b.save()
    third = post(client, token, body_for(category))
    assert third.json()["status"] == Status.SUBMITTED  # no active rule: the dispatch desk
    category.is_active = False
    category.save()
    refused = post(client, token, body_for(category))
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["field"] == "category"


def test_the_cache_forgets_after_its_time_in_another_process(category, monkeypatch):
    """A save in another process sends no signal here: the copy is dropped after TTL_SECONDS."""
    assert intake_cache.active_category(category.service_code) is not None
    type(category).objects.filter(pk=category.pk).update(is_active=False)  # no signal
    assert intake_cache.active_category(category.service_code) is not None
    clock = intake_cache.time.monotonic() + intake_cache.TTL_SECONDS + 1
    monkeypatch.setattr(intake_cache.time, "monotonic", lambda: clock)
    assert intake_cache.active_category(category.service_code) is None


def test_a_concurrent_request_with_the_same_key_rolls_back_whole_and_replays_the_first(
    client, rider, token, category, monkeypatch
):
    """The race, made certain: the second request's look-up misses the key (the first has not
    committed yet); when it writes the key, the first one's row is there."""
    first = post(client, token, body_for(category), key="k-race")
    assert first.status_code == 201
    monkeypatch.setattr(idempotency, "lookup", lambda owner, key: None)
    events = ReportEvent.objects.count()
    second = post(client, token, body_for(category), key="k-race")
    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true" and second.content == first.content
    assert Report.objects.count() == 1  # the second case rolled back with its key
    assert ReportEvent.objects.count() == events
    other = post(client, token, body_for(category, description="另一件事"), key="k-race")
    assert other.status_code == 422  # same key, another body


def test_the_h5_form_writes_its_token_with_the_case_and_a_racing_double_tap_replays(
    client, rider, category, monkeypatch
):
    client.force_login(rider)
    token = str(uuid.uuid4())
    first = submit_form(client, category, token=token)
    assert first.status_code == 302
    record = IdempotencyRecord.objects.get(key=f"m-report:{token}")
    case = Report.objects.get()
    assert (record.status_code, bytes(record.response_body)) == (303, str(case.pk).encode())
    monkeypatch.setattr(idempotency, "lookup", lambda owner, key: None)
    second = submit_form(client, category, token=token)
    assert second.status_code == 302 and second["Location"] == first["Location"]
    assert Report.objects.count() == 1
