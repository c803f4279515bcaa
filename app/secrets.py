"""The only code that touches ``keyring``: where passwords and licence keys are kept.

The database holds a reference (service, username) and never the secret. When the
OS has no usable credential store, secrets are kept in memory for this run only and
the user is told so; there is never a plaintext-file fallback.

    store = SecretStore.from_keyring()
    store.set(ref, "AAAA-BBBB")      # ref: anything with .service and .username
    store.get(ref)                   # -> "AAAA-BBBB" | None
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from app.errors import UserError

log = logging.getLogger("hitori.secrets")

NO_KEYRING_MESSAGE = (
    "OSの資格情報ストア（キーリング）が使えません。この実行中だけメモリに保持し、終了すると消えます"
)
MEMORY_BACKEND_NAME = "メモリ（この実行中のみ）"
MAX_SECRET_CHARS = 4096


class SecretRefLike(Protocol):
    """What names a secret: a CredentialRef or anything with the same two fields."""

    @property
    def service(self) -> str: ...

    @property
    def username(self) -> str: ...


class SecretStoreError(UserError):
    """The credential store refused or failed; the message is for the user."""


def _unusable_reason(backend: object) -> str | None:
    """Why ``backend`` cannot keep secrets safely, or None when it can."""
    from keyring.backends import chainer, fail, null

    if isinstance(backend, fail.Keyring | null.Keyring):
        return "no backend"
    if isinstance(backend, chainer.ChainerBackend) and not backend.backends:
        return "empty chain"
    # keyrings.alt's file backends write secrets (plain or weakly wrapped) to a file.
    if type(backend).__module__.startswith("keyrings.alt"):
        return "file backend"
    return None


def _describe(backend: object) -> str:
    cls = type(backend)
    name = getattr(backend, "name", "") or f"{cls.__module__}.{cls.__qualname__}"
    return str(name)


def _find_keyring_backend() -> object | None:
    import keyring
    from keyring.errors import KeyringError

    try:
        backend = keyring.get_keyring()
    except (KeyringError, RuntimeError, ImportError, ValueError) as exc:
        log.warning("no usable keyring: %s", type(exc).__name__)
        return None
    reason = _unusable_reason(backend)
    if reason is not None:
        log.warning("keyring backend %s not usable (%s)", _describe(backend), reason)
        return None
    log.info("secrets kept in keyring backend %s", _describe(backend))
    return backend


class SecretStore:
    """Keeps secrets in the OS keyring, or in memory when there is none."""

    def __init__(
        self,
        backend: object | None,
        *,
        message: str = "",
        resolve: Callable[[], object | None] | None = None,
    ) -> None:
        # backend is a keyring.backend.KeyringBackend, or None for memory only.
        # ``resolve`` finds the backend on first use instead (start-up time: looking
        # up keyring backends takes ~0.2 s).
        self._backend_value = backend
        self._resolve = resolve
        self._memory: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()
        self._message = message

    @property
    def _backend(self) -> object | None:
        if self._resolve is not None:
            with self._lock:
                if self._resolve is not None:
                    self._backend_value = self._resolve()
                    self._resolve = None
        return self._backend_value

    @property
    def available(self) -> bool:
        return self._backend is not None

    @property
    def message(self) -> str:
        return "" if self.available else (self._message or NO_KEYRING_MESSAGE)

    # --- construction ------------------------------------------------------------------

    @classmethod
    def from_keyring(cls) -> SecretStore:
        """The OS keyring chosen by ``keyring`` (or memory only, if none is usable)."""
        return cls(_find_keyring_backend())

    @classmethod
    def from_keyring_on_first_use(cls) -> SecretStore:
        """Like from_keyring, but the backend is looked up when first needed."""
        return cls(None, resolve=_find_keyring_backend)

    @classmethod
    def in_memory(cls) -> SecretStore:
        """Memory only, for this run (tests, or when the user wants nothing persisted)."""
        return cls(None)

    # --- state -------------------------------------------------------------------------

    def is_persistent(self) -> bool:
        """True when secrets outlive this run (kept by the OS credential store)."""
        return self._backend is not None

    def backend_name(self) -> str:
        if self._backend is None:
            return MEMORY_BACKEND_NAME
        return _describe(self._backend)

    def where_kept(self) -> str:
        """A sentence for the credential reference and the handover document."""
        if self._backend is None:
            return "メモリのみ（Hitoriを終了すると消えます）"
        return f"OSの資格情報ストア（{self.backend_name()}）"

    # --- secrets -----------------------------------------------------------------------

    def set(self, ref: SecretRefLike, secret: str) -> None:
        """Keep ``secret`` under (service, username). Raises SecretStoreError."""
        key = _key(ref)
        if not secret:
            raise SecretStoreError("保存する値が空です")
        if len(secret) > MAX_SECRET_CHARS:
            raise SecretStoreError(f"値が長すぎます（{MAX_SECRET_CHARS}文字まで）")
        if self._backend is None:
            with self._lock:
                self._memory[key] = secret
            log.info("secret for %s/%s kept in memory for this run", *key)
            return
        from keyring.errors import KeyringError

        try:
            self._backend.set_password(key[0], key[1], secret)  # type: ignore[attr-defined]
        except KeyringError as exc:
            log.warning("keyring refused to store %s/%s: %s", *key, type(exc).__name__)
            raise SecretStoreError(
                f"キーリングに保存できませんでした（{type(exc).__name__}）。"
                "キーリングのロックを解除してから、もう一度保存してください"
            ) from None
        log.info("secret for %s/%s stored in %s", *key, self.backend_name())

    def get(self, ref: SecretRefLike) -> str | None:
        """The secret, or None when none is kept. Raises SecretStoreError."""
        key = _key(ref)
        if self._backend is None:
            with self._lock:
                return self._memory.get(key)
        from keyring.errors import KeyringError

        try:
            value = self._backend.get_password(key[0], key[1])  # type: ignore[attr-defined]
        except KeyringError as exc:
            log.warning("keyring could not read %s/%s: %s", *key, type(exc).__name__)
            raise SecretStoreError(
                f"キーリングから読み出せませんでした（{type(exc).__name__}）"
            ) from None
        return None if value is None else str(value)

    def delete(self, ref: SecretRefLike) -> bool:
        """Forget the secret; False when there was none. Raises SecretStoreError."""
        key = _key(ref)
        if self._backend is None:
            with self._lock:
                return self._memory.pop(key, None) is not None
        from keyring.errors import KeyringError, PasswordDeleteError

        try:
            self._backend.delete_password(key[0], key[1])  # type: ignore[attr-defined]
        except PasswordDeleteError:
            return False
        except KeyringError as exc:
            log.warning("keyring could not delete %s/%s: %s", *key, type(exc).__name__)
            raise SecretStoreError(
                f"キーリングから削除できませんでした（{type(exc).__name__}）"
            ) from None
        log.info("secret for %s/%s deleted from %s", *key, self.backend_name())
        return True

    def __repr__(self) -> str:  # never shows secrets
        return f"SecretStore(backend={self.backend_name()!r}, kept_in_memory={len(self._memory)})"


def _key(ref: SecretRefLike) -> tuple[str, str]:
    service, username = str(ref.service or ""), str(ref.username or "")
    if not service:
        raise SecretStoreError("認証情報の参照にサービス名がありません")
    return service, username
