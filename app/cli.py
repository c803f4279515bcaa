"""The ``hitori`` command: the GUI by default, subcommands for headless work.

Exit codes: 0 success; 1 bad input or a refused operation (one line on stderr,
the database unchanged); 2 usage errors.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from app import __version__, argparse_ja
from app.errors import UserError
from app.gc_pause import end_start_up, pause_gc, skip_collection_at_exit
from app.paths import DataDir, default_data_dir

log = logging.getLogger("hitori.cli")


# Modules that add subcommands: each has ``register(subparsers, common_parser)`` and
# sets ``handler=fn(data_dir, args) -> int`` on its parsers.
COMMAND_MODULES: list[str] = [
    "app.commands.secrets",
    "app.commands.export_assets",
    "app.commands.import_assets",
    "app.commands.notices",
    "app.commands.calendar",
    "app.commands.tasks",
    "app.commands.schedule",
    "app.commands.regulations",
    "app.commands.digest",
]

# What the window needs from the layers below app/ui, imported before Qt (load_gui):
# PySide6's import hook reads the source of every module imported after it, which for
# SQLAlchemy alone adds a tenth to the start-up. tests/unit/test_layering.py checks that
# opening the window imports nothing of SQLAlchemy, filelock or app.store after PySide6.
BEFORE_QT: tuple[str, ...] = (
    "sqlalchemy.orm",
    "filelock",
    "app.store.models",
    "app.store.database",
    "app.store.backup",
    "app.services.backups",  # the daily backups, here and at the destination
    "app.store.search_index",
    "app.store.instance",
    "app.store.errors",
    "app.services.dashboard",  # the first view's
    "app.logs",  # the GUI's logging set-up
    # What filelock loads on first use, when opening the database takes the folder's
    # read-write lock (app.store.access).
    "filelock._sqlite",
    "ctypes",
)
# Commands whose whole run is start-up (a bounded read): the collector stays paused
# until they end. Other commands get it back when their own work begins.
PAUSED_THROUGHOUT = frozenset({"search"})


class CommandError(UserError):
    """A refused operation; the message is the one line printed on stderr."""


def build_parser() -> argparse.ArgumentParser:
    common = argparse_ja.ArgumentParser(add_help=False)
    common.add_argument(
        "--data-dir",
        type=Path,
        default=argparse.SUPPRESS,
        metavar="フォルダ",
        help="データフォルダ（既定: ユーザーごとのフォルダ、環境変数 HITORI_DATA_DIR）",
    )
    parser = argparse_ja.ArgumentParser(
        prog="hitori",
        description="ひとり情シス手帳。コマンドを付けずに起動すると画面を開きます。",
        parents=[common],
    )
    parser.add_argument(
        "--version",
        action="version",
        version=f"hitori {__version__}",
        help="バージョンを表示して終了する",
    )
    parser.add_argument(
        "--self-test",
        action="store_true",
        help="画面を開いて全画面を表示し、計測値をJSONで出力して終了する",
    )
    sub = parser.add_subparsers(
        dest="command",
        metavar="コマンド",
        title="コマンド",
        help="（hitori コマンド -h で詳しい説明）",
    )

    sub.add_parser(
        "init", parents=[common], help="データベースを作成・更新する",
        description="データフォルダにデータベースを作成するか、古い形式のデータベースを更新します。",
    )  # fmt: skip

    demo = sub.add_parser(
        "demo", parents=[common], help="デモ環境（架空の町のデータ）を作る",
        description="架空の町「ひとり町」のデモデータを、実際のデータとは別のデモ環境の"
        "フォルダに作成します（既定: データフォルダの隣の「…-demo」フォルダ）。--data-dir を"
        "指定すると、そのフォルダ（新しいフォルダかデモ環境）に作成します。実際のデータベースが"
        "あるフォルダには作成しません。",
    )  # fmt: skip
    demo.add_argument(
        "--size", choices=["small", "medium", "large"], default="small",
        help="データの量（small: 資産200件、medium: 5,000件、large: 50,000件。既定 small）",
    )  # fmt: skip
    demo.add_argument(
        "--seed", type=argparse_ja.integer, default=1, metavar="数",
        help="乱数の種（同じ種なら同じデータ。既定 1）",
    )  # fmt: skip

    search = sub.add_parser(
        "search", parents=[common], help="全体を検索する",
        description="資産・契約・通知など、記録全体を検索します。",
    )  # fmt: skip
    search.add_argument("query", metavar="語", help="探す語（空白で区切るとすべてを含むもの）")
    search.add_argument("--json", action="store_true", help="結果をJSONで出力する")
    search.add_argument(
        "--limit", type=argparse_ja.integer, default=8, metavar="件数",
        help="分類ごとの件数（既定 8）",
    )  # fmt: skip

    backup = sub.add_parser(
        "backup", parents=[common], help="バックアップを作成する",
        description="使用中でも安全にデータベースのバックアップを作成します。",
    )  # fmt: skip
    backup.add_argument(
        "--out", type=Path, metavar="ファイル",
        help="出力ファイル（既定: データフォルダ/backups/）",
    )  # fmt: skip

    restore = sub.add_parser(
        "restore", parents=[common], help="バックアップから復元する",
        description="バックアップを検証してから、今のデータベースと入れ替えます"
        "（今のデータベースは保存しておきます）。",
    )  # fmt: skip
    restore.add_argument("file", type=Path, metavar="ファイル", help="復元するバックアップファイル")

    check = sub.add_parser(
        "check", parents=[common], help="データベースの整合性を検査する",
        description="データベースファイル、外部キー、検索索引、添付ファイルを検査します。",
    )  # fmt: skip
    check.add_argument(
        "--reindex",
        action="store_true",
        help="検索索引を作り直してから検査する（検索索引の問題が報告されたとき）",
    )
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub, common)
    return parser


def load_gui() -> Callable[..., int]:
    """``app.ui.app_main.run_gui``; what it needs from below app/ui is imported first."""
    for name in BEFORE_QT:
        importlib.import_module(name)
    from app.ui.app_main import run_gui  # Qt is loaded only for the GUI

    return run_gui


def resolve_data_dir(args: argparse.Namespace) -> DataDir:
    return DataDir(getattr(args, "data_dir", None) or default_data_dir())


def main(argv: Sequence[str] | None = None) -> int:
    """The program: the GUI, or one command. Meant to be the process's entry point:
    start-up runs with the garbage collector paused (app.gc_pause), and a command
    leaves nothing for the interpreter's last collection."""
    resume_gc = pause_gc()
    try:
        return _main(argv, resume_gc)
    finally:
        resume_gc()


def _main(argv: Sequence[str] | None, resume_gc: Callable[[], None]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    data_dir = resolve_data_dir(args)
    if args.command is None:
        # The GUI ends the collector's pause once its first view is shown.
        return load_gui()(data_dir, self_test=args.self_test, resume_gc=resume_gc)
    if args.self_test:
        parser.error("--self-test はサブコマンドと一緒に使えません")
    from app.logs import setup_logging

    setup_logging(data_dir.logs if _is_dir(data_dir.root) else None)
    handler = getattr(args, "handler", None) or COMMANDS[args.command]
    if args.command not in PAUSED_THROUGHOUT:
        end_start_up(resume_gc)
    code = _run_command(handler, data_dir, args)
    skip_collection_at_exit()
    return code


def _run_command(
    handler: Callable[[DataDir, argparse.Namespace], int],
    data_dir: DataDir,
    args: argparse.Namespace,
) -> int:
    try:
        return handler(data_dir, args)
    except KeyboardInterrupt:
        print("hitori: 中断しました", file=sys.stderr)
        return 1
    except BrokenPipeError:
        # The reader went away (e.g. `hitori search 課 | head`): not an error of ours.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return 0
    except Exception as exc:
        message = _user_message(exc)
        if message is None:
            raise
        from app.store.database import note_failure

        note_failure(data_dir, exc)
        print(f"hitori: {message}", file=sys.stderr)
        return 1


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:  # a name too long, a path through a file...: the command will say
        return False


def _user_message(exc: BaseException) -> str | None:
    """A one-line message for errors that are the input's or the environment's fault."""
    from app.store.errors import classify

    if isinstance(exc, UserError):
        return " / ".join(str(exc).splitlines())
    problem = classify(exc)
    if problem is not None:
        return problem.message
    if isinstance(exc, OSError) and exc.filename:
        # The file system refused a path the user gave (or one made from it).
        from app.input_file import os_error_reason

        return f"ファイルまたはフォルダを扱えません: {exc.filename}（{os_error_reason(exc)}）"
    return None


def _open(data_dir: DataDir, *, read_only: bool = False):  # type: ignore[no-untyped-def]
    from app.store.database import open_database

    return open_database(data_dir, read_only=read_only)


def cmd_init(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.store.migrations import current_revision

    db = _open(data_dir)
    try:
        rev = current_revision(db.engine)
    finally:
        db.dispose()
    print(f"データベース: {data_dir.db_path}（スキーマ {rev}）")
    if db.upgraded_from_copy:
        print(f"更新前のファイルを保存しました: {db.upgraded_from_copy}")
    return 0


def cmd_demo(data_dir: DataDir, args: argparse.Namespace) -> int:
    """The demo environment: in the folder given with --data-dir (new, or a demo
    environment already), else in the demo folder beside the user's data folder."""
    from app.paths import demo_dir_for
    from app.services.demo import DemoError, counts_in_words
    from app.services.demo.environment import make_demo_environment

    if getattr(args, "data_dir", None) is None:
        data_dir = DataDir(demo_dir_for(data_dir.root))
    interactive = sys.stderr.isatty()

    def show(done: int, total: int, message: str) -> None:
        if interactive:
            percent = 100 * done // max(total, 1)
            print(f"\r{message}… {percent:3d}%\033[K", end="", file=sys.stderr, flush=True)

    try:
        counts = make_demo_environment(data_dir, size=args.size, seed=args.seed, progress=show)
    except DemoError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        if interactive:
            print(file=sys.stderr)
    summary = "、".join(f"{label} {n:,} 件" for label, n in counts_in_words(counts))
    print(f"デモデータを作成しました: {summary}")
    print(f"デモ環境のフォルダ: {data_dir.root}")
    print(f'開くには: hitori --data-dir "{data_dir.root}"（実際のデータには影響しません）')
    return 0


def cmd_search(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.search import search_connection
    from app.store.quick_read import quick_reader

    per_group = max(1, args.limit)
    with quick_reader(data_dir) as conn:  # the standard library alone, when it can
        results = search_connection(conn, args.query, per_group=per_group) if conn else None
    if results is None:  # a database to create, upgrade or verify first: the full way
        from app.services.search import global_search

        db = _open(data_dir, read_only=True)
        try:
            with db.sessions() as session:
                results = global_search(session, args.query, per_group=per_group)
        finally:
            db.dispose()
    if args.json:
        payload = {
            "query": results.query,
            "elapsed_ms": round(results.elapsed_ms, 2),
            "groups": [
                {
                    "kind": g.kind,
                    "label": g.label,
                    "more": g.more,
                    "hits": [
                        {"id": h.ref_id, "title": h.title, "subtitle": h.subtitle, "score": h.score}
                        for h in g.hits
                    ],
                }
                for g in results.groups
            ],
        }
        print(json.dumps(payload, ensure_ascii=False))
        return 0
    if not results.groups:
        print(f"「{results.query}」に一致するものはありません")
        return 0
    for group in results.groups:
        print(f"■ {group.label}")
        for hit in group.hits:
            sub = f"  [{hit.subtitle}]" if hit.subtitle else ""
            print(f"  {hit.title}{sub}  (#{hit.ref_id})")
        if group.more:
            print("  …")
    return 0


def cmd_backup(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.store.backup import backup_out, backup_to
    from app.store.sqlite_files import can_write

    # Held shared for the copy: no restore or upgrade can replace the file meanwhile.
    db = _open(data_dir, read_only=True)
    try:
        if args.out:
            root = data_dir.root if can_write(data_dir.db_path) else None
            out = backup_out(data_dir.db_path, Path(args.out), root=root)
        else:
            out = backup_to(data_dir.db_path, data_dir.backups, reason="manual")
    finally:
        db.dispose()
    print(f"バックアップを作成しました: {out}")
    return 0


def cmd_restore(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.store.restore import restore_database

    source = Path(args.file)
    try:
        data_dir.root.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        from app.input_file import os_error_reason

        raise CommandError(
            f"データフォルダを作成できません: {data_dir.root}（{os_error_reason(exc)}）"
        ) from exc
    result = restore_database(data_dir.root, data_dir.db_path, data_dir.backups, source)
    print(f"復元しました: {source} → {data_dir.db_path}")
    if result.revision_before is not None:
        from app.store.migrations import HEAD_REVISION

        if result.revision_before != HEAD_REVISION:
            print(
                f"バックアップのスキーマを {result.revision_before} から {HEAD_REVISION} に"
                "更新しました"
            )
    if result.attachments_restored:
        print(f"添付ファイル {result.attachments_restored:,} 個を戻しました")
    if result.missing_attachments:
        shown = "、".join(result.missing_attachments[:5])
        more = (
            f" ほか{len(result.missing_attachments) - 5}件"
            if len(result.missing_attachments) > 5
            else ""
        )
        print(
            f"注意: 添付ファイル {len(result.missing_attachments):,} 件の実体が見つかりませんでした"
            f"（{shown}{more}）。hitori check で確認できます",
            file=sys.stderr,
        )
    if result.aside:
        print(f"復元前のデータベースを保存しました: {result.aside}")
    return 0


def cmd_check(data_dir: DataDir, args: argparse.Namespace) -> int:
    from app.services.maintenance import (
        check_database,
        check_hint,
        reindex_search,
        tidy_attachments,
    )

    if not data_dir.db_path.exists():
        raise CommandError(f"データベースがありません: {data_dir.db_path}")
    if args.reindex:
        from app.progress import terminal_progress

        progress = terminal_progress()
        count = reindex_search(data_dir, progress=progress.report if progress else None)
        if progress is not None:
            print(file=sys.stderr)
        print(f"検索索引を作り直しました（{count:,} 件）")
        rows, files = tidy_attachments(data_dir)
        if rows or files:
            print(f"添付ファイルを整理しました（添付先のない添付 {rows:,} 件、"
                  f"参照されていないファイル {files:,} 個を削除）")  # fmt: skip
    report = check_database(data_dir)
    for line in report.lines:
        print(line)
    if not report.ok:
        hint = check_hint(report, reindexed=args.reindex)
        raise CommandError(f"問題が見つかりました（上記を参照）。{hint}")
    return 0


COMMANDS: dict[str, Callable[[DataDir, argparse.Namespace], int]] = {
    "init": cmd_init,
    "demo": cmd_demo,
    "search": cmd_search,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "check": cmd_check,
}

if __name__ == "__main__":
    sys.exit(main())
