"""What the dashboard reads (app.services.dashboard): what is overdue (open tasks, open
notices' deadlines, unfinished checklist items — never an asset's past maintenance end),
what falls due soon (every source of the schedule, checklist items included), and the
coming twelve months counted by kind."""

from __future__ import annotations

from datetime import date

from app.services.dashboard import dashboard_outlook, dashboard_summary
from app.store.models import (
    Asset,
    Checklist,
    ChecklistProgress,
    ChecklistTemplate,
    ChecklistTemplateItem,
    License,
    Notice,
    NoticeDeadline,
    Task,
)

TODAY = date(2026, 11, 15)


def fill(db) -> None:
    with db.sessions.begin() as s:
        notice = Notice(issuer="デジタル庁", title="進捗状況調査について（依頼）", status="acting")
        closed = Notice(issuer="総務省", title="回答済みの照会", status="done")
        template = ChecklistTemplate(code="t", name="移行手順")
        s.add_all([notice, closed, template])
        s.flush()
        item = ChecklistTemplateItem(
            template_id=template.id, code="①-1", title="推進体制", position=1
        )
        checklist = Checklist(template_id=template.id, name="住基 標準化")
        s.add_all([item, checklist])
        s.flush()
        s.add_all([
            Task(title="予算要求", due_date=date(2026, 10, 1)),  # 45 days late
            Task(title="終わった作業", status="done", due_date=date(2026, 10, 1)),
            Task(title="年末の停止連絡", due_date=date(2026, 12, 25)),
            Task(title="来年度の更新", due_date=date(2027, 10, 1)),  # 13th month: not charted
            NoticeDeadline(notice_id=notice.id, kind="reply", deadline=date(2026, 11, 10),
                           is_current=True),
            NoticeDeadline(notice_id=notice.id, kind="effective", deadline=date(2027, 4, 1),
                           is_current=True),
            NoticeDeadline(notice_id=closed.id, kind="reply", deadline=date(2026, 11, 1),
                           is_current=True),
            ChecklistProgress(checklist_id=checklist.id, template_id=template.id,
                              item_id=item.id, status="todo", due_date=date(2026, 12, 1)),
            License(product="ウイルス対策", expiry_date=date(2027, 3, 31)),
            Asset(asset_tag="PC-1", name="古いPC", maintenance_end=date(2025, 3, 31)),
            Asset(asset_tag="PC-2", name="保守切れ間近", maintenance_end=date(2026, 12, 10)),
        ])  # fmt: skip


def test_overdue_is_late_work_oldest_first_and_not_old_equipment(db) -> None:
    fill(db)
    with db.sessions() as s:
        summary = dashboard_summary(s, TODAY)
    late = [(d.kind, d.title, d.detail) for d in summary.overdue]
    assert late == [
        ("タスク期限", "予算要求", "45日超過・未着手・優先度 中"),
        ("回答期限", "進捗状況調査について（依頼）", "5日超過・デジタル庁"),
    ]
    assert summary.overdue_total == 2


def test_due_soon_takes_every_source_within_sixty_days(db) -> None:
    fill(db)
    with db.sessions() as s:
        summary = dashboard_summary(s, TODAY)
    due = [(d.kind, d.title, d.ref_kind) for d in summary.due]
    assert due == [
        ("チェック項目期限", "住基 標準化 ①-1 推進体制", "checklist_progress"),
        ("保守終了", "PC-2　保守切れ間近", "asset"),
        ("タスク期限", "年末の停止連絡", "task"),
    ]


def test_the_chart_counts_twelve_months_from_this_one(db) -> None:
    fill(db)
    with db.sessions() as s:
        months = dashboard_outlook(s, TODAY).months
    assert [(m.year, m.month) for m in months][:3] == [(2026, 11), (2026, 12), (2027, 1)]
    assert (months[-1].year, months[-1].month) == (2027, 10)
    by_month = {(m.year, m.month): m.counts for m in months}
    # November counts the late reply too: the chart is the month's load, not what is left.
    assert by_month[2026, 11] == {"notice": 1}
    assert by_month[2026, 12] == {"task": 1, "checklist_progress": 1, "asset": 1}
    assert by_month[2027, 3] == {"license": 1}
    assert by_month[2027, 4] == {"notice": 1}
    assert by_month[2027, 10] == {"task": 1}
    assert months[1].total(without=("asset",)) == 2


def test_the_overdue_list_is_capped_but_counted(db) -> None:
    with db.sessions.begin() as s:
        s.add_all(Task(title=f"遅れ{n}", due_date=date(2026, 1, 1 + n)) for n in range(30))
    with db.sessions() as s:
        summary = dashboard_summary(s, TODAY, limit=10)
    assert len(summary.overdue) == 10 and summary.overdue_total == 30
    assert summary.overdue[0].title == "遅れ0"


def test_lagging_rules_and_notes_to_review_are_counted(db) -> None:
    from app.services.dashboard import LAGGING_RULES, NOTES_TO_REVIEW
    from app.store.models import KnowledgeNote
    from tests.regulation_data import lagging_policy

    with db.sessions.begin() as s:
        lagging_policy(s, TODAY)
        s.add_all([
            KnowledgeNote(question="LGWANメールの容量は?", reviewed_on=date(2025, 1, 10),
                          review_months=6),
            KnowledgeNote(question="まだ新しい", reviewed_on=date(2026, 10, 1), review_months=6),
        ])  # fmt: skip
    with db.sessions() as s:
        summary = dashboard_outlook(s, TODAY)
    assert summary.warnings["追随遅れの規程"] == 1
    assert summary.warning_kinds["追随遅れの規程"] == LAGGING_RULES
    assert summary.warnings["見直し時期のQ&A"] == 1
    assert summary.warning_kinds["見直し時期のQ&A"] == NOTES_TO_REVIEW
