"""Untrusted HTML from sources: to plain text for storage and search, or to a safe subset for display."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import nh3

# Tags whose content is never text a reader should see.
_INVISIBLE = frozenset(
    {"script", "style", "noscript", "template", "head", "title", "iframe", "object", "svg"}
)
# Tags that end a line of text, so that words on both sides do not run together.
_BLOCK = frozenset(
    {
        "p",
        "div",
        "br",
        "li",
        "ul",
        "ol",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "section",
        "article",
        "table",
    }
)
_SAFE_TAGS = frozenset({"p", "br", "ul", "ol", "li", "strong", "b", "em", "i", "h3", "h4", "h5", "h6"})
_SPACES = re.compile(r"[ \t\f\v\u00a0]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_TAG_HINT = re.compile(r"<[a-zA-Z/!]|&[#a-zA-Z0-9]+;")


class _TextCollector(HTMLParser):
    """Collect the visible text of an HTML fragment, one line per block."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _INVISIBLE:
            self._hidden += 1
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _INVISIBLE:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def looks_like_html(text: str) -> bool:
    """Tell whether a text carries tags or character references."""
    return bool(_TAG_HINT.search(text))


def html_to_text(text: str) -> str:
    """Return the visible text of an HTML fragment: no tags, no scripts, entities decoded, tidy lines."""
    if not looks_like_html(text):
        return _tidy(text)
    collector = _TextCollector()
    collector.feed(text)
    collector.close()
    return _tidy(html.unescape("".join(collector.parts)))


def html_to_line(text: str) -> str:
    """Return the visible text of an HTML fragment on one line, as a title needs it."""
    return " ".join(html_to_text(text).split())


def sanitize_html(text: str) -> str:
    """Return HTML reduced to simple formatting tags, with every script, style and attribute removed."""
    return nh3.clean(text, tags=set(_SAFE_TAGS), attributes={}, clean_content_tags=set(_INVISIBLE - {"head"}))


def _tidy(text: str) -> str:
    lines = (
        _SPACES.sub(" ", line).strip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    )
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()
