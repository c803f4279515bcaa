"""Tags (タグ): short topic words the officer puts on notices and Q&A notes (標準化,
ガバクラ, セキュリティ …). A digest groups what it holds by them. A tag is one row, named
once (``name`` unique, kept as typed after NFKC normalisation by the service); the link
tables join it to what it labels."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from app.store.kinds import RecordKind
from app.store.models.base import Record
from app.store.models.inventory import _link

notice_tags = _link("notice_tags", "notice", "tag")
knowledge_note_tags = _link("knowledge_note_tags", "knowledge_note", "tag")


class Tag(Record):
    __tablename__ = "tags"
    __kind__ = RecordKind("tag", "タグ", fields={"name": "名前"}, title="name")

    name: Mapped[str] = mapped_column(String(60), unique=True)
