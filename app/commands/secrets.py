"""``hitori secret set LABEL`` / ``hitori secret delete LABEL``.

The secret is read from standard input (or typed without echo at a terminal) and
kept in the OS keyring; the database gets only the reference (label, service,
username). A command-line process cannot keep a secret in memory beyond its own
run, so with no usable keyring the command refuses and writes nothing.
"""

from __future__ import annotations

import argparse
import getpass
import sys
from typing import Any

from app.errors import UserError
from app.paths import DataDir

SERVICE = "hitori"
MAX_LABEL = 100


class SecretCommandError(UserError):
    """A refused ``hitori secret`` operation; one line on stderr, exit 1."""


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    secret = sub.add_parser(
        "secret",
        parents=[common],
        help="パスワードやライセンスキーをOSのキーリングに保存・削除する",
    )
    actions = secret.add_subparsers(dest="secret_action", metavar="ACTION", required=True)
    set_parser = actions.add_parser(
        "set", parents=[common], help="LABELの秘密の値を保存する（値は標準入力から）"
    )
    set_parser.add_argument("label", help="認証情報のラベル（なければ作成）")
    set_parser.set_defaults(handler=cmd_secret_set)
    delete_parser = actions.add_parser(
        "delete", parents=[common], help="LABELの秘密の値をキーリングから削除する"
    )
    delete_parser.add_argument("label")
    delete_parser.set_defaults(handler=cmd_secret_delete)


def _persistent_store() -> Any:
    from app.secrets import SecretStore

    store = SecretStore.from_keyring()
    if not store.is_persistent():
        raise SecretCommandError(
            "OSの資格情報ストア（キーリング）が使えないため保存できません。"
            "何も書き込んでいません（GUIではこの実行中だけメモリに保持できます）"
        )
    return store


def _check_label(label: str) -> str:
    label = label.strip()
    if not label:
        raise SecretCommandError("ラベルが空です")
    if len(label) > MAX_LABEL or any(ord(c) < 32 for c in label):
        raise SecretCommandError(f"ラベルは制御文字を含まない{MAX_LABEL}文字以内にしてください")
    return label


def _read_secret() -> str:
    if sys.stdin is None:
        raise SecretCommandError("標準入力がありません。秘密の値を標準入力から渡してください")
    if sys.stdin.isatty():
        value = getpass.getpass("秘密の値（表示されません）: ")
    else:
        value = sys.stdin.read()
    value = value.rstrip("\r\n")
    if not value:
        raise SecretCommandError("秘密の値が空です。標準入力から渡してください")
    return value


def cmd_secret_set(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.secrets import SecretStoreError
    from app.store.database import open_database
    from app.store.models import CredentialRef

    label = _check_label(args.label)
    secret = _read_secret()
    store = _persistent_store()  # refuse before anything is created on disk
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            ref = session.query(CredentialRef).filter_by(label=label).one_or_none()
            created = ref is None
            if ref is None:
                ref = CredentialRef(label=label, kind="password", service=SERVICE, username=label)
                session.add(ref)
            ref.where_kept = store.where_kept()
            session.flush()
            try:
                store.set(ref, secret)  # a failure rolls the reference back
            except SecretStoreError as exc:
                raise SecretCommandError(str(exc)) from None
    finally:
        db.dispose()
    note = "、参照を新規作成" if created else ""
    print(f"「{label}」を保存しました（保存先: {store.backend_name()}{note}）")
    return 0


def cmd_secret_delete(data_dir: DataDir, args: argparse.Namespace) -> int:
    from sqlalchemy import func, select

    from app.secrets import SecretStoreError
    from app.store.database import open_database
    from app.store.models import CredentialRef, License, SshHost, runbook_credentials

    label = _check_label(args.label)
    if not data_dir.db_path.exists():
        raise SecretCommandError(f"データベースがありません: {data_dir.db_path}")
    store = _persistent_store()
    db = open_database(data_dir)
    try:
        with db.sessions.begin() as session:
            ref = session.query(CredentialRef).filter_by(label=label).one_or_none()
            if ref is None:
                raise SecretCommandError(f"ラベル「{label}」の認証情報は登録されていません")
            uses = sum(
                int(session.execute(select(func.count()).where(col == ref.id)).scalar_one())
                for col in (
                    License.key_credential_id,
                    SshHost.credential_id,
                    runbook_credentials.c.credential_ref_id,
                )
            )
            try:
                had_secret = store.delete(ref)
            except SecretStoreError as exc:
                raise SecretCommandError(str(exc)) from None
            if uses:
                ref.where_kept = ""
            else:
                session.delete(ref)
    finally:
        db.dispose()
    gone = "削除しました" if had_secret else "キーリングには値がありませんでした"
    kept = "（参照している記録があるため、参照は残しています）" if uses else ""
    print(f"「{label}」: {gone}{kept}")
    return 0
