"""Password policy: at least three of four character classes (等保 common practice)."""

from __future__ import annotations

import re
from typing import Any

from django.core.exceptions import ValidationError

CLASSES = [r"[a-z]", r"[A-Z]", r"\d", r"[^A-Za-z0-9]"]


class CharacterClassValidator:
    def __init__(self, required: int = 3):
        self.required = required

    def validate(self, password: str, user: Any = None) -> None:
        found = sum(1 for pattern in CLASSES if re.search(pattern, password))
        if found < self.required:
            raise ValidationError(
                "密码需包含小写字母、大写字母、数字、符号中的至少%(n)d类",
                code="password_classes",
                params={"n": self.required},
            )

    def get_help_text(self) -> str:
        return f"密码至少8位，并包含小写字母、大写字母、数字、符号中的至少{self.required}类"


class MinimumLengthValidator:
    """At least ``min_length`` characters, with a Chinese message (Django's has no zh-hans one)."""

    def __init__(self, min_length: int = 8):
        self.min_length = min_length

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < self.min_length:
            raise ValidationError(
                "密码至少需要%(n)d位", code="password_too_short", params={"n": self.min_length}
            )

    def get_help_text(self) -> str:
        return f"密码至少{self.min_length}位"
