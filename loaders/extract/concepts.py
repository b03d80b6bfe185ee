"""Presence claims: mechanisms (and whether they are understood), contraindications, side effects."""

from spacy.util import filter_spans

from .article import _singular, is_question, words_in
from .findings import PresenceFinding
from .matching import Label
from .rules import load_rules

def mechanism_findings(article, topics, works) -> list:
    """[PresenceFinding] of the mechanisms a sentence says the therapy acts through."""
    found = []
    lexicon = load_rules()["lexicon"]
    negations, hypotheticals = set(lexicon["negations"]), set(lexicon["hypotheticals"])
    # a massage article's "massage relaxes muscles", and its plural: "Back massages relieve muscle tension"
    agents = set(lexicon["agents"]) | article.own_subjects | {word + "s" for word in article.own_subjects}
    # ...and the acts of that therapy: a chiropractic article's "Adjustments remove nerve interference"
    acts = load_rules()["mechanisms"]["subject_acts"]
    agents |= {act for subject in article.own_subjects for act in acts.get(subject, ())}
    openers = set(load_rules()["mechanisms"]["action_openers"])
    illness, pronouns = set(lexicon["illness"]["nouns"]), set(lexicon["anaphora"]) | {"which", "who"}
    for sentence in article.sentences:
        if (sentence.skip or sentence.about_comparator or not sentence.has("mechanism")
                or sentence.has("not_mechanism_sentence") or is_question(article, sentence)):
            continue
        if sentence.has("condition_state") and not sentence.has("condition_relief"):
            continue  # "sciatica ... associated with nerve root compression": what the condition is
        mentions = sentence.find("mechanism")
        context = article.context_labels(sentence) if sentence.line.kind == "item" else set()
        if Label("not_mechanism_list") in context and not sentence.has("explicit_mechanism"):
            continue
        agent_here = (bool(agents & set(article.lower[sentence.start:sentence.end])) or _opens_explaining(article, sentence)
                      or article.lower[sentence.start] in openers)
        # A list item ("Reduce inflammation") may leave acupuncture to its lead-in ("acupuncture may:").
        agent_above = sentence.line.kind == "item" and any(
            agents & set(article.lower[s.start:s.end]) for s in article.line_sentences.get(sentence.line.lead_in, ()))
        if agent_here and _pronoun_for_another(article, sentence, agents, pronouns):
            continue
        goal_row = not (agent_here or agent_above) and _under_goal_heading(article, sentence)
        if not (agent_here or agent_above or goal_row):
            continue
        for label, start, end in mentions:
            if goal_row and not _a_goal(article, sentence, start):
                continue
            topic = label.value
            if topic not in topics or article.negated(start, end, negations) or _in_title(article, start, end):
                continue
            if article.hypothetical(start, hypotheticals, sentence):
                continue
            if _a_cause(article, sentence, start, agents, illness, pronouns) or _another_agents(article, sentence, start):
                continue
            found.append(PresenceFinding(sentence, "mechanism", topic, start, works.cites_for(sentence)))
    return found


def _pronoun_for_another(article, sentence, agents, pronouns):
    """ "Sure, anti-inflammatory drugs can reduce inflammation. But they may hinder your body's ability to heal":
    a sentence whose only agent is a pronoun, right after a sentence of its paragraph about another agent (a
    clause of it opening with a drug class or comparator, and no agent but pronouns), speaks of that one."""
    words = set(article.lower[sentence.start:sentence.end])
    if not words & pronouns or words & (agents - pronouns) or sentence.index == 0:
        return False
    previous = article.sentences[sentence.index - 1]
    if previous.line is not sentence.line or set(article.lower[previous.start:previous.end]) & (agents - pronouns):
        return False
    others = [s for _, s, _ in previous.find("other_agent")] + [s for _, s, _ in previous.find("comparator")]
    return previous.about_comparator or any(_another_agents(article, previous, start) for start in others)


def _under_goal_heading(article, sentence):
    """A row or line under a heading naming the goals of care ("Phase Goal Typical Visit Frequency", "Aims of
    treatment"): its actions are the treatment's, though it names none."""
    if sentence.line.heading is None:
        return False
    goals = set(load_rules()["mechanisms"]["goals"]["headings"])
    return any(goals & set(article.lower[other.start:other.end])
               for other in article.line_sentences.get(sentence.line.heading, ()))


def _a_goal(article, sentence, start):
    """ "Reduce inflammation and pain", "Strengthen supporting muscles": a mention that is the object of a goal
    verb in its base form (or opens with one), the verb opening its clause or its cell."""
    verbs = set(load_rules()["mechanisms"]["goals"]["verbs"])
    verb = start if article.lower[start] in verbs else start - 1
    if verb < sentence.start or article.lower[verb] not in verbs:
        return False
    # (opening its clause, or capitalised: a table cell whose borders the capture lost)
    return verb == sentence.start or article.clause[verb] != article.clause[verb - 1] or article.texts[verb][:1].isupper()


def _opens_explaining(article, sentence):
    """ "By calming irritated nerves, ...", "Because endorphins are released, ...": a sentence opening with an
    explanation says how the treatment acts though it names none. Further in, the cue explains its own
    subject ("fibromyalgia amplifies painful sensations by affecting the way the brain processes pain
    signals": how the illness works), and the sentence needs an agent."""
    first = sentence.start
    while first < sentence.end and article.punct[first]:
        first += 1
    return any(start == first for _, start, _ in sentence.find("explicit_mechanism"))


def _a_cause(article, sentence, start, agents, illness, pronouns):
    """ "Knee pain is often due to inflammation of the joint": a cause of the illness, not how the therapy
    acts: a cause link (mechanisms.yaml cause_links) before the mention, an illness noun before the link,
    and no agent before it ("Acupuncture's relief may be due to endorphins" names how it acts)."""
    links = [s for _, s, e in sentence.find("cause_link") if e <= start]
    if not links:
        return False
    before = set(article.lower[sentence.start:links[-1]])
    # (a pronoun there is the illness's: "pain that comes from nerve irritation")
    return bool(before & illness) and not before & (agents - pronouns)


def _another_agents(article, sentence, start):
    """The mention's clause says what another agent does: it opens with a drug class or a comparator
    ("Muscle relaxants may ease muscle spasms, but they cause drowsiness"), or it is a relative clause whose
    antecedent is one ("Unlike massage, which relaxes tight muscles, acupuncture ..."): not this therapy's."""
    others = [(s, e) for _, s, e in sentence.find("other_agent")] + [(s, e) for _, s, e in sentence.find("comparator")]
    if not others:
        return False
    rules = load_rules()["mechanisms"]["other_agents"]
    clause, first = article.clause[start], start
    while first > sentence.start and article.clause[first - 1] == clause:
        first -= 1
    opening = first
    while opening < start and (article.punct[opening] or article.lower[opening] in rules["skipped"]):
        opening += 1
    if any(s == opening for s, _ in others):
        return True
    return article.lower[opening] in rules["relatives"] and any(e == first for _, e in others)


def _in_title(article, start, end):
    """ "How often should I get acupuncture for anxiety?": a mechanism word the title names is the
    condition the article treats, not how the therapy acts."""
    words = [_singular(word) for word in article.lower[start:end]]
    return bool(words) and all(word in article.title_words for word in words)


def understanding_findings(article, topics, works) -> list:
    """ "It is not yet clear how acupuncture works": a stance on whether the mechanism is understood."""
    spec, found = load_rules()["mechanisms"]["understanding"], []
    if spec["topic"] not in topics:
        return found
    for sentence in article.sentences:
        if sentence.skip or not sentence.has("understanding"):
            continue
        if words_in(article, sentence, spec["requires"]) and words_in(article, sentence, spec["requires_also"]):
            found.append(PresenceFinding(sentence, "mechanism", spec["topic"], sentence.find("understanding")[0].start,
                                         works.cites_for(sentence), stance=spec["stance"], statement=spec["statement"]))
    return found


# -- contraindications and side effects ---------------------------------------------------


_SAFETY_KINDS = frozenset({"contraindications", "side_effects"})


def safety_findings(article, topics, works) -> list:
    """[PresenceFinding] of the contraindications and side effects the article names."""
    found = []
    lexicon = load_rules()["lexicon"]
    safety = load_rules()["safety"]
    negations = set(lexicon["negations"])
    for sentence in article.sentences:
        # A sentence without a contraindication or side effect, nor a minimal one, drafts nothing here.
        if sentence.skip or not (sentence.kinds & _SAFETY_KINDS or sentence.has("minimal_side_effects")):
            continue
        spans = filter_spans([article.doc[s:e] for label, s, e in sentence.matches
                              if label.kind in ("contraindications", "side_effects", "ignore")])
        kept = {(span.start, span.end) for span in spans}
        mentions = [(label, s, e) for label, s, e in sentence.matches if (s, e) in kept
                    and label.kind in ("contraindications", "side_effects")]
        # A list item takes its cues from its heading and lead-in; prose from its heading too
        # ("Who should not have acupuncture?" over "People with haemophilia ...").
        context = article.context_labels(sentence) if sentence.line.kind == "item" else (
            article.lines[sentence.line.heading].labels if sentence.line.heading is not None else set())
        cues = context | sentence.labels
        for label, start, end in mentions:
            family, topic = label.kind, label.value
            if topic not in topics or Label("cue", family) not in cues:
                continue
            if family == "contraindications":
                severity = _severity(article, sentence)
                stance = safety["contraindications"]["stances"].get(topic)
                found.append(PresenceFinding(sentence, "contraindication", topic, start, works.cites_for(sentence),
                                             {"severity": severity} if severity else {}, stance))
            elif not sentence.about_comparator:
                effects = safety["side_effects"]
                negated = article.negated(start, end, negations)
                stance = (effects["negated_stances"] if negated else effects["stances"]).get(topic)
                if negated and stance is None:
                    continue  # "no bruising": not named as an effect
                found.append(PresenceFinding(sentence, "side_effect", topic, start, works.cites_for(sentence),
                                             stance=stance))
        minimal = safety["side_effects"]["minimal_topic"]
        if sentence.has("minimal_side_effects") and minimal in topics and not sentence.about_comparator:
            start = sentence.find("minimal_side_effects")[0].start
            found.append(PresenceFinding(sentence, "side_effect", minimal, start, works.cites_for(sentence)))
    return found


def _severity(article, sentence):
    """absolute or relative: from the heading above, else from the lead-in, else the sentence."""
    places = [sentence.line.heading, sentence.line.lead_in] if sentence.line.kind == "item" else []
    for index in places:
        if index is None:
            continue
        found = {label.value for label in article.lines[index].labels if label.kind == "severity"}
        if len(found) == 1:
            return found.pop()
    found = {label.value for label, _, _ in sentence.find("severity")}
    return found.pop() if len(found) == 1 else None


def register_mechanism_patterns(build):
    """The mechanism family's patterns (matching.matchers() calls this)."""
    mechanisms = build.rules["mechanisms"]
    for topic, spec in mechanisms["topics"].items():
        if spec.get("phrases"):
            build.phrases("mechanism", spec["phrases"], topic)
        if spec.get("patterns"):
            build.patterns("mechanism", spec["patterns"], topic)
    build.phrases("not_mechanism_list", mechanisms["not_in_lists"])
    build.phrases("explicit_mechanism", mechanisms["explicit"])
    build.patterns("explicit_mechanism", mechanisms["explicit_patterns"])
    build.patterns("understanding", mechanisms["understanding"]["patterns"])
    build.phrases("not_mechanism_sentence", mechanisms["not_in_sentences"])
    build.patterns("not_mechanism_sentence", mechanisms["not_in_sentence_patterns"])
    build.phrases("condition_state", mechanisms["condition_states"])
    build.phrases("condition_relief", mechanisms["condition_relief"])
    build.phrases("cause_link", mechanisms["cause_links"])
    build.phrases("other_agent", mechanisms["other_agents"]["words"])


def register_safety_patterns(build):
    """The contraindication and side-effect families' patterns (matching.matchers() calls this)."""
    safety = build.rules["safety"]
    for family in ("contraindications", "side_effects"):
        spec = safety[family]
        build.phrases("cue", spec["cues"], family)
        for topic, words in spec["topics"].items():
            build.phrases(family, words, topic)
    for severity, words in safety["contraindications"]["severity"].items():
        build.phrases("severity", words, severity)
    build.patterns("minimal_side_effects", safety["side_effects"]["minimal"])
    build.phrases("ignore", safety["ignore"])
