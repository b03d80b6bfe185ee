"""benchmarks/fidelity_eval.py: the export carries both texts and no verdict; the score compares labels
with the rules' verdicts and does not let needs-editor or unidentified works flatter the figure."""

import importlib.util

import pytest
import yaml

from loaders.build import built_rows
from loaders.validate import validate

from .conftest import REPO
from .fidelity_project import fidelity_project

spec = importlib.util.spec_from_file_location("fidelity_eval", REPO / "benchmarks" / "fidelity_eval.py")
fidelity_eval = importlib.util.module_from_spec(spec)
spec.loader.exec_module(fidelity_eval)


@pytest.fixture(scope="module")
def rows_and_corpus(tmp_path_factory):
    project = fidelity_project(tmp_path_factory.mktemp("fidelity-eval"))
    corpus = validate(project).corpus
    return built_rows(corpus, project), corpus


def test_export_has_both_texts_and_no_verdict(rows_and_corpus):
    rows, corpus = rows_and_corpus
    items = fidelity_eval.export_items(rows, corpus, ("clinic",))
    assert {item["article"] for item in items} == {"clinic"} and len(items) == 12
    item = next(item for item in items if item["claim"] == "clinic/significant")
    assert item["id"] == "clinic/significant@review-2020"
    assert item["article_context"].startswith("A 2020 review found that acupuncture gives significant relief")
    assert [work["claim"] for work in item["work_claims_on_topic_family"]] == ["review-2020-abstract/relief"]
    assert not {"verdict", "rule", "reason"} & set(item)
    assert "verdict" not in yaml.safe_dump(items)


def test_score_counts_needs_editor_against_and_reports_it(rows_and_corpus):
    rows, _ = rows_and_corpus
    labels = [{"id": "clinic/significant@review-2020", "label": "overstated"},
              {"id": "clinic/replaces@review-2020", "label": "contradicted"},
              {"id": "clinic/enough@review-2020", "label": "faithful"},      # the rules: needs-editor
              {"id": "clinic/standard@review-2020", "label": "overstated"},  # the rules: misattributed
              {"id": "clinic/vague@vague-study", "label": "unverifiable"},
              {"id": "gone/claim@review-2020", "label": "faithful"}]
    result = fidelity_eval.scores(rows["citation_fidelity"], labels)
    assert result["agreement"] == (3, 5)
    assert result["decided_agreement"] == (3, 4)
    assert result["with_abstract_agreement"] == (2, 4)  # the unidentified work's agreement left out
    assert result["needs_editor"] == 1 and result["stale"] == ["gone/claim@review-2020"]
    assert result["confusion"]["misattributed -> overstated"] == 1
    assert {item["id"] for item in result["disagreements"]} == {"clinic/enough@review-2020",
                                                                "clinic/standard@review-2020"}


def test_labels_outside_the_vocabulary_are_refused(tmp_path):
    path = tmp_path / "labels.yaml"
    path.write_text(yaml.safe_dump([{"id": "a@b", "label": "wrong"}]))
    with pytest.raises(SystemExit, match="without a label"):
        fidelity_eval.read_labels(path)
