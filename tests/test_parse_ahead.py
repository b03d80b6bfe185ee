"""KB_PARSE_WORKERS: worker processes parse the YAML while validation works; the result and the problems
are those of one process, and only a bounded number of parsed files wait to be read."""

from benchmarks.corpus import write_project
from loaders import cache as parse_cache
from loaders.cache import ParseCache
from loaders.project import Project
from loaders.validate import validate


def problems_of(folder, monkeypatch, workers):
    monkeypatch.setenv("KB_PARSE_WORKERS", str(workers))
    return [(p.code, p.file, p.line, p.field, p.message) for p in validate(Project(folder), ParseCache(folder)).problems]


def test_with_workers_the_problems_are_those_of_one_process_and_few_files_wait(tmp_path, monkeypatch):
    write_project(tmp_path, 200, per_source=20, seed=3)
    broken = sorted((tmp_path / "claims").glob("article-*.yaml"))
    broken[2].write_text("source: article-000002\nclaims: [\n", encoding="utf-8")  # does not parse
    broken[5].write_text(broken[5].read_text(encoding="utf-8").replace("topic: ", "topic: no-such-", 1),
                         encoding="utf-8")
    serial = problems_of(tmp_path, monkeypatch, 1)
    assert {code for code, *_ in serial} >= {"yaml-syntax", "unknown-topic"}

    monkeypatch.setattr(parse_cache, "PARALLEL_MIN_FILES", 1)
    monkeypatch.setattr(parse_cache, "AHEAD", 3)
    waiting, taken = [], []
    real_take = parse_cache.ParseAhead.take

    def take(self, path):
        waiting.append(len(self.pending))
        parsed = real_take(self, path)
        taken.append(parsed is not None)
        return parsed

    monkeypatch.setattr(parse_cache.ParseAhead, "take", take)
    for _ in range(2):  # a cold cache, then a warm one
        assert problems_of(tmp_path, monkeypatch, 2) == serial
        assert waiting and max(waiting) <= 3
        assert sum(taken) >= len(broken) - 1  # every file that parses came from a worker
        waiting.clear(), taken.clear()
