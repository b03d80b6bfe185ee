"""Reading an article file: its bytes and text, or why it is not an article."""

from pathlib import Path

from ..errors import KbError

class UnreadableText(KbError):
    """A file that is not an article: empty, binary, or not UTF-8."""


def read_article(path: Path) -> tuple[bytes, str]:
    """The raw bytes and decoded text of an article file; UnreadableText when it is not one."""
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as error:
        raise UnreadableText(f"{path}: cannot be read ({error.strerror}): expected a UTF-8 text file") from None
    if not raw.strip():
        raise UnreadableText(f"{path} is empty: expected the article's text, UTF-8")
    if b"\x00" in raw:
        raise UnreadableText(f"{path} looks binary (it holds NUL bytes): expected the article's text, UTF-8")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise UnreadableText(f"{path} is not UTF-8 (byte {raw[error.start]:#04x} at offset {error.start}): "
                             "expected the article's text, UTF-8") from None
    controls = sum(1 for char in text if ord(char) < 32 and char not in "\t\n\r\f")
    if controls > max(2, len(text) // 100):
        raise UnreadableText(f"{path} looks binary ({controls} control characters): expected the article's text, UTF-8")
    return raw, text
