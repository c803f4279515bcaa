"""Demo data: a realistic but entirely fictional town (架空県 ひとり町) to try Hitori with.

``generate_demo`` fills a freshly initialised database (reference data seeded,
no assets yet) with departments, vendors, systems, assets, contracts, licences,
notices, tasks, work logs, runbooks, checklists and attachment rows, then
rebuilds the search index. It uses Core bulk inserts with ids assigned here,
all in one transaction: an error or a cancel leaves the database unchanged.
The result depends only on (size, seed, today), never on the wall clock.
"""

from __future__ import annotations

import hashlib
import json
import logging
import random
import time
from bisect import bisect
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from itertools import accumulate
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection, Date, DateTime, Table, func, insert, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.progress import Cancelled
from app.services import demo_words as W
from app.services.reference_data import STANDARDIZATION_TEMPLATE
from app.store import search_index
from app.store.models import (
    Asset,
    AssetType,
    Attachment,
    Base,
    BusinessSystem,
    ChangeLogEntry,
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Contact,
    Contract,
    CredentialRef,
    Department,
    License,
    LicenseAssignment,
    Location,
    Notice,
    NoticeDeadline,
    Runbook,
    RunbookStep,
    StandardBusiness,
    Task,
    Vendor,
    WorkLogEntry,
    asset_systems,
    contract_assets,
    contract_systems,
    notice_assets,
    notice_systems,
    runbook_assets,
    runbook_contacts,
    runbook_credentials,
    utcnow,
)

log = logging.getLogger("hitori.demo")

__all__ = ["DEFAULT_TODAY", "SIZES", "DemoCancelled", "DemoError", "DemoSize", "generate_demo"]


@dataclass(frozen=True)
class DemoSize:
    assets: int
    worklog: int
    notices: int
    runbooks: int
    attachments: int
    tasks: int


SIZES: dict[str, DemoSize] = {
    "small": DemoSize(200, 1_000, 100, 20, 50, 300),
    "medium": DemoSize(5_000, 20_000, 1_000, 100, 500, 1_500),
    "large": DemoSize(50_000, 200_000, 5_000, 500, 2_000, 5_000),
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


def _iso_date(value: date | None) -> str | None:
    return None if value is None else value.isoformat()[:10]


def _iso_datetime(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat(" ")
    return text if value.microsecond else f"{text}.000000"


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

    def next_id(self, table: Table) -> int:
        nid = self._next.get(table.name)
        if nid is None:
            nid = (self.conn.execute(select(func.max(table.c.id))).scalar() or 0) + 1
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
        cols = list(rows[0])
        get = itemgetter(*cols)
        procs = [(i, p) for i, c in enumerate(cols) if (p := self._processor(table, c))]
        data: list[tuple[Any, ...]] = [get(r) for r in rows]
        if procs:
            for n, raw in enumerate(data):
                values = list(raw)
                for i, p in procs:
                    values[i] = p(values[i])
                data[n] = tuple(values)
        names, marks = ", ".join(f'"{c}"' for c in cols), ", ".join("?" * len(cols))
        self.conn.exec_driver_sql(f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})', data)
        self.counts[table.name] = self.counts.get(table.name, 0) + len(rows)
        self.advance(len(rows), message)

    def _processor(self, table: Table, col: str) -> Callable[[Any], Any] | None:
        """SQLAlchemy's own bind processor for a column, or a faster equivalent.

        Rows go straight to the DB-API (executemany of tuples): SQLAlchemy's
        per-row parameter handling cost more than the inserts themselves. Its
        processors keep the stored formats exactly what the ORM writes; for
        dates a C-speed isoformat is used after checking it gives the same text.
        """
        column = table.c[col]
        dialect = self.conn.dialect
        proc = column.type.dialect_impl(dialect).bind_processor(dialect)
        if proc is None or not isinstance(column.type, Date | DateTime):
            return proc
        fast: Callable[[Any], str | None] = _iso_date
        samples: tuple[date, ...] = (date(2026, 11, 1), date(1999, 3, 31))
        if isinstance(column.type, DateTime):
            fast = _iso_datetime
            samples = (datetime(2026, 11, 1, 9, 5, 7), datetime(2031, 3, 31, 23, 59, 59, 123456))
        if all(fast(v) == proc(v) for v in samples) and fast(None) == proc(None):
            return fast
        return proc

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


class _Demo:
    def __init__(self, loader: _Loader, spec: DemoSize, seed: int, today: date) -> None:
        self.L, self.spec, self.today = loader, spec, today
        self.rng = random.Random(seed)
        self.fy = _fiscal_year(today)
        self.conn = loader.conn
        self.dept_id: dict[str, int] = {}
        self.loc_id: list[int] = []
        self.vendor_id: list[int] = []
        self.contacts: dict[int, list[int]] = {}
        self.systems: list[_Sys] = []
        self.cred_id: dict[str, int] = {}
        self.sys_contract: dict[int, int] = {}
        self.assets: list[tuple[int, str, str, str, str, str]] = []  # id name host dept os user
        self.sys_servers: dict[int, list[int]] = {}
        self.notices: list[tuple[int, str, date | None]] = []
        self.recurring_tasks: list[int] = []
        self.staff: dict[str, list[str]] = {}

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

    def run(self) -> None:
        for step in (self._org, self._vendors, self._systems, self._assets, self._licenses,
                     self._notices, self._tasks, self._worklog, self._runbooks,
                     self._checklists, self._attachments):  # fmt: skip
            step()

    # -- organisation, vendors, systems, credentials ------------------------
    def _org(self) -> None:
        rows = [
            {"name": n, "code": c, "phone": f"内線 {ext}", "notes": f"{W.TOWN_FULL} {n}"}
            for n, c, _p, ext, _w, _l in W.DEPARTMENTS
        ]
        ids = self._named(_table(Department), rows, "name", "部署を作成しています")
        self.dept_id = {r["name"]: i for r, i in zip(rows, ids, strict=True)}
        rows = [{"name": n, "building": b, "floor": f, "notes": ""} for n, b, f in W.LOCATIONS]
        self.loc_id = self._named(_table(Location), rows, "name", "設置場所を作成しています")
        total_w = sum(d[4] for d in W.DEPARTMENTS)
        for name, _c, _p, _e, weight, _l in W.DEPARTMENTS:
            size = max(4, round(self.spec.assets * 0.55 * weight / total_w))
            self.staff[name] = [self._person() for _ in range(size)]

    def _vendors(self) -> None:
        rows = [
            {"name": v[0], "kana": v[1], "phone": v[2], "address": v[3], "support_hours": v[4],
             "emergency_contact": v[5], "notes": v[6],
             "url": f"https://vendor{i + 1:02d}.example.jp/"}
            for i, v in enumerate(W.VENDORS)
        ]  # fmt: skip
        self.vendor_id = self._named(_table(Vendor), rows, "name", "ベンダーを作成しています")
        contacts: list[dict[str, Any]] = []
        names = list(W.CONTACT_NAMES)
        self.rng.shuffle(names)
        for i, vid in enumerate(self.vendor_id):
            for role in W.CONTACT_ROLES[: 2 + i % 3]:
                name, kana = names[len(contacts) % len(names)].split(":")
                cid = self.L.next_id(_table(Contact))
                self.contacts.setdefault(i, []).append(cid)
                phone = W.VENDORS[i][2] if role == "保守窓口" else f"090-5555-{1000 + cid:04d}"
                contacts.append({
                    "id": cid, "vendor_id": vid, "name": name, "kana": kana, "role": role,
                    "phone": phone, "email": f"contact{cid:03d}@vendor{i + 1:02d}.example.jp",
                    "notes": f"{role}。{W.VENDORS[i][4]}",
                })  # fmt: skip
        self.L.insert(_table(Contact), contacts, "連絡先を作成しています")

    def _systems(self) -> None:
        sbs = self.conn.execute(
            select(StandardBusiness.id, StandardBusiness.name).order_by(StandardBusiness.sort_order)
        ).all()
        specs: list[_Sys] = []
        for sb_id, sb_name in sbs:
            dept, vendor, reason = W.STANDARD_SYSTEMS.get(sb_id, ("住民課", 0, 0))
            specs.append(_Sys(0, f"{sb_name}システム", dept, "mynumber", vendor, sb_id, reason))
        for name, dept, seg, vendor, _desc in W.OTHER_SYSTEMS:
            specs.append(_Sys(0, name, dept, seg, vendor))
        descs = {o[0]: o[4] for o in W.OTHER_SYSTEMS}
        rows = []
        for s in specs:
            planned = (
                self._date(date(2028, 4, 1), date(2030, 12, 31))
                if s.tokutei
                else self._date(date(2025, 10, 1), STANDARDIZATION_DEADLINE)
            )
            provider = W.VENDORS[s.vendor][0]
            rows.append({
                "name": s.name, "vendor_id": self.vendor_id[s.vendor],
                "standard_business_id": s.sb, "department_id": self.dept_id[s.dept],
                "segment": s.segment,
                "description": descs.get(s.name, f"標準化対象業務（{s.name}）。{provider}が提供"),
                "tokutei_iko": bool(s.tokutei), "tokutei_reason": s.tokutei or None,
                "tokutei_deadline": TOKUTEI_DEADLINE if s.tokutei else None,
                "migration_planned_on": planned if s.sb else None,
                "notes": "特定移行支援システムとして申請済み" if s.tokutei else "",
            })  # fmt: skip
        ids = self._named(_table(BusinessSystem), rows, "name", "業務システムを作成しています")
        for s, sid in zip(specs, ids, strict=True):
            s.id = sid
        self.systems = specs
        creds = [c.split("|") for c in W.CREDENTIALS]
        creds += [[f"{s.name} 管理者", f"{s.name[:2]}-admin", "金庫内 封筒"] for s in specs]
        cred_rows = [
            {"label": label, "kind": "password", "service": "hitori", "username": user,
             "where_kept": f"OSのキーリング（参照のみ）。控え: {kept}",
             "notes": "値はHitoriに保存しない。変更したら控えも更新する"}
            for label, user, kept in creds
        ]  # fmt: skip
        cred_rows.append(
            {"label": "一太郎2024 ライセンスキー", "kind": "license_key", "service": "hitori",
             "username": "", "where_kept": "ライセンス証書（鍵付きキャビネット）", "notes": ""}
        )  # fmt: skip
        cids = self._named(_table(CredentialRef), cred_rows, "label", "認証情報の参照を作成")
        self.cred_id = {r["label"]: i for r, i in zip(cred_rows, cids, strict=True)}
        self._contracts()

    def _contract(self, title: str, kind: str, vendor: int, start: date, end: date,
                  amount: int, **extra: Any) -> dict[str, Any]:  # fmt: skip
        cid = self.L.next_id(_table(Contract))
        row = {"id": cid, "title": title, "kind": kind, "vendor_id": self.vendor_id[vendor],
               "contract_number": f"{start.year}-{cid:04d}", "start_date": start,
               "end_date": end, "amount_yen": amount // 1000 * 1000, "auto_renew": False,
               "notice_days": 60, "notes": ""}  # fmt: skip
        row.update(extra)
        self._contract_rows.append(row)
        return row

    def _contracts(self) -> None:
        rng, fy = self.rng, self.fy
        self._contract_rows: list[dict[str, Any]] = []
        links = []
        for s in self.systems:
            base = rng.randrange(600_000, 18_000_000)
            for year in (fy - 1, fy):
                row = self._contract(
                    f"{s.name} 保守業務委託（{_nendo(year)}）", "maintenance", s.vendor,
                    date(year, 4, 1), date(year + 1, 3, 31), int(base * (1 + (year - fy) * 0.03)),
                    notes="単年度契約（随意契約）",
                )  # fmt: skip
                links.append({"contract_id": row["id"], "business_system_id": s.id})
            self.sys_contract[s.id] = row["id"]
        start, end = date(fy, 4, 1), date(fy + 1, 3, 31)
        self.net_contract = self._contract(
            f"庁内ネットワーク機器 保守（{_nendo(fy)}）", "maintenance", 3, start, end, 4_800_000
        )["id"]
        self.ups_contract = self._contract(
            f"無停電電源装置 点検保守（{_nendo(fy)}）", "maintenance", 8, start, end, 660_000
        )["id"]
        y = self.today.year
        self.av_contract = self._contract(
            "ウイルス対策ソフト 年間サポート", "support", 13, date(y, 1, 1), date(y, 12, 31),
            rng.randrange(2_000_000, 5_000_000), auto_renew=True, notice_days=30,
        )["id"]  # fmt: skip
        self.m365_contract = self._contract(
            "Microsoft 365 ライセンス（年間）", "license", 2, date(y, 7, 1),
            date(y + 1, 6, 30), rng.randrange(8_000_000, 20_000_000), auto_renew=True,
        )["id"]  # fmt: skip
        leased = self.spec.assets * 0.64 * 0.6
        self.leases: list[dict[str, Any]] = []
        for year in range(fy - 7, fy + 1):
            for k in range(max(1, round(leased / 8 / 150))):
                begin = min(date(year, rng.choice((7, 8, 9, 10, 11, 12)), 1), self.today)
                begin = begin.replace(day=1)
                self.leases.append(self._contract(
                    f"{_nendo(year)} 事務用パソコン等賃貸借（その{k + 1}）", "lease", 11, begin,
                    _years(begin, 5) - timedelta(days=1), 0, notice_days=90,
                    contract_number=f"L-{year}-{k + 1:03d}", notes="5年リース・再リース可",
                ))  # fmt: skip
        self._contract_links = links

    # -- assets --------------------------------------------------------------
    def _assets(self) -> None:
        rng, today = self.rng, self.today
        type_ids = dict(self.conn.execute(select(AssetType.code, AssetType.id)).all())
        codes = [c for c in W.TYPE_PLAN if c in type_ids]
        types = rng.choices(codes, [W.TYPE_PLAN[c][2] for c in codes], k=self.spec.assets)
        types[: len(codes)] = codes
        rng.shuffle(types)
        models = {c: [m.split(":", 1) for m in W.MODELS[c].split("|")] for c in codes}
        depts = [(d[0], d[2], d[4], d[5]) for d in W.DEPARTMENTS]
        dept_cum = list(accumulate(d[2] for d in depts))
        seg_cum = {g: list(accumulate(w)) for g, w in SEGMENT_WEIGHTS.items()}
        old_cum, new_cum = list(accumulate((55, 5, 2, 23, 15))), list(accumulate((90, 5, 2, 2, 1)))
        mynum = [d for d in depts if d[0] in W.MYNUMBER_DEPTS]
        by_seg: dict[str, list[_Sys]] = {}
        for s in self.systems:
            by_seg.setdefault(s.segment, []).append(s)
        common = [s for s in self.systems if s.name in ("財務会計システム", "文書管理システム")]
        counters: dict[str, int] = {}
        rows, sys_links, con_links = [], [], []
        self.pcs: list[tuple[int, str, str, str]] = []
        lease_units: dict[int, int] = {}
        for code in types:
            group = GROUP.get(code, code)
            prefix, host_part, _w = W.TYPE_PLAN[code]
            seg = _pick(rng, SEGMENTS, seg_cum[group])
            aid = self.L.next_id(_table(Asset))
            if aid % BATCH == 0:
                self.L.check()
            system: _Sys | None = None
            if group == "server":
                system = rng.choice(by_seg.get(seg) or self.systems)
                dname = system.dept
                loc = W.SERVER_ROOM
            elif group in ("net", "ups") or code in ("software", "cloud"):
                dname, loc = "総務課", rng.randrange(len(self.loc_id))
                if code == "firewall":
                    loc = W.SERVER_ROOM
            else:
                d = rng.choice(mynum) if seg == "mynumber" else _pick(rng, depts, dept_cum)
                dname, loc = d[0], d[3]
                if dname == "教育委員会事務局" and rng.random() < 0.6:
                    loc = rng.choice(W.SCHOOLS)
                elif rng.random() < 0.1:
                    loc = rng.randrange(len(self.loc_id))
            dprefix = next(d[1] for d in depts if d[0] == dname)
            lease = None
            if group in ("pc", "thin", "printer") and rng.random() < 0.6:
                lease = rng.choice(self.leases)
                purchase, lease_end = lease["start_date"], lease["end_date"]
                lease_units[lease["id"]] = lease_units.get(lease["id"], 0) + 1
                con_links.append({"contract_id": lease["id"], "asset_id": aid})
            else:
                purchase, lease_end = today - timedelta(days=rng.randrange(8 * 365)), None
            age = (today - purchase).days / 365
            status = _pick(rng, STATUSES, old_cum if age > 6 else new_cum)
            maker, model = rng.choice(models[code])
            os_name = self._os(group, purchase, age)
            n = counters[prefix] = counters.get(prefix, 0) + 1
            tag = f"HT-{prefix}-{n:06d}" if prefix == "PC" else f"HT-{prefix}-{n:04d}"
            hostname = ip = mac = user = ""
            if host_part:
                hn = counters[dprefix + host_part] = counters.get(dprefix + host_part, 0) + 1
                hostname = f"{dprefix}-{host_part}-{hn:04d}"
            if group in NETWORKED:
                x = (aid * 2654435761) & 0xFFFFFF
                mac = (
                    f"00:1B:{0x40 + len(maker):02X}:{x >> 16:02X}:{x >> 8 & 255:02X}:{x & 255:02X}"
                )
                if seg != "standalone":
                    m = counters[seg] = counters.get(seg, 0) + 1
                    ip = self._ip(seg, m)
            if group in ("pc", "thin", "mobile"):
                user = rng.choice(self.staff[dname])
            word = W.TYPE_WORD[code]
            if group in ("pc", "thin", "mobile"):
                name = f"{dname} {word}（{user}）"
            elif system is not None:
                name = f"{system.name} {rng.choice(W.SERVER_ROLES)}{word}"
            elif code in ("software", "cloud"):
                name = model
            else:
                name = f"{W.LOCATIONS[loc][0]} {word} {n}"
            if code in ("software", "cloud"):
                maint = date(self.fy + 1, 3, 31)
                eol = None
            else:
                maint = lease_end or _years(purchase, rng.choice((3, 4, 5, 5, 6)))
                eol = _years(purchase, rng.choice((6, 7, 8)))
                if os_name in W.OS_EOL:
                    eol = min(eol, date(*W.OS_EOL[os_name]))
            custom: dict[str, str] = {"管理シール": "済" if rng.random() < 0.85 else "未"}
            if lease:
                custom["リース契約No"] = lease["contract_number"]
            if group == "server":
                custom["ラック位置"] = f"R{rng.randint(1, 4)}-U{rng.randint(1, 40):02d}"
            seen = None
            if ip and status != "disposed":
                back = rng.randrange(14 * 1440) if rng.random() < 0.9 else rng.randrange(400 * 1440)
                seen = datetime(today.year, today.month, today.day, 8) - timedelta(minutes=back)
            c = 3 if seg == "mynumber" else 2 if seg == "lgwan" else rng.randint(1, 2)
            rows.append({
                "id": aid, "asset_tag": tag, "name": name, "asset_type_id": type_ids[code],
                "status": status, "segment": seg, "department_id": self.dept_id[dname],
                "location_id": self.loc_id[loc], "user_name": user, "hostname": hostname,
                "ip_address": ip, "mac_address": mac,
                "serial_number": f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}"
                f"{rng.choice('ABCDEFGHJKLMNPRSTUVWXYZ')}{rng.randrange(10**8):08d}",
                "manufacturer": maker, "model": model, "os_name": os_name,
                "purchase_date": purchase, "lease_end": lease_end, "maintenance_end": maint,
                "eol_date": eol, "last_seen_at": seen,
                "last_audited_on": self._date(today - timedelta(days=700), today)
                if rng.random() < 0.7 else None,
                "confidentiality": c, "integrity": max(1, c - rng.randint(0, 1)),
                "availability": 3 if group == "server" and seg != "internet" else rng.randint(1, 2),
                "notes": rng.choice(W.ASSET_NOTES) if rng.random() < 0.2 else "",
                "custom_fields": custom,
            })  # fmt: skip
            self.assets.append((aid, name, hostname, dname, os_name, user))
            if system is not None:
                sys_links.append({"asset_id": aid, "business_system_id": system.id})
                con_links.append({"contract_id": self.sys_contract[system.id], "asset_id": aid})
                self.sys_servers.setdefault(system.id, []).append(aid)
            elif group == "pc" and seg == "mynumber":
                own = [s for s in by_seg["mynumber"] if s.dept == dname] or by_seg["mynumber"]
                for s in rng.sample(own, min(len(own), rng.randint(1, 2))):
                    sys_links.append({"asset_id": aid, "business_system_id": s.id})
            elif group == "pc" and seg == "lgwan" and rng.random() < 0.3:
                sys_links.append({"asset_id": aid, "business_system_id": rng.choice(common).id})
            if group == "net":
                con_links.append({"contract_id": self.net_contract, "asset_id": aid})
            elif code == "ups":
                con_links.append({"contract_id": self.ups_contract, "asset_id": aid})
            if group in ("pc", "thin") and status in ("in_use", "spare"):
                self.pcs.append((aid, user, seg, dname))
        for lease in self.leases:
            lease["amount_yen"] = lease_units.get(lease["id"], 1) * 3_800 * 60
        self.L.insert(_table(Contract), self._contract_rows, "契約を作成しています")
        self.L.insert(contract_systems, self._contract_links, "契約を作成しています")
        self.L.insert(_table(Asset), rows, "資産を作成しています")
        self.L.insert(asset_systems, sys_links, "資産とシステムを関連付けています")
        self.L.insert(contract_assets, con_links, "資産と契約を関連付けています")

    def _os(self, group: str, purchase: date, age: float) -> str:
        rng = self.rng
        if group == "pc":
            old = rng.random() < (0.75 if purchase < date(2021, 10, 5) else 0.08)
            return rng.choice(W.PC_OS_OLD if old else W.PC_OS_NEW)
        if group == "thin":
            return rng.choice(W.THIN_OS)
        if group == "server":
            pool = W.SERVER_OS[2:5] if age > 6 else W.SERVER_OS[1:3] + W.SERVER_OS[5:]
            return rng.choice(pool if age > 3 else W.SERVER_OS[0:2] + W.SERVER_OS[4:5])
        return rng.choice(W.MOBILE_OS) if group == "mobile" else ""

    @staticmethod
    def _ip(segment: str, n: int) -> str:
        host, net = n % 250 + 1, n // 250
        if segment == "mynumber":
            return f"10.10.{net % 256}.{host}"
        if segment == "lgwan":
            return f"172.{16 + net // 256 % 16}.{net % 256}.{host}"
        return f"192.168.{net % 256}.{host}"

    # -- licences --------------------------------------------------------------
    def _licenses(self) -> None:
        rng, today = self.rng, self.today
        rows, assigns = [], []
        expiry = {"av": date(today.year, 12, 31), "ichitaro": None}
        for product, vendor, rule in W.LICENSES:
            lid = self.L.next_id(_table(License))
            targets: list[tuple[int | None, str]]
            if rule == "av":
                targets = [(a, "") for a, _u, _s, _d in self.pcs]
                targets += [(a, "") for ids in self.sys_servers.values() for a in ids]
            elif rule in ("office", "cal"):
                users = {u: None for _a, u, s, _d in self.pcs if s in ("lgwan", "internet") and u}
                targets = [(None, u) for u in users]
            elif rule == "cad":
                targets = [(a, "") for a, _u, _s, d in self.pcs if d in ("建設課", "上下水道課")]
            else:
                share = 0.25 if rule == "ichitaro" else 0.1
                targets = [(a, "") for a, *_ in self.pcs if rng.random() < share]
            over = rule in ("ichitaro", "cad")
            seats = max(1, int(len(targets) * 0.9)) if over else -(-len(targets) * 11 // 500) * 50
            contract = {"av": self.av_contract, "office": self.m365_contract}.get(rule)
            key = self.cred_id.get(f"{product} ライセンスキー")
            rows.append({
                "id": lid, "product": product, "vendor_id": self.vendor_id[vendor],
                "seats": max(seats, 1), "expiry_date": expiry.get(rule, date(self.fy + 1, 3, 31)),
                "key_credential_id": key, "contract_id": contract,
                "notes": "割当数が保有数を超過。追加購入を検討" if over else "",
            })  # fmt: skip
            for asset_id, user in targets:
                assigns.append({"license_id": lid, "asset_id": asset_id, "user_name": user,
                                "assigned_on": self._date(today - timedelta(days=1500), today),
                                "id": self.L.next_id(_table(LicenseAssignment))})  # fmt: skip
        self.L.insert(_table(License), rows, "ライセンスを作成しています")
        self.L.insert(_table(LicenseAssignment), assigns, "ライセンスを割り当てています")

    # -- notices ------------------------------------------------------------
    def _notices(self) -> None:
        rng, today = self.rng, self.today
        by_issuer: dict[int, list[tuple[str, str]]] = {}
        for t in W.NOTICE_TOPICS:
            topic, issuers, sb = t.split("|")
            for ch in issuers:
                by_issuer.setdefault(int(ch), []).append((topic, sb))
        sys_by_sb = {s.sb: s for s in self.systems if s.sb}
        win10 = [a[0] for a in self.assets if a[4] == "Windows 10 Pro 22H2"][:10]
        have = self.conn.execute(select(Notice.issuer, Notice.issued_on, Notice.title))
        seen: set[tuple[Any, ...]] = {tuple(r) for r in have}
        rows, deadlines, sys_links, asset_links = [], [], [], []
        start = date(self.fy - 4, 4, 1)
        for i in range(self.spec.notices):
            nid = self.L.next_id(_table(Notice))
            if i == 0:  # the deadline that moved from 10/31 to 11/28
                issuer_i, (topic, sb) = 1, ("標準準拠システムへの移行に係る進捗状況調査", "-")
                issued, kind = today - timedelta(days=36), "irai"
            else:
                issuer_i = rng.choices(range(len(W.ISSUERS)), [x[1] for x in W.ISSUERS])[0]
                topic, sb = rng.choice(by_issuer[issuer_i])
                issued = self._date(start, today)
                kind = rng.choices(NOTICE_KINDS, (35, 30, 25, 6, 4))[0]
            issuer, _w, abbrs = W.ISSUERS[issuer_i]
            year = f"{_nendo(_fiscal_year(issued))} " if rng.random() < 0.3 else ""
            ask = "" if topic.endswith("調査") else "に係る照会"
            title = {
                "tsuchi": f"{year}{topic}について（通知）",
                "jimurenraku": f"{year}{topic}について（事務連絡）",
                "irai": f"{year}{topic}{ask}について（依頼）",
                "guideline": f"{topic}について（改定のお知らせ）",
                "law": f"{topic}に係る関係省令の一部改正について（通知）",
            }[kind]
            k = 1
            while (issuer, issued, title) in seen:
                k += 1
                title = f"{title.rsplit('（第', 1)[0]}（第{k}報）"
            seen.add((issuer, issued, title))
            age = (today - issued).days
            status = rng.choices(("unread", "reading", "acting", "done", "na"),
                                 (50, 30, 20, 0, 0) if age < 30 else (5, 10, 25, 45, 15)
                                 if age < 180 else (0, 1, 4, 75, 20))[0]  # fmt: skip
            system = sys_by_sb.get(sb) or (rng.choice(self.systems) if rng.random() < 0.3 else None)
            fill = {"topic": topic, "issuer": issuer, "dept": system.dept if system else "総務課",
                    "system": system.name if system else "関係システム"}  # fmt: skip
            deadline = None
            if i == 0 or kind == "irai" or rng.random() < 0.2:
                # i == 0: with the default today, 10/31 moved to 11/28
                first = (
                    today - timedelta(days=1) if i == 0 else issued + timedelta(rng.randint(14, 60))
                )
                deadline = first
                deadlines.append(self._deadline(nid, first, issued, "通知により設定"))
                if i == 0 or rng.random() < 0.12:
                    deadline = first + timedelta(days=28 if i == 0 else rng.randint(7, 35))
                    when = issued + timedelta(days=max(1, (first - issued).days - 3))
                    reason = f"{issuer}の事務連絡により提出期限が延長された"
                    deadlines.append(self._deadline(nid, deadline, when, reason))
            rows.append({
                "id": nid, "issuer": issuer, "issued_on": issued, "title": title, "kind": kind,
                "doc_number": "" if kind == "jimurenraku" or rng.random() < 0.2
                else f"{rng.choice(abbrs.split())}第{rng.randint(10, 999)}号",
                "status": "acting" if i == 0 else status, "url": "",
                "summary": rng.choice(W.NOTICE_SUMMARY).format(**fill),
                "interpretation": rng.choice(W.NOTICE_INTERPRETATION).format(**fill),
                "deadline": deadline, "source": rng.choice(W.NOTICE_SOURCES),
            })  # fmt: skip
            self.notices.append((nid, title, deadline))
            if system is not None:
                sys_links.append({"notice_id": nid, "business_system_id": system.id})
            if topic.startswith("Windows 10"):
                asset_links += [{"notice_id": nid, "asset_id": a} for a in win10]
        self.L.insert(_table(Notice), rows, "通知を作成しています")
        self.L.insert(_table(NoticeDeadline), deadlines, "通知の期限履歴を作成しています")
        self.L.insert(notice_systems, sys_links, "通知とシステムを関連付けています")
        self.L.insert(notice_assets, asset_links, "通知と資産を関連付けています")

    def _deadline(self, nid: int, d: date, on: date, reason: str) -> dict[str, Any]:
        at = datetime(on.year, on.month, on.day, 10)
        return {"id": self.L.next_id(_table(NoticeDeadline)), "notice_id": nid,
                "deadline": d, "changed_at": at, "reason": reason, "created_at": at}  # fmt: skip

    # -- tasks and work log ------------------------------------------------
    def _task(self, title: str, body: str, due: date, **extra: Any) -> dict[str, Any]:
        rng, today = self.rng, self.today
        done = due < today and rng.random() < 0.95
        status = "done" if done else ("doing" if due - today < timedelta(30) else "open")
        row = {"id": self.L.next_id(_table(Task)), "title": title, "body": body,
               "status": status, "priority": rng.choice((1, 2, 2, 2, 3)), "due_date": due,
               "completed_on": min(today, due - timedelta(rng.randint(0, 14))) if done else None,
               "recur_month": None, "recur_day": None, "fiscal_year": _fiscal_year(due),
               "asset_id": None, "system_id": None, "notice_id": None}  # fmt: skip
        row.update(extra)
        return row

    def _tasks(self) -> None:
        rng, today = self.rng, self.today
        rows = []
        for fy in range(self.fy - 4, self.fy + 1):
            for spec in W.RECURRING_TASKS:
                title, m, d, body = spec.split("|")
                due = date(fy if int(m) >= 4 else fy + 1, int(m), int(d))
                rows.append(self._task(title, body, due, recur_month=int(m), recur_day=int(d)))
                self.recurring_tasks.append(rows[-1]["id"])
        for nid, title, deadline in self.notices:
            if deadline and len(rows) < self.spec.tasks * 0.4:
                rows.append(self._task(f"{title[:60]} への対応", "回答・対応の取りまとめ",
                                       deadline, notice_id=nid))  # fmt: skip
        while len(rows) < self.spec.tasks:
            a, s = rng.choice(self.assets), rng.choice(self.systems)
            tpl = rng.choice(W.ONE_OFF_TASKS)
            title = tpl.format(asset=a[1], system=s.name, dept=a[3],
                               location=rng.choice(W.LOCATIONS)[0])  # fmt: skip
            due = today + timedelta(days=rng.randint(-700, 365))
            extra = {"asset_id": a[0]} if "{asset}" in tpl else {}
            if "{system}" in tpl:
                extra["system_id"] = s.id
            rows.append(self._task(title, f"{a[3]}からの依頼。", due, **extra))
        self.L.insert(_table(Task), rows, "タスクを作成しています")

    def _worklog(self) -> None:
        self.user_assets = [a for a in self.assets if a[5]] or self.assets
        self.L.insert(_table(WorkLogEntry), self._worklog_rows(), "作業ログを作成しています")

    def _worklog_rows(self) -> Iterator[dict[str, Any]]:
        rng, start = self.rng, date(self.fy - 4, 4, 1)
        span = (self.today - start).days + 1
        cats = list(W.WORKLOG)
        cum = list(accumulate(W.WORKLOG[c][0] for c in cats))
        templates = {c: [t.split("|") for t in W.WORKLOG[c][1]] for c in cats}
        days = sorted(rng.randrange(span) for _ in range(self.spec.worklog))
        table = _table(WorkLogEntry)
        for offset in days:
            day = start + timedelta(days=offset)
            if day.weekday() >= 5 and rng.random() < 0.9:
                day = max(start, day - timedelta(days=day.weekday() - 4))
            cat = _pick(rng, cats, cum)
            title_t, body_t = rng.choice(templates[cat])
            text = title_t + body_t
            a = None
            if "{user}" in text:
                a = rng.choice(self.user_assets)
            elif "{asset}" in text or "{host}" in text:
                a = rng.choice(self.assets)
            s = rng.choice(self.systems) if "{system}" in text or "{vendor}" in text else None
            dept = a[3] if a else s.dept if s else rng.choice(W.DEPARTMENTS)[0]
            fill = {
                "asset": a[1] if a else "", "host": (a[2] or a[1]) if a else "",
                "os": (a[4] or "ファームウェア") if a else "", "dept": dept,
                "user": (a[5] if a and a[5] else rng.choice(self.staff[dept])),
                "system": s.name if s else "", "vendor": W.VENDORS[s.vendor][0] if s else "",
            }  # fmt: skip
            lo, hi = W.WORKLOG_MINUTES.get(cat, (5, 60))
            minutes = rng.randrange(lo, hi + 1, 5)
            started = datetime(day.year, day.month, day.day, 8, 30) + timedelta(
                minutes=rng.randrange(0, 510, 5)
            )
            task = (
                rng.choice(self.recurring_tasks)
                if cat == "定期作業" and rng.random() < 0.2
                else None
            )
            yield {
                "id": self.L.next_id(table), "occurred_on": day,
                "started_at": started, "minutes": minutes, "category": cat,
                "title": title_t.format(**fill)[:200], "body": body_t.format(**fill)[:80],
                "asset_id": a[0] if a else None, "system_id": s.id if s else None,
                "task_id": task, "created_at": started + timedelta(minutes=minutes),
            }  # fmt: skip

    # -- runbooks, checklists, attachments -----------------------------------------
    def _runbooks(self) -> None:
        rng, today = self.rng, self.today
        rows: list[dict[str, Any]] = []
        steps, ra, rc, rcr = [], [], [], []
        kinds = [k.split("|") for k in W.RUNBOOK_SYSTEM_KINDS]
        for i in range(self.spec.runbooks):
            rid = self.L.next_id(_table(Runbook))
            system: _Sys | None = None
            if i < len(W.RUNBOOKS):
                title, freq, purpose, middle = W.RUNBOOKS[i].split("|")
            else:
                j = i - len(W.RUNBOOKS)
                kind, system = (
                    kinds[j % len(kinds)],
                    self.systems[j // len(kinds) % len(self.systems)],
                )
                cycle = j // (len(kinds) * len(self.systems))
                suffix = f"（{W.DEPARTMENTS[cycle % len(W.DEPARTMENTS)][0]}向け）" if cycle else ""
                title, freq, purpose, middle = f"{system.name} {kind[0]}{suffix}", *kind[1:]
            flow = W.RUNBOOK_PREP[: rng.randint(0, 2)] + middle.split(";")
            flow += W.RUNBOOK_POST[: rng.randint(0, 3)]
            for pos, step in enumerate(flow, start=1):
                steps.append({
                    "id": self.L.next_id(_table(RunbookStep)), "runbook_id": rid,
                    "position": pos, "title": step,
                    "body": f"{step}。{'担当: 総務課 情報係' if pos % 2 else '画面の表示を確認'}",
                    "expected": rng.choice(W.RUNBOOK_EXPECT),
                })  # fmt: skip
            revised = self._date(today - timedelta(days=1500), today)
            rows.append({"id": rid, "title": title[:200], "purpose": purpose, "frequency": freq,
                         "system_id": system.id if system else None,
                         "notes": f"最終改訂 {revised:%Y-%m-%d}"})  # fmt: skip
            vendor = system.vendor if system else rng.choice((2, 3, 13))
            for cid in self.contacts[vendor][:2]:
                rc.append({"runbook_id": rid, "contact_id": cid})
            label = f"{system.name} 管理者" if system else rng.choice(W.CREDENTIALS).split("|")[0]
            rcr.append({"runbook_id": rid, "credential_ref_id": self.cred_id[label]})
            for aid in (self.sys_servers.get(system.id, []) if system else [])[:3]:
                ra.append({"runbook_id": rid, "asset_id": aid})
        self.runbook_ids: list[int] = [int(r["id"]) for r in rows]
        self.L.insert(_table(Runbook), rows, "手順書を作成しています")
        self.L.insert(_table(RunbookStep), steps, "手順書を作成しています")
        self.L.insert(runbook_assets, ra, "手順書を関連付けています")
        self.L.insert(runbook_contacts, rc, "手順書を関連付けています")
        self.L.insert(runbook_credentials, rcr, "手順書を関連付けています")

    def _checklists(self) -> None:
        rng = self.rng
        std = self.conn.execute(
            select(ChecklistTemplate.id).where(ChecklistTemplate.code == STANDARDIZATION_TEMPLATE)
        ).scalar_one()
        items = self._items(std)
        lists, progress = [], []
        for s in (x for x in self.systems if x.sb):
            cid = self.L.next_id(_table(Checklist))
            note = "特定移行支援システム（期限 2031-03-31）" if s.tokutei else ""
            name = f"{s.name[:-4]} 標準化 移行手順"
            lists.append({"id": cid, "template_id": std, "name": name, "standard_business_id": s.sb,
                          "system_id": s.id, "notes": note})  # fmt: skip
            front = rng.randint(14, 28) if s.tokutei else rng.randint(34, 40)
            end = date(2030, 3, 31) if s.tokutei else STANDARDIZATION_DEADLINE
            progress += self._progress(cid, items, front, date(2022, 4, 1), end)
        gc = self._gov_cloud_template()
        gid = self.L.next_id(_table(Checklist))
        lists.append({"id": gid, "template_id": gc, "name": f"ガバメントクラウド移行（{W.TOWN}）",
                      "standard_business_id": None, "system_id": None,
                      "notes": "県の共同調達に参加予定"})  # fmt: skip
        gitems = self._items(gc)
        progress += self._progress(
            gid, gitems, rng.randint(4, 7), date(2024, 4, 1), date(2027, 3, 31)
        )
        self.L.insert(_table(Checklist), lists, "チェックリストを作成しています")
        self.L.insert(_table(ChecklistProgress), progress, "チェックリストを作成しています")

    def _items(self, template_id: int) -> list[tuple[int, str]]:
        stmt = (
            select(ChecklistTemplateItem.id, ChecklistTemplateItem.group_name)
            .where(ChecklistTemplateItem.template_id == template_id)
            .order_by(ChecklistTemplateItem.position)
        )
        return [(r[0], r[1]) for r in self.conn.execute(stmt)]

    def _gov_cloud_template(self) -> int:
        table = _table(ChecklistTemplate)
        have = self.conn.execute(
            select(table.c.id).where(table.c.code == GOV_CLOUD_TEMPLATE)
        ).scalar()
        if have is not None:
            return int(have)
        tid = self.L.next_id(table)
        self.L.insert(table, [{"id": tid, "code": GOV_CLOUD_TEMPLATE, "kind": "gov_cloud",
                               "name": "ガバメントクラウド移行（デモ）", "builtin": False,
                               "description": "接続回線・運用管理補助者・見積などの確認項目"}],
                      "チェックリストを作成しています")  # fmt: skip
        items = []
        for pos, spec in enumerate(W.GOV_CLOUD_ITEMS):
            group, title = spec.split("|")
            items.append({"id": self.L.next_id(_table(ChecklistTemplateItem)),
                          "template_id": tid, "code": f"GC-{pos + 1:02d}",
                          "group_name": group, "title": title, "position": pos})  # fmt: skip
        self.L.insert(_table(ChecklistTemplateItem), items, "チェックリストを作成しています")
        return tid

    def _progress(self, cid: int, items: list[tuple[int, str]], front: int, start: date,
                  end: date) -> list[dict[str, Any]]:  # fmt: skip
        rng, today, out = self.rng, self.today, []
        for i, (item_id, group) in enumerate(items):
            due = start + (end - start) * (i + 1) // len(items)
            rfi = "RFI" in group or "ベンダ選定" in group
            status = "done" if i < front else "doing" if i < front + 2 else "todo"
            if status == "done" and rfi and rng.random() < 0.15:
                status = "na"
            done_on = min(today, due - timedelta(days=rng.randint(0, 45)))
            out.append({
                "id": self.L.next_id(_table(ChecklistProgress)), "checklist_id": cid,
                "item_id": item_id, "status": status, "due_date": due,
                "completed_on": done_on if status == "done" else None,
                "evidence": rng.choice(W.EVIDENCE).format(d=f"{done_on:%Y-%m-%d}")
                if status == "done" else "",
                "notes": "共同利用のため県の取りまとめで実施" if status == "na" else "",
            })  # fmt: skip
        return out

    def _attachments(self) -> None:
        rng = self.rng
        owners: dict[str, list[int]] = {
            "asset": [a[0] for a in self.assets],
            "notice": [n[0] for n in self.notices],
            "runbook": self.runbook_ids,
        }
        assets = {a[0]: a for a in self.assets}
        rows = []
        for i in range(self.spec.attachments):
            kind = rng.choices(("asset", "notice", "runbook"), (60, 25, 15))[0]
            owner = rng.choice(owners[kind])
            a = assets.get(owner) if kind == "asset" else None
            fname = rng.choice(W.ATTACHMENT_NAMES[kind]).format(
                year=rng.randint(self.fy - 4, self.fy),
                tag=f"{owner:06d}", host=(a[2] or "本体") if a else "",
            )  # fmt: skip
            content = f"{kind}:{owner}:{fname}:{i}".encode()
            rows.append({
                "id": self.L.next_id(_table(Attachment)), "owner_kind": kind,
                "owner_id": owner, "filename": fname,
                "media_type": W.MEDIA_TYPES[fname.rsplit(".", 1)[1]],
                "size_bytes": rng.randint(20_000, 3_000_000),
                "sha256": hashlib.sha256(content).hexdigest(),
                "stored_name": f"{rng.getrandbits(128):032x}",
                "description": f"{_nendo(self.fy)} 受領（デモ）",
            })  # fmt: skip
        self.L.insert(_table(Attachment), rows, "添付ファイルの情報を作成しています")


def _estimate(spec: DemoSize) -> tuple[int, int]:
    """Rough (rows to insert, rows to index) used as progress units."""
    rows = spec.assets * 4 + spec.worklog + spec.notices * 2 + spec.runbooks * 9
    rows += spec.tasks + spec.attachments + 2_000
    return rows, spec.assets + spec.worklog + spec.notices + spec.runbooks * 7 + spec.tasks


def generate_demo(
    session_factory: sessionmaker[Session],
    *,
    size: str = "small",
    seed: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    cancelled: Callable[[], bool] | None = None,
    today: date | None = None,
) -> dict[str, int]:
    """Fill an empty ledger with demo data of ``size``; return rows inserted per table.

    Raises DemoError if the database already has assets (or ``size`` is unknown)
    and DemoCancelled when ``cancelled()`` turns true; in both cases nothing is
    written. The key ``search_docs`` counts the records put into the search index.
    """
    spec = SIZES.get(size)
    if spec is None:
        raise DemoError(f"デモデータの規模が不正です: {size}（small / medium / large）")
    today = today or DEFAULT_TODAY
    rows_est, index_est = _estimate(spec)
    stamp = datetime(today.year, today.month, today.day, 9)
    with session_factory() as session:
        session.info["skip_audit"] = True
        session.info["skip_search_index"] = True
        with session.begin():
            if session.execute(select(Asset.id).limit(1)).first() is not None:
                raise DemoError(
                    "資産台帳にすでにデータがあります。デモデータは空の台帳にだけ作成できます。"
                )
            conn = session.connection()
            loader = _Loader(conn, rows_est + index_est, stamp, progress, cancelled)
            t0 = time.perf_counter()
            _Demo(loader, spec, seed, today).run()
            counts = dict(loader.counts)
            conn.execute(
                insert(_table(ChangeLogEntry)),
                [{"at": utcnow(), "actor": session.info.get("actor") or "demo",
                  "table_name": "demo", "row_id": f"{size}:{seed}", "action": "insert",
                  "field": None, "old_value": None, "batch": None,
                  "new_value": json.dumps(counts, ensure_ascii=False, sort_keys=True)}],
            )  # fmt: skip
            t1 = time.perf_counter()
            loader.done = rows_est
            loader.advance(0, "検索索引を作成しています")
            counts["search_docs"] = search_index.rebuild(
                session,
                progress=lambda d, t, m: loader.advance_to(
                    rows_est + index_est * d // max(t, 1), m
                ),
            )
            t2 = time.perf_counter()
            loader.check()
        log.info(
            "demo %s seed=%d: generated in %.1fs, search index in %.1fs",
            size, seed, t1 - t0, t2 - t1,
        )  # fmt: skip
    if progress is not None:
        progress(rows_est + index_est, rows_est + index_est, "デモデータを作成しました")
    return counts
