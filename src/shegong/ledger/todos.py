"""The workbench's to-dos of the ledger (``core.registry.todos``): the caller's 回头看 tasks
not done yet, the units where a party organization should be built but is not (应建未建), and
the temporary branches where a formal branch is due (应成立正式党支部). Each counts the very
query of the list it opens."""

from __future__ import annotations

from typing import Any

from django.utils.http import urlencode

from shegong.core.perms import Perm
from shegong.core.registry import Todo

from .queries import campaigns, coverage
from .rules import Establishment, TemporaryBranch

SHOULD_ESTABLISH = coverage.WorklistFilter(
    status=Establishment.SHOULD_ESTABLISH, sort=coverage.OLDEST
)


def my_tasks(user: Any) -> int:
    return campaigns.my_open_tasks(user).count()


def should_establish(user: Any) -> int:
    return coverage.should_establish_worklist(user, SHOULD_ESTABLISH).count()


def formal_branch_due(user: Any) -> int:
    return coverage.formal_branch_due(user).count()


def guides_party_building(user: Any) -> bool:
    """A party instructor (党建指导员) follows 应建未建 without changing the ledger."""
    return bool(user.has_perm_in_scope(Perm.GUIDANCE))


TODOS = [
    Todo(
        "ledger.tasks", "回头看核查任务", my_tasks, "ledger:my_tasks", order=20,
        perm=Perm.LEDGER_VIEW, icon="arrow-repeat",
        hint="分派给您、尚未完成的核查（截止最早的在前）",
    ),
    Todo(
        "ledger.should_establish", "应建未建", should_establish, "ledger:should_establish",
        urlencode({"status": SHOULD_ESTABLISH.status, "sort": SHOULD_ESTABLISH.sort}), order=21,
        perm=Perm.LEDGER_MANAGE, or_if=guides_party_building, icon="exclamation-diamond",
        hint="正式党员3名以上、尚未单独建立党组织的在营单位",
    ),
    Todo(
        "ledger.formal_branch_due", "应成立正式党支部", formal_branch_due, "ledger:reelection",
        urlencode({"temporary": TemporaryBranch.FORMAL_DUE}), order=22,
        perm=Perm.LEDGER_MANAGE, icon="people",
        hint="组织关系转入的正式党员已达3名的临时党支部",
    ),
]  # fmt: skip
