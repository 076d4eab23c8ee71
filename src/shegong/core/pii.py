"""Personal information: validation, field encryption, blind indexes, derived facts, masking.

ID-card numbers (GB 11643) and credit codes (GB 32100) are checked with python-stdnum. Values
are encrypted with AES-GCM under a key that never lives in the database; a keyed HMAC ("blind
index") stored beside the ciphertext allows exact lookup and de-duplication without decrypting.

Keys come from ``SHEGONG_PII_KEY`` (``kid:base64key[,kid:base64key…]``; the first key encrypts,
all of them decrypt, so rotation = put the new key first and run ``shegong pii-rotate``), or
from ``var/pii_keys.json`` generated once on first use. The blind-index key is separate
(``SHEGONG_PII_INDEX_KEY``) because re-keying it would mean re-hashing every row at once.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.db import models
from django.utils import timezone
from stdnum.cn import ric, uscc
from stdnum.exceptions import ValidationError as StdnumError

# --- validation ------------------------------------------------------------------------------

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")


def normalize_code(value: object) -> str:
    """Full-width digits and letters to ASCII (NFKC), spaces removed, upper case.

    Not a repair: a wrong checksum stays wrong and is refused by the validators.
    """
    if isinstance(value, str) and value.isascii() and value.isalnum():
        return value.upper()  # the common case: NFKC and the space removal change nothing
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value or ""))).upper()


def normalize_id_number(value: str) -> str:
    return normalize_code(value)


def validate_id_number(value: str) -> str:
    """Return the normalised 18-digit citizen ID number, or raise ValidationError in Chinese."""
    number = normalize_id_number(value)
    if len(number) != 18:
        raise ValidationError("身份证号应为18位", code="id_length")
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError("身份证号只能包含数字，最后一位可以是X", code="id_format")
    if number[-1] != ric.calc_check_digit(number):
        raise ValidationError("身份证号校验位不正确", code="id_checksum")
    try:
        birth = _birth_date(number)
    except ValueError as exc:
        raise ValidationError("身份证号中的出生日期无效", code="id_birth_date") from exc
    if birth > _today():
        raise ValidationError("身份证号中的出生日期晚于今天", code="id_future")
    # The address code is not checked against today's division list: it never changes when the
    # holder moves, and abolished codes stay valid (DOMAIN.md §1).
    return number


def validate_credit_code(value: str) -> str:
    """Return the normalised 统一社会信用代码 (GB 32100), or raise ValidationError."""
    code = normalize_code(value)
    if len(code) != 18:
        raise ValidationError("统一社会信用代码应为18位", code="uscc_length")
    try:
        uscc.validate(code)
    except StdnumError as exc:
        message = (
            "统一社会信用代码校验位不正确"
            if type(exc).__name__ == "InvalidChecksum"
            else "统一社会信用代码格式不正确"
        )
        raise ValidationError(message, code="uscc_invalid") from exc
    return code


def validate_phone(value: str) -> str:
    """Return a normalised mainland mobile number (11 digits, starting 13–19)."""
    phone = re.sub(r"[\s-]+", "", unicodedata.normalize("NFKC", str(value or "")))
    if phone.startswith("+86"):
        phone = phone[3:]
    if not PHONE_RE.match(phone):
        raise ValidationError("手机号应为以1开头的11位数字", code="phone_invalid")
    return phone


@dataclass(frozen=True)
class IdFacts:
    """What an ID number says about its holder."""

    birth_date: date
    sex: str  # "M" / "F": the 17th digit is odd for men

    def age(self, on: date | None = None) -> int:
        on = on or timezone.localdate()
        years = on.year - self.birth_date.year
        return years - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


def id_facts(number: str) -> IdFacts:
    number = normalize_id_number(number)
    return IdFacts(birth_date=_birth_date(number), sex="M" if int(number[16]) % 2 else "F")


def _birth_date(number: str) -> date:
    """Digits 7–14 of a normalised ID number as a date (ValueError if there is no such day).

    What ``stdnum.cn.ric.get_birth_date`` does, without its per-call clean-up of the number,
    which was a tenth of a 300k-person import."""
    return date(int(number[6:10]), int(number[10:12]), int(number[12:14]))


def _today() -> date:
    """``timezone.localdate()`` without the per-call lookup of the active time zone (a
    context-local read that cost as much as the rest of the ID check)."""
    return datetime.now(ZoneInfo(settings.TIME_ZONE)).date()


# --- masking ---------------------------------------------------------------------------------


def mask_name(name: str | None) -> str:
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    if len(phone) < 7:
        return "*" * len(phone)
    return f"{phone[:3]}****{phone[-4:]}"


def mask_id_number(number: str | None) -> str:
    if not number:
        return ""
    if len(number) < 8:
        return "*" * len(number)
    return f"{number[:4]}{'*' * (len(number) - 8)}{number[-4:]}"


# --- free text ------------------------------------------------------------------------------

_FULL_WIDTH_DIGITS = {ord("０") + i: ord("0") + i for i in range(10)}
_ID_NUMBER = re.compile(r"(?<![0-9A-Za-z])(?:\d{17}[\dXx]|\d{15})(?![0-9A-Za-z])")
_MOBILE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?(1[3-9]\d)[- ]?(\d{4})[- ]?(\d{4})(?!\d)")
_LANDLINE = re.compile(r"(?<!\d)(0\d{2,3})[- ]?(\d{7,8})(?!\d)")
_LONG_NUMBER = re.compile(r"(?<!\d)\d{7,}(?!\d)")  # bank cards, account numbers …
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _keep_ends(digits: str, keep: int) -> str:
    return digits[:keep] + "*" * (len(digits) - 2 * keep) + digits[-keep:]


def scrub_text(text: str | None) -> str:
    """``text`` as the public may see it: ID numbers, mobile and landline numbers, other long
    numbers and e-mail addresses masked (``138****5678``, ``3412**********123X``); everything
    else unchanged. Full-width digits count as digits. Residents type these into descriptions
    ("请联系我 13812345678"); staff see the original, the public never does."""
    if not text:
        return ""
    text = text.translate(_FULL_WIDTH_DIGITS)
    text = _ID_NUMBER.sub(lambda m: mask_id_number(m.group(0)), text)
    text = _MOBILE.sub(lambda m: f"{m.group(1)}****{m.group(3)}", text)
    text = _LANDLINE.sub(lambda m: f"{m.group(1)}-****{m.group(2)[-2:]}", text)
    text = _LONG_NUMBER.sub(
        lambda m: m.group(0)[:2] + "*" * (len(m.group(0)) - 4) + m.group(0)[-2:], text
    )
    return _EMAIL.sub(lambda m: m.group(0)[0] + "***@" + m.group(0).split("@", 1)[1], text)


# --- keys ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Keyring:
    current_kid: str
    keys: dict[str, bytes]
    index_key: bytes


def _decode_key(text: str, name: str) -> bytes:
    try:
        raw = base64.b64decode(text, validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{name} 不是有效的 base64 / is not valid base64") from exc
    if len(raw) != 32:
        raise ImproperlyConfigured(f"{name} 应为32字节的密钥 / must decode to 32 bytes")
    return raw


def parse_key_setting(value: str) -> dict[str, bytes]:
    keys: dict[str, bytes] = {}
    for part in value.split(","):
        kid, sep, text = part.strip().partition(":")
        if not sep or not re.fullmatch(r"[A-Za-z0-9_-]{1,16}", kid):
            raise ImproperlyConfigured(
                "SHEGONG_PII_KEY 格式应为 kid:base64密钥[,kid:base64密钥] / "
                "format is kid:base64key[,kid:base64key]"
            )
        keys[kid] = _decode_key(text, f"SHEGONG_PII_KEY[{kid}]")
    return keys


@lru_cache(maxsize=1)
def keyring() -> Keyring:
    if settings.PII_KEY:
        keys = parse_key_setting(settings.PII_KEY)
        if settings.PII_INDEX_KEY:
            index_key = _decode_key(settings.PII_INDEX_KEY, "SHEGONG_PII_INDEX_KEY")
        else:
            # Derived from the oldest key (listed last), which rotation keeps in the list.
            index_key = hmac.new(list(keys.values())[-1], b"blind-index", "sha256").digest()
        return Keyring(next(iter(keys)), keys, index_key)
    path = settings.DATA_DIR / "pii_keys.json"
    if not path.exists():
        data = {
            "current": "k1",
            "keys": {"k1": base64.b64encode(os.urandom(32)).decode()},
            "index_key": base64.b64encode(os.urandom(32)).decode(),
        }
        path.write_text(json.dumps(data, indent=2))
        path.chmod(0o600)
    data = json.loads(path.read_text())
    keys = {kid: _decode_key(k, f"{path}[{kid}]") for kid, k in data["keys"].items()}
    return Keyring(data["current"], keys, _decode_key(data["index_key"], f"{path}[index_key]"))


# --- encryption ------------------------------------------------------------------------------

PREFIX = "v1"


def encrypt(plaintext: str) -> str:
    ring = keyring()
    nonce = os.urandom(12)
    ct = AESGCM(ring.keys[ring.current_kid]).encrypt(nonce, plaintext.encode(), None)
    return f"{PREFIX}:{ring.current_kid}:{base64.b64encode(nonce + ct).decode()}"


def decrypt(token: str) -> str:
    version, kid, payload = token.split(":", 2)
    if version != PREFIX:
        raise ValueError(f"unknown ciphertext version {version}")
    key = keyring().keys.get(kid)
    if key is None:
        raise ImproperlyConfigured(f"PII key {kid!r} is not configured; cannot decrypt")
    raw = base64.b64decode(payload)
    return AESGCM(key).decrypt(raw[:12], raw[12:], None).decode()


def key_id_of(token: str) -> str:
    return token.split(":", 2)[1]


def blind_index(value: str) -> str:
    """Keyed hash of a normalised value, for exact lookup without decrypting."""
    return hmac.new(keyring().index_key, value.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """Stores AES-GCM ciphertext; Python code sees plaintext. Not filterable: use a BlindIndex."""

    description = "Encrypted text"

    def from_db_value(self, value: Any, expression: Any, connection: Any) -> str | None:
        if value is None or value == "":
            return value
        return decrypt(value)

    def to_python(self, value: Any) -> str | None:
        if isinstance(value, str) and value.startswith(f"{PREFIX}:") and value.count(":") >= 2:
            try:
                return decrypt(value)
            except Exception:
                return value
        return value

    def get_prep_value(self, value: Any) -> str | None:
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(value)


class BlindIndexField(models.CharField):
    """HMAC of another field's value, kept in step on every save."""

    def __init__(self, *args: Any, source: str = "", **kwargs: Any):
        self.source = source
        kwargs.setdefault("max_length", 64)
        kwargs.setdefault("editable", False)
        kwargs.setdefault("db_index", True)
        super().__init__(*args, **kwargs)

    def deconstruct(self) -> Any:
        name, path, args, kwargs = super().deconstruct()
        kwargs["source"] = self.source
        return name, path, args, kwargs

    def pre_save(self, model_instance: models.Model, add: bool) -> str | None:
        value = getattr(model_instance, self.source)
        digest = blind_index(value) if value else None
        setattr(model_instance, self.attname, digest)
        return digest


class IdentityFields(models.Model):
    """A real-name identity: encrypted ID number, its blind index, and the derived facts."""

    id_number = EncryptedTextField("身份证号", blank=True, default="")
    id_number_index = BlindIndexField(source="id_number", null=True, blank=True, unique=True)
    birth_date = models.DateField("出生日期", null=True, blank=True, editable=False)
    sex = models.CharField(
        "性别",
        max_length=1,
        blank=True,
        default="",
        editable=False,
        choices=[("M", "男"), ("F", "女")],
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.id_number:
            self.id_number = validate_id_number(self.id_number)
            facts = id_facts(self.id_number)
            self.birth_date, self.sex = facts.birth_date, facts.sex
        else:
            self.birth_date, self.sex = None, ""
        super().save(*args, **kwargs)

    @property
    def age(self) -> int | None:
        return id_facts(self.id_number).age() if self.id_number else None

    @property
    def id_number_masked(self) -> str:
        return mask_id_number(self.id_number)
