"""The workbench's to-do of notices: the objections not answered yet in scope (the count of the
very list it opens)."""

from __future__ import annotations

from typing import Any

from shegong.core.perms import Perm
from shegong.core.registry import Todo
from shegong.notices import queries


def open_objections(user: Any) -> int:
    return queries.open_objections(user).count()


TODOS = [
    Todo(
        "notices.open_objections", "待处理的公示异议", open_objections, "notices:objections",
        "status=open_all", order=78, perm=Perm.NOTICES_MANAGE, icon="chat-left-dots",
        hint="公众对公示提出、尚未答复的异议（答复前可能暂停公示事项）",
    ),
]  # fmt: skip
