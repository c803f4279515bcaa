"""Where backups go and how many are kept, and making them in both places.

    plan = BackupPlan(generations=7, destination=Path("E:/Hitori"), destination_generations=14)
    outcome = make_backups(data_dir, plan, reason="auto")

The data folder's ``backups/`` always gets one; the destination (a USB drive or a shared
folder, optional) gets its own, with its own generations. A destination that is missing
or read-only does not stop the data folder's backup: the outcome says what happened to
each, and the destination's problem in Japanese.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

from app.paths import DataDir
from app.store.backup import DEFAULT_GENERATIONS, BackupError, auto_backup, backup_to
from app.store.backup_destination import backup_to_destination

DAILY = timedelta(days=1)
MAX_GENERATIONS = 365


@dataclass(frozen=True)
class BackupPlan:
    generations: int = DEFAULT_GENERATIONS  # automatic backups kept in backups/
    destination: Path | None = None  # a folder of the user's choosing, or none
    destination_generations: int = DEFAULT_GENERATIONS


@dataclass(frozen=True)
class BackupOutcome:
    made: Path | None  # in backups/ (None: the daily one was not due yet)
    at_destination: Path | None = None  # at the destination (None: none set, not due, failed)
    destination_problem: str | None = None  # why the destination got none

    def summary(self) -> str:
        """One line for the status bar, in Japanese."""
        parts = []
        if self.made is not None:
            parts.append(f"バックアップを作成しました: {self.made}")
        if self.at_destination is not None:
            parts.append(f"保存先にも作成しました: {self.at_destination}")
        if self.destination_problem is not None:
            parts.append(self.destination_problem)
        return "　".join(parts)


def make_backups(data_dir: DataDir, plan: BackupPlan, *, reason: str) -> BackupOutcome:
    """``reason="auto"``: the daily backups that are due, with rotation; ``"manual"``:
    one now in each place. Raises BackupError (or DatabaseDamaged) when the data folder's
    own backup cannot be made — then the destination is not tried either."""
    if reason == "auto":
        made = auto_backup(
            data_dir.db_path, data_dir.backups, generations=plan.generations,
            interval=DAILY, root=data_dir.root,
        )  # fmt: skip
    else:
        made = backup_to(data_dir.db_path, data_dir.backups, reason=reason, root=data_dir.root)
    if plan.destination is None:
        return BackupOutcome(made)
    try:
        at_destination = backup_to_destination(
            data_dir.db_path, plan.destination, root=data_dir.root, reason=reason,
            generations=plan.destination_generations,
            interval=DAILY if reason == "auto" else None,
        )  # fmt: skip
    except BackupError as exc:
        return BackupOutcome(made, None, str(exc))
    return BackupOutcome(made, at_destination)
