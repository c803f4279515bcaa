"""A new database is migrated once: the file just made is the schema reference of the
process (app.store.schema_signature.remember_new), and it is still proved sound."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.store import migrations, replacement, schema_signature


def test_a_new_database_is_migrated_once_and_is_the_reference(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(schema_signature, "_reference", None)
    upgrades: list[object] = []
    real = migrations.upgrade
    monkeypatch.setattr(
        migrations, "upgrade", lambda engine: upgrades.append(engine) or real(engine)
    )
    proved = replacement.new_database(tmp_path / "new.sqlite3")
    assert len(upgrades) == 1
    reference = schema_signature.reference_signature()
    assert len(upgrades) == 1  # not made again
    assert schema_signature._signature_of(proved.path).differences(reference) == []
    assert "notices" in reference.tables and "regulations" in reference.tables
