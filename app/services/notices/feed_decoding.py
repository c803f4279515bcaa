"""The text of a feed's bytes, whatever its XML declaration says.

Japanese sites serve feeds in UTF-8, Shift_JIS (really CP932: ①, ㈱, 髙 …) and EUC-JP,
and their declarations are sometimes wrong (a file saved again in another encoding,
a template that says ``ISO-8859-1``). feedparser trusts the declaration and falls back
to windows-1252, which turns Japanese into mojibake. So the bytes are decoded here,
before feedparser sees them, and handed to it as UTF-8 with a declaration saying so:

1. a byte-order mark decides (UTF-8, UTF-16, UTF-32);
2. ASCII-only bytes are ASCII (ISO-2022-JP, all 7-bit, when they hold its escapes);
3. bytes that are valid UTF-8 are UTF-8 — text in another encoding practically never is;
4. otherwise the declared encoding (Shift_JIS read as CP932), CP932 and EUC-JP are
   tried strictly; when the declared one is the only one that fits, it is used; when
   several fit (a short EUC-JP text can also be valid CP932, anything is valid
   ISO-8859-1), charset-normalizer chooses among them; when none fits, charset-normalizer
   is asked for any Japanese encoding, and failing that the feed is refused.

A declaration that disagrees with the encoding used is reported (``DecodedFeed.note``).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from app.services.notices.feed_error import FeedError

# Python's shift_jis lacks the NEC/IBM extensions every Windows-made file has.
_SUPERSETS = {"shift_jis": "cp932", "shift_jis_2004": "cp932", "shift_jisx0213": "cp932",
              "ascii": "cp1252", "latin_1": "cp1252", "iso8859_1": "cp1252"}  # fmt: skip
_JAPANESE = ("cp932", "euc_jp")
# charset-normalizer's names of encodings able to hold Japanese text.
_JAPANESE_GUESSES = frozenset(
    {"cp932", "shift_jis", "shift_jis_2004", "shift_jisx0213", "euc_jp", "euc_jis_2004",
     "euc_jisx0213", "iso2022_jp", "iso2022_jp_2", "iso2022_jp_ext", "utf_8"}
)  # fmt: skip
_LABELS = {
    "utf_8": "UTF-8", "utf_16": "UTF-16", "utf_32": "UTF-32", "ascii": "ASCII",
    "cp932": "Shift_JIS（CP932）", "euc_jp": "EUC-JP", "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP", "iso2022_jp": "ISO-2022-JP", "cp1252": "ISO-8859-1",
}  # fmt: skip
_NOT_TEXT = re.compile("[\x80-\x9f\uf8f0-\uf8f3]")
_DECLARATION = re.compile(
    rb"""^\s*<\?xml[^>]*?\bencoding\s*=\s*["']\s*([A-Za-z][A-Za-z0-9._:-]*)\s*["']"""
)
_DECLARATION_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?\bencoding\s*=\s*["'])([^"']*)(["'])""")


@dataclass(frozen=True)
class DecodedFeed:
    text: str
    encoding: str  # for people: 「Shift_JIS（CP932）」
    note: str | None  # the declaration was wrong: what was done


def label(codec: str) -> str:
    return _LABELS.get(codec, codec.upper().replace("_", "-"))


def _codec(name: str | None) -> str | None:
    """Python's codec for an encoding name, widened to its Windows superset; None when
    unknown."""
    if not name:
        return None
    try:
        codec = codecs.lookup(name).name.replace("-", "_")
    except LookupError:
        return None
    return _SUPERSETS.get(codec, codec)


def declared_encoding(data: bytes) -> str | None:
    """The encoding named by the XML declaration, as written."""
    m = _DECLARATION.match(data[:1024])
    return m.group(1).decode("ascii") if m else None


def as_utf8_xml(text: str) -> bytes:
    """``text`` as UTF-8 bytes whose XML declaration (if any) says UTF-8."""
    return _DECLARATION_TEXT.sub(r"\g<1>utf-8\g<3>", text, count=1).encode("utf-8")


def decode_feed(data: bytes, *, name: str, charset: str | None = None) -> DecodedFeed:
    """The text of feed bytes (module docstring). ``charset``: the HTTP Content-Type's,
    used when the XML declaration names none. Raises FeedError naming ``name``."""
    for bom, marked in (
        (codecs.BOM_UTF8, "utf_8"),
        (codecs.BOM_UTF32_LE, "utf_32"),
        (codecs.BOM_UTF32_BE, "utf_32"),
        (codecs.BOM_UTF16_LE, "utf_16"),
        (codecs.BOM_UTF16_BE, "utf_16"),
    ):
        if data.startswith(bom):
            start = len(bom) if marked == "utf_8" else 0
            return DecodedFeed(_strict(data[start:], marked, name), label(marked), None)
    if b"\x00" in data[:4096]:
        raise FeedError(f"フィードではありません: {name}（文字ではないデータが含まれています）")
    declared = declared_encoding(data) or charset
    codec = _codec(declared)
    if data.isascii():
        if b"\x1b$" in data:
            return DecodedFeed(_strict(data, "iso2022_jp", name), label("iso2022_jp"), None)
        return DecodedFeed(data.decode("ascii"), "ASCII", None)
    try:
        text = _decode(data, "utf_8")
    except UnicodeDecodeError:
        pass
    else:
        return DecodedFeed(text, "UTF-8", _mismatch(declared, codec, "utf_8"))
    candidates = list(dict.fromkeys(c for c in (codec, *_JAPANESE) if c and c != "utf_8"))
    fitting = [c for c in candidates if _fits(data, c)]
    chosen: str | None
    if fitting == [codec]:
        chosen = codec
    elif fitting:
        chosen = _choose(data, fitting) or (codec if codec in fitting else fitting[0])
    else:
        chosen = _guess_japanese(data)
    if chosen is None:
        raise FeedError(
            f"フィードの文字コードを判別できません: {name}（UTF-8・Shift_JIS・EUC-JP の"
            "どれとしても読めません。ファイルが壊れている可能性があります）"
        )
    text = _decode(data, chosen)
    return DecodedFeed(text, label(chosen), _mismatch(declared, codec, chosen))


def _decode(data: bytes, codec: str) -> str:
    """``data`` decoded strictly — but for a character cut off at the very end (a
    download that stopped): the text before it, which parse_feed then refuses as cut."""
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        if exc.end < len(data) or exc.start < len(data) - 3:
            raise
        return data[: exc.start].decode(codec)


def _strict(data: bytes, codec: str, name: str) -> str:
    try:
        return _decode(data, codec)
    except UnicodeDecodeError as exc:
        raise FeedError(
            f"フィードを {label(codec)} として読めません: {name}"
            f"（{exc.start + 1:,}バイト目。ファイルが壊れている可能性があります）"
        ) from exc


def _fits(data: bytes, codec: str) -> bool:
    """Whether ``data`` decodes strictly into text (no C1 controls, none of the private
    characters Python's CP932 gives the single bytes 0x80, 0xA0, 0xFD–0xFF)."""
    try:
        text = _decode(data, codec)
    except (UnicodeDecodeError, LookupError):
        return False
    return _NOT_TEXT.search(text) is None


def _choose(data: bytes, codecs_: list[str]) -> str | None:
    """charset-normalizer's choice among encodings that all decode ``data``."""
    if len(codecs_) == 1:
        return codecs_[0]
    from charset_normalizer import from_bytes

    best = from_bytes(data, cp_isolation=codecs_).best()
    return None if best is None else _codec(best.encoding)


def _guess_japanese(data: bytes) -> str | None:
    """charset-normalizer's guess, when it is an encoding for Japanese that decodes."""
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding not in _JAPANESE_GUESSES:
        return None
    codec = _codec(best.encoding)
    return codec if codec and _fits(data, codec) else None


def _mismatch(declared: str | None, codec: str | None, used: str) -> str | None:
    if declared is None or codec == used or (codec == "cp1252" and used == "ascii"):
        return None
    return (
        f"フィードの文字コードの宣言（{declared}）が実際の文字コードと違うため、"
        f"{label(used)} として読みました"
    )
