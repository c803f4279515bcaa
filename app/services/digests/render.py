"""A digest as plain text (to paste into a mail), as HTML and as PDF.

- ``as_text``: lines of at most 72 columns where the words allow (a Japanese character
  counts two; lines break between Japanese characters, never before 、。」), each URL
  on a line of its own, whole, so that a mail program links it; deadlines in 和暦.
- ``as_html``: one standalone UTF-8 document with its own small style sheet; every text
  escaped (html.escape), a link only for an http or https address (anything else is
  printed, not linked).
- PDF: app.reports.digest_pdf on app.reports.document (the 事務引継書's pages).

``write_digest`` writes one of them, chosen by the file's suffix (.txt, .html / .htm,
.pdf), all or nothing (app.output_file.replacing).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.errors import UserError
from app.output_file import replacing
from app.services.digests.content import Content, Item, is_web_address

__all__ = ["SUFFIXES", "WIDTH", "as_html", "as_text", "display_width", "write_digest"]

WIDTH = 72  # columns of a mail line
INDENT = "    "
SUFFIXES = {".txt": "テキスト", ".html": "HTML", ".htm": "HTML", ".pdf": "PDF"}
LOCKED_HINT = "ファイルを他のプログラムで開いていれば閉じてから、もう一度お試しください。"
_NO_LINE_START = frozenset(
    "、。，．・：；？！ー）」』】〕］｝〉》’”)]},.:;!?ぁぃぅぇぉっゃゅょァィゥェォッャュョ"
)
_SPACES = re.compile(r"[ \t\r\n\f\v]+")  # not U+3000, a Japanese separator of its own
_NO_LINE_END = frozenset("（「『【〔［｛〈《‘“([{")


def display_width(text: str) -> int:
    """Columns ``text`` takes in a fixed-width font (wide and full-width characters: 2)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """Units a line may break between: each wide character, each run of narrow ones (a
    word with the spaces after it)."""
    out: list[str] = []
    for char in text:
        prev = out[-1][-1] if out else ""
        narrow = prev and display_width(prev) == 1 and display_width(char) == 1
        if narrow and not (prev == " " and char != " "):
            out[-1] += char
        else:
            out.append(char)
    return out


def wrap(text: str, width: int, rest: int | None = None) -> list[str]:
    """``text`` in lines of at most ``width`` columns (``rest`` for the second and later
    ones); a word longer than a line stands alone; 、。」 never begin a line nor 「（ end
    one (the character before goes down with them)."""
    lines: list[str] = []
    line: list[str] = []  # the tokens of the line being filled
    for token in _tokens(_SPACES.sub(" ", text).strip(" ")):
        room = width if not lines or rest is None else rest
        if not line or display_width("".join(line) + token.rstrip()) <= room:
            line.append(token)
            continue
        # 禁則 by pushing out: what may not begin a line takes the word or character
        # before it along; what may not end one goes down with what follows.
        carried = [token]
        while len(line) > 1 and (
            carried[0][0] in _NO_LINE_START or line[-1].rstrip()[-1:] in _NO_LINE_END
        ):
            carried.insert(0, line.pop())
        lines.append("".join(line).rstrip())
        line = ["".join(carried).lstrip()]
    if "".join(line).strip():
        lines.append("".join(line).rstrip())
    return lines


def _block(text: str, first: str, rest: str) -> list[str]:
    """``text`` (its lines kept) wrapped to WIDTH after ``first`` on its first line and
    ``rest`` on the others."""
    out: list[str] = []
    for paragraph in text.splitlines() or [""]:
        lead = rest if out else first
        wrapped = wrap(paragraph, WIDTH - display_width(lead), WIDTH - display_width(rest))
        out.extend((lead if n == 0 else rest) + ln for n, ln in enumerate(wrapped or [""]))
    return out


def _item_text(item: Item) -> list[str]:
    out = _block(f"【{item.kind_label}】{item.title}", "・", "  ")
    for line in item.lines:
        out.extend(_block(line, INDENT, INDENT + "  "))
    for deadline in item.deadlines:
        out.extend(_block(f"★{deadline.text}", INDENT, INDENT + "  "))
    if item.comment:
        out.extend(_block(f"ひとこと: {item.comment}", INDENT, INDENT + "  "))
    if item.url.strip():
        out.append(INDENT + item.url.strip())  # whole, on its own line
    return out


def as_text(content: Content) -> str:
    """The digest as mail text (lines end with ``\\n``)."""
    rule = "=" * WIDTH
    out = [*_block(content.title, "", ""), *_block(f"期間: {content.period_text}", "", ""), rule]
    if content.intro:
        out.extend(["", *_block(content.intro, "", "")])
    deadlines = content.deadlines
    if deadlines:
        out.extend(["", "■ この期間の期限"])
        for deadline, item in deadlines:
            out.extend(_block(f"{deadline.text}　{item.title}", "  ", INDENT))
    for topic in content.topics:
        out.extend(["", *_block(f"■ {topic.name}", "", "  "), "-" * WIDTH])
        for n, item in enumerate(topic.items):
            if n:
                out.append("")
            out.extend(_item_text(item))
    out.extend(["", rule, f"（{len(content.items)} 件）"])
    return "\n".join(line.rstrip() for line in out) + "\n"


_CSS = """
body { font-family: "Yu Gothic", "Meiryo", "Hiragino Sans", sans-serif; color: #222;
       max-width: 46em; margin: 2em auto; padding: 0 1em; line-height: 1.7; }
h1 { font-size: 1.5em; margin-bottom: 0.2em; }
h2 { font-size: 1.15em; border-bottom: 2px solid #c9d3e0; margin-top: 1.8em; }
.period { color: #555; margin-top: 0; }
.intro { background: #f5f7fa; padding: 0.6em 1em; border-left: 4px solid #c9d3e0; }
ul.items { list-style: none; padding-left: 0; }
ul.items > li { margin: 0 0 1em 0; }
.kind { color: #555; }
.line, .deadline, .comment, .url { margin-left: 1.5em; }
.deadline { color: #a40000; }
.comment { font-style: normal; color: #333; }
.gone { color: #888; }
table.deadlines { border-collapse: collapse; }
table.deadlines td { border-bottom: 1px solid #ddd; padding: 0.2em 0.8em 0.2em 0;
                     vertical-align: top; }
.count { color: #555; margin-top: 2em; }
"""


def _h(text: str) -> str:
    """``text`` escaped for HTML, its line breaks kept."""
    return "<br>".join(html.escape(line, quote=True) for line in text.splitlines() or [""])


def _link(url: str) -> str:
    url = url.strip()
    if is_web_address(url):
        safe = html.escape(url, quote=True)
        return f'<a href="{safe}" rel="noopener noreferrer">{safe}</a>'
    return html.escape(url, quote=True)


def _item_html(item: Item) -> list[str]:
    gone = ' class="gone"' if item.gone else ""
    out = [f"<li{gone}><div class=\"title\"><span class=\"kind\">【{_h(item.kind_label)}】</span>"
           f"{_h(item.title)}</div>"]  # fmt: skip
    out.extend(f'<div class="line">{_h(line)}</div>' for line in item.lines)
    out.extend(f'<div class="deadline">{_h(d.text)}</div>' for d in item.deadlines)
    if item.comment:
        out.append(f'<div class="comment">ひとこと: {_h(item.comment)}</div>')
    if item.url.strip():
        out.append(f'<div class="url">{_link(item.url)}</div>')
    out.append("</li>")
    return out


def as_html(content: Content) -> str:
    """The digest as one standalone HTML document (UTF-8)."""
    out = [
        "<!DOCTYPE html>",
        '<html lang="ja">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{_h(content.title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        f"<h1>{_h(content.title)}</h1>",
        f'<p class="period">期間: {_h(content.period_text)}</p>',
    ]
    if content.intro:
        out.append(f'<div class="intro">{_h(content.intro)}</div>')
    if content.deadlines:
        out.extend(["<h2>この期間の期限</h2>", '<table class="deadlines">'])
        out.extend(f"<tr><td>{_h(d.text)}</td><td>{_h(item.title)}</td></tr>"
                   for d, item in content.deadlines)  # fmt: skip
        out.append("</table>")
    for topic in content.topics:
        out.extend([f"<h2>{_h(topic.name)}</h2>", '<ul class="items">'])
        for item in topic.items:
            out.extend(_item_html(item))
        out.append("</ul>")
    out.extend([f'<p class="count">（{len(content.items)} 件）</p>', "</body>", "</html>"])
    return "\n".join(out) + "\n"


def _suffix(path: Path) -> str:
    suffix = path.suffix.lower()
    if suffix not in SUFFIXES:
        allowed = "、".join(SUFFIXES)
        raise UserError(f"出力ファイルの拡張子は {allowed} のどれかにしてください: {path.name}")
    return suffix


def write_digest(
    content: Content,
    path: Path,
    *,
    made_at: datetime,
    identity: str = "",
    before_placing: Callable[[], None] | None = None,
) -> int:
    """Write ``content`` to ``path`` as text, HTML or PDF by its suffix, all or nothing;
    returns the PDF's page count (1 for text and HTML). UserError for another suffix
    (naming the allowed ones) or a file that cannot be written. ``before_placing`` runs
    once the file is written aside and before it takes ``path`` (a kept digest's commit:
    when it fails, no file is left either)."""
    with replacing(path, locked_hint=LOCKED_HINT) as tmp:
        suffix = _suffix(path)
        if suffix == ".pdf":
            from app.reports.digest_pdf import render_digest_pdf

            built = render_digest_pdf(content, made_at=made_at, identity=identity)
            tmp.write_bytes(built.data)
            pages = built.pages
        else:
            text = as_text(content) if suffix == ".txt" else as_html(content)
            tmp.write_text(text, encoding="utf-8")
            pages = 1
        if before_placing is not None:
            before_placing()
    return pages
