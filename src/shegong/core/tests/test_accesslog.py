"""The access log never shows a key or token sent in a URL."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config

from shegong.core.accesslog import REDACTED, RedactingLogger, redact


def test_secret_parameters_are_hidden_and_the_rest_kept():
    assert redact("api_key=sk_live_123&service_code=road") == (
        f"api_key={REDACTED}&service_code=road"
    )
    assert redact("POST /open311/v2/requests.json?API_KEY=abc HTTP/1.1") == (
        f"POST /open311/v2/requests.json?API_KEY={REDACTED} HTTP/1.1"
    )
    assert redact("page=2&monkey=banana") == "page=2&monkey=banana"  # "key" only as a name
    assert redact("") == "" and redact(None) is None


def test_an_access_log_line_carries_no_api_key():
    logger = RedactingLogger(Config())
    environ = {
        "REQUEST_METHOD": "POST", "RAW_URI": "/open311/v2/requests.json?api_key=sk_secret",
        "SERVER_PROTOCOL": "HTTP/1.1", "PATH_INFO": "/open311/v2/requests.json",
        "QUERY_STRING": "api_key=sk_secret", "REMOTE_ADDR": "127.0.0.1",
    }  # fmt: skip
    resp = SimpleNamespace(status="200 OK", headers=[], sent=10)
    atoms = logger.atoms(resp, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=5))
    line = logger.cfg.access_log_format % atoms
    assert "sk_secret" not in line and REDACTED in line
