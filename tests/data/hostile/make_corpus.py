"""Remake the small hostile files of this folder (see README.md for what each one is).

    python tests/data/hostile/make_corpus.py

Every workbook is written part by part from literal XML (no openpyxl), with fixed zip
timestamps, so that the files stay what README.md says they are. The large hostile
inputs are not kept here: the tests generate them in a temporary folder.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Mapping
from pathlib import Path

HERE = Path(__file__).resolve().parent
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_PATH = "xl/worksheets/sheet1.xml"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}">'
    '<sheets><sheet name="台帳" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG_REL_NS}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
SHARED_STRINGS = (
    f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN_NS}" count="3" uniqueCount="3">'
    "<si><t>資産管理番号</t></si><si><t>名称</t></si><si><t>総務課PC</t></si></sst>"
)
LAUGHS = (
    '<!DOCTYPE lolz [<!ENTITY lol "lol">'
    + "".join(f'<!ENTITY lol{i} "{f"&lol{i - 1};" * 10}">' for i in range(2, 10)).replace(
        "&lol1;", "&lol;"
    )
    + "]>"
)


def cell(ref: str, value: str, kind: str = "inlineStr") -> str:
    if kind == "inlineStr":
        return f'<c r="{ref}" t="inlineStr"><is><t>{value}</t></is></c>'
    return f'<c r="{ref}" t="{kind}"><v>{value}</v></c>'


def sheet(rows: str, *, prolog: str = "") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>{prolog}<worksheet xmlns="{MAIN_NS}">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def ledger_rows(count: int = 3) -> str:
    """A header row and ``count`` data rows (資産管理番号, 名称)."""
    rows = [f'<row r="1">{cell("A1", "0", "s")}{cell("B1", "1", "s")}</row>']
    for n in range(2, count + 2):
        rows.append(
            f'<row r="{n}">{cell(f"A{n}", f"A-{n - 1:03d}")}{cell(f"B{n}", "2", "s")}</row>'
        )
    return "".join(rows)


def workbook(parts: dict[str, str] | None = None) -> dict[str, str]:
    """The parts of a one-sheet workbook; ``parts`` replaces some of them (by path)."""
    files = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "xl/workbook.xml": WORKBOOK,
        "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
        "xl/sharedStrings.xml": SHARED_STRINGS,
        SHEET_PATH: sheet(ledger_rows()),
    }
    files.update(parts or {})
    return files


def pack(files: Mapping[str, str | bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name, body in files.items():
            info = zipfile.ZipInfo(name, date_time=(2026, 4, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, body.encode() if isinstance(body, str) else body)
    return out.getvalue()


def patch_member(data: bytes, name: str, *, method: int | None = None, flags: int = 0) -> bytes:
    """Set the compression method and OR ``flags`` into the general-purpose flags of member
    ``name``, in its local header and in the central directory (as a broken tool would)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    local = info.header_offset
    central = bytes(buf).find(b"PK\x01\x02", 0)
    while central >= 0:
        name_len = struct.unpack_from("<H", buf, central + 28)[0]
        if bytes(buf[central + 46 : central + 46 + name_len]) == name.encode():
            break
        central = bytes(buf).find(b"PK\x01\x02", central + 4)
    for flag_at, method_at in ((local + 6, local + 8), (central + 8, central + 10)):
        struct.pack_into("<H", buf, flag_at, struct.unpack_from("<H", buf, flag_at)[0] | flags)
        if method is not None:
            struct.pack_into("<H", buf, method_at, method)
    return bytes(buf)


def corrupt_deflate(data: bytes, name: str) -> bytes:
    """Overwrite the middle of member ``name``'s compressed data (sizes and CRC kept)."""
    buf = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        info = archive.getinfo(name)
    name_len, extra_len = struct.unpack_from("<HH", buf, info.header_offset + 26)
    start = info.header_offset + 30 + name_len + extra_len
    middle = start + info.compress_size // 3
    buf[middle : middle + 16] = b"\xff" * 16
    return bytes(buf)


def corpus() -> dict[str, bytes]:
    """File name → bytes of every file of the corpus."""
    long_sheet = sheet(ledger_rows(60))
    error_cells = sheet(
        '<row r="1">'
        + "".join(
            cell(f"{c}1", h)
            for c, h in zip("ABCD", ["資産管理番号", "台数", "単価", "保守期限"], strict=True)
        )
        + "</row>"
        + "".join(
            f'<row r="{n}">{cell(f"A{n}", f"A-{n}")}'
            f'<c r="B{n}" t="e"><f>1/0</f><v>{err}</v></c>'
            f'<c r="C{n}" t="e"><v>{err2}</v></c>'
            f'<c r="D{n}" t="e"><f>VLOOKUP(A{n},X:Y,2,0)</f><v>#N/A</v></c></row>'
            for n, err, err2 in (
                (2, "#DIV/0!", "#VALUE!"),
                (3, "#REF!", "#NAME?"),
                (4, "#NUM!", "#NULL!"),
                (5, "#N/A", "#GETTING_DATA"),
            )
        )
    )
    huge_row = sheet(
        ledger_rows(40)
        + f'<row r="99999999999">{cell("A99999999999", "A-999")}'
        + f"{cell('B99999999999', '2', 's')}</row>"
    )
    beyond_excel = sheet(ledger_rows(2) + f'<row r="1048577">{cell("A1048577", "A-X")}</row>')
    far_column = sheet(
        ledger_rows(3) + f'<row r="5">{cell("A5", "A-5")}{cell("XFD5", "メモ")}</row>'
    )
    xxe = sheet(
        ledger_rows(2).replace("A-001", "&xxe;"),
        prolog='<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>',
    )
    laughs_cell = cell("C2", "&lol9;")
    return {
        "corrupt-deflate.xlsx": corrupt_deflate(
            pack(workbook({SHEET_PATH: long_sheet})), SHEET_PATH
        ),
        "deflate64-method.xlsx": patch_member(pack(workbook()), SHEET_PATH, method=9),
        "zip-encrypted-flag.xlsx": patch_member(pack(workbook()), SHEET_PATH, flags=0x1),
        "garbage-workbook-xml.xlsx": pack(
            workbook({"xl/workbook.xml": "\x00\x01これはXMLではありません<<<>>>&&"})
        ),
        "error-cells.xlsx": pack(workbook({SHEET_PATH: error_cells})),
        "billion-laughs-sheet.xlsx": pack(
            workbook(
                {
                    SHEET_PATH: sheet(
                        ledger_rows(2).replace("</row>", laughs_cell + "</row>", 2),
                        prolog=LAUGHS,
                    )
                }
            )
        ),
        "billion-laughs-shared-strings.xlsx": pack(
            workbook(
                {
                    "xl/sharedStrings.xml": SHARED_STRINGS.replace(
                        "<sst", LAUGHS.replace("lolz", "sst") + "<sst", 1
                    ).replace("総務課PC", "&lol9;")
                }
            )
        ),
        "billion-laughs-workbook.xlsx": pack(
            workbook(
                {
                    "xl/workbook.xml": WORKBOOK.replace(
                        "<workbook", LAUGHS.replace("lolz", "workbook") + "<workbook", 1
                    ).replace('name="台帳"', 'name="&lol9;"')
                }
            )
        ),
        "external-entity-sheet.xlsx": pack(workbook({SHEET_PATH: xxe})),
        "row-99999999999.xlsx": pack(workbook({SHEET_PATH: huge_row})),
        "row-beyond-excel.xlsx": pack(workbook({SHEET_PATH: beyond_excel})),
        "value-in-column-xfd.xlsx": pack(workbook({SHEET_PATH: far_column})),
    }


def main() -> None:
    for name, data in corpus().items():
        (HERE / name).write_bytes(data)
        print(f"{name}: {len(data):,} bytes")


if __name__ == "__main__":
    main()
