"""The 関連 panel of a Q&A note: the notices, regulations, business systems and runbooks it
concerns, one LinkListPanel (tab) each. A link is added by typing the record's name (the
field completes it from the names in use) and written at once, with history on both
records (app.services.links), as the notice editor links its systems.

The functions run in worker threads (handed their session by the job runner)."""

from __future__ import annotations

import functools
import html
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtWidgets import QCompleter, QGroupBox, QTabWidget, QVBoxLayout, QWidget
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from app.services import links
from app.services.errors import FieldError, ValidationError
from app.services.field_input import LinkedItem
from app.services.knowledge.notes import LINKED
from app.store.kind_index import title_of
from app.ui.context import AppContext
from app.ui.inventory.link_panel import AddMode, LinkListPanel

OWNER = "knowledge_note"
_BY_ID = re.compile(r"（ID\s*(\d+)）\s*$")
_SHOWN_MATCHES = 5  # names listed when typed text fits several records


@dataclass(frozen=True)
class LinkKind:
    """One kind of record a note links to; ``names``: the columns typed text is matched
    against (the first is the one shown)."""

    code: str
    model: type[Any]
    label: str
    names: tuple[str, ...]
    placeholder: str


def _kinds() -> tuple[LinkKind, ...]:
    extra = {"regulation": ("short_name",)}
    hints = {"notice": "通知の件名", "regulation": "法令・規程の名称（略称でも）",
             "system": "業務システム名", "runbook": "手順書の題名"}  # fmt: skip
    out = []
    for code, model in LINKED.values():
        title = model.__kind__.title
        out.append(LinkKind(code, model, model.__kind__.label,
                            (title, *extra.get(code, ())), hints[code]))  # fmt: skip
    return tuple(out)


LINK_KINDS = _kinds()
KINDS = {k.code: k for k in LINK_KINDS}


def plain_tip(text: str) -> str:
    """A tooltip showing ``text`` exactly (Qt would render a text that looks like HTML)."""
    return "<p>" + html.escape(text).replace("\n", "<br>") + "</p>" if text else ""


# --- worker thread -----------------------------------------------------------------------


def linked_items(session: Session, note_id: int, *, kind: str) -> list[LinkedItem]:
    """The records of ``kind`` linked to the note, by name."""
    model = KINDS[kind].model
    ids = links.linked_ids(session, OWNER, note_id, kind)
    if not ids:
        return []
    records = session.scalars(select(model).where(model.id.in_(ids)))
    items = [LinkedItem(r.id, title_of(r)) for r in records]
    return sorted(items, key=lambda item: (item.label, item.id))


def link_names(session: Session) -> dict[str, list[str]]:
    """What each kind's field completes: every record's name, by name; a name several
    records share is offered once per record, with its ID (「…（ID 12）」)."""
    out: dict[str, list[str]] = {}
    for kind in LINK_KINDS:
        column = getattr(kind.model, kind.names[0])
        rows = session.execute(select(kind.model.id, column).order_by(column, kind.model.id)).all()
        shared = {name for name, n in Counter(r[1] for r in rows).items() if n > 1}
        out[kind.code] = [f"{name}（ID {i}）" if name in shared else name for i, name in rows]
    return out


def find_typed(session: Session, kind: str, typed: str) -> int:
    """The id of the record of ``kind`` that ``typed`` names: 「…（ID n）」, else the one
    whose name is the text (case aside), else the only one whose name contains it.
    ValidationError (in Japanese) when none or several fit."""
    spec = KINDS[kind]
    model = spec.model
    text = " ".join(str(typed).split())

    def refuse(message: str) -> ValidationError:
        return ValidationError([FieldError(f"{kind}_ids", spec.label, message)])

    if not text:
        raise refuse("追加するものを入力してください。")
    by_id = _BY_ID.search(text)
    if by_id and session.get(model, int(by_id.group(1))) is not None:
        return int(by_id.group(1))
    columns = [getattr(model, name) for name in spec.names]
    exact = session.scalars(
        select(model.id).where(or_(*(func.lower(c) == text.lower() for c in columns)))
    ).all()
    if len(exact) == 1:
        return int(exact[0])
    pattern = "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    found = (
        exact
        or session.scalars(
            select(model.id).where(or_(*(c.ilike(pattern, escape="\\") for c in columns)))
        ).all()
    )
    if not found:
        raise refuse(f"「{text}」に当たる{spec.label}はありません。")
    if len(found) == 1:
        return int(found[0])
    names = sorted(title_of(r) for r in session.scalars(select(model).where(model.id.in_(found))))
    shown = "、".join(names[:_SHOWN_MATCHES]) + ("…" if len(names) > _SHOWN_MATCHES else "")
    raise refuse(
        f"「{text}」に当たる{spec.label}が{len(found)}件あります（{shown}）。"
        "候補から選ぶか、名前をもっと詳しく入力してください。"
    )


def link_typed(session: Session, note_id: int, typed: Any, kind: str) -> bool:
    """Link the record ``typed`` names (see ``find_typed``); False when it already was."""
    return links.link(session, OWNER, note_id, kind, find_typed(session, kind, str(typed)))


def unlink(session: Session, note_id: int, other_id: int, *, kind: str) -> bool:
    return links.unlink(session, OWNER, note_id, kind, other_id)


# --- the panel -----------------------------------------------------------------------------


class LinksBox(QGroupBox):
    """One tab per kind (「通知（2）」…), each a LinkListPanel adding by typed name.
    ``open_record(kind, id)``: a linked record was double-clicked."""

    open_record = Signal(str, int)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTitle(self.tr("関連"))
        self.tabs = QTabWidget(self)
        self.tabs.setDocumentMode(True)
        self.panels: dict[str, LinkListPanel] = {}
        self.names: dict[str, QStringListModel] = {}
        for kind in LINK_KINDS:
            panel = LinkListPanel(
                ctx, kind.label, list_fn=functools.partial(linked_items, kind=kind.code),
                add_fn=link_typed, remove_fn=functools.partial(unlink, kind=kind.code),
                modes=[AddMode(kind.code, kind.label, self.tr(kind.placeholder))], parent=self,
            )  # fmt: skip
            panel.setTitle("")  # the tab names it
            panel.setFlat(True)
            panel.error_label.setTextFormat(Qt.TextFormat.PlainText)
            model = QStringListModel(panel)
            completer = QCompleter(model, panel)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)
            panel.text_input.setCompleter(completer)
            panel.loaded.connect(functools.partial(self._loaded, kind.code))
            panel.item_activated.connect(functools.partial(self.open_record.emit, kind.code))
            self.panels[kind.code] = panel
            self.names[kind.code] = model
            self.tabs.addTab(panel, kind.label)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.tabs)

    def set_owner(self, note_id: int | None) -> None:
        for kind in LINK_KINDS:
            self.panels[kind.code].set_owner(note_id)
            self._retitle(kind.code, None if note_id is None else 0)

    def set_names(self, names: Mapping[str, Sequence[str]]) -> None:
        """What each kind's field completes (``link_names``)."""
        for code, model in self.names.items():
            model.setStringList(list(names.get(code, ())))

    def panel(self, kind: str) -> LinkListPanel:
        return self.panels[kind]

    def _loaded(self, kind: str) -> None:
        panel = self.panels[kind]
        for n in range(panel.list.count()):
            item = panel.list.item(n)
            item.setToolTip(plain_tip(item.text()))
        self._retitle(kind, panel.list.count())

    def _retitle(self, kind: str, count: int | None) -> None:
        label = KINDS[kind].label
        at = self.tabs.indexOf(self.panels[kind])
        self.tabs.setTabText(at, f"{label}（{count}）" if count else label)
