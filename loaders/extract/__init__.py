"""Draft quoted claims for an article, for an editor to review (`kb extract`, `kb add`).

Rule-based: spaCy's blank English tokenizer, its sentencizer's rule (matching.kb_sentences), its Matcher and
PhraseMatcher, and text2num for number words. Every pattern and word list lives in
loaders/extract_rules/*.yaml; the extractor reads an article into lines and sentences, runs the
matchers once over the whole text, and turns their matches into claims in the curated format,
each marked `status: draft` and `extracted_by: kb-extract <version>`.

The public entry point is extract(); draft_file() and extract_to() wrap it for a file in a project.
One module per concern, each feeding the next:

  ruleschema  the models of the rule files: fields, regular expressions, token patterns
  rules       the rule files, each checked against its model and all against loaders/vocabulary.py;
              the claim families
  reading     an article file's bytes and text, or why it is not an article
  matching    the spaCy pipeline and the matchers built from the rules
  furniture   where quotes sit; page furniture (navigation, bylines, captions, widgets)
  article     lines, sentences, tokens and matches
  findings    the typed findings each family returns (numeric, presence, citation)
  numbers     session counts, frequencies, lengths, course and time; quantities that are not claims
  citations   cited works and organisations (CitedWorks), linked to known studies, merged across
              sentences; what they found
  concepts    mechanisms, contraindications, side effects
  statements  statement kinds and trial arms
  terms       the article's main therapy and condition, and the other ones a claim names
  draft       the Draft document, the drafter that turns findings into claims, and its YAML
  entry       extract(), and its use on a project's files
  batch       many files at once over a process pool (kb extract DIR -o DIR, kb add FILE...)
"""

from .article import Article, Line, Sentence, words_in
from .citations import Citation, CitedWorks, cited_works, finding_overlap, link_study, same_name, same_work
from .concepts import mechanism_findings, safety_findings, understanding_findings
from .draft import Draft, dump_yaml
from .entry import draft_file, extract, extract_to, known_artefacts, known_metadata, project_studies, project_topics
from .furniture import Anchors, Furniture, detect_furniture, find_furniture
from .matching import Label, Match, Matchers, TokenGroup, matchers, pipeline
from .findings import CitationFinding, NumericFinding, PresenceFinding
from .numbers import Value, choose_topic, number_value, numeric_findings, read_value, refused
from .reading import UnreadableText, read_article
from .rules import (EXTRACTOR, FAMILY_ORDER, FAMILY_TYPES, RULES_DIR, VERSION, ExtractionError, RuleFileError,
                    load_rules, vocabulary_problems)
from .statements import arms, statement_kind
from .terms import MainTerms, detect_term, other_term

__all__ = [
    "Anchors", "Article", "Citation", "CitationFinding", "CitedWorks", "Draft", "EXTRACTOR", "ExtractionError",
    "FAMILY_ORDER", "FAMILY_TYPES", "Furniture", "Label", "Line", "MainTerms", "Match", "Matchers",
    "NumericFinding", "PresenceFinding", "RULES_DIR", "RuleFileError", "Sentence", "TokenGroup", "UnreadableText", "VERSION",
    "Value", "arms", "choose_topic", "cited_works", "detect_furniture", "detect_term", "draft_file", "dump_yaml",
    "extract", "extract_to", "find_furniture", "finding_overlap", "known_artefacts", "known_metadata",
    "link_study", "load_rules", "matchers", "mechanism_findings", "number_value", "numeric_findings", "other_term",
    "pipeline", "project_studies", "project_topics", "read_article", "read_value", "refused", "safety_findings",
    "same_name", "same_work", "statement_kind", "understanding_findings", "vocabulary_problems", "words_in",
]
