"""``hitori digest`` end to end: real processes writing a PDF (read back with pypdf and
rendered by pdftoppm), text and HTML; ``--keep`` and the next digest starting the day
after it; and every refusal — an empty period, an unknown suffix or section, a date
that cannot be read, a file that cannot be written — one Japanese line, exit 1, no file
written and nothing kept."""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import func, select

from app.paths import DataDir
from app.store.database import open_database
from app.store.models import (
    Digest,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    NoticeDeadline,
    Regulation,
    RegulationVersion,
    Tag,
    notice_tags,
)
from tests.integration import test_cli as cli
from tests.integration.test_cli import hitori

pytestmark = pytest.mark.integration

PERIOD = ("--from", "R8.4.1", "--to", "2026-04-07")
SCRIPT = "<script>alert(1)</script>"


def make_data(root: Path) -> None:
    """A notice with a 回答期限 and a tag, a regulation version and a Q&A note in the week
    2026-04-01 … 04-07; a notice after it."""
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions.begin() as s:
            tag = Tag(name="標準化")
            notice = Notice(
                issuer="デジタル庁", doc_number="デジ地第613号", issued_on=date(2026, 4, 3),
                title="標準準拠システムへの移行に係る進捗状況調査について（依頼）" + SCRIPT,
                url="https://www.digital.go.jp/policies/local_governments",
            )  # fmt: skip
            rule = Regulation(title="情報セキュリティポリシーに関するガイドライン",
                              short_name="セキュリティGL")  # fmt: skip
            note = KnowledgeNote(question="接続回線の費用は誰が負担しますか",
                                 community="オンライン市役所",
                                 created_at=datetime(2026, 4, 2, 12, 0))  # fmt: skip
            later = Notice(issuer="総務省", issued_on=date(2026, 4, 20), title="次の週の通知")
            s.add_all([tag, notice, rule, note, later])
            s.flush()
            s.add_all([
                NoticeDeadline(notice_id=notice.id, kind="reply", deadline=date(2026, 5, 29),
                               is_current=True),
                RegulationVersion(regulation_id=rule.id, label="令和8年4月版",
                                  revised_on=date(2026, 4, 6), changes="クラウド利用の記述を追加"),
                KnowledgeAnswer(note_id=note.id, position=1, body="各団体の負担です。"),
            ])  # fmt: skip
            s.execute(notice_tags.insert().values(notice_id=notice.id, tag_id=tag.id))
    finally:
        db.dispose()


def kept(root: Path) -> list[tuple[str, date, date]]:
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions() as s:
            rows = s.execute(select(Digest.title, Digest.period_start, Digest.period_end)
                             .order_by(Digest.id)).all()  # fmt: skip
            return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        db.dispose()


@pytest.fixture(scope="module")
def data_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Records the digests read (without --keep nothing changes them)."""
    root = tmp_path_factory.mktemp("cli-digest") / "data"
    make_data(root)
    return root


def assert_ok(proc: subprocess.CompletedProcess[str], *lines: str) -> None:
    cli.assert_ok(proc)
    assert proc.stdout.splitlines() == list(lines) and proc.stderr == ""


def assert_refused(proc: subprocess.CompletedProcess[str], *words: str) -> None:
    cli.assert_refused(proc, *words)
    assert proc.stdout == ""


def test_a_pdf_of_the_week(data_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "ダイジェスト 令和8年4月.pdf"
    proc = hitori("digest", *PERIOD, "--out", out, "--title", "情報政策係だより 第1号",
                  "--intro", "今週は移行の調査があります。<b>至急</b>",
                  data_dir=data_root)  # fmt: skip
    reader = PdfReader(out)
    pages = len(reader.pages)
    assert_ok(proc, f"ダイジェスト（3 件、{pages} ページ）を書き出しました: {out}")
    text = "\n".join(page.extract_text() for page in reader.pages)
    for number in range(1, pages + 1):
        assert f"{number} / {pages}" in reader.pages[number - 1].extract_text()
    for words in (
        "情報政策係だより 第1号",
        "期間: 令和8年4月1日（水）〜令和8年4月7日（火）（3 件）",
        "今週は移行の調査があります。<b>至急</b>",
        "標準準拠システムへの移行に係る進捗状況調査について（依頼）",
        SCRIPT,
        "回答期限: 令和8年5月29日（金）",
        "クラウド利用の記述を追加",
        "各団体の負担です。",
        "https://www.digital.go.jp/policies/local_governments",
        f"データ: {data_root.name}",
    ):
        assert words in text, words
    assert "次の週の通知" not in text
    outline = [o.title for o in reader.outline if not isinstance(o, list)]
    assert outline == ["この期間の期限", "標準化", "セキュリティGL", "Q&A・ナレッジ"]
    assert [p.name for p in tmp_path.iterdir()] == [out.name]  # no temporary file left
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm not installed: the PDF was read, not rendered")
    subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "1", str(out),
                    str(tmp_path / "page")], check=True, timeout=60)  # fmt: skip
    (png,) = tmp_path.glob("page*.png")
    with Image.open(png) as image:
        assert image.height > image.width  # A4 portrait
        gray = image.convert("L")
        histogram = gray.histogram()
    assert sum(histogram[:200]) > 0.005 * gray.width * gray.height  # text was drawn


def test_text_and_html(data_root: Path, tmp_path: Path) -> None:
    txt, html = tmp_path / "d.txt", tmp_path / "d.html"
    assert_ok(hitori("digest", *PERIOD, "--out", txt, "--sections", "notice",
                     data_dir=data_root),
              f"ダイジェスト（1 件）を書き出しました: {txt}")  # fmt: skip
    text = txt.read_text(encoding="utf-8")
    assert text.startswith("ダイジェスト 令和8年4月1日（水）〜令和8年4月7日（火）\n")
    assert SCRIPT in text and "★回答期限: 令和8年5月29日（金）" in text
    assert "    https://www.digital.go.jp/policies/local_governments\n" in text
    assert "クラウド" not in text  # only the notices were asked for
    assert_ok(hitori("digest", *PERIOD, "--out", html, data_dir=data_root),
              f"ダイジェスト（3 件）を書き出しました: {html}")  # fmt: skip
    page = html.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;" in page
    assert '<a href="https://www.digital.go.jp/policies/local_governments"' in page


def test_a_kept_digest_starts_the_next_after_it(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_data(root)
    first, second, third = (tmp_path / f"{n}.txt" for n in ("first", "second", "third"))
    assert_ok(hitori("digest", *PERIOD, "--out", first, "--keep", data_dir=root),
              f"ダイジェスト（3 件）を書き出しました: {first}",
              "保存しました。次のダイジェストは 令和8年4月8日（水） からです")  # fmt: skip
    assert kept(root) == [("ダイジェスト 令和8年4月1日（水）〜令和8年4月7日（火）",
                           date(2026, 4, 1), date(2026, 4, 7))]  # fmt: skip
    # Without --from: from the day after, a week long — nothing in it.
    proc = hitori("digest", "--out", second, data_dir=root)
    assert_refused(
        proc, "この期間（令和8年4月8日（水）〜令和8年4月14日（火））に載せるものがありません"
    )
    assert not second.exists()
    assert_ok(hitori("digest", "--to", "2026-04-30", "--out", second, "--keep", data_dir=root),
              f"ダイジェスト（1 件）を書き出しました: {second}",
              "保存しました。次のダイジェストは 令和8年5月1日（金） からです")  # fmt: skip
    assert "次の週の通知" in second.read_text(encoding="utf-8")
    assert [k[1:] for k in kept(root)] == [(date(2026, 4, 1), date(2026, 4, 7)),
                                           (date(2026, 4, 8), date(2026, 4, 30))]  # fmt: skip
    # Own lines alone make a digest.
    assert_ok(hitori("digest", "--out", third, "--intro", "今週は特にありません", data_dir=root),
              f"ダイジェスト（0 件）を書き出しました: {third}")  # fmt: skip


def test_refusals_write_nothing_and_keep_nothing(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_data(root)
    out = tmp_path / "d.pdf"
    empty = ("--from", "2026-05-01", "--to", "2026-05-31")
    for args, words in [
        ((*empty, "--out", out, "--keep"),
         ("この期間（令和8年5月1日（金）〜令和8年5月31日（日））に載せるものがありません",)),
        ((*PERIOD, "--out", tmp_path / "d.docx", "--keep"),
         (".txt、.html、.htm、.pdf", "d.docx")),
        ((*PERIOD, "--out", tmp_path / "無い" / "d.pdf", "--keep"),
         ("保存先のフォルダがありません",)),
        ((*PERIOD, "--out", out, "--sections", "notice,tasks"),
         ("tasks", "notice（通知・事務連絡）")),
        (("--from", "R8.2.30", "--out", out), ("--from の日付が正しくありません",)),
        (("--from", "2026-04-07", "--to", "2026-04-01", "--out", out), ("より前です",)),
        ((*PERIOD, "--out", out, "--title", "あ" * 201, "--keep"), ("200文字以内",)),
    ]:  # fmt: skip
        assert_refused(hitori("digest", *args, data_dir=root), *words)
    assert list(tmp_path.iterdir()) == [root]
    assert kept(root) == []


def test_no_database_is_made_for_a_digest(tmp_path: Path) -> None:
    root = tmp_path / "none"
    proc = hitori("digest", *PERIOD, "--out", tmp_path / "d.txt", data_dir=root)
    cli.assert_refused(proc)
    assert not (tmp_path / "d.txt").exists()


def test_a_kept_digest_holds_its_items_in_order(tmp_path: Path) -> None:
    root = tmp_path / "data"
    make_data(root)
    proc = hitori("digest", *PERIOD, "--out", tmp_path / "d.html", "--keep", data_dir=root)
    cli.assert_ok(proc)
    db = open_database(DataDir(root), actor="tester")
    try:
        with db.sessions() as s:
            assert s.scalar(select(func.count()).select_from(Digest)) == 1
            (digest,) = s.scalars(select(Digest)).all()
            assert [(i.ref_kind, i.topic, i.position) for i in digest.items] == [
                ("notice", "標準化", 1),
                ("regulation_version", "セキュリティGL", 2),
                ("knowledge_note", "Q&A・ナレッジ", 3),
            ]
            assert digest.sections == "notice,regulation_version,knowledge_note"
    finally:
        db.dispose()
