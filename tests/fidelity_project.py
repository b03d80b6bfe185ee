"""A small project for the citation-fidelity tests: two articles citing a study, the study's abstract
captured as a source of kind `study abstract`, and a second study that nobody identified."""

from .factory import DEFAULT_TOPICS, claim, make_project

EFFICACY = {"id": "efficacy.back_pain", "label": "Works for back pain", "kind": "stance",
            "description": "Does the therapy relieve back pain?"}
LASTING = {"id": "efficacy.long_term", "label": "Lasting benefit", "kind": "stance",
           "description": "Are the benefits lasting?"}
DURATION = {"id": "session.duration", "label": "Session length", "kind": "range", "unit": "minutes",
            "description": "How long is a session?"}
TOPICS = DEFAULT_TOPICS + [EFFICACY, LASTING, DURATION]

ARTICLE = (
    "A 2020 review found that acupuncture gives significant relief for back pain. "
    "The review found acupuncture can replace conventional care. "
    "In the trial patients had 10 sessions. "
    "The review showed acupuncture releases endorphins. "
    "The review found acupuncture beats standard care for back pain. "
    "A trial of 4 to 6 sessions was enough, the review said. "
    "Another study says most people need 8 sessions. "
    "The review found the relief lasts for years. "
    "Each trial session took 30 minutes. "
    "The review found dry needling helps back pain. "
    "Acupuncture relieves back pain, as the review shows."
)
FAIR_ARTICLE = ("The review found acupuncture may give short-term relief for chronic low back pain compared with "
                "sham acupuncture. The review suggests acupuncture relieves low back pain in the short term, "
                "compared with sham acupuncture.")
ABSTRACT = (
    "Acupuncture may provide short-term relief for chronic low back pain compared with sham acupuncture. "
    "Participants received 4 to 6 sessions. "
    "Acupuncture did not replace conventional care."
)
STUDIES = [
    {"id": "review-2020", "label": "A 2020 review", "year": 2020, "venue": "A Journal", "organization": None,
     "design": "review", "participants": None, "finding": "Acupuncture gives relief.",
     "identified": "doi:10.0000/test.2020", "abstract_source": "review-2020-abstract"},
    {"id": "vague-study", "label": "Another study", "year": None, "venue": None, "organization": None,
     "design": "study", "participants": None, "finding": None, "identified": None,
     "notes": "No year or venue given."},
]
REVIEW = ["review-2020"]
SAMPLE = dict(topic="sessions.count", type="session_count")


def sessions(id, quote, low, high, **extra):
    return claim(id, quote, value={"min": low, "max": high, "unit": "sessions"}, **SAMPLE, **extra)


ARTICLE_CLAIMS = [
    claim("significant", "acupuncture gives significant relief for back pain", topic="efficacy.back_pain",
          type="study_citation", stance="supports", certainty="reported", statement_kind="finding", cites=REVIEW),
    claim("replaces", "The review found acupuncture can replace conventional care.",
          topic="role.replaces_conventional", type="study_citation", stance="supports", statement_kind="finding",
          cites=REVIEW),
    sessions("ten", "In the trial patients had 10 sessions.", 10, 10, statement_kind="protocol", cites=REVIEW),
    claim("endorphins", "The review showed acupuncture releases endorphins.", topic="mechanism.endorphins",
          type="mechanism", statement_kind="finding", cites=REVIEW),
    claim("standard", "The review found acupuncture beats standard care for back pain.", topic="efficacy.back_pain",
          type="comparison", stance="supports", statement_kind="finding", qualifiers={"comparator": "standard care"},
          condition="low-back-pain", cites=REVIEW),
    sessions("enough", "A trial of 4 to 6 sessions was enough", 4, 6, statement_kind="finding", cites=REVIEW),
    sessions("vague", "most people need 8 sessions", 8, 8, statement_kind="finding", cites=["vague-study"]),
    sessions("dose", "A trial of 4 to 6 sessions", 4, 6, statement_kind="protocol", cites=REVIEW),
    claim("lasting", "The review found the relief lasts for years.", topic="efficacy.long_term",
          type="study_citation", stance="supports", statement_kind="finding", cites=REVIEW),
    claim("minutes", "Each trial session took 30 minutes.", topic="session.duration", type="session_duration",
          value={"min": 30, "max": 30, "unit": "minutes"}, statement_kind="protocol", cites=REVIEW),
    claim("dry-needling", "The review found dry needling helps back pain.", topic="efficacy.back_pain",
          type="study_citation", stance="supports", statement_kind="finding", therapy="dry-needling", cites=REVIEW),
    claim("own-words", "Acupuncture relieves back pain, as the review shows.", topic="efficacy.back_pain",
          type="efficacy", stance="supports", certainty="asserted", qualifiers={"comparator": "sham acupuncture"},
          cites=REVIEW),
]
FAIR_CLAIMS = [
    claim("fair", FAIR_ARTICLE.split(". ")[0] + ".", topic="efficacy.back_pain", type="study_citation",
          stance="supports", certainty="hedged", statement_kind="finding", condition="low-back-pain",
          qualifiers={"comparator": "sham acupuncture"}, cites=REVIEW),
    # Reported, yet hedged in its own words ("suggests"): not stated firmly.
    claim("suggests", FAIR_ARTICLE.split(". ")[1], topic="efficacy.back_pain", type="study_citation",
          stance="supports", certainty="reported", statement_kind="finding", condition="low-back-pain",
          qualifiers={"comparator": "sham acupuncture"}, cites=REVIEW),
]
ABSTRACT_CLAIMS = [
    claim("relief", "Acupuncture may provide short-term relief for chronic low back pain compared with sham "
          "acupuncture.", topic="efficacy.back_pain", type="efficacy", stance="supports", certainty="hedged",
          statement_kind="finding", condition="low-back-pain", qualifiers={"comparator": "sham acupuncture"},
          cites=REVIEW),
    sessions("protocol", "Participants received 4 to 6 sessions.", 4, 6, statement_kind="protocol",
             qualifiers={"phase": "initial"}, cites=REVIEW),
    claim("no-replacing", "Acupuncture did not replace conventional care.", topic="role.replaces_conventional",
          type="efficacy", stance="opposes", statement_kind="finding", cites=REVIEW),
]
SOURCES = {"review-2020-abstract": {"kind": "study abstract"},
           "clinic": {"kind": "clinic blog", "commercial_interest": "Sells acupuncture sessions."}}


def fidelity_project(root, article_claims=None):
    """The project laid out under root (not built)."""
    return make_project(root, {"clinic": ARTICLE, "fair": FAIR_ARTICLE, "review-2020-abstract": ABSTRACT},
                        {"clinic": ARTICLE_CLAIMS if article_claims is None else article_claims,
                         "fair": FAIR_CLAIMS, "review-2020-abstract": ABSTRACT_CLAIMS},
                        topics=TOPICS, studies=STUDIES, sources=SOURCES)
