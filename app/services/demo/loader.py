"""Building blocks of the demo data: sizes, constants, helpers and the bulk loader."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, Table, select

from app.errors import UserError
from app.progress import Cancelled
from app.services.demo import words as W
from app.store import bulk
from app.store.models import Base


@dataclass(frozen=True)
class DemoSize:
    assets: int
    worklog: int
    notices: int
    runbooks: int
    attachments: int
    tasks: int
    knowledge: int  # Q&A notes


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(200, 1_000, 100, 20, 50, 300, 12),
    "medium": DemoSize(5_000, 20_000, 1_000, 100, 500, 1_500, 40),
    "large": DemoSize(50_000, 200_000, 5_000, 500, 2_000, 5_000, 200),
}
DEFAULT_TODAY = date(2026, 11, 1)
BATCH = 5_000
STANDARDIZATION_DEADLINE = date(2026, 3, 31)
TOKUTEI_DEADLINE = date(2031, 3, 31)
GOV_CLOUD_TEMPLATE = "gov-cloud-demo"
# type code -> group that decides segment, naming and networking
GROUP = {"desktop": "pc", "laptop": "pc", "thin_client": "thin", "storage": "server",
         "wireless": "net", "firewall": "net", "network": "net"}  # fmt: skip
# group -> weights of (mynumber, lgwan, internet, standalone)
SEGMENT_WEIGHTS = {
    "pc": (22, 55, 18, 5), "thin": (5, 15, 78, 2), "server": (35, 45, 15, 5),
    "net": (25, 45, 25, 5), "printer": (20, 60, 15, 5), "mobile": (0, 10, 70, 20),
    "ups": (30, 40, 20, 10), "peripheral": (45, 35, 5, 15), "media": (20, 20, 0, 60),
    "software": (25, 55, 20, 0), "cloud": (0, 40, 60, 0),
}  # fmt: skip
SEGMENTS = ("mynumber", "lgwan", "internet", "standalone")
NETWORKED = {"pc", "thin", "server", "net", "printer", "ups"}
STATUSES = ("in_use", "spare", "repair", "retiring", "disposed")
NOTICE_KINDS = ("tsuchi", "jimurenraku", "irai", "guideline", "law")


class DemoError(UserError, RuntimeError):
    """Demo data cannot be created; the message is for the user."""


class DemoCancelled(Cancelled):
    """The user cancelled; nothing was written."""


def _table(model: type[Base]) -> Table:
    table = model.__table__
    assert isinstance(table, Table)
    return table


def _pick(rng: random.Random, items: Sequence[Any], cum: Sequence[float]) -> Any:
    """rng.choices(items, cum_weights=cum)[0] without its per-call overhead."""
    return items[bisect(cum, rng.random() * cum[-1])]


def _years(d: date, n: int) -> date:
    try:
        return d.replace(year=d.year + n)
    except ValueError:  # 29 February
        return d.replace(year=d.year + n, day=28)


def _fiscal_year(d: date) -> int:
    return d.year if d.month >= 4 else d.year - 1


def _nendo(fy: int) -> str:
    if fy < 2019:
        return f"平成{fy - 1988}年度"
    return "令和元年度" if fy == 2019 else f"令和{fy - 2018}年度"


class _Loader:
    """Bulk inserts in batches, with ids, counts, progress and cancellation."""

    def __init__(
        self,
        conn: Connection,
        total: int,
        stamp: datetime,
        progress: Callable[[int, int, str], None] | None,
        cancelled: Callable[[], bool] | None,
    ) -> None:
        self.conn, self.total, self.stamp = conn, total, stamp
        self._progress, self._cancelled = progress, cancelled
        self.counts: dict[str, int] = {}
        self.done = 0
        self._next: dict[str, int] = {}
        self._tables: dict[str, Table] = {}

    def next_id(self, table: Table) -> int:
        nid = self._next.get(table.name)
        if nid is None:
            nid = bulk.last_id(self.conn, table) + 1
            self._tables[table.name] = table
        self._next[table.name] = nid + 1
        return nid

    def insert(self, table: Table, rows: Iterable[dict[str, Any]], message: str) -> None:
        batch: list[dict[str, Any]] = []
        for row in rows:
            batch.append(row)
            if len(batch) >= BATCH:
                self._flush(table, batch, message)
                batch = []
        if batch:
            self._flush(table, batch, message)

    def _flush(self, table: Table, rows: list[dict[str, Any]], message: str) -> None:
        if "created_at" in table.c:
            for row in rows:
                row.setdefault("created_at", self.stamp)
                row.setdefault("updated_at", row["created_at"])
        bulk.insert_many(self.conn, table, rows)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.advance(len(rows), message)

    def ids_given(self) -> None:
        """Every table written with explicit ids: a server database's sequences moved."""
        for name, nid in self._next.items():
            bulk.ids_given(self.conn, self._tables[name], nid - 1)

    def advance(self, n: int, message: str) -> None:
        self.done = min(self.done + n, self.total - 1)
        if self._progress is not None:
            self._progress(self.done, self.total, message)
        self.check()

    def advance_to(self, done: int, message: str) -> None:
        """Move to an absolute position (never backwards), checking for cancel."""
        self.advance(max(0, done - self.done), message)

    def check(self) -> None:
        if self._cancelled is not None and self._cancelled():
            raise DemoCancelled("デモデータの作成を取り消しました（何も変更していません）")


@dataclass
class _Sys:
    id: int
    name: str
    dept: str
    segment: str
    vendor: int
    sb: str | None = None
    tokutei: int = 0


if TYPE_CHECKING:
    from app.store.attachments import AttachmentFiles


class _DemoBase:
    """State shared by the _Demo mixins (set in _Demo.__init__) and their helpers."""

    L: _Loader
    spec: DemoSize
    today: date
    rng: random.Random
    fy: int
    conn: Connection
    dept_id: dict[str, int]
    loc_id: list[int]
    vendor_id: list[int]
    contacts: dict[int, list[int]]
    systems: list[_Sys]
    cred_id: dict[str, int]
    sys_contract: dict[int, int]
    assets: list[tuple[int, str, str, str, str, str]]  # id name host dept os user
    sys_servers: dict[int, list[int]]
    notices: list[tuple[int, str, date | None]]
    recurring_tasks: list[int]
    staff: dict[str, list[str]]
    files: AttachmentFiles | None

    # -- helpers ---------------------------------------------------------
    def _named(self, table: Table, rows: list[dict[str, Any]], key: str, msg: str) -> list[int]:
        """Insert rows whose ``key`` is unique, reusing rows that already exist."""
        have = dict(self.conn.execute(select(table.c[key], table.c.id)).all())
        ids, new = [], []
        for row in rows:
            if row[key] in have:
                ids.append(have[row[key]])
            else:
                row["id"] = self.L.next_id(table)
                ids.append(row["id"])
                new.append(row)
        self.L.insert(table, new, msg)
        return ids

    def _date(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randrange(max(1, (end - start).days + 1)))

    def _person(self) -> str:
        return f"{self.rng.choice(W.SURNAMES)} {self.rng.choice(W.GIVEN_NAMES)}"
