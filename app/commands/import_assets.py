"""``hitori import assets FILE``: bring a CSV/XLSX ledger into the asset ledger.

    hitori import assets 台帳.csv --dry-run
    hitori import assets 台帳.xlsx --sheet 資産一覧 --map 'PC名=name' --map 'メモ=-'
    hitori import assets 台帳.csv --secret-column 'パスワード=keyring' --secret-column 'PIN=skip'

Columns are mapped by the saved profile named with ``--profile``, else by a saved profile
whose columns are all in the file, else by suggestion from the headers; ``--map`` then
overrides single columns (``ヘッダ=項目``: a field name such as ``hostname`` or its
Japanese label, ``custom`` for a custom field, ``-`` to leave the column out).

Columns holding secrets (パスワード, PW, 暗証番号, ライセンスキー, プロダクトキー, password,
PIN, license key …) are never stored in the database. The command refuses (exit 1,
nothing written) until each such column is decided, by the profile (which remembers
the choice) or by ``--secret-column 'ヘッダ=keyring'`` (each non-empty value goes to
the OS keyring as a credential reference 「<資産管理番号> <ヘッダ>」) or
``--secret-column 'ヘッダ=skip'`` (not imported). ``=keyring`` also works for a column
whose header does not look secret, and is refused when there is no usable persistent
keyring. The values go into the keyring after the import committed; a value the
keyring refuses has its reference removed again and is named (exit 1).

Prints what the import does (作成 / 更新 / 変更なし / 問題, each problem with its row and
column). Exit 0 when imported (or a clean ``--dry-run``); 1 when problems stop it, with
the database unchanged; ``--skip-bad-rows`` imports the good rows and leaves out the rest.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from app.paths import DataDir

MAX_PRINTED = 200


def _map_arg(text: str) -> tuple[str, str]:
    from app.services.inventory.import_profiles import parse_target

    header, sep, target = text.partition("=")
    if not sep or not header.strip():
        raise argparse.ArgumentTypeError(f"「ヘッダ=項目」の形で指定してください: {text}")
    try:
        return header.strip(), parse_target(target, header.strip())
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def _secret_arg(text: str) -> tuple[str, str]:
    from app.services.inventory.import_profiles import parse_secret_choice

    header, sep, choice = text.rpartition("=")
    if not sep or not header.strip():
        raise argparse.ArgumentTypeError(
            f"「ヘッダ=keyring」または「ヘッダ=skip」の形で指定してください: {text}"
        )
    try:
        return header.strip(), parse_secret_choice(choice)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from exc


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common], help="台帳ファイルを取り込む")
    kinds = imp.add_subparsers(dest="import_kind", metavar="KIND", required=True)
    p = kinds.add_parser(
        "assets",
        parents=[common],
        help="資産台帳（CSV / XLSX）を取り込む",
        description="CSV（UTF-8・Shift_JIS(CP932)・UTF-16、カンマ・タブ区切り）または"
        "XLSXの台帳を資産台帳に取り込みます。問題が1件でもあれば何も書き込みません。"
        "パスワード・ライセンスキーなど秘密の値の列はデータベースに保存しません。"
        "そうした列ごとに --secret-column で扱い（keyring: OSのキーリングに保存／"
        "skip: 取り込まない）を指定しないと取り込みません。",
    )
    p.add_argument("file", type=Path, help="取り込むファイル（.csv / .txt / .xlsx）")
    p.add_argument("--dry-run", action="store_true", help="確認だけして書き込まない")
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="問題のある行を飛ばして残りを取り込む"
    )
    p.add_argument("--sheet", help="XLSXのシート名（既定: 最初のシート）")
    p.add_argument("--profile", help="保存済みの取込設定（列の対応）の名前")
    p.add_argument(
        "--map",
        action="append",
        default=[],
        type=_map_arg,
        metavar="ヘッダ=項目",
        help="列の取込先を指定（項目名・custom・- で取り込まない）。何度でも指定可",
    )
    p.add_argument(
        "--secret-column",
        action="append",
        default=[],
        type=_secret_arg,
        metavar="ヘッダ=keyring|skip",
        help="秘密の値（パスワード・ライセンスキーなど）の列の扱い。keyring: 値ごとに"
        "認証情報の参照を作り、値はOSのキーリングに保存（データベースには保存しない）／"
        "skip: 取り込まない。秘密の値の列ごとに必須（取込設定に保存済みなら不要）。"
        "何度でも指定可",
    )
    p.set_defaults(handler=cmd_import_assets)


def _mapping(session: Any, table: Any, args: argparse.Namespace) -> tuple[dict[str, str], str]:
    from app.cli import CommandError
    from app.interchange.asset_mapping import secret_kind, suggest_mapping
    from app.services.inventory.import_profiles import load_profiles, match_profile

    mapping = suggest_mapping(table.headers)
    source = "見出しから自動で対応付け"
    profile = None
    if args.profile:
        profiles = {p.name: p for p in load_profiles(session)}
        profile = profiles.get(args.profile)
        if profile is None:
            known = "、".join(profiles) or "なし"
            raise CommandError(f"取込設定「{args.profile}」がありません（保存済み: {known}）")
    else:
        profile = match_profile(session, table.headers)
    if profile is not None:
        mapping.update({h: t for h, t in profile.mapping.items() if h in mapping})
        source = f"取込設定「{profile.name}」"
    for header, target in args.map:
        if header not in mapping:
            raise CommandError(
                f"列「{header}」はファイルにありません（列: {'、'.join(table.headers)}）"
            )
        if secret_kind(header) is not None:
            raise CommandError(
                f"列「{header}」は秘密の値の列のため --map では指定できません。"
                f"--secret-column '{header}=keyring' か '{header}=skip' を指定してください"
                "（データベースは変更していません）"
            )
        mapping[header] = target
    if args.map:
        source += "、--map で変更"
    _decide_secrets(table, mapping, profile.mapping if profile else {}, args)
    return mapping, source


def _decide_secrets(
    table: Any, mapping: dict[str, str], remembered: dict[str, str], args: argparse.Namespace
) -> None:
    """Put the --secret-column choices (else the profile's) into ``mapping``; refuse
    while a column holding secrets is undecided."""
    from app.cli import CommandError
    from app.interchange.asset_mapping import IGNORE, KEYRING, secret_kind
    from app.services.inventory.asset_import import secret_columns

    told = dict(args.secret_column)
    for header in told:
        if header not in mapping:
            raise CommandError(
                f"--secret-column の列「{header}」はファイルにありません"
                f"（列: {'、'.join(table.headers)}）"
            )
    undecided: list[str] = []
    for header in table.headers:
        if header in told:
            mapping[header] = told[header]
        elif secret_kind(header) is not None:
            if header in remembered and remembered[header] in (IGNORE, KEYRING):
                mapping[header] = remembered[header]
            else:
                mapping[header] = IGNORE
                undecided.append(header)
    if not undecided:
        return
    counts = {c.header: c.values for c in secret_columns(table, mapping)}
    named = "".join(f"「{h}」（値 {counts.get(h, 0):,} 件）" for h in undecided)
    first = undecided[0]
    raise CommandError(
        f"秘密の値の列{named}の扱いが指定されていないため取り込みませんでした。"
        f"列ごとに --secret-column '{first}=keyring'（キーリングに保存）か "
        f"--secret-column '{first}=skip'（取り込まない）を指定してください"
        "（データベースは変更していません）"
    )


def _secret_store(mapping: dict[str, str]) -> Any:
    """The OS keyring when some column goes to it; refused when it cannot keep secrets."""
    from app.cli import CommandError
    from app.interchange.asset_mapping import is_keyring
    from app.secrets import SecretStore

    headers = [h for h, t in mapping.items() if is_keyring(t)]
    if not headers:
        return None
    store = SecretStore.from_keyring()
    if not store.is_persistent():
        names = "」「".join(headers)
        raise CommandError(
            f"OSの資格情報ストア（キーリング）が使えないため、「{names}」をキーリングに"
            f"保存できません。--secret-column '{headers[0]}=skip' で取り込まずに進めるか、"
            "キーリングが使える環境で実行してください（データベースは変更していません）"
        )
    return store


def _print_preview(table: Any, preview: Any, source: str) -> None:
    from app.services.inventory.import_profiles import target_label

    print(f"ファイル: {table.describe()}")
    print(f"列の対応（{source}）:")
    for header, target in preview.mapping.items():
        print(f"  {header} → {target_label(target)}")
    problems = preview.problems()
    print(
        f"作成 {preview.count('create'):,} 件 / 更新 {preview.count('update'):,} 件 / "
        f"変更なし {preview.count('unchanged'):,} 件 / 問題 {len(problems):,} 件"
        f"（{preview.bad_rows:,} 行）"
    )
    for column in preview.secret_columns:
        print(f"秘密の値の列: {column.describe()}")
    for label, names in (
        ("新しく登録する部署", preview.new_departments),
        ("新しく登録する設置場所", preview.new_locations),
        ("新しく追加する独自項目", preview.new_custom_fields),
    ):
        if names:
            print(f"{label}: {'、'.join(names)}")
    for title, items in (("問題", problems), ("注意", preview.notes())):
        if items:
            print(f"{title}:")
            for item in items[:MAX_PRINTED]:
                print(f"  {item}")
            if len(items) > MAX_PRINTED:
                print(f"  ほか {len(items) - MAX_PRINTED:,} 件")


def cmd_import_assets(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.gc_pause import gc_paused

    with gc_paused():
        return _import_assets(data_dir, args)


def _import_assets(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.cli import CommandError
    from app.interchange.table_reader import read_table
    from app.progress import terminal_progress
    from app.services.inventory.asset_import import apply_import, preview_import
    from app.store.database import open_database

    progress = terminal_progress()
    table = read_table(args.file, sheet=args.sheet, progress=progress)
    db = open_database(data_dir)
    try:
        with db.sessions() as session:
            mapping, source = _mapping(session, table, args)
        store = _secret_store(mapping)
        with db.sessions() as session:
            preview = preview_import(session, table, mapping, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        _print_preview(table, preview, source)
        if preview.file_problems:
            raise CommandError(
                f"列の対応に問題が {len(preview.file_problems)} 件あるため取り込みませんでした"
                "（データベースは変更していません）"
            )
        if preview.bad_rows and not args.skip_bad_rows:
            raise CommandError(
                f"問題のある行が {preview.bad_rows:,} 行あるため取り込みませんでした"
                "（データベースは変更していません。--skip-bad-rows で問題のある行を飛ばせます）"
            )
        if args.dry_run:
            print("試行のみ（--dry-run）: データベースは変更していません")
            return 0
        result = apply_import(
            db.sessions,
            preview,
            skip_bad_rows=args.skip_bad_rows,
            progress=progress,
            secrets=store,
        )
    finally:
        db.dispose()
    if progress is not None:
        print(file=sys.stderr)
    print(
        f"取り込みました: 作成 {result.created:,} 件 / 更新 {result.updated:,} 件 / "
        f"変更なし {result.unchanged:,} 件 / 飛ばした行 {result.skipped:,} 行 / "
        f"追加した独自項目 {result.custom_fields_added} 件"
    )
    if result.secrets.stored:
        print(
            f"キーリングに保存した値: {result.secrets.stored:,} 件"
            f"（認証情報の参照を作成。保存先: {result.secrets_kept_in}）"
        )
    if result.secrets.not_stored:
        raise CommandError(f"{result.secrets.message()}（資産の取り込みは完了しています）")
    return 0
