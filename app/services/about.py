"""What バージョン情報 shows: the program's version, its data folder and schema
revision, and the licences of what it ships (its own, the bundled font's, and those of
the Python packages it runs on, read from their installed metadata)."""

from __future__ import annotations

import platform
from dataclasses import dataclass
from importlib import metadata

from sqlalchemy import text
from sqlalchemy.orm import Session

from app import __version__
from app.paths import fonts_dir

# The packages Hitori runs on (pyproject's dependencies), by distribution name.
RUNTIME_PACKAGES = (
    "PySide6-Essentials", "shiboken6", "SQLAlchemy", "alembic", "platformdirs", "filelock",
    "psutil", "keyring", "reportlab", "openpyxl", "lxml", "charset-normalizer", "defusedxml",
)  # fmt: skip
FONT_LICENCE = "IPA_Font_License_Agreement_v1.0.txt"


@dataclass(frozen=True)
class PackageLicence:
    name: str
    version: str
    licence: str


@dataclass(frozen=True)
class About:
    version: str
    python: str
    schema_revision: str
    packages: list[PackageLicence]
    font_licence: str  # the text of the bundled font's licence


def schema_revision(session: Session) -> str:
    return str(session.execute(text("SELECT version_num FROM alembic_version")).scalar() or "")


def _field(meta: metadata.PackageMetadata, key: str) -> str:
    """A metadata field, or "" (``meta[key]`` raises for a missing one in newer Pythons)."""
    values = meta.get_all(key) or []
    return str(values[0]) if values else ""


def _licence_of(dist: metadata.Distribution) -> str:
    meta = dist.metadata
    expression = _field(meta, "License-Expression")
    if expression:
        return str(expression)
    classifiers = [
        c.split(" :: ")[-1] for c in meta.get_all("Classifier") or [] if c.startswith("License ::")
    ]
    if classifiers:
        return "、".join(classifiers)
    licence = _field(meta, "License").strip()
    return licence.splitlines()[0][:80] if licence else "（記載なし）"


def package_licences() -> list[PackageLicence]:
    found = []
    for name in RUNTIME_PACKAGES:
        try:
            dist = metadata.distribution(name)
        except metadata.PackageNotFoundError:
            continue
        found.append(PackageLicence(_field(dist.metadata, "Name"), dist.version, _licence_of(dist)))
    return found


def about(session: Session) -> About:
    try:
        font = (fonts_dir() / FONT_LICENCE).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        font = f"（ライセンス文書を読めません: {exc}）"
    return About(
        version=__version__,
        python=platform.python_version(),
        schema_revision=schema_revision(session),
        packages=package_licences(),
        font_licence=font,
    )
