"""Plain text from what a feed calls text: titles and summaries may be HTML (escaped or
not), carry scripts, entities, line breaks and invisible characters.

A notice's title and summary are shown in tables, searched, printed on the command line
and written into PDFs: they are kept as plain text only. Tags go (the content of
``script``, ``style`` and the like with them), entities are decoded once more (feeds
often escape twice: ``&amp;amp;``), control and bidirectional-override characters go
(a title must not reorder what is shown after it), and every run of white space becomes
one space — a lone ideographic space (U+3000), which Japanese titles use as a separator,
is kept as it is.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

# Elements whose content is never text for a reader.
_HIDDEN = frozenset(
    {"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "math",
     "head", "select", "textarea"}
)  # fmt: skip
# Elements that end a line or a block: a space keeps the words on either side apart.
_BREAKS = frozenset(
    {"br", "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "td", "th", "table",
     "h1", "h2", "h3", "h4", "h5", "h6", "hr", "blockquote", "pre", "section", "article",
     "header", "footer"}
)  # fmt: skip
_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]"
)
_SPACES = re.compile(r"\s+")


class _TextCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS:
            self.parts.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def _space(match: re.Match[str]) -> str:
    return "\u3000" if match.group() == "\u3000" else " "


def collapse_spaces(text: str) -> str:
    """``text`` without invisible characters, each run of white space one space."""
    return _SPACES.sub(_space, _INVISIBLE.sub("", text)).strip()


def plain_text(value: str | None) -> str:
    """The text a reader sees in ``value`` (HTML or text), on one line."""
    if not value:
        return ""
    if "<" in value or "&" in value:
        collector = _TextCollector()
        collector.feed(value)
        collector.close()
        value = "".join(collector.parts)
    return collapse_spaces(value)


def shorten(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, an ellipsis marking a cut."""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"
