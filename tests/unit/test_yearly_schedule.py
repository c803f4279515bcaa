"""The 年間スケジュール (app.services.schedule.yearly) and its PDF
(app.reports.yearly_schedule): twelve months April → March, January–March in the 年度
that began the April before, assets only when asked, counts per kind; the PDF read back
with pypdf (pages, A4 landscape, title, items, page numbers, outline), long titles
wrapped inside their column, a full month continued on another page, one page rendered
by pdftoppm and not blank."""

from __future__ import annotations

import io
import shutil
import subprocess
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader
from reportlab.pdfbase import pdfmetrics

from app.errors import UserError
from app.reports.asset_labels import FONT
from app.reports.yearly_schedule import (
    TEXT_WIDTH,
    item_lines,
    item_text,
    render_yearly_schedule,
    write_yearly_schedule,
)
from app.services.schedule.deadlines import Deadline
from app.services.schedule.yearly import FISCAL_MONTHS, YearlySchedule, arrange, yearly_schedule
from app.store.models import Asset, Contract, License, Notice, NoticeDeadline, Task

PRINTED = date(2026, 5, 1)
LONG_TITLE = (
    "地方公共団体情報システムの標準化に関する法律に基づく標準準拠システムへの移行と"
    "ガバメントクラウド接続回線 LGWAN-ASP-Connection-Service-2026 の切替作業"
)


def fill(db: Any) -> None:
    """Dated items around the 年度 2026 (2026-04-01 … 2027-03-31) and on its edges."""
    with db.sessions.begin() as s:
        notice = Notice(issuer="総務省", title="セキュリティポリシー照会")
        s.add_all([
            Task(title="前年度の締め", due_date=date(2026, 3, 31)),
            Task(title="アカウント整理", due_date=date(2026, 4, 1)),
            Task(title=LONG_TITLE, due_date=date(2026, 4, 20)),
            Task(title="年末の点検", due_date=date(2026, 12, 28)),
            Task(title="年明けの更新", due_date=date(2027, 1, 5)),
            Task(title="年度末の棚卸", due_date=date(2027, 3, 31)),
            Task(title="次年度の準備", due_date=date(2027, 4, 1)),
            Task(title="済んだ作業", status="done", due_date=date(2026, 6, 1)),
            notice,
            Contract(title="庁内LAN保守", end_date=date(2027, 3, 31), notice_days=60),
            License(product="ウイルス対策ソフト", expiry_date=date(2026, 8, 31)),
            Asset(asset_tag="HT-SV-001", name="ファイルサーバ", maintenance_end=date(2026, 10, 31)),
        ])  # fmt: skip
        s.flush()
        s.add(NoticeDeadline(notice_id=notice.id, kind="reply", deadline=date(2026, 5, 29),
                             is_current=True))  # fmt: skip


def titles(schedule: YearlySchedule) -> dict[tuple[int, int], list[str]]:
    return {(m.year, m.month): [d.title for d in m.items] for m in schedule.months if m.items}


def test_twelve_months_from_april_to_march(db: Any, session: Any) -> None:
    fill(db)
    schedule = yearly_schedule(session, 2026)
    assert [(m.year, m.month) for m in schedule.months] == [
        *((2026, m) for m in range(4, 13)),
        *((2027, m) for m in range(1, 4)),
    ]
    assert schedule.label == "令和8年度"
    assert titles(schedule) == {
        (2026, 4): ["アカウント整理", LONG_TITLE],
        (2026, 5): ["セキュリティポリシー照会"],
        (2026, 8): ["ウイルス対策ソフト"],
        (2026, 12): ["年末の点検"],
        (2027, 1): ["年明けの更新", "庁内LAN保守"],  # the task on 1/5, 解約予告期限 on 1/30
        (2027, 3): ["庁内LAN保守", "年度末の棚卸"],  # 契約終了 before タスク期限 on one day
    }
    assert [(d.on, d.what) for d in schedule.months[9].items] == [
        (date(2027, 1, 5), "タスク期限"),
        (date(2027, 1, 30), "解約予告期限"),
    ]
    assert schedule.total == 9


def test_january_to_march_belong_to_the_april_before(db: Any, session: Any) -> None:
    fill(db)
    previous = yearly_schedule(session, 2025)
    assert titles(previous) == {(2026, 3): ["前年度の締め"]}
    assert previous.months[-1].first_day == date(2026, 3, 1)
    following = yearly_schedule(session, 2027)
    assert titles(following) == {(2027, 4): ["次年度の準備"]}


def test_items_are_sorted_by_date_within_a_month(db: Any, session: Any) -> None:
    fill(db)
    for month in yearly_schedule(session, 2026).months:
        days = [d.on for d in month.items]
        assert days == sorted(days)
        assert all((d.year, d.month) == (month.year, month.month) for d in days)


def test_assets_only_when_asked(db: Any, session: Any) -> None:
    fill(db)
    without = yearly_schedule(session, 2026)
    assert without.months[6].items == () and not without.include_assets
    assert without.months[6].counts == ()
    with_assets = yearly_schedule(session, 2026, include_assets=True)
    october = with_assets.months[6]
    assert [(d.what, d.title) for d in october.items] == [("保守終了", "HT-SV-001　ファイルサーバ")]
    assert october.counts == (("asset", 1),) and october.count("asset") == 1
    assert with_assets.total == without.total + 1


def test_counts_per_kind_in_kind_order(db: Any, session: Any) -> None:
    fill(db)
    schedule = yearly_schedule(session, 2026)
    march = schedule.months[11]
    assert march.counts == (("contract", 1), ("task", 1))
    assert march.count("notice") == 0
    assert schedule.months[1].counts == (("notice", 1),)


def test_arrange_leaves_out_what_is_outside_the_year() -> None:
    outside = Deadline("タスク期限", date(2027, 4, 1), "外", "task", 1, "due")
    inside = Deadline("タスク期限", date(2027, 2, 28), "内", "task", 2, "due")
    schedule = arrange(2026, [inside, outside])
    assert [m.month for m in schedule.months] == list(FISCAL_MONTHS)
    assert titles(schedule) == {(2027, 2): ["内"]}


# --- the PDF -----------------------------------------------------------------------------


def test_long_titles_wrap_inside_the_column() -> None:
    text = item_text(20, "タスク期限", LONG_TITLE)
    lines = item_lines(text)
    assert len(lines) > 2
    assert all(pdfmetrics.stringWidth(line, FONT, 7.5) <= TEXT_WIDTH for line in lines)
    # Wider than a column: broken between characters, nothing cut or lost.
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    # Words that fit are kept whole.
    lines = item_lines(
        item_text(3, "タスク期限", "サーバ FILESRV01 のバックアップ確認と復元テスト")
    )
    assert len(lines) > 1 and any("FILESRV01" in line for line in lines)
    assert all(pdfmetrics.stringWidth(line, FONT, 7.5) <= TEXT_WIDTH for line in lines)


def test_pdf_read_back(db: Any, session: Any, tmp_path: Path) -> None:
    fill(db)
    (tmp_path / "out").mkdir()
    out = tmp_path / "out" / "年間スケジュール.pdf"
    pages = write_yearly_schedule(yearly_schedule(session, 2026), out, printed_on=PRINTED)
    assert pages == 2
    reader = PdfReader(out)
    assert len(reader.pages) == 2
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (842, 595)
    # A title may go to the next line after 「回答期限:」: lines are joined to compare.
    first, second = (page.extract_text().replace("\n", "") for page in reader.pages)
    assert "令和8年度 年間スケジュール" in first
    assert "作成日: 令和8年5月1日" in first
    assert "29日 回答期限: セキュリティポリシー照会" in first
    assert "1日 タスク期限: アカウント整理" in first
    assert "5日 タスク期限: 年明けの更新" in second
    assert "31日 契約終了: 庁内LAN保守" in second
    assert "1 / 2 ページ" in first and "2 / 2 ページ" in second
    assert "年度末の棚卸" not in first and "年末の点検" not in first
    outline = reader.outline
    assert [item.title for item in outline if not isinstance(item, list)] == [
        "上半期（4月〜9月）",
        "下半期（10月〜3月）",
    ]
    months = [item.title for group in outline if isinstance(group, list) for item in group]
    assert months == [f"{m}月" for m in FISCAL_MONTHS]
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary left


def test_a_full_month_continues_on_the_next_page() -> None:
    items = [
        Deadline(
            "保守終了", date(2026, 10, 1 + n % 28), f"HT-PC-{n:04d}　職員端末", "asset", n, "x"
        )
        for n in range(120)
    ]
    data, pages = render_yearly_schedule(
        arrange(2026, items, include_assets=True), printed_on=PRINTED
    )
    assert pages > 2
    path_text = [p.extract_text() for p in PdfReader(io.BytesIO(data)).pages]
    assert "10月（続き）" in path_text[2] and "10月（続き）" not in path_text[1]
    assert f"1 / {pages} ページ" in path_text[0]
    found = sum(text.count("職員端末") for text in path_text)
    assert found == 120  # every item once: none lost, none split between pages


def test_the_file_must_be_a_pdf(tmp_path: Path) -> None:
    with pytest.raises(UserError, match=r"\.pdf"):
        write_yearly_schedule(arrange(2026, []), tmp_path / "a.txt", printed_on=PRINTED)
    with pytest.raises(UserError, match="フォルダ"):
        write_yearly_schedule(arrange(2026, []), tmp_path, printed_on=PRINTED)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm not installed")
def test_a_page_renders_with_ink(db: Any, session: Any, tmp_path: Path) -> None:
    fill(db)
    pdf = tmp_path / "s.pdf"
    write_yearly_schedule(yearly_schedule(session, 2026), pdf, printed_on=PRINTED)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")],
        check=True,
        timeout=60,
    )
    (png,) = tmp_path.glob("p*.png")
    with Image.open(png) as image:
        assert image.width > image.height  # landscape
        gray = image.convert("L")
        histogram = gray.histogram()
    inked, black = sum(histogram[:200]), sum(histogram[:64])
    assert inked > 0.01 * gray.width * gray.height and black > 0
