"""Builders for the people tests (volunteers, teams, social workers): plain functions."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.utils import timezone

from shegong import testing


def birth(age: int, *, days: int = 0) -> str:
    """YYYYMMDD of someone who turns ``age`` today; ``days=1`` shifts the birth a day later, so
    they are still ``age - 1`` (their birthday is tomorrow)."""
    today = timezone.localdate()
    try:
        day = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        day = today.replace(year=today.year - age, day=28)
    day = date.fromordinal(day.toordinal() + days)
    return day.strftime("%Y%m%d")


def id_for(age: int, **kwargs: Any) -> str:
    return testing.id_number(birth(age, **kwargs))


def h5_data(**extra: Any) -> dict[str, Any]:
    """An H5 registration form post of an adult in community A."""
    data = {
        "name": "李志愿", "id_number": id_for(30), "phone": "13800000011",
        "region": "341271001001", "consent": "1", "skill": ["elderly", "medical"],
        "cert_name_medical": "护士执业证书", "cert_no_medical": "HS-2020-001",
        "avail": ["6-am", "6-pm", "7-am"],
    }  # fmt: skip
    data.update(extra)
    return data
