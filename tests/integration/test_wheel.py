"""A wheel built from the checkout, installed into a fresh environment, works on its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = [pytest.mark.integration, pytest.mark.slow]

REPO = Path(__file__).resolve().parents[2]


def run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    result = subprocess.run(
        [str(c) for c in cmd], cwd=cwd, env=env, capture_output=True, text=True, timeout=600
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_installed_wheel_finds_migrations_fonts_and_templates(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    run(sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", wheels, REPO, cwd=tmp_path)
    wheel = next(wheels.glob("hitori-*.whl"))
    target = tmp_path / "site"
    # The dependencies come from the test environment; the package itself from the wheel,
    # installed into its own folder that comes first on the path.
    run(sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", target, wheel,
        cwd=tmp_path)  # fmt: skip
    env = {**os.environ, "PYTHONPATH": str(target), "HITORI_DATA_DIR": str(tmp_path / "data")}
    out = run(
        sys.executable,
        "-c",
        "import app, app.paths as p; print(app.__file__); print(p.migrations_dir());"
        "print((p.fonts_dir() / 'ipaexg.ttf').is_file());"
        "print((p.templates_dir() / 'standardization_steps.tsv').is_file())",
        cwd=tmp_path,
        env=env,
    )
    lines = out.splitlines()
    assert str(target) in lines[0], "imported the checkout instead of the installed wheel"
    assert "_bundled" in lines[1]
    assert lines[2:] == ["True", "True"]
    hitori = target / "bin" / "hitori"
    assert hitori.is_file(), "the wheel does not declare the hitori command"
    out = run(sys.executable, "-m", "app", "init", cwd=tmp_path, env=env)
    assert "スキーマ" in out
    run(sys.executable, "-m", "app", "check", cwd=tmp_path, env=env)
    assert (tmp_path / "data" / "hitori.sqlite3").is_file()
