"""Find a quote in its article, tolerant of typographic variants, with offsets into the original text."""

import unicodedata

# Characters folded to one form before matching. Typography differs between a
# capture and a curator's keyboard; the words must not.
FOLD = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032\u00b4`", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2015\u2212", "-"),
    "\u2026": "...",
}


class FoldedText:
    """Text folded for matching, with a map from each folded character back to the original."""

    def __init__(self, text: str):
        folded, origin = [], []
        previous_space = False
        for index, char in enumerate(text):
            piece = FOLD.get(char) or unicodedata.normalize("NFKC", char)
            if piece.isspace():
                # Runs of spaces, tabs, newlines and non-breaking spaces match one space.
                if previous_space:
                    continue
                piece, previous_space = " ", True
            else:
                previous_space = False
            for folded_char in piece:
                folded.append(folded_char)
                origin.append(index)
        self.text = "".join(folded)
        self.origin = origin
        self.original_length = len(text)

    def find_all(self, quote: str):
        """Every (start, end) span of the original text whose folded form equals the folded quote."""
        needle = FoldedText(quote).text.strip()
        spans, start = [], self.text.find(needle) if needle else -1
        while start != -1:
            end = start + len(needle)
            spans.append((self.origin[start], self.origin[end - 1] + 1))
            start = self.text.find(needle, start + 1)
        return spans


def anchor(folded_source: FoldedText, quote: str, occurrence=None):
    """Return (start, end, found_count): the span of the quote, or None when absent or ambiguous."""
    spans = folded_source.find_all(quote)
    if occurrence is not None:
        return (*spans[occurrence - 1], len(spans)) if occurrence <= len(spans) else (None, None, len(spans))
    if len(spans) == 1:
        return (*spans[0], 1)
    return (None, None, len(spans))
