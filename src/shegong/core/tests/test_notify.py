"""notify(): inbox always, outbox rows in the caller's transaction, robots after commit."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.parse
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.db import transaction
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from shegong.core import channels, deliveries, notify
from shegong.core.models import Delivery, Notification
from shegong.core.tasks import send_deliveries


class RobotServer:
    """A local stand-in for the WeCom / DingTalk webhook: records requests, answers as told."""

    def __init__(self):
        self.requests: list[dict] = []
        self.status = 200
        self.answer = {"errcode": 0, "errmsg": "ok"}
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = self.rfile.read(length)
                parsed = urllib.parse.urlparse(self.path)
                server.requests.append(
                    {
                        "path": parsed.path,
                        "query": urllib.parse.parse_qs(parsed.query),
                        "raw_query": parsed.query,
                        "json": json.loads(body),
                    }
                )
                payload = json.dumps(server.answer).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def robot():
    server = RobotServer()
    yield server
    server.close()


def configure(settings, *items):
    settings.NOTIFY_CHANNELS = json.dumps(list(items), ensure_ascii=False)


def test_it_always_writes_an_inbox_entry(resident, settings):
    settings.NOTIFY_CHANNELS = ""
    notification = notify.notify(resident, "test.hello", {"title": "你好", "body": "欢迎使用"})
    assert Notification.objects.get(recipient=resident).title == "你好"
    assert notification.body == "欢迎使用"
    assert not Delivery.objects.exists()


def test_registered_events_render_title_body_and_link_from_the_context(resident, settings):
    settings.NOTIFY_CHANNELS = ""
    notify.register_event(
        "test.assigned",
        title="新工单：{{ report.title }}",
        body="请在{{ hours }}小时内处理",
        link="/reports/{{ report.pk }}/",
    )
    notification = notify.notify(
        resident, "test.assigned", {"report": {"title": "井盖<缺失>", "pk": 7}, "hours": 24}
    )
    assert notification.title == "新工单：井盖<缺失>"  # plain text, not HTML-escaped
    assert notification.body == "请在24小时内处理"
    assert notification.link == "/reports/7/"


def test_it_sends_to_a_wecom_robot_after_commit(
    resident, settings, robot, django_capture_on_commit_callbacks
):
    configure(settings, {"name": "区社工部群", "kind": "wecom", "url": f"{robot.url}/wecom"})
    with django_capture_on_commit_callbacks(execute=True):
        notify.notify(resident, "test.hello", {"title": "新工单", "body": "请及时处理"})
        assert not DBTaskResult.objects.exists()  # nothing queued before the commit
    queued = DBTaskResult.objects.get()
    assert queued.queue_name == "notify"
    assert queued.args_kwargs["args"] == ["区社工部群"]
    assert robot.requests == []  # the request never waits for the robot

    send_deliveries.call("区社工部群")

    (request,) = robot.requests
    assert request["path"] == "/wecom"
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {"content": "**新工单**\n\n请及时处理"},
    }
    delivery = Delivery.objects.get()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.SENT, 1)


def test_wecom_text_is_cut_to_4096_bytes(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    notify.notify(resident, "test.long", {"title": "长消息", "body": "汉" * 3000})
    deliveries.send_due("群")
    content = robot.requests[0]["json"]["markdown"]["content"]
    assert len(content.encode()) <= 4096
    assert content.endswith("…")


def test_it_signs_dingtalk_requests(resident, settings, robot):
    secret = "SEC0123456789abcdef"
    configure(
        settings,
        {
            "name": "钉钉群",
            "kind": "dingtalk",
            "url": f"{robot.url}/robot/send?access_token=t",
            "secret": secret,
        },
    )
    notify.notify(resident, "test.hello", {"title": "新工单", "body": "请及时处理"})
    deliveries.send_due("钉钉群")

    (request,) = robot.requests
    assert request["json"] == {
        "msgtype": "markdown",
        "markdown": {"title": "新工单", "text": "**新工单**\n\n请及时处理"},
    }
    timestamp = request["query"]["timestamp"][0]
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert request["query"]["sign"] == [expected]
    assert request["query"]["access_token"] == ["t"]
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 60


def test_a_failing_robot_is_retried_with_exponential_backoff(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    robot.status = 500
    notify.notify(resident, "test.hello", {"title": "新工单"})

    start = timezone.now()
    assert deliveries.send_due("群", now=start)["failed"] == 1
    delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.PENDING
    assert delivery.attempts == 1
    assert "HTTP 500" in delivery.last_error
    first_delay = delivery.next_attempt_at - start
    assert timedelta(seconds=29) < first_delay < timedelta(seconds=40)

    assert deliveries.send_due("群", now=start)["failed"] == 0  # not due yet: nothing sent
    assert len(robot.requests) == 1

    delays = []
    for _ in range(4):
        due = Delivery.objects.get().next_attempt_at
        deliveries.send_due("群", now=due)
        delivery = Delivery.objects.get()
        if delivery.status == Delivery.Status.PENDING:
            delays.append(delivery.next_attempt_at - due)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.attempts == deliveries.MAX_ATTEMPTS == 5
    assert [round(d.total_seconds() / 30) for d in delays] == [2, 4, 8]


def test_a_robot_errcode_is_a_failure(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    notify.notify(resident, "test.hello", {"title": "新工单"})
    deliveries.send_due("群")
    assert "errcode=93000" in Delivery.objects.get().last_error


def test_a_burst_of_30_sends_20_messages_and_digests_the_rest(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    for i in range(30):
        notify.notify(resident, "test.burst", {"title": f"工单{i:02d}"})

    result = deliveries.send_due("群")

    assert len(robot.requests) == 20
    assert result == {"sent": 20, "digested": 11, "failed": 0, "deferred": 0}
    digest = robot.requests[-1]["json"]["markdown"]["content"]
    assert "另有11条通知" in digest
    assert "工单19" in digest and "工单29" in digest
    assert Delivery.objects.filter(status=Delivery.Status.DIGESTED).count() == 11
    assert Delivery.objects.get(digest_of=11).status == Delivery.Status.SENT

    # The minute is full: the next message waits until the window frees.
    notify.notify(resident, "test.burst", {"title": "工单30"})
    assert deliveries.send_due("群")["deferred"] == 1
    assert len(robot.requests) == 20
    waiting = Delivery.objects.get(title="工单30")
    oldest = Delivery.objects.filter(status=Delivery.Status.SENT).order_by("sent_at")[0]
    assert waiting.next_attempt_at == oldest.sent_at + timedelta(seconds=60)
    assert deliveries.send_due("群", now=waiting.next_attempt_at)["sent"] == 1


def test_a_rolled_back_action_sends_nothing(
    resident, settings, robot, django_capture_on_commit_callbacks
):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(RuntimeError), transaction.atomic():
            notify.notify(resident, "test.hello", {"title": "不会发出"})
            raise RuntimeError("the action failed")
    assert callbacks == []
    assert not Notification.objects.exists()
    assert not Delivery.objects.exists()
    assert not DBTaskResult.objects.exists()


def test_channels_only_take_the_events_they_list(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url, "events": ["report.*"]})
    notify.notify(resident, "volunteer.hours", {"title": "工时已确认"})
    notify.notify(resident, "report.assigned", {"title": "新工单"})
    assert list(Delivery.objects.values_list("title", flat=True)) == ["新工单"]


def test_sms_goes_to_the_recipients_phone(resident, settings, caplog):
    configure(settings, {"name": "短信", "kind": "sms"})
    notify.notify(resident, "test.hello", {"title": "验证码", "body": "123456"})
    with caplog.at_level("INFO", logger="shegong.notify"):
        deliveries.send_due("短信")
    assert f"→ {resident.phone}: 验证码：123456" in caplog.text
    assert Delivery.objects.get().address == resident.phone


def test_the_flush_scan_sends_what_a_lost_enqueue_left_behind(resident, settings, robot):
    configure(settings, {"name": "群", "kind": "wecom", "url": robot.url})
    notify.notify(resident, "test.hello", {"title": "新工单"})  # never committed: no task
    assert deliveries.flush() == {"群": {"sent": 1, "digested": 0, "failed": 0, "deferred": 0}}
    assert len(robot.requests) == 1


def test_the_flush_scan_fails_deliveries_of_a_removed_channel(resident, settings):
    settings.NOTIFY_CHANNELS = "console"
    notify.notify(resident, "test.hello", {"title": "新工单"})
    settings.NOTIFY_CHANNELS = ""
    deliveries.flush()
    assert Delivery.objects.get().status == Delivery.Status.FAILED


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("slack", "应为 console 或 JSON 列表"),
        ('{"name": "群", "kind": "wecom"}', "缺少有效的 url"),
        ('[{"kind": "console"}]', "缺少 name"),
        ('[{"name": "群", "kind": "fax"}]', "kind 应为"),
        ('[{"name": "群", "kind": "console"}, {"name": "群", "kind": "console"}]', "名称重复"),
        ('[{"name": "群", "kind": "wecom", "url": "http://x", "rate": 0}]', "rate 应为正整数"),
        ('[{"name": "短信", "kind": "sms", "provider": "no.such.Provider"}]', "找不到短信接口"),
    ],
)
def test_it_explains_a_malformed_channel_setting(text, fragment):
    parsed, errors = channels.parse(text)
    assert parsed == []
    assert any(fragment in e and "SHEGONG_NOTIFY_CHANNELS" in e for e in errors), errors


def test_robots_default_to_the_configured_rate(settings):
    settings.NOTIFY_RATE_PER_MINUTE = 20
    (wecom, console), errors = channels.parse(
        '[{"name": "群", "kind": "wecom", "url": "https://example.invalid/x"},'
        ' {"name": "日志", "kind": "console"}]'
    )
    assert errors == []
    assert (wecom.rate, console.rate) == (20, None)
