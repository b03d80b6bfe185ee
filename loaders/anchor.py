"""Find a quote in its article, tolerant of typographic variants, with offsets into the original text."""

import re
import unicodedata
from bisect import bisect_right

# Characters folded to one form before matching. Typography differs between a
# capture and a curator's keyboard; the words must not.
FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}


# Printable ASCII words joined by single spaces fold to themselves (the backtick excepted): such
# runs are copied whole, and only the characters between them are folded one by one.
PLAIN_RUN = re.compile(r"[!-_a-~]+(?: [!-_a-~]+)*")
_AT_RUNS = re.compile(f"({PLAIN_RUN.pattern})")


class FoldedText:
    """Text folded for matching, with a map from each folded character back to the original.

    The map is kept as segments (folded start, original start, step): step 1 for a run copied
    as it is, step 0 for the pieces of one folded character, so memory and time follow the
    number of special characters, not the length of the text.
    """

    def __init__(self, text: str):
        parts, starts, segments = [], [], []
        length = position = 0
        # Split at the plain runs: [gap, run, gap, ..., run, gap], each gap possibly empty.
        for number, piece in enumerate(_AT_RUNS.split(text)):
            if number % 2:  # a plain run, copied whole
                starts.append(length)
                segments.append((position, 1))
                parts.append(piece)
                length += len(piece)
            elif piece:
                for offset, folded in gap_pieces(piece):
                    starts.append(length)
                    segments.append((position + offset, 0))
                    parts.append(folded)
                    length += len(folded)
            position += len(piece)
        self.text, self._starts, self._segments = "".join(parts), starts, segments
        self.original_length = len(text)

    def origin(self, folded_index: int) -> int:
        """The index in the original text of the character folded_index comes from."""
        segment = bisect_right(self._starts, folded_index) - 1
        original, step = self._segments[segment]
        return original + step * (folded_index - self._starts[segment])

    def find_all(self, quote: str):
        """Every (start, end) span of the original text whose folded form equals the folded quote."""
        # Most quotes are plain ASCII words: their folded form is the quote itself.
        needle = quote if PLAIN_RUN.fullmatch(quote) else FoldedText(quote).text.strip()
        spans, start = [], self.text.find(needle) if needle else -1
        while start != -1:
            end = start + len(needle)
            spans.append((self.origin(start), self.origin(end - 1) + 1))
            start = self.text.find(needle, start + 1)
        return spans


def gap_pieces(gap):
    """(offset, folded piece) of each character of a gap that is kept: a gap starts the text or follows a
    plain run (which ends in a printable character), so its first whitespace is kept and the rest of a
    run of whitespace dropped: runs of spaces, tabs, newlines and non-breaking spaces match one space.
    Gaps recur ("\\n\\n", a dash, a typographic quote): the short ones are folded once per build."""
    pieces = _GAPS.get(gap)
    if pieces is not None:
        return pieces
    pieces, previous_space = [], False
    for offset, char in enumerate(gap):
        piece = _PIECES.get(char) or _piece(char)
        if piece == " ":
            if previous_space:
                continue
            previous_space = True
        else:
            previous_space = False
        pieces.append((offset, piece))
    if len(gap) <= SHORT_GAP and len(_GAPS) < MAX_GAPS:
        _GAPS[gap] = pieces
    return pieces


SHORT_GAP, MAX_GAPS = 8, 4096
_GAPS = {}
# Each character's folded piece, worked out once per character rather than once per occurrence.
_PIECES = {}


def _piece(char):
    """char folded: its FOLD form or its NFKC form, " " for any whitespace."""
    piece = FOLD.get(char) or unicodedata.normalize("NFKC", char)
    _PIECES[char] = " " if piece.isspace() else piece
    return _PIECES[char]


def anchor(folded_source: FoldedText, quote: str, occurrence=None):
    """Return (start, end, found_count): the span of the quote, or None when absent or ambiguous."""
    spans = folded_source.find_all(quote)
    if occurrence is not None:
        return (*spans[occurrence - 1], len(spans)) if occurrence <= len(spans) else (None, None, len(spans))
    if len(spans) == 1:
        return (*spans[0], 1)
    return (None, None, len(spans))
