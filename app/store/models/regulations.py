"""The register of laws, guidelines and the municipality's own rules (法令・規程台帳),
their versions, and which own rules must follow which national ones.

- A rule (``Regulation``) is national (法律, 政令, ガイドライン …), from the prefecture,
  or the municipality's own (条例・規則・要綱・規程, its security policy). ``starter_key``
  marks an entry that came from the shipped starter set (resources/regulations): a later
  starter set adds what is new and never overwrites what the officer edited.
- A version (``RegulationVersion``) is one 改定: when it was made (``revised_on``: 公布日 /
  改定日) and when it applies (``effective_on``: 施行日), what changed, what it requires of
  us, and the notice that announced it. The *current* version is derived (the newest one
  in force), never stored, so it cannot disagree with the history.
- A dependency (``RegulationDependency``): the own rule ``dependent`` must follow the rule
  ``source`` (the security policy follows the guideline). ``followed_version`` is the
  version of the source the dependent was last brought in line with; a newer version of
  the source makes the dependent *lagging* from that version's date on
  (app.services.regulations). A rule cannot depend on itself; cycles are refused by the
  service.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import (
    CheckConstraint,
    Date,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.store.kinds import RecordKind
from app.store.models.base import Record, Searchable, one_of
from app.store.models.inventory import _link
from app.store.vocab import REGULATION_KINDS, REGULATION_ORIGINS

task_regulations = _link("task_regulations", "task", "regulation")


class Regulation(Searchable, Record):
    __tablename__ = "regulations"
    __kind__ = RecordKind(
        "regulation",
        "法令・規程",
        search_block=17,
        fields={
            "title": "名称",
            "short_name": "略称",
            "kind": "種別",
            "origin": "制定主体",
            "owner": "所管",
            "number": "番号",
            "url": "URL",
            "notes": "備考",
        },
        values={"kind": REGULATION_KINDS, "origin": REGULATION_ORIGINS},
        title="title",
    )
    __table_args__ = (
        one_of("kind", REGULATION_KINDS),
        one_of("origin", REGULATION_ORIGINS),
    )

    title: Mapped[str] = mapped_column(String(300), unique=True)
    short_name: Mapped[str] = mapped_column(String(100), default="")
    kind: Mapped[str] = mapped_column(String(20), default="guideline")
    origin: Mapped[str] = mapped_column(String(20), default="national", index=True)
    owner: Mapped[str] = mapped_column(String(200), default="")  # 所管
    number: Mapped[str] = mapped_column(String(100), default="")  # 令和3年法律第40号
    url: Mapped[str] = mapped_column(String(1000), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    # The starter set's key of an entry it added (None: made by the officer).
    starter_key: Mapped[str | None] = mapped_column(String(100), unique=True)

    versions: Mapped[list[RegulationVersion]] = relationship(
        back_populates="regulation",
        cascade="all, delete-orphan",
        order_by="(RegulationVersion.revised_on, RegulationVersion.effective_on, "
        "RegulationVersion.id)",
    )

    def search_document(self) -> tuple[str, str, str]:
        return self.title, f"{self.short_name} {self.number} {self.owner}".strip(), self.notes


class RegulationVersion(Searchable, Record):
    __tablename__ = "regulation_versions"
    __kind__ = RecordKind(
        "regulation_version",
        "法令・規程の改定",
        search_block=18,
        dated="revised_on",
        fields={
            "regulation_id": "法令・規程",
            "label": "版",
            "revised_on": "公布・改定日",
            "effective_on": "施行日",
            "changes": "改定内容",
            "requirements": "求められる対応",
            "notice_id": "通知",
        },
        title="label",
    )
    __table_args__ = (
        CheckConstraint("revised_on IS NOT NULL OR effective_on IS NOT NULL", "dated"),
        UniqueConstraint("regulation_id", "starter_key", name="starter_key"),
        Index("ix_regulation_versions_regulation", "regulation_id", "revised_on"),
    )

    regulation_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"))
    label: Mapped[str] = mapped_column(String(100))  # 第2.0版, 令和6年10月改定
    revised_on: Mapped[date | None] = mapped_column(Date)
    effective_on: Mapped[date | None] = mapped_column(Date)
    changes: Mapped[str] = mapped_column(Text, default="")
    requirements: Mapped[str] = mapped_column(Text, default="")
    notice_id: Mapped[int | None] = mapped_column(
        ForeignKey("notices.id", ondelete="SET NULL"), index=True
    )
    starter_key: Mapped[str | None] = mapped_column(String(100))

    regulation: Mapped[Regulation] = relationship(back_populates="versions")

    @property
    def on(self) -> date:
        """The date that orders the versions: 公布・改定日, else 施行日."""
        day = self.revised_on or self.effective_on
        assert day is not None  # the CHECK "dated"
        return day

    def search_document(self) -> tuple[str, str, str]:
        return self.label, "", f"{self.changes} {self.requirements}"


class RegulationDependency(Record):
    """``dependent`` must follow ``source``; brought in line with ``followed_version``."""

    __tablename__ = "regulation_dependencies"
    __kind__ = RecordKind(
        "regulation_dependency",
        "規程の追随関係",
        fields={
            "dependent_id": "追随する規程",
            "source_id": "追随先",
            "followed_version_id": "対応済みの版",
            "notes": "備考",
        },
        title=lambda d: f"追随関係（ID {d.id}）",
    )
    __table_args__ = (
        UniqueConstraint("dependent_id", "source_id", name="pair"),
        CheckConstraint("dependent_id <> source_id", "not_self"),
    )

    dependent_id: Mapped[int] = mapped_column(ForeignKey("regulations.id", ondelete="CASCADE"))
    source_id: Mapped[int] = mapped_column(
        ForeignKey("regulations.id", ondelete="CASCADE"), index=True
    )
    followed_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("regulation_versions.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str] = mapped_column(Text, default="")
