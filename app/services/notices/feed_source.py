"""The bytes of a feed the user names: a file, or — only when the user gives one — a URL.

    source = read_feed_source("news.rdf")                       # app.input_file's guard
    source = read_feed_source("https://www.soumu.go.jp/news.rdf")

A file is read through app.input_file (folders, FIFOs, devices refused by name; the
size measured by reading). A URL is fetched with urllib: http and https only (a
redirect elsewhere is refused), the system's proxy settings, at most MAX_FEED_BYTES,
and ``timeout`` seconds for the whole transfer (each wait of the socket is bounded
too); a URL carrying a user name or password is refused without being repeated. Most
of the town's PCs have no internet (三層分離): every failure to connect says so and
how to carry on — save the feed as a file on a PC that has it and import that.
Nothing here touches the database.
"""

from __future__ import annotations

import http.client
import re
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from email.message import Message
from pathlib import Path

from app import __version__
from app.input_file import os_error_reason, read_input_file, size_text
from app.services.notices.feed_error import FeedError
from app.services.notices.feeds import MAX_FEED_BYTES
from app.services.notices.plain_text import collapse_spaces, shorten

FETCH_TIMEOUT_S = 15.0
_CHUNK = 1 << 16
_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://")
_OFFLINE_HINT = (
    "インターネットに接続できないPC（三層分離のLGWAN接続系など）では、インターネットに"
    "接続できるPCでフィードをファイルに保存して取り込んでください"
)


@dataclass(frozen=True)
class FeedSource:
    data: bytes
    name: str  # the path or URL as given, for messages
    source: str  # what the notices record as 取得元: the URL, or the file's name
    url: str | None  # the address fetched, for relative links; None for a file
    charset: str | None  # the HTTP Content-Type's charset


def is_url(text: str) -> bool:
    """Whether ``text`` is a URL (``scheme://…``) rather than a path."""
    return _URL.match(text.strip()) is not None


def read_feed_source(
    text: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_FEED_BYTES
) -> FeedSource:
    """The feed named by ``text``: fetched when it is a URL, else read as a file.
    Raises FeedError or app.input_file.InputFileError (both UserError)."""
    if is_url(text):
        return fetch_feed(text.strip(), timeout=timeout, max_bytes=max_bytes)
    path = Path(text)
    data = read_input_file(path, max_bytes=max_bytes, what="フィード")
    return FeedSource(data, str(path), collapse_spaces(path.name), None, None)


def fetch_feed(
    url: str, *, timeout: float = FETCH_TIMEOUT_S, max_bytes: int = MAX_FEED_BYTES
) -> FeedSource:
    """GET ``url`` (http or https). Raises FeedError with a Japanese message."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise FeedError(f"http:// または https:// で始まるURLを指定してください: {url}")
    if "@" in parts.netloc:
        # Never echoed, never kept as the notices' 取得元 (secrets live in the keyring).
        raise FeedError(
            "ユーザー名やパスワードを含むURLは使えません（フィードは公開のURLから取得します）"
        )
    address = _ascii_url(url)
    request = urllib.request.Request(
        address,
        headers={
            "User-Agent": f"Hitori/{__version__} (+feed reader)",
            "Accept": "application/rss+xml, application/rdf+xml, application/atom+xml, "
            "application/xml;q=0.9, text/xml;q=0.9, */*;q=0.5",
        },
    )
    opener = urllib.request.build_opener(_WebOnlyRedirects)
    deadline = time.monotonic() + timeout
    try:
        with opener.open(request, timeout=timeout) as response:
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > max_bytes:
                raise _too_big(url, max_bytes)
            data = _read_body(response, url, deadline, timeout, max_bytes)
            final = response.geturl()
            charset = _charset(response.headers)
    except FeedError:
        raise
    except urllib.error.HTTPError as exc:
        exc.close()
        raise FeedError(
            f"フィードを取得できません: {url}（サーバーの応答: HTTP {exc.code} {exc.reason}）"
        ) from exc
    except urllib.error.URLError as exc:
        raise _connection_error(url, exc.reason, timeout) from exc
    except TimeoutError as exc:
        raise _connection_error(url, exc, timeout) from exc
    except http.client.HTTPException as exc:
        raise FeedError(
            f"フィードの受信が途中で切れました: {url}（{type(exc).__name__}）。"
            "もう一度試すか、フィードをファイルに保存して取り込んでください"
        ) from exc
    except OSError as exc:
        raise _connection_error(url, exc, timeout) from exc
    except (ValueError, UnicodeError) as exc:
        raise FeedError(f"URLが正しくありません: {url}") from exc
    return FeedSource(data, url, url, final, charset)


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows redirects to http(s) only (urllib would also follow one to ftp://)."""

    def redirect_request(  # type: ignore[no-untyped-def]
        self, req, fp, code, msg, headers, newurl
    ):
        scheme = urllib.parse.urlsplit(newurl).scheme.lower()
        if scheme not in ("http", "https"):
            fp.close()
            raise urllib.error.HTTPError(newurl, code, f"{msg}（{scheme} への転送）", headers, None)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _read_body(
    response: http.client.HTTPResponse, url: str, deadline: float, timeout: float, limit: int
) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise _connection_error(url, TimeoutError(), timeout)
        chunk = response.read1(_CHUNK)  # at most one wait on the socket
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise _too_big(url, limit)
        chunks.append(chunk)


def _ascii_url(url: str) -> str:
    """``url`` with characters other than ASCII (a pasted Japanese path) percent-encoded."""
    return urllib.parse.quote(url.strip(), safe=":/?#[]@!$&'()*+,;=%~")


def _charset(headers: Message) -> str | None:
    charset = headers.get_content_charset()
    return str(charset) if charset else None


def _too_big(url: str, limit: int) -> FeedError:
    return FeedError(f"フィードが大きすぎます（上限 {size_text(limit)}）: {url}")


def _connection_error(url: str, reason: object, timeout: float) -> FeedError:
    """The network could not be reached (or did not answer): say so and what to do."""
    if isinstance(reason, TimeoutError):
        why = f"{timeout:g} 秒待っても応答がありません"
    elif isinstance(reason, socket.gaierror):
        why = "サーバー名を解決できません"
    elif isinstance(reason, ConnectionRefusedError):
        why = "接続を拒否されました"
    elif isinstance(reason, ssl.SSLCertVerificationError):
        why = f"サーバーの証明書を確認できません: {shorten(str(reason.verify_message), 80)}"
    elif isinstance(reason, ssl.SSLError):
        why = "安全な接続（TLS）を確立できません"
    elif isinstance(reason, OSError):
        why = os_error_reason(reason)
    else:
        why = shorten(str(reason), 80)
    return FeedError(f"ネットワークに接続できません: {url}（{why}）。{_OFFLINE_HINT}")
