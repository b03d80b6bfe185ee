"""Statement kinds (protocol, finding, advice...) and the trial arms a sentence names."""

from .rules import load_rules, word_set

def arms(article, sentence):
    """[(start, end, name)]: the trial arms a sentence names ("the sham acupuncture group" is
    "sham acupuncture", "group B" is "group B"), the longest reading of each."""
    nouns = word_set(load_rules()["statements"]["arms"]["nouns"])
    longest = {}
    for _, start, end in sentence.find("arm"):
        if end not in longest or start < longest[end]:
            longest[end] = start
    found = []
    for end, start in sorted(longest.items(), key=lambda item: item[1]):
        if article.lower[end - 1] in nouns:
            name = article.doc[start + 1:end - 1].text
        else:
            name = article.doc[start:end].text
        found.append((start, end, name))
    return found


def _arm_at(article, sentence, position):
    """The arm named nearest to the token at position in its segment, or None."""
    near = [(abs(start - position), name) for start, end, name in arms(article, sentence)
            if article.segment[start] == article.segment[position]]
    return min(near)[1] if near else None


def statement_kind(article, sentence, type_, designs, position):
    """(statement_kind, arm): protocol or finding when the claim cites a work, not just an outlet.
    designs: the designs of the works the claim cites, in order."""
    rules = load_rules()["statements"]
    relaying = word_set(rules["relaying_designs"])
    works = [design for design in designs if design not in relaying]
    if not works and type_ != "study_citation":  # a study citation reports its work, whatever its design
        return rules["default"], None
    arm = _arm_at(article, sentence, position) if position is not None else None
    protocol = rules["protocol"]
    if type_ in protocol["types"] and sentence.has("protocol"):
        return protocol["kind"], arm
    return rules["cited"], arm
