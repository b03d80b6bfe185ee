"""The extractor's rule files are validated: a broken copy fails with file:line, field and what is
expected, a stable code, a non-zero exit and no traceback from `kb extract`."""

import shutil

import pytest
from typer.testing import CliRunner

from loaders.cli import app
from loaders.extract import matching, rules
from loaders.extract.rules import RULE_PROBLEM_CODES, RuleFileError, load_rules

runner = CliRunner()


@pytest.fixture
def rules_copy(tmp_path):
    """A private copy of loaders/extract_rules/ that a test may break."""
    target = tmp_path / "extract_rules"
    shutil.copytree(rules.RULES_DIR, target)
    return target


def broken(directory, stem, old, new):
    """Replace one exact passage of a rule file (it must occur exactly once) and return the line it is on."""
    path = directory / f"{stem}.yaml"
    text = path.read_text("utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {stem}.yaml"
    path.write_text(text.replace(old, new), "utf-8")
    return text[:text.index(old)].count("\n") + 1


def problems_of(directory):
    with pytest.raises(RuleFileError) as raised:
        load_rules(directory)
    return [(p.code, p.file.rsplit("/", 1)[-1], p.line, p.field) for p in raised.value.problems], raised.value


def test_the_shipped_rule_files_are_valid():
    assert set(load_rules()) == {"citations", "furniture", "lexicon", "mechanisms", "numbers", "quantities", "safety",
                                 "statements", "terms"}


CASES = [
    # (file, passage, replacement, code, field)
    ("citations", "determiner_reach: 4", "determiner_reach: four", "wrong-type", "determiner_reach"),
    ("citations", "pooled_reach: 5", "pooled_reach: 5\npoled_by: [of]", "unknown-field", "poled_by"),
    ("lexicon", "open_above: [or more,", "open_above: [on, or more,", "wrong-type", "open_above[0]"),
    ("numbers", "    scope: clause\n  - topic: sessions.trial", "    scope: sentence\n  - topic: sessions.trial",
     "invalid-value", "count[1].scope"),
    ("numbers", "max_sessions: 100\n", "", "missing-field", "max_sessions"),
    ("mechanisms", "{LOWER: {IN: [chemicals, hormone, hormones]}}", "{LOWR: {IN: [chemicals, hormone, hormones]}}",
     "bad-pattern", "topics.mechanism.endorphins.patterns[0]"),
    ("statements", "{IS_ALPHA: true, LOWER: {NOT_IN: $arm_stop}, OP: \"{1,3}\"}",
     "{IS_ALPHA: true, LOWER: {NOT_IN: $arm_stops}, OP: \"{1,3}\"}", "unknown-reference", "arms.patterns[0]"),
    ("quantities", "    - [NUM, \"HYPHEN?\", TIME]\n", "    - [NUM, \"HYPHN?\", TIME]\n", "unknown-class", "patterns.time[4]"),
    ("numbers", "      - [SESSION, NUM, JOIN, NUM, {", "      - [SESSION, NUM, JOIN, NUMBER, {", "unknown-class",
     "not_claims[2].patterns[1]"),
    ("furniture", "closing_count: '^\\d+\\s+|\\s*\\(\\d+\\)$'", "closing_count: '^(\\d+'", "bad-regex", "closing_count"),
    ("furniture", "closing_min_position: 0.5", "closing_min_position: 5", "wrong-type", "closing_min_position"),
    ("numbers", "  sessions.count: session_count", "  sessions.count: session_total", "vocabulary-drift",
     "claim_types.sessions.count"),
    ("statements", "cited: finding", "cited: findings", "vocabulary-drift", "cited"),
    ("terms", "condition_families: [study_citation, numeric]", "condition_families: [study_citation, numbers]",
     "vocabulary-drift", "condition_families[1]"),
    ("lexicon", "  multiple: {min: 2, max: null}", "  multiple: [2, null]", "wrong-type", "vague.multiple"),
    ("safety", "minimal_topic: side_effect.minimal", "minimal_topic: [side_effect.minimal", "yaml-syntax", ""),
]


@pytest.mark.parametrize("stem, old, new, code, field", CASES, ids=[f"{c[0]}-{c[3]}-{i}" for i, c in enumerate(CASES)])
def test_a_broken_rule_file_is_reported_at_its_line(rules_copy, stem, old, new, code, field):
    line = broken(rules_copy, stem, old, new)
    found, error = problems_of(rules_copy)
    assert len(found) == 1, found
    (got_code, got_file, got_line, got_field), = found
    assert (got_code, got_file, got_field) == (code, f"{stem}.yaml", field)
    # The line of the field; a new field on the line after the passage; a missing field and a
    # duplicate key where the parser or the parent mapping sits.
    expected = {"unknown-field": line + 1, "missing-field": None, "yaml-syntax": None}.get(code, line)
    assert got_line == expected if expected else got_line >= 1
    shown = str(error.problems[0])
    assert shown.startswith(f"{error.problems[0].file}:{got_line}: {code}: ") and "hint:" in shown


def test_every_rule_problem_code_has_a_case():
    assert set(RULE_PROBLEM_CODES) - {"unknown-rule-file"} <= {case[3] for case in CASES}


def test_a_missing_an_empty_and_an_unknown_rule_file(rules_copy):
    (rules_copy / "terms.yaml").unlink()
    (rules_copy / "safety.yaml").write_text("# nothing yet\n", "utf-8")
    (rules_copy / "extras.yaml").write_text("a: 1\n", "utf-8")
    found, _ = problems_of(rules_copy)
    assert sorted(code for code, *_ in found) == ["empty-file", "missing-file", "unknown-rule-file"]


def test_every_problem_of_every_file_at_once(rules_copy):
    broken(rules_copy, "citations", "determiner_reach: 4", "determiner_reach: four")
    broken(rules_copy, "lexicon", "negations: [not,", "negations: [not, 1,")
    found, _ = problems_of(rules_copy)
    assert {(code, name) for code, name, _, _ in found} == {("wrong-type", "citations.yaml"),
                                                          ("wrong-type", "lexicon.yaml")}


@pytest.fixture
def swapped_rules(monkeypatch, rules_copy):
    """The extractor reads rules_copy instead of the shipped rule files."""
    def clear():
        load_rules.cache_clear()
        matching.matchers.cache_clear()
        matching.pipeline.cache_clear()

    clear()
    monkeypatch.setattr(rules, "RULES_DIR", rules_copy)
    yield rules_copy
    monkeypatch.undo()
    clear()


def test_kb_extract_with_a_broken_rule_file_exits_without_a_traceback(swapped_rules, project_copy, monkeypatch):
    line = broken(swapped_rules, "mechanisms", "{LOWER: {IN: [these, those]}}", "{LOWER: {IN: these}}")
    monkeypatch.chdir(project_copy.root)
    article = next(project_copy.sources_dir.glob("*.txt"))
    result = runner.invoke(app, ["extract", str(article)])
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"mechanisms.yaml:{line}: bad-pattern: topics.mechanism.endorphins.patterns[1]:" in result.output
    assert "Input should be a valid list" in result.output
    assert "error: 1 problem(s) in the extractor's rule files" in result.output


def test_a_folder_with_a_broken_rule_file_fails_once_before_any_draft(swapped_rules, project_copy, monkeypatch,
                                                                       tmp_path):
    broken(swapped_rules, "terms", "subject_words: 4", "subject_words: -4")
    folder = tmp_path / "articles"
    folder.mkdir()
    for path in sorted(project_copy.sources_dir.glob("*.txt"))[:2]:
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.chdir(project_copy.root)
    result = runner.invoke(app, ["extract", str(folder), "-o", str(tmp_path / "drafts"), "--jobs", "2"])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert result.output.count("terms.yaml:") == 1 and "invalid-value: subject_words:" in result.output
    assert not list((tmp_path / "drafts").glob("*.yaml"))
