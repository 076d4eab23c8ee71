"""The read side of grants and funds: who may do what (here), and one module per noun —
``calls`` (calls, applications, reviews, projects: 公益创投) and ``funds`` (funds, the ledger,
spending, disclosures: 社区慈善基金)."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm


def _holds(user: Any, perm: Perm) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.has_perm_in_scope(perm)


def may_view_grants(user: Any) -> bool:
    return _holds(user, Perm.GRANTS_VIEW)


def may_manage_grants(user: Any) -> bool:
    return _holds(user, Perm.GRANTS_MANAGE)


def may_review(user: Any) -> bool:
    return _holds(user, Perm.GRANTS_REVIEW)


def may_view_funds(user: Any) -> bool:
    return _holds(user, Perm.FUNDS_VIEW)


def may_manage_funds(user: Any) -> bool:
    return _holds(user, Perm.FUNDS_MANAGE)
