"""Page input of 公益创投: the multi-line fields staff and organizations type (criteria, budget
lines, indicators, tranche plans) read into the lists the actions take. The actions check
everything; these only split lines."""

from __future__ import annotations

from typing import Any

from django import forms


class VerbForm(forms.Form):
    """An empty form that carries the action's errors back to the page (``run_action``)."""

    def __init__(self) -> None:
        super().__init__(data={})
        self.is_valid()


def _rows(text: Any) -> list[list[str]]:
    out = []
    for line in str(text or "").splitlines():
        parts = [p.strip() for p in line.replace("，", ",").split(",")]
        if any(parts):
            out.append(parts)
    return out


def _at(parts: list[str], i: int) -> str:
    return parts[i] if len(parts) > i else ""


def criteria(text: Any) -> list[dict[str, Any]]:
    """Lines "名称,权重,满分"."""
    return [
        {"name": _at(p, 0), "weight": _at(p, 1), "max_score": _at(p, 2) or 100} for p in _rows(text)
    ]


def budget_lines(text: Any) -> list[dict[str, Any]]:
    """Lines "支出科目,金额,测算依据"."""
    return [{"item": _at(p, 0), "amount": _at(p, 1), "note": _at(p, 2)} for p in _rows(text)]


def indicators(text: Any) -> list[dict[str, Any]]:
    """Lines "指标,目标值,单位"."""
    return [{"name": _at(p, 0), "target": _at(p, 1), "unit": _at(p, 2)} for p in _rows(text)]


def achieved(text: Any) -> list[dict[str, Any]]:
    """Lines "指标,目标值,完成值,单位"."""
    return [
        {"name": _at(p, 0), "target": _at(p, 1), "achieved": _at(p, 2), "unit": _at(p, 3)}
        for p in _rows(text)
    ]


def tranches(text: Any) -> list[dict[str, Any]]:
    """Lines "拨付节点,金额,计划日期"."""
    return [
        {"milestone": _at(p, 0), "amount": _at(p, 1), "due_on": _at(p, 2) or None}
        for p in _rows(text)
    ]


def criteria_text(call: Any) -> str:
    return "\n".join(f"{c.name},{c.weight},{c.max_score}" for c in call.criteria.all())
