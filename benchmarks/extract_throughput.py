"""Throughput of `kb extract` on articles of ~1,500 words: one core against the tokenizer floor, and
the parallel mode (loaders/extract/batch.py, as `kb extract DIR -o DIR` runs it) against one process.

    .venv/bin/python benchmarks/extract_throughput.py [--articles N] [--seconds S] [--jobs J] [--best-of R]

The articles are real: the project's source texts (sources/*.txt), each run of them joined in
order until it holds at least 1,500 words, so every article is real prose of one or more captured
pages. The floor is spaCy's blank English tokenizer alone on the same texts, measured in the same
run: on a shared, loaded machine the absolute figures move with the load (printed), the ratio to
the floor much less. Target (issue 12): at least 50 such articles a second per core, and the
parallel mode faster than one process on two cores.

--best-of R adds the figure least moved by other jobs: each article drafted and tokenized R times,
the two interleaved article by article, and each one's fastest CPU time kept (a pass of a few
milliseconds is seldom interrupted; a run of seconds always is on a busy machine).
"""

import argparse
import os
import resource
import sys
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
for path in (ROOT, ROOT / "benchmarks"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))

from extract_eval import one_core, rates as rate  # noqa: E402
from loaders.extract import extract  # noqa: E402
from loaders.extract.batch import cores, run_all  # noqa: E402
from loaders.extract.entry import ProjectTerms  # noqa: E402
from loaders.project import Project  # noqa: E402

WORDS = 1500
TARGET = 50  # articles a second, per core


def articles(project: Project, count: int) -> list:
    """count texts of at least WORDS words, each source texts joined in order (cycling through them)."""
    sources = [path.read_text("utf-8") for path in project.source_text_files()]
    result, current, words, i = [], [], 0, 0
    while len(result) < count:
        text = sources[i % len(sources)]
        current.append(text)
        words += len(text.split())
        i += 1
        if words >= WORDS:
            result.append("\n\n".join(current))
            current, words = [], 0
    return result


@dataclass(frozen=True)
class Draft:
    """extract() on one text against a project's terms (a picklable task for the process pool)."""

    terms: ProjectTerms

    def __call__(self, text):
        draft = extract(text, self.terms.topics, self.terms.studies, vocabularies=self.terms.vocabularies)
        return len(draft.claims)


def cpu_seconds():
    """CPU time of this process and of its finished children (the pool's workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def batch_rate(task, texts, jobs):
    """(texts a second of wall time, CPU seconds per text in all processes) of run_all over `jobs`
    processes, pool start included (as kb extract DIR runs)."""
    start, cpu = time.perf_counter(), cpu_seconds()
    outcomes = run_all(task, texts, jobs, "drafting")
    elapsed, used = time.perf_counter() - start, cpu_seconds() - cpu
    failed = [outcome.error for outcome in outcomes if outcome.error]
    if failed:
        raise SystemExit(f"error: {len(failed)} text(s) failed: {failed[0]}")
    return len(texts) / elapsed, used / len(texts)


def best_times(functions, texts, repeats):
    """The mean over texts of each function's fastest CPU time on a text, over `repeats` rounds in
    which every function runs on each text in turn."""
    best = [[float("inf")] * len(texts) for _ in functions]
    for _ in range(repeats):
        for index, text in enumerate(texts):
            for times, function in zip(best, functions):
                start = time.thread_time()
                function(text)
                times[index] = min(times[index], time.thread_time() - start)
    return [sum(times) / len(texts) for times in best]


def main(argv=None):
    import spacy

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=40, help="Articles of 1,500 words to draft.")
    parser.add_argument("--seconds", type=float, default=5.0, help="Time each one-core run at least this long.")
    parser.add_argument("--jobs", type=int, default=2, help="Processes of the parallel run.")
    parser.add_argument("--best-of", type=int, default=0, help="Also time each article this many times, interleaved with "
                        "the floor, keeping each one's fastest CPU time.")
    args = parser.parse_args(argv)
    project = Project(ROOT)
    texts = articles(project, args.articles)
    words = sum(len(text.split()) for text in texts) / len(texts)
    task = Draft(ProjectTerms.of(project))
    available = cores()
    load = os.getloadavg()
    print(f"{len(texts)} articles of {words:,.0f} words on average (joined real source texts); "
          f"{available} cores available; load average {load[0]:.1f} {load[1]:.1f} {load[2]:.1f}")

    # Parallel first, while this process may still use every core; then pinned to one core.
    parallel = {jobs: batch_rate(task, texts * 3, jobs) for jobs in (1, args.jobs)}
    one_core()
    tokenizer = spacy.blank("en").tokenizer
    floor = rate(tokenizer, texts, args.seconds)
    extractor = rate(task, texts, args.seconds)
    scale = words / WORDS  # articles of 1,500 words a second
    print(f"one core, articles of {WORDS:,} words a second (wall clock | CPU time of this process; on a loaded\n"
          f"machine the CPU figure is the one this process could reach alone):\n"
          f"  kb extract        {extractor[0] * scale:8.1f} | {extractor[1] * scale:8.1f}   (target ≥ {TARGET}: "
          f"{'pass' if extractor[1] * scale >= TARGET else 'FAIL'})\n"
          f"  tokenizer floor   {floor[0] * scale:8.1f} | {floor[1] * scale:8.1f}   (spacy.blank('en').tokenizer alone)\n"
          f"  ratio             {floor[0] / extractor[0]:8.1f} | {floor[1] / extractor[1]:8.1f}   × the floor's time "
          "per article")
    if args.best_of:
        floor_time, extractor_time = best_times((tokenizer, task), texts, args.best_of)
        print(f"  best of {args.best_of} per article (interleaved; CPU time of this thread):\n"
              f"    kb extract      {scale / extractor_time:8.1f}   tokenizer floor {scale / floor_time:8.1f}   "
              f"ratio {extractor_time / floor_time:5.2f} × the floor's time")
    speedup = parallel[args.jobs][0] / parallel[1][0]
    print(f"parallel (run_all, as kb extract DIR -o DIR; {len(texts) * 3} articles, pool start included):\n"
          f"  1 process         {parallel[1][0] * scale:8.1f} articles of {WORDS:,} words/s (wall clock), "
          f"{parallel[1][1] * 1000:6.1f} ms CPU per article\n"
          f"  {args.jobs} processes       {parallel[args.jobs][0] * scale:8.1f} articles of {WORDS:,} words/s (wall clock), "
          f"{parallel[args.jobs][1] * 1000:6.1f} ms CPU per article, all processes\n"
          f"  speed-up          {speedup:8.2f}×  wall clock ({'faster' if speedup > 1.05 else 'NOT faster'} than one "
          f"process; on a machine busy with other sessions the kernel's autogroup shares CPU per session,\n"
          f"                    so a second process of the same session gains little: compare the CPU per article)")
    print(f"load average at the end {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
