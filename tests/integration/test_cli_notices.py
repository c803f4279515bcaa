"""``hitori notices import`` end to end: real processes, feed files and a URL on 127.0.0.1;
what is printed, what is stored, exit codes; bad input refused in one line with the
database byte-identical. And the URL path of the service against that server: a feed
served, redirects, a silent server and one that trickles (the time limit), a refused
port, HTTP errors, a download over the size limit."""

from __future__ import annotations

import os
import socket
import subprocess
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import date
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from app.services.notices.feed_error import FeedError
from app.services.notices.feed_source import fetch_feed, read_feed_source
from app.services.notices.feeds import MAX_FEED_BYTES, parse_feed
from app.store.models import Notice
from tests.integration.test_cli import (
    REPO_ROOT,
    _cmd,
    _env,
    assert_no_traceback,
    assert_refused,
    make_db,
    sha256,
    table_count,
)
from tests.unit.test_notice_feeds import DIGITAL, JAPANESE, MIXED, SOUMU, encoded, sjis_rdf

pytestmark = pytest.mark.integration

TIMEOUT = 60
PROXIES = ("http_proxy", "https_proxy", "all_proxy", "no_proxy")


def hitori_notices(
    data_dir: Path, *args: str | Path, timeout: float = TIMEOUT
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in _env().items() if k.lower() not in PROXIES}
    return subprocess.run(
        _cmd(["notices", "import", *args], data_dir),
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def ok(proc: subprocess.CompletedProcess[str]) -> list[str]:
    """Exit 0 and nothing on stderr; the lines printed."""
    assert_no_traceback(proc)
    assert proc.returncode == 0, f"exit {proc.returncode}\n{proc.stdout}\n{proc.stderr}"
    assert proc.stderr == ""
    return proc.stdout.splitlines()


def stored(db: Any) -> list[tuple[Any, ...]]:
    with db.sessions() as session:
        rows = session.execute(
            select(Notice.issuer, Notice.issued_on, Notice.title, Notice.status, Notice.source)
            .order_by(Notice.id)
        )  # fmt: skip
        return [tuple(r) for r in rows]


def test_a_feed_file_then_the_same_file_again(db: Any, data_dir: Any) -> None:
    first = ok(hitori_notices(data_dir.root, SOUMU))
    assert first == [
        "通知を 3 件追加しました（既にあるもの 0 件、取り込めなかったもの 0 件）",
        "フィード: 総務省 ホームページ新着情報（RSS 1.0（RDF）、UTF-8、3 項目）／発出元: 総務省",
    ]
    rows = stored(db)
    assert rows[0] == (
        "総務省", date(2026, 3, 31),
        "「地方公共団体における情報セキュリティポリシーに関するガイドライン」の改定",
        "unread", "soumu-news.rdf",
    )  # fmt: skip
    again = ok(hitori_notices(data_dir.root, SOUMU))
    assert again[0] == "通知を 0 件追加しました（既にあるもの 3 件、取り込めなかったもの 0 件）"
    assert stored(db) == rows


def test_skipped_items_and_notes_are_listed(db: Any, data_dir: Any) -> None:
    lines = ok(hitori_notices(data_dir.root, MIXED, "--issuer", "厚生労働省 老健局"))
    assert lines == [
        "通知を 5 件追加しました（既にあるもの 0 件、取り込めなかったもの 1 件）",
        "フィード: 厚生労働省 新着情報（RSS 2.0、UTF-8、7 項目）／発出元: 厚生労働省 老健局",
        "取り込めなかったもの:",
        "  3件目: タイトルがありません",
        "注意:",
        "  4件目: 1件目と同じ項目のため、1件として数えました",
        "  5件目: 日付「来週の月曜日」を読み取れないため、発出日は空にしました",
        "  6件目: リンク「javascript:alert(document.cookie)」は http・https のアドレスではない"
        "ため、保存しませんでした",
    ]
    assert {r[0] for r in stored(db)} == {"厚生労働省 老健局"}


def test_encodings_and_a_partly_malformed_feed(db: Any, data_dir: Any, tmp_path: Path) -> None:
    wrong = tmp_path / "wrong.xml"
    wrong.write_bytes(encoded("UTF-8", "cp932"))  # Shift_JIS bytes declared as UTF-8
    partial = tmp_path / "partial.xml"
    partial.write_bytes(DIGITAL.read_bytes().replace(b"<title>", b"<title>&", 1))  # a bare &
    lines = ok(hitori_notices(data_dir.root, wrong))
    assert lines[1] == (
        "フィード: 総務省 新着情報（RSS 2.0、Shift_JIS（CP932）、1 項目）／発出元: 総務省"
    )
    assert lines[3] == (
        "  フィードの文字コードの宣言（UTF-8）が実際の文字コードと違うため、Shift_JIS（CP932） "
        "として読みました"
    )
    lines = ok(hitori_notices(data_dir.root, partial))
    assert lines[0] == "通知を 3 件追加しました（既にあるもの 0 件、取り込めなかったもの 0 件）"
    assert lines[2:] == [
        "注意:",
        "  フィードの形式に誤りがあります（4行目: XMLで使えない文字や記号（「&」「<」など）が"
        "あります）。読み取れた項目だけを取り込みました",
    ]
    titles = [r[2] for r in stored(db)]
    assert titles[0] == "地方公共団体①㈱髙橋 ガイドライン" and len(titles) == 4


def test_a_feed_from_a_url(db: Any, data_dir: Any) -> None:
    routes = {"/news.rdf": (200, {"Content-Type": "application/rdf+xml"}, sjis_rdf())}
    with feed_server(routes) as base:
        lines = ok(hitori_notices(data_dir.root, f"{base}/news.rdf"))
    assert lines[0] == "通知を 3 件追加しました（既にあるもの 0 件、取り込めなかったもの 0 件）"
    assert "Shift_JIS（CP932）" in lines[1]
    assert {r[4] for r in stored(db)} == {f"{base}/news.rdf"}


# --- the service's URL path, against a server on 127.0.0.1 ------------------------------


@pytest.fixture
def no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY",
                 "ALL_PROXY"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")


@contextmanager
def feed_server(routes: dict[str, tuple[int, dict[str, str], bytes]]) -> Iterator[str]:
    """An HTTP server on 127.0.0.1 serving ``routes`` (path → status, headers, body), and
    two slow paths: /silent answers nothing, /trickle sends its body one byte at a time.
    Yields its base URL; both end when the block does."""
    released = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/silent":
                released.wait(60)
                return
            if self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Type", "application/rss+xml")
                self.end_headers()
                for byte in SOUMU.read_bytes()[:200]:
                    if released.wait(0.1):
                        return
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                return
            status, headers, body = routes.get(self.path, (404, {}, b"not found"))
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        released.set()
        server.shutdown()
        server.server_close()
        thread.join(10)


ROUTES = {
    "/news.rdf": (200, {"Content-Type": "application/rdf+xml"}, sjis_rdf()),
    # The HTTP charset is used only when the document declares none (here: it lies).
    "/lying.xml": (200, {"Content-Type": "text/xml; charset=EUC-JP"},
                   encoded(None, "cp932")),
    "/moved": (302, {"Location": "/news.rdf"}, b""),
    "/to-ftp": (302, {"Location": "ftp://127.0.0.1/news.rdf"}, b""),
    "/gone": (410, {}, b"gone"),
}  # fmt: skip


@pytest.mark.usefixtures("no_proxy")
def test_a_feed_fetched_from_a_url() -> None:
    with feed_server(ROUTES) as base:
        got = read_feed_source(f"{base}/news.rdf")
        moved = fetch_feed(f"{base}/moved")
        lying = fetch_feed(f"{base}/lying.xml")
    assert got.data == sjis_rdf() and got.source == got.name == f"{base}/news.rdf"
    feed = parse_feed(got.data, name=got.name, base_url=got.url, charset=got.charset)
    assert feed.encoding == "Shift_JIS（CP932）" and len(feed.items) == 3
    assert moved.url == f"{base}/news.rdf" and moved.data == got.data
    assert lying.charset == "euc-jp"
    lying_feed = parse_feed(lying.data, name=lying.name, charset=lying.charset)
    assert lying_feed.items[0].title == JAPANESE


@pytest.mark.usefixtures("no_proxy")
@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("/silent", "（0.5 秒待っても応答がありません）"),
        ("/trickle", "（0.5 秒待っても応答がありません）"),
        ("/gone", "フィードを取得できません: {url}（サーバーの応答: HTTP 410 Gone）"),
        ("/to-ftp", "フィードを取得できません: {url}（サーバーの応答: HTTP 302 Found"
                    "（ftp への転送））"),
    ],
)  # fmt: skip
def test_slow_and_failing_servers(path: str, words: str) -> None:
    with feed_server(ROUTES) as base:
        url = f"{base}{path}"
        with pytest.raises(FeedError) as refused:
            fetch_feed(url, timeout=0.5)
    assert words.format(url=url) in str(refused.value)
    if path in ("/silent", "/trickle"):
        assert str(refused.value).startswith(f"ネットワークに接続できません: {url}（")
        assert str(refused.value).endswith("フィードをファイルに保存して取り込んでください")


@pytest.mark.usefixtures("no_proxy")
def test_a_port_nobody_listens_on() -> None:
    with socket.socket() as bound:  # bound, never listening: connections are refused
        bound.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{bound.getsockname()[1]}/news.rdf"
        with pytest.raises(FeedError) as refused:
            fetch_feed(url, timeout=5)
    assert str(refused.value) == (
        f"ネットワークに接続できません: {url}（接続を拒否されました）。インターネットに接続できない"
        "PC（三層分離のLGWAN接続系など）では、インターネットに接続できるPCでフィードをファイルに"
        "保存して取り込んでください"
    )


@pytest.mark.usefixtures("no_proxy")
def test_a_download_over_the_limit_is_stopped() -> None:
    with feed_server(ROUTES) as base, pytest.raises(FeedError, match="フィードが大きすぎます"):
        fetch_feed(f"{base}/news.rdf", max_bytes=100)


# --- refusals -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def refusals(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[dict[str, tuple[subprocess.CompletedProcess[str], str]]]:
    """Every bad input at once on one database (two at a time): case → (run, words the
    one line on stderr must hold). The database's bytes are checked unchanged."""
    root = tmp_path_factory.mktemp("refusals")
    data = make_db(root / "data")
    files = root / "files"
    files.mkdir()

    def put(name: str, content: bytes) -> Path:
        (files / name).write_bytes(content)
        return files / name

    huge = put("huge.rdf", b'<?xml version="1.0"?><rss version="2.0"><channel>')
    with huge.open("r+b") as fh:
        fh.truncate(MAX_FEED_BYTES + 1)
    soumu = SOUMU.read_bytes()
    cases: dict[str, tuple[Sequence[str | Path], str]] = {
        "truncated": ([put("cut.rdf", soumu[: len(soumu) // 2])], "フィードが途中で切れています"),
        "malformed": (
            [put("bad.xml", b'<?xml version="1.0"?><rss version="2.0"><channel><<<>>></channel>'
                 b"</rss>")],
            "フィードを読み取れません",
        ),
        "html": ([put("page.html", b"<!DOCTYPE html><html><body>news</body></html>")],
                 "RSS・Atom のフィードではありません"),
        "csv": ([put("ledger.csv", "資産管理番号,名称\nA-1,PC\n".encode("cp932"))],
                "RSS・Atom のフィードではありません"),
        "empty": ([put("empty.rdf", b"")], "フィードが空です"),
        "binary": ([put("photo.rdf", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64))],
                   "文字ではないデータが含まれています"),
        "huge": ([huge], "フィードが大きすぎます（上限 20 MB）"),
        "folder": ([files], "（フォルダです）"),
        "missing": ([files / "none.rdf"], "（見つかりません）"),
        "issuer": ([SOUMU, "--issuer", "省" * 101], "発出元が長すぎます（100文字まで）"),
        "ftp": (["ftp://127.0.0.1/news.rdf"], "http:// または https:// で始まるURL"),
    }  # fmt: skip
    if hasattr(os, "mkfifo"):
        os.mkfifo(files / "pipe.rdf")
        cases["fifo"] = ([files / "pipe.rdf"], "（名前付きパイプ（FIFO）です）")
    before = sha256(data.db_path)
    with socket.socket() as bound, feed_server({}) as base:
        bound.bind(("127.0.0.1", 0))  # never listening: connections are refused
        cases["refused"] = (
            [f"http://127.0.0.1:{bound.getsockname()[1]}/news.rdf"],
            "ネットワークに接続できません",
        )
        cases["404"] = ([f"{base}/news.rdf"], "（サーバーの応答: HTTP 404 Not Found）")
        with ThreadPoolExecutor(max_workers=2) as pool:
            futures = {
                name: pool.submit(hitori_notices, data.root, *args, timeout=30)
                for name, (args, _words) in cases.items()
            }
            results = {name: (f.result(), cases[name][1]) for name, f in futures.items()}
    assert sha256(data.db_path) == before
    assert table_count(data.db_path, "notices") == 0
    yield results


CASES = ["truncated", "malformed", "html", "csv", "empty", "binary", "huge", "folder", "missing",
         "issuer", "ftp", "fifo", "refused", "404"]  # fmt: skip


@pytest.mark.parametrize("case", CASES)
def test_bad_input_is_refused_in_one_line(refusals: dict[str, Any], case: str) -> None:
    if case not in refusals:
        pytest.skip(f"{case}: not on this system")
    proc, words = refusals[case]
    assert_refused(proc, words)
    assert proc.stdout == ""


def test_no_network_says_what_to_do_instead(refusals: dict[str, Any]) -> None:
    line = assert_refused(refusals["refused"][0])
    assert line.endswith(
        "（接続を拒否されました）。インターネットに接続できないPC（三層分離のLGWAN接続系など）"
        "では、インターネットに接続できるPCでフィードをファイルに保存して取り込んでください"
    )
