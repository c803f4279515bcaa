"""What every view is handed: the database, the job runner, settings.

Views read and write only through ``jobs`` (``read``/``write`` hand each operation its
session, in a worker thread); no UI code opens a session of its own.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from PySide6.QtCore import QSettings

from app.secrets import SecretStore
from app.store.database import Database
from app.ui.jobs import JobRunner


@dataclass
class AppContext:
    db: Database
    jobs: JobRunner
    settings: QSettings
    # Fixed in tests so lifecycle filters are deterministic; None = today.
    fixed_today: date | None = field(default=None)
    # Where passwords and licence keys go; created once at start-up.
    secrets: SecretStore | None = field(default=None)

    def __post_init__(self) -> None:
        if self.jobs.sessions is None:  # read/write jobs open their sessions here
            self.jobs.sessions = self.db.sessions

    def today(self) -> date:
        return self.fixed_today or date.today()
