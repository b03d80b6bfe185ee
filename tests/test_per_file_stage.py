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
