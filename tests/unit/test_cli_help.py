"""`hitori --help`, every subcommand's help and argparse's own messages in Japanese, laid
out in display columns; `hitori demo` counts named in Japanese."""

from __future__ import annotations

import argparse
import inspect
import re
from collections.abc import Iterator

import pytest

from app import argparse_ja
from app.argparse_ja import display_width, wrap
from app.cli import build_parser, main
from app.services.demo import counts_in_words

ENGLISH = ("usage:", "options:", "positional arguments", "show this help", "error:", "COMMAND")


def parsers(
    parser: argparse.ArgumentParser, name: str = "hitori"
) -> Iterator[tuple[str, argparse.ArgumentParser]]:
    yield name, parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub_name, sub in action.choices.items():
                yield from parsers(sub, f"{name} {sub_name}")


ALL = list(parsers(build_parser()))


def test_every_word_argparse_can_say_has_a_japanese_one() -> None:
    source = inspect.getsource(argparse)
    said = set(re.findall(r"\b_\('((?:[^'\\]|\\.)*)'\)", source))
    said |= set(re.findall(r'\b_\("((?:[^"\\]|\\.)*)"\)', source))
    plurals = set(re.findall(r"ngettext\(\s*'([^']*)'", source))
    said = {s.encode().decode("unicode_escape") for s in said}
    assert said, "argparse's words were not found: the pattern needs updating"
    assert said - set(argparse_ja.WORDS) == set()
    assert plurals and plurals - set(argparse_ja.PLURAL_WORDS) == set()


@pytest.mark.parametrize(("name", "parser"), ALL, ids=[n for n, _p in ALL])
def test_each_help_is_japanese_and_describes_every_option(name, parser, monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = parser.format_help()
    assert text.startswith(f"使い方: {name}")
    for word in ENGLISH:
        assert word not in text, f"{name}: {word!r} in its help"
    for action in parser._actions:
        if action.help == argparse.SUPPRESS:
            continue
        shown = action.metavar or action.dest
        assert action.help, f"{name}: {shown} has no description"
        assert not re.fullmatch(r"[A-Z_]+", str(action.metavar or "")), f"{name}: {shown}"
        if not action.option_strings and not isinstance(action, argparse._SubParsersAction):
            assert action.metavar, f"{name}: the argument {action.dest} is shown in English"
        if action.option_strings and action.nargs != 0 and action.choices is None:
            assert action.metavar, f"{name}: {action.option_strings[0]} shows {action.dest}"
    body = text.split("\n\n", 1)[1]  # after the usage lines
    for line in body.splitlines():
        assert display_width(line) <= 100, f"{name}: too wide: {line}"


def test_help_columns_line_up_in_display_width(monkeypatch) -> None:
    monkeypatch.setenv("COLUMNS", "100")
    text = dict(ALL)["hitori import assets"].format_help()
    starts = set()
    for line in text.splitlines():
        found = re.match(r"^(  \S.*?)(  +)(\S.*)$", line)
        if found:
            starts.add(display_width(found.group(1) + found.group(2)))
    assert starts == {24}  # every description starts in one column


@pytest.mark.parametrize(
    ("argv", "said"),
    [
        (["demo", "--size", "huge"], "hitori demo: エラー: 引数 --size: 選べない値です: 'huge'"),
        (["demo", "--seed", "x"], "値が正しくありません（整数）: 'x'"),
        (["import"], "hitori import: エラー: 次の引数が必要です: 対象"),
        (["search", "a", "--bogus"], "hitori: エラー: 使えない引数です: --bogus"),
        (["frob"], "引数 コマンド: 選べない値です: 'frob'"),
        (["search", "a", "--limit"], "引数 --limit: 値を1つ指定してください"),
    ],
)
def test_usage_errors_are_japanese(argv, said, capsys) -> None:
    with pytest.raises(SystemExit) as exited:
        main(argv)
    err = capsys.readouterr().err
    assert exited.value.code == 2
    assert said in err and err.startswith("使い方: hitori")


def test_version_is_described_and_printed(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["--version"])
    assert capsys.readouterr().out.startswith("hitori ")
    assert "バージョンを表示して終了する" in build_parser().format_help()


def test_wrapping_counts_columns_and_keeps_punctuation_with_its_line() -> None:
    text = "秘密の値（パスワード・ライセンスキーなど）の列の扱い。keyring: 値ごとに参照を作る"
    lines = wrap(text, 20)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
    assert all(display_width(line) <= 22 for line in lines)  # 、。） may hang past the edge
    assert not any(line[0] in "、。）」" for line in lines)
    assert wrap("a-very-long-option-name-indeed short", 10)[0] == "a-very-long-option-name-indeed"


def test_demo_counts_are_named_in_japanese() -> None:
    words = counts_in_words(
        {"departments": 14, "assets": 200, "contract_systems": 78, "asset_systems": 57,
         "search_docs": 2088}
    )  # fmt: skip
    assert words == [("部署", 14), ("資産", 200), ("関連付け", 135), ("検索索引", 2088)]
