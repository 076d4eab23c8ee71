"""External notification channels: console, WeCom and DingTalk group robots, SMS.

A deployment lists its channels in ``SHEGONG_NOTIFY_CHANNELS`` (``settings.NOTIFY_CHANNELS``):

* ``""`` — no external channel (the in-app inbox only);
* ``console`` — shorthand for one console channel (development: messages go to the log);
* a JSON list, one object per channel::

    [{"name": "区社工部群", "kind": "wecom", "url": "https://qyapi.weixin.qq.com/...",
      "events": ["report.*"]},
     {"name": "钉钉群", "kind": "dingtalk", "url": "https://oapi.dingtalk.com/robot/send?...",
      "secret": "SEC...", "rate": 20},
     {"name": "短信", "kind": "sms", "provider": "myproject.sms.AliyunSms"}]

  ``name`` (unique) and ``kind`` are required; ``url`` for robots; ``events`` are shell-style
  patterns (default ``["*"]``); ``rate`` is messages per minute (robots default to
  ``NOTIFY_RATE_PER_MINUTE``, because a robot takes 20 a minute and DingTalk then blocks for
  10 minutes); ``timeout`` in seconds (default 5).

A malformed value never crashes start-up here: ``config_errors()`` returns Chinese + English
messages that ``shegong`` prints at start-up and ``shegong check`` reports.
"""

from __future__ import annotations

import base64
import fnmatch
import hashlib
import hmac
import json
import logging
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any, ClassVar

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("shegong.notify")

KINDS = ("console", "wecom", "dingtalk", "sms")
ROBOT_KINDS = ("wecom", "dingtalk")
SETTING = "SHEGONG_NOTIFY_CHANNELS"


class SendError(Exception):
    """A send failed. ``retry_after`` (seconds) overrides the backoff, e.g. when rate-limited."""

    def __init__(self, message: str, *, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


@dataclass(frozen=True)
class Message:
    title: str
    body: str
    address: str = ""  # the recipient's phone for SMS; blank for group robots


@dataclass(frozen=True)
class Channel:
    """One configured channel; subclasses know how to send one message."""

    name: str
    kind: str
    events: tuple[str, ...] = ("*",)
    rate: int | None = None  # messages per minute; None = unlimited
    timeout: float = 5.0
    options: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    # Largest message body the service accepts, in UTF-8 bytes (None = no limit we know of).
    max_bytes: ClassVar[int | None] = None
    needs_address: ClassVar[bool] = False

    def wants(self, event: str) -> bool:
        return any(fnmatch.fnmatchcase(event, pattern) for pattern in self.events)

    def send(self, message: Message) -> None:
        raise NotImplementedError

    def render(self, message: Message) -> str:
        text = f"**{message.title}**\n\n{message.body}" if message.body else message.title
        return truncate_bytes(text, self.max_bytes) if self.max_bytes else text


def truncate_bytes(text: str, limit: int) -> str:
    """Cut ``text`` to at most ``limit`` UTF-8 bytes without splitting a character."""
    raw = text.encode()
    if len(raw) <= limit:
        return text
    marker = "…".encode()
    return raw[: limit - len(marker)].decode(errors="ignore") + "…"


class ConsoleChannel(Channel):
    def send(self, message: Message) -> None:
        to = f" → {message.address}" if message.address else ""
        logger.info("[%s]%s %s: %s", self.name, to, message.title, message.body)


def _post_json(url: str, payload: dict[str, Any], timeout: float) -> dict[str, Any]:
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - the URL comes from deployment settings
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            body = response.read()
    except urllib.error.HTTPError as exc:
        raise SendError(f"HTTP {exc.code}") from exc
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        raise SendError(f"连接失败 / connection failed: {exc}") from exc
    try:
        return json.loads(body or b"{}")
    except ValueError as exc:
        raise SendError(f"响应不是JSON / response is not JSON: {body[:200]!r}") from exc


class WeComRobot(Channel):
    """企业微信群机器人: markdown content up to 4096 bytes; success is ``errcode == 0``."""

    max_bytes = 4096
    RATE_LIMITED = {45009}  # "api freq out of limit"

    def send(self, message: Message) -> None:
        payload = {"msgtype": "markdown", "markdown": {"content": self.render(message)}}
        answer = _post_json(self.options["url"], payload, self.timeout)
        _check_errcode(answer, self.RATE_LIMITED)


class DingTalkRobot(Channel):
    """钉钉群机器人: markdown with a title; optional 加签 (timestamp + HMAC-SHA256 sign)."""

    max_bytes = 20000
    RATE_LIMITED = {130101}  # "send too fast": the robot is then blocked for 10 minutes

    def signed_url(self, timestamp_ms: int | None = None) -> str:
        url = self.options["url"]
        secret = self.options.get("secret")
        if not secret:
            return url
        timestamp = str(timestamp_ms if timestamp_ms is not None else int(time.time() * 1000))
        sign = dingtalk_sign(secret, timestamp)
        joiner = "&" if "?" in url else "?"
        return f"{url}{joiner}timestamp={timestamp}&sign={sign}"

    def send(self, message: Message) -> None:
        payload = {
            "msgtype": "markdown",
            "markdown": {"title": message.title[:64], "text": self.render(message)},
        }
        answer = _post_json(self.signed_url(), payload, self.timeout)
        _check_errcode(answer, self.RATE_LIMITED, retry_after=600)


def dingtalk_sign(secret: str, timestamp: str) -> str:
    """DingTalk's 加签: urlencode(base64(hmac_sha256(secret, f"{timestamp}\\n{secret}")))."""
    digest = hmac.new(
        secret.encode(), f"{timestamp}\n{secret}".encode(), digestmod=hashlib.sha256
    ).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def _check_errcode(answer: dict[str, Any], rate_codes: set[int], retry_after: float = 60) -> None:
    code = answer.get("errcode")
    if code == 0:
        return
    text = f"errcode={code} errmsg={answer.get('errmsg', '')}"
    raise SendError(text, retry_after=retry_after if code in rate_codes else None)


class SmsProvider:
    """The SMS interface: a deployment plugs in its operator's API by subclassing this.

    ``send`` raises ``SendError`` on failure so the delivery is retried with backoff.
    """

    def send(self, phone: str, text: str) -> None:
        raise NotImplementedError


class LoggingSmsProvider(SmsProvider):
    """Default provider: writes the message to the log (no operator contract needed)."""

    def send(self, phone: str, text: str) -> None:
        logger.info("[sms] → %s: %s", phone, text)


class SmsChannel(Channel):
    max_bytes = 500
    needs_address = True

    @property
    def provider(self) -> SmsProvider:
        path = self.options.get("provider")
        return import_string(path)() if path else LoggingSmsProvider()

    def render(self, message: Message) -> str:
        text = f"{message.title}：{message.body}" if message.body else message.title
        return truncate_bytes(text, self.max_bytes)

    def send(self, message: Message) -> None:
        if not message.address:
            raise SendError("缺少手机号 / no phone number")
        self.provider.send(message.address, self.render(message))


CLASSES: dict[str, type[Channel]] = {
    "console": ConsoleChannel,
    "wecom": WeComRobot,
    "dingtalk": DingTalkRobot,
    "sms": SmsChannel,
}


def _problem(index: int, zh: str, en: str) -> str:
    return f"{SETTING} 第{index}项：{zh} / item {index}: {en}"


def parse(text: str) -> tuple[list[Channel], list[str]]:
    """Parse the setting into channels and a list of Chinese + English error messages."""
    text = (text or "").strip()
    if not text:
        return [], []
    if text == "console":
        return [ConsoleChannel(name="console", kind="console")], []
    try:
        items = json.loads(text)
    except ValueError as exc:
        return [], [
            f"{SETTING}: 应为 console 或 JSON 列表 / expected 'console' or a JSON list ({exc})"
        ]
    if isinstance(items, dict):
        items = [items]
    if not isinstance(items, list):
        return [], [f"{SETTING}: 应为 JSON 列表 / expected a JSON list"]
    channels: list[Channel] = []
    errors: list[str] = []
    names: set[str] = set()
    for index, item in enumerate(items, start=1):
        channel = _parse_item(index, item, names, errors)
        if channel is not None:
            names.add(channel.name)
            channels.append(channel)
    return (channels if not errors else []), errors


def _parse_item(index: int, item: Any, names: set[str], errors: list[str]) -> Channel | None:
    if not isinstance(item, dict):
        errors.append(_problem(index, "应为对象", "must be an object"))
        return None
    before = len(errors)
    name = item.get("name")
    kind = item.get("kind")
    if not isinstance(name, str) or not name.strip() or len(name) > 60:
        errors.append(_problem(index, "缺少 name（不超过60字）", "missing name (<= 60 chars)"))
    elif name in names:
        errors.append(_problem(index, f"名称重复：{name}", f"duplicate name: {name}"))
    if kind not in KINDS:
        errors.append(
            _problem(index, f"kind 应为 {'、'.join(KINDS)}", f"kind must be one of {KINDS}")
        )
    url = item.get("url")
    if kind in ROBOT_KINDS:
        parsed = urllib.parse.urlparse(url) if isinstance(url, str) else None
        if parsed is None or parsed.scheme not in ("http", "https") or not parsed.netloc:
            errors.append(_problem(index, "缺少有效的 url", "missing a valid http(s) url"))
    events = item.get("events", ["*"])
    if not isinstance(events, list) or not events or not all(isinstance(e, str) for e in events):
        errors.append(_problem(index, "events 应为非空字符串列表", "events must be a list"))
    default_rate = settings.NOTIFY_RATE_PER_MINUTE if kind in ROBOT_KINDS else None
    rate = item.get("rate", default_rate)
    if rate is not None and (not isinstance(rate, int) or isinstance(rate, bool) or rate < 1):
        errors.append(_problem(index, "rate 应为正整数", "rate must be a positive integer"))
    timeout = item.get("timeout", 5)
    if not isinstance(timeout, int | float) or isinstance(timeout, bool) or timeout <= 0:
        errors.append(_problem(index, "timeout 应为正数", "timeout must be a positive number"))
    provider = item.get("provider")
    if kind == "sms" and provider is not None:
        try:
            cls = import_string(provider)
        except (ImportError, TypeError, ValueError):
            errors.append(_problem(index, f"找不到短信接口 {provider}", "provider not found"))
        else:
            if not (isinstance(cls, type) and issubclass(cls, SmsProvider)):
                errors.append(_problem(index, "provider 须继承 SmsProvider", "not an SmsProvider"))
    if len(errors) > before:
        return None
    # Checked above: a name that is not a string or a kind not in KINDS added an error.
    assert isinstance(name, str) and isinstance(kind, str)
    options = {k: v for k, v in item.items() if k in ("url", "secret", "provider")}
    return CLASSES[kind](
        name=name,
        kind=kind,
        events=tuple(events),
        rate=rate,
        timeout=float(timeout),
        options=options,
    )


@lru_cache(maxsize=8)
def _parsed(text: str) -> tuple[tuple[Channel, ...], tuple[str, ...]]:
    channels, errors = parse(text)
    return tuple(channels), tuple(errors)


def configured() -> tuple[Channel, ...]:
    """The deployment's channels (none while the setting is malformed)."""
    return _parsed(settings.NOTIFY_CHANNELS)[0]


def config_errors() -> list[str]:
    return list(_parsed(settings.NOTIFY_CHANNELS)[1])


def get(name: str) -> Channel | None:
    return next((c for c in configured() if c.name == name), None)
