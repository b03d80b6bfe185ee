"""`kb extract` and `kb add`: each claim family on small hand-written texts, furniture, refusals,
a round trip through validate and build, and the precision/recall guard on the curated articles."""

import importlib.util
from loaders.sqlitelib import sqlite3

import pytest
import yaml
from typer.testing import CliRunner

from loaders.cli import app
from loaders.extract import (EXTRACTOR, UnreadableText, detect_furniture, dump_yaml, extract, extract_to,
                             project_studies, project_topics, read_article)
from loaders.project import Project
from loaders.terms import project_vocabularies
from loaders.validate import validate

from .conftest import REPO

runner = CliRunner()


@pytest.fixture(scope="module")
def topics():
    return project_topics(Project(REPO))


@pytest.fixture(scope="module")
def studies():
    return project_studies(Project(REPO))


@pytest.fixture(scope="module")
def vocabularies():
    return project_vocabularies(Project(REPO))


def values(text, topics, studies=()):
    """{(topic, min, max, unit)} drafted from text."""
    draft = extract(text, topics, studies)
    return {(c["topic"], c["value"]["min"], c["value"]["max"], c["value"]["unit"])
            for c in draft.claims if "value" in c}


def claim_topics(text, topics, studies=(), type_=None):
    draft = extract(text, topics, studies)
    return {c["topic"] for c in draft.claims if type_ is None or c["type"] == type_}


# -- numbers ------------------------------------------------------------------------------


@pytest.mark.parametrize("text, expected", [
    ("Most people need 3–6 sessions.", ("sessions.count", 3, 6, "sessions")),
    ("Most people need 3-6 sessions.", ("sessions.count", 3, 6, "sessions")),
    ("You will need between one to three treatments.", ("sessions.count", 1, 3, "sessions")),
    ("A typical course is eight to ten treatments.", ("sessions.count", 8, 10, "sessions")),
    ("Chronic cases may require 10 or more treatments.", ("sessions.count", 10, None, "sessions")),
    ("Expect twelve sessions or more.", ("sessions.count", 12, None, "sessions")),
    ("Book a session or two and see how you feel.", ("sessions.trial", 1, 2, "sessions")),
    ("Most patients need multiple sessions.", ("sessions.count", 2, None, "sessions")),
    ("Patients usually need at least six sessions.", ("sessions.count", 6, None, "sessions")),
    ("Allow up to 12 sessions.", ("sessions.count", None, 12, "sessions")),
    ("Some people feel better after the first session.", ("onset.sessions", 1, 1, "sessions")),
    ("Some people notice relief within 1-3 sessions.", ("onset.sessions", 1, 3, "sessions")),
])
def test_session_counts(text, expected, topics):
    assert expected in values(text, topics)


@pytest.mark.parametrize("text, expected", [
    ("It is recommended to have acupuncture twice weekly.", (2, 2)),
    ("Sessions are held once or twice a week.", (1, 2)),
    ("Most clinics recommend 1-3 times per week.", (1, 3)),
    ("We suggest three times a week.", (3, 3)),
    ("Book 2–3 sessions per week.", (2, 3)),
    ("Appointments can then be reduced to once per week.", (1, 1)),
])
def test_frequency(text, expected, topics):
    assert ("sessions.frequency", *expected, "sessions/week") in values(text, topics)


@pytest.mark.parametrize("text, expected", [
    ("You will rest for about 20–30 minutes while the needles do their work.", (20, 30)),
    ("Needles remain in place for 20 to 30 minutes.", (20, 30)),
    ("The session tends to last around 40 minutes.", (40, 40)),
    ("Expect a 30-minute session.", (30, 30)),
    ("A typical session takes about an hour.", (1, 1)),
])
def test_session_length(text, expected, topics):
    found = values(text, topics)
    assert any(topic == "sessions.duration" and (low, high) == expected for topic, low, high, _ in found), found


@pytest.mark.parametrize("text, expected", [
    ("It can take 6-8 weeks to begin seeing results.", ("onset.time", 6, 8, "weeks")),
    ("It typically takes 10 to 12 weeks to see lasting results.", ("onset.time", 10, 12, "weeks")),
    ("Some patients will see results immediately after their first treatment.", ("onset.time", 0, 0, "minutes")),
    ("The effects are immediate.", ("onset.time", 0, 0, "minutes")),
    ("It takes effect in less than half an hour.", ("onset.time", None, 30, "minutes")),
    ("The relief can last for up to three days.", ("effect.duration", None, 3, "days")),
    ("The benefits were sustained 12 months after treatment.", ("effect.duration", 12, None, "months")),
    ("Have acupuncture twice weekly for several weeks.", ("course.length", 3, None, "weeks")),
    ("Get acupuncture for at least a few weeks before deciding.", ("course.length", 2, None, "weeks")),
    ("Treatment usually runs for 6 to 8 weeks.", ("course.length", 6, 8, "weeks")),
])
def test_course_and_time(text, expected, topics):
    assert expected in values(text, topics)


def test_vague_values_are_approximate(topics):
    draft = extract("Have acupuncture for several weeks. You rest for about 20 minutes during the session.", topics)
    assert all(claim["value"].get("approximate") for claim in draft.claims)


@pytest.mark.parametrize("text", [
    "Acupuncture does not require 10 sessions.",
    "You don't need 12 treatments to see a change.",
    "If you were to need 10 sessions, the cost would add up.",
    "If you're hoping for one session to fix your back, acupuncture might not be right for you.",
    "Acute pain is pain that lasts less than three months.",
    "People with chronic pain that has lasted for longer than six months took part.",
    "Morphine has a peak effect of 20 minutes. It usually lasts for up to seven hours.",
    "Eat something about two hours before an acupuncture session.",
    "Many people also see a physiotherapist, and a physiotherapy appointment often runs 40 minutes.",
    "How many sessions will I need?",
])
def test_negated_hypothetical_and_unrelated_numbers_are_ignored(text, topics):
    assert values(text, topics) == set()


def test_a_main_clause_after_an_if_clause_counts(topics):
    text = "If and when the back pain improves, appointments can be reduced to once per week."
    assert ("sessions.frequency", 1, 1, "sessions/week") in values(text, topics)


def test_qualifiers_say_what_a_number_is_about(topics):
    draft = extract("Mild pain: 3–5 sessions may be enough.\n\nChronic pain: 8–12 sessions are recommended for "
                    "lasting relief.", topics)
    qualifiers = {claim["value"]["min"]: claim.get("qualifiers") for claim in draft.claims if claim["type"] == "session_count"}
    assert qualifiers[3] == {"population": "mild"}
    assert qualifiers[8] == {"population": "chronic", "endpoint": "lasting relief"}


# -- mechanisms ---------------------------------------------------------------------------


@pytest.mark.parametrize("text, topic", [
    ("Acupuncture triggers the release of endorphins, the body's natural painkillers.", "mechanism.endorphins"),
    ("It is thought to improve blood circulation.", "mechanism.circulation"),
    ("Needling relaxes tight muscles.", "mechanism.muscle_relaxation"),
    ("Acupuncture reduces inflammation.", "mechanism.inflammation"),
    ("It stimulates the nervous system.", "mechanism.nervous_system"),
    ("According to TCM, acupuncture restores the flow of qi along meridians.", "mechanism.qi"),
])
def test_mechanisms(text, topic, topics):
    assert topic in claim_topics(text, topics, type_="mechanism")


@pytest.mark.parametrize("text", [
    "Acupuncture does not release endorphins.",
    "Inflammation causes back pain.",
    "Massage relaxes tight muscles.",
    "If acupuncture worked by releasing endorphins, naloxone would block it.",
    "Many patients report:\n\n  • Lower stress levels\n  • Reduced muscle stiffness",
])
def test_mechanisms_need_acupuncture_acting(text, topics):
    assert claim_topics(text, topics, type_="mechanism") == set()


def test_mechanisms_from_a_list_introduced_as_how_it_works(topics):
    text = "How It Works\n\nFrom a Western medical perspective, acupuncture may:\n\n  • Increase blood flow\n  • Reduce inflammation\n"
    assert {"mechanism.circulation", "mechanism.inflammation"} <= claim_topics(text, topics, type_="mechanism")


# -- study citations ----------------------------------------------------------------------


def cited(text, topics, studies):
    draft = extract(text, topics, studies, source_id="probe")
    own = {study["id"]: study for study in draft.studies}
    return [(claim["cites"], own) for claim in draft.claims if claim["type"] == "study_citation"]


def test_a_known_work_is_linked_to_its_studies_yaml_entry(topics, studies):
    found = cited("A 2020 review published in JAMA Internal Medicine found that acupuncture provided significant "
                  "short-term relief compared to standard treatments.", topics, studies)
    assert found and all(cites == ["jama-intern-med-2020-review"] for cites, _ in found)


def test_an_organisation_is_linked_by_name(topics, studies):
    found = cited("The National Institutes of Health (NIH) recognizes acupuncture as a safe therapy.", topics, studies)
    assert {"nih"} == {study for cites, _ in found for study in cites}


def test_an_unknown_work_goes_to_the_files_own_studies_unidentified(topics, studies):
    found = cited("A 2017 meta-analysis of 1,162 patients published in the Journal of Pain Research found that "
                  "acupuncture reduced pain.", topics, studies)
    (cites, own), *_ = found
    study = own[cites[0]]
    assert study["year"] == 2017 and study["venue"] == "Journal of Pain Research"
    assert study["design"] == "meta-analysis" and study["participants"] == "1,162 patients"
    assert study["identified"] is None and cites[0] not in {s["id"] for s in studies}


@pytest.mark.parametrize("text", [
    "Studies show that acupuncture helps many people.",
    "Research suggests that it may help release endorphins.",
    "According to Traditional Chinese Medicine (TCM), these points include the hands.",
    "You will need between one to three treatments, as Best Health reports.",
])
def test_vague_research_and_outlets_are_not_study_citations(text, topics, studies):
    assert cited(text, topics, studies) == []


def test_an_outlet_is_cited_on_the_claims_it_relays(topics, studies):
    draft = extract("You will need between one to three treatments, as Best Health reports.", topics, studies)
    (claim,) = draft.claims
    assert claim["cites"] == ["best-health"] and claim["certainty"] == "reported"


# -- contraindications and side effects ---------------------------------------------------


def test_contraindications_from_a_list_and_a_sentence(topics):
    text = ("Absolute Contraindications\n\nSuch contraindications include:\n\n  • Clients with a pacemaker\n"
            "  • Clients with blood disorders\n\nAvoid acupuncture if you are pregnant.\n")
    draft = extract(text, topics)
    found = {claim["topic"]: claim.get("qualifiers") for claim in draft.claims if claim["type"] == "contraindication"}
    assert found["contraindication.pacemaker"] == {"severity": "absolute"}
    assert "contraindication.bleeding_disorder" in found and "contraindication.pregnancy" in found


def test_side_effects_from_a_list_and_a_sentence(topics):
    text = ("Some minor side effects can occur, such as:\n\n  • Mild bruising\n  • Temporary soreness\n\n"
            "Risks are minimal but can include dizziness.\n\nAcupuncture is rarely followed by bruising after massage.")
    found = claim_topics(text, topics, type_="side_effect")
    assert {"side_effect.bruising", "side_effect.soreness", "side_effect.lightheadedness",
            "side_effect.minimal"} <= found


# -- page furniture -----------------------------------------------------------------------

FURNITURE = """DEBUG: Acupuncture DEBUG

How Many Sessions Do You Need?

top of page
Search

Most people need 3–6 sessions of acupuncture. Acupuncture releases endorphins.

It is recommended to have acupuncture twice weekly for several weeks in the initial stages of treatment.

Comments

Great post! I needed 20 sessions and it releases endorphins, my acupuncturist says.
"""

TEASERS = """Is Acupuncture Good for Back Pain?

Most people need 3–6 sessions. Acupuncture improves blood flow to the area and relaxes tight muscles.
Sessions last about 30 minutes. It is recommended to have acupuncture twice weekly for several weeks.

Conclusion

Acupuncture helps many people with back pain.

How Massage Helps Neck Pain

How Massage Helps Neck Pain

Massage needs 10 sessions and works in 5 minutes by reducing inflammation, as
"""


def test_furniture_is_detected():
    kinds = {(a["kind"], a["quote"], a.get("through_end", False)) for a in detect_furniture(FURNITURE)}
    assert ("debug", "DEBUG: Acupuncture DEBUG", False) in kinds
    assert ("navigation", "top of page", False) in kinds
    assert ("navigation", "Comments", True) in kinds
    teasers = detect_furniture(TEASERS)
    assert [(a["kind"], a["quote"], a["through_end"], a["occurrence"]) for a in teasers] == [
        ("teaser", "How Massage Helps Neck Pain", True, 1)]


@pytest.mark.parametrize("text", [FURNITURE, TEASERS])
def test_no_claim_is_drawn_from_furniture(text, topics):
    draft = extract(text, topics)
    assert draft.claims
    for claim in draft.claims:
        assert "Great post" not in claim["quote"] and "Massage" not in claim["quote"]
    assert ("sessions.count", 20, 20, "sessions") not in values(text, topics)
    assert "mechanism.inflammation" not in claim_topics(text, topics)


# -- the claims file ----------------------------------------------------------------------


def test_drafts_are_marked_unreviewed_and_in_the_curated_shape(topics):
    text = "Most people need 3–6 sessions. Most people need 3–6 sessions."
    draft = extract(text, topics, source_id="example")
    document = yaml.safe_load(dump_yaml(draft.document()))
    assert document["source"] == "example"
    first, second = document["claims"]
    assert list(first)[:6] == ["id", "type", "topic", "statement", "quote", "occurrence"]
    assert (first["occurrence"], second["occurrence"]) == (1, 2)  # the same sentence twice: each anchors
    assert first["id"] != second["id"]
    for claim in (first, second):
        assert claim["status"] == "draft" and claim["extracted_by"] == EXTRACTOR
        assert claim["value"] == {"min": 3, "max": 6, "unit": "sessions"}


def test_drafts_of_every_curated_article_validate(project_copy):
    # Each curated file is replaced by the draft: its quotes must anchor, uniquely, outside the artefacts.
    for text_path in project_copy.source_text_files():
        extract_to(project_copy, text_path, project_copy.claims_dir / f"{text_path.stem}.yaml", force=True)
    report = validate(project_copy)
    assert report.ok, "\n".join(map(str, report.problems))
    assert all(claim.claim.status == "draft" for claim in report.corpus.claims)


# -- reading articles ---------------------------------------------------------------------


@pytest.mark.parametrize("content, expected", [
    (b"", "is empty"),
    (b"  \n\n ", "is empty"),
    (b"\xff\xfeB\x00a\x00c\x00k\x00", "binary"),
    (b"Back pain \xe9tudes caf\xe9 needs sessions", "not UTF-8"),
    (bytes(range(1, 32)) * 10, "binary"),
])
def test_unreadable_files_are_refused_with_the_reason(tmp_path, content, expected):
    path = tmp_path / "article.txt"
    path.write_bytes(content)
    with pytest.raises(UnreadableText, match=expected) as error:
        read_article(path)
    assert str(path) in str(error.value) and "expected" in str(error.value)


# -- kb add and kb extract ----------------------------------------------------------------

ARTICLE = """Acupuncture for Sciatica

Home

Most patients need between four and six sessions, usually once or twice a week. Each session lasts around
45 minutes. A 2017 systematic review published in the Journal of Pain Research found that acupuncture reduced
pain compared to standard care. Acupuncture is believed to stimulate nerves and release endorphins.

You should avoid acupuncture if you have a bleeding disorder.

Recent Posts

Acupuncture for migraine: 10 sessions
"""


def listing(project):
    return sorted(str(p.relative_to(project.root)) for p in project.root.rglob("*") if p.is_file())


def invoke(project, monkeypatch, *args):
    monkeypatch.chdir(project.root)
    return runner.invoke(app, list(args))


def test_kb_add_then_validate_and_build(project_copy, monkeypatch, tmp_path):
    article = tmp_path / "sciatica.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    result = invoke(project_copy, monkeypatch, "add", str(article), "--title", "Acupuncture for Sciatica",
                    "--publisher", "Test Clinic", "--published", "2024-03-02", "--url", "https://example.org/a")
    assert result.exit_code == 0, result.output
    source = project_copy.sources_dir / "acupuncture-for-sciatica"
    assert source.with_suffix(".txt").read_bytes() == article.read_bytes()
    metadata = yaml.safe_load(source.with_suffix(".yaml").read_text())
    assert metadata["published"].isoformat() == "2024-03-02" and metadata["publisher"] == "Test Clinic"
    assert {(a["kind"], a["quote"]) for a in metadata["artefacts"]} >= {("navigation", "Home"),
                                                                         ("navigation", "Recent Posts")}
    claims = yaml.safe_load((project_copy.claims_dir / "acupuncture-for-sciatica.yaml").read_text())
    assert {c["type"] for c in claims["claims"]} >= {"session_count", "session_frequency", "session_duration",
                                                     "study_citation", "mechanism", "contraindication"}
    assert "10 sessions" not in str(claims)  # the teaser after "Recent Posts"

    validated = invoke(project_copy, monkeypatch, "validate")
    assert validated.exit_code == 0, validated.output
    built = invoke(project_copy, monkeypatch, "build")
    assert built.exit_code == 0, built.output
    with sqlite3.connect(project_copy.db_path) as connection:
        drafts = connection.execute("select count(*) from claims where source_id = ? and status = 'draft'",
                                    ("acupuncture-for-sciatica",)).fetchone()[0]
    assert drafts == len(claims["claims"])


def test_kb_add_keeps_free_text_dates_as_text(project_copy, monkeypatch, tmp_path):
    article = tmp_path / "a.txt"
    article.write_text("Most people need 3–6 sessions of acupuncture.\n")
    result = invoke(project_copy, monkeypatch, "add", str(article), "--title", "Dates", "--published", "Jan 19")
    assert result.exit_code == 0, result.output
    metadata = yaml.safe_load((project_copy.sources_dir / "dates.yaml").read_text())
    assert metadata["published"] is None and metadata["published_text"] == "Jan 19"


@pytest.mark.parametrize("content, title, extra, message", [
    (b"", "Empty", [], "is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "Image", [], "binary"),
    ("Caf\xe9 acupuncture".encode("latin-1"), "Latin", [], "not UTF-8"),
    (ARTICLE.encode(), "Can Acupuncture Help Back Pain", [], "is taken"),
    (ARTICLE.encode(), "Anything", ["--id", "neck-or-back-pain"], "is taken"),
    (ARTICLE.encode(), "Anything", ["--id", "Not A Slug"], "not a slug"),
])
def test_kb_add_refuses_and_writes_nothing(project_copy, monkeypatch, tmp_path, content, title, extra, message):
    article = tmp_path / "article.txt"
    article.write_bytes(content)
    before = listing(project_copy)
    result = invoke(project_copy, monkeypatch, "add", str(article), "--title", title, *extra)
    assert result.exit_code != 0
    assert message in " ".join(result.output.split())
    assert listing(project_copy) == before


def test_kb_extract_prints_or_writes_a_draft(project_copy, monkeypatch, tmp_path):
    article = tmp_path / "sciatica.txt"
    article.write_text(ARTICLE)
    printed = invoke(project_copy, monkeypatch, "extract", str(article))
    assert printed.exit_code == 0, printed.output
    document = yaml.safe_load(printed.output)
    assert document["source"] == "sciatica" and all(c["status"] == "draft" for c in document["claims"])

    output = tmp_path / "draft.yaml"
    written = invoke(project_copy, monkeypatch, "extract", str(article), "-o", str(output))
    assert written.exit_code == 0 and yaml.safe_load(output.read_text()) == document
    again = invoke(project_copy, monkeypatch, "extract", str(article), "-o", str(output))
    assert again.exit_code != 0 and "exists" in again.output


def test_kb_extract_refuses_a_binary_file(project_copy, monkeypatch, tmp_path):
    article = tmp_path / "a.txt"
    article.write_bytes(b"\x00\x01\x02")
    result = invoke(project_copy, monkeypatch, "extract", str(article))
    assert result.exit_code != 0 and "binary" in result.output


# -- precision and recall on the curated articles -----------------------------------------


def load_benchmark():
    path = REPO / "benchmarks" / "extract_eval.py"
    spec = importlib.util.spec_from_file_location("extract_eval", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_precision_and_recall_on_the_curated_articles():
    benchmark = load_benchmark()
    project = Project(REPO)
    missing = [source for source, curated in benchmark.curated_sources(project).items() if not curated]
    if missing:
        pytest.skip(f"curated claims missing for {', '.join(missing)}: nothing to score against")
    # Guarded on the five articles the rules were written against; the grown corpus is reported
    # by the benchmark per split (development, frozen test), never tuned to here.
    scores = benchmark.score(project, benchmark.FAMILIES, sources=benchmark.splits(project)["original"])
    failing = {family: (round(s.precision, 2), round(s.recall, 2)) for family, s in scores.items()
               if s.precision < benchmark.PRECISION_TARGET or s.recall < benchmark.RECALL_TARGET}
    assert not failing, f"below P≥{benchmark.PRECISION_TARGET} R≥{benchmark.RECALL_TARGET}: {failing}"
    assert all(s.curated for s in scores.values()), "a family has no curated claims to score"


def test_the_scorer_takes_an_author_year_work_by_its_first_author_and_year():
    # Works written for this test: a drafted "Smith et al., 2012" is the curated "Smith, Jones & Lee, 2012",
    # not "Smith et al., 2014" nor "Brown et al., 2012" (nor a label that names no author).
    same_work = load_benchmark().same_work
    curated = {"label": "Smith, Jones & Lee, 2012", "year": 2012}
    assert same_work({"label": "Smith et al., 2012", "year": 2012}, curated)
    assert not same_work({"label": "Smith et al., 2014", "year": 2014}, curated)
    assert not same_work({"label": "Brown et al., 2012", "year": 2012}, curated)
    assert not same_work({"label": "a 2012 review", "year": 2012}, {"label": "a 2012 review of trials", "year": 2012})
    assert not same_work({"label": "Smith et al., 2012", "year": 2012, "venue": "Pain"},
                         {**curated, "venue": "Spine"})


def test_statement_kinds_agree_with_the_curated_articles():
    benchmark = load_benchmark()
    result = benchmark.agreement(Project(REPO), benchmark.splits(Project(REPO))["original"])
    assert result.kinds, "no drafted claim matches a curated one"
    disagreeing = [kind for kind in result.kinds if kind[2] != kind[3]]
    assert result.kind_share >= benchmark.KIND_TARGET, disagreeing


# -- found on an article written after the rules (not one of the five) ----------------------


def test_a_review_and_the_trials_it_pools_are_one_work(topics, studies):
    text = ("A 2018 meta-analysis of 12 trials involving 1,162 patients, published in the journal Pain Research "
            "and Management, found that acupuncture reduced sciatica pain more than conventional drug treatment.")
    draft = extract(text, topics, studies)
    assert len(draft.studies) == 1
    assert draft.studies[0]["design"] == "meta-analysis" and draft.studies[0]["participants"] == "1,162 patients"


def test_a_comment_widget_with_a_count_is_furniture(topics, studies):
    article = ("How many treatments will I need?\n\nMost people with sciatica need six to ten treatments.\n\n"
               "Acute flare-ups often settle within two or three visits.\n\nComments (2)\n"
               "Great clinic, my sciatica is gone after 4 sessions!\n")
    assert values(article, topics) == {("sessions.count", 6, 10, "sessions"), ("sessions.count", 2, 3, "sessions")}


def test_side_effects_someone_might_notice(topics, studies):
    text = "Side effects are uncommon. You might notice mild bruising or a little soreness where the needles went in."
    assert {"side_effect.bruising", "side_effect.soreness", "side_effect.minimal"} <= claim_topics(text, topics)


# -- numbers that are not claims about a course (numbers.yaml not_claims) ---------------------
# Each sentence was written for these tests; each is drafted as a claim without its rule.


@pytest.mark.parametrize("text, rule", [
    ("A total of 96 sessions were recorded during the pilot.", "aggregate sessions"),
    ("In total, 60 treatments were given to 12 patients.", "aggregate sessions"),
    ("60 treatments were given to 12 patients.", "aggregate sessions"),
    ("The clinic logged 14,200 sessions last year.", "max_sessions"),
    ("Those who relapsed could book the additional three sessions at no cost.", "add-on sessions"),
    ("Some patients then have two more treatments in the autumn.", "add-on sessions"),
    ("During sessions 4 to 6 treatments were given by a second practitioner.", "session numbers"),
    ("Practitioners insert 5 to 12 treatment needles.", "needles"),
    ("Patients felt less pain at 4 and 8 weeks.", "assessment points"),
    ("Relief was noticed at 6 weeks.", "assessment points"),
    ("Acupuncture relief was measured over 3 months.", "assessment clauses"),
    ("Everyone was followed up for 9 months.", "assessment clauses"),
    ("The trial ran for 18 months, including follow-up.", "study duration"),
    ("Everyone had had back pain for at least three months.", "illness_duration"),
    ("Adults with back pain for over 3 months took part.", "illness_duration"),
])
def test_numbers_that_are_not_about_a_course_are_refused(text, rule, topics):
    assert values(text, topics) == set(), rule


@pytest.mark.parametrize("text, expected", [
    ("Participants received a total of 10 sessions.", ("sessions.count", 10, 10, "sessions")),
    ("Chronic cases may require 10 or more treatments.", ("sessions.count", 10, None, "sessions")),
    ("Sessions 30 to 45 minutes long are usual.", ("sessions.duration", 30, 45, "minutes")),
    ("Most people feel better within 6 weeks.", ("onset.time", None, 6, "weeks")),
    ("Participants received ten 30-minute sessions over five weeks.", ("sessions.count", 10, 10, "sessions")),
    ("Participants received ten 30-minute sessions over five weeks.", ("sessions.duration", 30, 30, "minutes")),
])
def test_the_rules_leave_courses_alone(text, expected, topics):
    assert expected in values(text, topics)


# -- statement kinds: advice, finding, protocol (statements.yaml) ---------------------------


def kinds(text, topics, studies=()):
    """[(type, topic, value min, statement_kind, arm, cites)] drafted from text."""
    draft = extract(text, topics, studies, source_id="probe")
    return [(c["type"], c["topic"], (c.get("value") or {}).get("min"), c["statement_kind"], c.get("arm"),
             tuple(c.get("cites", ()))) for c in draft.claims]


def test_the_articles_own_advice_is_advice(topics):
    assert {kind for _, _, _, kind, _, _ in kinds("Most people need 6 to 8 sessions, once a week.", topics)} == {"advice"}


def test_a_number_an_outlet_relays_stays_advice(topics, studies):
    found = kinds("You will need between one to three treatments, as Best Health reports.", topics, studies)
    assert [(kind, cites) for _, _, _, kind, _, cites in found] == [("advice", ("best-health",))]


def test_a_cited_studys_result_is_a_finding(topics, studies):
    text = "A 2016 study of 90 adults found that the benefits were sustained 12 months after treatment."
    found = kinds(text, topics, studies)
    assert {kind for *_, kind, _, _ in found} == {"finding"}
    assert ("effect_duration", "effect.duration", 12, "finding", None, found[0][5]) in found


def test_a_cited_studys_protocol_is_a_protocol_citing_the_study(topics, studies):
    text = "In a 2021 trial, participants received ten 30-minute sessions over five weeks."
    found = kinds(text, topics, studies)
    assert {(type_, low, kind) for type_, _, low, kind, _, _ in found} == {
        ("session_count", 10, "protocol"), ("session_duration", 30, "protocol"), ("course_length", 5, "protocol")}
    assert len({cites for *_, cites in found}) == 1 and found[0][5]  # all cite the one trial


def test_the_trial_found_refers_to_the_work_cited_above_under_the_same_heading(topics, studies):
    text = ("What the research says\n\nA 2018 trial compared acupuncture with usual care in 200 adults.\n\n"
            "The trial found that acupuncture reduced pain more than usual care. Participants received twelve "
            "sessions over six weeks.\n\nOur advice\n\nMost people need 6 to 8 sessions.\n")
    draft = extract(text, topics, studies, source_id="probe")
    (work,) = draft.studies
    by_quote = {(c["quote"][:12], c["type"], c["statement_kind"], tuple(c.get("cites", ()))) for c in draft.claims}
    assert ("The trial fo", "study_citation", "finding", (work["id"],)) in by_quote
    assert ("Participants", "session_count", "protocol", (work["id"],)) in by_quote
    assert ("Most people ", "session_count", "advice", ()) in by_quote  # another heading: the clinic's advice


def test_a_protocol_sentence_without_a_study_is_the_clinics_own_practice(topics, studies):
    found = kinds("Our patients received six sessions on average.", topics, studies)
    assert [(low, kind) for _, _, low, kind, _, _ in found] == [(6, "advice")]


def test_arms_of_one_trial_are_separate_protocol_claims(topics, studies):
    text = ("A 2018 trial found that acupuncture reduced pain. The acupuncture group had 12 sessions over six weeks, "
            "while the sham acupuncture group had six sessions.")
    found = kinds(text, topics, studies)
    protocol = {(type_, low, arm) for type_, _, low, kind, arm, _ in found if kind == "protocol"}
    assert protocol == {("session_count", 12, "acupuncture"), ("course_length", 6, "acupuncture"),
                        ("session_count", 6, "sham acupuncture")}


def test_an_arm_with_a_comparator_is_still_drafted(topics, studies):
    text = "A 2020 trial found both treatments helped. The massage group received eight sessions."
    found = kinds(text, topics, studies)
    assert [(low, kind, arm) for type_, _, low, kind, arm, _ in found if type_ == "session_count"] == [
        (8, "protocol", "massage")]


@pytest.mark.parametrize("text", [
    "A 2019 trial with 120 patients per arm found that acupuncture helped.",
    "The 2019 trial put 60 volunteers in each group and found that acupuncture helped.",
])
def test_arm_sizes_are_not_a_works_participants(text, topics, studies):
    draft = extract(text, topics, studies, source_id="probe")
    assert [(study["year"], study["participants"]) for study in draft.studies] == [(2019, None)]


# -- therapy and condition: the article's main ones, and a claim's own -----------------------


def terms_of(text, topics, vocabularies, studies=(), **main):
    """[(type, therapy, condition)] drafted from text in an article on acupuncture for back pain."""
    main = {"therapy": "acupuncture", "condition": "back-pain", **main}
    draft = extract(text, topics, studies, vocabularies=vocabularies, **main)
    return [(c["type"], c.get("therapy"), c.get("condition")) for c in draft.claims]


def test_the_main_therapy_and_condition_are_detected_from_title_and_text(topics, vocabularies):
    text = ("Acupuncture for Sciatica\n\nSciatica is pain along the sciatic nerve. Most people with sciatica need "
            "six sessions of acupuncture, and pain relief often follows.\n")
    draft = extract(text, topics, vocabularies=vocabularies)
    assert (draft.therapy, draft.condition, draft.detected) == ("acupuncture", "sciatica", ("therapy", "condition"))
    given = extract(text, topics, vocabularies=vocabularies, condition="low-back-pain")
    assert (given.condition, given.detected) == ("low-back-pain", ("therapy",))
    assert "# condition: low-back-pain" in given.header() and "# therapy: acupuncture" in given.header()


@pytest.mark.parametrize("text, expected", [
    ("Most people with back pain need 6 to 8 sessions.", (None, None)),
    ("Acupuncture gives pain relief within 6 sessions.", (None, None)),  # pain: more general than back pain
    ("For neck pain, most people need 4 to 6 sessions.", (None, "neck-pain")),
    ("Acupuncture for chronic low back pain takes 8 to 10 sessions.", (None, "chronic-low-back-pain")),
    ("Acupuncture helps back pain and neck pain within 5 sessions.", (None, None)),  # the main one named too
    ("Electroacupuncture sessions usually last 20 minutes.", ("electroacupuncture", None)),
    ("Auricular acupuncture is given once a week.", ("auricular-acupuncture", None)),
])
def test_a_claim_names_its_own_therapy_or_condition_only_when_not_the_articles(text, expected, topics, vocabularies):
    assert {(therapy, condition) for _, therapy, condition in terms_of(text, topics, vocabularies)} == {expected}


@pytest.mark.parametrize("text", [
    "The insertion of fine needles releases endorphins, the body's natural painkillers.",  # in passing
    "Acupuncture lowers stress and relaxes tight muscles.",  # stress: a mechanism, not anxiety
])
def test_a_therapy_named_in_passing_or_a_mechanism_word_is_no_override(text, topics, vocabularies):
    found = terms_of(text, topics, vocabularies)
    assert found and all(therapy is None and condition is None for _, therapy, condition in found)


def test_a_trial_arm_gives_its_therapy(topics, vocabularies, studies):
    text = "A 2020 trial found both treatments helped. The massage group received eight sessions."
    found = terms_of(text, topics, vocabularies, studies)
    assert ("session_count", "massage", None) in found


def test_kb_extract_of_a_registered_source_takes_its_metadata(project_copy, monkeypatch):
    text_path = project_copy.sources_dir / "neck-or-back-pain.txt"
    printed = invoke(project_copy, monkeypatch, "extract", str(text_path))
    assert printed.exit_code == 0, printed.output
    assert "# therapy: acupuncture  (from the source metadata" in printed.output
    assert "# condition: spinal-pain  (from the source metadata" in printed.output
    document = yaml.safe_load(printed.output)
    assert all(c.get("condition") != "spinal-pain" for c in document["claims"])


# -- one vocabulary: the extractor's families and rules, the benchmark's families ------------


def test_families_and_rules_agree_with_the_vocabulary():
    from loaders import extract as extractor
    from loaders import vocabulary as v

    assert extractor.vocabulary_problems(extractor.load_rules()) == []
    assert load_benchmark().family_problems() == []
    assert set(extractor.FAMILY_TYPES["numeric"]) == set(v.NUMERIC_TYPES)


def test_a_drifting_rule_file_or_family_is_reported(monkeypatch):
    import copy

    from loaders import extract as extractor
    from loaders import vocabulary as v

    rules = copy.deepcopy(extractor.load_rules())
    rules["numbers"]["claim_types"]["sessions.count"] = "session_total"
    rules["statements"]["protocol"]["kind"] = "method"
    rules["terms"]["condition_families"].append("numbers")
    problems = " ".join(extractor.vocabulary_problems(rules))
    assert "'session_total'" in problems and "'method'" in problems and "'numbers'" in problems
    benchmark = load_benchmark()
    assert any("'mechanisms'" in p for p in benchmark.family_problems({**benchmark.FAMILIES, "m": ("mechanisms",)}))
    monkeypatch.setattr(v, "STATEMENT_KINDS", {"advice": ""})
    assert any("'finding'" in p for p in extractor.vocabulary_problems(extractor.load_rules()))
    families = {name: types for name, types in benchmark.FAMILIES.items() if name != "mechanisms"}
    assert any("'mechanism'" in p for p in benchmark.family_problems({**families, **benchmark.EXTRA_FAMILIES}))


# -- kb add on a clinic article with a two-arm trial, a massage aside, a total and a follow-up --

CLINIC = """Acupuncture for Lower Back Pain | Riverside Acupuncture Clinic

Home
About us
Book now

How many sessions will I need?

Most of our patients with lower back pain need six to eight sessions, usually once a week. Each appointment lasts about 45 minutes, and the needles stay in for 20 to 30 minutes.

Acupuncture may also ease stress and improve blood circulation. Some patients combine it with massage, and a massage session usually takes an hour.

What the research says

A 2019 randomised controlled trial published in the Journal of Back Care compared real acupuncture with sham acupuncture in 160 adults with back pain lasting more than three months. The acupuncture group received ten 30-minute sessions over five weeks, while the sham group received ten sessions of shallow needling. Pain was assessed at 12 and 26 weeks. The trial found that acupuncture reduced pain more than sham acupuncture.

A total of 4,820 treatment sessions were delivered at the clinic last year.

Is it safe?

Side effects are usually mild, such as slight bruising or soreness. You should avoid acupuncture if you have a bleeding disorder.

Recent Posts

Acupuncture for headaches: 5 sessions
"""


def test_kb_add_drafts_kinds_and_arms_without_trap_claims_and_validates(project_copy, monkeypatch, tmp_path):
    article = tmp_path / "riverside.txt"
    article.write_text(CLINIC, encoding="utf-8")
    result = invoke(project_copy, monkeypatch, "add", str(article), "--title", "Acupuncture for Lower Back Pain",
                    "--publisher", "Riverside Acupuncture Clinic", "--kind", "clinic blog")
    assert result.exit_code == 0, result.output
    metadata = yaml.safe_load((project_copy.sources_dir / "acupuncture-for-lower-back-pain.yaml").read_text())
    assert (metadata["therapy"], metadata["condition"]) == ("acupuncture", "low-back-pain")  # detected
    document = yaml.safe_load((project_copy.claims_dir / "acupuncture-for-lower-back-pain.yaml").read_text())
    claims = document["claims"]
    (trial,) = document["studies"]
    assert trial["year"] == 2019 and trial["participants"] == "160 adults"

    def value(claim):
        return (claim["type"], claim["value"]["min"], claim["value"]["max"], claim["value"]["unit"])

    protocol = {(*value(c), c.get("arm")) for c in claims if c["statement_kind"] == "protocol"}
    assert protocol == {("session_count", 10, 10, "sessions", "acupuncture"), ("session_duration", 30, 30, "minutes",
                        "acupuncture"), ("course_length", 5, 5, "weeks", "acupuncture"),
                        ("session_count", 10, 10, "sessions", "sham")}
    assert all(c["cites"] == [trial["id"]] for c in claims if c["statement_kind"] in ("protocol", "finding"))
    findings = {c["quote"][:20] for c in claims if c["statement_kind"] == "finding"}
    assert findings == {"A 2019 randomised co", "The trial found that"}
    advice = {value(c) for c in claims if c["statement_kind"] == "advice" and "value" in c}
    assert advice == {("session_count", 6, 8, "sessions"), ("session_frequency", 1, 1, "sessions/week"),
                      ("session_duration", 45, 45, "minutes"), ("session_duration", 20, 30, "minutes")}
    assert {c["type"] for c in claims} >= {"mechanism", "side_effect", "contraindication"}
    quoted = " ".join(c["quote"] for c in claims)
    for trap in ("massage session", "4,820", "assessed at", "Recent Posts", "headaches"):
        assert trap not in quoted, trap
    assert all("therapy" not in c and "condition" not in c for c in claims)  # all about acupuncture for LBP

    validated = invoke(project_copy, monkeypatch, "validate")
    assert validated.exit_code == 0 and "ok" in validated.output.lower(), validated.output
