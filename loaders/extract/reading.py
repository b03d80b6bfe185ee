"""Reading an article file: its bytes and text, or why it is not an article.

kb add and kb extract take the article's words as plain UTF-8 text. A saved web page (HTML), a PDF,
any other binary file, an empty file and one far larger than an article are refused, each with a
one-line message that names the file, says what it is, and what is expected instead.
"""

import re
from pathlib import Path

from ..errors import KbError

ACCEPTED = ("a plain UTF-8 text file of the article's words: save the page as text, "
            "or copy its text into a .txt file")
MAX_BYTES = 2 * 1024 * 1024  # articles are a few KB to a few hundred KB
# Markup: a script or style element whole, else an HTML start tag, end tag or comment ("<p>",
# "</div>", "<a href=...>", "<!-- ... -->").
_TAG = re.compile(r"<(script|style)\b[^>]*>[\s\S]*?</\1\s*>"
                  r"|<(?:/?[a-zA-Z][a-zA-Z0-9:-]*(?:\s[^<>]*)?/?|!--[\s\S]*?--)>", re.IGNORECASE)
_HTML_STARTS = ("<!doctype html", "<html")
_MIN_TAGS = 5  # a text that mentions a tag or two is still a text
_MAX_TAG_SHARE = 0.5  # of the non-space characters: more than this inside tags is a page's markup


class UnreadableText(KbError):
    """A file that is not an article's text: empty, too large, HTML, a PDF, binary, or not UTF-8."""


def _refusal(path, what):
    return UnreadableText(f"{path} {what}: expected {ACCEPTED}")


def read_article(path: Path) -> tuple[bytes, str]:
    """The raw bytes and decoded text of an article file; UnreadableText when it is not one."""
    path = Path(path)
    raw = _read_bytes(path)
    if not raw.strip():
        raise _refusal(path, "is empty")
    if raw.lstrip().startswith(b"%PDF-"):
        raise _refusal(path, "is a PDF")
    if b"\x00" in raw:
        raise _refusal(path, "looks binary (it holds NUL bytes)")
    html = html_reason(raw.decode("utf-8", "replace"))
    if html:
        raise _refusal(path, html)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise _refusal(path, f"is not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start})") from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise _refusal(path, f"looks binary ({controls} control characters)")
    return raw, text


def _read_bytes(path):
    """The file's bytes; refused unread when it cannot be read or is larger than any article."""
    try:
        size = path.stat().st_size
        if size > MAX_BYTES and path.is_file():
            raise _refusal(path, f"is {size / (1024 * 1024):.1f} MB, too large for an article (the limit is "
                                 f"{MAX_BYTES // (1024 * 1024)} MB; articles are a few KB to a few hundred KB)")
        return path.read_bytes()
    except OSError as error:
        raise _refusal(path, f"cannot be read ({error.strerror})") from None


def html_reason(text: str):
    """Why text is an HTML page rather than an article's words ("is an HTML page ..."), or None."""
    head = text.lstrip("\ufeff \t\r\n").lower()
    start = next((start for start in _HTML_STARTS if head.startswith(start)), None)
    if start:
        return f"is an HTML page (it starts with {start}...)"
    tags = [match.group() for match in _TAG.finditer(text)]
    if len(tags) < _MIN_TAGS:
        return None
    tagged = sum(len("".join(tag.split())) for tag in tags)
    share = tagged / max(len("".join(text.split())), 1)
    if share > _MAX_TAG_SHARE:
        return f"is mostly HTML tags ({share:.0%} of its characters), a web page's source"
    return None
