"""A digest (ダイジェスト) as a PDF on the document base the 事務引継書 uses
(app.reports.document): the title and period, the officer's own lines, a table of the
period's deadlines by date, then each topic (an outline entry) with its items (entries
under it): what the record is, its lines, its deadlines, the officer's comment and its
link (linked only when it is an http or https address). Every text is printed as it is.

Reports sit below the services: the shapes read here are declared as protocols;
app.services.digests.content's Content, Topic, Item and Deadline have them.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path
from typing import Protocol

from reportlab.lib.units import mm
from reportlab.platypus import Flowable, Paragraph, Spacer

from app.reports.document import (
    BuiltDocument,
    DocumentSpec,
    build_pdf,
    escape,
    heading,
    link,
    paragraph,
    styles,
    table,
    title_block,
)

__all__ = ["digest_spec", "digest_story", "render_digest_pdf", "write_digest_pdf"]


class DigestDeadline(Protocol):
    @property
    def label(self) -> str: ...  # 回答期限
    @property
    def on(self) -> date: ...
    @property
    def when(self) -> str: ...  # 令和8年5月29日（金）
    @property
    def text(self) -> str: ...  # 回答期限: 令和8年5月29日（金）


class DigestItem(Protocol):
    @property
    def kind_label(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def lines(self) -> Sequence[str]: ...
    @property
    def url(self) -> str: ...
    @property
    def deadlines(self) -> Sequence[DigestDeadline]: ...
    @property
    def comment(self) -> str: ...
    @property
    def gone(self) -> bool: ...


class DigestTopic(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def items(self) -> Sequence[DigestItem]: ...


class DigestContent(Protocol):
    @property
    def title(self) -> str: ...
    @property
    def period_text(self) -> str: ...
    @property
    def intro(self) -> str: ...
    @property
    def topics(self) -> Sequence[DigestTopic]: ...


def digest_spec(content: DigestContent, *, made_at: datetime, identity: str) -> DocumentSpec:
    count = sum(len(t.items) for t in content.topics)
    return DocumentSpec(content.title, f"期間: {content.period_text}（{count} 件）", made_at,
                        identity)  # fmt: skip


def _deadline_rows(content: DigestContent) -> list[tuple[date, str, str, str]]:
    rows = []
    for topic in content.topics:
        for item in topic.items:
            for d in item.deadlines:
                rows.append((d.on, d.when, d.label, item.title))
    return sorted(rows, key=lambda row: row[0])


def _item(item: DigestItem) -> list[Flowable]:
    s = styles()
    out: list[Flowable] = [heading(f"【{item.kind_label}】{item.title}", 2)]
    for line in item.lines:
        out.append(paragraph(line, s.small))
    for d in item.deadlines:
        out.append(Paragraph(f'<font color="#a40000">{escape(d.text)}</font>', s.body))
    if item.comment:
        out.append(paragraph(f"ひとこと: {item.comment}", s.body))
    if item.url.strip():
        out.append(Paragraph(link(item.url.strip()), s.small))
    for flowable in out[:-1]:
        flowable.keepWithNext = 1  # an item moves to the next page whole
    return out


def digest_story(content: DigestContent, spec: DocumentSpec) -> list[Flowable]:
    """The flowables of the digest's pages."""
    s = styles()
    story: list[Flowable] = [*title_block(spec)]
    if content.intro.strip():
        story.extend([paragraph(content.intro, s.body), Spacer(1, 2 * mm)])
    rows = _deadline_rows(content)
    if rows:
        story.append(heading("この期間の期限", 1))
        story.append(table([r[1:] for r in rows], ["日付", "種類", "件名"], [3, 1.4, 6]))
    for topic in content.topics:
        story.append(heading(topic.name, 1))
        for item in topic.items:
            story.extend(_item(item))
    if not content.topics:
        story.append(paragraph("（載せた記録はありません）", s.small))
    return story


def render_digest_pdf(
    content: DigestContent, *, made_at: datetime, identity: str = ""
) -> BuiltDocument:
    """The digest's PDF (bytes and page count)."""
    spec = digest_spec(content, made_at=made_at, identity=identity)
    return build_pdf(spec, digest_story(content, spec))


def write_digest_pdf(
    content: DigestContent, path: Path, *, made_at: datetime, identity: str = ""
) -> int:
    """Write the digest's PDF to ``path`` (all or nothing); its page count."""
    spec = digest_spec(content, made_at=made_at, identity=identity)
    return build_pdf(spec, digest_story(content, spec), path).pages
