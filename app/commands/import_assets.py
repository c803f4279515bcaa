"""``hitori import assets FILE``: bring a CSV/XLSX ledger into the asset ledger.

    hitori import assets 台帳.csv --dry-run
    hitori import assets 台帳.xlsx --sheet 資産一覧 --map 'PC名=name' --map 'メモ=-'
    hitori import assets 台帳.csv --secret-column 'パスワード=keyring' --secret-column 'PIN=skip'
    hitori import assets 台帳.csv --value '種別=複合機:プリンタ・複合機' --value '部署=旧課:' \
        --create-missing

Values of the lookup columns (種別, 部署, 設置場所, メーカー, ネットワーク区分, 状態)
that name no registered entry are problems, each said once with its rows and the
entries it resembles, until they are decided: ``--value '列=元の値:登録値'`` maps one
(列: the file's header or the field's name; an empty 登録値 leaves the cell out), and
``--create-missing`` registers the rest as new entries (not 状態 / ネットワーク区分,
which are fixed lists). A saved profile's value choices apply first; ``--value``
overrides them.

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


def _value_arg(text: str) -> tuple[str, str, str]:
    column, sep, rest = text.partition("=")
    source, colon, target = rest.partition(":")
    if not sep or not colon or not column.strip() or not source.strip():
        raise argparse.ArgumentTypeError(
            "「列=元の値:登録値」の形で指定してください"
            f"（登録値を空にすると取り込みません）: {text}"
        )
    return column.strip(), source.strip(), target.strip()


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    imp = sub.add_parser("import", parents=[common], help="台帳ファイルを取り込む")
    kinds = imp.add_subparsers(
        dest="import_kind",
        metavar="対象",
        title="取り込む対象",
        help="何を取り込むか",
        required=True,
    )
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
    p.add_argument(
        "file", type=Path, metavar="ファイル", help="取り込むファイル（.csv / .txt / .xlsx）"
    )
    p.add_argument("--dry-run", action="store_true", help="確認だけして書き込まない")
    p.add_argument(
        "--skip-bad-rows", action="store_true", help="問題のある行を飛ばして残りを取り込む"
    )
    p.add_argument("--sheet", metavar="シート名", help="XLSXのシート名（既定: 最初のシート）")
    p.add_argument("--profile", metavar="設定名", help="保存済みの取込設定（列と値の対応）の名前")
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
    p.add_argument(
        "--value",
        action="append",
        default=[],
        type=_value_arg,
        metavar="列=元の値:登録値",
        help="種別・部署・設置場所・メーカー・ネットワーク区分・状態の列で、登録されていない"
        "値を登録済みの値に対応付ける（登録値が空なら取り込まない）。何度でも指定可",
    )
    p.add_argument(
        "--create-missing",
        action="store_true",
        help="対応付けていない未登録の種別・部署・設置場所・メーカーを新しく登録する",
    )
    p.set_defaults(handler=cmd_import_assets)


def _mapping(session: Any, table: Any, args: argparse.Namespace) -> tuple[dict[str, str], str, Any]:
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
    return mapping, source, profile


def _value_choices(mapping: dict[str, str], profile: Any, args: argparse.Namespace) -> Any:
    """The profile's value choices, then --value and --create-missing."""
    from app.cli import CommandError
    from app.interchange.asset_mapping import normalize_header
    from app.services.inventory.import_values import (
        EMPTY,
        LOOKUP_FIELDS,
        ValueChoice,
        ValueChoices,
        lookup_label,
    )

    choices = ValueChoices.from_json(profile.options.get("values") if profile else None)
    choices.create_missing = choices.create_missing or args.create_missing
    by_label = {normalize_header(lookup_label(f)): f for f in LOOKUP_FIELDS}
    for column, source, target in args.value:
        field = mapping.get(column)
        if field is None:
            field = by_label.get(normalize_header(column), column)
            if field not in mapping.values():
                field = None
        if field not in LOOKUP_FIELDS:
            names = "・".join(lookup_label(f) for f in LOOKUP_FIELDS)
            raise CommandError(
                f"--value の列「{column}」は値を対応付けられる列ではありません（{names}の列を、"
                "ファイルの見出しか項目名で指定してください。データベースは変更していません）"
            )
        choices.set(field, source, ValueChoice.map(target) if target else EMPTY)
    return choices


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
    from app.services.inventory.asset_import_rows import grouped

    problems = preview.problems()
    print(
        f"作成 {preview.count('create'):,} 件 / 更新 {preview.count('update'):,} 件 / "
        f"変更なし {preview.count('unchanged'):,} 件 / 問題 {len(problems):,} 件"
        f"（{preview.bad_rows:,} 行）"
    )
    if preview.values:
        for field, source, choice in preview.values.items():
            print(f"値の対応（{target_label(field)}）: {choice.describe(source)}")
    for column in preview.secret_columns:
        print(f"秘密の値の列: {column.describe()}")
    for label, names in (
        ("新しく登録する部署", preview.new_departments),
        ("新しく登録する設置場所", preview.new_locations),
        ("新しく登録する種別", preview.new_types),
        ("新しく登録するメーカー", preview.new_manufacturers),
        ("新しく追加する独自項目", preview.new_custom_fields),
    ):
        if names:
            print(f"{label}: {'、'.join(names)}")
    for title, items in (("問題", grouped(problems)), ("注意", grouped(preview.notes()))):
        if items:
            print(f"{title}:")
            for item in items[:MAX_PRINTED]:
                print(f"  {item}")
            if len(items) > MAX_PRINTED:
                print(f"  ほか {len(items) - MAX_PRINTED:,} 件")
    _print_value_hints(preview)


def _print_value_hints(preview: Any) -> None:
    """How to resolve unknown lookup values, with a ready --value for the first one."""
    from app.services.inventory.import_values import CREATABLE

    if not preview.unresolved:
        return
    _field, header, value = preview.unresolved[0]
    print(
        "未登録の値の解決方法: --value '列=元の値:登録値' で登録済みの値に対応付ける"
        f"（例: --value '{header}={value}:登録値'。登録値を空にすると取り込まない）"
    )
    if any(f in CREATABLE for f, _h, _v in preview.unresolved):
        print(
            "  または --create-missing で、対応付けていない種別・部署・設置場所・メーカーを"
            "新しく登録する"
        )


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
            mapping, source, profile = _mapping(session, table, args)
        values = _value_choices(mapping, profile, args)
        store = _secret_store(mapping)
        with db.sessions() as session:
            preview = preview_import(session, table, mapping, values=values, progress=progress)
        if progress is not None:
            print(file=sys.stderr)
        _print_preview(table, preview, source)
        if preview.file_problems:
            raise CommandError(
                f"列の対応に問題が {len(preview.file_problems)} 件あるため取り込みませんでした"
                "（データベースは変更していません）"
            )
        if preview.bad_rows and not args.skip_bad_rows:
            values = (
                "--value か --create-missing で未登録の値の扱いを決めるか、"
                if preview.unresolved
                else ""
            )
            raise CommandError(
                f"問題のある行が {preview.bad_rows:,} 行あるため取り込みませんでした"
                f"（データベースは変更していません。{values}--skip-bad-rows で問題のある行を"
                "飛ばせます）"
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
    added = [
        ("種別", result.types_added),
        ("部署", result.departments_added),
        ("設置場所", result.locations_added),
    ]
    if any(n for _label, n in added):
        print("新しく登録: " + "、".join(f"{label} {n:,} 件" for label, n in added if n))
    if result.secrets.stored:
        print(
            f"キーリングに保存した値: {result.secrets.stored:,} 件"
            f"（認証情報の参照を作成。保存先: {result.secrets_kept_in}）"
        )
    if result.secrets.not_stored:
        raise CommandError(f"{result.secrets.message()}（資産の取り込みは完了しています）")
    return 0
