"""The architecture holds (docs/architecture.md): the import-linter contracts pass on the tree and
fail on a deliberate violation of each kind; core names no app, not even in a string; no app
borrows another app's private names."""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
PACKAGE = REPO / "src" / "shegong"
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"
APPS = [
    "core",
    "regions",
    "web",
    "accounts",
    "notices",
    "ledger",
    "reports",
    "stations",
    "volunteers",
    "socialorgs",
    "matching",
    "deliberation",
    "grants",
]


def _lint(root: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """lint-imports with the project's contracts on the package under ``root``."""
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(REPO / "pyproject.toml"), "--no-cache"],
        cwd=tmp_path,
        env={"PYTHONPATH": str(root), "PATH": "/usr/bin:/bin", "LC_ALL": "C.UTF-8"},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def package_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the source package (no tests, no migrations) to break on purpose."""
    root = tmp_path_factory.mktemp("src")
    shutil.copytree(
        PACKAGE,
        root / "shegong",
        ignore=shutil.ignore_patterns("migrations", "templates", "static", "__pycache__"),
    )
    return root


def test_the_contracts_hold_on_the_tree(tmp_path):
    result = _lint(REPO / "src", tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        # core, the leaf, reaching up into an app
        ("core/probe.py", "from shegong.ledger import models\n", "Layers"),
        # a lower app reaching up
        ("regions/probe.py", "from shegong.accounts import models\n", "Layers"),
        # an app importing another app's pages
        ("volunteers/probe.py", "from shegong.stations.views import public\n", "stations's pages"),
        # an app importing a project module
        ("ledger/probe.py", "from shegong import urls\n", "project modules"),
    ],
)
def test_a_deliberate_violation_breaks_its_contract(package_copy, tmp_path, module, line, contract):
    probe = package_copy / "shegong" / module
    probe.write_text(line)
    try:
        result = _lint(package_copy, tmp_path)
    finally:
        probe.unlink()
    assert result.returncode != 0
    broken = [row for row in result.stdout.splitlines() if "BROKEN" in row]
    assert any(contract in row for row in broken), result.stdout


def _source_files(app: str) -> list[Path]:
    return [
        path
        for path in (PACKAGE / app).rglob("*.py")
        if "tests" not in path.parts and "migrations" not in path.parts
    ]


def test_no_module_of_core_names_an_app():
    """Not in an import, not in a dotted string, not in a model label: core is the leaf, and
    apps plug into it through its registries and settings (AUTH_USER_MODEL,
    SHEGONG_REGION_MODEL)."""
    others = "|".join(app for app in APPS if app != "core")
    pattern = re.compile(rf"shegong\.({others})\b|[\"']({others})\.[A-Z]\w*[\"']")
    offenders = [
        f"{path.relative_to(PACKAGE)}:{number}: {line.strip()}"
        for path in _source_files("core")
        for number, line in enumerate(path.read_text().splitlines(), start=1)
        if pattern.search(line)
    ]
    assert offenders == []


def test_no_app_imports_another_apps_private_names():
    offenders = []
    for app in APPS:
        for path in _source_files(app):
            for node in ast.walk(ast.parse(path.read_text())):
                if not isinstance(node, ast.ImportFrom) or node.level or not node.module:
                    continue
                parts = node.module.split(".")
                if parts[0] != "shegong" or len(parts) < 2 or parts[1] in (app,):
                    continue
                private = [a.name for a in node.names if a.name.startswith("_")]
                private += [p for p in parts[2:] if p.startswith("_")]
                if private:
                    offenders.append(f"{path.relative_to(PACKAGE)}: {node.module} {private}")
    assert offenders == []


def test_no_source_module_takes_part_in_an_import_cycle():
    """Not even through an import deferred into a function: a cycle means two modules that
    should be one, or a piece that belongs lower (core.verbs, core.deliveries, core.demo)."""
    import grimp

    graph = grimp.build_graph("shegong", exclude_type_checking_imports=True)
    sources = {m for m in graph.modules if ".tests" not in m and ".migrations" not in m}
    cycles = set()
    for module in sources:
        for imported in graph.find_modules_directly_imported_by(module) & sources:
            chain = graph.find_shortest_chain(importer=imported, imported=module)
            if chain:
                cycles.add(" -> ".join((module, *chain)))
    assert sorted(cycles) == []
