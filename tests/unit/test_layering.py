"""The layering rules of DESIGN.md, checked on the source and by importing it."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
APP = REPO_ROOT / "app"
QT_PACKAGES = ("PySide6", "shiboken6")

# No exceptions: the store imports nothing from the layers above it.
ALLOWED_EDGES: set[tuple[str, str]] = set()


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(REPO_ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _non_ui_sources() -> list[Path]:
    return sorted(p for p in APP.rglob("*.py") if "ui" not in p.relative_to(APP).parts[:1])


def _imports(path: Path) -> list[tuple[int, str]]:
    """Every module named by an import statement in ``path`` (anywhere, even in functions)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    package = _module_name(path)
    if path.name != "__init__.py":
        package = package.rpartition(".")[0]
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            found.append((node.lineno, module))
            # "from app import services" names a submodule too.
            found.extend((node.lineno, f"{module}.{alias.name}") for alias in node.names)
    return found


def _is_under(module: str, package: str) -> bool:
    return module == package or module.startswith(package + ".")


def _rel(path: Path) -> str:
    return path.relative_to(REPO_ROOT).as_posix()


def test_sources_are_found() -> None:
    names = {_rel(p) for p in _non_ui_sources()}
    assert "app/store/database.py" in names
    assert "app/services/inventory/assets.py" in names
    assert not any(n.startswith("app/ui/") for n in names)
    # The scanner sees imports made inside functions (the GUI is loaded lazily by the CLI).
    assert "app.ui.app_main" in {m for _, m in _imports(APP / "cli.py")}


def test_module_names() -> None:
    assert _module_name(APP / "store" / "models" / "base.py") == "app.store.models.base"
    assert _module_name(APP / "store" / "__init__.py") == "app.store"


def test_no_qt_outside_ui() -> None:
    offenders = [
        f"{_rel(p)}:{line} imports {mod}"
        for p in _non_ui_sources()
        for line, mod in _imports(p)
        if any(_is_under(mod, q) for q in QT_PACKAGES)
    ]
    assert not offenders, "Qt is imported outside app/ui:\n" + "\n".join(offenders)


def _allowed(rel: str, mod: str) -> bool:
    return any(rel == r and _is_under(mod, m) for r, m in ALLOWED_EDGES)


def _violations(layer: str, forbidden: tuple[str, ...]) -> list[str]:
    out = []
    for p in sorted((APP / layer).rglob("*.py")):
        for line, mod in _imports(p):
            if any(_is_under(mod, f) for f in forbidden) and not _allowed(_rel(p), mod):
                out.append(f"{_rel(p)}:{line} imports {mod}")
    return out


def test_store_imports_neither_services_nor_ui() -> None:
    bad = _violations("store", ("app.services", "app.ui"))
    assert not bad, "app/store must not import upper layers:\n" + "\n".join(bad)


@pytest.mark.parametrize("layer", ["collect", "interchange", "reports"])
def test_lower_layers_import_neither_services_nor_ui(layer: str) -> None:
    # DESIGN.md: app/collect, app/interchange and app/reports sit below app/services.
    if not (APP / layer).is_dir():
        pytest.skip(f"app/{layer} does not exist yet")
    bad = _violations(layer, ("app.services", "app.ui", "app.cli", "app.commands"))
    assert not bad, f"app/{layer} must not import upper layers:\n" + "\n".join(bad)


def test_services_do_not_import_ui() -> None:
    bad = _violations("services", ("app.ui",))
    assert not bad, "app/services must not import app/ui:\n" + "\n".join(bad)


# What only SQLite has: statements handed to the driver as they are, its connection
# object, its PRAGMAs. It stays in app/store behind named functions (a server database
# can then be added without touching services or views).
_SQLITE_ONLY = re.compile(r"exec_driver_sql|driver_connection|PRAGMA|\.dbapi_connection")


def test_what_is_specific_to_sqlite_stays_in_the_store() -> None:
    bad = []
    for p in sorted(APP.rglob("*.py")):
        rel = _rel(p)
        if rel.startswith("app/store/"):
            continue
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1):
            if _SQLITE_ONLY.search(line):
                bad.append(f"{rel}:{n}: {line.strip()}")
    assert not bad, "SQLite-specific code outside app/store:\n" + "\n".join(bad)


def test_the_documented_exception_still_exists() -> None:
    """If the edge goes away, drop it from ALLOWED_EDGES instead of keeping a stale waiver."""
    for rel, mod in ALLOWED_EDGES:
        assert mod in {m for _, m in _imports(REPO_ROOT / rel)}, (rel, mod)


_IMPORT_ALL = """
import importlib, json, sys
failed = {}
for name in sys.argv[1:]:
    try:
        importlib.import_module(name)
    except Exception as exc:  # report, do not stop
        failed[name] = f"{type(exc).__name__}: {exc}"
qt = sorted(m for m in sys.modules if m.split(".")[0] in ("PySide6", "shiboken6"))
print(json.dumps({"failed": failed, "qt": qt}))
"""


def _all_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*"))


def test_importing_every_module_opens_no_database_and_loads_no_qt(tmp_path: Path) -> None:
    modules = [
        _module_name(p) for p in _non_ui_sources() if _module_name(p) not in ("app.__main__",)
    ]
    assert "app.store.database" in modules and "app.cli" in modules
    data = tmp_path / "data"
    home = tmp_path / "home"
    data.mkdir()
    home.mkdir()
    env = {
        **os.environ,
        "HITORI_DATA_DIR": str(data),
        "HOME": str(home),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    proc = subprocess.run(
        [sys.executable, "-c", _IMPORT_ALL, *modules],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    if result["failed"]:
        pytest.fail(f"modules fail to import: {result['failed']}")
    assert result["qt"] == [], f"importing non-UI modules loaded Qt: {result['qt']}"
    assert _all_files(data) == [], "something wrote to the data folder at import time"
    assert _all_files(home) == [], "something wrote to the home folder at import time"


# Libraries only some commands need: opening the window must not pay for them (they are
# imported where used: export, import, labels, other database servers).
NOT_AT_START_UP = ("openpyxl", "reportlab", "charset_normalizer", "qrcode",
                   "sqlalchemy.dialects.postgresql", "paramiko")  # fmt: skip
# ...nor must `hitori search`, which needs no window, keyring, migrations or file formats.
NOT_FOR_SEARCH = (*NOT_AT_START_UP, *QT_PACKAGES, "alembic", "keyring", "psutil",
                  "filelock.asyncio", "app.ui", "app.interchange", "app.reports")  # fmt: skip
# Imported before Qt when the window opens (app.cli.BEFORE_QT): PySide6's import hook reads
# the source of every module imported after it.
BEFORE_QT_PACKAGES = ("sqlalchemy", "filelock", "app.store")

_LIST_MODULES = "import json, sys; print(json.dumps(list(sys.modules)))"


def _modules_in_import_order(code: str, *args: str, cwd: Path = REPO_ROOT) -> list[str]:
    """sys.modules (in the order the modules were first imported) after ``code`` ran."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", f"{code}\n{_LIST_MODULES}", *args], cwd=cwd,
                          env=env, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _loaded(modules: list[str], packages: tuple[str, ...]) -> list[str]:
    return sorted(m for m in modules if any(_is_under(m, p) for p in packages))


# The window is built with its first view only (the dashboard): the other areas' views, the
# search dialog and the record dialog are imported when first needed.
NOT_FOR_THE_FIRST_VIEW = ("app.ui.assets", "app.ui.inventory", "app.ui.search_panel",
                          "app.ui.widgets", "app.ui.views.not_built",
                          "app.services.search")  # fmt: skip


def test_opening_the_window_imports_no_library_it_does_not_need() -> None:
    # As `hitori` loads the GUI (app.cli.load_gui), then what the window is built from, and
    # the lock that opening the database takes (app.store.access: filelock loads it lazily).
    modules = _modules_in_import_order(
        "import app.cli; app.cli.load_gui(); import app.ui.main_window\n"
        "from filelock import ReadWriteLock"
    )
    assert _loaded(modules, NOT_AT_START_UP) == []
    assert _loaded(modules, NOT_FOR_THE_FIRST_VIEW) == []
    after_qt = modules[modules.index("PySide6") :]
    assert _loaded(after_qt, BEFORE_QT_PACKAGES) == [], "add them to app.cli.BEFORE_QT"


def test_a_search_command_imports_only_what_search_needs(tmp_path: Path) -> None:
    data = str(tmp_path / "data")
    init = subprocess.run([sys.executable, "-m", "app", "init", "--data-dir", data],
                          cwd=REPO_ROOT, capture_output=True, text=True, timeout=120)  # fmt: skip
    assert init.returncode == 0, init.stderr
    code = "import sys; from app.cli import main; assert main(sys.argv[1:]) == 0"
    modules = _modules_in_import_order(code, "search", "課", "--data-dir", data)
    assert "app.services.search" in modules  # it did search
    assert _loaded(modules, NOT_FOR_SEARCH) == []
