"""XLSX files made wrong on purpose, for the bad-input tests of the readers and the import."""

from __future__ import annotations

import io
import re
import zipfile


def without_sheets(data: bytes) -> bytes:
    """The workbook ``data`` with its list of worksheets emptied (a broken export)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            body = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                body = re.sub(rb"<sheets>.*</sheets>", b"<sheets/>", body, flags=re.S)
            zout.writestr(item, body)
    return out.getvalue()
