"""argparse's own words in Japanese: 「使い方」, 「オプション」, its error messages.

argparse looks its words up through ``gettext`` in the process-wide default domain, with
the language taken from LANGUAGE / LC_ALL / LANG — which a Windows PC does not set, and
which no catalogue of argparse's words ships for. So :func:`install` points argparse's two
lookup functions (the module's ``_`` and ``ngettext``, bound from gettext at its import)
at the catalogue below. tests/unit/test_cli_help.py reads argparse's source and fails
when a Python upgrade adds a word the catalogue lacks.
"""

from __future__ import annotations

import argparse
import unicodedata
from typing import Any

WORDS: dict[str, str] = {
    "usage: ": "使い方: ",
    "positional arguments": "引数",
    "options": "オプション",
    "show this help message and exit": "この説明を表示して終了する",
    "%(prog)s: error: %(message)s\n": "%(prog)s: エラー: %(message)s\n",
    "the following arguments are required: %s": "次の引数が必要です: %s",
    "unrecognized arguments: %s": "使えない引数です: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": (
        "選べない値です: %(value)r（選べる値: %(choices)s）"
    ),
    "invalid %(type)s value: %(value)r": "値が正しくありません（%(type)s）: %(value)r",
    "argument %(argument_name)s: %(message)s": "引数 %(argument_name)s: %(message)s",
    "expected one argument": "値を1つ指定してください",
    "expected at most one argument": "値は1つまでです",
    "expected at least one argument": "値を1つ以上指定してください",
    "ambiguous option: %(option)s could match %(matches)s": (
        "オプション %(option)s が特定できません（候補: %(matches)s）"
    ),
    "not allowed with argument %s": "引数 %s と一緒には使えません",
    "one of the arguments %s is required": "引数 %s のどれか1つが必要です",
    "ignored explicit argument %r": "値 %r は指定できません",
    "unknown parser %(parser_name)r (choices: %(choices)s)": (
        "サブコマンド %(parser_name)r はありません（選べるもの: %(choices)s）"
    ),
    "can't open '%(filename)s': %(error)s": "'%(filename)s' を開けません: %(error)s",
    # Mistakes in the program's own parser definitions (not seen by users), kept so that
    # every word argparse can say is here.
    "%r is not callable": "%r は呼び出せません",
    ".__call__() not defined": ".__call__() が定義されていません",
    'argument "-" with mode %r': "モード %r の引数 “-”",
    "cannot have multiple subparser arguments": "サブコマンドの引数は1つだけです",
    "cannot merge actions - two groups are named %r": "同じ名前 %r のグループがあります",
    "conflicting subparser alias: %s": "サブコマンドの別名が重複しています: %s",
    "conflicting subparser: %s": "サブコマンドが重複しています: %s",
    "dest= is required for options like %r": "%r のようなオプションには dest= が必要です",
    "invalid conflict_resolution value: %r": "conflict_resolution の値が正しくありません: %r",
    "mutually exclusive arguments must be optional": "排他の引数はオプションにしてください",
    "unexpected option string: %s": "予期しないオプション: %s",
    "'required' is an invalid argument for positionals": ("位置引数に 'required' は指定できません"),
}

# ngettext's words: the singular's msgid → (singular, plural) in Japanese (one form).
PLURAL_WORDS: dict[str, str] = {
    "expected %s argument": "値を %s 個指定してください",
    "conflicting option string: %s": "オプションが重複しています: %s",
}


def translate(message: str) -> str:
    return WORDS.get(message, message)


def translate_plural(singular: str, plural: str, n: int) -> str:
    if singular in PLURAL_WORDS:
        return PLURAL_WORDS[singular]
    return singular if n == 1 else plural


def install(module: Any = argparse) -> None:
    """argparse says its words in Japanese from now on (idempotent)."""
    module._ = translate
    module.ngettext = translate_plural


# --- laying out Japanese help ------------------------------------------------------------
# argparse measures and wraps text by characters; a Japanese character takes two columns
# of a terminal, so its help ran past the edge and its columns did not line up. The
# formatter below measures by display width (unicodedata's East Asian Width) and wraps
# between any two Japanese characters, never before closing punctuation.

_NO_LINE_START = frozenset("、。，．・：；？！ー）」』】〕］｝〉》’”)]},.:;!?")


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _tokens(text: str) -> list[str]:
    """Units a line may break between: each wide character, each run of narrow ones
    (a word with the spaces after it)."""
    out: list[str] = []
    for char in text:
        prev = out[-1][-1] if out else ""
        narrow = prev and display_width(prev) == 1 and display_width(char) == 1
        if narrow and not (prev == " " and char != " "):
            out[-1] += char
        else:
            out.append(char)
    return out


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns (a longer word stands alone)."""
    lines: list[str] = []
    line = ""
    for token in _tokens(" ".join(text.split())):
        if line and display_width(line + token.rstrip()) > width and token[0] not in _NO_LINE_START:
            lines.append(line.rstrip())
            line = token.lstrip()
        else:
            line += token
    if line.strip():
        lines.append(line.rstrip())
    return lines


class HelpFormatter(argparse.HelpFormatter):
    """argparse's layout, measured in display columns."""

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is argparse.SUPPRESS:
            return
        invocations = [self._format_action_invocation(action)]
        invocations += [
            self._format_action_invocation(a) for a in self._iter_indented_subactions(action)
        ]
        longest = max(display_width(s) for s in invocations) + self._current_indent
        self._action_max_length = max(self._action_max_length, longest)

    def _format_action(self, action: argparse.Action) -> str:
        text = super()._format_action(action)
        header = " " * self._current_indent + self._format_action_invocation(action)
        first, newline, rest = text.partition("\n")
        helped = first[len(header) :]
        if not first.startswith(header) or not helped.startswith("  ") or not helped.strip():
            return text
        column = min(self._action_max_length + 2, self._max_help_position)
        padding = column - display_width(header)
        if padding >= 2:
            first = header + " " * padding + helped.lstrip(" ")
        else:  # too wide once measured: the help goes under it, as argparse does
            first = header + "\n" + " " * column + helped.lstrip(" ")
        return first + newline + rest

    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class ArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser that speaks Japanese; its subcommands' parsers are of this
    class too (argparse makes them of the class of the parser they belong to)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        install()
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(*args, **kwargs)


def integer(text: str) -> int:
    """``type=`` for whole numbers, named 整数 in argparse's message."""
    return int(text)


integer.__name__ = "整数"
