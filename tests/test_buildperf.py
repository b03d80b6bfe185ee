"""Build performance machinery: the benchmark corpus, the parse cache behind incremental rebuilds,
progress bars that stay quiet off a terminal, and the benchmark itself on a tiny corpus."""

import io
import json
import pickle
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from rich.console import Console

from benchmarks import bench
from benchmarks.corpus import dump_yaml, write_project
from loaders import yamlfile
from loaders.build import build, dump
from loaders.cache import ParseCache
from loaders.progress import Progress
from loaders.project import Project
from loaders.validate import validate
from tests.factory import claim, make_project

REPO = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corpus")
    write_project(folder, 150, per_source=50, seed=7)
    return folder


def files_of(folder):
    return {path.relative_to(folder): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


def test_the_corpus_is_deterministic_and_valid(corpus, tmp_path):
    write_project(tmp_path, 150, per_source=50, seed=7)
    assert files_of(tmp_path) == files_of(corpus)
    report = validate(Project(corpus))
    assert report.ok, report.problems[:3]
    assert len(report.corpus.sources) == 3 and len(report.corpus.claims) == 150
    # Its texts look like articles: several kilobytes, typographic quotes the YAML quotes lack.
    text = (corpus / "sources" / "article-000000.txt").read_text(encoding="utf-8")
    assert len(text) > 5000 and "\u2019" in text


def edit_one_claims_file(folder):
    path = folder / "claims" / "article-000001.yaml"
    document = yaml.safe_load(path.read_text(encoding="utf-8"))
    document["claims"][0]["statement"] += " (edited)"
    path.write_text(dump_yaml(document), encoding="utf-8")


def test_a_rebuild_parses_only_the_changed_file_and_equals_a_full_build(corpus, tmp_path, monkeypatch):
    incremental, full = tmp_path / "incremental", tmp_path / "full"
    for folder in (incremental, full):
        write_project(folder, 150, per_source=50, seed=7)
    build(Project(incremental))
    assert ParseCache(incremental).keys()
    edit_one_claims_file(incremental)
    edit_one_claims_file(full)
    parsed = []
    real_parse = yamlfile.parse
    monkeypatch.setattr(yamlfile, "parse", lambda path, raw: parsed.append(path.name) or real_parse(path, raw))
    build(Project(incremental))
    assert parsed == ["article-000001.yaml"]
    parsed.clear()
    build(Project(full))  # no cache yet: every file parsed
    assert len(parsed) > 6
    assert dump(incremental / "kb.db") == dump(full / "kb.db")


def test_the_cache_reads_back_plain_data_only(tmp_path):
    cache = ParseCache(tmp_path)
    cache.put("plain", ({"a": [1, 2.5, None]}, {(): 1}))
    assert cache.get("plain") == ({"a": [1, 2.5, None]}, {(): 1})

    class Code:
        def __reduce__(self):
            return (print, ("this must never run",))
    cache.write("hostile", pickle.dumps(Code()))
    assert cache.get("hostile") is None  # refused, so the file is parsed instead
    cache.prune()
    assert ParseCache(tmp_path).keys() == {"hostile", "plain"}
    fresh = ParseCache(tmp_path)
    fresh.get("plain")
    fresh.prune()
    assert ParseCache(tmp_path).keys() == {"plain"}


def test_progress_shows_on_a_terminal_after_its_delay():
    out = io.StringIO()
    with Progress(Console(file=out, force_terminal=True, width=80), delay=0) as progress:
        list(progress.track(range(3), "reading claims", 3))
    assert "reading claims" in out.getvalue()
    late = io.StringIO()
    with Progress(Console(file=late, force_terminal=True, width=80), delay=3600) as progress:
        list(progress.track(range(3), "reading claims", 3))
    assert late.getvalue() == ""


def test_kb_build_is_quiet_when_not_on_a_terminal(corpus):
    piped = io.StringIO()
    with Progress(Console(file=piped), delay=0) as progress:  # a file, not a terminal
        list(progress.track(range(3), "reading claims", 3))
        progress.step("writing kb.db")
    assert piped.getvalue() == ""
    result = subprocess.run([sys.executable, "-m", "loaders.cli", "build"], cwd=corpus, capture_output=True,
                            text=True, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(REPO)})
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert "built: kb.db" in result.stdout and "checking claims" not in result.stdout


@pytest.mark.slow
def test_the_benchmark_runs_on_a_tiny_corpus(tmp_path):
    bench.main(["--claims", "100", "--workdir", str(tmp_path), "--no-serve"])
    result = json.loads((tmp_path / "100.json").read_text())
    figures = result["figures"]
    assert result["corpus"]["claims"] == 100
    assert figures["floor"]["seconds"] > 0
    for name in ("validate", "build", "rebuild", "conflicts"):
        assert figures[name]["seconds"] > 0 and figures[name]["ratio"] > 0
    assert figures["rebuild"]["identical"] is True
    assert figures["build"]["peak_mb"] > 0
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{bench.README_START}\nold\n{bench.README_END}\nrest\n")
    bench.render_readme(result, readme)
    text = readme.read_text()
    assert "old" not in text and "| `kb build` (full, no cache) |" in text and text.endswith("rest\n")


def test_claims_checked_file_by_file_still_see_studies_of_later_files(tmp_path):
    """A claim may cite a study that a later file declares; an unknown one is still reported in place."""
    cites = {"type": "study_citation", "topic": "mechanism.endorphins", "statement_kind": "finding"}
    project = make_project(tmp_path, {"a-first": "Trial one found it. Trial two too.", "b-second": "A study."}, {
        "a-first": [claim("one", "Trial one found it.", cites=["later-study"], **cites),
                    claim("two", "Trial two too.", cites=["no-such-study"], **cites)],
        "b-second": [claim("three", "A study.", topic="nope", type="mechanism")],
    })
    path = tmp_path / "claims" / "b-second.yaml"
    document = yaml.safe_load(path.read_text())
    document["studies"] = [{"id": "later-study", "label": "Later", "year": None, "venue": None,
                            "organization": None, "design": None, "participants": None, "finding": None,
                            "identified": None}]
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    problems = validate(project).problems
    assert [(p.code, p.file) for p in problems] == [("unknown-study", "claims/a-first.yaml"),
                                                    ("unknown-topic", "claims/b-second.yaml")]
    assert "no-such-study" in problems[0].message


def test_parsing_in_worker_processes_gives_the_same_build(corpus, tmp_path, monkeypatch):
    import loaders.cache
    serial, parallel = tmp_path / "serial", tmp_path / "parallel"
    for folder in (serial, parallel):
        write_project(folder, 150, per_source=50, seed=7)
    build(Project(serial))
    monkeypatch.setattr(loaders.cache, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setenv("KB_PARSE_WORKERS", "2")
    parsed = []
    real_parse = yamlfile.parse
    monkeypatch.setattr(yamlfile, "parse", lambda path, raw: parsed.append(path.name) or real_parse(path, raw))
    build(Project(parallel))
    assert parsed == []  # every file came from the cache the workers filled
    assert dump(serial / "kb.db") == dump(parallel / "kb.db")


def test_the_readme_table_shows_every_figure_with_its_ratio():
    figure = {"seconds": 2.0, "peak_mb": 120.0}
    result = {"corpus": {"claims": 1000, "sources": 20}, "machine": {"cpus": 2, "load_before": [3.0], "load_after": [4.0],
                                                                    "python": "3.11", "date": "today"},
              "figures": {"floor": {"seconds": 1.0, "parse": 0.8, "insert": 0.2},
                          "validate": {**figure, "ratio": 2.0}, "build": {**figure, "ratio": 2.5, "goal": 1.3},
                          "rebuild": {**figure, "ratio": 0.5, "of": "build", "goal": 0.05, "identical": False},
                          "conflicts": {"seconds": 0.3, "ratio": 0.3, "found": 4}},
              "pages": {"requests": 20, "goal_ms": 100, "floor": {"median_ms": 8.0, "p95_ms": 9.0},
                        "pages": {"claims table": {"median_ms": 50.0, "p95_ms": 90.0, "p95_ratio": 10.0, "problem": None},
                                  "search": {"median_ms": 150.0, "p95_ms": 190.0, "p95_ratio": 21.1,
                                             "problem": "timed out"}}}}
    text = bench.table(result)
    assert "| `kb build` (full, no cache) | 2.00 | 2.50× of the floor | ≤ 1.3× | 120 MB |" in text
    assert "| `kb build` after one changed claims file | 2.00 | 0.50× of the build | ≤ 0.05× | 120 MB |" in text
    assert "DIFFERS from a full build" in text
    assert "| claims table | 50.0 | 90.0 | 10.0× | yes | yes |" in text
    assert "| search | 150.0 | 190.0 | 21.1× | **no** | NO: timed out |" in text
    assert "1 of 2 pages are over the goal at p95: search." in text


def test_a_run_that_skips_steps_and_draws_a_memory_curve_says_so_in_its_table():
    figure = {"seconds": 2.0, "peak_mb": 120.0}
    result = {"corpus": {"claims": 100000, "sources": 2000},
              "machine": {"cpus": 2, "load_before": [3.0], "load_after": [4.0], "python": "3.11", "date": "today"},
              "figures": {"floor": {"seconds": 1.0, "parse": 0.8, "insert": 0.2},
                          "build": {**figure, "ratio": 2.5, "goal": 1.3, "db_mb": 390.4},
                          "memory": {"claims": [10000, 30000, 100000], "peak_mb": [140.0, 170.0, 250.0], "ratio": 1.79}},
              "pages": None, "skipped": ["validate", "conflicts", "verify", "serve"]}
    text = bench.table(result)
    assert "| `kb validate` | not run | | | |" in text and "| conflict detection alone | not run | | | |" in text
    assert "140 MB at 10,000, 170 MB at 30,000, 250 MB at 100,000 claims (1.79× for 10× the claims" in text
    assert "kb.db: 390 MB." in text and "Not run in this run: validate, conflicts, verify, serve." in text
    assert bench.sizes_below("10000,30000,100000", 100000) == [10000, 30000]
    assert bench.sizes_below("", 100000) == []


def test_the_parse_workers_benchmark_runs_on_a_tiny_corpus(tmp_path):
    """benchmarks/parse_workers.py: one line per build, with and without the worker, each with its ratio."""
    write_project(tmp_path, 100, per_source=50, seed=3)
    script = Path(__file__).resolve().parent.parent / "benchmarks" / "parse_workers.py"
    output = subprocess.run([sys.executable, str(script), str(tmp_path), "--rounds", "1"], check=True,
                            capture_output=True, text=True).stdout.splitlines()
    assert [line.split(":")[0] for line in output] == ["KB_PARSE_WORKERS=1", "KB_PARSE_WORKERS=2"]
    assert all("x the floor" in line for line in output) and (tmp_path / "kb.db").exists()
