"""Small explicit builders for tests and benchmarks (STYLE.md rule 21)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.test import Client as DjangoClient

from shegong.accounts.models import Department, Membership, User
from shegong.core.perms import Role
from shegong.regions.models import Region

PASSWORD = "Shegong#2026"


def rect(lat0: float, lon0: float, lat1: float, lon1: float) -> dict[str, Any]:
    """A GeoJSON rectangle (coordinates are [lon, lat])."""
    return {
        "type": "Polygon",
        "coordinates": [[[lon0, lat0], [lon1, lat0], [lon1, lat1], [lon0, lat1], [lon0, lat0]]],
    }


def region(code: str, name: str, level: str, parent: Region | None = None, box=None) -> Region:
    boundary = rect(*box) if box else None
    centroid = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2) if box else (None, None)
    return Region.objects.create(
        code=code,
        name=name,
        level=level,
        parent=parent,
        boundary=boundary,
        centroid_lat=centroid[0],
        centroid_lon=centroid[1],
    )


def build_district() -> dict[str, Region]:
    """示范区 with two streets, one community and one grid each, as rectangles near 32.9N 115.8E.

    Street A (东城街道) is the western half, street B (西城街道) the eastern half.
    """
    province = region("340000000000", "安徽省", "province")
    city = region("341200000000", "阜阳市", "city", province)
    district = region("341271000000", "示范区", "district", city, (32.80, 115.70, 33.00, 115.90))
    street_a = region(
        "341271001000", "东城街道", "street", district, (32.80, 115.70, 33.00, 115.80)
    )
    street_b = region(
        "341271002000", "西城街道", "street", district, (32.80, 115.80, 33.00, 115.90)
    )
    community_a = region(
        "341271001001", "东关社区", "community", street_a, (32.85, 115.72, 32.95, 115.78)
    )
    community_b = region(
        "341271002001", "西关社区", "community", street_b, (32.85, 115.82, 32.95, 115.88)
    )
    grid_a = region(
        "341271001001001", "东关社区第一网格", "grid", community_a, (32.85, 115.72, 32.90, 115.78)
    )
    grid_b = region(
        "341271002001001", "西关社区第一网格", "grid", community_b, (32.85, 115.82, 32.90, 115.88)
    )
    return {
        "province": province,
        "city": city,
        "district": district,
        "street_a": street_a,
        "street_b": street_b,
        "community_a": community_a,
        "community_b": community_b,
        "grid_a": grid_a,
        "grid_b": grid_b,
    }


def add_namesakes(district: dict[str, Region]) -> dict[str, Region]:
    """Beside ``build_district``, for regions named in imports: 鼓楼社区 under 东城街道, a
    second 东关社区 under 西城街道, and 清河社区 of 北关街道 in another district (outside the
    scope of every persona of ``build_district``)."""
    other = region("341272000000", "另一区", "district", district["city"])
    other_street = region("341272001000", "北关街道", "street", other)
    return {
        "gulou": region("341271001002", "鼓楼社区", "community", district["street_a"]),
        "dongguan_b": region("341271002002", "东关社区", "community", district["street_b"]),
        "other_district": other,
        "qinghe": region("341272001001", "清河社区", "community", other_street),
    }


# Far from the demos' numbers (13600…–13800003…): a test that loads a demo after making a few
# hundred users must not find one of them under a demo account's phone.
_phone_counter = iter(range(13880000001, 13899999999))


def user(
    role: Role | str,
    region: Region,
    *,
    name: str = "测试用户",
    phone: str | None = None,
    department: Department | None = None,
    must_change_password: bool = False,
    **extra: Any,
) -> User:
    """An account holding one role in one region, with the shared test password."""
    account = User.objects.create_user(
        phone=phone or str(next(_phone_counter)),
        password=PASSWORD,
        name=name,
        must_change_password=must_change_password,
        **extra,
    )
    Membership.objects.create(user=account, role=role, region=region, department=department)
    return account


def report_category(code: str = "road-damage", name: str = "道路破损", **fields: Any) -> Any:
    """A 随手拍 category with the default clock (respond in 24 h, resolve in 5 working days)."""
    from shegong.reports.models import Category

    fields.setdefault("group", "公共设施")
    return Category.objects.create(service_code=code, name=name, **fields)


def routing_rule(category: Any, region: Region, department: Department) -> Any:
    from shegong.reports.models import RoutingRule

    return RoutingRule.objects.create(category=category, region=region, department=department)


# A point inside grid_a (street A) and one inside grid_b (street B) of build_district().
POINT_A = (32.87, 115.75)
POINT_B = (32.87, 115.85)


# --- volunteers (C6) -------------------------------------------------------------------------

_id_counter = iter(range(1, 999_999))


def id_number(birth: str = "19900101", region: str = "341202") -> str:
    """A valid GB 11643 ID number (checksum right), unique per call within a test run."""
    from stdnum.cn import ric

    body = f"{region}{birth}{next(_id_counter) % 1000:03d}"
    return body + ric.calc_check_digit(body + "0")


def volunteer(
    region: Region, *, name: str = "测试志愿者", birth: str = "19900101", account: Any = None,
    **fields: Any,
) -> Any:  # fmt: skip
    """A registered, consenting volunteer (a ledger Person + a Volunteer profile) — written
    directly, for tests of what comes after registration. Consenting to both notices: the
    registration one and the separate one to the check-in location (pass
    ``location_consent_at=None`` for a volunteer who has not given it)."""
    from django.utils import timezone

    from shegong.ledger.models import Person
    from shegong.volunteers.consent import LOCATION_CONSENT_VERSION
    from shegong.volunteers.models import Volunteer

    person = Person.objects.create(
        name=name, id_number=id_number(birth), region=region, user=account,
        phone=getattr(account, "phone", "") or "",
    )  # fmt: skip
    fields.setdefault("consent_version", "test")
    fields.setdefault("consent_at", timezone.now())
    fields.setdefault("location_consent_at", timezone.now())
    if fields["location_consent_at"] is not None:
        fields.setdefault("location_consent_version", LOCATION_CONSENT_VERSION)
    number = f"{region.code[:6]}{person.pk:08d}"
    return Volunteer.objects.create(person=person, number=number, region=region, **fields)


def team(region: Region, *, name: str = "测试志愿服务队", leader: Any = None, **fields: Any) -> Any:
    """A team, with ``leader`` (a Volunteer) as its current 负责人 if given."""
    from shegong.volunteers.models import Team, TeamMember

    created = Team.objects.create(name=name, region=region, **fields)
    if leader is not None:
        TeamMember.objects.create(team=created, volunteer=leader, role="leader")
    return created


def seal_png(size: int = 200, colour: tuple[int, int, int] = (200, 20, 20)) -> bytes:
    """A seal-like PNG: a red ring on white (a fake seal for tests and the demo)."""
    import io

    from PIL import Image, ImageDraw

    image = Image.new("RGB", (size, size), "white")
    draw = ImageDraw.Draw(image)
    draw.ellipse((8, 8, size - 8, size - 8), outline=colour, width=max(size // 20, 3))
    draw.regular_polygon((size // 2, size // 2, size // 6), 5, fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def certificate_issuer(
    *, organization: Any = None, region: Any = None, name: str = "", head_name: str = "吴负责人",
    handler_name: str = "郑经办", phone: str = "0551-6000009",
) -> Any:  # fmt: skip
    """A complete issuer profile (seal image, both names) of a registered organization or of a
    street/community office."""
    from django.core.files.base import ContentFile

    from shegong.volunteers.models import CertificateIssuer

    issuer = CertificateIssuer(
        organization=organization, region=region,
        name=name or getattr(organization, "name", "") or f"{region.name}办公室",
        head_name=head_name, handler_name=handler_name, phone=phone,
    )  # fmt: skip
    issuer.seal.save("seal.png", ContentFile(seal_png()), save=False)
    issuer.save()
    return issuer


def registered_org(
    region: Region, name: str = "东关助老服务队", credit_code: str = "52341202MJ0000001A"
) -> Any:
    """A registered social organization (with a 统一社会信用代码) and its complete issuer
    profile: a team linked to it may issue 志愿服务记录证明."""
    from shegong.ledger.models import Organization

    org = Organization.objects.create(
        kind="social_org", name=name, region=region, credit_code=credit_code
    )
    certificate_issuer(organization=org)
    return org


def publicity_over(req: Any) -> Any:
    """End the internal 公示 of a certificate request now (a queryset update: tests only)."""
    from datetime import timedelta

    from django.utils import timezone

    from shegong.volunteers.models import CertificateRequest

    ends = timezone.now() - timedelta(seconds=1)
    CertificateRequest.objects.filter(pk=req.pk).update(publicity_ends_at=ends)
    req.publicity_ends_at = ends
    return req


def issued_certificate(
    volunteer: Any, team: Any, period_start: Any, period_end: Any, actor: Any, note: str = "",
    *, purpose: str = "评优",
) -> Any:  # fmt: skip
    """A certificate issued the only way there is (民发〔2015〕149号): a request registered by
    ``actor`` on the volunteer's behalf, its internal 公示 ended (moved into the past), issued."""
    from shegong.volunteers.actions import certificate_requests, certificates

    req = certificate_requests.register_for_publicity(
        volunteer, team, actor=actor, period_start=period_start, period_end=period_end,
        purpose=purpose,
    )  # fmt: skip
    publicity_over(req)
    return certificates.issue(volunteer, team, period_start, period_end, actor, note, request=req)


def activity(
    team: Any, *, title: str = "测试志愿服务活动", starts_at: Any = None, hours: float = 3,
    quota: int = 10, point: tuple[float, float] = POINT_A, status: str = "published",
    **fields: Any,
) -> Any:  # fmt: skip
    """A published activity with one shift spanning it (``starts_at`` defaults to an hour ago,
    so check-in is open now)."""
    from datetime import timedelta

    from django.utils import timezone

    from shegong.volunteers.models import Activity, Shift

    starts_at = starts_at or timezone.now() - timedelta(hours=1)
    ends_at = starts_at + timedelta(hours=hours)
    fields.setdefault("category", "community")
    created = Activity.objects.create(
        title=title, team=team, region=team.region, address=f"{title}地点",
        lat=point[0], lon=point[1], starts_at=starts_at, ends_at=ends_at, status=status,
        published_at=timezone.now() if status == "published" else None, **fields,
    )  # fmt: skip
    Shift.objects.create(activity=created, starts_at=starts_at, ends_at=ends_at, quota=quota)
    return created


# --- second factor ---------------------------------------------------------------------------


def totp_device(account: User) -> Any:
    """The account's confirmed authenticator (made if it has none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=account, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=account, name="测试验证器", confirmed=True)


def totp_code(device: Any, *, at: float | None = None) -> str:
    """The code the device's app shows now (or at the unix time ``at``)."""
    from django_otp.oath import TOTP

    clock = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    if at is not None:
        clock.time = at
    return f"{clock.token():0{device.digits}d}"


def mark_second_factor_passed(client: Any, account: User) -> None:
    """Make a test client's session pass the second factor, as the code page does, for an
    account that needs one (a district admin, a superuser, or anyone enrolled)."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from shegong.accounts import twofactor

    if twofactor.pending_step(account) is None:
        return
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = totp_device(account).persistent_id
    session.pop(twofactor.SECOND_FACTOR_PENDING_KEY, None)
    session.save()


class Client(DjangoClient):
    """The test client of every test (the ``client`` fixture): ``force_login`` also passes the
    second factor, so tests of a district admin's or a superuser's pages need no code step.
    ``force_login(user, second_factor=False)`` leaves it owed, for the tests of that step."""

    def force_login(
        self, user: Any, backend: str | None = None, second_factor: bool = True
    ) -> None:
        super().force_login(user, backend)
        if second_factor:
            mark_second_factor_passed(self, user)


def browser_log_in(page: Any, phone: str, password: str = PASSWORD) -> None:
    """Log in through the login page; an account that needs the second factor gets an
    authenticator (if it has none) and types its current code on the code page."""
    from shegong.accounts import twofactor

    account = User.objects.filter(phone=phone).first()
    device = None
    if account is not None and account.check_password(password):
        if twofactor.is_required(account) or twofactor.confirmed_totp(account):
            device = totp_device(account)
    page.goto("/accounts/login/")
    page.get_by_label("手机号").fill(phone)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登 录").click()
    if device is not None:
        # A code is accepted once per 30 s step: let this login reuse the current one.
        type(device).objects.filter(pk=device.pk).update(last_t=-1)
        page.wait_for_url("**/accounts/login/verify/**")
        page.get_by_label("验证码").fill(totp_code(device))
        page.get_by_role("button", name="验 证").click()


def todo_of(user: Any, key: str) -> dict[str, Any] | None:
    """The workbench's to-do ``key`` as ``user`` sees it ({label, count, url, …}), or None when
    it is not shown to them (not theirs, or nothing to do)."""
    from shegong.web.todos import todos_for

    return next((t for t in todos_for(user) or [] if t["key"] == key), None)


def forget_process_memory() -> None:
    """Empty every cache held in this process's memory, as a freshly started web process would
    have them; a shared cache (Redis) is left alone, as it would be."""
    from django.core.cache import caches
    from django.core.cache.backends.locmem import LocMemCache

    from shegong.reports import intake_cache

    for cache in caches.all():
        if isinstance(cache, LocMemCache):
            cache.clear()
    intake_cache.clear()


def collected_static() -> Any:
    """A complete, current collection of the static files (hashed names, gzip and brotli), for
    tests that start ``shegong serve`` or measure what a browser downloads. Collected once into
    ``<data dir>/test-static`` and reused while the sources are unchanged: a collection takes
    10-30 s (brotli at its best quality), too long to pay in every such test. A lock makes
    concurrent test processes wait for one collection instead of each making its own."""
    import fcntl
    import os
    import subprocess
    import sys

    from django.conf import settings

    from shegong.core.staticfiles import is_current

    root = settings.DATA_DIR / "test-static"
    root.mkdir(exist_ok=True)
    with open(settings.DATA_DIR / "test-static.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not is_current(root):
            env = {**os.environ, "SHEGONG_STATIC_ROOT": str(root)}
            subprocess.run(
                [sys.executable, "-m", "shegong.cli", "collectstatic", "--noinput", "-v", "0"],
                env=env, check=True, timeout=600,
            )  # fmt: skip
    return root


def migrated_sqlite() -> Any:
    """A migrated SQLite database file to copy (never to open for writing), for tests and
    benchmarks that start processes of their own on a fresh database. Migrating one takes
    30-45 s on SQLite; the file is made once per migration state — named by a hash of every
    installed app's migration files — in the data directory, and a lock makes concurrent test
    processes wait for one migration instead of each running its own."""
    import contextlib
    import fcntl
    import hashlib
    import os
    import sqlite3
    import subprocess
    import sys

    from django.apps import apps
    from django.conf import settings

    digest = hashlib.sha256()
    for config in sorted(apps.get_app_configs(), key=lambda c: c.label):
        for path in sorted((Path(config.path) / "migrations").glob("*.py")):
            digest.update(f"{config.label}/{path.name}".encode())
            digest.update(path.read_bytes())
    target = settings.DATA_DIR / f"test-migrated-{digest.hexdigest()[:16]}.sqlite3"
    with open(settings.DATA_DIR / "test-migrated.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not target.exists():
            folder = settings.DATA_DIR / "test-migrated-work"
            folder.mkdir(exist_ok=True)
            fresh = folder / "migrating.sqlite3"
            for leftover in folder.glob("migrating.sqlite3*"):
                leftover.unlink()
            env = {**os.environ, "SHEGONG_DATA_DIR": str(folder),
                   "SHEGONG_DATABASE_URL": f"sqlite:///{fresh}"}  # fmt: skip
            subprocess.run(
                [sys.executable, "-m", "shegong.cli", "migrate", "-v", "0"],
                env=env, check=True, timeout=600,
            )  # fmt: skip
            # Fold the write-ahead log into the file, so the one file is the whole database.
            with contextlib.closing(sqlite3.connect(fresh)) as conn:
                conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
                conn.execute("PRAGMA journal_mode=DELETE")
            os.replace(fresh, target)
    return target


# --- matching (C7) ---------------------------------------------------------------------------


def match_catalogue() -> None:
    """The default catalogue and skills, back after a transactional test (a browser test's live
    server) flushed what the data migrations wrote."""
    from shegong.matching.catalogue import install_defaults
    from shegong.matching.models import CatalogueItem, Category
    from shegong.volunteers.choices import DEFAULT_SKILLS
    from shegong.volunteers.models import Skill

    if Category.objects.exists():
        return
    for order, (code, name, needs_certificate) in enumerate(DEFAULT_SKILLS, start=1):
        Skill.objects.get_or_create(
            code=code,
            defaults={"name": name, "order": order, "needs_certificate": needs_certificate},
        )
    install_defaults(Category, CatalogueItem, Skill)


def match_offer(
    region: Region, category: str = "meals", *, helper: Any = None, volunteer: Any = None,
    name: str = "测试服务方", status: str = "approved", **fields: Any,
) -> Any:  # fmt: skip
    """An approved supply-list offer of ``category`` (a code of the default catalogue) in a
    community, received by ``helper`` (an account), written directly."""
    from shegong.matching.models import Category, Offer

    match_catalogue()
    fields.setdefault("provider_kind", "volunteer" if volunteer is not None else "team")
    return Offer.objects.create(
        region=region, category=Category.objects.get(code=category), title=f"{name}的服务",
        provider_name=name, helper=helper, volunteer=volunteer, status=status, **fields,
    )  # fmt: skip


def match_order(
    actor: Any, region: Region, category: str = "meals", *, hours_from_now: float = 2,
    length_hours: float = 2, point: tuple[float, float] | None = POINT_A, **fields: Any,
) -> Any:  # fmt: skip
    """An order placed through the action (待审核), its window starting ``hours_from_now``."""
    from datetime import timedelta

    from django.utils import timezone

    from shegong.matching.actions import orders
    from shegong.matching.models import Category

    match_catalogue()
    start = timezone.now() + timedelta(hours=hours_from_now)
    fields.setdefault("description", "需要帮助")
    return orders.place(
        actor, region=region, category=Category.objects.get(code=category), window_start=start,
        window_end=start + timedelta(hours=length_hours),
        lat=point[0] if point else None, lon=point[1] if point else None, **fields,
    )  # fmt: skip


def deliberation_categories() -> None:
    """The default topic categories, back after a transactional test flushed the migration's."""
    from shegong.deliberation.categories import install_defaults
    from shegong.deliberation.models import TopicCategory

    install_defaults(TopicCategory)


def community_fund(
    community: Region, *, host_region: Region | None = None, name: str = "东关社区慈善基金",
    balance: Any = None, members: int = 5,
) -> Any:  # fmt: skip
    """An active community fund (社区慈善基金) of ``community`` hosted by a charity of its district,
    its agreement filled, a committee of ``members`` (one supervisor); with ``balance``, a cash
    donation of that amount."""
    from shegong.grants.actions import funds, ledger

    host = funds.save_host(
        None, name="示范区慈善会", region=host_region or community.code[:6] + "000000",
        account_name="示范区慈善会", bank="示范农商银行", account_no="6200001234",
        receipt_prefix="CSH",
    )  # fmt: skip
    fund = funds.create_fund(
        None, host=host, region=community, name=name, purpose="扶老助困、社区公益",
        use_scope="本社区公益项目", termination_terms="连续一年无收支或协议到期",
        leftover_terms="转入示范区慈善会同类公益项目",
    )  # fmt: skip
    roles = ["chair", "supervisor"] + ["member"] * (members - 2)
    for i, role in enumerate(roles):
        funds.add_member(None, fund, name=f"委员{i + 1}", role=role, unit="东关社区居民")
    funds.activate(None, fund)
    if balance is not None:
        ledger.record_donation(
            None, fund, kind="cash", donor_name="爱心企业", donor_kind="company",
            amount_value=balance,
        )  # fmt: skip
    fund.refresh_from_db()
    return fund
