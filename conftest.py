"""Personas shared by every test (STYLE.md rule 21): a district with two streets A and B.

``street_b_staff`` is the outsider in every scope test: nothing of street A may reach them,
and nothing of street B may reach ``street_a_staff``.
"""

from __future__ import annotations

import pytest

from shegong import testing
from shegong.accounts.models import Department
from shegong.core.perms import Role


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Real hashing costs ~0.3 s per persona; tests check policy, not hash strength."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def client():
    """Django's test client whose ``force_login`` also passes the second factor (required of
    district admins and superusers); ``force_login(user, second_factor=False)`` leaves it owed."""
    return testing.Client()


@pytest.fixture
def district(db):
    return testing.build_district()


@pytest.fixture
def superuser(db):
    from shegong.accounts.models import User

    return User.objects.create_superuser(phone="13900000000", password=testing.PASSWORD)


@pytest.fixture
def district_admin(district):
    return testing.user(Role.DISTRICT_ADMIN, district["district"], name="区管理员")


@pytest.fixture
def street_a_staff(district):
    return testing.user(Role.STREET_STAFF, district["street_a"], name="东城街道干部")


@pytest.fixture
def street_b_staff(district):
    return testing.user(Role.STREET_STAFF, district["street_b"], name="西城街道干部")


@pytest.fixture
def community_a_worker(district):
    return testing.user(Role.COMMUNITY_WORKER, district["community_a"], name="东关社工")


@pytest.fixture
def department_a(district):
    return Department.objects.create(code="cgj", name="城管局", region=district["district"])


@pytest.fixture
def handler(district, department_a):
    return testing.user(
        Role.DEPARTMENT_HANDLER, district["district"], name="城管处置员", department=department_a
    )


@pytest.fixture
def resident(district):
    return testing.user(Role.RESIDENT, district["community_a"], name="东关居民")


@pytest.fixture(autouse=True)
def _calendar_read_afresh():
    """The entered calendar days (core.workdays) and the 随手拍 intake's configuration
    (reports.intake_cache) are kept per process: a test's rolled-back rows must not outlive it,
    so every test starts and ends with the copies forgotten."""
    from shegong.core import workdays
    from shegong.reports import intake_cache

    workdays.invalidate()
    intake_cache.clear()
    yield
    workdays.invalidate()
    intake_cache.clear()


@pytest.fixture(autouse=True)
def _tmp_data_dir(settings, tmp_path_factory):
    """Media and generated files of a test go to a temporary folder, never var/."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture(scope="session", autouse=True)
def _static_files_not_collected(tmp_path_factory):
    """Pages link the plain static names in every test, whatever var/static holds (a developer's
    `shegong serve` collects there): the tests of the collection make their own
    (core/tests/test_staticfiles.py, testing.collected_static)."""
    from django.test import override_settings

    with override_settings(STATIC_ROOT=tmp_path_factory.mktemp("static-root")):
        yield


@pytest.fixture(autouse=True)
def _still_rate_clock(monkeypatch):
    """Rate-limit windows are fixed (core.limits): a test whose requests straddled a window's
    end would see its count start again. So their clock stands still, 30 s into a minute (and
    into every longer window), unless a test moves it itself."""
    from shegong.core import limits

    monkeypatch.setattr(limits, "now", lambda: 1_800_000_030.0)


@pytest.fixture
def redis_limits(settings):
    """Rate-limit counters in the Redis on 127.0.0.1:6379 (skipped without one), under a key
    prefix of this test's own; only those keys are deleted afterwards (never FLUSHDB: the
    server may be shared)."""
    import uuid

    redis = pytest.importorskip("redis")
    url = "redis://127.0.0.1:6379/15"
    server = redis.Redis.from_url(url)
    try:
        server.ping()
    except redis.ConnectionError:
        pytest.skip("no Redis on 127.0.0.1:6379")
    prefix = f"shegong-test-{uuid.uuid4().hex}"
    settings.SHEGONG_REDIS_URL = url
    settings.CACHES = {
        **settings.CACHES,
        "limits": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": url,
            "KEY_PREFIX": prefix,
        },
    }
    yield server
    keys = list(server.scan_iter(f"{prefix}:*"))
    if keys:
        server.delete(*keys)


@pytest.fixture(scope="session", autouse=True)
def _flush_lifts_the_audit_guards():
    """A transactional test ends with a flush, which DELETEs (SQLite) or TRUNCATEs (PostgreSQL)
    every table: the audit tables' triggers refuse that (core migration 0006), so the flush drops
    them first and creates them again after, in its own transaction."""
    import importlib

    from django.db.backends.base.operations import BaseDatabaseOperations

    guards = importlib.import_module("shegong.core.migrations.0006_audit_hash_chain")
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        vendor = self.connection.vendor
        drop, create = guards.drop_statements(vendor), guards.CREATE.get(vendor, [])
        return original(self, [*drop, *sql_list, *create])

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush
    yield
    BaseDatabaseOperations.execute_sql_flush = original
