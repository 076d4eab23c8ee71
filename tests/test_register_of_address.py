"""One register of address: the UI says 您, never 你 — in every template, script and Python
message of the apps (tests may quote what a user typed)."""

from __future__ import annotations

from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "src" / "shegong"
SUFFIXES = {".html", ".py", ".js", ".txt", ".md", ".json"}
# Real exceptions, as "path relative to src/shegong": none so far. Quoted user content (a
# resident's own words in demo data, say) would go here with the reason.
ALLOWED: set[str] = set()


def test_no_template_script_or_message_says_ni():
    offenders = []
    for path in sorted(SOURCE.rglob("*")):
        if path.suffix not in SUFFIXES or "tests" in path.parts or "vendor" in path.parts:
            continue
        relative = str(path.relative_to(SOURCE))
        if relative in ALLOWED:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if "你" in line:
                offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "say 您, not 你:\n" + "\n".join(offenders)
