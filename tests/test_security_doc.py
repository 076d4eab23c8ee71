"""docs/security.md names a test for every promise: each named test must exist, so the page
cannot promise what no test proves any more."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "security.md"
# `path/to/test_x.py::test_name`, `path/to/test_x.py`, or `::test_name` (same file as before).
REFERENCE = re.compile(r"`([\w/.]+?\.py)(?:::(\w+))?`|`::(\w+)`")


def references() -> list[tuple[str, str | None]]:
    found: list[tuple[str, str | None]] = []
    last = None
    for match in REFERENCE.finditer(DOC.read_text(encoding="utf-8")):
        if match.group(1):
            last, name = match.group(1), match.group(2)
        else:
            name = match.group(3)
        assert last is not None, f"`::{name}` before any file in docs/security.md"
        found.append((last, name))
    return found


def test_every_promise_names_a_test_that_exists():
    refs = references()
    assert len(refs) > 40
    missing = []
    for path, name in refs:
        file = ROOT / path
        if not file.is_file():
            missing.append(path)
        elif name and not re.search(rf"^\s*(async )?def {name}\(", file.read_text(), re.M):
            missing.append(f"{path}::{name}")
    assert not missing, f"docs/security.md names tests that do not exist: {missing}"
