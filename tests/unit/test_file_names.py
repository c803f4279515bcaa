"""The attachment file-name sanitiser: every hostile name becomes one safe to show and to
save under on Windows, macOS and Linux; the media type comes from the extension only."""

from __future__ import annotations

import pytest

from app.services.attachments import DEFAULT_NAME, free_name, media_type_of, safe_file_name

CASES = [
    # directories
    ("../../etc/passwd", "passwd"),
    ("..\\..\\Windows\\win.ini", "win.ini"),
    ("/etc/shadow", "shadow"),
    ("C:\\Users\\tanaka\\契約書.pdf", "契約書.pdf"),
    ("C:secret.txt", "secret.txt"),
    ("\\\\server\\share\\見積書.xlsx", "見積書.xlsx"),
    ("subdir/../報告書.docx", "報告書.docx"),
    # Windows reserved names, with or without extension, any case
    ("CON", "_CON"),
    ("con", "_con"),
    ("PRN.txt", "_PRN.txt"),
    ("aux.pdf", "_aux.pdf"),
    ("NUL", "_NUL"),
    ("Nul .pdf", "_Nul.pdf"),
    ("COM1", "_COM1"),
    ("com9.log", "_com9.log"),
    ("LPT1.tar.gz", "_LPT1.tar.gz"),
    ("lpt9", "_lpt9"),
    ("COM10.txt", "COM10.txt"),
    ("CONTRACT.pdf", "CONTRACT.pdf"),
    # trailing dots and spaces
    ("報告書.pdf.", "報告書.pdf"),
    ("報告書.pdf . .", "報告書.pdf"),
    ("  名簿.csv  ", "名簿.csv"),
    # control characters, and invisible direction overrides (「exe.pdf」 spoofing)
    ("a\x00b\x1fc\x7f.pdf", "abc.pdf"),
    ("改行\nあり\r.txt", "改行あり.txt"),
    ("invoice\u202efdp.exe", "invoicefdp.exe"),
    # characters Windows forbids
    ('a<b>c:d"e|f?g*h.pdf', "a_b_c_d_e_f_g_h.pdf"),
    # not valid UTF-8 (bytes the file system escaped), lone surrogates
    ("\udc8c\udc5f.pdf", "__.pdf"),
    ("caf\udce9.txt", "caf_.txt"),
    ("\ud800x.txt", "_x.txt"),
    # empty results
    ("", DEFAULT_NAME),
    ("..", DEFAULT_NAME),
    ("...", DEFAULT_NAME),
    ("   ", DEFAULT_NAME),
    ("///", DEFAULT_NAME),
    ("\x00\x01", DEFAULT_NAME),
    ("C:", DEFAULT_NAME),
    # ordinary names are left as they are (NFD from macOS becomes NFC)
    ("契約書 (2026).pdf", "契約書 (2026).pdf"),
    (".htaccess", ".htaccess"),
    ("ガイドライン.pdf".replace("ガ", "カ\u3099"), "ガイドライン.pdf"),
]


@pytest.mark.parametrize(("name", "expected"), CASES)
def test_hostile_names_become_safe(name: str, expected: str) -> None:
    assert safe_file_name(name) == expected


@pytest.mark.parametrize(("name", "_expected"), CASES)
def test_the_result_is_stable(name: str, _expected: str) -> None:
    once = safe_file_name(name)
    assert safe_file_name(once) == once


LONG = [
    ("あ" * 200 + ".pdf", ".pdf"),
    ("a" * 400 + ".xlsx", ".xlsx"),
    ("名" * 300, ""),
    ("x." + "y" * 300, ""),  # an "extension" too long to keep: cut like any name
    ("😀" * 100 + ".txt", ".txt"),
]


@pytest.mark.parametrize(("name", "ext"), LONG)
def test_long_names_fit_255_bytes_and_keep_the_extension(name: str, ext: str) -> None:
    safe = safe_file_name(name)
    assert len(safe.encode("utf-8")) <= 255
    assert safe.endswith(ext)
    assert len(safe.encode("utf-8")) > 200  # shortened, not thrown away
    safe.encode("utf-8")  # whole characters only (no half a code point)


def test_a_long_reserved_looking_name_is_not_mangled() -> None:
    assert safe_file_name("CONSOLE.pdf") == "CONSOLE.pdf"


@pytest.mark.parametrize(
    ("name", "media_type"),
    [
        ("契約書.pdf", "application/pdf"),
        ("REPORT.PDF", "application/pdf"),
        ("台帳.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("写真.png", "image/png"),
        ("一覧.csv", "text/csv"),
        ("no-extension", "application/octet-stream"),
        ("unknown.zzz9", "application/octet-stream"),
        # a PDF named .txt is text/plain: the content is never sniffed
        ("pdf-in-disguise.txt", "text/plain"),
    ],
)
def test_media_type_by_extension(name: str, media_type: str) -> None:
    assert media_type_of(name) == media_type


def test_free_name_never_picks_an_existing_file(tmp_path) -> None:
    (tmp_path / "契約書.pdf").write_bytes(b"1")
    (tmp_path / "契約書 (2).pdf").write_bytes(b"2")
    assert free_name(tmp_path, "契約書.pdf").name == "契約書 (3).pdf"
    assert free_name(tmp_path, "新しい.pdf").name == "新しい.pdf"
    long = "あ" * 83 + ".pdf"  # 253 bytes: 「 (2)」 does not fit without shortening
    (tmp_path / long).write_bytes(b"x")
    second = free_name(tmp_path, long)
    assert second.name.endswith(" (2).pdf") and len(second.name.encode()) <= 255
