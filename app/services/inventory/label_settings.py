"""What every asset label carries besides the asset: the organisation's name (「ひとり町
総務課」), kept in the database's settings so that the GUI and ``hitori labels`` print
the same, and the code (QR or CODE128) last chosen."""

from __future__ import annotations

from sqlalchemy.orm import Session

from app.errors import UserError
from app.store.models import Setting

ORGANISATION_KEY = "labels.organisation"
CODE_KEY = "labels.code"
ORGANISATION_LIMIT = 60


def organisation(session: Session) -> str:
    found = session.get(Setting, ORGANISATION_KEY)
    return str(found.value) if found is not None and isinstance(found.value, str) else ""


def set_organisation(session: Session, name: str) -> str:
    """Keep ``name`` (spaces tidied; empty: no name on the labels); returns it."""
    name = " ".join((name or "").split())
    if len(name) > ORGANISATION_LIMIT:
        raise UserError(
            f"ラベルに印刷する団体名は{ORGANISATION_LIMIT}文字以内にしてください（{len(name)}文字）"
        )
    _put(session, ORGANISATION_KEY, name)
    return name


def label_code(session: Session) -> str:
    found = session.get(Setting, CODE_KEY)
    return found.value if found is not None and found.value in ("qr", "code128") else "qr"


def set_label_code(session: Session, code: str) -> None:
    _put(session, CODE_KEY, code)


def _put(session: Session, key: str, value: str) -> None:
    found = session.get(Setting, key)
    if found is None:
        session.add(Setting(key=key, value=value))
    elif found.value != value:
        found.value = value
    session.flush()
