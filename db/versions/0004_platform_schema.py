"""the schema the areas build on: recurring tasks and links, notice identity and deadlines,
runbook reviews, work-log actor, coherent checklists, CHECKs on codes, FK indexes

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-01

What changes, and what becomes of the rows already there:

- **Indexes**: every foreign key (or the leading columns of a composite one) gets an
  index starting with it. They are made first: every rebuild below then finds references
  by index.
- **Tasks**: a recurring task is a ``task_series`` row (the rule: yearly on month/day,
  monthly on a day, every N days, the nth weekday; what happens on a non-business day) and
  its occurrences are tasks with ``series_id`` and ``occurrence_on``, unique together, so
  generating a fiscal year again adds nothing. Tasks with ``recur_month``/``recur_day``
  become one yearly series per (title, month, day) — business days ``keep``, as the dates
  were never moved — each task an occurrence on the rule's date in its 年度. Links to
  assets, systems, notices and runbooks are link tables; ``asset_id``/``system_id``/
  ``notice_id`` move into them and are dropped.
- **Notices**: ``feed_guid`` (the feed item's GUID, or its link) identifies a notice from a
  feed; any other is unique by issuer, date and title, an undated one by issuer and title
  (two partial unique indexes replace the old constraint, whose NULL date let repeats in).
  Undated repeats already there keep their rows: the later ones get 「（重複n）」 after
  the title. Deadlines: one ``notice_deadlines`` row per value a deadline has had, with a
  kind (回答期限 ``reply`` / 施行日 ``effective`` / 対応期限 ``action``); the current value is
  the row flagged ``is_current`` (at most one per notice and kind) — stored once, inside
  its own history, so the two cannot disagree. ``notices.deadline`` is dropped: for
  each notice, history rows get the kind ``reply`` for a 依頼・照会, else ``action``; the
  newest becomes current when it equals ``notices.deadline``; otherwise the notice's
  deadline (what Hitori showed) is added as the current row, the history kept below it.
- **Runbooks**: ``version`` (text), ``last_reviewed_on``, ``review_interval_months``;
  systems through ``runbook_systems`` (``system_id`` moves there). Step positions stay
  unique; app.store.models.ordering writes a new order in one UPDATE.
- **Work log**: ``actor``, for existing entries the actor of their ``insert`` in the
  change history ('' when there is none, or it was ``unknown``).
- **Checklists**: progress carries its checklist's ``template_id``; composite foreign keys
  make its checklist and its item both of that template. One checklist per template and
  business system: of repeats, the oldest keeps the system, the others lose it (noted in
  their notes and history). Item positions unique per template: repeats are renumbered
  in their order. Evidence files are attachments owned by the progress row (kind
  ``checklist_progress``); ``evidence`` stays a text note. A progress row whose item is of
  another template has no place to go: the upgrade is refused, naming it.
- **CHECK constraints** on coded columns, with the code sets of app.store.vocab (copied
  here: a revision never changes). A value outside its set is mapped when that is safe —
  its label (稼働中 → in_use) or a different case/spacing of a code, else the column's
  neutral value (segment: none; notice kind: その他; task status: 未着手 …) — and every
  mapped row gets a change-history row saying what it was. Asset status and asset-type
  category have no neutral value: a value there that cannot be mapped refuses the
  upgrade with a message naming it (the live database is untouched; the old version can
  correct it).

Every change is written by ``op`` in the one transaction the upgrade runs in. SQLite
rebuilds a table to change its constraints, and a rebuilt table is dropped while foreign
keys are enforced (they cannot be switched off inside a transaction): SQLite then deletes
its rows one by one, so ON DELETE CASCADE would delete link rows and SET NULL clear
references. ``_references_set_aside`` takes every row that refers to the table out first
and puts it back after — nothing is lost, and the ids are kept.
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, date, datetime
from graphlib import TopologicalSorter
from typing import Any, NamedTuple

import sqlalchemy as sa
from alembic import op
from alembic.operations import BatchOperations

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | None = None
depends_on: str | None = None

ACTOR = "スキーマ更新（0004）"  # the change-history actor of what this revision rewrites

# -- the code sets as of this revision (app.store.vocab) -----------------------------------
ASSET_STATUSES = {"in_use": "稼働中", "spare": "予備", "repair": "修理中",
                  "retiring": "廃棄予定", "disposed": "廃棄済"}
SEGMENTS = {"mynumber": "マイナンバー利用事務系", "lgwan": "LGWAN接続系",
            "internet": "インターネット接続系", "standalone": "スタンドアロン・その他"}
ASSET_CATEGORIES = {"hardware": "ハードウェア", "software": "ソフトウェア",
                    "network": "ネットワーク機器", "service": "サービス"}
CONTRACT_KINDS = {"maintenance": "保守", "lease": "リース", "support": "サポート",
                  "license": "ライセンス", "other": "その他"}
CREDENTIAL_KINDS = {"password": "パスワード", "passphrase": "鍵のパスフレーズ",
                    "license_key": "ライセンスキー", "other": "その他"}
CUSTOM_FIELD_KINDS = {"text": "文字列", "number": "数値", "date": "日付", "choice": "選択肢"}
TASK_STATUSES = {"open": "未着手", "doing": "進行中", "waiting": "保留", "done": "完了"}
TASK_PRIORITIES = {1: "高", 2: "中", 3: "低"}
NOTICE_KINDS = {"tsuchi": "通知", "jimurenraku": "事務連絡", "irai": "依頼・照会",
                "guideline": "ガイドライン改定", "law": "法令改正", "other": "その他"}
NOTICE_STATUSES = {"unread": "未読", "reading": "確認中", "acting": "対応中",
                   "done": "対応済", "na": "対象外"}
CHECKLIST_KINDS = {"standardization": "標準化", "gov_cloud": "ガバメントクラウド移行",
                   "post_migration": "移行後", "custom": "独自"}
CHECK_STATUSES = {"done": "完了済み", "doing": "作業中", "todo": "未", "na": "対象外"}
NOTICE_DEADLINE_KINDS = ("reply", "effective", "action")
RECURRENCE_RULES = ("yearly", "monthly", "interval", "nth_weekday")
BUSINESS_DAY_RULES = ("keep", "previous", "next")
NTH_WEEKS = (1, 2, 3, 4, 5, -1)
WEEKDAYS = (0, 1, 2, 3, 4, 5, 6)  # fmt: skip

REFUSE = object()  # no neutral value: an unknown code refuses the upgrade
# table, column, Japanese names (for the message), codes, what any other value becomes
CODED: tuple[tuple[str, str, str, Mapping[Any, str], Any], ...] = (
    ("assets", "status", "資産の「状態」", ASSET_STATUSES, REFUSE),
    ("assets", "segment", "資産の「ネットワーク区分」", SEGMENTS, None),
    ("asset_types", "category", "資産種別の「分類」", ASSET_CATEGORIES, REFUSE),
    ("business_systems", "segment", "業務システムの「ネットワーク区分」", SEGMENTS, None),
    ("contracts", "kind", "契約の「種別」", CONTRACT_KINDS, "other"),
    ("credential_refs", "kind", "認証情報の参照の「種類」", CREDENTIAL_KINDS, "other"),
    ("custom_field_defs", "kind", "独自項目の「値の型」", CUSTOM_FIELD_KINDS, "text"),
    ("tasks", "status", "タスクの「状態」", TASK_STATUSES, "open"),
    ("tasks", "priority", "タスクの「優先度」", TASK_PRIORITIES, 2),
    ("notices", "kind", "通知の「種類」", NOTICE_KINDS, "other"),
    ("notices", "status", "通知の「状態」", NOTICE_STATUSES, "unread"),
    ("checklist_templates", "kind", "チェックリスト雛形の「種類」", CHECKLIST_KINDS, "custom"),
    ("checklist_progress", "status", "チェック進捗の「状態」", CHECK_STATUSES, "todo"),
)  # fmt: skip

# Foreign keys that had no index (the new tables bring their own).
FK_INDEXES = {
    "asset_systems": ["business_system_id"], "business_systems": ["department_id",
    "standard_business_id", "vendor_id"], "checklists": ["standard_business_id", "system_id"],
    "contacts": ["vendor_id"], "contract_assets": ["asset_id"],
    "contract_systems": ["business_system_id"], "contracts": ["vendor_id"],
    "license_assignments": ["asset_id", "license_id"],
    "licenses": ["contract_id", "key_credential_id", "vendor_id"],
    "notice_assets": ["asset_id"], "notice_systems": ["business_system_id"],
    "runbook_assets": ["asset_id"], "runbook_contacts": ["contact_id"],
    "runbook_credentials": ["credential_ref_id"], "ssh_hosts": ["asset_id", "credential_id"],
    "standard_businesses": ["parent_id"], "stocktake_scans": ["asset_id", "seen_location_id"],
    "stocktake_sessions": ["location_id"],
}  # fmt: skip
# Tables rebuilt only for their CHECKs (the others get theirs in their own rebuilds).
CHECKED_ONLY = ("asset_types", "assets", "business_systems", "contracts", "credential_refs",
                "custom_field_defs")  # fmt: skip
LINKS = {  # link table: (left column, left table, right column, right table)
    "task_assets": ("task_id", "tasks", "asset_id", "assets"),
    "task_systems": ("task_id", "tasks", "business_system_id", "business_systems"),
    "task_notices": ("task_id", "tasks", "notice_id", "notices"),
    "task_runbooks": ("task_id", "tasks", "runbook_id", "runbooks"),
    "task_series_assets": ("series_id", "task_series", "asset_id", "assets"),
    "task_series_systems": ("series_id", "task_series", "business_system_id", "business_systems"),
    "task_series_runbooks": ("series_id", "task_series", "runbook_id", "runbooks"),
    "runbook_systems": ("runbook_id", "runbooks", "business_system_id", "business_systems"),
}  # fmt: skip


class UpgradeRefused(RuntimeError):
    """The data cannot be carried into the new schema without a person's decision."""


def one_of(column: str, codes: Any) -> str:
    """The text of app.store.models.base.one_of (kept equal by the tests)."""
    values = ", ".join(str(c) if isinstance(c, int) else f"'{c}'" for c in codes)
    return f"{column} IN ({values})"


# -- helpers -------------------------------------------------------------------------------
def _conn() -> sa.Connection:
    return op.get_bind()


def _sqlite() -> bool:
    return _conn().dialect.name == "sqlite"


def _rows(sql: str, *params: Any) -> list[Any]:
    return list(_conn().exec_driver_sql(sql, params) if params else _conn().exec_driver_sql(sql))


def _run(sql: str, *params: Any) -> None:
    _conn().exec_driver_sql(sql, params) if params else _conn().exec_driver_sql(sql)


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


def _note(table: str, row_id: Any, field: str, old: Any, new: Any) -> None:
    """A change-history row for a value this revision rewrote."""
    text = [None if v is None else str(v) for v in (old, new)]
    _run("INSERT INTO change_log (at, actor, table_name, row_id, action, field, old_value,"
         " new_value) VALUES (?, ?, ?, ?, 'update', ?, ?, ?)",
         _now(), ACTOR, table, str(row_id), field, *text)  # fmt: skip


class _ForeignKey(NamedTuple):  # (a dataclass needs its module importable; this is not)
    child: str
    columns: tuple[str, ...]
    parent: str
    on_delete: str


def _foreign_keys() -> list[_ForeignKey]:
    tables = [r[0] for r in _rows("SELECT name FROM sqlite_master WHERE type = 'table'"
                                  " AND name NOT LIKE 'sqlite_%'")]  # fmt: skip
    found = []
    for table in tables:
        by_id: dict[int, list[Any]] = {}
        for r in _rows(f'PRAGMA foreign_key_list("{table}")'):
            by_id.setdefault(r[0], []).append(r)
        for rows in by_id.values():
            rows.sort(key=lambda r: r[1])
            found.append(_ForeignKey(table, tuple(r[3] for r in rows), rows[0][2], rows[0][6]))
    return found


@contextmanager
def _references_set_aside(parent: str) -> Iterator[None]:
    """Around the rebuild of ``parent``: nothing refers to it while its old copy is dropped.

    Tables that reference it (directly, or through tables emptied for it) with CASCADE or
    NO ACTION are emptied into temporary copies and refilled afterwards, parents first;
    SET NULL references are cleared and then restored by rowid. Ids stay as they were.
    """
    if not _sqlite():  # other databases alter tables in place
        yield
        return
    fks = _foreign_keys()
    emptied: list[str] = []
    todo = [parent]
    while todo:
        table = todo.pop()
        for fk in fks:
            if (fk.parent == table and fk.on_delete != "SET NULL"
                    and fk.child not in (parent, *emptied)):  # fmt: skip
                emptied.append(fk.child)
                todo.append(fk.child)
    involved = {parent, *emptied}
    cleared = [fk for fk in fks
               if fk.parent in involved and fk.on_delete == "SET NULL" and fk.child not in involved]  # fmt: skip
    graph = {t: {fk.parent for fk in fks if fk.child == t and fk.parent in emptied and fk.parent != t}
             for t in emptied}  # fmt: skip
    order = list(TopologicalSorter(graph).static_order())  # parents first
    for i, fk in enumerate(cleared):
        cols = ", ".join(f'"{c}"' for c in fk.columns)
        where = " AND ".join(f'"{c}" IS NOT NULL' for c in fk.columns)
        _run(f"CREATE TEMP TABLE _cleared_{i} (rid INTEGER PRIMARY KEY, {cols})")
        _run(f'INSERT INTO temp._cleared_{i} SELECT rowid, {cols} FROM main."{fk.child}"'
             f" WHERE {where}")  # fmt: skip
        nulls = ", ".join(f'"{c}" = NULL' for c in fk.columns)
        _run(f'UPDATE main."{fk.child}" SET {nulls} WHERE rowid IN (SELECT rid FROM temp._cleared_{i})')
    for table in order:
        _run(f'CREATE TEMP TABLE "_emptied_{table}" AS SELECT * FROM main."{table}"')
    for table in reversed(order):  # children first: no row refers to a deleted one
        _run(f'DELETE FROM main."{table}"')
    yield
    for table in order:
        _run(f'INSERT INTO main."{table}" SELECT * FROM temp."_emptied_{table}"')
        _run(f'DROP TABLE temp."_emptied_{table}"')
    for i, fk in enumerate(cleared):
        back = ", ".join(f'"{c}" = (SELECT k."{c}" FROM temp._cleared_{i} AS k'
                         f' WHERE k.rid = main."{fk.child}".rowid)' for c in fk.columns)  # fmt: skip
        _run(f'UPDATE main."{fk.child}" SET {back} WHERE rowid IN (SELECT rid FROM temp._cleared_{i})')
        _run(f"DROP TABLE temp._cleared_{i}")


def _rebuild(table: str, alter: Callable[[BatchOperations], None]) -> None:
    """Rebuild ``table`` with ``alter``'s changes, keeping every row referring to it."""
    recreate = "always" if _sqlite() else "auto"
    with _references_set_aside(table), op.batch_alter_table(table, recreate=recreate) as batch:
        alter(batch)


def _checks(*checks: tuple[str, str]) -> Callable[[BatchOperations], None]:
    def alter(batch: BatchOperations) -> None:
        for name, condition in checks:
            batch.create_check_constraint(op.f(name), condition)

    return alter


def _drop_checks(*names: str) -> Callable[[BatchOperations], None]:
    def alter(batch: BatchOperations) -> None:
        for name in names:
            batch.drop_constraint(op.f(name), type_="check")

    return alter


def _link_table(name: str) -> None:
    left, left_table, right, right_table = LINKS[name]
    op.create_table(
        name,
        sa.Column(left, sa.Integer(), nullable=False),
        sa.Column(right, sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint([left], [f"{left_table}.id"],
                                name=op.f(f"fk_{name}_{left}_{left_table}"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint([right], [f"{right_table}.id"],
                                name=op.f(f"fk_{name}_{right}_{right_table}"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint(left, right, name=op.f(f"pk_{name}")),
    )  # fmt: skip
    op.create_index(op.f(f"ix_{name}_{right}"), name, [right], unique=False)


def _partial_unique(name: str, table: str, columns: list[str], where: str) -> None:
    op.create_index(name, table, columns, unique=True,
                    sqlite_where=sa.text(where), postgresql_where=sa.text(where))  # fmt: skip


# -- upgrade ---------------------------------------------------------------------------------
def upgrade() -> None:
    _refuse_what_cannot_be_carried()
    _map_codes()
    for table, columns in FK_INDEXES.items():
        for column in columns:
            op.create_index(op.f(f"ix_{table}_{column}"), table, [column], unique=False)
    _tasks()
    _notices()
    _runbooks()
    op.add_column("worklog_entries", sa.Column("actor", sa.String(length=100), nullable=False,
                                               server_default=""))  # fmt: skip
    _run("UPDATE worklog_entries SET actor = (SELECT c.actor FROM change_log AS c"
         " WHERE c.table_name = 'worklog_entries' AND c.action = 'insert'"
         " AND c.row_id = CAST(worklog_entries.id AS TEXT) AND c.actor <> 'unknown'"
         " ORDER BY c.id LIMIT 1) WHERE id IN (SELECT CAST(row_id AS INTEGER) FROM change_log"
         " WHERE table_name = 'worklog_entries' AND action = 'insert' AND actor <> 'unknown')")  # fmt: skip
    _checklists()
    for table in CHECKED_ONLY:
        checks = [(f"ck_{t}_{column}", one_of(column, codes))
                  for t, column, _what, codes, _other in CODED if t == table]  # fmt: skip
        _rebuild(table, _checks(*checks))


def _mapped(value: Any, codes: Mapping[Any, str], other: Any) -> Any:
    """The code an out-of-set ``value`` becomes: its label's, the code it spells in
    another case or spacing, else ``other`` (REFUSE: none)."""
    text = str(value).strip()
    labels = {label: code for code, label in codes.items()}
    lowered = {str(code).lower(): code for code in codes}
    return labels.get(text, lowered.get(text.lower(), other))


def _unknown_values(table: str, column: str, codes: Mapping[Any, str]) -> list[Any]:
    rows = _rows(f'SELECT DISTINCT "{column}" FROM "{table}" WHERE "{column}" IS NOT NULL')
    return [value for (value,) in rows if value not in codes]


def _refuse_what_cannot_be_carried() -> None:
    """Stop before anything changes when the data needs a person's decision."""
    problems = []
    for table, column, what, codes, other in CODED:
        for value in _unknown_values(table, column, codes):
            if _mapped(value, codes, other) is REFUSE:
                count = _rows(f'SELECT count(*) FROM "{table}" WHERE "{column}" = ?', value)[0][0]
                problems.append(f"{what}に不明な値「{value}」（{count}件）があります")
    wrong = _rows("SELECT p.id, c.name, i.code FROM checklist_progress AS p"
                  " JOIN checklists AS c ON c.id = p.checklist_id"
                  " JOIN checklist_template_items AS i ON i.id = p.item_id"
                  " WHERE i.template_id <> c.template_id ORDER BY p.id")  # fmt: skip
    if wrong:
        names = "、".join(f"「{name}」の {code}" for _id, name, code in wrong[:3])
        more = f" ほか{len(wrong) - 3}件" if len(wrong) > 3 else ""
        problems.append(f"チェックリストの進捗に、そのチェックリストの雛形にない項目を指すもの"
                        f"（{names}{more}）があります")  # fmt: skip
    if problems:
        raise UpgradeRefused(
            "。".join(problems) + "。以前の版のHitoriでこれを直してから、もう一度起動して"
            "ください（データベースは変更していません）"
        )


def _map_codes() -> None:
    """Bring every coded value into its set before the CHECKs arrive; each rewritten row
    gets a change-history row with the value it had."""
    for table, column, _what, codes, other in CODED:
        for value in _unknown_values(table, column, codes):
            to = _mapped(value, codes, other)
            _run("INSERT INTO change_log (at, actor, table_name, row_id, action, field,"
                 f" old_value, new_value) SELECT ?, ?, ?, CAST(id AS TEXT), 'update', ?, ?, ?"
                 f' FROM "{table}" WHERE "{column}" = ?',
                 _now(), ACTOR, table, column, str(value), None if to is None else str(to),
                 value)  # fmt: skip
            _run(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', to, value)


def _tasks() -> None:
    op.create_table(
        "task_series",
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("rule", sa.String(length=20), nullable=False),
        sa.Column("month", sa.Integer(), nullable=True),
        sa.Column("day", sa.Integer(), nullable=True),
        sa.Column("nth", sa.Integer(), nullable=True),
        sa.Column("weekday", sa.Integer(), nullable=True),
        sa.Column("interval_days", sa.Integer(), nullable=True),
        sa.Column("business_day", sa.String(length=10), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.CheckConstraint(one_of("rule", RECURRENCE_RULES), name=op.f("ck_task_series_rule")),
        sa.CheckConstraint(one_of("business_day", BUSINESS_DAY_RULES),
                           name=op.f("ck_task_series_business_day")),
        sa.CheckConstraint(one_of("priority", TASK_PRIORITIES),
                           name=op.f("ck_task_series_priority")),
        sa.CheckConstraint(one_of("nth", NTH_WEEKS), name=op.f("ck_task_series_nth")),
        sa.CheckConstraint(one_of("weekday", WEEKDAYS), name=op.f("ck_task_series_weekday")),
        sa.CheckConstraint("month IS NULL OR month BETWEEN 1 AND 12",
                           name=op.f("ck_task_series_month")),
        sa.CheckConstraint("day IS NULL OR day BETWEEN 1 AND 31", name=op.f("ck_task_series_day")),
        sa.CheckConstraint("interval_days IS NULL OR interval_days >= 1",
                           name=op.f("ck_task_series_interval_days")),
        sa.CheckConstraint(
            "month IS NULL OR day IS NULL OR day <= CASE WHEN month = 2 THEN 29 "
            "WHEN month IN (4, 6, 9, 11) THEN 30 ELSE 31 END",
            name=op.f("ck_task_series_real_date")),
        sa.CheckConstraint(
            "(rule = 'yearly' AND month IS NOT NULL AND day IS NOT NULL AND nth IS NULL "
            "AND weekday IS NULL AND interval_days IS NULL) "
            "OR (rule = 'monthly' AND month IS NULL AND day IS NOT NULL AND nth IS NULL "
            "AND weekday IS NULL AND interval_days IS NULL) "
            "OR (rule = 'interval' AND interval_days IS NOT NULL AND starts_on IS NOT NULL "
            "AND month IS NULL AND day IS NULL AND nth IS NULL AND weekday IS NULL) "
            "OR (rule = 'nth_weekday' AND nth IS NOT NULL AND weekday IS NOT NULL "
            "AND day IS NULL AND interval_days IS NULL)",
            name=op.f("ck_task_series_rule_fields")),
        sa.CheckConstraint("ends_on IS NULL OR starts_on IS NULL OR ends_on >= starts_on",
                           name=op.f("ck_task_series_period")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_series")),
    )  # fmt: skip
    occurrences = _yearly_series()
    for name in ("task_assets", "task_systems", "task_notices", "task_runbooks"):
        _link_table(name)
    for name, column in (("task_assets", "asset_id"), ("task_systems", "system_id"),
                         ("task_notices", "notice_id")):  # fmt: skip
        _run(f"INSERT INTO {name} SELECT id, {column} FROM tasks WHERE {column} IS NOT NULL")

    def alter(batch: BatchOperations) -> None:
        for column in ("recur_month", "recur_day", "asset_id", "system_id", "notice_id"):
            batch.drop_column(column)
        batch.add_column(sa.Column("series_id", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("occurrence_on", sa.Date(), nullable=True))
        batch.create_foreign_key(op.f("fk_tasks_series_id_task_series"), "task_series",
                                 ["series_id"], ["id"], ondelete="SET NULL")  # fmt: skip
        batch.create_unique_constraint("occurrence", ["series_id", "occurrence_on"])
        batch.create_check_constraint(op.f("ck_tasks_status"), one_of("status", TASK_STATUSES))
        batch.create_check_constraint(op.f("ck_tasks_priority"),
                                      one_of("priority", TASK_PRIORITIES))  # fmt: skip

    _rebuild("tasks", alter)
    for task_id, series_id, on in occurrences:
        _run("UPDATE tasks SET series_id = ?, occurrence_on = ? WHERE id = ?", series_id, on, task_id)
    for name in ("task_series_assets", "task_series_systems", "task_series_runbooks"):
        _link_table(name)


def _yearly_series() -> list[tuple[int, int, str | None]]:
    """One yearly series per (title, month, day) of the recurring tasks; returns each
    task's (id, series id, occurrence date)."""
    rows = _rows("SELECT id, title, body, priority, recur_month, recur_day, fiscal_year,"
                 " due_date, updated_at FROM tasks WHERE recur_month IS NOT NULL"
                 " OR recur_day IS NOT NULL ORDER BY id")  # fmt: skip
    series: dict[tuple[str, int, int], int] = {}
    taken: set[tuple[int, str | None]] = set()
    out = []
    for tid, title, body, priority, month, day, fy, due, stamp in rows:
        valid = (isinstance(month, int) and 1 <= month <= 12 and isinstance(day, int)
                 and 1 <= day <= calendar.monthrange(2024, month)[1])  # fmt: skip
        if not valid:  # never a rule: the values stay in the history
            _note("tasks", tid, "recur_month", month, None)
            _note("tasks", tid, "recur_day", day, None)
            continue
        key = (title, month, day)
        if key not in series:
            _run("INSERT INTO task_series (title, body, priority, rule, month, day,"
                 " business_day, active, notes, created_at, updated_at)"
                 " VALUES (?, ?, ?, 'yearly', ?, ?, 'keep', 1, '', ?, ?)",
                 title, body, priority, month, day, stamp, stamp)  # fmt: skip
            series[key] = _rows("SELECT max(id) FROM task_series")[0][0]
        if fy is None and due is not None:
            d = date.fromisoformat(str(due)[:10])
            fy = d.year if d.month >= 4 else d.year - 1
        on = None
        if fy is not None:
            year = fy if month >= 4 else fy + 1
            on = date(year, month, min(day, calendar.monthrange(year, month)[1])).isoformat()
        if (series[key], on) in taken and on is not None:  # a repeat stays a one-off task
            _note("tasks", tid, "series_id", series[key], None)
            continue
        taken.add((series[key], on))
        out.append((tid, series[key], on))
    return out


def _notices() -> None:
    # Undated repeats (the old unique constraint let NULL dates through).
    repeats = _rows("SELECT id, issuer, title FROM notices WHERE issued_on IS NULL AND"
                    " (issuer, title) IN (SELECT issuer, title FROM notices WHERE issued_on"
                    " IS NULL GROUP BY issuer, title HAVING count(*) > 1) ORDER BY id")  # fmt: skip
    seen: dict[tuple[str, str], int] = {}
    for nid, issuer, title in repeats:
        n = seen[(issuer, title)] = seen.get((issuer, title), 0) + 1
        if n > 1:
            new = f"{title}（重複{n}）"
            _note("notices", nid, "title", title, new)
            _run("UPDATE notices SET title = ? WHERE id = ?", new, nid)

    # Deadlines by kind, the current one flagged.
    op.add_column("notice_deadlines", sa.Column("kind", sa.String(length=20), nullable=True))
    op.add_column("notice_deadlines", sa.Column("is_current", sa.Boolean(), nullable=True))
    op.create_index("ix_notice_deadlines_notice", "notice_deadlines", ["notice_id", "kind"])
    kind_of = "CASE WHEN n.kind = 'irai' THEN 'reply' ELSE 'action' END"
    _run(f"UPDATE notice_deadlines SET is_current = 0, kind = (SELECT {kind_of}"
         " FROM notices AS n WHERE n.id = notice_deadlines.notice_id)")  # fmt: skip
    _run("UPDATE notice_deadlines SET is_current = 1 WHERE id IN (SELECT (SELECT d.id FROM"
         " notice_deadlines AS d WHERE d.notice_id = n.id ORDER BY d.changed_at DESC, d.id DESC"
         " LIMIT 1) FROM notices AS n) AND deadline IS (SELECT n.deadline FROM notices AS n"
         " WHERE n.id = notice_deadlines.notice_id)")  # fmt: skip
    for with_history, reason in (
        (False, "（0004への更新時に記録）通知の期限"),
        (True, "（0004への更新時に記録）期限の履歴の最新と通知の期限が異なっていたため、"
               "通知に表示されていた期限を現在の期限としました"),
    ):  # fmt: skip
        has = "EXISTS" if with_history else "NOT EXISTS"
        _run("INSERT INTO notice_deadlines (notice_id, deadline, changed_at, reason, kind,"
             f" is_current, created_at, updated_at) SELECT n.id, n.deadline, n.updated_at, ?,"
             f" {kind_of}, 1, n.updated_at, n.updated_at FROM notices AS n"
             " WHERE NOT EXISTS (SELECT 1 FROM notice_deadlines AS d WHERE d.notice_id = n.id"
             f" AND d.is_current = 1) AND {has} (SELECT 1 FROM notice_deadlines AS d"
             " WHERE d.notice_id = n.id) AND (n.deadline IS NOT NULL OR ?)",
             reason, int(with_history))  # fmt: skip

    def deadlines(batch: BatchOperations) -> None:
        batch.alter_column("kind", existing_type=sa.String(length=20), nullable=False)
        batch.alter_column("is_current", existing_type=sa.Boolean(), nullable=False)
        batch.create_check_constraint(op.f("ck_notice_deadlines_kind"),
                                      one_of("kind", NOTICE_DEADLINE_KINDS))  # fmt: skip
        batch.create_index(op.f("ix_notice_deadlines_deadline"), ["deadline"], unique=False)

    _rebuild("notice_deadlines", deadlines)
    _partial_unique("uq_notice_deadlines_current", "notice_deadlines", ["notice_id", "kind"],
                    "is_current = 1")  # fmt: skip

    def notices(batch: BatchOperations) -> None:
        batch.drop_index(op.f("ix_notices_deadline"))
        batch.drop_column("deadline")
        batch.drop_constraint("identity", type_="unique")
        batch.add_column(sa.Column("feed_guid", sa.String(length=1000), nullable=True))
        batch.create_unique_constraint(op.f("uq_notices_feed_guid"), ["feed_guid"])
        batch.create_check_constraint(op.f("ck_notices_kind"), one_of("kind", NOTICE_KINDS))
        batch.create_check_constraint(op.f("ck_notices_status"),
                                      one_of("status", NOTICE_STATUSES))  # fmt: skip

    _rebuild("notices", notices)
    _partial_unique("uq_notices_identity", "notices", ["issuer", "issued_on", "title"],
                    "feed_guid IS NULL")  # fmt: skip
    _partial_unique("uq_notices_identity_undated", "notices", ["issuer", "title"],
                    "feed_guid IS NULL AND issued_on IS NULL")  # fmt: skip


def _runbooks() -> None:
    _link_table("runbook_systems")
    _run("INSERT INTO runbook_systems SELECT id, system_id FROM runbooks"
         " WHERE system_id IS NOT NULL")  # fmt: skip

    def alter(batch: BatchOperations) -> None:
        batch.drop_column("system_id")
        batch.add_column(sa.Column("version", sa.String(length=40), nullable=False,
                                   server_default=""))  # fmt: skip
        batch.add_column(sa.Column("last_reviewed_on", sa.Date(), nullable=True))
        batch.add_column(sa.Column("review_interval_months", sa.Integer(), nullable=True))
        batch.create_check_constraint(
            op.f("ck_runbooks_review_interval"),
            "review_interval_months IS NULL OR review_interval_months >= 1",
        )

    _rebuild("runbooks", alter)


def _checklists() -> None:
    # (Progress pointing at another template's item was refused before anything changed.)
    # Item positions unique per template: repeats renumbered in their order.
    for (tid,) in _rows("SELECT DISTINCT template_id FROM checklist_template_items"
                        " GROUP BY template_id, position HAVING count(*) > 1"):  # fmt: skip
        items = _rows("SELECT id, position FROM checklist_template_items WHERE template_id = ?"
                      " ORDER BY position, id", tid)  # fmt: skip
        start = min(p for _i, p in items)
        for n, (iid, position) in enumerate(items):
            if position != start + n:
                _note("checklist_template_items", iid, "position", position, start + n)
                _run("UPDATE checklist_template_items SET position = ? WHERE id = ?",
                     start + n, iid)  # fmt: skip
    op.create_index("uq_checklist_template_items_position", "checklist_template_items",
                    ["template_id", "position"], unique=True)  # fmt: skip
    op.create_index("uq_checklist_template_items_template_item", "checklist_template_items",
                    ["template_id", "id"], unique=True)  # fmt: skip
    # One checklist per template and system: the oldest keeps the system.
    for cid, system_id, name in _rows(
        "SELECT c.id, c.system_id, coalesce(s.name, '') FROM checklists AS c"
        " LEFT JOIN business_systems AS s ON s.id = c.system_id WHERE c.system_id IS NOT NULL"
        " AND c.id NOT IN (SELECT min(id) FROM checklists WHERE system_id IS NOT NULL"
        " GROUP BY template_id, system_id) ORDER BY c.id"
    ):
        note = (f"（0004への更新時: 同じ雛形と業務システム「{name}」のチェックリストが"
                "ほかにあるため、業務システムの関連付けを外しました）")  # fmt: skip
        _note("checklists", cid, "system_id", system_id, None)
        _run("UPDATE checklists SET system_id = NULL, notes = notes || ? WHERE id = ?", note, cid)
    op.create_index("uq_checklists_template_system", "checklists",
                    ["template_id", "system_id"], unique=True)  # fmt: skip
    op.create_index("uq_checklists_checklist_template", "checklists",
                    ["id", "template_id"], unique=True)  # fmt: skip

    op.add_column("checklist_progress", sa.Column("template_id", sa.Integer(), nullable=True))
    _run("UPDATE checklist_progress SET template_id = (SELECT c.template_id FROM checklists"
         " AS c WHERE c.id = checklist_progress.checklist_id)")  # fmt: skip

    def progress(batch: BatchOperations) -> None:
        batch.alter_column("template_id", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint(op.f("fk_checklist_progress_checklist_id_checklists"),
                              type_="foreignkey")  # fmt: skip
        batch.drop_constraint(op.f("fk_checklist_progress_item_id_checklist_template_items"),
                              type_="foreignkey")  # fmt: skip
        batch.create_foreign_key(op.f("fk_checklist_progress_checklist_id_checklists"),
                                 "checklists", ["checklist_id", "template_id"],
                                 ["id", "template_id"], ondelete="CASCADE")  # fmt: skip
        batch.create_foreign_key(
            op.f("fk_checklist_progress_template_id_checklist_template_items"),
            "checklist_template_items", ["template_id", "item_id"], ["template_id", "id"])
        batch.create_index("ix_checklist_progress_checklist", ["checklist_id", "template_id"])
        batch.create_index("ix_checklist_progress_item", ["template_id", "item_id"])
        batch.create_check_constraint(op.f("ck_checklist_progress_status"),
                                      one_of("status", CHECK_STATUSES))  # fmt: skip

    _rebuild("checklist_progress", progress)
    _rebuild("checklist_templates",
             _checks(("ck_checklist_templates_kind", one_of("kind", CHECKLIST_KINDS))))


# -- downgrade: the 0003 schema; what it cannot hold is reduced to what it can ---------------
# Several links of one kind keep the lowest id; rules other than yearly are lost (their
# occurrences stay tasks); of a notice's current deadlines one is kept as ``deadline``
# (回答期限, else 対応期限, else 施行日) and every row stays in the history; work-log
# actors, runbook versions and review dates, feed GUIDs and progress template ids go.


def downgrade() -> None:
    for table in (*CHECKED_ONLY, "checklist_templates"):
        _rebuild(table, _drop_checks(*(f"ck_{t}_{c}" for t, c, *_rest in CODED if t == table)))

    def progress(batch: BatchOperations) -> None:
        batch.drop_index("ix_checklist_progress_item")
        batch.drop_index("ix_checklist_progress_checklist")
        batch.drop_constraint(op.f("ck_checklist_progress_status"), type_="check")
        batch.drop_constraint(op.f("fk_checklist_progress_template_id_checklist_template_items"),
                              type_="foreignkey")  # fmt: skip
        batch.drop_constraint(op.f("fk_checklist_progress_checklist_id_checklists"),
                              type_="foreignkey")  # fmt: skip
        batch.drop_column("template_id")
        batch.create_foreign_key(op.f("fk_checklist_progress_checklist_id_checklists"),
                                 "checklists", ["checklist_id"], ["id"], ondelete="CASCADE")  # fmt: skip
        batch.create_foreign_key(op.f("fk_checklist_progress_item_id_checklist_template_items"),
                                 "checklist_template_items", ["item_id"], ["id"])  # fmt: skip

    _rebuild("checklist_progress", progress)
    for name, table in (("uq_checklists_checklist_template", "checklists"),
                        ("uq_checklists_template_system", "checklists"),
                        ("uq_checklist_template_items_template_item", "checklist_template_items"),
                        ("uq_checklist_template_items_position", "checklist_template_items")):  # fmt: skip
        op.drop_index(name, table_name=table)
    _rebuild("worklog_entries", lambda batch: batch.drop_column("actor"))
    _rebuild("runbooks", _runbooks_down)
    _run("UPDATE runbooks SET system_id = (SELECT min(business_system_id) FROM runbook_systems"
         " WHERE runbook_id = runbooks.id)")  # fmt: skip
    op.drop_table("runbook_systems")
    _notices_down()
    _tasks_down()
    for table, columns in FK_INDEXES.items():
        for column in columns:
            op.drop_index(op.f(f"ix_{table}_{column}"), table_name=table)


def _runbooks_down(batch: BatchOperations) -> None:
    batch.drop_constraint(op.f("ck_runbooks_review_interval"), type_="check")
    for column in ("review_interval_months", "last_reviewed_on", "version"):
        batch.drop_column(column)
    batch.add_column(sa.Column("system_id", sa.Integer(), nullable=True))
    batch.create_foreign_key(op.f("fk_runbooks_system_id_business_systems"),
                             "business_systems", ["system_id"], ["id"], ondelete="SET NULL")  # fmt: skip


def _notices_down() -> None:
    op.drop_index("uq_notices_identity_undated", table_name="notices")
    op.drop_index("uq_notices_identity", table_name="notices")

    def notices(batch: BatchOperations) -> None:
        batch.drop_constraint(op.f("ck_notices_status"), type_="check")
        batch.drop_constraint(op.f("ck_notices_kind"), type_="check")
        batch.drop_constraint(op.f("uq_notices_feed_guid"), type_="unique")
        batch.drop_column("feed_guid")
        batch.add_column(sa.Column("deadline", sa.Date(), nullable=True))
        batch.create_unique_constraint("identity", ["issuer", "issued_on", "title"])
        batch.create_index(op.f("ix_notices_deadline"), ["deadline"], unique=False)

    _rebuild("notices", notices)
    _run("UPDATE notices SET deadline = (SELECT d.deadline FROM notice_deadlines AS d"
         " WHERE d.notice_id = notices.id AND d.is_current = 1 ORDER BY"
         " CASE d.kind WHEN 'reply' THEN 0 WHEN 'action' THEN 1 ELSE 2 END LIMIT 1)")  # fmt: skip
    op.drop_index("uq_notice_deadlines_current", table_name="notice_deadlines")

    def deadlines(batch: BatchOperations) -> None:
        batch.drop_index(op.f("ix_notice_deadlines_deadline"))
        batch.drop_index("ix_notice_deadlines_notice")
        batch.drop_constraint(op.f("ck_notice_deadlines_kind"), type_="check")
        batch.drop_column("is_current")
        batch.drop_column("kind")

    _rebuild("notice_deadlines", deadlines)


def _tasks_down() -> None:
    _run("CREATE TEMP TABLE _tasks_0003 AS SELECT t.id,"
         " (SELECT s.month FROM task_series AS s WHERE s.id = t.series_id AND s.rule = 'yearly')"
         " AS recur_month, (SELECT s.day FROM task_series AS s WHERE s.id = t.series_id"
         " AND s.rule = 'yearly') AS recur_day,"
         " (SELECT min(asset_id) FROM task_assets WHERE task_id = t.id) AS asset_id,"
         " (SELECT min(business_system_id) FROM task_systems WHERE task_id = t.id) AS system_id,"
         " (SELECT min(notice_id) FROM task_notices WHERE task_id = t.id) AS notice_id"
         " FROM tasks AS t")  # fmt: skip
    for name in ("task_series_runbooks", "task_series_systems", "task_series_assets",
                 "task_runbooks", "task_notices", "task_systems", "task_assets"):  # fmt: skip
        op.drop_table(name)

    def alter(batch: BatchOperations) -> None:
        batch.drop_constraint(op.f("ck_tasks_priority"), type_="check")
        batch.drop_constraint(op.f("ck_tasks_status"), type_="check")
        batch.drop_constraint("occurrence", type_="unique")
        batch.drop_constraint(op.f("fk_tasks_series_id_task_series"), type_="foreignkey")
        batch.drop_column("occurrence_on")
        batch.drop_column("series_id")
        batch.add_column(sa.Column("recur_month", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("recur_day", sa.Integer(), nullable=True))
        for column, table in (("asset_id", "assets"), ("system_id", "business_systems"),
                              ("notice_id", "notices")):  # fmt: skip
            batch.add_column(sa.Column(column, sa.Integer(), nullable=True))
            batch.create_foreign_key(op.f(f"fk_tasks_{column}_{table}"), table, [column],
                                     ["id"], ondelete="SET NULL")  # fmt: skip

    _rebuild("tasks", alter)
    columns = ("recur_month", "recur_day", "asset_id", "system_id", "notice_id")
    values = ", ".join(f"{c} = (SELECT o.{c} FROM temp._tasks_0003 AS o WHERE o.id = tasks.id)"
                       for c in columns)  # fmt: skip
    _run(f"UPDATE tasks SET {values}")
    _run("DROP TABLE temp._tasks_0003")
    op.drop_table("task_series")
