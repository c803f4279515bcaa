"""Credential references (認証情報の参照): the one place that creates, finds, fills and
deletes them, and the order in which the database and the keyring are written.

A :class:`~app.store.models.CredentialRef` says where a secret is kept (service and
username in the OS keyring, through :mod:`app.secrets`); the secret itself never passes
through the database, an ORM attribute, the change history or the search index. The
order that keeps every keyring entry reachable by ``hitori secret delete``:

- setting: the reference is committed to the database FIRST, then the value goes into
  the keyring. If the keyring refuses, a reference created for it is removed again (a
  new transaction); an existing reference is left as it was (its old secret untouched,
  since the keyring refused the new one). A failed commit never reaches the keyring.
- deleting: the value leaves the keyring first, then the reference is deleted (or, when
  records still use it, kept with ``where_kept`` cleared).

The worst a failure can leave is a reference without a value, never a value without a
reference.

    outcome = set_secret(db.sessions, store, "NAS 管理者", value)   # find or create
    delete_secret(db.sessions, store, "NAS 管理者")
    refs = new_references(session, specs)      # many at once (the ledger import) ...
    put_secrets(db.sessions, store, pending)    # ... their values after the commit
"""

from __future__ import annotations

import logging
import secrets as random_tokens
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from app.errors import UserError
from app.progress import Progress
from app.secrets import MAX_SECRET_CHARS, SecretStore, SecretStoreError
from app.store.models import CredentialRef, License, SshHost, runbook_credentials
from app.store.vocab import CREDENTIAL_KINDS

log = logging.getLogger("hitori.credentials")

SERVICE = "hitori"  # the keyring service of every secret Hitori keeps
MAX_LABEL = 100  # CredentialRef.label
MAX_USERNAME = 200  # CredentialRef.username
_CHUNK = 500


class CredentialError(UserError):
    """A refused credential operation; the message is for the user."""


@dataclass(frozen=True, slots=True)
class RefKey:
    """A committed reference as plain values (what the keyring needs, and its label)."""

    id: int
    label: str
    service: str
    username: str

    @classmethod
    def of(cls, ref: CredentialRef) -> RefKey:
        return cls(ref.id, ref.label, ref.service, ref.username)


@dataclass(frozen=True, slots=True)
class RefSpec:
    """A reference to create (no value: the value never reaches the database)."""

    label_base: str
    kind: str = "password"
    username: str = ""  # "" → a unique one is made up
    notes: str = ""


@dataclass(frozen=True, slots=True)
class PendingSecret:
    """A committed reference and the value still to be put into the keyring."""

    ref: RefKey
    value: str = field(repr=False)


@dataclass(frozen=True, slots=True)
class SetOutcome:
    ref: RefKey
    created: bool
    kept_in: str  # the store's backend name


@dataclass(frozen=True, slots=True)
class DeleteOutcome:
    label: str
    had_secret: bool  # the keyring held a value that is now gone
    kept_reference: bool  # records still use the reference, so it stays (emptied)


@dataclass(frozen=True, slots=True)
class PutOutcome:
    """What :func:`put_secrets` did: values stored, and the labels whose value was not."""

    stored: int = 0
    not_stored: tuple[str, ...] = ()
    error: str = ""  # why (the keyring's refusal), "" when everything was stored
    references_kept: bool = False  # the references of not_stored could not be removed

    def message(self) -> str:
        """One Japanese sentence about the values that were not stored ("" if none)."""
        if not self.not_stored:
            return ""
        shown = "、".join(self.not_stored[:10]) + ("…" if len(self.not_stored) > 10 else "")
        if self.references_kept:
            what = (
                f"認証情報の参照 {len(self.not_stored):,} 件（{shown}）は値のないまま残っています"
            )
        else:
            what = f"認証情報の参照 {len(self.not_stored):,} 件（{shown}）を取り消しました"
        return f"キーリングに保存できなかった値があります。{what}: {self.error}"


# --- input -------------------------------------------------------------------------------


def has_control_chars(text: str) -> bool:
    """Whether ``text`` holds a control character (NUL, tab, newline, DEL, C1 …)."""
    return any(unicodedata.category(c) == "Cc" for c in text)


def check_label(label: str) -> str:
    """The label without surrounding spaces; CredentialError when it cannot be one."""
    label = label.strip()
    if not label:
        raise CredentialError("ラベルが空です")
    if len(label) > MAX_LABEL or has_control_chars(label):
        raise CredentialError(f"ラベルは制御文字を含まない{MAX_LABEL}文字以内にしてください")
    return label


def secret_problem(value: str) -> str | None:
    """What makes ``value`` unfit to keep as a secret (Japanese), or None."""
    if not value:
        return "値が空です"
    if has_control_chars(value):
        return "制御文字（NUL・タブ・改行など）を含む値は保存できません"
    if len(value) > MAX_SECRET_CHARS:
        return f"値が長すぎます（{MAX_SECRET_CHARS:,}文字まで。{len(value):,}文字あります）"
    return None


def check_secret(value: str) -> str:
    """``value`` when it can be kept as a secret; CredentialError otherwise."""
    problem = secret_problem(value)
    if problem is not None:
        raise CredentialError(f"秘密の値を保存できません: {problem}")
    return value


# --- references --------------------------------------------------------------------------


def find_reference(session: Session, label: str) -> CredentialRef | None:
    return session.scalars(select(CredentialRef).where(CredentialRef.label == label)).first()


class LabelAllocator:
    """Unique labels: ``base``, then ``base (2)``, ``base (3)`` … (labels known once)."""

    def __init__(self, session: Session) -> None:
        self._taken = set(session.scalars(select(CredentialRef.label)))

    def take(self, base: str) -> str:
        base = " ".join(base.split())[:MAX_LABEL] or "認証情報"
        label, n = base, 1
        while label in self._taken:
            n += 1
            suffix = f" ({n})"
            label = base[: MAX_LABEL - len(suffix)] + suffix
        self._taken.add(label)
        return label


def free_label(session: Session, base: str) -> str:
    """A label not yet used, made from ``base`` as LabelAllocator does."""
    return LabelAllocator(session).take(base)


def make_username(prefix: str) -> str:
    """A keyring username no other reference has: ``prefix`` and a random suffix."""
    return f"{prefix[: MAX_USERNAME - 9]}-{random_tokens.token_hex(4)}"


def new_reference(
    session: Session,
    *,
    label: str,
    kind: str = "password",
    username: str = "",
    where_kept: str = "",
    notes: str = "",
) -> CredentialRef:
    """Add a reference (flushed, so it has an id); the label must be free."""
    if kind not in CREDENTIAL_KINDS:
        raise ValueError(f"unknown credential kind {kind!r}")
    ref = CredentialRef(
        label=label,
        kind=kind,
        service=SERVICE,
        username=username or make_username("hitori"),
        where_kept=where_kept,
        notes=notes,
    )
    session.add(ref)
    session.flush()
    return ref


def new_references(session: Session, specs: Sequence[RefSpec], *, where_kept: str) -> list[RefKey]:
    """Add one reference per spec with a unique label (in the caller's transaction)."""
    labels = LabelAllocator(session)
    refs = [
        CredentialRef(
            label=labels.take(spec.label_base),
            kind=spec.kind,
            service=SERVICE,
            username=spec.username or make_username("hitori"),
            where_kept=where_kept,
            notes=spec.notes,
        )
        for spec in specs
    ]
    session.add_all(refs)
    session.flush()
    return [RefKey.of(ref) for ref in refs]


def use_count(session: Session, ref_id: int) -> int:
    """How many records (licences, SSH hosts, runbooks) use the reference."""
    return sum(
        int(session.execute(select(func.count()).where(column == ref_id)).scalar_one())
        for column in (
            License.key_credential_id,
            SshHost.credential_id,
            runbook_credentials.c.credential_ref_id,
        )
    )


def in_use(session: Session, ref_id: int) -> bool:
    return use_count(session, ref_id) > 0


def _remove_references(session: Session, ids: Sequence[int]) -> None:
    """Delete references and unlink the records that use them (history written)."""
    for start in range(0, len(ids), _CHUNK):
        chunk = list(ids[start : start + _CHUNK])
        for lic in session.scalars(select(License).where(License.key_credential_id.in_(chunk))):
            lic.key_credential_id = None
        for host in session.scalars(select(SshHost).where(SshHost.credential_id.in_(chunk))):
            host.credential_id = None
        session.execute(
            delete(runbook_credentials).where(runbook_credentials.c.credential_ref_id.in_(chunk))
        )
        for ref in session.scalars(select(CredentialRef).where(CredentialRef.id.in_(chunk))):
            session.delete(ref)
    session.flush()


def _undo_created(sessions: sessionmaker[Session], refs: Sequence[RefKey]) -> bool:
    """Remove references whose value the keyring refused; False when that failed too."""
    try:
        with sessions.begin() as session:
            _remove_references(session, [r.id for r in refs])
    except Exception as exc:
        log.warning("could not remove %d empty credential references: %s", len(refs), exc)
        return False
    return True


# --- secrets -----------------------------------------------------------------------------


def _put(store: SecretStore, ref: RefKey, value: str) -> None:
    """store.set, with any backend failure as a SecretStoreError."""
    try:
        store.set(ref, value)
    except SecretStoreError:
        raise
    except Exception as exc:
        log.warning("keyring failed for %s/%s: %s", ref.service, ref.username, type(exc).__name__)
        raise SecretStoreError(
            f"キーリングに保存できませんでした（{type(exc).__name__}）"
        ) from None


def save_secret(
    sessions: sessionmaker[Session],
    store: SecretStore,
    value: str,
    prepare: Callable[[Session, str], tuple[CredentialRef, bool]],
) -> SetOutcome:
    """Commit the reference ``prepare(session, where_kept)`` finds or creates (it returns
    it and whether it created it, with ``where_kept`` set), then put ``value`` into
    ``store``. Raises SecretStoreError when the
    store refuses (a reference created here is removed again), and the database's
    error when the reference cannot be committed (then the store was not touched)."""
    check_secret(value)
    where = store.where_kept()
    with sessions.begin() as session:
        ref, created = prepare(session, where)
        key = RefKey.of(ref)
        stale = ref.where_kept != where
    try:
        _put(store, key, value)
    except SecretStoreError as exc:
        if created and not _undo_created(sessions, [key]):
            raise SecretStoreError(
                f"{exc}（参照「{key.label}」は値のないまま残っています）"
            ) from None
        raise
    if stale:  # an existing reference: say where its value now is
        try:
            with sessions.begin() as session:
                current = session.get(CredentialRef, key.id)
                if current is not None:
                    current.where_kept = where
        except Exception as exc:
            log.warning("could not update where credential %d is kept: %s", key.id, exc)
    return SetOutcome(key, created, store.backend_name())


def set_secret(
    sessions: sessionmaker[Session],
    store: SecretStore,
    label: str,
    value: str,
    *,
    kind: str = "password",
) -> SetOutcome:
    """Keep ``value`` under the reference ``label`` (created when missing, its keyring
    username then being the label)."""
    label = check_label(label)
    check_secret(value)

    def prepare(session: Session, where_kept: str) -> tuple[CredentialRef, bool]:
        ref = find_reference(session, label)
        if ref is not None:
            return ref, False
        ref = new_reference(session, label=label, kind=kind, username=label, where_kept=where_kept)
        return ref, True

    return save_secret(sessions, store, value, prepare)


def put_secrets(
    sessions: sessionmaker[Session],
    store: SecretStore,
    pending: Sequence[PendingSecret],
    progress: Progress | None = None,
) -> PutOutcome:
    """Put the values of committed references into ``store``, in order.

    Stops at the first refusal (a locked keyring would refuse, or ask, for every value);
    the references whose value was not stored are then removed again in a new
    transaction. Never raises for the store's refusal: the outcome says what happened.
    """
    stored = 0
    error = ""
    for n, item in enumerate(pending):
        if progress is not None and n % 100 == 0:
            progress.report(n, len(pending), "キーリングに保存しています")
        try:
            _put(store, item.ref, item.value)
        except SecretStoreError as exc:
            error = str(exc)
            break
        stored += 1
    rest = [p.ref for p in pending[stored:]]
    if not rest:
        return PutOutcome(stored)
    kept = not _undo_created(sessions, rest)
    return PutOutcome(stored, tuple(r.label for r in rest), error, kept)


def delete_secret(sessions: sessionmaker[Session], store: SecretStore, label: str) -> DeleteOutcome:
    """Delete the value of ``label`` from the keyring, then its reference (kept, with
    ``where_kept`` cleared, while records use it). Raises CredentialError for an unknown
    label and SecretStoreError when the keyring refuses (nothing changed then)."""
    label = check_label(label)
    with sessions() as session:
        ref = find_reference(session, label)
        if ref is None:
            raise CredentialError(f"ラベル「{label}」の認証情報は登録されていません")
        key = RefKey.of(ref)
    had_secret = store.delete(key)  # first: a refusal here changes nothing
    with sessions.begin() as session:
        ref = session.get(CredentialRef, key.id)
        kept = ref is not None and in_use(session, key.id)
        if ref is not None and kept:
            ref.where_kept = ""
        elif ref is not None:
            session.delete(ref)
    return DeleteOutcome(label, had_secret, kept)


def forget(session: Session, store: SecretStore, ref: CredentialRef) -> None:
    """Delete ``ref``'s value from ``store``, then ``ref`` (in the caller's transaction:
    if that does not commit, a reference without a value remains, still reachable)."""
    store.delete(RefKey.of(ref))
    session.delete(ref)
    session.flush()
