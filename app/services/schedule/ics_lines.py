r"""iCalendar TEXT content lines, written as the icalendar library writes them, fast.

icalendar's ``Event`` costs about 0.1 ms an event to build and write — seven seconds
for the 70,000 deadlines of the large demo — most of it in folding each line one
character at a time. ``text_line`` gives the same bytes (RFC 5545 §3.3.11 escaping;
§3.1 folding at 75 octets, on character boundaries, never leaving a backslash or a
caret at the end of a folded line) from a few string and bytes operations.
tests/unit/test_schedule_deadlines.py compares the two byte for byte on random text.

Two deliberate differences, both where icalendar would damage the text:
- control characters other than tab, CR and LF are dropped (RFC 5545 allows none in
  TEXT; a calendar program may refuse the whole file over one);
- a backslash before ``N`` is escaped like any other (icalendar takes ``\N`` in the
  text for a line break: a UNC path such as ``\\fileserver\Notices`` lost its ``\N``).
"""

from __future__ import annotations

import re

# The longest physical line, in octets, before its CRLF (a folded line's leading space
# counts); icalendar keeps each piece under it.
LINE_OCTETS = 75
_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_NEEDS_ESCAPING = re.compile("[\x00-\x08\x0a-\x1f\x7f\\\\;,]")
_CONTINUATION = 0b1000_0000  # the top bits of a UTF-8 byte inside a character
_NO_FOLD_AFTER = b"\\^"  # the starts of TEXT and parameter (RFC 6868) escapes


def escape(text: str) -> str:
    r"""``text`` as an iCalendar TEXT value: ``\``, ``;``, ``,`` escaped, every line
    break (CRLF, CR, LF) written ``\n``, other control characters dropped."""
    if _NEEDS_ESCAPING.search(text) is None:  # most titles: nothing to do
        return text
    return (
        _CONTROLS.sub("", text)
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: bytes) -> bytes:
    """``line`` (UTF-8, no CRLF) folded into pieces of at most LINE_OCTETS - 1 octets,
    joined by CRLF and a space."""
    size = len(line)
    if size < LINE_OCTETS:
        return line
    pieces = []
    start = 0
    while size - start >= LINE_OCTETS:
        cut = start + LINE_OCTETS - 1
        while line[cut] & 0b1100_0000 == _CONTINUATION:  # inside a character: before it
            cut -= 1
        if line[cut - 1] in _NO_FOLD_AFTER:  # keep an escape whole on the next line
            cut -= 1
        pieces.append(line[start:cut])
        start = cut
    pieces.append(line[start:])
    return b"\r\n ".join(pieces)


def text_line(name: bytes, *lines: str) -> bytes:
    """The content line of a TEXT property whose value is ``lines`` joined by line
    breaks, with its CRLF; ``name`` includes the colon (``b"SUMMARY:"``)."""
    value = "\\n".join([escape(line) for line in lines]) if len(lines) > 1 else escape(lines[0])
    line = name + value.encode("utf-8")
    return (line if len(line) < LINE_OCTETS else fold(line)) + b"\r\n"
