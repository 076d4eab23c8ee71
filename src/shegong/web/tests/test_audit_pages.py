"""The audit search page: scope, filters, paging, export, detail, and no way to edit."""

from __future__ import annotations

import html
import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from python_calamine import CalamineWorkbook

from shegong import testing
from shegong.core import audit
from shegong.core.audit import Verb
from shegong.core.models import AuditEvent

SHANGHAI = ZoneInfo("Asia/Shanghai")


def event(region, label, verb=Verb.REGION_UPDATED, *, at=None, success=True, data=None):
    fields = {"at": at} if at else {}
    return AuditEvent.objects.create(
        verb=int(verb),
        actor_label=label,
        region_id=region.code if region else None,
        success=success,
        data=data or {},
        **fields,
    )


@pytest.fixture
def two_streets(district):
    return {
        "a": event(district["grid_a"], "东城操作员"),
        "b": event(district["street_b"], "西城操作员"),
        "platform": event(None, "平台操作员", Verb.AUDIT_PURGED),
    }


def get_list(client, user, **params):
    client.force_login(user)
    return client.get(reverse("audit:list"), params)


def test_a_street_sees_only_its_own_street(client, street_b_staff, two_streets):
    page = get_list(client, street_b_staff).content.decode()
    assert "西城操作员" in page
    assert "东城操作员" not in page
    assert "平台操作员" not in page


def test_regionless_events_are_for_platform_admins_only(
    client, district_admin, superuser, street_a_staff, two_streets
):
    assert "平台操作员" in get_list(client, district_admin).content.decode()
    assert "平台操作员" in get_list(client, superuser).content.decode()
    assert "平台操作员" not in get_list(client, street_a_staff).content.decode()


def test_a_district_admin_acting_in_a_street_is_a_street_user(client, district, two_streets):
    from shegong import testing
    from shegong.core.perms import Role

    admin_in_b = testing.user(Role.DISTRICT_ADMIN, district["street_b"], name="西城区管员")
    page = get_list(client, admin_in_b).content.decode()
    assert "西城操作员" in page
    assert "平台操作员" not in page
    assert "东城操作员" not in page


def test_it_filters_by_verb(client, district_admin, district):
    event(district["street_a"], "登录的人", Verb.REPORT_SUBMITTED)
    event(district["street_a"], "改密的人", Verb.REPORT_ACCEPTED)
    page = get_list(client, district_admin, verb=int(Verb.REPORT_SUBMITTED)).content.decode()
    assert "登录的人" in page
    assert "改密的人" not in page


def test_dates_are_whole_days_in_shanghai(client, district_admin, district):
    # 23:30 in Shanghai on the 11th is 15:30 UTC on the 11th; 00:30 on the 12th is the 11th UTC.
    event(district["street_a"], "十日", at=datetime(2025, 1, 10, 12, 0, tzinfo=SHANGHAI))
    event(district["street_a"], "十一日深夜", at=datetime(2025, 1, 11, 23, 30, tzinfo=SHANGHAI))
    event(district["street_a"], "十二日凌晨", at=datetime(2025, 1, 12, 0, 30, tzinfo=SHANGHAI))
    page = get_list(
        client, district_admin, date_from="2025-01-11", date_to="2025-01-11"
    ).content.decode()
    assert "十一日深夜" in page
    assert "十日" not in page.replace("十一日", "")
    assert "十二日凌晨" not in page


def test_it_filters_by_actor_object_region_and_result(client, district_admin, district):
    event(district["grid_a"], "张三（138****0001）", success=False)
    event(district["grid_b"], "李四（138****0002）")
    assert "李四" not in get_list(client, district_admin, actor="张三").content.decode()
    failed = get_list(client, district_admin, success="0").content.decode()
    assert "张三" in failed and "李四" not in failed
    in_b = get_list(client, district_admin, region=district["street_b"].code).content.decode()
    assert "李四" in in_b and "张三" not in in_b
    audit.record(Verb.REGION_CREATED, actor=district_admin, target=district["grid_a"])
    by_object = get_list(client, district_admin, target="东关社区第一网格").content.decode()
    assert "新增区划" in by_object and "李四" not in by_object


def test_the_actor_filter_matches_a_whole_phone_number_only(client, district_admin, street_a_staff):
    audit.record(
        Verb.REPORT_SUBMITTED,
        actor=street_a_staff,
        target=street_a_staff,
        region=street_a_staff.active_membership.region,
    )
    label = str(street_a_staff)  # masked: 东*****（138****0002）
    whole = get_list(client, district_admin, actor=street_a_staff.phone).content.decode()
    assert label in whole
    partial = get_list(client, district_admin, actor=street_a_staff.phone[3:7]).content.decode()
    assert label not in partial
    by_name = get_list(client, district_admin, actor="东城街道干部").content.decode()
    assert label in by_name


@pytest.mark.parametrize(
    "params, message",
    [
        ({"date_from": "2025-13-01"}, "开始日期格式应为 YYYY-MM-DD"),
        ({"date_to": "昨天"}, "结束日期格式应为 YYYY-MM-DD"),
        ({"date_from": "2025-02-01", "date_to": "2025-01-01"}, "结束日期不能早于开始日期"),
        ({"region": "341271002000"}, "所选区划不在您的工作范围内"),
        ({"verb": "999"}, "未知的操作类型"),
    ],
)
def test_bad_filters_get_a_chinese_message_and_no_rows(
    client, street_a_staff, district, params, message
):
    event(district["street_a"], "东城操作员")
    page = get_list(client, street_a_staff, **params).content.decode()
    assert message in page
    assert "东城操作员" not in page


def test_paging_keeps_the_filters(client, district_admin, district):
    for i in range(55):
        event(district["street_a"], f"操作员{i}", Verb.REGION_CREATED)
    page = get_list(client, district_admin, verb=int(Verb.REGION_CREATED)).content.decode()
    assert "共 55 条" in page
    assert f"verb={int(Verb.REGION_CREATED)}&amp;page=2" in page


def test_newest_first(client, district_admin, district):
    event(district["street_a"], "较早", at=datetime(2025, 1, 1, tzinfo=SHANGHAI))
    event(district["street_a"], "较晚", at=datetime(2025, 1, 2, tzinfo=SHANGHAI))
    page = get_list(client, district_admin).content.decode()
    assert page.index("较晚") < page.index("较早")


def count_queries(client, user):
    client.force_login(user)
    url = reverse("audit:list")
    client.get(url)  # warm up: session, content types
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_the_list_costs_the_same_queries_for_5_or_50_rows(
    client, district_admin, district, django_assert_max_num_queries
):
    for i in range(5):
        event(district["grid_a"], f"甲{i}")
    few = count_queries(client, district_admin)
    for i in range(45):
        event(district["grid_b"] if i % 2 else None, f"乙{i}")
    many = count_queries(client, district_admin)
    assert few == many
    with django_assert_max_num_queries(many):
        client.get(reverse("audit:list"))


def test_the_detail_shows_the_data_as_a_table_of_chinese_names_never_json(
    client, district_admin, district
):
    team = testing.team(district["community_a"], name="东关志愿服务队")
    with audit.audit_context(via="cli"):
        row = audit.record(
            Verb.TEAM_INCUBATION_CHANGED,
            actor=None,
            target=team,
            data={"changed": {"incubation": ["none", "incubating"]}, "reason": "纳入孵化"},
        )
    client.force_login(district_admin)
    page = html.unescape(client.get(reverse("audit:detail", args=[row.pk])).content.decode())
    table = page[page.index('id="audit-details"') :]
    assert "孵化状态" in table and "未纳入孵化</span> → 孵化中" in table  # field name, labels
    assert "原因" in table and "纳入孵化" in table
    assert "{" not in table and "incubat" not in table and "reason" not in table
    # The object: its Chinese kind and a link to its page, not "(volunteers.team #3)".
    assert "volunteers.team" not in page and "（志愿服务队伍，编号" in page
    assert f'href="{reverse("volunteers:team", args=[team.pk])}"' in page
    assert '<dd class="col-sm-10">命令行</dd>' in page


def test_the_list_names_the_object_kind_and_channel_in_chinese(client, district_admin, district):
    team = testing.team(district["community_a"], name="东关志愿服务队")
    with audit.audit_context(via="cli"):
        audit.record(Verb.TEAM_INCUBATION_CHANGED, actor=None, target=team)
    page = get_list(client, district_admin).content.decode()
    assert "volunteers.team" not in page and "志愿服务队伍" in page and "命令行" in page
    assert f'href="{reverse("volunteers:team", args=[team.pk])}">东关志愿服务队</a>' in page
    # The kind is searched by the name the page shows.
    by_kind = get_list(client, district_admin, target="志愿服务队伍").content.decode()
    assert "东关志愿服务队" in by_kind
    assert "东关志愿服务队" not in get_list(client, district_admin, target="驿站").content.decode()


def test_an_outsider_gets_404_for_another_streets_event(client, street_b_staff, two_streets):
    client.force_login(street_b_staff)
    assert client.get(reverse("audit:detail", args=[two_streets["a"].pk])).status_code == 404
    assert client.get(reverse("audit:detail", args=[999999])).status_code == 404


def test_the_log_offers_no_way_to_change_it(client, district_admin, two_streets):
    client.force_login(district_admin)
    for url in (reverse("audit:list"), reverse("audit:detail", args=[two_streets["a"].pk])):
        assert client.post(url).status_code == 405
        page = client.get(url).content.decode()
        assert "/delete" not in page and "编辑" not in page


def test_roles_without_audit_view_are_refused(client, community_a_worker, resident):
    for user in (community_a_worker, resident):
        client.force_login(user)
        assert client.get(reverse("audit:list")).status_code == 403


def read_export(response):
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    content = b"".join(response.streaming_content)
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return book.get_sheet_by_name("审计日志").to_python()


def test_the_export_holds_exactly_the_filtered_rows(client, street_a_staff, district):
    event(district["grid_a"], "东城登录", Verb.REPORTS_EXPORTED)
    event(district["grid_a"], "东城改密", Verb.REPORT_ACCEPTED, success=False)
    event(district["grid_b"], "西城登录", Verb.REPORTS_EXPORTED)
    client.force_login(street_a_staff)
    before = AuditEvent.objects.count()
    response = client.get(
        reverse("audit:list"), {"verb": int(Verb.REPORTS_EXPORTED), "format": "xlsx"}
    )
    rows = read_export(response)
    assert rows[0][:3] == ["时间", "操作人", "操作"]
    assert [row[1] for row in rows[1:]] == ["东城登录"]
    assert rows[1][2] == "导出工单"
    assert rows[1][6] == district["grid_a"].code
    assert response["X-Export-Rows"] == "1"
    assert "filename*=UTF-8''" in response["Content-Disposition"]
    # Reading (and exporting masked audit rows) writes nothing into the log.
    assert AuditEvent.objects.count() == before


def test_the_export_of_everything_visible_is_scoped(client, street_b_staff, two_streets):
    rows = read_export(get_list(client, street_b_staff, format="xlsx"))
    actors = {row[1] for row in rows[1:]}
    assert "西城操作员" in actors
    assert not actors & {"东城操作员", "平台操作员"}


# --- 三员: the audit administrator reads the whole trail ------------------------------------


def test_only_the_audit_admin_reads_the_security_events_and_every_region(
    client, district, district_admin, superuser, street_a_staff, two_streets
):
    from shegong import testing
    from shegong.core.perms import Role

    login = event(district["grid_a"], "东城登录者", Verb.LOGIN)
    granted = event(district["district"], "授予角色者", Verb.MEMBERSHIP_ADDED)
    auditor = testing.user(Role.AUDIT_ADMIN, district["street_b"], name="审计员")
    page = get_list(client, auditor).content.decode()
    # Every region (even outside the auditor's own street), regionless rows, security events.
    for label in ("东城操作员", "西城操作员", "平台操作员", "东城登录者", "授予角色者"):
        assert label in page
    assert client.get(reverse("audit:detail", args=[login.pk])).status_code == 200

    for reader in (district_admin, superuser, street_a_staff):
        page = get_list(client, reader).content.decode()
        assert "东城操作员" in page  # their scope as before …
        assert "东城登录者" not in page and "授予角色者" not in page  # … without security events
        assert client.get(reverse("audit:detail", args=[granted.pk])).status_code == 404


def test_the_system_and_security_admins_cannot_read_the_audit_trail(client, district):
    from shegong import testing
    from shegong.core.perms import Role

    for role in (Role.SYSTEM_ADMIN, Role.SECURITY_ADMIN):
        admin = testing.user(role, district["district"])
        client.force_login(admin)
        assert client.get(reverse("audit:list")).status_code == 403


def test_the_403_page_ends_the_refusal_with_a_full_stop(client, resident):
    # "您当前的角色没有此操作的权限" + "如需此权限…" ran together without a "。".
    client.force_login(resident)
    response = client.get(reverse("audit:list"))
    assert response.status_code == 403
    text = html.unescape(response.content.decode())
    assert "您当前的角色没有此操作的权限。如需此权限" in text


def test_every_registered_object_page_resolves_and_names_a_real_model():
    from django.apps import apps

    from shegong.core import registry

    assert "volunteers.certificaterequest" in registry.object_pages
    for page in registry.object_pages:
        # "<model>.owner": the page of the app that owns such rows (ledger → socialorgs)
        apps.get_model(page.model.removesuffix(".owner"))  # raises LookupError on a typo
        assert reverse(page.url_name, args=["1"] if page.pk else [])
