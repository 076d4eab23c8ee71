"""Grants (公益创投: calls, applications, reviews, funded projects) and community charity funds
(社区慈善基金: hosts, funds, committees, the ledger, in-kind items, pledges, spending,
disclosures). See ``calls`` and ``funds``."""

from shegong.grants.models.calls import (
    Application,
    BudgetLine,
    Call,
    Criterion,
    Project,
    Review,
    Score,
    Tranche,
    Visit,
)
from shegong.grants.models.funds import (
    CommitteeMember,
    Disclosure,
    Fund,
    Host,
    Item,
    MonthTotal,
    Movement,
    Pledge,
    Spending,
)

__all__ = [
    "Application", "BudgetLine", "Call", "CommitteeMember", "Criterion", "Disclosure", "Fund",
    "Host", "Item", "MonthTotal", "Movement", "Pledge", "Project", "Review", "Score", "Spending",
    "Tranche", "Visit",
]  # fmt: skip
