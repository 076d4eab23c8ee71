"""core.rotating: a token is valid in its bucket and the next, then 410; forged or of another
salt: 404; a scanned URL gives its token back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from shegong.core import rotating
from shegong.core.errors import NotFound


def test_a_token_lives_two_buckets_then_expires():
    now = timezone.now()
    token = rotating.make_token("a", 7, now, seconds=60)
    assert rotating.read_token("a", token, now, seconds=60) == 7
    assert rotating.read_token("a", token, now + timedelta(seconds=60), seconds=60) == 7
    with pytest.raises(rotating.QrExpired) as caught:
        rotating.read_token("a", token, now + timedelta(seconds=125), seconds=60)
    assert caught.value.status == 410


def test_forged_or_other_salt_names_nothing():
    token = rotating.make_token("a", 7)
    with pytest.raises(NotFound):
        rotating.read_token("b", token)
    with pytest.raises(NotFound):
        rotating.read_token("a", token[:-2] + "xx")
    with pytest.raises(NotFound):
        rotating.read_token("a", "not-a-token")


def test_refresh_in_and_token_from_text_and_png():
    at = timezone.now().replace(microsecond=0)
    assert 1 <= rotating.refresh_in(at, seconds=60) <= 60
    assert rotating.token_from_text("https://x/m/deliberation/checkin/abc:def/?q=1") == "abc:def"
    assert rotating.token_from_text(" abc ") == "abc"
    assert rotating.qr_png("https://example.invalid/x").startswith(b"\x89PNG")
