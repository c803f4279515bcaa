"""Q&A knowledge notes (Q&A・ナレッジ): enter, edit and delete a note — the question, its
answers, where it came from, how sure the officer is, its links and tags — and confirm
that it is still true.

Input (``clean_note_input``; every problem is collected into one ValidationError and
nothing is written): 質問 required (≤500), 質問の詳細 (≤ MAX_NOTES), 情報源 (≤200), スレッドの
URL (http/https), 質問日 and 最終確認日 (not after ``today``), 確からしさ (CONFIDENCE_LEVELS,
「medium」 when not given), 見直しの間隔 1–120 months (None or "": never reminded; a new
note not saying gets the model's 12). ``notice_ids`` / ``regulation_ids`` / ``system_ids``
/ ``runbook_ids``: ids of existing records (each missing one is named). ``tags``: a list
of names or the typed text (app.services.tags.parse_tags).

``answers``: the note's whole list of answers, in order, each a dict ``{"body",
"answered_by", "answered_on", "id"}``; a note may have none yet (the question waits),
but each given answer needs a body (「回答2: 回答を入力してください」). ``id`` names an
answer of this note to keep: that row is edited and moved, so its history stays one
record's history; answers without an id are added, the note's answers not named are
deleted. An editor that sends no ids replaces every answer (delete + insert).

Positions are only an order (the number shown is the rank, as for runbook steps: see
app.store.models.ordering). Rows that are already in the new order keep their positions
(editing a text, adding at the end or deleting one moves nothing); otherwise the rows are
renumbered 1..n, or above the highest position where 1..n would pass through a position
another row still holds (UNIQUE(note_id, position) is checked row by row).

Multi-line texts (質問の詳細, 回答) are kept exactly as typed: pasted HTML, scripts or
indented code are stored character for character and shown as plain text, never
interpreted. Links and tags go through app.services.links (history on both records).
Everything is flushed in the caller's transaction, never committed.

Lists, review reminders and the editor's read: app.services.knowledge.listing.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import null, select
from sqlalchemy.orm import Session

from app import jdate
from app.services import links, tags
from app.services.errors import FieldError
from app.services.field_input import MAX_NOTES, FieldReader
from app.services.records import get_or_not_found
from app.store.models import (
    BusinessSystem,
    KnowledgeAnswer,
    KnowledgeNote,
    Notice,
    Regulation,
    Runbook,
)
from app.store.vocab import CONFIDENCE_LEVELS

_EDITABLE = ("question", "detail", "community", "thread_url", "asked_on", "confidence",
             "reviewed_on", "review_months")  # fmt: skip
# Input key → (kind code, model), in the order the editor shows them.
LINKED: dict[str, tuple[str, type[Any]]] = {
    "notice_ids": ("notice", Notice),
    "regulation_ids": ("regulation", Regulation),
    "system_ids": ("system", BusinessSystem),
    "runbook_ids": ("runbook", Runbook),
}
FIELD_LABELS = (
    {name: KnowledgeNote.__kind__.fields[name] for name in _EDITABLE}
    | {"answers": "回答"}
    | {key: model.__kind__.label for key, (_kind, model) in LINKED.items()}
    | {"tags": tags.LABEL}
)
_ANSWER_LABELS = {name: KnowledgeAnswer.__kind__.fields[name] for name in
                  ("body", "answered_by", "answered_on")}  # fmt: skip
QUESTION_CHARS = 500  # KnowledgeNote.question
COMMUNITY_CHARS = 200  # KnowledgeNote.community
URL_CHARS = 1000  # KnowledgeNote.thread_url
ANSWERED_BY_CHARS = 200  # KnowledgeAnswer.answered_by
MAX_REVIEW_MONTHS = 120


@dataclass(frozen=True, slots=True)
class AnswerInput:
    """One answer as checked: ``id`` of the answer it edits, None for a new one."""

    id: int | None
    body: str
    answered_by: str
    answered_on: date | None


# --- review dates ------------------------------------------------------------------------------


def created_on(created_at: datetime) -> date:
    """The local date of a stored (UTC) creation time."""
    return created_at.replace(tzinfo=UTC).astimezone().date()


def review_due_on(
    reviewed_on: date | None, created_at: datetime | None, review_months: int | None
) -> date | None:
    """When a note is next to be confirmed: ``review_months`` after it was last confirmed
    (else after the day it was written), the day clamped to the month's end (2026-01-31
    + 1 month → 2026-02-28); None without an interval."""
    if not review_months:
        return None
    base = reviewed_on or (created_on(created_at) if created_at else None)
    if base is None:
        return None
    return jdate.add_months(base, review_months)


# --- input -----------------------------------------------------------------------------------


def _future(today: date) -> str:
    return f"未来の日付は入力できません（今日は{jdate.format_date(today, mode='seireki')}）"


def _past_date(r: FieldReader, name: str, today: date) -> date | None:
    value = r.date(name)
    if value is not None and value > today:
        r.error(name, _future(today))
    return value


def _long_text(value: Any) -> str:
    """A multi-line text exactly as typed; nothing but white space is empty."""
    text = "" if value is None else str(value)
    return text if text.strip() else ""


def _length_problem(text: str, limit: int) -> str:
    if len(text) > limit:
        return f"{limit}文字以内で入力してください（{len(text)}文字）"
    if "\x00" in text:
        return "制御文字（NUL）は使えません"
    return ""


def _ids(r: FieldReader, session: Session, name: str) -> list[int]:
    """The ids of existing records of the link ``name``; each missing one is an error."""
    raw = r.raw(name)
    if raw is None or raw == "":
        return []
    try:
        if isinstance(raw, str | bytes):
            raise TypeError
        items = list(raw)
        if any(isinstance(i, bool) for i in items):
            raise TypeError
        wanted = list(dict.fromkeys(int(i) for i in items))
    except (TypeError, ValueError):
        r.error(name, "IDの一覧を指定してください")
        return []
    model = LINKED[name][1]
    found = set(session.scalars(select(model.id).where(model.id.in_(wanted))))
    for missing in (i for i in wanted if i not in found):
        r.error(name, f"登録されていない{FIELD_LABELS[name]}です（ID {missing}）")
    return wanted


def _tag_names(r: FieldReader) -> list[str]:
    raw = r.data.get("tags")
    try:
        if raw is None:
            return []
        if isinstance(raw, str):
            return tags.parse_tags(raw)
        names = list(raw)
        if not all(isinstance(name, str) for name in names):
            r.error("tags", "タグの一覧を指定してください")
            return []
        return tags.unique_tags(names)
    except TypeError:
        r.error("tags", "タグの一覧を指定してください")
    except ValueError as exc:
        for line in str(exc).splitlines():
            r.error("tags", line)
    return []


def _answer(item: Any, today: date, own: Mapping[int, KnowledgeAnswer],
            seen: set[int]) -> tuple[AnswerInput | None, list[str]]:  # fmt: skip
    """One answer of the input and what is wrong with it (messages without its number)."""
    if not isinstance(item, Mapping):
        return None, ["回答の形式が正しくありません"]
    problems = [f"不明な項目です: {key}" for key in item if key not in {*_ANSWER_LABELS, "id"}]
    body = _long_text(item.get("body"))
    if not body:
        problems.append("回答を入力してください")
    by_value = item.get("answered_by")
    answered_by = "" if by_value is None else str(by_value).strip()
    for name, text, limit in (("body", body, MAX_NOTES),
                              ("answered_by", answered_by, ANSWERED_BY_CHARS)):  # fmt: skip
        if problem := _length_problem(text, limit):
            problems.append(f"{_ANSWER_LABELS[name]}は{problem}")
    answered_on: date | None = None
    on_value = item.get("answered_on")
    if isinstance(on_value, date):
        answered_on = on_value
    elif on_value is not None and not isinstance(on_value, str):
        problems.append(f"{_ANSWER_LABELS['answered_on']}: 日付を入力してください")
    else:
        try:
            answered_on = jdate.parse_optional_date(on_value)
        except jdate.JDateError as exc:
            problems.append(f"{_ANSWER_LABELS['answered_on']}: {exc}")
    if answered_on is not None and answered_on > today:
        problems.append(f"{_ANSWER_LABELS['answered_on']}: {_future(today)}")
    answer_id = item.get("id")
    if answer_id is not None:
        if isinstance(answer_id, bool) or not isinstance(answer_id, int) or answer_id not in own:
            problems.append(f"この質問の回答ではありません（ID {answer_id}）")
        elif answer_id in seen:
            problems.append(f"同じ回答が二度指定されています（ID {answer_id}）")
        else:
            seen.add(answer_id)
    return AnswerInput(answer_id, body, answered_by, answered_on), problems


def _answers(r: FieldReader, today: date, note: KnowledgeNote | None) -> list[AnswerInput]:
    raw = r.data.get("answers")
    if raw is None:
        return []
    if isinstance(raw, str | bytes | Mapping) or not isinstance(raw, Iterable):
        r.error("answers", "回答の一覧を指定してください")
        return []
    own = {a.id: a for a in note.answers} if note is not None else {}
    seen: set[int] = set()
    out: list[AnswerInput] = []
    for n, item in enumerate(raw, 1):
        answer, problems = _answer(item, today, own, seen)
        r.errors.extend(FieldError("answers", f"回答{n}", p) for p in problems)
        if answer is not None:
            out.append(answer)
    return out


def clean_note_input(
    session: Session, data: Mapping[str, Any], *, today: date, note_id: int | None = None
) -> dict[str, Any]:
    """Validate editor input; raises ValidationError listing every problem. The result
    holds column values, plus ``answers`` (AnswerInput list), the link id lists and
    ``tags`` (normalised names) when they were given."""
    note = get_or_not_found(session, KnowledgeNote, note_id) if note_id is not None else None
    new = note is None
    r = FieldReader(FIELD_LABELS, data)
    out: dict[str, Any] = {}
    if new or r.has("question"):
        out["question"] = r.text("question", QUESTION_CHARS, required=True)
    if r.has("detail"):
        out["detail"] = _long_text(data["detail"])
        if problem := _length_problem(out["detail"], MAX_NOTES):
            r.error("detail", problem)
    if r.has("community"):
        out["community"] = r.text("community", COMMUNITY_CHARS)
    if r.has("thread_url"):
        out["thread_url"] = r.url("thread_url", URL_CHARS)
    for name in ("asked_on", "reviewed_on"):
        if r.has(name):
            out[name] = _past_date(r, name, today)
    if new or r.has("confidence"):
        value = r.raw("confidence") or "medium"
        if value not in CONFIDENCE_LEVELS:
            r.error("confidence", f"選択肢にない値です: {value}")
        out["confidence"] = value
    if r.has("review_months"):
        out["review_months"] = r.integer("review_months", minimum=1, maximum=MAX_REVIEW_MONTHS)
    if r.has("answers"):
        out["answers"] = _answers(r, today, note)
    for name in LINKED:
        if r.has(name):
            out[name] = _ids(r, session, name)
    if r.has("tags"):
        out["tags"] = _tag_names(r)
    r.raise_if_failed()
    return out


# --- writing ---------------------------------------------------------------------------------


def _new_positions(answers: list[AnswerInput], current: Mapping[int, int]) -> list[int]:
    """The position of each answer of the new list (``current``: position by id of the
    answers kept), chosen so that no UPDATE or INSERT meets a position still held."""
    kept = [current[a.id] for a in answers if a.id is not None]
    high = max(kept, default=0)
    # Kept rows already in this order and new ones only after them: nothing moves.
    added = itertools.count(high + 1)
    keys = [current[a.id] if a.id is not None else next(added) for a in answers]
    if all(a < b for a, b in itertools.pairwise(keys)):
        return keys
    held = set(kept)
    clash = any(
        i + 1 in held and i + 1 != current[a.id] for i, a in enumerate(answers) if a.id is not None
    )
    start = high + 1 if clash else 1
    return [start + i for i in range(len(answers))]


def _write_answers(session: Session, note: KnowledgeNote, answers: list[AnswerInput]) -> None:
    keep = {a.id for a in answers if a.id is not None}
    for gone in [a for a in note.answers if a.id not in keep]:
        note.answers.remove(gone)
        session.delete(gone)  # explicitly: an orphan removed by the flush leaves no history
    session.flush()
    rows = {a.id: a for a in note.answers}
    positions = _new_positions(answers, {i: row.position for i, row in rows.items()})
    for answer, position in zip(answers, positions, strict=True):
        if answer.id is None:
            continue
        row = rows[answer.id]
        values = {"body": answer.body, "answered_by": answer.answered_by,
                  "answered_on": answer.answered_on, "position": position}  # fmt: skip
        for key, value in values.items():
            if getattr(row, key) != value:
                setattr(row, key, value)
    session.flush()  # kept rows reach their positions before new rows take theirs
    for answer, position in zip(answers, positions, strict=True):
        if answer.id is None:
            note.answers.append(
                KnowledgeAnswer(body=answer.body, answered_by=answer.answered_by,
                                answered_on=answer.answered_on, position=position)
            )  # fmt: skip
    session.flush()
    session.expire(note, ["answers"])  # read again in their order


def _sync_links(session: Session, note_id: int, kind: str, wanted: Iterable[int]) -> None:
    wanted = list(wanted)
    current = set(links.linked_ids(session, "knowledge_note", note_id, kind))
    for other in sorted(current - set(wanted)):
        links.unlink(session, "knowledge_note", note_id, kind, other)
    for other in (i for i in wanted if i not in current):
        links.link(session, "knowledge_note", note_id, kind, other)


def _apply(session: Session, note: KnowledgeNote, values: dict[str, Any]) -> KnowledgeNote:
    for key, value in values.items():
        if key not in _EDITABLE:
            continue
        if note.id is None:  # NULL, not the column's default: None means "none"
            setattr(note, key, null() if value is None else value)
        elif getattr(note, key) != value:
            setattr(note, key, value)
    session.add(note)
    session.flush()
    if "answers" in values:
        _write_answers(session, note, values["answers"])
    for key, (kind, _model) in LINKED.items():
        if key in values:
            _sync_links(session, note.id, kind, values[key])
    if "tags" in values:
        tags.set_tags(session, "knowledge_note", note.id, values["tags"])
    return note


def create_note(session: Session, data: Mapping[str, Any], *, today: date) -> KnowledgeNote:
    """A new note from editor input (see the module docstring); ValidationError when
    anything is wrong, nothing written."""
    return _apply(session, KnowledgeNote(), clean_note_input(session, data, today=today))


def update_note(
    session: Session, note_id: int, data: Mapping[str, Any], *, today: date
) -> KnowledgeNote:
    """Change the fields ``data`` names (the others stay); ``answers`` replaces the whole
    list. ValidationError when anything is wrong, nothing written."""
    values = clean_note_input(session, data, today=today, note_id=note_id)
    return _apply(session, get_or_not_found(session, KnowledgeNote, note_id), values)


def delete_note(session: Session, note_id: int) -> None:
    """Delete a note and its answers. Its links and tags are removed through the link
    service first, so the notices, regulations, systems, runbooks and tags keep in their
    history that the note was detached."""
    note = get_or_not_found(session, KnowledgeNote, note_id)
    for kind in (*(k for k, _m in LINKED.values()), "tag"):
        for other in links.linked_ids(session, "knowledge_note", note_id, kind):
            links.unlink(session, "knowledge_note", note_id, kind, other)
    session.delete(note)
    session.flush()


def confirm_still_true(session: Session, note_id: int, today: date) -> date | None:
    """The officer checked the note today: 最終確認日 becomes ``today``. The next review
    date (None when the note has no interval)."""
    note = get_or_not_found(session, KnowledgeNote, note_id)
    if note.reviewed_on != today:
        note.reviewed_on = today
        session.flush()
    return review_due_on(note.reviewed_on, note.created_at, note.review_months)
