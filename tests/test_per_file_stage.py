"""The per-file stage after the parse (validation, anchoring, rows): what makes it cheap, checked."""

import pytest
from sqlmodel import SQLModel

from loaders import schema

YAML_MODELS = [schema.Artefact, schema.SourceMeta, schema.TopicRelation, schema.Topic, schema.Study,
               schema.Term, schema.QualifierTerm, schema.Value, schema.Claim, schema.ClaimsFile]
CLAIM = {"id": "c1", "type": "mechanism", "topic": "t", "statement": "s", "quote": "q", "certainty": "asserted",
         "status": "curated", "extracted_by": "hand", "value": {"min": 1, "max": 2, "unit": "sessions"}}


def test_yaml_models_validate_without_sqlmodel_init(monkeypatch):
    """SQLModel's __init__ made Pydantic's validator call back into Python and validate every object twice."""
    def refuse(self, **data):
        raise AssertionError("SQLModel.__init__ called while validating YAML")
    monkeypatch.setattr(SQLModel, "__init__", refuse)
    claim = schema.Claim.__pydantic_validator__.validate_python(CLAIM)
    assert claim.value.max == 2.0 and claim.cites == [] and claim.qualifiers == {}
    assert not any(model.__pydantic_custom_init__ for model in YAML_MODELS)


def test_yaml_models_still_validate_when_called():
    with pytest.raises(ValueError):
        schema.Claim(**{**CLAIM, "type": "no-such-type"})
    assert schema.Claim(**CLAIM).id == "c1"


def test_default_lists_are_not_shared():
    first, second = (schema.Claim.__pydantic_validator__.validate_python(CLAIM) for _ in range(2))
    first.cites.append("x")
    assert second.cites == []


def test_study_fingerprint_is_the_digest_of_its_dumped_fields():
    """fingerprint reads a study's __dict__: the digest must be the one its model_dump gives."""
    import hashlib
    from pathlib import Path

    from loaders.validate import fingerprint, validate
    from loaders.project import Project

    def dumped(study):
        fields = sorted(study.model_dump(exclude={"notes"}).items())
        return hashlib.blake2b(repr(fields).encode(), digest_size=16).digest()

    studies = list(validate(Project(Path(__file__).parent.parent)).corpus.studies.values())
    assert len(studies) > 20
    for study in studies:
        assert fingerprint(study) == dumped(study)
        stored = schema.Study.model_construct(**study.model_dump())  # as build.StoredStudies makes them
        assert fingerprint(stored) == dumped(study)


def test_studies_are_staged_in_batches(tmp_path, monkeypatch):
    from loaders import build, kbfile

    database = kbfile.open_scratch(tmp_path / "kb.db")
    kbfile.create_tables(database)
    writer = build.FullBuildWriter(database)
    monkeypatch.setattr(writer, "BATCH", 2)
    for number in range(5):
        writer.study(schema.Study(id=f"s{number}", label="x", year=2000 + number, venue=None, organization=None,
                                  design=None, participants=None, finding=None, identified=None))
    assert database.execute(f"SELECT count(*) FROM {kbfile.STAGED_STUDIES}").fetchone()[0] == 4
    # On disk beside the scratch file, not in memory (a temporary table is in memory with pysqlite3's SQLite).
    staging = tmp_path / "kb.db-staging"
    assert staging.stat().st_size > 0
    writer.flush()
    kbfile.insert_staged_studies(database)
    assert database.execute("SELECT id, year FROM studies ORDER BY id").fetchall() == [
        (f"s{number}", 2000 + number) for number in range(5)]
    assert not staging.exists()


def test_a_failed_build_leaves_no_staging_file(tmp_path):
    from loaders import build, kbfile
    from loaders.errors import KbError
    from loaders.project import Project

    (tmp_path / "claims").mkdir()
    (tmp_path / "sources").mkdir()
    (tmp_path / "claims" / "topics.yaml").write_text("topics: [\n")  # a syntax error: validation fails
    scratch = tmp_path / "scratch.db"
    with pytest.raises(KbError):
        build.full_build(Project(tmp_path), scratch, None, build.SILENT)
    assert not kbfile.staging_path(scratch).exists()


def folded_by_definition(text):
    """(folded characters, the original index of each): every character folded on its own, runs of
    whitespace as one space: what FoldedText must give, however it gets there."""
    import unicodedata

    from loaders.anchor import FOLD

    chars, origins, previous_space = [], [], False
    for index, char in enumerate(text):
        piece = FOLD.get(char) or unicodedata.normalize("NFKC", char)
        if piece.isspace():
            if previous_space:
                continue
            piece, previous_space = " ", True
        else:
            previous_space = False
        chars.extend(piece)
        origins.extend([index] * len(piece))
    return "".join(chars), origins


def test_folded_text_matches_its_definition():
    import random

    from loaders.anchor import FoldedText

    alphabet = list("ab c.-'\"`\n\t") + ["  ", "\u00a0", "\u2019", "\u201c", "\u2014", "\u2026", "\u2212", "\ufb01",
                                          "e\u0301", "\u00e9", "\u2003", "\u02d8", "\u00b4", "\u2460"]
    generator = random.Random(13)
    for _ in range(400):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 40)))
        for twice in range(2):  # the second time from the folded gaps kept in memory
            folded = FoldedText(text)
            expected, origins = folded_by_definition(text)
            assert folded.text == expected, (text, twice)
            assert [folded.origin(index) for index in range(len(expected))] == origins, (text, twice)


def test_claim_rows_are_tuples_in_the_tables_column_order():
    """claim_row writes its values by position: the table's columns must be the key's, the shared
    fields' and CLAIM_TABLE_ONLY, in that order (a new ClaimFields field still needs no other line)."""
    from loaders import build, kbfile
    from loaders.models import ClaimKey

    columns = [column.name for column in kbfile.MODELS["claims"].columns]
    assert columns == [*ClaimKey.model_fields, *schema.ClaimFields.model_fields, *build.CLAIM_TABLE_ONLY]
    assert len(build.NO_VALUE) == columns.index("answer") - columns.index("value_min")


def test_claim_row_values_by_column(tmp_path):
    from types import SimpleNamespace

    from loaders import build, kbfile
    from loaders.validate import AnchoredClaim

    claim = schema.Claim.__pydantic_validator__.validate_python(
        {**CLAIM, "quote": "two \u2013 three", "qualifiers": {"population": "adults", "phase": "acute"}})
    topic = SimpleNamespace(kind="range", unit="sessions", id="t")
    meta = SimpleNamespace(therapy="acupuncture", condition="back-pain")
    source = SimpleNamespace(text="one two - three four", meta=meta)
    row = build.claim_row(AnchoredClaim("s", claim, 4, 15, "claims/s.yaml", 7), 2, topic, source)
    columns = [column.name for column in kbfile.MODELS["claims"].columns]
    values = dict(zip(columns, row, strict=True))
    assert values["id"] == "s/c1" and values["position"] == 2 and values["type"] == "mechanism"
    assert values["quote"] == "two - three" and values["therapy"] == "acupuncture" and values["condition"] == "back-pain"
    assert (values["value_min"], values["value_max"], values["norm_min"], values["norm_unit"]) == (1, 2, 1, "sessions")
    assert values["qualifiers"] == '{"phase": "acute", "population": "adults"}' and values["population"] == "adults"
    assert (values["yaml_file"], values["yaml_line"], values["status"]) == ("claims/s.yaml", 7, "curated")


def test_a_build_folds_each_article_once_and_reports_as_validate_does(tmp_path, monkeypatch):
    """The build anchors an article's artefacts in its turn, on the folded copy its claims use: one
    folding an article; an artefact problem found so is reported where `kb validate` reports it."""
    from loaders import anchor as anchor_module, build, validate as validate_module
    from loaders.build import InvalidProject
    from loaders.cache import ParseCache
    from tests.factory import claim, make_project

    texts = {"a": "Most people need 6 to 8 sessions. Share this page.",
             "b": "Four sessions a week helps. Related posts"}
    artefacts = {"a": {"artefacts": [{"kind": "other", "quote": "Share this page."}]},
                 "b": {"artefacts": [{"kind": "teaser", "quote": "Related posts", "through_end": True}]}}
    claims = {"a": [claim("six", "Most people need 6 to 8 sessions.", value={"min": 6, "max": 8, "unit": "sessions"})],
              "b": [claim("four", "Four sessions a week helps.", value={"min": 4, "max": 4, "unit": "sessions"})]}
    project = make_project(tmp_path / "ok", texts, claims, sources=artefacts)
    folded = []
    real = anchor_module.FoldedText
    monkeypatch.setattr(validate_module, "FoldedText", lambda text: folded.append(text) or real(text))
    build.full_build(project, tmp_path / "kb.db", ParseCache(tmp_path / "cache"), build.SILENT)
    assert sorted(folded) == sorted(texts.values())

    bad = make_project(tmp_path / "bad", texts, {**claims, "a": [{**claims["a"][0], "topic": "no.such"}]},
                       sources={**artefacts, "b": {"artefacts": [{"kind": "teaser", "quote": "Unrelated posts"}]}})
    expected = [str(problem) for problem in validate_module.validate(bad).problems]
    assert [problem.split(":")[2].strip() for problem in expected] == ["artefact-not-found", "unknown-topic"]
    with pytest.raises(InvalidProject) as error:
        build.full_build(bad, tmp_path / "bad.db", ParseCache(tmp_path / "cache"), build.SILENT)
    assert [str(problem) for problem in error.value.problems] == expected
