"""``hitori secret set LABEL`` / ``hitori secret delete LABEL``.

The secret is read from standard input as UTF-8 bytes (a BOM and a trailing newline
are dropped; anything else that is not UTF-8, holds a control character or is longer
than app.secrets.MAX_SECRET_CHARS is refused), or typed without echo at a terminal.
It is kept in the OS keyring; the database gets only the reference (label, service,
username). A command-line process cannot keep a secret in memory beyond its own run,
so with no usable keyring the command refuses and writes nothing.

This module reads arguments and prints; the references and the order of the writes
(reference committed first, then the keyring) are app.services.credentials's.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.errors import UserError
from app.paths import DataDir
from app.secrets import MAX_SECRET_CHARS

NOTHING_WRITTEN = "何も書き込んでいません"
# The most bytes a secret of MAX_SECRET_CHARS characters takes, with a BOM and CR LF.
MAX_INPUT_BYTES = MAX_SECRET_CHARS * 4 + 5


class SecretCommandError(UserError):
    """A refused ``hitori secret`` operation; one line on stderr, exit 1."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    secret = sub.add_parser(
        "secret",
        parents=[common],
        help="パスワードやライセンスキーをOSのキーリングに保存・削除する",
    )
    actions = secret.add_subparsers(
        dest="secret_action", metavar="操作", title="操作", help="保存か削除か", required=True
    )
    set_parser = actions.add_parser(
        "set",
        parents=[common],
        help="ラベルの秘密の値を保存する（値は標準入力から）",
        description="秘密の値を標準入力（UTF-8）から読み、OSのキーリングに保存します。"
        "データベースには参照（ラベル）だけを記録します。"
        f"末尾の改行は除きます。制御文字を含む値や{MAX_SECRET_CHARS:,}文字を超える値は保存しません。",
    )
    set_parser.add_argument("label", metavar="ラベル", help="認証情報のラベル（なければ作成）")
    set_parser.set_defaults(handler=cmd_secret_set)
    delete_parser = actions.add_parser(
        "delete",
        parents=[common],
        help="ラベルの秘密の値をキーリングから削除する",
        description="秘密の値をOSのキーリングから削除します。認証情報の参照（ラベル）は、"
        "参照している記録があれば残し、なければ削除します。",
    )
    delete_parser.add_argument("label", metavar="ラベル", help="認証情報のラベル")
    delete_parser.set_defaults(handler=cmd_secret_delete)


def _persistent_store() -> Any:
    from app.secrets import SecretStore

    store = SecretStore.from_keyring()
    if not store.is_persistent():
        raise SecretCommandError(
            "OSの資格情報ストア（キーリング）が使えないため保存できません。"
            f"{NOTHING_WRITTEN}（GUIではこの実行中だけメモリに保持できます）"
        )
    return store


def decode_secret_input(data: bytes) -> str:
    """Standard input's bytes as the secret: strict UTF-8, BOM and trailing newline
    dropped, control characters and overlong values refused (SecretCommandError)."""
    if len(data) > MAX_INPUT_BYTES:
        raise SecretCommandError(
            f"秘密の値が長すぎます（{MAX_SECRET_CHARS:,}文字まで）。{NOTHING_WRITTEN}"
        )
    data = data.removeprefix(b"\xef\xbb\xbf")
    try:
        value = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise SecretCommandError(
            f"標準入力の値をUTF-8として読めません（{exc.start + 1}バイト目）。"
            f"UTF-8で渡してください。{NOTHING_WRITTEN}"
        ) from None
    return _check_value(value)


def _check_value(value: str) -> str:
    from app.services.credentials import has_control_chars

    value = value.rstrip("\r\n")
    if not value:
        raise SecretCommandError("秘密の値が空です。標準入力から渡してください")
    if has_control_chars(value):
        raise SecretCommandError(
            "秘密の値に制御文字（NUL・タブ・途中の改行など）が含まれています。"
            f"末尾の改行のほかは使えません。{NOTHING_WRITTEN}"
        )
    if len(value) > MAX_SECRET_CHARS:
        raise SecretCommandError(
            f"秘密の値が長すぎます（{MAX_SECRET_CHARS:,}文字まで。{len(value):,}文字あります）。"
            f"{NOTHING_WRITTEN}"
        )
    return value


def _read_secret() -> str:
    if sys.stdin is None:
        raise SecretCommandError("標準入力がありません。秘密の値を標準入力から渡してください")
    if sys.stdin.isatty():
        return _check_value(getpass.getpass("秘密の値（表示されません）: "))
    return decode_secret_input(sys.stdin.buffer.read(MAX_INPUT_BYTES + 1))


def _check_label(label: str) -> str:
    from app.services.credentials import CredentialError, check_label

    try:
        return check_label(label)
    except CredentialError as exc:
        raise SecretCommandError(str(exc)) from None


def cmd_secret_set(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.secrets import SecretStoreError
    from app.services.credentials import set_secret
    from app.store.database import open_database
    from app.store.errors import classify

    label = _check_label(args.label)
    secret = _read_secret()
    store = _persistent_store()  # refuse before anything is created on disk
    db = open_database(data_dir)
    try:
        outcome = set_secret(db.sessions, store, label, secret)
    except SecretStoreError as exc:
        raise SecretCommandError(f"{exc}。値は保存していません") from None
    except Exception as exc:
        problem = classify(exc)
        if problem is None:
            raise
        raise SecretCommandError(
            f"参照を記録できなかったため、キーリングには保存していません: {problem.message}"
        ) from None
    finally:
        db.dispose()
    note = "、参照を新規作成" if outcome.created else ""
    print(f"「{label}」を保存しました（保存先: {outcome.kept_in}{note}）")
    return 0


def cmd_secret_delete(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.secrets import SecretStoreError
    from app.services.credentials import delete_secret
    from app.store.database import open_database

    label = _check_label(args.label)
    if not data_dir.db_path.exists():
        raise SecretCommandError(f"データベースがありません: {data_dir.db_path}")
    store = _persistent_store()
    db = open_database(data_dir)
    try:
        outcome = delete_secret(db.sessions, store, label)
    except SecretStoreError as exc:
        raise SecretCommandError(str(exc)) from None
    finally:
        db.dispose()
    gone = "削除しました" if outcome.had_secret else "キーリングには値がありませんでした"
    kept = "（参照している記録があるため、参照は残しています）" if outcome.kept_reference else ""
    print(f"「{label}」: {gone}{kept}")
    return 0
