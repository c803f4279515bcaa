"""Unit tests for app.services.demo (demo data for the fictional 架空県 ひとり町)."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.orm import Session

from app.paths import DataDir
from app.services.demo import DEFAULT_TODAY, SIZES, DemoCancelled, DemoError, generate_demo
from app.store import search_index, vocab
from app.store.database import Database, open_database
from app.store.models import (
    Asset,
    AssetType,
    Attachment,
    BusinessSystem,
    ChangeLogEntry,
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
    Contact,
    CredentialRef,
    Digest,
    DigestItem,
    KnowledgeAnswer,
    KnowledgeNote,
    License,
    LicenseAssignment,
    Notice,
    NoticeDeadline,
    Regulation,
    RegulationDependency,
    RegulationVersion,
    Runbook,
    RunbookStep,
    SearchDoc,
    StandardBusiness,
    Task,
    TaskSeries,
    Vendor,
    WorkLogEntry,
    knowledge_note_tags,
    notice_tags,
    runbook_systems,
    task_notices,
    task_runbooks,
)

TODAY = DEFAULT_TODAY
TAG_NAMES = ("標準化", "ガバメントクラウド", "情報セキュリティ", "マイナンバー", "LGWAN",
             "文字の標準化", "予算", "研修")  # fmt: skip
SECRET_LIKE = re.compile(r"(?i)(password|passwd|pwd|secret|パスワード|暗証番号)\s*[:：=]\s*\S")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Database, dict[str, int]]]:
    db = open_database(DataDir(tmp_path_factory.mktemp("demo-small")), actor="tester")
    counts = generate_demo(db.sessions, size="small", seed=1)
    yield db, counts
    db.dispose()


@pytest.fixture
def s(small: tuple[Database, dict[str, int]]) -> Iterator[Session]:
    with small[0].sessions() as session:
        yield session


def _count(session: Session, model: type) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _generated(path: Path, seed: int) -> tuple[list[tuple[str, str, str]], list[tuple]]:
    """The assets' tags and names, and the rows of the register, Q&A, tags and digest."""
    db = open_database(DataDir(path), actor="tester")
    try:
        generate_demo(db.sessions, size="small", seed=seed)
        with db.sessions() as session:
            rows = session.execute(
                select(Asset.asset_tag, Asset.name, Asset.user_name).order_by(Asset.id)
            )
            return [tuple(r) for r in rows], _new_area_rows(session)
    finally:
        db.dispose()


def _new_area_rows(session: Session) -> list[tuple]:
    out: list[tuple] = []
    for table in (Regulation, RegulationVersion, RegulationDependency, KnowledgeNote,
                  KnowledgeAnswer, Digest, DigestItem, notice_tags,
                  knowledge_note_tags):  # fmt: skip
        t = table.__table__ if hasattr(table, "__table__") else table
        columns = [c for c in t.c if c.name not in ("created_at", "updated_at")]
        out += [(t.name, *r) for r in session.execute(select(*columns).order_by(*t.primary_key))]
    return out


# -- counts and relationships --------------------------------------------------------


def test_small_counts_match_the_size(small: tuple[Database, dict[str, int]], s: Session) -> None:
    _db, counts = small
    spec = SIZES["small"]
    assert counts["assets"] == spec.assets == _count(s, Asset)
    assert counts["worklog_entries"] == spec.worklog == _count(s, WorkLogEntry)
    assert counts["notices"] == spec.notices == _count(s, Notice)
    assert counts["runbooks"] == spec.runbooks == _count(s, Runbook)
    assert counts["attachments"] == spec.attachments == _count(s, Attachment)
    assert counts["tasks"] == spec.tasks
    assert counts["task_series"] == 17  # the yearly work of the IT desk
    assert counts["knowledge_notes"] == spec.knowledge == _count(s, KnowledgeNote) == 12
    assert counts["tags"] == 8 and counts["digests"] == 1
    assert counts["search_docs"] == _count(s, SearchDoc) > 1_000
    for table, n in counts.items():  # every reported count is what the table holds
        assert s.execute(text(f'SELECT count(*) FROM "{table}"')).scalar_one() >= n


def test_assets_have_valid_types_segments_and_statuses(s: Session) -> None:
    type_ids = set(s.execute(select(AssetType.id)).scalars())
    rows = s.execute(
        select(
            Asset.asset_tag, Asset.asset_type_id, Asset.segment, Asset.status,
            Asset.confidentiality, Asset.department_id, Asset.location_id,
        )
    ).all()  # fmt: skip
    assert all(r.asset_type_id in type_ids for r in rows)
    assert {r.segment for r in rows} == set(vocab.SEGMENTS)
    assert {r.status for r in rows} <= set(vocab.ASSET_STATUSES)
    assert Counter(r.status for r in rows).most_common(1)[0][0] == "in_use"
    assert all(re.fullmatch(r"HT-[A-Z]{2}-\d{4,6}", r.asset_tag) for r in rows)
    assert all(r.department_id and r.location_id for r in rows)
    assert all(r.confidentiality == 3 for r in rows if r.segment == "mynumber")
    kinds = Counter(
        s.execute(select(AssetType.code).join(Asset, Asset.asset_type_id == AssetType.id))
        .scalars()
        .all()
    )
    pcs = kinds["desktop"] + kinds["laptop"] + kinds["thin_client"]
    assert pcs > len(rows) / 2
    assert kinds["server"] and kinds["printer"] and kinds["network"]


def test_orm_reads_the_bulk_rows_back(s: Session) -> None:
    asset = s.execute(
        select(Asset).where(Asset.last_seen_at.is_not(None)).order_by(Asset.id).limit(1)
    ).scalar_one()
    assert isinstance(asset.purchase_date, date)
    assert isinstance(asset.last_seen_at, datetime)
    assert isinstance(asset.created_at, datetime)
    assert asset.custom_fields["管理シール"] in ("済", "未")
    assert asset.asset_type is not None and asset.department is not None
    raw = s.execute(
        text("SELECT a.created_at, a.purchase_date, t.created_at FROM assets a "
             "JOIN asset_types t ON t.id = a.asset_type_id LIMIT 1")
    ).one()  # fmt: skip
    stamp = r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}"
    assert re.fullmatch(stamp, raw[0]) and re.fullmatch(stamp, raw[2])  # same text as the ORM
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", raw[1])
    system = s.execute(select(BusinessSystem).where(BusinessSystem.tokutei_iko)).scalars().first()
    assert system is not None and system.tokutei_iko is True


def test_dates_spread_over_past_and_future(s: Session) -> None:
    maint = [d for d in s.execute(select(Asset.maintenance_end)).scalars() if d]
    eol = [d for d in s.execute(select(Asset.eol_date)).scalars() if d]
    assert any(d < TODAY for d in maint)
    assert any(TODAY <= d < TODAY + timedelta(days=365) for d in maint)
    assert any(d >= TODAY + timedelta(days=365) for d in maint)
    assert any(d < TODAY for d in eol) and any(d > TODAY for d in eol)
    assert all(d <= TODAY for d in s.execute(select(Asset.purchase_date)).scalars())
    days = s.execute(select(func.min(WorkLogEntry.occurred_on), func.max(WorkLogEntry.occurred_on)))
    first, last = days.one()
    assert last <= TODAY and (last - first).days > 4 * 365


def test_systems_cover_the_20_standard_businesses(s: Session) -> None:
    sb_ids = set(s.execute(select(StandardBusiness.id)).scalars())
    systems = s.execute(select(BusinessSystem)).scalars().all()
    assert {x.standard_business_id for x in systems if x.standard_business_id} == sb_ids
    assert all(x.vendor_id and x.department_id and x.segment for x in systems)
    tokutei = [x for x in systems if x.tokutei_iko]
    assert tokutei
    assert all(x.tokutei_reason in vocab.TOKUTEI_REASONS for x in tokutei)
    assert all(x.tokutei_deadline == date(2031, 3, 31) for x in tokutei)


def test_notices_are_unique_with_deadline_history(s: Session) -> None:
    dupes = s.execute(
        select(Notice.issuer, Notice.issued_on, Notice.title)
        .group_by(Notice.issuer, Notice.issued_on, Notice.title)
        .having(func.count() > 1)
    ).all()
    assert dupes == []
    notices = s.execute(select(Notice)).scalars().all()
    assert {n.kind for n in notices} <= set(vocab.NOTICE_KINDS)
    assert {n.status for n in notices} <= set(vocab.NOTICE_STATUSES)
    assert any(n.doc_number.endswith("号") for n in notices)
    assert all(n.doc_number == "" for n in notices if n.kind == "jimurenraku")
    # Each deadline's history ends in its one current value.
    histories: dict[tuple[int, str], list[NoticeDeadline]] = {}
    for d in s.execute(select(NoticeDeadline).order_by(NoticeDeadline.changed_at)).scalars():
        histories.setdefault((d.notice_id, d.kind), []).append(d)
    assert all([h.is_current for h in rows] == [False] * (len(rows) - 1) + [True]
               for rows in histories.values())  # fmt: skip
    assert any(len(rows) > 1 for rows in histories.values())
    assert {kind for _n, kind in histories} == set(vocab.NOTICE_DEADLINE_KINDS)
    assert any(len(n.current_deadlines()) > 1 for n in notices)  # a law: 施行日 and 対応期限
    first = s.get(Notice, min(n.id for n in notices))
    assert first is not None and first.current_deadlines() == {"reply": date(2026, 11, 28)}
    assert [h.deadline for h in first.deadlines] == [date(2026, 10, 31), date(2026, 11, 28)]
    from_feeds = [n for n in notices if n.feed_guid]
    assert from_feeds and all(n.url == n.feed_guid for n in from_feeds)


def test_checklists_have_40_steps_per_business(s: Session) -> None:
    std = s.execute(
        select(ChecklistTemplate.id).where(ChecklistTemplate.code == "standardization-40")
    ).scalar_one()
    lists = s.execute(select(Checklist).where(Checklist.template_id == std)).scalars().all()
    assert len(lists) == 20 and len({c.standard_business_id for c in lists}) == 20
    rows = s.execute(
        select(ChecklistProgress.checklist_id, ChecklistProgress.status,
               ChecklistTemplateItem.position)
        .join(ChecklistTemplateItem, ChecklistTemplateItem.id == ChecklistProgress.item_id)
        .where(ChecklistProgress.checklist_id.in_([c.id for c in lists]))
    ).all()  # fmt: skip
    assert Counter(r.checklist_id for r in rows) == {c.id: 40 for c in lists}
    assert {r.status for r in rows} <= set(vocab.CHECK_STATUSES)
    early = [r.status for r in rows if r.position < 5]
    assert early.count("done") >= 0.8 * len(early)
    gov = s.execute(
        select(Checklist)
        .join(ChecklistTemplate, ChecklistTemplate.id == Checklist.template_id)
        .where(ChecklistTemplate.kind == "gov_cloud")
    ).scalar_one()
    steps = s.execute(select(ChecklistProgress).where(ChecklistProgress.checklist_id == gov.id))
    assert len(steps.all()) >= 10
    mismatched = s.execute(
        select(func.count())
        .select_from(ChecklistProgress)
        .join(Checklist, Checklist.id == ChecklistProgress.checklist_id)
        .where(Checklist.template_id != ChecklistProgress.template_id)
    )
    assert mismatched.scalar_one() == 0


def test_runbook_steps_are_numbered(s: Session) -> None:
    for runbook in s.execute(select(Runbook)).scalars():
        positions = [step.position for step in runbook.steps]
        assert positions == list(range(1, len(positions) + 1))
        assert 3 <= len(positions) <= 12
        assert runbook.version.startswith("第") and runbook.last_reviewed_on is not None
    systems_per_runbook = Counter(s.execute(select(runbook_systems.c.runbook_id)).scalars())
    assert max(systems_per_runbook.values()) > 1  # the power-cut runbook serves every system


def test_recurring_tasks_are_occurrences_of_yearly_rules(s: Session) -> None:
    rules = s.execute(select(TaskSeries)).scalars().all()
    assert rules and all(r.rule == "yearly" and r.month and r.day for r in rules)
    occurrences = s.execute(select(Task).where(Task.series_id.is_not(None))).scalars().all()
    assert len(occurrences) == 5 * len(rules)  # five 年度 each
    for task in occurrences:
        rule = task.series
        assert rule is not None and task.occurrence_on is not None
        assert (task.occurrence_on.month, task.occurrence_on.day) == (rule.month, rule.day)
        fiscal = task.occurrence_on.year - (task.occurrence_on.month < 4)
        assert task.fiscal_year == fiscal
        assert task.due_date is not None and task.due_date.weekday() < 5  # a weekday
        assert 0 <= (task.occurrence_on - task.due_date).days <= 2
    assert s.execute(select(func.count()).select_from(task_notices)).scalar_one() > 0
    assert s.execute(select(func.count()).select_from(task_runbooks)).scalar_one() > 0


def test_licences_some_over_assigned(s: Session) -> None:
    used = dict(
        s.execute(
            select(LicenseAssignment.license_id, func.count()).group_by(
                LicenseAssignment.license_id
            )
        ).all()
    )
    seats = dict(s.execute(select(License.id, License.seats)).all())
    assert any(used.get(i, 0) > n for i, n in seats.items())
    assert any(used.get(i, 0) <= n for i, n in seats.items())


def test_attachments_point_at_existing_records(s: Session) -> None:
    owners = {"asset": Asset, "notice": Notice, "runbook": Runbook,
              "checklist_progress": ChecklistProgress}  # evidence files  # fmt: skip
    for att in s.execute(select(Attachment)).scalars():
        assert s.get(owners[att.owner_kind], att.owner_id) is not None
        assert re.fullmatch(r"[0-9a-f]{64}", att.sha256)
        assert att.stored_name == f"{att.sha256[:2]}/{att.sha256}"
        assert att.size_bytes > 0


def test_demo_attachments_have_their_files(db) -> None:  # a data folder checks clean
    from app.store.attachments import AttachmentFiles

    files = AttachmentFiles(db.data_dir.root)
    generate_demo(db.sessions, size="small", seed=5, files=files)
    with db.sessions() as s:
        stored = [(a.sha256, a.size_bytes) for a in s.execute(select(Attachment)).scalars()]
    assert stored and all(files.has(sha, size) for sha, size in stored)


def test_no_secret_looking_values(s: Session) -> None:
    refs = s.execute(select(CredentialRef)).scalars().all()
    assert refs and all(r.service == "hitori" for r in refs)
    texts = [f"{r.label} {r.username} {r.where_kept} {r.notes}" for r in refs]
    texts += [f"{x.title} {x.body} {x.expected}" for x in s.execute(select(RunbookStep)).scalars()]
    texts += list(s.execute(select(WorkLogEntry.body)).scalars())
    assert len(set(s.execute(select(WorkLogEntry.actor)).scalars())) == 2  # officer, predecessor
    texts += list(s.execute(select(Asset.notes)).scalars())
    assert not [t for t in texts if SECRET_LIKE.search(t)]
    columns = {c for r in refs for c in vars(r) if not c.startswith("_")}
    assert not columns & {"password", "secret", "value"}


def test_one_summary_row_in_the_change_log(
    small: tuple[Database, dict[str, int]], s: Session
) -> None:
    rows = s.execute(select(ChangeLogEntry).where(ChangeLogEntry.table_name == "demo")).scalars()
    (row,) = rows.all()
    assert row.action == "insert" and row.actor == "tester"
    assert row.row_id == "small:1"
    assert json.loads(row.new_value or "{}")["assets"] == small[1]["assets"]
    per_record = s.execute(
        select(func.count()).where(ChangeLogEntry.table_name.in_(["assets", "worklog_entries"]))
    ).scalar_one()
    assert per_record == 0


def test_search_index_finds_generated_records(s: Session) -> None:
    assert search_index.search(s, "課")
    assert "contract" in search_index.search(s, "保守")
    tag = s.execute(select(Asset.asset_tag).order_by(Asset.id).limit(1)).scalar_one()
    assets = search_index.search(s, tag)["asset"]
    assert assets[0].subtitle == tag  # the exact tag ranks first
    assert search_index.search(s, "ひとり電算")


# -- determinism, refusal, cancel ----------------------------------------------------------


def test_same_seed_same_data_other_seed_other_data(
    small: tuple[Database, dict[str, int]], s: Session, tmp_path: Path
) -> None:
    first = [
        tuple(r)
        for r in s.execute(select(Asset.asset_tag, Asset.name, Asset.user_name).order_by(Asset.id))
    ]
    first_new = _new_area_rows(s)
    assert len(first_new) > 100
    assert _generated(tmp_path / "again", 1) == (first, first_new)
    other, other_new = _generated(tmp_path / "other", 2)
    assert len(other) == len(first)
    assert [r[1:] for r in other] != [r[1:] for r in first]
    assert other_new != first_new


def test_refuses_a_ledger_that_has_assets(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    try:
        with db.sessions.begin() as session:
            session.add(Asset(asset_tag="MY-0001", name="既存の資産"))
        with pytest.raises(DemoError, match="空の台帳"):
            generate_demo(db.sessions, size="small")
        with db.sessions() as session:
            assert _count(session, Asset) == 1
            assert _count(session, Notice) == 0 and _count(session, WorkLogEntry) == 0
            assert session.execute(text("SELECT count(*) FROM departments")).scalar_one() == 0
    finally:
        db.dispose()


def test_unknown_size_is_refused(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    try:
        with pytest.raises(DemoError, match="規模"):
            generate_demo(db.sessions, size="huge")
    finally:
        db.dispose()


def test_cancel_rolls_everything_back(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    seen: list[str] = []
    try:
        with pytest.raises(DemoCancelled):
            generate_demo(
                db.sessions,
                progress=lambda _d, _t, msg: seen.append(msg),
                cancelled=lambda: "資産を作成しています" in seen,  # after the first asset batch
            )
        assert "資産を作成しています" in seen
        with db.sessions() as session:
            for model in (Asset, BusinessSystem, Notice, SearchDoc, Checklist):
                assert _count(session, model) == 0
            demo_rows = select(func.count()).where(ChangeLogEntry.table_name == "demo")
            assert session.execute(demo_rows).scalar_one() == 0
        assert generate_demo(db.sessions)["assets"] == SIZES["small"].assets  # still usable
    finally:
        db.dispose()


def test_progress_is_monotonic_and_completes(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    calls: list[tuple[int, int, str]] = []
    try:
        generate_demo(db.sessions, progress=lambda d, t, m: calls.append((d, t, m)), seed=3)
    finally:
        db.dispose()
    done = [c[0] for c in calls]
    assert done == sorted(done)
    assert len({c[1] for c in calls}) == 1
    assert calls[-1][0] == calls[-1][1]
    assert all(c[2] for c in calls)


def test_existing_departments_are_reused(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    try:
        with db.sessions.begin() as session:
            session.execute(
                text("INSERT INTO departments (name, notes, created_at, updated_at) "
                     "VALUES ('総務課', '既存', '2026-01-01', '2026-01-01')")
            )  # fmt: skip
        counts = generate_demo(db.sessions)
        with db.sessions() as session:
            notes = session.execute(text("SELECT notes FROM departments WHERE name='総務課'"))
            assert notes.scalar_one() == "既存"
        assert counts["departments"] == 13
    finally:
        db.dispose()


def test_another_today_moves_the_dates(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    today = date(2025, 6, 30)
    try:
        generate_demo(db.sessions, seed=5, today=today)
        with db.sessions() as session:
            last = session.execute(select(func.max(WorkLogEntry.occurred_on))).scalar_one()
            first = session.execute(select(func.min(WorkLogEntry.occurred_on))).scalar_one()
            assert last <= today and first >= date(2021, 4, 1)
            assert session.execute(select(func.max(Asset.purchase_date))).scalar_one() <= today
            # Nothing revised, asked, answered or kept after today.
            for column in (RegulationVersion.revised_on, KnowledgeNote.asked_on,
                           KnowledgeNote.reviewed_on, KnowledgeAnswer.answered_on,
                           Digest.period_end):  # fmt: skip
                assert session.execute(select(func.max(column))).scalar_one() <= today
            assert session.execute(select(func.max(Digest.period_end))).scalar_one() < today
    finally:
        db.dispose()


@pytest.mark.slow
def test_medium_demo(tmp_path: Path) -> None:
    db = open_database(DataDir(tmp_path), actor="tester")
    try:
        counts = generate_demo(db.sessions, size="medium", seed=7)
        spec = SIZES["medium"]
        assert counts["assets"] == spec.assets
        assert counts["worklog_entries"] == spec.worklog
        assert counts["notices"] == spec.notices
        with db.sessions() as session:
            assert _count(session, Asset) == spec.assets
            per_kind = search_index.search(session, "保守", per_kind=50)
            assert len(per_kind["worklog"]) == 50
    finally:
        db.dispose()


# --- what an officer would find wrong -------------------------------------------------


def test_asset_tags_follow_one_pattern(s: Session) -> None:
    tags = s.scalars(select(Asset.asset_tag)).all()
    assert tags and all(re.fullmatch(r"HT-[A-Z]{2,3}-\d{5}", t) for t in tags), tags[:5]


def test_phones_and_tablets_run_their_own_os(s: Session) -> None:
    pairs = set(s.execute(select(Asset.model, Asset.os_name).where(Asset.model.like("%iP%"))))
    pairs |= set(s.execute(select(Asset.model, Asset.os_name).where(Asset.os_name.like("%OS%"))))
    assert pairs
    for model, os_name in pairs:
        if "iPhone" in model:
            assert os_name.startswith("iOS"), (model, os_name)
        elif "iPad" in model:
            assert os_name.startswith("iPadOS"), (model, os_name)
        else:
            assert not os_name.startswith(("iOS", "iPadOS")), (model, os_name)


def test_furigana_is_in_katakana(s: Session) -> None:
    kana = [*s.scalars(select(Contact.kana)), *s.scalars(select(Vendor.kana))]
    assert kana and all(re.fullmatch(r"[ァ-ヶー ・]+", k) for k in kana if k), kana[:5]


def test_no_asset_reaches_its_eol_before_it_was_bought(s: Session) -> None:
    bad = s.execute(
        select(Asset.asset_tag).where(Asset.eol_date < Asset.purchase_date)
    ).all()  # fmt: skip
    assert bad == []


def test_the_demo_survives_its_own_export_and_reimport(small, tmp_path: Path) -> None:
    from app.interchange.asset_export import export_assets
    from app.interchange.asset_mapping import suggest_mapping
    from app.interchange.table_reader import read_table
    from app.services.inventory.asset_import import preview_import
    from app.services.inventory.import_values import ValueChoices

    db, _counts = small
    out = tmp_path / "台帳.xlsx"
    with db.sessions() as session:
        export_assets(session, out)
        table = read_table(out)
        preview = preview_import(
            session, table, suggest_mapping(table.headers), values=ValueChoices()
        )
    assert [p.message for p in preview.problems()][:5] == []
    assert preview.count("unchanged") == len(table.rows) == 200


# --- the register, Q&A notes, tags and the kept digest ---------------------------------


def test_the_register_shows_the_security_policy_lagging(s: Session) -> None:
    from app.services.regulations.register import register_rows

    rows = {r.title: r for r in register_rows(s, TODAY)}
    guideline = "地方公共団体における情報セキュリティポリシーに関するガイドライン"
    march = s.execute(
        select(RegulationVersion)
        .join(Regulation, Regulation.id == RegulationVersion.regulation_id)
        .where(Regulation.title == guideline, RegulationVersion.label == "令和7年3月改定")
    ).scalar_one()
    policy = rows["ひとり町情報セキュリティポリシー"]
    assert policy.lagging and policy.origin == "own" and policy.current_label == "第5版"
    assert policy.lagging_since == march.on == date(2025, 3, 1)
    assert policy.lagging_behind == (guideline,)
    assert not rows["ひとり町情報セキュリティ実施手順"].lagging  # follows the policy, in line
    assert not rows["ひとり町事務引継規程"].lagging
    assert {r.kind for r in rows.values() if r.origin == "own"} == {"regulation", "rule", "outline"}
    assert [r.title for r in rows.values() if r.lagging] == ["ひとり町情報セキュリティポリシー"]
    handover = rows["ひとり町事務引継規程"].id
    assert not s.scalars(
        select(RegulationDependency).where(
            (RegulationDependency.dependent_id == handover)
            | (RegulationDependency.source_id == handover)
        )
    ).all()
    assert s.execute(select(func.max(RegulationVersion.revised_on))).scalar_one() <= TODAY
    if march.notice_id is not None:  # the notice that announced it, when the demo has one
        notice = s.get(Notice, march.notice_id)
        assert notice is not None and "情報セキュリティポリシー" in notice.title


def test_adopting_the_starter_set_afterwards_adds_nothing(s: Session) -> None:
    from app.services.regulations.starter import adopt_starter, adopted_keys, load_starter

    starter = load_starter()
    keys_before = adopted_keys(s)
    entries = s.scalars(select(Regulation.starter_key).where(Regulation.starter_key.is_not(None)))
    assert set(entries) == {e.key for e in starter.entries}
    try:
        result = adopt_starter(s, starter)
        assert result.added_entries == () and result.added_versions == ()
        assert result.skipped_deleted == () and result.same_title == ()
        assert len(result.already) == len(starter.entries)
        assert adopted_keys(s) == keys_before and not s.new and not s.dirty  # nothing written
    finally:
        s.rollback()


def test_notes_have_answers_tags_and_some_are_due_for_review(s: Session) -> None:
    from app.services.knowledge.listing import due_for_review, note_rows

    notes = note_rows(s, TODAY)
    assert len(notes) == SIZES["small"].knowledge
    assert all(1 <= n.answer_count <= 3 for n in notes)
    assert all(n.tags and set(n.tags) <= set(TAG_NAMES) for n in notes)
    communities = {"オンライン市役所", "デジタル改革共創プラットフォーム", "架空県ICT担当者会議"}
    assert {n.community for n in notes} <= communities
    assert all(n.asked_on and TODAY - timedelta(days=731) <= n.asked_on <= TODAY for n in notes)
    due = due_for_review(s, TODAY)
    assert 0 < len(due) < len(notes) / 2  # a few are due ("still true?")
    assert all(d.review_due_on is not None and d.review_due_on <= TODAY for d in due)
    answers = s.execute(
        select(KnowledgeAnswer.answered_on, KnowledgeAnswer.answered_by, KnowledgeNote.asked_on)
        .join(KnowledgeNote, KnowledgeNote.id == KnowledgeAnswer.note_id)
    ).all()  # fmt: skip
    assert all(a.asked_on <= a.answered_on <= TODAY and a.answered_by for a in answers)
    linked = s.execute(text("SELECT count(*) FROM knowledge_note_notices")).scalar_one()
    linked += s.execute(text("SELECT count(*) FROM knowledge_note_regulations")).scalar_one()
    assert linked > 0


def test_most_notices_carry_one_or_two_topic_tags(s: Session) -> None:
    from app.services.tags import tags_of

    tagged = tags_of(s, "notice")
    assert len(tagged) > 0.8 * _count(s, Notice)
    assert all(1 <= len(names) <= 2 and set(names) <= set(TAG_NAMES) for names in tagged.values())
    security = s.scalars(select(Notice.id).where(Notice.title.like("%ランサムウェア%"))).all()
    assert all("情報セキュリティ" in tagged[n] for n in security)


def test_the_kept_digest_is_the_last_full_week(s: Session) -> None:
    from app.services.digests.store import digest_content, list_digests, next_period
    from app.services.tags import tags_of

    (kept,) = list_digests(s)
    assert kept.start.weekday() == 0 and kept.end - kept.start == timedelta(days=6)
    assert TODAY - timedelta(days=7) <= kept.end < TODAY
    assert next_period(s, TODAY)[0] == kept.end + timedelta(days=1)
    digest = s.get(Digest, kept.id)
    assert digest is not None and digest.sections == "notice,regulation_version,knowledge_note"
    assert len(digest.intro.splitlines()) == 2
    in_week = s.scalars(
        select(Notice.id).where(Notice.issued_on.between(kept.start, kept.end))
    ).all()
    items = {(i.ref_kind, i.ref_id): i.topic for i in digest.items}
    first_tags = tags_of(s, "notice", in_week)
    for nid in in_week:  # every notice issued in the week, filed under its first tag
        assert items[("notice", nid)] == (first_tags[nid] or ["通知・事務連絡"])[0]
    assert kept.items == len(items) > 0
    content = digest_content(s, kept.id)
    assert all(not i.gone for t in content.topics for i in t.items)


def test_the_search_finds_a_note_by_a_word_of_its_answer(s: Session) -> None:
    from app.services.knowledge.listing import note_of_answer
    from app.services.search import global_search

    results = global_search(s, "突き合わせ")
    (group,) = [g for g in results.groups if g.kind == "knowledge_answer"]
    note = s.get(KnowledgeNote, note_of_answer(s, group.hits[0].ref_id))
    assert note is not None and "文字の同定" in note.question
