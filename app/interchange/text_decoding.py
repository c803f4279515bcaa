"""Decode the bytes of a CSV ledger: BOM, strict UTF-8, strict CP932 — nothing else.

Order: a byte-order mark (UTF-8 / UTF-16LE / UTF-16BE) decides; NUL bytes mean UTF-16
without a BOM (when every other byte is NUL) or a binary file; else strict UTF-8, then
strict CP932 (Windows Shift_JIS: ①, ㈱, 髙 included). A file that is none of these is
refused; charset-normalizer is asked only to name the likely encoding in the message.
A file mixing UTF-8 and CP932 lines is refused naming the line (and column) at fault.
"""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable

from app.interchange.csv_reader import detect_delimiter
from app.interchange.table_data import TableReadError

_PUA_RE = re.compile("[\ue000-\uf8ff]")
ENCODING_HELP = "UTF-8 / Shift_JIS(CP932) / UTF-16 に対応"
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\t", "\n", "\r", "\x0c", "\x1a"}
_CONTROL_BYTES = [bytes([c]) for c in range(32) if chr(c) in _CONTROL and c != 0x1B]


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode CSV bytes; returns (text, a Japanese description of the encoding)."""
    if data.startswith(codecs.BOM_UTF8):
        try:
            return _check_text(data[3:].decode("utf-8"), data), "UTF-8（BOM付き）"
        except UnicodeDecodeError as exc:
            raise _mixed_error(data, exc.start + 3, "UTF-8", "Shift_JIS(CP932)") from exc
    for bom, codec, label in (
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
    ):
        if data.startswith(bom):
            try:
                return _check_text(data[2:].decode(codec), data), f"{label}（BOM付き）"
            except UnicodeDecodeError as exc:
                raise TableReadError(
                    f"{label}として読めません: {exc.start + 2:,}バイト目に不正なデータがあります"
                    "（ファイルが途中で切れているか壊れている可能性があります）"
                ) from exc
    if b"\x00" in data:
        return _decode_bomless_utf16(data)
    _reject_binary(data)
    if b"\x1b$B" in data or b"\x1b$@" in data:
        line_no, _start, _end = _line_bounds(data, data.index(b"\x1b$"))
        raise TableReadError(
            f"文字コードを判別できません（{ENCODING_HELP}）: {line_no}行目から"
            "ISO-2022-JP（JIS）のようです。UTF-8 で保存し直してから取り込んでください"
        )
    try:
        return _check_text(data.decode("utf-8"), data), "UTF-8"
    except UnicodeDecodeError as exc:
        if not data[: exc.start].isascii():
            # Real UTF-8 text before the bad bytes: a line in another encoding.
            raise _mixed_error(data, exc.start, "UTF-8", "Shift_JIS(CP932)") from exc
    try:
        text = data.decode("cp932")
    except UnicodeDecodeError as exc:
        _check_mixed_lines(data)  # CP932 and UTF-8 lines: name them
        raise _unknown_encoding(data, exc.start) from exc
    _check_mixed_lines(data)
    pua = _PUA_RE.search(text)
    if pua is not None and (_guess_encoding(data) or "").startswith("EUC"):
        # EUC-JP bytes can decode as CP932 without an error, into private-use garbage.
        raise _unknown_encoding(data, len(text[: pua.start()].encode("cp932")))
    return _check_text(text, data), "Shift_JIS（CP932）"


def _decode_bomless_utf16(data: bytes) -> tuple[str, str]:
    """NUL bytes: UTF-16 without a BOM (every other byte NUL), or not text at all."""
    sample = data[:4096]
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    half = max(1, len(sample) // 2)
    for codec, nuls, others in (
        ("utf-16-le", odd_nuls, even_nuls),
        ("utf-16-be", even_nuls, odd_nuls),
    ):
        if nuls > half * 0.3 and others < half * 0.05 and len(data) % 2 == 0:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                break
            if "\x00" not in text and "\n" in text and ("\t" in text or "," in text):
                return _check_text(text, data), f"{codec.upper()}（BOMなし）"
    offset = data.index(0)
    raise _not_text(f"{offset + 1:,}バイト目")


def _not_text(where: str) -> TableReadError:
    return TableReadError(
        f"テキスト形式のCSVではありません（{where}に文字ではないデータがあります）。"
        "CSVファイルまたはExcelブック（.xlsx）を選んでください"
    )


def _reject_binary(data: bytes) -> None:
    """Control bytes (ESC excepted: ISO-2022-JP uses it) in more than 1% of the head."""
    head = data[:65536]
    controls = sum(head.count(b) for b in _CONTROL_BYTES)
    if controls > len(head) // 100:
        first = min(i for i in (head.find(b) for b in _CONTROL_BYTES) if i >= 0)
        raise _not_text(f"{first + 1:,}バイト目")


def _check_text(text: str, data: bytes) -> str:
    """Refuse decoded text that is mostly control characters (a binary file)."""
    sample = text[:65536]
    controls = sum(1 for ch in sample if ch in _CONTROL)
    if controls and controls > len(sample) // 100:
        first = next(i for i, ch in enumerate(text) if ch in _CONTROL)
        raise _not_text(f"{text.count(chr(10), 0, first) + 1}行目")
    return text.rstrip("\x1a")


def _line_bounds(data: bytes, pos: int) -> tuple[int, int, int]:
    """(1-based line number, start, end) of the line holding byte ``pos``."""
    start = data.rfind(b"\n", 0, pos) + 1
    end = data.find(b"\n", pos)
    return data.count(b"\n", 0, pos) + 1, start, len(data) if end < 0 else end


def _column_of(data: bytes, line: str, is_bad: Callable[[str], bool]) -> str | None:
    """The header of the first cell of ``line`` for which ``is_bad(cell)`` holds."""
    header_end = data.find(b"\n")
    header_bytes = data[: header_end if header_end >= 0 else len(data)]
    header_bytes = header_bytes.removeprefix(codecs.BOM_UTF8).rstrip(b"\r")
    try:
        header = header_bytes.decode("utf-8")
    except UnicodeDecodeError:
        header = header_bytes.decode("cp932", "replace")
    delimiter = detect_delimiter(header)
    heads = next(csv.reader([header], delimiter=delimiter), [])
    for index, cell in enumerate(next(csv.reader([line.rstrip("\r")], delimiter=delimiter), [])):
        if is_bad(cell):
            return heads[index].strip() if index < len(heads) else f"{index + 1}列目"
    return None


def _where(data: bytes, line_no: int, line: str, is_bad: Callable[[str], bool]) -> str:
    column = _column_of(data, line, is_bad)
    return f"{line_no}行目" + (f"「{column}」" if column else "")


def _mixed_error(data: bytes, pos: int, main: str, other: str) -> TableReadError:
    line_no, start, end = _line_bounds(data, pos)
    line = data[start:end].decode("utf-8", "replace")
    where = _where(data, line_no, line, lambda cell: "\ufffd" in cell)
    return TableReadError(
        f"文字コードが混在しています: {where}（{pos + 1:,}バイト目）が{main}ではなく"
        f"{other}のようです（ファイルの他の部分は{main}）。"
        "文字コードを揃えて保存し直してから取り込んでください"
    )


def _check_mixed_lines(data: bytes) -> None:
    """Refuse a file with both CP932 lines and (non-ASCII) UTF-8 lines, naming both."""
    sjis: tuple[int, bytes] | None = None
    utf8: tuple[int, bytes] | None = None
    for line_no, line in enumerate(data.split(b"\n"), start=1):
        if line.isascii():
            continue
        try:
            line.decode("utf-8")
        except UnicodeDecodeError:
            if sjis is None and _decodes(line, "cp932"):
                sjis = (line_no, line)
        else:
            utf8 = utf8 or (line_no, line)
        if sjis is not None and utf8 is not None:
            break
    if sjis is None or utf8 is None:
        return
    if sjis[0] < utf8[0]:
        where = _where(data, utf8[0], utf8[1].decode("utf-8"), lambda c: not c.isascii())
        detail = f"{sjis[0]}行目はShift_JIS(CP932)、{where}はUTF-8"
    else:
        text = sjis[1].decode("cp932")
        where = _where(data, sjis[0], text, lambda c: not c.isascii())
        detail = f"{utf8[0]}行目はUTF-8、{where}はShift_JIS(CP932)"
    raise TableReadError(
        f"文字コードが混在しています: {detail}のようです。"
        "文字コードを揃えて保存し直してから取り込んでください"
    )


def _decodes(data: bytes, codec: str) -> bool:
    try:
        data.decode(codec)
    except UnicodeDecodeError:
        return False
    return True


def _unknown_encoding(data: bytes, pos: int) -> TableReadError:
    line_no, _start, _end = _line_bounds(data, pos)
    guess = _guess_encoding(data)
    hint = f"推定される文字コード: {guess}。" if guess else ""
    return TableReadError(
        f"文字コードを判別できません（{ENCODING_HELP}）: {line_no}行目（{pos + 1:,}バイト目）に"
        f"読めない文字があります。{hint}UTF-8 で保存し直してから取り込んでください"
    )


def _guess_encoding(data: bytes) -> str | None:
    """charset-normalizer's best guess, used only to word an error message."""
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data[:200_000]).best()
    except Exception:  # a guess for a message must never mask the real error
        return None
    if best is None:
        return None
    return _ENCODING_NAMES.get(best.encoding)


# charset-normalizer's names → what a Japanese user knows; other guesses are not shown.
_ENCODING_NAMES = {
    "euc_jp": "EUC-JP",
    "euc_jis_2004": "EUC-JP",
    "euc_jisx0213": "EUC-JP",
    "iso2022_jp": "ISO-2022-JP（JIS）",
    "iso2022_jp_2": "ISO-2022-JP（JIS）",
    "gb18030": "中国語（GB18030）",
    "gb2312": "中国語（GB2312）",
    "big5": "中国語（Big5）",
    "euc_kr": "韓国語（EUC-KR）",
    "cp949": "韓国語（CP949）",
    "cp1252": "Windows-1252（欧文）",
    "latin_1": "ISO-8859-1（欧文）",
}
