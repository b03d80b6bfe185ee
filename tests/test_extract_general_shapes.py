"""General rules of the xgen6 session (issue 12: drafts that generalise), for the two families that scored
lowest on the frozen test split: mechanisms and study citations.

Each rule was written from a miss or false draft of development half 1 (read as a shape, never as one
article's words) or from a sentence written here in the style of health articles; half 2 was read as
figures only. Every sentence in this file was written for these tests (none is copied from an article of
the corpus). A rule's first test fails without it; the traps after it guard what must stay refused, and
the shape sets at the end exercise forms the corpus lacks."""

import pytest

from .test_extract import topics  # noqa: F401  (shared fixture)
from .test_extract_citations import works
from .test_extract_generalise import mechanisms


# -- mechanisms: the plural of the article's own therapy is its agent (concepts.py) -------------------


def test_the_plural_of_the_articles_therapy_acts(topics):
    text = ("How often should you book a sports massage?\n\n"
            "Sports massages are a good way to ease muscle tension after a long run. Massage suits most runners, "
            "and a massage a month keeps most of them loose.")
    assert mechanisms(text, topics) == {"mechanism.muscle_relaxation"}


def test_a_comparators_plural_in_another_article_still_acts_for_nobody(topics):
    # An acupuncture article: massage is a comparator there, in the singular or the plural.
    assert mechanisms("Deep tissue massages ease muscle tension.", topics) == set()


# -- mechanisms: a muscle, one or many, let go (mechanisms.yaml muscle_relaxation) ----------------------


def test_a_single_muscle_that_relaxes_is_muscle_relaxation(topics):
    assert mechanisms("Needling a trigger point makes the knotted muscle relax.", topics) == {
        "mechanism.muscle_relaxation"}
    assert mechanisms("Acupuncture helps the shoulder muscles to loosen.", topics) == {"mechanism.muscle_relaxation"}


# -- mechanisms: "do not understand how it works" (mechanisms.yaml understanding) ---------------------


def test_not_understanding_how_it_works_is_the_understood_stance(topics):
    assert mechanisms("Experts still do not fully understand how acupuncture works.", topics) == {"mechanism.understood"}
    assert mechanisms("Scientists don't yet know exactly how acupuncture helps.", topics) == {
        "mechanism.understood"}


def test_not_knowing_how_many_sessions_is_no_stance_on_the_mechanism(topics):
    assert mechanisms("We don't know how many sessions it will take before acupuncture works for you.", topics) == set()
    assert mechanisms("Nobody can say how long acupuncture works for.", topics) == set()


# -- mechanisms: a cause of the illness is no mechanism (mechanisms.yaml cause_links) ------------------


@pytest.mark.parametrize("text", [
    "Knee pain is often due to inflammation of the joint, and acupuncture can help.",
    "Much neck pain is the result of muscle tension from long hours at a desk; acupuncture may help.",
    "Shoulder pain that comes from nerve irritation responds well to treatment.",
])
def test_a_cause_of_the_illness_is_no_mechanism(text, topics):
    assert mechanisms(text, topics) == set()


def test_the_therapys_effect_put_down_to_a_mechanism_still_is_one(topics):
    assert mechanisms("The relief acupuncture gives may be due to the release of endorphins.", topics) == {
        "mechanism.endorphins"}


# -- mechanisms: a clause about another agent (mechanisms.yaml other_agents) ------------------------


@pytest.mark.parametrize("text", [
    "Muscle relaxants may ease muscle spasms, but they often cause drowsiness.",
    "Unlike massage, which relaxes tight muscles, acupuncture targets specific points.",
    "Anti-inflammatories reduce swelling quickly, though they can upset the stomach.",
    "Antidepressants, which raise serotonin, are sometimes tried for this condition too.",
])
def test_a_clause_about_a_drug_class_or_comparator_is_not_the_therapys(text, topics):
    assert mechanisms(text, topics) == set()


def test_the_therapy_beside_a_comparator_still_acts(topics):
    assert mechanisms("Compared with painkillers, acupuncture reduces inflammation in the joint.", topics) == {
        "mechanism.inflammation"}
    assert mechanisms("Unlike pills, acupuncture relaxes tight muscles.", topics) == {"mechanism.muscle_relaxation"}


# -- mechanisms: the needling sensation called qi (mechanisms.yaml not_in_sentence_patterns) --------


def test_a_sensation_called_qi_is_no_mechanism(topics):
    assert mechanisms("The needles stay in until you feel a dull ache known as qi.", topics) == set()
    assert mechanisms("Patients describe a heavy feeling, called Qi, around each needle.", topics) == set()


def test_qi_the_therapy_moves_is_still_a_mechanism(topics):
    assert mechanisms("Acupuncture is said to restore the flow of qi along the meridians.", topics) == {"mechanism.qi"}


# -- mechanisms: shapes the corpus lacks (written sentences, realistic wording) --------------------


@pytest.mark.parametrize("text, wanted", [
    ("Acupuncture is thought to work by stimulating nerves under the skin and in the muscles.",
     {"mechanism.nervous_system"}),
    ("The needles prompt the body to release endorphins, its natural painkillers.", {"mechanism.endorphins"}),
    ("Acupuncture may also improve blood flow to injured tissues, which speeds healing.", {"mechanism.circulation"}),
    ("Each treatment helps loosen tight muscles around the spine.", {"mechanism.muscle_relaxation"}),
    ("Acupuncture appears to dampen inflammation in the joint.", {"mechanism.inflammation"}),
    ("Acupuncture treatments lower levels of the stress hormone cortisol.", {"mechanism.stress"}),
    ("Acupuncture sessions are believed to boost the body's own healing response.", {"mechanism.self_healing"}),
    ("Acupuncture changes how the brain processes pain signals.", {"mechanism.nervous_system"}),
    ("Acupuncture helps by reducing muscle spasm and improving circulation.",
     {"mechanism.circulation", "mechanism.muscle_relaxation"}),
])
def test_mechanism_shapes(text, wanted, topics):
    assert mechanisms(text, topics) == wanted


@pytest.mark.parametrize("text", [
    "NSAIDs such as ibuprofen work by reducing inflammation.",
    "Tight muscles and poor posture are common triggers of neck pain.",
    "Poor circulation can lead to cold hands and feet.",
    "Chronic stress keeps the muscles tense, which leads to pain.",
    "Heat packs improve blood flow to the lower back.",
    "Sciatica happens when the sciatic nerve is irritated by a herniated disc.",
    "Inflammation is the body's natural response to injury.",
    "Corticosteroid injections reduce inflammation around the nerve.",
    "Regular exercise improves circulation and lowers stress.",
    "Yoga stretches the muscles and calms the nervous system, while acupuncture works on points.",
])
def test_mechanism_traps(text, topics):
    assert mechanisms(text, topics) == set()


# -- citations: a sentence labelled as a work's finding (citations.yaml labelled_works) ---------------


def citations(text, topics):
    """[(topic, stance, the cited work's studies entry)] of the study_citation claims drafted from text."""
    from loaders.extract import extract
    draft = extract(text, topics, (), source_id="probe")
    own = {study["id"]: study for study in draft.studies}
    return [(claim["topic"], claim.get("stance"), own.get(claim["cites"][0], {"id": claim["cites"][0]}))
            for claim in draft.claims if claim["type"] == "study_citation"]


@pytest.mark.parametrize("text, label", [
    ("Recent finding: people who had eight massages over ten weeks slept better than those who had none.",
     "Recent finding"),
    ("New study: yoga classes twice a week eased chronic neck pain as much as physiotherapy.", "New study"),
])
def test_a_sentence_labelled_as_a_finding_cites_one_unnamed_work(text, label, topics):
    found = citations(text, topics)
    assert found and {work["label"] for _, _, work in found} == {label}
    assert all(work["identified"] is None for _, _, work in found)


@pytest.mark.parametrize("text", [
    "Research:\n\nMost of it is small.",
    "Our view: acupuncture is worth a try for stubborn neck pain.",
    "The bottom line: massage helps many people with back pain.",
])
def test_other_labels_cite_no_work(text, topics):
    assert citations(text, topics) == []


def test_a_labelled_sentence_naming_its_work_cites_that_one_only(topics):
    found = citations("Recent finding: a 2019 trial found that acupuncture eased neck pain.", topics)
    assert {work["year"] for _, _, work in found} == {2019} and len({work["id"] for _, _, work in found}) == 1


# -- citations: an organisation's verb past its bracketed acronym, and a negation before it -----------


def test_an_organisation_past_its_acronym_and_an_adverb_is_cited_and_its_no_longer_opposes(topics):
    found = citations("The UK's National Institute for Health and Care Excellence (NICE) no longer recommends "
                      "acupuncture for low back pain.", topics)
    assert {work["organization"] for _, _, work in found} == {"National Institute for Health and Care Excellence"}
    assert {stance for _, stance, _ in found} == {"opposes"}


def test_an_organisation_that_recommends_supports(topics):
    found = citations("The National Institute for Health and Care Excellence (NICE) recommends exercise for back pain.",
                      topics)
    assert found and {stance for _, stance, _ in found} == {"supports"}


# -- citations: the year a work was published, stated after it (citations.yaml published_year_before) --


@pytest.mark.parametrize("text, year", [
    ("A study of 640 adults with chronic back pain, published in 2011, found that massage helped more than usual care.",
     2011),
    ("A trial in The Lancet in 2012 found that acupuncture eased chronic headaches.", 2012),
])
def test_a_year_of_publication_after_the_work_is_its_year(text, year, topics):
    assert {work["year"] for _, _, work in citations(text, topics)} == {year}


@pytest.mark.parametrize("text", [
    "A study of 300 patients treated since 2010 found that acupuncture helped.",
    "A study of 300 patients found that acupuncture helped, while a trial published in 2015 found that it did not.",
])
def test_other_years_after_a_work_are_not_its_own(text, topics):
    first = citations(text, topics)[0][2]
    assert first["participants"] == "300 patients" and first["year"] is None


# -- citations: three authors and a year; people counted in a study -----------------------------------


def test_three_authors_and_a_year_are_one_author_year_citation(topics):
    (work,) = {work["label"]: work for _, _, work in citations(
        "Smith, Jones and Lee (2018) showed that Pilates eased chronic low back pain.", topics)}.values()
    assert work["label"] == "Smith, Jones and Lee (2018)" and work["year"] == 2018


def test_clients_and_residents_counted_are_a_works_participants(topics):
    (_, _, work), *_ = citations("Our survey of 200 clients found that most felt better after massage.", topics)
    assert work["participants"] == "200 clients"
    (_, _, work), *_ = citations("A trial of 86 elderly residents found that tai chi improved balance.", topics)
    assert work["participants"] == "86 elderly residents"


# -- citations: a related-story link is furniture wherever it stands (furniture.yaml line_patterns) ----


@pytest.mark.parametrize("link", [
    "You might also like: Does acupuncture work? A 2020 review says yes",
    "Related: A 2019 study found that yoga eases back pain.",
    "See also: Researchers at Yale found that massage lowers stress.",
])
def test_a_related_story_link_cites_no_work(link, topics):
    text = f"Acupuncture for back pain\n\nMany people try acupuncture.\n\n{link}\n\nMost need six sessions."
    assert citations(text, topics) == []


# -- citations: shapes the corpus lacks (written sentences, realistic wording) -------------------------


@pytest.mark.parametrize("text, field, value", [
    ("In a 2017 trial of 300 patients, acupuncture cut the number of migraine days by half.", "participants",
     "300 patients"),
    ("Researchers at the University of Exeter found that weekly yoga classes eased back pain.", "organization",
     "University of Exeter"),
    ("Guidelines from the American College of Physicians recommend acupuncture before drugs for chronic low back pain.",
     "organization", "American College of Physicians"),
    ("Danish researchers reported in the journal Spine that spinal manipulation eased acute back pain.", "venue", "Spine"),
    ("The findings, published in the Annals of Internal Medicine, suggest that yoga is as good as physical therapy.",
     "venue", "Annals of Internal Medicine"),
    ("A 2019 randomised trial involving 150 office workers showed that stretching breaks eased neck pain.", "year", 2019),
    ("Last year a team from the University of Sydney found that heat wraps eased acute back pain.", "organization",
     "University of Sydney"),
    ("According to a 2021 Cochrane review, acupuncture may reduce pain in the short term.", "organization", "Cochrane"),
    ("The trial, run by the University of Bristol, found that massage eased neck pain.", "organization",
     "University of Bristol"),
    ("A pilot study of 30 nurses found that massage lowered their stress.", "participants", "30 nurses"),
    ("Massage eased pain more than usual care (Okonkwo et al., 2019).", "year", 2019),
    ("The American Chiropractic Association recommends spinal manipulation for acute low back pain.", "organization",
     "American Chiropractic Association"),
])
def test_citation_shapes(text, field, value, topics):
    found = citations(text, topics)
    assert len({work["id"] for _, _, work in found}) == 1, found
    assert found[0][2][field] == value


@pytest.mark.parametrize("text", [
    "Acupuncture eased back pain in several trials [12].",
    "The review has been cited more than 400 times.",
    "Studies show that acupuncture helps many people with back pain.",
    "Our clinic has treated more than 2,000 patients since 2010.",
    "Dr Lee studied acupuncture at the University of Beijing in 1998.",
    "She graduated from the University of Toronto in 2005 and now practises acupuncture.",
    "The University of Utah offers massage to its staff.",
    "Click here to read the full study.",
    "Many patients found acupuncture helped their back pain.",
])
def test_citation_traps(text, topics):
    assert citations(text, topics) == []


# -- mechanisms: the vocabulary of medical writing beyond the corpus's words (mechanisms.yaml topics) --


@pytest.mark.parametrize("text, wanted", [
    ("The needles trigger the release of feel-good hormones such as dopamine and oxytocin.", {"mechanism.endorphins"}),
    ("Acupuncture boosts levels of adenosine, a natural painkiller.", {"mechanism.endorphins"}),
    ("Acupuncture has an anti-inflammatory effect on the joints.", {"mechanism.inflammation"}),
    ("Acupuncture activates the body's relaxation response.", {"mechanism.stress"}),
    ("Needling releases trigger points and muscle knots that cause pain.", {"mechanism.muscle_relaxation"}),
    ("Acupuncture increases the delivery of oxygen and nutrients to damaged tissue.", {"mechanism.circulation"}),
    ("Acupuncture kick-starts the body's healing response.", {"mechanism.self_healing"}),
    ("Acupuncture speeds up tissue repair.", {"mechanism.self_healing"}),
    ("The treatment builds muscle strength around the knee.", {"mechanism.muscle_strength"}),
    ("Acupuncture may help by reducing the sensitivity of pain receptors.", {"mechanism.nervous_system"}),
    ("Acupuncture stimulates the vagus nerve.", {"mechanism.nervous_system"}),
    ("Acupuncture seems to alter pain perception in the brain.", {"mechanism.nervous_system"}),
    ("Acupuncture helps rebalance the body's energy.", {"mechanism.qi"}),
])
def test_mechanism_vocabulary(text, wanted, topics):
    assert mechanisms(text, topics) == wanted


@pytest.mark.parametrize("text", [
    "Trigger points are tight knots in a muscle that hurt when pressed.",
    "Pain perception varies from person to person, so treatment plans differ.",
    "Smoking slows your ability to heal, so treatment may take longer.",
    "Dopamine levels fall when you sleep badly.",
    "Antidepressants that raise dopamine are sometimes prescribed for chronic pain.",
])
def test_mechanism_vocabulary_traps(text, topics):
    assert mechanisms(text, topics) == set()


# -- mechanisms: an explanation stands for the agent only when it opens the sentence (concepts.py) ----
# (from the drafts of unseen web articles, read for false drafts and never captured)


def test_an_illness_explained_by_a_gerund_is_no_mechanism_of_the_therapy(topics):
    assert mechanisms("Fibromyalgia amplifies painful sensations by affecting the way the brain processes pain "
                      "signals.", topics) == set()
    assert mechanisms("Tendons ache because inflammation builds up around them.", topics) == set()


def test_a_sentence_opening_with_its_explanation_still_names_a_mechanism(topics):
    assert mechanisms("By calming irritated nerves, the pain in the heel settles.", topics) == {
        "mechanism.nervous_system"}


# -- citations: an author "and a team of researchers" (citations.yaml author_year) ---------------------


@pytest.mark.parametrize("text, label", [
    ("Okafor and a team of researchers recently published a review of massage for fibromyalgia.",
     "Okafor and a team of researchers"),
    ("Lindqvist and her team found that dry needling eased heel pain.", "Lindqvist and her team"),
])
def test_an_author_and_a_team_name_a_work(text, label, topics):
    assert {work["label"] for _, _, work in citations(text, topics)} == {label}


@pytest.mark.parametrize("text", [
    "Sam and his team run the clinic on weekdays.",
    "Priya and colleagues welcome new patients every Monday.",
])
def test_people_without_a_year_or_a_finding_are_no_work(text, topics):
    assert citations(text, topics) == []


# -- citations: an article from a journal, and the year just before its venue (citations.yaml) --------


def test_an_article_from_a_journal_is_a_work_with_its_year(topics):
    found = citations("A summary of a March 2011 article from the Journal of Pain Practice concluded that "
                      "acupuncture eased hip pain as well as medication.", topics)
    assert {(work["venue"], work["year"]) for _, _, work in found} == {("Journal of Pain Practice", 2011)}


def test_a_year_far_before_the_venue_is_not_its_own(topics):
    found = citations("Back in 2011 our clinic opened, and last spring an article from the Journal of Pain Practice "
                      "concluded that acupuncture eased hip pain.", topics)
    assert {(work["venue"], work["year"]) for _, _, work in found} == {("Journal of Pain Practice", None)}


# -- citations: an organisation "by" past a date, and speaking through its website ----------------------


def test_a_work_by_an_organisation_past_its_date_is_the_organisations(topics):
    found = citations("Guidelines published in 2017 by the American College of Physicians recommend massage.", topics)
    assert {(work["organization"], work["year"]) for _, _, work in found} == {("American College of Physicians", 2017)}


def test_by_after_a_verb_that_cites_nothing_still_cites_no_one(topics):
    assert citations("The treatment is covered in 2020 by the NHS.", topics) == []
    assert citations("The leaflet was made affordable by the NHS.", topics) == []


def test_an_organisation_speaking_through_its_website_is_cited(topics):
    found = citations("The Cleveland Clinic's website notes that massage can ease tension.", topics)
    assert {work["organization"] for _, _, work in found} == {"Cleveland Clinic"}
    assert citations("The Mayo Clinic's parking site is closed on Sundays.", topics) == []


# -- mechanisms: the goals of care under a heading naming them (mechanisms.yaml goals) ----------------


def test_goals_under_a_goal_heading_are_the_treatments_mechanisms(topics):
    text = ("Your treatment plan\n\nStage Aim Sessions\n"
            "Early stage Ease muscle tension in the neck. 2 sessions a week\n"
            "Later stage Strengthen the deep neck muscles; keep moving. 1 session a week\n")
    assert mechanisms(text, topics) == {"mechanism.muscle_relaxation", "mechanism.muscle_strength"}


@pytest.mark.parametrize("text", [
    # not a goal heading: self-care advice under a tips heading
    "Your treatment plan\n\nSelf-care tips\n\nReduce inflammation at home with an ice pack. Rest when you can.\n",
    # a goal heading, but no goal verb acting on the mention
    "Your treatment plan\n\nStage Aim Sessions\n\nInflammation often settles within a week. Walk daily.\n",
])
def test_other_lines_under_headings_name_no_mechanism(text, topics):
    assert mechanisms(text, topics) == set()


# -- from the drafts of unseen web articles on massage after exercise (read, never captured) ----------


@pytest.mark.parametrize("text, venue, year", [
    ("The study was published in March in Pain Medicine Today.", "Pain Medicine Today", None),
    ("The results appeared in the June 3, 2019 issue of Spine Care Reports and the authors concluded that massage "
     "helped.", "Spine Care Reports", 2019),
    ("A review published in the Journal of Hip Pain found that acupuncture helped.", "Journal of Hip Pain", None),
])
def test_a_venue_past_a_date_and_its_issue_is_named(text, venue, year, topics):
    assert {(work["venue"], work["year"]) for _, _, work in citations(text, topics)} == {(venue, year)}


def test_a_study_able_to_prove_its_finding_is_cited(topics):
    found = citations("Dr. Ana Ruiz and fellow researchers conducted a study and were able to prove that massage "
                      "eases muscle soreness.", topics)
    assert len({work["id"] for _, _, work in found}) == 1


def test_an_analysis_of_the_studys_material_is_the_study_cited_above(topics):
    found = citations("In a recent study, 14 runners had blood samples taken after a marathon. An analysis of the "
                      "samples showed that massage lowered inflammatory markers.", topics)
    assert len({work["id"] for _, _, work in found}) == 1
    assert {work["label"] for _, _, work in found} == {"Recent study of 14 runners"}


def test_an_analysis_of_many_trials_is_a_work_of_its_own(topics):
    found = citations("An analysis of the data from 12 trials found that acupuncture eased knee pain.", topics)
    assert {work["label"] for _, _, work in found} == {"Analysis"}


def test_a_pronoun_after_a_sentence_about_a_drug_class_is_the_drugs(topics):
    assert mechanisms("Sure, anti-inflammatory drugs can reduce inflammation. But they may also hinder your body's "
                      "ability to heal.", topics) == set()


def test_a_pronoun_after_a_sentence_about_the_therapy_is_the_therapys(topics):
    assert mechanisms("Acupuncture needles are very fine. They relax the muscles around the joint.", topics) == {
        "mechanism.muscle_relaxation"}


# -- mechanisms: the acts of the therapy an article is about (mechanisms.yaml subject_acts) ----------


@pytest.mark.parametrize("text, wanted", [
    ("How chiropractic works\n\nAdjustments remove nerve interference so the body can heal.\n",
     {"mechanism.nervous_system"}),
    ("How massage helps\n\nLong strokes ease muscle tension in the back.\n", {"mechanism.muscle_relaxation"}),
])
def test_the_acts_of_the_articles_therapy_are_its_agents(text, wanted, topics):
    assert mechanisms(text, topics) == wanted


def test_the_acts_of_another_therapy_act_for_nobody(topics):
    assert mechanisms("Acupuncture at work\n\nMake small adjustments to your desk to ease muscle tension.\n",
                      topics) == set()
